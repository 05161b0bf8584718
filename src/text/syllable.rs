//! One syllable → its canonical key and its folded key.
//!
//! The canonical key is lower case NFC with the tone mark placed by one rule (the "old"
//! placement: hòa, khỏe, thủy), so `hoà`/`hòa`, NFD/NFC and upper/lower case all give the same
//! key. The folded key drops every diacritic and maps đ → d, for text typed without diacritics.

use std::sync::OnceLock;

use unicode_normalization::char::{compose, decompose_canonical};
use unicode_normalization::UnicodeNormalization;

/// Tone marks as combining characters: grave, acute, tilde, hook above, dot below.
const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];

/// Vowel-quality marks that stay with their letter: circumflex, breve, horn.
fn is_quality_mark(c: char) -> bool {
    matches!(c, '\u{302}' | '\u{306}' | '\u{31B}')
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// A lower-case base letter with its vowel-quality mark, if any, and its key letter when the
/// tone it carries stays where it is.
#[derive(Clone, Copy)]
struct Letter {
    base: char,
    quality: Option<char>,
    key: char,
}

/// What analyzing a syllable found out about it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyllableInfo {
    /// The syllable has letters (not only digits).
    pub alphabetic: bool,
    /// It carries a Vietnamese diacritic (tone, â ă ê ô ơ ư, or đ).
    pub has_diacritics: bool,
}

/// Longest token handled letter by letter; longer ones are not syllables and are only lowered.
const MAX_LETTERS: usize = 24;

/// A precomposed Latin letter split into lower-case base, quality mark and tone.
#[derive(Clone, Copy)]
struct Parts {
    base: char,
    quality: Option<char>,
    tone: Option<char>,
    /// The letter in a key: lower case, composed with its own marks.
    key: char,
}

/// Precomposed letters of U+00C0–U+01B0 and U+1EA0–U+1EF9 (every Vietnamese letter), split
/// once, so the hot loop does a table look-up instead of a Unicode decomposition.
fn parts_of(ch: char) -> Option<Parts> {
    static TABLE: OnceLock<Vec<Option<Parts>>> = OnceLock::new();
    const LATIN: (u32, u32) = (0xC0, 0x1B0);
    const EXTENDED: (u32, u32) = (0x1EA0, 0x1EF9);
    let index = |c: u32| {
        if (LATIN.0..=LATIN.1).contains(&c) {
            Some((c - LATIN.0) as usize)
        } else if (EXTENDED.0..=EXTENDED.1).contains(&c) {
            Some((LATIN.1 - LATIN.0 + 1 + c - EXTENDED.0) as usize)
        } else {
            None
        }
    };
    let table = TABLE.get_or_init(|| {
        (LATIN.0..=LATIN.1)
            .chain(EXTENDED.0..=EXTENDED.1)
            .map(|c| char::from_u32(c).and_then(split))
            .collect()
    });
    index(ch as u32).and_then(|i| table.get(i).copied().flatten())
}

/// Splits one precomposed letter; `None` for anything that is not a letter with at most one
/// quality mark and one tone.
fn split(ch: char) -> Option<Parts> {
    let mut parts = Parts {
        base: '\0',
        quality: None,
        tone: None,
        key: '\0',
    };
    let mut ok = true;
    decompose_canonical(ch, |part| {
        if TONES.contains(&part) && parts.tone.is_none() {
            parts.tone = Some(part);
        } else if is_quality_mark(part) && parts.quality.is_none() {
            parts.quality = Some(part);
        } else if parts.base == '\0' && !('\u{300}'..='\u{36F}').contains(&part) {
            parts.base = match part {
                'Ð' | 'ð' | 'Đ' => 'đ',
                c => c.to_lowercase().next().unwrap_or(c),
            };
        } else {
            ok = false;
        }
    });
    parts.key = compose_letter(parts.base, parts.quality, parts.tone);
    (ok && parts.base.is_alphabetic()).then_some(parts)
}

