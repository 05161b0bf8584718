//! Assessment: what an essay shows — themes covered with evidence, the parts it has, and
//! quality signals. Scores and levels are decided afterwards, in [`crate::grade`].

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashSet, FxHasher};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use crate::flag::Flag;

use crate::rubric::{CompiledRubric, Measure, Owner};
use crate::text::{analyze, phrase_keys, Analyzed, Heading, SyllableTable};

/// Evidence sentences kept per theme and per aspect.
const MAX_EVIDENCE: usize = 2;
/// A paragraph this long (in syllables) is body text, not the essay's header.
const BODY_PARAGRAPH_WORDS: usize = 18;
/// Sentences shorter than this are not checked for verbatim repetition.
const REPEAT_MIN_WORDS: usize = 5;
/// Items of one list ("Tôi xin cam kết:" followed by items) credited to the list's aspect.
const MAX_LIST_ITEMS: usize = 12;

/// How well one theme of the rubric is covered.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ThemeResult {
    /// The theme's id in the rubric.
    pub id: String,
    /// The theme's label (Vietnamese).
    pub label: String,
    /// At least one term or concept of the theme was found in a counted body sentence.
    pub covered: bool,
    /// The rubric marks the theme required.
    pub required: bool,
    /// Share of the theme's credit earned, 0–1.
    pub credit: f64,
    /// Distinct rubric phrases found.
    pub matched: Vec<String>,
    /// Sentences of the essay that show the theme.
    pub evidence: Vec<String>,
    /// How the theme was recognized: by the resolution's wording, by the writer's own words
    /// (a concept), or both. `None` when not covered.
    #[serde(default)]
    pub recognized: Option<Recognition>,
    /// Labels of the concepts recognized in the writer's own words.
    #[serde(default)]
    pub concepts: Vec<String>,
}

/// How a theme was recognized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recognition {
    /// Only the resolution's own terms.
    Official,
    /// Only the writer's own words (concepts).
    OwnWords,
    /// Both.
    Both,
}

impl Recognition {
    /// Vietnamese wording for explanations.
    pub fn label(self) -> &'static str {
        match self {
            Recognition::Official => "nêu bằng lời văn của Nghị quyết",
            Recognition::OwnWords => "diễn đạt bằng lời của người viết",
            Recognition::Both => "có cả lời văn Nghị quyết và lời của người viết",
        }
    }
}

/// One aspect of a part (e.g. concrete facts about one's own unit).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AspectResult {
    /// The aspect's id in the rubric.
    pub id: String,
    /// The aspect's label (Vietnamese).
    pub label: String,
    /// Sentences that earned the aspect.
    pub sentences: usize,
    /// Sentences needed for full credit.
    pub target: usize,
    /// Share of the aspect's credit earned, 0–1.
    pub credit: f64,
    /// Up to two sentences that earned it, as written.
    pub evidence: Vec<String>,
}

/// One part of the essay: awareness, relation, or commitments and proposals.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PartResult {
    /// The part's id in the rubric.
    pub id: String,
    /// The part's label (Vietnamese).
    pub label: String,
    /// The essay has the part: two sentences earned it, or one under its own heading.
    pub found: bool,
    /// The essay has a heading that opens this part.
    pub heading: bool,
    /// Weighted credit of its aspects, 0–1.
    pub credit: f64,
    /// Every aspect of the part, in rubric order.
    pub aspects: Vec<AspectResult>,
}

/// Measured shares behind the quality flags, for explanations.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Signals {
    /// Share of the body's syllables inside real sentences.
    pub real_sentence_share: f64,
    /// Share of the body's syllables in sentences that repeat an earlier one verbatim.
    pub repeated_share: f64,
    /// Share of syllables carrying a Vietnamese diacritic.
    pub diacritics_share: f64,
    /// Distinct theme phrases found in the body.
    pub theme_phrases: usize,
    /// Occurrences of phrases that mark another resolution.
    pub other_resolution_phrases: usize,
    /// Matching was done on folded keys (text without diacritics).
    pub folded: bool,
    /// Share of the body's sentences typed without diacritics (matched folded one by one).
    #[serde(default)]
    pub undiacritized_share: f64,
    /// Share of the syllables of theme sentences in the writer's own words (not restating the
    /// resolution, not a string of official phrases).
    #[serde(default)]
    pub own_words_share: f64,
    /// Share of the syllables of theme sentences that nearly copy the resolution's text.
    #[serde(default)]
    pub restated_share: f64,
    /// Factor (0–1) applied to the awareness credit for restating instead of explaining.
    #[serde(default = "one")]
    pub understanding: f64,
    /// Share of the body in long stretches unrelated to the resolution and the writer.
    #[serde(default)]
    pub padding_share: f64,
    /// Times the essay names this resolution as its subject (title included).
    #[serde(default)]
    pub own_subject: usize,
    /// The other document the essay seems to be about, if any.
    #[serde(default)]
    pub other_document: Option<String>,
    /// Themes covered (by terms or concepts).
    #[serde(default)]
    pub themes_covered: usize,
}

fn one() -> f64 {
    1.0
}

