//! Score → level: criteria points, the rubric's thresholds, the caps its rules impose, and the
//! advice that explains what would raise the grade.

use serde::{Deserialize, Serialize};

use crate::assess::{Findings, Flag, PartResult, Signals, ThemeResult};
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
    pub unit: Option<String>,
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
    pub signals: Option<Signals>,
    /// What the reader did with the file (encoding, conversions).
    pub notes: Vec<String>,
    /// SHA-256 of the essay text as read (UTF-8), to recognise the same essay again.
    pub sha256: Option<String>,
    /// Copying from references and near-duplicates in the batch, when they were checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub originality: Option<crate::originality::Originality>,
    pub rubric: RubricRef,
    pub error: Option<String>,
}

impl Assessment {
    /// A row for a file that could not be read or graded.
    pub fn failed(file: String, error: String, rubric: &CompiledRubric) -> Self {
        Assessment {
            file,
            author: None,
            unit: None,
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
            signals: None,
            notes: Vec::new(),
            sha256: None,
            originality: None,
            rubric: rubric.reference.clone(),
            error: Some(error),
        }
    }
}

/// The graded outcome of findings: score, level, caps.
pub struct Grade {
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
        };
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
        score,
        level,
        uncapped_level,
        criteria,
        caps,
    }
}
