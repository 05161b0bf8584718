//! The one analyzer: text → paragraphs → sentences → syllable tokens with keys.
//!
//! Grading, originality and the search index all read text through [`analyze`], so a phrase
//! that grading finds is a phrase search finds. Offsets are byte offsets into the original
//! text, never into a normalized copy, so evidence and snippets show what the author wrote.

use std::ops::Range;

use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

use super::intern::{existing_number, number_of_text_key};
use super::syllable::{push_keys, SyllableInfo};
use super::symap::SyllableMap;

/// One syllable (UAX#29 word) of the text.
#[derive(Debug, Clone, Copy)]
pub struct Token {
    /// Byte range in the original text.
    pub start: u32,
    /// End of the byte range (exclusive).
    pub end: u32,
    key: (u32, u32),
    fold: (u32, u32),
    /// Syllable numbers and the folded key's hash.
    ids: Ids,
    /// Index of the sentence holding the token.
    pub sentence: u32,
    /// What the syllable is made of (letters, diacritics).
    pub info: SyllableInfo,
}

/// A token's syllable numbers (see [`super::SyllableTable`]) and the hash of its folded key.
#[derive(Debug, Clone, Copy)]
struct Ids {
    key: u32,
    fold: u32,
    fold_hash: u64,
}

impl Ids {
    /// The numbers of a syllable's keys, numbering them if they have none.
    fn numbered(key: &str, fold: &str) -> Self {
        Ids {
            key: number_of_text_key(key),
            fold: number_of_text_key(fold),
            fold_hash: hash_fold(fold),
        }
    }

    /// A number's ids: its own key and fold, numbered only if a table numbered it.
    fn of_number(number: &str) -> Self {
        let id = existing_number(number);
        Ids {
            key: id,
            fold: id,
            fold_hash: hash_fold(number),
        }
    }
}

/// [`Analyzed::fold_hash`]: `FxHasher` over the folded key as a `str`.
fn hash_fold(fold: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    fold.hash(&mut h);
    h.finish()
}

/// What kind of heading a paragraph is, if it is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Heading {
    /// "I.", "II." … or "PHẦN MỘT", "Phần I".
    Major,
    /// "1.", "a)", "Câu 1." or a short line in capitals.
    Minor,
}

/// A sentence: a byte span and the tokens inside it.
#[derive(Debug, Clone)]
pub struct Sentence {
    /// Byte range in the original text.
    pub span: Range<usize>,
    /// Indices of its tokens.
    pub tokens: Range<usize>,
    /// Index of the paragraph holding it.
    pub paragraph: usize,
}

/// A paragraph (a non-empty line of the text).
#[derive(Debug, Clone)]
pub struct Paragraph {
    /// Byte range in the original text.
    pub span: Range<usize>,
    /// Indices of its sentences.
    pub sentences: Range<usize>,
    /// The kind of heading the paragraph is, if it is one.
    pub heading: Option<Heading>,
}

/// A text seen through the analyzer.
#[derive(Debug, Clone)]
pub struct Analyzed<'a> {
    /// The original text.
    pub text: &'a str,
    /// Its syllables.
    pub tokens: Vec<Token>,
    /// Its sentences.
    pub sentences: Vec<Sentence>,
    /// Its paragraphs.
    pub paragraphs: Vec<Paragraph>,
    keys: String,
    folds: String,
}

impl<'a> Analyzed<'a> {
    /// Canonical key of token `i`: lower case, NFC, one tone placement.
    pub fn key(&self, i: usize) -> &str {
        let (a, b) = self.tokens[i].key;
        &self.keys[a as usize..b as usize]
    }

    /// Folded key of token `i`: no diacritics, đ → d.
    pub fn fold(&self, i: usize) -> &str {
        let (a, b) = self.tokens[i].fold;
        &self.folds[a as usize..b as usize]
    }

