//! Where a sharded run's files are kept: a local folder (or `file://` URL),
//! or a prefix in object storage (`s3://`, `gs://`, `az://`, with the `cloud`
//! feature), behind one [`Store`] with the calls the protocol needs: list,
//! get, put, delete, and put-if-absent, so that of two writers of the same
//! name (two attempts of a shard, two committers of a table version) exactly
//! one wins and the other learns it lost. Every object_store call of juesuan
//! is in this module.
//!
//! Object storage is configured from the standard environment of each
//! service (`AmazonS3Builder::from_env()` and its Google and Azure twins):
//! `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
//! `AWS_ENDPOINT_URL` (an S3-compatible server), `AWS_ALLOW_HTTP=true` (one
//! without TLS); `GOOGLE_SERVICE_ACCOUNT`; `AZURE_STORAGE_ACCOUNT_NAME`,
//! `AZURE_STORAGE_ACCOUNT_KEY`.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{location}: {source}")]
    Io { location: String, source: io::Error },
    #[cfg(feature = "cloud")]
    #[error("{location}: {source}")]
    Object {
        location: String,
        source: object_store::Error,
    },
    #[error("{location}: {message}")]
    Location { location: String, message: String },
}

/// One object (file) under a store.
#[derive(Clone, Debug)]
pub struct Listed {
    /// Relative to the store's root, `/`-separated.
    pub key: String,
    pub size: u64,
    /// Milliseconds since 1970 (0 when unknown).
    pub modified_ms: i64,
    /// The object's ETag (object storage), which changes with its content.
    pub etag: Option<String>,
}

/// A location files are read from and written to.
#[derive(Clone, Debug)]
pub struct Store {
    /// The location as a person names it: a folder or a URL, no trailing `/`.
    name: String,
    backend: Backend,
}

#[derive(Clone, Debug)]
enum Backend {
    Local(PathBuf),
    #[cfg(feature = "cloud")]
    Object(cloud::Object),
}

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
            "{location}: {scheme}:// is not a local folder (object storage: s3://, gs://, az://)"
        ));
    }
    Ok(PathBuf::from(location))
}

/// True for locations in object storage rather than local folders.
pub fn is_url(location: &str) -> bool {
    location
        .split_once("://")
        .is_some_and(|(scheme, _)| scheme != "file")
}

impl Store {
    /// Opens a folder, `file://` URL or object-storage URL. Nothing is read:
    /// a location that does not exist yet is an empty store.
    pub fn open(location: &str) -> Result<Store, StoreError> {
        let location = location.trim_end_matches('/');
        if !is_url(location) {
            let path = local_path(location).map_err(|message| StoreError::Location {
                location: location.to_string(),
                message,
            })?;
            return Ok(Store::local(&path));
        }
        #[cfg(feature = "cloud")]
        {
            Ok(Store {
                name: location.to_string(),
                backend: Backend::Object(cloud::Object::open(location)?),
            })
        }
        #[cfg(not(feature = "cloud"))]
        Err(StoreError::Location {
            location: location.to_string(),
            message: "this juesuan was built without object storage (cargo feature `cloud`); local folders and file:// URLs only".into(),
        })
    }

    pub fn local(path: &Path) -> Store {
        Store {
            name: path.display().to_string(),
            backend: Backend::Local(path.to_path_buf()),
        }
    }

    /// The folder, when the store is local.
    pub fn local_root(&self) -> Option<&Path> {
        match &self.backend {
            Backend::Local(p) => Some(p),
            #[cfg(feature = "cloud")]
            Backend::Object(_) => None,
        }
    }

    /// The store's location (a folder or a URL).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The store under `rel` (a subfolder or sub-prefix).
    pub fn child(&self, rel: &str) -> Store {
        Store {
            name: self.display(rel),
            backend: match &self.backend {
                Backend::Local(p) => Backend::Local(p.join(rel)),
                #[cfg(feature = "cloud")]
                Backend::Object(o) => Backend::Object(o.child(rel)),
            },
        }
    }

    /// How a person finds `rel`: its path or URL, for messages.
    pub fn display(&self, rel: &str) -> String {
        match &self.backend {
            Backend::Local(p) => p.join(rel).display().to_string(),
            #[cfg(feature = "cloud")]
            Backend::Object(_) => format!("{}/{rel}", self.name),
        }
    }

