//! Legacy Vietnamese 8-bit encodings: TCVN3 (ABC), VNI-Windows and Windows-1258.
//!
//! Offices still type in fonts such as `.VnTime` (TCVN3) and `VNI-Times` (VNI). The bytes reach
//! us three ways:
//!
//! - as bare bytes in a .txt file (not valid UTF-8): [`decode_legacy_bytes`] decodes them with
//!   each encoding and keeps the one whose result reads most like Vietnamese;
//! - as runs of a .docx whose font is a legacy one: Word stores the bytes as the characters they
//!   show in Windows-1252 (`NghÞ quyÕt`), and [`convert_font_text`] maps them back;
//! - as Unicode text that is really such a Windows-1252 view (mojibake, after a copy and paste or
//!   a lost font): [`repair_mojibake`] finds the paragraphs that read better converted.
//!
//! "Reads like Vietnamese" is measured by [`SyllableScore`]: the share of words that are valid
//! Vietnamese syllables (onset + rhyme + a tone the rhyme allows). Text that reads like
//! Vietnamese in no encoding is never "repaired".
//!
//! All decoders return NFC text and never fail: bytes that mean nothing in an encoding are kept as
//! their Windows-1252 character.

use std::collections::HashSet;
use std::sync::OnceLock;

use unicode_normalization::char::decompose_canonical;
use unicode_normalization::UnicodeNormalization;

/// A legacy encoding that was converted to Unicode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LegacyEncoding {
    /// TCVN 5712:1993 VN3, "ABC": fonts `.VnTime`, `.VnArial`… (capitals in `.VnTimeH`…).
    Tcvn3,
    /// VNI-Windows: fonts `VNI-Times`, `VNI-Helve`…
    Vni,
    /// Windows-1258 (precomposed vowels plus combining tone marks).
    Windows1258,
}

impl LegacyEncoding {
    /// All encodings, in the order they are tried (ties go to the first).
    pub const ALL: [LegacyEncoding; 3] = [Self::Tcvn3, Self::Vni, Self::Windows1258];

