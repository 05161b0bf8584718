//! Grading that holds on essays it has never seen (issue 11): ideas explained in plain words
//! count, official vocabulary without substance does not, a pasted report earns nothing,
//! structure does not matter, the unit comes from the letterhead.
//!
//! Every essay here is built by the test (from the fixtures in `tests/fixtures/validity/`,
//! the dev essays, or the resolution's own wording in `rubrics/references/`), so each
//! assertion is about a mechanism, not about one labeled essay.

mod common;

use common::*;
use thuhoach::{Assessment, Flag, Grader};

fn grader() -> Grader {
    Grader::with_default_rubric().expect("built-in rubric")
}

fn grade(g: &Grader, name: &str, text: &str) -> Assessment {
    let row = g.grade_text(name, text);
    assert!(row.error.is_none(), "{name}: {:?}", row.error);
    row
}

fn lvl(row: &Assessment) -> i32 {
    level(row.grade.as_deref().expect("graded"))
}

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/validity")
        .join(name);
    std::fs::read_to_string(path).expect("fixture")
}

fn repo_file(rel: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel))
        .expect("repository file")
}

/// The built-in rubric with every `[[themes.concepts]]` entry removed: official terms only,
/// as the grader was before concepts.
fn rubric_without_concepts() -> thuhoach::CompiledRubric {
    let text = repo_file("rubrics/dai-hoi-xiii.toml");
    let mut out = String::new();
    let mut skip = 0;
    for line in text.lines() {
        if line.trim() == "[[themes.concepts]]" {
            skip = 2;
            continue;
        }
        if skip > 0 && (line.starts_with("label =") || line.starts_with("all =")) {
            skip -= 1;
            continue;
        }
        skip = 0;
        out.push_str(line);
        out.push('\n');
    }
    assert!(!out.contains("themes.concepts"));
    thuhoach::CompiledRubric::from_toml(&out, "no-concepts.toml").expect("rubric without concepts")
}

#[test]
fn a_good_essay_in_plain_words_without_any_rubric_term_is_at_least_fair() {
    let text = fixture("own_words_good.txt");
    let row = grade(&grader(), "own_words_good.txt", &text);
    // Not one official term or alias of the rubric occurs in the essay.
    for t in &row.themes {
        assert!(t.matched.is_empty(), "{}: {:?}", t.id, t.matched);
    }
    assert!(!row.flags.contains(&Flag::OffTopic), "{:?}", row.flags);
    assert!(lvl(&row) >= level("fair"), "graded {:?}", row.grade);
    let own = row
        .themes
        .iter()
        .filter(|t| t.recognized == Some(thuhoach::assess::Recognition::OwnWords))
        .count();
    assert!(own >= 8, "themes recognized in own words: {own}");
    // The same essay under official terms only: off topic, poor. Concepts are what carry it.
    let terms_only = Grader::new(rubric_without_concepts()).grade_text("x", &text);
    assert!(terms_only.flags.contains(&Flag::OffTopic));
    assert_eq!(terms_only.grade.as_deref(), Some("poor"));
}

