//! Score → level: criteria points, the rubric's thresholds, the caps its rules impose, and the
//! advice that explains what would raise the grade.

use serde::{Deserialize, Serialize};

use crate::assess::{Findings, PartResult, Signals, ThemeResult};
use crate::flag::Flag;
use crate::rubric::{CompiledRubric, Condition, RubricRef};

/// Points earned on one criterion.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CriterionScore {
    pub id: String,
    pub label: String,
    pub score: f64,
    pub max: f64,
}

/// A rule that lowered the grade.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppliedCap {
    pub rule: String,
    pub cap: String,
    pub reason: String,
}

/// One graded essay (or one file that could not be read). This is the JSON row of the contract.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Assessment {
    pub file: String,
    pub author: Option<String>,
    /// The party cell (chi bộ) from the header: a "Chi bộ:" line or the letterhead.
    pub unit: Option<String>,
    /// The party committee above the cell (đảng bộ), when the header names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party_committee: Option<String>,
    pub words: Option<usize>,
    pub score: Option<f64>,
    /// Level id of the rubric (`good`, `fair`, `average`, `poor` in the default rubric).
    pub grade: Option<String>,
    pub grade_label: Option<String>,
    pub criteria: Vec<CriterionScore>,
    pub themes: Vec<ThemeResult>,
    pub parts: Vec<PartResult>,
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
    pub signals: Option<Signals>,
    /// What the reader did with the file (encoding, conversions).
    pub notes: Vec<String>,
    /// SHA-256 of the essay text as read (UTF-8), to recognise the same essay again.
    pub sha256: Option<String>,
    /// Copying from references and near-duplicates in the batch, when they were checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub originality: Option<crate::originality::Originality>,
    pub rubric: RubricRef,
    /// Why a person should look at this grade before it stands (Vietnamese); empty when
    /// nothing calls for it. Kept short: conflicting evidence, a score at a threshold, mixed
    /// typing, a near-duplicate.
    #[serde(default)]
    pub review: Vec<String>,
    /// Version of this row's shape (the JSON contract).
    #[serde(default = "schema_version")]
    pub schema_version: u32,
    pub error: Option<String>,
}

/// The current version of the JSON row.
pub const SCHEMA_VERSION: u32 = 2;

fn schema_version() -> u32 {
    SCHEMA_VERSION
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
    pub score: f64,
    pub level: usize,
    pub uncapped_level: usize,
    pub criteria: Vec<CriterionScore>,
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
