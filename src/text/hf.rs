//! The analyzer's tokens as a Hugging Face `tokenizers` tokenizer.
//!
//! ML pipelines in other systems (Python's `tokenizers.Tokenizer.from_file`) should see the
//! same tokens as thuhoach, so [`export_tokenizer`] builds a tokenizer whose normalizer and
//! pre-tokenizer reproduce [`phrase_keys`](super::phrase_keys): UAX#29 words, each turned into
//! its canonical key (lower case, NFC, old-style tone placement, ð → đ).
//!
//! The regexes use only syntax that fancy-regex (Rust) and Oniguruma (the Python wheels) read
//! alike: `\p{..}` general categories and scripts, `\x{..}`, `&&` in classes, `\K`, lookahead,
//! and lookbehind whose alternatives have a fixed length.
//!
//! Known limits, none of which occurs in the dev essays: a tone placed other than by the old
//! or the new style (`hòan`, `qúa`, `gìa`, `hòa2`) stays where it was written, while the
//! analyzer moves it; a word with more than `MAX_TONES_PER_WORD` tones keeps some of its
//! extra ones; a combining mark after a space, or two quality marks on one letter, may be
//! read differently. Outside Latin script: Katakana runs, Hebrew quote rules and emoji ZWJ
//! sequences are not segmented as UAX#29 does, and kana with voicing marks or Hangul come
//! out composed (NFC) where the analyzer leaves them decomposed.

use std::collections::BTreeSet;

use tokenizers::models::wordlevel::WordLevel;
use tokenizers::normalizers::replace::ReplacePattern;
use tokenizers::normalizers::{Lowercase, Replace, Sequence, NFC, NFD};
use tokenizers::pre_tokenizers::split::{Split, SplitPattern};
use tokenizers::{NormalizerWrapper, SplitDelimiterBehavior, Tokenizer};
use unicode_normalization::UnicodeNormalization;

use super::phrase_keys;

/// The built-in rubric: its phrases give the vocabulary of the exported model.
const RUBRIC: &str = include_str!("../../rubrics/dai-hoi-xiii.toml");

/// The unknown token of the exported word-level model (id 0).
const UNK: &str = "[UNK]";

