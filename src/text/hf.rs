//! The analyzer's tokens as a Hugging Face `tokenizers` tokenizer.
//!
//! ML pipelines in other systems (Python's `tokenizers.Tokenizer.from_file`) should see the
//! same tokens as thuhoach, so [`export_tokenizer`] builds a tokenizer whose normalizer and
//! pre-tokenizer reproduce [`phrase_keys`](super::phrase_keys): UAX#29 words, each turned into
//! its canonical key (lower case, NFC, old-style tone placement, ð → đ).
//!
//! The regexes use only syntax that fancy-regex (Rust) and Oniguruma (the Python wheels) read
//! alike: `\p{..}` general categories and scripts, `\x{..}`, `&&` in classes, lookaround with
//! fixed-length lookbehind.
//!
//! Known limits (none occurs in the dev essays): a tone misplaced other than by the new-style
//! rule (`hòan`, `qúa`, `gìa`) or a second tone in one word is left as written, while the
//! analyzer moves or drops it; Katakana runs, Hebrew quote rules and emoji ZWJ sequences are
//! not segmented as UAX#29 does.

use std::collections::BTreeSet;

use tokenizers::models::wordlevel::WordLevel;
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
    #[error("cannot build the Hugging Face tokenizer: {0}")]
    Tokenizers(#[from] tokenizers::Error),
    #[error("cannot read the built-in rubric: {0}")]
    Rubric(#[from] toml::de::Error),
}

// UAX#29 word-break classes, as regex classes (see the tables of unicode-segmentation).
/// Extend, Format and ZWJ: marks and invisible format characters stay inside the word.
const EXTEND: &str = r"[\p{M}\p{Cf}&&[^\x{200B}]]";
/// ALetter: letters, except scripts UAX#29 segments otherwise (one ideograph, one kana…).
const ALETTER: &str =
    r"[\p{L}\p{Nl}&&[^\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Myanmar}\p{Khmer}]]";
/// Numeric.
const NUMERIC: &str = r"\p{Nd}";
/// ExtendNumLet: underscore and other connectors, and the narrow no-break space.
const EXTEND_NUM_LET: &str = r"[\p{Pc}\x{202F}]";
/// MidLetter and MidNumLetQ: join two letters ("l'a", "v.v").
const MID_LETTER: &str = r"[:'.\x{00B7}\x{0387}\x{055F}\x{05F4}\x{2018}\x{2019}\x{2024}\x{2027}\x{FE13}\x{FE52}\x{FE55}\x{FF07}\x{FF0E}\x{FF1A}]";
/// MidNum and MidNumLetQ: join two digits ("6,5", "1.587").
const MID_NUM: &str = r"[,;'.\x{037E}\x{0589}\x{060C}\x{060D}\x{066C}\x{07F8}\x{2018}\x{2019}\x{2024}\x{2044}\x{FE10}\x{FE14}\x{FE50}\x{FE52}\x{FE54}\x{FF07}\x{FF0C}\x{FF0E}\x{FF1B}]";

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

/// NFD → lower case → ð to đ → marks without meaning in Vietnamese dropped → NFC → marks
/// that composed with nothing dropped → new-style tone placement moved to the old style.
/// Lower case comes before the tone rules, which are written for lower-case letters.
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
        NFC.into(),
        Replace::new(regex(r"[\x{0300}-\x{036F}]"), "")?.into(),
    ];
    for rule in tone_rules() {
        steps.push(rule?.into());
    }
    Ok(Sequence::new(steps))
}

/// `oà` → `òa`, `oẻ` → `ỏe`, `uý` → `úy` … when the vowels end the word (an open syllable)
/// and no vowel comes before them; never for `uy` after `q` (quý keeps its tone on y).
fn tone_rules() -> impl Iterator<Item = Result<Replace, HfExportError>> {
    let vowels = vowel_letters();
    let continues_word =
        format!("(?:{ALETTER}|{NUMERIC}|{EXTEND_NUM_LET}|{EXTEND}|{MID_LETTER}{EXTEND}*{ALETTER})");
    [('o', 'a', ""), ('o', 'e', ""), ('u', 'y', "q")]
        .into_iter()
        .flat_map(|nucleus| TONES.map(|tone| (nucleus, tone)))
        .map(move |((first, second, not_after), tone)| {
            let pattern = format!(
                "(?<![{not_after}{vowels}]){first}{}(?!{continues_word})",
                with_marks(second, &[tone])
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
    format!("(?:{joiner})*(?:{letters}|{digits})(?:{letters}|{digits}|{joiner})*|[\\p{{L}}\\p{{N}}]{EXTEND}*")
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

fn regex(pattern: &str) -> tokenizers::normalizers::replace::ReplacePattern {
    tokenizers::normalizers::replace::ReplacePattern::Regex(pattern.to_string())
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