    /// The name users know it by, as put into `RawDocument::legacy_encoding`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Tcvn3 => "TCVN3 (ABC)",
            Self::Vni => "VNI",
            Self::Windows1258 => "Windows-1258",
        }
    }

    /// Decodes bare bytes in this encoding (NFC).
    pub fn decode(self, bytes: &[u8]) -> String {
        match self {
            Self::Tcvn3 => decode_tcvn3(bytes),
            Self::Vni => decode_vni(bytes),
            Self::Windows1258 => decode_cp1258(bytes),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// TCVN3
// ---------------------------------------------------------------------------------------------

/// TCVN 5712 bytes 0x80–0xFF, as glibc's `TCVN5712-1` decodes them. VN3 ("ABC") uses the
/// lowercase letters and the seven toneless capitals at 0xA1–0xFE; the toned capitals elsewhere
/// are VN1's, accepted because they are unambiguous. 0xB0–0xB4 are combining tone marks.
const TCVN3_HIGH: [char; 128] = [
    '\u{00C0}', '\u{1EA2}', '\u{00C3}', '\u{00C1}', '\u{1EA0}', '\u{1EB6}', '\u{1EAC}', '\u{00C8}',
    '\u{1EBA}', '\u{1EBC}', '\u{00C9}', '\u{1EB8}', '\u{1EC6}', '\u{00CC}', '\u{1EC8}', '\u{0128}',
    '\u{00CD}', '\u{1ECA}', '\u{00D2}', '\u{1ECE}', '\u{00D5}', '\u{00D3}', '\u{1ECC}', '\u{1ED8}',
    '\u{1EDC}', '\u{1EDE}', '\u{1EE0}', '\u{1EDA}', '\u{1EE2}', '\u{00D9}', '\u{1EE6}', '\u{0168}',
    '\u{00A0}', '\u{0102}', '\u{00C2}', '\u{00CA}', '\u{00D4}', '\u{01A0}', '\u{01AF}', '\u{0110}',
    '\u{0103}', '\u{00E2}', '\u{00EA}', '\u{00F4}', '\u{01A1}', '\u{01B0}', '\u{0111}', '\u{1EB0}',
    '\u{0300}', '\u{0309}', '\u{0303}', '\u{0301}', '\u{0323}', '\u{00E0}', '\u{1EA3}', '\u{00E3}',
    '\u{00E1}', '\u{1EA1}', '\u{1EB2}', '\u{1EB1}', '\u{1EB3}', '\u{1EB5}', '\u{1EAF}', '\u{1EB4}',
    '\u{1EAE}', '\u{1EA6}', '\u{1EA8}', '\u{1EAA}', '\u{1EA4}', '\u{1EC0}', '\u{1EB7}', '\u{1EA7}',
    '\u{1EA9}', '\u{1EAB}', '\u{1EA5}', '\u{1EAD}', '\u{00E8}', '\u{1EC2}', '\u{1EBB}', '\u{1EBD}',
    '\u{00E9}', '\u{1EB9}', '\u{1EC1}', '\u{1EC3}', '\u{1EC5}', '\u{1EBF}', '\u{1EC7}', '\u{00EC}',
    '\u{1EC9}', '\u{1EC4}', '\u{1EBE}', '\u{1ED2}', '\u{0129}', '\u{00ED}', '\u{1ECB}', '\u{00F2}',
    '\u{1ED4}', '\u{1ECF}', '\u{00F5}', '\u{00F3}', '\u{1ECD}', '\u{1ED3}', '\u{1ED5}', '\u{1ED7}',
    '\u{1ED1}', '\u{1ED9}', '\u{1EDD}', '\u{1EDF}', '\u{1EE1}', '\u{1EDB}', '\u{1EE3}', '\u{00F9}',
    '\u{1ED6}', '\u{1EE7}', '\u{0169}', '\u{00FA}', '\u{1EE5}', '\u{1EEB}', '\u{1EED}', '\u{1EEF}',
    '\u{1EE9}', '\u{1EF1}', '\u{1EF3}', '\u{1EF7}', '\u{1EF9}', '\u{00FD}', '\u{1EF5}', '\u{1ED0}',
];

/// One TCVN3 byte as a character (ASCII and C0 controls unchanged).
fn tcvn3_byte(b: u8) -> char {
    if b < 0x80 {
        char::from(b)
    } else {
        TCVN3_HIGH[usize::from(b - 0x80)]
    }
}

/// Decodes TCVN3 (ABC) bytes to NFC Unicode. Note 0xAD is ư, not a soft hyphen.
pub fn decode_tcvn3(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| tcvn3_byte(b)).nfc().collect()
}

/// Encodes NFC text as TCVN3 bytes; `Err` holds the first character TCVN3 cannot write
/// (besides ASCII it has the Vietnamese letters, NBSP, and toned capitals only outside the
/// control range: Ú Ụ Ừ Ử Ữ Ứ Ự Ỳ Ỷ Ỹ Ý Ỵ are missing).
pub fn encode_tcvn3(text: &str) -> Result<Vec<u8>, char> {
    let mut out = Vec::with_capacity(text.len());
    for ch in text.nfc() {
        if ch.is_ascii() {
            out.push(ch as u8);
            continue;
        }
        match TCVN3_HIGH.iter().position(|&c| c == ch) {
            // Combining marks are only reachable through a decomposed input; NFC keeps the
            // precomposed letter, which is looked up above.
            Some(i) if !('\u{300}'..='\u{36F}').contains(&ch) => out.push(0x80 + i as u8),
            _ => return Err(ch),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// VNI
// ---------------------------------------------------------------------------------------------

/// Vowel-quality and tone carried by a VNI mark byte (lowercase form; capitals are 0x20 lower).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Mark {
    quality: Quality,
    tone: Tone,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Quality {
    None,
    Circumflex,
    Breve,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tone {
    None,
    Grave,
    Hook,
    Tilde,
    Acute,
    Dot,
}

impl Tone {
    fn combining(self) -> Option<char> {
        match self {
            Tone::None => None,
            Tone::Grave => Some('\u{300}'),
            Tone::Hook => Some('\u{309}'),
            Tone::Tilde => Some('\u{303}'),
            Tone::Acute => Some('\u{301}'),
            Tone::Dot => Some('\u{323}'),
        }
    }

    fn from_combining(c: char) -> Option<Tone> {
        Some(match c {
            '\u{300}' => Tone::Grave,
            '\u{309}' => Tone::Hook,
            '\u{303}' => Tone::Tilde,
            '\u{301}' => Tone::Acute,
            '\u{323}' => Tone::Dot,
            _ => return None,
        })
    }
}

/// VNI mark bytes (lowercase forms), from the published table.
const VNI_MARKS: [(u8, Quality, Tone); 17] = [
    (0xF9, Quality::None, Tone::Acute),
    (0xF8, Quality::None, Tone::Grave),
    (0xFB, Quality::None, Tone::Hook),
    (0xF5, Quality::None, Tone::Tilde),
    (0xEF, Quality::None, Tone::Dot),
    (0xE2, Quality::Circumflex, Tone::None),
    (0xE1, Quality::Circumflex, Tone::Acute),
    (0xE0, Quality::Circumflex, Tone::Grave),
    (0xE5, Quality::Circumflex, Tone::Hook),
    (0xE3, Quality::Circumflex, Tone::Tilde),
    (0xE4, Quality::Circumflex, Tone::Dot),
    (0xEA, Quality::Breve, Tone::None),
    (0xE9, Quality::Breve, Tone::Acute),
    (0xE8, Quality::Breve, Tone::Grave),
    (0xFA, Quality::Breve, Tone::Hook),
    (0xFC, Quality::Breve, Tone::Tilde),
    (0xEB, Quality::Breve, Tone::Dot),
];

/// VNI single-byte letters (lowercase forms; capitals are 0x20 lower).
const VNI_SINGLE: [(u8, char); 9] = [
    (0xF4, 'ơ'),
    (0xF6, 'ư'),
    (0xF1, 'đ'),
    (0xED, 'í'),
    (0xEC, 'ì'),
    (0xE6, 'ỉ'),
    (0xF3, 'ĩ'),
    (0xF2, 'ị'),
    (0xEE, 'ỵ'),
];

fn vni_mark(b: u8) -> Option<Mark> {
    let lower = if (0xC0..0xE0).contains(&b) {
        b + 0x20
    } else {
        b
    };
    VNI_MARKS
        .iter()
        .find(|(m, _, _)| *m == lower)
        .map(|&(_, quality, tone)| Mark { quality, tone })
}

fn vni_single(b: u8) -> Option<char> {
    let (lower, upper) = if (0xC0..0xE0).contains(&b) {
        (b + 0x20, true)
    } else {
        (b, false)
    };
    let ch = VNI_SINGLE.iter().find(|(s, _)| *s == lower)?.1;
    Some(if upper { upper_char(ch) } else { ch })
}

fn upper_char(c: char) -> char {
    c.to_uppercase().next().unwrap_or(c)
}

/// The letter `base` (a, e, o, u, y, ơ, ư in either case) with a VNI mark, if Vietnamese has it.
fn vni_combine(base: char, mark: Mark) -> Option<char> {
    let lower = base.to_lowercase().next().unwrap_or(base);
    let quality = match (lower, mark.quality) {
        (_, Quality::None) => None,
        ('a' | 'e' | 'o', Quality::Circumflex) => Some('\u{302}'),
        ('a', Quality::Breve) => Some('\u{306}'),
        _ => return None,
    };
    match lower {
        'a' | 'e' | 'o' | 'u' | 'ơ' | 'ư' => {}
        // y takes tones but not ỵ (a single byte) … which VNI writes as î anyway.
        'y' if quality.is_none() && mark.tone != Tone::None => {}
        _ => return None,
    }
    let mut s = String::with_capacity(8);
    s.push(base);
    s.extend(quality);
    s.extend(mark.tone.combining());
    let mut composed = s.nfc();
    let ch = composed.next()?;
    composed.next().is_none().then_some(ch)
}

/// Decodes VNI-Windows bytes to NFC Unicode: base letter + mark byte are matched greedily;
/// bytes without a VNI meaning are read as Windows-1252.
pub fn decode_vni(bytes: &[u8]) -> String {
    vni_units(bytes.iter().map(|&b| Unit::Byte(b)))
}

/// A unit of legacy text: a byte, or a character that is already Unicode (kept as is).
#[derive(Clone, Copy)]
enum Unit {
    Byte(u8),
    Char(char),
}

fn vni_units(units: impl Iterator<Item = Unit>) -> String {
    let mut out = String::new();
    let mut pending: Option<char> = None; // a base letter that may take a mark
    for unit in units {
        let b = match unit {
            Unit::Char(c) => {
                out.extend(pending.take());
                out.push(c);
                continue;
            }
            Unit::Byte(b) => b,
        };
        if let (Some(base), Some(mark)) = (pending, vni_mark(b)) {
            if let Some(ch) = vni_combine(base, mark) {
                out.push(ch);
                pending = None;
                continue;
            }
        }
        out.extend(pending.take());
        let ch = vni_single(b).unwrap_or_else(|| windows_1252(b));
        if matches!(ch.to_ascii_lowercase(), 'a' | 'e' | 'o' | 'u' | 'y')
            || matches!(ch, 'ơ' | 'ư' | 'Ơ' | 'Ư')
        {
            pending = Some(ch);
        } else {
            out.push(ch);
        }
    }
    out.extend(pending);
    out.nfc().collect()
}

/// Encodes NFC text as VNI bytes; `Err` holds the first character VNI cannot write.
pub fn encode_vni(text: &str) -> Result<Vec<u8>, char> {
    let mut out = Vec::with_capacity(text.len() * 2);
    for ch in text.nfc() {
        if ch.is_ascii() {
            out.push(ch as u8);
            continue;
        }
        if let Some(b) = encode_vni_single(ch) {
            out.push(b);
            continue;
        }
        // Base letter + quality + tone.
        let mut base = None;
        let mut quality = Quality::None;
        let mut horn = false;
        let mut tone = Tone::None;
        let mut ok = true;
        decompose_canonical(ch, |c| match c {
            '\u{302}' => quality = Quality::Circumflex,
            '\u{306}' => quality = Quality::Breve,
            '\u{31B}' => horn = true,
            c => match Tone::from_combining(c) {
                Some(t) => tone = t,
                None if base.is_none() && c.is_ascii_alphabetic() => base = Some(c),
                None => ok = false,
            },
        });
        let Some(base) = base.filter(|_| ok) else {
            return Err(ch);
        };
        let upper = base.is_ascii_uppercase();
        if horn {
            // ơ / ư + tone.
            let single = match base.to_ascii_lowercase() {
                'o' => 0xF4,
                'u' => 0xF6,
                _ => return Err(ch),
            };
            out.push(if upper { single - 0x20 } else { single });
        } else {
            out.push(base as u8);
        }
        if quality == Quality::None && tone == Tone::None {
            return Err(ch);
        }
        let mark = Mark { quality, tone };
        if vni_combine(base, mark).is_none() && !horn {
            return Err(ch);
        }
        let Some(&(m, _, _)) = VNI_MARKS
            .iter()
            .find(|(_, q, t)| *q == quality && *t == tone)
        else {
            return Err(ch);
        };
        out.push(if upper { m - 0x20 } else { m });
    }
    Ok(out)
}

fn encode_vni_single(ch: char) -> Option<u8> {
    let lower = ch.to_lowercase().next()?;
    let upper = lower != ch;
    let &(b, _) = VNI_SINGLE.iter().find(|(_, c)| *c == lower)?;
    Some(if upper { b - 0x20 } else { b })
}

// ---------------------------------------------------------------------------------------------
// Windows-1258, Windows-1252
// ---------------------------------------------------------------------------------------------

/// Decodes Windows-1258 bytes (combining tone marks) to NFC Unicode.
pub fn decode_cp1258(bytes: &[u8]) -> String {
    let (text, _, _) = encoding_rs::WINDOWS_1258.decode(bytes);
    text.nfc().collect()
}

/// Encodes NFC text as Windows-1258: letters it has precomposed as such, others as base letter
/// plus combining tone byte. `Err` holds the first character it cannot write.
pub fn encode_cp1258(text: &str) -> Result<Vec<u8>, char> {
    let mut out = Vec::with_capacity(text.len());
    let single = |s: &str, out: &mut Vec<u8>| -> bool {
        let (bytes, _, errors) = encoding_rs::WINDOWS_1258.encode(s);
        if !errors {
            out.extend_from_slice(&bytes);
        }
        !errors
    };
    let mut buf = [0u8; 4];
    for ch in text.nfc() {
        if single(ch.encode_utf8(&mut buf), &mut out) {
            continue;
        }
        let mut base = String::new();
        let mut tone = None;
        decompose_canonical(ch, |c| match Tone::from_combining(c) {
            Some(t) if tone.is_none() => tone = Some(t),
            _ => base.push(c),
        });
        let base: String = base.nfc().collect();
        let tone_byte = match tone {
            Some(Tone::Grave) => 0xCC,
            Some(Tone::Acute) => 0xEC,
            Some(Tone::Hook) => 0xD2,
            Some(Tone::Tilde) => 0xDE,
            Some(Tone::Dot) => 0xF2,
            _ => return Err(ch),
        };
        if base.chars().count() != 1 || !single(&base, &mut out) {
            return Err(ch);
        }
        out.push(tone_byte);
    }
    Ok(out)
}

/// One byte as Windows-1252 shows it (0x81, 0x8D, 0x8F, 0x90, 0x9D as C1 controls).
fn windows_1252(b: u8) -> char {
    const C1: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => C1[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// The byte a character stands for in a Windows-1252 (or Latin-1) view of legacy bytes.
fn view_byte(c: char) -> Option<u8> {
    let code = u32::from(c);
    if code < 0x100 {
        return u8::try_from(code).ok();
    }
    (0x80u8..=0x9F).find(|&b| windows_1252(b) == c)
}

/// The Windows-1252 view of bytes: what Word stores for a run in a legacy font (for tests and
/// fixtures).
pub fn windows_1252_view(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| windows_1252(b)).collect()
}

// ---------------------------------------------------------------------------------------------
// Legacy fonts
// ---------------------------------------------------------------------------------------------

/// The encoding of a legacy font, and whether it is a capitals font (TCVN3 `…H`).
pub fn font_encoding(font: &str) -> Option<(LegacyEncoding, bool)> {
    let name = font.trim().trim_matches(['\'', '"']).trim();
    if name.len() > 3 && name.is_char_boundary(3) && name[..3].eq_ignore_ascii_case(".vn") {
        let capitals = name.ends_with('H');
        return Some((LegacyEncoding::Tcvn3, capitals));
    }
    if name.len() > 4 && name.is_char_boundary(4) && name[..4].eq_ignore_ascii_case("vni-") {
        return Some((LegacyEncoding::Vni, false));
    }
    None
}

/// Converts the text of a run set in a legacy font. Characters of the Windows-1252 view are
/// mapped back to bytes and decoded; any other character (already Unicode, e.g. a curly quote
/// or a letter typed with a Unicode keyboard) is kept. `capitals` upper-cases the result, as a
/// TCVN3 `…H` font draws it.
pub fn convert_font_text(text: &str, encoding: LegacyEncoding, capitals: bool) -> String {
    let units = text.chars().map(|c| match view_byte(c) {
        // ASCII stays ASCII in every encoding except as a VNI base letter.
        Some(b) => Unit::Byte(b),
        None => Unit::Char(c),
    });
    let out = match encoding {
        LegacyEncoding::Tcvn3 => units
            .map(|u| match u {
                Unit::Byte(b) => tcvn3_byte(b),
                Unit::Char(c) => c,
            })
            .nfc()
            .collect(),
        LegacyEncoding::Vni => vni_units(units),
        LegacyEncoding::Windows1258 => {
            let mut out = String::with_capacity(text.len());
            let mut bytes = Vec::new();
            for u in units {
                match u {
                    Unit::Byte(b) => bytes.push(b),
                    Unit::Char(c) => {
                        out.push_str(&decode_cp1258(&std::mem::take(&mut bytes)));
                        out.push(c);
                    }
                }
            }
            out.push_str(&decode_cp1258(&bytes));
            out.nfc().collect()
        }
    };
    if capitals {
        out.to_uppercase()
    } else {
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Syllable validity and scoring
// ---------------------------------------------------------------------------------------------

/// Onsets, longest first.
const ONSETS: [&str; 27] = [
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
];

/// Rhymes without tone (precomposed vowel letters), as written after an onset.
const RHYMES: &[&str] = &[
    // a ă â
    "a", "ai", "ao", "au", "ay", "ac", "ach", "am", "an", "ang", "anh", "ap", "at", "ăc", "ăm",
    "ăn", "ăng", "ăp", "ăt", "âc", "âm", "ân", "âng", "âp", "ât", "âu", "ây", // e ê
    "e", "eo", "ec", "em", "en", "eng", "ep", "et", "ê", "êu", "êch", "êm", "ên", "ênh", "êp",
    "êt", // i y iê yê
    "i", "ia", "iu", "ich", "im", "in", "inh", "ip", "it", "iêu", "iêc", "iêm", "iên", "iêng",
    "iêp", "iêt", "y", "yêu", "yêm", "yên", "yêt", // o ô ơ
    "o", "oi", "oc", "om", "on", "ong", "op", "ot", "ooc", "oong", "ô", "ôi", "ôc", "ôm", "ôn",
    "ông", "ôp", "ôt", "ơ", "ơi", "ơm", "ơn", "ơp", "ơt", // oa oă oe
    "oa", "oai", "oao", "oay", "oac", "oach", "oam", "oan", "oang", "oanh", "oap", "oat", "oăc",
    "oăm", "oăn", "oăng", "oăt", "oe", "oeo", "oen", "oet", // u uô ua uâ uê uy uơ
    "u", "ua", "ui", "uc", "um", "un", "ung", "up", "ut", "uôi", "uôc", "uôm", "uôn", "uông",
    "uôt", "uân", "uâng", "uât", "uây", "uê", "uêch", "uên", "uênh", "uy", "uya", "uyu", "uych",
    "uyn", "uynh", "uyp", "uyt", "uyên", "uyêt", "uơ", // ư ươ
    "ư", "ưa", "ưi", "ưu", "ưc", "ưm", "ưn", "ưng", "ưt", "ươi", "ươu", "ươc", "ươm", "ươn",
    "ương", "ươp", "ươt",
];

/// Rhymes after "qu" (its u is the glide).
const QU_RHYMES: &[&str] = &[
    "a", "ai", "ay", "ac", "ach", "an", "ang", "anh", "at", "ăc", "ăm", "ăn", "ăng", "ăt", "ân",
    "âng", "ât", "ây", "e", "eo", "en", "et", "ê", "ên", "ênh", "êt", "êch", "i", "y", "ynh",
    "ych", "yt", "yn", "yên", "yêt", "ơ", "ơi", "ơn", "ôc", "ôn", "ông", "ôi", "yu", "yêc",
];

/// [`RHYMES`] and [`QU_RHYMES`] as sets (a word is checked against them for each onset).
fn rhyme_sets() -> &'static (HashSet<&'static str>, HashSet<&'static str>) {
    static SETS: OnceLock<(HashSet<&'static str>, HashSet<&'static str>)> = OnceLock::new();
    SETS.get_or_init(|| {
        (
            RHYMES.iter().copied().collect(),
            QU_RHYMES.iter().copied().collect(),
        )
    })
}

/// Letters of a syllable without tone, and its tone (if any), or `None` if the word has
/// characters that are not Vietnamese letters or more than one tone.
fn letters_and_tone(word: &str, letters: &mut String) -> Option<Option<Tone>> {
    letters.clear();
    if word.is_ascii() {
        if word.len() > 8 {
            return None;
        }
        letters.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        return letters
            .chars()
            .all(|c| c.is_ascii_lowercase())
            .then_some(None);
    }
    let mut tone = None;
    let mut count = 0;
    for ch in word.chars() {
        let mut bad = false;
        decompose_canonical(ch, |c| {
            if let Some(t) = Tone::from_combining(c) {
                if tone.replace(t).is_some() {
                    bad = true;
                }
                return;
            }
            let modify = |letters: &mut String, to: &[(char, char)]| -> bool {
                let last = letters.pop();
                match last.and_then(|l| to.iter().find(|(f, _)| *f == l)) {
                    Some(&(_, t)) => {
                        letters.push(t);
                        true
                    }
                    None => false,
                }
            };
            let ok = match c {
                '\u{302}' => modify(letters, &[('a', 'â'), ('e', 'ê'), ('o', 'ô')]),
                '\u{306}' => modify(letters, &[('a', 'ă')]),
                '\u{31B}' => modify(letters, &[('o', 'ơ'), ('u', 'ư')]),
                'a'..='z' | 'đ' => {
                    letters.push(c);
                    true
                }
                'A'..='Z' => {
                    letters.push(c.to_ascii_lowercase());
                    true
                }
                'Đ' => {
                    letters.push('đ');
                    true
                }
                _ => false,
            };
            bad |= !ok;
        });
        count += 1;
        if bad || count > 8 {
            return None;
        }
    }
    Some(tone)
}

/// Is `word` one valid Vietnamese syllable (any case, NFC or NFD, either tone placement)?
pub fn is_vietnamese_syllable(word: &str) -> bool {
    let mut letters = String::new();
    syllable_ok(word, &mut letters)
}

fn syllable_ok(word: &str, letters: &mut String) -> bool {
    let Some(tone) = letters_and_tone(word, letters) else {
        return false;
    };
    if letters.contains(['f', 'j', 'w', 'z']) {
        return false;
    }
    let s = letters.as_str();
    let rhyme_ok = |onset: &str, rhyme: &str| -> bool {
        let known = if onset == "qu" {
            rhyme_sets().1.contains(rhyme)
        } else {
            rhyme_sets().0.contains(rhyme)
        };
        if !known {
            return false;
        }
        let first = rhyme.chars().next();
        let front = matches!(first, Some('i' | 'e' | 'ê' | 'y'));
        let spelling = match onset {
            // k before i, e, ê, y; gh and ngh before i, e, ê; c and ng never there.
            "k" => front,
            "gh" | "ngh" => front && first != Some('y'),
            "c" | "ng" => !front,
            "g" => !matches!(first, Some('e' | 'ê')),
            _ => true,
        };
        // Rhymes closed by a stop take only the acute or the dot below.
        let stop = rhyme.ends_with(['c', 'p', 't']) || rhyme.ends_with("ch");
        let tone_ok = !stop || matches!(tone, Some(Tone::Acute | Tone::Dot));
        spelling && tone_ok
    };
    if rhyme_ok("", s) {
        return true;
    }
    for onset in ONSETS {
        if let Some(rest) = s.strip_prefix(onset) {
            if rhyme_ok(onset, rest) {
                return true;
            }
            // gi + rhyme whose i merged into the onset: giếng = gi + iêng, gì = gi + i.
            if onset == "gi" && (rest.is_empty() || !rest.starts_with(['i', 'y'])) {
                let mut with_i = String::with_capacity(rest.len() + 1);
                with_i.push('i');
                with_i.push_str(rest);
                if rhyme_ok("gi", &with_i) {
                    return true;
                }
            }
        }
    }
    false
}

/// How much a text reads like Vietnamese.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyllableScore {
    /// Words (runs of letters and combining marks).
    pub words: usize,
    /// Words that are valid Vietnamese syllables.
    pub valid: usize,
    /// Words with a non-ASCII character.
    pub marked: usize,
    /// Words with a non-ASCII character that are valid syllables.
    pub marked_valid: usize,
}

impl SyllableScore {
    /// Share of words that are valid syllables (0 for no words).
    pub fn share(&self) -> f64 {
        if self.words == 0 {
            0.0
        } else {
            self.valid as f64 / self.words as f64
        }
    }

    /// Words with a non-ASCII character that are not syllables.
    pub fn marked_invalid(&self) -> usize {
        self.marked - self.marked_valid
    }

    /// Valid marked words minus twice the invalid ones: the quantity candidates compete on.
    fn merit(&self) -> i64 {
        self.marked_valid as i64 - 2 * self.marked_invalid() as i64
    }

    /// Reads as Vietnamese: most words are syllables and some carry diacritics.
    pub fn is_vietnamese(&self) -> bool {
        self.marked_valid >= 2
            && self.share() >= 0.6
            && self.marked_valid >= 2 * self.marked_invalid()
    }

    fn add(&mut self, other: SyllableScore) {
        self.words += other.words;
        self.valid += other.valid;
        self.marked += other.marked;
        self.marked_valid += other.marked_valid;
    }
}

/// A letter or a combining mark: what words are made of. The common cases (ASCII, Latin-1,
/// Vietnamese letters) are decided without a Unicode table search.
fn is_word_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' => true,
        '\0'..='\u{7F}' => false,
        'ª' | 'µ' | 'º' | 'À'..='Ö' | 'Ø'..='ö' | 'ø'..='\u{24F}' => true,
        '\u{80}'..='\u{FF}' => false,
        '\u{300}'..='\u{36F}' | '\u{1EA0}'..='\u{1EF9}' => true,
        c => c.is_alphabetic(),
    }
}

/// Could be part of a legacy encoding's Windows-1252 view: Latin-1 and the letters Windows-1252
/// puts in 0x80–0x9F. A word with any other letter (ơ, ư, ạ, a combining mark…) is real Unicode.
fn in_windows_1252_view(c: char) -> bool {
    c <= '\u{FF}' || matches!(c, 'Œ' | 'œ' | 'Š' | 'š' | 'Ÿ' | 'Ž' | 'ž' | 'ƒ' | 'ˆ')
}

/// Whether `text` shows a sign of legacy Vietnamese read as Windows-1252 that Unicode
/// Vietnamese never has: C1 controls or symbols U+00A1–U+00BF (TCVN3's ă â ê ô ơ ư đ and toned
/// vowels), Latin-1 letters outside Vietnamese (VNI's marks ø û ï ä, ö ñ for ư đ; CP1258's Þ Ð
/// ð), the letters Windows-1252 adds, or a vowel followed by ì ò Ì Ò (CP1258's tone bytes after
/// their vowel: "Nghiò quyêìt") or ù Ù (VNI's acute: "vôùi"); "giò" and "quì" excepted. Without one there is no mojibake to
/// repair. NBSP and the symbols real text uses (° ± ² ³ « » · § © ® ½) do not count.
fn may_hold_mojibake(text: &str) -> bool {
    // On the UTF-8 bytes: every sign is a 2-byte character led by C2, C3, C5, C6 or CB, found
    // by `memchr` (any order will do: one sign is enough).
    let bytes = text.as_bytes();
    let sign_at = |i: usize| {
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
            return false;
        };
        let preceding = || {
            let mut back = text[..i].chars().rev();
            (back.next().unwrap_or(' '), back.next().unwrap_or(' '))
        };
        is_mojibake_sign(c, preceding)
    };
    memchr::memchr3_iter(0xC2, 0xC3, 0xC5, bytes).any(sign_at)
        || memchr::memchr2_iter(0xC6, 0xCB, bytes).any(sign_at)
}

/// Whether non-ASCII `c` is a sign of mojibake (see [`may_hold_mojibake`]); `preceding` gives
/// the two characters before it (nearest first), asked for only when they matter.
fn is_mojibake_sign(c: char, preceding: impl FnOnce() -> (char, char)) -> bool {
    match c {
        '°' | '±' | '²' | '³' | '«' | '»' | '·' | '§' | '©' | '®' | '¼' | '½' | '¾' => {
            false
        }
        '\u{80}'..='\u{9F}' | '\u{A1}'..='\u{BF}' => true,
        'ì' | 'ò' | 'ù' | 'Ì' | 'Ò' | 'Ù' => {
            let (prev, before) = preceding();
            is_vowel_letter(prev)
                && !(matches!(prev, 'i' | 'I') && matches!(before, 'g' | 'G'))
                && !(matches!(prev, 'u' | 'U') && matches!(before, 'q' | 'Q'))
        }
        '\u{C0}'..='\u{FF}' => !is_vietnamese_latin1(c),
        'Œ' | 'œ' | 'Š' | 'š' | 'Ÿ' | 'Ž' | 'ž' | 'ƒ' | 'ˆ' => true,
        _ => false,
    }
}

/// A vowel letter without a tone, or one of the Latin-1 Vietnamese letters.
fn is_vowel_letter(c: char) -> bool {
    matches!(
        c.to_ascii_lowercase(),
        'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'ă' | 'ơ' | 'ư' | 'Ă' | 'Ơ' | 'Ư'
    ) || is_vietnamese_latin1(c)
}

/// The Latin-1 letters Vietnamese uses.
fn is_vietnamese_latin1(c: char) -> bool {
    matches!(
        c,
        'À' | 'Á'
            | 'Â'
            | 'Ã'
            | 'È'
            | 'É'
            | 'Ê'
            | 'Ì'
            | 'Í'
            | 'Ò'
            | 'Ó'
            | 'Ô'
            | 'Õ'
            | 'Ù'
            | 'Ú'
            | 'Ý'
            | 'à'
            | 'á'
            | 'â'
            | 'ã'
            | 'è'
            | 'é'
            | 'ê'
            | 'ì'
            | 'í'
            | 'ò'
            | 'ó'
            | 'ô'
            | 'õ'
            | 'ù'
            | 'ú'
            | 'ý'
    )
}

/// Counts words with a non-ASCII character, and those of them that could be mojibake (only
/// Windows-1252-view characters) and are not valid syllables; each distinct word is checked once.
fn marked_words(text: &str) -> (usize, usize) {
    let mut seen: rustc_hash::FxHashMap<&str, bool> = rustc_hash::FxHashMap::default();
    let mut letters = String::new();
    let (mut marked, mut invalid) = (0, 0);
    let mut word_start = None;
    let (mut non_ascii, mut unicode_only) = (false, false);
    let mut end_word = |start: usize, end: usize, non_ascii: bool, unicode_only: bool| {
        if !non_ascii {
            return;
        }
        marked += 1;
        if unicode_only {
            return;
        }
        let word = &text[start..end];
        let ok = *seen
            .entry(word)
            .or_insert_with(|| syllable_ok(word, &mut letters));
        invalid += usize::from(!ok);
    };
    for (i, c) in text.char_indices() {
        if is_word_char(c) {
            if word_start.is_none() {
                word_start = Some(i);
                (non_ascii, unicode_only) = (false, false);
            }
            if !c.is_ascii() {
                non_ascii = true;
                unicode_only |= !in_windows_1252_view(c);
            }
        } else if let Some(start) = word_start.take() {
            end_word(start, i, non_ascii, unicode_only);
        }
    }
    if let Some(start) = word_start {
        end_word(start, text.len(), non_ascii, unicode_only);
    }
    (marked, invalid)
}

/// Scores a text word by word.
pub fn syllable_score(text: &str) -> SyllableScore {
    let mut score = SyllableScore::default();
    let mut letters = String::new();
    let mut start = None;
    let mut flush = |word: &str, score: &mut SyllableScore| {
        let ok = syllable_ok(word, &mut letters);
        score.words += 1;
        score.valid += usize::from(ok);
        if !word.is_ascii() {
            score.marked += 1;
            score.marked_valid += usize::from(ok);
        }
    };
    for (i, c) in text.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                flush(&text[s..i], &mut score);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        flush(&text[s..], &mut score);
    }
    score
}

// ---------------------------------------------------------------------------------------------
// Detection
// ---------------------------------------------------------------------------------------------

/// Bytes that are not UTF-8, decoded in the legacy encoding under which they read best as
/// Vietnamese; `None` if they read as Vietnamese in none (Latin-1 French, binary…).
pub fn decode_legacy_bytes(bytes: &[u8]) -> Option<(LegacyEncoding, String)> {
    let view: String = bytes.iter().map(|&b| char::from(b)).collect();
    decode_legacy_view(&view)
}

/// Like [`decode_legacy_bytes`] for a byte view (each char U+0000–U+00FF is a byte, as in a
/// Latin-1 or Windows-1252 reading; other characters are kept).
pub fn decode_legacy_view(view: &str) -> Option<(LegacyEncoding, String)> {
    let mut best: Option<(LegacyEncoding, String, SyllableScore)> = None;
    for enc in LegacyEncoding::ALL {
        let text = convert_font_text(view, enc, false);
        let score = syllable_score(&text);
        if best
            .as_ref()
            .is_none_or(|(_, _, b)| score.merit() > b.merit())
        {
            best = Some((enc, text, score));
        }
    }
    let (enc, text, score) = best?;
    score.is_vietnamese().then_some((enc, text))
}

/// Unicode text repaired from a legacy encoding's Windows-1252 view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    /// The encoding the mojibake came from.
    pub encoding: LegacyEncoding,
    /// The repaired text (lines not repaired are unchanged).
    pub text: String,
    /// Lines repaired, and non-empty lines in all.
    pub lines_repaired: usize,
    /// Non-empty lines in all.
    pub lines: usize,
}

/// Finds lines of Unicode text that are really TCVN3, VNI or Windows-1258 shown as
/// Windows-1252 ("NghÞ quyÕt", "Nghò quyeát", "Ñaûng") and converts them. A line is converted
/// only if it then has more valid syllables and no more invalid ones; the encoding is the one
/// that repairs most. `None` when nothing reads better.
pub fn repair_mojibake(text: &str) -> Option<Repair> {
    // Cheap exit: text whose marked words are (nearly) all syllables is fine as it is. Only
    // non-ASCII words that could be mojibake are checked, each distinct word once.
    if !may_hold_mojibake(text) {
        return None;
    }
    let (marked, marked_invalid) = marked_words(text);
    if marked_invalid < 2 || marked_invalid * 10 < marked {
        return None;
    }
    let mut best: Option<(LegacyEncoding, i64, Vec<Option<String>>)> = None;
    for enc in LegacyEncoding::ALL {
        let mut gain = 0i64;
        let mut lines = Vec::new();
        let mut fixed = SyllableScore::default();
        for line in text.split('\n') {
            let before = syllable_score(line);
            if before.marked_invalid() == 0 {
                lines.push(None);
                continue;
            }
            let converted = convert_font_text(line, enc, false);
            let after = syllable_score(&converted);
            // Better, and then clean: at most one marked word in five still invalid (a
            // genuine "café" turned into "cafộ" keeps a line from being "repaired").
            if after.valid > before.valid
                && after.marked_invalid() < before.marked_invalid()
                && after.marked_invalid() * 5 <= after.marked
            {
                gain += after.merit() - before.merit();
                fixed.add(after);
                lines.push(Some(converted));
            } else {
                lines.push(None);
            }
        }
        if fixed.is_vietnamese()
            && fixed.marked_valid >= 3
            && gain >= 3
            && best.as_ref().is_none_or(|(_, g, _)| gain > *g)
        {
            best = Some((enc, gain, lines));
        }
    }
    let (encoding, _, converted) = best?;
    let mut out = String::with_capacity(text.len());
    let mut lines_repaired = 0;
    let mut lines = 0;
    for (i, (line, new)) in text.split('\n').zip(converted).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        lines += usize::from(!line.trim().is_empty());
        match new {
            Some(new) => {
                lines_repaired += 1;
                out.push_str(&new);
            }
            None => out.push_str(line),
        }
    }
    Some(Repair {
        encoding,
        text: out,
        lines_repaired,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_chars_agree_with_unicode() {
        for c in ('\0'..='\u{3000}').chain('\u{1E00}'..='\u{1EFF}') {
            let expected = c.is_alphabetic() || ('\u{300}'..='\u{36F}').contains(&c);
            assert_eq!(is_word_char(c), expected, "{c:?}");
        }
    }

    #[test]
    fn unicode_vietnamese_is_not_checked_as_mojibake() {
        // Words with ơ, ư, ạ… cannot be a Windows-1252 view; Latin-1-only ones are checked.
        let (marked, invalid) = marked_words("Nghị quyết của Đảng; NghÞ quyÕt cña §¶ng");
        assert_eq!(marked, 7);
        assert_eq!(invalid, 3); // NghÞ, quyÕt, cña ("§¶ng" splits into non-letters + "ng")
    }

    #[test]
    fn tcvn3_examples_from_the_facts_file() {
        let view = |s: &str| convert_font_text(s, LegacyEncoding::Tcvn3, false);
        assert_eq!(view("NghÞ quyÕt"), "Nghị quyết");
        assert_eq!(view("§¶ng ViÖt Nam"), "Đảng Việt Nam");
        assert_eq!(view("B¶o Th¾ng"), "Bảo Thắng");
        assert_eq!(view("M\u{AD}êng Kh\u{AD}¬ng"), "Mường Khương");
        // 0xAD is ư, not a soft hyphen.
        assert_eq!(decode_tcvn3(b"M\xAD\xEAng"), "Mường");
        assert_eq!(
            convert_font_text("nghÞ quyÕt", LegacyEncoding::Tcvn3, true),
            "NGHỊ QUYẾT"
        );
    }

    #[test]
    fn vni_examples_from_the_facts_file() {
        let view = |s: &str| convert_font_text(s, LegacyEncoding::Vni, false);
        assert_eq!(view("chaøo caùc baïn"), "chào các bạn");
        assert_eq!(view("Vieät Nam"), "Việt Nam");
        assert_eq!(view("Nghò quyeát"), "Nghị quyết");
        assert_eq!(view("Ñaûng"), "Đảng");
        // VNI Ô (D4) is Ơ; Ô is OÂ.
        assert_eq!(decode_vni(b"\xD4N \x4F\xC2N"), "ƠN ÔN");
        assert_eq!(view("Ñoàng chí Tröôøng"), "Đồng chí Trường");
        assert_eq!(view("NGHÒ QUYEÁT ÑAÏI HOÄI"), "NGHỊ QUYẾT ĐẠI HỘI");
    }

    #[test]
    fn cp1258_combining_tones() {
        // "Việt" = Vi + ê + dot below (F2).
        assert_eq!(decode_cp1258(b"Vi\xEA\xF2t"), "Việt");
        assert_eq!(decode_cp1258(b"\xD0a\xCC"), "Đà");
    }

    #[test]
    fn encoders_round_trip() {
        let text = "Đảng Cộng sản Việt Nam: nghị quyết, mường khương, ỵ ỷ ữ";
        assert_eq!(decode_tcvn3(&encode_tcvn3(text).unwrap()), text);
        assert_eq!(decode_vni(&encode_vni(text).unwrap()), text);
        let caps = "ĐẢNG CỘNG SẢN VIỆT NAM ỨNG DỤNG ỶỸỴ ƠỜ";
        assert_eq!(decode_vni(&encode_vni(caps).unwrap()), caps);
        assert_eq!(encode_tcvn3("Ữ"), Err('Ữ'));
        assert_eq!(encode_tcvn3("€"), Err('€'));
        assert_eq!(encode_vni("ß"), Err('ß'));
    }

    #[test]
    fn syllables() {
        for ok in [
            "nghị", "quyết", "Đảng", "giếng", "gì", "khuỷu", "nguyễn", "thuở", "hoà", "hòa",
            "khỏe", "khoẻ", "xoong", "yêu", "ý", "kỳ", "quốc", "giữ", "tuyệt", "người", "Việt",
            "NGHỊ", "oái", "thuyền", "chuyện", "ghế", "nghề", "qua",
        ] {
            assert!(is_vietnamese_syllable(ok), "{ok}");
            let nfd: String = ok.nfd().collect();
            assert!(is_vietnamese_syllable(&nfd), "{ok} NFD");
        }
        for bad in [
            "nghò", "quyeát", "Ñaûng", "NghÞ", "quyÕt", "caùc", "chaøo", "ngh", "café", "über",
            "straße", "cé", "ghá", "ngé", "bàc", "mát̀", "xyz", "ăa", "f",
        ] {
            assert!(!is_vietnamese_syllable(bad), "{bad}");
        }
    }

    #[test]
    fn detects_bare_bytes() {
        let text = "Đảng viên phải gương mẫu học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; tăng cường đoàn kết, thống nhất trong Đảng.";
        let tcvn3 = encode_tcvn3(text).unwrap();
        assert_eq!(
            decode_legacy_bytes(&tcvn3),
            Some((LegacyEncoding::Tcvn3, text.to_string()))
        );
        let vni = encode_vni(text).unwrap();
        assert_eq!(
            decode_legacy_bytes(&vni),
            Some((LegacyEncoding::Vni, text.to_string()))
        );
        let cp = encode_cp1258(text).unwrap();
        assert_eq!(decode_cp1258(&cp), text);
        assert_eq!(
            decode_legacy_bytes(&cp),
            Some((LegacyEncoding::Windows1258, text.to_string()))
        );
    }

    #[test]
    fn latin1_is_not_vietnamese() {
        for latin1 in [
            &b"Gr\xF6\xDFe und Stra\xDFe: M\xFCller hat \xFCber die Br\xFCcke geschrieben. Sch\xF6ne Gr\xFC\xDFe aus K\xF6ln."[..],
            b"Le caf\xE9 est d\xE9j\xE0 pr\xEAt, la r\xE9union a \xE9t\xE9 report\xE9e \xE0 la semaine prochaine. O\xF9 est le th\xE9\xE2tre?",
            b"El ni\xF1o est\xE1 en la monta\xF1a; tambi\xE9n m\xE1s caf\xE9 con az\xFAcar, por favor, se\xF1or.",
        ] {
            assert_eq!(decode_legacy_bytes(latin1), None, "{latin1:?}");
            // Nor is its Unicode form "repaired".
            let unicode: String = latin1.iter().map(|&b| char::from(b)).collect();
            assert_eq!(repair_mojibake(&unicode), None, "{unicode}");
        }
    }

    #[test]
    fn repairs_mojibake_lines_only() {
        let good = "Tôi đã học tập Nghị quyết Đại hội lần thứ XIII của Đảng.";
        let tcvn3 = windows_1252_view(&encode_tcvn3(good).unwrap());
        assert_eq!(
            tcvn3,
            "T«i ®· häc tËp NghÞ quyÕt §¹i héi lÇn thø XIII cña §¶ng."
        );
        let mixed = format!("{good}\n{tcvn3}\n{good}");
        let r = repair_mojibake(&mixed).unwrap();
        assert_eq!(r.encoding, LegacyEncoding::Tcvn3);
        assert_eq!(r.text, format!("{good}\n{good}\n{good}"));
        assert_eq!((r.lines_repaired, r.lines), (1, 3));

        let vni = windows_1252_view(&encode_vni(good).unwrap());
        let r = repair_mojibake(&vni).unwrap();
        assert_eq!(r.encoding, LegacyEncoding::Vni);
        assert_eq!(r.text, good);

        assert_eq!(repair_mojibake(good), None);
        assert_eq!(repair_mojibake(&format!("{good} café ©")), None);
    }

    /// Every line of the dev essays, in each legacy encoding shown as Windows-1252, trips the
    /// pre-check (lines of a few words may not); the Unicode originals do not.
    #[test]
    fn mojibake_pre_check_sees_every_legacy_line() {
        let mut essays = 0;
        for (path, text) in crate::test_fixtures::dev_essays() {
            essays += 1;
            assert!(!may_hold_mojibake(&text), "{path:?}");
            for line in text.lines() {
                let words = line.split_whitespace().filter(|w| !w.is_ascii()).count();
                for (name, bytes) in [
                    ("tcvn3", encode_tcvn3(line)),
                    ("vni", encode_vni(line)),
                    ("cp1258", encode_cp1258(line)),
                ] {
                    let Ok(bytes) = bytes else { continue };
                    let view = windows_1252_view(&bytes);
                    if words >= 5 {
                        assert!(may_hold_mojibake(&view), "{name} {path:?}: {view}");
                    }
                }
            }
        }
        assert!(essays >= 20);
    }

    /// The pre-check walking characters (keeping the two before) instead of bytes.
    fn may_hold_mojibake_by_chars(text: &str) -> bool {
        let (mut before, mut prev) = (' ', ' ');
        for c in text.chars() {
            if !c.is_ascii() && is_mojibake_sign(c, || (prev, before)) {
                return true;
            }
            (before, prev) = (prev, c);
        }
        false
    }

    proptest::proptest! {
        #[test]
        fn pre_check_by_bytes_agrees_with_chars(
            picks in proptest::collection::vec(0usize..24, 0..30),
        ) {
            const PARTS: [&str; 24] = [
                " ", "a", "e", "gi", "qu", "ì", "ò", "ù", "Ò", "Ì", "Ù", "ê", "ô", "¸", "°", "\u{A0}",
                "ñ", "Þ", "œ", "ˆ", "ơ", "ạ", "Ð", "\u{85}",
            ];
            let text: String = picks.iter().map(|&i| PARTS[i]).collect();
            proptest::prop_assert_eq!(may_hold_mojibake(&text), may_hold_mojibake_by_chars(&text));
        }
    }

    /// A long genuine Unicode text reads as Vietnamese and is left alone.
    #[test]
    fn long_unicode_text_is_not_repaired() {
        let text =
            "Tôi đã học tập Nghị quyết Đại hội XIII của Đảng, liên hệ bản thân. ".repeat(20_000);
        let score = syllable_score(&text);
        assert_eq!(repair_mojibake(&text), None);
        assert!(score.share() > 0.9);
    }

    #[test]
    fn fonts() {
        assert_eq!(
            font_encoding(".VnTime"),
            Some((LegacyEncoding::Tcvn3, false))
        );
        assert_eq!(
            font_encoding(".VnTimeH"),
            Some((LegacyEncoding::Tcvn3, true))
        );
        assert_eq!(
            font_encoding(".VnArialH"),
            Some((LegacyEncoding::Tcvn3, true))
        );
        assert_eq!(
            font_encoding("VNI-Times"),
            Some((LegacyEncoding::Vni, false))
        );
        assert_eq!(font_encoding("Times New Roman"), None);
        assert_eq!(font_encoding(".Vn"), None);
        assert_eq!(font_encoding("Ñ"), None);
    }
}
