//! Errors of the committee report: a roster or a results file that cannot be read, an output
//! that cannot be written. Messages are in Vietnamese and name the file and the problem, because
//! they are shown to the committee secretary who runs the report.

/// Why a committee report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file could not be opened, read or written at all.
    #[error("{path}: không đọc/ghi được tệp: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A line of RESULTS.jsonl is not an assessment row.
    #[error("{path}, dòng {line}: không phải một dòng kết quả chấm hợp lệ: {message}")]
    Results {
        /// The results file.
        path: String,
        /// 1-based line.
        line: usize,
        /// What is wrong with the line.
        message: String,
    },
    /// The roster (danh sách đảng viên) cannot be used.
    #[error("{path}: danh sách đảng viên không dùng được: {message}")]
    Roster {
        /// The roster file.
        path: String,
        /// What is wrong (Vietnamese).
        message: String,
    },
    /// The committee settings file cannot be used.
    #[error("{path}: tệp cấu hình tổ đánh giá không dùng được: {message}")]
    Config {
        /// The settings file.
        path: String,
        /// What is wrong (Vietnamese).
        message: String,
    },
    /// The output file's extension asks for a format the report does not have.
    #[error(
        "{path}: không hỗ trợ định dạng báo cáo này; hãy dùng đuôi .xlsx, .docx, .html hoặc .csv"
    )]
    UnsupportedFormat {
        /// The output path.
        path: String,
    },
    /// Writing the report failed inside a format library.
    #[error("{path}: không ghi được báo cáo: {message}")]
    Write {
        /// The output path.
        path: String,
        /// The library's message.
        message: String,
    },
}

impl ReportError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        ReportError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    pub(crate) fn write(path: &std::path::Path, message: impl std::fmt::Display) -> Self {
        ReportError::Write {
            path: path.display().to_string(),
            message: message.to_string(),
        }
    }
}
