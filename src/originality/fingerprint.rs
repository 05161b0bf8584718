//! Syllable hashes, k-grams and winnowing: the fingerprints every originality check is built on.
//!
//! A text is read through the one analyzer ([`crate::text::analyze`]) and each syllable is
//! replaced by a 64-bit hash of its **folded** key (no diacritics, đ → d, lower case, NFC, one
//! tone placement), so `Hoà`/`hòa`/`HOA`/`hoa` and NFD input all hash alike: an essay re-typed
//! without diacritics fingerprints like the original. Punctuation and white space are not
//! syllables, so they never matter either.
//!
//! ## k and w
//!
//! A *k-gram* is [`K`] = 9 consecutive syllables; its hash is a polynomial over the syllable
//! hashes. Vietnamese words are one to three syllables, so nine syllables are four or five
//! words: long enough that independent writers on the same theme rarely produce the same
//! k-gram by chance (stock collocations such as "phát triển kinh tế - xã hội của địa phương"
//! are shorter), short enough that an edited sentence still leaves shared k-grams around the
//! edit. Longer stock phrases (the resolution's own slogans) are what the *base* and the
//! minimum passage length ([`super::Thresholds::min_passage`]) are for.
//!
//! *Winnowing* (Schleimer, Wilkerson, Aiken 2003 — the algorithm behind MOSS) keeps, in every
//! window of [`W`] = 4 consecutive k-grams, the one with the smallest hash (the rightmost on a
//! tie), so about 2/(W+1) = 40 % of the k-grams are kept. Its guarantee: any run of at least
//! `W + K - 1` = 12 shared syllables shares at least one fingerprint. 12 is also the default
//! minimum passage, so every passage long enough to count is found — as a *seed* that the
//! aligner then extends syllable by syllable to the whole shared passage.

use crate::text::Analyzed;

/// Syllables in a k-gram.
pub const K: usize = 9;
/// k-grams in a winnowing window. Every shared run of `W + K - 1` syllables is detected.
pub const W: usize = 4;
/// Paragraphs before the first one with at least this many syllables are the essay's header
/// (party cell, title, name, position) and are left out of every comparison.
pub const HEADER_MIN_SYLLABLES: usize = 18;

/// Odd multiplier of the k-gram polynomial.
const POLY: u64 = 0x9E37_79B9_7F4A_7C15;

/// The MurmurHash3 64-bit finalizer: a fixed, platform-independent bit mixer.
pub(crate) fn fmix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// Hash of one folded syllable (FNV-1a over its bytes, then mixed). Fixed seeds: the same
/// syllable hashes alike in every run, on every machine, whatever the thread count.
pub(crate) fn syllable_hash(fold: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in fold.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    fmix64(h)
}

/// The folded-syllable hashes of every token of an analyzed text.
pub(crate) fn syllable_hashes(a: &Analyzed<'_>) -> Vec<u64> {
    (0..a.tokens.len())
        .map(|i| syllable_hash(a.fold(i)))
        .collect()
}

/// Hash of every k-gram: entry `i` is the hash of syllables `i .. i + K`. Empty when the text
/// has fewer than `K` syllables.
pub(crate) fn kgram_hashes(syllables: &[u64]) -> Vec<u64> {
    if syllables.len() < K {
        return Vec::new();
    }
    // POLY^(K-1), to remove the outgoing syllable when rolling.
    let top = (1..K).fold(1u64, |p, _| p.wrapping_mul(POLY));
    let mut h = syllables[..K]
        .iter()
        .fold(0u64, |h, &s| h.wrapping_mul(POLY).wrapping_add(s));
    let mut out = Vec::with_capacity(syllables.len() - K + 1);
    out.push(fmix64(h));
    for i in K..syllables.len() {
        h = h
            .wrapping_sub(syllables[i - K].wrapping_mul(top))
            .wrapping_mul(POLY)
            .wrapping_add(syllables[i]);
        out.push(fmix64(h));
    }
    out
}

/// Robust winnowing: in each window of `W` consecutive hashes keep the minimum (the rightmost
/// on a tie), and record it once. Returns `(hash, index)` pairs in increasing index order.
/// Fewer than `W` hashes form one window.
pub(crate) fn winnow(hashes: &[u64]) -> Vec<(u64, u32)> {
    let mut out: Vec<(u64, u32)> = Vec::with_capacity(hashes.len() * 2 / (W + 1) + 1);
    if hashes.is_empty() {
        return out;
    }
    let windows = hashes.len().saturating_sub(W) + 1;
    let width = W.min(hashes.len());
    for start in 0..windows {
        let mut best = start;
        for i in start + 1..start + width {
            if hashes[i] <= hashes[best] {
                best = i;
            }
        }
        if out.last().is_none_or(|&(_, at)| at as usize != best) {
            out.push((hashes[best], best as u32));
        }
    }
    out
}

