//! Reviewer search: a tantivy index of graded essays that understands Vietnamese.
//!
//! Each essay is analyzed once at index time by the grading analyzer ([`crate::text::analyze`])
//! into two key streams, exact keys and folded keys ([`KeyStreams`]), indexed as:
//!
//! | field | terms | postings | answers |
//! |---|---|---|---|
//! | `body_fold` | folded syllable keys ("nghi") | frequencies | words |
//! | `body_fold_pairs` | folded pairs of neighbouring syllables of one sentence ("nghi quyet") | positions | phrases |
//! | `body` | exact syllable keys ("nghị") | positions | the user's diacritics |
//! | `text` | – (the original text, stored for snippets) | – | – |
//!
//! A query matches on the folded fields, so "nghi quyet", "NGHỊ QUYẾT" and NFD input all find
//! "nghị quyết". A word is one term of `body_fold`, a 2-syllable phrase one term of
//! `body_fold_pairs`, and a longer phrase a phrase query over pair terms (see `folded_query`):
//! pair terms are far rarer than syllables, so phrases check few positions. Positions skip one
//! at every sentence end, so neither a pair nor a phrase spans two sentences.
//!
//! When the user typed diacritics, hits that hold them exactly rank first ("Đảng" before
//! "đang"): [`EXACT_BONUS`] per such part, checked on `body` for the best folded matches only
//! (`rerank`). Grades come from the rubric at index time.

mod analyzer;
mod query;
mod snippet;

use std::collections::BTreeSet;
use std::ops::Bound;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, EmptyQuery, EnableScoring, Occur, PhraseQuery, Query,
    RangeQuery, Scorer, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, Value,
    STORED, STRING,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Score, Searcher, TantivyDocument,
    Term,
};

pub use analyzer::{
    KeyStreams, KeysTokenizer, PairsTokenizer, ViTokenizer, KEYS, PAIRS, VI, VI_FOLD,
};
pub use query::{parse as parse_query, QueryError, QueryPart};

use crate::grade::Assessment;

/// Version of the index layout; an index with another version must be rebuilt.
/// 2: bodies analyzed once (key streams), folded syllable pairs, original text in `text`.
pub const FORMAT_VERSION: u32 = 2;
const MARKER_FILE: &str = "thuhoach-index.json";
/// Writer memory per thread (tantivy needs at least 15 MB).
const WRITER_BUDGET: usize = 50_000_000;
/// Added to a hit's score for every query part typed with diacritics that it holds exactly as
/// typed: far above the BM25 score of a part (single digits to a few tens), so exact hits rank
/// first.
pub const EXACT_BONUS: Score = 1000.0;
/// How many of the best folded matches [`EssayIndex::search`] may check for exact forms before
/// it falls back to checking every match.
pub const RERANK_POOL: usize = 200;
/// The pool is checked this many essays at a time, best first, until the order is settled.
const RERANK_CHUNK: usize = 100;

/// Why the index could not be used.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// No index at the folder given.
    #[error("không tìm thấy chỉ mục ở {0} (tạo bằng `thuhoach index … --index {0}`)")]
    Missing(String),
    /// The folder holds something else, or an index of another format version: (folder,
    /// found, needed).
    #[error("{0} không phải chỉ mục của thuhoach hoặc được tạo bởi phiên bản khác (định dạng {1}, cần {2}); hãy tạo lại chỉ mục")]
    Incompatible(String, String, u32),
    /// The search query cannot be parsed (an unclosed quote, no word to search for).
    #[error(transparent)]
    Query(#[from] QueryError),
    /// The tantivy engine failed while opening, writing, committing or searching the index.
    #[error("lỗi chỉ mục: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The index folder cannot be read or written.
    #[error("lỗi đọc/ghi chỉ mục: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Serialize, Deserialize)]
struct Marker {
    format: u32,
    created_by: String,
}

/// Filters a search can apply.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SearchOptions {
    /// Party cell / unit: matched as a phrase, diacritic-insensitive ("yen thach").
    pub unit: Option<String>,
    /// Level id (`good`, `fair`, …).
    pub grade: Option<String>,
    /// Lowest score an essay may have.
    pub min_score: Option<f64>,
    /// Flags the essay must carry (`near_duplicate`, …).
    pub flags: Vec<String>,
    /// Most hits returned.
    pub limit: usize,
}

