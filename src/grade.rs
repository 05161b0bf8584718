//! Score → level: criteria points, the rubric's thresholds, the caps its rules impose, and the
//! advice that explains what would raise the grade.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::assess::{Findings, Flag, PartResult, Signals, ThemeResult};
use crate::rubric::{CompiledRubric, Condition, RubricRef};

/// Points earned on one criterion.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CriterionScore {
    /// The criterion's id in the rubric (`awareness`, `relation`, `proposals` in the default
    /// rubric).
    pub id: String,
    /// The criterion's name as the rubric writes it (Vietnamese).
    pub label: String,
    /// Points earned, rounded to one decimal, from 0 to `max`.
    pub score: f64,
    /// The most points the criterion can earn; the maxima of a rubric add up to 100.
    pub max: f64,
}

/// A rule that lowered the grade.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AppliedCap {
    /// The rule's condition as written in the rubric's `when` (e.g. `flag:too_short`,
    /// `missing_part:relation`, `themes_covered:a,b,c`).
    pub rule: String,
    /// The level id the rule caps the grade at.
    pub cap: String,
    /// Why, in Vietnamese, as written in the rubric.
    pub reason: String,
}

/// One graded essay (or one file that could not be read). This is the JSON row of the contract
/// (`docs/json-row.md`, schema `docs/schema/row.schema.json`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Assessment {
    /// The path of the file as it was given or found (or the name the caller passed to
    /// `grade_text`).
    pub file: String,
    /// The writer's name from the essay's header ("Họ và tên: …"), when found.
    pub author: Option<String>,
    /// The party cell (chi bộ) from the header: a "Chi bộ:" line or the letterhead.
    pub unit: Option<String>,
    /// The party committee above the cell (đảng bộ), when the header names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party_committee: Option<String>,
    /// Length in syllables (what Word counts as words); `null` in an error row.
    pub words: Option<usize>,
    /// Points out of 100 (sum of the criteria, one decimal); `null` in an error row.
    pub score: Option<f64>,
    /// Level id of the rubric (`good`, `fair`, `average`, `poor` in the default rubric), after
    /// caps; `null` in an error row.
    pub grade: Option<String>,
    /// The level's label (`Tốt`, `Khá`, `Trung bình`, `Chưa đạt`); `null` in an error row.
    pub grade_label: Option<String>,
    /// Points per criterion, in rubric order.
    pub criteria: Vec<CriterionScore>,
    /// Every theme of the rubric, in rubric order, covered or not.
    pub themes: Vec<ThemeResult>,
    /// Every part of the rubric (awareness, relation, commitments), in rubric order.
    pub parts: Vec<PartResult>,
    /// Quality flags raised, sorted by their order in [`Flag::ALL`]; each id is stable.
    pub flags: Vec<Flag>,
    /// Rules that capped the grade, with their reasons.
    pub caps: Vec<AppliedCap>,
    /// Level the score alone would give, before caps.
    pub uncapped_grade: Option<String>,
    /// The highest level the rubric's rules allow this essay, whatever its score (`None` when
    /// no rule fired). The grade is the lower of this and the score's level, which lets
    /// calibration try other thresholds without grading again.
    #[serde(default)]
    pub ceiling: Option<String>,
    /// The measured shares behind the flags; `null` in an error row.
    pub signals: Option<Signals>,
    /// What the reader did with the file (encoding, conversions).
    pub notes: Vec<String>,
    /// SHA-256 of the essay text as read (UTF-8), to recognise the same essay again.
    pub sha256: Option<String>,
    /// Copying from references and near-duplicates in the batch, when they were checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub originality: Option<crate::originality::Originality>,
    /// The rubric graded with: its id and the SHA-256 of its file.
    pub rubric: RubricRef,
    /// Why a person should look at this grade before it stands (Vietnamese); empty when
    /// nothing calls for it. Kept short: conflicting evidence, a score at a threshold, mixed
    /// typing, a near-duplicate.
    #[serde(default)]
    pub review: Vec<String>,
    /// Version of this row's shape (the JSON contract).
    #[serde(default = "schema_version")]
    pub schema_version: u32,
    /// Why the file could not be read or graded (Vietnamese, naming the file and the problem);
    /// `null` when it was graded.
    pub error: Option<String>,
}

