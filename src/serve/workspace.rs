//! The workspace: database, search index, decisions log and the in-memory catalogue of light
//! rows that the lists and the dashboard read. Every method blocks: call from blocking threads.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use rayon::prelude::*;

use super::store::{light_row, Batch, Decision, Role, Session, Store, StoredEssay};
use super::ServeError;
use crate::audit::{self, DecisionLog, NewDecision};
use crate::index::{EssayIndex, SearchOptions, SearchResults};
use crate::ingest::{self, IngestError, RawDocument, SourceFormat};
use crate::report::summary::Summary;
use crate::report::Roster;
use crate::{Assessment, CompiledRubric, Grader};

/// Roster bytes and extension in the settings table.
const ROSTER_KEY: &str = "roster";
const ROSTER_EXT_KEY: &str = "roster_ext";
/// Set while the near-duplicate pairs may lag behind the essays (an import began and its
/// pairs were not computed yet): a restart computes them again.
const COPIES_STALE_KEY: &str = "copies_stale";
/// Name prefix of the partner essays in the reference set of [`Workspace::copied_passages`].
const PARTNER: &str = "essay:";
/// Rows graded and committed together during an import (progress is reported per chunk).
const IMPORT_CHUNK: usize = 500;
/// Searches whose answers are kept until the index changes (reviewers page through and
/// repeat the same searches).
const SEARCH_CACHE: usize = 512;
/// Idle read connections kept open.
const MAX_IDLE_READERS: usize = 16;
/// A session held in memory is checked against the database again after this long, so a
/// change made outside the server (`thuhoach user add` on a running workspace) counts soon.
const SESSION_RECHECK: std::time::Duration = std::time::Duration::from_secs(60);

/// A file of an upload, by its display name, and what reading it gave.
pub type ReadUpload = (String, Result<RawDocument, IngestError>);

pub fn db_path(data: &Path) -> PathBuf {
    data.join("thuhoach.sqlite")
}

/// One essay in the catalogue.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    /// The machine's row without evidence.
    pub row: Assessment,
    /// The committee's grade id, when a reviewer overrode the machine.
    pub decided: Option<String>,
}

impl Entry {
    /// The grade that counts: the last decision's, else the machine's.
    pub fn final_grade(&self) -> Option<&str> {
        self.decided.as_deref().or(self.row.grade.as_deref())
    }
}

#[derive(Default)]
struct Catalog {
    entries: Vec<Entry>,
    by_id: HashMap<i64, usize>,
    by_file: HashMap<String, i64>,
    summary: Option<Arc<Summary>>,
}

impl Catalog {
    fn upsert(&mut self, id: i64, row: Assessment) {
        self.summary = None;
        self.by_file.insert(row.file.clone(), id);
        match self.by_id.get(&id) {
            Some(&i) => self.entries[i].row = row,
            None => {
                self.by_id.insert(id, self.entries.len());
                self.entries.push(Entry {
                    id,
                    row,
                    decided: None,
                });
            }
        }
    }

    fn remove(&mut self, id: i64) {
        let Some(i) = self.by_id.remove(&id) else {
            return;
        };
        let entry = self.entries.remove(i);
        self.by_file.remove(&entry.row.file);
        for (j, e) in self.entries.iter().enumerate().skip(i) {
            self.by_id.insert(e.id, j);
        }
        self.summary = None;
    }

    fn decide(&mut self, id: i64, grade: &str) {
        if let Some(&i) = self.by_id.get(&id) {
            self.entries[i].decided = Some(grade.to_string());
            self.summary = None;
        }
    }
}

/// Filters and order of the essay list.
#[derive(Debug, Clone, Default)]
pub struct EssayFilter {
    /// Final grade id.
    pub grade: Option<String>,
    /// Part of the party cell's name, diacritics optional.
    pub unit: Option<String>,
    /// Only essays on (true) or off (false) the review list.
    pub review: Option<bool>,
    /// Flag id the essay must carry.
    pub flag: Option<String>,
    /// Only essays a search for these words finds.
    pub q: Option<String>,
    /// `id` (default), `score`, `-score`, `author`, `unit`, `grade`.
    pub sort: Option<String>,
    /// At most this many essays on the page.
    pub limit: usize,
    /// Essays of the filtered, sorted list skipped before the page starts.
    pub offset: usize,
}

/// A page of the essay list.
pub struct EssayPage {
    /// Essays that pass the filters, on every page.
    pub total: usize,
    /// This page's essays, each with its review reasons (empty when not on the review list).
    pub entries: Vec<(Entry, Vec<String>)>,
}

/// Sessions seen recently; `generation` counts the times it was emptied, so a lookup that
/// raced with a sign-out does not put the ended session back.
#[derive(Default)]
struct SessionCache {
    generation: u64,
    /// Each session with when it was read from the database.
    valid: HashMap<String, (Session, std::time::Instant)>,
}

/// Answers of recent searches, valid for one state of the index (`generation`).
struct SearchCache {
    generation: u64,
    answers: lru::LruCache<String, SearchResults>,
}