/// Everything assessment found in one essay.
#[derive(Debug, Clone)]
pub struct Findings {
    /// Length in syllables.
    pub words: usize,
    /// Every theme of the rubric, in rubric order.
    pub themes: Vec<ThemeResult>,
    /// Every part of the rubric, in rubric order.
    pub parts: Vec<PartResult>,
    /// Flags raised by the text (originality flags are added by the grader).
    pub flags: Vec<Flag>,
    /// The measured shares behind the flags.
    pub signals: Signals,
    /// Points per criterion, in rubric order, before rounding.
    pub criteria: Vec<f64>,
}

/// A syllable that is a function word ("của", "là"): sentences without one are fragments.
const FUNCTION_WORD: u8 = 1;
/// A one-syllable personal word ("tôi", "mình"): the sentence speaks of the writer.
const PERSONAL: u8 = 2;

/// Function words and one-syllable personal words (`corpus/lexicon/function-words.txt`,
/// `personal.txt`) as bits, by canonical key and by folded key (for text typed without
/// diacritics): one look-up a token tells both.
fn syllable_classes() -> &'static (SyllableTable<u8>, SyllableTable<u8>) {
    static CLASSES: OnceLock<(SyllableTable<u8>, SyllableTable<u8>)> = OnceLock::new();
    CLASSES.get_or_init(|| {
        let mut by_key = SyllableTable::new(0);
        let mut by_fold = SyllableTable::new(0);
        let mut add = |list: &str, bit: u8, one_syllable: bool| {
            let entries = list
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(phrase_keys)
                .filter(|k| !one_syllable || k.len() == 1);
            for (key, fold) in entries.flatten() {
                let k = by_key.get_key(&key);
                by_key.insert(&key, k | bit);
                let f = by_fold.get_key(&fold);
                by_fold.insert(&fold, f | bit);
            }
        };
        add(
            include_str!("../../corpus/lexicon/function-words.txt"),
            FUNCTION_WORD,
            false,
        );
        add(
            include_str!("../../corpus/lexicon/personal.txt"),
            PERSONAL,
            true,
        );
        (by_key, by_fold)
    })
}

/// Per-sentence facts the scoring needs.
struct SentenceFacts {
    in_body: bool,
    heading: bool,
    real: bool,
    repeated: bool,
    /// Holds a number that is not one of the resolution's.
    concrete: bool,
    /// Speaks of the writer (first person).
    personal: bool,
    /// Typed without diacritics: matched on folded keys.
    folded: bool,
}

impl SentenceFacts {
    fn counts(&self) -> bool {
        self.in_body && !self.heading && self.real && !self.repeated
    }
}

/// Calls `f(sentence, hash)` for every run of four folded syllables inside one sentence.
pub fn gram_hashes(a: &Analyzed<'_>, mut f: impl FnMut(usize, u64)) {
    for (s, sentence) in a.sentences.iter().enumerate() {
        sentence_grams(a, sentence.tokens.clone(), |h| f(s, h));
    }
}

const GRAM: usize = 4;

fn sentence_grams(a: &Analyzed<'_>, tokens: std::ops::Range<usize>, mut f: impl FnMut(u64)) {
    if tokens.len() < GRAM {
        return;
    }
    let hashes: Vec<u64> = tokens.map(|i| a.fold_hash(i)).collect();
    for w in hashes.windows(GRAM) {
        let mut h = FxHasher::default();
        w.hash(&mut h);
        f(h.finish());
    }
}

/// Per-sentence accumulators filled from the phrase hits.
#[derive(Default, Clone)]
struct SentenceHits {
    /// Syllables covered by official terms or stock phrases.
    official_tokens: usize,
    /// End (exclusive, token index + 3) of the scope of the last negation.
    negation_scope: usize,
    theme: bool,
    /// An official term (not only a concept) of some theme.
    official: bool,
    cue: bool,
    subject: bool,
}