/// One essay found.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchHit {
    /// The essay's file as graded.
    pub file: String,
    /// The writer's name from the header.
    pub author: Option<String>,
    /// The party cell from the header.
    pub unit: Option<String>,
    /// Level id of the grade.
    pub grade: Option<String>,
    /// Label of the grade (Vietnamese).
    pub grade_label: Option<String>,
    /// Points out of 100.
    pub score: Option<f64>,
    /// Flag ids of the essay.
    pub flags: Vec<String>,
    /// Plain text with the matches between `markers`.
    pub snippet: String,
    /// HTML-escaped text with the matches in `<b>…</b>`.
    pub snippet_html: String,
    /// Byte ranges of the matches inside `snippet`.
    pub highlights: Vec<(usize, usize)>,
    /// BM25 on the folded fields plus [`EXACT_BONUS`] for every part typed with diacritics that
    /// the essay holds exactly as typed; hits are sorted by it, best first.
    pub relevance: f32,
}

/// The answer to a search: how many essays match, and the best `limit` of them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchResults {
    /// Every essay that matches the query and the filters (an exact count).
    pub total: usize,
    /// The best hits, most relevant first.
    pub hits: Vec<SearchHit>,
}

impl SearchHit {
    /// The snippet with each highlight between `open` and `close` (terminal colours, or "[" and
    /// "]"); highlights that overlap or fall outside the snippet are left unmarked.
    pub fn marked_snippet(&self, open: &str, close: &str) -> String {
        let mut marked = String::with_capacity(self.snippet.len() + 16);
        let mut at = 0;
        for &(start, end) in &self.highlights {
            if start < at || end > self.snippet.len() || start > end {
                continue;
            }
            let (Some(before), Some(hit)) =
                (self.snippet.get(at..start), self.snippet.get(start..end))
            else {
                continue;
            };
            marked.push_str(before);
            marked.push_str(open);
            marked.push_str(hit);
            marked.push_str(close);
            at = end;
        }
        marked.push_str(self.snippet.get(at..).unwrap_or_default());
        marked
    }
}

impl SearchResults {
    /// The results as `thuhoach search` prints them (Vietnamese): the count, then per essay
    /// its file, author, unit, grade and score and the marked snippet.
    pub fn write_table(
        &self,
        out: &mut impl std::io::Write,
        open: &str,
        close: &str,
    ) -> std::io::Result<()> {
        let shown = if self.hits.len() < self.total {
            format!(", hiện {} bài đầu", self.hits.len())
        } else {
            String::new()
        };
        writeln!(out, "{} bài phù hợp{shown}", self.total)?;
        for (i, h) in self.hits.iter().enumerate() {
            writeln!(
                out,
                "\n{}. {} — {} — {} — {} {}",
                i + 1,
                h.file,
                h.author.as_deref().unwrap_or("(không rõ)"),
                h.unit.as_deref().unwrap_or("(không rõ)"),
                h.grade_label.as_deref().unwrap_or("-"),
                h.score.map(|s| format!("{s:.1}")).unwrap_or_default()
            )?;
            let marked = h.marked_snippet(open, close);
            writeln!(out, "   {}", crate::text::display(&marked))?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    file: Field,
    sha256: Field,
    author: Field,
    unit: Field,
    unit_fold: Field,
    grade: Field,
    grade_label: Field,
    score: Field,
    words: Field,
    flags: Field,
    rubric: Field,
    /// The original text, stored only.
    text: Field,
    /// Exact syllable keys, with positions.
    body: Field,
    /// Folded syllable keys, without positions.
    body_fold: Field,
    /// Folded pairs of neighbouring syllables, with positions.
    body_fold_pairs: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str, record: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(record),
        )
    };
    // Folded syllables only answer words: no positions needed.
    let (freqs, positions) = (
        IndexRecordOption::WithFreqs,
        IndexRecordOption::WithFreqsAndPositions,
    );
    let fields = Fields {
        file: b.add_text_field("file", STRING | STORED),
        sha256: b.add_text_field("sha256", STRING | STORED),
        author: b.add_text_field("author", STORED),
        unit: b.add_text_field("unit", STORED),
        unit_fold: b.add_text_field("unit_fold", text(VI_FOLD, positions)),
        grade: b.add_text_field("grade", STRING | STORED),
        grade_label: b.add_text_field("grade_label", STORED),
        score: b.add_f64_field(
            "score",
            NumericOptions::default()
                .set_stored()
                .set_fast()
                .set_indexed(),
        ),
        words: b.add_u64_field("words", STORED),
        flags: b.add_text_field("flags", STRING | STORED),
        rubric: b.add_text_field("rubric", STRING | STORED),
        text: b.add_text_field("text", STORED),
        body: b.add_text_field("body", text(KEYS, positions)),
        body_fold: b.add_text_field("body_fold", text(KEYS, freqs)),
        body_fold_pairs: b.add_text_field("body_fold_pairs", text(PAIRS, positions)),
    };
    (b.build(), fields)
}

