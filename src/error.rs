//! The crate's run-level error.

use crate::rubric::RubricError;
use crate::{ingest, originality, report};

/// Errors that stop a whole run (a bad rubric, a missing input folder). Problems with one
/// essay never do: they become that essay's row, with `error` set.
///
/// A variant that only wraps another error is `transparent`: its message and its `source()`
/// are the wrapped error's own, so walking the chain never prints a message twice. Every
/// message is complete on its own (it is what a row or a web page shows); the command line
/// prints a cause after it only when the cause adds something.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The rubric cannot be read or is not valid.
    #[error(transparent)]
    Rubric(#[from] RubricError),
    /// An input path cannot be used (missing, not a folder that can be walked…).
    #[error(transparent)]
    Input(#[from] ingest::IngestError),
    /// Reading or writing failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The search index cannot be opened, written or queried.
    #[cfg(feature = "search")]
    #[error(transparent)]
    Index(#[from] crate::index::IndexError),
    /// A results file cannot be read back (a line that is not a row names the file and line).
    #[error(transparent)]
    Results(#[from] report::ReportError),
    /// A reference text cannot be loaded.
    #[error(transparent)]
    References(#[from] originality::OriginalityError),
    /// The worker threads could not be started.
    #[error("không tạo được các luồng xử lý: {0}")]
    ThreadPool(#[source] rayon::ThreadPoolBuildError),
}
