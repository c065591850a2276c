//! Files on disk: whole files content-addressed by their SHA-256 under
//! `objects/`, downloads in progress under `partial/`, written chunk by
//! chunk where they belong and never held whole in memory.
//!
//! A file we send is copied in first (hashing as it goes), so the chunks
//! asked for next week still exist when the user has moved the original.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::protocol::UserId;
use crate::protocol::frame::Layout;

/// Read and hashed this much at a time.
const BUFFER: usize = 256 * 1024;
/// Sniffed for the MIME type.
pub const HEAD_BYTES: usize = 8 * 1024;

/// Where an account's files live.
#[derive(Debug, Clone)]
pub struct Disk {
    root: PathBuf,
}

/// A file copied in to be sent.
#[derive(Debug, Clone)]
pub struct Imported {
    pub sha256: [u8; 32],
    pub size: u64,
    pub path: PathBuf,
    /// Its first bytes, to sniff what it is.
    pub head: Vec<u8>,
}

impl Disk {
    pub fn new(root: impl Into<PathBuf>) -> Disk {
        Disk { root: root.into() }
    }

    /// The directory of an account whose store is `store_path`.
    pub fn beside(store_path: &Path) -> Disk {
        Disk::new(store_path.with_extension("files"))
    }

    pub fn object(&self, sha256: &[u8; 32]) -> PathBuf {
        self.root.join("objects").join(hex::encode(sha256))
    }

    pub fn partial(&self, sender: &UserId, file: Uuid) -> PathBuf {
        self.root
            .join("partial")
            .join(format!("{sender}-{}", file.simple()))
    }

    fn dir(&self, name: &str) -> io::Result<PathBuf> {
        let dir = self.root.join(name);
        fs::create_dir_all(&dir)?;
        Ok(dir)
    }

    /// Copies `source` in, hashing it; an identical file already here is
    /// kept and the copy dropped.
    pub fn import(&self, source: &Path) -> io::Result<Imported> {
        let mut input = File::open(source)?;
        if !input.metadata()?.is_file() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a file"));
        }
        let temp = self.dir("tmp")?.join(Uuid::now_v7().simple().to_string());
        let copied = copy_hashing(&mut input, &temp);
        let (sha256, size, head) = match copied {
            Ok(done) => done,
            Err(e) => {
                let _ = fs::remove_file(&temp);
                return Err(e);
            }
        };
        self.dir("objects")?;
        let path = self.object(&sha256);
        if path.exists() {
            fs::remove_file(&temp)?;
        } else {
            fs::rename(&temp, &path)?;
        }
        Ok(Imported {
            sha256,
            size,
            path,
            head,
        })
    }

    /// Writes chunk `index` of a download where it belongs.
    pub fn write_chunk(
        &self,
        path: &Path,
        layout: Layout,
        index: u32,
        data: &[u8],
    ) -> io::Result<()> {
        self.dir("partial")?;
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?;
        file.seek(SeekFrom::Start(layout.offset(index)))?;
        file.write_all(data)
    }

    /// Drops a download in progress.
    pub fn discard(&self, path: &Path) {
        if let Err(e) = fs::remove_file(path)
            && e.kind() != io::ErrorKind::NotFound
        {
            tracing::warn!("could not remove a partial download: {e}");
        }
    }

    /// A complete download becomes an object if its SHA-256 is the one
    /// announced; `Ok(None)` if it is not (it is discarded).
    pub fn finish(&self, partial: &Path, sha256: &[u8; 32]) -> io::Result<Option<PathBuf>> {
        let mut file = File::open(partial)?;
        file.sync_all()?;
        let (digest, _) = hash(&mut file)?;
        if &digest != sha256 {
            self.discard(partial);
            return Ok(None);
        }
        self.dir("objects")?;
        let object = self.object(sha256);
        fs::rename(partial, &object)?;
        Ok(Some(object))
    }
}

/// `dir/name`, or `dir/name (2).ext` and so on if that is taken: a saved
/// file never replaces one that is there.
pub fn free_name(dir: &Path, name: &str) -> io::Result<PathBuf> {
    fs::create_dir_all(dir)?;
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    let mut candidate = dir.join(name);
    let mut n = 2;
    while candidate.exists() {
        candidate = dir.join(format!("{stem} ({n}){extension}"));
        n += 1;
    }
    Ok(candidate)
}

