//! Near-duplicates within a batch: MinHash signatures + LSH banding for candidate pairs, then
//! seed-and-extend alignment of each candidate for the exact similarity and the evidence.
//!
//! ## Why it scales
//!
//! Comparing every pair is quadratic (5·10⁹ pairs for 100,000 essays). Instead each essay gets
//! a fixed-size MinHash signature of its set of body k-grams — one-permutation hashing with
//! [`BINS`] = 128 bins (each k-gram hash goes to the bin named by its top 7 bits, the bin keeps
//! the smallest value; empty bins are filled by *optimal densification*, Shrivastava 2017),
//! all with fixed hash functions, so signatures are the same on every run. Two essays agree on
//! a bin with probability equal to the Jaccard similarity `J` of their k-gram sets. The
//! signature is cut into [`BANDS`] = 42 bands of [`ROWS`] = 3 bins; essays that agree on a
//! whole band land in the same bucket and become a candidate pair. A pair becomes a candidate
//! with probability `1 - (1 - J³)⁴²`: 0.68 at J = 0.3, 0.94 at 0.4, 0.996 at 0.5 — while two
//! essays that only share a few quotations (J ≈ 0.01–0.02) collide with probability
//! 4·10⁻⁵–3·10⁻⁴. A copy with a new header, two paragraphs swapped and 10–20 % of its
//! sentences edited keeps J ≈ 0.4–0.8 with its source. Candidates whose signatures agree on
//! fewer than [`MIN_AGREEMENT`] bins are dropped before the exact check.
//!
//! Base k-grams, and in a large batch its *common text* (k-grams in at least 5 % of the
//! essays: the resolution's sentences that many members quote, see
//! [`super::Thresholds::common_share`]), are left out of signatures and of shares, so essays
//! that paste the same official sentences are not copies of each other.
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
pub const BANDS: usize = 42;
/// Bins per band (`BANDS * ROWS` = 126 of the 128 bins are used).
pub const ROWS: usize = 3;
/// Fewest agreeing bins (of [`BINS`]) for a candidate to be aligned: an estimated Jaccard of
/// 1/8, far below any real copy, that only removes chance collisions.
pub const MIN_AGREEMENT: usize = BINS / 8;
/// Buckets larger than this (a template copied by a whole district) yield a star of pairs
/// around their first essay instead of every pair, so a huge cluster stays linear.
const MAX_BUCKET: usize = 48;
/// Essays sampled to find the batch's common text.
pub const COMMON_SAMPLE: usize = 2_000;
/// A k-gram is common text only if found in at least this many sampled essays (and in at
/// least [`Thresholds::common_share`] of the sample), see `common_kgrams`.
pub const COMMON_MIN_DOCS: usize = 100;
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
/// body k-grams found in at least [`COMMON_MIN_DOCS`] essays and at least `share` of a
/// deterministic sample of [`COMMON_SAMPLE`] essays (every essay when the batch is smaller).
/// In a city's batch these are the resolution sentences that thousands of members quote; they
/// are treated as base, so two essays that paste the same official sentences are not copies
/// of each other. A batch of fewer than 100 essays (a party cell) never has common text.
pub(crate) fn common_kgrams(
    docs: &[(String, &str)],
    share: f64,
) -> (BaseSet, Vec<Option<Vec<u64>>>) {
    let n = docs.len();
    let take = n.min(COMMON_SAMPLE);
    let min_docs = COMMON_MIN_DOCS.max((share * take as f64).ceil() as usize);
    if !(share > 0.0 && share <= 1.0) || take < min_docs {
        return (BaseSet::default(), Vec::new());
    }
    // The sampled essays' k-grams are kept: their signatures need not analyze them again.
    let sampled: Vec<(usize, Vec<u64>)> = (0..take)
        .into_par_iter()
        .map(|i| {
            let d = i * n / take;
            (d, body_kgrams(docs[d].1))
        })
        .collect();
    let mut all: Vec<u64> = sampled
        .iter()
        .flat_map(|(_, g)| g.iter().copied())
        .collect();
    all.par_sort_unstable();
    let common = all
        .chunk_by(|x, y| x == y)
        .filter(|run| run.len() >= min_docs)
        .map(|run| run[0])
        .collect();
    let mut cached = vec![None; n];
    for (d, grams) in sampled {
        cached[d] = Some(grams);
    }
    (common, cached)
}

