//! `thuhoach report`: the committee's report as .xlsx, .docx, .html or .csv, from the rows of a
//! grading run and, optionally, the roster. Every format shows the same [`Summary`].

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use super::summary::{fmt_dec_vi, Summary, UnitRow};
use super::{docx, html, xlsx, ReportError, Roster};
use crate::grade::Assessment;
use crate::rubric::CompiledRubric;

/// A calendar date (the report's date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl ReportDate {
    /// Today in Vietnam (UTC+7).
    pub fn today() -> ReportDate {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        ReportDate::from_unix_days((secs + 7 * 3600).div_euclid(86_400))
    }

    /// The civil date of a day counted from 1970-01-01.
    pub fn from_unix_days(days: i64) -> ReportDate {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        ReportDate { year, month, day }
    }

    /// "ngày 05 tháng 6 năm 2026", as administrative documents write it (a zero before days
    /// under 10 and before months 1 and 2).
    pub fn long_vi(&self) -> String {
        let month = if self.month <= 2 {
            format!("{:02}", self.month)
        } else {
            self.month.to_string()
        };
        format!("ngày {:02} tháng {month} năm {}", self.day, self.year)
    }

    /// "05/06/2026".
    pub fn short_vi(&self) -> String {
        format!("{:02}/{:02}/{}", self.day, self.month, self.year)
    }
}

/// What the report says about who issues it, and when.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// The report's date; today (Vietnam time) when `None`.
    pub date: Option<ReportDate>,
    /// The committee issuing the report (upper line of the header); "TỔ ĐÁNH GIÁ BÀI THU
    /// HOẠCH" when `None`.
    pub committee: Option<String>,
    /// The party organisation above it ("ĐẢNG BỘ XÃ …"); a dotted line to fill in when `None`.
    pub parent: Option<String>,
    /// Place in the date line ("Hà Tĩnh"); a dotted line when `None`.
    pub place: Option<String>,
    /// The committee's decisions already applied to the rows ([`super::apply_decisions`]):
    /// shown beside the engine's grades, with those that could not be applied.
    pub decisions: super::AppliedDecisions,
}

impl ReportOptions {
    pub(crate) fn date(&self) -> ReportDate {
        self.date.unwrap_or_else(ReportDate::today)
    }
    pub(crate) fn committee(&self) -> String {
        self.committee
            .clone()
            .unwrap_or_else(|| "TỔ ĐÁNH GIÁ BÀI THU HOẠCH".into())
    }
    pub(crate) fn parent(&self) -> String {
        self.parent
            .clone()
            .unwrap_or_else(|| "ĐẢNG BỘ ....................".into())
    }
    pub(crate) fn place(&self) -> String {
        self.place
            .clone()
            .unwrap_or_else(|| "....................".into())
    }
}

/// Output formats of the committee report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Xlsx,
    Docx,
    Html,
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

/// What every writer needs.
pub(crate) struct Context<'a> {
    pub rows: &'a [Assessment],
    pub summary: &'a Summary,
    pub rubric: &'a CompiledRubric,
    pub options: &'a ReportOptions,
    pub date: ReportDate,
}

/// A cell of the summary table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Int(usize),
    /// A percentage, one decimal.
    Pct(f64),
    Empty,
}

impl Cell {
    /// Plain text for CSV (dot decimals, for other tools).
    pub fn plain(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Pct(x) => format!("{x:.1}"),
            Cell::Empty => String::new(),
        }
    }
}

/// Headers of the summary table ("Tổng hợp").
pub(crate) fn summary_headers(s: &Summary) -> Vec<String> {
    let mut h: Vec<String> = vec!["STT".into(), "Chi bộ".into()];
    if s.has_roster {
        h.extend([
            "Số đảng viên".into(),
            "Số đảng viên đã nộp".into(),
            "Tỷ lệ tham gia (%)".into(),
        ]);
    }
    h.extend(["Số bài nộp".into(), "Số bài đã chấm".into()]);
    for l in &s.levels {
        h.push(l.label.clone());
        h.push(format!("{} (%)", l.label));
    }
    h.extend(["Không chấm được".into(), "Cần xem xét".into()]);
    h
}