/// An open workspace folder (see the [module docs](super)): the database, the search index,
/// the decisions log, the roster and the in-memory catalogue, shared by every request of
/// `thuhoach serve`.
pub struct Workspace {
    dir: PathBuf,
    /// The one writing connection (and reads that must follow a write in order).
    store: Mutex<Store>,
    /// Idle read-only connections: readers work in parallel (WAL), never behind the writer.
    readers: Mutex<Vec<Store>>,
    /// Valid sessions seen recently, by token hash; dropped on sign-out and user changes.
    sessions: RwLock<SessionCache>,
    search_cache: Mutex<SearchCache>,
    index: EssayIndex,
    /// One index writer at a time.
    index_write: Mutex<()>,
    log: DecisionLog,
    /// One override at a time, so decisions are numbered and recorded in order.
    deciding: Mutex<()>,
    catalog: RwLock<Catalog>,
    /// Near-duplicate partners of each essay, the most similar first.
    copies: RwLock<HashMap<i64, Vec<(i64, f64)>>>,
    /// One near-duplicate pass at a time, so a later pass (which saw more essays) always
    /// finishes last.
    refreshing: Mutex<()>,
    /// The rubric's base text (never counted as copying) and references.
    references: crate::originality::ReferenceSet,
    grader: Grader,
    roster: RwLock<Option<Roster>>,
}

fn poisoned() -> ServeError {
    ServeError::Data("một thao tác trước bị lỗi giữa chừng; hãy khởi động lại máy chủ".into())
}

fn folded(s: &str) -> String {
    crate::text::phrase_keys(s)
        .into_iter()
        .map(|(_, f)| f)
        .collect::<Vec<_>>()
        .join(" ")
}

impl Workspace {
    /// Opens the workspace in `dir` (created if needed), reconciling the database with the
    /// decisions log and the search index after an abrupt stop.
    pub fn open(dir: &Path, rubric: CompiledRubric) -> Result<Workspace, ServeError> {
        std::fs::create_dir_all(dir)?;
        let store = Store::open(&db_path(dir))?;
        store.close_interrupted_batches()?;
        let index = EssayIndex::open_or_create(&dir.join("index"))?;
        let log = super::decisions::open_log(&dir.join("decisions.jsonl"))?;
        let ws = Workspace {
            dir: dir.to_path_buf(),
            store: Mutex::new(store),
            readers: Mutex::new(Vec::new()),
            sessions: RwLock::new(SessionCache::default()),
            search_cache: Mutex::new(SearchCache {
                generation: 0,
                answers: lru::LruCache::new(
                    std::num::NonZeroUsize::new(SEARCH_CACHE)
                        .unwrap_or(std::num::NonZeroUsize::MIN),
                ),
            }),
            index,
            index_write: Mutex::new(()),
            log,
            deciding: Mutex::new(()),
            catalog: RwLock::new(Catalog::default()),
            copies: RwLock::new(HashMap::new()),
            refreshing: Mutex::new(()),
            references: crate::references_for(&rubric, &[])?,
            grader: Grader::new(rubric),
            roster: RwLock::new(None),
        };
        ws.recover()?;
        Ok(ws)
    }

