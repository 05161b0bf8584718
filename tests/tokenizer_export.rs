//! The exported Hugging Face tokenizer gives the analyzer's tokens: its normalizer and
//! pre-tokenizer turn a text into exactly the canonical keys of `phrase_keys`, on the dev and
//! corpus essays, on hand-written edge cases and on generated text, also after a JSON round
//! trip.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use thuhoach::text::{export_tokenizer, export_tokenizer_json, phrase_keys};
use tokenizers::{NormalizedString, Normalizer, PreTokenizedString, PreTokenizer, Tokenizer};
use tokenizers::{OffsetReferential, OffsetType};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// The token strings of the HF pipeline: normalize the text, pre-tokenize the normalized
/// string. Independent of the vocabulary, so every word is compared, known or not.
fn hf_tokens(tokenizer: &Tokenizer, text: &str) -> Vec<String> {
    let mut normalized = NormalizedString::from(text);
    if let Some(n) = tokenizer.get_normalizer() {
        n.normalize(&mut normalized).expect("normalize");
    }
    let mut pre = PreTokenizedString::from(normalized.get());
    if let Some(p) = tokenizer.get_pre_tokenizer() {
        p.pre_tokenize(&mut pre).expect("pre-tokenize");
    }
    pre.get_splits(OffsetReferential::Normalized, OffsetType::Byte)
        .into_iter()
        .map(|(piece, _, _)| piece.to_string())
        .collect()
}

fn analyzer_keys(text: &str) -> Vec<String> {
    phrase_keys(text).into_iter().map(|(key, _)| key).collect()
}

/// Compares both tokenizations of `text`; returns the number of tokens compared and a
/// description of each difference.
fn compare(tokenizer: &Tokenizer, name: &str, text: &str) -> (usize, Vec<String>) {
    let expected = analyzer_keys(text);
    let got = hf_tokens(tokenizer, text);
    let mut diffs = Vec::new();
    if expected.len() != got.len() {
        let first = expected
            .iter()
            .zip(&got)
            .position(|(e, g)| e != g)
            .unwrap_or(expected.len().min(got.len()));
        diffs.push(format!(
            "{name}: {} analyzer tokens, {} HF tokens; first difference at {first}: {:?} vs {:?}",
            expected.len(),
            got.len(),
            &expected[first..(first + 5).min(expected.len())],
            &got[first..(first + 5).min(got.len())],
        ));
    } else {
        for (i, (e, g)) in expected.iter().zip(&got).enumerate() {
            if e != g {
                diffs.push(format!("{name} token {i}: analyzer {e:?}, HF {g:?}"));
            }
        }
    }
    (expected.len(), diffs)
}

/// The dev essays (shared/essays/dev beside the repository, else their copy in the tests'
/// fixtures) and the essays under corpus/, as (path, text).
fn essays() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dev = ["../shared/essays/dev", "tests/fixtures/dev"]
        .iter()
        .map(|dir| txt_files(&root.join(dir)))
        .find(|files| !files.is_empty())
        .unwrap_or_default();
    dev.into_iter()
        .chain(txt_files(&root.join("corpus")))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("essay is UTF-8");
            (p.display().to_string(), text)
        })
        .collect()
}

/// The .txt files under `dir`, word lists (corpus/lexicon) aside, sorted.
fn txt_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .filter(|p| !p.components().any(|c| c.as_os_str() == "lexicon"))
        .collect();
    files.sort();
    files
}