/// One row of the summary table; `stt` is `None` for the totals row.
pub(crate) fn summary_cells(s: &Summary, row: &UnitRow, stt: Option<usize>) -> Vec<Cell> {
    let mut c = vec![
        stt.map_or(Cell::Empty, Cell::Int),
        Cell::Text(row.name.clone()),
    ];
    if s.has_roster {
        c.push(Cell::Int(row.members.unwrap_or(0)));
        c.push(Cell::Int(row.members_submitted.unwrap_or(0)));
        c.push(row.participation.map_or(Cell::Empty, Cell::Pct));
    }
    c.push(Cell::Int(row.essays));
    c.push(Cell::Int(row.graded));
    for (n, p) in row.counts.iter().zip(&row.percents) {
        c.push(Cell::Int(*n));
        c.push(Cell::Pct(*p));
    }
    c.push(Cell::Int(row.errors));
    c.push(Cell::Int(row.review));
    c
}

/// The summary table as CSV: UTF-8 with BOM (so Excel reads the diacritics), a header row,
/// one row per cell, the totals row last; dot decimals.
pub fn summary_csv(s: &Summary) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(summary_headers(s))?;
    for (i, u) in s.units.iter().enumerate() {
        w.write_record(summary_cells(s, u, Some(i + 1)).iter().map(Cell::plain))?;
    }
    w.write_record(summary_cells(s, &s.total, None).iter().map(Cell::plain))?;
    let body = w.into_inner().map_err(|e| e.into_error())?;
    let mut out = "\u{FEFF}".as_bytes().to_vec();
    out.extend(body);
    Ok(out)
}

