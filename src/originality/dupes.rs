//! Near-duplicates within a batch: MinHash signatures + LSH banding for candidate pairs, then
//! seed-and-extend alignment of each candidate for the exact similarity and the evidence.
//!
//! ## Why it scales
//!
//! Comparing every pair is quadratic (5·10⁹ pairs for 100,000 essays). Instead each essay gets
//! a fixed-size MinHash signature of its set of body k-grams — one-permutation hashing with
//! [`BINS`] = 128 bins (each k-gram hash goes to the bin named by its top 7 bits, the bin keeps
//! the smallest value; empty bins are filled by *optimal densification*, Shrivastava 2017).
//! Two essays agree on a bin with probability equal to the Jaccard similarity of their k-gram
//! sets. The signature is cut into [`BANDS`] = 32 bands of [`ROWS`] = 4 bins; essays that agree
//! on a whole band land in the same bucket and become a candidate pair. The chance that a pair
//! with k-gram Jaccard `J` becomes a candidate is `1 - (1 - J⁴)³²`: 0.56 at J = 0.4, 0.87 at
//! 0.5, 0.99 at 0.6 — while two essays that only share a few quotes (J ≈ 0.02) collide with
//! probability 5·10⁻⁶. A copy with the header changed, two paragraphs swapped and 15 % of
//! its sentences reworded keeps J ≈ 0.5–0.7 with its source. Candidates whose signatures agree
//! on fewer than [`MIN_AGREEMENT`] bins are dropped before the exact check.
//!
//! Only the signatures (512 bytes an essay) are kept for the whole batch; the essays in
//! candidate pairs are analyzed again for alignment, and only pairs at or above the threshold
//! are analyzed a third time for their passages' text.

use rayon::prelude::*;

use super::align::{extend, pair_seeds, passages, BaseSet, Doc};
use super::fingerprint::{body_start, fmix64, kgram_hashes, syllable_hashes};
use super::{round4, Cluster, DuplicateReport, Pair, Thresholds};
use crate::text::{analyze, display};

/// MinHash bins per essay.
pub const BINS: usize = 128;
/// LSH bands.
pub const BANDS: usize = 32;
/// Bins per band.
pub const ROWS: usize = BINS / BANDS;
/// Fewest agreeing bins (of [`BINS`]) for a candidate to be aligned: an estimated Jaccard of
/// 1/8, far below any real copy, that only removes chance collisions.
pub const MIN_AGREEMENT: usize = BINS / 8;
/// Buckets larger than this (a template copied by a whole district) yield a star of pairs
/// around their first essay instead of every pair, so a huge cluster stays linear.
const MAX_BUCKET: usize = 48;
/// Essays sampled to find the batch's common text.
pub const COMMON_SAMPLE: usize = 2_000;
/// A k-gram found in at least this many sampled essays, and in at least
/// [`COMMON_MIN_FRACTION`] of the sample, is common text (see [`common_kgrams`]).
pub const COMMON_MIN_DOCS: usize = 50;
/// See [`COMMON_MIN_DOCS`].
pub const COMMON_MIN_FRACTION: f64 = 0.01;
/// Own (non-base) syllables below which a body counts as this many when computing a share:
/// an essay that is nearly all quotations cannot reach a high similarity through the few
/// words it has of its own.
pub const MIN_OWN_SYLLABLES: usize = 100;
/// Longest passage text shown as evidence, in characters.
const MAX_PASSAGE_CHARS: usize = 600;
/// Passages shown per pair.
const MAX_PASSAGES: usize = 3;

type Signature = Box<[u32; BINS]>;

