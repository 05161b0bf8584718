//! Grading rules on hand-built findings: every rule kind, exact thresholds, cap order, the
//! ceiling, and the review reasons near a threshold. No essay is read here.

use super::*;
use crate::assess::{Findings, Flag, PartResult, Signals, ThemeResult};
use crate::rubric::CompiledRubric;

/// Levels, criteria and rubric id shared with the assess tests.
const RUBRIC_HEAD: &str = include_str!("../../tests/fixtures/rubrics/unit-levels-criteria.toml");

/// Levels good ≥ 75, fair ≥ 42, average ≥ 10, poor; criteria awareness 50 (themes), relation
/// 30, proposals 20; themes a, b required, c, d not; `rules` appended as written.
fn rubric(rules: &str) -> CompiledRubric {
    let text = format!(
        r#"{HEAD}

[[themes]]
id = "a"
label = "Chủ đề A"
required = true
terms = ["chuyển đổi số"]

[[themes]]
id = "b"
label = "Chủ đề B"
required = true
terms = ["kinh tế thị trường"]

[[themes]]
id = "c"
label = "Chủ đề C"
terms = ["khát vọng phát triển"]

[[themes]]
id = "d"
label = "Chủ đề D"
terms = ["đột phá chiến lược"]

[[parts]]
id = "awareness"
label = "Nhận thức"

[[parts]]
id = "relation"
label = "Liên hệ"

[[parts]]
id = "proposals"
label = "Đề xuất"

{rules}
"#,
        HEAD = RUBRIC_HEAD
    );
    match CompiledRubric::from_toml(&text, "unit-test.toml") {
        Ok(r) => r,
        Err(e) => panic!("test rubric: {e}"),
    }
}

fn theme(id: &str, required: bool, covered: bool) -> ThemeResult {
    ThemeResult {
        id: id.into(),
        label: id.into(),
        covered,
        required,
        credit: if covered { 1.0 } else { 0.0 },
        matched: Vec::new(),
        evidence: Vec::new(),
        recognized: None,
        concepts: Vec::new(),
    }
}

fn part(id: &str, found: bool) -> PartResult {
    PartResult {
        id: id.into(),
        label: id.into(),
        found,
        heading: false,
        credit: if found { 1.0 } else { 0.0 },
        aspects: Vec::new(),
    }
}

/// Findings with every theme covered, every part found, no flag, and these criterion points.
fn findings(criteria: [f64; 3]) -> Findings {
    Findings {
        words: 1000,
        themes: vec![
            theme("a", true, true),
            theme("b", true, true),
            theme("c", false, true),
            theme("d", false, true),
        ],
        parts: vec![
            part("awareness", true),
            part("relation", true),
            part("proposals", true),
        ],
        flags: Vec::new(),
        signals: Signals {
            themes_covered: 4,
            ..Signals::default()
        },
        criteria: criteria.to_vec(),
    }
}

fn rule(when: &str, cap: &str, extra: &str) -> String {
    format!("[[rules]]\nwhen = \"{when}\"\ncap = \"{cap}\"\nreason = \"lý do {when}\"\n{extra}\n")
}

/// Level ids of `unit-levels-criteria.toml`, by index.
fn level_id(level: usize) -> &'static str {
    ["good", "fair", "average", "poor"][level]
}

/// The level the score alone gives, with no rule.
fn level_of(score: [f64; 3]) -> String {
    let r = rubric("");
    let g = grade(&findings(score), &r);
    level_id(g.level).to_string()
}

#[test]
fn thresholds_are_inclusive_at_exact_boundaries() {
    assert_eq!(level_of([50.0, 25.0, 0.0]), "good", "75.0 is Tốt");
    assert_eq!(level_of([50.0, 24.9, 0.0]), "fair", "74.9 is Khá");
    assert_eq!(level_of([42.0, 0.0, 0.0]), "fair", "42.0 is Khá");
    assert_eq!(level_of([41.9, 0.0, 0.0]), "average", "41.9 is Trung bình");
    assert_eq!(level_of([10.0, 0.0, 0.0]), "average", "10.0 is Trung bình");
    assert_eq!(level_of([9.9, 0.0, 0.0]), "poor", "9.9 is Chưa đạt");
    assert_eq!(level_of([0.0, 0.0, 0.0]), "poor");
    assert_eq!(level_of([50.0, 30.0, 20.0]), "good");
}

