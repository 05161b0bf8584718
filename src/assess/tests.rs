//! Assessment on small constructed texts and a small rubric: a theme recognized through a
//! concept (and not when its words are split across sentences), negation of a cue, the
//! restated floor of the understanding factor, padding, unfilled templates, typing without
//! diacritics and the length boundary. No labeled essay is used.

use super::*;
use crate::rubric::CompiledRubric;

/// The resolution's "official" wording for the restating check.
const OFFICIAL: &str = "Đẩy mạnh chuyển đổi số quốc gia, phát triển kinh tế số trên nền tảng \
khoa học và công nghệ, đổi mới sáng tạo.\n";

/// Settings a test varies.
struct Knobs {
    negatable: bool,
    restated_floor: f64,
    min_words: usize,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            negatable: true,
            restated_floor: 0.5,
            min_words: 20,
        }
    }
}

/// Levels, criteria and rubric id shared with the grade tests.
const RUBRIC_HEAD: &str = include_str!("../../tests/fixtures/rubrics/unit-levels-criteria.toml");

fn rubric_with(k: Knobs) -> CompiledRubric {
    let text = format!(
        r#"{HEAD}

[length]
min_words = {min_words}

[[themes]]
id = "digital"
label = "Chuyển đổi số"
terms = ["chuyển đổi số"]
concepts = [{{ label = "dùng phần mềm trong công việc", all = [["phần mềm", "ứng dụng"], ["quản lý hồ sơ", "dạy học"]] }}]

[[themes]]
id = "market"
label = "Kinh tế thị trường"
terms = ["kinh tế thị trường định hướng xã hội chủ nghĩa"]

[[themes]]
id = "culture"
label = "Văn hóa"
terms = ["phát triển văn hóa"]

[[parts]]
id = "awareness"
label = "Nhận thức"

[[parts]]
id = "relation"
label = "Liên hệ"

[[parts.aspects]]
id = "self_reflection"
label = "Tự phê bình"
cues = ["biểu hiện suy thoái"]
negatable = {negatable}

[[parts]]
id = "proposals"
label = "Đề xuất"

[[parts.aspects]]
id = "commitment"
label = "Cam kết"
cues = ["xin cam kết"]

[off_topic]
min_theme_hits = 1

[understanding]
official_text = ["official.txt"]
restated_floor = {restated_floor}
"#,
        negatable = k.negatable,
        restated_floor = k.restated_floor,
        min_words = k.min_words,
        HEAD = RUBRIC_HEAD,
    );
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("temp dir: {e}"),
    };
    if let Err(e) = std::fs::write(dir.path().join("official.txt"), OFFICIAL) {
        panic!("official text: {e}");
    }
    match CompiledRubric::from_toml_in(&text, "assess-test.toml", Some(dir.path())) {
        Ok(r) => r,
        Err(e) => panic!("test rubric: {e}"),
    }
}

fn rubric() -> CompiledRubric {
    rubric_with(Knobs::default())
}

/// A first body paragraph that is about nothing the rubric knows.
const INTRO: &str = "Sau khi được học tập, quán triệt các văn kiện tại hội nghị của chi bộ, \
tôi xin viết bài này để báo cáo với chi bộ về những điều bản thân đã lĩnh hội được.";

fn essay(paragraphs: &[&str]) -> String {
    let mut text = String::from(INTRO);
    for p in paragraphs {
        text.push_str("\n\n");
        text.push_str(p);
    }
    text.push('\n');
    text
}

fn theme<'f>(f: &'f Findings, id: &str) -> &'f ThemeResult {
    match f.themes.iter().find(|t| t.id == id) {
        Some(t) => t,
        None => panic!("no theme {id}"),
    }
}

fn aspect<'f>(f: &'f Findings, part: &str, id: &str) -> &'f AspectResult {
    let found = f
        .parts
        .iter()
        .filter(|p| p.id == part)
        .flat_map(|p| &p.aspects)
        .find(|a| a.id == id);
    match found {
        Some(a) => a,
        None => panic!("no aspect {part}/{id}"),
    }
}

