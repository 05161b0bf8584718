//! `thuhoach report`: the committee's report as .xlsx, .docx, .html or .csv, from the rows of a
//! grading run and, optionally, the roster. Every format shows the same [`Summary`].
//!
//! Rooms: `options` (who issues the report, when) ← `layout` (the [`Context`] and the shared
//! cells and sentences) ← one writer per format (`docx`, `xlsx`, `html`) ← this module, which
//! picks the writer. No writer imports another writer or this module.

mod docx;
pub(crate) mod html;
mod layout;
mod options;
mod xlsx;

use std::path::Path;

use crate::grade::Assessment;
use crate::report::summary::Summary;
use crate::report::{ReportError, Roster};
use crate::rubric::CompiledRubric;
pub use layout::summary_csv;
use layout::Context;
#[cfg(feature = "serve")]
pub(crate) use layout::{vietnam_datetime, vietnam_time};
pub use options::{CommitteeConfig, ReportDate, ReportOptions};

/// Output formats of the committee report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// An Excel workbook: summary, every essay, the review list and, with a roster, the
    /// members who have not submitted, one sheet each.
    Xlsx,
    /// A Word document laid out as a Party administrative report, ready to sign.
    Docx,
    /// One self-contained HTML page (no outside scripts, fonts or style sheets) that prints
    /// as it looks.
    Html,
    /// Only the summary table ([`summary_csv`]): UTF-8 with BOM, `;` separators, decimal
    /// commas, as Excel in a Vietnamese locale reads it.
    Csv,
}

impl ReportFormat {
    /// The format a file's extension asks for (.xlsx, .docx, .html/.htm, .csv).
    pub fn from_path(path: &Path) -> Option<ReportFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" => Some(ReportFormat::Xlsx),
            "docx" => Some(ReportFormat::Docx),
            "html" | "htm" => Some(ReportFormat::Html),
            "csv" => Some(ReportFormat::Csv),
            _ => None,
        }
    }
}

/// Writes the committee report for `rows` to `out`, in the format its extension names
/// (.xlsx, .docx, .html, .csv), dated today. Level labels and thresholds come from `rubric`.
pub fn write_report(
    rows: &[Assessment],
    roster: Option<&Roster>,
    rubric: &CompiledRubric,
    out: &Path,
) -> Result<(), ReportError> {
    write_report_with(rows, roster, rubric, out, &ReportOptions::default())
}

/// [`write_report`] with the issuer and date set by the caller.
pub fn write_report_with(
    rows: &[Assessment],
    roster: Option<&Roster>,
    rubric: &CompiledRubric,
    out: &Path,
    options: &ReportOptions,
) -> Result<(), ReportError> {
    let format = ReportFormat::from_path(out).ok_or_else(|| ReportError::UnsupportedFormat {
        path: out.display().to_string(),
    })?;
    let summary = Summary::build(rows, roster, &rubric.spec.levels);
    let ctx = Context {
        rows,
        summary: &summary,
        rubric,
        options,
        date: options.date(),
    };
    match format {
        ReportFormat::Xlsx => xlsx::write(&ctx, out),
        ReportFormat::Docx => docx::write(&ctx, out),
        ReportFormat::Html => {
            let page = html::render(&ctx);
            std::fs::write(out, page).map_err(|e| ReportError::io(out, e))
        }
        ReportFormat::Csv => {
            let bytes = summary_csv(&summary).map_err(|e| ReportError::write(out, e))?;
            std::fs::write(out, bytes).map_err(|e| ReportError::io(out, e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_extensions() {
        assert_eq!(
            ReportFormat::from_path(Path::new("a/B.XLSX")),
            Some(ReportFormat::Xlsx)
        );
        assert_eq!(
            ReportFormat::from_path(Path::new("b.htm")),
            Some(ReportFormat::Html)
        );
        assert_eq!(ReportFormat::from_path(Path::new("b.pdf")), None);
    }
}
