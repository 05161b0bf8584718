//! The committee report as an Excel workbook: "Tổng hợp" (per cell and total), "Chi tiết"
//! (every essay), "Cần xem xét" (the review list) and, with a roster, "Chưa nộp bài".
//! Numbers are numbers (percentages too, with a 0.0 format), so the committee can sum and
//! filter them; every sheet has a bold frozen header row and an autofilter.

use std::path::Path;

use rust_xlsxwriter::{
    Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::layout::{
    annex_notes, decision_cells, flag_labels, method_notes, short_file, summary_cells,
    summary_headers, Cell, Context, DECISION_HEADERS,
};
use crate::report::{missing_themes, ReportError};

/// Widths are in characters; longer text wraps (so a sheet prints one page wide and readable).
const MIN_WIDTH: f64 = 6.0;
const MAX_WIDTH: f64 = 30.0;

struct Formats {
    header: Format,
    text: Format,
    int: Format,
    pct: Format,
    total_text: Format,
    total_int: Format,
    total_pct: Format,
    note: Format,
}

impl Formats {
    fn new() -> Self {
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(Color::RGB(0xDDE7F3))
            .set_border(FormatBorder::Thin);
        let total = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xF2F2F2))
            .set_border(FormatBorder::Thin);
        Formats {
            header,
            text: Format::new()
                .set_border(FormatBorder::Thin)
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            int: Format::new()
                .set_num_format("0")
                .set_border(FormatBorder::Thin),
            pct: Format::new()
                .set_num_format("0.0")
                .set_border(FormatBorder::Thin),
            total_text: total.clone(),
            total_int: total.clone().set_num_format("0"),
            total_pct: total.set_num_format("0.0"),
            note: Format::new().set_italic(),
        }
    }
}

/// Keeps the widest content of each column to size it.
struct Sheet<'a> {
    ws: &'a mut Worksheet,
    widths: Vec<f64>,
    /// Lines the tallest wrapped cell of each data row needs.
    lines: std::collections::BTreeMap<u32, f64>,
}

impl<'a> Sheet<'a> {
    fn new(ws: &'a mut Worksheet, headers: &[String], f: &Formats) -> Result<Self, XlsxError> {
        let mut widths = Vec::with_capacity(headers.len());
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &f.header)?;
            // Headers wrap on at most three lines, never inside a word.
            let word = h.split(' ').map(|w| w.chars().count()).max().unwrap_or(0);
            let third = h.chars().count().div_ceil(3);
            widths.push((word.max(third) as f64 + 2.0).max(MIN_WIDTH));
        }
        ws.set_row_height(0, 46)?;
        ws.set_freeze_panes(1, 0)?;
        ws.set_landscape();
        ws.set_paper_size(9); // A4
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(0, 0)?;
        Ok(Sheet {
            ws,
            widths,
            lines: Default::default(),
        })
    }

    fn fit(&mut self, col: usize, chars: usize) {
        if let Some(w) = self.widths.get_mut(col) {
            *w = w.max(chars as f64 * 1.1 + 1.0).min(MAX_WIDTH);
        }
    }

    fn text(&mut self, row: u32, col: usize, s: &str, f: &Format) -> Result<(), XlsxError> {
        let chars = s.chars().count();
        self.fit(col, chars);
        let lines = (chars as f64 / (MAX_WIDTH * 1.25)).ceil();
        let tallest = self.lines.entry(row).or_insert(1.0);
        *tallest = tallest.max(lines);
        self.ws.write_string_with_format(row, col as u16, s, f)?;
        Ok(())
    }

    fn num(&mut self, row: u32, col: usize, x: f64, f: &Format) -> Result<(), XlsxError> {
        self.fit(col, format!("{x:.1}").len());
        self.ws.write_number_with_format(row, col as u16, x, f)?;
        Ok(())
    }

    fn cell(&mut self, row: u32, col: usize, c: &Cell, fmt: [&Format; 3]) -> Result<(), XlsxError> {
        match c {
            Cell::Text(s) => self.text(row, col, s, fmt[0]),
            Cell::Int(n) => self.num(row, col, *n as f64, fmt[1]),
            Cell::Pct(x) => self.num(row, col, *x, fmt[2]),
            Cell::Empty => {
                self.ws.write_blank(row, col as u16, fmt[0])?;
                Ok(())
            }
        }
    }

    /// Sets the widths and an autofilter over the header and `last_row`.
    fn finish(self, last_row: u32) -> Result<(), XlsxError> {
        for (c, w) in self.widths.iter().enumerate() {
            self.ws.set_column_width(c as u16, *w)?;
        }
        // Spreadsheets do not grow rows for wrapped text written by a program: set them.
        for (&row, &lines) in &self.lines {
            if row > 0 && row <= last_row && lines > 1.0 {
                self.ws.set_row_height(row, 13.0 * lines + 2.0)?;
            }
        }
        let last_col = self.widths.len().saturating_sub(1) as u16;
        self.ws.autofilter(0, 0, last_row.max(1), last_col)?;
        Ok(())
    }
}

