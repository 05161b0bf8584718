//! What every committee writer shares: the [`Context`] it is given, the summary table's cells,
//! and the sentences (method, thresholds, decisions, annex notes) each format lays out its own
//! way. Writers import this module; it imports no writer.

use super::options::{ReportDate, ReportOptions};
use crate::grade::Assessment;
pub(crate) use crate::report::summary::short_file;
use crate::report::summary::{fmt_dec_vi, Summary, UnitRow};
use crate::rubric::CompiledRubric;

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

/// The summary table as a CSV for people, as Excel in a Vietnamese locale reads it: UTF-8 with
/// BOM, `;` separators, decimal commas, Vietnamese headers; one row per cell, totals last.
pub fn summary_csv(s: &Summary) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    w.write_record(summary_headers(s))?;
    let vi = |c: &Cell| match c {
        Cell::Pct(x) => format!("{x:.1}").replace('.', ","),
        other => other.plain(),
    };
    for (i, u) in s.units.iter().enumerate() {
        w.write_record(summary_cells(s, u, Some(i + 1)).iter().map(vi))?;
    }
    w.write_record(summary_cells(s, &s.total, None).iter().map(vi))?;
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
pub(crate) fn decision_cells(
    ctx: &Context,
    i: usize,
    c: &crate::report::CommitteeChange,
) -> [String; 7] {
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
    time::OffsetDateTime::parse(at, &Rfc3339)
        .ok()
        .and_then(vietnam_datetime)
        .unwrap_or_else(|| at.to_string())
}

/// A moment as the committee reads it: "03/12/2026 16:17", Vietnam time (UTC+7). The one
/// date format of the reports and the web pages.
pub(crate) fn vietnam_datetime(t: time::OffsetDateTime) -> Option<String> {
    let t = t.to_offset(time::UtcOffset::from_hms(7, 0, 0).ok()?);
    Some(format!(
        "{:02}/{:02}/{} {:02}:{:02}",
        t.day(),
        u8::from(t.month()),
        t.year(),
        t.hour(),
        t.minute()
    ))
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
        crate::report::summary::BORDERLINE_POINTS as i64,
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
    notes
}

/// Notes for the annex, not the body: how to check the files behind the figures.
pub(crate) fn annex_notes(ctx: &Context) -> Vec<String> {
    vec![
        format!("{SHA_NOTE}{}", ctx.rubric.reference.sha256),
        format!(
            "Số liệu tổng hợp bằng phần mềm thuhoach {} ngày {}; kết quả chấm từng bài có \
             trong tệp kết quả (JSON Lines) và bảng tính kèm theo.",
            env!("CARGO_PKG_VERSION"),
            ctx.date.short_vi()
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_vietnam_time() {
        assert_eq!(vietnam_time("2026-12-03T09:17:08Z"), "03/12/2026 16:17");
        assert_eq!(vietnam_time("2026-12-31T20:05:00Z"), "01/01/2027 03:05");
        assert_eq!(
            vietnam_time("hôm qua"),
            "hôm qua",
            "not RFC 3339: shown as given"
        );
        let epoch = time::OffsetDateTime::from_unix_timestamp(0).expect("epoch");
        assert_eq!(vietnam_datetime(epoch).as_deref(), Some("01/01/1970 07:00"));
    }
}
