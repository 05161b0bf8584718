//! Reviewer search over a tantivy index built with the grading analyzer.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::*;
use thuhoach::index::{EssayIndex, SearchOptions};
use thuhoach::Grader;
use unicode_normalization::UnicodeNormalization;

/// A folder of essays: the dev essays plus a few written for these tests.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, _) in dev_labels() {
        std::fs::copy(dev_dir().join(&name), dir.path().join(&name)).expect("copy");
    }
    let extra = [
        ("x_scattered.txt", "Chi bộ: Thử nghiệm\n\nChúng tôi đẩy mạnh chuyển đổi. Số hộ dân dùng dịch vụ công tăng nhanh trong năm qua."),
        ("x_dang_only.txt", "Chi bộ: Thử nghiệm\n\nTôi đang học tập và đang làm việc tại xã, đang cố gắng hoàn thành nhiệm vụ được giao."),
        ("x_dang_upper.txt", "Chi bộ: Thử nghiệm\n\nTôi luôn tin tưởng vào sự lãnh đạo của Đảng trong công cuộc đổi mới đất nước."),
        ("x_plain.txt", "Chi bộ: Thử nghiệm\n\nBài viết này nói về mùa màng và thời tiết của quê hương trong năm vừa qua."),
        // Both pairs of "chuyển đổi số" ("chuyển đổi", "đổi số"), never side by side.
        ("x_two_pairs.txt", "Chi bộ: Kiểm tra\n\nĐơn vị đẩy mạnh chuyển đổi xanh và thay đổi số liệu báo cáo hằng tháng."),
        ("x_long.txt", "Chi bộ: Kiểm tra\n\nPhát triển nguồn nhân lực chất lượng cao là ưu tiên. Nguồn nhân lực chất lượng thấp phải đào tạo lại."),
        // Every syllable of "nguồn nhân lực chất lượng cao" in order, across a sentence end.
        ("x_long_split.txt", "Chi bộ: Kiểm tra\n\nChúng tôi thiếu nguồn nhân lực. Chất lượng cao của sản phẩm còn là mục tiêu xa."),
    ];
    for (name, text) in extra {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

fn build(corpus: &Path, index_dir: &Path) -> EssayIndex {
    let grader = Grader::with_default_rubric().expect("rubric");
    let files = thuhoach::collect_inputs(&[corpus.to_path_buf()]).expect("inputs");
    let index = EssayIndex::open_or_create(index_dir).expect("index");
    let report = grader
        .index_files(&index, &files, 2, false, |row| panic!("{:?}", row.error))
        .expect("index files");
    assert_eq!(report.indexed, files.len());
    index
}

fn files(index: &EssayIndex, query: &str, opts: &SearchOptions) -> BTreeSet<String> {
    let mut opts = opts.clone();
    opts.limit = 1000;
    let r = index.search(query, &opts).expect("search");
    assert_eq!(r.total, r.hits.len());
    r.hits.into_iter().map(|h| file_name(&h.file)).collect()
}

/// Essays whose text holds the syllables of `phrase` side by side in one sentence, folded.
fn containing(corpus: &Path, phrase: &str) -> BTreeSet<String> {
    let want: Vec<String> = thuhoach::text::phrase_keys(phrase)
        .into_iter()
        .map(|k| k.1)
        .collect();
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(corpus).expect("dir") {
        let path: PathBuf = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let a = thuhoach::text::analyze(&text);
        let n = want.len();
        let found = (0..a.tokens.len().saturating_sub(n - 1)).any(|i| {
            a.tokens[i].sentence == a.tokens[i + n - 1].sentence
                && (0..n).all(|j| a.fold(i + j) == want[j])
        });
        if found {
            out.insert(file_name(&path.display().to_string()));
        }
    }
    out
}

#[test]
fn diacritics_case_and_nfd_do_not_change_the_result() {
    let dir = corpus();
    let idx = tempfile::tempdir().expect("tempdir");
    let index = build(dir.path(), idx.path());
    let opts = SearchOptions::default();
    let expected = containing(dir.path(), "nghị quyết");
    assert!(expected.len() >= 24 && !expected.contains("x_plain.txt"));
    let nfd: String = "\"nghị quyết\"".nfd().collect();
    for q in [
        "\"nghị quyết\"",
        "\"nghi quyet\"",
        "\"NGHỊ QUYẾT\"",
        nfd.as_str(),
        "\"nghị quyết\"",
    ] {
        assert_eq!(files(&index, q, &opts), expected, "query {q}");
    }
}

#[test]
fn a_phrase_needs_its_syllables_side_by_side() {
    let dir = corpus();
    let idx = tempfile::tempdir().expect("tempdir");
    let index = build(dir.path(), idx.path());
    let opts = SearchOptions::default();
    let hits = files(&index, "\"chuyển đổi số\"", &opts);
    assert!(!hits.contains("x_scattered.txt"));
    assert_eq!(hits, containing(dir.path(), "chuyển đổi số"));
    // As separate words, the scattered essay does match.
    assert!(files(&index, "chuyển đổi số", &opts).contains("x_scattered.txt"));
}

#[test]
fn long_phrases_match_exactly_where_their_syllables_stand_together() {
    let dir = corpus();
    let idx = tempfile::tempdir().expect("tempdir");
    let index = build(dir.path(), idx.path());
    let opts = SearchOptions::default();
    for phrase in [
        "chuyển đổi số",
        "chuyen doi so",
        "thay đổi số liệu",
        "chuyển đổi xanh",
        "nhân lực chất lượng cao",
        "nguồn nhân lực chất lượng cao",
        "nguon nhan luc chat luong thap",
        "chất lượng cao",
        "kinh tế thị trường định hướng xã hội chủ nghĩa",
        "xây dựng, chỉnh đốn Đảng",
        "phòng, chống tham nhũng",
    ] {
        let expected = containing(dir.path(), phrase);
        let hits = files(&index, &format!("\"{phrase}\""), &opts);
        assert_eq!(hits, expected, "phrase {phrase}");
    }
    let hits = |q: &str| files(&index, q, &opts);
    // Both pairs are there, never side by side.
    assert!(!hits("\"chuyển đổi số\"").contains("x_two_pairs.txt"));
    assert!(hits("\"chuyển đổi\" \"đổi số\"").contains("x_two_pairs.txt"));
    assert!(hits("\"chuyển đổi xanh\"").contains("x_two_pairs.txt"));
    // A sentence end stops a phrase, also a long one.
    assert!(hits("\"nguồn nhân lực chất lượng cao\"").contains("x_long.txt"));
    assert!(!hits("\"nguồn nhân lực chất lượng cao\"").contains("x_long_split.txt"));
    assert!(!hits("\"lực chất\"").contains("x_long_split.txt"));
    assert!(hits("\"chất lượng cao của\"").contains("x_long_split.txt"));
}

#[test]
fn filters_by_grade_unit_score_and_flag() {
    let dir = corpus();
    let idx = tempfile::tempdir().expect("tempdir");
    let index = build(dir.path(), idx.path());
    let good: BTreeSet<String> = dev_labels()
        .into_iter()
        .filter(|(_, g)| g == "good")
        .map(|(f, _)| f)
        .collect();
    let opts = SearchOptions {
        grade: Some("good".into()),
        ..Default::default()
    };
    assert_eq!(files(&index, "\"nghị quyết\"", &opts), good);

    let opts = SearchOptions {
        unit: Some("yen thach".into()),
        ..Default::default()
    };
    assert_eq!(
        files(&index, "nghị quyết", &opts),
        BTreeSet::from(["01_giao_vien_thcs_yen_thach.txt".to_string()])
    );

    let opts = SearchOptions {
        min_score: Some(80.0),
        limit: 100,
        ..Default::default()
    };
    let r = index.search("nghị quyết", &opts).expect("search");
    assert!(!r.hits.is_empty());
    assert!(r.hits.iter().all(|h| h.score.unwrap_or(0.0) >= 80.0));

    let opts = SearchOptions {
        flags: vec!["keyword_stuffing".into()],
        ..Default::default()
    };
    assert_eq!(
        files(&index, "nghị quyết", &opts),
        BTreeSet::from(["17_vien_chuc_kiem_soat_benh_tat_lac_phong.txt".to_string()])
    );
}

#[test]
fn exact_diacritics_rank_first_and_snippets_show_them() {
    let dir = corpus();
    let idx = tempfile::tempdir().expect("tempdir");
    let index = build(dir.path(), idx.path());
    let opts = SearchOptions {
        unit: Some("thử nghiệm".into()),
        limit: 10,
        ..Default::default()
    };
    let r = index.search("Đảng", &opts).expect("search");
    let order: Vec<String> = r.hits.iter().map(|h| file_name(&h.file)).collect();
    let upper = order
        .iter()
        .position(|f| f == "x_dang_upper.txt")
        .expect("Đảng essay found");
    let only = order
        .iter()
        .position(|f| f == "x_dang_only.txt")
        .expect("đang essay found");
    assert!(upper < only, "{order:?}");
    let hit = &r.hits[upper];
    let (s, e) = hit.highlights[0];
    assert_eq!(&hit.snippet[s..e], "Đảng");
    assert!(hit.snippet_html.contains("<b>Đảng</b>"));
}

#[test]
fn reindexing_replaces_and_prune_removes() {
    let dir = corpus();
    let idx = tempfile::tempdir().expect("tempdir");
    let index = build(dir.path(), idx.path());
    let before = index.num_docs();
    drop(index);
    let index = build(dir.path(), idx.path());
    assert_eq!(index.num_docs(), before, "indexing twice adds nothing");
    std::fs::remove_file(dir.path().join("x_plain.txt")).expect("remove");
    let grader = Grader::with_default_rubric().expect("rubric");
    let report = grader
        .index_files(&index, &[], 1, true, |_| {})
        .expect("prune");
    assert_eq!(report.removed, 1);
    assert_eq!(index.num_docs(), before - 1);
}

#[test]
fn the_cli_reopens_the_index_in_a_new_process_and_reports_errors() {
    let dir = corpus();
    let idx = tempfile::tempdir().expect("tempdir");
    let index_dir = idx.path().join("idx");
    let out = thuhoach!("index", dir.path(), "--index", &index_dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = thuhoach!(
        "search",
        "\"chuyen doi so\"",
        "--index",
        &index_dir,
        "--format",
        "json"
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert!(v["total"].as_u64().expect("total") > 0);
    for key in [
        "file",
        "author",
        "unit",
        "grade",
        "score",
        "snippet",
        "snippet_html",
    ] {
        assert!(v["hits"][0].get(key).is_some(), "missing {key}");
    }

    let out = thuhoach!("search", "\"chuyển đổi", "--index", &index_dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("vị trí 0"), "{}", stderr(&out));

    let missing = idx.path().join("khong-co");
    let out = thuhoach!("search", "đảng", "--index", &missing);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("không tìm thấy chỉ mục"),
        "{}",
        stderr(&out)
    );

    std::fs::write(
        index_dir.join("thuhoach-index.json"),
        r#"{"format": 99, "created_by": "x"}"#,
    )
    .expect("write");
    let out = thuhoach!("search", "đảng", "--index", &index_dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("tạo lại chỉ mục"), "{}", stderr(&out));
}
