//! The real binary, run as a user would: exit codes, formats, bad files, determinism.
//!
//! New CLI tests go here; grading-quality tests go in tests/dev_set.rs.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).expect("write fixture");
}

/// A folder with two good essays and four broken files.
fn mixed_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dev_text("01_giao_vien_thcs_yen_thach.txt");
    write(dir.path(), "a_good.txt", good.as_bytes());
    write(
        dir.path(),
        "b_good.docx",
        &docx_bytes(&dev_text("15_cong_an_phuong_an_thanh_tay.txt")),
    );
    let docx = docx_bytes(&good);
    write(dir.path(), "c_truncated.docx", &docx[..docx.len() / 2]);
    write(dir.path(), "d_empty.txt", b"");
    let random: Vec<u8> = (0u32..5000)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    write(dir.path(), "e_random.docx", &random);
    write(
        dir.path(),
        "f_binary.txt",
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00binary\x00\x00",
    );
    dir
}

#[test]
fn every_file_gets_a_row_and_bad_ones_say_why() {
    let dir = mixed_folder();
    let out = thuhoach!("grade", dir.path(), "--format", "jsonl");
    assert_eq!(out.status.code(), Some(1), "some inputs failed → exit 1");
    let rows: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let files: Vec<String> = rows
        .iter()
        .map(|r| file_name(r["file"].as_str().expect("file")))
        .collect();
    assert_eq!(
        files,
        [
            "a_good.txt",
            "b_good.docx",
            "c_truncated.docx",
            "d_empty.txt",
            "e_random.docx",
            "f_binary.txt"
        ]
    );
    for r in &rows[..2] {
        assert!(r["error"].is_null());
        assert_eq!(r["grade"], "good", "{r}");
    }
    let expect = ["zip", "rỗng", "zip", "nhị phân"];
    for (r, word) in rows[2..].iter().zip(expect) {
        let err = r["error"].as_str().expect("error message");
        assert!(err.contains(word), "{}: {err}", r["file"]);
        assert!(r["grade"].is_null());
        assert!(r["score"].is_null());
    }
    assert!(stderr(&out).contains("4/6"), "{}", stderr(&out));
}

#[test]
fn truncated_xml_returns_promptly() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A well-formed zip whose document.xml stops inside an open paragraph.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("word/document.xml", opts).expect("zip");
    std::io::Write::write_all(
        &mut zip,
        br#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>Ngh"#,
    )
    .expect("zip");
    let bytes = zip.finish().expect("zip").into_inner();
    write(dir.path(), "cut.docx", &bytes);
    let start = Instant::now();
    let out = thuhoach!("grade", dir.path().join("cut.docx"), "--format", "json");
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert!(
        v[0]["error"].as_str().expect("error").contains("cắt cụt"),
        "{v}"
    );
}

#[test]
fn output_is_identical_with_one_or_two_threads() {
    let dev = dev_dir();
    let one = thuhoach!("grade", &dev, "--format", "jsonl", "--jobs", "1");
    let two = thuhoach!("grade", &dev, "--format", "jsonl", "--jobs", "2");
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    assert_eq!(stdout(&one).lines().count(), 24);
    assert_eq!(one.stdout, two.stdout);
}