    fn io_err(&self, rel: &str) -> impl FnOnce(io::Error) -> StoreError {
        let location = self.display(rel);
        move |source| StoreError::Io { location, source }
    }

    /// The bytes of `rel`; None when there is no such file.
    pub fn get(&self, rel: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match &self.backend {
            Backend::Local(p) => match fs::read(p.join(rel)) {
                Ok(b) => Ok(Some(b)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(self.io_err(rel)(e)),
            },
            #[cfg(feature = "cloud")]
            Backend::Object(o) => o.get(rel, &self.display(rel)),
        }
    }

    /// Fetches every key of `rels` (a few at a time from object storage) and
    /// hands each to `f` with its index as it arrives, in no set order; None
    /// for a key that does not exist. Stops at the first error of `f`.
    pub fn get_each<E: From<StoreError>>(
        &self,
        rels: &[String],
        mut f: impl FnMut(usize, Option<Vec<u8>>) -> Result<(), E>,
    ) -> Result<(), E> {
        match &self.backend {
            Backend::Local(_) => {
                for (i, rel) in rels.iter().enumerate() {
                    f(i, self.get(rel)?)?;
                }
                Ok(())
            }
            #[cfg(feature = "cloud")]
            Backend::Object(o) => o.get_each(rels, |rel| self.display(rel), f),
        }
    }

    /// Writes `rel`, replacing what is there; readers see the old bytes or
    /// the new ones.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Local(p) => {
                let path = p.join(rel);
                let err = self.io_err(rel);
                (|| {
                    if let Some(dir) = path.parent() {
                        fs::create_dir_all(dir)?;
                    }
                    let name = path.file_name().unwrap_or_default().to_string_lossy();
                    let tmp = path.with_file_name(format!(".{name}.{}.tmp", unique_suffix()));
                    fs::write(&tmp, bytes)?;
                    fs::rename(&tmp, &path)
                })()
                .map_err(err)
            }
            #[cfg(feature = "cloud")]
            Backend::Object(o) => o.put(rel, bytes, &self.display(rel)),
        }
    }

    /// Writes `rel` unless something is there already: true when this call
    /// created it.
    pub fn put_if_absent(&self, rel: &str, bytes: &[u8]) -> Result<bool, StoreError> {
        match &self.backend {
            Backend::Local(p) => put_if_absent(&p.join(rel), bytes).map_err(self.io_err(rel)),
            #[cfg(feature = "cloud")]
            Backend::Object(o) => o.put_if_absent(rel, bytes, &self.display(rel)),
        }
    }

    /// Removes `rel`; a file already gone is no error.
    pub fn delete(&self, rel: &str) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Local(p) => match fs::remove_file(p.join(rel)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(self.io_err(rel)(e)),
                _ => Ok(()),
            },
            #[cfg(feature = "cloud")]
            Backend::Object(o) => o.delete(rel, &self.display(rel)),
        }
    }

    /// Every file under `rel` (recursively; `""` for the whole store), sorted
    /// by key. A folder that does not exist lists nothing.
    pub fn list(&self, rel: &str) -> Result<Vec<Listed>, StoreError> {
        let mut out = match &self.backend {
            Backend::Local(root) => {
                let mut out = Vec::new();
                list_local(root, &root.join(rel), &mut out).map_err(self.io_err(rel))?;
                out
            }
            #[cfg(feature = "cloud")]
            Backend::Object(o) => o.list(rel, &self.display(rel))?,
        };
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }
}

fn list_local(root: &Path, dir: &Path, out: &mut Vec<Listed>) -> io::Result<()> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for e in rd {
        let e = e?;
        let path = e.path();
        let meta = fs::metadata(&path)?;
        if meta.is_dir() {
            list_local(root, &path, out)?;
            continue;
        }
        let key = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        out.push(Listed {
            key,
            size: meta.len(),
            modified_ms: meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_millis() as i64)
                .unwrap_or_default(),
            etag: None,
        });
    }
    Ok(())
}

#[cfg(feature = "cloud")]
mod cloud {
    use std::sync::{Arc, OnceLock};