/// A folder holding a tantivy index of graded essays.
pub struct EssayIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    dir: PathBuf,
}

impl EssayIndex {
    /// Opens the index in `dir`, creating it (and the folder) if there is none yet.
    pub fn open_or_create(dir: &Path) -> Result<Self, IndexError> {
        if dir.join(MARKER_FILE).exists() {
            return Self::open(dir);
        }
        std::fs::create_dir_all(dir)?;
        if std::fs::read_dir(dir)?.next().is_some() {
            return Err(IndexError::Incompatible(
                dir.display().to_string(),
                "không rõ".into(),
                FORMAT_VERSION,
            ));
        }
        let (schema, fields) = schema();
        let index = Index::create_in_dir(dir, schema)?;
        let marker = Marker {
            format: FORMAT_VERSION,
            created_by: format!("thuhoach {}", env!("CARGO_PKG_VERSION")),
        };
        let json = serde_json::to_string_pretty(&marker).map_err(std::io::Error::other)?;
        std::fs::write(dir.join(MARKER_FILE), json)?;
        Self::finish_open(index, fields, dir)
    }

    /// Opens an existing index; a missing or incompatible one is a clear error.
    pub fn open(dir: &Path) -> Result<Self, IndexError> {
        let shown = dir.display().to_string();
        if !dir.is_dir() {
            return Err(IndexError::Missing(shown));
        }
        let marker = std::fs::read_to_string(dir.join(MARKER_FILE)).map_err(|_| {
            IndexError::Incompatible(shown.clone(), "không rõ".into(), FORMAT_VERSION)
        })?;
        let marker: Marker = serde_json::from_str(&marker).map_err(|_| {
            IndexError::Incompatible(shown.clone(), "không rõ".into(), FORMAT_VERSION)
        })?;
        if marker.format != FORMAT_VERSION {
            return Err(IndexError::Incompatible(
                shown,
                marker.format.to_string(),
                FORMAT_VERSION,
            ));
        }
        let index = Index::open_in_dir(dir)?;
        let (expected, fields) = schema();
        if index.schema() != expected {
            return Err(IndexError::Incompatible(
                shown,
                marker.format.to_string(),
                FORMAT_VERSION,
            ));
        }
        Self::finish_open(index, fields, dir)
    }