/// Labels of all of an essay's flags, in Vietnamese.
pub(crate) fn flag_labels(row: &Assessment) -> String {
    row.flags
        .iter()
        .map(|f| f.label())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A short file name for tables: the last path component.
pub(crate) fn short_file(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Threshold sentence: "Tốt: từ 75 điểm; Khá: từ 42 điểm; …".
pub(crate) fn thresholds_vi(rubric: &CompiledRubric) -> String {
    let levels = &rubric.spec.levels;
    let pts = |x: f64| {
        if x.fract() == 0.0 {
            format!("{}", x as i64)
        } else {
            fmt_dec_vi(x)
        }
    };
    let mut parts = Vec::new();
    for (i, l) in levels.iter().enumerate() {
        if i + 1 == levels.len() && l.min_score <= 0.0 && i > 0 {
            parts.push(format!(
                "{}: dưới {} điểm",
                l.label,
                pts(levels[i - 1].min_score)
            ));
        } else {
            parts.push(format!("{}: từ {} điểm", l.label, pts(l.min_score)));
        }
    }
    parts.join("; ")
}

/// Headers of the table of the committee's decisions.
pub(crate) const DECISION_HEADERS: [&str; 7] = [
    "STT",
    "Họ và tên",
    "Tệp",
    "Máy chấm",
    "Tổ đánh giá quyết định",
    "Lý do",
    "Người quyết định, thời điểm",
];

/// One row of the table of the committee's decisions (`i` counts from 0).
pub(crate) fn decision_cells(ctx: &Context, i: usize, c: &super::CommitteeChange) -> [String; 7] {
    let name = ctx
        .summary
        .placements
        .get(c.row)
        .and_then(|p| p.name.clone())
        .unwrap_or_else(|| "(không rõ tên)".into());
    [
        (i + 1).to_string(),
        name,
        short_file(&c.file).to_string(),
        c.engine_label
            .clone()
            .unwrap_or_else(|| "(không chấm được)".into()),
        c.final_label.clone(),
        c.reason.clone(),
        format!("{}, {} (số {})", c.by, vietnam_time(&c.at), c.seq),
    ]
}

/// "2026-12-03T09:17:08Z" → "03/12/2026 16:17" (Vietnam time); as given if it is not RFC 3339.
pub(crate) fn vietnam_time(at: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    let parsed = time::OffsetDateTime::parse(at, &Rfc3339).ok();
    let offset = time::UtcOffset::from_hms(7, 0, 0).ok();
    match (parsed, offset) {
        (Some(t), Some(o)) => {
            let t = t.to_offset(o);
            format!(
                "{:02}/{:02}/{} {:02}:{:02}",
                t.day(),
                u8::from(t.month()),
                t.year(),
                t.hour(),
                t.minute()
            )
        }
        _ => at.to_string(),
    }
}

/// How the note giving the rubric file's SHA-256 begins (the hash follows it).
pub(crate) const SHA_NOTE: &str = "Mã SHA-256 của tệp barem: ";

/// Notes on how the numbers were made, shown under the tables of every format.
pub(crate) fn method_notes(ctx: &Context) -> Vec<String> {
    let r = &ctx.rubric.reference;
    let spec = &ctx.rubric.spec.rubric;
    let mut notes = vec![
        format!(
            "Barem: {} (mã “{}”{}).",
            spec.title,
            r.id,
            if spec.version.is_empty() {
                String::new()
            } else {
                format!(", phiên bản {}", spec.version)
            }
        ),
        format!("{SHA_NOTE}{}", r.sha256),
        format!("Ngưỡng xếp loại — {}.", thresholds_vi(ctx.rubric)),
        "Tỷ lệ (%) của từng mức xếp loại tính trên số bài đã chấm, làm tròn một chữ số thập \
         phân theo phương pháp phần dư lớn nhất, nên tổng mỗi dòng bằng đúng 100%."
            .into(),
    ];
    if ctx.summary.has_roster {
        notes.push(
            "Tỷ lệ tham gia = số đảng viên đã nộp bài / số đảng viên trong danh sách.".into(),
        );
    }
    notes.push(format!(
        "Cần xem xét: bài có dấu hiệu sao chép, trùng lặp, lạc đề, liệt kê khẩu hiệu hoặc lặp \
         lại nội dung; bài không chấm được; bài có điểm cách ngưỡng xếp loại không quá {} \
         điểm{}. Kết quả chấm tự động là gợi ý; tổ đánh giá quyết định xếp loại cuối cùng.",
        super::summary::BORDERLINE_POINTS as i64,
        if ctx.summary.has_roster {
            "; bài không đối chiếu được với danh sách đảng viên"
        } else {
            ""
        }
    ));
    let other: Vec<String> = ctx
        .summary
        .rubrics
        .iter()
        .filter(|x| **x != *r)
        .map(|x| format!("“{}” (SHA-256 {})", x.id, x.sha256))
        .collect();
    if !other.is_empty() {
        notes.push(format!(
            "Lưu ý: các bài được chấm bằng barem {}, khác barem dùng để lập báo cáo này.",
            other.join(", ")
        ));
    }
    notes.push(format!(
        "Báo cáo lập ngày {} bằng phần mềm thuhoach.",
        ctx.date.short_vi()
    ));
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        let d = ReportDate::from_unix_days(0);
        assert_eq!((d.year, d.month, d.day), (1970, 1, 1));
        // 2024-02-29 is day 19782.
        let d = ReportDate::from_unix_days(19_782);
        assert_eq!((d.year, d.month, d.day), (2024, 2, 29));
        assert_eq!(d.long_vi(), "ngày 29 tháng 02 năm 2024");
        let d = ReportDate {
            year: 2026,
            month: 6,
            day: 5,
        };
        assert_eq!(d.long_vi(), "ngày 05 tháng 6 năm 2026");
        assert_eq!(d.short_vi(), "05/06/2026");
    }

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
