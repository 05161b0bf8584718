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
