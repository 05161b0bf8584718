//! Shared helpers for the integration tests: the real binary, the dev essays, text variants.
#![allow(dead_code)]

pub mod pdf;
pub mod server;
pub mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use unicode_normalization::UnicodeNormalization;

/// Runs the real `thuhoach` binary with the given arguments.
#[macro_export]
macro_rules! thuhoach {
    ($($arg:expr),* $(,)?) => {{
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_thuhoach"));
        $( cmd.arg($arg); )*
        $crate::common::run(cmd)
    }};
}

pub fn run(mut cmd: Command) -> Output {
    match cmd.output() {
        Ok(out) => out,
        Err(e) => panic!("could not run thuhoach: {e}"),
    }
}

/// The file name of a path, as the tests compare rows by it.
pub fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .expect("file name")
        .to_string_lossy()
        .into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The labeled development essays, copied from shared/essays/dev.
pub fn dev_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dev")
}

/// (file name, human grade) from the dev essays' labels.csv.
pub fn dev_labels() -> Vec<(String, String)> {
    labels_in(&dev_dir())
}

/// (file name, human grade) from `dir/labels.csv`.
pub fn labels_in(dir: &Path) -> Vec<(String, String)> {
    let path = dir.join("labels.csv");
    let mut reader = csv::Reader::from_path(&path).expect("labels.csv");
    reader
        .records()
        .map(|r| {
            let r = r.expect("labels.csv row");
            (r[0].to_string(), r[1].to_string())
        })
        .collect()
}

pub fn dev_text(name: &str) -> String {
    std::fs::read_to_string(dev_dir().join(name)).expect("dev essay")
}

pub const LEVELS: [&str; 4] = ["poor", "average", "fair", "good"];

pub fn level(grade: &str) -> i32 {
    LEVELS
        .iter()
        .position(|l| *l == grade)
        .unwrap_or_else(|| panic!("unknown grade {grade}")) as i32
}

/// The text with every diacritic removed and đ → d, as typed on a keyboard without IME.
pub fn strip_diacritics(text: &str) -> String {
    text.nfd()
        .filter(|c| !('\u{300}'..='\u{36F}').contains(c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

/// The text with the tone of open "oa", "oe", "uy" moved to the second vowel (hoà, khoẻ,
/// thuỷ), the other common placement.
pub fn move_tones_to_second_vowel(text: &str) -> String {
    const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let chars: Vec<char> = word.nfd().collect();
        let lower: Vec<char> = chars.iter().flat_map(|c| c.to_lowercase()).collect();
        let mut moved = None;
        if lower.len() == chars.len() {
            for i in 0..lower.len().saturating_sub(2) {
                let pair = (lower[i], lower.get(i + 2).copied());
                let tone = lower[i + 1];
                let is_pair =
                    matches!(pair, ('o', Some('a')) | ('o', Some('e')) | ('u', Some('y')));
                let after_q = i > 0 && lower[i - 1] == 'q';
                let open = i + 3 == lower.len();
                if is_pair && TONES.contains(&tone) && open && !after_q {
                    moved = Some(i + 1);
                }
            }
        }
        match moved {
            Some(t) => {
                let mut c = chars.clone();
                let tone = c.remove(t);
                c.insert(t + 1, tone);
                out.extend(c.iter().collect::<String>().nfc());
            }
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphabetic() || ('\u{300}'..='\u{36F}').contains(&c) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// UTF-16 LE bytes with a BOM.
pub fn utf16le(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

/// A .docx (written with docx-rs) with one paragraph per line of the text.
pub fn docx_bytes(text: &str) -> Vec<u8> {
    use docx_rs::{Docx, Paragraph, Run};
    let mut doc = Docx::new();
    for line in text.lines() {
        doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(line)));
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buf).expect("docx pack");
    buf.into_inner()
}
