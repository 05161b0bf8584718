//! Rubrics: the TOML schema, its validation with clear messages, and the compiled form that
//! assessment runs on.

pub mod check;
pub mod draft;
mod levels;
mod matcher;
pub mod registry;
mod schema;
mod toml_vi;

use std::collections::HashSet;
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::text::phrase_keys;

pub use levels::{resolve_level, UnknownLevel};
pub use matcher::{Hit, Owner, PhraseMatcher};
pub use schema::{
    Aspect, Concept, Criterion, Length, Level, OffTopic, OtherDocument, Part, Quality, References,
    Rubric, RubricInfo, Rule, Theme, Understanding,
};

use crate::assess::Flag;

/// The built-in rubric (Nghị quyết Đại hội XIII), compiled into the binary.
pub const DEFAULT_RUBRIC_TOML: &str = include_str!("../../rubrics/dai-hoi-xiii.toml");
/// Name under which the built-in rubric reports its errors.
pub const DEFAULT_RUBRIC_NAME: &str = "rubrics/dai-hoi-xiii.toml (built-in)";

/// Files the shipped rubrics refer to, compiled in so the built-in rubric works anywhere.
/// Paths are relative to `rubrics/`.
const SHIPPED_FILES: &[(&str, &str)] = &[
    (
        "references/dai-hoi-xiii.txt",
        include_str!("../../rubrics/references/dai-hoi-xiii.txt"),
    ),
    (
        "references/dai-hoi-xiv.txt",
        include_str!("../../rubrics/references/dai-hoi-xiv.txt"),
    ),
];

/// The shared thesaurus of the political register (`corpus/lexicon/thesaurus.toml`).
const THESAURUS_TOML: &str = include_str!("../../corpus/lexicon/thesaurus.toml");
const THESAURUS_NAME: &str = "corpus/lexicon/thesaurus.toml (built-in)";

/// Words by which writers speak of themselves or their unit; negations; stock phrases.
const PERSONAL_WORDS: &str = include_str!("../../corpus/lexicon/personal.txt");
const NEGATORS: &str = include_str!("../../corpus/lexicon/negators.txt");
const STOCK_PHRASES: &str = include_str!("../../corpus/lexicon/stock-phrases.txt");

fn lexicon_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Thesaurus {
    groups: std::collections::BTreeMap<String, Vec<String>>,
}

/// A rubric that cannot be used: which file, where, which field, what is wrong.
#[derive(Debug, Clone, thiserror::Error, Serialize)]
#[error("{file}{}: {field}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct RubricError {
    /// The rubric file's name.
    pub file: String,
    /// Line of the problem, when known.
    pub line: Option<usize>,
    /// The field at fault (`themes.terms`, `rules.cap`…).
    pub field: String,
    /// What is wrong and how to fix it (Vietnamese).
    pub message: String,
}

/// Which rubric produced a result: its id and the SHA-256 of its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct RubricRef {
    /// The rubric's id (`[rubric] id`, e.g. `dai-hoi-xiii`).
    pub id: String,
    /// SHA-256 (hex) of the rubric file's bytes: two rows graded under the same rubric text
    /// carry the same hash.
    pub sha256: String,
}

/// What measures a criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// The rubric's themes, weighted.
    Themes,
    /// A part, by index.
    Part(usize),
}

/// What a rule looks at.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// The essay carries this flag.
    Flag(Flag),
    /// Part (by index) not found.
    MissingPart(usize),
    /// At least this many required themes are not covered.
    MissingRequiredTheme(usize),
    /// Criterion `.0` earned less than share `.1` of its maximum.
    WeakCriterion(usize, f64),
    /// Fewer than `.1` of themes `.0` are covered.
    ThemesCovered(Vec<usize>, usize),
}

/// A concept of a theme, compiled: which theme, how many slots must co-occur.
#[derive(Debug, Clone)]
pub struct ConceptInfo {
    /// Index of the theme it belongs to.
    pub theme: usize,
    /// Number of lists (slots) one of whose alternatives must each occur in the sentence.
    pub slots: u8,
    /// What it stands for, for explanations.
    pub label: String,
}