#[test]
fn score_is_the_sum_of_criteria_rounded_to_one_decimal() {
    let r = rubric("");
    let g = grade(&findings([37.46, 20.04, 17.44]), &r);
    let points: Vec<f64> = g.criteria.iter().map(|c| c.score).collect();
    assert_eq!(points, vec![37.5, 20.0, 17.4]);
    assert_eq!(g.score, 74.9);
    assert_eq!(level_id(g.level), "fair");
    assert_eq!(g.criteria[1].id, "relation");
    assert_eq!(g.criteria[1].max, 30.0);
    // Each criterion is rounded before the sum: 24.96 + 25.04 + 24.96 = 74.96 would round to
    // 75.0 (Tốt); rounded first it is 25.0 + 25.0 + 25.0 = 75.0 as well, while
    // 24.94 + 25.04 + 24.94 = 74.92 → 24.9 + 25.0 + 24.9 = 74.8.
    let g = grade(&findings([24.94, 25.04, 24.94]), &r);
    assert_eq!(g.score, 74.8);
}

#[test]
fn flag_rule_fires_only_with_its_flag() {
    let r = rubric(&rule("flag:too_short", "poor", ""));
    let mut f = findings([50.0, 30.0, 20.0]);
    let g = grade(&f, &r);
    assert_eq!(level_id(g.level), "good");
    assert!(g.caps.is_empty());
    assert_eq!(g.ceiling, None);

    f.flags.push(Flag::KeywordStuffing);
    assert_eq!(level_id(grade(&f, &r).level), "good", "another flag");

    f.flags.push(Flag::TooShort);
    let g = grade(&f, &r);
    assert_eq!(level_id(g.level), "poor");
    assert_eq!(level_id(g.uncapped_level), "good");
    assert_eq!(g.ceiling.map(level_id), Some("poor"));
    assert_eq!(g.caps.len(), 1);
    assert_eq!(g.caps[0].rule, "flag:too_short");
    assert_eq!(g.caps[0].cap, "poor");
    assert_eq!(g.caps[0].reason, "lý do flag:too_short");
    assert_eq!(g.score, 100.0, "a cap changes the level, not the score");
}

#[test]
fn missing_part_rule_fires_when_the_part_is_not_found() {
    let r = rubric(&rule("missing_part:relation", "average", ""));
    let mut f = findings([50.0, 30.0, 20.0]);
    f.parts[2].found = false; // another part missing does not matter
    assert!(grade(&f, &r).caps.is_empty());
    f.parts[1].found = false;
    let g = grade(&f, &r);
    assert_eq!(level_id(g.level), "average");
    assert_eq!(g.caps[0].rule, "missing_part:relation");
}

#[test]
fn missing_required_theme_counts_only_required_themes_up_to_at_least() {
    let r = rubric(&rule("missing_required_theme", "average", "at_least = 2"));
    let mut f = findings([50.0, 30.0, 20.0]);
    f.themes[2].covered = false;
    f.themes[3].covered = false;
    assert!(
        grade(&f, &r).caps.is_empty(),
        "themes that are not required do not count"
    );
    f.themes[0].covered = false;
    assert!(grade(&f, &r).caps.is_empty(), "one required missing < 2");
    f.themes[1].covered = false;
    let g = grade(&f, &r);
    assert_eq!(level_id(g.level), "average", "two required missing");

    // Default at_least is 1.
    let r = rubric(&rule("missing_required_theme", "fair", ""));
    let mut f = findings([50.0, 30.0, 20.0]);
    f.themes[1].covered = false;
    assert_eq!(level_id(grade(&f, &r).level), "fair");
}

