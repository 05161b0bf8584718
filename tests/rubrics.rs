//! Shipped rubrics (Đại hội XIII, XIV, NQ 04-NQ/TW), choosing them by id, telling the committee
//! when a batch was graded with the wrong one, and `rubric draft`: all through the real binary
//! on fixture essays written for these rubrics (tests/fixtures/xiv, tests/fixtures/nq04).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn fixtures(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// `grade --format jsonl` rows: file name → (grade, flags).
fn graded(dir: &Path, rubric: &str) -> (BTreeMap<String, (String, Vec<String>)>, String) {
    let out = thuhoach!("grade", dir, "--rubric", rubric, "--format", "jsonl", "--dupes", "off");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows = stdout(&out)
        .lines()
        .map(|l| {
            let row: serde_json::Value = serde_json::from_str(l).expect("json row");
            let flags = row["flags"]
                .as_array()
                .expect("flags")
                .iter()
                .filter_map(|f| f.as_str().map(str::to_string))
                .collect();
            (
                file_name(row["file"].as_str().expect("file")),
                (row["grade"].as_str().expect("grade").to_string(), flags),
            )
        })
        .collect();
    (rows, stderr(&out))
}

/// (exact, within one level) agreement with the labels, out of the number of essays.
fn agreement(dir: &Path, rows: &BTreeMap<String, (String, Vec<String>)>) -> (usize, usize, usize) {
    let labels = labels_in(dir);
    let mut exact = 0;
    let mut adjacent = 0;
    for (file, human) in &labels {
        let (engine, _) = rows
            .get(file)
            .unwrap_or_else(|| panic!("no row for {file}"));
        let d = (level(engine) - level(human)).abs();
        exact += usize::from(d == 0);
        adjacent += usize::from(d <= 1);
    }
    (exact, adjacent, labels.len())
}

#[test]
fn rubric_list_shows_the_shipped_rubrics_and_each_passes_rubric_check() {
    let out = thuhoach!("rubric", "list");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list = stdout(&out);
    for id in ["dai-hoi-xiii", "dai-hoi-xiv", "nq04-tw4-xii"] {
        assert!(list.contains(id), "{list}");
        let by_id = thuhoach!("rubric", "check", id);
        assert_eq!(by_id.status.code(), Some(0), "{id}: {}", stderr(&by_id));
        let by_path = thuhoach!("rubric", "check", root().join(format!("rubrics/{id}.toml")));
        assert_eq!(by_path.status.code(), Some(0), "{id}: {}", stderr(&by_path));
        let summary = stdout(&by_path);
        for setting in ["Độ dài", "Chất lượng", "Lạc đề", "Văn bản tham chiếu"] {
            assert!(summary.contains(setting), "{id} summary lacks {setting}");
        }
    }
    assert!(list.contains("(mặc định)"));
}

#[test]
fn an_unknown_rubric_is_a_usage_error_listing_the_ids() {
    let out = thuhoach!("grade", fixtures("xiv"), "--rubric", "dai-hoi-xv");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("dai-hoi-xv"), "{err}");
    assert!(
        err.contains("dai-hoi-xiii, dai-hoi-xiv, nq04-tw4-xii"),
        "{err}"
    );
}

