//! The exit-code contract, path by path, on the real binary: 0 every input handled (a closed
//! pipe included), 1 the run finished but some inputs failed, 2 the run stopped on an error
//! (usage, rubric, input path, an output that cannot be written, a bad results file). And an
//! error's message says each thing once.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::*;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    path
}

/// A path whose folder does not exist: no one can create it, root included.
fn unwritable(dir: &Path, name: &str) -> PathBuf {
    dir.join("khong-co-thu-muc").join(name)
}

/// One short essay that grades without error.
fn essay(dir: &Path) -> PathBuf {
    write(
        dir,
        "bai.txt",
        dev_text("01_giao_vien_thcs_yen_thach.txt").as_bytes(),
    )
}

/// Asserts the run stopped with exit code 2 and one `thuhoach:` line in which no part
/// (between ": ") is said twice.
fn assert_stopped(out: &std::process::Output, what: &str) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{what}: {err}");
    let line = err
        .lines()
        .rfind(|l| l.starts_with("thuhoach: "))
        .unwrap_or_else(|| panic!("{what}: no error line in {err}"));
    assert_said_once(line);
    line.to_string()
}

fn assert_said_once(line: &str) {
    let parts: Vec<&str> = line
        .split(": ")
        .skip(1)
        .map(str::trim)
        .filter(|p| p.len() > 3)
        .collect();
    for (i, a) in parts.iter().enumerate() {
        for b in &parts[i + 1..] {
            assert!(!b.contains(a), "«{a}» said twice in: {line}");
        }
    }
}

#[test]
fn all_handled_is_zero_and_a_failed_input_is_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = essay(dir.path());
    let out = thuhoach!("grade", &good, "--format", "jsonl");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    write(dir.path(), "hong.docx", b"PK\x03\x04 cut short");
    let out = thuhoach!("grade", dir.path(), "--format", "jsonl");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 2, "both files have a row");
}

#[test]
fn a_closed_pipe_is_success_and_says_nothing() {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_thuhoach"));
    cmd.args(["grade", "--format", "jsonl", "--dupes", "off"])
        .arg(dev_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run thuhoach");
    // Close the reading end before the first row is written.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        !err.lines()
            .any(|l| l.starts_with("thuhoach: ") && l.contains("pipe")),
        "{err}"
    );
}

#[test]
fn usage_rubric_and_input_errors_are_two() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = essay(dir.path());

    let out = thuhoach!("grade", &good, "--khong-co-tuy-chon");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    let bad_rubric = write(dir.path(), "barem.toml", b"id = \"x\"\n[[themes]\n");
    let out = thuhoach!("grade", &good, "--rubric", &bad_rubric);
    assert_stopped(&out, "bad rubric");

    let missing = dir.path().join("khong-co-bai");
    let out = thuhoach!("grade", &missing);
    let line = assert_stopped(&out, "missing input");
    assert_eq!(
        line.matches("không tìm thấy tệp hoặc thư mục").count(),
        1,
        "{line}"
    );

    let out = thuhoach!("grade", &good, "--out", dir.path().join("kq.khong-biet"));
    assert_stopped(&out, "unknown output format");
}

#[test]
fn an_unwritable_output_is_two_whichever_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = essay(dir.path());
    let results = write(
        dir.path(),
        "kq.jsonl",
        r#"{"file":"bai.txt","score":50.0,"grade":"fair","grade_label":"Trung bình"}"#.as_bytes(),
    );

    for name in ["kq.jsonl", "kq.csv", "bao-cao.xlsx", "bao-cao.html"] {
        let out = thuhoach!("grade", &good, "--out", unwritable(dir.path(), name));
        let line = assert_stopped(&out, &format!("grade --out {name}"));
        assert!(line.contains("khong-co-thu-muc"), "names the file: {line}");
    }
    for name in ["bao-cao.docx", "bao-cao.xlsx", "bao-cao.csv"] {
        let out = thuhoach!("report", &results, "--out", unwritable(dir.path(), name));
        let line = assert_stopped(&out, &format!("report --out {name}"));
        assert!(line.contains("khong-co-thu-muc"), "names the file: {line}");
    }
    let out = thuhoach!(
        "explain",
        &good,
        "--out",
        unwritable(dir.path(), "phieu.docx")
    );
    assert_stopped(&out, "explain --out");
    let out = thuhoach!(
        "rubric",
        "export",
        "--out",
        unwritable(dir.path(), "barem.toml")
    );
    assert_stopped(&out, "rubric export --out");
}

#[test]
fn a_bad_results_file_is_two_for_report_and_for_skip_done_alike() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = essay(dir.path());
    let results = write(
        dir.path(),
        "kq.jsonl",
        "\u{FEFF}{\"file\":\"a.txt\",\"grade\":\"fair\"}\nkhông phải JSON\n".as_bytes(),
    );
    let out = thuhoach!("report", &results, "--out", dir.path().join("bao-cao.csv"));
    let from_report = assert_stopped(&out, "report");
    let out = thuhoach!("grade", &good, "--out", &results, "--skip-done", &results);
    let from_skip = assert_stopped(&out, "--skip-done");
    for line in [&from_report, &from_skip] {
        assert!(line.contains("dòng 2"), "names the line: {line}");
        assert_eq!(line.matches("kq.jsonl").count(), 1, "{line}");
    }
}

#[test]
fn skip_done_reads_what_report_reads() {
    // A BOM and a row without list fields: `report` accepts them, so `--skip-done` does too.
    let dir = tempfile::tempdir().expect("tempdir");
    let good = essay(dir.path());
    let results = dir.path().join("kq.jsonl");
    let first = thuhoach!("grade", &good, "--out", &results, "--skip-done", &results);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let row: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&results).expect("results").trim())
            .expect("row");
    let mut lean = serde_json::Map::new();
    for key in ["file", "sha256", "rubric", "grade", "score"] {
        lean.insert(key.into(), row[key].clone());
    }
    let text = format!("\u{FEFF}{}\n", serde_json::Value::Object(lean));
    std::fs::write(&results, text).expect("rewrite");
    let again = thuhoach!("grade", &good, "--out", &results, "--skip-done", &results);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("bỏ qua 1 tệp"),
        "{}",
        stderr(&again)
    );
    let report = thuhoach!("report", &results, "--out", dir.path().join("bc.csv"));
    assert_eq!(report.status.code(), Some(0), "{}", stderr(&report));
}

#[test]
fn help_lists_the_exit_codes() {
    let out = thuhoach!("--help");
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    for code in ["0 mọi tệp", "1 lệnh chạy xong", "2 lệnh dừng"] {
        assert!(help.contains(code), "{code} in {help}");
    }
}
