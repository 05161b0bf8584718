//! Reference texts (the resolution, published templates, last year's essays) and the base, and
//! the check of one essay against them.

use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use super::align::{base_hashes, extend, passages, BaseSet, Doc};
use super::{round4, OriginalityError, ReferenceCheck, SourceMatch, Span, Thresholds};
use crate::ingest;
use crate::text::{analyze, display, Analyzed};

/// Positions kept per fingerprint value in the reference index: a k-gram that occurs in many
/// places of the references (a refrain repeated through a template) needs only a few seeds.
const MAX_INDEX_PER_HASH: usize = 16;

#[derive(Debug, Clone)]
struct Reference {
    name: String,
    syl: Vec<u32>,
}

/// Texts an essay must not be copied from, plus a *base* of text everyone is expected to quote.
///
/// Each reference is fingerprinted (winnowing over folded syllable k-grams, see
/// [`super::fingerprints`]) into one index; checking an essay looks its fingerprints up and
/// extends every hit to the whole shared passage. The base works like the base file of MOSS:
/// any k-gram that occurs in a base text (the resolution's slogans, the usual essay header, the
/// names of the six key tasks…) is never counted as copying, whichever reference it is also in.
///
/// ```
/// use thuhoach::originality::ReferenceSet;
///
/// let mut refs = ReferenceSet::new();
/// refs.add_text(
///     "mau-bai-thu-hoach.txt",
///     "Qua học tập nghị quyết tôi nhận thức sâu sắc rằng đây là văn kiện có ý nghĩa hết sức \
///      quan trọng, định hướng cho sự phát triển của đất nước trong giai đoạn mới.",
/// );
/// let essay = "Thu hoạch của tôi như sau, xin trình bày ngắn gọn để chi bộ cùng xem xét. \
///     Qua học tập Nghị quyết, tôi nhận thức sâu sắc rằng đây là văn kiện có ý nghĩa hết sức \
///     quan trọng, định hướng cho sự phát triển của đất nước trong giai đoạn mới.";
/// let check = refs.check(essay);
/// assert!(check.copied_share > 0.5);
/// assert_eq!(check.sources[0].reference, "mau-bai-thu-hoach.txt");
/// assert!(check.sources[0].spans[0].text.starts_with("Qua học tập Nghị quyết"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct ReferenceSet {
    refs: Vec<Reference>,
    /// Winnowed fingerprint → (reference, position of its k-gram).
    index: FxHashMap<u64, Vec<(u32, u32)>>,
    base: BaseSet,
}

impl ReferenceSet {
    /// An empty set: no references, no base.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads references from files and folders (folders are walked for .txt and .docx, see
    /// [`ingest::collect_inputs`]); each is named by its path. A reference that cannot be read
    /// is an error for the whole run: the committee asked for it.
    pub fn from_paths(paths: &[PathBuf]) -> Result<Self, OriginalityError> {
        let mut set = Self::new();
        set.add_paths(paths)?;
        Ok(set)
    }

    /// Adds references from files and folders, as [`ReferenceSet::from_paths`].
    pub fn add_paths(&mut self, paths: &[PathBuf]) -> Result<(), OriginalityError> {
        for path in ingest::collect_inputs(paths)? {
            let text = read(&path)?;
            self.add_text(path.display().to_string(), &text);
        }
        Ok(())
    }

    /// Adds base texts from files and folders (see [`ReferenceSet::add_base`]).
    pub fn add_base_paths(&mut self, paths: &[PathBuf]) -> Result<(), OriginalityError> {
        for path in ingest::collect_inputs(paths)? {
            let text = read(&path)?;
            self.add_base(&text);
        }
        Ok(())
    }

    /// Adds one reference text under `name` (shown as the source of copied passages).
    pub fn add_text(&mut self, name: impl Into<String>, text: &str) {
        let id = self.refs.len() as u32;
        let doc = Doc::new(&analyze(text), &BaseSet::default(), false);
        for &(hash, pos) in &doc.fps {
            let slot = self.index.entry(hash).or_default();
            if slot.len() < MAX_INDEX_PER_HASH {
                slot.push((id, pos));
            }
        }
        self.refs.push(Reference {
            name: name.into(),
            syl: doc.syl,
        });
    }