/// Assesses one essay's text against a rubric.
pub fn assess(text: &str, rubric: &CompiledRubric) -> Findings {
    let a = analyze(text);
    let spec = &rubric.spec;
    let q = &spec.quality;
    let u = &spec.understanding;

    let alphabetic = a.tokens.iter().filter(|t| t.info.alphabetic).count();
    let accented = a.tokens.iter().filter(|t| t.info.has_diacritics).count();
    let diacritics_share = ratio(accented, alphabetic);
    let folded = alphabetic >= 20 && diacritics_share < q.no_diacritics_share;

    let body_start = body_start_paragraph(&a, rubric);
    let facts = sentence_facts(&a, rubric, body_start, q.real_sentence_min_words, folded);
    let hits = if facts.iter().any(|f| f.folded) {
        rubric.matcher.find_by_sentence(&a, |s| facts[s].folded)
    } else {
        rubric.matcher.find(&a, false)
    };
    let undiacritized_share = {
        let body: Vec<&SentenceFacts> = facts.iter().filter(|f| f.counts()).collect();
        ratio(body.iter().filter(|f| f.folded).count(), body.len())
    };

    let body_tokens: usize = sentence_tokens(&a, &facts, |f| f.in_body);
    let real_tokens: usize = sentence_tokens(&a, &facts, |f| f.in_body && f.real);
    let repeated_tokens: usize = sentence_tokens(&a, &facts, |f| f.in_body && f.repeated);

    // Sections opened by part headings.
    let section = sections(&a, rubric, &hits, body_start);

    // Negations and personal phrases first: cues are judged against them.
    let mut per = vec![SentenceHits::default(); a.sentences.len()];
    let mut personal: Vec<bool> = facts.iter().map(|f| f.personal).collect();
    for hit in &hits {
        let s = a.tokens[hit.token].sentence as usize;
        for owner in rubric.matcher.owners(hit.phrase) {
            match *owner {
                Owner::Negator => {
                    per[s].negation_scope = per[s].negation_scope.max(hit.token + hit.len + 3)
                }
                Owner::Personal => personal[s] = true,
                _ => {}
            }
        }
    }
    let mut paragraph_personal = vec![false; a.paragraphs.len()];
    for (s, sentence) in a.sentences.iter().enumerate() {
        if personal[s] {
            paragraph_personal[sentence.paragraph] = true;
        }
    }

    // Themes.
    let mut matched: Vec<Vec<usize>> = vec![Vec::new(); spec.themes.len()];
    let mut concepts_found: Vec<Vec<usize>> = vec![Vec::new(); spec.themes.len()];
    // (theme, sentence) of every concept recognized.
    let mut concept_sentences: Vec<(usize, usize)> = Vec::new();
    let mut evidence: Vec<Vec<usize>> = vec![Vec::new(); spec.themes.len()];
    let mut body_theme_phrases = HashSet::new();
    let mut other = 0;
    let (mut own_subject, mut other_subject) = (0usize, 0usize);
    let mut documents = vec![(FxHashSet::default(), 0usize); spec.off_topic.documents.len()];
    let mut lead_ins: Vec<(usize, usize, usize)> = Vec::new();
    let mut aspect_sentences: Vec<Vec<Vec<usize>>> = spec
        .parts
        .iter()
        .map(|p| vec![Vec::new(); p.aspects.len()])
        .collect();
    let mut concept_slots: Vec<(usize, u32, u8)> = Vec::new();
    let n_parts = spec.parts.len();
    let mut para_cues = vec![0usize; a.paragraphs.len() * n_parts];
    let mut covered_token = vec![false; a.tokens.len()];
    let theme_in_scope = |t: usize, s: usize| match rubric.theme_parts[t] {
        None => true,
        Some(p) => {
            let para = a.sentences[s].paragraph;
            section[para] == Some(p) || (section[para].is_none() && personal[s])
        }
    };
    for hit in &hits {
        let s = a.tokens[hit.token].sentence as usize;
        let f = &facts[s];
        for owner in rubric.matcher.owners(hit.phrase) {
            match *owner {
                Owner::Theme(t) if f.in_body => {
                    body_theme_phrases.insert(hit.phrase);
                    for c in &mut covered_token[hit.token..hit.token + hit.len] {
                        *c = true;
                    }
                    per[s].official = true;
                    if f.counts() && theme_in_scope(t, s) {
                        per[s].theme = true;
                        push_unique(&mut matched[t], hit.phrase);
                        if evidence[t].len() < MAX_EVIDENCE {
                            push_unique(&mut evidence[t], s);
                        }
                    }
                }
                Owner::Stock if f.in_body => {
                    for c in &mut covered_token[hit.token..hit.token + hit.len] {
                        *c = true;
                    }
                }
                Owner::Concept(c, slot) if f.counts() => concept_slots.push((s, c, slot)),
                Owner::Cue(p, asp)
                    if f.in_body && section[a.sentences[s].paragraph].is_none_or(|x| x == p) =>
                {
                    let aspect = &spec.parts[p].aspects[asp];
                    let concrete_ok = !aspect.concrete || f.concrete;
                    let negated = aspect.negatable && hit.token < per[s].negation_scope;
                    per[s].cue = true;
                    para_cues[a.sentences[s].paragraph * n_parts + p] += 1;
                    if f.counts() && concrete_ok && !negated {
                        push_unique(&mut aspect_sentences[p][asp], s);
                    }
                    // "Tôi xin cam kết:" introduces a list, "3. Đề xuất, kiến nghị" a
                    // subsection: what follows belongs to the aspect.
                    let para = a.sentences[s].paragraph;
                    let opens = a.paragraphs[para].heading == Some(Heading::Minor)
                        || a.text[a.paragraphs[para].span.clone()]
                            .trim_end()
                            .ends_with(':');
                    if opens && !lead_ins.contains(&(para, p, asp)) {
                        lead_ins.push((para, p, asp));
                    }
                }
                Owner::OtherResolution if f.in_body => other += 1,
                Owner::OwnSubject => {
                    own_subject += 1;
                    per[s].subject = true;
                }
                Owner::OtherSubject if f.in_body => other_subject += 1,
                Owner::Document(d) if f.in_body => {
                    documents[d as usize].0.insert(hit.phrase);
                }
                Owner::DocumentSubject(d) => documents[d as usize].1 += 1,
                _ => {}
            }
        }
    }
    for (hits, sentence) in per.iter_mut().zip(&a.sentences) {
        hits.official_tokens = sentence
            .tokens
            .clone()
            .filter(|&i| covered_token[i])
            .count();
    }

    // Concepts: every slot of a concept inside one sentence.
    // Hits come in text order, so the slots are already grouped by sentence: sorting each
    // sentence's few slots gives the order a sort of the whole list would.
    debug_assert!(concept_slots.windows(2).all(|w| w[0].0 <= w[1].0));
    for sentence in concept_slots.chunk_by_mut(|x, y| x.0 == y.0) {
        sentence.sort_unstable();
    }
    concept_slots.dedup();
    let mut i = 0;
    while i < concept_slots.len() {
        let (s, c, _) = concept_slots[i];
        let mut j = i;
        while j < concept_slots.len() && concept_slots[j].0 == s && concept_slots[j].1 == c {
            j += 1;
        }
        let info = &rubric.concepts[c as usize];
        if j - i == info.slots as usize && theme_in_scope(info.theme, s) {
            per[s].theme = true;
            push_unique(&mut concepts_found[info.theme], c as usize);
            concept_sentences.push((info.theme, s));
            if evidence[info.theme].len() < MAX_EVIDENCE {
                push_unique(&mut evidence[info.theme], s);
            }
        }
        i = j;
    }

    // Understanding: theme sentences in the writer's own words, against restated ones.
    let (mut theme_len, mut own_len, mut restated_len) = (0usize, 0usize, 0usize);
    let mut own_sentence = vec![false; a.sentences.len()];
    let mut restated_sentence = vec![false; a.sentences.len()];
    for (s, sentence) in a.sentences.iter().enumerate() {
        if !(per[s].theme && facts[s].counts()) {
            continue;
        }
        let n = sentence.tokens.len();
        theme_len += n;
        // Syllables inside official terms, stock phrases or runs of the official text.
        let mut covered: Vec<bool> = covered_token[sentence.tokens.clone()].to_vec();
        let (mut found, mut total) = (0usize, 0usize);
        if !rubric.official.is_empty() {
            let mut k = 0;
            sentence_grams(&a, sentence.tokens.clone(), |h| {
                total += 1;
                if rubric.official.contains(&h) {
                    found += 1;
                    for c in &mut covered[k..k + GRAM] {
                        *c = true;
                    }
                }
                k += 1;
            });
        }
        let restated = total > 0 && found as f64 >= u.restated_share * total as f64;
        let official_tokens = covered.iter().filter(|&&c| c).count();
        per[s].official_tokens = per[s].official_tokens.max(official_tokens);
        let dense = official_tokens as f64 >= u.dense_share * n as f64;
        if restated {
            restated_len += n;
            restated_sentence[s] = true;
        } else if !dense {
            own_len += n;
            own_sentence[s] = true;
        }
    }
    let own_words_share = ratio(own_len, theme_len);
    let understanding = if theme_len == 0 {
        1.0
    } else {
        u.restated_floor
            + (1.0 - u.restated_floor) * (own_words_share / u.own_words_full.max(1e-9)).min(1.0)
    };

    // Paragraphs outside any part heading ("Câu 1…" answers, plain paragraphs, essays with
    // only some headings): each belongs to the part whose cues it holds most, else to the
    // part before it.
    let content_section: Vec<Option<usize>> = {
        let mut current = None;
        (0..a.paragraphs.len())
            .map(|para| {
                if section[para].is_some() {
                    current = section[para];
                    return current;
                }
                let counts = &para_cues[para * n_parts..(para + 1) * n_parts];
                let best = counts
                    .iter()
                    .enumerate()
                    .filter(|(_, &c)| c > 0)
                    .max_by_key(|(p, &c)| (c, *p))
                    .map(|(p, _)| p);
                if para >= body_start && best.is_some() {
                    current = best;
                }
                current
            })
            .collect()
    };
    credit_lists_and_sections(
        &a,
        rubric,
        &facts,
        &content_section,
        &lead_ins,
        &mut aspect_sentences,
    );

    let themes: Vec<ThemeResult> = spec
        .themes
        .iter()
        .enumerate()
        .map(|(t, theme)| {
            let units = matched[t].len() + concepts_found[t].len();
            // Own words: a concept in a sentence that neither restates the resolution nor
            // strings its phrases together.
            let own = concept_sentences
                .iter()
                .any(|&(theme, s)| theme == t && own_sentence[s]);
            let official = !matched[t].is_empty()
                || concept_sentences
                    .iter()
                    .any(|&(theme, s)| theme == t && !own_sentence[s]);
            let recognized = match (official, own) {
                (false, false) => None,
                (true, false) => Some(Recognition::Official),
                (false, true) => Some(Recognition::OwnWords),
                (true, true) => Some(Recognition::Both),
            };
            let mut ev = evidence[t].clone();
            ev.sort_unstable();
            ThemeResult {
                id: theme.id.clone(),
                label: theme.label.clone(),
                covered: units > 0,
                required: theme.required,
                credit: (units as f64 / theme.hits_for_full as f64).min(1.0),
                matched: matched[t]
                    .iter()
                    .map(|&p| rubric.matcher.phrase_text(p))
                    .collect(),
                evidence: ev.iter().map(|&s| a.sentence_text(s)).collect(),
                recognized,
                concepts: concepts_found[t]
                    .iter()
                    .map(|&c| rubric.concepts[c].label.clone())
                    .filter(|l| !l.is_empty())
                    .collect(),
            }
        })
        .collect();
    let theme_sentences: HashSet<usize> = evidence.iter().flatten().copied().collect();

    // A sentence earns a personal aspect when it or its paragraph speaks of the writer, or it
    // links to the resolution; a generic one (stock phrases, no fact) earns a little.
    let generic = |s: usize| {
        let n = a.sentences[s].tokens.len().max(1);
        !facts[s].concrete && per[s].official_tokens as f64 >= u.generic_share * n as f64
    };
    // Padding: runs of three or more body paragraphs that touch neither the resolution nor
    // the writer (a pasted activity report); they earn no part.
    let listed = list_items(&a, &lead_ins);
    let padded = padding_paragraphs(&a, &facts, &per, &personal, &listed, body_start);
    let padding_tokens: usize = a
        .sentences
        .iter()
        .filter(|s| padded[s.paragraph])
        .map(|s| s.tokens.len())
        .sum();
    let padding_share = ratio(padding_tokens, body_tokens);
    let related = |s: usize, part: usize| {
        let para = a.sentences[s].paragraph;
        !padded[para]
            && (personal[s] || paragraph_personal[para] || content_section[para] == Some(part))
    };

    let parts: Vec<PartResult> = spec
        .parts
        .iter()
        .enumerate()
        .map(|(p, part)| {
            let kept: Vec<Vec<usize>> = part
                .aspects
                .iter()
                .enumerate()
                .map(|(i, asp)| {
                    aspect_sentences[p][i]
                        .iter()
                        .copied()
                        .filter(|&s| !restated_sentence[s] && (!asp.personal || related(s, p)))
                        .collect()
                })
                .collect();
            let aspects: Vec<AspectResult> = part
                .aspects
                .iter()
                .enumerate()
                .map(|(i, asp)| {
                    let sents = &kept[i];
                    let earned: f64 = sents
                        .iter()
                        .map(|&s| if generic(s) { asp.generic_credit } else { 1.0 })
                        .sum();
                    AspectResult {
                        id: asp.id.clone(),
                        label: asp.label.clone(),
                        sentences: sents.len(),
                        target: asp.target,
                        credit: (earned / asp.target as f64).min(1.0),
                        evidence: sents
                            .iter()
                            .take(MAX_EVIDENCE)
                            .map(|&s| a.sentence_text(s))
                            .collect(),
                    }
                })
                .collect();
            let heading = section.contains(&Some(p));
            let content: usize = if part.aspects.is_empty() {
                theme_sentences.len()
            } else {
                let all: HashSet<usize> = kept.iter().flatten().copied().collect();
                all.len()
            };
            let credit = weighted(
                part.aspects.iter().map(|x| x.weight),
                aspects.iter().map(|x| x.credit),
            );
            PartResult {
                id: part.id.clone(),
                label: part.label.clone(),
                found: content >= 2 || (heading && content >= 1),
                heading,
                credit,
                aspects,
            }
        })
        .collect();

    let theme_credit = weighted(
        spec.themes.iter().map(|t| t.weight),
        themes.iter().map(|t| t.credit),
    );
    let criteria = spec
        .criteria
        .iter()
        .zip(&rubric.measures)
        .map(|(c, m)| {
            match *m {
                // Coverage earns the points; restating instead of explaining keeps a share.
                Measure::Themes => c.max * (theme_credit / c.full_at).min(1.0) * understanding,
                Measure::Part(p) => c.max * (parts[p].credit / c.full_at).min(1.0),
            }
        })
        .collect();

    let themes_covered = themes.iter().filter(|t| t.covered).count();
    let evidence_units: usize = themes
        .iter()
        .map(|t| {
            t.matched.len()
                + usize::from(!t.concepts.is_empty() || t.recognized == Some(Recognition::OwnWords))
        })
        .sum();
    let ot = &spec.off_topic;
    // Another document: named as the subject more than this one, or its markers outweigh
    // this resolution's themes.
    let other_document = documents
        .iter()
        .enumerate()
        .filter(|(_, (markers, subjects))| {
            (*subjects >= 2 && *subjects > own_subject)
                || (markers.len() >= 3
                    && markers.len() as f64 + 2.0 * *subjects as f64
                        >= ot.other_ratio * (themes_covered as f64 + own_subject as f64))
        })
        .max_by_key(|(d, (markers, subjects))| (markers.len() + 2 * subjects, usize::MAX - d))
        .map(|(d, _)| ot.documents[d].name.clone());
    let signals = Signals {
        real_sentence_share: ratio(real_tokens, body_tokens),
        repeated_share: ratio(repeated_tokens, body_tokens),
        diacritics_share,
        theme_phrases: body_theme_phrases.len(),
        other_resolution_phrases: other,
        folded,
        undiacritized_share,
        own_words_share,
        restated_share: ratio(restated_len, theme_len),
        understanding,
        padding_share,
        own_subject,
        other_document,
        themes_covered,
    };
    let mut flags = Vec::new();
    // A pasted report does not make a short essay long enough.
    if a.word_count().saturating_sub(padding_tokens) < spec.length.min_words {
        flags.push(Flag::TooShort);
    }
    if body_tokens >= 50 && signals.real_sentence_share < q.stuffing_real_share {
        flags.push(Flag::KeywordStuffing);
    }
    if signals.repeated_share >= q.repeated_share {
        flags.push(Flag::RepeatedText);
    }
    let low_vocabulary = evidence_units < ot.min_theme_hits;
    if low_vocabulary
        || (other > 0
            && other as f64 >= ot.other_ratio * signals.theme_phrases.max(themes_covered) as f64)
        || (other_subject >= 2 && other_subject > own_subject)
        || signals.other_document.is_some()
    {
        flags.push(Flag::OffTopic);
    }
    if folded {
        flags.push(Flag::NoDiacritics);
    }
    if body_tokens >= 100 && padding_share >= u.padding_share {
        flags.push(Flag::Padding);
    }
    if has_placeholder(&a, body_start) {
        flags.push(Flag::UnfilledTemplate);
    }

    Findings {
        words: a.word_count(),
        themes,
        parts,
        flags,
        signals,
        criteria,
    }
}

