//! The grading analyzer as tantivy tokenizers, so search and grading see the same syllables.
//!
//! An essay is analyzed once, at index time, by [`crate::text::analyze`]. Its canonical keys
//! and its folded keys are written out as two *key streams* ([`KeyStreams`]): the keys in text
//! order, separated by a space within a sentence and by a line break at a sentence end. Two
//! trivial tokenizers read a key stream back: [`KeysTokenizer`] gives one token per syllable,
//! [`PairsTokenizer`] one token per pair of neighbouring syllables of one sentence
//! ("nghi quyet"). So all the body fields cost one analysis, and no field can disagree with
//! grading on what a syllable is.
//!
//! Positions skip one at every sentence end (token `i` of sentence `s` is at `i + s`), so a
//! phrase never matches across two sentences — the same rule grading uses. A pair token takes
//! the position of its first syllable.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::text::{analyze, Analyzed};

/// Name of the exact-key analyzer (lower case, NFC, one tone placement).
pub const VI: &str = "thuhoach_vi";
/// Name of the folded analyzer (no diacritics, đ → d).
pub const VI_FOLD: &str = "thuhoach_vi_fold";
/// Name of the tokenizer that reads a key stream, one token per syllable.
pub const KEYS: &str = "thuhoach_keys";
/// Name of the tokenizer that reads a key stream, one token per pair of syllables.
pub const PAIRS: &str = "thuhoach_pairs";

/// In a key stream: the next key is in the same sentence. A space, so that the pair term of
/// two neighbouring keys ("nghi quyet") is a slice of the stream.
const NEXT: u8 = b' ';
/// In a key stream: a sentence ends before the next key (once per sentence ended).
const SENTENCE: u8 = b'\n';

/// Emits the analyzer's canonical or folded keys with byte offsets into the original text.
/// Positions skip one at every sentence end, so a phrase never matches across two sentences —
/// the same rule grading uses. Used for short fields (the unit); essay bodies go through
/// [`KeyStreams`].
#[derive(Debug, Clone, Copy)]
pub struct ViTokenizer {
    folded: bool,
}

impl ViTokenizer {
    /// Syllables keyed with their diacritics (canonical NFC, one tone placement).
    pub fn exact() -> Self {
        ViTokenizer { folded: false }
    }

    /// Syllables folded: no diacritics, đ → d.
    pub fn folded() -> Self {
        ViTokenizer { folded: true }
    }
}

/// The tokens of one text, computed up front.
pub struct ViTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for ViTokenizer {
    type TokenStream<'a> = ViTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ViTokenStream {
        let a = analyze(text);
        let tokens = a
            .tokens
            .iter()
            .enumerate()
            .map(|(i, t)| Token {
                offset_from: t.start as usize,
                offset_to: t.end as usize,
                position: i + t.sentence as usize,
                text: if self.folded { a.fold(i) } else { a.key(i) }.to_string(),
                position_length: 1,
            })
            .collect();
        ViTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for ViTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// The keys of one analyzed text as two key streams, for [`KeysTokenizer`] and
/// [`PairsTokenizer`].
///
/// A key stream is the keys in text order; between two keys stands a space (same sentence) or
/// one line break per sentence that ends in between. Keys never hold white space: a UAX#29
/// word has none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyStreams {
    /// Canonical keys ("nghị quyết").
    pub exact: String,
    /// Folded keys ("nghi quyet").
    pub folded: String,
}

impl KeyStreams {
    /// Both key streams of `a`, in one pass over its tokens.
    pub fn of(a: &Analyzed<'_>) -> Self {
        let mut out = KeyStreams {
            exact: String::with_capacity(a.text.len() + 16),
            folded: String::with_capacity(a.text.len() + 16),
        };
        let mut sentence = 0;
        for (i, t) in a.tokens.iter().enumerate() {
            let ended = t.sentence.saturating_sub(sentence);
            if ended > 0 {
                for _ in 0..ended {
                    out.exact.push(SENTENCE as char);
                    out.folded.push(SENTENCE as char);
                }
            } else if i > 0 {
                out.exact.push(NEXT as char);
                out.folded.push(NEXT as char);
            }
            sentence = t.sentence;
            push_key(&mut out.exact, a.key(i));
            push_key(&mut out.folded, a.fold(i));
        }
        out
    }

