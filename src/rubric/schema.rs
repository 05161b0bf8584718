//! The rubric file format (TOML). See `rubrics/README.md` for the commented schema.

use serde::{Deserialize, Serialize};

/// A whole rubric as written in its TOML file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    /// Who the rubric is: id, title, resolution, version.
    pub rubric: RubricInfo,
    /// Length bounds.
    #[serde(default)]
    pub length: Length,
    /// Grade levels, highest first.
    pub levels: Vec<Level>,
    /// Scored criteria; their maxima add up to 100.
    pub criteria: Vec<Criterion>,
    /// The resolution's themes.
    pub themes: Vec<Theme>,
    /// Parts of an essay (awareness, relation, commitments and proposals).
    #[serde(default)]
    pub parts: Vec<Part>,
    /// Thresholds of the quality flags.
    #[serde(default)]
    pub quality: Quality,
    /// When an essay is off topic.
    #[serde(default)]
    pub off_topic: OffTopic,
    /// Rules that cap the grade.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Texts essays are compared with for copying.
    #[serde(default)]
    pub references: References,
    /// Synonym groups of this rubric, referred to as `"@name"` inside concepts, cues and
    /// phrases. The shared thesaurus (`corpus/lexicon/thesaurus.toml`) is always available;
    /// a group defined here with the same name replaces the shared one.
    #[serde(default)]
    pub groups: std::collections::BTreeMap<String, Vec<String>>,
    /// How understanding is told from restating, and the writer's facts from the resolution's.
    #[serde(default)]
    pub understanding: Understanding,
}

/// Settings that tell understanding from restating, and the writer's own facts from the
/// resolution's figures.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Understanding {
    /// Files holding the resolution's own wording (relative to the rubric file; the shipped
    /// rubrics' files are also compiled in). A sentence most of whose 4-syllable runs occur
    /// there restates the resolution.
    #[serde(default)]
    pub official_text: Vec<String>,
    /// Share (0–1) of a sentence's 4-syllable runs found in the official text from which the
    /// sentence counts as restated.
    #[serde(default = "restated_share")]
    pub restated_share: f64,
    /// Share (0–1) of a sentence's syllables inside official terms from which the sentence is
    /// a string of official phrases rather than the writer's own explanation.
    #[serde(default = "dense_share")]
    pub dense_share: f64,
    /// Share (0–1) of a relation or proposal sentence's syllables inside stock phrases and
    /// official terms from which, having no number of its own, it is a generic pledge.
    #[serde(default = "generic_share")]
    pub generic_share: f64,
    /// Awareness credit kept (0–1) when every theme sentence restates the resolution or strings
    /// its phrases together; own-word sentences lift it back to full.
    #[serde(default = "restated_floor")]
    pub restated_floor: f64,
    /// Share (0–1) of theme sentences in the writer's own words that already earns full
    /// awareness credit.
    #[serde(default = "own_words_full")]
    pub own_words_full: f64,
    /// Numbers that belong to the resolution (years of its milestones, its targets): a
    /// sentence whose only numbers are these is not a fact about the writer's unit.
    #[serde(default)]
    pub resolution_numbers: Vec<String>,
    /// Share (0–1) of the body in long stretches unrelated to the resolution and to the
    /// writer (a pasted activity report) from which the essay is flagged `padding`.
    #[serde(default = "padding_share")]
    pub padding_share: f64,
    /// Points within which a score near a level threshold is routed to review.
    #[serde(default = "review_margin")]
    pub review_margin: f64,
}

fn restated_share() -> f64 {
    0.6
}
fn dense_share() -> f64 {
    0.5
}
fn generic_share() -> f64 {
    0.3
}
fn restated_floor() -> f64 {
    0.5
}
fn own_words_full() -> f64 {
    0.4
}
fn padding_share() -> f64 {
    0.4
}
fn review_margin() -> f64 {
    2.0
}

impl Default for Understanding {
    fn default() -> Self {
        Understanding {
            official_text: Vec::new(),
            restated_share: restated_share(),
            dense_share: dense_share(),
            generic_share: generic_share(),
            restated_floor: restated_floor(),
            own_words_full: own_words_full(),
            resolution_numbers: Vec::new(),
            padding_share: padding_share(),
            review_margin: review_margin(),
        }
    }
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
    /// Stable id, written into every row (`rubric.id`).
    pub id: String,
    /// Title shown to the committee.
    pub title: String,
    /// The resolution graded.
    #[serde(default)]
    pub resolution: String,
    /// The rubric's version, free text.
    #[serde(default)]
    pub version: String,
}

/// Length bounds, in syllables (Word's word count).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Length {
    /// Below this many syllables an essay is flagged `too_short`.
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
    /// Stable id, the row's `grade` (`good`…).
    pub id: String,
    /// Label shown to people (`Tốt`…).
    pub label: String,
    /// Lowest score of the level.
    pub min_score: f64,
}

