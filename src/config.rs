//! `pipeline.toml`: where documents are read from, where datasets go, and how.
//! Every key is optional; command-line flags override the file.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

use crate::emit::Dataset;

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid config {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("invalid config {path}: {message}")]
    Value { path: PathBuf, message: String },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    input: InputSection,
    #[serde(default)]
    output: OutputSection,
    #[serde(default)]
    run: RunSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct InputSection {
    root: Option<PathBuf>,
    patterns: Option<Vec<String>>,
    max_document_mb: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutputSection {
    root: Option<PathBuf>,
    datasets: Option<Vec<String>>,
    compression: Option<String>,
    zstd_level: Option<i32>,
    row_group_rows: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunSection {
    threads: Option<usize>,
    incremental: Option<bool>,
}

/// Parquet compression codec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    Zstd(i32),
    None,
}

/// The resolved configuration of a run.
#[derive(Clone, Debug)]
pub struct Config {
    pub input: PathBuf,
    pub patterns: Vec<String>,
    pub max_document_bytes: u64,
    pub output: PathBuf,
    pub datasets: Vec<Dataset>,
    pub compression: Compression,
    pub row_group_rows: usize,
    /// 0: one thread per core.
    pub threads: usize,
    /// Reuse the rows of unchanged files from the previous run's output.
    pub incremental: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            input: PathBuf::from("input"),
            patterns: vec!["*.txt".to_string(), "*.pdf".to_string()],
            max_document_bytes: 64 << 20,
            output: PathBuf::from("output"),
            datasets: Dataset::ALL.to_vec(),
            compression: Compression::Zstd(3),
            row_group_rows: 128 * 1024,
            threads: 0,
            incremental: false,
        }
    }
}

impl Config {
    /// Reads a config file. Relative paths in it are relative to the file's
    /// folder, so a run gives the same result from any working directory.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let file: File = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let rel = |p: PathBuf| if p.is_absolute() { p } else { base.join(p) };
        let mut c = Config::default();
        let bad = |message: String| ConfigError::Value {
            path: path.to_path_buf(),
            message,
        };
        if let Some(r) = file.input.root {
            c.input = rel(r);
        } else {
            c.input = base.join(&c.input);
        }
        if let Some(p) = file.input.patterns {
            if p.is_empty() {
                return Err(bad("input.patterns is empty: no file would be read".into()));
            }
            c.patterns = p;
        }
        if let Some(mb) = file.input.max_document_mb {
            if mb == 0 {
                return Err(bad("input.max_document_mb must be at least 1".into()));
            }
            c.max_document_bytes = mb << 20;
        }
        c.output = match file.output.root {
            Some(r) => rel(r),
            None => base.join(&c.output),
        };
        if let Some(ds) = file.output.datasets {
            let mut v = Vec::new();
            for d in ds {
                let known = Dataset::ALL
                    .iter()
                    .map(|d| d.name())
                    .collect::<Vec<_>>()
                    .join(", ");
                v.push(Dataset::from_name(&d).ok_or_else(|| {
                    bad(format!(
                        "unknown dataset '{d}' in output.datasets (known: {known})"
                    ))
                })?);
            }
            if !v.contains(&Dataset::Documents) {
                // The document ledger is what makes a run auditable; always kept.
                v.insert(0, Dataset::Documents);
            }
            v.sort();
            v.dedup();
            c.datasets = v;
        }
        let level = file.output.zstd_level.unwrap_or(3);
        if !(1..=22).contains(&level) {
            return Err(bad(format!("output.zstd_level {level} is outside 1..=22")));
        }
        c.compression = match file.output.compression.as_deref().unwrap_or("zstd") {
            "zstd" => Compression::Zstd(level),
            "none" | "uncompressed" => Compression::None,
            other => {
                return Err(bad(format!(
                    "output.compression '{other}' is not supported (zstd or none)"
                )));
            }
        };
        if let Some(n) = file.output.row_group_rows {
            if n == 0 {
                return Err(bad("output.row_group_rows must be at least 1".into()));
            }
            c.row_group_rows = n;
        }
        if let Some(t) = file.run.threads {
            c.threads = t;
        }
        c.incremental = file.run.incremental.unwrap_or(false);
        Ok(c)
    }
}

/// Case-insensitive glob on a file name: `*` any run, `?` one character.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let n: Vec<char> = name.to_lowercase().chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*.txt", "a.TXT"));
        assert!(glob_match("*.txt", "shanghai-x.layout.txt"));
        assert!(!glob_match("*.txt", "a.txt.bak"));
        assert!(glob_match("doc_??.txt", "doc_01.txt"));
    }

    #[test]
    fn parses_and_resolves_relative_paths() {
        let c = Config::parse("[input]\nroot = \"in\"\n[output]\nroot = \"/tmp/out\"\ndatasets = [\"line_items\"]\n[run]\nthreads = 2\n", Path::new("/etc/j/pipeline.toml")).unwrap();
        assert_eq!(c.input, PathBuf::from("/etc/j/in"));
        assert_eq!(c.output, PathBuf::from("/tmp/out"));
        assert_eq!(c.datasets, vec![Dataset::Documents, Dataset::LineItems]);
        assert_eq!(c.threads, 2);
    }

    #[test]
    fn rejects_unknown_keys_and_values() {
        let p = Path::new("p.toml");
        assert!(
            Config::parse("[input]\nrot = \"x\"\n", p)
                .unwrap_err()
                .to_string()
                .contains("rot")
        );
        assert!(
            Config::parse("[output]\ndatasets = [\"lines\"]\n", p)
                .unwrap_err()
                .to_string()
                .contains("unknown dataset 'lines'")
        );
        assert!(Config::parse("[output]\ncompression = \"lz4\"\n", p).is_err());
    }
}