    /// Analyzes `text` and returns its key streams.
    pub fn analyze(text: &str) -> Self {
        Self::of(&analyze(text))
    }
}

fn push_key(out: &mut String, key: &str) {
    if key.bytes().any(|b| b == NEXT || b == SENTENCE) {
        // Cannot happen (see `KeyStreams`); kept so a separator can never be forged.
        out.extend(key.chars().map(|c| {
            if c == NEXT as char || c == SENTENCE as char {
                char::REPLACEMENT_CHARACTER
            } else {
                c
            }
        }));
    } else {
        out.push_str(key);
    }
}

/// One key read from a key stream.
#[derive(Debug, Clone, Copy)]
struct Key {
    /// Byte range in the stream.
    start: usize,
    end: usize,
    position: usize,
    /// In the same sentence as the key before it.
    follows: bool,
}

/// Reads a key stream, key by key.
struct KeyReader<'a> {
    stream: &'a [u8],
    /// Where the next separator (or, at the start, the first key) is.
    at: usize,
    /// Position of the last key read.
    position: usize,
    started: bool,
}

impl<'a> KeyReader<'a> {
    fn new(stream: &'a str) -> Self {
        KeyReader {
            stream: stream.as_bytes(),
            at: 0,
            position: 0,
            started: false,
        }
    }

    fn next_key(&mut self) -> Option<Key> {
        let s = self.stream;
        let follows = if self.started {
            match s.get(self.at) {
                Some(&NEXT) => {
                    self.at += 1;
                    true
                }
                Some(&SENTENCE) => false,
                _ => return None,
            }
        } else if s.is_empty() {
            return None;
        } else {
            false
        };
        let mut ended = 0;
        while s.get(self.at) == Some(&SENTENCE) {
            self.at += 1;
            ended += 1;
        }
        self.position = if self.started {
            self.position + 1 + ended
        } else {
            ended
        };
        self.started = true;
        let start = self.at;
        while self.at < s.len() && s[self.at] != NEXT && s[self.at] != SENTENCE {
            self.at += 1;
        }
        Some(Key {
            start,
            end: self.at,
            position: self.position,
            follows,
        })
    }
}

/// `stream[start..end]` as text; the range lies between ASCII separators, so on char
/// boundaries.
fn slice(stream: &str, start: usize, end: usize) -> &str {
    stream.get(start..end).unwrap_or_default()
}

/// One token per key of a key stream ([`KeyStreams`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct KeysTokenizer;

/// The tokens of a key stream, read lazily into one reused token.
pub struct KeysTokenStream<'a> {
    stream: &'a str,
    reader: KeyReader<'a>,
    token: Token,
}

impl Tokenizer for KeysTokenizer {
    type TokenStream<'a> = KeysTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> KeysTokenStream<'a> {
        KeysTokenStream {
            stream: text,
            reader: KeyReader::new(text),
            token: Token::default(),
        }
    }
}

impl TokenStream for KeysTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(key) = self.reader.next_key() else {
            return false;
        };
        self.token.text.clear();
        self.token
            .text
            .push_str(slice(self.stream, key.start, key.end));
        self.token.position = key.position;
        self.token.position_length = 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// One token per pair of neighbouring keys of one sentence in a key stream, the two keys
/// joined by a space ("nghi quyet"), at the position of the first.
#[derive(Debug, Clone, Copy, Default)]
pub struct PairsTokenizer;