/// The batch's common text, the way MOSS ignores passages that occur in too many programs:
/// k-grams found in at least [`COMMON_MIN_DOCS`] essays and at least [`COMMON_MIN_FRACTION`]
/// of a deterministic sample of [`COMMON_SAMPLE`] essays (every essay when the batch is
/// smaller). In a city's batch these are the resolution sentences that thousands of members
/// quote; they are treated as base, so two essays that paste the same official sentences are
/// not copies of each other. A party cell's batch (fewer than 50 essays) never has common
/// text: 24 essays copied from one template are all reported.
pub(crate) fn common_kgrams(docs: &[(String, &str)]) -> BaseSet {
    let n = docs.len();
    let take = n.min(COMMON_SAMPLE);
    let min_docs = COMMON_MIN_DOCS.max((COMMON_MIN_FRACTION * take as f64).ceil() as usize);
    if take < min_docs {
        return BaseSet::default();
    }
    let mut all: Vec<u64> = (0..take)
        .into_par_iter()
        .flat_map_iter(|i| {
            let text = docs[i * n / take].1;
            let a = analyze(text);
            let body = body_start(&a);
            let mut grams = kgram_hashes(&syllable_hashes(&a));
            let mut grams = grams.split_off(body.min(grams.len()));
            grams.sort_unstable();
            grams.dedup();
            grams
        })
        .collect();
    all.par_sort_unstable();
    all.chunk_by(|x, y| x == y)
        .filter(|run| run.len() >= min_docs)
        .map(|run| run[0])
        .collect()
}

/// The MinHash signature of an essay's body k-grams (base k-grams left out), or `None` when
/// the body has none.
fn signature(text: &str, base: &BaseSet) -> Option<Signature> {
    let a = analyze(text);
    let body = body_start(&a);
    let grams = kgram_hashes(&syllable_hashes(&a));
    let mut bins = [u64::MAX; BINS];
    let mut any = false;
    for &g in grams.get(body..).unwrap_or(&[]) {
        if !base.is_empty() && base.contains(&g) {
            continue;
        }
        let bin = (g >> 57) as usize;
        let value = g & ((1 << 57) - 1);
        if value < bins[bin] {
            bins[bin] = value;
            any = true;
        }
    }
    if !any {
        return None;
    }
    let mut sig = Box::new([0u32; BINS]);
    for i in 0..BINS {
        let mut value = bins[i];
        let mut attempt = 1u64;
        // Optimal densification: an empty bin borrows from the bin a fixed hash sequence of
        // (bin, attempt) points to, the same sequence for every essay.
        while value == u64::MAX {
            let j = (fmix64(((i as u64) << 32) | attempt) % BINS as u64) as usize;
            value = bins[j];
            attempt += 1;
            if attempt > 4 * BINS as u64 {
                value = bins.iter().copied().min().unwrap_or(0);
            }
        }
        sig[i] = (value ^ (value >> 32)) as u32;
    }
    Some(sig)
}

fn band_key(sig: &[u32; BINS], band: usize) -> u64 {
    sig[band * ROWS..(band + 1) * ROWS]
        .iter()
        .fold(fmix64(band as u64 + 1), |h, &v| {
            fmix64(h ^ u64::from(v).wrapping_mul(0x9E37_79B9_7F4A_7C15))
        })
}

