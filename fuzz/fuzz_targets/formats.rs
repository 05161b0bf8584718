//! The other in-process readers (.odt, .html, .txt) on arbitrary bytes; the first byte picks
//! the reader.
#![no_main]

use libfuzzer_sys::fuzz_target;
use thuhoach::ingest::{read_bytes, SourceFormat};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let format = match pick % 3 {
        0 => SourceFormat::Odt,
        1 => SourceFormat::Html,
        _ => SourceFormat::Txt,
    };
    if let Ok(doc) = read_bytes(rest, format) {
        assert!(!doc.text.trim().is_empty());
    }
});