    fn finish_open(mut index: Index, fields: Fields, dir: &Path) -> Result<Self, IndexError> {
        // Segments are searched in parallel, one thread per core (at most 4).
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        if threads > 1 {
            index.set_multithread_executor(threads)?;
        }
        // Custom tokenizers are not stored in the index: register them on every open.
        index
            .tokenizers()
            .register(VI, TextAnalyzer::from(ViTokenizer::exact()));
        index
            .tokenizers()
            .register(VI_FOLD, TextAnalyzer::from(ViTokenizer::folded()));
        index
            .tokenizers()
            .register(KEYS, TextAnalyzer::from(KeysTokenizer));
        index
            .tokenizers()
            .register(PAIRS, TextAnalyzer::from(PairsTokenizer));
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(EssayIndex {
            index,
            reader,
            fields,
            dir: dir.to_path_buf(),
        })
    }

    /// Number of essays in the index.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// A writer for adding essays; `threads` indexing threads.
    pub fn writer(&self, threads: usize) -> Result<EssayWriter<'_>, IndexError> {
        let threads = threads.max(1);
        let writer: IndexWriter = self
            .index
            .writer_with_num_threads(threads, WRITER_BUDGET * threads)?;
        Ok(EssayWriter {
            index: self,
            writer,
        })
    }

    /// Files whose essays are in the index, sorted.
    pub fn files(&self) -> Result<Vec<String>, IndexError> {
        let searcher = self.reader.searcher();
        let mut files = BTreeSet::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.file)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                if let Ok(s) = std::str::from_utf8(stream.key()) {
                    files.insert(s.to_string());
                }
            }
        }
        Ok(files.into_iter().collect())
    }

    /// Searches the index: every word and phrase of `query` must match.
    ///
    /// Hits are ranked by BM25 on the folded fields plus [`EXACT_BONUS`] for every part the
    /// user typed with diacritics that the essay holds exactly as typed, so exact hits come
    /// first ("Đảng" before "đang"). The exact forms are checked only on the best
    /// [`RERANK_POOL`] essays of the folded ranking when that provably gives the same order
    /// (see `rerank`), and on every match otherwise.
    pub fn search(&self, query: &str, opts: &SearchOptions) -> Result<SearchResults, IndexError> {
        let parts = parse_query(query)?;
        let searcher = self.reader.searcher();
        let limit = opts.limit.max(1);
        let exact = self.exact_queries(&parts);
        let matching = BooleanQuery::new(self.matching(&parts, opts));
        let (total, top) = if exact.is_empty() {
            searcher.search(
                &matching,
                &(Count, TopDocs::with_limit(limit).order_by_score()),
            )?
        } else {
            let (total, pool) = searcher.search(
                &matching,
                &(
                    Count,
                    TopDocs::with_limit(RERANK_POOL.max(limit)).order_by_score(),
                ),
            )?;
            match rerank(&searcher, &exact, pool, total, limit)? {
                Some(top) => (total, top),
                None => (total, self.rank_all(&searcher, &parts, opts, limit)?),
            }
        };
        // Stored documents and snippets, one hit per task; the order stays the ranking's.
        let hits = top
            .par_iter()
            .map(|&(relevance, address)| self.hit(&searcher, address, relevance, &parts))
            .collect::<Result<Vec<SearchHit>, IndexError>>()?;
        Ok(SearchResults { total, hits })
    }

    /// The files of every essay that matches `query` and the filters, unranked and without
    /// snippets (the same matches as [`EssayIndex::search`] counts in `total`).
    pub fn matching_files(
        &self,
        query: &str,
        opts: &SearchOptions,
    ) -> Result<Vec<String>, IndexError> {
        let parts = parse_query(query)?;
        let searcher = self.reader.searcher();
        let found = searcher.search(
            &BooleanQuery::new(self.matching(&parts, opts)),
            &tantivy::collector::DocSetCollector,
        )?;
        let file = self.fields.file;
        found
            .into_iter()
            .map(|address| {
                let doc: TantivyDocument = searcher.doc(address)?;
                Ok(doc
                    .get_first(file)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string())
            })
            .collect()
    }

    /// What every hit must match: the folded form of every part, and the filters.
    fn matching(&self, parts: &[QueryPart], opts: &SearchOptions) -> Vec<(Occur, Box<dyn Query>)> {
        let f = self.fields;
        let mut must: Vec<(Occur, Box<dyn Query>)> = parts
            .iter()
            .map(|p| {
                (
                    Occur::Must,
                    folded_query(f.body_fold, f.body_fold_pairs, &p.folds),
                )
            })
            .collect();
        must.extend(self.filters(opts));
        must
    }

    /// The exact form of each part typed with diacritics; it only adds to the score.
    fn exact_queries(&self, parts: &[QueryPart]) -> Vec<Box<dyn Query>> {
        let f = self.fields;
        parts
            .iter()
            .filter(|p| p.accented)
            .map(|p| phrase_or_term(f.body, &p.keys))
            .collect()
    }

    /// The best `limit` matches, every match scored with the exact bonus.
    fn rank_all(
        &self,
        searcher: &Searcher,
        parts: &[QueryPart],
        opts: &SearchOptions,
        limit: usize,
    ) -> Result<Vec<(Score, DocAddress)>, IndexError> {
        let mut clauses = self.matching(parts, opts);
        for q in self.exact_queries(parts) {
            let bonus = ConstScoreQuery::new(q, EXACT_BONUS);
            clauses.push((Occur::Should, Box::new(bonus)));
        }
        Ok(searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(limit).order_by_score(),
        )?)
    }

    /// The filters of a search as required clauses.
    fn filters(&self, opts: &SearchOptions) -> Vec<(Occur, Box<dyn Query>)> {
        let f = self.fields;
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(unit) = &opts.unit {
            let folds: Vec<String> = crate::text::phrase_keys(unit)
                .into_iter()
                .map(|(_, f)| f)
                .collect();
            if !folds.is_empty() {
                must.push((Occur::Must, phrase_or_term(f.unit_fold, &folds)));
            }
        }
        if let Some(grade) = &opts.grade {
            must.push((Occur::Must, raw_term(f.grade, grade)));
        }
        for flag in &opts.flags {
            must.push((Occur::Must, raw_term(f.flags, flag)));
        }
        if let Some(min) = opts.min_score {
            let range = RangeQuery::new(
                Bound::Included(Term::from_field_f64(f.score, min)),
                Bound::Unbounded,
            );
            must.push((Occur::Must, Box::new(range)));
        }
        must
    }

    /// One hit: its stored fields and a snippet of its text.
    fn hit(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        relevance: Score,
        parts: &[QueryPart],
    ) -> Result<SearchHit, IndexError> {
        let f = self.fields;
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let cut = snippet::cut(
            doc.get_first(f.text).and_then(|v| v.as_str()).unwrap_or(""),
            parts,
        );
        Ok(SearchHit {
            file: text(f.file).unwrap_or_default(),
            author: text(f.author),
            unit: text(f.unit),
            grade: text(f.grade),
            grade_label: text(f.grade_label),
            score: doc.get_first(f.score).and_then(|v| v.as_f64()),
            flags: doc
                .get_all(f.flags)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            snippet_html: snippet::to_html(&cut),
            snippet: cut.text,
            highlights: cut.highlights,
            relevance,
        })
    }

    /// The folder of the index.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Ranks the best essays of the folded ranking (`pool`, best first, out of `total` matches)