/// The distinct k-grams of an essay's body, sorted.
fn body_kgrams(text: &str) -> Vec<u64> {
    let a = analyze(text);
    let body = body_start(&a);
    let mut grams = kgram_hashes(&syllable_hashes(&a));
    let mut grams = grams.split_off(body.min(grams.len()));
    grams.sort_unstable();
    grams.dedup();
    grams
}

/// The MinHash signature of a set of k-grams (base k-grams left out), or `None` when nothing
/// is left.
fn signature(grams: &[u64], base: &BaseSet) -> Option<Signature> {
    let mut bins = [u64::MAX; BINS];
    let mut any = false;
    for &g in grams {
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
        .map(|r| {
            (r.end as usize)
                .min(d.syl.len())
                .saturating_sub((r.start as usize).max(d.body))
        })
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
    let (common, mut cached) = common_kgrams(docs, t.common_share);
    let merged;
    let base = if common.is_empty() {
        base
    } else {
        merged = base.union(&common).copied().collect::<BaseSet>();
        &merged
    };
    cached.resize(docs.len(), None);
    let sigs: Vec<Option<Signature>> = docs
        .par_iter()
        .zip(cached.par_iter_mut())
        .map(|((_, text), grams)| match grams.take() {
            Some(grams) => signature(&grams, base),
            None => signature(&body_kgrams(text), base),
        })
        .collect();
    drop(cached);
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
        let sig = |t: &str| signature(&body_kgrams(t), &BaseSet::default());
        let a = sig(&format!("Họ và tên: Nguyễn Văn A\n{body}"));
        let b = sig(&format!("Họ và tên: Trần Thị B\n{body}"));
        assert!(a.is_some());
        assert_eq!(a, b);
        let sigs = vec![a, b, sig("Quá ngắn.")];
        assert_eq!(candidates(&sigs), vec![(0, 1)]);
    }

    /// Text of `n` made-up syllables, different for every `seed`.
    fn noise(seed: u64, n: usize) -> String {
        let words: Vec<String> = (0..n as u64)
            .map(|i| format!("t{:x}", fmix64(seed * 1_000_003 + i) % 5_000))
            .collect();
        words
            .chunks(20)
            .map(|c| c.join(" ") + ".")
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn text_quoted_by_most_of_a_large_batch_is_common_and_never_pairs_essays() {
        let quote = "Tập trung kiểm soát đại dịch COVID-19, tiêm chủng đại trà vắc-xin COVID-19 cho \
                     cộng đồng; phục hồi, phát triển kinh tế - xã hội, đổi mới mạnh mẽ mô hình tăng \
                     trưởng, cơ cấu lại nền kinh tế. Khơi dậy khát vọng phát triển đất nước phồn \
                     vinh, hạnh phúc; phát huy giá trị văn hoá, sức mạnh con người Việt Nam.";
        let mut texts: Vec<String> = (0..150u64)
            .map(|i| format!("{} {quote} {quote} {}", noise(i, 60), noise(i + 1000, 40)))
            .collect();
        // One real copy: the same own text.
        texts.push(texts[7].clone());
        let docs: Vec<(String, &str)> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("{i:03}.txt"), t.as_str()))
            .collect();
        let (common, cached) = common_kgrams(&docs, 0.05);
        assert_eq!(cached.iter().filter(|c| c.is_some()).count(), docs.len());
        let quote_grams = kgram_hashes(&syllable_hashes(&analyze(quote)));
        assert!(quote_grams.iter().all(|g| common.contains(g)));
        assert!(!common.contains(&kgram_hashes(&syllable_hashes(&analyze(&noise(3, 20))))[0]));
        let report = find(&docs, &BaseSet::default(), &Thresholds::default());
        assert_eq!(report.clusters.len(), 1, "{report:#?}");
        assert_eq!(report.clusters[0].files, ["007.txt", "150.txt"]);
        // A party cell's batch has no common text.
        assert!(common_kgrams(&docs[..60], 0.05).0.is_empty());
        assert!(common_kgrams(&docs, 0.0).0.is_empty());
    }
}
