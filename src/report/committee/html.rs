//! The committee report as one self-contained HTML page: no scripts, fonts, images or style
//! sheets from elsewhere (it opens offline and prints as it looks), the tables, and a stacked
//! bar per party cell drawn in inline SVG with the numbers written on the bars, so a
//! black-and-white printout still reads.

use std::fmt::Write;

use super::layout::{
    annex_notes, decision_cells, method_notes, short_file, Context, DECISION_HEADERS,
};
use crate::report::summary::{fmt_dec_vi, fmt_int_vi, Summary, UnitRow, UNKNOWN_UNIT};

/// Bar colours by level, highest first (good, fair, average, poor), then greys.
const COLORS: [&str; 6] = [
    "#2e7d32", "#1565c0", "#f0a800", "#c62828", "#6d4c41", "#757575",
];
/// Text colour on each bar colour.
const INK: [&str; 6] = ["#fff", "#fff", "#000", "#fff", "#fff", "#fff"];

const CSS: &str = r#"
:root { color-scheme: light; }
body { font-family: "Times New Roman", Times, serif; font-size: 13pt; color: #111;
  max-width: 1100px; margin: 24px auto; padding: 0 24px; line-height: 1.4; }
.head { display: flex; justify-content: space-between; text-align: center; margin-bottom: 18px; }
.head div { line-height: 1.35; }
.head .left { width: 42%; } .head .right { width: 55%; }
.b { font-weight: bold; } .i { font-style: italic; } .u { text-decoration: underline; }
.big { font-size: 15pt; }
h1 { text-align: center; font-size: 15pt; margin: 18px 0 2px; line-height: 1.4; }
.sub { text-align: center; font-weight: bold; margin: 0 0 4px; }
.dash { text-align: center; margin: 0 0 16px; }
h2 { font-size: 13.5pt; margin: 22px 0 8px; text-transform: uppercase; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 8px 0 12px; }
.card { border: 1px solid #bbb; border-radius: 4px; padding: 6px 12px; min-width: 140px; }
.card .n { font-size: 17pt; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 11.5pt; }
th, td { border: 1px solid #666; padding: 3px 5px; vertical-align: middle; }
th { background: #dde7f3; text-align: center; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.c { text-align: center; }
tfoot td, tr.total td { font-weight: bold; background: #f2f2f2; }
table.chart td { border: none; border-bottom: 1px solid #e3e3e3; padding: 4px 6px; }
table.chart td.name { width: 30%; }
table.chart td.bar { width: 58%; }
table.chart svg { display: block; width: 100%; height: auto; }
.legend { display: flex; gap: 16px; flex-wrap: wrap; margin: 4px 0 8px; font-size: 11.5pt; }
.legend span.sw { display: inline-block; width: 14px; height: 14px; vertical-align: -2px;
  margin-right: 4px; border: 1px solid #444; }
ul.notes { font-size: 11.5pt; padding-left: 20px; }
.file { font-size: 10pt; color: #444; }
.muted { color: #555; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 12pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  thead { display: table-header-group; }
  tr, .card, table.chart tr { break-inside: avoid; }
  h2 { break-after: avoid; }
}
"#;

/// Escapes text for HTML content and double-quoted attributes (also used by the web app).
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn color(i: usize) -> (&'static str, &'static str) {
    let k = i.min(COLORS.len() - 1);
    (COLORS[k], INK[k])
}

/// The whole page.
pub(crate) fn render(ctx: &Context) -> String {
    let mut h = String::with_capacity(64 * 1024);
    // Writing to a String cannot fail.
    let _ = write_page(&mut h, ctx);
    h
}

fn write_page(h: &mut String, ctx: &Context) -> std::fmt::Result {
    let s = ctx.summary;
    let t = &s.total;
    let o = ctx.options;
    writeln!(
        h,
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">"
    )?;
    writeln!(
        h,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        h,
        "<title>Báo cáo kết quả đánh giá, phân loại bài thu hoạch — {}</title>",
        esc(&ctx.date.short_vi())
    )?;
    writeln!(h, "<style>{CSS}</style>\n</head>\n<body>")?;

    // Administrative header and title.
    writeln!(
        h,
        "<div class=\"head\"><div class=\"left\"><div>{}</div><div class=\"b\">{}</div><div>*</div><div>{}</div></div>\
         <div class=\"right\"><div class=\"b u big\">ĐẢNG CỘNG SẢN VIỆT NAM</div><div>&nbsp;</div>\
         <div class=\"i\">{}, {}</div></div></div>",
        esc(&o.parent()),
        esc(&o.committee()),
        esc(&o.number()),
        esc(&o.place()),
        esc(&ctx.date.long_vi())
    )?;
    writeln!(
        h,
        "<h1>BÁO CÁO<br>KẾT QUẢ ĐÁNH GIÁ, PHÂN LOẠI BÀI THU HOẠCH</h1>"
    )?;
    let resolution = &ctx.rubric.spec.rubric.resolution;
    if !resolution.is_empty() {
        writeln!(
            h,
            "<p class=\"sub\">Học tập, quán triệt {}</p>",
            esc(resolution)
        )?;
    }
    writeln!(h, "<p class=\"dash\">-----</p>")?;

    // I. Overall.
    writeln!(h, "<h2>I. Kết quả chung</h2>\n<div class=\"cards\">")?;
    let mut card = |label: &str, value: String| {
        writeln!(
            h,
            "<div class=\"card\"><div class=\"n\">{}</div><div>{}</div></div>",
            esc(&value),
            esc(label)
        )
    };
    if let (Some(m), Some(sub), Some(p)) = (t.members, t.members_submitted, t.participation) {
        card("Đảng viên trong danh sách", fmt_int_vi(m))?;
        card(
            "Đảng viên đã nộp bài",
            format!("{} ({}%)", fmt_int_vi(sub), fmt_dec_vi(p)),
        )?;
    }
    card("Bài thu hoạch đã nộp", fmt_int_vi(t.essays))?;
    card("Bài đã chấm, xếp loại", fmt_int_vi(t.graded))?;
    card("Bài không chấm được", fmt_int_vi(t.errors))?;
    card("Bài cần xem xét lại", fmt_int_vi(t.review))?;
    writeln!(h, "</div>")?;
    if let Some(matching) = s.matching_vi() {
        writeln!(h, "<p>{}</p>", esc(&matching))?;
    }
    legend(h, s)?;
    writeln!(h, "<table class=\"chart\"><tbody>")?;
    chart_row(h, s, t, true)?;
    writeln!(h, "</tbody></table>")?;
    writeln!(
        h,
        "<table style=\"width:auto\"><thead><tr><th>Xếp loại</th><th>Số bài</th><th>Tỷ lệ (%)</th></tr></thead><tbody>"
    )?;
    for (i, l) in s.levels.iter().enumerate() {
        writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&l.label),
            fmt_int_vi(t.counts[i]),
            fmt_dec_vi(t.percents[i])
        )?;
    }
    writeln!(
        h,
        "</tbody><tfoot><tr><td>Cộng (bài đã chấm)</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr></tfoot></table>",
        fmt_int_vi(t.graded),
        if t.graded > 0 { "100,0" } else { "0,0" }
    )?;

    // II. By cell.
    writeln!(h, "<h2>II. Kết quả theo chi bộ</h2>")?;
    summary_table(h, s)?;
    legend(h, s)?;
    writeln!(h, "<table class=\"chart\"><tbody>")?;
    for u in &s.units {
        chart_row(h, s, u, false)?;
    }
    writeln!(h, "</tbody></table>")?;

    // III. Review.
    let mut n = 3;
    writeln!(h, "<h2>{}. Những bài cần xem xét lại</h2>", roman(n))?;
    n += 1;
    if s.review.is_empty() {
        writeln!(h, "<p>Không có bài nào cần xem xét lại.</p>")?;
    } else {
        writeln!(
            h,
            "<table><thead><tr><th>STT</th><th>Họ và tên (tệp)</th><th>Chi bộ</th><th>Điểm</th>\
             <th>Xếp loại</th><th>Lý do cần xem xét</th></tr></thead><tbody>"
        )?;
        for (i, item) in s.review.iter().enumerate() {
            let Some(row) = ctx.rows.get(item.row) else {
                continue;
            };
            let p = &s.placements[item.row];
            let label = p.level.map(|l| s.levels[l].label.as_str()).unwrap_or("—");
            let reasons: Vec<String> = item.reasons.iter().map(|r| esc(r)).collect();
            writeln!(
                h,
                "<tr><td class=\"c\">{}</td><td>{}<div class=\"file\">{}</div></td><td>{}</td>\
                 <td class=\"n\">{}</td><td class=\"c\">{}</td><td>{}</td></tr>",
                i + 1,
                esc(p.name.as_deref().unwrap_or("(không rõ tên)")),
                esc(short_file(&row.file)),
                esc(&s.units[item.unit].name),
                row.score.map(fmt_dec_vi).unwrap_or_else(|| "—".into()),
                esc(label),
                reasons.join("<br>")
            )?;
        }
        writeln!(h, "</tbody></table>")?;
    }

    // IV. Missing members.
    if s.has_roster {
        writeln!(h, "<h2>{}. Đảng viên chưa nộp bài</h2>", roman(n))?;
        n += 1;
        if s.missing.is_empty() {
            writeln!(
                h,
                "<p>Tất cả đảng viên trong danh sách đều đã nộp bài thu hoạch.</p>"
            )?;
        } else {
            writeln!(
                h,
                "<table><thead><tr><th>STT</th><th>STT trong danh sách</th><th>Họ và tên</th>\
                 <th>Chi bộ</th></tr></thead><tbody>"
            )?;
            for (i, m) in s.missing.iter().enumerate() {
                writeln!(
                    h,
                    "<tr><td class=\"c\">{}</td><td class=\"c\">{}</td><td>{}</td><td>{}</td></tr>",
                    i + 1,
                    esc(m.stt.as_deref().unwrap_or("")),
                    esc(&m.name),
                    esc(m.unit.as_deref().unwrap_or(UNKNOWN_UNIT))
                )?;
            }
            writeln!(h, "</tbody></table>")?;
        }
    }

    // The committee's decisions.
    let decisions = &ctx.options.decisions;
    if !decisions.changes.is_empty() || !decisions.warnings().is_empty() {
        writeln!(
            h,
            "<h2>{}. Bài được tổ đánh giá quyết định lại xếp loại</h2>",
            roman(n)
        )?;
        n += 1;
        if !decisions.changes.is_empty() {
            writeln!(
                h,
                "<p>Các số liệu trên đã tính theo xếp loại cuối cùng của tổ đánh giá; xếp loại của máy ghi bên cạnh.</p>\n<table class=\"decisions\"><thead><tr>{}</tr></thead><tbody>",
                DECISION_HEADERS.map(|x| format!("<th>{}</th>", esc(x))).concat()
            )?;
            for (i, c) in decisions.changes.iter().enumerate() {
                let cells = decision_cells(ctx, i, c);
                writeln!(
                    h,
                    "<tr>{}</tr>",
                    cells.map(|x| format!("<td>{}</td>", esc(&x))).concat()
                )?;
            }
            writeln!(h, "</tbody></table>")?;
        }
        for w in decisions.warnings() {
            writeln!(h, "<p class=\"warn\">{}</p>", esc(&w))?;
        }
    }

    // V. Method.
    writeln!(
        h,
        "<h2>{}. Barem chấm và cách tính</h2>\n<ul class=\"notes\">",
        roman(n)
    )?;
    for note in method_notes(ctx) {
        writeln!(h, "<li>{}</li>", esc(&note))?;
    }
    writeln!(h, "</ul>")?;
    writeln!(
        h,
        "<div class=\"head\"><div class=\"left\"></div><div class=\"right\"><div class=\"b\">{}</div>\
         <div class=\"i\">(Ký, ghi rõ họ tên)</div><div>&nbsp;</div><div>&nbsp;</div><div class=\"b\">{}</div></div></div>",
        esc(&o.signer_title()),
        esc(o.signer_name.as_deref().unwrap_or(""))
    )?;
    writeln!(
        h,
        "<h2>Phụ lục: kiểm tra số liệu</h2>\n<ul class=\"notes\">"
    )?;
    for note in annex_notes(ctx) {
        writeln!(h, "<li>{}</li>", esc(&note))?;
    }
    writeln!(h, "</ul>\n</body>\n</html>")
}

fn roman(n: usize) -> &'static str {
    ["I", "II", "III", "IV", "V", "VI", "VII"]
        .get(n.saturating_sub(1))
        .copied()
        .unwrap_or("")
}

fn summary_table(h: &mut String, s: &Summary) -> std::fmt::Result {
    write!(
        h,
        "<table><thead><tr><th rowspan=\"2\">STT</th><th rowspan=\"2\">Chi bộ</th>"
    )?;
    if s.has_roster {
        write!(
            h,
            "<th rowspan=\"2\">Số đảng viên</th><th rowspan=\"2\">Đã nộp</th>\
             <th rowspan=\"2\">Tỷ lệ tham gia (%)</th>"
        )?;
    }
    write!(h, "<th rowspan=\"2\">Số bài nộp</th>")?;
    for l in &s.levels {
        write!(h, "<th colspan=\"2\">{}</th>", esc(&l.label))?;
    }
    write!(
        h,
        "<th rowspan=\"2\">Không chấm được</th><th rowspan=\"2\">Cần xem xét</th></tr>\n<tr>"
    )?;
    for _ in &s.levels {
        write!(h, "<th>Số bài</th><th>%</th>")?;
    }
    writeln!(h, "</tr></thead><tbody>")?;
    for (i, u) in s.units.iter().enumerate() {
        unit_tr(h, s, u, Some(i + 1))?;
    }
    writeln!(h, "</tbody><tfoot>")?;
    unit_tr(h, s, &s.total, None)?;
    writeln!(h, "</tfoot></table>")
}

fn unit_tr(h: &mut String, s: &Summary, u: &UnitRow, stt: Option<usize>) -> std::fmt::Result {
    write!(
        h,
        "<tr><td class=\"c\">{}</td><td>{}</td>",
        stt.map(|n| n.to_string()).unwrap_or_default(),
        esc(&u.name)
    )?;
    let dash = || "—".to_string();
    if s.has_roster {
        write!(
            h,
            "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
            fmt_int_vi(u.members.unwrap_or(0)),
            fmt_int_vi(u.members_submitted.unwrap_or(0)),
            u.participation.map(fmt_dec_vi).unwrap_or_else(dash)
        )?;
    }
    write!(h, "<td class=\"n\">{}</td>", fmt_int_vi(u.essays))?;
    for (n, p) in u.counts.iter().zip(&u.percents) {
        let p = if u.graded > 0 { fmt_dec_vi(*p) } else { dash() };
        write!(
            h,
            "<td class=\"n\">{}</td><td class=\"n\">{p}</td>",
            fmt_int_vi(*n)
        )?;
    }
    writeln!(
        h,
        "<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
        fmt_int_vi(u.errors),
        fmt_int_vi(u.review)
    )
}

fn legend(h: &mut String, s: &Summary) -> std::fmt::Result {
    write!(h, "<div class=\"legend\">")?;
    for (i, l) in s.levels.iter().enumerate() {
        write!(
            h,
            "<span><span class=\"sw\" style=\"background:{}\"></span>{}</span>",
            color(i).0,
            esc(&l.label)
        )?;
    }
    writeln!(h, "</div>")
}

/// One row of the chart: the cell's name, a stacked bar of its levels (percent of graded
/// essays), and its number of graded essays.
fn chart_row(h: &mut String, s: &Summary, u: &UnitRow, total: bool) -> std::fmt::Result {
    const W: f64 = 600.0;
    const H: f64 = 24.0;
    let parts: Vec<String> = s
        .levels
        .iter()
        .zip(u.counts.iter().zip(&u.percents))
        .map(|(l, (n, p))| format!("{} {} bài ({}%)", l.label, fmt_int_vi(*n), fmt_dec_vi(*p)))
        .collect();
    let label = format!("{}: {}", u.name, parts.join(", "));
    write!(
        h,
        "<tr><td class=\"name{}\">{}</td><td class=\"bar\"><svg viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\">",
        if total { " b" } else { "" },
        esc(&u.name),
        esc(&label)
    )?;
    if u.graded == 0 {
        write!(
            h,
            "<rect x=\"0\" y=\"0\" width=\"{W}\" height=\"{H}\" fill=\"#eee\" stroke=\"#bbb\"/>\
             <text x=\"8\" y=\"16\" font-size=\"12\" fill=\"#555\">Chưa có bài được chấm</text>"
        )?;
    } else {
        let mut x = 0.0;
        for (i, (n, p)) in u.counts.iter().zip(&u.percents).enumerate() {
            if *n == 0 {
                continue;
            }
            let w = W * p / 100.0;
            let (fill, ink) = color(i);
            write!(
                h,
                "<rect x=\"{x:.1}\" y=\"0\" width=\"{w:.1}\" height=\"{H}\" fill=\"{fill}\"><title>{}</title></rect>",
                esc(&parts[i])
            )?;
            if w >= 44.0 {
                write!(
                    h,
                    "<text x=\"{:.1}\" y=\"16.5\" font-size=\"12\" text-anchor=\"middle\" fill=\"{ink}\">{}%</text>",
                    x + w / 2.0,
                    fmt_dec_vi(*p)
                )?;
            }
            x += w;
        }
    }
    writeln!(
        h,
        "</svg></td><td class=\"n muted\">{} bài</td></tr>",
        fmt_int_vi(u.graded)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
