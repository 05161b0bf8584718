//! `thuhoach rubric draft`: a first rubric drawn from a resolution's full text, for a secretary
//! to edit.
//!
//! The text is read with the ingest stage and cut along its structure: Roman-numbered sections
//! ("II. MỤC TIÊU…") and the numbered items inside them ("1. …", each item with its "-"/"a)"
//! sub-lines). A section with a handful of numbered items (the key tasks, the breakthroughs,
//! the groups of signs) gives one theme per item; any other section gives one theme. Each
//! theme's candidate terms are the multi-syllable phrases of its text (2–5 syllables inside one
//! clause, not starting or ending with a function word), scored by how often they occur in the
//! theme, how few other themes share them, and how rare they are in a background of other
//! resolutions' rubrics and of essays (generic Party vocabulary scores low); heading phrases
//! score double. The resolution's name gives `own_subjects`, the other shipped rubrics'
//! subjects give `other_subjects`, its list items become `[references] base` and the file
//! itself a reference. Parts, quality settings and rules are those of the default rubric.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::path::Path;

use super::registry::SHIPPED;
use super::{CompiledRubric, Part};
use crate::ingest;
use crate::text::phrase_keys;

/// Terms proposed per theme.
const TERMS_PER_THEME: usize = 6;
/// Longest candidate phrase, in syllables.
const MAX_PHRASE: usize = 5;
/// A section with at most this many numbered items gives one theme per item.
const MAX_ITEM_THEMES: usize = 12;
/// A line of the resolution's name is at most this long, in syllables.
const TITLE_LINE_SYLLABLES: usize = 40;
/// Base entries (list items everyone quotes) longer than this, in syllables, are left out.
const MAX_BASE_SYLLABLES: usize = 80;

/// Essays used as background vocabulary: what members write about any resolution.
const BACKGROUND_ESSAYS: &[&str] = &[
    include_str!("../../corpus/demo/01_tot_giao_vien_mam_non.txt"),
    include_str!("../../corpus/demo/03_kha_ke_toan_doanh_nghiep.txt"),
    include_str!("../../corpus/demo/05_trung_binh_nhan_vien_buu_dien.txt"),
    include_str!("../../corpus/demo/07_chua_dat_lac_de.txt"),
];

/// More essays for syllable-pair statistics only.
const STATISTICS_ESSAYS: &[&str] = &[
    include_str!("../../corpus/demo/02_tot_truong_thon.txt"),
    include_str!("../../corpus/demo/04_kha_bac_si.txt"),
    include_str!("../../corpus/demo/08_kha_khong_dau.txt"),
];

/// Words a proposed term never starts or ends with, beyond the function-word lexicon.
const EDGE_WORDS: &[&str] = &[
    "về", "từ", "theo", "tại", "đến", "hơn", "rất", "cũng", "mà", "nhưng", "hoặc", "vào", "ra",
    "lên", "đó", "ta", "chúng", "mỗi", "mọi", "nào", "gì", "hết", "sự", "việc", "cần", "phải",
    "nhằm", "bảo", "bằng", "do", "vì", "nên", "khi", "nếu", "còn", "chỉ", "đều", "lại", "thật",
];

/// Why a draft could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    /// The resolution file cannot be read: missing, unreadable, in a format the ingest stage
    /// does not read, or a broken document.
    #[error(transparent)]
    Read(#[from] ingest::IngestError),
    /// The id asked for is not lower-case ASCII letters, digits and hyphens.
    #[error("mã barem \"{0}\" không hợp lệ: chỉ dùng chữ thường không dấu, chữ số và dấu gạch ngang (ví dụ nq-tw5-khoa-xiv)")]
    BadId(String),
    /// The resolution's text yields nothing to propose themes from.
    #[error("{0}: không tìm thấy nội dung nào để đề xuất chủ đề (văn bản trống hoặc quá ngắn)")]
    Empty(String),
}

/// A drafted rubric: its TOML text and how many themes it proposes.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The drafted rubric, as TOML with comments.
    pub toml: String,
    /// Themes proposed.
    pub themes: usize,
}

/// Drafts a rubric from the resolution file at `path` (any format the ingest stage reads).
/// The file becomes the rubric's reference, named by its absolute path.
pub fn draft_file(path: &Path, id: &str) -> Result<Draft, DraftError> {
    let doc = ingest::read_document(path)?;
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    draft_text(
        &doc.text,
        id,
        &path.display().to_string(),
        Some(&absolute.display().to_string()),
    )
}

