//! Things that used to do nothing silently (or leak an English library message): each is now
//! made to work or refused with a Vietnamese message.

mod common;

use std::path::Path;

use common::*;

fn essay_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in [
        "01_giao_vien_thcs_yen_thach.txt",
        "15_cong_an_phuong_an_thanh_tay.txt",
    ] {
        std::fs::write(dir.path().join(name), dev_text(name)).expect("write");
    }
    dir
}

fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .map(|t| t.lines().filter(|l| !l.trim().is_empty()).count())
        .unwrap_or(0)
}

/// A one-page PDF whose text layer says `text` (ASCII).
fn text_pdf(text: &str) -> Vec<u8> {
    let content = format!("BT /F1 12 Tf 72 700 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    common::pdf::pdf_from_objects(&objects)
}

#[test]
fn a_pdf_renamed_docx_is_read_as_a_pdf_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bai.docx");
    std::fs::write(&file, text_pdf("Nghi quyet Dai hoi XIII cua Dang")).unwrap();
    let out = thuhoach!("grade", &file, "--format", "jsonl");
    let row: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("row");
    assert!(row["error"].is_null(), "{row}");
    let notes = row["notes"].to_string();
    assert!(notes.contains("nhưng nội dung là tệp PDF"), "{notes}");

    // A broken PDF named .docx gets the PDF reader's Vietnamese message, not a zip error.
    std::fs::write(&file, b"%PDF-1.4\n1 0 obj\n").unwrap();
    let out = thuhoach!("grade", &file, "--format", "jsonl");
    let row: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("row");
    let error = row["error"].as_str().unwrap_or_default();
    assert!(error.starts_with("không đọc được tệp PDF"), "{error}");
    assert!(!error.contains("EOCD"), "{error}");
}

#[test]
fn roster_with_a_per_essay_output_is_refused_in_vietnamese() {
    let dir = essay_dir();
    let roster = dir.path().join("ds.csv");
    std::fs::write(&roster, "STT,Họ và tên,Chi bộ\n1,Lê Thị Thanh Huyền,A\n").unwrap();
    for out_name in ["kq.csv", "kq.jsonl"] {
        let out_file = dir.path().join(out_name);
        let out = thuhoach!("grade", dir.path(), "--roster", &roster, "--out", &out_file);
        assert_eq!(out.status.code(), Some(2), "{out_name}");
        assert!(
            stderr(&out).contains("--roster chỉ dùng khi --out là báo cáo"),
            "{}",
            stderr(&out)
        );
        assert!(!out_file.exists(), "nothing half-written");
    }
}

#[test]
fn skip_done_on_first_use_grades_everything_then_skips_what_is_done() {
    let dir = essay_dir();
    let essays = dir.path();
    let results = tempfile::tempdir().unwrap();
    let out_file = results.path().join("new.jsonl");
    let out = thuhoach!(
        "grade",
        essays,
        "--out",
        &out_file,
        "--skip-done",
        &out_file
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(lines(&out_file), 2);
    let out = thuhoach!(
        "grade",
        essays,
        "--out",
        &out_file,
        "--skip-done",
        &out_file
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("bỏ qua 2 tệp"), "{}", stderr(&out));
    assert_eq!(lines(&out_file), 2, "nothing graded twice");
}

#[test]
fn skip_done_with_another_output_is_refused() {
    let dir = essay_dir();
    let results = tempfile::tempdir().unwrap();
    let done = results.path().join("done.jsonl");
    assert!(thuhoach!("grade", dir.path(), "--out", &done)
        .status
        .success());
    for other in ["other.csv", "other.jsonl"] {
        let out_file = results.path().join(other);
        let out = thuhoach!(
            "grade",
            dir.path(),
            "--out",
            &out_file,
            "--skip-done",
            &done
        );
        assert_eq!(out.status.code(), Some(2), "{other}");
        assert!(
            stderr(&out).contains("phải là chính tệp --out"),
            "{}",
            stderr(&out)
        );
        assert!(!out_file.exists(), "no header-only file");
    }
}

#[test]
fn search_grade_accepts_vietnamese_labels_and_refuses_unknown_ones() {
    let dir = essay_dir();
    let index = tempfile::tempdir().unwrap();
    let out = thuhoach!("index", dir.path(), "--index", index.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let results = tempfile::tempdir().unwrap();
    let graded = results.path().join("kq.jsonl");
    assert!(thuhoach!("grade", dir.path(), "--out", &graded)
        .status
        .success());
    let grades: Vec<String> = std::fs::read_to_string(&graded)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["grade"].as_str().unwrap().to_string()
        })
        .collect();
    let total = |grade: &str| -> u64 {
        let out = thuhoach!(
            "search",
            "nghị quyết",
            "--index",
            index.path(),
            "--grade",
            grade,
            "--format",
            "json"
        );
        assert_eq!(out.status.code(), Some(0), "{grade}: {}", stderr(&out));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        v["total"].as_u64().unwrap()
    };
    for (id, typed) in [
        ("good", ["good", "Tốt", "tot"]),
        ("fair", ["fair", "Khá", "kha"]),
        ("average", ["average", "Trung bình", "trung binh"]),
    ] {
        let expected = grades.iter().filter(|g| *g == id).count() as u64;
        for t in typed {
            assert_eq!(total(t), expected, "{t}");
        }
    }
    let out = thuhoach!("search", "x", "--index", index.path(), "--grade", "gioi");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("Tốt (good), Khá (fair), Trung bình (average), Chưa đạt (poor)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn rubric_typos_are_explained_in_vietnamese_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("barem.toml");
    let text =
        thuhoach::rubric::DEFAULT_RUBRIC_TOML.replacen("min_score = 42.0", "min_score = 42,5", 1);
    std::fs::write(&file, text).unwrap();
    let out = thuhoach!("rubric", "check", &file);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("barem.toml:49:") && err.contains("không dùng dấu phẩy"),
        "{err}"
    );
    let text =
        thuhoach::rubric::DEFAULT_RUBRIC_TOML.replacen("min_score = 42.0", "min_scor = 42.0", 1);
    std::fs::write(&file, text).unwrap();
    let err = stderr(&thuhoach!("rubric", "check", &file));
    assert!(
        err.contains("tên trường “min_scor” không có ở đây"),
        "{err}"
    );
}

#[test]
fn help_and_usage_errors_are_in_vietnamese() {
    let out = thuhoach!("--help");
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    for wanted in [
        "Cách dùng:",
        "Lệnh:",
        "Tùy chọn:",
        "In hướng dẫn này",
        "Chấm bài",
    ] {
        assert!(help.contains(wanted), "{wanted}: {help}");
    }
    assert!(
        !help.contains("Usage:") && !help.contains("Print help"),
        "{help}"
    );
    let out = thuhoach!("grade", "--help");
    assert!(stdout(&out).contains("Tệp bài hoặc thư mục bài"));

    let out = thuhoach!("grade", "--bogus", "x");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("thuhoach: tùy chọn không có ("), "{err}");
    assert!(
        err.contains("'--bogus'"),
        "the original in parentheses: {err}"
    );
    let out = thuhoach!("override", "--log", "x.jsonl");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("thiếu đối số hoặc tùy chọn bắt buộc"),
        "{}",
        stderr(&out)
    );
}