pub(crate) fn write(ctx: &Context, out: &Path) -> Result<(), ReportError> {
    let mut book = build(ctx).map_err(|e| ReportError::write(out, e))?;
    book.save(out).map_err(|e| match e {
        XlsxError::IoError(io) => ReportError::io(out, io),
        other => ReportError::write(out, other),
    })
}

fn build(ctx: &Context) -> Result<Workbook, XlsxError> {
    let f = Formats::new();
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title("Báo cáo kết quả đánh giá, phân loại bài thu hoạch")
            .set_subject(&ctx.rubric.spec.rubric.title)
            .set_comment(format!("Lập ngày {} bằng thuhoach", ctx.date.short_vi())),
    );
    summary_sheet(book.add_worksheet().set_name("Tổng hợp")?, ctx, &f)?;
    detail_sheet(book.add_worksheet().set_name("Chi tiết")?, ctx, &f)?;
    review_sheet(book.add_worksheet().set_name("Cần xem xét")?, ctx, &f)?;
    if ctx.summary.has_roster {
        missing_sheet(book.add_worksheet().set_name("Chưa nộp bài")?, ctx, &f)?;
    }
    let decisions = &ctx.options.decisions;
    if !decisions.changes.is_empty() || !decisions.warnings().is_empty() {
        decisions_sheet(book.add_worksheet().set_name("Quyết định của tổ")?, ctx, &f)?;
    }
    // The title block printed on every page of every sheet: who issues it, what it is, its
    // number and date; page numbers below.
    let escape = |s: String| s.replace('&', "&&");
    for ws in book.worksheets_mut() {
        let title = format!(
            "&L&9{}&C&\"-,Bold\"BÁO CÁO KẾT QUẢ ĐÁNH GIÁ, PHÂN LOẠI BÀI THU HOẠCH\n&\"-,Regular\"{}&R&9{}\n{}, {}",
            escape(ctx.options.committee()),
            escape(ws.name()),
            escape(ctx.options.number()),
            escape(ctx.options.place()),
            ctx.date.short_vi()
        );
        ws.set_header(&title);
        ws.set_footer("&CTrang &P/&N");
        ws.set_margins(0.5, 0.5, 1.0, 0.6, 0.3, 0.3);
    }
    Ok(book)
}

