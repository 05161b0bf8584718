//! Expanding the command line's PATHs into the list of files to read.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use walkdir::{DirEntry, WalkDir};

use super::{IngestError, SourceFormat};

/// Expands files and folders into a sorted, de-duplicated list of files.
///
/// Files named explicitly are kept whatever their extension, so an
/// unsupported one still gets an error row. Folders are walked recursively
/// (following symlinks) for .txt and .docx files, skipping hidden entries and
/// Word lock files (`~$…`). A path that does not exist is an error.
pub fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, IngestError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => IngestError::NotFound(path.clone()),
            _ => IngestError::Io(e),
        })?;
        if meta.is_dir() {
            walk_folder(path, &mut files)?;
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    Ok(dedup_same_file(files))
}

fn walk_folder(root: &Path, files: &mut Vec<PathBuf>) -> Result<(), IngestError> {
    let walker = WalkDir::new(root)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e));
    for entry in walker {
        let entry = entry.map_err(|e| IngestError::Walk {
            path: e.path().unwrap_or(root).to_path_buf(),
            detail: e.to_string(),
        })?;
        if entry.file_type().is_file() && SourceFormat::from_path(entry.path()).is_some() {
            files.push(entry.into_path());
        }
    }
    Ok(())
}

/// Hidden files and folders, and Word's `~$name.docx` lock files.
fn is_ignored(entry: &DirEntry) -> bool {
    let name = entry.file_name().to_string_lossy();
    name.starts_with('.') || name.starts_with("~$")
}

/// Drops later spellings of a file already listed ("a/x.txt" and "./a/x.txt").
fn dedup_same_file(files: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut seen = HashSet::new();
    files
        .into_iter()
        .filter(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())))
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
            "essays/notes.pdf",
            "essays/e.doc",
            "essays/txt",
        ] {
            touch(root, ignored);
        }
        let pdf = touch(root, "other/report.pdf");
        let got = collect_inputs(&[root.join("essays"), pdf.clone(), b.clone()]).unwrap();
        assert_eq!(got, vec![a, b, nested, pdf]);
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
}
