//! Finds every rubric phrase in an analyzed text, in one pass over its tokens.

use rustc_hash::FxHashMap as HashMap;

use crate::text::{phrase_keys, Analyzed};

/// What a phrase is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A term or alias of theme `.0`.
    Theme(usize),
    /// A heading phrase of part `.0`.
    Heading(usize),
    /// A cue of aspect `.1` of part `.0`.
    Cue(usize, usize),
    /// A marker of another resolution.
    OtherResolution,
    /// This resolution named as the essay's subject.
    OwnSubject,
    /// Another resolution named as the essay's subject.
    OtherSubject,
}

#[derive(Debug, Clone)]
struct Phrase {
    keys: Vec<String>,
    folds: Vec<String>,
    owners: Vec<Owner>,
}

/// One occurrence of a phrase in a text.
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub phrase: usize,
    /// First token of the occurrence.
    pub token: usize,
    pub len: usize,
}

/// All phrases of a rubric, indexed by their first syllable.
#[derive(Debug, Clone, Default)]
pub struct PhraseMatcher {
    phrases: Vec<Phrase>,
    by_key: HashMap<String, Vec<usize>>,
    by_fold: HashMap<String, Vec<usize>>,
    ids: HashMap<Vec<String>, usize>,
}

impl PhraseMatcher {
    /// Adds a phrase for `owner`; the same wording used twice is stored once.
    pub fn add(&mut self, text: &str, owner: Owner) {
        let (keys, folds): (Vec<String>, Vec<String>) = phrase_keys(text).into_iter().unzip();
        if keys.is_empty() {
            return;
        }
        if let Some(&id) = self.ids.get(&keys) {
            if !self.phrases[id].owners.contains(&owner) {
                self.phrases[id].owners.push(owner);
            }
            return;
        }
        let id = self.phrases.len();
        self.by_key.entry(keys[0].clone()).or_default().push(id);
        if folds.len() >= 2 {
            self.by_fold.entry(folds[0].clone()).or_default().push(id);
        }
        self.ids.insert(keys.clone(), id);
        self.phrases.push(Phrase {
            keys,
            folds,
            owners: vec![owner],
        });
    }

    /// Who a phrase belongs to.
    pub fn owners(&self, phrase: usize) -> &[Owner] {
        &self.phrases[phrase].owners
    }

    /// The phrase as the rubric wrote it (its canonical keys joined by spaces).
    pub fn phrase_text(&self, phrase: usize) -> String {
        self.phrases[phrase].keys.join(" ")
    }

    /// Every occurrence, within one sentence, of every phrase. With `folded`, phrases are
    /// compared without diacritics and only phrases of two or more syllables are looked for.
    pub fn find(&self, a: &Analyzed<'_>, folded: bool) -> Vec<Hit> {
        let mut hits = Vec::new();
        let n = a.tokens.len();
        for i in 0..n {
            let (first, index) = if folded {
                (a.fold(i), &self.by_fold)
            } else {
                (a.key(i), &self.by_key)
            };
            let Some(candidates) = index.get(first) else {
                continue;
            };
            let sentence = a.tokens[i].sentence;
            for &id in candidates {
                let p = &self.phrases[id];
                let len = p.keys.len();
                if i + len > n || a.tokens[i + len - 1].sentence != sentence {
                    continue;
                }
                let same = (1..len).all(|j| {
                    if folded {
                        a.fold(i + j) == p.folds[j]
                    } else {
                        a.key(i + j) == p.keys[j]
                    }
                });
                if same {
                    hits.push(Hit {
                        phrase: id,
                        token: i,
                        len,
                    });
                }
            }
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyze;

    #[test]
    fn phrases_match_within_a_sentence_only() {
        let mut m = PhraseMatcher::default();
        m.add("chuyển đổi số", Owner::Theme(0));
        let a = analyze("Đẩy mạnh chuyển đổi. Số hộ nghèo giảm. Chuyển đổi số quốc gia.");
        let hits = m.find(&a, false);
        assert_eq!(hits.len(), 1);
        assert_eq!(a.surface(hits[0].token), "Chuyển");
    }

    #[test]
    fn folded_matching_finds_text_without_diacritics() {
        let mut m = PhraseMatcher::default();
        m.add("nghị quyết", Owner::Theme(0));
        m.add("Đảng", Owner::Theme(1));
        let a = analyze("Hoc tap nghi quyet cua dang");
        let hits = m.find(&a, true);
        assert_eq!(hits.len(), 1, "single syllables are too ambiguous folded");
        assert!(m.find(&a, false).is_empty());
    }

    #[test]
    fn punctuation_inside_a_phrase_is_ignored() {
        let mut m = PhraseMatcher::default();
        m.add("kinh tế - xã hội", Owner::Theme(0));
        let a = analyze("phục hồi, phát triển kinh tế xã hội");
        assert_eq!(m.find(&a, false).len(), 1);
    }
}