    fn store(&self) -> Result<MutexGuard<'_, Store>, ServeError> {
        self.store.lock().map_err(|_| poisoned())
    }

    /// Runs `f` on a read-only connection of the pool (opened when none is idle).
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, ServeError>,
    ) -> Result<T, ServeError> {
        let idle = self.readers.lock().map_err(|_| poisoned())?.pop();
        let reader = match idle {
            Some(r) => r,
            None => Store::open_reader(&db_path(&self.dir))?,
        };
        let out = f(&reader);
        let mut idle = self.readers.lock().map_err(|_| poisoned())?;
        if idle.len() < MAX_IDLE_READERS {
            idle.push(reader);
        }
        out
    }

    /// The valid session of a token hash, from memory when it was seen before.
    pub(crate) fn session(&self, token_hash: &str) -> Result<Option<Session>, ServeError> {
        if let Some(s) = self.cached_session(token_hash) {
            return Ok(Some(s));
        }
        let generation = self.sessions.read().map_err(|_| poisoned())?.generation;
        let found = self.read(|s| s.session(token_hash))?;
        if let Some(s) = &found {
            let mut cache = self.sessions.write().map_err(|_| poisoned())?;
            if cache.generation == generation {
                if cache.valid.len() >= 10_000 {
                    cache.valid.clear();
                }
                cache.valid.insert(
                    token_hash.to_string(),
                    (s.clone(), std::time::Instant::now()),
                );
            }
        }
        Ok(found)
    }

    /// The session of a token hash if it is in memory, not expired and read from the database
    /// less than [`SESSION_RECHECK`] ago (no database work).
    pub(crate) fn cached_session(&self, token_hash: &str) -> Option<Session> {
        let cache = self.sessions.read().ok()?;
        cache
            .valid
            .get(token_hash)
            .filter(|(s, read)| {
                s.expires >= super::store::now() && read.elapsed() < SESSION_RECHECK
            })
            .map(|(s, _)| s.clone())
    }

    /// Signs a session out.
    pub(crate) fn end_session(&self, token_hash: &str) -> Result<(), ServeError> {
        let deleted = self.store()?.delete_session(token_hash);
        self.forget_sessions();
        deleted
    }

    /// Drops the sessions held in memory (after a sign-out or a change of users): the next
    /// request of each reads its session from the database again.
    fn forget_sessions(&self) {
        let mut cache = match self.sessions.write() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        cache.generation += 1;
        cache.valid.clear();
    }

    /// Marks the search index as changed: cached answers are dropped, and answers computed
    /// before the change are not cached.
    fn index_changed(&self) {
        if let Ok(mut cache) = self.search_cache.lock() {
            cache.generation += 1;
            cache.answers.clear();
        }
    }

    /// Decisions the log holds but the table lacks are copied in; essays the database holds
    /// but the index lacks are re-indexed, and index entries without an essay removed.
    fn recover(&self) -> Result<(), ServeError> {
        let rows = self.store()?.light_rows()?;
        let ids: HashMap<&str, i64> = rows.iter().map(|(id, r)| (r.file.as_str(), *id)).collect();
        let logged: Vec<Decision> = audit::read(self.log.path())?
            .into_iter()
            .map(|d| {
                let id = ids.get(d.file.as_str()).copied();
                from_audit(d, id)
            })
            .collect();
        {
            let store = self.store()?;
            for d in &logged {
                store.put_decision(d)?;
            }
        }
        let indexed: HashSet<String> = self.index.files()?.into_iter().collect();
        let stored: HashSet<&str> = rows.iter().map(|(_, r)| r.file.as_str()).collect();
        let missing: Vec<i64> = rows
            .iter()
            .filter(|(_, r)| r.error.is_none() && !indexed.contains(&r.file))
            .map(|(id, _)| *id)
            .collect();
        let stray: Vec<&String> = indexed
            .iter()
            .filter(|f| !stored.contains(f.as_str()))
            .collect();
        if !missing.is_empty() || !stray.is_empty() {
            let essays = self.store()?.essays_with_text(&missing)?;
            let mut writer = self.index.writer(1)?;
            for f in stray {
                writer.remove(f);
            }
            for e in &essays {
                if let Some(text) = &e.text {
                    writer.add(&e.row, text)?;
                }
            }
            writer.commit()?;
            self.index_changed();
        }
        let mut catalog = self.catalog.write().map_err(|_| poisoned())?;
        for (id, row) in rows {
            catalog.upsert(id, row);
        }
        for d in &logged {
            if let Some(id) = d.essay_id {
                catalog.decide(id, &d.grade);
            }
        }
        drop(catalog);
        if self.store()?.setting(COPIES_STALE_KEY)?.is_some() {
            self.refresh_copies()?;
        } else {
            let pairs = self.store()?.copies()?;
            self.set_copies(&pairs)?;
        }
        let roster = self.load_roster()?;
        *self.roster.write().map_err(|_| poisoned())? = roster;
        Ok(())
    }

    /// The workspace folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The rubric essays are graded with.
    pub fn rubric(&self) -> &CompiledRubric {
        self.grader.rubric()
    }

    /// The grader of imports and uploads.
    pub fn grader(&self) -> &Grader {
        &self.grader
    }

    /// Every user `(name, role, created)`.
    pub fn users(&self) -> Result<Vec<(String, Role, i64)>, ServeError> {
        self.read(|s| s.users())
    }

    /// Adds a user (by an admin), refusing a name that is taken.
    pub fn add_user(&self, name: &str, role: Role, password: &str) -> Result<(), ServeError> {
        let name = name.trim();
        if self.store()?.user(name)?.is_some() {
            return Err(ServeError::Refused(format!(
                "đã có người dùng “{name}”; hãy chọn tên khác hoặc đặt lại mật khẩu"
            )));
        }
        super::add_user(&self.dir, name, role, password)?;
        self.forget_sessions();
        Ok(())
    }

    /// Sets a user's password; their sessions end. False when there is no such user.
    pub fn reset_password(&self, name: &str, password: &str) -> Result<bool, ServeError> {
        super::check_password(password)?;
        let hash = super::hash_password(password)?;
        let changed = self.store()?.set_password(name, &hash)?;
        self.forget_sessions();
        Ok(changed)
    }

    /// Removes a user and their sessions. Nobody removes themselves, so an admin always
    /// remains. False when there is no such user.
    pub fn remove_user(&self, name: &str, by: &str) -> Result<bool, ServeError> {
        if name == by {
            return Err(ServeError::Refused(
                "không thể tự xoá tài khoản của mình".into(),
            ));
        }
        let removed = self.store()?.remove_user(name)?;
        self.forget_sessions();
        Ok(removed)
    }

    /// Deletes an essay (from the database, the index, the catalogue and the near-duplicate
    /// pairs), recording who removed it and why. The decisions log keeps its decisions.
    /// False when there is no such essay.
    pub fn remove_essay(&self, id: i64, by: &str, reason: &str) -> Result<bool, ServeError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ServeError::Refused("phải ghi lý do xoá bài".into()));
        }
        let _writing = self.index_write.lock().map_err(|_| poisoned())?;
        let Some(entry) = self.entry(id) else {
            return Ok(false);
        };
        self.store()?
            .remove_essay(id, &entry.row.file, entry.row.sha256.as_deref(), by, reason)?;
        let mut writer = self.index.writer(1)?;
        writer.remove(&entry.row.file);
        writer.commit()?;
        self.index_changed();
        self.catalog.write().map_err(|_| poisoned())?.remove(id);
        let mut copies = self.copies.write().map_err(|_| poisoned())?;
        copies.remove(&id);
        for partners in copies.values_mut() {
            partners.retain(|(p, _)| *p != id);
        }
        copies.retain(|_, p| !p.is_empty());
        Ok(true)
    }

    /// Essays removed `(file, by, at, reason)`, the latest first.
    pub fn removed(&self) -> Result<Vec<(String, String, i64, String)>, ServeError> {
        self.read(|s| s.removed())
    }

    /// The number of users with `role`, or of all users when `None`.
    pub fn count_users(&self, role: Option<Role>) -> Result<i64, ServeError> {
        self.store()?.count_users(role)
    }

    /// Runs `f` with the database.
    pub(crate) fn with_store<T>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, ServeError>,
    ) -> Result<T, ServeError> {
        f(&*self.store()?)
    }

    /// Grades the essays under `paths` (on rayon) and imports them. Returns (imported, failed).
    pub fn import_paths(&self, paths: &[PathBuf]) -> Result<(usize, usize), ServeError> {
        let files = crate::collect_inputs(paths)?;
        let batch = self
            .store()?
            .new_batch("Nhập khi khởi động", files.len() as i64)?;
        let (mut done, mut failed) = (0, 0);
        for chunk in files.chunks(IMPORT_CHUNK) {
            let graded: Vec<(Assessment, Option<String>)> = chunk
                .par_iter()
                .map(|p| self.grader.grade_file_with_text(p))
                .collect();
            failed += graded.iter().filter(|(r, _)| r.error.is_some()).count();
            done += graded.len();
            self.import(Some(batch), graded)?;
            self.store()?.update_batch(
                batch,
                files.len() as i64,
                done as i64,
                failed as i64,
                "running",
                None,
            )?;
        }
        self.refresh_copies()?;
        self.store()?.update_batch(
            batch,
            files.len() as i64,
            done as i64,
            failed as i64,
            "done",
            None,
        )?;
        Ok((done, failed))
    }

    /// Grades documents already read (an upload) under `batch`, in order, with progress.
    pub fn import_documents(
        &self,
        batch: i64,
        docs: Vec<ReadUpload>,
    ) -> Result<(usize, usize), ServeError> {
        let total = docs.len() as i64;
        let (mut done, mut failed) = (0usize, 0usize);
        let mut docs = docs.into_iter().peekable();
        while docs.peek().is_some() {
            let chunk: Vec<_> = docs.by_ref().take(IMPORT_CHUNK).collect();
            let graded: Vec<(Assessment, Option<String>)> = chunk
                .into_par_iter()
                .map(|(name, doc)| self.grade_document(name, doc))
                .collect();
            failed += graded.iter().filter(|(r, _)| r.error.is_some()).count();
            done += graded.len();
            self.import(Some(batch), graded)?;
            self.store()?.update_batch(
                batch,
                total,
                done as i64,
                failed as i64,
                "running",
                None,
            )?;
        }
        self.refresh_copies()?;
        self.store()?
            .update_batch(batch, total, done as i64, failed as i64, "done", None)?;
        Ok((done, failed))
    }

    /// Finds the near-duplicate essays of the whole workspace (the engine of `thuhoach dupes`,
    /// the rubric's base text left out) and stores the pairs.
    pub fn refresh_copies(&self) -> Result<(), ServeError> {
        let _one_at_a_time = self.refreshing.lock().map_err(|_| poisoned())?;
        let texts = self.read(|s| s.texts())?;
        let failed: HashSet<i64> = {
            let catalog = self.catalog.read().map_err(|_| poisoned())?;
            catalog
                .entries
                .iter()
                .filter(|e| e.row.error.is_some())
                .map(|e| e.id)
                .collect()
        };
        let ids: Vec<i64> = texts
            .iter()
            .filter(|(id, _, _)| !failed.contains(id))
            .map(|(id, _, _)| *id)
            .collect();
        let docs: Vec<(String, &str)> = texts
            .iter()
            .filter(|(id, _, _)| !failed.contains(id))
            .map(|(_, file, text)| (file.clone(), text.as_str()))
            .collect();
        let report = self
            .references
            .find_duplicates(&docs, &crate::originality::Thresholds::default());
        let id_of: HashMap<&str, i64> = docs
            .iter()
            .zip(&ids)
            .map(|((file, _), id)| (file.as_str(), *id))
            .collect();
        let pairs: Vec<(i64, i64, f64)> = report
            .clusters
            .iter()
            .flat_map(|c| &c.pairs)
            .filter_map(|p| {
                Some((
                    *id_of.get(p.a.as_str())?,
                    *id_of.get(p.b.as_str())?,
                    p.similarity,
                ))
            })
            .collect();
        {
            let mut store = self.store()?;
            store.replace_copies(&pairs)?;
            store.delete_setting(COPIES_STALE_KEY)?;
        }
        self.set_copies(&pairs)
    }

    fn set_copies(&self, pairs: &[(i64, i64, f64)]) -> Result<(), ServeError> {
        let mut by_essay: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
        for &(a, b, s) in pairs {
            by_essay.entry(a).or_default().push((b, s));
            by_essay.entry(b).or_default().push((a, s));
        }
        for partners in by_essay.values_mut() {
            partners.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        }
        *self.copies.write().map_err(|_| poisoned())? = by_essay;
        Ok(())
    }

    /// The near-duplicate partners of an essay `(id, similarity)`, the most similar first.
    pub fn copies_of(&self, id: i64) -> Vec<(i64, f64)> {
        self.copies
            .read()
            .ok()
            .and_then(|c| c.get(&id).cloned())
            .unwrap_or_default()
    }

    /// The passages of essay `id` (whose text is `text`) found in its near-duplicate partners:
    /// `(byte range in text, partner id)`, in text order; a passage found in several partners
    /// is given once, with the most similar partner.
    pub fn copied_passages(
        &self,
        id: i64,
        text: &str,
    ) -> Result<Vec<(std::ops::Range<usize>, i64)>, ServeError> {
        let partners = self.copies_of(id);
        if partners.is_empty() {
            return Ok(Vec::new());
        }
        let mut refs = self.references.clone();
        for (other, _) in &partners {
            if let Some(t) = self.read(|s| s.text(*other))? {
                refs.add_text(format!("{PARTNER}{other}"), &t);
            }
        }
        let check = refs.check_with(text, &crate::originality::Thresholds::default());
        let rank = |other: i64| partners.iter().position(|(p, _)| *p == other);
        let mut spans: Vec<(std::ops::Range<usize>, i64)> = check
            .sources
            .iter()
            .filter_map(|src| {
                Some((
                    src.reference.strip_prefix(PARTNER)?.parse::<i64>().ok()?,
                    src,
                ))
            })
            .flat_map(|(other, src)| src.spans.iter().map(move |sp| (sp.start..sp.end, other)))
            .filter(|(r, _)| r.start < r.end && r.end <= text.len())
            .collect();
        spans.sort_by_key(|(r, other)| (r.start, rank(*other), r.end));
        let mut kept: Vec<(std::ops::Range<usize>, i64)> = Vec::with_capacity(spans.len());
        for (r, other) in spans {
            match kept.last_mut() {
                Some((last, _)) if r.start < last.end => {
                    // Overlap: the part beyond the kept passage goes to this partner.
                    if r.end > last.end {
                        let start = last.end;
                        kept.push((start..r.end, other));
                    }
                }
                _ => kept.push((r, other)),
            }
        }
        Ok(kept)
    }

    /// Grades one document read from memory; a reading error becomes the row's error.
    pub fn grade_document(
        &self,
        name: String,
        doc: Result<RawDocument, IngestError>,
    ) -> (Assessment, Option<String>) {
        match doc {
            Ok(doc) => {
                let mut row = self.grader.grade_text(&name, &doc.text);
                row.notes = doc.notes;
                if let Some(encoding) = doc.legacy_encoding {
                    row.flags.push(crate::Flag::LegacyEncoding);
                    row.flags.sort();
                    row.notes
                        .push(format!("Đã chuyển từ bảng mã {encoding} sang Unicode"));
                }
                (row, Some(doc.text))
            }
            Err(e) => (
                Assessment::failed(name, e.to_string(), self.grader.rubric()),
                None,
            ),
        }
    }

    /// Indexes then stores rows (replacing earlier ones of the same file): once this returns,
    /// both are durable.
    fn import(
        &self,
        batch: Option<i64>,
        items: Vec<(Assessment, Option<String>)>,
    ) -> Result<Vec<i64>, ServeError> {
        let _writing = self.index_write.lock().map_err(|_| poisoned())?;
        self.store()?.set_setting(COPIES_STALE_KEY, b"1")?;
        let mut writer = self.index.writer(1)?;
        for (row, text) in &items {
            match text {
                Some(text) if row.error.is_none() => writer.add(row, text)?,
                _ => writer.remove(&row.file),
            }
        }
        writer.commit()?;
        self.index_changed();
        let ids = self.store()?.put_essays(batch, &items)?;
        let mut catalog = self.catalog.write().map_err(|_| poisoned())?;
        for (id, (row, _)) in ids.iter().zip(items) {
            catalog.upsert(*id, light_row(&row));
        }
        Ok(ids)
    }

    /// Starts a batch (an upload) of `total` essays, labelled for people; returns its id for
    /// [`Workspace::import_documents`].
    pub fn new_batch(&self, label: &str, total: i64) -> Result<i64, ServeError> {
        self.store()?.new_batch(label, total)
    }

    /// Marks a batch `failed` with the reason, keeping the progress it had made.
    pub fn fail_batch(&self, id: i64, message: &str) -> Result<(), ServeError> {
        let store = self.store()?;
        let b = store.batch(id)?;
        let (total, done, failed) = b.map_or((0, 0, 0), |b| (b.total, b.done, b.failed));
        store.update_batch(id, total, done, failed, "failed", Some(message))
    }

    /// A batch and its progress; `None` when there is no batch `id`.
    pub fn batch(&self, id: i64) -> Result<Option<Batch>, ServeError> {
        self.store()?.batch(id)
    }

    /// Replaces the roster with the file at `path` (.csv or .xlsx), checking it first.
    pub fn set_roster_file(&self, path: &Path) -> Result<(), ServeError> {
        let bytes = std::fs::read(path)?;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("csv")
            .to_ascii_lowercase();
        self.set_roster_bytes(&bytes, &ext)
    }

    /// Replaces the roster with an uploaded one (`ext`: csv or xlsx). The bytes are written to
    /// a file of the workspace with a fixed name, never one from the request.
    pub fn set_roster_bytes(&self, bytes: &[u8], ext: &str) -> Result<(), ServeError> {
        let ext = match ext {
            "xlsx" => "xlsx",
            "csv" => "csv",
            other => {
                return Err(ServeError::Refused(format!(
                    "danh sách đảng viên phải là tệp .csv hoặc .xlsx (nhận được .{other})"
                )))
            }
        };
        let roster = parse_roster(&self.dir, bytes, ext)?;
        {
            let store = self.store()?;
            store.set_setting(ROSTER_KEY, bytes)?;
            store.set_setting(ROSTER_EXT_KEY, ext.as_bytes())?;
        }
        *self.roster.write().map_err(|_| poisoned())? = Some(roster);
        self.catalog.write().map_err(|_| poisoned())?.summary = None;
        Ok(())
    }

    fn load_roster(&self) -> Result<Option<Roster>, ServeError> {
        let store = self.store()?;
        let (Some(bytes), Some(ext)) = (store.setting(ROSTER_KEY)?, store.setting(ROSTER_EXT_KEY)?)
        else {
            return Ok(None);
        };
        let ext = String::from_utf8_lossy(&ext).into_owned();
        Ok(Some(parse_roster(&self.dir, &bytes, &ext)?))
    }

    /// Whether the workspace has a roster (given at start or uploaded).
    pub fn has_roster(&self) -> bool {
        self.roster.read().is_ok_and(|r| r.is_some())
    }

    /// The rows with the committee's grades in place of the machine's where it decided.
    fn final_rows(
        rows: impl Iterator<Item = (Assessment, Option<String>)>,
        rubric: &CompiledRubric,
    ) -> Vec<Assessment> {
        rows.map(|(mut row, decided)| {
            if let Some(g) = decided {
                if let Some(level) = rubric.spec.levels.iter().find(|l| l.id == g) {
                    row.grade_label = Some(level.label.clone());
                }
                row.grade = Some(g);
                row.caps.clear();
            }
            row
        })
        .collect()
    }

    /// The dashboard's figures over every essay, with the committee's grades.
    pub fn summary(&self) -> Result<Arc<Summary>, ServeError> {
        if let Some(s) = &self.catalog.read().map_err(|_| poisoned())?.summary {
            return Ok(s.clone());
        }
        let mut catalog = self.catalog.write().map_err(|_| poisoned())?;
        if let Some(s) = &catalog.summary {
            return Ok(s.clone());
        }
        let rows = Self::final_rows(
            catalog
                .entries
                .iter()
                .map(|e| (e.row.clone(), e.decided.clone())),
            self.rubric(),
        );
        let roster = self.roster.read().map_err(|_| poisoned())?;
        let summary = Arc::new(Summary::build(
            &rows,
            roster.as_ref(),
            &self.rubric().spec.levels,
        ));
        catalog.summary = Some(summary.clone());
        Ok(summary)
    }

    /// Every entry in id order, with its review reasons.
    pub fn entries(&self) -> Result<Vec<(Entry, Vec<String>)>, ServeError> {
        let summary = self.summary()?;
        let catalog = self.catalog.read().map_err(|_| poisoned())?;
        let mut reasons: HashMap<usize, &Vec<String>> = HashMap::new();
        for item in &summary.review {
            reasons.insert(item.row, &item.reasons);
        }
        Ok(catalog
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                (
                    e.clone(),
                    reasons.get(&i).map(|r| r.to_vec()).unwrap_or_default(),
                )
            })
            .collect())
    }

    /// The catalogue entry of an essay.
    pub fn entry(&self, id: i64) -> Option<Entry> {
        let catalog = self.catalog.read().ok()?;
        catalog.by_id.get(&id).map(|&i| catalog.entries[i].clone())
    }

    /// The id of the essay stored under `file` (as its result row names it).
    pub fn id_of(&self, file: &str) -> Option<i64> {
        self.catalog.read().ok()?.by_file.get(file).copied()
    }

    /// The number of essays in the workspace.
    pub fn count(&self) -> usize {
        self.catalog.read().map_or(0, |c| c.entries.len())
    }

    /// The essay list: filtered, sorted, one page.
    pub fn list(&self, filter: &EssayFilter) -> Result<EssayPage, ServeError> {
        let mut entries = self.entries()?;
        if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
            let files: HashSet<String> = self
                .index
                .matching_files(q, &SearchOptions::default())?
                .into_iter()
                .collect();
            entries.retain(|(e, _)| files.contains(&e.row.file));
        }
        if let Some(g) = filter.grade.as_deref().filter(|g| !g.is_empty()) {
            entries.retain(|(e, _)| e.final_grade() == Some(g));
        }
        if let Some(u) = filter.unit.as_deref().filter(|u| !u.trim().is_empty()) {
            // Whole words, in order: "yen thach" finds "Yên Thạch", "yen" does not find "huyện".
            let key = format!(" {} ", folded(u));
            entries.retain(|(e, _)| {
                e.row
                    .unit
                    .as_deref()
                    .is_some_and(|x| format!(" {} ", folded(x)).contains(&key))
            });
        }
        if let Some(review) = filter.review {
            entries.retain(|(_, r)| r.is_empty() != review);
        }
        if let Some(flag) = filter.flag.as_deref().filter(|f| !f.is_empty()) {
            entries.retain(|(e, _)| e.row.flags.iter().any(|f| f.id() == flag));
        }
        let rank = |g: Option<&str>| {
            g.and_then(|g| self.rubric().level_index(g))
                .unwrap_or(usize::MAX)
        };
        match filter.sort.as_deref().unwrap_or("id") {
            "score" => entries.sort_by(|a, b| {
                a.0.row
                    .score
                    .unwrap_or(-1.0)
                    .total_cmp(&b.0.row.score.unwrap_or(-1.0))
            }),
            "-score" => entries.sort_by(|a, b| {
                b.0.row
                    .score
                    .unwrap_or(-1.0)
                    .total_cmp(&a.0.row.score.unwrap_or(-1.0))
            }),
            "author" => entries.sort_by(|a, b| a.0.row.author.cmp(&b.0.row.author)),
            "unit" => entries.sort_by(|a, b| a.0.row.unit.cmp(&b.0.row.unit)),
            "grade" => entries.sort_by_key(|e| rank(e.0.final_grade())),
            _ => {}
        }
        let total = entries.len();
        let entries = entries
            .into_iter()
            .skip(filter.offset)
            .take(filter.limit)
            .collect();
        Ok(EssayPage { total, entries })
    }

    /// One essay with its text, its catalogue entry and review reasons.
    pub fn essay(&self, id: i64) -> Result<Option<(StoredEssay, Entry, Vec<String>)>, ServeError> {
        let Some(stored) = self.read(|s| s.essay(id))? else {
            return Ok(None);
        };
        let summary = self.summary()?;
        let catalog = self.catalog.read().map_err(|_| poisoned())?;
        let Some(&i) = catalog.by_id.get(&id) else {
            return Ok(None);
        };
        let reasons = summary
            .review_of(i)
            .map(|r| r.reasons.clone())
            .unwrap_or_default();
        Ok(Some((stored, catalog.entries[i].clone(), reasons)))
    }

    /// A search with the engine of `thuhoach search`; answers are kept until the index
    /// changes.
    pub fn search(&self, q: &str, opts: &SearchOptions) -> Result<SearchResults, ServeError> {
        let key = serde_json::to_string(&(q, opts))
            .map_err(|e| ServeError::Data(format!("không ghi được câu tìm: {e}")))?;
        let generation = {
            let mut cache = self.search_cache.lock().map_err(|_| poisoned())?;
            if let Some(answer) = cache.answers.get(&key) {
                return Ok(answer.clone());
            }
            cache.generation
        };
        let answer = self.index.search(q, opts)?;
        let mut cache = self.search_cache.lock().map_err(|_| poisoned())?;
        if cache.generation == generation {
            cache.answers.put(key, answer.clone());
        }
        Ok(answer)
    }

    /// Records a reviewer's grade for an essay: written to the decisions log (durable) first,
    /// then to the database; returns the decision as recorded.
    pub fn decide(
        &self,
        id: i64,
        grade: &str,
        reason: &str,
        by: &str,
    ) -> Result<Option<Decision>, ServeError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ServeError::Refused(
                "phải ghi lý do điều chỉnh xếp loại".into(),
            ));
        }
        if reason.chars().count() > 2000 {
            return Err(ServeError::Refused(
                "lý do quá dài (tối đa 2000 ký tự)".into(),
            ));
        }
        if self.rubric().level_index(grade).is_none() {
            let ids: Vec<&str> = self
                .rubric()
                .spec
                .levels
                .iter()
                .map(|l| l.id.as_str())
                .collect();
            return Err(ServeError::Refused(format!(
                "xếp loại “{grade}” không có trong barem (dùng một trong: {})",
                ids.join(", ")
            )));
        }
        let _one_at_a_time = self.deciding.lock().map_err(|_| poisoned())?;
        let (file, sha, previous) = {
            let catalog = self.catalog.read().map_err(|_| poisoned())?;
            let Some(&i) = catalog.by_id.get(&id) else {
                return Ok(None);
            };
            let e = &catalog.entries[i];
            (
                e.row.file.clone(),
                e.row.sha256.clone().unwrap_or_default(),
                e.final_grade().map(str::to_string),
            )
        };
        let recorded = self.log.append(NewDecision {
            by: by.to_string(),
            file,
            file_sha256: sha,
            old_grade: previous,
            new_grade: grade.to_string(),
            reason: reason.to_string(),
            rubric: self.rubric().reference.clone(),
        })?;
        let decision = from_audit(recorded, Some(id));
        self.store()?.put_decision(&decision)?;
        self.catalog
            .write()
            .map_err(|_| poisoned())?
            .decide(id, grade);
        Ok(Some(decision))
    }

    /// Every decision, in log order.
    pub fn decisions(&self) -> Result<Vec<Decision>, ServeError> {
        self.read(|s| s.decisions())
    }

    /// The decisions about one essay, in log order.
    pub fn decisions_of(&self, id: i64) -> Result<Vec<Decision>, ServeError> {
        self.read(|s| s.decisions_of(id))
    }

    /// The decisions log file (for the download and `thuhoach audit verify`).
    pub fn decisions_log(&self) -> &Path {
        self.log.path()
    }

    /// Checks the decisions log's chain; the number of entries.
    pub fn verify_log(&self) -> Result<usize, ServeError> {
        if !self.log.path().exists() {
            return Ok(0);
        }
        Ok(audit::verify(self.log.path())?)
    }

    /// Every full row with the committee's grades (for reports and the results download).
    pub fn final_full_rows(&self) -> Result<Vec<Assessment>, ServeError> {
        let rows = self.store()?.full_rows()?;
        let decided: HashMap<i64, Option<String>> = {
            let catalog = self.catalog.read().map_err(|_| poisoned())?;
            catalog
                .entries
                .iter()
                .map(|e| (e.id, e.decided.clone()))
                .collect()
        };
        Ok(Self::final_rows(
            rows.into_iter()
                .map(|(id, row)| (row, decided.get(&id).cloned().flatten())),
            self.rubric(),
        ))
    }

    /// The committee report (.xlsx, .docx or .html) as bytes.
    pub fn report(&self, ext: &str) -> Result<Vec<u8>, ServeError> {
        let rows = self.final_full_rows()?;
        let tmp = self.dir.join("tmp");
        std::fs::create_dir_all(&tmp)?;
        let out = tmp.join(format!("report-{}.{ext}", unique()));
        let roster = self.roster.read().map_err(|_| poisoned())?;
        let written = crate::report::write_report(&rows, roster.as_ref(), self.rubric(), &out);
        drop(roster);
        let bytes = written
            .map_err(ServeError::from)
            .and_then(|_| Ok(std::fs::read(&out)?));
        let _ = std::fs::remove_file(&out);
        bytes
    }

    /// The results as JSON lines, with the committee's grades.
    pub fn results_jsonl(&self) -> Result<Vec<u8>, ServeError> {
        let mut out = Vec::new();
        for row in self.final_full_rows()? {
            serde_json::to_writer(&mut out, &row)
                .map_err(|e| ServeError::Data(format!("không ghi được kết quả: {e}")))?;
            out.push(b'\n');
        }
        Ok(out)
    }

    /// Reads an uploaded file (by the extension of its name only) or a .zip of essays.
    pub fn read_upload(name: &str, bytes: &[u8]) -> Result<Vec<ReadUpload>, ServeError> {
        let clean = clean_name(name);
        if clean.to_lowercase().ends_with(".zip") {
            let entries = ingest::read_essay_zip(bytes, super::MAX_ZIP_TOTAL_BYTES)
                .map_err(|e| ServeError::Refused(format!("{clean}: {e}")))?;
            return Ok(entries
                .into_iter()
                .map(|e| (format!("{clean}/{}", e.name), e.document))
                .collect());
        }
        let doc = match SourceFormat::from_path(Path::new(&clean)) {
            Some(format) => ingest::read_bytes(bytes, format),
            None => Err(IngestError::Unsupported(clean.clone())),
        };
        Ok(vec![(clean, doc)])
    }
}