/// Candidate pairs `(i, j)`, `i < j`, from LSH buckets, sorted and de-duplicated.
fn candidates(sigs: &[Option<Signature>]) -> Vec<(u32, u32)> {
    let mut pairs: Vec<(u32, u32)> = (0..BANDS)
        .into_par_iter()
        .flat_map_iter(|band| {
            let mut keys: Vec<(u64, u32)> = sigs
                .iter()
                .enumerate()
                .filter_map(|(i, s)| s.as_ref().map(|s| (band_key(s, band), i as u32)))
                .collect();
            keys.sort_unstable();
            let mut out = Vec::new();
            for group in keys.chunk_by(|x, y| x.0 == y.0) {
                if group.len() <= MAX_BUCKET {
                    for (x, &(_, i)) in group.iter().enumerate() {
                        out.extend(group[x + 1..].iter().map(|&(_, j)| (i, j)));
                    }
                } else {
                    let hub = group[0].1;
                    out.extend(group[1..].iter().map(|&(_, j)| (hub, j)));
                }
            }
            out
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs.retain(|&(i, j)| match (&sigs[i as usize], &sigs[j as usize]) {
        (Some(a), Some(b)) => {
            a.iter().zip(b.iter()).filter(|(x, y)| x == y).count() >= MIN_AGREEMENT
        }
        _ => false,
    });
    pairs
}

/// A pair that passed the exact check, before the passages' text is read.
struct Verified {
    a: u32,
    b: u32,
    similarity: f64,
    share_a: f64,
    share_b: f64,
    passages: Vec<std::ops::Range<usize>>,
}

/// Aligns two docs: the share of each body's own text (not base) found in the other, in
/// passages of at least `min_passage` syllables, and the passages of `a`.
fn compare(a: &Doc, b: &Doc, min_passage: usize) -> (f64, f64, Vec<std::ops::Range<usize>>) {
    let (la, lb) = (a.body_len(), b.body_len());
    if la == 0 || lb == 0 {
        return (0.0, 0.0, Vec::new());
    }
    let runs = extend(&a.syl, a.body, &b.syl, b.body, &pair_seeds(a, b));
    let in_a = passages(
        a.syl.len(),
        runs.iter().map(|r| r.a as usize..(r.a + r.len) as usize),
        &a.base,
        min_passage,
    );
    let in_b = passages(
        b.syl.len(),
        runs.iter().map(|r| r.b as usize..(r.b + r.len) as usize),
        &b.base,
        min_passage,
    );
    let covered = |p: &[std::ops::Range<usize>]| p.iter().map(|r| r.len()).sum::<usize>();
    (
        covered(&in_a) as f64 / own(a) as f64,
        covered(&in_b) as f64 / own(b) as f64,
        in_a,
    )
}

/// Body syllables that are not base, at least [`MIN_OWN_SYLLABLES`].
fn own(d: &Doc) -> usize {
    let base: usize = d
        .base
        .iter()
        .map(|r| (r.end as usize).min(d.syl.len()).saturating_sub((r.start as usize).max(d.body)))
        .sum();
    d.body_len().saturating_sub(base).max(MIN_OWN_SYLLABLES)
}

/// Shortens a passage for display, at a character boundary.
fn clip(s: String) -> String {
    match s.char_indices().nth(MAX_PASSAGE_CHARS) {
        Some((at, _)) => format!("{} …", &s[..at]),
        None => s,
    }
}

pub(crate) fn find(docs: &[(String, &str)], base: &BaseSet, t: &Thresholds) -> DuplicateReport {
    let common = common_kgrams(docs);
    let merged;
    let base = if common.is_empty() {
        base
    } else {
        merged = base.union(&common).copied().collect::<BaseSet>();
        &merged
    };
    let sigs: Vec<Option<Signature>> = docs
        .par_iter()
        .map(|(_, text)| signature(text, base))
        .collect();
    let pairs = candidates(&sigs);
    drop(sigs);

    let mut needed = vec![false; docs.len()];
    for &(i, j) in &pairs {
        needed[i as usize] = true;
        needed[j as usize] = true;
    }
    let prepared: Vec<Option<Doc>> = docs
        .par_iter()
        .zip(needed.par_iter())
        .map(|((_, text), &need)| need.then(|| Doc::new(&analyze(text), base, true)))
        .collect();

    let verified: Vec<Verified> = pairs
        .par_iter()
        .filter_map(|&(i, j)| {
            let (a, b) = (
                prepared[i as usize].as_ref()?,
                prepared[j as usize].as_ref()?,
            );
            let (share_a, share_b, mut found) = compare(a, b, t.min_passage);
            let similarity = round4(share_a.max(share_b));
            if similarity < t.near_duplicate || similarity == 0.0 {
                return None;
            }
            found.sort_by(|x, y| y.len().cmp(&x.len()).then(x.start.cmp(&y.start)));
            found.truncate(MAX_PASSAGES);
            Some(Verified {
                a: i,
                b: j,
                similarity,
                share_a: round4(share_a),
                share_b: round4(share_b),
                passages: found,
            })
        })
        .collect();
    drop(prepared);

    // Clusters: connected components of the verified pairs.
    let mut parent: Vec<u32> = (0..docs.len() as u32).collect();
    fn root(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            let up = parent[parent[x as usize] as usize];
            parent[x as usize] = up;
            x = up;
        }
        x
    }
    for v in &verified {
        let (ra, rb) = (root(&mut parent, v.a), root(&mut parent, v.b));
        if ra != rb {
            parent[ra.max(rb) as usize] = ra.min(rb);
        }
    }
    let mut members: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
    for v in &verified {
        for x in [v.a, v.b] {
            let r = root(&mut parent, x);
            members.entry(r).or_default().push(x);
        }
    }
    let mut by_root: std::collections::BTreeMap<u32, Vec<Pair>> = Default::default();
    let with_text: Vec<(u32, Pair)> = verified
        .par_iter()
        .map(|v| {
            let (file_a, text_a) = &docs[v.a as usize];
            let a = analyze(text_a);
            let passages = v
                .passages
                .iter()
                .map(|p| {
                    let start = a.tokens[p.start].start as usize;
                    let end = a.tokens[p.end - 1].end as usize;
                    clip(display(&text_a[start..end]))
                })
                .collect();
            (
                v.a,
                Pair {
                    a: file_a.clone(),
                    b: docs[v.b as usize].0.clone(),
                    similarity: v.similarity,
                    share_a: v.share_a,
                    share_b: v.share_b,
                    passages,
                },
            )
        })
        .collect();
    for (a, pair) in with_text {
        let r = root(&mut parent, a);
        by_root.entry(r).or_default().push(pair);
    }
    let clusters = members
        .into_iter()
        .map(|(r, mut files)| {
            files.sort_unstable();
            files.dedup();
            Cluster {
                files: files.iter().map(|&i| docs[i as usize].0.clone()).collect(),
                pairs: by_root.remove(&r).unwrap_or_default(),
            }
        })
        .collect();
    DuplicateReport { clusters }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_bodies_have_identical_signatures_and_collide() {
        let body =
            "Đại hội xác định mục tiêu cho từng mốc rất rõ ràng và cụ thể, tôi thấy rất tâm \
                    đắc với điều này vì nó gắn với công việc hằng ngày của chi bộ chúng tôi.";
        let a = signature(
            &format!("Họ và tên: Nguyễn Văn A\n{body}"),
            &BaseSet::default(),
        );
        let b = signature(
            &format!("Họ và tên: Trần Thị B\n{body}"),
            &BaseSet::default(),
        );
        assert!(a.is_some());
        assert_eq!(a, b);
        let sigs = vec![a, b, signature("Quá ngắn.", &BaseSet::default())];
        assert_eq!(candidates(&sigs), vec![(0, 1)]);
    }
}

#[cfg(test)]
mod explore {
    use super::*;

    #[test]
    #[ignore]
    fn dev_pairs() {
        let mut files: Vec<_> = std::fs::read_dir("tests/fixtures/dev")
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        files.sort();
        let texts: Vec<String> = files
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        let base = BaseSet::default();
        let docs: Vec<Doc> = texts
            .iter()
            .map(|t| Doc::new(&analyze(t), &base, true))
            .collect();
        let grams: Vec<rustc_hash::FxHashSet<u64>> = texts
            .iter()
            .map(|t| {
                let a = analyze(t);
                let b = body_start(&a);
                kgram_hashes(&syllable_hashes(&a))
                    .get(b..)
                    .unwrap_or(&[])
                    .iter()
                    .copied()
                    .collect()
            })
            .collect();
        let mut all = Vec::new();
        for i in 0..docs.len() {
            for j in i + 1..docs.len() {
                let (sa, sb, _) = compare(&docs[i], &docs[j], 12);
                let inter = grams[i].intersection(&grams[j]).count();
                let jac = inter as f64 / (grams[i].len() + grams[j].len() - inter).max(1) as f64;
                all.push((sa.max(sb), jac, i, j));
            }
        }
        all.sort_by(|x, y| y.0.total_cmp(&x.0));
        for x in all.iter().take(10) {
            eprintln!(
                "{:.3} J={:.3} {} {}",
                x.0,
                x.1,
                files[x.2].display(),
                files[x.3].display()
            );
        }
        let maxj = all.iter().map(|x| x.1).fold(0.0, f64::max);
        eprintln!("max J {maxj}");
    }
}
