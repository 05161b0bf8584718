//! The committee's decisions: an append-only, tamper-evident log of grade overrides.
//!
//! The engine proposes a grade; the committee (tổ đánh giá) decides. Every decision is one line
//! of JSON in a log file (JSON Lines): who decided, when, which file and the SHA-256 of its text
//! as read (the same hash as a result row's `sha256`), the old and the new grade, the reason,
//! the rubric, the engine version, and the hash of the previous entry. An entry's `hash` is the
//! SHA-256 of its canonical JSON without `hash` (fields in the order of [`Decision`], no spaces),
//! so changing any byte of an entry, removing one from the middle, or reordering them breaks the
//! chain, and [`verify`] names the first entry that no longer holds.
//!
//! ```
//! use thuhoach::audit::{verify, DecisionLog, NewDecision};
//! # let dir = tempfile::tempdir()?;
//! let log = DecisionLog::open(dir.path().join("quyet-dinh.jsonl"));
//! let d = log.append(NewDecision {
//!     by: "Nguyễn Thị Lan".into(),
//!     file: "bai/a.docx".into(),
//!     file_sha256: "ab".repeat(32),
//!     old_grade: Some("fair".into()),
//!     new_grade: "good".into(),
//!     reason: "Liên hệ bản thân cụ thể, tổ thống nhất nâng loại".into(),
//!     rubric: thuhoach::rubric::RubricRef { id: "dai-hoi-xiii".into(), sha256: "cd".repeat(32) },
//! })?;
//! assert_eq!(d.seq, 1);
//! assert_eq!(verify(log.path())?, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Appending takes an exclusive lock on the log file itself (`flock` on Unix, `LockFileEx` on
//! Windows), so appenders in one process and in several processes never interleave, and the
//! entry is flushed to disk (`fsync`) before `append` returns.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::rubric::RubricRef;

/// Why a log whose end is not a whole line is refused.
const CUT: &str = "bị cắt dở (không kết thúc bằng xuống dòng)";

/// `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The engine version written into every decision.
pub const ENGINE_VERSION: &str = concat!("thuhoach ", env!("CARGO_PKG_VERSION"));

/// One recorded decision: a line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// 1, 2, 3… in the order of the log.
    pub seq: u64,
    /// When it was recorded: RFC 3339, UTC, seconds ("2026-12-03T09:15:00Z").
    pub at: String,
    /// Who decided (name as typed, or the web app's user).
    pub by: String,
    /// The file as results rows name it.
    pub file: String,
    /// SHA-256 of the essay text as read (a result row's `sha256`).
    pub file_sha256: String,
    /// The grade before the decision (the engine's, or an earlier decision's); level id.
    pub old_grade: Option<String>,
    /// The committee's grade: a level id of the rubric.
    pub new_grade: String,
    /// Why, as the committee wrote it (required).
    pub reason: String,
    /// The rubric the engine graded with.
    pub rubric: RubricRef,
    /// Version of thuhoach that wrote the entry.
    pub engine_version: String,
    /// `hash` of the previous entry ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// SHA-256 (hex) of this entry's canonical JSON without `hash`.
    pub hash: String,
}

/// What a caller supplies; the log fills in `seq`, `at`, `engine_version` and the hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDecision {
    /// Who decided.
    pub by: String,
    /// The file as results rows name it.
    pub file: String,
    /// SHA-256 of the essay text as read (the row's `sha256`).
    pub file_sha256: String,
    /// The grade before the decision; level id.
    pub old_grade: Option<String>,
    /// The committee's grade: a level id of the rubric.
    pub new_grade: String,
    /// Why (required).
    pub reason: String,
    /// The rubric the engine graded with.
    pub rubric: RubricRef,
}

