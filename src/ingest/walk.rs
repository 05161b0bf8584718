//! Expanding the command line's PATHs into the list of files to read.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use walkdir::{DirEntry, WalkDir};

use super::{IngestError, SourceFormat};

/// Expands files and folders into a sorted, de-duplicated list of files.
///
/// Files named explicitly are kept whatever their extension, so an unsupported one still gets
/// an error row. Folders are walked recursively (following symlinks) for the supported
/// extensions (see [`SourceFormat::from_path`]), skipping hidden entries and Word lock files
/// (`~$…`). An entry the walk cannot list (a folder without read permission, a symlink loop, a
/// dangling link) is kept in the list too, so that reading it gives that entry its own error
/// row and the batch goes on. Only a path given on the command line that does not exist is an
/// error here.
pub fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, IngestError> {
    let mut files = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk_folder(path, &mut files),
            Ok(_) => files.push(path.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // A dangling symlink named explicitly gets a row; a missing path is an error.
                if std::fs::symlink_metadata(path).is_ok() {
                    files.push(path.clone());
                } else {
                    return Err(IngestError::NotFound(path.clone()));
                }
            }
            // Permission denied, symlink loop…: the row will say which.
            Err(_) => files.push(path.clone()),
        }
    }
    files.sort();
    files.dedup();
    Ok(dedup_same_file(files))
}

fn walk_folder(root: &Path, files: &mut Vec<PathBuf>) {
    let walker = WalkDir::new(root)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e));
    for entry in walker {
        match entry {
            Ok(entry) => {
                // Not only regular files: a FIFO or device named like an essay gets a row
                // saying what it is (reading it is refused, it could block for ever).
                if !entry.file_type().is_dir() && SourceFormat::from_path(entry.path()).is_some() {
                    files.push(entry.into_path());
                }
            }
            Err(e) => {
                let Some(path) = e.path() else { continue };
                // A link to a folder above it: its files are listed through that folder
                // already, but the loop gets a row of its own.
                let wanted = e.loop_ancestor().is_some()
                    || e.io_error().is_some()
                        && (SourceFormat::from_path(path).is_some() || path.extension().is_none());
                let hidden = path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(['.', '~']));
                if wanted && !hidden {
                    files.push(path.to_path_buf());
                }
            }
        }
    }
}

/// Why a folder met where a document was expected cannot be read: a symlink loop, no
/// permission, or simply that it is a folder.
pub(super) fn diagnose_folder(path: &Path) -> IngestError {
    if let Ok(link) = std::fs::symlink_metadata(path) {
        if link.file_type().is_symlink() {
            if let (Ok(target), Some(parent)) = (std::fs::canonicalize(path), path.parent()) {
                let parent = std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf());
                if parent.starts_with(&target) {
                    return IngestError::SymlinkLoop(path.to_path_buf());
                }
            }
        }
    }
    match std::fs::read_dir(path) {
        Err(e) => match super::io_error(path, e) {
            IngestError::Io(e) => IngestError::Walk {
                path: path.to_path_buf(),
                detail: e.to_string(),
            },
            other => other,
        },
        Ok(_) => IngestError::NotAFile(path.to_path_buf()),
    }
}

/// What identifies a file for [`dedup_same_file`]: device and inode on Unix; elsewhere the
/// canonical path (one `realpath` per file, hard links then count as one file).
#[cfg(unix)]
type FileKey = (u64, u64);
#[cfg(not(unix))]
type FileKey = PathBuf;

#[cfg(unix)]
fn file_key(path: &Path) -> Option<FileKey> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_key(path: &Path) -> Option<FileKey> {
    std::fs::canonicalize(path).ok()
}

/// Hidden files and folders, and Word's `~$name.docx` lock files.
fn is_ignored(entry: &DirEntry) -> bool {
    let name = entry.file_name().to_string_lossy();
    name.starts_with('.') || name.starts_with("~$")
}

/// Drops later spellings of a file already listed ("a/x.txt", "./a/x.txt", a symbolic link to
/// it): the same canonical path. Paths are canonicalized only when their device and inode
/// collide (hard links stay separate rows), which spares a `realpath` per file.
fn dedup_same_file(files: Vec<PathBuf>) -> Vec<PathBuf> {
    let canonical = |p: &PathBuf| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
    let mut by_inode: HashMap<FileKey, Vec<PathBuf>> = HashMap::new();
    files
        .into_iter()
        .filter(|p| {
            let Some(key) = file_key(p) else {
                return true;
            };
            match by_inode.entry(key) {
                Entry::Vacant(slot) => {
                    slot.insert(vec![p.clone()]);
                    true
                }
                Entry::Occupied(mut slot) => {
                    let this = canonical(p);
                    let new = slot.get().iter().all(|q| canonical(q) != this);
                    if new {
                        slot.get_mut().push(p.clone());
                    }
                    new
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn touch(root: &Path, rel: &str) -> PathBuf {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "x").unwrap();
        path
    }

    #[test]
    fn walks_folders_and_keeps_explicit_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let b = touch(root, "essays/b.docx");
        let a = touch(root, "essays/a.TXT");
        let nested = touch(root, "essays/chi-bo-1/c.DocX");
        for ignored in [
            "essays/.hidden.txt",
            "essays/~$b.docx",
            "essays/.git/d.txt",
            "essays/notes.xls",
            "essays/e.docm",
            "essays/txt",
        ] {
            touch(root, ignored);
        }
        let pdf = touch(root, "essays/scan.PDF");
        let odt = touch(root, "essays/d.odt");
        let xls = touch(root, "other/report.xls");
        let got = collect_inputs(&[root.join("essays"), xls.clone(), b.clone()]).unwrap();
        assert_eq!(got, vec![a, b, nested, odt, pdf, xls]);
    }

    #[test]
    fn missing_path_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("khong-co");
        let err = collect_inputs(std::slice::from_ref(&missing)).unwrap_err();
        assert!(matches!(&err, IngestError::NotFound(p) if *p == missing));
        assert!(err.to_string().contains("khong-co"));
    }

    #[test]
    fn same_file_twice_is_listed_once() {
        let dir = tempfile::tempdir().unwrap();
        let f = touch(dir.path(), "x/a.txt");
        let dotted = dir.path().join("x/./a.txt");
        let got = collect_inputs(&[f.clone(), dotted, dir.path().join("x")]).unwrap();
        assert_eq!(got.len(), 1);
    }

    #[test]
    fn explicit_hidden_folder_is_walked() {
        let dir = tempfile::tempdir().unwrap();
        let f = touch(dir.path(), ".bai/a.txt");
        assert_eq!(collect_inputs(&[dir.path().join(".bai")]).unwrap(), vec![f]);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_become_rows() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("bai");
        let a = touch(&root, "a.txt");
        // A link to its own folder, and two links pointing at each other.
        std::os::unix::fs::symlink(&root, root.join("vong")).unwrap();
        std::os::unix::fs::symlink(root.join("y.txt"), root.join("x.txt")).unwrap();
        std::os::unix::fs::symlink(root.join("x.txt"), root.join("y.txt")).unwrap();
        let got = collect_inputs(std::slice::from_ref(&root)).unwrap();
        let names: Vec<_> = got
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.txt", "vong", "x.txt", "y.txt"], "{got:?}");
        assert_eq!(got[0], a);
        for p in &got[1..] {
            let err = super::super::read_document(p).unwrap_err();
            assert!(
                matches!(err, IngestError::SymlinkLoop(_)),
                "{}: {err}",
                p.display()
            );
            assert!(err
                .to_string()
                .starts_with("liên kết tượng trưng (symlink) tạo vòng lặp"));
        }
    }
}
