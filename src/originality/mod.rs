//! Originality: text copied from references (the resolution, published "mẫu" essays, last
//! year's essays) and near-duplicate essays within a batch, with the copied passages as proof.
//!
//! Everything is compared through the one analyzer, on **folded** syllables (no diacritics,
//! đ → d, any case, NFC or NFD, either tone placement), so an essay re-typed without diacritics
//! or with the other tone placement is still the same text. Offsets and passages are always of
//! the original text.
//!
//! - [`fingerprints`]: winnowed k-gram fingerprints of a text (MOSS-style; k and w are
//!   explained in the docs of [`K`] and [`W`]).
//! - [`ReferenceSet`]: references plus a *base* of text everyone is expected to quote;
//!   [`ReferenceSet::check`] gives the share of an essay copied from them
//!   ([`ReferenceCheck`]).
//! - [`find_duplicates`]: clusters of near-duplicate essays in a batch ([`DuplicateReport`],
//!   the JSON of `thuhoach dupes --format json`), scalable to hundreds of thousands of essays
//!   (MinHash + LSH candidates, then exact alignment).
//! - [`Originality`]: the per-essay summary that goes into the grade row, and the flags it
//!   raises under [`Thresholds`].
//!
//! An essay's header (party cell, title, name, position: the paragraphs before the first one
//! with at least [`HEADER_MIN_SYLLABLES`] syllables) is never compared, so changing the name
//! on a copied essay changes nothing.

mod align;
mod dupes;
mod fingerprint;
mod reference;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use dupes::{BANDS, BINS, MIN_AGREEMENT, ROWS};
pub use fingerprint::{fingerprints, Fingerprint, HEADER_MIN_SYLLABLES, K, W};
pub use reference::ReferenceSet;

use crate::assess::Flag;
use crate::ingest::IngestError;

/// Why references could not be loaded. A bad reference stops the run (exit code 2): the
/// committee asked to compare against it.
#[derive(Debug, thiserror::Error)]
pub enum OriginalityError {
    /// A reference path does not exist or a folder cannot be walked.
    #[error("văn bản tham chiếu: {0}")]
    Input(#[from] IngestError),
    /// A reference file cannot be read.
    #[error("không đọc được văn bản tham chiếu {}: {source}", .path.display())]
    Read {
        /// The reference file.
        path: PathBuf,
        /// Why it could not be read.
        #[source]
        source: IngestError,
    },
}

/// The limits that decide what counts as copying, with defaults meant for the shipped rubric.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Thresholds {
    /// Raise `copied_reference` when at least this share of the essay's body is copied from
    /// references (default 0.5: half the essay is not the writer's own words). Quoting the six
    /// key tasks in one paragraph of an ordinary essay stays far below it.
    pub copied_share: f64,
    /// Two essays are near-duplicates (and `near_duplicate` is raised on both) when at least
    /// this share of one of them is found in the other (default 0.5). Among the 24 dev essays
    /// (distinct writers on the same theme) the most similar pair shares 20 % (common
    /// quotations); a copy with the author changed, two paragraphs swapped and every seventh
    /// sentence edited still shares 87–94 % with its source, a copy without diacritics 100 %.
    pub near_duplicate: f64,
    /// Shortest passage, in syllables, that counts as copied once base text is removed
    /// (default 12, the winnowing guarantee `K + W - 1`): a quoted slogan or a stock phrase
    /// is shorter.
    pub min_passage: usize,
    /// In a batch of at least 100 essays, text found in at least this share of the essays
    /// (and in at least 100 of them; estimated on a sample of 2,000) is *common text* and is
    /// left out of near-duplicate comparisons like the base (default 0.05; 0 turns it off).
    /// It is the resolution's sentences that many members quote. The price: a template copied
    /// by more than 5 % of a large batch is common text too, and its copies are not paired
    /// with each other — compare against such a template as a reference instead.
    pub common_share: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            copied_share: 0.5,
            near_duplicate: 0.5,
            min_passage: K + W - 1,
            common_share: 0.05,
        }
    }
}