/// Old and new tone placement, qu/gi onsets, NFD, upper case, spaces, numbers, joiners,
/// marks without meaning in Vietnamese.
const EDGE_CASES: &[&str] = &[
    "hoà bình, hòa bình; HOÀ BÌNH. Hoà!",
    "thuỷ lợi thủy lợi THUỶ; khoẻ mạnh khỏe mạnh KHOẺ",
    "hoá học hóa học, toả sáng tỏa sáng, xoã xõa, loạ lọa, khoé khóe, loè lòe, thuý thúy, huỳ hùy, luỹ lũy, tuỵ tụy",
    "quý giá quý GIÁ quỳ quỷ quỹ quỵ; giá già giả giã giạ; gìn giữ",
    "hoàng toán hoạch thuyền quyết khuỷu ngoài người khuya hoặc thuế",
    "Hoà2 hoà_xa hoà\u{ad}bình hoà.bình hoà中 ở hoà'",
    "Nghi\u{0323} quyê\u{0301}t\u{00A0}Đa\u{0323}i ho\u{0323}i",
    "tăng 6,5% năm 2021; dân số 1.587 người; COVID-19; ngày 19/5/2009",
    "TP. Hồ Chí Minh, v.v. và Đ/c Lan; 600 m² đất; 6\u{202F}500 đồng",
    "ÐẠI HỘI ðại hội; naïve café Noël; İstanbul; ǘ",
    "\u{feff}Đảng\u{200b}viên\u{2003}tốt\u{200d}",
    // Missing spaces join syllables into one word, which keeps its first tone only.
    "bình.Đảng ta.Hoà a.xoã hoà.thuỷ.khoẻ.tuỵ x.oà 1.xoà 2021.Hoà quý.quỳnh",
];

#[test]
fn essays_give_the_analyzer_tokens() {
    let tokenizer = export_tokenizer().expect("tokenizer");
    let essays = essays();
    assert!(!essays.is_empty(), "no essay found to compare");
    let (mut tokens, mut diffs, mut respelled) = (0, Vec::new(), 0);
    for (name, text) in &essays {
        let (n, d) = compare(&tokenizer, name, text);
        tokens += n;
        diffs.extend(d);
        // The same essay as it may arrive: NFD, upper case, new-style tone placement.
        let new_style = new_style(text);
        respelled += text
            .unicode_words()
            .zip(new_style.unicode_words())
            .filter(|(a, b)| a != b)
            .count();
        let variants = [
            text.nfd().collect::<String>(),
            text.to_uppercase(),
            new_style,
        ];
        for (variant, kind) in variants.iter().zip(["NFD", "upper case", "new style"]) {
            let (n, d) = compare(&tokenizer, &format!("{name} ({kind})"), variant);
            tokens += n;
            diffs.extend(d);
        }
    }
    eprintln!(
        "{} essays, {tokens} tokens compared (with NFD, upper-case and new-style variants, \
         {respelled} words respelled in the new style), {} differences",
        essays.len(),
        diffs.len()
    );
    assert!(respelled > 0, "the new-style variant changed no word");
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn edge_cases_give_the_analyzer_tokens() {
    let tokenizer = export_tokenizer().expect("tokenizer");
    let (mut tokens, mut diffs) = (0, Vec::new());
    for text in EDGE_CASES {
        let (n, d) = compare(&tokenizer, text, text);
        tokens += n;
        diffs.extend(d);
    }
    eprintln!(
        "edge cases: {tokens} tokens compared, {} differences",
        diffs.len()
    );
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
    assert_eq!(
        hf_tokens(&tokenizer, "Hoà bình THUỶ khoẻ quý giá 6,5% 1.587 COVID-19"),
        ["hòa", "bình", "thủy", "khỏe", "quý", "giá", "6,5", "1.587", "covid", "19"]
    );
}

/// Generated text: syllables in every spelling (NFC, NFD, upper case, old and new tone
/// placement) between separators, including the characters that join words.
#[test]
fn generated_text_gives_the_analyzer_tokens() {
    const SYLLABLES: &[&str] = &[
        "hoà", "hòa", "thuỷ", "thủy", "khoẻ", "khỏe", "quý", "quỳnh", "giá", "gìn", "nghị",
        "quyết", "đảng", "ðại", "người", "hoạch", "ngoài", "khuỷu", "oà", "uỵ", "toè", "hoá",
        "xoã", "tuỵ", "a", "ư", "covid", "café", "2021", "6,5", "1.587", "²", "中",
    ];
    const SEPARATORS: &[&str] = &[
        " ", " ", " ", "\u{a0}", "\n", ", ", ". ", "; ", ": ", " - ", "-", "%", "/", "(", ")",
        "\"", "…", "?", "!", "\u{200b}", "\u{2003}", "\t", " _ ", ".", ",", "'", "’", ":",
    ];
    let tokenizer = export_tokenizer().expect("tokenizer");
    let mut rng = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = |n: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n as u64) as usize
    };
    let (mut tokens, mut diffs) = (0, Vec::new());
    for _ in 0..2000 {
        let mut text = String::new();
        for _ in 0..1 + next(8) {
            let syllable = SYLLABLES[next(SYLLABLES.len())];
            match next(4) {
                0 => text.extend(syllable.nfd()),
                1 => text.push_str(&syllable.to_uppercase()),
                _ => text.push_str(syllable),
            }
            text.push_str(SEPARATORS[next(SEPARATORS.len())]);
        }
        let (n, d) = compare(&tokenizer, &format!("{text:?}"), &text);
        tokens += n;
        diffs.extend(d);
    }
    eprintln!(
        "generated: {tokens} tokens compared, {} differences",
        diffs.len()
    );
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn the_json_round_trips_and_the_model_knows_the_rubric() {
    let json = export_tokenizer_json(true).expect("json");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tokenizer.json");
    std::fs::write(&path, &json).expect("write tokenizer.json");
    let from_file = Tokenizer::from_file(&path).expect("from_file");
    let from_str =
        Tokenizer::from_str(&export_tokenizer_json(false).expect("json")).expect("from_str");
    let original = export_tokenizer().expect("tokenizer");
    let mut tokens = 0;
    for (name, text) in essays().iter().take(5) {
        let expected = hf_tokens(&original, text);
        assert_eq!(hf_tokens(&from_file, text), expected, "{name}");
        assert_eq!(hf_tokens(&from_str, text), expected, "{name}");
        tokens += expected.len();
    }
    for text in EDGE_CASES {
        assert_eq!(hf_tokens(&from_file, text), analyzer_keys(text), "{text}");
    }
    eprintln!("round trip: {tokens} essay tokens compared");

    // Encoding reads the vocabulary: rubric syllables are known, anything else is [UNK].
    let encoding = from_file
        .encode("Nghị quyết ĐẠI HỘI XIII của Đảng, xyzzy", false)
        .expect("encode");
    assert_eq!(
        encoding.get_tokens(),
        ["nghị", "quyết", "đại", "hội", "xiii", "của", "đảng", "[UNK]"]
    );
    assert!(encoding.get_ids()[..7].iter().all(|&id| id != 0));
}