/// The current version of the JSON row.
pub const SCHEMA_VERSION: u32 = 2;

fn schema_version() -> u32 {
    SCHEMA_VERSION
}

/// Where the repository keeps the row's JSON Schema, relative to its root.
pub const ROW_SCHEMA_PATH: &str = "docs/schema/row.schema.json";

/// The JSON Schema (draft 2020-12) of one row as `grade --format json|jsonl` writes it: generated
/// from [`Assessment`] and the types it holds, with their serde attributes, so it describes
/// exactly what is serialized. Every field is present in every row except `party_committee` and
/// `originality`, which are left out when empty. On top of the generated shape, a row is either
/// a graded row (`error` null; `score`, `grade`, `grade_label`, `words` set) or an error row
/// (`error` set; those four null).
///
/// The repository keeps this schema in [`ROW_SCHEMA_PATH`]; a test fails when the committed
/// file differs from what this function returns.
pub fn row_schema() -> serde_json::Value {
    use serde_json::json;
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    let mut schema = generator.into_root_schema_for::<Assessment>().to_value();
    if let Some(root) = schema.as_object_mut() {
        root.insert(
            "title".into(),
            json!(format!("thuhoach row, schema_version {SCHEMA_VERSION}")),
        );
        let set = |t: &str| json!({ "type": t });
        let none = json!({ "type": "null" });
        root.insert(
            "oneOf".into(),
            json!([
                {
                    "title": "graded",
                    "properties": {
                        "error": none,
                        "score": set("number"),
                        "grade": set("string"),
                        "grade_label": set("string"),
                        "words": set("integer"),
                    }
                },
                {
                    "title": "error",
                    "properties": {
                        "error": set("string"),
                        "score": none,
                        "grade": none,
                        "grade_label": none,
                        "words": none,
                    }
                }
            ]),
        );
        if let Some(version) = root
            .get_mut("properties")
            .and_then(|p| p.get_mut("schema_version"))
            .and_then(|v| v.as_object_mut())
        {
            version.insert("const".into(), json!(SCHEMA_VERSION));
        }
    }
    schema
}

impl Assessment {
    /// A row for a file that could not be read or graded.
    pub fn failed(file: String, error: String, rubric: &CompiledRubric) -> Self {
        Assessment {
            file,
            author: None,
            unit: None,
            party_committee: None,
            words: None,
            score: None,
            grade: None,
            grade_label: None,
            criteria: Vec::new(),
            themes: Vec::new(),
            parts: Vec::new(),
            flags: Vec::new(),
            caps: Vec::new(),
            uncapped_grade: None,
            ceiling: None,
            signals: None,
            notes: Vec::new(),
            sha256: None,
            originality: None,
            rubric: rubric.reference.clone(),
            review: Vec::new(),
            schema_version: SCHEMA_VERSION,
            error: Some(error),
        }
    }
}