#[test]
fn a_concept_covers_its_theme_when_all_its_slots_share_a_sentence() {
    let r = rubric();
    let f = assess(
        &essay(&[
            "Trong năm qua, chi bộ chúng tôi đã dùng phần mềm để quản lý hồ sơ đảng viên \
             một cách thống nhất và gọn gàng hơn trước.",
        ]),
        &r,
    );
    let t = theme(&f, "digital");
    assert!(t.covered);
    assert_eq!(t.recognized, Some(Recognition::OwnWords));
    assert_eq!(
        t.concepts,
        vec!["dùng phần mềm trong công việc".to_string()]
    );
    assert!(t.matched.is_empty(), "no official term was written");
    assert_eq!(t.evidence.len(), 1);
    assert!(t.evidence[0].contains("phần mềm"));
    assert_eq!(f.signals.themes_covered, 1);
    assert!(!theme(&f, "market").covered);

    // The same words in two sentences are not the idea.
    let f = assess(
        &essay(&[
            "Năm nay chi bộ chúng tôi đã mua một phần mềm mới cho văn phòng của cơ quan. \
             Còn việc quản lý hồ sơ thì vẫn làm bằng tay như những năm trước đây.",
        ]),
        &r,
    );
    let t = theme(&f, "digital");
    assert!(!t.covered);
    assert_eq!(t.recognized, None);
    assert_eq!(t.credit, 0.0);
}

#[test]
fn an_official_term_is_recognized_as_the_resolutions_wording() {
    let f = assess(
        &essay(&[
            "Chi bộ chúng tôi đã đẩy mạnh chuyển đổi số trong mọi mặt công tác của cơ \
             quan, từ việc họp đến việc lưu trữ văn bản.",
        ]),
        &rubric(),
    );
    let t = theme(&f, "digital");
    assert!(t.covered);
    assert_eq!(t.recognized, Some(Recognition::Official));
    assert_eq!(t.matched, vec!["chuyển đổi số".to_string()]);
    assert_eq!(t.credit, 1.0);
}

#[test]
fn a_negated_cue_does_not_earn_a_negatable_aspect() {
    let negated = essay(&[
        "Bản thân tôi không có biểu hiện suy thoái về tư tưởng chính trị \
                           trong suốt thời gian công tác tại đơn vị.",
    ]);
    let admitted = essay(&[
        "Bản thân tôi đôi lúc vẫn còn biểu hiện suy thoái về ý chí phấn đấu \
                            trong thời gian công tác tại đơn vị.",
    ]);
    let r = rubric();
    assert_eq!(
        aspect(&assess(&admitted, &r), "relation", "self_reflection").sentences,
        1
    );
    assert_eq!(
        aspect(&assess(&negated, &r), "relation", "self_reflection").sentences,
        0
    );
    // Negation only matters for an aspect marked negatable.
    let r = rubric_with(Knobs {
        negatable: false,
        ..Knobs::default()
    });
    assert_eq!(
        aspect(&assess(&negated, &r), "relation", "self_reflection").sentences,
        1
    );
}

#[test]
fn restating_the_resolution_keeps_only_the_restated_floor_of_awareness() {
    // The official sentence itself, copied.
    let copied = essay(&[OFFICIAL.trim()]);
    let own = essay(&[
        "Ở chi bộ tôi, việc chuyển đổi số bắt đầu từ chỗ mỗi đảng viên tự học \
                       cách dùng máy tính để soạn văn bản và gửi thư.",
    ]);
    for floor in [0.5, 0.3] {
        let r = rubric_with(Knobs {
            restated_floor: floor,
            ..Knobs::default()
        });
        let f = assess(&copied, &r);
        assert!(theme(&f, "digital").covered);
        assert_eq!(f.signals.restated_share, 1.0);
        assert_eq!(f.signals.own_words_share, 0.0);
        assert_eq!(f.signals.understanding, floor);
        // One theme of three covered, times the floor.
        let expected = 50.0 * (1.0 / 3.0) * floor;
        assert!(
            (f.criteria[0] - expected).abs() < 1e-9,
            "{} ≠ {expected}",
            f.criteria[0]
        );

        let f = assess(&own, &r);
        assert!(theme(&f, "digital").covered);
        assert_eq!(f.signals.restated_share, 0.0);
        assert_eq!(f.signals.own_words_share, 1.0);
        assert_eq!(f.signals.understanding, 1.0);
        assert!((f.criteria[0] - 50.0 / 3.0).abs() < 1e-9);
    }
}