#[test]
fn grade_says_which_rubric_it_uses() {
    let out = thuhoach!("grade", fixtures("xiv/x01_tot_can_bo_xa.txt"));
    let err = stderr(&out);
    assert!(
        err.contains("Đại hội XIII") && err.contains("mặc định"),
        "{err}"
    );
    let out = thuhoach!(
        "grade",
        fixtures("xiv/x01_tot_can_bo_xa.txt"),
        "--rubric",
        "dai-hoi-xiv"
    );
    assert!(
        stderr(&out).contains("(dai-hoi-xiv, barem có sẵn)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn xiv_essays_under_the_xiii_rubric_are_off_topic_and_the_cli_names_the_xiv_rubric() {
    let (rows, err) = graded(&fixtures("xiv"), "dai-hoi-xiii");
    let off = rows
        .values()
        .filter(|(_, f)| f.iter().any(|x| x == "off_topic"))
        .count();
    assert!(
        off * 2 > rows.len(),
        "{off}/{} off topic: {rows:?}",
        rows.len()
    );
    assert!(err.contains("--rubric dai-hoi-xiv"), "{err}");
    // The XIV rubric on the same essays gives no such advice.
    let (_, err) = graded(&fixtures("xiv"), "dai-hoi-xiv");
    assert!(!err.contains("chọn nhầm barem"), "{err}");
}

#[test]
fn xiii_essays_under_the_xiv_rubric_are_off_topic_and_the_cli_names_the_xiii_rubric() {
    let (rows, err) = graded(&dev_dir(), "dai-hoi-xiv");
    let off = rows
        .values()
        .filter(|(_, f)| f.iter().any(|x| x == "off_topic"))
        .count();
    assert!(off * 2 > rows.len(), "{off}/{} off topic", rows.len());
    assert!(err.contains("--rubric dai-hoi-xiii"), "{err}");
}

#[test]
fn nq04_essays_under_the_xiii_rubric_name_the_nq04_rubric() {
    let (_, err) = graded(&fixtures("nq04"), "dai-hoi-xiii");
    assert!(err.contains("--rubric nq04-tw4-xii"), "{err}");
}

#[test]
fn the_wrong_document_fixture_is_off_topic_under_each_new_rubric() {
    let (xiv, _) = graded(&fixtures("xiv"), "dai-hoi-xiv");
    let (_, flags) = &xiv["x08_chuadat_chep_bai_dai_hoi_xiii.txt"];
    assert!(flags.iter().any(|f| f == "off_topic"), "{flags:?}");
    let (nq04, _) = graded(&fixtures("nq04"), "nq04-tw4-xii");
    let (_, flags) = &nq04["n08_chuadat_viet_dai_hoi_xiv.txt"];
    assert!(flags.iter().any(|f| f == "off_topic"), "{flags:?}");
}

#[test]
fn new_rubrics_agree_with_the_fixture_labels() {
    // Measured: 6/9 exact, 9/9 within one level for each rubric (rubrics/README.md).
    for (dir, id) in [("xiv", "dai-hoi-xiv"), ("nq04", "nq04-tw4-xii")] {
        let (rows, _) = graded(&fixtures(dir), id);
        let (exact, adjacent, n) = agreement(&fixtures(dir), &rows);
        assert!(exact * 2 > n, "{id}: exact {exact}/{n}: {rows:?}");
        assert_eq!(
            adjacent, n,
            "{id}: within one level {adjacent}/{n}: {rows:?}"
        );
    }
}

#[test]
fn a_drafted_rubric_passes_check_and_grades_within_one_level_of_the_hand_written_one() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for (source, dir, id) in [
        ("rubrics/references/dai-hoi-xiv.txt", "xiv", "dai-hoi-xiv"),
        (
            "tests/fixtures/resolutions/nq04-tw4-xii.txt",
            "nq04",
            "nq04-tw4-xii",
        ),
    ] {
        let draft = tmp.path().join(format!("{dir}-nhap.toml"));
        let out = thuhoach!(
            "rubric",
            "draft",
            "--from",
            root().join(source),
            "--id",
            format!("{dir}-nhap"),
            "--out",
            &draft
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let check = thuhoach!("rubric", "check", &draft);
        assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
        let text = std::fs::read_to_string(&draft).expect("draft");
        assert!(text.contains("own_subjects"), "{text}");
        let (by_draft, _) = graded(&fixtures(dir), &draft.display().to_string());
        let (by_hand, _) = graded(&fixtures(dir), id);
        let close = by_hand
            .iter()
            .filter(|(f, (g, _))| (level(g) - level(&by_draft[*f].0)).abs() <= 1)
            .count();
        assert!(
            close * 5 >= by_hand.len() * 4,
            "{id}: {close}/{} within one level\nhand: {by_hand:?}\ndraft: {by_draft:?}",
            by_hand.len()
        );
    }
}
