//! The engine: a [`Grader`] holds one compiled rubric (and, optionally, the references and the
//! batch's near-duplicate partners) and grades text, files, and batches on a thread pool with
//! rows handed back in input order. Also what resumes a batch ([`DoneSet`]), what indexes one
//! ([`Grader::index_files`]), and the batch policies a front end applies ([`Dupes`]).

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::flag::Flag;
use crate::grade::{self, Assessment};
use crate::rubric::CompiledRubric;
use crate::{assess, ingest, originality, report, Error};

/// Files graded between two writes of results: keeps memory bounded on huge batches while
/// rayon keeps every core busy.
const BATCH: usize = 256;

/// The thread pool of one run: `jobs` threads, 0 for one per core.
fn pool(jobs: usize) -> Result<rayon::ThreadPool, Error> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(Error::ThreadPool)
}

/// Maps `items` on `pool`, [`BATCH`] at a time, and hands each result to `sink` on the calling
/// thread, in input order: the one batch loop of the engine (grading, resuming, indexing).
///
/// The pool works on the next chunk while `sink` takes the results of this one (writing rows
/// or indexing would otherwise leave the pool idle), so at most three chunks of results are
/// held at once. When `sink` fails, the pool finishes the chunk it is on and stops.
fn in_batches<T: Sync, R: Send, E>(
    pool: &rayon::ThreadPool,
    items: &[T],
    work: impl Fn(&T) -> R + Sync,
    mut sink: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    let work = &work;
    std::thread::scope(|scope| {
        let (done, chunks) = std::sync::mpsc::sync_channel::<Vec<R>>(1);
        scope.spawn(move || {
            for chunk in items.chunks(BATCH) {
                let results: Vec<R> = pool.install(|| chunk.par_iter().map(work).collect());
                if done.send(results).is_err() {
                    break; // the sink stopped
                }
            }
        });
        for results in chunks {
            for result in results {
                sink(result)?;
            }
        }
        Ok(())
    })
}

/// Whether `grade` compares the essays of a batch with each other for near-duplicates (all
/// texts are held in memory for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dupes {
    /// Compare when the batch has at most [`AUTO_DUPES_MAX_FILES`] files.
    #[default]
    Auto,
    /// Always compare.
    On,
    /// Never compare.
    Off,
}

/// Largest batch [`Dupes::Auto`] compares.
pub const AUTO_DUPES_MAX_FILES: usize = 20_000;

impl Dupes {
    /// Whether a batch of `files` files is compared.
    pub fn compares(self, files: usize) -> bool {
        match self {
            Dupes::On => true,
            Dupes::Off => false,
            Dupes::Auto => files <= AUTO_DUPES_MAX_FILES,
        }
    }

    /// What to tell the user when [`Dupes::Auto`] leaves a batch of `files` uncompared, in
    /// Vietnamese; `None` when it does not.
    pub fn skipped_note(self, files: usize) -> Option<String> {
        (self == Dupes::Auto && !self.compares(files)).then(|| {
            format!(
                "lô {files} tệp lớn hơn {AUTO_DUPES_MAX_FILES}: không so trùng lặp giữa các bài \
                 (dùng --dupes on hoặc `thuhoach dupes` theo từng chi bộ)"
            )
        })
    }
}

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
    /// A grader for `rubric`, without references or near-duplicate partners.
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
        let pool = pool(jobs)?;
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

    /// The rubric this grader grades with.
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
        let mut skipped = 0;
        in_batches(
            &pool(jobs)?,
            paths,
            |p| match done {
                Some(done) => self.grade_unless_done(p, done),
                None => Some(self.grade_file(p)),
            },
            |row| {
                match row {
                    Some(row) => sink(row),
                    None => skipped += 1,
                }
                Ok::<(), Error>(())
            },
        )?;
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

    /// How many files are done.
    pub fn len(&self) -> usize {
        self.done.len()
    }

    /// Nothing is done yet.
    pub fn is_empty(&self) -> bool {
        self.done.is_empty()
    }
}

/// What indexing a batch did.
#[cfg(feature = "search")]
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