/// Four paragraphs of a village activity report: no resolution, no writer.
const REPORT: [&str; 4] = [
    "Trong tháng ba, trạm y tế xã đã tổ chức tiêm vắc xin cho hơn năm trăm trẻ em dưới năm \
     tuổi tại các thôn trong xã.",
    "Công tác vệ sinh môi trường được duy trì thường xuyên, các tuyến đường liên thôn được \
     quét dọn sạch sẽ vào sáng thứ bảy hằng tuần.",
    "Hội nông dân phối hợp với hợp tác xã hướng dẫn bà con chăm sóc lúa xuân, phòng trừ sâu \
     bệnh và chuột hại trên các cánh đồng.",
    "Hội phụ nữ tổ chức hội thi nấu ăn, thu hút đông đảo hội viên tham gia và cổ vũ nhiệt \
     tình trong không khí vui tươi.",
];

const OWN_THEME: &str = "Tôi hiểu rằng chuyển đổi số là con đường để cơ quan làm việc nhanh \
hơn, minh bạch hơn và gần dân hơn.";

#[test]
fn a_pasted_report_of_three_or_more_paragraphs_is_padding() {
    let r = rubric();
    let mut paragraphs = vec![OWN_THEME];
    paragraphs.extend(REPORT);
    let f = assess(&essay(&paragraphs), &r);
    assert!(f.flags.contains(&Flag::Padding), "{:?}", f.signals);
    assert!(f.signals.padding_share >= 0.4);

    // Two such paragraphs are not a run.
    let f = assess(&essay(&[OWN_THEME, REPORT[0], REPORT[1]]), &r);
    assert_eq!(f.signals.padding_share, 0.0);
    assert!(!f.flags.contains(&Flag::Padding));

    // The same facts told by the writer belong to the essay.
    let told: Vec<String> = REPORT
        .iter()
        .map(|p| format!("Tôi ghi nhận rằng {}", p.replacen("Trong", "trong", 1)))
        .collect();
    let mut paragraphs = vec![OWN_THEME];
    paragraphs.extend(told.iter().map(String::as_str));
    let f = assess(&essay(&paragraphs), &r);
    assert_eq!(f.signals.padding_share, 0.0);
    assert!(!f.flags.contains(&Flag::Padding));
}

#[test]
fn a_blank_left_inside_a_sentence_is_an_unfilled_template() {
    let r = rubric();
    let flagged = |p: &str| {
        assess(&essay(&[OWN_THEME, p]), &r)
            .flags
            .contains(&Flag::UnfilledTemplate)
    };
    assert!(flagged(
        "Là giáo viên tại Trường ……, tôi luôn cố gắng hoàn thành tốt nhiệm vụ được giao \
         trong năm học vừa qua."
    ));
    assert!(flagged(
        "Là giáo viên tại Trường ______ tôi luôn cố gắng hoàn thành tốt nhiệm vụ được giao \
         trong năm học vừa qua."
    ));
    // A form field after a colon, an ellipsis, a blank at the end: not a template.
    assert!(!flagged(
        "Tôi đã cố gắng hoàn thành tốt nhiệm vụ được giao trong năm học vừa qua. Nhận xét của \
         chi bộ: ……"
    ));
    assert!(!flagged(
        "Là giáo viên tại Trường ..., tôi luôn cố gắng hoàn thành tốt nhiệm vụ được giao \
         trong năm học vừa qua."
    ));
    assert!(!flagged(
        "Tôi luôn cố gắng hoàn thành tốt nhiệm vụ được giao trong năm học tại Trường ……"
    ));
}

#[test]
fn text_without_diacritics_is_flagged_and_still_matched() {
    let f = assess(
        "Sau khi duoc hoc tap, quan triet cac van kien tai hoi nghi cua chi bo, toi xin viet \
         bai nay de bao cao voi chi bo ve nhung dieu ban than da linh hoi duoc.\n\n\
         Trong nam qua, chi bo chung toi da dung phan mem de quan ly ho so dang vien mot cach \
         thong nhat va gon gang hon truoc.\n",
        &rubric(),
    );
    assert!(f.flags.contains(&Flag::NoDiacritics));
    assert!(f.signals.folded);
    let t = theme(&f, "digital");
    assert!(t.covered, "the concept matches without diacritics");
    assert!(!assess(&essay(&[OWN_THEME]), &rubric())
        .flags
        .contains(&Flag::NoDiacritics));
}

