//! The grading analyzer as a tantivy tokenizer, so search and grading see the same syllables.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::text::analyze;

/// Name of the exact-key analyzer (lower case, NFC, one tone placement).
pub const VI: &str = "thuhoach_vi";
/// Name of the folded analyzer (no diacritics, đ → d).
pub const VI_FOLD: &str = "thuhoach_vi_fold";

/// Emits the analyzer's canonical or folded keys with byte offsets into the original text.
/// Positions skip one at every sentence end, so a phrase never matches across two sentences —
/// the same rule grading uses.
#[derive(Debug, Clone, Copy)]
pub struct ViTokenizer {
    folded: bool,
}

impl ViTokenizer {
    pub fn exact() -> Self {
        ViTokenizer { folded: false }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(mut t: ViTokenizer, s: &str) -> Vec<(String, usize)> {
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
}