/// A scored criterion; the maxima add up to 100.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Stable id, the row's `criteria[].id`.
    pub id: String,
    /// Label shown to people.
    pub label: String,
    /// Most points the criterion earns.
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
    /// Stable id, the row's `themes[].id`.
    pub id: String,
    /// Label shown to people.
    pub label: String,
    /// Weight in the awareness criterion.
    #[serde(default = "one")]
    pub weight: f64,
    /// Missing it counts for the `missing_required_theme` rule.
    #[serde(default)]
    pub required: bool,
    /// Distinct terms or concepts found for full credit.
    #[serde(default = "one_hit")]
    pub hits_for_full: usize,
    /// The resolution's own phrases (or `"@group"`).
    pub terms: Vec<String>,
    /// Other wordings writers use for the same theme.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The idea in the writer's own words: each concept is recognized when one alternative of
    /// every list in `all` occurs in the same sentence.
    #[serde(default)]
    pub concepts: Vec<Concept>,
    /// The theme counts only inside this part (its id), e.g. self-examination in `relation`.
    #[serde(default)]
    pub part: Option<String>,
}

/// An idea recognized by co-occurrence: `all = [["luật", "@co-che"], ["sửa", "tháo gỡ"]]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Concept {
    /// What the concept stands for, shown in explanations.
    #[serde(default)]
    pub label: String,
    /// Lists of alternatives (phrases or `"@group"`); one of each list must be in the sentence.
    pub all: Vec<Vec<String>>,
}

fn one_hit() -> usize {
    1
}

/// A part of the essay (awareness, relation to own work, commitments and proposals).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    /// Stable id, the row's `parts[].id`.
    pub id: String,
    /// Label shown to people.
    pub label: String,
    /// Heading words that open the part ("liên hệ bản thân").
    #[serde(default)]
    pub headings: Vec<String>,
    /// Rules may cap an essay without it (`missing_part:<id>`).
    #[serde(default)]
    pub required: bool,
    /// What the part earns points for.
    #[serde(default)]
    pub aspects: Vec<Aspect>,
}

/// One thing a part earns points for, found sentence by sentence through cue phrases.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aspect {
    /// Stable id, the row's `parts[].aspects[].id`.
    pub id: String,
    /// Label shown to people.
    pub label: String,
    /// Phrases (or `"@group"`) that mark a sentence as this aspect.
    pub cues: Vec<String>,
    /// The sentence must hold a number of the writer's own (not the resolution's).
    #[serde(default)]
    pub concrete: bool,
    /// Sentences for full credit.
    #[serde(default = "one_hit")]
    pub target: usize,
    /// Weight among the part's aspects.
    #[serde(default = "one")]
    pub weight: f64,
    /// The sentence (or its paragraph) must speak of the writer or their unit (first person,
    /// "đơn vị tôi"…) or link to the resolution; a pasted report does not earn the aspect.
    #[serde(default)]
    pub personal: bool,
    /// A cue right after a negation ("không có biểu hiện…", "chưa từng…") does not count.
    #[serde(default)]
    pub negatable: bool,
    /// Credit (0–1) of a cue sentence that is a stock phrase (a slogan or a generic pledge)
    /// rather than a statement of the writer's own.
    #[serde(default = "one")]
    pub generic_credit: f64,
}

/// Thresholds of the quality signals.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quality {
    /// A real sentence has at least this many syllables (and a function word).
    pub real_sentence_min_words: usize,
    /// Below this share of body syllables in real sentences: `keyword_stuffing`.
    pub stuffing_real_share: f64,
    /// From this share of body syllables in repeated sentences: `repeated_text`.
    pub repeated_share: f64,
    /// Below this share of syllables with diacritics the text counts as typed without them.
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
    /// Fewer distinct theme phrases (and concepts) than this: `off_topic`.
    pub min_theme_hits: usize,
    /// Phrases that mark another resolution.
    #[serde(default)]
    pub other_resolutions: Vec<String>,
    /// Off topic when other-resolution phrases reach this ratio of this resolution's.
    #[serde(default = "one")]
    pub other_ratio: f64,
    /// Names of this resolution as an essay's subject ("đại hội xiii").
    #[serde(default)]
    pub own_subjects: Vec<String>,
    /// Names of another resolution as the subject ("đại hội xiv"): named at least twice and
    /// more often than this one, the essay is about that other resolution.
    #[serde(default)]
    pub other_subjects: Vec<String>,
    /// Other documents that share vocabulary with this resolution (the term's Hồ Chí Minh study
    /// topic, another congress, a plenum resolution), each named so the essay can be told which
    /// one it seems to be about.
    #[serde(default)]
    pub documents: Vec<OtherDocument>,
}

/// Another document an essay may be about instead of this resolution.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherDocument {
    /// Its name as the committee says it ("Nghị quyết Đại hội XIV").
    pub name: String,
    /// Phrases typical of it and not of this resolution.
    #[serde(default)]
    pub markers: Vec<String>,
    /// Its names as an essay's subject ("đại hội xiv", "lần thứ mười bốn").
    #[serde(default)]
    pub subjects: Vec<String>,
}

impl Default for OffTopic {
    fn default() -> Self {
        OffTopic {
            min_theme_hits: 3,
            other_resolutions: Vec::new(),
            other_ratio: 1.0,
            own_subjects: Vec::new(),
            other_subjects: Vec::new(),
            documents: Vec::new(),
        }
    }
}

/// A rule that caps the grade.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// `flag:<flag>`, `missing_part:<part id>`, `missing_required_theme`,
    /// `weak_criterion:<criterion id>` or `themes_covered:<theme id>,<theme id>,…` (fires when
    /// fewer than `at_least` of those themes are covered: "two of these four are required").
    pub when: String,
    /// The level id the grade is capped at.
    pub cap: String,
    /// Why, in Vietnamese, shown in the row's `caps`.
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
