//! Vietnamese text: syllable keys, sentences, paragraphs, headings, and the Hugging Face export.

mod analyzer;
#[cfg(feature = "hf-tokenizer")]
mod hf;
mod intern;
mod syllable;
mod symap;

pub use analyzer::{
    analyze, display, phrase_keys, push_display, Analyzed, Heading, Paragraph, Sentence, Token,
};
#[cfg(feature = "hf-tokenizer")]
pub use hf::{export_tokenizer, export_tokenizer_json, HfExportError};
pub use intern::{SyllableTable, NO_ID};
pub use syllable::{push_keys, SyllableInfo};
pub use symap::SyllableMap;