#[test]
fn out_file_format_follows_its_extension() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dev = dev_dir();
    let csv_path = dir.path().join("ketqua.csv");
    let out = thuhoach!("grade", &dev, "--out", &csv_path);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut reader = csv::Reader::from_path(&csv_path).expect("csv");
    let headers = reader.headers().expect("headers").clone();
    assert_eq!(headers.get(0), Some("file"));
    let raw = std::fs::read(&csv_path).expect("csv bytes");
    assert!(
        raw.starts_with("\u{feff}file,".as_bytes()),
        "BOM lets Excel read UTF-8"
    );
    assert!(headers.iter().any(|h| h == "grade_label"));
    assert_eq!(reader.records().count(), 24);

    let json_path = dir.path().join("ketqua.json");
    let out = thuhoach!("grade", &dev, "--out", &json_path);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json_path).expect("json")).expect("parse");
    let rows = v.as_array().expect("array");
    assert_eq!(rows.len(), 24);
    let r = &rows[0];
    for key in [
        "file",
        "author",
        "unit",
        "words",
        "score",
        "grade",
        "grade_label",
        "criteria",
        "themes",
        "flags",
        "rubric",
        "error",
    ] {
        assert!(r.get(key).is_some(), "missing {key}");
    }
    assert_eq!(r["rubric"]["id"], "dai-hoi-xiii");
    assert_eq!(r["rubric"]["sha256"].as_str().map(str::len), Some(64));
    let unknown = thuhoach!("grade", &dev, "--out", dir.path().join("x.pdf"));
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn table_shows_vietnamese_labels() {
    let out = thuhoach!(
        "grade",
        dev_dir().join("09_sinh_vien_kinh_te_song_hong.txt")
    );
    assert_eq!(out.status.code(), Some(0));
    let s = stdout(&out);
    assert!(s.contains("Xếp loại"));
    assert!(s.contains("Chưa đạt"));
    assert!(s.contains("Đỗ Minh Khang"));
    // Flags in words a committee reads, not the JSON ids.
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/demo/06_chua_dat_qua_ngan.txt");
    let out = thuhoach!("grade", demo);
    let s = stdout(&out);
    assert!(s.contains("quá ngắn") && s.contains("lạc đề"), "{s}");
    assert!(!s.contains("too_short") && !s.contains("off_topic"), "{s}");
}

#[test]
fn explain_reads_as_vietnamese_with_evidence() {
    let out = thuhoach!("explain", dev_dir().join("10_to_truong_may_an_thai.txt"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = stdout(&out);
    for section in [
        "XẾP LOẠI",
        "Nội dung Nghị quyết đã nêu",
        "Nội dung chưa nêu",
        "Bố cục bài viết",
        "Để nâng xếp loại",
    ] {
        assert!(s.contains(section), "missing {section}:\n{s}");
    }
    assert!(s.contains('«'), "evidence sentences are quoted");
}

#[test]
fn a_bad_rubric_is_a_usage_error_naming_file_line_and_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("rubrics/dai-hoi-xiii.toml"),
    )
    .expect("rubric");
    let bad = text.replacen("label = \"Khá\"", "label = 58", 1);
    assert_ne!(bad, text);
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, &bad).expect("write");
    let out = thuhoach!("rubric", "check", &path);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let line = bad
        .lines()
        .position(|l| l.contains("label = 58"))
        .expect("line")
        + 1;
    assert!(err.contains(&format!("bad.toml:{line}")), "{err}");
    let graded = thuhoach!("grade", dev_dir(), "--rubric", &path);
    assert_eq!(graded.status.code(), Some(2));

    let ok = thuhoach!(
        "rubric",
        "check",
        Path::new(env!("CARGO_MANIFEST_DIR")).join("rubrics/template.toml")
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
}

#[test]
fn missing_input_is_a_usage_error() {
    let out = thuhoach!("grade", "khong-co-thu-muc-nay");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("khong-co-thu-muc-nay"));
}

#[test]
fn tokenizer_export_writes_a_loadable_tokenizer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("tokenizer.json");
    let out = thuhoach!("tokenizer", "export", "--out", &path);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let tok = tokenizers::Tokenizer::from_file(&path).expect("load tokenizer.json");
    let enc = tok
        .encode("Nghị quyết Đại hội XIII, HOÀ BÌNH", false)
        .expect("encode");
    assert_eq!(
        enc.get_tokens(),
        ["nghị", "quyết", "đại", "hội", "xiii", "hòa", "bình"]
    );
}

#[test]
fn skip_done_resumes_without_grading_twice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let essays = dir.path().join("essays");
    std::fs::create_dir(&essays).expect("mkdir");
    for name in [
        "01_giao_vien_thcs_yen_thach.txt",
        "09_sinh_vien_kinh_te_song_hong.txt",
    ] {
        std::fs::copy(dev_dir().join(name), essays.join(name)).expect("copy");
    }
    let results = dir.path().join("ketqua.jsonl");
    let first = thuhoach!("grade", &essays, "--out", &results);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    // A new essay arrives and one is edited: only those two are graded again.
    std::fs::copy(
        dev_dir().join("12_giao_vien_tieu_hoc_chieng_nua.txt"),
        essays.join("12.txt"),
    )
    .expect("copy");
    let edited = essays.join("09_sinh_vien_kinh_te_song_hong.txt");
    let text = std::fs::read_to_string(&edited).expect("read") + "\nTôi xin bổ sung một ý.";
    std::fs::write(&edited, text).expect("write");
    let second = thuhoach!("grade", &essays, "--out", &results, "--skip-done", &results);
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("bỏ qua 1 tệp"),
        "{}",
        stderr(&second)
    );
    let lines = std::fs::read_to_string(&results).expect("results");
    let files: Vec<String> = lines
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("row");
            file_name(v["file"].as_str().expect("file"))
        })
        .collect();
    assert_eq!(
        files,
        [
            "01_giao_vien_thcs_yen_thach.txt",
            "09_sinh_vien_kinh_te_song_hong.txt",
            "09_sinh_vien_kinh_te_song_hong.txt",
            "12.txt"
        ]
    );
}