/// The text with the tone of open "oa", "oe", "uy" (not after q) moved to the second vowel,
/// as the new-style placement writes it: hòa → hoà, khỏe → khoẻ, thủy → thuỷ.
fn new_style(text: &str) -> String {
    const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    let chars: Vec<char> = text.nfd().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let lower = c.to_lowercase().next().unwrap_or(c);
        let tone = chars.get(i + 1).filter(|t| TONES.contains(t));
        let second = chars
            .get(i + 2)
            .map(|s| s.to_lowercase().next().unwrap_or(*s));
        let pair = matches!((lower, second), ('o', Some('a' | 'e')) | ('u', Some('y')));
        let before = i
            .checked_sub(1)
            .map(|j| chars[j].to_lowercase().next().unwrap_or(' '));
        let ends = chars
            .get(i + 3)
            .is_none_or(|n| !n.is_alphanumeric() && !TONES.contains(n));
        let not_after = !matches!(before, Some('q' | 'a' | 'e' | 'i' | 'o' | 'u' | 'y'))
            && !before.is_some_and(|b| ('\u{300}'..='\u{36f}').contains(&b));
        if let (Some(&tone), true, true, true) = (tone, pair, ends, not_after) {
            out.push(c);
            out.push(chars[i + 2]);
            out.push(tone);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out.nfc().collect()
}
