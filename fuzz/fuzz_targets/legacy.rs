//! The legacy decoders, detectors and encoders on arbitrary bytes: no panics, NFC output, and
//! decode(encode(x)) == x whenever the encoder accepts x.
#![no_main]

use libfuzzer_sys::fuzz_target;
use thuhoach::ingest::legacy::{
    convert_font_text, decode_cp1258, decode_legacy_bytes, decode_tcvn3, decode_vni, encode_cp1258,
    encode_tcvn3, encode_vni, repair_mojibake, syllable_score, LegacyEncoding,
};
use unicode_normalization::{is_nfc, UnicodeNormalization};

fuzz_target!(|data: &[u8]| {
    for decoded in [decode_tcvn3(data), decode_vni(data), decode_cp1258(data)] {
        assert!(is_nfc(&decoded));
        let _ = syllable_score(&decoded);
    }
    let _ = decode_legacy_bytes(data);
    let text = String::from_utf8_lossy(data);
    let _ = repair_mojibake(&text);
    for enc in LegacyEncoding::ALL {
        let _ = convert_font_text(&text, enc, data.first().is_some_and(|b| b & 1 == 1));
    }
    let nfc: String = text.nfc().collect();
    if let Ok(bytes) = encode_tcvn3(&text) {
        assert_eq!(decode_tcvn3(&bytes), nfc);
    }
    if let Ok(bytes) = encode_vni(&text) {
        assert_eq!(decode_vni(&bytes), nfc);
    }
    if let Ok(bytes) = encode_cp1258(&text) {
        assert_eq!(decode_cp1258(&bytes), nfc);
    }
});