#[test]
fn too_short_is_below_min_words_not_at_it() {
    let text = essay(&[OWN_THEME]);
    let words = assess(&text, &rubric()).words;
    assert!(words > 20);
    let at = |min_words: usize| {
        let r = rubric_with(Knobs {
            min_words,
            ..Knobs::default()
        });
        assess(&text, &r).flags.contains(&Flag::TooShort)
    };
    assert!(!at(words), "exactly min_words is long enough");
    assert!(at(words + 1));
}

#[test]
fn a_cue_lead_in_credits_the_items_of_its_list() {
    let r = rubric();
    let with = |lead_in: &str| {
        assess(
            &essay(&[
                OWN_THEME,
                lead_in,
                "- Thường xuyên học tập, nâng cao trình độ chuyên môn và lý luận chính trị của \
                 bản thân.",
                "- Gương mẫu chấp hành mọi chủ trương, chính sách và nội quy của cơ quan nơi \
                 công tác.",
            ]),
            &r,
        )
    };
    let f = with("Để thực hiện tốt Nghị quyết, tôi xin cam kết:");
    let a = aspect(&f, "proposals", "commitment");
    assert_eq!(
        a.sentences, 3,
        "the lead-in and its two items: {:?}",
        a.evidence
    );
    assert!(a.evidence[1].contains("Thường xuyên học tập"));
    assert!(f.parts.iter().any(|p| p.id == "proposals" && p.found));
    // A cue that does not open a list credits only its own sentence.
    let f = with("Để thực hiện tốt Nghị quyết, tôi xin cam kết như sau đây.");
    assert_eq!(aspect(&f, "proposals", "commitment").sentences, 1);
}

#[test]
fn paragraphs_repeated_verbatim_are_repeated_text() {
    let r = rubric();
    let f = assess(&essay(&[OWN_THEME, REPORT[0], REPORT[1]]), &r);
    assert_eq!(f.signals.repeated_share, 0.0);
    assert!(!f.flags.contains(&Flag::RepeatedText));
    // The same paragraph three more times, with other spacing: still the same text.
    let again = REPORT[0].replace(" ", "  ");
    let f = assess(
        &essay(&[OWN_THEME, REPORT[0], REPORT[1], &again, &again, &again]),
        &r,
    );
    assert!(
        f.signals.repeated_share >= 0.25,
        "{}",
        f.signals.repeated_share
    );
    assert!(f.flags.contains(&Flag::RepeatedText));
}

#[test]
fn a_list_of_slogans_is_keyword_stuffing() {
    let r = rubric();
    let slogans = [
        "- Chuyển đổi số - Đột phá - Phát triển - Bền vững",
        "- Đoàn kết - Dân chủ - Kỷ cương - Sáng tạo",
        "- Khát vọng - Hùng cường - Thịnh vượng - Hạnh phúc",
        "- Kinh tế số - Xã hội số - Chính phủ số - Công dân số",
        "- Đổi mới - Hội nhập - Hiệu quả - Minh bạch",
        "- Trách nhiệm - Kỷ luật - Gương mẫu - Tiên phong",
        "- Nguồn nhân lực - Hạ tầng - Thể chế - Khoa học",
    ];
    let f = assess(&essay(&slogans), &r);
    assert!(
        f.signals.real_sentence_share < 0.45,
        "{}",
        f.signals.real_sentence_share
    );
    assert!(f.flags.contains(&Flag::KeywordStuffing));
    let f = assess(&essay(&[OWN_THEME, REPORT[0], REPORT[1]]), &r);
    assert!(f.signals.real_sentence_share > 0.9);
    assert!(!f.flags.contains(&Flag::KeywordStuffing));
}

#[test]
fn an_essay_without_the_resolutions_content_is_off_topic() {
    let r = rubric(); // min_theme_hits = 1
    let f = assess(&essay(&REPORT), &r);
    assert_eq!(f.signals.themes_covered, 0);
    assert!(f.flags.contains(&Flag::OffTopic));
    let f = assess(&essay(&[OWN_THEME, REPORT[0]]), &r);
    assert!(!f.flags.contains(&Flag::OffTopic));
}