    /// Syllable number of token `i`'s canonical key, for a [`super::SyllableTable`] look-up.
    pub fn key_id(&self, i: usize) -> u32 {
        self.tokens[i].ids.key
    }

    /// Syllable number of token `i`'s folded key, for a [`super::SyllableTable`] look-up.
    pub fn fold_id(&self, i: usize) -> u32 {
        self.tokens[i].ids.fold
    }

    /// Hash of token `i`'s folded key (`FxHasher`, the key hashed as a `str`), computed once
    /// per distinct syllable: sentences and runs of syllables are compared by these.
    pub fn fold_hash(&self, i: usize) -> u64 {
        self.tokens[i].ids.fold_hash
    }

    /// The original text of token `i`.
    pub fn surface(&self, i: usize) -> &'a str {
        let t = &self.tokens[i];
        &self.text[t.start as usize..t.end as usize]
    }

    /// The original text of sentence `s`, whitespace (incl. NBSP) collapsed for display.
    pub fn sentence_text(&self, s: usize) -> String {
        display(&self.text[self.sentences[s].span.clone()])
    }

    /// The original text of paragraph `p`, whitespace collapsed.
    pub fn paragraph_text(&self, p: usize) -> String {
        display(&self.text[self.paragraphs[p].span.clone()])
    }

    /// Number of syllables, counted as Word counts words.
    pub fn word_count(&self) -> usize {
        self.tokens.len()
    }
}

/// Collapses every run of white space (NBSP and other Unicode spaces included) to one space.
pub fn display(s: &str) -> String {
    let s = s.trim();
    if is_collapsed(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    push_display(&mut out, s);
    out
}

/// No white space but single ASCII spaces: [`push_display`] would copy `s` unchanged. Most
/// sentences are like this, and this check is a few instructions a byte.
fn is_collapsed(s: &str) -> bool {
    /// Bytes that may start white space other than a single ASCII space: control white
    /// space, and the lead bytes of the non-ASCII white space characters (see `push_display`).
    const SUSPECT: [bool; 256] = {
        let mut t = [false; 256];
        let mut i = 0;
        while i < 256 {
            t[i] = matches!(
                i as u8,
                b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | 0xC2 | 0xE1 | 0xE2 | 0xE3
            );
            i += 1;
        }
        t
    };
    let b = s.as_bytes();
    if memchr::memmem::find(b, b"  ").is_some() {
        return false;
    }
    b.iter().enumerate().all(|(i, &c)| {
        !SUSPECT[usize::from(c)]
            || (c >= 0xC2 && !s[i..].chars().next().is_some_and(char::is_whitespace))
    })
}

/// Appends `s` with every run of white space shown as one space.
pub fn push_display(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut space = false;
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Only ASCII white space and characters starting with these bytes can be white space.
        let white = if b.is_ascii() {
            usize::from(matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r'))
        } else if matches!(
            (b, bytes.get(i + 1)),
            (0xC2, Some(0x85 | 0xA0))
                | (0xE1, Some(0x9A))
                | (0xE2, Some(0x80 | 0x81))
                | (0xE3, Some(0x80))
        ) {
            s[i..]
                .chars()
                .next()
                .filter(|c| c.is_whitespace())
                .map_or(0, char::len_utf8)
        } else {
            0
        };
        if white == 0 {
            i += 1;
            continue;
        }
        if run < i {
            if space && !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            out.push_str(&s[run..i]);
        }
        space = true;
        i += white;
        run = i;
    }
    if run < bytes.len() {
        if space && !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        out.push_str(&s[run..]);
        space = false;
    }
    if space && !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

/// Analyzes a whole text: paragraphs, headings, sentences and tokens.
pub fn analyze(text: &str) -> Analyzed<'_> {
    let mut out = Analyzed {
        text,
        tokens: Vec::with_capacity(text.len() / 5),
        sentences: Vec::new(),
        paragraphs: Vec::new(),
        keys: String::with_capacity(text.len()),
        folds: String::with_capacity(text.len()),
    };
    KEY_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        cache.generation += 1;
        let mut line_start = 0;
        for line in text.split_inclusive('\n') {
            let start = line_start;
            line_start += line.len();
            let trimmed = line.trim();
            if trimmed.is_empty() {
                continue;
            }
            let lead = line.len() - line.trim_start().len();
            let span = start + lead..start + lead + trimmed.len();
            analyze_paragraph(&mut out, span, &mut cache);
        }
    });
    out
}