/// with the exact bonus: [`EXACT_BONUS`] for each query in `exact` that the essay matches.
/// Returns the best `limit`, or `None` when an essay outside the pool could still rank among
/// them (then every match must be scored with the bonus).
///
/// The pool is checked [`RERANK_CHUNK`] essays at a time, best first, until the checked ones
/// are enough: an essay not checked yet has a folded score of at most the lowest checked one,
/// `s`, so a final score of at most `s + EXACT_BONUS × exact.len()`. When the `limit`-th best
/// final score so far is above that, the best `limit` so far are the best of all matches, in
/// the order a full scoring gives (ties by address, as tantivy breaks them: the pool is the
/// first of all matches in that order).
fn rerank(
    searcher: &Searcher,
    exact: &[Box<dyn Query>],
    pool: Vec<(Score, DocAddress)>,
    total: usize,
    limit: usize,
) -> Result<Option<Vec<(Score, DocAddress)>>, IndexError> {
    if pool.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let weights = exact
        .iter()
        .map(|q| q.weight(EnableScoring::disabled_from_searcher(searcher)))
        .collect::<Result<Vec<_>, _>>()?;
    let all = exact.len() as u32;
    // (final score, address, folded score, exact parts) of the essays checked so far.
    let mut ranked: Vec<(Score, DocAddress, Score, u32)> = Vec::with_capacity(pool.len());
    for chunk in pool.chunks(RERANK_CHUNK) {
        let mut bonus = vec![0u32; chunk.len()];
        // In address order, so that each scorer only moves forward.
        let mut order: Vec<usize> = (0..chunk.len()).collect();
        order.sort_by_key(|&i| chunk[i].1);
        for weight in &weights {
            let mut current: Option<(u32, Box<dyn Scorer>)> = None;
            for &i in &order {
                let address = chunk[i].1;
                let scorer = match &mut current {
                    Some((segment, scorer)) if *segment == address.segment_ord => scorer,
                    _ => {
                        let reader = searcher.segment_reader(address.segment_ord);
                        let scorer = weight.scorer(reader, 1.0)?;
                        &mut current.insert((address.segment_ord, scorer)).1
                    }
                };
                let mut doc = scorer.doc();
                if doc < address.doc_id {
                    doc = scorer.seek(address.doc_id);
                }
                if doc == address.doc_id {
                    bonus[i] += 1;
                }
            }
        }
        ranked.extend(
            chunk.iter().zip(&bonus).map(|(&(score, address), &b)| {
                (score + EXACT_BONUS * b as Score, address, score, b)
            }),
        );
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let lowest = chunk.last().map_or(0.0, |c| c.0);
        let unchecked = total > ranked.len();
        let outside = lowest + EXACT_BONUS * all as Score;
        let safe = !unchecked
            || ranked.get(limit - 1).is_some_and(|r| {
                // On a tie with the best an unchecked essay can reach, that essay has the
                // lowest checked folded score and every exact part, and comes after by address.
                r.0 > outside || (r.0 == outside && r.2 == lowest && r.3 == all)
            });
        if safe {
            ranked.truncate(limit);
            return Ok(Some(ranked.into_iter().map(|r| (r.0, r.1)).collect()));
        }
    }
    Ok(None)
}