/// Body paragraphs in runs of three or more that mention neither the resolution (none of its
/// official terms, not its name) nor the writer. Plain words of a concept ("tiêm", "dịch")
/// occur in any report and do not tie it to the resolution. Headings inside such a run belong to it.
#[inline(never)] // once per essay: kept out of line so that profiles name its cost
fn padding_paragraphs(
    a: &Analyzed<'_>,
    facts: &[SentenceFacts],
    per: &[SentenceHits],
    personal: &[bool],
    listed: &[bool],
    body_start: usize,
) -> Vec<bool> {
    // The writer's voice or the resolution's name ties a paragraph to the essay. A stretch
    // without either is padding when at least three of its paragraphs carry no official term
    // either, and at most a third of them do (a report may use a term in passing; a run of
    // awareness paragraphs is made of them).
    let strong: Vec<bool> = a
        .paragraphs
        .iter()
        .enumerate()
        .map(|(p, para)| {
            listed[p]
                || para
                    .sentences
                    .clone()
                    .any(|s| personal[s] || per[s].subject || !facts[s].in_body)
        })
        .collect();
    let weak: Vec<bool> = a
        .paragraphs
        .iter()
        .map(|para| para.sentences.clone().any(|s| per[s].official))
        .collect();
    let mut padded = vec![false; a.paragraphs.len()];
    let mut run: Vec<usize> = Vec::new();
    let (mut unrelated, mut termed) = (0usize, 0usize);
    let mut close = |run: &mut Vec<usize>, unrelated: &mut usize, termed: &mut usize| {
        if *unrelated >= 3 && *termed * 2 <= *unrelated {
            for &p in run.iter() {
                padded[p] = true;
            }
        }
        run.clear();
        *unrelated = 0;
        *termed = 0;
    };
    for (p, para) in a.paragraphs.iter().enumerate().skip(body_start) {
        if para.heading.is_some() {
            if !run.is_empty() {
                run.push(p);
            }
            continue;
        }
        if strong[p] {
            close(&mut run, &mut unrelated, &mut termed);
            continue;
        }
        run.push(p);
        if weak[p] {
            termed += 1;
        } else {
            unrelated += 1;
        }
    }
    close(&mut run, &mut unrelated, &mut termed);
    padded
}