/// The graded outcome of findings: score, level, caps.
pub struct Grade {
    /// Index of the highest level the fired rules allow, if any fired.
    pub ceiling: Option<usize>,
    /// Points out of 100, one decimal.
    pub score: f64,
    /// Index of the level after caps (0 is the highest).
    pub level: usize,
    /// Index of the level the score alone gives.
    pub uncapped_level: usize,
    /// Points per criterion, rounded.
    pub criteria: Vec<CriterionScore>,
    /// Rules that lowered the level, in rubric order.
    pub caps: Vec<AppliedCap>,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Turns findings into a score and a level under the rubric's thresholds and rules.
pub fn grade(findings: &Findings, rubric: &CompiledRubric) -> Grade {
    let spec = &rubric.spec;
    let criteria: Vec<CriterionScore> = spec
        .criteria
        .iter()
        .zip(&findings.criteria)
        .map(|(c, &s)| CriterionScore {
            id: c.id.clone(),
            label: c.label.clone(),
            score: round1(s),
            max: c.max,
        })
        .collect();
    let score = round1(criteria.iter().map(|c| c.score).sum());
    let last = spec.levels.len() - 1;
    let uncapped_level = spec
        .levels
        .iter()
        .position(|l| score >= l.min_score)
        .unwrap_or(last);
    let mut level = uncapped_level;
    let mut caps = Vec::new();
    let mut ceiling = None;
    let missing_required = findings
        .themes
        .iter()
        .filter(|t| t.required && !t.covered)
        .count();
    for ((rule, cond), &cap) in spec.rules.iter().zip(&rubric.conditions).zip(&rubric.caps) {
        let fires = match cond {
            Condition::Flag(f) => findings.flags.contains(f),
            Condition::MissingPart(p) => !findings.parts[*p].found,
            Condition::MissingRequiredTheme(n) => missing_required >= *n,
            Condition::WeakCriterion(c, below) => {
                findings.criteria[*c] < below * spec.criteria[*c].max
            }
            Condition::ThemesCovered(themes, k) => {
                themes
                    .iter()
                    .filter(|&&t| findings.themes[t].covered)
                    .count()
                    < *k
            }
        };
        if fires {
            ceiling = Some(ceiling.map_or(cap, |c: usize| c.max(cap)));
        }
        if fires && cap > uncapped_level {
            level = level.max(cap);
            caps.push(AppliedCap {
                rule: rule.when.clone(),
                cap: rule.cap.clone(),
                reason: rule.reason.clone(),
            });
        }
    }
    Grade {
        ceiling,
        score,
        level,
        uncapped_level,
        criteria,
        caps,
    }
}

/// Why a person should check this grade: evidence that conflicts, a score at a threshold,
/// mixed typing. Kept to what is rare, so the review list stays short.
pub fn review(findings: &Findings, g: &Grade, rubric: &CompiledRubric) -> Vec<String> {
    let spec = &rubric.spec;
    let levels = &spec.levels;
    let sig = &findings.signals;
    let mut out = Vec::new();
    let relation_strong = findings
        .parts
        .iter()
        .filter(|p| p.id != "awareness")
        .any(|p| p.credit >= 0.5);
    if findings.flags.contains(&Flag::OffTopic) {
        if let Some(doc) = &sig.other_document {
            if sig.own_subject > 0 {
                out.push(format!(
                    "Bài nêu tên Nghị quyết được học tập nhưng nội dung chủ yếu về «{doc}»: cần người chấm xác định đúng văn bản."
                ));
            }
        } else if sig.own_subject > 0 && relation_strong {
            out.push(
                "Ít nội dung Nghị quyết được nhận ra, nhưng bài nêu đúng tên Nghị quyết và có phần liên hệ, đề xuất cụ thể: có thể người viết diễn đạt bằng lời riêng, cần đọc lại trước khi xếp Chưa đạt."
                    .to_string(),
            );
        }
    } else if sig.themes_covered < spec.off_topic.min_theme_hits && relation_strong {
        out.push(
            "Ít nội dung Nghị quyết được nhận ra nhưng phần liên hệ, đề xuất cụ thể: cần đọc lại phần nhận thức."
                .to_string(),
        );
    }
    if !sig.folded && (0.15..=0.85).contains(&sig.undiacritized_share) {
        out.push(format!(
            "Khoảng {:.0}% số câu gõ không dấu: việc nhận diện nội dung có thể kém chính xác hơn.",
            sig.undiacritized_share * 100.0
        ));
    }
    // A score at a threshold matters only when no rule decided the grade.
    if g.caps.is_empty() {
        let margin = spec.understanding.review_margin;
        let l = g.level;
        let above = (l + 1 < levels.len()).then(|| g.score - levels[l].min_score);
        let below = (l > 0).then(|| levels[l - 1].min_score - g.score);
        if let Some(d) = above.filter(|d| *d < margin) {
            out.push(format!(
                "Điểm {:.1} chỉ hơn ngưỡng «{}» ({}) {:.1} điểm: cần người chấm quyết định giữa «{}» và «{}».",
                g.score,
                levels[l].label,
                levels[l].min_score,
                d,
                levels[l].label,
                levels[l + 1].label
            ));
        } else if let Some(d) = below.filter(|d| *d <= margin) {
            out.push(format!(
                "Điểm {:.1} chỉ thiếu {:.1} điểm để đạt «{}» ({}): cần người chấm quyết định giữa «{}» và «{}».",
                g.score,
                d,
                levels[l - 1].label,
                levels[l - 1].min_score,
                levels[l - 1].label,
                levels[l].label
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
