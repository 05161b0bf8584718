//! # thuhoach
//!
//! Grades Vietnamese reflection essays (*bài thu hoạch*) written after studying a Party
//! resolution: which of the resolution's themes an essay covers (with the sentences that show
//! it), whether it relates the resolution to the writer's own unit and duties, whether it makes
//! concrete commitments and proposals, and quality signals (too short, keyword stuffing,
//! repeated text, off topic). The result is a score out of 100 and a level — Tốt / Khá /
//! Trung bình / Chưa đạt in the built-in rubric — with the reasons.
//!
//! ```
//! use thuhoach::Grader;
//!
//! let grader = Grader::with_default_rubric()?;
//! let row = grader.grade_text("bai-mau.txt", "Họ và tên: Nguyễn Văn A\n\nTôi đã học Nghị quyết.");
//! assert_eq!(row.grade.as_deref(), Some("poor")); // far too short to be more
//! assert!(row.flags.contains(&thuhoach::Flag::TooShort));
//! # Ok::<(), thuhoach::Error>(())
//! ```
//!
//! A batch: files and folders in, one row per file out, in input order whatever the number of
//! threads; a file that cannot be read is a row with `error` set, never an `Err`.
//!
//! ```
//! use thuhoach::{collect_inputs, Dupes, Grader};
//!
//! let dir = std::env::temp_dir().join(format!("thuhoach-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! std::fs::write(dir.join("a.txt"), "Họ và tên: Trần Thị B\n\nTôi học Nghị quyết.")?;
//! std::fs::write(dir.join("b.docx"), b"not a zip")?;
//! let files = collect_inputs(&[dir.clone()])?;
//! let rubric = thuhoach::CompiledRubric::builtin()?;
//! let grader = Grader::for_batch(rubric, &files, &[], Dupes::Auto, 2)?;
//! let mut rows = Vec::new();
//! grader.grade_files(&files, 2, |row| rows.push(row))?;
//! assert_eq!(rows.len(), 2);
//! assert!(rows[0].file.ends_with("a.txt") && rows[0].error.is_none());
//! assert!(rows[1].error.is_some()); // the broken .docx is a row, not a failed batch
//! std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The pipeline is `ingest` (files → text) → `text` (the one analyzer) → `assess` (themes,
//! parts, signals) → `grade` (score → level) → `report` (table, JSON, CSV, explanations).
//! See ARCHITECTURE.md.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod assess;
pub mod audit;
pub mod calibrate;
mod engine;
mod error;
pub mod flag;
pub mod grade;
#[cfg(feature = "search")]
pub mod index;
pub mod ingest;
pub mod originality;
pub mod report;
pub mod rubric;
#[cfg(feature = "serve")]
pub mod serve;
pub mod text;

// The curated surface: what an embedder needs to grade essays, resume and index batches.
#[cfg(feature = "search")]
pub use engine::IndexReport;
pub use engine::{collect_inputs, references_for, DoneSet, Dupes, Grader, AUTO_DUPES_MAX_FILES};
pub use error::Error;
pub use flag::Flag;
pub use grade::Assessment;
pub use rubric::{CompiledRubric, RubricError};

/// Fixtures for unit tests.
#[cfg(test)]
pub(crate) mod test_fixtures {
    /// The labelled dev essays (`tests/fixtures/dev/*.txt`): file path and text, sorted.
    pub fn dev_essays() -> Vec<(std::path::PathBuf, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dev");
        let mut essays: Vec<_> = std::fs::read_dir(dir)
            .expect("dev fixtures")
            .map(|entry| entry.expect("dev fixture entry").path())
            .filter(|path| path.extension().is_some_and(|e| e == "txt"))
            .map(|path| {
                let text = std::fs::read_to_string(&path).expect("UTF-8 essay");
                (path, text)
            })
            .collect();
        essays.sort();
        essays
    }
}