/// Index of the first body token: the first token of the first paragraph with at least
/// [`HEADER_MIN_SYLLABLES`] syllables (0 when there is none: the whole text is body).
pub(crate) fn body_start(a: &Analyzed<'_>) -> usize {
    for p in &a.paragraphs {
        let (Some(first), Some(last)) = (
            a.sentences.get(p.sentences.start),
            p.sentences
                .end
                .checked_sub(1)
                .and_then(|s| a.sentences.get(s)),
        ) else {
            continue;
        };
        let tokens = first.tokens.start..last.tokens.end;
        if tokens.len() >= HEADER_MIN_SYLLABLES {
            return tokens.start;
        }
    }
    0
}

/// A winnowed fingerprint of a text: the hash of a k-gram and where that k-gram is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fingerprint {
    /// Hash of the folded k-gram (stable across runs and machines).
    pub hash: u64,
    /// Index of the k-gram's first syllable among the text's syllables.
    pub syllable: usize,
    /// Byte range of the k-gram in the original text (`start..end`), from the first syllable's
    /// first byte to the last syllable's last byte.
    pub start: usize,
    /// End (exclusive) of that byte range.
    pub end: usize,
}

/// The winnowed fingerprints of a whole text (header included), in text order.
///
/// Deterministic: the same text gives the same fingerprints, and so does the same text in NFD,
/// with the other tone placement, in capitals or without diacritics (hashes are of folded
/// syllables); the byte ranges always point into `text` as given.
pub fn fingerprints(text: &str) -> Vec<Fingerprint> {
    let a = crate::text::analyze(text);
    let grams = kgram_hashes(&syllable_hashes(&a));
    winnow(&grams)
        .into_iter()
        .map(|(hash, i)| {
            let i = i as usize;
            Fingerprint {
                hash,
                syllable: i,
                start: a.tokens[i].start as usize,
                end: a.tokens[i + K - 1].end as usize,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_hash_equals_direct_hash() {
        let syl: Vec<u64> = (0..40u64)
            .map(|i| syllable_hash(&format!("s{}", i % 7)))
            .collect();
        let rolled = kgram_hashes(&syl);
        assert_eq!(rolled.len(), 40 - K + 1);
        for (i, &h) in rolled.iter().enumerate() {
            let direct = syl[i..i + K]
                .iter()
                .fold(0u64, |h, &s| h.wrapping_mul(POLY).wrapping_add(s));
            assert_eq!(h, fmix64(direct));
        }
        assert!(kgram_hashes(&syl[..K - 1]).is_empty());
    }

    #[test]
    fn winnowing_keeps_one_fingerprint_in_every_window() {
        let hashes: Vec<u64> = (0..500u64).map(|i| fmix64(i % 37)).collect();
        let fps = winnow(&hashes);
        for start in 0..=hashes.len() - W {
            let window = start..start + W;
            let min = hashes[window.clone()].iter().min().copied();
            assert!(
                fps.iter()
                    .any(|&(h, at)| window.contains(&(at as usize)) && Some(h) == min),
                "window {start}"
            );
        }
        // Positions increase strictly: each selected k-gram is recorded once.
        assert!(fps.windows(2).all(|p| p[0].1 < p[1].1));
        assert_eq!(winnow(&hashes[..2]).len(), 1);
        assert!(winnow(&[]).is_empty());
    }

    #[test]
    fn the_header_is_skipped_up_to_the_first_long_paragraph() {
        let text = "CHI BỘ TRƯỜNG THCS\nBÀI THU HOẠCH\nHọ và tên: Nguyễn Văn A\n\
                    Tôi đã học tập nghị quyết và thấy rằng đây là một văn kiện rất quan trọng đối với mỗi đảng viên chúng ta.";
        let a = crate::text::analyze(text);
        let b = body_start(&a);
        assert_eq!(a.surface(b), "Tôi");
        assert_eq!(body_start(&crate::text::analyze("Ngắn thôi.")), 0);
    }
}
