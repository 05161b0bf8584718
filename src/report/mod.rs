//! Output: result rows as a table, JSON, JSON Lines or CSV, and explanations for people.

#[cfg(feature = "reports")]
mod committee;
mod error;
mod explain;
#[cfg(feature = "reports")]
mod feedback;
#[cfg(feature = "reports")]
mod overrides;
mod results;
#[cfg(feature = "reports")]
mod roster;
#[cfg(feature = "reports")]
pub mod summary;

#[cfg(feature = "serve")]
pub(crate) use committee::{html, vietnam_datetime, vietnam_time};

use std::io::{self, Write};
use std::path::Path;

#[cfg(feature = "reports")]
pub use committee::{
    summary_csv, write_report, write_report_with, CommitteeConfig, ReportDate, ReportFormat,
    ReportOptions,
};
pub use error::ReportError;
pub use explain::explain;
#[cfg(feature = "reports")]
pub use feedback::{feedback_lines, write_feedback_docx};
#[cfg(feature = "reports")]
pub use overrides::{apply_decisions, AppliedDecisions, CommitteeChange};
pub use results::{for_each_row, read_results};
#[cfg(feature = "reports")]
pub use roster::{Member, Roster};
#[cfg(feature = "reports")]
pub use summary::{
    participation, percentage_tenths, percentages, Placement, ReviewItem, Summary, UnitRow,
    REVIEW_FLAGS, TOTAL_LABEL, UNKNOWN_UNIT,
};

use crate::grade::Assessment;
use crate::rubric::CompiledRubric;

/// How `grade` writes its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns for a terminal.
    Table,
    /// One JSON array.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header row (UTF-8 with BOM, so Excel reads Vietnamese).
    Csv,
}

impl Format {
    /// The format an output file's extension asks for.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            "txt" => Some(Format::Table),
            _ => None,
        }
    }
}

/// Writes rows one at a time, so a batch of any size streams.
pub struct RowWriter<W: Write> {
    format: Format,
    out: W,
    rows: usize,
    criteria: Vec<String>,
}

const TABLE_WIDTHS: [usize; 5] = [44, 24, 6, 6, 10];

impl<W: Write> RowWriter<W> {
    /// A writer of rows in `format` to `out`; the table, CSV and JSON formats start their output now.
    pub fn new(format: Format, mut out: W, rubric: &CompiledRubric) -> io::Result<Self> {
        let criteria: Vec<String> = rubric.spec.criteria.iter().map(|c| c.id.clone()).collect();
        match format {
            Format::Json => out.write_all(b"[")?,
            Format::Csv => {
                out.write_all("\u{FEFF}".as_bytes())?;
                let mut header = vec![
                    "file",
                    "author",
                    "unit",
                    "words",
                    "score",
                    "grade",
                    "grade_label",
                    "flags",
                    "missing_themes",
                    "caps",
                ];
                header.extend(criteria.iter().map(String::as_str));
                header.push("error");
                write_csv(&mut out, header.into_iter().map(str::to_string))?;
            }
            Format::Table => {
                let cells = [
                    "Tệp",
                    "Họ và tên",
                    "Số từ",
                    "Điểm",
                    "Xếp loại",
                    "Dấu hiệu / lỗi",
                ];
                writeln!(out, "{}", table_line(&cells.map(String::from)))?;
            }
            Format::Jsonl => {}
        }
        Ok(RowWriter {
            format,
            out,
            rows: 0,
            criteria,
        })
    }

    /// Writes one row.
    pub fn write(&mut self, row: &Assessment) -> io::Result<()> {
        match self.format {
            Format::Json => {
                self.out
                    .write_all(if self.rows == 0 { b"\n" } else { b",\n" })?;
                serde_json::to_writer(&mut self.out, row)?;
            }
            Format::Jsonl => {
                serde_json::to_writer(&mut self.out, row)?;
                self.out.write_all(b"\n")?;
            }
            Format::Csv => {
                let mut cells = vec![
                    row.file.clone(),
                    row.author.clone().unwrap_or_default(),
                    row.unit.clone().unwrap_or_default(),
                    row.words.map(|w| w.to_string()).unwrap_or_default(),
                    row.score.map(|s| format!("{s:.1}")).unwrap_or_default(),
                    row.grade.clone().unwrap_or_default(),
                    row.grade_label.clone().unwrap_or_default(),
                    row.flags
                        .iter()
                        .map(|f| f.id())
                        .collect::<Vec<_>>()
                        .join(";"),
                    missing_themes(row).join("; "),
                    row.caps
                        .iter()
                        .map(|c| c.reason.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                ];
                for id in &self.criteria {
                    let score = row.criteria.iter().find(|c| &c.id == id).map(|c| c.score);
                    cells.push(score.map(|s| format!("{s:.1}")).unwrap_or_default());
                }
                cells.push(row.error.clone().unwrap_or_default());
                write_csv(&mut self.out, cells.into_iter())?;
            }
            Format::Table => {
                let last = match &row.error {
                    Some(e) => format!("LỖI: {e}"),
                    None => row
                        .flags
                        .iter()
                        .map(|f| f.short_label())
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                let cells = [
                    row.file.clone(),
                    row.author.clone().unwrap_or_else(|| "-".into()),
                    row.words
                        .map(|w| w.to_string())
                        .unwrap_or_else(|| "-".into()),
                    row.score
                        .map(|s| format!("{s:.1}"))
                        .unwrap_or_else(|| "-".into()),
                    row.grade_label.clone().unwrap_or_else(|| "-".into()),
                    last,
                ];
                writeln!(self.out, "{}", table_line(&cells))?;
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Closes the output (the JSON array) and flushes it.
    pub fn finish(mut self) -> io::Result<W> {
        if self.format == Format::Json {
            self.out
                .write_all(if self.rows == 0 { b"]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Labels of the themes an essay did not cover, required ones first.
pub fn missing_themes(row: &Assessment) -> Vec<String> {
    let mut v: Vec<&crate::assess::ThemeResult> =
        row.themes.iter().filter(|t| !t.covered).collect();
    v.sort_by_key(|t| !t.required);
    v.into_iter().map(|t| t.label.clone()).collect()
}

fn write_csv(out: &mut impl Write, cells: impl Iterator<Item = String>) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(cells.collect::<Vec<_>>())?;
    let bytes = w
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    out.write_all(&bytes)
}

fn fit(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        format!("{s}{}", " ".repeat(width - n))
    } else {
        // Keep the end of long paths: the file name is what tells essays apart.
        let tail: String = s.chars().skip(n - (width - 1)).collect();
        format!("…{tail}")
    }
}

fn table_line(cells: &[String; 6]) -> String {
    let mut line = String::new();
    for (cell, width) in cells.iter().zip(TABLE_WIDTHS) {
        line.push_str(&fit(cell, width));
        line.push_str("  ");
    }
    line.push_str(&cells[5]);
    line.trim_end().to_string()
}
