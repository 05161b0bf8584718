//! Where overrides are recorded first: an append-only log file in the workspace. The server's
//! SQLite table is an index of it, rebuilt from the log on start, so a decision the log holds
//! is never lost even if the server was killed before the table was written.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::store::Decision;
use super::ServeError;

/// What the server needs from a decisions log.
pub trait DecisionSink: Send + Sync {
    /// Appends a decision and makes it durable before returning; `seq` is assigned here.
    fn append(&self, decision: Decision) -> Result<Decision, ServeError>;
    /// Every decision in the log, in order.
    fn read_all(&self) -> Result<Vec<Decision>, ServeError>;
    /// Where the log is (for the export and `thuhoach audit verify`).
    fn path(&self) -> &Path;
}

/// A JSON-lines log of decisions, fsynced on every append.
pub struct JsonlLog {
    path: PathBuf,
    file: std::sync::Mutex<File>,
}

impl JsonlLog {
    pub fn open(path: &Path) -> Result<JsonlLog, ServeError> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        // Drop a torn last line (a write cut by a kill), so the next one starts clean.
        let text = std::fs::read(path)?;
        if !text.is_empty() && !text.ends_with(b"\n") {
            let keep = text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            file.set_len(keep as u64)?;
            file.sync_all()?;
        }
        Ok(JsonlLog {
            path: path.to_path_buf(),
            file: std::sync::Mutex::new(file),
        })
    }
}

impl DecisionSink for JsonlLog {
    fn append(&self, mut decision: Decision) -> Result<Decision, ServeError> {
        let mut file = self
            .file
            .lock()
            .map_err(|_| ServeError::Data("nhật ký quyết định bị khóa hỏng".into()))?;
        decision.seq = self.read_all()?.len() as u64 + 1;
        let mut line = serde_json::to_string(&decision)
            .map_err(|e| ServeError::Data(format!("không ghi được quyết định: {e}")))?;
        line.push('\n');
        file.write_all(line.as_bytes())?;
        file.sync_data()?;
        Ok(decision)
    }

    fn read_all(&self) -> Result<Vec<Decision>, ServeError> {
        let text = std::fs::read_to_string(&self.path)?;
        let mut out = Vec::new();
        // A last line without its newline was being written when the process died: it was
        // never acknowledged, and is left out.
        let complete = text.rfind('\n').map_or("", |end| &text[..end]);
        for (i, line) in complete.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let d: Decision = serde_json::from_str(&line).map_err(|e| {
                ServeError::Data(format!(
                    "nhật ký quyết định {} hỏng ở dòng {}: {e}",
                    self.path.display(),
                    i + 1
                ))
            })?;
            out.push(d);
        }
        Ok(out)
    }

    fn path(&self) -> &Path {
        &self.path
    }
}