/// Why the tokenizer could not be built or serialized.
#[derive(Debug, thiserror::Error)]
pub enum HfExportError {
    /// The tokenizers crate refused the pipeline or could not serialize it.
    #[error("cannot build the Hugging Face tokenizer: {0}")]
    Tokenizers(#[from] tokenizers::Error),
    /// The built-in rubric's TOML could not be read.
    #[error("cannot read the built-in rubric: {0}")]
    Rubric(#[from] toml::de::Error),
}

// UAX#29 word-break classes as regex classes (after the tables of unicode-segmentation).

/// Extend, Format and ZWJ: marks and invisible format characters stay inside the word.
const EXTEND: &str = r"[\p{M}\p{Cf}&&[^\x{200B}]]";
/// ALetter: letters, but not those of the scripts UAX#29 does not join as ALetter
/// (ideographs, kana, Thai…), which are then words of one character.
const ALETTER: &str =
    r"[\p{L}\p{Nl}&&[^\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Myanmar}\p{Khmer}]]";
/// Numeric.
const NUMERIC: &str = r"\p{Nd}";
/// ExtendNumLet: underscore and other connectors, and the narrow no-break space.
const EXTEND_NUM_LET: &str = r"[\p{Pc}\x{202F}]";
/// MidLetter and MidNumLetQ: join two letters ("l'a", "v.v").
const MID_LETTER: &str = concat!(
    r"[:'.\x{00B7}\x{0387}\x{055F}\x{05F4}\x{2018}\x{2019}\x{2024}\x{2027}",
    r"\x{FE13}\x{FE52}\x{FE55}\x{FF07}\x{FF0E}\x{FF1A}]"
);
/// MidNum and MidNumLetQ: join two digits ("6,5", "1.587").
const MID_NUM: &str = concat!(
    r"[,;'.\x{037E}\x{0589}\x{060C}\x{060D}\x{066C}\x{07F8}\x{2018}\x{2019}\x{2024}",
    r"\x{2044}\x{FE10}\x{FE14}\x{FE50}\x{FE52}\x{FE54}\x{FF07}\x{FF0C}\x{FF0E}\x{FF1B}]"
);

/// The analyzer keeps the first tone of a word and drops the others; the exported normalizer
/// drops one per regex pass, enough for words of up to this many tones.
const MAX_TONES_PER_WORD: usize = 4;

/// Tone marks: grave, acute, tilde, hook above, dot below.
const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
/// Vowel-quality marks: circumflex, breve, horn.
const QUALITIES: [char; 3] = ['\u{302}', '\u{306}', '\u{31B}'];

/// Builds the tokenizer: normalizer and pre-tokenizer give the canonical keys of the UAX#29
/// words of a text; the word-level model knows the syllables of the built-in rubric.
pub fn export_tokenizer() -> Result<Tokenizer, HfExportError> {
    let mut tokenizer = Tokenizer::new(model()?);
    tokenizer.with_normalizer(Some(normalizer()?))?;
    tokenizer.with_pre_tokenizer(Some(Split::new(
        SplitPattern::Regex(word_pattern()),
        // Inverted: the pattern matches the words, everything between them is removed.
        SplitDelimiterBehavior::Removed,
        true,
    )?));
    Ok(tokenizer)
}

/// The tokenizer of [`export_tokenizer`] as the JSON that `Tokenizer.from_file` reads.
pub fn export_tokenizer_json(pretty: bool) -> Result<String, HfExportError> {
    Ok(export_tokenizer()?.to_string(pretty)?)
}

/// NFD → lower case → ð to đ → marks without meaning in Vietnamese dropped → tones after a
/// word's first dropped → NFC → marks that composed with nothing dropped (as the analyzer
/// drops them) → new-style tone placement moved to the old style. Lower case comes before
/// the tone rules, which are written for lower-case letters.
fn normalizer() -> Result<Sequence, HfExportError> {
    let vietnamese_marks: String = TONES.iter().chain(&QUALITIES).map(|c| escape(*c)).collect();
    let mut steps: Vec<NormalizerWrapper> = vec![
        NFD.into(),
        Lowercase.into(),
        Replace::new("ð", "đ")?.into(),
        Replace::new(
            regex(&format!(r"[\x{{0300}}-\x{{036F}}&&[^{vietnamese_marks}]]")),
            "",
        )?
        .into(),
    ];
    for _ in 1..MAX_TONES_PER_WORD {
        steps.push(Replace::new(regex(&second_tone_pattern()), "")?.into());
    }
    steps.push(NFC.into());
    steps.push(Replace::new(regex(r"[\x{0300}-\x{036F}]"), "")?.into());
    for rule in tone_rules() {
        steps.push(rule?.into());
    }
    Ok(Sequence::new(steps))
}

/// A tone mark that follows another one in the same word (NFD text): the analyzer keeps the
/// first tone of a word only, which matters when a missing space joins two syllables
/// ("bình.Đảng" → "bình.đang"). The match starts at the first tone and `\K` keeps only the
/// second in the match, so one pass drops one tone per word.
fn second_tone_pattern() -> String {
    let tones: String = TONES.iter().map(|c| escape(*c)).collect();
    let inside_word = format!(
        "(?:{ALETTER}|{NUMERIC}|{EXTEND_NUM_LET}|{EXTEND}\
         |(?<={ALETTER}|\\p{{M}}){MID_LETTER}(?={EXTEND}*{ALETTER})\
         |(?<={NUMERIC}){MID_NUM}(?={EXTEND}*{NUMERIC}))"
    );
    format!("[{tones}]{inside_word}*?\\K[{tones}]")
}

/// `oà` → `òa`, `oẻ` → `ỏe`, `uý` → `úy` … (NFC lower case) when these are the word's first
/// vowels and end it (an open syllable), as the analyzer's old-style rule places the tone;
/// never for `uy` after `q` (quý keeps its tone on y). The match starts where the word
/// starts, so that a vowel earlier in a joined word ("a.xoã") blocks it; `\K` leaves the
/// consonants before the vowels out of the replaced text. The word start is judged on one or
/// two characters before it, as a fixed-length lookbehind allows.
fn tone_rules() -> impl Iterator<Item = Result<Replace, HfExportError>> {
    let vowels = vowel_letters();
    let word_start = format!(
        "(?<!{ALETTER}|{NUMERIC}|{EXTEND_NUM_LET}|{EXTEND}\
         |{ALETTER}{MID_LETTER}|\\p{{M}}{MID_LETTER})"
    );
    let consonants = format!(
        "(?:(?![{vowels}]){ALETTER}|{NUMERIC}|{EXTEND_NUM_LET}|{EXTEND}\
         |{MID_LETTER}(?={EXTEND}*{ALETTER})|{MID_NUM}(?={EXTEND}*{NUMERIC}))*"
    );
    // From the word start to the first vowel; only what follows `\K` is replaced.
    let before_vowels = format!(r"{word_start}{consonants}\K");
    let continues_word =
        format!("(?:{ALETTER}|{NUMERIC}|{EXTEND_NUM_LET}|{EXTEND}|{MID_LETTER}{EXTEND}*{ALETTER})");
    [('o', 'a', ""), ('o', 'e', ""), ('u', 'y', "(?<!q)")]
        .into_iter()
        .flat_map(|nucleus| TONES.map(|tone| (nucleus, tone)))
        .map(move |((first, second, not_after), tone)| {
            let written = format!("{first}{}", with_marks(second, &[tone]));
            // The look-ahead first is only there for speed: most positions fail it at once.
            let pattern = format!(
                r"(?=\S*?{written}){before_vowels}{not_after}{written}(?!{continues_word})"
            );
            let content = format!("{}{second}", with_marks(first, &[tone]));
            Ok(Replace::new(regex(&pattern), content)?)
        })
}

/// A UAX#29 word that holds a letter or a digit: runs of letters joined by MidLetter, runs
/// of digits joined by MidNum, both joined by ExtendNumLet; or any other single letter or
/// digit (an ideograph, "²"), as `unicode_word_indices` gives them.
fn word_pattern() -> String {
    let letters =
        format!("(?:{ALETTER}{EXTEND}*)+(?:{MID_LETTER}{EXTEND}*(?:{ALETTER}{EXTEND}*)+)*");
    let digits = format!("(?:{NUMERIC}{EXTEND}*)+(?:{MID_NUM}{EXTEND}*(?:{NUMERIC}{EXTEND}*)+)*");
    let joiner = format!("{EXTEND_NUM_LET}{EXTEND}*");
    let word = format!("(?:{joiner})*(?:{letters}|{digits})(?:{letters}|{digits}|{joiner})*");
    format!(r"{word}|[\p{{L}}\p{{N}}]{EXTEND}*")
}

/// Every lower-case letter the analyzer counts as a vowel (a e i o u y with any quality mark
/// and tone), in NFC, as a regex class body.
fn vowel_letters() -> String {
    let marks = |set: &[char]| -> Vec<Option<char>> {
        std::iter::once(None)
            .chain(set.iter().copied().map(Some))
            .collect()
    };
    let mut out = BTreeSet::new();
    for base in ['a', 'e', 'i', 'o', 'u', 'y'] {
        for quality in marks(&QUALITIES) {
            for tone in marks(&TONES) {
                let marks: Vec<char> = quality.into_iter().chain(tone).collect();
                let letter = with_marks(base, &marks);
                if letter.chars().count() == 1 {
                    out.insert(letter);
                }
            }
        }
    }
    out.into_iter().collect()
}

/// `base` with combining `marks`, in NFC.
fn with_marks(base: char, marks: &[char]) -> String {
    std::iter::once(base)
        .chain(marks.iter().copied())
        .nfc()
        .collect()
}

fn escape(c: char) -> String {
    format!(r"\x{{{:04X}}}", c as u32)
}

fn regex(pattern: &str) -> ReplacePattern {
    ReplacePattern::Regex(pattern.to_string())
}

/// Word-level model: `[UNK]` is 0, then the canonical keys of the words in the rubric's
/// strings (labels, themes, phrases), sorted.
fn model() -> Result<WordLevel, HfExportError> {
    let rubric: toml::Value = toml::from_str(RUBRIC)?;
    let mut strings = Vec::new();
    collect_strings(&rubric, &mut strings);
    let keys: BTreeSet<String> = strings
        .iter()
        .flat_map(|s| phrase_keys(s))
        .map(|(key, _)| key)
        .collect();
    let vocab = std::iter::once(UNK.to_string())
        .chain(keys)
        .zip(0u32..)
        .collect();
    Ok(WordLevel::builder()
        .vocab(vocab)
        .unk_token(UNK.to_string())
        .build()?)
}

fn collect_strings<'a>(value: &'a toml::Value, out: &mut Vec<&'a str>) {
    match value {
        toml::Value::String(s) => out.push(s),
        toml::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        toml::Value::Table(table) => table.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}