/// Tokens of a short text (a query, a rubric phrase) as (canonical key, folded key) pairs.
pub fn phrase_keys(text: &str) -> Vec<(String, String)> {
    words(text)
        .into_iter()
        .map(|(_, w)| {
            let (mut k, mut f) = (String::new(), String::new());
            push_keys(w, &mut k, &mut f);
            (k, f)
        })
        .collect()
}

/// The UAX#29 words of `text` with their byte offsets: exactly `unicode_word_indices`, faster.
///
/// UAX#29 always breaks on both sides of a space that is not followed by a combining mark or
/// format character, so the space-separated pieces can be segmented one by one. A piece made
/// of punctuation that never joins letters ([`edge_len`]), then plain letters (and combining
/// marks after them) or ASCII digits alone, then such punctuation again, holds exactly one
/// word: the letters or the digits. The bytes are read once, and any other piece goes through
/// `unicode-segmentation`.
pub fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::with_capacity(text.len() / 5);
    if !push_words(text, &mut out) {
        out.clear();
        out.extend(text.unicode_word_indices());
    }
    out
}

/// [`words`] without the whole-text fallback: `false` when some space is followed by a
/// character that may join it (a combining mark, a format character), which only
/// `unicode-segmentation` handles.
fn push_words<'t>(text: &'t str, out: &mut Vec<(usize, &'t str)>) -> bool {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        let piece = i;
        let mut edge = edge_len(b, i);
        while edge > 0 {
            i += edge;
            edge = edge_len(b, i);
        }
        let core = i;
        if i < n && b[i] != b' ' {
            if b[i].is_ascii_digit() {
                // A number alone is one word (WB8); with letters or separators inside
                // ("A1", "6,5") it takes the slow way below.
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            } else {
                loop {
                    // Runs of ASCII letters first: most bytes of a syllable.
                    while i < n && b[i].is_ascii_alphabetic() {
                        i += 1;
                    }
                    match letter_len(b, i, i > core) {
                        0 => break,
                        len => i += len,
                    }
                }
            }
            let core_end = i;
            let mut edge = edge_len(b, i);
            while edge > 0 {
                i += edge;
                edge = edge_len(b, i);
            }
            if core_end > core && (i == n || b[i] == b' ') {
                out.push((core, &text[core..core_end]));
            } else {
                let end = memchr::memchr(b' ', &b[i..]).map_or(n, |k| i + k);
                out.extend(
                    text[piece..end]
                        .unicode_word_indices()
                        .map(|(o, w)| (piece + o, w)),
                );
                i = end;
            }
        }
        // `i` is at a space or at the end; UAX#29 joins a space with a combining mark or a
        // format character after it (WB4): those texts take the slow way.
        i += 1;
        if let Some(&next) = b.get(i) {
            if !next.is_ascii() && letter_len(b, i, false) == 0 && edge_len(b, i) == 0 {
                return false;
            }
        }
    }
    true
}