/// Drafts a rubric from a resolution's text; `source` names it in comments, `reference` (if
/// any) is written as the rubric's reference file.
pub fn draft_text(
    text: &str,
    id: &str,
    source: &str,
    reference: Option<&str>,
) -> Result<Draft, DraftError> {
    let valid_id = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid_id {
        return Err(DraftError::BadId(id.to_string()));
    }
    let doc = structure(text);
    let name = doc.title.clone();
    let own = own_subjects(&name);
    let background = Background::new(&own, text);
    let themes = propose_themes(&doc, &background);
    if themes.is_empty() {
        return Err(DraftError::Empty(source.to_string()));
    }
    let other: Vec<String> = background
        .other_subjects
        .iter()
        .filter(|s| !own.contains(s))
        .cloned()
        .collect();
    let toml = write_toml(&Written {
        id,
        source,
        reference,
        name: &name,
        themes: &themes,
        own: &own,
        other: &other,
        base: &doc.list_items,
    });
    Ok(Draft {
        themes: themes.len(),
        toml,
    })
}

/// A resolution cut along its structure.
#[derive(Debug, Default)]
struct Structure {
    /// The resolution's name (its first lines up to the first section).
    title: String,
    sections: Vec<Section>,
    /// Text of every list item ("-", "+", "a)") and numbered item, for the base.
    list_items: Vec<String>,
}

#[derive(Debug, Default)]
struct Section {
    heading: String,
    /// Text before the first numbered item.
    intro: Vec<String>,
    items: Vec<Item>,
}

#[derive(Debug, Default)]
struct Item {
    heading: String,
    lines: Vec<String>,
}

enum LineKind {
    Section,
    Numbered,
    Listed,
    Plain,
}

fn line_kind(line: &str) -> LineKind {
    let first = line.split([' ', '.', ')']).next().unwrap_or("");
    let after = line[first.len()..].chars().next();
    let marked = matches!(after, Some('.' | ')'));
    let roman = !first.is_empty() && first.chars().all(|c| "IVXL".contains(c));
    let upper = line.to_uppercase();
    if (roman && marked) || upper.starts_with("PHẦN ") || upper.starts_with("PHẦN THỨ") {
        LineKind::Section
    } else if marked && !first.is_empty() && first.chars().all(|c| c.is_ascii_digit()) {
        LineKind::Numbered
    } else if line.starts_with(['-', '+', '•', '–'])
        || (marked && first.chars().count() == 1 && first.chars().all(char::is_lowercase))
    {
        LineKind::Listed
    } else {
        LineKind::Plain
    }
}

/// Strips a line's numbering ("II.", "3.", "a)", "-") and surrounding space.
fn strip_marker(line: &str) -> &str {
    let rest = match line_kind(line) {
        LineKind::Plain => line,
        LineKind::Listed if line.starts_with(['-', '+', '•', '–']) => {
            line.trim_start_matches(['-', '+', '•', '–'])
        }
        _ => line
            .split_once(['.', ')'])
            .map(|(_, rest)| rest)
            .unwrap_or(line),
    };
    rest.trim()
}

fn structure(text: &str) -> Structure {
    let mut doc = Structure::default();
    let mut title: Vec<&str> = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        match line_kind(line) {
            LineKind::Section => doc.sections.push(Section {
                heading: strip_marker(line).to_string(),
                ..Section::default()
            }),
            kind => {
                let Some(section) = doc.sections.last_mut() else {
                    if title.len() < 4 && !matches!(kind, LineKind::Listed) {
                        title.push(line);
                    }
                    continue;
                };
                let body = strip_marker(line).to_string();
                match kind {
                    LineKind::Numbered => {
                        doc.list_items.push(body.clone());
                        section.items.push(Item {
                            heading: body,
                            lines: Vec::new(),
                        });
                    }
                    _ => {
                        if matches!(kind, LineKind::Listed) {
                            doc.list_items.push(body.clone());
                        }
                        match section.items.last_mut() {
                            Some(item) => item.lines.push(body),
                            None => section.intro.push(body),
                        }
                    }
                }
            }
        }
    }
    // Only lines that name the resolution make its title (not "ĐẢNG CỘNG SẢN VIỆT NAM", dates,
    // notes in brackets or the opening paragraph).
    let named: Vec<&str> = title
        .iter()
        .copied()
        .skip_while(|l| !l.to_lowercase().contains("nghị quyết"))
        .take_while(|l| !l.starts_with('(') && phrase_keys(l).len() <= TITLE_LINE_SYLLABLES)
        .collect();
    let chosen = if named.is_empty() { title } else { named };
    doc.title = crate::text::display(&chosen.join(" "));
    doc.list_items
        .retain(|l| (4..=MAX_BASE_SYLLABLES).contains(&phrase_keys(l).len()));
    doc
}

