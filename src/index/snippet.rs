//! Snippets cut from the original text around the query's matches, found with the grading
//! analyzer, so a phrase is highlighted only where its syllables stand together.

use crate::text::{analyze, push_display, Analyzed};

use super::QueryPart;

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 240;

/// A piece of the original text with the byte ranges of the matches inside it.
pub struct Cut {
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
}

/// Cuts the best snippet: the sentence with the most matches, extended while it fits.
pub fn cut(body: &str, parts: &[QueryPart]) -> Cut {
    let a = analyze(body);
    let mut ranges: Vec<(usize, usize, usize)> = Vec::new(); // (start, end, sentence)
    for p in parts {
        // Where the user typed diacritics, show exact matches ("Đảng", not "đang") if any.
        let exact = if p.accented {
            occurrences(&a, &p.keys, false)
        } else {
            Vec::new()
        };
        if exact.is_empty() {
            ranges.extend(occurrences(&a, &p.folds, true));
        } else {
            ranges.extend(exact);
        }
    }
    ranges.sort_unstable();
    ranges.dedup_by(|b, a| b.0 < a.1); // drop overlaps, keep the first
    let Some(best) = best_sentence(&ranges, a.sentences.len()) else {
        let text: String = body.chars().take(SNIPPET_CHARS).collect();
        return Cut {
            text: crate::text::display(&text),
            highlights: Vec::new(),
        };
    };
    let mut start = a.sentences[best].span.start;
    let mut end = a.sentences[best].span.end;
    // Extend with following sentences of the same length budget.
    let mut next = best + 1;
    while next < a.sentences.len()
        && body[start..a.sentences[next].span.end].chars().count() <= SNIPPET_CHARS
    {
        end = a.sentences[next].span.end;
        next += 1;
    }
    if body[start..end].chars().count() > SNIPPET_CHARS {
        // One long sentence: centre on its first match.
        let first = ranges.iter().find(|r| r.2 == best).map_or(start, |r| r.0);
        let before: usize = body[start..first]
            .char_indices()
            .rev()
            .nth(SNIPPET_CHARS / 3)
            .map_or(0, |(i, _)| first - start - i);
        start = first - before;
        end = body[start..]
            .char_indices()
            .nth(SNIPPET_CHARS)
            .map_or(body.len(), |(i, _)| start + i);
    }
    let mut text = String::new();
    let mut highlights = Vec::new();
    let mut at = start;
    for &(s, e, _) in ranges.iter().filter(|r| r.0 >= start && r.1 <= end) {
        push_display(&mut text, &body[at..s]);
        let from = text.len();
        push_display(&mut text, &body[s..e]);
        highlights.push((from, text.len()));
        at = e;
    }
    push_display(&mut text, &body[at..end]);
    Cut { text, highlights }
}

/// Byte ranges and sentences of the places where `keys` stand together in one sentence.
fn occurrences(a: &Analyzed<'_>, keys: &[String], folded: bool) -> Vec<(usize, usize, usize)> {
    let key = |i: usize| if folded { a.fold(i) } else { a.key(i) };
    let n = keys.len();
    let mut out = Vec::new();
    for i in 0..a.tokens.len().saturating_sub(n - 1) {
        let sentence = a.tokens[i].sentence;
        if a.tokens[i + n - 1].sentence == sentence && (0..n).all(|j| key(i + j) == keys[j]) {
            let start = a.tokens[i].start as usize;
            let end = a.tokens[i + n - 1].end as usize;
            out.push((start, end, sentence as usize));
        }
    }
    out
}

fn best_sentence(ranges: &[(usize, usize, usize)], sentences: usize) -> Option<usize> {
    let mut counts = vec![0usize; sentences];
    for r in ranges {
        counts[r.2] += 1;
    }
    let max = *counts.iter().max()?;
    (max > 0)
        .then(|| counts.iter().position(|&c| c == max))
        .flatten()
}

/// The snippet as HTML: escaped text, matches in `<b>`.
pub fn to_html(cut: &Cut) -> String {
    let mut html = String::with_capacity(cut.text.len() + 16);
    let mut at = 0;
    for &(s, e) in &cut.highlights {
        escape(&mut html, &cut.text[at..s]);
        html.push_str("<b>");
        escape(&mut html, &cut.text[s..e]);
        html.push_str("</b>");
        at = e;
    }
    escape(&mut html, &cut.text[at..]);
    html
}

fn escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::parse_query;

    #[test]
    fn highlights_the_phrase_not_its_scattered_syllables() {
        let body = "Đổi mới sáng tạo. Số hộ nghèo giảm. Đẩy mạnh chuyển đổi số quốc gia <ngay>.";
        let parts = parse_query("\"chuyen doi so\"").expect("query");
        let c = cut(body, &parts);
        assert_eq!(c.highlights.len(), 1);
        let (s, e) = c.highlights[0];
        assert_eq!(&c.text[s..e], "chuyển đổi số");
        assert!(to_html(&c).contains("<b>chuyển đổi số</b> quốc gia &lt;ngay&gt;"));
    }
}