/// Byte length of the punctuation character at `b[i]` if it is one that never joins a
/// letter on the side away from other letters (so it can be stripped from either end of a
/// space-separated piece), else 0: ASCII punctuation and white space but `_` (which joins
/// letters, WB13a) and the space itself (which separates pieces), and the common typographic
/// marks: no-break space, « » ° · § ¶ ¡ ¿, and U+2010–U+2027 (dashes, curly quotes, bullet,
/// ellipsis). Letters, digits, `_`, superscripts, combining marks and format characters are
/// never edges.
#[inline]
fn edge_len(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(&c) if c.is_ascii() => {
            usize::from(c != b' ' && c != b'_' && !c.is_ascii_alphanumeric())
        }
        Some(0xC2) => match b.get(i + 1) {
            Some(0xA0 | 0xA1 | 0xA7 | 0xAB | 0xB0 | 0xB6 | 0xB7 | 0xBB | 0xBF) => 2,
            _ => 0,
        },
        Some(0xE2) => match (b.get(i + 1), b.get(i + 2)) {
            (Some(0x80), Some(&x)) if (0x90..=0xA7).contains(&x) => 3,
            _ => 0,
        },
        _ => 0,
    }
}

/// Byte length of the plain letter at `b[i]` (see [`is_plain_letter`]), or of a combining mark
/// (U+0300–U+036F) when `after_letter`, which stays with its letter (NFD text); else 0.
#[inline]
fn letter_len(b: &[u8], i: usize, after_letter: bool) -> usize {
    let Some(&c) = b.get(i) else {
        return 0;
    };
    let next = b.get(i + 1).copied();
    let (len, ok) = match c {
        b'a'..=b'z' | b'A'..=b'Z' => (1, true),
        // U+00C0–U+00FF but × and ÷; U+0100–U+017F; Ơ ơ Ư ư.
        0xC3 => (2, !matches!(next, Some(0x97 | 0xB7))),
        0xC4 | 0xC5 => (2, true),
        0xC6 => (2, matches!(next, Some(0xA0 | 0xA1 | 0xAF | 0xB0))),
        // Combining marks U+0300–U+036F, after a letter.
        0xCC => (2, after_letter),
        0xCD => (2, after_letter && next.is_some_and(|x| x <= 0xAF)),
        // U+1EA0–U+1EF9.
        0xE1 => (
            3,
            match (next, b.get(i + 2)) {
                (Some(0xBA), Some(&x)) => x >= 0xA0,
                (Some(0xBB), Some(&x)) => x <= 0xB9,
                _ => false,
            },
        ),
        _ => (0, false),
    };
    if ok {
        len
    } else {
        0
    }
}

/// Letters with no special role in UAX#29 word breaking (ALetter): ASCII, Latin-1, Latin
/// Extended-A, ơ ư and the Vietnamese precomposed vowels.
#[cfg(test)]
fn is_plain_letter(c: char) -> bool {
    matches!(c,
        'a'..='z' | 'A'..='Z' | 'À'..='Ö' | 'Ø'..='ö' | 'ø'..='ſ' | 'Ơ' | 'ơ' | 'Ư' | 'ư'
        | '\u{1EA0}'..='\u{1EF9}')
}

/// Plain letters (see [`is_plain_letter`]), each maybe followed by combining marks.
#[cfg(test)]
fn is_plain_word(word: &str) -> bool {
    let b = word.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match letter_len(b, i, i > 0) {
            0 => return false,
            n => i += n,
        }
    }
    !b.is_empty()
}

/// A syllable's keys as [`push_keys`] computes them, in one allocation: the canonical key,
/// then the folded key unless it is the same (most syllables of text typed without
/// diacritics, and every syllable the analyzer sees as ASCII letters).
struct CachedKeys {
    keys: Box<str>,
    /// Where the folded key starts in `keys`; `0` when it equals the canonical key.
    fold_at: u16,
    /// The analysis ([`KeyCache::generation`]) that last copied these keys into its buffers;
    /// `token.key` and `token.fold` say where, and later tokens of the same text with this
    /// syllable point there.
    seen: u64,
    token: TokenKeys,
}

