//! The text analyzer on arbitrary text: tokens and spans are in bounds and on character
//! boundaries, keys are computed, metadata extraction and grading never panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use thuhoach::text::{analyze, phrase_keys};
use thuhoach::Grader;

fn grader() -> &'static Grader {
    static GRADER: OnceLock<Grader> = OnceLock::new();
    GRADER.get_or_init(|| Grader::with_default_rubric().expect("built-in rubric"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let analyzed = analyze(&text);
    for i in 0..analyzed.tokens.len() {
        let _ = analyzed.surface(i);
        let _ = analyzed.key(i);
        let _ = analyzed.fold(i);
    }
    for s in 0..analyzed.sentences.len() {
        let _ = analyzed.sentence_text(s);
    }
    let _ = phrase_keys(&text);
    let _ = thuhoach::ingest::extract_metadata(&text);
    if data.len() < 4096 {
        let _ = grader().grade_text("fuzz.txt", &text);
    }
});