/// Why a decision could not be recorded or a log could not be trusted. Messages are Vietnamese.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The log file cannot be opened, read, locked or written.
    #[error("{path}: không đọc/ghi được sổ quyết định: {source}")]
    Io {
        /// The log file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An entry does not hold: edited, removed, reordered or not an entry at all.
    #[error("{path}: sổ quyết định đã bị sửa: mục thứ {entry} (dòng {line}) {problem}")]
    Altered {
        /// The log file.
        path: String,
        /// 1-based position of the first entry that does not hold.
        entry: usize,
        /// 1-based line of the file.
        line: usize,
        /// What does not hold (Vietnamese).
        problem: String,
    },
    /// The decision lacks something the log needs (who, why, which grade).
    #[error("quyết định thiếu thông tin: {0}")]
    Incomplete(String),
    /// The decision cannot be recorded as asked (unknown grade, file not in the results, text
    /// changed since grading…); the message says why, in Vietnamese.
    #[error("{0}")]
    Refused(String),
}

impl AuditError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        AuditError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

/// The fields an entry's hash covers, in the order they are written.
#[derive(Serialize)]
struct Unsigned<'a> {
    seq: u64,
    at: &'a str,
    by: &'a str,
    file: &'a str,
    file_sha256: &'a str,
    old_grade: &'a Option<String>,
    new_grade: &'a str,
    reason: &'a str,
    rubric: &'a RubricRef,
    engine_version: &'a str,
    prev_hash: &'a str,
}

impl Decision {
    /// The hash this entry should carry: SHA-256 of its canonical JSON without `hash`.
    pub fn compute_hash(&self) -> String {
        let unsigned = Unsigned {
            seq: self.seq,
            at: &self.at,
            by: &self.by,
            file: &self.file,
            file_sha256: &self.file_sha256,
            old_grade: &self.old_grade,
            new_grade: &self.new_grade,
            reason: &self.reason,
            rubric: &self.rubric,
            engine_version: &self.engine_version,
            prev_hash: &self.prev_hash,
        };
        // Serializing plain strings and numbers cannot fail.
        let bytes = serde_json::to_vec(&unsigned).unwrap_or_default();
        hex_sha256(&bytes)
    }

    /// The entry as one line of the log (no newline).
    fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// SHA-256 of an essay's text as the grader reads it: the same value as a result row's
/// `sha256`, so a decision can be tied to the exact text that was graded.
pub fn file_sha256(path: &Path) -> Result<String, crate::ingest::IngestError> {
    let doc = crate::ingest::read_document(path)?;
    Ok(text_sha256(&doc.text))
}

/// SHA-256 (hex) of a text, as rows carry it.
pub fn text_sha256(text: &str) -> String {
    hex_sha256(text.as_bytes())
}

/// Now, RFC 3339 in UTC to the second.
fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A decisions log on disk.
#[derive(Debug, Clone)]
pub struct DecisionLog {
    path: PathBuf,
}

impl DecisionLog {
    /// The log at `path` (created by the first append).
    pub fn open(path: impl Into<PathBuf>) -> Self {
        DecisionLog { path: path.into() }
    }

    /// The log file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records a decision at the end of the log and returns it as written. The log is locked
    /// while its last entry is read and the new one written, and flushed to disk before this
    /// returns. A log whose last line is not a whole entry is refused (verify it first).
    pub fn append(&self, new: NewDecision) -> Result<Decision, AuditError> {
        for (what, value) in [
            ("người quyết định (--by)", &new.by),
            ("tệp (--file)", &new.file),
            ("xếp loại mới (--grade)", &new.new_grade),
            ("lý do (--reason)", &new.reason),
        ] {
            if value.trim().is_empty() {
                return Err(AuditError::Incomplete(format!("chưa có {what}")));
            }
        }
        let path = &self.path;
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| AuditError::io(path, e))?;
        file.lock().map_err(|e| AuditError::io(path, e))?;
        let result = append_locked(&mut file, path, new);
        // Closing the file releases the lock too; unlocking explicitly says when.
        let _ = file.unlock();
        result
    }
}