/// Names of the resolution an essay uses as its subject, drawn from its title.
fn own_subjects(title: &str) -> Vec<String> {
    let words: Vec<String> = phrase_keys(title).into_iter().map(|(k, _)| k).collect();
    let mut out: Vec<String> = Vec::new();
    let push = |out: &mut Vec<String>, s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).map(String::as_str);
        let next2 = words.get(i + 2).map(String::as_str);
        // "lần thứ xiv" (a congress or a plenum), with its Arabic number.
        if w == "lần" && next == Some("thứ") {
            if let Some(n) = next2 {
                let arabic = roman_value(n).or_else(|| ordinal_value(n));
                if words[..i].iter().any(|x| x == "hội") && words.contains(&"đại".to_string())
                {
                    // "lần thứ tư" alone would name any plenum; a congress's number is its own.
                    push(&mut out, format!("lần thứ {n}"));
                    push(&mut out, format!("đại hội {n}"));
                    if let Some(v) = arabic {
                        push(&mut out, format!("đại hội {v}"));
                    }
                } else if let Some(v) = arabic {
                    push(&mut out, format!("hội nghị trung ương {v}"));
                }
            }
        }
        // "số 04-NQ/TW" → "04-nq/tw", "nghị quyết 04", "nghị quyết số 04".
        if next == Some("nq") && w.chars().all(|c| c.is_ascii_digit()) {
            let org = next2.unwrap_or("tw");
            push(&mut out, format!("{w}-nq/{org}"));
            push(&mut out, format!("nghị quyết số {w}"));
            push(&mut out, format!("nghị quyết {w}"));
        }
        // "khóa xii" after a plenum.
        if w == "khóa" {
            if let Some(k) = next {
                let plenum = out
                    .iter()
                    .find_map(|s| s.strip_prefix("hội nghị trung ương ").map(str::to_string));
                if let Some(v) = plenum {
                    push(&mut out, format!("trung ương {v} khóa {k}"));
                }
            }
        }
    }
    out
}

fn roman_value(s: &str) -> Option<u32> {
    let digit = |c| match c {
        'i' => Some(1),
        'v' => Some(5),
        'x' => Some(10),
        'l' => Some(50),
        _ => None,
    };
    let values: Option<Vec<u32>> = s.chars().map(digit).collect();
    let values = values?;
    let mut total = 0;
    for (i, v) in values.iter().enumerate() {
        if values.get(i + 1).is_some_and(|n| n > v) {
            total -= *v as i64;
        } else {
            total += *v as i64;
        }
    }
    u32::try_from(total).ok().filter(|&t| t > 0)
}

fn ordinal_value(s: &str) -> Option<u32> {
    [
        "nhất", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười",
    ]
    .iter()
    .position(|w| *w == s)
    .map(|p| p as u32 + 1)
}

/// Phrases as canonical syllable keys.
type Gram = Vec<String>;

/// Background vocabulary: which phrases other resolutions' rubrics and essays use, and which
/// syllable pairs are words ("đánh giá", "chiến lược") a proposed term must not cut in two.
struct Background {
    docs: Vec<HashSet<Gram>>,
    edge: HashSet<String>,
    words: HashSet<(String, String)>,
    /// Syllable and syllable-pair counts in the resolution and the essays.
    syllables: HashMap<String, usize>,
    pairs: HashMap<(String, String), usize>,
    other_subjects: Vec<String>,
}