/// A passage of an essay: byte offsets into the essay's original text, and that text (white
/// space collapsed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Span {
    /// Byte offset of the passage's start in the essay's text.
    pub start: usize,
    /// Byte offset of its end (exclusive).
    pub end: usize,
    /// The passage as written, white space collapsed.
    pub text: String,
}

/// What one reference contributed to an essay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourceMatch {
    /// The reference's name (its path when read from a file).
    pub reference: String,
    /// Share of the essay's body syllables found in this reference (base excluded).
    pub share: f64,
    /// The copied passages, in text order.
    pub spans: Vec<Span>,
}

/// The result of checking one essay against a [`ReferenceSet`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReferenceCheck {
    /// Share of the essay's body syllables covered by passages shared with any reference (at
    /// least [`Thresholds::min_passage`] syllables, base excluded), 0 to 1.
    pub copied_share: f64,
    /// References the essay shares passages with, the largest share first.
    pub sources: Vec<SourceMatch>,
}

/// Two essays of a batch that are near-duplicates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    /// The essay that comes first in the input.
    pub a: String,
    /// The essay that comes later in the input.
    pub b: String,
    /// The larger of `share_a` and `share_b`: how much of one essay is found in the other.
    pub similarity: f64,
    /// Share of `a`'s own text found in `b`: syllables of `a`'s body in shared passages of at
    /// least [`Thresholds::min_passage`] syllables, over `a`'s body syllables that are not base
    /// or common text (counted as at least 100, so an essay of nearly only quotations cannot
    /// look like a copy through a few words).
    pub share_a: f64,
    /// Share of `b`'s body found in `a`.
    pub share_b: f64,
    /// The longest shared passages, as written in `a` (at most three, each cut at 600
    /// characters).
    pub passages: Vec<String>,
}

/// Essays that are copies of each other (connected by near-duplicate pairs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    /// Members, in input order.
    pub files: Vec<String>,
    /// The pairs found, in input order of `a` then `b`.
    pub pairs: Vec<Pair>,
}

/// The near-duplicates of a batch: the JSON of `thuhoach dupes --format json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DuplicateReport {
    /// Clusters in input order of their first member.
    pub clusters: Vec<Cluster>,
}

/// A near-duplicate partner of an essay, for its grade row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DuplicatePartner {
    /// The other essay's file.
    pub file: String,
    /// How much of one essay is found in the other, 0–1 (see [`Pair::similarity`]).
    pub similarity: f64,
}

impl DuplicateReport {
    /// Every essay with a near-duplicate partner → its partners, the most similar first.
    pub fn partners(&self) -> BTreeMap<String, Vec<DuplicatePartner>> {
        let mut out: BTreeMap<String, Vec<DuplicatePartner>> = BTreeMap::new();
        for pair in self.clusters.iter().flat_map(|c| &c.pairs) {
            for (me, other) in [(&pair.a, &pair.b), (&pair.b, &pair.a)] {
                out.entry(me.clone()).or_default().push(DuplicatePartner {
                    file: other.clone(),
                    similarity: pair.similarity,
                });
            }
        }
        for partners in out.values_mut() {
            sort_partners(partners);
        }
        out
    }

    /// The near-duplicate partners of one essay, the most similar first.
    pub fn partners_of(&self, file: &str) -> Vec<DuplicatePartner> {
        let mut out: Vec<DuplicatePartner> = self
            .clusters
            .iter()
            .flat_map(|c| &c.pairs)
            .filter_map(|p| {
                let other = if p.a == file {
                    &p.b
                } else if p.b == file {
                    &p.a
                } else {
                    return None;
                };
                Some(DuplicatePartner {
                    file: other.clone(),
                    similarity: p.similarity,
                })
            })
            .collect();
        sort_partners(&mut out);
        out
    }
}