fn raw_term(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

/// The query for the folded keys of a word or phrase: one syllable is a term of `syllables`,
/// two a term of `pairs`, and more a phrase of pair terms that covers every syllable —
/// non-overlapping pairs at offsets 0, 2, 4, … and, for an odd length, the last pair. A pair
/// term at position `p` means its first syllable is at `p` and its second at `p + 1` in the
/// same sentence, so the pair phrase matches exactly where the syllable phrase would:
/// "chuyển đổi xanh … thay đổi số" has both "chuyển đổi" and "đổi số" but never at
/// neighbouring positions, so it does not match "chuyển đổi số".
fn folded_query(syllables: Field, pairs: Field, keys: &[String]) -> Box<dyn Query> {
    let term = |field, text: &str| {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        )) as Box<dyn Query>
    };
    let pair_term = |at: usize| {
        (
            at,
            Term::from_field_text(pairs, &analyzer::pair(&keys[at], &keys[at + 1])),
        )
    };
    match keys.len() {
        0 => Box::new(EmptyQuery),
        1 => term(syllables, &keys[0]),
        2 => term(pairs, &analyzer::pair(&keys[0], &keys[1])),
        n => {
            let mut terms: Vec<(usize, Term)> = (0..n - 1).step_by(2).map(pair_term).collect();
            if n % 2 == 1 {
                terms.push(pair_term(n - 2));
            }
            Box::new(PhraseQuery::new_with_offset(terms))
        }
    }
}

