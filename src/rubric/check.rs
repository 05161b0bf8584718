//! The rubric checker: mistakes a secretary makes that the schema and `compile` let through,
//! each reported in Vietnamese at the line of the offending value.
//!
//! [`lint`] runs on the parsed rubric before it is compiled, so a rule naming a part or a level
//! that is not there is reported as such, at the rule. [`check_files`] checks that the
//! reference files a rubric file names exist, relative to the rubric.

use std::collections::HashMap;
use std::path::Path;

use super::{line_of, Rubric, RubricError, Rule};
use crate::text::phrase_keys;

/// Level ids of the contract (`good`, `fair`, `average`, `poor`); reports and the JSON row use
/// them. A rubric that uses one of them uses only them.
pub const CONTRACT_LEVELS: [&str; 4] = ["good", "fair", "average", "poor"];

/// Checks what `compile` does not: phrases (duplicate, nested in another of the same theme,
/// one syllable, punctuation only), `hits_for_full` beyond what a theme can match, rule settings
/// (`at_least = 0`, `below` outside (0, 1), a part, criterion, theme or level that is not there),
/// and level ids outside the contract. The first mistake is returned.
pub fn lint(spec: &Rubric, text: &str, name: &str) -> Result<(), RubricError> {
    let at = Locator { text, name };
    levels(spec, &at)?;
    rules(spec, &at)?;
    themes(spec, &at)?;
    other_phrases(spec, &at)
}

