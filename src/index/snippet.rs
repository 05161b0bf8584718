//! Snippets cut from the original text around the query's matches, found with the grading
//! analyzer, so a phrase is highlighted only where its syllables stand together.
//!
//! The text is analyzed paragraph by paragraph (a paragraph is one line, and the analyzer
//! treats every line on its own, so this gives the same tokens and sentences as analyzing the
//! whole text), and the scan stops at the first sentence that holds every part of the query in
//! the form the user typed. Most snippets therefore cost an analysis of the first few
//! paragraphs, not of the whole essay.

use std::ops::Range;

use crate::text::{analyze, push_display, Analyzed};

use super::QueryPart;

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 240;

/// A piece of the original text with the byte ranges of the matches inside it.
pub struct Cut {
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
}

/// One place where a query part stands in the text.
#[derive(Debug, Clone, Copy)]
struct Match {
    /// Byte range in the whole text.
    start: usize,
    end: usize,
    part: usize,
    /// The canonical keys match too (the user's diacritics), not only the folded ones.
    exact: bool,
}

/// The text analyzed paragraph by paragraph, as far as needed.
struct Scan<'a, 'q> {
    parts: &'q [QueryPart],
    /// Lines not analyzed yet, and where the first of them starts.
    lines: std::str::SplitInclusive<'a, char>,
    line_start: usize,
    /// Byte spans of the sentences analyzed so far, in the whole text.
    sentences: Vec<Range<usize>>,
    /// How well each of these sentences shows the query: 2 for every part found in the form
    /// the user typed (with diacritics when they typed any), 1 for a part found only without.
    scores: Vec<usize>,
    /// Paragraphs passed over (see `skip`), by their index in `sentences`, where they stand
    /// for their sentences (score 0) until a snippet needs them: `(start in the text, line)`.
    pending: Vec<(usize, usize, &'a str)>,
    matches: Vec<Match>,
    /// The folded keys of every part are plain ASCII, so a paragraph whose folded letters
    /// (`fold_letters`) hold none of the parts whole cannot match and is not analyzed.
    skip: bool,
}

impl<'a, 'q> Scan<'a, 'q> {
    fn new(body: &'a str, parts: &'q [QueryPart]) -> Self {
        Scan {
            parts,
            lines: body.split_inclusive('\n'),
            line_start: 0,
            sentences: Vec::new(),
            scores: Vec::new(),
            pending: Vec::new(),
            matches: Vec::new(),
            skip: false,
        }
    }

    /// As [`Scan::new`], passing over the paragraphs that cannot match (same snippets).
    fn skipping(body: &'a str, parts: &'q [QueryPart]) -> Self {
        let mut scan = Scan::new(body, parts);
        scan.skip = !parts.is_empty()
            && parts
                .iter()
                .all(|p| !p.folds.is_empty() && p.folds.iter().all(|f| f.is_ascii()));
        scan
    }

    /// No part can stand in `line`: for every part, one of its folded keys is not even a
    /// substring of the line's folded letters. Every token's folded key is the folded letters
    /// of its text (`fold_letters` follows `text::push_keys` for keys in ASCII), and a token is
    /// a piece of the line, so a part found in the line has each key in them.
    fn cannot_match(&self, line: &str) -> bool {
        let letters = fold_letters(line);
        !self.parts.iter().any(|p| {
            p.folds
                .iter()
                .all(|f| memchr::memmem::find(letters.as_bytes(), f.as_bytes()).is_some())
        })
    }

    /// Analyzes the next paragraph that has text; false when the text is done.
    fn next_paragraph(&mut self) -> bool {
        while let Some(line) = self.lines.next() {
            let at = self.line_start;
            self.line_start += line.len();
            if line.trim().is_empty() {
                continue;
            }
            if self.skip && self.cannot_match(line) {
                // Stands for its sentences, which score 0, until a snippet needs them.
                self.pending.push((self.sentences.len(), at, line));
                self.sentences.push(at..at + line.len());
                self.scores.push(0);
                return true;
            }
            if self.analyze_into(at, line) {
                return true;
            }
        }
        false
    }