/// A term, or a phrase of terms, of a field with positions (`body`, `unit_fold`).
fn phrase_or_term(field: Field, keys: &[String]) -> Box<dyn Query> {
    match keys {
        [] => Box::new(EmptyQuery),
        [key] => Box::new(TermQuery::new(
            Term::from_field_text(field, key),
            IndexRecordOption::WithFreqs,
        )),
        _ => {
            let terms = keys
                .iter()
                .map(|k| Term::from_field_text(field, k))
                .collect();
            Box::new(PhraseQuery::new(terms))
        }
    }
}

/// Adds and replaces essays; nothing is visible to searches before [`EssayWriter::commit`].
pub struct EssayWriter<'a> {
    index: &'a EssayIndex,
    writer: IndexWriter,
}

impl EssayWriter<'_> {
    /// Adds a graded essay with its text, replacing any earlier version of the same file.
    pub fn add(&mut self, row: &Assessment, text: &str) -> Result<(), IndexError> {
        let f = self.index.fields;
        self.writer
            .delete_term(Term::from_field_text(f.file, &row.file));
        let mut doc = TantivyDocument::default();
        doc.add_text(f.file, &row.file);
        if let Some(s) = &row.sha256 {
            doc.add_text(f.sha256, s);
        }
        if let Some(a) = &row.author {
            doc.add_text(f.author, a);
        }
        if let Some(u) = &row.unit {
            doc.add_text(f.unit, u);
            doc.add_text(f.unit_fold, u);
        }
        if let Some(g) = &row.grade {
            doc.add_text(f.grade, g);
        }
        if let Some(g) = &row.grade_label {
            doc.add_text(f.grade_label, g);
        }
        if let Some(s) = row.score {
            doc.add_f64(f.score, s);
        }
        if let Some(w) = row.words {
            doc.add_u64(f.words, w as u64);
        }
        for flag in &row.flags {
            doc.add_text(f.flags, flag.id());
        }
        doc.add_text(f.rubric, &row.rubric.id);
        doc.add_text(f.text, text);
        // One analysis for the four body fields.
        let keys = KeyStreams::analyze(text);
        doc.add_text(f.body, &keys.exact);
        doc.add_text(f.body_fold, &keys.folded);
        doc.add_text(f.body_fold_pairs, &keys.folded);
        self.writer.add_document(doc)?;
        Ok(())
    }

    /// Removes a file's essay.
    pub fn remove(&mut self, file: &str) {
        self.writer
            .delete_term(Term::from_field_text(self.index.fields.file, file));
    }

    /// Makes the changes durable and visible, and waits for merges.
    pub fn commit(mut self) -> Result<(), IndexError> {
        self.writer.commit()?;
        self.writer.wait_merging_threads()?;
        self.index.reader.reload()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_are_marked_and_bad_ranges_left_alone() {
        let hit = SearchHit {
            file: "a.txt".into(),
            author: None,
            unit: None,
            grade: None,
            grade_label: None,
            score: None,
            flags: Vec::new(),
            snippet: "Đảng viên gương mẫu".into(),
            snippet_html: String::new(),
            // "Đảng" (7 bytes), an overlap, "gương" (bytes 14..21), one past the end.
            highlights: vec![(0, 7), (3, 9), (14, 21), (20, 99)],
            relevance: 0.0,
        };
        assert_eq!(hit.marked_snippet("[", "]"), "[Đảng] viên [gương] mẫu");
    }

    /// 370 short essays: many "đang" (folded-only for "Đảng", and frequent), some "Đảng", and
    /// "chuyển đổi số" with and without diacritics, at various frequencies and lengths.
    fn index() -> (tempfile::TempDir, EssayIndex) {
        let dir = tempfile::tempdir().expect("tempdir");
        let index = EssayIndex::open_or_create(dir.path()).expect("index");
        let grader = crate::Grader::with_default_rubric().expect("rubric");
        let mut writer = index.writer(1).expect("writer");
        for i in 0..370 {
            let filler = "một hai ba ".repeat(i % 7);
            let body = match i % 37 {
                0..=14 => "Tôi đang học, đang làm việc và đang cố gắng.".to_string(),
                15..=17 => "Tôi tin vào sự lãnh đạo của Đảng.".to_string(),
                18..=32 => "Đơn vị đang đẩy mạnh chuyển đổi số. ".repeat(1 + i % 3),
                33..=35 => "Ở đây đang chuyen doi so, chuyen doi so và chuyen doi so.".to_string(),
                _ => "Đảng ta chỉ đạo chuyen doi so, chuyen doi so và chuyen doi so.".to_string(),
            };
            let text = format!("Chi bộ: Thử nghiệm\n\nBài {i}. {filler}{body}");
            let row = grader.grade_text(&format!("e{i:03}.txt"), &text);
            writer.add(&row, &text).expect("add");
        }
        writer.commit().expect("commit");
        (dir, index)
    }

    fn files(index: &EssayIndex, top: &[(Score, DocAddress)]) -> Vec<String> {
        let searcher = index.reader.searcher();
        top.iter()
            .map(|&(_, a)| {
                let doc: TantivyDocument = searcher.doc(a).expect("doc");
                let file = doc.get_first(index.fields.file).and_then(|v| v.as_str());
                file.unwrap_or_default().to_string()
            })
            .collect()
    }

    #[test]
    fn reranking_the_pool_gives_the_full_ranking_or_declines() {
        // Smaller than the matches, and more than one chunk.
        const POOL: usize = RERANK_CHUNK + 50;
        let (_dir, index) = index();
        let searcher = index.reader.searcher();
        let opts = SearchOptions::default();
        let mut paths = BTreeSet::new();
        for q in [
            "Đảng",
            "\"chuyển đổi số\"",
            "Đảng \"chuyen doi so\"",
            "đổi số",
        ] {
            let parts = parse_query(q).expect("query");
            for limit in [1, 5, 20] {
                let full = index
                    .rank_all(&searcher, &parts, &opts, limit)
                    .expect("full");
                let pool: Vec<(Score, DocAddress)> = searcher
                    .search(
                        &BooleanQuery::new(index.matching(&parts, &opts)),
                        &TopDocs::with_limit(POOL).order_by_score(),
                    )
                    .expect("pool");
                let total = searcher
                    .search(&BooleanQuery::new(index.matching(&parts, &opts)), &Count)
                    .expect("count");
                assert!(total > POOL, "{q}: {total}");
                let exact = index.exact_queries(&parts);
                let quick = rerank(&searcher, &exact, pool, total, limit).expect("rerank");
                paths.insert(quick.is_some());
                if let Some(quick) = quick {
                    assert_eq!(files(&index, &quick), files(&index, &full), "{q} {limit}");
                }
                let opts = SearchOptions {
                    limit,
                    ..SearchOptions::default()
                };
                let hits: Vec<String> = index
                    .search(q, &opts)
                    .expect("search")
                    .hits
                    .into_iter()
                    .map(|h| h.file)
                    .collect();
                assert_eq!(hits, files(&index, &full), "{q} {limit}");
            }
        }
        // Both the shortcut and the fallback were taken.
        assert_eq!(paths, BTreeSet::from([false, true]));
        // Exact hits first: every "Đảng" essay before any "đang" one.
        let opts = SearchOptions {
            limit: 60,
            ..SearchOptions::default()
        };
        let hits = index.search("Đảng", &opts).expect("search").hits;
        let exact: Vec<bool> = hits.iter().map(|h| h.snippet.contains("Đảng")).collect();
        assert!(exact.windows(2).all(|w| w[0] || !w[1]), "{exact:?}");
        assert_eq!(exact.iter().filter(|&&e| e).count(), 40);
    }
}
