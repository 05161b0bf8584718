//! The .docx reader on arbitrary bytes: Ok or Err, never a panic, a hang or a huge allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use thuhoach::ingest::{read_bytes, SourceFormat};

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = read_bytes(data, SourceFormat::Docx) {
        assert!(!doc.text.trim().is_empty());
    }
});
