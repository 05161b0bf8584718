//! Reviewer search: a tantivy index of graded essays that understands Vietnamese.
//!
//! Text is indexed twice through the grading analyzer: exact keys (`body`) and folded keys
//! (`body_fold`). A query matches on the folded field, so "nghi quyet", "NGHỊ QUYẾT" and NFD
//! input all find "nghị quyết"; when the user typed diacritics, hits that match them exactly
//! rank first ("Đảng" before "đang"). Grades come from the rubric at index time.

mod analyzer;
mod query;
mod snippet;

use std::collections::BTreeSet;
use std::ops::Bound;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, Value,
    STORED, STRING,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

pub use analyzer::{ViTokenizer, VI, VI_FOLD};
pub use query::{parse as parse_query, QueryError, QueryPart};

use crate::grade::Assessment;

/// Version of the index layout; an index with another version must be rebuilt.
pub const FORMAT_VERSION: u32 = 1;
const MARKER_FILE: &str = "thuhoach-index.json";
/// Writer memory per thread (tantivy needs at least 15 MB).
const WRITER_BUDGET: usize = 50_000_000;

/// Why the index could not be used.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("không tìm thấy chỉ mục ở {0} (tạo bằng `thuhoach index … --index {0}`)")]
    Missing(String),
    #[error("{0} không phải chỉ mục của thuhoach hoặc được tạo bởi phiên bản khác (định dạng {1}, cần {2}); hãy tạo lại chỉ mục")]
    Incompatible(String, String, u32),
    #[error("{0}")]
    Query(#[from] QueryError),
    #[error("lỗi chỉ mục: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
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
    pub min_score: Option<f64>,
    /// Flags the essay must carry (`near_duplicate`, …).
    pub flags: Vec<String>,
    pub limit: usize,
}

/// One essay found.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchHit {
    pub file: String,
    pub author: Option<String>,
    pub unit: Option<String>,
    pub grade: Option<String>,
    pub grade_label: Option<String>,
    pub score: Option<f64>,
    pub flags: Vec<String>,
    /// Plain text with the matches between `markers`.
    pub snippet: String,
    /// HTML-escaped text with the matches in `<b>…</b>`.
    pub snippet_html: String,
    /// Byte ranges of the matches inside `snippet`.
    pub highlights: Vec<(usize, usize)>,
    pub relevance: f32,
}

/// The answer to a search: how many essays match, and the best `limit` of them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<SearchHit>,
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
    body: Field,
    body_fold: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str, stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored {
            o.set_stored()
        } else {
            o
        }
    };
    let fields = Fields {
        file: b.add_text_field("file", STRING | STORED),
        sha256: b.add_text_field("sha256", STRING | STORED),
        author: b.add_text_field("author", STORED),
        unit: b.add_text_field("unit", STORED),
        unit_fold: b.add_text_field("unit_fold", text(VI_FOLD, false)),
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
        body: b.add_text_field("body", text(VI, true)),
        body_fold: b.add_text_field("body_fold", text(VI_FOLD, false)),
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

    fn finish_open(index: Index, fields: Fields, dir: &Path) -> Result<Self, IndexError> {
        // Custom tokenizers are not stored in the index: register them on every open.
        index
            .tokenizers()
            .register(VI, TextAnalyzer::from(ViTokenizer::exact()));
        index
            .tokenizers()
            .register(VI_FOLD, TextAnalyzer::from(ViTokenizer::folded()));
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
    pub fn search(&self, query: &str, opts: &SearchOptions) -> Result<SearchResults, IndexError> {
        let parts = parse_query(query)?;
        let f = self.fields;
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for p in &parts {
            let folded = phrase_or_term(f.body_fold, &p.folds);
            // Every hit matches the folded form; the exact form (when the user typed
            // diacritics) only adds score, so it is checked on hits alone and filters apply
            // before it.
            must.push((Occur::Must, folded));
            if p.accented {
                let exact = BoostQuery::new(phrase_or_term(f.body, &p.keys), 3.0);
                must.push((Occur::Should, Box::new(exact)));
            }
        }
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
        let query = BooleanQuery::new(must);
        let searcher = self.reader.searcher();
        let limit = opts.limit.max(1);
        let (total, top) = searcher.search(
            &query,
            &(Count, TopDocs::with_limit(limit).order_by_score()),
        )?;
        let mut hits = Vec::with_capacity(top.len());
        for (relevance, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            let body = text(f.body).unwrap_or_default();
            let cut = snippet::cut(&body, &parts);
            hits.push(SearchHit {
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
            });
        }
        Ok(SearchResults { total, hits })
    }

    /// The folder of the index.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

fn raw_term(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

fn phrase_or_term(field: Field, keys: &[String]) -> Box<dyn Query> {
    if keys.len() == 1 {
        Box::new(TermQuery::new(
            Term::from_field_text(field, &keys[0]),
            IndexRecordOption::WithFreqs,
        ))
    } else {
        let terms = keys
            .iter()
            .map(|k| Term::from_field_text(field, k))
            .collect();
        Box::new(PhraseQuery::new(terms))
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
        doc.add_text(f.body, text);
        doc.add_text(f.body_fold, text);
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
