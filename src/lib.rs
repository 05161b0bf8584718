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
//! The pipeline is `ingest` (files → text) → `text` (the one analyzer) → `assess` (themes,
//! parts, signals) → `grade` (score → level) → `report` (table, JSON, CSV, explanations).
//! See ARCHITECTURE.md.

pub mod assess;
pub mod audit;
pub mod calibrate;
pub mod grade;
pub mod index;
pub mod ingest;
pub mod originality;
pub mod report;
pub mod rubric;
pub mod serve;
pub mod text;

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

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

pub use assess::Flag;
pub use grade::Assessment;
pub use rubric::{CompiledRubric, RubricError};

/// Errors that stop a whole run (a bad rubric, a missing input folder). Problems with one
/// essay never do: they become that essay's row, with `error` set.
///
/// A variant that only wraps another error is `transparent`: its message and its `source()`
/// are the wrapped error's own, so walking the chain never prints a message twice. Every
/// message is complete on its own (it is what a row or a web page shows); the command line
/// prints a cause after it only when the cause adds something.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The rubric cannot be read or is not valid.
    #[error(transparent)]
    Rubric(#[from] RubricError),
    /// An input path cannot be used (missing, not a folder that can be walked…).
    #[error(transparent)]
    Input(#[from] ingest::IngestError),
    /// Reading or writing failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The search index cannot be opened, written or queried.
    #[error(transparent)]
    Index(#[from] index::IndexError),
    /// A results file cannot be read back (a line that is not a row names the file and line).
    #[error(transparent)]
    Results(#[from] report::ReportError),
    /// A reference text cannot be loaded.
    #[error(transparent)]
    References(#[from] originality::OriginalityError),
    /// The worker threads could not be started.
    #[error("không tạo được các luồng xử lý: {0}")]
    ThreadPool(#[source] rayon::ThreadPoolBuildError),
}

/// Files graded between two writes of results: keeps memory bounded on huge batches while
/// rayon keeps every core busy.
const BATCH: usize = 256;

/// Grades essays under one rubric. Cheap to share between threads.
#[derive(Debug, Clone)]
pub struct Grader {
    rubric: CompiledRubric,
    originality: Option<OriginalityCheck>,
}

/// What the grader compares essays with: references, and near-duplicates found in the batch.
#[derive(Debug, Clone, Default)]
struct OriginalityCheck {
    references: originality::ReferenceSet,
    thresholds: originality::Thresholds,
    partners: std::collections::BTreeMap<String, Vec<originality::DuplicatePartner>>,
    /// Documents the near-duplicate pass read, each handed to grading once so no file is read
    /// twice (memory goes down as the batch is graded).
    read: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<PathBuf, ingest::RawDocument>>>,
}

impl Grader {
    pub fn new(rubric: CompiledRubric) -> Self {
        Grader {
            rubric,
            originality: None,
        }
    }

    /// Also checks every essay against `references` (the rubric's base text included there)
    /// and fills each row's `originality`; copying raises `copied_reference`.
    pub fn with_references(
        mut self,
        references: originality::ReferenceSet,
        thresholds: originality::Thresholds,
    ) -> Self {
        let check = self.originality.get_or_insert_with(Default::default);
        check.references = references;
        check.thresholds = thresholds;
        self
    }

    /// Finds near-duplicates among `files` (read in parallel on `jobs` threads), remembers each
    /// essay's partners for its row (`near_duplicate`), and returns the report.
    pub fn find_duplicates(
        &mut self,
        files: &[PathBuf],
        jobs: usize,
    ) -> Result<originality::DuplicateReport, Error> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .map_err(Error::ThreadPool)?;
        let read: Vec<(&PathBuf, ingest::RawDocument)> = pool.install(|| {
            files
                .par_iter()
                .filter_map(|p| Some((p, ingest::read_document(p).ok()?)))
                .collect()
        });
        let docs: Vec<(String, &str)> = read
            .iter()
            .map(|(p, doc)| (p.display().to_string(), doc.text.as_str()))
            .collect();
        let check = self.originality.get_or_insert_with(Default::default);
        let report = pool.install(|| check.references.find_duplicates(&docs, &check.thresholds));
        check.partners = report.partners();
        drop(docs);
        if let Ok(mut kept) = check.read.lock() {
            kept.extend(read.into_iter().map(|(p, doc)| (p.clone(), doc)));
        }
        Ok(report)
    }

    /// A grader with the built-in rubric (Nghị quyết Đại hội XIII).
    pub fn with_default_rubric() -> Result<Self, Error> {
        Ok(Grader::new(CompiledRubric::builtin()?))
    }

    pub fn rubric(&self) -> &CompiledRubric {
        &self.rubric
    }

    /// Grades an essay already in memory; `file` is only copied into the row.
    pub fn grade_text(&self, file: &str, text: &str) -> Assessment {
        let mut findings = assess::assess(text, &self.rubric);
        let originality = self.originality.as_ref().map(|o| {
            let check = if o.references.is_empty() {
                originality::ReferenceCheck::default()
            } else {
                o.references.check_with(text, &o.thresholds)
            };
            let partners = o.partners.get(file).cloned().unwrap_or_default();
            let result = originality::Originality::new(check, partners);
            findings.flags.extend(result.flags(&o.thresholds));
            result
        });
        let g = grade::grade(&findings, &self.rubric);
        let mut review = grade::review(&findings, &g, &self.rubric);
        if let Some((o, t)) = originality.as_ref().zip(self.originality.as_ref()) {
            if o.is_near_duplicate(&t.thresholds) {
                if let Some(p) = o.duplicates.first() {
                    review.push(format!(
                        "Bài gần trùng ({:.0}%) với bài «{}»: tổ đánh giá cần xác định ai là người viết.",
                        p.similarity * 100.0,
                        p.file
                    ));
                }
            }
        }
        let levels = &self.rubric.spec.levels;
        let meta = ingest::extract_metadata(text);
        let mut flags = findings.flags;
        flags.sort();
        Assessment {
            file: file.to_string(),
            author: meta.author,
            unit: meta.unit,
            party_committee: meta.party_committee,
            words: Some(findings.words),
            score: Some(g.score),
            grade: Some(levels[g.level].id.clone()),
            grade_label: Some(levels[g.level].label.clone()),
            criteria: g.criteria,
            themes: findings.themes,
            parts: findings.parts,
            flags,
            caps: g.caps,
            uncapped_grade: Some(levels[g.uncapped_level].id.clone()),
            ceiling: g.ceiling.map(|c| levels[c].id.clone()),
            signals: Some(findings.signals),
            notes: Vec::new(),
            sha256: Some(format!("{:x}", Sha256::digest(text.as_bytes()))),
            originality,
            rubric: self.rubric.reference.clone(),
            review,
            schema_version: grade::SCHEMA_VERSION,
            error: None,
        }
    }

    /// Reads and grades one file. Never fails: an unreadable file gives a row with `error`.
    pub fn grade_file(&self, path: &Path) -> Assessment {
        self.grade_file_with_text(path).0
    }

    /// Like [`Grader::grade_file`], also returning the text read (for indexing).
    pub fn grade_file_with_text(&self, path: &Path) -> (Assessment, Option<String>) {
        let file = path.display().to_string();
        match self.read_document(path) {
            Ok(doc) => {
                let (row, text) = self.grade_document(&file, doc);
                (row, Some(text))
            }
            Err(e) => (Assessment::failed(file, e.to_string(), &self.rubric), None),
        }
    }

    /// Grades a document that was read, noting what the reader converted.
    fn grade_document(&self, file: &str, doc: ingest::RawDocument) -> (Assessment, String) {
        let mut row = self.grade_text(file, &doc.text);
        row.notes = doc.notes;
        if let Some(encoding) = doc.legacy_encoding {
            row.flags.push(Flag::LegacyEncoding);
            row.flags.sort();
            row.notes
                .push(format!("Đã chuyển từ bảng mã {encoding} sang Unicode"));
        }
        (row, doc.text)
    }

    /// Grades files on `jobs` threads (0: one per core) and hands each row to `sink`, on the
    /// calling thread, in input order: the output is the same whatever the number of threads.
    pub fn grade_files(
        &self,
        paths: &[PathBuf],
        jobs: usize,
        sink: impl FnMut(Assessment),
    ) -> Result<(), Error> {
        self.grade_files_skipping(paths, jobs, None, sink)
            .map(|_| ())
    }

    /// Like [`Grader::grade_files`], leaving out files already in `done` with the same content
    /// and rubric (to resume an interrupted batch). Returns how many were left out.
    pub fn grade_files_skipping(
        &self,
        paths: &[PathBuf],
        jobs: usize,
        done: Option<&DoneSet>,
        mut sink: impl FnMut(Assessment),
    ) -> Result<usize, Error> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .map_err(Error::ThreadPool)?;
        let mut skipped = 0;
        for chunk in paths.chunks(BATCH) {
            let rows: Vec<Option<Assessment>> = pool.install(|| {
                chunk
                    .par_iter()
                    .map(|p| match done {
                        Some(done) => self.grade_unless_done(p, done),
                        None => Some(self.grade_file(p)),
                    })
                    .collect()
            });
            for row in rows {
                match row {
                    Some(row) => sink(row),
                    None => skipped += 1,
                }
            }
        }
        Ok(skipped)
    }

    /// The document at `path`: the copy the near-duplicate pass read, or read now.
    fn read_document(&self, path: &Path) -> Result<ingest::RawDocument, ingest::IngestError> {
        let kept = self
            .originality
            .as_ref()
            .and_then(|o| o.read.lock().ok()?.remove(path));
        match kept {
            Some(doc) => Ok(doc),
            None => ingest::read_document(path),
        }
    }

    fn grade_unless_done(&self, path: &Path, done: &DoneSet) -> Option<Assessment> {
        let file = path.display().to_string();
        match self.read_document(path) {
            Ok(doc) => {
                let sha = format!("{:x}", Sha256::digest(doc.text.as_bytes()));
                (!done.contains(&file, &sha)).then(|| self.grade_document(&file, doc).0)
            }
            Err(e) => Some(Assessment::failed(file, e.to_string(), &self.rubric)),
        }
    }
}

/// Essays already graded in an earlier run: file → content hash, for one rubric.
#[derive(Debug, Default)]
pub struct DoneSet {
    done: rustc_hash::FxHashMap<String, String>,
}

impl DoneSet {
    /// Reads the rows of an earlier `grade --format jsonl` run (with the same reader as
    /// `report`: a BOM and rows without list fields are accepted); only rows graded without
    /// error under `rubric` (same SHA-256) count, the latest row of a file winning. A line that
    /// is not a row is an error naming the file and the line.
    pub fn from_jsonl(path: &Path, rubric: &CompiledRubric) -> Result<DoneSet, Error> {
        let mut done = rustc_hash::FxHashMap::default();
        report::for_each_row(path, |row| match row.sha256 {
            Some(sha) if row.error.is_none() && row.rubric == rubric.reference => {
                done.insert(row.file, sha);
            }
            _ => {
                done.remove(&row.file);
            }
        })?;
        Ok(DoneSet { done })
    }

    /// The file was graded with this content.
    pub fn contains(&self, file: &str, sha256: &str) -> bool {
        self.done.get(file).is_some_and(|s| s == sha256)
    }

    pub fn len(&self) -> usize {
        self.done.len()
    }

    pub fn is_empty(&self) -> bool {
        self.done.is_empty()
    }
}

/// What indexing a batch did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct IndexReport {
    /// Essays added or replaced.
    pub indexed: usize,
    /// Files that could not be read (not in the index).
    pub failed: usize,
    /// Essays removed because their files are gone (`prune`).
    pub removed: usize,
    /// Essays in the index afterwards.
    pub total: u64,
}

impl Grader {
    /// Grades `files` and adds them to `index`, replacing earlier versions of the same files.
    /// Rows of files that could not be read go to `on_error`. With `prune`, essays whose files
    /// no longer exist are removed.
    pub fn index_files(
        &self,
        index: &index::EssayIndex,
        files: &[PathBuf],
        jobs: usize,
        prune: bool,
        mut on_error: impl FnMut(&Assessment),
    ) -> Result<IndexReport, Error> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .map_err(Error::ThreadPool)?;
        let mut writer = index.writer(pool.current_num_threads())?;
        let mut report = IndexReport::default();
        for chunk in files.chunks(BATCH) {
            let rows: Vec<(Assessment, Option<String>)> = pool.install(|| {
                chunk
                    .par_iter()
                    .map(|p| self.grade_file_with_text(p))
                    .collect()
            });
            for (row, text) in rows {
                match text {
                    Some(text) if row.error.is_none() => {
                        writer.add(&row, &text)?;
                        report.indexed += 1;
                    }
                    _ => {
                        report.failed += 1;
                        on_error(&row);
                    }
                }
            }
        }
        if prune {
            for file in index.files()? {
                if !Path::new(&file).exists() {
                    writer.remove(&file);
                    report.removed += 1;
                }
            }
        }
        writer.commit()?;
        report.total = index.num_docs();
        Ok(report)
    }
}

/// The references essays are checked against: the rubric's `[references]` (base text, base
/// files and reference files, both relative to the rubric's folder) and `extra` files or folders.
pub fn references_for(
    rubric: &CompiledRubric,
    extra: &[PathBuf],
) -> Result<originality::ReferenceSet, Error> {
    let spec = &rubric.spec.references;
    let mut refs = originality::ReferenceSet::new();
    for base in &spec.base {
        refs.add_base(base);
    }
    let folder = rubric.folder.clone().unwrap_or_default();
    let base_files: Vec<PathBuf> = spec.base_files.iter().map(|f| folder.join(f)).collect();
    if !base_files.is_empty() {
        refs.add_base_paths(&base_files)?;
    }
    let mut files: Vec<PathBuf> = spec.files.iter().map(|f| folder.join(f)).collect();
    files.extend(extra.iter().cloned());
    if !files.is_empty() {
        refs.add_paths(&files)?;
    }
    Ok(refs)
}

/// Files and folders → the sorted list of essay files to grade (see [`ingest::collect_inputs`]).
pub fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    Ok(ingest::collect_inputs(paths)?)
}