impl CachedKeys {
    /// The entry of a syllable whose keys `token` places at `key` and `fold` in the buffers
    /// of analysis `seen`.
    fn new(key: &str, fold: &str, seen: u64, token: TokenKeys) -> Option<Self> {
        let entry = |keys: Box<str>, fold_at| Self {
            keys,
            fold_at,
            seen,
            token,
        };
        if key == fold {
            return Some(entry(key.into(), 0));
        }
        let fold_at = u16::try_from(key.len()).ok().filter(|&n| n > 0)?;
        let mut keys = String::with_capacity(key.len() + fold.len());
        keys.push_str(key);
        keys.push_str(fold);
        Some(entry(keys.into_boxed_str(), fold_at))
    }

    fn key(&self) -> &str {
        match self.fold_at {
            0 => &self.keys,
            n => self.keys.get(..usize::from(n)).unwrap_or_default(),
        }
    }

    fn fold(&self) -> &str {
        self.keys
            .get(usize::from(self.fold_at)..)
            .unwrap_or_default()
    }
}

/// Distinct syllables remembered per thread before the cache starts over (a few MB at most;
/// written Vietnamese uses under 10,000 syllables, so a batch of essays stays well inside).
const KEY_CACHE_CAP: usize = 1 << 16;

/// The keys of the syllables a thread has seen: a look-up instead of normalising each letter
/// of a common syllable again, and, within one text, no second copy of a syllable's keys.
#[derive(Default)]
struct KeyCache {
    map: SyllableMap<CachedKeys>,
    /// Counts the analyses made on this thread; a `u64` never wraps.
    generation: u64,
}

thread_local! {
    static KEY_CACHE: std::cell::RefCell<KeyCache> = std::cell::RefCell::new(KeyCache::default());
}

/// What a token takes from its syllable: the byte ranges of its keys in `Analyzed::keys` and
/// `Analyzed::folds`, their numbers, and what the syllable is made of.
#[derive(Debug, Clone, Copy)]
struct TokenKeys {
    key: (u32, u32),
    fold: (u32, u32),
    ids: Ids,
    info: SyllableInfo,
}

impl KeyCache {
    /// The keys of `word` in `key` and `fold`: appended there unless this analysis already
    /// did for the same syllable.
    fn keys(&mut self, word: &str, key: &mut String, fold: &mut String) -> TokenKeys {
        let at = |s: &String| s.len() as u32;
        let (k0, f0) = (at(key), at(fold));
        if word.bytes().all(|b| b.is_ascii_digit()) {
            // Numbers are their own keys; each distinct one would take a cache entry (a
            // batch holds thousands: counts, money, phone numbers) and a number.
            key.push_str(word);
            fold.push_str(word);
            return TokenKeys {
                key: (k0, at(key)),
                fold: (f0, at(fold)),
                ids: Ids::of_number(word),
                info: SyllableInfo::default(),
            };
        }
        let generation = self.generation;
        if let Some(c) = self.map.get_mut(word) {
            if c.seen != generation {
                c.seen = generation;
                key.push_str(c.key());
                fold.push_str(c.fold());
                c.token.key = (k0, at(key));
                c.token.fold = (f0, at(fold));
            }
            return c.token;
        }
        let info = push_keys(word, key, fold);
        let (k, f) = (&key[k0 as usize..], &fold[f0 as usize..]);
        let token = TokenKeys {
            key: (k0, at(key)),
            fold: (f0, at(fold)),
            ids: Ids::numbered(k, f),
            info,
        };
        if self.map.len() >= KEY_CACHE_CAP {
            self.map.clear();
        }
        if let Some(entry) = CachedKeys::new(k, f, generation, token) {
            self.map.insert(word, entry);
        }
        token
    }
}

/// [`push_keys`] through the per-thread cache (for tests: [`analyze`] holds the cache for a
/// whole text).
#[cfg(test)]
fn push_keys_cached(word: &str, key: &mut String, fold: &mut String) -> SyllableInfo {
    KEY_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        cache.generation += 1;
        cache.keys(word, key, fold).info
    })
}