    /// Adds text everyone is expected to quote. Passages of an essay found in the base never
    /// count as copied, from a reference or from another essay. Only runs of at least
    /// [`super::K`] syllables matter, so a base is made of whole phrases, not single words.
    pub fn add_base(&mut self, text: &str) {
        self.base.extend(base_hashes(&analyze(text)));
    }

    /// Number of references (the base not counted).
    pub fn len(&self) -> usize {
        self.refs.len()
    }

    /// No references (there may still be a base).
    pub fn is_empty(&self) -> bool {
        self.refs.is_empty()
    }

    /// Names of the references, in the order they were added.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.refs.iter().map(|r| r.name.as_str())
    }

    pub(crate) fn base(&self) -> &BaseSet {
        &self.base
    }

    /// Checks an essay against the references with the default [`Thresholds`].
    pub fn check(&self, text: &str) -> ReferenceCheck {
        self.check_analyzed(&analyze(text), &Thresholds::default())
    }

    /// Checks an essay against the references; `thresholds.min_passage` is the shortest
    /// passage (in syllables, after removing the base) that counts as copied.
    pub fn check_with(&self, text: &str, thresholds: &Thresholds) -> ReferenceCheck {
        self.check_analyzed(&analyze(text), thresholds)
    }

    /// As [`ReferenceSet::check_with`], on an essay the caller has already analyzed. The
    /// essay's header (paragraphs before the first one of 18 syllables or more) is left out.
    pub fn check_analyzed(&self, a: &Analyzed<'_>, thresholds: &Thresholds) -> ReferenceCheck {
        let doc = Doc::new(a, &self.base, true);
        let body = doc.body_len();
        if self.refs.is_empty() || body == 0 {
            return ReferenceCheck::default();
        }
        let mut seeds: Vec<Vec<(u32, u32)>> = vec![Vec::new(); self.refs.len()];
        for &(hash, i) in &doc.fps {
            if let Some(hits) = self.index.get(&hash) {
                for &(r, j) in hits {
                    seeds[r as usize].push((i, j));
                }
            }
        }
        let n = doc.syl.len();
        let mut all = Vec::new();
        let mut sources = Vec::new();
        for (r, mut seeds) in seeds.into_iter().enumerate() {
            if seeds.is_empty() {
                continue;
            }
            seeds.sort_unstable();
            let reference = &self.refs[r];
            let runs = extend(&doc.syl, doc.body, &reference.syl, 0, &seeds);
            let covered = runs
                .iter()
                .map(|run| run.a as usize..(run.a + run.len) as usize);
            let found = passages(n, covered, &doc.base, thresholds.min_passage);
            if found.is_empty() {
                continue;
            }
            let copied: usize = found.iter().map(|p| p.len()).sum();
            sources.push(SourceMatch {
                reference: reference.name.clone(),
                share: round4(copied as f64 / body as f64),
                spans: found.iter().map(|p| span(a, p.clone())).collect(),
            });
            all.extend(found);
        }
        let copied: usize = passages(n, all, &[], 1).iter().map(|p| p.len()).sum();
        sources.sort_by(|x, y| {
            y.share
                .total_cmp(&x.share)
                .then_with(|| x.reference.cmp(&y.reference))
        });
        ReferenceCheck {
            copied_share: round4(copied as f64 / body as f64),
            sources,
        }
    }
}

fn read(path: &Path) -> Result<String, OriginalityError> {
    ingest::read_document(path)
        .map(|doc| doc.text)
        .map_err(|source| OriginalityError::Read {
            path: path.to_path_buf(),
            source,
        })
}

/// The original text of tokens `t` as a [`Span`] (byte offsets into the analyzed text).
pub(crate) fn span(a: &Analyzed<'_>, t: std::ops::Range<usize>) -> Span {
    let start = a.tokens[t.start].start as usize;
    let end = a.tokens[t.end - 1].end as usize;
    Span {
        start,
        end,
        text: display(&a.text[start..end]),
    }
}