impl Background {
    /// Other shipped rubrics (not the one whose subjects are `own`) and demo essays; pair
    /// statistics also from the resolution's `text`.
    fn new(own: &[String], text: &str) -> Self {
        let mut docs = Vec::new();
        let mut other_subjects = Vec::new();
        for shipped in SHIPPED {
            let Ok(r) = shipped.compile() else { continue };
            let same = r.spec.off_topic.own_subjects.iter().any(|s| {
                let keys = keys_of(s);
                own.iter().any(|o| keys_of(o) == keys)
            });
            if same {
                continue;
            }
            other_subjects.extend(r.spec.off_topic.own_subjects.iter().cloned());
            docs.push(grams_of(shipped.toml));
        }
        // Rubric phrases are written at word boundaries: their syllable pairs are words.
        let mut words = HashSet::new();
        for shipped in SHIPPED {
            let Ok(r) = shipped.compile() else { continue };
            let s = &r.spec;
            let phrases = s
                .themes
                .iter()
                .flat_map(|t| t.terms.iter().chain(&t.aliases))
                .chain(s.parts.iter().flat_map(|p| {
                    p.headings
                        .iter()
                        .chain(p.aspects.iter().flat_map(|a| &a.cues))
                }));
            for phrase in phrases {
                let keys = keys_of(phrase);
                for pair in keys.windows(2) {
                    words.insert((pair[0].clone(), pair[1].clone()));
                }
            }
        }
        docs.extend(BACKGROUND_ESSAYS.iter().map(|e| grams_of(e)));
        let edge = include_str!("../../corpus/lexicon/function-words.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .chain(EDGE_WORDS.iter().copied())
            .flat_map(keys_of)
            .collect();
        let mut syllables: HashMap<String, usize> = HashMap::new();
        let mut pairs: HashMap<(String, String), usize> = HashMap::new();
        for t in BACKGROUND_ESSAYS
            .iter()
            .chain(STATISTICS_ESSAYS)
            .chain([&text])
        {
            for clause in clauses(t) {
                for k in &clause {
                    *syllables.entry(k.clone()).or_default() += 1;
                }
                for pair in clause.windows(2) {
                    *pairs.entry((pair[0].clone(), pair[1].clone())).or_default() += 1;
                }
            }
        }
        Background {
            docs,
            edge,
            words,
            syllables,
            pairs,
            other_subjects,
        }
    }

    /// The pair `a b` was seen at least twice and makes up at least half of the occurrences of
    /// `of` (one of the two): `of` is usually part of that word ("kỷ" of "kỷ nguyên").
    fn usually(&self, a: &str, b: &str, of: &str) -> bool {
        let together = self
            .pairs
            .get(&(a.to_string(), b.to_string()))
            .copied()
            .unwrap_or(0);
        let count = self.syllables.get(of).copied().unwrap_or(0);
        together >= 2 && 2 * together >= count
    }

    /// How strongly two syllables stick together: 1 for a known word, else their pair count
    /// over the geometric mean of their counts.
    fn cohesion(&self, a: &str, b: &str) -> f64 {
        let pair = (a.to_string(), b.to_string());
        if self.words.contains(&pair) {
            return 1.0;
        }
        let together = self.pairs.get(&pair).copied().unwrap_or(0) as f64;
        let count = |s: &str| self.syllables.get(s).copied().unwrap_or(1).max(1) as f64;
        together / (count(a) * count(b)).sqrt()
    }

    /// The `n` syllables of `clause` from `start` make a term: no function word at either end,
    /// at most one number, and no word cut at either end (the syllable before it does not stick
    /// to its first more than its first two stick together; the same at its end).
    fn acceptable(&self, clause: &[String], start: usize, n: usize) -> bool {
        let gram = &clause[start..start + n];
        let is_number = |s: &String| s.chars().any(|c| c.is_ascii_digit());
        let inner_first = self.cohesion(&gram[0], &gram[1]);
        let inner_last = self.cohesion(&gram[n - 2], &gram[n - 1]);
        let cut_before = start > 0 && {
            let prev = &clause[start - 1];
            !self.edge.contains(prev)
                && (self.cohesion(prev, &gram[0]) > inner_first
                    || self.usually(prev, &gram[0], &gram[0]))
        };
        let cut_after = clause.get(start + n).is_some_and(|next| {
            !self.edge.contains(next)
                && (self.cohesion(&gram[n - 1], next) > inner_last
                    || self.usually(&gram[n - 1], next, &gram[n - 1]))
        });
        !self.edge.contains(&gram[0])
            && !self.edge.contains(&gram[n - 1])
            && gram.iter().filter(|s| is_number(s)).count() <= 1
            && !cut_before
            && !cut_after
    }

    fn frequency(&self, gram: &Gram) -> usize {
        self.docs.iter().filter(|d| d.contains(gram)).count()
    }
}

fn keys_of(s: &str) -> Vec<String> {
    phrase_keys(s).into_iter().map(|(k, _)| k).collect()
}

/// Clauses of a text (split at punctuation), each as its syllable keys.
fn clauses(text: &str) -> Vec<Gram> {
    text.split([
        ',', ';', ':', '.', '(', ')', '"', '“', '”', '?', '!', '–', '\n',
    ])
    .map(keys_of)
    .filter(|c| !c.is_empty())
    .collect()
}

fn grams_of(text: &str) -> HashSet<Gram> {
    let mut out = HashSet::new();
    for clause in clauses(text) {
        for n in 2..=MAX_PHRASE {
            for w in clause.windows(n) {
                out.insert(w.to_vec());
            }
        }
    }
    out
}

/// A theme proposed from the text.
#[derive(Debug)]
struct Proposed {
    label: String,
    origin: String,
    weight: f64,
    required: bool,
    terms: Vec<String>,
}

/// The text of one proposed theme before terms are chosen.
struct Source {
    label: String,
    origin: String,
    heading: String,
    body: String,
}

fn sources(doc: &Structure) -> Vec<Source> {
    let mut out = Vec::new();
    for (s, section) in doc.sections.iter().enumerate() {
        let numbered = section.items.len();
        if (2..=MAX_ITEM_THEMES).contains(&numbered) {
            for (i, item) in section.items.iter().enumerate() {
                out.push(Source {
                    label: short_label(&item.heading),
                    origin: format!("mục {}.{} ({})", roman(s + 1), i + 1, section.heading),
                    heading: format!("{} {}", section.heading, item.heading),
                    body: item.lines.join("\n"),
                });
            }
            if !section.intro.is_empty() {
                out.push(Source {
                    label: short_label(&section.heading),
                    origin: format!("phần mở đầu mục {}", roman(s + 1)),
                    heading: section.heading.clone(),
                    body: section.intro.join("\n"),
                });
            }
        } else {
            let mut body = section.intro.clone();
            for item in &section.items {
                body.push(item.heading.clone());
                body.extend(item.lines.iter().cloned());
            }
            out.push(Source {
                label: short_label(&section.heading),
                origin: format!("mục {}", roman(s + 1)),
                heading: section.heading.clone(),
                body: body.join("\n"),
            });
        }
    }
    out
}

fn roman(n: usize) -> String {
    const NUMERALS: [(usize, &str); 7] = [
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut n = n;
    let mut out = String::new();
    for (value, numeral) in NUMERALS {
        while n >= value {
            out.push_str(numeral);
            n -= value;
        }
    }
    out
}

/// A theme label: the heading's first clause, at most 16 syllables, in sentence case.
fn short_label(heading: &str) -> String {
    let clause = heading
        .split([':', ';', '.'])
        .find(|c| !c.trim().is_empty())
        .unwrap_or(heading)
        .trim();
    let clause = if clause.split_whitespace().count() > 10 {
        clause.split(',').next().unwrap_or(clause).trim()
    } else {
        clause
    };
    let words: Vec<&str> = clause.split_whitespace().take(16).collect();
    let joined = words.join(" ");
    let lower = if joined
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase)
    {
        let l = joined.to_lowercase();
        let mut chars = l.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    } else {
        joined
    };
    lower.trim_end_matches([',', ';']).to_string()
}

fn propose_themes(doc: &Structure, background: &Background) -> Vec<Proposed> {
    let sources: Vec<Source> = sources(doc)
        .into_iter()
        .filter(|s| phrase_keys(&format!("{} {}", s.heading, s.body)).len() >= 6)
        .collect();
    // Candidate counts per theme (heading phrases count double).
    let counts: Vec<HashMap<Gram, f64>> = sources
        .iter()
        .map(|s| {
            let mut c: HashMap<Gram, f64> = HashMap::new();
            for (text, weight) in [(&s.heading, 2.0), (&s.body, 1.0)] {
                for clause in clauses(text) {
                    for n in 2..=MAX_PHRASE {
                        for start in 0..clause.len().saturating_sub(n - 1) {
                            if background.acceptable(&clause, start, n) {
                                let gram = clause[start..start + n].to_vec();
                                *c.entry(gram).or_default() += weight;
                            }
                        }
                    }
                }
            }
            c
        })
        .collect();
    let themes_with = |g: &Gram| counts.iter().filter(|c| c.contains_key(g)).count();
    let n = sources.len() as f64;
    let mut taken: HashSet<Gram> = HashSet::new();
    let mut out = Vec::new();
    for (source, count) in sources.iter().zip(&counts) {
        let mut scored: Vec<(f64, &Gram)> = count
            .iter()
            .map(|(g, &tf)| {
                let spread = (1.0 + n / themes_with(g) as f64).ln();
                let length = 1.0 + 0.15 * (g.len() as f64 - 2.0);
                let generic = 1.0 + 2.0 * background.frequency(g) as f64;
                (tf.sqrt() * spread * length / generic, g)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let mut chosen: Vec<&Gram> = Vec::new();
        for (_, g) in scored {
            if chosen.len() == TERMS_PER_THEME {
                break;
            }
            let overlaps = chosen
                .iter()
                .any(|c| contains(c, g) || contains(g, c) || shares_edge(c, g));
            if overlaps || taken.contains(g) {
                continue;
            }
            chosen.push(g);
        }
        if chosen.len() < 2 {
            continue;
        }
        taken.extend(chosen.iter().map(|g| (*g).clone()));
        let heading = source.heading.to_lowercase();
        let key = ["mục tiêu", "nhiệm vụ trọng tâm", "đột phá", "giải pháp"]
            .iter()
            .any(|k| heading.contains(k));
        out.push(Proposed {
            label: source.label.clone(),
            origin: source.origin.clone(),
            weight: if key { 1.5 } else { 1.0 },
            required: heading.contains("mục tiêu") || heading.contains("đột phá"),
            terms: chosen.iter().map(|g| g.join(" ")).collect(),
        });
    }
    out
}

fn contains(outer: &[String], inner: &[String]) -> bool {
    outer.len() >= inner.len() && outer.windows(inner.len()).any(|w| w == inner)
}

/// Two phrases that overlap by all but one syllable ("đột phá về thể", "phá về thể chế") say the
/// same thing; keep one.
fn shares_edge(a: &[String], b: &[String]) -> bool {
    let overlap = |x: &[String], y: &[String]| {
        (1..x.len().min(y.len()))
            .rev()
            .any(|k| k + 1 >= x.len().min(y.len()) && x[x.len() - k..] == y[..k])
    };
    overlap(a, b) || overlap(b, a)
}

/// Everything written into the drafted TOML.
struct Written<'a> {
    id: &'a str,
    source: &'a str,
    reference: Option<&'a str>,
    name: &'a str,
    themes: &'a [Proposed],
    own: &'a [String],
    other: &'a [String],
    base: &'a [String],
}

fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn list(values: &[String]) -> String {
    if values.is_empty() {
        return "[]".into();
    }
    let mut out = String::from("[\n");
    for v in values {
        let _ = writeln!(out, "  {},", quote(v));
    }
    out.push(']');
    out
}

fn kebab(label: &str, used: &mut HashSet<String>) -> String {
    let folded: Vec<String> = phrase_keys(label)
        .into_iter()
        .map(|(_, f)| f)
        .filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric()))
        .take(5)
        .collect();
    let base = if folded.is_empty() {
        "chu-de".to_string()
    } else {
        folded.join("-")
    };
    let mut id = base.clone();
    let mut n = 2;
    while !used.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

fn write_toml(w: &Written<'_>) -> String {
    let mut out = String::new();
    let name = if w.name.is_empty() { w.id } else { w.name };
    let _ = write!(
        out,
        "# =============================================================================\n\
         # BAREM DỰ THẢO (thuhoach rubric draft) từ {source}\n\
         #\n\
         # Chương trình đề xuất chủ đề theo cấu trúc của văn bản (các mục La Mã, các ý\n\
         # đánh số) và các cụm từ đặc trưng của từng mục. Đây là BẢN NHÁP: tổ đánh giá\n\
         # cần đọc lại từng chủ đề, sửa nhãn, bỏ cụm chung chung, thêm cách diễn đạt mà\n\
         # đảng viên hay dùng (aliases), chọn chủ đề bắt buộc (required), rồi kiểm tra:\n\
         #   thuhoach rubric check <tệp này>\n\
         # Cách ghi từng trường: rubrics/README.md và rubrics/template.toml.\n\
         # =============================================================================\n\n\
         [rubric]\n\
         id = {id}\n\
         title = {title}\n\
         resolution = {resolution}\n\
         version = \"nhap-1\"\n\n\
         [length]\n\
         min_words = 300\n\n",
        source = w.source.replace('\n', " "),
        id = quote(w.id),
        title = quote(&format!("Barem chấm bài thu hoạch: {name}")),
        resolution = quote(name),
    );
    out.push_str(
        "# Ngưỡng như barem mặc định (cùng cách tính điểm); hiệu chỉnh trên bài đã chấm tay.\n",
    );
    for (id, label, min) in [
        ("good", "Tốt", 75.0),
        ("fair", "Khá", 42.0),
        ("average", "Trung bình", 10.0),
        ("poor", "Chưa đạt", 0.0),
    ] {
        let _ = write!(
            out,
            "[[levels]]\nid = \"{id}\"\nlabel = \"{label}\"\nmin_score = {min:.1}\n\n"
        );
    }
    out.push_str(
        "[[criteria]]\nid = \"awareness\"\nlabel = \"Nhận thức về nội dung cơ bản, điểm mới của Nghị quyết\"\nmax = 50.0\nmeasure = \"themes\"\nfull_at = 0.7\n\n\
         [[criteria]]\nid = \"relation\"\nlabel = \"Liên hệ thực tiễn đơn vị, địa phương và bản thân\"\nmax = 30.0\nmeasure = \"part:relation\"\n\n\
         [[criteria]]\nid = \"proposals\"\nlabel = \"Phương hướng, cam kết và đề xuất, kiến nghị\"\nmax = 20.0\nmeasure = \"part:proposals\"\n\n",
    );
    out.push_str(
        "# =============================================================================\n\
         # CHỦ ĐỀ đề xuất từ văn bản (mỗi chủ đề ghi rõ lấy từ mục nào)\n\
         # =============================================================================\n\n",
    );
    let mut used = HashSet::new();
    for t in w.themes {
        let _ = write!(
            out,
            "# Từ {origin}\n[[themes]]\nid = {id}\nlabel = {label}\nweight = {weight:.1}\nrequired = {required}\nhits_for_full = {hits}\nterms = {terms}\n# aliases = [\"…\"]   # thêm cách diễn đạt mà người viết hay dùng\n\n",
            origin = t.origin.replace('\n', " "),
            id = quote(&kebab(&t.label, &mut used)),
            label = quote(&t.label),
            weight = t.weight,
            required = t.required,
            hits = t.terms.len().min(2),
            terms = list(&t.terms),
        );
    }
    out.push_str(&parts_block());
    let _ = write!(
        out,
        "[quality]\nreal_sentence_min_words = 7\nstuffing_real_share = 0.45\nrepeated_share = 0.25\nno_diacritics_share = 0.05\n\n\
         # Lạc đề: tên của nghị quyết này (own_subjects) lấy từ tên văn bản; tên các nghị\n\
         # quyết của các barem có sẵn khác (other_subjects). Thêm vào other_resolutions các\n\
         # cụm đặc trưng của văn bản mà đảng viên dễ viết nhầm sang.\n\
         [off_topic]\nmin_theme_hits = 3\nother_resolutions = []\nother_ratio = 1.0\nown_subjects = {own}\nother_subjects = {other}\n\n",
        own = list(w.own),
        other = list(w.other),
    );
    let required = w.themes.iter().filter(|t| t.required).count();
    for (when, cap, reason) in [
        ("flag:too_short", "poor", "Bài viết quá ngắn"),
        (
            "flag:off_topic",
            "poor",
            "Bài viết lạc đề hoặc viết về văn bản khác",
        ),
        (
            "flag:keyword_stuffing",
            "poor",
            "Bài chủ yếu liệt kê khẩu hiệu, cụm từ của Nghị quyết",
        ),
        (
            "flag:repeated_text",
            "poor",
            "Bài có nhiều đoạn lặp lại nguyên văn",
        ),
        (
            "flag:copied_reference",
            "poor",
            "Bài sao chép văn bản Nghị quyết, bài mẫu hoặc tài liệu tham khảo",
        ),
        (
            "missing_part:relation",
            "average",
            "Bài thiếu phần liên hệ thực tiễn và bản thân",
        ),
    ] {
        let _ = write!(
            out,
            "[[rules]]\nwhen = \"{when}\"\ncap = \"{cap}\"\nreason = \"{reason}\"\n\n"
        );
    }
    if required > 0 {
        let _ = write!(
            out,
            "[[rules]]\nwhen = \"missing_required_theme\"\nat_least = {required}\ncap = \"average\"\nreason = \"Bài chưa nêu nội dung bắt buộc của Nghị quyết\"\n\n"
        );
    }
    for (c, label) in [
        ("awareness", "Phần nhận thức"),
        ("relation", "Phần liên hệ"),
        ("proposals", "Phần cam kết, đề xuất"),
    ] {
        let _ = write!(
            out,
            "[[rules]]\nwhen = \"weak_criterion:{c}\"\nbelow = 0.5\ncap = \"fair\"\nreason = \"{label} chưa đạt một nửa số điểm của tiêu chí\"\n\n"
        );
    }
    let files: Vec<String> = w.reference.map(str::to_string).into_iter().collect();
    let _ = write!(
        out,
        "# Văn bản tham chiếu: toàn văn Nghị quyết (phát hiện chép nguyên văn); các ý liệt kê\n\
         # của Nghị quyết là base: ai cũng được trích, không tính là sao chép.\n\
         [references]\nfiles = {files}\nbase = {base}\n",
        files = list(&files),
        base = list(w.base),
    );
    out
}

/// The default rubric's parts (headings, aspects and cues fit any resolution), as TOML.
fn parts_block() -> String {
    let parts: Vec<Part> = CompiledRubric::builtin()
        .map(|r| r.spec.parts)
        .unwrap_or_default();
    let mut out = String::from(
        "# =============================================================================\n\
         # CÁC PHẦN CỦA BÀI (như barem mặc định)\n\
         # =============================================================================\n\n",
    );
    for p in &parts {
        let _ = write!(
            out,
            "[[parts]]\nid = {}\nlabel = {}\nheadings = {}\nrequired = {}\n\n",
            quote(&p.id),
            quote(&p.label),
            list(&p.headings),
            p.required
        );
        for a in &p.aspects {
            let _ = write!(
                out,
                "[[parts.aspects]]\nid = {}\nlabel = {}\ncues = {}\nconcrete = {}\ntarget = {}\nweight = {}\n\n",
                quote(&a.id),
                quote(&a.label),
                list(&a.cues),
                a.concrete,
                a.target,
                a.weight
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESOLUTION: &str = "ĐẢNG CỘNG SẢN VIỆT NAM\n\
        NGHỊ QUYẾT HỘI NGHỊ LẦN THỨ NĂM BAN CHẤP HÀNH TRUNG ƯƠNG KHÓA XV\n\
        Số 09-NQ/TW về phát triển nông nghiệp sinh thái và kinh tế hợp tác xã\n\
        I. TÌNH HÌNH VÀ NGUYÊN NHÂN\n\
        Kinh tế hợp tác xã phát triển chậm, liên kết chuỗi giá trị nông sản còn lỏng lẻo. Nông nghiệp sinh thái chưa được quan tâm đúng mức.\n\
        II. MỤC TIÊU\n\
        Đến năm 2035, 70% hợp tác xã nông nghiệp hoạt động hiệu quả, liên kết chuỗi giá trị nông sản bền vững.\n\
        - Giá trị sản phẩm nông nghiệp sinh thái đạt 30% tổng giá trị sản xuất nông nghiệp.\n\
        III. NHIỆM VỤ, GIẢI PHÁP\n\
        1. Đổi mới tư duy về kinh tế tập thể: tuyên truyền mô hình hợp tác xã kiểu mới, xóa bỏ định kiến về hợp tác xã kiểu cũ.\n\
        2. Hoàn thiện chính sách đất đai cho nông nghiệp sinh thái: tích tụ ruộng đất, cánh đồng sinh thái, tín chỉ các-bon rừng.\n\
        - Ưu đãi tín dụng xanh cho hợp tác xã nông nghiệp sinh thái.\n\
        3. Phát triển chuỗi giá trị nông sản gắn với chuyển đổi số: truy xuất nguồn gốc, sàn thương mại điện tử nông sản, mã số vùng trồng.\n";

    #[test]
    fn a_draft_has_themes_from_the_structure_and_passes_rubric_check() {
        let d = draft_text(RESOLUTION, "nq-09-tw5-xv", "nq09.txt", None).expect("draft");
        let r = CompiledRubric::from_toml(&d.toml, "draft.toml")
            .unwrap_or_else(|e| panic!("{e}\n{}", d.toml));
        let ids: Vec<&str> = r.spec.themes.iter().map(|t| t.label.as_str()).collect();
        // One theme per numbered item of the solutions section, one per other section.
        assert_eq!(r.spec.themes.len(), 5, "{ids:?}");
        assert!(
            ids.iter().any(|l| l.starts_with("Đổi mới tư duy")),
            "{ids:?}"
        );
        let goals = r
            .spec
            .themes
            .iter()
            .find(|t| t.label == "Mục tiêu")
            .expect("goals theme");
        assert!(goals.required);
        let solutions = &r.spec.themes[2];
        assert!(
            solutions
                .terms
                .iter()
                .any(|t| t.contains("hợp tác xã kiểu")),
            "{:?}",
            solutions.terms
        );
        let all_terms: Vec<&String> = r.spec.themes.iter().flat_map(|t| &t.terms).collect();
        assert!(
            all_terms.iter().all(|t| phrase_keys(t).len() >= 2),
            "{all_terms:?}"
        );
        assert!(r
            .spec
            .references
            .base
            .iter()
            .any(|b| b.contains("tín dụng xanh")));
    }

    #[test]
    fn own_subjects_come_from_the_resolution_name() {
        let subjects = own_subjects(
            "NGHỊ QUYẾT HỘI NGHỊ LẦN THỨ NĂM BAN CHẤP HÀNH TRUNG ƯƠNG KHÓA XV Số 09-NQ/TW",
        );
        assert!(
            subjects.contains(&"hội nghị trung ương 5".to_string()),
            "{subjects:?}"
        );
        assert!(
            subjects.contains(&"trung ương 5 khóa xv".to_string()),
            "{subjects:?}"
        );
        assert!(subjects.contains(&"09-nq/tw".to_string()), "{subjects:?}");
        let congress = own_subjects("Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV của Đảng");
        assert!(
            congress.contains(&"đại hội xiv".to_string()),
            "{congress:?}"
        );
        assert!(congress.contains(&"đại hội 14".to_string()), "{congress:?}");
    }

    #[test]
    fn generic_phrases_score_below_specific_ones() {
        let bg = Background::new(&[], "");
        let generic = keys_of("phát triển kinh tế");
        let specific = keys_of("tín chỉ các-bon rừng");
        assert!(bg.frequency(&generic) > bg.frequency(&specific));
    }

    #[test]
    fn bad_ids_and_empty_texts_are_refused_in_vietnamese() {
        let e = draft_text(RESOLUTION, "NQ 09", "x", None).expect_err("bad id");
        assert!(e.to_string().contains("không hợp lệ"));
        let e = draft_text("  \n", "nq-09", "trong.txt", None).expect_err("empty");
        assert!(e.to_string().contains("trong.txt"));
    }
}