fn analyze_paragraph(out: &mut Analyzed<'_>, span: Range<usize>, cache: &mut KeyCache) {
    let text = out.text;
    let para = &text[span.clone()];
    let first_token = out.tokens.len();
    for (off, word) in words(para) {
        let start = span.start + off;
        let TokenKeys {
            key,
            fold,
            ids,
            info,
        } = cache.keys(word, &mut out.keys, &mut out.folds);
        out.tokens.push(Token {
            start: start as u32,
            end: (start + word.len()) as u32,
            key,
            fold,
            ids,
            sentence: 0,
            info,
        });
    }
    let tokens = first_token..out.tokens.len();
    let paragraph = out.paragraphs.len();
    let heading = heading_kind(out, tokens.clone(), &span);
    let first_sentence = out.sentences.len();
    let mut sent_start = tokens.start;
    for i in tokens.clone() {
        let last = i + 1 == tokens.end;
        let gap_end = if last {
            span.end
        } else {
            out.tokens[i + 1].start as usize
        };
        let gap = &text[out.tokens[i].end as usize..gap_end];
        let ends = last || (ends_sentence(gap) && !is_abbreviation(out, i, tokens.start));
        if ends {
            let s_start = out.tokens[sent_start].start as usize;
            let s_end = out.tokens[i].end as usize + terminator_len(gap);
            let sentence = out.sentences.len() as u32;
            for t in &mut out.tokens[sent_start..=i] {
                t.sentence = sentence;
            }
            out.sentences.push(Sentence {
                span: s_start..s_end.min(span.end),
                tokens: sent_start..i + 1,
                paragraph,
            });
            sent_start = i + 1;
        }
    }
    out.paragraphs.push(Paragraph {
        span,
        sentences: first_sentence..out.sentences.len(),
        heading,
    });
}

/// The gap after a token ends a sentence: a terminator followed by white space.
fn ends_sentence(gap: &str) -> bool {
    let mut seen_terminator = false;
    for c in gap.chars() {
        if matches!(c, '.' | '!' | '?' | '…') {
            seen_terminator = true;
        } else if c.is_whitespace() {
            return seen_terminator;
        }
    }
    false
}

/// Bytes of the gap that still belong to the sentence (terminators, closing quotes).
fn terminator_len(gap: &str) -> usize {
    gap.char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(gap.len(), |(i, _)| i)
}

const ABBREVIATIONS: &[&str] = &[
    "tp", "tt", "ths", "ts", "pgs", "gs", "bs", "ks", "th", "tx", "q", "p", "v.v", "vv", "st",
    "đ/c", "đc",
];

/// A period after this token does not end the sentence: initials, "TP.", "v.v.", list markers.
fn is_abbreviation(a: &Analyzed<'_>, i: usize, paragraph_start: usize) -> bool {
    let key = a.key(i);
    let surface = a.surface(i);
    let single_letter = surface.chars().count() == 1 && surface.chars().all(char::is_alphabetic);
    let marker = i == paragraph_start && is_list_marker(surface);
    single_letter || marker || ABBREVIATIONS.contains(&key)
}

fn is_roman(s: &str) -> bool {
    !s.is_empty() && s.len() <= 5 && s.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
}

fn is_list_marker(s: &str) -> bool {
    is_roman(s) || (s.len() <= 3 && s.chars().all(|c| c.is_ascii_digit()))
}

const NUMBER_WORDS: &[&str] = &[
    "một", "hai", "ba", "bốn", "năm", "sáu", "thứ", "nhất", "i", "ii", "iii", "iv", "v",
];

