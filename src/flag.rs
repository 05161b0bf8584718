//! The quality flags an essay can raise. A leaf module: `assess` raises most of them,
//! `originality` and the engine the others, `rubric` rules cap on them (`when = "flag:<id>"`),
//! `report` explains them; none of those is imported here.

use serde::{Deserialize, Serialize};

/// A quality signal raised on an essay. The ids are part of the JSON contract.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Shorter than the rubric's `[length] min_words` (a pasted report does not count).
    TooShort,
    /// Slogans and keywords listed, few real sentences.
    KeywordStuffing,
    /// Sentences repeated verbatim make up much of the body.
    RepeatedText,
    /// Not about the resolution studied: too little of it, or about another resolution or document.
    OffTopic,
    /// Copied from a reference text (the resolution, sample essays).
    CopiedReference,
    /// Nearly the same as another essay of the batch.
    NearDuplicate,
    /// Written in a legacy font encoding (TCVN3, VNI) and converted.
    LegacyEncoding,
    /// Typed without diacritics.
    NoDiacritics,
    /// Long stretches unrelated to the resolution and to the writer (a pasted report).
    Padding,
    /// A template copied with its blanks left unfilled ("tại Trường ……").
    UnfilledTemplate,
}

impl Flag {
    /// Every flag, in the order rows list them.
    pub const ALL: [Flag; 10] = [
        Flag::TooShort,
        Flag::KeywordStuffing,
        Flag::RepeatedText,
        Flag::OffTopic,
        Flag::CopiedReference,
        Flag::NearDuplicate,
        Flag::LegacyEncoding,
        Flag::NoDiacritics,
        Flag::Padding,
        Flag::UnfilledTemplate,
    ];

    /// The contract id, e.g. `too_short`.
    pub fn id(self) -> &'static str {
        match self {
            Flag::TooShort => "too_short",
            Flag::KeywordStuffing => "keyword_stuffing",
            Flag::RepeatedText => "repeated_text",
            Flag::OffTopic => "off_topic",
            Flag::CopiedReference => "copied_reference",
            Flag::NearDuplicate => "near_duplicate",
            Flag::LegacyEncoding => "legacy_encoding",
            Flag::NoDiacritics => "no_diacritics",
            Flag::Padding => "padding",
            Flag::UnfilledTemplate => "unfilled_template",
        }
    }

    /// The flag whose contract id is `id` (`too_short`…), if any.
    pub fn from_id(id: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.id() == id)
    }

    /// A few Vietnamese words for the flag, for the terminal table where [`Flag::label`] does
    /// not fit.
    pub fn short_label(self) -> &'static str {
        match self {
            Flag::TooShort => "quá ngắn",
            Flag::KeywordStuffing => "liệt kê khẩu hiệu",
            Flag::RepeatedText => "lặp lại",
            Flag::OffTopic => "lạc đề",
            Flag::CopiedReference => "chép văn bản tham chiếu",
            Flag::NearDuplicate => "gần trùng bài khác",
            Flag::LegacyEncoding => "bảng mã cũ",
            Flag::NoDiacritics => "không dấu",
            Flag::Padding => "nội dung độn",
            Flag::UnfilledTemplate => "mẫu chưa điền",
        }
    }

    /// What the flag means, in Vietnamese, for the committee.
    pub fn label(self) -> &'static str {
        match self {
            Flag::TooShort => "Bài viết quá ngắn",
            Flag::KeywordStuffing => "Liệt kê khẩu hiệu, từ khóa, ít câu văn hoàn chỉnh",
            Flag::RepeatedText => "Lặp lại nguyên văn nhiều đoạn",
            Flag::OffTopic => "Lạc đề: không viết về Nghị quyết được học tập",
            Flag::CopiedReference => "Sao chép từ văn bản tham chiếu",
            Flag::NearDuplicate => "Gần trùng với bài của người khác",
            Flag::LegacyEncoding => "Văn bản dùng bảng mã cũ (TCVN3/VNI), đã chuyển đổi",
            Flag::NoDiacritics => "Văn bản gõ không dấu",
            Flag::Padding => {
                "Phần lớn bài là nội dung không liên quan đến Nghị quyết và bản thân (như báo cáo công tác dán vào)"
            }
            Flag::UnfilledTemplate => "Bài chép theo mẫu, còn chỗ trống chưa điền (……)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_round_trips_through_its_id() {
        let mut ids = std::collections::HashSet::new();
        for flag in Flag::ALL {
            assert_eq!(Flag::from_id(flag.id()), Some(flag), "{flag:?}");
            assert!(ids.insert(flag.id()), "{} used twice", flag.id());
            assert!(
                !flag.short_label().is_empty() && !flag.short_label().is_ascii(),
                "{flag:?}: a Vietnamese short label"
            );
            // The id is the JSON contract: serde writes the same string.
            let json = serde_json::to_string(&flag).expect("serialize");
            assert_eq!(json, format!("\"{}\"", flag.id()));
            assert_eq!(serde_json::from_str::<Flag>(&json).expect("parse"), flag);
            assert!(!flag.label().is_empty());
        }
        assert_eq!(Flag::from_id("no_such_flag"), None);
    }

    #[test]
    fn all_lists_every_variant() {
        // A new variant left out of ALL would not round-trip: `match` below stops compiling
        // until it is added here, and the count keeps ALL in step.
        let count = |f: Flag| match f {
            Flag::TooShort
            | Flag::KeywordStuffing
            | Flag::RepeatedText
            | Flag::OffTopic
            | Flag::CopiedReference
            | Flag::NearDuplicate
            | Flag::LegacyEncoding
            | Flag::NoDiacritics
            | Flag::Padding
            | Flag::UnfilledTemplate => 1,
        };
        assert_eq!(Flag::ALL.into_iter().map(count).sum::<usize>(), 10);
    }
}