/// A blank left to fill in the middle of a body sentence ("tại Trường ……, tôi…"): the essay
/// is a template copied without being filled in. Blanks after a colon (form fields such as
/// "Nhận xét của chi bộ: ……") do not count.
#[inline(never)] // once per essay: kept out of line so that profiles name its cost
fn has_placeholder(a: &Analyzed<'_>, body_start: usize) -> bool {
    a.paragraphs.iter().skip(body_start).any(|p| {
        let text = &a.text[p.span.clone()];
        // A blank is a run of two or more of these marks: skip paragraphs with none.
        let bytes = text.as_bytes();
        let pair = memchr::memchr2_iter(b'.', b'_', bytes)
            .any(|i| matches!(bytes.get(i + 1), Some(b'.' | b'_')));
        if !pair && !text.contains('…') {
            return false;
        }
        let mut rest = text;
        while let Some(at) = rest.find(['…', '.', '_']) {
            let run: usize = rest[at..]
                .chars()
                .take_while(|c| matches!(c, '…' | '.' | '_'))
                .map(|c| if c == '…' { 3 } else { 1 })
                .sum();
            let len: usize = rest[at..]
                .chars()
                .take_while(|c| matches!(c, '…' | '.' | '_'))
                .map(char::len_utf8)
                .sum();
            let before = rest[..at].trim_end();
            let after = rest[at + len..].trim_start();
            if run >= 6
                && before.chars().last().is_some_and(char::is_alphabetic)
                && after
                    .chars()
                    .next()
                    .is_some_and(|c| c == ',' || c.is_lowercase())
            {
                return true;
            }
            rest = &rest[at + len..];
        }
        false
    })
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn weighted(weights: impl Iterator<Item = f64>, credits: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut total) = (0.0, 0.0);
    for (w, c) in weights.zip(credits) {
        sum += w * c;
        total += w;
    }
    if total > 0.0 {
        sum / total
    } else {
        0.0
    }
}