    use futures_util::StreamExt;
    use object_store::path::Path as ObjectPath;
    use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};

    use super::{Listed, StoreError};

    /// Requests in flight at once when fetching many objects.
    const CONCURRENCY: usize = 16;

    #[derive(Clone, Debug)]
    pub struct Object {
        store: Arc<dyn ObjectStore>,
        /// The key prefix of the location inside its bucket (`""` at the top).
        prefix: String,
    }

    /// object_store is async; juesuan's work is CPU-bound and synchronous, so
    /// one current-thread runtime drives the requests where they are made.
    fn runtime() -> &'static tokio::runtime::Runtime {
        static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
        RT.get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime")
        })
    }

    fn object_err(location: &str) -> impl FnOnce(object_store::Error) -> StoreError + '_ {
        move |source| StoreError::Object {
            location: location.to_string(),
            source,
        }
    }

    impl Object {
        pub fn open(location: &str) -> Result<Object, StoreError> {
            // The HTTP client's TLS needs a crypto provider (ring, see Cargo.toml);
            // installing it twice is harmless.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let bad = |message: String| StoreError::Location {
                location: location.to_string(),
                message,
            };
            let url = url::Url::parse(location).map_err(|e| bad(e.to_string()))?;
            let (scheme, path) = object_store::ObjectStoreScheme::parse(&url).map_err(|e| {
                bad(format!(
                    "{e} (object storage URLs: s3://bucket/prefix, gs://bucket/prefix, az://container/prefix)"
                ))
            })?;
            use object_store::ObjectStoreScheme as S;
            let built: Result<Arc<dyn ObjectStore>, object_store::Error> = match scheme {
                S::AmazonS3 => object_store::aws::AmazonS3Builder::from_env()
                    .with_url(location)
                    .build()
                    .map(|s| Arc::new(s) as _),
                S::GoogleCloudStorage => object_store::gcp::GoogleCloudStorageBuilder::from_env()
                    .with_url(location)
                    .build()
                    .map(|s| Arc::new(s) as _),
                S::MicrosoftAzure => object_store::azure::MicrosoftAzureBuilder::from_env()
                    .with_url(location)
                    .build()
                    .map(|s| Arc::new(s) as _),
                other => {
                    return Err(bad(format!(
                        "{other:?} is not supported: s3://, gs://, az:// (and file:// or a folder) are"
                    )));
                }
            };
            let store = built.map_err(object_err(location))?;
            Ok(Object {
                store,
                prefix: path.as_ref().trim_matches('/').to_string(),
            })
        }

        pub fn child(&self, rel: &str) -> Object {
            Object {
                store: Arc::clone(&self.store),
                prefix: self.key(rel),
            }
        }

        fn key(&self, rel: &str) -> String {
            let rel = rel.trim_matches('/');
            match (self.prefix.is_empty(), rel.is_empty()) {
                (true, _) => rel.to_string(),
                (false, true) => self.prefix.clone(),
                (false, false) => format!("{}/{rel}", self.prefix),
            }
        }

        fn path(&self, rel: &str) -> ObjectPath {
            let key = self.key(rel);
            ObjectPath::parse(&key).unwrap_or_else(|_| ObjectPath::from(key.as_str()))
        }

        pub fn get(&self, rel: &str, location: &str) -> Result<Option<Vec<u8>>, StoreError> {
            let path = self.path(rel);
            runtime().block_on(async {
                match self.store.get(&path).await {
                    Ok(r) => r
                        .bytes()
                        .await
                        .map(|b| Some(b.to_vec()))
                        .map_err(object_err(location)),
                    Err(object_store::Error::NotFound { .. }) => Ok(None),
                    Err(e) => Err(object_err(location)(e)),
                }
            })
        }

        pub fn get_each<E: From<StoreError>>(
            &self,
            rels: &[String],
            display: impl Fn(&str) -> String,
            mut f: impl FnMut(usize, Option<Vec<u8>>) -> Result<(), E>,
        ) -> Result<(), E> {
            let display = &display;
            runtime().block_on(async {
                let mut fetched = futures_util::stream::iter(rels.iter().enumerate())
                    .map(|(i, rel)| async move {
                        let location = display(rel);
                        let got = match self.store.get(&self.path(rel)).await {
                            Ok(r) => r.bytes().await.map(|b| Some(b.to_vec())),
                            Err(object_store::Error::NotFound { .. }) => Ok(None),
                            Err(e) => Err(e),
                        };
                        (i, got.map_err(object_err(&location)))
                    })
                    .buffer_unordered(CONCURRENCY);
                while let Some((i, got)) = fetched.next().await {
                    f(i, got?)?;
                }
                Ok(())
            })
        }

        pub fn put(&self, rel: &str, bytes: &[u8], location: &str) -> Result<(), StoreError> {
            let path = self.path(rel);
            let payload = PutPayload::from(bytes.to_vec());
            runtime()
                .block_on(self.store.put(&path, payload))
                .map(|_| ())
                .map_err(object_err(location))
        }

        pub fn put_if_absent(
            &self,
            rel: &str,
            bytes: &[u8],
            location: &str,
        ) -> Result<bool, StoreError> {
            let path = self.path(rel);
            let payload = PutPayload::from(bytes.to_vec());
            let opts = PutOptions::from(PutMode::Create);
            match runtime().block_on(self.store.put_opts(&path, payload, opts)) {
                Ok(_) => Ok(true),
                Err(object_store::Error::AlreadyExists { .. })
                | Err(object_store::Error::Precondition { .. }) => Ok(false),
                Err(e @ object_store::Error::NotImplemented { .. }) => Err(StoreError::Location {
                    location: location.to_string(),
                    message: format!(
                        "the store cannot write a file only if it is absent ({e}); shard manifests and Delta commits need it (S3: AWS_S3_CONDITIONAL_PUT=etag, the default)"
                    ),
                }),
                Err(e) => Err(object_err(location)(e)),
            }
        }

        pub fn delete(&self, rel: &str, location: &str) -> Result<(), StoreError> {
            let path = self.path(rel);
            match runtime().block_on(self.store.delete(&path)) {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(object_err(location)(e)),
            }
        }

        pub fn list(&self, rel: &str, location: &str) -> Result<Vec<Listed>, StoreError> {
            let key = self.key(rel);
            let prefix = (!key.is_empty()).then(|| self.path(rel));
            let metas: Vec<object_store::ObjectMeta> = runtime().block_on(async {
                let mut out = Vec::new();
                let mut s = self.store.list(prefix.as_ref());
                while let Some(m) = s.next().await {
                    out.push(m.map_err(object_err(location))?);
                }
                Ok::<_, StoreError>(out)
            })?;
            let root = if self.prefix.is_empty() {
                String::new()
            } else {
                format!("{}/", self.prefix)
            };
            Ok(metas
                .into_iter()
                .filter_map(|m| {
                    let key = m.location.as_ref().strip_prefix(&root)?.to_string();
                    Some(Listed {
                        key,
                        size: m.size,
                        modified_ms: m.last_modified.timestamp_millis(),
                        etag: m.e_tag,
                    })
                })
                .collect())
        }
    }
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
        assert!(e.contains("s3:// is not a local folder"), "{e}");
        assert!(is_url("s3://bucket/out") && !is_url("file:///x") && !is_url("out"));
    }

    #[test]
    fn a_local_store_lists_gets_puts_and_deletes_by_relative_key() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&format!("file://{}/", dir.path().display())).unwrap();
        assert_eq!(s.get("a/b.json").unwrap(), None);
        s.put("a/b.json", b"1").unwrap();
        s.put("a/b.json", b"2").unwrap();
        assert!(s.child("a").put_if_absent("c/d.json", b"3").unwrap());
        assert!(!s.put_if_absent("a/c/d.json", b"4").unwrap());
        let keys: Vec<String> = s.list("a").unwrap().into_iter().map(|l| l.key).collect();
        assert_eq!(keys, ["a/b.json", "a/c/d.json"]);
        assert_eq!(s.get("a/b.json").unwrap().unwrap(), b"2");
        s.delete("a/b.json").unwrap();
        s.delete("a/b.json").unwrap();
        assert_eq!(s.list("").unwrap().len(), 1);
        assert!(s.list("missing").unwrap().is_empty());
    }
}
