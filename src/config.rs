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
    /// Syntax, unknown key or wrong type: where it is, as toml reports it.
    #[error("invalid config {path}, line {line}, column {column} (`{text}`): {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        text: String,
        message: String,
    },
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
    /// Publish a run that found no document (command line only: a nightly job
    /// must not replace its datasets with empty ones by accident).
    pub allow_empty: bool,
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
            allow_empty: false,
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
        let file: File = toml::from_str(text).map_err(|e| {
            // toml's span points at the key or value at fault; a person needs
            // its line and the line's text, not a byte offset.
            let at = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
            let column = before[line_start..].chars().count() + 1;
            let line_text = text[line_start..].lines().next().unwrap_or("").trim();
            ConfigError::Parse {
                path: path.to_path_buf(),
                line,
                column,
                text: line_text.to_string(),
                message: e.message().trim().to_string(),
            }
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
            Patterns::new(&p).map_err(|e| bad(format!("input.patterns: {e}")))?;
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

/// The input file-name patterns, compiled: globs on the file name (`*`,
/// `?`, `[abc]`, `{a,b}`), case-insensitive.
#[derive(Clone, Debug)]
pub struct Patterns {
    set: globset::GlobSet,
}

impl Patterns {
    pub fn new(patterns: &[String]) -> Result<Patterns, globset::Error> {
        let mut b = globset::GlobSetBuilder::new();
        for p in patterns {
            b.add(
                globset::GlobBuilder::new(p)
                    .case_insensitive(true)
                    .literal_separator(true)
                    .build()?,
            );
        }
        Ok(Patterns { set: b.build()? })
    }

    /// Whether a file name (not a path) matches one of the patterns.
    pub fn matches(&self, name: &str) -> bool {
        self.set.is_match(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let p = |v: &[&str]| {
            Patterns::new(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
        };
        let txt = p(&["*.txt"]);
        assert!(txt.matches("a.TXT"));
        assert!(txt.matches("shanghai-x.layout.txt"));
        assert!(!txt.matches("a.txt.bak"));
        assert!(p(&["doc_??.txt"]).matches("doc_01.txt"));
        let both = p(&["*.{txt,pdf}"]);
        assert!(both.matches("r.PDF") && both.matches("r.txt") && !both.matches("r.doc"));
    }

    #[test]
    fn a_bad_pattern_is_refused_naming_the_key() {
        let e =
            Config::parse("[input]\npatterns = [\"[a.txt\"]\n", Path::new("p.toml")).unwrap_err();
        assert!(e.to_string().contains("input.patterns"), "{e}");
    }

    #[test]
    fn syntax_and_type_errors_name_the_line_and_the_key() {
        let text = "[input]\nroot = \"in\"\n\n[run]\nthreads = \"four\"\n";
        let e = Config::parse(text, Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 5"), "{e}");
        assert!(e.contains("threads = \"four\""), "{e}");
        let e = Config::parse(
            "[output]\nroot = \"o\"\ncompresion = \"zstd\"\n",
            Path::new("p.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("line 3") && e.contains("compresion"), "{e}");
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
