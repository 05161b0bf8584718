//! Overrides are recorded first in the tamper-evident decisions log of [`crate::audit`]
//! (`decisions.jsonl` in the workspace, the same format as `thuhoach override` writes and
//! `thuhoach audit verify` checks). The server's SQLite table is an index of it, rebuilt from
//! the log on start, so a decision the log holds is never lost even if the server was killed
//! before the table was written.

use std::path::Path;

use super::ServeError;
use crate::audit::{self, DecisionLog};

impl From<audit::AuditError> for ServeError {
    fn from(e: audit::AuditError) -> Self {
        match e {
            audit::AuditError::Incomplete(m) | audit::AuditError::Refused(m) => {
                ServeError::Refused(m)
            }
            other => ServeError::Data(other.to_string()),
        }
    }
}

/// Opens the log at `path`: a last line cut by a kill (never acknowledged, since an append
/// returns only after the whole line is on disk) is removed, then the chain is verified; an
/// altered log stops the server with the entry named.
pub fn open_log(path: &Path) -> Result<DecisionLog, ServeError> {
    if let Ok(bytes) = std::fs::read(path) {
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let file = std::fs::OpenOptions::new().write(true).open(path)?;
            file.set_len(keep as u64)?;
            file.sync_all()?;
        }
        audit::verify(path)?;
    }
    Ok(DecisionLog::open(path))
}
