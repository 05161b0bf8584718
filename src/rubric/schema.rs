//! The rubric file format (TOML). See `rubrics/README.md` for the commented schema.

use serde::{Deserialize, Serialize};

/// A whole rubric as written in its TOML file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    pub rubric: RubricInfo,
    #[serde(default)]
    pub length: Length,
    pub levels: Vec<Level>,
    pub criteria: Vec<Criterion>,
    pub themes: Vec<Theme>,
    #[serde(default)]
    pub parts: Vec<Part>,
    #[serde(default)]
    pub quality: Quality,
    #[serde(default)]
    pub off_topic: OffTopic,
    #[serde(default)]
    pub rules: Vec<Rule>,
    #[serde(default)]
    pub references: References,
}

/// Texts essays are compared with for copying.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct References {
    /// Reference files or folders (the resolution's text, published sample essays), relative to
    /// the rubric file.
    #[serde(default)]
    pub files: Vec<String>,
    /// Text everyone is expected to quote (slogans, the congress theme): never counted as copying.
    #[serde(default)]
    pub base: Vec<String>,
    /// Files whose text is base (e.g. the resolution's list of signs everyone quotes), relative
    /// to the rubric file.
    #[serde(default)]
    pub base_files: Vec<String>,
}

/// Who the rubric is: its stable id and the resolution it grades.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RubricInfo {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub resolution: String,
    #[serde(default)]
    pub version: String,
}

/// Length bounds, in syllables (Word's word count).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Length {
    pub min_words: usize,
}

impl Default for Length {
    fn default() -> Self {
        Length { min_words: 300 }
    }
}

/// A grade level; levels are listed highest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub id: String,
    pub label: String,
    pub min_score: f64,
}

/// A scored criterion; the maxima add up to 100.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: String,
    pub label: String,
    pub max: f64,
    /// `"themes"` or `"part:<part id>"`.
    pub measure: String,
    /// Share of the measure (0–1] that already earns full marks; essays need not cover all.
    #[serde(default = "one")]
    pub full_at: f64,
}

fn one() -> f64 {
    1.0
}

/// A theme of the resolution that an essay should show awareness of.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    pub id: String,
    pub label: String,
    #[serde(default = "one")]
    pub weight: f64,
    #[serde(default)]
    pub required: bool,
    #[serde(default = "one_hit")]
    pub hits_for_full: usize,
    pub terms: Vec<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

fn one_hit() -> usize {
    1
}

/// A part of the essay (awareness, relation to own work, commitments and proposals).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub headings: Vec<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub aspects: Vec<Aspect>,
}

/// One thing a part earns points for, found sentence by sentence through cue phrases.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aspect {
    pub id: String,
    pub label: String,
    pub cues: Vec<String>,
    #[serde(default)]
    pub concrete: bool,
    #[serde(default = "one_hit")]
    pub target: usize,
    #[serde(default = "one")]
    pub weight: f64,
}

/// Thresholds of the quality signals.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quality {
    pub real_sentence_min_words: usize,
    pub stuffing_real_share: f64,
    pub repeated_share: f64,
    pub no_diacritics_share: f64,
}

impl Default for Quality {
    fn default() -> Self {
        Quality {
            real_sentence_min_words: 7,
            stuffing_real_share: 0.45,
            repeated_share: 0.25,
            no_diacritics_share: 0.05,
        }
    }
}

/// When an essay is about something else.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OffTopic {
    pub min_theme_hits: usize,
    #[serde(default)]
    pub other_resolutions: Vec<String>,
    #[serde(default = "one")]
    pub other_ratio: f64,
    /// Names of this resolution as an essay's subject ("đại hội xiii").
    #[serde(default)]
    pub own_subjects: Vec<String>,
    /// Names of another resolution as the subject ("đại hội xiv"): named at least twice and
    /// more often than this one, the essay is about that other resolution.
    #[serde(default)]
    pub other_subjects: Vec<String>,
}

impl Default for OffTopic {
    fn default() -> Self {
        OffTopic {
            min_theme_hits: 3,
            other_resolutions: Vec::new(),
            other_ratio: 1.0,
            own_subjects: Vec::new(),
            other_subjects: Vec::new(),
        }
    }
}

/// A rule that caps the grade.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// `flag:<flag>`, `missing_part:<part id>`, `missing_required_theme` or
    /// `weak_criterion:<criterion id>`.
    pub when: String,
    pub cap: String,
    pub reason: String,
    /// For `missing_required_theme`: fires when at least this many are missing.
    #[serde(default = "one_hit")]
    pub at_least: usize,
    /// For `weak_criterion`: fires when the criterion earned less than this share of its max.
    #[serde(default = "half")]
    pub below: f64,
}

fn half() -> f64 {
    0.5
}
