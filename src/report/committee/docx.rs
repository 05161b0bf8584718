//! The committee report as a Word document, laid out like a Vietnamese Party administrative
//! report: the two-column header (issuing committee / "ĐẢNG CỘNG SẢN VIỆT NAM", place and
//! date), the title, numbered sections (overall results with the distribution table, members
//! who have not submitted, essays to review, rubric and method), the signature block, and a
//! landscape appendix with the table by party cell. Times New Roman, 14 pt text, 13 pt tables.

use std::path::Path;

use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum,
    PageOrientationType, PageSize, Paragraph, Run, RunFonts, Section, SpecialIndentType, Table,
    TableAlignmentType, TableCell, TableCellMargins, TableLayoutType, TableRow, VAlignType,
    VMergeType, WidthType,
};

use super::layout::{
    annex_notes, decision_cells, method_notes, short_file, Context, DECISION_HEADERS, SHA_NOTE,
};
use crate::report::summary::{fmt_dec_vi, fmt_int_vi, UnitRow, UNKNOWN_UNIT};
use crate::report::ReportError;

const FONT: &str = "Times New Roman";
/// Sizes in half-points.
const BODY: usize = 28;
const TABLE: usize = 26;
const SMALL: usize = 24;

/// A4 in twips, and the margins of administrative documents (top/bottom 2 cm, left 3 cm,
/// right 2 cm).
const A4_W: u32 = 11_906;
const A4_H: u32 = 16_838;
const PORTRAIT_TEXT: usize = 11_906 - 1_701 - 1_134;
const LANDSCAPE_TEXT: usize = 16_838 - 1_134 - 1_134;

fn fonts() -> RunFonts {
    RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT)
}

/// Text style of a run.
#[derive(Clone, Copy)]
struct St {
    size: usize,
    bold: bool,
    italic: bool,
    underline: bool,
}

const TEXT: St = St {
    size: BODY,
    bold: false,
    italic: false,
    underline: false,
};

impl St {
    fn size(self, size: usize) -> St {
        St { size, ..self }
    }
    fn bold(self) -> St {
        St { bold: true, ..self }
    }
    fn italic(self) -> St {
        St {
            italic: true,
            ..self
        }
    }
    fn underline(self) -> St {
        St {
            underline: true,
            ..self
        }
    }
}

fn run(text: &str, st: St) -> Run {
    let mut r = Run::new().add_text(text).size(st.size).fonts(fonts());
    if st.bold {
        r = r.bold();
    }
    if st.italic {
        r = r.italic();
    }
    if st.underline {
        r = r.underline("single");
    }
    r
}

fn spacing(before: u32, after: u32) -> LineSpacing {
    LineSpacing::new()
        .before(before)
        .after(after)
        .line(276)
        .line_rule(LineSpacingType::Auto)
}

/// A paragraph of one run.
fn para(text: &str, st: St, align: AlignmentType) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, st))
        .align(align)
        .line_spacing(spacing(0, 0))
}

/// A body paragraph: justified, first line indented 1 cm, 6 pt after.
fn body(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, TEXT))
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(567)), None, None)
        .line_spacing(spacing(0, 120))
}

/// A section heading ("I. KẾT QUẢ CHUNG").
fn heading(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, TEXT.bold()))
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(567)), None, None)
        .line_spacing(spacing(120, 120))
        .keep_next(true)
}

/// A small empty paragraph after a table.
fn gap() -> Paragraph {
    para("", TEXT.size(SMALL), AlignmentType::Left).line_spacing(spacing(0, 60))
}

fn cell(text: &str, st: St, align: AlignmentType, width: usize) -> TableCell {
    TableCell::new()
        .add_paragraph(para(text, st, align))
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
}

