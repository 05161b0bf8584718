//! The committee's decisions applied to the engine's rows: final grades for the report, with
//! the engine's grade kept beside each one that was changed.

use std::collections::BTreeMap;

use crate::audit::Decision;
use crate::grade::Assessment;
use crate::rubric::CompiledRubric;

/// One essay whose grade the committee decided.
#[derive(Debug, Clone, PartialEq)]
pub struct CommitteeChange {
    /// Index of the row in the report's rows.
    pub row: usize,
    /// The essay's file, as the row names it.
    pub file: String,
    /// The engine's grade (level id and label), `None` for an essay it could not grade.
    pub engine_grade: Option<String>,
    /// Label of the engine's grade.
    pub engine_label: Option<String>,
    /// The committee's grade: a level id.
    pub final_grade: String,
    /// Label of the committee's grade.
    pub final_label: String,
    /// Who decided.
    pub by: String,
    /// RFC 3339, UTC.
    pub at: String,
    /// Why.
    pub reason: String,
    /// The decision's number in the log.
    pub seq: u64,
}

/// Decisions that were not applied, and why: the report says so instead of dropping them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppliedDecisions {
    /// Decisions applied, in row order.
    pub changes: Vec<CommitteeChange>,
    /// The essay's text changed after the decision (its hash differs from the row's).
    pub stale: Vec<Decision>,
    /// No row of the results has the decision's file.
    pub unknown_file: Vec<Decision>,
    /// The decision's grade is not a level of the report's rubric.
    pub unknown_grade: Vec<Decision>,
}

impl AppliedDecisions {
    /// Problems to print and to state in the report, in Vietnamese.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        for d in &self.stale {
            w.push(format!(
                "Quyết định số {} cho “{}” không được áp dụng: nội dung bài đã thay đổi sau khi tổ quyết định.",
                d.seq, d.file
            ));
        }
        for d in &self.unknown_file {
            w.push(format!(
                "Quyết định số {} cho “{}” không được áp dụng: bài không có trong kết quả chấm.",
                d.seq, d.file
            ));
        }
        for d in &self.unknown_grade {
            w.push(format!(
                "Quyết định số {} cho “{}” không được áp dụng: xếp loại “{}” không có trong barem.",
                d.seq, d.file, d.new_grade
            ));
        }
        w
    }

    /// The change of row `i`, if the committee decided it.
    pub fn of_row(&self, i: usize) -> Option<&CommitteeChange> {
        self.changes.iter().find(|c| c.row == i)
    }
}

/// Sets each row's grade to the committee's final decision (the last one for its file, see
/// [`crate::audit::final_grades`]) when the decision was made on the same text (same SHA-256)
/// and names a level of `rubric`; returns what was changed and what could not be applied.
pub fn apply_decisions(
    rows: &mut [Assessment],
    decisions: &[Decision],
    rubric: &CompiledRubric,
) -> AppliedDecisions {
    let mut finals: BTreeMap<String, Decision> = crate::audit::final_grades(decisions);
    let mut applied = AppliedDecisions::default();
    for (i, row) in rows.iter_mut().enumerate() {
        let Some(d) = finals.remove(&row.file) else {
            continue;
        };
        if row.sha256.as_deref().is_some_and(|s| s != d.file_sha256) {
            applied.stale.push(d);
            continue;
        }
        let Some(level) = rubric.level_index(&d.new_grade) else {
            applied.unknown_grade.push(d);
            continue;
        };
        let label = rubric.spec.levels[level].label.clone();
        applied.changes.push(CommitteeChange {
            row: i,
            file: row.file.clone(),
            engine_grade: row.grade.clone(),
            engine_label: row.grade_label.clone(),
            final_grade: d.new_grade.clone(),
            final_label: label.clone(),
            by: d.by,
            at: d.at,
            reason: d.reason,
            seq: d.seq,
        });
        row.grade = Some(d.new_grade);
        row.grade_label = Some(label);
        if let Some(error) = row.error.take() {
            // The committee graded an essay the engine could not read.
            row.notes.push(format!(
                "Máy không chấm được ({error}); xếp loại do tổ đánh giá quyết định"
            ));
        }
    }
    applied.unknown_file = finals.into_values().collect();
    applied.unknown_file.sort_by_key(|d| d.seq);
    applied
}