/// The pair tokens of a key stream, read lazily into one reused token.
pub struct PairsTokenStream<'a> {
    stream: &'a str,
    reader: KeyReader<'a>,
    previous: Option<Key>,
    token: Token,
}

impl Tokenizer for PairsTokenizer {
    type TokenStream<'a> = PairsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> PairsTokenStream<'a> {
        PairsTokenStream {
            stream: text,
            reader: KeyReader::new(text),
            previous: None,
            token: Token::default(),
        }
    }
}

impl TokenStream for PairsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        while let Some(key) = self.reader.next_key() {
            let previous = self.previous.replace(key);
            if let (Some(first), true) = (previous, key.follows) {
                // The two keys and the space between them.
                self.token.text.clear();
                self.token
                    .text
                    .push_str(slice(self.stream, first.start, key.end));
                self.token.position = first.position;
                self.token.position_length = 2;
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// The pair term of two neighbouring syllable keys, as [`PairsTokenizer`] indexes it.
pub fn pair(first: &str, second: &str) -> String {
    let mut s = String::with_capacity(first.len() + 1 + second.len());
    s.push_str(first);
    s.push(NEXT as char);
    s.push_str(second);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<T: Tokenizer>(mut t: T, s: &str) -> Vec<(String, usize)> {
        let mut stream = t.token_stream(s);
        let mut out = Vec::new();
        while stream.advance() {
            out.push((stream.token().text.clone(), stream.token().position));
        }
        out
    }

    #[test]
    fn exact_and_folded_keys_with_sentence_gaps() {
        let got = texts(ViTokenizer::exact(), "Hoà bình. Đảng ta");
        assert_eq!(
            got,
            [
                ("hòa".into(), 0),
                ("bình".into(), 1),
                ("đảng".into(), 3),
                ("ta".into(), 4)
            ]
        );
        let folded: Vec<String> = texts(ViTokenizer::folded(), "Hoà bình. Đảng ta")
            .into_iter()
            .map(|x| x.0)
            .collect();
        assert_eq!(folded, ["hoa", "binh", "dang", "ta"]);
    }

    #[test]
    fn key_streams_give_the_analyzer_tokens_and_positions() {
        for text in [
            "Hoà bình. Đảng ta",
            "",
            "...",
            "Một.\nHai! Ba?\n\n  Bốn năm sáu. Bảy",
            "I. MỞ ĐẦU\nNghị quyết Đại hội XIII. Chuyển đổi số; kinh tế số.",
        ] {
            let s = KeyStreams::analyze(text);
            assert_eq!(
                texts(KeysTokenizer, &s.exact),
                texts(ViTokenizer::exact(), text),
                "{text:?}"
            );
            assert_eq!(
                texts(KeysTokenizer, &s.folded),
                texts(ViTokenizer::folded(), text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn pairs_stay_inside_one_sentence() {
        let s = KeyStreams::analyze("Hoà bình. Đảng ta lãnh đạo.\nNhân dân");
        assert_eq!(
            texts(PairsTokenizer, &s.folded),
            [
                ("hoa binh".into(), 0),
                ("dang ta".into(), 3),
                ("ta lanh".into(), 4),
                ("lanh dao".into(), 5),
                ("nhan dan".into(), 8),
            ]
        );
        assert_eq!(texts(PairsTokenizer, &s.exact)[1].0, "đảng ta");
        assert!(texts(PairsTokenizer, "").is_empty());
        assert!(texts(PairsTokenizer, "một").is_empty());
    }

    #[test]
    fn empty_keys_keep_their_place() {
        let stream = "a  b\n\nc";
        assert_eq!(
            texts(KeysTokenizer, stream),
            [
                ("a".into(), 0),
                ("".into(), 1),
                ("b".into(), 2),
                ("c".into(), 5)
            ]
        );
        assert_eq!(
            texts(PairsTokenizer, stream),
            [("a ".into(), 0), (" b".into(), 1)]
        );
    }
}