/// Checks that the reference files of a rubric file (`[references] files` and `base_files`)
/// exist, relative to `folder` (the rubric's folder).
pub fn check_files(
    spec: &Rubric,
    folder: &Path,
    text: &str,
    name: &str,
) -> Result<(), RubricError> {
    let at = Locator { text, name };
    let refs = &spec.references;
    for (field, files) in [
        ("references.files", &refs.files),
        ("references.base_files", &refs.base_files),
    ] {
        for f in files {
            let path = folder.join(f);
            if !path.exists() {
                return Err(at.error(
                    at.in_block("[references]", 0, &quoted(f)),
                    field,
                    format!(
                        "không tìm thấy tệp tham chiếu \"{f}\" (đường dẫn tính từ thư mục của barem: {})",
                        path.display()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The settings `rubric check` shows after themes, parts and rules: length, quality
/// thresholds, off-topic markers and references, each with what it does.
pub fn describe_settings(out: &mut String, s: &Rubric) -> std::fmt::Result {
    use std::fmt::Write;
    let shown = |list: &[String]| {
        if list.is_empty() {
            "(không có)".to_string()
        } else {
            list.join("; ")
        }
    };
    writeln!(
        out,
        "\nĐộ dài: tối thiểu {} tiếng (ít hơn → cờ too_short)",
        s.length.min_words
    )?;
    let q = &s.quality;
    writeln!(out, "\nChất lượng:")?;
    writeln!(
        out,
        "  câu thật từ {} tiếng trở lên (câu ngắn hơn, khẩu hiệu, gạch đầu dòng không được tính điểm)",
        q.real_sentence_min_words
    )?;
    writeln!(
        out,
        "  keyword_stuffing khi câu thật dưới {:.0}% thân bài; repeated_text khi phần lặp lại từ {:.0}%; no_diacritics khi tiếng có dấu dưới {:.0}%",
        q.stuffing_real_share * 100.0,
        q.repeated_share * 100.0,
        q.no_diacritics_share * 100.0
    )?;
    let ot = &s.off_topic;
    writeln!(out, "\nLạc đề (off_topic):")?;
    writeln!(
        out,
        "  khi bài có dưới {} cụm chủ đề khác nhau",
        ot.min_theme_hits
    )?;
    writeln!(
        out,
        "  hoặc số lần gặp cụm của văn bản khác ≥ {} × số cụm chủ đề; cụm văn bản khác ({}): {}",
        ot.other_ratio,
        ot.other_resolutions.len(),
        shown(&ot.other_resolutions)
    )?;
    writeln!(
        out,
        "  hoặc bài gọi tên văn bản khác từ 2 lần và nhiều hơn tên văn bản này"
    )?;
    writeln!(
        out,
        "  tên văn bản này (own_subjects): {}",
        shown(&ot.own_subjects)
    )?;
    writeln!(
        out,
        "  tên văn bản khác (other_subjects): {}",
        shown(&ot.other_subjects)
    )?;
    let r = &s.references;
    writeln!(out, "\nVăn bản tham chiếu (references):")?;
    writeln!(out, "  files: {}", shown(&r.files))?;
    writeln!(
        out,
        "  base: {} đoạn ai cũng được trích (không tính là sao chép)",
        r.base.len()
    )?;
    writeln!(out, "  base_files: {}", shown(&r.base_files))
}

fn levels(spec: &Rubric, at: &Locator<'_>) -> Result<(), RubricError> {
    let claims = spec
        .levels
        .iter()
        .any(|l| CONTRACT_LEVELS.contains(&l.id.as_str()));
    if !claims {
        return Ok(());
    }
    for (i, level) in spec.levels.iter().enumerate() {
        if !CONTRACT_LEVELS.contains(&level.id.as_str()) {
            return Err(at.error(
                at.in_block("[[levels]]", i, &quoted(&level.id)),
                "levels.id",
                format!(
                    "mã mức \"{}\" không thuộc bộ mã chuẩn (good, fair, average, poor) mà báo cáo và kết quả dùng; giữ mã chuẩn, chỉ sửa nhãn (label)",
                    level.id
                ),
            ));
        }
    }
    Ok(())
}

fn rules(spec: &Rubric, at: &Locator<'_>) -> Result<(), RubricError> {
    let ids = |v: Vec<&str>| v.join(", ");
    for (i, rule) in spec.rules.iter().enumerate() {
        let line = |needle: &str| at.in_block("[[rules]]", i, needle);
        let when = line(&quoted(&rule.when));
        if let Some(part) = rule.when.strip_prefix("missing_part:") {
            if !spec.parts.iter().any(|p| p.id == part) {
                return Err(at.error(
                    when,
                    "rules.when",
                    format!(
                        "luật \"{}\" nói tới phần \"{part}\" không có trong [[parts]] (các phần hiện có: {})",
                        rule.when,
                        ids(spec.parts.iter().map(|p| p.id.as_str()).collect())
                    ),
                ));
            }
        }
        if let Some(c) = rule.when.strip_prefix("weak_criterion:") {
            if !spec.criteria.iter().any(|x| x.id == c) {
                return Err(at.error(
                    when,
                    "rules.when",
                    format!(
                        "luật \"{}\" nói tới tiêu chí \"{c}\" không có trong [[criteria]] (các tiêu chí hiện có: {})",
                        rule.when,
                        ids(spec.criteria.iter().map(|x| x.id.as_str()).collect())
                    ),
                ));
            }
        }
        if let Some(list) = rule.when.strip_prefix("themes_covered:") {
            themes_covered(spec, at, rule, list, when)?;
        }
        if !spec.levels.iter().any(|l| l.id == rule.cap) {
            return Err(at.error(
                line(&quoted(&rule.cap)),
                "rules.cap",
                format!(
                    "luật \"{}\" hạ xuống mức \"{}\" không có trong [[levels]] (các mức hiện có: {}); nếu đã đổi mã mức, sửa cả ở đây",
                    rule.when,
                    rule.cap,
                    ids(spec.levels.iter().map(|l| l.id.as_str()).collect())
                ),
            ));
        }
        if rule.at_least == 0 {
            return Err(at.error(
                line("at_least"),
                "rules.at_least",
                format!(
                    "luật \"{}\": at_least = 0 thì luật luôn áp dụng; phải từ 1 trở lên",
                    rule.when
                ),
            ));
        }
        if !(rule.below > 0.0 && rule.below < 1.0) {
            return Err(at.error(
                line("below"),
                "rules.below",
                format!(
                    "luật \"{}\": below = {} phải là một tỷ lệ lớn hơn 0 và nhỏ hơn 1 (ví dụ 0.5 là một nửa số điểm tối đa), không phải phần trăm",
                    rule.when, rule.below
                ),
            ));
        }
    }
    Ok(())
}

fn themes_covered(
    spec: &Rubric,
    at: &Locator<'_>,
    rule: &Rule,
    list: &str,
    when: Option<usize>,
) -> Result<(), RubricError> {
    let wanted: Vec<&str> = list.split(',').map(str::trim).collect();
    for id in &wanted {
        if !spec.themes.iter().any(|t| t.id == *id) {
            return Err(at.error(
                when,
                "rules.when",
                format!(
                    "luật \"{}\" nói tới chủ đề \"{id}\" không có trong [[themes]]",
                    rule.when
                ),
            ));
        }
    }
    if rule.at_least > wanted.len() {
        return Err(at.error(
            when,
            "rules.at_least",
            format!(
                "luật \"{}\": at_least = {} lớn hơn số chủ đề được nêu ({})",
                rule.when,
                rule.at_least,
                wanted.len()
            ),
        ));
    }
    Ok(())
}

/// What is wrong with one phrase on its own: punctuation only, or a single syllable.
fn phrase_problem(phrase: &str) -> Option<&'static str> {
    match phrase_keys(phrase).len() {
        0 => Some("không có chữ nào (chỉ có dấu câu hoặc khoảng trắng) nên không bao giờ khớp"),
        1 => Some(
            "chỉ có một tiếng: quá chung chung, khớp cả những bài không hiểu gì về Nghị quyết (và bị bỏ qua với bài gõ không dấu); hãy ghi cụm từ 2 tiếng trở lên",
        ),
        _ => None,
    }
}

fn themes(spec: &Rubric, at: &Locator<'_>) -> Result<(), RubricError> {
    for (i, theme) in spec.themes.iter().enumerate() {
        let phrases: Vec<(&String, Vec<String>)> = theme
            .terms
            .iter()
            .chain(&theme.aliases)
            .map(|p| (p, phrase_keys(p).into_iter().map(|(k, _)| k).collect()))
            .collect();
        let line = |p: &str| at.in_block("[[themes]]", i, &quoted(p));
        let mut seen: HashMap<&[String], &String> = HashMap::new();
        for (p, keys) in &phrases {
            if let Some(problem) = phrase_problem(p) {
                return Err(at.error(
                    line(p),
                    "themes.terms",
                    format!("chủ đề \"{}\": cụm \"{p}\" {problem}", theme.id),
                ));
            }
            if let Some(first) = seen.insert(keys.as_slice(), p) {
                return Err(at.error(
                    at.last_in_block("[[themes]]", i, &quoted(p)),
                    "themes.terms",
                    format!(
                        "chủ đề \"{}\": cụm \"{p}\" trùng với \"{first}\" (sau khi bỏ dấu câu, chữ hoa và cách bỏ dấu thanh); xóa một cụm",
                        theme.id
                    ),
                ));
            }
        }
        for (p, keys) in &phrases {
            if let Some((outer, _)) = phrases
                .iter()
                .find(|(_, other)| other.len() > keys.len() && contains(other, keys))
            {
                return Err(at.error(
                    line(p),
                    "themes.terms",
                    format!(
                        "chủ đề \"{}\": cụm \"{p}\" nằm trọn trong cụm \"{outer}\", nên một câu có \"{outer}\" được tính hai lần; giữ một trong hai cụm",
                        theme.id
                    ),
                ));
            }
        }
        let reachable = phrases.len() + theme_concepts(at.text, i);
        if theme.hits_for_full > reachable {
            return Err(at.error(
                at.in_block("[[themes]]", i, "hits_for_full"),
                "themes.hits_for_full",
                format!(
                    "chủ đề \"{}\": hits_for_full = {} nhưng chủ đề chỉ có {reachable} cụm từ và ý khác nhau, nên không bài nào được trọn điểm",
                    theme.id, theme.hits_for_full
                ),
            ));
        }
    }
    Ok(())
}

/// `[[themes.concepts]]` entries of theme `index`, counted in the text (each can count once
/// toward `hits_for_full`), so this checker does not depend on how concepts are typed.
fn theme_concepts(text: &str, index: usize) -> usize {
    let mut theme = None;
    let mut count = 0;
    for line in text.lines().map(str::trim) {
        if line == "[[themes]]" {
            theme = Some(theme.map_or(0, |t| t + 1));
        } else if line == "[[themes.concepts]]" && theme == Some(index) {
            count += 1;
        }
    }
    count
}

fn contains(outer: &[String], inner: &[String]) -> bool {
    outer.windows(inner.len()).any(|w| w == inner)
}

/// Headings, cues and off-topic markers: each must be a phrase that can match.
fn other_phrases(spec: &Rubric, at: &Locator<'_>) -> Result<(), RubricError> {
    for (i, part) in spec.parts.iter().enumerate() {
        for h in &part.headings {
            if let Some(problem) = phrase_problem(h) {
                return Err(at.error(
                    at.in_block("[[parts]]", i, &quoted(h)),
                    "parts.headings",
                    format!("phần \"{}\": tiêu đề \"{h}\" {problem}", part.id),
                ));
            }
        }
        for aspect in &part.aspects {
            for c in &aspect.cues {
                // Cues belong to `[[parts.aspects]]` blocks; the first line quoting it is enough.
                if let Some(problem) = phrase_problem(c) {
                    return Err(at.error(
                        at.anywhere(&quoted(c)),
                        "parts.aspects.cues",
                        format!("khía cạnh \"{}\": dấu hiệu \"{c}\" {problem}", aspect.id),
                    ));
                }
            }
        }
    }
    let ot = &spec.off_topic;
    for (field, list) in [
        ("off_topic.other_resolutions", &ot.other_resolutions),
        ("off_topic.own_subjects", &ot.own_subjects),
        ("off_topic.other_subjects", &ot.other_subjects),
    ] {
        for p in list {
            if let Some(problem) = phrase_problem(p) {
                return Err(at.error(
                    at.in_block("[off_topic]", 0, &quoted(p)),
                    field,
                    format!("cụm \"{p}\" {problem}"),
                ));
            }
        }
    }
    for (i, doc) in ot.documents.iter().enumerate() {
        for (field, list) in [
            ("off_topic.documents.markers", &doc.markers),
            ("off_topic.documents.subjects", &doc.subjects),
        ] {
            for p in list {
                if let Some(problem) = phrase_problem(p) {
                    return Err(at.error(
                        at.in_block("[[off_topic.documents]]", i, &quoted(p)),
                        field,
                        format!("văn bản \"{}\": cụm \"{p}\" {problem}", doc.name),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A TOML basic string as it is most likely written in the file.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Finds lines in the rubric's text: the `index`-th block opened by a header line, and a value
/// inside it.
struct Locator<'a> {
    text: &'a str,
    name: &'a str,
}

impl Locator<'_> {
    fn error(&self, line: Option<usize>, field: &str, message: String) -> RubricError {
        RubricError {
            file: self.name.to_string(),
            line,
            field: field.to_string(),
            message,
        }
    }

    /// Byte range of the `index`-th block opened by the line `header`; it ends at the next table
    /// header of another kind (sub-tables such as `[[themes.concepts]]` end it too).
    fn block(&self, header: &str, index: usize) -> Option<std::ops::Range<usize>> {
        let mut offset = 0;
        let mut start = None;
        let mut seen = 0;
        for line in self.text.split_inclusive('\n') {
            let trimmed = line.trim();
            if let Some(s) = start {
                if trimmed.starts_with('[') && !trimmed.starts_with("[\"") {
                    return Some(s..offset);
                }
            } else if trimmed == header {
                if seen == index {
                    start = Some(offset);
                }
                seen += 1;
            }
            offset += line.len();
        }
        start.map(|s| s..self.text.len())
    }

    /// Line of the first `needle` inside the block, else the block's header line.
    fn in_block(&self, header: &str, index: usize, needle: &str) -> Option<usize> {
        let block = self.block(header, index)?;
        let found = self.text[block.clone()]
            .find(needle)
            .map(|at| block.start + at);
        Some(line_of(self.text, found.unwrap_or(block.start)))
    }

    /// Line of the last `needle` inside the block (a duplicate is the later one).
    fn last_in_block(&self, header: &str, index: usize, needle: &str) -> Option<usize> {
        let block = self.block(header, index)?;
        let found = self.text[block.clone()]
            .rfind(needle)
            .map(|at| block.start + at);
        Some(line_of(self.text, found.unwrap_or(block.start)))
    }

    fn anywhere(&self, needle: &str) -> Option<usize> {
        self.text.find(needle).map(|at| line_of(self.text, at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rubric::{CompiledRubric, DEFAULT_RUBRIC_TOML};

    /// A small valid rubric; each test breaks one thing in it.
    const MINIMAL: &str = r#"
[rubric]
id = "thu"
title = "Barem thử"

[[levels]]
id = "good"
label = "Tốt"
min_score = 60.0

[[levels]]
id = "poor"
label = "Chưa đạt"
min_score = 0.0

[[criteria]]
id = "awareness"
label = "Nhận thức"
max = 60.0
measure = "themes"

[[criteria]]
id = "relation"
label = "Liên hệ"
max = 40.0
measure = "part:relation"

[[themes]]
id = "alpha"
label = "Chủ đề thứ nhất"
hits_for_full = 2
terms = [
  "vườn cây ăn quả",
  "hệ thống tưới tiêu",
]
aliases = ["cánh đồng mẫu lớn"]

[[parts]]
id = "relation"
label = "Liên hệ"
headings = ["liên hệ"]
required = true

[[parts.aspects]]
id = "practice"
label = "Thực tế"
cues = ["đơn vị tôi"]

[[rules]]
when = "missing_part:relation"
cap = "poor"
reason = "Thiếu liên hệ"

[[rules]]
when = "weak_criterion:awareness"
below = 0.5
cap = "poor"
reason = "Nhận thức yếu"
"#;

    fn error_of(text: &str) -> RubricError {
        match CompiledRubric::from_toml(text, "thu.toml") {
            Ok(_) => panic!("accepted a rubric with a mistake"),
            Err(e) => e,
        }
    }

    /// The error's line holds `needle`.
    fn assert_at(text: &str, e: &RubricError, needle: &str) {
        let line = e.line.unwrap_or_else(|| panic!("no line: {e}"));
        let shown = text.lines().nth(line - 1).unwrap_or("");
        assert!(
            shown.contains(needle),
            "line {line} is {shown:?}, not {needle:?}: {e}"
        );
    }

    #[test]
    fn the_minimal_rubric_and_every_shipped_one_pass() {
        CompiledRubric::from_toml(MINIMAL, "thu.toml").expect("minimal rubric");
        CompiledRubric::from_toml(DEFAULT_RUBRIC_TOML, "dai-hoi-xiii.toml").expect("XIII");
    }

    #[test]
    fn duplicate_phrase_in_a_theme() {
        let bad = MINIMAL.replace(
            "aliases = [\"cánh đồng mẫu lớn\"]",
            "aliases = [\"Hệ thống tưới - tiêu\"]",
        );
        let e = error_of(&bad);
        assert_eq!(e.field, "themes.terms");
        assert!(e.message.contains("trùng"), "{e}");
        assert_at(&bad, &e, "Hệ thống tưới - tiêu");
    }

    #[test]
    fn nested_phrase_in_a_theme() {
        let bad = MINIMAL.replace("\"cánh đồng mẫu lớn\"", "\"tưới tiêu\"");
        let e = error_of(&bad);
        assert!(e.message.contains("nằm trọn trong"), "{e}");
        assert_at(&bad, &e, "\"tưới tiêu\"");
    }

    #[test]
    fn one_syllable_phrase() {
        let bad = MINIMAL.replace("\"cánh đồng mẫu lớn\"", "\"Đảng\"");
        let e = error_of(&bad);
        assert!(e.message.contains("một tiếng"), "{e}");
        assert_at(&bad, &e, "\"Đảng\"");
    }

    #[test]
    fn punctuation_only_phrase() {
        let bad = MINIMAL.replace("\"cánh đồng mẫu lớn\"", "\" - ; \"");
        let e = error_of(&bad);
        assert!(e.message.contains("không có chữ nào"), "{e}");
        assert_at(&bad, &e, "\" - ; \"");
    }

    #[test]
    fn one_syllable_heading_and_marker() {
        let bad = MINIMAL.replace("headings = [\"liên hệ\"]", "headings = [\"II.\", \"hệ\"]");
        let e = error_of(&bad);
        assert_eq!(e.field, "parts.headings");
        assert_at(&bad, &e, "headings");
    }

    #[test]
    fn one_syllable_marker_of_another_document() {
        let bad = format!(
            "{MINIMAL}\n[off_topic]\nmin_theme_hits = 3\n\n[[off_topic.documents]]\nname = \"Văn bản khác\"\nsubjects = [\"văn bản khác\"]\nmarkers = [\"hạ tầng số\", \"xiv\"]\n"
        );
        let e = error_of(&bad);
        assert_eq!(e.field, "off_topic.documents.markers");
        assert_at(&bad, &e, "\"xiv\"");
    }

    #[test]
    fn hits_for_full_beyond_the_theme_phrases() {
        let bad = MINIMAL.replace("hits_for_full = 2", "hits_for_full = 4");
        let e = error_of(&bad);
        assert_eq!(e.field, "themes.hits_for_full");
        assert!(e.message.contains("chỉ có 3"), "{e}");
        assert_at(&bad, &e, "hits_for_full = 4");
    }

    #[test]
    fn below_given_as_a_percentage() {
        let bad = MINIMAL.replace("below = 0.5", "below = 50");
        let e = error_of(&bad);
        assert_eq!(e.field, "rules.below");
        assert_at(&bad, &e, "below = 50");
    }

    #[test]
    fn at_least_zero() {
        let bad = MINIMAL.replace(
            "when = \"missing_part:relation\"",
            "when = \"missing_part:relation\"\nat_least = 0",
        );
        let e = error_of(&bad);
        assert_eq!(e.field, "rules.at_least");
        assert_at(&bad, &e, "at_least = 0");
    }

    #[test]
    fn level_id_outside_the_contract() {
        let bad = MINIMAL
            .replace("id = \"poor\"", "id = \"chua-dat\"")
            .replace("cap = \"poor\"", "cap = \"chua-dat\"");
        let e = error_of(&bad);
        assert_eq!(e.field, "levels.id");
        assert!(e.message.contains("good, fair, average, poor"), "{e}");
        assert_at(&bad, &e, "id = \"chua-dat\"");
    }

    #[test]
    fn missing_part_is_named_at_the_rule() {
        let bad = MINIMAL.replace(
            "when = \"missing_part:relation\"",
            "when = \"missing_part:lien-he\"",
        );
        let e = error_of(&bad);
        assert_eq!(e.field, "rules.when");
        assert!(e.message.contains("phần \"lien-he\" không có"), "{e}");
        assert!(e.message.contains("relation"), "lists the parts: {e}");
        assert_at(&bad, &e, "missing_part:lien-he");
    }

    #[test]
    fn renamed_level_is_reported_at_the_rule_using_it() {
        // The secretary renamed "poor" to "fail" in [[levels]] only; the first rule still caps
        // at "poor". (Both ids stay outside the contract check: "good" is gone too.)
        let bad = MINIMAL
            .replace("id = \"good\"", "id = \"pass\"")
            .replace("id = \"poor\"", "id = \"fail\"")
            .replacen("cap = \"poor\"", "cap = \"fail\"", 1)
            .replacen("cap = \"poor\"", "cap   = \"poor\"", 1);
        let e = error_of(&bad);
        assert_eq!(e.field, "rules.cap");
        assert!(e.message.contains("\"poor\" không có"), "{e}");
        assert_at(&bad, &e, "cap   = \"poor\"");
    }

    #[test]
    fn unknown_theme_in_themes_covered() {
        let bad = MINIMAL.replace(
            "when = \"weak_criterion:awareness\"",
            "when = \"themes_covered:alpha,beta\"\nat_least = 1",
        );
        let e = error_of(&bad);
        assert!(e.message.contains("\"beta\""), "{e}");
        assert_at(&bad, &e, "themes_covered");
    }

    #[test]
    fn missing_reference_file_is_named_relative_to_the_rubric() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("co-that.txt"), "Văn bản tham chiếu.").expect("write");
        let ok = format!("{MINIMAL}\n[references]\nfiles = [\"co-that.txt\"]\n");
        let path = dir.path().join("barem.toml");
        std::fs::write(&path, &ok).expect("write");
        CompiledRubric::from_file(&path).expect("reference exists next to the rubric");
        let bad = ok.replace("co-that.txt", "khong-co.txt");
        std::fs::write(&path, &bad).expect("write");
        let e = match CompiledRubric::from_file(&path) {
            Ok(_) => panic!("accepted a missing reference file"),
            Err(e) => e,
        };
        assert_eq!(e.field, "references.files");
        assert!(e.message.contains("khong-co.txt"), "{e}");
        assert_at(&bad, &e, "khong-co.txt");
    }
}