/// A rubric checked and ready to grade with.
#[derive(Debug, Clone)]
pub struct CompiledRubric {
    pub spec: Rubric,
    pub reference: RubricRef,
    pub matcher: PhraseMatcher,
    pub measures: Vec<Measure>,
    pub conditions: Vec<Condition>,
    /// Level index of each rule's cap.
    pub caps: Vec<usize>,
    /// Folder of the rubric file, against which its reference paths are resolved.
    pub folder: Option<std::path::PathBuf>,
    /// Concepts of all themes, numbered as in [`Owner::Concept`].
    pub concepts: Vec<ConceptInfo>,
    /// For each theme, the part it is scoped to.
    pub theme_parts: Vec<Option<usize>>,
    /// Hashes of the folded 4-syllable runs of the resolution's official text.
    pub official: rustc_hash::FxHashSet<u64>,
    /// Canonical keys of numbers that belong to the resolution.
    pub resolution_numbers: rustc_hash::FxHashSet<String>,
}

impl CompiledRubric {
    /// The built-in default rubric.
    pub fn builtin() -> Result<Self, RubricError> {
        Self::from_toml(DEFAULT_RUBRIC_TOML, DEFAULT_RUBRIC_NAME)
    }

    /// Reads and checks a rubric file.
    pub fn from_file(path: &Path) -> Result<Self, RubricError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| RubricError {
            file: name.clone(),
            line: None,
            field: "-".into(),
            message: format!("không đọc được tệp barem: {e}"),
        })?;
        let rubric = Self::from_toml_in(&text, &name, path.parent())?;
        let folder = rubric.folder.clone().unwrap_or_default();
        check::check_files(&rubric.spec, &folder, &text, &name)?;
        Ok(rubric)
    }

    /// Parses and checks rubric TOML; `name` is used in error messages. Files the rubric names
    /// are looked for among the shipped rubrics' files.
    pub fn from_toml(text: &str, name: &str) -> Result<Self, RubricError> {
        Self::from_toml_in(text, name, None)
    }

    /// Parses and checks rubric TOML whose relative file names start in `folder`.
    pub fn from_toml_in(
        text: &str,
        name: &str,
        folder: Option<&Path>,
    ) -> Result<Self, RubricError> {
        let spec: Rubric = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            RubricError {
                file: name.to_string(),
                line,
                field: field_of_toml_error(e.message()),
                message: toml_vi::explain(e.message(), line.and_then(|l| text.lines().nth(l - 1))),
            }
        })?;
        check::lint(&spec, text, name)?;
        let sha256 = format!("{:x}", Sha256::digest(text.as_bytes()));
        let mut rubric = compile(spec, sha256, text, name, folder)?;
        rubric.folder = folder.map(Path::to_path_buf);
        Ok(rubric)
    }

    /// Index of a level by id.
    pub fn level_index(&self, id: &str) -> Option<usize> {
        self.spec.levels.iter().position(|l| l.id == id)
    }
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}

fn field_of_toml_error(message: &str) -> String {
    // toml reports e.g. "missing field `label`" or "unknown field `lable`, expected …".
    message
        .split('`')
        .nth(1)
        .map(str::to_string)
        .unwrap_or_else(|| "-".into())
}

struct Checker<'a> {
    text: &'a str,
    name: &'a str,
}

impl Checker<'_> {
    /// An error at the first line where `needle` appears (the offending value), if found.
    fn err(&self, field: &str, needle: &str, message: String) -> RubricError {
        let line = if needle.is_empty() {
            None
        } else {
            self.text.find(needle).map(|at| line_of(self.text, at))
        };
        RubricError {
            file: self.name.to_string(),
            line,
            field: field.to_string(),
            message,
        }
    }
}

fn unique<'a>(
    c: &Checker<'_>,
    what: &str,
    ids: impl Iterator<Item = &'a String>,
) -> Result<(), RubricError> {
    let mut seen = HashSet::new();
    for id in ids {
        if id.trim().is_empty() {
            return Err(c.err(&format!("{what}.id"), "", "id không được để trống".into()));
        }
        if !seen.insert(id.as_str()) {
            return Err(c.err(
                &format!("{what}.id"),
                &format!("\"{id}\""),
                format!("id \"{id}\" bị trùng"),
            ));
        }
    }
    Ok(())
}