fn push_unique(v: &mut Vec<usize>, x: usize) {
    if !v.contains(&x) {
        v.push(x);
    }
}

fn sentence_tokens(
    a: &Analyzed<'_>,
    facts: &[SentenceFacts],
    pick: impl Fn(&SentenceFacts) -> bool,
) -> usize {
    a.sentences
        .iter()
        .zip(facts)
        .filter(|(_, f)| pick(f))
        .map(|(s, _)| s.tokens.len())
        .sum()
}

/// The first paragraph of the body: the header (party unit, title, name, position) comes before.
#[inline(never)] // once per essay: kept out of line so that profiles name its cost
fn body_start_paragraph(a: &Analyzed<'_>, rubric: &CompiledRubric) -> usize {
    let _ = rubric;
    a.paragraphs
        .iter()
        .position(|p| {
            let words: usize = a.sentences[p.sentences.clone()]
                .iter()
                .map(|s| s.tokens.len())
                .sum();
            p.heading == Some(Heading::Major) || words >= BODY_PARAGRAPH_WORDS
        })
        .unwrap_or(0)
}

/// A sentence of at least this many syllables with letters and not one diacritic was typed
/// without diacritics.
const UNDIACRITIZED_MIN_WORDS: usize = 5;

/// The gap between two syllables holds one of `,` `;` `:` `-` `–` `—`: the sentence is cut
/// into fragments there (a list of phrases is not a sentence).
fn splits_fragments(gap: &[u8]) -> bool {
    gap.iter().any(|b| matches!(b, b',' | b';' | b':' | b'-'))
        || gap
            .windows(3)
            .any(|w| matches!(w, [0xE2, 0x80, 0x93 | 0x94]))
}