fn heading_kind(a: &Analyzed<'_>, tokens: Range<usize>, span: &Range<usize>) -> Option<Heading> {
    if tokens.is_empty() {
        return None;
    }
    let para = a.text[span.clone()].trim_end();
    let n = tokens.len();
    let first = a.surface(tokens.start);
    let after_first = &a.text[a.tokens[tokens.start].end as usize..span.end];
    let marked = after_first.starts_with('.') || after_first.starts_with(')');
    let ends_like_sentence = para.ends_with('.') && !para.ends_with("..");
    if a.key(tokens.start) == "phần"
        && n >= 2
        && NUMBER_WORDS.contains(&a.key(tokens.start + 1))
        && n <= 16
    {
        return Some(Heading::Major);
    }
    if is_roman(first) && marked && n <= 20 {
        return Some(Heading::Major);
    }
    if a.key(tokens.start) == "câu" && (2..=60).contains(&n) {
        let second = a.surface(tokens.start + 1);
        if second.chars().all(|c| c.is_ascii_digit()) {
            return Some(Heading::Minor);
        }
    }
    let numbered = marked
        && (first.chars().all(|c| c.is_ascii_digit())
            || (first.chars().count() == 1 && first.chars().all(|c| c.is_lowercase())));
    if numbered && n <= 16 && !ends_like_sentence {
        return Some(Heading::Minor);
    }
    if !(2..=16).contains(&n) || ends_like_sentence {
        return None;
    }
    let mut letters = para.chars().filter(|c| c.is_alphabetic());
    let all_caps = letters.clone().count() >= 4 && letters.all(|c| !c.is_lowercase());
    all_caps.then_some(Heading::Minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `push_display` as first written: char by char.
    fn push_display_reference(out: &mut String, s: &str) {
        let mut space = false;
        for c in s.chars() {
            if c.is_whitespace() {
                space = true;
            } else {
                if space && !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
        }
        if space && !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }

    proptest::proptest! {
        #[test]
        fn display_is_the_collapsed_trimmed_text(
            picks in proptest::collection::vec(0usize..16, 0..40),
        ) {
            const PARTS: [&str; 16] = [
                " ", "  ", "\t", "\n", "\u{B}", "\u{C}", "\r", "\u{A0}", "\u{85}", "\u{2003}",
                "\u{3000}", "\u{1680}", "Đảng", "x", "…", "“—”",
            ];
            let text: String = picks.iter().map(|&i| PARTS[i]).collect();
            let mut slow = String::new();
            push_display_reference(&mut slow, text.trim());
            proptest::prop_assert_eq!(display(&text), slow);
        }

        #[test]
        fn cached_keys_are_the_computed_keys(
            words in proptest::collection::vec("[A-Za-zđĐơƯệỆòóả\u{300}\u{301}\u{323}0-9]{1,8}", 1..30),
        ) {
            // Twice: the second round is answered from the cache.
            for _ in 0..2 {
                for w in &words {
                    let (mut k1, mut f1, mut k2, mut f2) =
                        (String::from("x"), String::new(), String::from("x"), String::new());
                    let i1 = push_keys(w, &mut k1, &mut f1);
                    let i2 = push_keys_cached(w, &mut k2, &mut f2);
                    proptest::prop_assert_eq!((k1, f1, i1), (k2, f2, i2));
                }
            }
        }

        #[test]
        fn display_collapses_every_white_space(
            prefix in "[a ]{0,2}",
            picks in proptest::collection::vec(0usize..16, 0..40),
        ) {
            const PARTS: [&str; 16] = [
                " ", "  ", "\t", "\n", "\u{B}", "\u{C}", "\r", "\u{A0}", "\u{85}", "\u{2003}",
                "\u{3000}", "\u{1680}", "Đảng", "x", "\u{E2}\u{80}\u{94}", "—",
            ];
            let text: String = picks.iter().map(|&i| PARTS[i]).collect();
            let (mut fast, mut slow) = (prefix.clone(), prefix);
            push_display(&mut fast, &text);
            push_display_reference(&mut slow, &text);
            proptest::prop_assert_eq!(fast, slow);
        }

        /// The byte check agrees with the letter classes it stands for.
        #[test]
        fn plain_words_by_bytes(word in "[a-zA-Z\u{A0}-\u{24F}\u{300}-\u{36F}\u{1E9E}-\u{1EFF}]{1,6}") {
            let mut chars = word.chars();
            let expected = chars.next().is_some_and(is_plain_letter)
                && chars.all(|c| is_plain_letter(c) || ('\u{300}'..='\u{36F}').contains(&c));
            proptest::prop_assert_eq!(is_plain_word(&word), expected);
        }

        /// The fast segmentation is `unicode_word_indices`, on text mixing letters with the
        /// characters UAX#29 treats specially.
        #[test]
        fn words_are_uax29_words(picks in proptest::collection::vec(0usize..64, 0..60)) {
            const PARTS: [&str; 64] = [
                " ", " ", " ", "a", "Đảng", "nghị", "quyết", "HOÀ", "ư", "ơ", "ſ", "1", "2,5",
                "6.5", ".", ",", ":", "'", "’", "-", "_", "\u{301}", "\u{323}", "\u{200D}",
                "\u{AD}", "\u{A0}", "\t", "\n", "\u{FEFF}", "👍", "🇻🇳", "中文", "ª", "µ", "×",
                "v.v.", "TP.", "Ð", "ç", "x", "(", ")", "\"", "%", "!", "?", ";", "\r",
                "“", "”", "‘", "–", "—", "…", "«", "»", "•", "·", "²", "©", "\u{202F}", "‿",
                "\u{2028}", "\u{200B}",
            ];
            let text: String = picks.iter().map(|&i| PARTS[i]).collect();
            let expected: Vec<(usize, &str)> = text.unicode_word_indices().collect();
            proptest::prop_assert_eq!(words(&text), expected);
        }
    }

    fn sentences(text: &str) -> Vec<String> {
        let a = analyze(text);
        (0..a.sentences.len()).map(|s| a.sentence_text(s)).collect()
    }

    #[test]
    fn sentences_are_not_split_at_abbreviations_or_numbers() {
        let s = sentences(
            "TP. Hồ Chí Minh tăng 6,5% năm 2021. Đ/c Lan nói v.v. rồi về.\nDân số 1.587 người. Hết",
        );
        assert_eq!(
            s,
            [
                "TP. Hồ Chí Minh tăng 6,5% năm 2021.",
                "Đ/c Lan nói v.v. rồi về.",
                "Dân số 1.587 người.",
                "Hết"
            ]
        );
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "Nghi\u{0323} quyê\u{0301}t\u{00A0}Đại hội";
        let a = analyze(text);
        let keys: Vec<&str> = (0..a.tokens.len()).map(|i| a.key(i)).collect();
        assert_eq!(keys, ["nghị", "quyết", "đại", "hội"]);
        assert_eq!(a.surface(1), "quyê\u{0301}t");
        assert_eq!(a.fold(2), "dai");
    }

    #[test]
    fn headings_are_recognized() {
        let a = analyze(
            "I. NHẬN THỨC\n1. Về mục tiêu\n1. Đại hội xác định mục tiêu cho từng mốc rất rõ ràng và cụ thể, tôi thấy rất tâm đắc với điều này.\nPHẦN MỘT: NHẬN THỨC\na) Liên hệ\nLIÊN HỆ BẢN THÂN\nCâu 2. Đồng chí hãy liên hệ bản thân?\nTôi là giáo viên.",
        );
        let kinds: Vec<Option<Heading>> = a.paragraphs.iter().map(|p| p.heading).collect();
        assert_eq!(
            kinds,
            [
                Some(Heading::Major),
                Some(Heading::Minor),
                None,
                Some(Heading::Major),
                Some(Heading::Minor),
                Some(Heading::Minor),
                Some(Heading::Minor),
                None
            ]
        );
    }
}