    /// Analyzes one paragraph starting at byte `at`, appending its sentences, scores and
    /// matches; false when it has no sentence.
    fn analyze_into(&mut self, at: usize, line: &str) -> bool {
        let a = analyze(line);
        if a.sentences.is_empty() {
            return false;
        }
        self.sentences.extend(
            a.sentences
                .iter()
                .map(|s| at + s.span.start..at + s.span.end),
        );
        // Best form found per sentence and part: 2 as typed, 1 without the diacritics.
        let n = self.parts.len();
        let mut found = vec![0u8; a.sentences.len() * n];
        for (part, p) in self.parts.iter().enumerate() {
            for (start, end, sentence) in occurrences(&a, &p.folds) {
                let exact = p.accented && keys_match(&a, start, &p.keys);
                let form = if exact || !p.accented { 2 } else { 1 };
                if let Some(f) = found.get_mut(sentence * n + part) {
                    *f = (*f).max(form);
                }
                self.matches.push(Match {
                    start: at + a.tokens[start].start as usize,
                    end: at + a.tokens[end].end as usize,
                    part,
                    exact,
                });
            }
        }
        self.scores.extend((0..a.sentences.len()).map(|s| {
            found
                .get(s * n..(s + 1) * n)
                .map_or(0, |f| f.iter().map(|&x| usize::from(x)).sum())
        }));
        true
    }

    /// Replaces the passed-over paragraph at index `s` of `sentences` with its sentences (all
    /// of score 0: it has no match); true when `s` was one.
    fn expand(&mut self, s: usize) -> bool {
        let Some(i) = self.pending.iter().position(|&(at, _, _)| at == s) else {
            return false;
        };
        let (_, start, line) = self.pending.remove(i);
        let spans: Vec<Range<usize>> = analyze(line)
            .sentences
            .iter()
            .map(|x| start + x.span.start..start + x.span.end)
            .collect();
        let added = spans.len();
        self.scores.splice(s..s + 1, std::iter::repeat_n(0, added));
        self.sentences.splice(s..s + 1, spans);
        for p in &mut self.pending {
            if p.0 > s {
                p.0 = p.0 + added - 1;
            }
        }
        true
    }

    /// The first sentence with every part in its preferred form or, failing that (after the
    /// whole text), the first of the best ones; `None` when nothing matches.
    fn best_sentence(&mut self) -> Option<usize> {
        let perfect = 2 * self.parts.len();
        let mut best: Option<(usize, usize)> = None; // (score, sentence)
        let mut scored = 0;
        loop {
            while scored < self.sentences.len() {
                let s = scored;
                scored += 1;
                let score = self.scores.get(s).copied().unwrap_or(0);
                if score == 0 {
                    continue;
                }
                if score >= perfect {
                    return Some(s);
                }
                if best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, s));
                }
            }
            if !self.next_paragraph() {
                return best.map(|(_, s)| s);
            }
        }
    }

    /// Span of sentence `s`, analyzing further paragraphs if needed; `None` past the end.
    fn sentence(&mut self, s: usize) -> Option<Range<usize>> {
        loop {
            while s >= self.sentences.len() {
                if !self.next_paragraph() {
                    return None;
                }
            }
            if !self.expand(s) {
                return self.sentences.get(s).cloned();
            }
        }
    }

    /// The matches to highlight inside `range`: for each part, the matches with the user's
    /// diacritics if the range holds any, else those without; overlaps dropped (first kept).
    fn highlights(&self, range: Range<usize>) -> Vec<(usize, usize)> {
        let inside: Vec<&Match> = self
            .matches
            .iter()
            .filter(|m| m.start >= range.start && m.end <= range.end)
            .collect();
        let mut out: Vec<(usize, usize)> = Vec::new();
        for (part, p) in self.parts.iter().enumerate() {
            let of_part = || inside.iter().filter(move |m| m.part == part);
            let exact_only = p.accented && of_part().any(|m| m.exact);
            out.extend(
                of_part()
                    .filter(|m| m.exact || !exact_only)
                    .map(|m| (m.start, m.end)),
            );
        }
        out.sort_unstable();
        out.dedup_by(|b, a| b.0 < a.1);
        out
    }
}