#[inline(never)] // once per essay: kept out of line so that profiles name its cost
fn sentence_facts(
    a: &Analyzed<'_>,
    rubric: &CompiledRubric,
    body_start: usize,
    min_words: usize,
    folded: bool,
) -> Vec<SentenceFacts> {
    let (by_key, by_fold) = syllable_classes();
    let numbers = &rubric.resolution_numbers;
    let mut seen = FxHashSet::default();
    a.sentences
        .iter()
        .map(|s| {
            let para = &a.paragraphs[s.paragraph];
            let n = s.tokens.len();
            let folded = folded || {
                let (mut letters, mut marked) = (0usize, false);
                for t in &a.tokens[s.tokens.clone()] {
                    letters += usize::from(t.info.alphabetic);
                    marked |= t.info.has_diacritics;
                }
                letters >= UNDIACRITIZED_MIN_WORDS && !marked
            };
            let classes = if folded { by_fold } else { by_key };
            let mut class = 0u8;
            for i in s.tokens.clone() {
                class |= classes.get(if folded { a.fold_id(i) } else { a.key_id(i) });
                if class == FUNCTION_WORD | PERSONAL {
                    break;
                }
            }
            let has_function_word = class & FUNCTION_WORD != 0;
            let personal = class & PERSONAL != 0;
            let fragments = 1 + s
                .tokens
                .clone()
                .skip(1)
                .filter(|&i| {
                    let gap = &a.text.as_bytes()
                        [a.tokens[i - 1].end as usize..a.tokens[i].start as usize];
                    gap != b" " && splits_fragments(gap)
                })
                .count();
            let real = n >= min_words && has_function_word && n as f64 / fragments as f64 >= 3.0;
            let repeated = n >= REPEAT_MIN_WORDS && {
                let mut h = FxHasher::default();
                s.tokens.clone().for_each(|i| h.write_u64(a.fold_hash(i)));
                !seen.insert(h.finish())
            };
            // Digits only occur inside tokens, so the sentence's text is scanned whole first;
            // numbers that are the resolution's own (2045, 6,5…) are not the writer's facts.
            // The number of a list item ("1. Tiếp tục…") is not a fact either.
            let first = s.tokens.start;
            let item_number =
                |i: usize| i == first && a.text[a.tokens[i].end as usize..].starts_with(['.', ')']);
            let concrete = a.text[s.span.clone()].bytes().any(|b| b.is_ascii_digit())
                && s.tokens.clone().any(|i| {
                    let surface = a.surface(i);
                    surface.bytes().any(|b| b.is_ascii_digit())
                        && !numbers.contains(a.key(i))
                        && !item_number(i)
                });
            SentenceFacts {
                in_body: s.paragraph >= body_start,
                heading: para.heading.is_some(),
                real,
                repeated,
                concrete,
                personal,
                folded,
            }
        })
        .collect()
}

