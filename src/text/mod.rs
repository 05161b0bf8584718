//! Vietnamese text: syllable keys, sentences, paragraphs, headings, and the Hugging Face export.

mod analyzer;
mod hf;
mod syllable;
mod symap;

pub use analyzer::{
    analyze, display, phrase_keys, push_display, Analyzed, Heading, Paragraph, Sentence, Token,
};
pub use hf::{export_tokenizer, export_tokenizer_json, HfExportError};
pub use syllable::{push_keys, SyllableInfo};
pub use symap::SyllableMap;