#[test]
fn report_and_grade_write_committee_documents() {
    let dir = tempfile::tempdir().expect("tempdir");
    let results = dir.path().join("ketqua.jsonl");
    let out = thuhoach!("grade", dev_dir(), "--out", &results);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for ext in ["xlsx", "docx", "html", "csv"] {
        let path = dir.path().join(format!("baocao.{ext}"));
        let out = thuhoach!("report", &results, "--out", &path);
        assert_eq!(out.status.code(), Some(0), "{ext}: {}", stderr(&out));
        assert!(
            std::fs::metadata(&path).expect("written").len() > 500,
            "{ext}"
        );
    }
    // grade straight to a spreadsheet: the "Chi tiết" sheet has one row per essay.
    let xlsx = dir.path().join("ketqua.xlsx");
    let out = thuhoach!("grade", dev_dir(), "--out", &xlsx);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).expect("open xlsx");
    let detail = book.worksheet_range("Chi tiết").expect("Chi tiết sheet");
    assert_eq!(detail.height(), 25, "header + 24 essays");
    let bad = thuhoach!(
        "report",
        dir.path().join("khong-co.jsonl"),
        "--out",
        dir.path().join("x.xlsx")
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn copies_are_flagged_in_grade_rows_and_clustered_by_dupes() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in [
        "01_giao_vien_thcs_yen_thach.txt",
        "05_giam_doc_htx_vai_thieu_phu_hoa.txt",
    ] {
        std::fs::copy(dev_dir().join(name), dir.path().join(name)).expect("copy");
    }
    let copy = dev_text("01_giao_vien_thcs_yen_thach.txt")
        .replace("Lê Thị Thanh Huyền", "Nguyễn Văn Chép");
    write(dir.path(), "z_copy.txt", copy.as_bytes());
    let reference =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/originality/resolution.txt");
    let pasted = format!(
        "Họ và tên: Trần Văn Dán\nChi bộ: Thử nghiệm\n\n{}",
        std::fs::read_to_string(&reference).expect("reference")
    );
    write(dir.path(), "y_pasted.txt", pasted.as_bytes());

    let out = thuhoach!(
        "grade",
        dir.path(),
        "--format",
        "jsonl",
        "--reference",
        &reference
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("row"))
        .collect();
    let by_name = |n: &str| {
        rows.iter()
            .find(|r| r["file"].as_str().is_some_and(|f| f.ends_with(n)))
            .expect("row")
    };
    let flags = |n: &str| by_name(n)["flags"].to_string();
    assert!(flags("01_giao_vien_thcs_yen_thach.txt").contains("near_duplicate"));
    assert!(flags("z_copy.txt").contains("near_duplicate"));
    assert!(!flags("05_giam_doc_htx_vai_thieu_phu_hoa.txt").contains("near_duplicate"));
    assert!(flags("y_pasted.txt").contains("copied_reference"));
    assert_eq!(by_name("y_pasted.txt")["grade"], "poor");
    let o = &by_name("y_pasted.txt")["originality"];
    assert!(o["copied_share"].as_f64().expect("share") >= 0.5);
    assert!(!o["sources"][0]["spans"]
        .as_array()
        .expect("spans")
        .is_empty());

    let out = thuhoach!("dupes", dir.path(), "--format", "json");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let clusters = v["clusters"].as_array().expect("clusters");
    assert_eq!(clusters.len(), 1);
    let pair = &clusters[0]["pairs"][0];
    assert!(pair["similarity"].as_f64().expect("similarity") > 0.9);
    assert!(!pair["passages"].as_array().expect("passages").is_empty());
}
