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
    TooShort,
    KeywordStuffing,
    RepeatedText,
    OffTopic,
    CopiedReference,
    NearDuplicate,
    LegacyEncoding,
    NoDiacritics,
    /// Long stretches unrelated to the resolution and to the writer (a pasted report).
    Padding,
    /// A template copied with its blanks left unfilled ("tại Trường ……").
    UnfilledTemplate,
}

impl Flag {
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