/// Cuts a snippet: the first sentence that shows every part of the query as typed (else the
/// best sentence of the text), extended with following sentences while it fits.
pub fn cut(body: &str, parts: &[QueryPart]) -> Cut {
    cut_with(Scan::skipping(body, parts), body)
}

fn cut_with(mut scan: Scan<'_, '_>, body: &str) -> Cut {
    let Some(best) = scan.best_sentence() else {
        let text: String = body.chars().take(SNIPPET_CHARS).collect();
        return Cut {
            text: crate::text::display(&text),
            highlights: Vec::new(),
        };
    };
    let Some(span) = scan.sentence(best) else {
        return Cut {
            text: String::new(),
            highlights: Vec::new(),
        };
    };
    let (mut start, mut end) = (span.start, span.end);
    // Extend with following sentences of the same length budget.
    let mut next = best + 1;
    while let Some(s) = scan.sentence(next) {
        if body[start..s.end].chars().count() > SNIPPET_CHARS {
            break;
        }
        end = s.end;
        next += 1;
    }
    if body[start..end].chars().count() > SNIPPET_CHARS {
        // One long sentence: centre on its first match.
        let first = scan.highlights(span.clone()).first().map_or(start, |r| r.0);
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
    for (s, e) in scan.highlights(start..end) {
        push_display(&mut text, &body[at..s]);
        let from = text.len();
        push_display(&mut text, &body[s..e]);
        highlights.push((from, text.len()));
        at = e;
    }
    push_display(&mut text, &body[at..end]);
    Cut { text, highlights }
}

/// The folded letters of a text, as `text::push_keys` folds each letter: ASCII lower-cased;
/// other characters decomposed, marks U+0300–U+036F dropped, the rest lower-cased, đ → d.
/// Characters that are not letters are kept too (only substrings matter).
fn fold_letters(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_ascii() {
            out.push(ch.to_ascii_lowercase());
            continue;
        }
        unicode_normalization::char::decompose_canonical(ch, |part| {
            if ('\u{300}'..='\u{36F}').contains(&part) {
                return;
            }
            let base = match part {
                'Ð' | 'ð' | 'Đ' => 'đ',
                c => c.to_lowercase().next().unwrap_or(c),
            };
            out.push(if base == 'đ' { 'd' } else { base });
        });
    }
    out
}

/// First and last token, and sentence, of the places where the folded `keys` stand together in
/// one sentence.
fn occurrences(a: &Analyzed<'_>, keys: &[String]) -> Vec<(usize, usize, usize)> {
    let n = keys.len();
    let mut out = Vec::new();
    if n == 0 {
        return out;
    }
    for i in 0..a.tokens.len().saturating_sub(n - 1) {
        let sentence = a.tokens[i].sentence;
        if a.tokens[i + n - 1].sentence == sentence && (0..n).all(|j| a.fold(i + j) == keys[j]) {
            out.push((i, i + n - 1, sentence as usize));
        }
    }
    out
}