/// Reads a file a rubric names: relative to the rubric's folder, else among the shipped files.
fn rubric_file(
    c: &Checker<'_>,
    field: &str,
    file: &str,
    folder: Option<&Path>,
) -> Result<String, RubricError> {
    if let Some(dir) = folder {
        let path = dir.join(file);
        if path.is_file() {
            return std::fs::read_to_string(&path).map_err(|e| {
                c.err(
                    field,
                    file,
                    format!("không đọc được tệp \"{}\": {e}", path.display()),
                )
            });
        }
    }
    SHIPPED_FILES
        .iter()
        .find(|(p, _)| *p == file.trim_start_matches("./"))
        .map(|(_, text)| text.to_string())
        .ok_or_else(|| {
            c.err(
                field,
                file,
                format!("không tìm thấy tệp \"{file}\" (đường dẫn tính từ thư mục chứa barem)"),
            )
        })
}

/// Expands `"@group"` to the group's phrases; any other string is itself.
fn expand<'a>(
    c: &Checker<'_>,
    field: &str,
    groups: &'a std::collections::BTreeMap<String, Vec<String>>,
    item: &'a str,
) -> Result<Vec<&'a str>, RubricError> {
    match item.trim().strip_prefix('@') {
        Some(g) => groups
            .get(g)
            .map(|v| v.iter().map(String::as_str).collect())
            .ok_or_else(|| {
                c.err(
                    field,
                    item,
                    format!(
                        "nhóm từ \"@{g}\" không có trong [groups] của barem hay trong corpus/lexicon/thesaurus.toml"
                    ),
                )
            }),
        None => Ok(vec![item]),
    }
}

/// Hashes of the folded 4-syllable runs inside each sentence of `text`.
pub fn official_grams(text: &str) -> rustc_hash::FxHashSet<u64> {
    let clean: String = lexicon_lines(text).collect::<Vec<_>>().join("\n");
    let a = crate::text::analyze(&clean);
    let mut out = rustc_hash::FxHashSet::default();
    crate::assess::gram_hashes(&a, |_, h| {
        out.insert(h);
    });
    out
}