/// Appends the canonical key and the folded key of `token` (one UAX#29 word) to `key` and `fold`.
pub fn push_keys(token: &str, key: &mut String, fold: &mut String) -> SyllableInfo {
    let mut info = SyllableInfo::default();
    if token.is_ascii() {
        info.alphabetic = token.bytes().any(|b| b.is_ascii_alphabetic());
        if token.bytes().any(|b| b.is_ascii_uppercase()) {
            let lower = token.to_ascii_lowercase();
            key.push_str(&lower);
            fold.push_str(&lower);
        } else {
            key.push_str(token);
            fold.push_str(token);
        }
        return info;
    }
    let mut letters = [Letter {
        base: '\0',
        quality: None,
        key: '\0',
    }; MAX_LETTERS];
    let mut len = 0;
    let mut tone: Option<(usize, char)> = None;
    // Every letter precomposed (or ASCII) with at most one tone: if the tone stays put, the
    // key is the letters' own key forms and nothing needs composing.
    let mut precomposed = true;
    let mut toned_letters = 0;
    // Every letter already its own key form (lower case): the key is the token itself.
    let mut as_written = true;
    for ch in token.chars() {
        if len == MAX_LETTERS {
            // Not a syllable: keep it whole, lower-cased, so it still matches itself.
            let lower = token.nfc().collect::<String>().to_lowercase();
            key.push_str(&lower);
            fold.push_str(&lower);
            info.alphabetic = true;
            return info;
        }
        if ch.is_ascii() {
            let lower = ch.to_ascii_lowercase();
            as_written &= lower == ch;
            info.alphabetic |= lower.is_ascii_alphabetic();
            letters[len] = Letter {
                base: lower,
                quality: None,
                key: lower,
            };
            len += 1;
        } else if let Some(p) = parts_of(ch) {
            as_written &= p.key == ch;
            info.alphabetic = true;
            letters[len] = Letter {
                base: p.base,
                quality: p.quality,
                key: p.key,
            };
            len += 1;
            toned_letters += usize::from(p.tone.is_some());
            if let (Some(t), None) = (p.tone, tone) {
                tone = Some((len - 1, t));
            }
        } else {
            precomposed = false;
            decompose_canonical(ch, |part| {
                if TONES.contains(&part) {
                    if tone.is_none() && len > 0 {
                        tone = Some((len - 1, part));
                    }
                } else if is_quality_mark(part) {
                    if len > 0 {
                        letters[len - 1].quality = Some(part);
                    }
                } else if ('\u{300}'..='\u{36F}').contains(&part) {
                    // Other combining marks carry no meaning in Vietnamese: dropped.
                } else if len < MAX_LETTERS {
                    let base = match part {
                        'Ð' | 'ð' | 'Đ' => 'đ',
                        c => c.to_lowercase().next().unwrap_or(c),
                    };
                    info.alphabetic |= base.is_alphabetic();
                    letters[len] = Letter {
                        base,
                        quality: None,
                        key: base,
                    };
                    len += 1;
                }
            });
        }
    }
    let letters = &letters[..len];
    for l in letters {
        info.has_diacritics |= l.quality.is_some() || l.base == 'đ';
    }
    info.has_diacritics |= tone.is_some();
    let tone_at = tone.map(|(original, mark)| (tone_position(letters).unwrap_or(original), mark));
    let unmoved = match (tone, tone_at) {
        (Some((original, _)), Some((at, _))) => original == at,
        _ => true,
    };
    let own_keys = precomposed && toned_letters <= 1 && unmoved;
    if own_keys && as_written {
        key.push_str(token);
        for l in letters {
            fold.push(if l.base == 'đ' { 'd' } else { l.base });
        }
        return info;
    }
    for (i, l) in letters.iter().enumerate() {
        if own_keys {
            key.push(l.key);
        } else {
            let tone = tone_at.and_then(|(at, mark)| (at == i).then_some(mark));
            key.push(compose_letter(l.base, l.quality, tone));
        }
        fold.push(if l.base == 'đ' { 'd' } else { l.base });
    }
    info
}

/// Composes a base letter with its quality mark and tone. Unicode composes some letters in
/// the other order (ộ = ọ + circumflex), so both orders are tried.
fn compose_letter(base: char, quality: Option<char>, tone: Option<char>) -> char {
    match (quality, tone) {
        (None, None) => base,
        (Some(m), None) | (None, Some(m)) => compose(base, m).unwrap_or(base),
        (Some(q), Some(t)) => compose(base, q)
            .and_then(|c| compose(c, t))
            .or_else(|| compose(base, t).and_then(|c| compose(c, q)))
            .unwrap_or(base),
    }
}