/// Awareness strung together from the resolution's own sentences, a relation of slogans and
/// generic pledges.
fn official_phrases_essay() -> String {
    let official: Vec<String> = repo_file("rubrics/references/dai-hoi-xiii.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && l.split_whitespace().count() >= 12)
        .map(str::to_string)
        .collect();
    assert!(official.len() >= 12);
    let mut text = String::from(
        "ĐẢNG BỘ PHƯỜNG TÂN AN\nCHI BỘ KHU PHỐ 3\n\nBÀI THU HOẠCH\nHọc tập Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng\n\nHọ và tên: Phạm Văn Kiên\n\nI. NHẬN THỨC\n\n",
    );
    // Reordered: every third sentence first, as a copier rearranges paragraphs.
    for start in [2, 0, 1] {
        let para: Vec<&str> = official
            .iter()
            .skip(start)
            .step_by(3)
            .map(String::as_str)
            .collect();
        text.push_str(&para.join(" "));
        text.push_str("\n\n");
    }
    text.push_str(
        "II. LIÊN HỆ BẢN THÂN\n\n\
         Bản thân tôi luôn tuyệt đối trung thành với Đảng, giữ vững bản lĩnh chính trị, nêu cao tinh thần trách nhiệm, phát huy vai trò tiên phong, gương mẫu của người đảng viên. \
         Tôi luôn chấp hành nghiêm chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước, không ngừng học tập nâng cao trình độ lý luận chính trị, chuyên môn, nghiệp vụ. \
         Tôi tích cực tham gia xây dựng chi bộ trong sạch, vững mạnh, đoàn kết nội bộ, góp phần thực hiện thắng lợi Nghị quyết.\n\n\
         III. PHƯƠNG HƯỚNG, ĐỀ XUẤT\n\n\
         Tôi xin hứa sẽ tiếp tục nghiên cứu, học tập, quán triệt sâu sắc Nghị quyết, biến Nghị quyết thành hành động trong công tác. \
         Đề nghị chi bộ tiếp tục tăng cường công tác giáo dục chính trị tư tưởng, nâng cao chất lượng sinh hoạt, phát huy vai trò hạt nhân chính trị.\n",
    );
    text
}

#[test]
fn official_phrases_with_a_slogan_relation_are_at_most_average() {
    let g = grader();
    let row = grade(&g, "official.txt", &official_phrases_essay());
    assert!(
        lvl(&row) <= level("average"),
        "graded {:?} ({:?})",
        row.grade,
        row.score
    );
    let sig = row.signals.as_ref().expect("signals");
    assert!(sig.restated_share >= 0.5, "restated {}", sig.restated_share);
    assert!(
        sig.understanding < 0.8,
        "understanding {}",
        sig.understanding
    );
    // The relation earned (almost) nothing: slogans are not facts about one's unit.
    let relation = row
        .criteria
        .iter()
        .find(|c| c.id == "relation")
        .expect("relation");
    assert!(relation.score <= 0.2 * relation.max, "{relation:?}");
}

/// A unit's activity report, unrelated to the resolution and to the writer.
fn activity_report() -> String {
    let mut s = String::from("\nBÁO CÁO\nKết quả công tác 6 tháng đầu năm của đơn vị\n\n");
    let items = [
        "Đơn vị quản lý 14 tuyến đường giao thông nông thôn với tổng chiều dài 86,4 km, trong đó 52,1 km đã được bê tông hóa, 34,3 km là đường cấp phối.",
        "Trong 6 tháng đầu năm đã tiếp nhận 1.126 hồ sơ, giải quyết đúng hạn 1.098 hồ sơ, đạt 97,5%; còn 28 hồ sơ đang giải quyết trong thời hạn quy định.",
        "Công tác thu gom rác thải sinh hoạt được duy trì 3 lần mỗi tuần tại 9 điểm tập kết, khối lượng thu gom bình quân 4,2 tấn mỗi ngày.",
        "Tổng thu ngân sách trên địa bàn đạt 6,84 tỷ đồng, bằng 57% dự toán năm; chi thường xuyên 3,91 tỷ đồng, bằng 48% dự toán.",
        "Diện tích gieo cấy vụ đông xuân đạt 412 ha, năng suất bình quân 6,8 tấn/ha; diện tích rau màu 37 ha, chủ yếu là ngô và đậu tương.",
        "Đơn vị đã tổ chức 4 đợt kiểm tra an toàn thực phẩm tại 23 cơ sở kinh doanh, nhắc nhở 5 cơ sở, xử phạt hành chính 2 cơ sở với số tiền 7,5 triệu đồng.",
        "Công tác tiêm phòng cho đàn gia súc, gia cầm đạt 92%; không để xảy ra dịch lớn; đã tiêu độc khử trùng 2 đợt tại 6 thôn với 1.850 lít hóa chất.",
        "Trạm cấp nước sinh hoạt vận hành ổn định, cung cấp nước cho 1.420 hộ; tỷ lệ thất thoát nước giảm từ 18% xuống 15,6%; đã thay mới 2,7 km đường ống.",
        "Số trẻ em dưới 6 tuổi được tiêm chủng đầy đủ đạt 96,2%; tỷ lệ suy dinh dưỡng thể nhẹ cân còn 8,1%; khám sức khỏe định kỳ cho 640 người cao tuổi.",
        "Hoạt động thư viện phục vụ 3.150 lượt bạn đọc, luân chuyển 2.400 cuốn sách tới 11 điểm đọc; tổ chức 2 buổi giới thiệu sách với 180 học sinh tham dự.",
        "Phương hướng 6 tháng cuối năm: hoàn thành 3,5 km đường bê tông, nâng tỷ lệ hồ sơ giải quyết đúng hạn lên 98%, thu ngân sách đạt 100% dự toán.",
    ];
    for (i, item) in items.iter().enumerate() {
        s.push_str(&format!("{}. {item}\n\n", i + 1));
    }
    s
}

#[test]
fn a_pasted_report_never_raises_a_grade() {
    let g = grader();
    let report = activity_report();
    for (name, _) in dev_labels() {
        let text = dev_text(&name);
        let before = grade(&g, &name, &text);
        let after = grade(&g, &name, &format!("{text}\n{report}"));
        assert!(
            lvl(&after) <= lvl(&before),
            "{name}: {:?} → {:?} after appending a report",
            before.grade,
            after.grade
        );
    }
}

#[test]
fn a_short_correct_opening_plus_a_report_is_padding() {
    let own = fixture("own_words_good.txt");
    // The header and the first two paragraphs of the body: correct, but short.
    let paragraphs: Vec<&str> = own.split("\n\n").collect();
    let opening = paragraphs[..7].join("\n\n");
    let mut text = opening.clone();
    text.push_str(
        "\n\nLiên hệ với nhiệm vụ của đơn vị, tôi xin báo cáo kết quả công tác như sau:\n",
    );
    text.push_str(&activity_report());
    let row = grade(&grader(), "padded.txt", &text);
    assert!(row.flags.contains(&Flag::Padding), "{:?}", row.flags);
    assert!(lvl(&row) <= level("average"), "graded {:?}", row.grade);
    let relation = row
        .criteria
        .iter()
        .find(|c| c.id == "relation")
        .expect("relation");
    assert!(relation.score < 0.25 * relation.max, "{relation:?}");
}

/// Paragraphs that are major headings ("I. NHẬN THỨC…", "PHẦN HAI…").
fn is_major_heading(line: &str) -> bool {
    let t = line.trim();
    let first = t.split_whitespace().next().unwrap_or("");
    let roman = first.trim_end_matches(['.', ':', ')']);
    (!roman.is_empty()
        && roman.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
        && first.len() > roman.len())
        || t.to_uppercase().starts_with("PHẦN ")
}

fn without_headings(text: &str) -> String {
    text.lines()
        .filter(|l| !is_major_heading(l))
        .collect::<Vec<_>>()
        .join("\n")
}

fn as_questions(text: &str) -> String {
    let mut n = 0;
    text.lines()
        .map(|l| {
            if is_major_heading(l) {
                n += 1;
                let rest = l.trim().split_once(' ').map_or("", |x| x.1);
                format!("Câu {n}. {rest}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn heading_free_and_question_forms_keep_the_grade() {
    let g = grader();
    let mut changed = 0;
    let mut with_headings = 0;
    for (name, _) in dev_labels() {
        let text = dev_text(&name);
        if !text.lines().any(is_major_heading) {
            continue;
        }
        with_headings += 1;
        let base = grade(&g, &name, &text);
        for (form, variant) in [
            ("no headings", without_headings(&text)),
            ("Câu 1/Câu 2", as_questions(&text)),
        ] {
            assert_ne!(variant, text);
            let row = grade(&g, &name, &variant);
            assert!(
                (lvl(&row) - lvl(&base)).abs() <= 1,
                "{name} ({form}): {:?} → {:?}",
                base.grade,
                row.grade
            );
            if row.grade != base.grade {
                changed += 1;
                eprintln!("{name} ({form}): {:?} → {:?}", base.grade, row.grade);
            }
        }
    }
    assert!(
        with_headings >= 8,
        "dev essays with headings: {with_headings}"
    );
    // Two forms per essay: at most one grade in ten may move, and only by one level.
    let forms = with_headings * 2;
    assert!(
        changed * 10 <= forms,
        "{changed} of {forms} forms changed grade"
    );
}

/// Every other body paragraph (lines of more than 12 words) typed without diacritics.
fn every_other_paragraph_without_diacritics(text: &str) -> String {
    let mut n = 0;
    text.split('\n')
        .map(|l| {
            if l.split_whitespace().count() > 12 {
                n += 1;
                if n % 2 == 0 {
                    return strip_diacritics(l);
                }
            }
            l.to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn half_the_paragraphs_without_diacritics_keep_the_grade() {
    let g = grader();
    let mut same = 0;
    let labels = dev_labels();
    for (name, _) in &labels {
        let text = dev_text(name);
        let mixed = every_other_paragraph_without_diacritics(&text);
        if mixed == text {
            // No body paragraph of more than 12 words (a list of slogans).
            continue;
        }
        let base = grade(&g, name, &text);
        let row = grade(&g, name, &mixed);
        assert!(
            (lvl(&row) - lvl(&base)).abs() <= 1,
            "{name}: {:?} → {:?}",
            base.grade,
            row.grade
        );
        same += usize::from(row.grade == base.grade);
        assert!(
            !row.flags.contains(&Flag::NoDiacritics) || base.flags.contains(&Flag::NoDiacritics)
        );
    }
    assert!(
        same * 10 >= labels.len() * 9,
        "same grade for {same} of {}",
        labels.len()
    );
}

#[test]
fn mixed_typing_is_routed_to_review() {
    let text = dev_text("01_giao_vien_thcs_yen_thach.txt");
    let mixed = every_other_paragraph_without_diacritics(&text);
    let row = grade(&grader(), "mixed.txt", &mixed);
    assert!(
        row.review.iter().any(|r| r.contains("gõ không dấu")),
        "{:?}",
        row.review
    );
    let plain = grade(&grader(), "plain.txt", &text);
    assert!(!plain.review.iter().any(|r| r.contains("gõ không dấu")));
}

#[test]
fn the_cell_comes_from_the_letterhead_not_the_job_line() {
    let body = fixture("own_words_good.txt");
    let body = body.split_once("Tôi làm nông").map(|x| x.1).expect("body");
    let headers = [
        // Letterhead only, the job line names a workplace.
        "ĐẢNG BỘ XÃ YÊN THẠCH\nCHI BỘ TRƯỜNG THCS YÊN THẠCH\n\nĐẢNG CỘNG SẢN VIỆT NAM\nYên Thạch, ngày 3 tháng 5 năm 2021\n\nBÀI THU HOẠCH\n\nHọ và tên: Lê Thị Hoa\nChức vụ, đơn vị công tác: Giáo viên Toán, Trường THCS Yên Thạch\n\n",
        // Two columns flattened onto one line each.
        "ĐẢNG BỘ XÃ YÊN THẠCH                         ĐẢNG CỘNG SẢN VIỆT NAM\nCHI BỘ TRƯỜNG THCS YÊN THẠCH            Yên Thạch, ngày 3 tháng 5 năm 2021\n\nBÀI THU HOẠCH\n\nHọ và tên: Lê Thị Hoa\nChức vụ: Giáo viên Toán\n\n",
    ];
    for header in headers {
        let text = format!("{header}Tôi làm nông{body}");
        let row = grade(&grader(), "letterhead.txt", &text);
        assert_eq!(
            row.unit.as_deref(),
            Some("TRƯỜNG THCS YÊN THẠCH"),
            "{header}"
        );
        assert_eq!(row.party_committee.as_deref(), Some("XÃ YÊN THẠCH"));
        assert_eq!(row.author.as_deref(), Some("Lê Thị Hoa"));
    }
}

#[test]
fn negated_shortcomings_are_not_self_criticism() {
    let g = grader();
    let base = fixture("own_words_good.txt");
    let (head, _) = base.split_once("Soi vào thôn").expect("relation");
    let relation = |sentence: &str| {
        format!(
            "{head}Soi vào thôn và hợp tác xã của mình, hợp tác xã có 46 hộ thành viên, năm 2020 doanh thu 3,2 tỷ đồng. {sentence}\n"
        )
    };
    let self_reflection = |row: &Assessment| {
        row.parts
            .iter()
            .flat_map(|p| &p.aspects)
            .find(|a| a.id == "self_reflection")
            .map(|a| a.sentences)
            .expect("aspect")
    };
    let negated = grade(
        &g,
        "neg.txt",
        &relation("Qua kiểm điểm, tôi tự nhận thấy bản thân không có biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống."),
    );
    assert_eq!(self_reflection(&negated), 0);
    let candid = grade(
        &g,
        "candid.txt",
        &relation("Qua kiểm điểm, tôi tự nhận thấy bản thân còn hạn chế, có lúc chủ quan, chưa kiểm tra kỹ sổ ghi chép của các hộ."),
    );
    assert_eq!(self_reflection(&candid), 1);
}

#[test]
fn an_essay_on_another_congress_is_off_topic_and_named() {
    let text = "ĐẢNG BỘ XÃ AN PHÚ\nCHI BỘ THÔN 2\n\nBÀI THU HOẠCH\nHọc tập Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV của Đảng\n\nHọ và tên: Võ Văn Tư\n\n\
        Đại hội XIV của Đảng họp vào tháng 1 năm 2026, mở ra kỷ nguyên vươn mình của dân tộc. \
        Nghị quyết Đại hội XIV đặt mục tiêu tăng trưởng hai con số trong giai đoạn 2026 - 2030, coi thể chế là điểm nghẽn của điểm nghẽn và yêu cầu đột phá về thể chế và thực thi. \
        Tôi thấy Đại hội XIV nhấn mạnh tự chủ chiến lược, phát triển hạ tầng dữ liệu và chuyển đổi xanh, gắn với chính quyền địa phương hai cấp sau khi sắp xếp đơn vị hành chính. \
        Ở xã tôi, sau khi sắp xếp, bộ phận một cửa đã tiếp nhận 1.240 hồ sơ trong 3 tháng, tôi phụ trách 420 hồ sơ và còn để trễ hạn 12 hồ sơ. \
        Tôi xin hứa đến tháng 6 năm 2026 không còn hồ sơ trễ hạn, và đề nghị xã bổ sung một máy quét tài liệu cho bộ phận một cửa.\n";
    let row = grade(&grader(), "xiv.txt", text);
    assert!(row.flags.contains(&Flag::OffTopic), "{:?}", row.flags);
    assert_eq!(row.grade.as_deref(), Some("poor"));
    let doc = row
        .signals
        .as_ref()
        .and_then(|s| s.other_document.clone())
        .expect("other document named");
    assert!(doc.contains("XIV"), "{doc}");
}

#[test]
fn an_unfilled_template_is_caught_but_a_blank_comment_box_is_not() {
    let base = fixture("own_words_good.txt");
    let g = grader();
    let template = base.replacen(
        "Tôi làm nông từ nhỏ,",
        "Là giáo viên đang giảng dạy tại Trường ……………………, tôi làm nông từ nhỏ,",
        1,
    );
    let row = grade(&g, "template.txt", &template);
    assert!(
        row.flags.contains(&Flag::UnfilledTemplate),
        "{:?}",
        row.flags
    );
    assert_eq!(row.grade.as_deref(), Some("poor"));
    let boxed = format!("{base}\nNhận xét của chi bộ: ……………………………………………\n");
    let row = grade(&g, "boxed.txt", &boxed);
    assert!(
        !row.flags.contains(&Flag::UnfilledTemplate),
        "{:?}",
        row.flags
    );
}