fn bordered(rows: Vec<TableRow>, widths: &[usize]) -> Table {
    Table::new(rows)
        .set_grid(widths.to_vec())
        .width(widths.iter().sum(), WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .align(TableAlignmentType::Center)
        .margins(TableCellMargins::new().margin(40, 57, 40, 57))
}

pub(crate) fn write(ctx: &Context, out: &Path) -> Result<(), ReportError> {
    let doc = build(ctx);
    let mut packed = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut packed)
        .map_err(|e| ReportError::write(out, e))?;
    let bytes =
        repeat_table_headers(packed.into_inner()).map_err(|e| ReportError::write(out, e))?;
    std::fs::write(out, bytes).map_err(|e| ReportError::io(out, e))
}

/// Marks the header row of every bordered table (both rows when the header spans two, as in
/// the appendix) to repeat at the top of each page (`w:tblHeader`), which docx-rs cannot set:
/// the package is copied with `word/document.xml` rewritten.
fn repeat_table_headers(docx: Vec<u8>) -> zip::result::ZipResult<Vec<u8>> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx))?;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let file = archive.by_index(i)?;
        let name = file.name()?.to_string();
        if name != "word/document.xml" {
            writer.raw_copy_file(file)?;
            continue;
        }
        let mut xml = String::new();
        let mut file = file;
        file.read_to_string(&mut xml)?;
        writer.start_file(
            name,
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated),
        )?;
        writer.write_all(mark_header_rows(&xml).as_bytes())?;
    }
    Ok(writer.finish()?.into_inner())
}

const EMPTY_ROW_PROPS: &str = "<w:tr><w:trPr />";
const HEADER_ROW_PROPS: &str = "<w:tr><w:trPr><w:tblHeader /></w:trPr>";