/// The canonical keys of the tokens from `start` on are `keys`.
fn keys_match(a: &Analyzed<'_>, start: usize, keys: &[String]) -> bool {
    keys.iter()
        .enumerate()
        .all(|(j, k)| start + j < a.tokens.len() && a.key(start + j) == k)
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

    fn marked(c: &Cut) -> Vec<&str> {
        c.highlights.iter().map(|&(s, e)| &c.text[s..e]).collect()
    }

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

    #[test]
    fn prefers_the_sentence_with_every_part_as_typed() {
        let body = "Tôi đang học. Đảng ta lãnh đạo.\nChi bộ đang họp về Đảng và nghị quyết.\n\
                    Kết thúc.";
        let parts = parse_query("Đảng \"nghi quyet\"").expect("query");
        let c = cut(body, &parts);
        assert_eq!(marked(&c), ["Đảng", "nghị quyết"]);
        assert!(c.text.starts_with("Chi bộ đang họp"), "{}", c.text);
        // Only "đang" (no exact "Đảng") in the text: the folded match is shown.
        let c = cut("Tôi đang học bài.", &parse_query("Đảng").expect("query"));
        assert_eq!(marked(&c), ["đang"]);
        // Without diacritics typed, the first match wins.
        let c = cut(body, &parse_query("dang").expect("query"));
        assert_eq!(marked(&c), ["đang", "Đảng", "đang", "Đảng"]);
    }

    #[test]
    fn no_match_gives_the_start_of_the_text() {
        let c = cut(
            "Một hai ba.\n\nBốn năm.",
            &parse_query("sáu").expect("query"),
        );
        assert_eq!(c.text, "Một hai ba. Bốn năm.");
        assert!(c.highlights.is_empty());
        let c = cut("", &parse_query("sáu").expect("query"));
        assert!(c.text.is_empty());
    }

    #[test]
    fn a_long_sentence_is_centred_on_its_match() {
        let filler = "từ ".repeat(200);
        let body = format!("{filler}chuyển đổi số {filler}.");
        let c = cut(&body, &parse_query("\"chuyển đổi số\"").expect("query"));
        assert_eq!(marked(&c), ["chuyển đổi số"]);
        assert!(c.text.chars().count() <= SNIPPET_CHARS + 1);
    }

    #[test]
    fn passing_over_paragraphs_that_cannot_match_gives_the_same_snippets() {
        use unicode_normalization::UnicodeNormalization;
        let dev = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dev");
        let mut bodies: Vec<String> = std::fs::read_dir(&dev)
            .expect("dev essays")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect();
        bodies.sort();
        assert!(bodies.len() >= 20);
        // NFD, upper case, no diacritics, and the other letters that fold to d.
        let extra: Vec<String> = bodies
            .iter()
            .take(4)
            .flat_map(|b| {
                [
                    b.nfd().collect::<String>(),
                    b.to_uppercase(),
                    b.replace('Đ', "Ð").replace('đ', "ð"),
                ]
            })
            .collect();
        bodies.extend(extra);
        bodies.push(
            "Dòng một.\n\n\nĐảng ta.\n  \nChuyển đổi số. Hết\n\nChuyen doi so lần hai.".into(),
        );
        let queries = [
            "Đảng",
            "dang",
            "\"chuyển đổi số\"",
            "chuyen doi so",
            "\"nghi quyet\" \"dai hoi\"",
            "nhân dân \"phát triển\"",
            "ĐẢNG \"kinh tế\"",
            "biên giới",
            "tham nhung lang phi",
            "học sinh \"giáo dục\" đạo đức",
            "xyzzy",
            "covid",
            "\"ba đột phá chiến lược\" thể chế",
        ];
        let mut passed_over = 0;
        for q in queries {
            let parts = parse_query(q).expect("query");
            for body in &bodies {
                let all = cut_with(Scan::new(body, &parts), body);
                let quick = cut(body, &parts);
                assert_eq!(quick.text, all.text, "{q}");
                assert_eq!(quick.highlights, all.highlights, "{q}");
                let mut scan = Scan::skipping(body, &parts);
                while scan.next_paragraph() {}
                passed_over += scan.pending.len();
            }
        }
        assert!(passed_over > 1000, "paragraphs passed over: {passed_over}");
    }

    #[test]
    fn paragraphs_analyze_as_in_the_whole_text() {
        let body = "I. MỞ ĐẦU\n\n  Nghị quyết Đại hội XIII. TP. Hồ Chí Minh tăng 6,5%.\r\n\
                    Chuyển đổi số; kinh tế số!\nHết";
        let whole = analyze(body);
        let mut scan = Scan::new(body, &[]);
        while scan.next_paragraph() {}
        let spans: Vec<Range<usize>> = whole.sentences.iter().map(|s| s.span.clone()).collect();
        assert_eq!(scan.sentences, spans);
    }
}