fn compile(
    spec: Rubric,
    sha256: String,
    text: &str,
    name: &str,
    folder: Option<&Path>,
) -> Result<CompiledRubric, RubricError> {
    let c = Checker { text, name };
    if spec.levels.is_empty() {
        return Err(c.err("levels", "", "cần ít nhất một mức xếp loại".into()));
    }
    unique(&c, "levels", spec.levels.iter().map(|l| &l.id))?;
    unique(&c, "criteria", spec.criteria.iter().map(|l| &l.id))?;
    unique(&c, "themes", spec.themes.iter().map(|l| &l.id))?;
    unique(&c, "parts", spec.parts.iter().map(|l| &l.id))?;
    for w in spec.levels.windows(2) {
        if w[1].min_score >= w[0].min_score {
            return Err(c.err(
                "levels.min_score",
                &format!("\"{}\"", w[1].id),
                format!(
                    "các mức phải xếp từ cao xuống thấp: \"{}\" ({}) không thấp hơn \"{}\" ({})",
                    w[1].id, w[1].min_score, w[0].id, w[0].min_score
                ),
            ));
        }
    }
    let total: f64 = spec.criteria.iter().map(|c| c.max).sum();
    if (total - 100.0).abs() > 1e-6 {
        return Err(c.err(
            "criteria.max",
            "[[criteria]]",
            format!("tổng điểm tối đa của các tiêu chí phải là 100, hiện là {total}"),
        ));
    }
    let mut measures = Vec::new();
    for cr in &spec.criteria {
        if !(cr.full_at > 0.0 && cr.full_at <= 1.0) {
            return Err(c.err(
                "criteria.full_at",
                &format!("\"{}\"", cr.id),
                format!("full_at của \"{}\" phải trong (0, 1]", cr.id),
            ));
        }
        let m = if cr.measure == "themes" {
            Measure::Themes
        } else if let Some(part) = cr.measure.strip_prefix("part:") {
            match spec.parts.iter().position(|p| p.id == part) {
                Some(i) => Measure::Part(i),
                None => {
                    return Err(c.err(
                        "criteria.measure",
                        &cr.measure,
                        format!(
                            "\"{}\" nói tới phần \"{part}\" không có trong [[parts]]",
                            cr.measure
                        ),
                    ))
                }
            }
        } else {
            return Err(c.err(
                "criteria.measure",
                &cr.measure,
                format!(
                    "measure phải là \"themes\" hoặc \"part:<id>\", không phải \"{}\"",
                    cr.measure
                ),
            ));
        };
        measures.push(m);
    }
    let thesaurus: Thesaurus = toml::from_str(THESAURUS_TOML).map_err(|e| RubricError {
        file: THESAURUS_NAME.into(),
        line: e.span().map(|s| line_of(THESAURUS_TOML, s.start)),
        field: field_of_toml_error(e.message()),
        message: e.message().trim().to_string(),
    })?;
    let mut groups = thesaurus.groups;
    groups.extend(spec.groups.clone());
    let mut matcher = PhraseMatcher::default();
    let mut concepts = Vec::new();
    let mut theme_parts = Vec::new();
    for w in lexicon_lines(PERSONAL_WORDS) {
        matcher.add(w, Owner::Personal);
    }
    for w in lexicon_lines(NEGATORS) {
        matcher.add(w, Owner::Negator);
    }
    for w in lexicon_lines(STOCK_PHRASES) {
        matcher.add(w, Owner::Stock);
    }
    for (i, t) in spec.themes.iter().enumerate() {
        if t.terms.is_empty() {
            return Err(c.err(
                "themes.terms",
                &format!("\"{}\"", t.id),
                format!("chủ đề \"{}\" chưa có cụm từ nào (terms)", t.id),
            ));
        }
        if t.hits_for_full == 0 || t.weight <= 0.0 {
            return Err(c.err(
                "themes.hits_for_full",
                &format!("\"{}\"", t.id),
                format!(
                    "chủ đề \"{}\": hits_for_full và weight phải lớn hơn 0",
                    t.id
                ),
            ));
        }
        for term in t.terms.iter().chain(&t.aliases) {
            for phrase in expand(&c, "themes.terms", &groups, term)? {
                matcher.add(phrase, Owner::Theme(i));
            }
        }
        for concept in &t.concepts {
            if concept.all.is_empty() || concept.all.len() > 8 {
                return Err(c.err(
                    "themes.concepts.all",
                    &format!("\"{}\"", t.id),
                    format!(
                        "chủ đề \"{}\": mỗi ý (concept) cần từ 1 đến 8 danh sách trong all",
                        t.id
                    ),
                ));
            }
            let id = concepts.len() as u32;
            for (slot, alternatives) in concept.all.iter().enumerate() {
                if alternatives.is_empty() {
                    return Err(c.err(
                        "themes.concepts.all",
                        &format!("\"{}\"", t.id),
                        format!("chủ đề \"{}\": một danh sách trong all bị rỗng", t.id),
                    ));
                }
                for alt in alternatives {
                    for phrase in expand(&c, "themes.concepts.all", &groups, alt)? {
                        matcher.add(phrase, Owner::Concept(id, slot as u8));
                    }
                }
            }
            concepts.push(ConceptInfo {
                theme: i,
                slots: concept.all.len() as u8,
                label: concept.label.clone(),
            });
        }
        let part = match &t.part {
            None => None,
            Some(p) => Some(spec.parts.iter().position(|x| &x.id == p).ok_or_else(|| {
                c.err(
                    "themes.part",
                    &format!("part = \"{p}\""),
                    format!(
                        "chủ đề \"{}\" nói tới phần \"{p}\" không có trong [[parts]]",
                        t.id
                    ),
                )
            })?),
        };
        theme_parts.push(part);
    }
    for (p, part) in spec.parts.iter().enumerate() {
        for h in &part.headings {
            matcher.add(h, Owner::Heading(p));
        }
        unique(&c, "parts.aspects", part.aspects.iter().map(|a| &a.id))?;
        for (a, aspect) in part.aspects.iter().enumerate() {
            if aspect.target == 0 || aspect.weight <= 0.0 {
                return Err(c.err(
                    "parts.aspects.target",
                    &format!("\"{}\"", aspect.id),
                    format!("\"{}\": target và weight phải lớn hơn 0", aspect.id),
                ));
            }
            for cue in &aspect.cues {
                for phrase in expand(&c, "parts.aspects.cues", &groups, cue)? {
                    matcher.add(phrase, Owner::Cue(p, a));
                }
            }
            if !(0.0..=1.0).contains(&aspect.generic_credit) {
                return Err(c.err(
                    "parts.aspects.generic_credit",
                    &format!("\"{}\"", aspect.id),
                    format!("\"{}\": generic_credit phải trong [0, 1]", aspect.id),
                ));
            }
        }
    }
    let ot = &spec.off_topic;
    for o in &ot.other_resolutions {
        matcher.add(o, Owner::OtherResolution);
    }
    for o in &ot.own_subjects {
        matcher.add(o, Owner::OwnSubject);
    }
    for o in &ot.other_subjects {
        matcher.add(o, Owner::OtherSubject);
    }
    for (d, doc) in ot.documents.iter().enumerate() {
        for m in &doc.markers {
            matcher.add(m, Owner::Document(d as u16));
        }
        for m in &doc.subjects {
            matcher.add(m, Owner::DocumentSubject(d as u16));
        }
    }
    let u = &spec.understanding;
    for (field, v) in [
        ("understanding.restated_share", u.restated_share),
        ("understanding.dense_share", u.dense_share),
        ("understanding.generic_share", u.generic_share),
        ("understanding.restated_floor", u.restated_floor),
        ("understanding.own_words_full", u.own_words_full),
        ("understanding.padding_share", u.padding_share),
    ] {
        if !(0.0..=1.0).contains(&v) {
            let key = field.rsplit('.').next().unwrap_or(field);
            return Err(c.err(
                field,
                key,
                format!("{field} phải trong [0, 1], không phải {v}"),
            ));
        }
    }
    let mut official = rustc_hash::FxHashSet::default();
    for f in &u.official_text {
        official.extend(official_grams(&rubric_file(
            &c,
            "understanding.official_text",
            f,
            folder,
        )?));
    }
    let resolution_numbers = u
        .resolution_numbers
        .iter()
        .flat_map(|n| phrase_keys(n).into_iter().map(|(k, _)| k))
        .collect();
    let mut conditions = Vec::new();
    let mut caps = Vec::new();
    for r in &spec.rules {
        let cond = if let Some(f) = r.when.strip_prefix("flag:") {
            Flag::from_id(f).map(Condition::Flag)
        } else if let Some(p) = r.when.strip_prefix("missing_part:") {
            spec.parts
                .iter()
                .position(|x| x.id == p)
                .map(Condition::MissingPart)
        } else if r.when == "missing_required_theme" {
            Some(Condition::MissingRequiredTheme(r.at_least.max(1)))
        } else if let Some(c) = r.when.strip_prefix("weak_criterion:") {
            spec.criteria
                .iter()
                .position(|x| x.id == c)
                .map(|i| Condition::WeakCriterion(i, r.below))
        } else if let Some(list) = r.when.strip_prefix("themes_covered:") {
            let ids: Option<Vec<usize>> = list
                .split(',')
                .map(|id| spec.themes.iter().position(|t| t.id == id.trim()))
                .collect();
            ids.filter(|v| !v.is_empty() && r.at_least >= 1 && r.at_least <= v.len())
                .map(|v| Condition::ThemesCovered(v, r.at_least))
        } else {
            None
        };
        let Some(cond) = cond else {
            return Err(c.err(
                "rules.when",
                &r.when,
                format!(
                    "điều kiện \"{}\" không hợp lệ (dùng flag:<cờ>, missing_part:<id phần>, missing_required_theme, weak_criterion:<id tiêu chí> hoặc themes_covered:<id chủ đề>,<id chủ đề>,… với 1 ≤ at_least ≤ số chủ đề)",
                    r.when
                ),
            ));
        };
        let Some(cap) = spec.levels.iter().position(|l| l.id == r.cap) else {
            return Err(c.err(
                "rules.cap",
                &format!("cap = \"{}\"", r.cap),
                format!("mức \"{}\" không có trong [[levels]]", r.cap),
            ));
        };
        conditions.push(cond);
        caps.push(cap);
    }
    let reference = RubricRef {
        id: spec.rubric.id.clone(),
        sha256,
    };
    Ok(CompiledRubric {
        spec,
        reference,
        matcher,
        measures,
        conditions,
        caps,
        folder: None,
        concepts,
        theme_parts,
        official,
        resolution_numbers,
    })
}