fn mark_header_rows(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len() + 1024);
    let mut rest = xml;
    while let Some(at) = rest.find("<w:tbl>") {
        let end = rest[at..].find("</w:tbl>").map_or(rest.len(), |e| at + e);
        out.push_str(&rest[..at]);
        let mut table = rest[at..end].to_string();
        if table.contains("<w:tblBorders><w:top") {
            let rows = if first_row(&table).contains("w:vMerge w:val=\"restart\"") {
                2
            } else {
                1
            };
            table = table.replacen(EMPTY_ROW_PROPS, HEADER_ROW_PROPS, rows);
        }
        out.push_str(&table);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn first_row(table: &str) -> &str {
    let start = table.find("<w:tr>").unwrap_or(0);
    let end = table[start..]
        .find("</w:tr>")
        .map_or(table.len(), |e| start + e);
    &table[start..end]
}

fn build(ctx: &Context) -> Docx {
    let main = main_section(ctx)
        .page_size(PageSize::new().size(A4_W, A4_H))
        .page_margin(margins(1_701, 1_134))
        .footer(page_footer());
    let doc = Docx::new()
        .default_fonts(fonts())
        .default_size(BODY)
        .add_section(main);
    let doc = appendix(ctx, doc);
    doc.footer(page_footer())
        .page_size(A4_H, A4_W)
        .page_orient(PageOrientationType::Landscape)
        .page_margin(margins(1_134, 1_134))
}

fn margins(left: i32, right: i32) -> PageMargin {
    PageMargin::new()
        .top(1_134)
        .bottom(1_134)
        .left(left)
        .right(right)
        .header(709)
        .footer(709)
        .gutter(0)
}

fn main_section(ctx: &Context) -> Section {
    let s = ctx.summary;
    let t = &s.total;
    let mut sec = Section::new()
        .add_table(header_block(ctx))
        .add_paragraph(para("", TEXT, AlignmentType::Center))
        .add_paragraph(para("BÁO CÁO", TEXT.bold().size(30), AlignmentType::Center))
        .add_paragraph(para(
            "KẾT QUẢ ĐÁNH GIÁ, PHÂN LOẠI BÀI THU HOẠCH",
            TEXT.bold(),
            AlignmentType::Center,
        ));
    let resolution = &ctx.rubric.spec.rubric.resolution;
    if !resolution.is_empty() {
        sec = sec.add_paragraph(para(
            &format!("Học tập, quán triệt {resolution}"),
            TEXT.bold(),
            AlignmentType::Center,
        ));
    }
    sec = sec
        .add_paragraph(para("-----", TEXT, AlignmentType::Center))
        .add_paragraph(para("", TEXT, AlignmentType::Center));

    // I. Overall results.
    sec = sec.add_paragraph(heading("I. KẾT QUẢ CHUNG"));
    let mut first = format!(
        "Tổng số bài thu hoạch nhận được: {} bài",
        fmt_int_vi(t.essays)
    );
    if let (Some(m), Some(sub), Some(p)) = (t.members, t.members_submitted, t.participation) {
        first.push_str(&format!(
            " của {}/{} đảng viên trong danh sách (tỷ lệ tham gia {}%)",
            fmt_int_vi(sub),
            fmt_int_vi(m),
            fmt_dec_vi(p)
        ));
    }
    first.push_str(&format!(
        ". Số bài đã chấm, xếp loại: {} bài; số bài không chấm được (tệp lỗi, không đọc được): {} bài.",
        fmt_int_vi(t.graded),
        fmt_int_vi(t.errors)
    ));
    sec = sec.add_paragraph(body(&first));
    if let Some(matching) = s.matching_vi() {
        sec = sec.add_paragraph(body(&matching));
    }
    let dist: Vec<String> = s
        .levels
        .iter()
        .zip(t.counts.iter().zip(&t.percents))
        .map(|(l, (n, p))| format!("{}: {} bài ({}%)", l.label, fmt_int_vi(*n), fmt_dec_vi(*p)))
        .collect();
    sec = sec
        .add_paragraph(body(&format!(
            "Kết quả phân loại (tỷ lệ tính trên số bài đã chấm): {}.",
            dist.join("; ")
        )))
        .add_table(distribution_table(ctx))
        .add_paragraph(gap());
    sec = sec.add_paragraph(body(&format!(
        "Kết quả của từng chi bộ ({} chi bộ) được tổng hợp tại Phụ lục kèm theo báo cáo này.",
        s.units.len()
    )));

    // II. Members without an essay (with a roster).
    let mut n = 2;
    if s.has_roster {
        sec = sec.add_paragraph(heading(&format!("{}. ĐẢNG VIÊN CHƯA NỘP BÀI", roman(n))));
        n += 1;
        if s.missing.is_empty() {
            sec = sec.add_paragraph(body(
                "Tất cả đảng viên trong danh sách đều đã nộp bài thu hoạch.",
            ));
        } else {
            sec = sec
                .add_paragraph(body(&format!(
                    "Có {} đảng viên trong danh sách chưa nộp bài thu hoạch:",
                    fmt_int_vi(s.missing.len())
                )))
                .add_table(missing_table(ctx))
                .add_paragraph(gap());
        }
        if !s.unmatched.is_empty() {
            sec = sec.add_paragraph(body(&format!(
                "Có {} bài không đối chiếu được với danh sách đảng viên (nêu tại mục {}).",
                fmt_int_vi(s.unmatched.len()),
                roman(n)
            )));
        }
    }

    // III. Review list.
    sec = sec.add_paragraph(heading(&format!(
        "{}. NHỮNG BÀI CẦN TỔ ĐÁNH GIÁ XEM XÉT LẠI",
        roman(n)
    )));
    n += 1;
    if s.review.is_empty() {
        sec = sec.add_paragraph(body("Không có bài nào cần xem xét lại."));
    } else {
        sec = sec
            .add_paragraph(body(&format!(
                "Có {} bài cần xem xét lại trước khi quyết định xếp loại:",
                fmt_int_vi(s.review.len())
            )))
            .add_table(review_table(ctx))
            .add_paragraph(gap());
    }

    // The committee's decisions.
    let decisions = &ctx.options.decisions;
    if !decisions.changes.is_empty() || !decisions.warnings().is_empty() {
        sec = sec.add_paragraph(heading(&format!(
            "{}. BÀI ĐƯỢC TỔ ĐÁNH GIÁ QUYẾT ĐỊNH LẠI XẾP LOẠI",
            roman(n)
        )));
        n += 1;
        if !decisions.changes.is_empty() {
            sec = sec
                .add_paragraph(body(&format!(
                    "Tổ đánh giá đã quyết định lại xếp loại của {} bài; các số liệu trên đã tính theo xếp loại cuối cùng của tổ, xếp loại của máy ghi bên cạnh:",
                    fmt_int_vi(decisions.changes.len())
                )))
                .add_table(decisions_table(ctx))
                .add_paragraph(gap());
        }
        for w in decisions.warnings() {
            sec = sec.add_paragraph(body(&w));
        }
    }

    // IV. Rubric and method.
    sec = sec.add_paragraph(heading(&format!("{}. BAREM CHẤM VÀ CÁCH TÍNH", roman(n))));
    for note in method_notes(ctx) {
        sec = sec.add_paragraph(body(&note));
    }
    sec.add_paragraph(para("", TEXT, AlignmentType::Left))
        .add_table(signature_block(ctx))
}

fn roman(n: usize) -> &'static str {
    ["I", "II", "III", "IV", "V", "VI", "VII"]
        .get(n.saturating_sub(1))
        .copied()
        .unwrap_or("")
}

