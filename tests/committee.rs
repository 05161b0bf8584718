//! The committee's path from graded essays to a signed report, through the real binary:
//! overrides with an audit trail, the report on final grades, verification of the log.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// Two dev essays graded into RESULTS.jsonl in a temp folder.
struct Graded {
    dir: tempfile::TempDir,
    results: PathBuf,
    essays: Vec<PathBuf>,
}

fn graded() -> Graded {
    let dir = tempfile::tempdir().expect("tempdir");
    let essays_dir = dir.path().join("bai");
    std::fs::create_dir(&essays_dir).expect("mkdir");
    let mut essays = Vec::new();
    for name in [
        "01_giao_vien_thcs_yen_thach.txt",
        "15_cong_an_phuong_an_thanh_tay.txt",
    ] {
        let p = essays_dir.join(name);
        std::fs::write(&p, dev_text(name)).expect("write essay");
        essays.push(p);
    }
    let results = dir.path().join("ket-qua.jsonl");
    let out = thuhoach!("grade", &essays_dir, "--out", &results);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    Graded {
        dir,
        results,
        essays,
    }
}

fn rows(results: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(results)
        .expect("results")
        .lines()
        .map(|l| serde_json::from_str(l).expect("row"))
        .collect()
}

/// The counts of the totals row of a summary CSV, by header.
fn totals(csv_path: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(csv_path).expect("csv");
    let text = text.trim_start_matches('\u{FEFF}');
    let sep = if text.lines().next().is_some_and(|l| l.contains(';')) {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .expect("headers")
        .iter()
        .map(String::from)
        .collect();
    let last = reader
        .records()
        .map(|r| r.expect("record"))
        .last()
        .expect("totals row");
    headers
        .into_iter()
        .zip(last.iter().map(String::from))
        .collect()
}

fn count(totals: &[(String, String)], header: &str) -> String {
    totals
        .iter()
        .find(|(h, _)| h == header)
        .unwrap_or_else(|| panic!("no column {header} in {totals:?}"))
        .1
        .clone()
}

#[test]
fn an_override_changes_the_report_and_keeps_the_engine_grade_beside_it() {
    let g = graded();
    let rows = rows(&g.results);
    let engine: Vec<&str> = rows
        .iter()
        .map(|r| r["grade"].as_str().expect("graded"))
        .collect();
    // Decide the first essay one level away from the engine's grade.
    let (typed, new_id, new_label) = if engine[0] == "poor" {
        ("trung binh", "average", "Trung bình")
    } else {
        ("Chưa đạt", "poor", "Chưa đạt")
    };
    let log = g.dir.path().join("quyet-dinh.jsonl");
    let file = g.essays[0].display().to_string();
    let out = thuhoach!(
        "override",
        "--log",
        &log,
        "--file",
        &file,
        "--grade",
        typed,
        "--by",
        "Nguyễn Thị Lan, Tổ trưởng",
        "--reason",
        "Tổ đánh giá thống nhất sau khi đọc lại",
        "--results",
        &g.results
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(new_label), "{}", stdout(&out));
    let decision: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&log).expect("log").trim()).expect("entry");
    assert_eq!(decision["new_grade"], new_id);
    assert_eq!(decision["old_grade"], engine[0]);
    assert_eq!(decision["file"], rows[0]["file"]);
    assert_eq!(decision["file_sha256"], rows[0]["sha256"]);
    assert_eq!(decision["rubric"], rows[0]["rubric"]);

    let before = g.dir.path().join("truoc.csv");
    let after = g.dir.path().join("sau.csv");
    let html = g.dir.path().join("sau.html");
    assert!(thuhoach!("report", &g.results, "--out", &before)
        .status
        .success());
    for out_file in [&after, &html] {
        let out = thuhoach!("report", &g.results, "--overrides", &log, "--out", out_file);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let (before, after) = (totals(&before), totals(&after));
    let label_of = |id: &str| match id {
        "good" => "Tốt",
        "fair" => "Khá",
        "average" => "Trung bình",
        _ => "Chưa đạt",
    };
    let n = |t: &[(String, String)], id: &str| count(t, label_of(id)).parse::<usize>().unwrap();
    assert_eq!(n(&after, new_id), n(&before, new_id) + 1);
    assert_eq!(n(&after, engine[0]), n(&before, engine[0]) - 1);
    let page = std::fs::read_to_string(&html).expect("html");
    let section = page
        .split("quyết định lại xếp loại")
        .nth(1)
        .expect("decisions section");
    let row = section.split("</tr>").nth(1).expect("decision row");
    assert!(
        row.contains(&format!(
            "<td>{}</td><td>{}</td>",
            label_of(engine[0]),
            new_label
        )),
        "engine grade beside the committee's: {row}"
    );
    assert!(row.contains("Nguyễn Thị Lan"), "{row}");
}

#[test]
fn a_grade_typed_wrong_is_refused_with_the_choices() {
    let g = graded();
    let log = g.dir.path().join("log.jsonl");
    let out = thuhoach!(
        "override",
        "--log",
        &log,
        "--file",
        &g.essays[1],
        "--grade",
        "xuất sắc",
        "--by",
        "A",
        "--reason",
        "B",
        "--results",
        &g.results
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("Tốt (good)") && err.contains("Chưa đạt (poor)"),
        "{err}"
    );
    assert!(!log.exists() || std::fs::read_to_string(&log).unwrap().is_empty());
}

#[test]
fn an_override_without_results_grades_the_file_now() {
    let g = graded();
    let log = g.dir.path().join("log.jsonl");
    let out = thuhoach!(
        "override",
        "--log",
        &log,
        "--file",
        &g.essays[1],
        "--grade",
        "kha",
        "--by",
        "A",
        "--reason",
        "B"
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let entry: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&log).unwrap().trim()).unwrap();
    assert_eq!(entry["old_grade"], rows(&g.results)[1]["grade"]);
    assert_eq!(entry["file_sha256"], rows(&g.results)[1]["sha256"]);
}

#[test]
fn editing_one_byte_of_the_log_fails_verify_naming_that_entry() {
    let g = graded();
    let log = g.dir.path().join("log.jsonl");
    for (essay, grade) in [
        (&g.essays[0], "tot"),
        (&g.essays[1], "kha"),
        (&g.essays[0], "kha"),
    ] {
        let out = thuhoach!(
            "override",
            "--log",
            &log,
            "--file",
            essay,
            "--grade",
            grade,
            "--by",
            "Tổ trưởng",
            "--reason",
            "Quyết định của tổ",
            "--results",
            &g.results
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let out = thuhoach!("audit", "verify", &log);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("3 quyết định"), "{}", stdout(&out));

    // Change the grade of the second entry: "fair" → "good" would change more than one byte,
    // so change one letter of its reason.
    let text = std::fs::read_to_string(&log).unwrap();
    let second = text.lines().nth(1).unwrap();
    let at = text.find(second).unwrap() + second.find("Quyết").unwrap();
    let mut bytes = text.into_bytes();
    bytes[at] = b'X';
    std::fs::write(&log, &bytes).unwrap();
    let out = thuhoach!("audit", "verify", &log);
    assert_eq!(out.status.code(), Some(1));
    let said = stdout(&out);
    assert!(said.contains("mục thứ 2"), "{said}");

    // The report refuses an altered log.
    let report = g.dir.path().join("r.csv");
    let out = thuhoach!("report", &g.results, "--overrides", &log, "--out", &report);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("mục thứ 2"), "{}", stderr(&out));
}