fn sort_partners(p: &mut [DuplicatePartner]) {
    p.sort_by(|x, y| {
        y.similarity
            .total_cmp(&x.similarity)
            .then_with(|| x.file.cmp(&y.file))
    });
}

/// Near-duplicate essays within a batch: `docs` are `(file, text)` in input order; pairs
/// whose similarity (the share of one essay found in the other) is at least `threshold` are
/// reported, grouped in clusters. No base: see [`ReferenceSet::find_duplicates`] to leave
/// base text out. The output is the same whatever the number of threads.
pub fn find_duplicates(docs: &[(String, &str)], threshold: f64) -> DuplicateReport {
    let thresholds = Thresholds {
        near_duplicate: threshold,
        ..Thresholds::default()
    };
    dupes::find(docs, &Default::default(), &thresholds)
}

impl ReferenceSet {
    /// Near-duplicate essays within a batch, as [`find_duplicates`], with this set's base left
    /// out of every comparison (two essays quoting the same slogans are not copies of each
    /// other), `thresholds.near_duplicate` as the threshold and `thresholds.min_passage` as
    /// the shortest passage that counts.
    pub fn find_duplicates(
        &self,
        docs: &[(String, &str)],
        thresholds: &Thresholds,
    ) -> DuplicateReport {
        dupes::find(docs, self.base(), thresholds)
    }
}

/// The originality part of an essay's grade row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Originality {
    /// Share of the body copied from references (see [`ReferenceCheck::copied_share`]).
    pub copied_share: f64,
    /// References copied from, with the copied spans.
    pub sources: Vec<SourceMatch>,
    /// Near-duplicate essays of the same batch, the most similar first.
    pub duplicates: Vec<DuplicatePartner>,
}

impl Originality {
    /// Combines the reference check of an essay with its near-duplicate partners.
    pub fn new(check: ReferenceCheck, duplicates: Vec<DuplicatePartner>) -> Self {
        Originality {
            copied_share: check.copied_share,
            sources: check.sources,
            duplicates,
        }
    }

    /// At least `thresholds.copied_share` of the essay is copied from references.
    pub fn is_copied(&self, thresholds: &Thresholds) -> bool {
        self.copied_share > 0.0 && self.copied_share >= thresholds.copied_share
    }

    /// Some essay of the batch shares at least `thresholds.near_duplicate` with this one.
    pub fn is_near_duplicate(&self, thresholds: &Thresholds) -> bool {
        self.duplicates
            .iter()
            .any(|d| d.similarity > 0.0 && d.similarity >= thresholds.near_duplicate)
    }

    /// The flags to raise: [`Flag::CopiedReference`] and/or [`Flag::NearDuplicate`].
    pub fn flags(&self, thresholds: &Thresholds) -> Vec<Flag> {
        let mut flags = Vec::new();
        if self.is_copied(thresholds) {
            flags.push(Flag::CopiedReference);
        }
        if self.is_near_duplicate(thresholds) {
            flags.push(Flag::NearDuplicate);
        }
        flags
    }
}

/// Rounds a share to four decimals, so rows are short and comparisons stable.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_follow_the_thresholds() {
        let mut o = Originality {
            copied_share: 0.5,
            ..Default::default()
        };
        let t = Thresholds::default();
        assert_eq!(o.flags(&t), vec![Flag::CopiedReference]);
        o.copied_share = 0.49;
        o.duplicates.push(DuplicatePartner {
            file: "b.txt".into(),
            similarity: 0.8,
        });
        assert_eq!(o.flags(&t), vec![Flag::NearDuplicate]);
        let strict = Thresholds {
            near_duplicate: 0.9,
            ..t
        };
        assert!(o.flags(&strict).is_empty());
    }

    #[test]
    fn thresholds_deserialize_with_defaults() {
        let t: Thresholds = serde_json::from_str(r#"{"copied_share": 0.3}"#).unwrap();
        assert_eq!(t.copied_share, 0.3);
        assert_eq!(t.near_duplicate, 0.5);
        assert_eq!(t.min_passage, 12);
    }
}