/// Where the tone mark belongs under the canonical (old-style) rule, or `None` when the
/// letters do not form one Vietnamese syllable (then the author's placement is kept).
fn tone_position(letters: &[Letter]) -> Option<usize> {
    let first = letters.iter().position(|l| is_vowel(l.base))?;
    let mut end = first;
    while end < letters.len() && is_vowel(letters[end].base) {
        end += 1;
    }
    if letters[end..].iter().any(|l| is_vowel(l.base)) {
        return None;
    }
    let mut start = first;
    // "qu" and "gi": the u / i belongs to the onset when another vowel follows.
    if end - start >= 2 {
        let onset_u = letters[start].base == 'u' && start > 0 && letters[start - 1].base == 'q';
        let onset_i = letters[start].base == 'i' && start == 1 && letters[0].base == 'g';
        if onset_u || onset_i {
            start += 1;
        }
    }
    let nucleus = start..end;
    if let Some(i) = nucleus
        .clone()
        .rev()
        .find(|&i| letters[i].quality.is_some())
    {
        return Some(i);
    }
    let closed = end < letters.len();
    Some(match (nucleus.len(), closed) {
        (_, true) => end - 1,
        (1, false) | (2, false) => start,
        _ => start + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    fn keys(s: &str) -> (String, String) {
        let (mut k, mut f) = (String::new(), String::new());
        push_keys(s, &mut k, &mut f);
        (k, f)
    }

    #[test]
    fn old_and_new_tone_placement_share_a_key() {
        for (a, b) in [
            ("hoà", "hòa"),
            ("thuỷ", "thủy"),
            ("khoẻ", "khỏe"),
            ("Hoá", "hóa"),
            ("HOÀ", "hòa"),
            ("khuỷu", "khuỷu"),
        ] {
            assert_eq!(keys(a).0, keys(b).0, "{a} vs {b}");
        }
        assert_eq!(keys("hoà").0, "hòa");
    }

    #[test]
    fn onsets_qu_and_gi_keep_the_tone_on_the_vowel() {
        assert_eq!(keys("quý").0, "quý");
        assert_eq!(keys("QUYẾT").0, "quyết");
        assert_eq!(keys("giữ").0, "giữ");
        assert_eq!(keys("gìn").0, "gìn");
        assert_eq!(keys("giá").0, "giá");
        assert_eq!(keys("hoạch").0, "hoạch");
        assert_eq!(keys("người").0, "người");
        assert_eq!(keys("khuya").0, "khuya");
        assert_eq!(keys("HỘI").0, "hội");
        assert_eq!(keys("ặc").0, "ặc");
    }

    #[test]
    fn nfd_and_upper_case_give_the_nfc_key() {
        let nfd: String = "Nghị Quyết ĐẢNG".nfd().collect();
        let joined: Vec<String> = nfd.split(' ').map(|w| keys(w).0).collect();
        assert_eq!(joined, ["nghị", "quyết", "đảng"]);
    }

    #[test]
    fn fold_drops_every_diacritic_and_d_stroke() {
        assert_eq!(keys("Đảng").1, "dang");
        assert_eq!(keys("nghị").1, "nghi");
        assert_eq!(keys("ưu").1, "uu");
        assert_eq!(keys("ðại").0, "đại");
    }

    #[test]
    fn every_vietnamese_letter_keeps_its_marks() {
        let letters = "aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵđ";
        for c in letters.chars() {
            let upper: String = c.to_uppercase().collect();
            let nfd: String = upper.nfd().collect();
            for form in [c.to_string(), upper.clone(), nfd] {
                let (k, f) = keys(&form);
                assert_eq!(k, c.to_string(), "key of {form}");
                assert_eq!(f.chars().count(), 1, "fold of {form}");
                assert!(f.is_ascii(), "fold of {form}");
            }
        }
    }

    /// Precomposed letters take a shortcut; NFD input always composes. Both must agree on
    /// every word of the dev essays, in lower and upper case.
    #[test]
    fn precomposed_shortcut_agrees_with_composing() {
        let mut words = 0;
        for (_, text) in crate::test_fixtures::dev_essays() {
            for word in text.split(|c: char| !c.is_alphanumeric()) {
                for form in [word.to_string(), word.to_uppercase()] {
                    let nfd: String = form.nfd().collect();
                    assert_eq!(keys(&form), keys(&nfd), "{form}");
                    words += 1;
                }
            }
        }
        assert!(words > 10_000, "{words}");
        // Tone moved by the canonical rule, and two tones on one word.
        assert_eq!(keys("HOÀ").0, "hòa");
        assert_eq!(keys("àá").0, keys(&"àá".nfd().collect::<String>()).0);
    }

    #[test]
    fn long_tokens_are_kept_whole() {
        let word = "Nghịquyếtđạihộiđạibiểutoànquốclầnthứmười";
        assert_eq!(keys(word).0, word.to_lowercase());
        let nfd: String = word.nfd().collect();
        assert_eq!(keys(&nfd).0, word.to_lowercase(), "NFD gives the NFC key");
    }

    #[test]
    fn diacritics_are_detected() {
        let mut k = String::new();
        let mut f = String::new();
        assert!(push_keys("đang", &mut k, &mut f).has_diacritics);
        assert!(!push_keys("dang", &mut k, &mut f).has_diacritics);
        assert!(!push_keys("2025", &mut k, &mut f).alphabetic);
    }
}