#[test]
fn weak_criterion_fires_strictly_below_its_share() {
    let r = rubric(&rule("weak_criterion:relation", "fair", "below = 0.5"));
    // 15.0 of 30 is exactly half: not below.
    let g = grade(&findings([50.0, 15.0, 20.0]), &r);
    assert_eq!(level_id(g.level), "good");
    assert!(g.caps.is_empty());
    let g = grade(&findings([50.0, 14.99, 20.0]), &r);
    assert_eq!(
        g.score, 85.0,
        "the score rounds to 85.0, the rule sees 14.99"
    );
    assert_eq!(level_id(g.level), "fair");
    assert_eq!(g.caps[0].rule, "weak_criterion:relation");
    // Another criterion's weakness does not fire it.
    let g = grade(&findings([20.0, 30.0, 20.0]), &r);
    assert!(g.caps.is_empty());
}

#[test]
fn themes_covered_needs_at_least_of_the_listed_themes() {
    let r = rubric(&rule("themes_covered:a,b,c", "average", "at_least = 2"));
    let mut f = findings([50.0, 30.0, 20.0]);
    f.themes[0].covered = false;
    assert!(grade(&f, &r).caps.is_empty(), "b and c: two of three");
    f.themes[1].covered = false;
    let g = grade(&f, &r);
    assert_eq!(level_id(g.level), "average", "only c");
    assert_eq!(g.caps[0].rule, "themes_covered:a,b,c");
    // A theme outside the list does not count, covered or not.
    f.themes[3].covered = true;
    assert_eq!(level_id(grade(&f, &r).level), "average");
    f.themes[2].covered = false;
    f.themes[1].covered = true;
    assert_eq!(level_id(grade(&f, &r).level), "average", "only b");
}

#[test]
fn the_lowest_cap_wins_whatever_the_rule_order() {
    let average = ("missing_part:relation", "average");
    let poor = ("flag:repeated_text", "poor");
    let fair = ("weak_criterion:awareness", "fair");
    for order in [
        [average, poor, fair],
        [poor, fair, average],
        [fair, average, poor],
    ] {
        let rules: String = order.iter().map(|(w, c)| rule(w, c, "")).collect();
        let r = rubric(&rules);
        let mut f = findings([20.0, 30.0, 20.0]); // 70: Khá; awareness 20 < 25 is weak
        f.parts[1].found = false;
        f.flags.push(Flag::RepeatedText);
        let g = grade(&f, &r);
        assert_eq!(level_id(g.uncapped_level), "fair");
        assert_eq!(level_id(g.level), "poor", "{rules}");
        assert_eq!(g.ceiling.map(level_id), Some("poor"));
        // Every rule that lowered the grade is listed, in rubric order; the fair cap did not
        // lower a Khá score and is not listed.
        let listed: Vec<&str> = g.caps.iter().map(|c| c.cap.as_str()).collect();
        let expected: Vec<&str> = order
            .iter()
            .map(|(_, c)| *c)
            .filter(|c| *c != "fair")
            .collect();
        assert_eq!(listed, expected);
    }
}

#[test]
fn a_cap_at_or_above_the_scores_level_lowers_nothing_but_sets_the_ceiling() {
    let r = rubric(&rule("flag:no_diacritics", "fair", ""));
    let mut f = findings([20.0, 10.0, 0.0]); // 30: Trung bình
    f.flags.push(Flag::NoDiacritics);
    let g = grade(&f, &r);
    assert_eq!(level_id(g.level), "average");
    assert!(g.caps.is_empty(), "a cap above the level is not applied");
    assert_eq!(g.ceiling.map(level_id), Some("fair"));

    let g = grade(&findings([50.0, 10.0, 0.0]), &r); // 60: Khá, flag absent
    assert_eq!(g.ceiling, None);
    let mut f = findings([50.0, 10.0, 0.0]);
    f.flags.push(Flag::NoDiacritics);
    let g = grade(&f, &r);
    assert_eq!(level_id(g.level), "fair");
    assert!(g.caps.is_empty(), "a cap equal to the level is not listed");
}

fn reviews(r: &CompiledRubric, f: &Findings) -> Vec<String> {
    review(f, &grade(f, r), r)
}