fn append_locked(file: &mut File, path: &Path, new: NewDecision) -> Result<Decision, AuditError> {
    let mut bytes = Vec::new();
    file.seek(SeekFrom::Start(0))
        .and_then(|_| file.read_to_end(&mut bytes))
        .map_err(|e| AuditError::io(path, e))?;
    let count = count_entries(&bytes);
    let last = match entry_lines(&bytes).last() {
        Some((line_no, line)) => {
            if !bytes.ends_with(b"\n") {
                return Err(altered(path, count, line_no, CUT));
            }
            let d = line
                .and_then(parse_entry)
                .map_err(|problem| altered(path, count, line_no, &problem))?;
            Some(d)
        }
        None => None,
    };
    let mut d = Decision {
        seq: last.as_ref().map_or(0, |d| d.seq) + 1,
        at: now_rfc3339(),
        by: new.by.trim().to_string(),
        file: new.file,
        file_sha256: new.file_sha256,
        old_grade: new.old_grade,
        new_grade: new.new_grade,
        reason: new.reason.trim().to_string(),
        rubric: new.rubric,
        engine_version: ENGINE_VERSION.to_string(),
        prev_hash: last.map_or_else(|| GENESIS.to_string(), |d| d.hash),
        hash: String::new(),
    };
    d.hash = d.compute_hash();
    let mut line = d.to_line();
    line.push('\n');
    file.write_all(line.as_bytes())
        .and_then(|_| file.sync_all())
        .map_err(|e| AuditError::io(path, e))?;
    Ok(d)
}

fn altered(path: &Path, entry: usize, line: usize, problem: &str) -> AuditError {
    AuditError::Altered {
        path: path.display().to_string(),
        entry,
        line,
        problem: problem.to_string(),
    }
}

/// Non-blank lines with their 1-based line numbers; a line that is not UTF-8 is `Err`.
fn entry_lines(bytes: &[u8]) -> impl Iterator<Item = (usize, Result<&str, String>)> {
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix(b"\r").unwrap_or(l)))
        .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace))
        .map(|(n, l)| {
            let line = std::str::from_utf8(l).map_err(|_| "không còn là văn bản UTF-8".to_string());
            (n, line)
        })
}

fn count_entries(bytes: &[u8]) -> usize {
    entry_lines(bytes).count()
}

/// One line → an entry that is exactly as the log writes it.
fn parse_entry(line: &str) -> Result<Decision, String> {
    let d: Decision =
        serde_json::from_str(line).map_err(|e| format!("không phải một mục hợp lệ ({e})"))?;
    if d.to_line() != line {
        return Err("không còn đúng như khi ghi (định dạng dòng đã bị thay đổi)".into());
    }
    Ok(d)
}

/// All entries of a log, without checking the chain (use [`verify`] for that). A missing log
/// is an empty one.
pub fn read(path: &Path) -> Result<Vec<Decision>, AuditError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(AuditError::io(path, e)),
    };
    entry_lines(&bytes)
        .enumerate()
        .map(|(i, (line_no, line))| {
            line.and_then(|l| {
                serde_json::from_str(l).map_err(|e| format!("không phải một mục hợp lệ ({e})"))
            })
            .map_err(|p| altered(path, i + 1, line_no, &p))
        })
        .collect()
}

/// Checks every entry: written exactly as the log writes it, numbered 1, 2, 3…, its hash right,
/// chained to the previous one. Returns the number of entries, or [`AuditError::Altered`]
/// naming the first entry (1-based) that does not hold.
pub fn verify(path: &Path) -> Result<usize, AuditError> {
    let bytes = std::fs::read(path).map_err(|e| AuditError::io(path, e))?;
    let mut prev = GENESIS.to_string();
    let mut count = 0;
    for (i, (line_no, line)) in entry_lines(&bytes).enumerate() {
        let entry = i + 1;
        let fail = |p: &str| altered(path, entry, line_no, p);
        let d = line.and_then(parse_entry).map_err(|p| fail(&p))?;
        if d.seq != entry as u64 {
            return Err(fail(&format!("mang số thứ tự {} thay vì {entry}", d.seq)));
        }
        if d.prev_hash != prev {
            return Err(fail(
                "không nối với mục trước (prev_hash sai: có mục bị xóa, chèn hoặc sửa)",
            ));
        }
        if d.compute_hash() != d.hash {
            return Err(fail("có nội dung khác với khi ghi (hash sai)"));
        }
        prev = d.hash;
        count = entry;
    }
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(altered(path, count, lines, CUT));
    }
    Ok(count)
}

