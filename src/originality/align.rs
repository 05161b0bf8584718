//! Texts prepared for comparison ([`Doc`]) and seed-and-extend alignment of two of them.
//!
//! Shared winnowed fingerprints are *seeds*; each seed is extended syllable by syllable to
//! the left and right, to the whole run of identical (folded) syllables the two texts share.
//! Runs cover syllables; syllables in the base are removed; what is left, in runs of at least
//! the minimum passage length, is copied text.

use std::ops::Range;

use rustc_hash::{FxHashMap, FxHashSet};

use super::fingerprint::{body_start, kgram_hashes, syllable_hashes, winnow, K};
use crate::text::Analyzed;

/// Positions kept per fingerprint value when pairing seeds: text repeated many times inside
/// one essay (a paragraph pasted four times) must not make alignment quadratic.
pub(crate) const MAX_SEEDS_PER_HASH: usize = 8;

/// The set of base k-gram hashes (text everyone is expected to quote).
pub(crate) type BaseSet = FxHashSet<u64>;

/// A text reduced to what comparison needs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Doc {
    /// Folded-syllable hash of every token (low 32 bits are plenty to compare syllables).
    pub syl: Vec<u32>,
    /// First body token (tokens before it are the header and never match).
    pub body: usize,
    /// Token ranges covered by base k-grams, sorted and disjoint.
    pub base: Vec<Range<u32>>,
    /// Winnowed fingerprints of the body `(hash, first token)`, sorted by hash then position.
    /// Base k-grams are never selected.
    pub fps: Vec<(u64, u32)>,
}

impl Doc {
    /// Prepares an analyzed text. `skip_header`: leave out paragraphs before the first long one
    /// (essays); references keep their whole text.
    pub fn new(a: &Analyzed<'_>, base: &BaseSet, skip_header: bool) -> Doc {
        let syl64 = syllable_hashes(a);
        let body = if skip_header { body_start(a) } else { 0 };
        let mut grams = kgram_hashes(&syl64);
        let base_ranges = base_ranges(&mut grams, base);
        let fps = if body < grams.len() {
            let mut fps: Vec<(u64, u32)> = winnow(&grams[body..])
                .into_iter()
                .filter(|&(h, _)| h != u64::MAX)
                .map(|(h, i)| (h, i + body as u32))
                .collect();
            fps.sort_unstable();
            fps
        } else {
            Vec::new()
        };
        Doc {
            syl: syl64.iter().map(|&h| h as u32).collect(),
            body,
            base: base_ranges,
            fps,
        }
    }

    /// Syllables in the body.
    pub fn body_len(&self) -> usize {
        self.syl.len().saturating_sub(self.body)
    }
}

/// Marks base k-grams (their hash is replaced by `u64::MAX`, so winnowing never selects them)
/// and returns the token ranges they cover.
fn base_ranges(grams: &mut [u64], base: &BaseSet) -> Vec<Range<u32>> {
    let mut out: Vec<Range<u32>> = Vec::new();
    if base.is_empty() {
        return out;
    }
    for (i, g) in grams.iter_mut().enumerate() {
        if base.contains(g) {
            *g = u64::MAX;
            let (s, e) = (i as u32, (i + K) as u32);
            match out.last_mut() {
                Some(last) if last.end >= s => last.end = last.end.max(e),
                _ => out.push(s..e),
            }
        }
    }
    out
}

/// All k-gram hashes of a text, for a base set.
pub(crate) fn base_hashes(a: &Analyzed<'_>) -> Vec<u64> {
    kgram_hashes(&syllable_hashes(a))
}

/// A run of identical syllables: `len` tokens from `a` in one text and from `b` in the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Run {
    pub a: u32,
    pub b: u32,
    pub len: u32,
}

/// Syllable comparisons allowed per text syllable in one [`extend`] call. Ordinary texts use
/// about one; only hostile input (one sentence repeated thousands of times in both texts,
/// where every seed starts a long run on a new diagonal) reaches it, and then the remaining
/// seeds are dropped instead of taking quadratic time.
const WORK_PER_SYLLABLE: usize = 64;

/// Extends seeds `(position in a, position in b)`, sorted by position in `a`, to maximal runs
/// of equal syllables, never entering either header. Seeds inside a run already found on the
/// same diagonal are skipped, so each run is reported once.
pub(crate) fn extend(
    a: &[u32],
    a_lo: usize,
    b: &[u32],
    b_lo: usize,
    seeds: &[(u32, u32)],
) -> Vec<Run> {
    let mut reached: FxHashMap<i64, u32> = FxHashMap::default();
    let mut runs = Vec::new();
    let mut budget = WORK_PER_SYLLABLE * (a.len() + b.len() + K);
    for &(i, j) in seeds {
        let diag = i64::from(i) - i64::from(j);
        if reached.get(&diag).is_some_and(|&end| end > i) {
            continue;
        }
        let (i, j) = (i as usize, j as usize);
        if i < a_lo || j < b_lo || i >= a.len() || j >= b.len() || a[i] != b[j] {
            continue;
        }
        let mut s = 0;
        while i - s > a_lo && j - s > b_lo && a[i - s - 1] == b[j - s - 1] {
            s += 1;
        }
        let mut e = 1;
        while i + e < a.len() && j + e < b.len() && a[i + e] == b[j + e] {
            e += 1;
        }
        let run = Run {
            a: (i - s) as u32,
            b: (j - s) as u32,
            len: (s + e) as u32,
        };
        budget = budget.saturating_sub(s + e);
        if budget == 0 {
            break;
        }
        reached.insert(diag, run.a + run.len);
        if run.len as usize >= K {
            runs.push(run);
        }
    }
    runs
}