fn near_threshold(score: [f64; 3]) -> Vec<String> {
    let r = rubric("");
    reviews(&r, &findings(score))
        .into_iter()
        .filter(|m| m.contains("ngưỡng") || m.contains("chỉ thiếu"))
        .collect()
}

#[test]
fn review_flags_a_score_within_the_margin_of_a_threshold() {
    // Default review_margin: 2 points.
    let just_above = near_threshold([50.0, 25.5, 0.0]);
    assert_eq!(just_above.len(), 1, "75.5 is 0.5 above Tốt");
    assert!(just_above[0].contains("75.5") && just_above[0].contains("«Tốt»"));
    assert!(just_above[0].contains("«Khá»"));
    assert!(
        near_threshold([50.0, 27.0, 0.0]).is_empty(),
        "77.0 is 2 above: outside"
    );
    assert_eq!(near_threshold([50.0, 26.9, 0.0]).len(), 1, "76.9");

    let just_below = near_threshold([50.0, 23.0, 0.0]);
    assert_eq!(just_below.len(), 1, "73.0 is 2 below Tốt: inside");
    assert!(just_below[0].contains("chỉ thiếu 2.0"));
    assert!(near_threshold([50.0, 22.9, 0.0]).is_empty(), "72.9");

    // The lowest level has no threshold under it; the top one none above it.
    assert!(near_threshold([1.0, 0.0, 0.0]).is_empty());
    assert_eq!(
        near_threshold([9.0, 0.0, 0.0]).len(),
        1,
        "9.0 is 1 below Trung bình"
    );
    assert!(near_threshold([50.0, 30.0, 20.0]).is_empty(), "100");
}

#[test]
fn review_ignores_thresholds_when_a_rule_decided_the_grade() {
    let r = rubric(&rule("flag:padding", "average", ""));
    let mut f = findings([50.0, 25.5, 0.0]);
    assert!(!reviews(&r, &f).is_empty(), "75.5 alone is near Tốt");
    f.flags.push(Flag::Padding);
    assert!(reviews(&r, &f).is_empty());
}

#[test]
fn review_notes_mixed_typing_but_not_all_or_none() {
    let r = rubric("");
    let mut f = findings([50.0, 30.0, 20.0]);
    for (share, folded, expected) in [
        (0.10, false, false),
        (0.15, false, true),
        (0.5, false, true),
        (0.85, false, true),
        (0.9, false, false),
        (0.5, true, false),
    ] {
        f.signals.undiacritized_share = share;
        f.signals.folded = folded;
        let mentioned = reviews(&r, &f).iter().any(|m| m.contains("gõ không dấu"));
        assert_eq!(mentioned, expected, "share {share}, folded {folded}");
    }
}

#[test]
fn review_names_the_other_document_of_an_off_topic_essay() {
    let r = rubric("");
    let mut f = findings([5.0, 0.0, 0.0]);
    f.flags.push(Flag::OffTopic);
    f.signals.other_document = Some("Nghị quyết Đại hội XIV".into());
    assert!(
        reviews(&r, &f).iter().all(|m| !m.contains("Đại hội XIV")),
        "the essay does not name this resolution"
    );
    f.signals.own_subject = 1;
    let out = reviews(&r, &f);
    assert!(
        out.iter().any(|m| m.contains("«Nghị quyết Đại hội XIV»")),
        "{out:?}"
    );
}

#[test]
fn review_asks_to_reread_an_off_topic_essay_with_strong_relation() {
    let r = rubric("");
    let mut f = findings([5.0, 0.0, 0.0]);
    f.flags.push(Flag::OffTopic);
    f.signals.own_subject = 1;
    f.parts[2].credit = 0.0;
    f.parts[1].credit = 0.4;
    assert!(!reviews(&r, &f).iter().any(|m| m.contains("lời riêng")));
    f.parts[1].credit = 0.5;
    assert!(reviews(&r, &f).iter().any(|m| m.contains("lời riêng")));
    // The awareness part's credit is not relation.
    f.parts[1].credit = 0.0;
    f.parts[0].credit = 1.0;
    assert!(!reviews(&r, &f).iter().any(|m| m.contains("lời riêng")));
}
