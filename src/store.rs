//! Where a sharded run's files are kept, and the one primitive its protocol
//! needs from storage: put-if-absent, so that of two writers of the same name
//! (two attempts of a shard, two committers of a table version) exactly one
//! wins and the other learns it lost. Local folders and `file://` URLs today;
//! object storage would implement the same calls here.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A `--input` / `--output` location: a folder, or a `file://` URL of one.
/// Other schemes are refused by name rather than read as relative folders.
pub fn local_path(location: &str) -> Result<PathBuf, String> {
    if let Some(rest) = location.strip_prefix("file://") {
        if !rest.starts_with('/') {
            return Err(format!(
                "{location}: a file:// URL needs an absolute path (file:///data/out)"
            ));
        }
        return Ok(PathBuf::from(percent_decode(rest)));
    }
    if let Some((scheme, _)) = location.split_once("://") {
        return Err(format!(
            "{location}: {scheme}:// is not supported yet (local folders and file:// URLs are; object storage is planned, issue 19)"
        ));
    }
    Ok(PathBuf::from(location))
}

/// `%XX` escapes (of URLs and Delta log paths) to bytes, read as UTF-8.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes `bytes` to `path` unless something is there already: true when this
/// call created it. Readers never see a partly written file: the bytes go to a
/// temporary name first and are linked into place, which fails if the name
/// is taken.
pub fn put_if_absent(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", unique_suffix()));
    let mut f = File::create_new(&tmp)?;
    let written = f.write_all(bytes).and_then(|()| f.sync_all());
    drop(f);
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    let linked = fs::hard_link(&tmp, path);
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            if let Some(dir) = path.parent()
                && let Ok(d) = File::open(dir)
            {
                let _ = d.sync_all();
            }
            Ok(true)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        // File systems without hard links: an exclusive create is still
        // put-if-absent, only not atomic for a reader racing the write.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::Unsupported | io::ErrorKind::PermissionDenied
            ) =>
        {
            match File::create_new(path) {
                Ok(mut f) => {
                    f.write_all(bytes)?;
                    f.sync_all()?;
                    Ok(true)
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

/// A name part no other process or attempt uses: the time in nanoseconds,
/// the process id and a counter, hashed to 12 hex digits.
pub fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let host = fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let seed = format!(
        "{nanos}-{}-{}-{host}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    format!(
        "{:012x}",
        xxhash_rust::xxh3::xxh3_64(seed.as_bytes()) & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_put_wins_and_the_second_is_told() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("shards/3.json");
        assert!(put_if_absent(&p, b"first").unwrap());
        assert!(!put_if_absent(&p, b"second").unwrap());
        assert_eq!(fs::read(&p).unwrap(), b"first");
        // No temporary file is left beside it.
        assert_eq!(fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn locations_are_folders_or_file_urls() {
        assert_eq!(local_path("out").unwrap(), PathBuf::from("out"));
        assert_eq!(
            local_path("file:///data/my%20out").unwrap(),
            PathBuf::from("/data/my out")
        );
        assert!(local_path("file://relative").is_err());
        let e = local_path("s3://bucket/out").unwrap_err();
        assert!(e.contains("s3:// is not supported"), "{e}");
    }
}