/// A committee's override as asked for on the command line.
#[derive(Debug, Clone)]
pub struct OverrideRequest<'a> {
    /// The essay, as typed (a path; matched against the results' `file`).
    pub file: &'a str,
    /// The grade as typed: a level id or label, diacritics optional ("Tốt", "kha", "good").
    pub grade: &'a str,
    /// Who decides (name and position, as typed).
    pub by: &'a str,
    /// Why (required, recorded in the log).
    pub reason: &'a str,
    /// Results of `grade --format jsonl` holding the engine's grade; without them the file is
    /// graded now with `rubric`.
    pub results: Option<&'a Path>,
}

/// Records `request` in `log`: the grade named against `rubric`'s levels, the engine's row
/// found in the results (or the file graded now), the old grade the one in force (the last
/// decision for the file, else the engine's), and the file's hash checked against the row's
/// when the file can be read, so a decision is never tied to a text nobody graded.
pub fn record_override(
    log: &DecisionLog,
    request: &OverrideRequest,
    rubric: &crate::CompiledRubric,
) -> Result<Decision, AuditError> {
    let level = crate::rubric::resolve_level(rubric, request.grade)
        .map_err(|e| AuditError::Refused(e.to_string()))?;
    let row = match request.results {
        Some(results) => {
            let rows = crate::report::read_results(results)
                .map_err(|e| AuditError::Refused(e.to_string()))?;
            find_row(rows, request.file).ok_or_else(|| {
                AuditError::Refused(format!(
                    "{}: không có bài “{}” trong kết quả chấm (so theo đường dẫn và tên tệp)",
                    results.display(),
                    request.file
                ))
            })?
        }
        None => crate::Grader::new(rubric.clone()).grade_file(Path::new(request.file)),
    };
    let on_disk = file_sha256(Path::new(&row.file))
        .or_else(|_| file_sha256(Path::new(request.file)))
        .ok();
    let sha = match (&row.sha256, on_disk) {
        (Some(graded), Some(now)) if *graded != now => {
            return Err(AuditError::Refused(format!(
                "{}: nội dung tệp đã thay đổi sau khi chấm; hãy chấm lại rồi mới ghi quyết định",
                row.file
            )))
        }
        (Some(graded), _) => graded.clone(),
        (None, Some(now)) => now,
        (None, None) => {
            return Err(AuditError::Refused(format!(
                "{}: không đọc được tệp để ghi mã băm nội dung{}",
                row.file,
                row.error
                    .as_deref()
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default()
            )))
        }
    };
    let earlier = final_grades(&read(log.path())?).remove(&row.file);
    let old_grade = earlier.map(|d| d.new_grade).or(row.grade);
    let rubric_ref = if row.rubric.id.is_empty() {
        rubric.reference.clone()
    } else {
        row.rubric
    };
    log.append(NewDecision {
        by: request.by.to_string(),
        file: row.file,
        file_sha256: sha,
        old_grade,
        new_grade: level.id.clone(),
        reason: request.reason.to_string(),
        rubric: rubric_ref,
    })
}

/// The row of `file`: the same path as written, the same file on disk, or the only row with
/// that file name.
fn find_row(rows: Vec<crate::Assessment>, file: &str) -> Option<crate::Assessment> {
    let canon = |p: &str| std::fs::canonicalize(p).ok();
    let wanted = canon(file);
    let name = |p: &str| {
        Path::new(p)
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
    };
    if let Some(i) = rows.iter().position(|r| r.file == file) {
        return rows.into_iter().nth(i);
    }
    if let Some(i) = wanted
        .as_ref()
        .and_then(|w| rows.iter().position(|r| canon(&r.file).as_ref() == Some(w)))
    {
        return rows.into_iter().nth(i);
    }
    let same_name: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| name(&r.file).is_some() && name(&r.file) == name(file))
        .map(|(i, _)| i)
        .collect();
    match same_name[..] {
        [i] => rows.into_iter().nth(i),
        _ => None,
    }
}