fn summary_sheet(ws: &mut Worksheet, ctx: &Context, f: &Formats) -> Result<(), XlsxError> {
    let s = ctx.summary;
    let mut sheet = Sheet::new(ws, &summary_headers(s), f)?;
    let mut r = 1u32;
    for (i, u) in s.units.iter().enumerate() {
        for (c, cell) in summary_cells(s, u, Some(i + 1)).iter().enumerate() {
            sheet.cell(r, c, cell, [&f.text, &f.int, &f.pct])?;
        }
        r += 1;
    }
    let last_unit_row = r - 1;
    for (c, cell) in summary_cells(s, &s.total, None).iter().enumerate() {
        sheet.cell(r, c, cell, [&f.total_text, &f.total_int, &f.total_pct])?;
    }
    // The totals row stays outside the autofilter, so sorting keeps it at the bottom.
    // Notes span the table's width and wrap, so they neither widen the printout nor hide.
    let width: f64 = sheet.widths.iter().sum();
    let last_col = sheet.widths.len().saturating_sub(1) as u16;
    sheet.finish(last_unit_row)?;
    r += 2;
    let wrap = f.note.clone().set_text_wrap().set_align(FormatAlign::Top);
    for note in method_notes(ctx).into_iter().chain(annex_notes(ctx)) {
        let lines = (note.chars().count() as f64 / (width * 1.1))
            .ceil()
            .max(1.0);
        ws.merge_range(r, 0, r, last_col, &note, &wrap)?;
        ws.set_row_height(r, 15.0 * lines)?;
        r += 1;
    }
    Ok(())
}

fn detail_sheet(ws: &mut Worksheet, ctx: &Context, f: &Formats) -> Result<(), XlsxError> {
    let s = ctx.summary;
    let mut headers: Vec<String> = [
        "STT",
        "Họ và tên",
        "Chi bộ",
        "Tệp",
        "Số từ",
        "Điểm",
        "Xếp loại",
        "Xếp loại của máy",
        "Cờ cảnh báo",
        "Chủ đề còn thiếu",
        "Bị hạ mức do",
        "Lỗi",
    ]
    .map(String::from)
    .to_vec();
    if s.has_roster {
        headers.push("Đối chiếu danh sách".into());
    }
    headers.push("Cần xem xét".into());
    let mut sheet = Sheet::new(ws, &headers, f)?;
    let score = Format::new()
        .set_num_format("0.0")
        .set_border(FormatBorder::Thin);
    let mut review_of: Vec<Option<&[String]>> = vec![None; ctx.rows.len()];
    for item in &s.review {
        if let Some(slot) = review_of.get_mut(item.row) {
            *slot = Some(&item.reasons);
        }
    }
    for (i, (row, p)) in ctx.rows.iter().zip(&s.placements).enumerate() {
        let r = i as u32 + 1;
        let mut c = 0;
        let mut put = |sheet: &mut Sheet, cell: Cell| -> Result<(), XlsxError> {
            sheet.cell(r, c, &cell, [&f.text, &f.int, &score])?;
            c += 1;
            Ok(())
        };
        let text = |s: Option<&str>| s.map_or(Cell::Empty, |s| Cell::Text(s.to_string()));
        put(&mut sheet, Cell::Int(i + 1))?;
        put(&mut sheet, text(p.name.as_deref()))?;
        put(&mut sheet, Cell::Text(s.units[p.unit].name.clone()))?;
        put(&mut sheet, Cell::Text(row.file.clone()))?;
        put(&mut sheet, row.words.map_or(Cell::Empty, Cell::Int))?;
        put(&mut sheet, row.score.map_or(Cell::Empty, Cell::Pct))?;
        let label = p.level.map(|l| s.levels[l].label.as_str());
        put(&mut sheet, text(label.or(row.grade_label.as_deref())))?;
        let engine = match ctx.options.decisions.of_row(i) {
            Some(c) => format!(
                "{} (tổ đánh giá đã quyết định lại)",
                c.engine_label.as_deref().unwrap_or("không chấm được")
            ),
            None => String::new(),
        };
        put(&mut sheet, Cell::Text(engine))?;
        put(&mut sheet, Cell::Text(flag_labels(row)))?;
        put(&mut sheet, Cell::Text(missing_themes(row).join("; ")))?;
        let caps: Vec<&str> = row.caps.iter().map(|c| c.reason.as_str()).collect();
        put(&mut sheet, Cell::Text(caps.join("; ")))?;
        put(&mut sheet, text(row.error.as_deref()))?;
        if s.has_roster {
            let matched = if p.member.is_some() {
                "Có trong danh sách"
            } else {
                "Không có trong danh sách"
            };
            let matched = match &p.note {
                Some(note) => format!("{matched}; {note}"),
                None => matched.to_string(),
            };
            put(&mut sheet, Cell::Text(matched))?;
        }
        let review = review_of[i].map(|r| r.join("; "));
        put(&mut sheet, Cell::Text(review.unwrap_or_default()))?;
    }
    sheet.finish(ctx.rows.len() as u32)
}