fn header_block(ctx: &Context) -> Table {
    let left = 4_400;
    let right = PORTRAIT_TEXT - left;
    let l = TableCell::new()
        .add_paragraph(para(
            &ctx.options.parent(),
            TEXT.size(TABLE),
            AlignmentType::Center,
        ))
        .add_paragraph(para(
            &ctx.options.committee(),
            TEXT.size(TABLE).bold(),
            AlignmentType::Center,
        ))
        .add_paragraph(para("*", TEXT, AlignmentType::Center))
        .add_paragraph(para(
            &ctx.options.number(),
            TEXT.size(TABLE),
            AlignmentType::Center,
        ))
        .width(left, WidthType::Dxa);
    let r = TableCell::new()
        .add_paragraph(para(
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            TEXT.size(30).bold().underline(),
            AlignmentType::Center,
        ))
        .add_paragraph(para("", TEXT, AlignmentType::Center))
        .add_paragraph(para(
            &format!("{}, {}", ctx.options.place(), ctx.date.long_vi()),
            TEXT.italic(),
            AlignmentType::Center,
        ))
        .width(right, WidthType::Dxa);
    Table::without_borders(vec![TableRow::new(vec![l, r])])
        .set_grid(vec![left, right])
        .width(PORTRAIT_TEXT, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

fn distribution_table(ctx: &Context) -> Table {
    let s = ctx.summary;
    let w = [750, 3_000, 1_800, 1_800];
    let hd = TEXT.size(TABLE).bold();
    let tx = TEXT.size(TABLE);
    let mut rows = vec![TableRow::new(vec![
        cell("STT", hd, AlignmentType::Center, w[0]),
        cell("Xếp loại", hd, AlignmentType::Center, w[1]),
        cell("Số bài", hd, AlignmentType::Center, w[2]),
        cell("Tỷ lệ (%)", hd, AlignmentType::Center, w[3]),
    ])];
    for (i, l) in s.levels.iter().enumerate() {
        rows.push(TableRow::new(vec![
            cell(&(i + 1).to_string(), tx, AlignmentType::Center, w[0]),
            cell(&l.label, tx, AlignmentType::Left, w[1]),
            cell(
                &fmt_int_vi(s.total.counts[i]),
                tx,
                AlignmentType::Center,
                w[2],
            ),
            cell(
                &fmt_dec_vi(s.total.percents[i]),
                tx,
                AlignmentType::Center,
                w[3],
            ),
        ]));
    }
    let total_pct = if s.total.graded > 0 { "100,0" } else { "0,0" };
    rows.push(TableRow::new(vec![
        cell("", hd, AlignmentType::Center, w[0]),
        cell("Cộng (số bài đã chấm)", hd, AlignmentType::Left, w[1]),
        cell(&fmt_int_vi(s.total.graded), hd, AlignmentType::Center, w[2]),
        cell(total_pct, hd, AlignmentType::Center, w[3]),
    ]));
    bordered(rows, &w)
}

fn missing_table(ctx: &Context) -> Table {
    let s = ctx.summary;
    let w = [750, 3_300, PORTRAIT_TEXT - 4_050];
    let hd = TEXT.size(TABLE).bold();
    let tx = TEXT.size(TABLE);
    let mut rows = vec![TableRow::new(vec![
        cell("STT", hd, AlignmentType::Center, w[0]),
        cell("Họ và tên", hd, AlignmentType::Center, w[1]),
        cell("Chi bộ", hd, AlignmentType::Center, w[2]),
    ])];
    for (i, m) in s.missing.iter().enumerate() {
        rows.push(TableRow::new(vec![
            cell(&(i + 1).to_string(), tx, AlignmentType::Center, w[0]),
            cell(&m.name, tx, AlignmentType::Left, w[1]),
            cell(
                m.unit.as_deref().unwrap_or(UNKNOWN_UNIT),
                tx,
                AlignmentType::Left,
                w[2],
            ),
        ]));
    }
    bordered(rows, &w)
}

fn review_table(ctx: &Context) -> Table {
    let s = ctx.summary;
    let w = [750, 2_100, 1_750, 800, 1_050, PORTRAIT_TEXT - 6_450];
    let hd = TEXT.size(TABLE).bold();
    let tx = TEXT.size(TABLE);
    let mut rows = vec![TableRow::new(vec![
        cell("STT", hd, AlignmentType::Center, w[0]),
        cell("Họ và tên (tệp)", hd, AlignmentType::Center, w[1]),
        cell("Chi bộ", hd, AlignmentType::Center, w[2]),
        cell("Điểm", hd, AlignmentType::Center, w[3]),
        cell("Xếp loại", hd, AlignmentType::Center, w[4]),
        cell("Lý do cần xem xét", hd, AlignmentType::Center, w[5]),
    ])];
    for (i, item) in s.review.iter().enumerate() {
        let Some(row) = ctx.rows.get(item.row) else {
            continue;
        };
        let p = &s.placements[item.row];
        let who = TableCell::new()
            .add_paragraph(para(
                p.name.as_deref().unwrap_or("(không rõ tên)"),
                tx,
                AlignmentType::Left,
            ))
            .add_paragraph(para(
                short_file(&row.file),
                tx.italic().size(SMALL),
                AlignmentType::Left,
            ))
            .width(w[1], WidthType::Dxa)
            .vertical_align(VAlignType::Center);
        let reasons = item
            .reasons
            .iter()
            .fold(TableCell::new(), |c, r| {
                c.add_paragraph(para(&format!("- {r}"), tx, AlignmentType::Left))
            })
            .width(w[5], WidthType::Dxa)
            .vertical_align(VAlignType::Center);
        let label = p.level.map(|l| s.levels[l].label.as_str()).unwrap_or("—");
        let score = row.score.map(fmt_dec_vi).unwrap_or_else(|| "—".into());
        rows.push(
            TableRow::new(vec![
                cell(&(i + 1).to_string(), tx, AlignmentType::Center, w[0]),
                who,
                cell(&s.units[item.unit].name, tx, AlignmentType::Left, w[2]),
                cell(&score, tx, AlignmentType::Center, w[3]),
                cell(label, tx, AlignmentType::Center, w[4]),
                reasons,
            ])
            .cant_split(),
        );
    }
    bordered(rows, &w)
}

fn decisions_table(ctx: &Context) -> Table {
    let w = [650, 1_900, 0, 1_000, 1_100, 0, 1_700];
    let rest = PORTRAIT_TEXT - w.iter().sum::<usize>();
    let w = [w[0], w[1], rest / 2, w[3], w[4], rest - rest / 2, w[6]];
    let hd = TEXT.size(SMALL).bold();
    let tx = TEXT.size(SMALL);
    let header = TableRow::new(
        DECISION_HEADERS
            .iter()
            .zip(w)
            .map(|(h, w)| cell(h, hd, AlignmentType::Center, w))
            .collect(),
    );
    let mut rows = vec![header];
    for (i, c) in ctx.options.decisions.changes.iter().enumerate() {
        let cells = decision_cells(ctx, i, c);
        rows.push(
            TableRow::new(
                cells
                    .iter()
                    .zip(w)
                    .enumerate()
                    .map(|(k, (t, w))| {
                        let align = if matches!(k, 0 | 3 | 4) {
                            AlignmentType::Center
                        } else {
                            AlignmentType::Left
                        };
                        cell(t, tx, align, w)
                    })
                    .collect(),
            )
            .cant_split(),
        );
    }
    bordered(rows, &w)
}

fn signature_block(ctx: &Context) -> Table {
    let left = 4_300;
    let right = PORTRAIT_TEXT - left;
    let small = TEXT.size(SMALL);
    let l = TableCell::new()
        .add_paragraph(para(
            "Nơi nhận:",
            small.bold().underline(),
            AlignmentType::Left,
        ))
        .add_paragraph(para(
            "- Cấp ủy cấp trên (để báo cáo),",
            small,
            AlignmentType::Left,
        ))
        .add_paragraph(para("- Các chi bộ,", small, AlignmentType::Left))
        .add_paragraph(para("- Lưu tổ đánh giá.", small, AlignmentType::Left))
        .width(left, WidthType::Dxa);
    let committee = ctx.options.committee();
    let short = committee
        .strip_suffix(" BÀI THU HOẠCH")
        .unwrap_or(&committee);
    let r = TableCell::new()
        .add_paragraph(para(
            &format!("T/M {short}"),
            TEXT.bold(),
            AlignmentType::Center,
        ))
        .add_paragraph(para(
            &ctx.options.signer_title(),
            TEXT.bold(),
            AlignmentType::Center,
        ))
        .add_paragraph(para(
            "(Ký, ghi rõ họ tên)",
            TEXT.italic(),
            AlignmentType::Center,
        ))
        .add_paragraph(para("", TEXT, AlignmentType::Center))
        .add_paragraph(para("", TEXT, AlignmentType::Center))
        .add_paragraph(para("", TEXT, AlignmentType::Center))
        .add_paragraph(para(
            ctx.options.signer_name.as_deref().unwrap_or(""),
            TEXT.bold(),
            AlignmentType::Center,
        ))
        .width(right, WidthType::Dxa);
    Table::without_borders(vec![TableRow::new(vec![l, r])])
        .set_grid(vec![left, right])
        .width(PORTRAIT_TEXT, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

/// The landscape appendix: the summary table by party cell with its totals row.
fn appendix(ctx: &Context, doc: Docx) -> Docx {
    let s = ctx.summary;
    let doc = doc
        .add_paragraph(para("PHỤ LỤC", TEXT.bold(), AlignmentType::Center))
        .add_paragraph(para(
            "KẾT QUẢ PHÂN LOẠI BÀI THU HOẠCH THEO CHI BỘ",
            TEXT.bold(),
            AlignmentType::Center,
        ))
        .add_paragraph(
            para(
                &format!("(Kèm theo Báo cáo {})", ctx.date.long_vi()),
                TEXT.italic(),
                AlignmentType::Center,
            )
            .line_spacing(spacing(0, 200)),
        );

    // Columns: STT, cell, [members, submitted, participation], essays, per level (count, %),
    // not graded, to review.
    // Counts and percentages 800 twips ("1.016" in 13 pt), the two word-headed columns
    // ("Không chấm được", "Cần xem xét") a little wider; the cell's name takes the rest.
    let num = 800;
    let wide = 980;
    let stt = 700;
    let before_levels = if s.has_roster { 4 } else { 1 };
    let numeric = before_levels + 2 * s.levels.len();
    let name = LANDSCAPE_TEXT
        .saturating_sub(stt + num * numeric + 2 * wide)
        .max(2_000);
    let mut widths = vec![stt, name];
    widths.extend(std::iter::repeat_n(num, numeric));
    widths.extend([wide, wide]);

    let hd = TEXT.size(TABLE).bold();
    let tx = TEXT.size(TABLE);
    let c = AlignmentType::Center;
    let merged = |text: &str, w: usize| cell(text, hd, c, w).vertical_merge(VMergeType::Restart);
    let cont = |w: usize| {
        TableCell::new()
            .add_paragraph(para("", hd, c))
            .width(w, WidthType::Dxa)
            .vertical_merge(VMergeType::Continue)
    };
    let mut top = vec![merged("STT", stt), merged("Chi bộ", name)];
    let mut second = vec![cont(stt), cont(name)];
    let mut single: Vec<&str> = Vec::new();
    if s.has_roster {
        single.extend(["Số đảng viên", "Số đảng viên đã nộp", "Tỷ lệ tham gia (%)"]);
    }
    single.push("Số bài nộp");
    for h in &single {
        top.push(merged(h, num));
        second.push(cont(num));
    }
    for l in &s.levels {
        top.push(cell(&l.label, hd, c, 2 * num).grid_span(2));
        second.push(cell("Số bài", hd, c, num));
        second.push(cell("%", hd, c, num));
    }
    for h in ["Không chấm được", "Cần xem xét"] {
        top.push(merged(h, wide));
        second.push(cont(wide));
    }
    let mut rows = vec![TableRow::new(top), TableRow::new(second)];
    for (i, u) in s.units.iter().enumerate() {
        rows.push(unit_row(ctx, Some(i + 1), u, &widths, tx));
    }
    rows.push(unit_row(ctx, None, &s.total, &widths, hd));
    let table = bordered(rows, &widths);
    let mut doc = doc.add_table(table);
    doc = doc.add_paragraph(
        para("", TEXT.size(SMALL), AlignmentType::Left).line_spacing(spacing(0, 60)),
    );
    let mut doc = doc.add_paragraph(para(
        "Ghi chú: tỷ lệ (%) từng mức tính trên số bài đã chấm của chi bộ; tổng mỗi dòng bằng 100%. \
         Số bài đã chấm = số bài nộp − số bài không chấm được.",
        TEXT.italic().size(SMALL),
        AlignmentType::Left,
    ));
    for note in annex_notes(ctx) {
        let p = match note.strip_prefix(SHA_NOTE) {
            Some(hash) => Paragraph::new()
                .add_run(run(SHA_NOTE, TEXT.italic().size(SMALL)))
                .add_run(run(hash, TEXT.size(SMALL - 4))),
            None => para(&note, TEXT.italic().size(SMALL), AlignmentType::Left),
        };
        doc = doc.add_paragraph(p);
    }
    doc
}

/// "Trang 1", "Trang 2"… centred at the bottom of every page.
fn page_footer() -> Footer {
    Footer::new().add_paragraph(
        Paragraph::new()
            .add_run(run("Trang ", TEXT.size(SMALL)))
            .add_page_num(PageNum::new())
            .align(AlignmentType::Center),
    )
}

fn unit_row(ctx: &Context, stt: Option<usize>, u: &UnitRow, widths: &[usize], st: St) -> TableRow {
    let s = ctx.summary;
    let c = AlignmentType::Center;
    let mut cells = vec![
        cell(
            &stt.map(|n| n.to_string()).unwrap_or_default(),
            st,
            c,
            widths[0],
        ),
        cell(&u.name, st, AlignmentType::Left, widths[1]),
    ];
    let mut values: Vec<String> = Vec::new();
    if s.has_roster {
        values.push(fmt_int_vi(u.members.unwrap_or(0)));
        values.push(fmt_int_vi(u.members_submitted.unwrap_or(0)));
        values.push(
            u.participation
                .map(fmt_dec_vi)
                .unwrap_or_else(|| "—".into()),
        );
    }
    values.push(fmt_int_vi(u.essays));
    for (n, p) in u.counts.iter().zip(&u.percents) {
        values.push(fmt_int_vi(*n));
        values.push(if u.graded > 0 {
            fmt_dec_vi(*p)
        } else {
            "—".into()
        });
    }
    values.push(fmt_int_vi(u.errors));
    values.push(fmt_int_vi(u.review));
    for (v, w) in values.iter().zip(&widths[2..]) {
        cells.push(cell(v, st, c, *w));
    }
    TableRow::new(cells).cant_split()
}