/// The decision in force for each file: the last one recorded wins.
pub fn final_grades(decisions: &[Decision]) -> BTreeMap<String, Decision> {
    let mut out = BTreeMap::new();
    for d in decisions {
        out.insert(d.file.clone(), d.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(file: &str, grade: &str) -> NewDecision {
        NewDecision {
            by: "Trần Văn Bình".into(),
            file: file.into(),
            file_sha256: text_sha256(file),
            old_grade: Some("fair".into()),
            new_grade: grade.into(),
            reason: "Tổ đánh giá thống nhất".into(),
            rubric: RubricRef {
                id: "dai-hoi-xiii".into(),
                sha256: "0".repeat(64),
            },
        }
    }

    #[test]
    fn entries_chain_and_verify() {
        let dir = tempfile::tempdir().unwrap();
        let log = DecisionLog::open(dir.path().join("log.jsonl"));
        let a = log.append(new("a.txt", "good")).unwrap();
        let b = log.append(new("b.txt", "poor")).unwrap();
        let c = log.append(new("a.txt", "average")).unwrap();
        assert_eq!((a.seq, b.seq, c.seq), (1, 2, 3));
        assert_eq!(a.prev_hash, GENESIS);
        assert_eq!(b.prev_hash, a.hash);
        assert_eq!(c.prev_hash, b.hash);
        assert!(a.at.ends_with('Z') && a.at.len() == 20, "{}", a.at);
        assert_eq!(verify(log.path()).unwrap(), 3);
        let all = read(log.path()).unwrap();
        assert_eq!(all, vec![a, b.clone(), c.clone()]);
        let finals = final_grades(&all);
        assert_eq!(finals["a.txt"].new_grade, "average");
        assert_eq!(finals["b.txt"], b);
    }

    #[test]
    fn every_changed_byte_names_its_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        let log = DecisionLog::open(&path);
        for f in ["a.txt", "b.txt", "c.txt"] {
            log.append(new(f, "good")).unwrap();
        }
        let original = std::fs::read(&path).unwrap();
        let second_starts = original.iter().position(|&b| b == b'\n').unwrap() + 1;
        let third_starts = second_starts
            + original[second_starts..]
                .iter()
                .position(|&b| b == b'\n')
                .unwrap()
            + 1;
        // Change each byte of the second entry in turn (skipping its newline).
        for at in second_starts..third_starts - 1 {
            let mut bytes = original.clone();
            bytes[at] = if bytes[at] == b'x' { b'y' } else { b'x' };
            std::fs::write(&path, &bytes).unwrap();
            match verify(&path) {
                Err(AuditError::Altered { entry, line, .. }) => {
                    assert_eq!((entry, line), (2, 2), "byte {at}")
                }
                other => panic!("byte {at}: {other:?}"),
            }
        }
    }

    #[test]
    fn removed_or_reordered_entries_break_the_chain() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        let log = DecisionLog::open(&path);
        for f in ["a.txt", "b.txt", "c.txt"] {
            log.append(new(f, "good")).unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        std::fs::write(&path, format!("{}\n{}\n", lines[0], lines[2])).unwrap();
        assert!(matches!(
            verify(&path),
            Err(AuditError::Altered { entry: 2, .. })
        ));
        std::fs::write(&path, format!("{}\n{}\n{}\n", lines[1], lines[0], lines[2])).unwrap();
        assert!(matches!(
            verify(&path),
            Err(AuditError::Altered { entry: 1, .. })
        ));
        std::fs::write(&path, &text[..text.len() - 5]).unwrap();
        assert!(matches!(
            verify(&path),
            Err(AuditError::Altered { entry: 3, .. })
        ));
        assert!(
            log.append(new("d.txt", "good")).is_err(),
            "append to a cut log"
        );
    }

    #[test]
    fn concurrent_appenders_keep_one_chain() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        std::thread::scope(|s| {
            for t in 0..4 {
                let path = &path;
                s.spawn(move || {
                    // Each thread opens the log itself, as separate processes would.
                    let log = DecisionLog::open(path);
                    for i in 0..10 {
                        log.append(new(&format!("{t}-{i}.txt"), "good")).unwrap();
                    }
                });
            }
        });
        assert_eq!(verify(&path).unwrap(), 40);
    }

    #[test]
    fn incomplete_decisions_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let log = DecisionLog::open(dir.path().join("log.jsonl"));
        let mut d = new("a.txt", "good");
        d.reason = "  ".into();
        let err = log.append(d).unwrap_err().to_string();
        assert!(err.contains("lý do"), "{err}");
        assert!(!log.path().exists() || verify(log.path()).unwrap() == 0);
    }
}