/// Seeds shared by two docs: pairs of positions with the same fingerprint (merge of the two
/// hash-sorted lists), sorted by position in `a`.
pub(crate) fn pair_seeds(a: &Doc, b: &Doc) -> Vec<(u32, u32)> {
    let (fa, fb) = (&a.fps, &b.fps);
    let (mut x, mut y) = (0, 0);
    let mut seeds = Vec::new();
    while x < fa.len() && y < fb.len() {
        let (ha, hb) = (fa[x].0, fb[y].0);
        if ha < hb {
            x += 1;
        } else if hb < ha {
            y += 1;
        } else {
            let xe = x + fa[x..].iter().take_while(|f| f.0 == ha).count();
            let ye = y + fb[y..].iter().take_while(|f| f.0 == ha).count();
            for &(_, i) in fa[x..xe].iter().take(MAX_SEEDS_PER_HASH) {
                for &(_, j) in fb[y..ye].iter().take(MAX_SEEDS_PER_HASH) {
                    seeds.push((i, j));
                }
            }
            x = xe;
            y = ye;
        }
    }
    seeds.sort_unstable();
    seeds
}

/// Token ranges of copied text: the union of `covered` ranges, minus the base, split into
/// maximal runs of at least `min_len` tokens, in text order.
pub(crate) fn passages(
    n: usize,
    covered: impl IntoIterator<Item = Range<usize>>,
    base: &[Range<u32>],
    min_len: usize,
) -> Vec<Range<usize>> {
    let mut mask = vec![false; n];
    for r in covered {
        let r = r.start.min(n)..r.end.min(n);
        mask[r].iter_mut().for_each(|m| *m = true);
    }
    for r in base {
        let r = (r.start as usize).min(n)..(r.end as usize).min(n);
        mask[r].iter_mut().for_each(|m| *m = false);
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        if !mask[i] {
            i += 1;
            continue;
        }
        let s = i;
        while i < n && mask[i] {
            i += 1;
        }
        if i - s >= min_len.max(1) {
            out.push(s..i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyze;

    fn doc(text: &str) -> Doc {
        Doc::new(&analyze(text), &BaseSet::default(), false)
    }

    #[test]
    fn a_shared_passage_is_found_whole_whatever_surrounds_it() {
        let shared = "chúng ta phải khơi dậy khát vọng phát triển đất nước phồn vinh hạnh phúc \
                      và phát huy ý chí sức mạnh đại đoàn kết toàn dân tộc";
        let a = doc(&format!(
            "Mở đầu riêng của người thứ nhất viết. {shared} kết thúc khác."
        ));
        let b = doc(&format!(
            "Hoàn toàn khác ở đây, xin nói thêm nữa là: {shared}. Hết."
        ));
        let runs = extend(&a.syl, a.body, &b.syl, b.body, &pair_seeds(&a, &b));
        assert_eq!(runs.len(), 1, "{runs:?}");
        let n_shared = analyze(shared).tokens.len() as u32;
        assert_eq!(runs[0].len, n_shared);
        assert_eq!(runs[0].a, 8);
        assert_eq!(runs[0].b, 10);
    }

    #[test]
    fn text_repeated_thousands_of_times_is_aligned_in_bounded_time() {
        let sentence = "đoàn kết dân chủ kỷ cương sáng tạo phát triển vì nhân dân phục vụ. ";
        let a = doc(&sentence.repeat(3_000));
        let b = doc(&format!(
            "{}{}",
            "Mở đầu khác hẳn. ",
            sentence.repeat(3_000)
        ));
        let seeds = pair_seeds(&a, &b);
        let start = std::time::Instant::now();
        let runs = extend(&a.syl, a.body, &b.syl, b.body, &seeds);
        assert!(!runs.is_empty());
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
        let covered = passages(
            a.syl.len(),
            runs.iter().map(|r| r.a as usize..(r.a + r.len) as usize),
            &[],
            12,
        );
        assert_eq!(covered, vec![0..a.syl.len()]);
    }

    #[test]
    fn passages_drop_the_base_and_short_leftovers() {
        let covered = vec![2..30usize, 40..45];
        let base: Vec<Range<u32>> = std::iter::once(10..25).collect();
        assert_eq!(
            passages(50, covered.clone(), &base, 5),
            vec![2..10, 25..30, 40..45]
        );
        assert_eq!(passages(50, covered, &base, 6), vec![2..10]);
    }
}