/// Reads chunk `index` of a whole file.
pub fn read_chunk(path: &Path, layout: Layout, index: u32) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(layout.offset(index)))?;
    let mut data = vec![0; layout.chunk_len(index)];
    file.read_exact(&mut data)?;
    Ok(data)
}

fn copy_hashing(input: &mut File, to: &Path) -> io::Result<([u8; 32], u64, Vec<u8>)> {
    let mut output = File::create(to)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; BUFFER];
    let mut size = 0u64;
    let mut head = Vec::new();
    loop {
        let n = input.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        let bytes = &buffer[..n];
        if head.len() < HEAD_BYTES {
            head.extend_from_slice(&bytes[..n.min(HEAD_BYTES - head.len())]);
        }
        hasher.update(bytes);
        output.write_all(bytes)?;
        size += n as u64;
    }
    output.sync_all()?;
    Ok((hasher.finalize().into(), size, head))
}

/// SHA-256 and length of what `input` holds, read a buffer at a time.
pub fn hash(input: &mut impl Read) -> io::Result<([u8; 32], u64)> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; BUFFER];
    let mut size = 0u64;
    loop {
        let n = input.read(&mut buffer)?;
        if n == 0 {
            return Ok((hasher.finalize().into(), size));
        }
        hasher.update(&buffer[..n]);
        size += n as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::frame::MIN_CHUNK;

    #[test]
    fn a_file_is_imported_then_rebuilt_from_chunks_in_any_order() {
        let dir = tempfile::tempdir().unwrap();
        let disk = Disk::new(dir.path().join("files"));
        let source = dir.path().join("in.bin");
        let bytes: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();
        fs::write(&source, &bytes).unwrap();
        let imported = disk.import(&source).unwrap();
        assert_eq!(imported.size, 50_000);
        assert_eq!(imported.head.len(), HEAD_BYTES);
        assert_eq!(fs::read(&imported.path).unwrap(), bytes);
        // Importing it again keeps one copy.
        assert_eq!(disk.import(&source).unwrap().path, imported.path);

        let layout = Layout::new(50_000, MIN_CHUNK).unwrap();
        let partial = disk.partial(&UserId::new("alice").unwrap(), Uuid::from_u128(1));
        for index in [3, 0, 2, 1] {
            let data = read_chunk(&imported.path, layout, index).unwrap();
            disk.write_chunk(&partial, layout, index, &data).unwrap();
        }
        let object = disk.finish(&partial, &imported.sha256).unwrap().unwrap();
        assert_eq!(fs::read(object).unwrap(), bytes);
        assert!(!partial.exists());
    }

    #[test]
    fn a_download_that_does_not_hash_right_is_discarded() {
        let dir = tempfile::tempdir().unwrap();
        let disk = Disk::new(dir.path());
        let layout = Layout::new(10, MIN_CHUNK).unwrap();
        let partial = disk.partial(&UserId::new("bob").unwrap(), Uuid::from_u128(2));
        disk.write_chunk(&partial, layout, 0, b"0123456789")
            .unwrap();
        assert_eq!(disk.finish(&partial, &[0; 32]).unwrap(), None);
        assert!(!partial.exists());
    }

    #[test]
    fn a_saved_file_never_replaces_one_there() {
        let dir = tempfile::tempdir().unwrap();
        let first = free_name(dir.path(), "a.txt").unwrap();
        fs::write(&first, "x").unwrap();
        let second = free_name(dir.path(), "a.txt").unwrap();
        assert_eq!(second.file_name().unwrap(), "a (2).txt");
        fs::write(&second, "x").unwrap();
        assert_eq!(
            free_name(dir.path(), "a.txt").unwrap().file_name().unwrap(),
            "a (3).txt"
        );
        assert_eq!(
            free_name(dir.path(), ".env").unwrap().file_name().unwrap(),
            ".env"
        );
    }

    #[test]
    fn directories_and_missing_files_are_not_imported() {
        let dir = tempfile::tempdir().unwrap();
        let disk = Disk::new(dir.path().join("files"));
        assert!(disk.import(dir.path()).is_err());
        assert!(disk.import(&dir.path().join("nope")).is_err());
    }
}