/// A log entry as the server shows it.
fn from_audit(d: audit::Decision, essay_id: Option<i64>) -> Decision {
    Decision {
        seq: d.seq,
        essay_id,
        file: d.file,
        previous: d.old_grade,
        grade: d.new_grade,
        reason: d.reason,
        by: d.by,
        at: d.at,
        hash: d.hash,
    }
}

fn parse_roster(dir: &Path, bytes: &[u8], ext: &str) -> Result<Roster, ServeError> {
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp)?;
    let path = tmp.join(format!("roster-{}.{ext}", unique()));
    std::fs::write(&path, bytes)?;
    let roster = Roster::from_path(&path);
    let _ = std::fs::remove_file(&path);
    roster.map_err(|e| ServeError::Refused(e.to_string()))
}

/// A name unique within this process, for temporary files.
fn unique() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{}-{n}", std::process::id())
}

/// An uploaded file's name for display: its last component, without control characters.
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    match clean.trim() {
        "" | "." | ".." => "tep-tai-len".to_string(),
        s => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Result<RawDocument, IngestError> {
        Ok(RawDocument {
            format: SourceFormat::Txt,
            text: text.to_string(),
            notes: Vec::new(),
            legacy_encoding: None,
        })
    }

    #[test]
    fn near_duplicates_are_found_at_import_and_again_after_an_interrupted_one() {
        let dev = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dev");
        let read = |n: &str| std::fs::read_to_string(dev.join(n)).expect("dev essay");
        let original = read("01_giao_vien_thcs_yen_thach.txt");
        let copy = original.replace("Lê Thị Thanh Huyền", "Nguyễn Văn Chép");
        let other = read("03_cong_an_xa_khanh_long_thuong.txt");
        let tmp = tempfile::tempdir().expect("tempdir");
        let rubric = || CompiledRubric::builtin().expect("rubric");
        let (a, b, c) = {
            let ws = Workspace::open(tmp.path(), rubric()).expect("open");
            let batch = ws.new_batch("thử", 3).expect("batch");
            let docs = vec![
                ("goc.txt".to_string(), doc(&original)),
                ("khac.txt".to_string(), doc(&other)),
                ("chep.txt".to_string(), doc(&copy)),
            ];
            ws.import_documents(batch, docs).expect("import");
            let id = |f: &str| ws.id_of(f).expect("id");
            let (a, b, c) = (id("goc.txt"), id("chep.txt"), id("khac.txt"));
            assert_eq!(ws.copies_of(a).iter().map(|p| p.0).collect::<Vec<_>>(), [b]);
            assert_eq!(ws.copies_of(b).iter().map(|p| p.0).collect::<Vec<_>>(), [a]);
            assert!(ws.copies_of(c).is_empty());
            // The passages are of the essay's own text and point at the partner.
            let text = ws.read(|s| s.text(b)).expect("text").expect("some text");
            let passages = ws.copied_passages(b, &text).expect("passages");
            assert!(!passages.is_empty());
            assert!(passages
                .iter()
                .all(|(r, other)| *other == a && r.end <= text.len()));
            let covered: usize = passages.iter().map(|(r, _)| r.len()).sum();
            assert!(covered * 2 > text.len(), "{covered} of {}", text.len());
            // As if killed after an import's rows were stored but before its pairs were.
            let mut store = ws.store().expect("store");
            store.replace_copies(&[]).expect("clear");
            store.set_setting(COPIES_STALE_KEY, b"1").expect("stale");
            (a, b, c)
        };
        let ws = Workspace::open(tmp.path(), rubric()).expect("reopen");
        assert_eq!(ws.copies_of(a).iter().map(|p| p.0).collect::<Vec<_>>(), [b]);
        assert!(ws.copies_of(c).is_empty());
        // Removing one of the pair removes the pair.
        assert!(ws.remove_essay(a, "admin", "nộp nhầm").expect("remove"));
        assert!(ws.copies_of(b).is_empty());
        drop(ws);
        let ws = Workspace::open(tmp.path(), rubric()).expect("reopen");
        assert!(ws.copies_of(b).is_empty());
        assert!(ws.entry(a).is_none());
        assert_eq!(ws.removed().expect("removed").len(), 1);
    }

    #[test]
    fn upload_names_keep_only_the_last_component() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\a\\bài 1.docx"), "bài 1.docx");
        assert_eq!(clean_name(".."), "tep-tai-len");
    }
}
