//! Assessment: what an essay shows — themes covered with evidence, the parts it has, and
//! quality signals. Scores and levels are decided afterwards, in [`crate::grade`].

mod flags;

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashSet, FxHasher};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use flags::Flag;

use crate::rubric::{CompiledRubric, Measure, Owner};
use crate::text::{analyze, phrase_keys, Analyzed, Heading};

/// Evidence sentences kept per theme and per aspect.
const MAX_EVIDENCE: usize = 2;
/// A paragraph this long (in syllables) is body text, not the essay's header.
const BODY_PARAGRAPH_WORDS: usize = 18;
/// Sentences shorter than this are not checked for verbatim repetition.
const REPEAT_MIN_WORDS: usize = 5;
/// Items of one list ("Tôi xin cam kết:" followed by items) credited to the list's aspect.
const MAX_LIST_ITEMS: usize = 12;

/// How well one theme of the rubric is covered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ThemeResult {
    pub id: String,
    pub label: String,
    pub covered: bool,
    pub required: bool,
    /// Share of the theme's credit earned, 0–1.
    pub credit: f64,
    /// Distinct rubric phrases found.
    pub matched: Vec<String>,
    /// Sentences of the essay that show the theme.
    pub evidence: Vec<String>,
}

/// One aspect of a part (e.g. concrete facts about one's own unit).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AspectResult {
    pub id: String,
    pub label: String,
    pub sentences: usize,
    pub target: usize,
    pub credit: f64,
    pub evidence: Vec<String>,
}

/// One part of the essay: awareness, relation, or commitments and proposals.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartResult {
    pub id: String,
    pub label: String,
    pub found: bool,
    /// The essay has a heading that opens this part.
    pub heading: bool,
    pub credit: f64,
    pub aspects: Vec<AspectResult>,
}

/// Measured shares behind the quality flags, for explanations.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
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
}

/// Everything assessment found in one essay.
#[derive(Debug, Clone)]
pub struct Findings {
    pub words: usize,
    pub themes: Vec<ThemeResult>,
    pub parts: Vec<PartResult>,
    pub flags: Vec<Flag>,
    pub signals: Signals,
    /// Points per criterion, in rubric order, before rounding.
    pub criteria: Vec<f64>,
}

/// Function words as (canonical keys, folded keys), for text with and without diacritics.
fn function_words() -> &'static (FxHashSet<String>, FxHashSet<String>) {
    static WORDS: OnceLock<(FxHashSet<String>, FxHashSet<String>)> = OnceLock::new();
    WORDS.get_or_init(|| {
        include_str!("../../corpus/lexicon/function-words.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .flat_map(phrase_keys)
            .unzip()
    })
}

/// Per-sentence facts the scoring needs.
struct SentenceFacts {
    in_body: bool,
    heading: bool,
    real: bool,
    repeated: bool,
    concrete: bool,
}

impl SentenceFacts {
    fn counts(&self) -> bool {
        self.in_body && !self.heading && self.real && !self.repeated
    }
}

