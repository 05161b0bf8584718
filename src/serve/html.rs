//! HTML building blocks: escaping (every piece of essay text goes through [`esc`]), the page
//! layout, the evidence highlighter and the distribution chart (inline SVG).

use std::fmt::Write;

use crate::report::summary::Summary;
use crate::Assessment;

pub(crate) use crate::report::html::esc;

/// Percent-encodes a query-string value.
pub fn url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

const STYLE: &str = r#"
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 "Segoe UI",Arial,"Noto Sans",sans-serif;color:#1d2329;background:#f5f6f8}
header{background:#a50e0e;color:#fff;padding:.4rem 1rem;display:flex;gap:1.2rem;align-items:center;flex-wrap:wrap}
header a{color:#fff;text-decoration:none;font-weight:600}
header .who{margin-left:auto;font-size:.9rem}
header form{display:inline}
main{max-width:1320px;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.2rem 0 .8rem}
h2{font-size:1.1rem;margin:1.2rem 0 .5rem}
table{border-collapse:collapse;background:#fff;width:100%}
th,td{border:1px solid #d5d9de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef0f3}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;gap:.8rem;flex-wrap:wrap;margin-bottom:.8rem}
.card{background:#fff;border:1px solid #d5d9de;border-radius:6px;padding:.5rem .9rem;min-width:9rem}
.card b{display:block;font-size:1.4rem}
.grid{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1rem}
.essay{background:#fff;border:1px solid #d5d9de;padding:1rem;white-space:pre-wrap;font-family:"Times New Roman",serif;font-size:16px}
mark{padding:0 .1em;border-radius:2px}
.c0{background:#ffe08a}.c1{background:#b5e3ff}.c2{background:#c8f0c0}.c3{background:#f5c6f0}.c4{background:#ffd0b0}.c5{background:#d9d2ff}
.legend span{display:inline-block;margin:0 .6rem .3rem 0;padding:.05rem .4rem;border-radius:3px}
.flag{display:inline-block;background:#fde2e1;color:#8a1c14;border-radius:3px;padding:0 .35rem;margin:0 .2rem .2rem 0;font-size:.85rem}
.ok{color:#1b6b2a}.warn{color:#8a1c14}
form.filters{display:flex;gap:.5rem;flex-wrap:wrap;align-items:end;margin-bottom:.7rem}
label{display:block;font-size:.85rem}
input,select,textarea,button{font:inherit}
input[type=text],input[type=password],input[type=search],select,textarea{padding:.25rem .4rem;border:1px solid #b8bec6;border-radius:4px}
button{background:#a50e0e;color:#fff;border:0;border-radius:4px;padding:.35rem .9rem;cursor:pointer}
.box{background:#fff;border:1px solid #d5d9de;border-radius:6px;padding:.8rem;margin-bottom:1rem}
.hit{background:#fff;border:1px solid #d5d9de;padding:.5rem .8rem;margin-bottom:.5rem}
.hit b{background:#ffe08a}
.err{background:#fde2e1;border:1px solid #e8a29d;padding:.6rem;border-radius:4px}
.muted{color:#5f6b76}
.copied{background:repeating-linear-gradient(135deg,#ffd6d6 0 6px,#ffe9e9 6px 12px);outline:1px dashed #c0392b}
.copied mark{opacity:.85}
a.copy-link{font:bold 11px/1 Arial,sans-serif;color:#fff;background:#c0392b;border-radius:3px;padding:1px 4px;margin-right:3px;text-decoration:none;white-space:nowrap}
@media print{header,form,.noprint{display:none}body{background:#fff}main{max-width:none}}
"#;

/// A whole page: header with the menu, the title, the body.
pub fn layout(title: &str, user: Option<(&str, &str, &str)>, body: &str) -> String {
    let who = match user {
        Some((name, role, csrf)) => format!(
            r#"<span class="who">{} ({}) <form method="post" action="/logout"><input type="hidden" name="csrf" value="{}"><button type="submit">Đăng xuất</button></form></span>"#,
            esc(name),
            esc(role),
            esc(csrf)
        ),
        None => r#"<span class="who"><a href="/login">Đăng nhập</a></span>"#.to_string(),
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title} — Chấm bài thu hoạch</title><style>{STYLE}</style></head>
<body><header><a href="/">Chấm bài thu hoạch</a><a href="/">Tổng quan</a><a href="/essays">Danh sách bài</a><a href="/search">Tìm kiếm</a><a href="/upload">Tải lên</a><a href="/downloads">Tải xuống</a>{who}</header>
<main><h1>{title}</h1>
{body}</main></body></html>"#,
        title = esc(title)
    )
}

/// A span of the essay to highlight: bytes, colour class, what it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub start: usize,
    pub end: usize,
    pub class: usize,
    pub title: String,
}

/// The evidence of `row` located in `text`: each theme's evidence sentences (colour of the
/// criterion the themes count for, the first) and each part's aspects' evidence (colour of the
/// criterion with the part's id, else the part's position after the first). Overlaps keep the
/// earliest span.
pub fn evidence_marks(row: &Assessment, text: &str, criteria: &[String]) -> Vec<Mark> {
    let mut marks = Vec::new();
    for theme in row.themes.iter().filter(|t| t.covered) {
        for sentence in &theme.evidence {
            locate(text, sentence, 0, &theme.label, &mut marks);
        }
    }
    for (i, part) in row.parts.iter().enumerate() {
        let class = criteria.iter().position(|c| *c == part.id).unwrap_or(i + 1);
        for aspect in &part.aspects {
            for sentence in &aspect.evidence {
                let title = format!("{} — {}", part.label, aspect.label);
                locate(text, sentence, class, &title, &mut marks);
            }
        }
    }
    marks.sort_by_key(|m| (m.start, m.end));
    let mut kept: Vec<Mark> = Vec::with_capacity(marks.len());
    for m in marks {
        if kept.last().is_none_or(|k| m.start >= k.end) {
            kept.push(m);
        }
    }
    kept
}

/// Finds `sentence` in `text` (as written, else with its whitespace runs matched loosely,
/// else its first 60 characters) and records where.
fn locate(text: &str, sentence: &str, class: usize, title: &str, marks: &mut Vec<Mark>) {
    let s = sentence
        .trim()
        .trim_start_matches('…')
        .trim_end_matches('…')
        .trim();
    if s.is_empty() {
        return;
    }
    if let Some(start) = text.find(s) {
        marks.push(Mark {
            start,
            end: start + s.len(),
            class,
            title: title.to_string(),
        });
        return;
    }
    if let Some((start, end)) = find_loose(text, s) {
        marks.push(Mark {
            start,
            end,
            class,
            title: title.to_string(),
        });
    }
}

/// Matches `needle` in `hay` with any run of whitespace matching any run of whitespace.
fn find_loose(hay: &str, needle: &str) -> Option<(usize, usize)> {
    let words: Vec<&str> = needle.split_whitespace().collect();
    let first = *words.first()?;
    let mut from = 0;
    while let Some(pos) = hay[from..].find(first) {
        let start = from + pos;
        let mut at = start + first.len();
        let mut ok = true;
        for w in &words[1..] {
            let rest = &hay[at..];
            let trimmed = rest.trim_start();
            if trimmed.len() == rest.len() || !trimmed.starts_with(w) {
                ok = false;
                break;
            }
            at += rest.len() - trimmed.len() + w.len();
        }
        if ok {
            return Some((start, at));
        }
        from = start + first.len();
    }
    None
}

/// A passage also found in another essay: bytes of the text, the other essay's id.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyMark {
    pub start: usize,
    pub end: usize,
    pub other: i64,
}

/// The essay text, escaped, with the evidence marks as `<mark>` elements and the copied
/// passages as `<span class="copied">` around them, each opening with a link to the other
/// essay. Marks and passages are sorted and do not overlap among themselves; an evidence mark
/// that crosses a passage's edge is cut there, so the elements nest.
pub fn highlighted_with_copies(text: &str, marks: &[Mark], copies: &[CopyMark]) -> String {
    let valid = |s: usize, e: usize| {
        s < e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
    };
    let marks: Vec<&Mark> = marks.iter().filter(|m| valid(m.start, m.end)).collect();
    let copies: Vec<&CopyMark> = copies.iter().filter(|c| valid(c.start, c.end)).collect();
    let mut cuts: Vec<usize> = vec![0, text.len()];
    cuts.extend(marks.iter().flat_map(|m| [m.start, m.end]));
    cuts.extend(copies.iter().flat_map(|c| [c.start, c.end]));
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = String::with_capacity(text.len() * 11 / 10);
    // What covers each piece: the earliest mark / passage that holds it whole.
    let (mut mi, mut ci) = (0, 0);
    let (mut open_mark, mut open_copy): (Option<usize>, Option<usize>) = (None, None);
    for w in cuts.windows(2) {
        let (p, q) = (w[0], w[1]);
        while mi < marks.len() && marks[mi].end <= p {
            mi += 1;
        }
        while ci < copies.len() && copies[ci].end <= p {
            ci += 1;
        }
        let mark = (mi < marks.len() && marks[mi].start <= p && q <= marks[mi].end).then_some(mi);
        let copy =
            (ci < copies.len() && copies[ci].start <= p && q <= copies[ci].end).then_some(ci);
        if open_mark.is_some() && (open_mark != mark || open_copy != copy) {
            out.push_str("</mark>");
            open_mark = None;
        }
        if open_copy != copy {
            if open_copy.is_some() {
                out.push_str("</span>");
            }
            if let Some(c) = copy {
                let other = copies[c].other;
                let _ = write!(
                    out,
                    r#"<span class="copied" title="Đoạn trùng với bài số {other}"><a class="copy-link" href="/essays/{other}">⇄ bài {other}</a>"#
                );
            }
            open_copy = copy;
        }
        if open_mark.is_none() {
            if let Some(m) = mark {
                let _ = write!(
                    out,
                    r#"<mark class="c{}" title="{}">"#,
                    marks[m].class % 6,
                    esc(&marks[m].title)
                );
                open_mark = Some(m);
            }
        }
        out.push_str(&esc(&text[p..q]));
    }
    if open_mark.is_some() {
        out.push_str("</mark>");
    }
    if open_copy.is_some() {
        out.push_str("</span>");
    }
    out
}

/// A stacked horizontal bar per party cell: the share of each level (inline SVG, no script).
pub fn distribution_chart(summary: &Summary) -> String {
    const COLOURS: [&str; 6] = [
        "#2e7d32", "#1565c0", "#f9a825", "#c62828", "#6a1b9a", "#5d4037",
    ];
    let rows: Vec<_> = summary.units.iter().chain([&summary.total]).collect();
    let (label_w, bar_w, row_h) = (260.0, 560.0, 26.0);
    let height = row_h * rows.len() as f64 + 40.0;
    let mut svg = format!(
        r#"<svg role="img" aria-label="Biểu đồ phân bố xếp loại theo chi bộ" width="{}" height="{height}" viewBox="0 0 {} {height}" xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="Arial,sans-serif">"#,
        label_w + bar_w + 20.0,
        label_w + bar_w + 20.0
    );
    for (i, unit) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let name: String = unit.name.chars().take(38).collect();
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            label_w - 6.0,
            y + 15.0,
            esc(&name)
        );
        let mut x = label_w;
        for (level, pct) in unit.percents.iter().enumerate() {
            let w = bar_w * pct / 100.0;
            if w > 0.0 {
                let _ = write!(
                    svg,
                    r#"<rect x="{x:.1}" y="{y}" width="{w:.1}" height="{}" fill="{}"><title>{}: {}%</title></rect>"#,
                    row_h - 6.0,
                    COLOURS[level % COLOURS.len()],
                    esc(&summary.levels[level].label),
                    crate::report::summary::fmt_dec_vi(*pct)
                );
                if w > 34.0 {
                    let _ = write!(
                        svg,
                        r##"<text x="{:.1}" y="{}" fill="#fff" text-anchor="middle">{}%</text>"##,
                        x + w / 2.0,
                        y + 15.0,
                        crate::report::summary::fmt_dec_vi(*pct)
                    );
                }
            }
            x += w;
        }
    }
    let y = rows.len() as f64 * row_h + 14.0;
    let mut x = label_w;
    for (level, l) in summary.levels.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<rect x="{x}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{}">{}</text>"#,
            y - 10.0,
            COLOURS[level % COLOURS.len()],
            x + 16.0,
            y,
            esc(&l.label)
        );
        x += 110.0;
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc(r#""><img src=x onerror=alert(1)><script>x</script>&'"#),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;x&lt;/script&gt;&amp;&#39;"
        );
    }

    #[test]
    fn highlights_escape_inside_and_outside_marks() {
        let text = "a <b> Nghị quyết <i> c";
        let start = text.find("Nghị").unwrap();
        let marks = vec![Mark {
            start,
            end: start + "Nghị quyết".len(),
            class: 1,
            title: "T\"".into(),
        }];
        assert_eq!(
            highlighted_with_copies(text, &marks, &[]),
            r#"a &lt;b&gt; <mark class="c1" title="T&quot;">Nghị quyết</mark> &lt;i&gt; c"#
        );
    }

    #[test]
    fn copied_passages_wrap_marks_and_link_to_the_other_essay() {
        let text = "Mở <b> đầu. Đoạn chép \"x\" ở đây. Kết.";
        let copy_start = text.find("Đoạn").unwrap();
        let copy_end = text.find(" Kết").unwrap();
        let mark_start = text.find("<b>").unwrap();
        let mark_end = text.find("chép").unwrap();
        let marks = vec![Mark {
            start: mark_start,
            end: mark_end,
            class: 2,
            title: "t".into(),
        }];
        let copies = vec![CopyMark {
            start: copy_start,
            end: copy_end,
            other: 7,
        }];
        let html = highlighted_with_copies(text, &marks, &copies);
        assert_eq!(
            html,
            concat!(
                r#"Mở <mark class="c2" title="t">&lt;b&gt; đầu. </mark>"#,
                r#"<span class="copied" title="Đoạn trùng với bài số 7"><a class="copy-link" href="/essays/7">⇄ bài 7</a>"#,
                r#"<mark class="c2" title="t">Đoạn </mark>chép &quot;x&quot; ở đây.</span> Kết."#
            )
        );
    }

    #[test]
    fn loose_match_spans_line_breaks() {
        let hay = "Mở đầu. Tôi   cam kết\nhọc tập suốt đời. Hết.";
        let (s, e) = find_loose(hay, "Tôi cam kết học tập suốt đời.").unwrap();
        assert_eq!(&hay[s..e], "Tôi   cam kết\nhọc tập suốt đời.");
    }

    #[test]
    fn url_encodes() {
        assert_eq!(
            url("chuyển đổi & số"),
            "chuy%E1%BB%83n%20%C4%91%E1%BB%95i%20%26%20s%E1%BB%91"
        );
    }
}