/// Sentences that earn an aspect without a cue of their own: the items of a list introduced
/// by a cue ("Tôi xin kiến nghị:" followed by items), and concrete sentences inside a part's
/// own section (facts under "II. Liên hệ thực tiễn" are practice).
#[inline(never)] // once per essay: kept out of line so that profiles name its cost
fn credit_lists_and_sections(
    a: &Analyzed<'_>,
    rubric: &CompiledRubric,
    facts: &[SentenceFacts],
    section: &[Option<usize>],
    lead_ins: &[(usize, usize, usize)],
    aspect_sentences: &mut [Vec<Vec<usize>>],
) {
    let parts = &rubric.spec.parts;
    let credit = |p: usize, asp: usize, s: usize, out: &mut [Vec<Vec<usize>>]| {
        if facts[s].counts() && (!parts[p].aspects[asp].concrete || facts[s].concrete) {
            push_unique(&mut out[p][asp], s);
        }
    };
    for &(lead, p, asp) in lead_ins {
        for para in items_of(a, lead) {
            for s in a.paragraphs[para].sentences.clone() {
                credit(p, asp, s, aspect_sentences);
            }
        }
    }
    for (s, sentence) in a.sentences.iter().enumerate() {
        let Some(p) = section[sentence.paragraph] else {
            continue;
        };
        if let Some(asp) = parts[p].aspects.iter().position(|x| x.concrete) {
            if facts[s].concrete {
                credit(p, asp, s, aspect_sentences);
            }
        }
    }
}

/// Paragraphs that are items of a list a cue introduced ("Tôi xin kiến nghị:" then items).
fn list_items(a: &Analyzed<'_>, lead_ins: &[(usize, usize, usize)]) -> Vec<bool> {
    let mut listed = vec![false; a.paragraphs.len()];
    for &(lead, _, _) in lead_ins {
        for para in items_of(a, lead) {
            listed[para] = true;
        }
    }
    listed
}

/// The items following lead-in paragraph `lead`: list items (or, under a heading, any
/// paragraph) up to the next heading, a paragraph that opens a list of its own, or
/// [`MAX_LIST_ITEMS`].
fn items_of<'x>(a: &'x Analyzed<'_>, lead: usize) -> impl Iterator<Item = usize> + 'x {
    let under_heading = a.paragraphs[lead].heading.is_some();
    let mut ended = false;
    (lead + 1..a.paragraphs.len())
        .take(MAX_LIST_ITEMS)
        .take_while(move |&para| {
            let item = &a.paragraphs[para];
            if ended || item.heading.is_some() || !(under_heading || is_list_item(a, para)) {
                return false;
            }
            ended = a.text[item.span.clone()].trim_end().ends_with(':');
            true
        })
}

/// Paragraphs that start like an item of a list: "- …", "+ …", "1. …", "a) …", "Một, …",
/// "Thứ hai, …".
fn is_list_item(a: &Analyzed<'_>, para: usize) -> bool {
    const ORDINALS: &[&str] = &[
        "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười", "thứ",
    ];
    let p = &a.paragraphs[para];
    let text = a.text[p.span.clone()].trim_start();
    if text.starts_with(['-', '+', '•', '*', '–', '▪', '◦']) {
        return true;
    }
    let Some(first) = p
        .sentences
        .clone()
        .next()
        .map(|s| a.sentences[s].tokens.start)
    else {
        return false;
    };
    let surface = a.surface(first);
    let after = a.text[a.tokens[first].end as usize..].chars().next();
    let numbered = (surface.chars().all(|c| c.is_ascii_digit())
        || (surface.chars().count() == 1 && surface.chars().all(char::is_lowercase)))
        && matches!(after, Some('.' | ')'));
    numbered
        || (ORDINALS.contains(&a.key(first)) && matches!(after, Some(',' | ':' | '.')))
        || (a.key(first) == "thứ" && first + 1 < a.tokens.len())
}

/// For each paragraph, the part whose heading opened the section it is in.
#[inline(never)] // once per essay: kept out of line so that profiles name its cost
fn sections(
    a: &Analyzed<'_>,
    rubric: &CompiledRubric,
    hits: &[crate::rubric::Hit],
    body_start: usize,
) -> Vec<Option<usize>> {
    let mut opened: Vec<Option<usize>> = vec![None; a.paragraphs.len()];
    for hit in hits {
        let p = a.sentences[a.tokens[hit.token].sentence as usize].paragraph;
        if p < body_start || a.paragraphs[p].heading.is_none() || opened[p].is_some() {
            continue;
        }
        if let Some(Owner::Heading(part)) = rubric
            .matcher
            .owners(hit.phrase)
            .iter()
            .find(|o| matches!(o, Owner::Heading(_)))
        {
            opened[p] = Some(*part);
        }
    }
    // Where the essay has major part headings ("II. LIÊN HỆ BẢN THÂN"), a minor heading that
    // happens to contain a part's word ("3. Hạn chế") stays inside its major section.
    let has_major = opened
        .iter()
        .zip(&a.paragraphs)
        .any(|(o, p)| o.is_some() && p.heading == Some(Heading::Major));
    if has_major {
        for (o, p) in opened.iter_mut().zip(&a.paragraphs) {
            if p.heading != Some(Heading::Major) {
                *o = None;
            }
        }
    }
    let mut current = None;
    let mut out = Vec::with_capacity(opened.len());
    for (p, para) in a.paragraphs.iter().enumerate() {
        if let Some(part) = opened[p] {
            current = Some(part);
        } else if para.heading == Some(Heading::Major) {
            current = None;
        }
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests;