#[cfg(feature = "search")]
impl Grader {
    /// Grades `files` and adds them to `index`, replacing earlier versions of the same files.
    /// Rows of files that could not be read go to `on_error`. With `prune`, essays whose files
    /// no longer exist are removed.
    pub fn index_files(
        &self,
        index: &crate::index::EssayIndex,
        files: &[PathBuf],
        jobs: usize,
        prune: bool,
        mut on_error: impl FnMut(&Assessment),
    ) -> Result<IndexReport, Error> {
        let pool = pool(jobs)?;
        let mut writer = index.writer(pool.current_num_threads())?;
        let mut report = IndexReport::default();
        in_batches(
            &pool,
            files,
            |p| self.grade_file_with_text(p),
            |(row, text)| {
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
                Ok::<(), Error>(())
            },
        )?;
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

impl Grader {
    /// The grader `grade` uses for a batch: the rubric's references and `extra` ones (see
    /// [`references_for`]), and, when `dupes` compares a batch of this size, the near-duplicate
    /// partners among `files` (read on `jobs` threads; each file is then read only once).
    pub fn for_batch(
        rubric: CompiledRubric,
        files: &[PathBuf],
        extra_references: &[PathBuf],
        dupes: Dupes,
        jobs: usize,
    ) -> Result<Grader, Error> {
        let references = references_for(&rubric, extra_references)?;
        let mut grader =
            Grader::new(rubric).with_references(references, originality::Thresholds::default());
        if dupes.compares(files.len()) {
            grader.find_duplicates(files, jobs)?;
        }
        Ok(grader)
    }
}

/// Files and folders → the sorted list of essay files to grade (see [`ingest::collect_inputs`]).
pub fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    Ok(ingest::collect_inputs(paths)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dupes_auto_compares_up_to_the_limit() {
        assert!(Dupes::Auto.compares(AUTO_DUPES_MAX_FILES));
        assert!(!Dupes::Auto.compares(AUTO_DUPES_MAX_FILES + 1));
        assert!(Dupes::On.compares(AUTO_DUPES_MAX_FILES + 1));
        assert!(!Dupes::Off.compares(1));
        assert_eq!(Dupes::Auto.skipped_note(3), None);
        assert_eq!(Dupes::Off.skipped_note(AUTO_DUPES_MAX_FILES + 1), None);
        let note = Dupes::Auto
            .skipped_note(AUTO_DUPES_MAX_FILES + 1)
            .expect("a note");
        assert!(note.contains("20001 tệp"), "{note}");
    }

    #[test]
    fn batches_come_back_in_input_order_whatever_the_threads() {
        let items: Vec<usize> = (0..BATCH * 2 + 7).collect();
        for jobs in [1, 3] {
            let mut seen = Vec::new();
            in_batches(
                &pool(jobs).expect("pool"),
                &items,
                |n| n * 2,
                |n| {
                    seen.push(n);
                    Ok::<(), Error>(())
                },
            )
            .expect("no error");
            assert_eq!(seen, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_sink_error_stops_the_batch() {
        let items: Vec<usize> = (0..20 * BATCH).collect();
        let mut seen = 0;
        let worked = std::sync::atomic::AtomicUsize::new(0);
        let stopped = in_batches(
            &pool(1).expect("pool"),
            &items,
            |n| {
                worked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                *n
            },
            |n| {
                seen += 1;
                if n == 5 {
                    Err("stop")
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(stopped, Err("stop"));
        assert_eq!(seen, 6);
        // The pool runs at most two chunks ahead of the sink, then stops.
        let worked = worked.into_inner();
        assert!(
            worked <= 3 * BATCH,
            "{worked} items worked on after the sink stopped"
        );
    }

    #[test]
    fn skip_done_keeps_the_latest_row_of_a_file() {
        let rubric = CompiledRubric::builtin().expect("rubric");
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("kq.jsonl");
        let reference = serde_json::to_string(&rubric.reference).expect("json");
        let lines = [
            format!("\u{FEFF}{{\"file\":\"a.txt\",\"sha256\":\"aa\",\"rubric\":{reference}}}"),
            format!("{{\"file\":\"b.txt\",\"sha256\":\"bb\",\"rubric\":{reference}}}"),
            format!("{{\"file\":\"b.txt\",\"error\":\"hỏng\",\"rubric\":{reference}}}"),
            "{\"file\":\"c.txt\",\"sha256\":\"cc\"}".to_string(),
        ];
        std::fs::write(&path, lines.join("\n")).expect("write");
        let done = DoneSet::from_jsonl(&path, &rubric).expect("read");
        assert!(done.contains("a.txt", "aa"));
        assert!(!done.contains("a.txt", "changed"));
        assert!(!done.contains("b.txt", "bb"), "its latest row is an error");
        assert!(!done.contains("c.txt", "cc"), "another rubric");
        assert_eq!(done.len(), 1);
    }
}