/// Assesses one essay's text against a rubric.
pub fn assess(text: &str, rubric: &CompiledRubric) -> Findings {
    let a = analyze(text);
    let spec = &rubric.spec;
    let q = &spec.quality;

    let alphabetic = a.tokens.iter().filter(|t| t.info.alphabetic).count();
    let accented = a.tokens.iter().filter(|t| t.info.has_diacritics).count();
    let diacritics_share = ratio(accented, alphabetic);
    let folded = alphabetic >= 20 && diacritics_share < q.no_diacritics_share;

    let body_start = body_start_paragraph(&a, rubric);
    let facts = sentence_facts(&a, body_start, q.real_sentence_min_words, folded);
    let hits = rubric.matcher.find(&a, folded);

    let body_tokens: usize = sentence_tokens(&a, &facts, |f| f.in_body);
    let real_tokens: usize = sentence_tokens(&a, &facts, |f| f.in_body && f.real);
    let repeated_tokens: usize = sentence_tokens(&a, &facts, |f| f.in_body && f.repeated);

    // Sections opened by part headings.
    let section = sections(&a, rubric, &hits, body_start);

    // Themes.
    let mut matched: Vec<Vec<usize>> = vec![Vec::new(); spec.themes.len()];
    let mut evidence: Vec<Vec<usize>> = vec![Vec::new(); spec.themes.len()];
    let mut body_theme_phrases = HashSet::new();
    let mut other = 0;
    let (mut own_subject, mut other_subject) = (0usize, 0usize);
    let mut lead_ins: Vec<(usize, usize, usize)> = Vec::new();
    let mut aspect_sentences: Vec<Vec<Vec<usize>>> = spec
        .parts
        .iter()
        .map(|p| vec![Vec::new(); p.aspects.len()])
        .collect();
    for hit in &hits {
        let s = a.tokens[hit.token].sentence as usize;
        let f = &facts[s];
        for owner in rubric.matcher.owners(hit.phrase) {
            match *owner {
                Owner::Theme(t) if f.in_body => {
                    body_theme_phrases.insert(hit.phrase);
                    if f.counts() {
                        push_unique(&mut matched[t], hit.phrase);
                        if evidence[t].len() < MAX_EVIDENCE {
                            push_unique(&mut evidence[t], s);
                        }
                    }
                }
                Owner::Cue(p, asp)
                    if f.in_body && section[a.sentences[s].paragraph].is_none_or(|x| x == p) =>
                {
                    let concrete_ok = !spec.parts[p].aspects[asp].concrete || f.concrete;
                    if f.counts() && concrete_ok {
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
                Owner::OwnSubject if f.in_body => own_subject += 1,
                Owner::OtherSubject if f.in_body => other_subject += 1,
                _ => {}
            }
        }
    }

    credit_lists_and_sections(
        &a,
        rubric,
        &facts,
        &section,
        &lead_ins,
        &mut aspect_sentences,
    );

    let themes: Vec<ThemeResult> = spec
        .themes
        .iter()
        .enumerate()
        .map(|(t, theme)| ThemeResult {
            id: theme.id.clone(),
            label: theme.label.clone(),
            covered: !matched[t].is_empty(),
            required: theme.required,
            credit: (matched[t].len() as f64 / theme.hits_for_full as f64).min(1.0),
            matched: matched[t]
                .iter()
                .map(|&p| rubric.matcher.phrase_text(p))
                .collect(),
            evidence: evidence[t].iter().map(|&s| a.sentence_text(s)).collect(),
        })
        .collect();
    let theme_sentences: HashSet<usize> = evidence.iter().flatten().copied().collect();

    let parts: Vec<PartResult> = spec
        .parts
        .iter()
        .enumerate()
        .map(|(p, part)| {
            let aspects: Vec<AspectResult> = part
                .aspects
                .iter()
                .enumerate()
                .map(|(i, asp)| {
                    let sents = &aspect_sentences[p][i];
                    AspectResult {
                        id: asp.id.clone(),
                        label: asp.label.clone(),
                        sentences: sents.len(),
                        target: asp.target,
                        credit: (sents.len() as f64 / asp.target as f64).min(1.0),
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
                let all: HashSet<usize> = aspect_sentences[p].iter().flatten().copied().collect();
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
            let share = match *m {
                Measure::Themes => theme_credit,
                Measure::Part(p) => parts[p].credit,
            };
            c.max * (share / c.full_at).min(1.0)
        })
        .collect();

    let signals = Signals {
        real_sentence_share: ratio(real_tokens, body_tokens),
        repeated_share: ratio(repeated_tokens, body_tokens),
        diacritics_share,
        theme_phrases: body_theme_phrases.len(),
        other_resolution_phrases: other,
        folded,
    };
    let mut flags = Vec::new();
    if a.word_count() < spec.length.min_words {
        flags.push(Flag::TooShort);
    }
    if body_tokens >= 50 && signals.real_sentence_share < q.stuffing_real_share {
        flags.push(Flag::KeywordStuffing);
    }
    if signals.repeated_share >= q.repeated_share {
        flags.push(Flag::RepeatedText);
    }
    let ot = &spec.off_topic;
    if signals.theme_phrases < ot.min_theme_hits
        || (other > 0 && other as f64 >= ot.other_ratio * signals.theme_phrases as f64)
        || (other_subject >= 2 && other_subject > own_subject)
    {
        flags.push(Flag::OffTopic);
    }
    if folded {
        flags.push(Flag::NoDiacritics);
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

fn sentence_facts(
    a: &Analyzed<'_>,
    body_start: usize,
    min_words: usize,
    folded: bool,
) -> Vec<SentenceFacts> {
    let (by_key, by_fold) = function_words();
    let mut seen = FxHashSet::default();
    a.sentences
        .iter()
        .map(|s| {
            let para = &a.paragraphs[s.paragraph];
            let n = s.tokens.len();
            let has_function_word = s.tokens.clone().any(|i| {
                if folded {
                    by_fold.contains(a.fold(i))
                } else {
                    by_key.contains(a.key(i))
                }
            });
            let fragments = 1 + s
                .tokens
                .clone()
                .skip(1)
                .filter(|&i| {
                    let gap = &a.text[a.tokens[i - 1].end as usize..a.tokens[i].start as usize];
                    gap != " " && gap.contains([',', ';', ':', '-', '–', '—'])
                })
                .count();
            let real = n >= min_words && has_function_word && n as f64 / fragments as f64 >= 3.0;
            let repeated = n >= REPEAT_MIN_WORDS && {
                let mut h = FxHasher::default();
                s.tokens.clone().for_each(|i| a.fold(i).hash(&mut h));
                !seen.insert(h.finish())
            };
            // Digits only occur inside tokens, so the sentence's text can be scanned whole.
            let concrete = a.text[s.span.clone()].bytes().any(|b| b.is_ascii_digit());
            SentenceFacts {
                in_body: s.paragraph >= body_start,
                heading: para.heading.is_some(),
                real,
                repeated,
                concrete,
            }
        })
        .collect()
}

/// Sentences that earn an aspect without a cue of their own: the items of a list introduced
/// by a cue ("Tôi xin kiến nghị:" followed by items), and concrete sentences inside a part's
/// own section (facts under "II. Liên hệ thực tiễn" are practice).
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
        let under_heading = a.paragraphs[lead].heading.is_some();
        for para in (lead + 1..a.paragraphs.len()).take(MAX_LIST_ITEMS) {
            let item = &a.paragraphs[para];
            if item.heading.is_some() || !(under_heading || is_list_item(a, para)) {
                break;
            }
            for s in item.sentences.clone() {
                credit(p, asp, s, aspect_sentences);
            }
            if a.text[item.span.clone()].trim_end().ends_with(':') {
                break;
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