/// A readable summary of a rubric, for `thuhoach rubric check`.
pub fn describe(r: &CompiledRubric) -> String {
    use std::fmt::Write;
    let s = &r.spec;
    let mut out = String::new();
    let _ = (|| -> std::fmt::Result {
        writeln!(out, "Barem hợp lệ: {} ({})", s.rubric.title, s.rubric.id)?;
        if !s.rubric.resolution.is_empty() {
            writeln!(out, "Nghị quyết: {}", s.rubric.resolution)?;
        }
        writeln!(out, "SHA-256: {}", r.reference.sha256)?;
        writeln!(out, "\nMức xếp loại:")?;
        for l in &s.levels {
            writeln!(
                out,
                "  {:<10} {:<12} từ {} điểm",
                l.id, l.label, l.min_score
            )?;
        }
        writeln!(out, "\nTiêu chí (tổng 100 điểm):")?;
        for c in &s.criteria {
            writeln!(
                out,
                "  {:<12} {:>5} điểm  {} [{}]",
                c.id, c.max, c.label, c.measure
            )?;
        }
        writeln!(out, "\nChủ đề ({}):", s.themes.len())?;
        for t in &s.themes {
            let req = if t.required { ", bắt buộc" } else { "" };
            writeln!(
                out,
                "  {:<28} trọng số {}{req}; {} cụm từ, {} cách diễn đạt khác — {}",
                t.id,
                t.weight,
                t.terms.len(),
                t.aliases.len(),
                t.label
            )?;
        }
        writeln!(out, "\nCác phần của bài ({}):", s.parts.len())?;
        for p in &s.parts {
            let req = if p.required { " (bắt buộc)" } else { "" };
            writeln!(out, "  {:<12} {}{req}", p.id, p.label)?;
            for a in &p.aspects {
                writeln!(
                    out,
                    "      {:<22} cần {} câu{}; {} dấu hiệu",
                    a.id,
                    a.target,
                    if a.concrete {
                        " có số liệu cụ thể"
                    } else {
                        ""
                    },
                    a.cues.len()
                )?;
            }
        }
        writeln!(out, "\nQuy tắc hạ mức ({}):", s.rules.len())?;
        for rule in &s.rules {
            writeln!(
                out,
                "  {:<32} → tối đa «{}»: {}",
                rule.when, rule.cap, rule.reason
            )?;
        }
        check::describe_settings(&mut out, s)
    })();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rubric_compiles() {
        let r = CompiledRubric::builtin().expect("built-in rubric");
        assert_eq!(r.reference.id, "dai-hoi-xiii");
        assert_eq!(r.spec.levels[0].id, "good");
        assert_eq!(r.reference.sha256.len(), 64);
    }

    #[test]
    fn syntax_errors_name_file_line_and_field() {
        let bad = DEFAULT_RUBRIC_TOML.replacen("label = ", "lable = ", 1);
        let e = CompiledRubric::from_toml(&bad, "x.toml").unwrap_err();
        assert_eq!(e.file, "x.toml");
        assert_eq!(e.field, "lable");
        let line = e.line.expect("line");
        assert!(
            bad.lines().nth(line - 1).unwrap_or("").contains("lable"),
            "{e}"
        );
    }

    #[test]
    fn unknown_cap_level_is_reported_at_its_line() {
        let bad = DEFAULT_RUBRIC_TOML.replacen("cap = \"poor\"", "cap = \"kem\"", 1);
        let e = CompiledRubric::from_toml(&bad, "x.toml").unwrap_err();
        assert_eq!(e.field, "rules.cap");
        let line = e.line.expect("line");
        assert!(bad.lines().nth(line - 1).unwrap_or("").contains("kem"));
    }
}