fn review_sheet(ws: &mut Worksheet, ctx: &Context, f: &Formats) -> Result<(), XlsxError> {
    let s = ctx.summary;
    let headers = [
        "STT",
        "Họ và tên",
        "Chi bộ",
        "Tệp",
        "Điểm",
        "Xếp loại",
        "Lý do cần xem xét",
    ]
    .map(String::from);
    let mut sheet = Sheet::new(ws, &headers, f)?;
    for (i, item) in s.review.iter().enumerate() {
        let r = i as u32 + 1;
        let Some(row) = ctx.rows.get(item.row) else {
            continue;
        };
        let p = &s.placements[item.row];
        sheet.num(r, 0, (i + 1) as f64, &f.int)?;
        sheet.text(r, 1, p.name.as_deref().unwrap_or(""), &f.text)?;
        sheet.text(r, 2, &s.units[item.unit].name, &f.text)?;
        sheet.text(r, 3, short_file(&row.file), &f.text)?;
        match row.score {
            Some(x) => sheet.num(r, 4, x, &f.pct)?,
            None => {
                sheet.ws.write_blank(r, 4, &f.text)?;
            }
        }
        let label = p.level.map(|l| s.levels[l].label.as_str()).unwrap_or("");
        sheet.text(r, 5, label, &f.text)?;
        sheet.text(r, 6, &item.reasons.join("; "), &f.text)?;
    }
    sheet.finish(s.review.len() as u32)
}

fn decisions_sheet(ws: &mut Worksheet, ctx: &Context, f: &Formats) -> Result<(), XlsxError> {
    let decisions = &ctx.options.decisions;
    let mut sheet = Sheet::new(ws, &DECISION_HEADERS.map(String::from), f)?;
    for (i, c) in decisions.changes.iter().enumerate() {
        let r = i as u32 + 1;
        for (col, text) in decision_cells(ctx, i, c).iter().enumerate() {
            match (col, text.parse::<u32>()) {
                (0, Ok(n)) => sheet.num(r, col, f64::from(n), &f.int)?,
                _ => sheet.text(r, col, text, &f.text)?,
            }
        }
    }
    let first = decisions.changes.len() as u32 + 2;
    for (r, w) in (first..).zip(decisions.warnings()) {
        sheet.ws.write_string_with_format(r, 0, &w, &f.note)?;
    }
    sheet.finish(decisions.changes.len() as u32)
}

fn missing_sheet(ws: &mut Worksheet, ctx: &Context, f: &Formats) -> Result<(), XlsxError> {
    let s = ctx.summary;
    let has_files = s.missing.iter().any(|m| m.file.is_some());
    let mut headers: Vec<String> = ["STT", "STT trong danh sách", "Họ và tên", "Chi bộ"]
        .map(String::from)
        .to_vec();
    if has_files {
        headers.push("Tệp theo danh sách".into());
    }
    let mut sheet = Sheet::new(ws, &headers, f)?;
    for (i, m) in s.missing.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.num(r, 0, (i + 1) as f64, &f.int)?;
        match m.stt.as_deref().map(|t| (t, t.parse::<u32>())) {
            Some((_, Ok(n))) => sheet.num(r, 1, f64::from(n), &f.int)?,
            Some((t, Err(_))) => sheet.text(r, 1, t, &f.text)?,
            None => {
                sheet.ws.write_blank(r, 1, &f.text)?;
            }
        }
        sheet.text(r, 2, &m.name, &f.text)?;
        sheet.text(
            r,
            3,
            m.unit
                .as_deref()
                .unwrap_or(crate::report::summary::UNKNOWN_UNIT),
            &f.text,
        )?;
        if has_files {
            sheet.text(r, 4, m.file.as_deref().unwrap_or(""), &f.text)?;
        }
    }
    sheet.finish(s.missing.len() as u32)
}
