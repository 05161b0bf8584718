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

/// A short essay with the given header lines.
fn essay(header: &str) -> String {
    format!(
        "{header}\n\nBÀI THU HOẠCH\nHọc tập, quán triệt Nghị quyết Đại hội XIII của Đảng\n\n\
         Qua học tập Nghị quyết, tôi nhận thức rõ ba đột phá chiến lược và sáu nhiệm vụ trọng \
         tâm. Bản thân tôi sẽ liên hệ với nhiệm vụ của đơn vị, tích cực học tập và làm theo.\n"
    )
}

/// Essays and a roster typed as a chi bộ secretary types them: no diacritics, upper case,
/// Hoà/Hòa, trailing spaces, abbreviated and long cell names, a member without an essay, an
/// essay without "Họ và tên", an essay in a cell folder, a name in two cells, an essay from
/// someone not on the roster whose address is not a cell.
fn secretary_batch() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let essays = dir.path().join("bai");
    let police = essays.join("Chi bộ Công an");
    std::fs::create_dir_all(&police).expect("mkdir");
    let files: [(&Path, &str, &str); 8] = [
        (
            &essays,
            "huyen.txt",
            "Họ và tên: Lê Thị Thanh Huyền\nChi bộ: Trường Trung học cơ sở Yên Thạch",
        ),
        (
            &essays,
            "hoa.txt",
            "Họ và tên: Nguyễn Văn Hòa\nChi bộ: Chi bộ Trường THCS Yên Thạch",
        ),
        (
            &essays,
            "duc.txt",
            "Họ và tên: Phạm Minh Đức\nChi bộ: Chi bộ Bệnh viện huyện Xuân Hải",
        ),
        (
            &essays,
            "lan.txt",
            "Họ và tên: Đỗ Thị Lan\nChi bộ: Trường THCS Yên Thạch",
        ),
        (&police, "Lâm Văn Phước.txt", "Kính gửi: Chi ủy"),
        (&police, "an.txt", "Họ và tên: Nguyễn Văn An"),
        (
            &essays,
            "khach.txt",
            "Họ và tên: Vũ Văn Khách\nĐơn vị: Xóm 5, xã Nghi Phong",
        ),
        (&essays, "binh.txt", "Họ và tên: Bùi Văn Bình"),
    ];
    for (folder, name, header) in files {
        std::fs::write(folder.join(name), essay(header)).expect("write essay");
    }
    let roster = dir.path().join("danh-sach.csv");
    std::fs::write(
        &roster,
        "DANH SÁCH ĐẢNG VIÊN HỌC TẬP NGHỊ QUYẾT\n\
         STT,Họ và tên,Năm sinh,Chi bộ,Ghi chú\n\
         1,LE THI THANH HUYEN ,1985,Chi bộ Trường THCS Yên Thạch,\n\
         2,Nguyễn Văn Hoà,1979,Chi bộ Trường THCS Yên Thạch,\n\
         3,Trần Thị Mai,1990,Chi bộ Trường THCS Yên Thạch,nghỉ phép\n\
         4,Nguyễn Văn An,1988,Chi bộ Trường THCS Yên Thạch,\n\
         5,Bùi Văn Bình,1970,Chi bộ Trường THCS Yên Thạch,\n\
         6,PHẠM MINH ĐỨC,1980,\"Khối Nội, Bệnh viện Đa khoa huyện Xuân Hải\",\n\
         7,Đỗ Thị Lan  ,1992,\"Khối Nội, Bệnh viện Đa khoa huyện Xuân Hải\",\n\
         8,Lâm Văn Phước,1975,Chi bộ Công an,\n\
         9,Nguyễn Văn An,1983,Chi bộ Công an,\n\
         10,Hoàng Thị Thu,1991,Chi bộ Công an,\n\
         11,Bùi Văn Bình,1986,Chi bộ Công an,\n",
    )
    .expect("write roster");
    (dir, essays, roster)
}

#[test]
fn a_roster_typed_by_a_secretary_gives_exact_participation_and_cells() {
    use thuhoach::report::{read_results, Roster, Summary, UNKNOWN_UNIT};
    let (dir, essays, roster_path) = secretary_batch();
    let results = dir.path().join("ket-qua.jsonl");
    let out = thuhoach!("grade", &essays, "--out", &results, "--dupes", "off");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows = read_results(&results).unwrap();
    let roster = Roster::from_path(&roster_path).unwrap();
    assert_eq!(roster.members.len(), 11);
    let rubric = thuhoach::CompiledRubric::builtin().unwrap();
    let s = Summary::build(&rows, Some(&roster), &rubric.spec().levels);

    let cells: Vec<(&str, Option<usize>, Option<usize>, usize)> = s
        .units
        .iter()
        .map(|u| (u.name.as_str(), u.members, u.members_submitted, u.essays))
        .collect();
    assert_eq!(
        cells,
        vec![
            ("Chi bộ Trường THCS Yên Thạch", Some(5), Some(2), 2),
            (
                "Khối Nội, Bệnh viện Đa khoa huyện Xuân Hải",
                Some(2),
                Some(2),
                2
            ),
            ("Chi bộ Công an", Some(4), Some(2), 2),
            (UNKNOWN_UNIT, Some(0), Some(0), 2),
        ],
        "no cell made up from an essay's address"
    );
    assert_eq!(s.total.members, Some(11));
    assert_eq!(s.total.members_submitted, Some(6));
    assert_eq!(s.total.participation, Some(54.5));
    assert_eq!(s.units[1].participation, Some(100.0));
    let missing: Vec<&str> = s.missing.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        missing,
        [
            "Trần Thị Mai",
            "Nguyễn Văn An",
            "Bùi Văn Bình",
            "Hoàng Thị Thu",
            "Bùi Văn Bình"
        ]
    );

    let by_file = |name: &str| {
        rows.iter()
            .position(|r| r.file.ends_with(name))
            .unwrap_or_else(|| panic!("{name}"))
    };
    let member_row = |name: &str| {
        s.placements[by_file(name)]
            .member
            .map(|m| roster.members[m].row)
    };
    // Rows of the CSV: title 1, header 2, members from 3.
    assert_eq!(member_row("huyen.txt"), Some(3));
    assert_eq!(member_row("hoa.txt"), Some(4));
    assert_eq!(member_row("duc.txt"), Some(8));
    assert_eq!(
        member_row("lan.txt"),
        Some(9),
        "unique name, other cell wording"
    );
    assert_eq!(
        member_row("Lâm Văn Phước.txt"),
        Some(10),
        "name from the file"
    );
    assert_eq!(
        member_row("an.txt"),
        Some(11),
        "the cell folder settles the name"
    );
    assert_eq!(member_row("khach.txt"), None);
    assert_eq!(member_row("binh.txt"), None);

    let note = |name: &str| s.placements[by_file(name)].note.clone().unwrap_or_default();
    assert!(
        note("lan.txt").contains("khác danh sách"),
        "{}",
        note("lan.txt")
    );
    assert!(note("Lâm Văn Phước.txt").contains("tên tệp"));
    assert_eq!(
        note("duc.txt"),
        "",
        "long and short wordings of one cell agree"
    );
    let why = s
        .review_of(by_file("binh.txt"))
        .unwrap()
        .reasons
        .join(" | ");
    assert!(
        why.contains("Trùng tên với 2 đảng viên")
            && why.contains("Chi bộ Trường THCS Yên Thạch, dòng 7")
            && why.contains("Chi bộ Công an, dòng 13"),
        "candidates listed: {why}"
    );
    let matching = s.matching_vi().unwrap();
    assert!(matching.contains("6/8 bài khớp"), "{matching}");

    // The terminal and the report say it too.
    let report = dir.path().join("bao-cao.html");
    let out = thuhoach!(
        "report",
        &results,
        "--roster",
        &roster_path,
        "--out",
        &report
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("6/8 bài khớp"), "{}", stderr(&out));
    let page = std::fs::read_to_string(&report).unwrap();
    assert!(page.contains("6/8 bài khớp"));
    assert!(!page.contains("Xóm 5"), "address is not a cell");
}

/// The line of figures under a heading of `calibrate`'s output.
fn figures_after(output: &str, heading: &str) -> String {
    let mut lines = output.lines().skip_while(|l| !l.starts_with(heading));
    lines
        .next()
        .unwrap_or_else(|| panic!("no {heading} in {output}"));
    lines.next().expect("figures line").to_string()
}

#[test]
fn calibrate_writes_a_rubric_that_checks_and_reproduces_its_figures() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("dev.jsonl");
    let out = thuhoach!("grade", dev_dir(), "--out", &results);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let labels = dev_dir().join("labels.csv");
    let tuned = dir.path().join("tuned.toml");
    let out = thuhoach!("calibrate", &results, "--labels", &labels, "--out", &tuned);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let first = stdout(&out);
    assert!(first.contains("kiểm định chéo 5 phần"), "{first}");
    assert!(first.contains("QWK"));
    let written = figures_after(&first, "Barem ghi ra");

    let check = thuhoach!("rubric", "check", &tuned);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let text = std::fs::read_to_string(&tuned).unwrap();
    assert!(text.contains("-hc1\""), "version bumped");
    assert!(text.contains("# Ngưỡng min_score dưới đây do `thuhoach calibrate`"));
    assert!(text.contains("dev/labels.csv"));

    // Grading again with the tuned rubric gives the figures printed for it.
    let again = dir.path().join("dev-tuned.jsonl");
    let out = thuhoach!("grade", dev_dir(), "--rubric", &tuned, "--out", &again);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = thuhoach!("calibrate", &again, "--labels", &labels, "--rubric", &tuned);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(figures_after(&stdout(&out), "TRƯỚC"), written);
}

#[test]
fn rubric_export_writes_the_built_in_rubric() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("barem.toml");
    let out = thuhoach!("rubric", "export", "--out", &out_file);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&out_file).unwrap(),
        thuhoach::rubric::DEFAULT_RUBRIC_TOML
    );
    assert!(thuhoach!("rubric", "check", &out_file).status.success());
}

/// A part of a .docx (or .xlsx) file as text.
fn zip_part(path: &Path, part: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).expect("zip");
    let mut s = String::new();
    zip.by_name(part)
        .expect("part")
        .read_to_string(&mut s)
        .unwrap();
    s
}

#[test]
fn the_report_carries_the_committee_fields_and_keeps_hashes_out_of_the_body() {
    let g = graded();
    let config = g.dir.path().join("to-danh-gia.toml");
    std::fs::write(
        &config,
        "[committee]\nname = \"TỔ ĐÁNH GIÁ BÀI THU HOẠCH\"\nparent = \"ĐẢNG BỘ XÃ YÊN THẠCH\"\n\
         place = \"Yên Thạch\"\ndate = \"05/06/2026\"\nnumber = \"Số 12-BC/TĐG\"\n\
         signer_title = \"TỔ TRƯỞNG\"\nsigner_name = \"Nguyễn Thị Lan\"\n",
    )
    .unwrap();
    let docx = g.dir.path().join("bc.docx");
    let out = thuhoach!(
        "report",
        &g.results,
        "--config",
        &config,
        "--signer-name",
        "Trần Văn Bình",
        "--out",
        &docx
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let xml = zip_part(&docx, "word/document.xml");
    for wanted in [
        "ĐẢNG BỘ XÃ YÊN THẠCH",
        "Số 12-BC/TĐG",
        "Yên Thạch, ngày 05 tháng 6 năm 2026",
        "TỔ TRƯỞNG",
        "Trần Văn Bình",
    ] {
        assert!(xml.contains(wanted), "{wanted}");
    }
    assert!(
        !xml.contains("Nguyễn Thị Lan"),
        "the option overrides the file"
    );
    let appendix = xml.find("PHỤ LỤC").expect("appendix");
    let sha = rows(&g.results)[0]["rubric"]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let at = xml.find(&sha).expect("hash in the annex");
    assert!(at > appendix, "hash only in the annex");
    assert!(!xml[..appendix].contains("phần mềm thuhoach"));
    let footers: String = (1..=3)
        .filter_map(|i| {
            let name = format!("word/footer{i}.xml");
            zip::ZipArchive::new(std::fs::File::open(&docx).unwrap())
                .ok()?
                .by_name(&name)
                .ok()
                .map(|_| zip_part(&docx, &name))
        })
        .collect();
    assert!(footers.contains("PAGE"), "page numbers: {footers}");

    // A bad date is refused in Vietnamese.
    let out = thuhoach!(
        "report",
        &g.results,
        "--date",
        "31/02/2026x",
        "--out",
        &docx
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("không đúng dạng"), "{}", stderr(&out));

    // The people's CSV: BOM, `;`, decimal commas.
    let csv_file = g.dir.path().join("bc.csv");
    assert!(thuhoach!("report", &g.results, "--out", &csv_file)
        .status
        .success());
    let bytes = std::fs::read(&csv_file).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFSTT;Chi b"));
    assert!(String::from_utf8_lossy(&bytes).contains(";100,0;"));
}

#[test]
fn copies_name_the_other_author_and_one_members_files_count_once() {
    use std::time::{Duration, SystemTime};
    use thuhoach::report::{read_results, Roster, Summary};
    let dir = tempfile::tempdir().unwrap();
    let essays = dir.path().join("bai");
    std::fs::create_dir(&essays).unwrap();
    let huyen = dev_text("01_giao_vien_thcs_yen_thach.txt");
    let son = dev_text("15_cong_an_phuong_an_thanh_tay.txt");
    let copied = son.replace("Họ và tên: Phan Thanh Sơn", "Họ và tên: Đặng Văn Tùng");
    let base = SystemTime::UNIX_EPOCH + Duration::from_secs(1_780_000_000);
    for (name, text, day) in [
        ("huyen.txt", &huyen, 0),
        ("huyen-ban-2.txt", &huyen, 1),
        ("son.txt", &son, 0),
        ("tung.txt", &copied, 2),
    ] {
        let path = essays.join(name);
        std::fs::write(&path, text).unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(base + Duration::from_secs(86_400 * day))
            .unwrap();
    }
    let roster_path = dir.path().join("ds.csv");
    std::fs::write(
        &roster_path,
        "STT,Họ và tên,Chi bộ\n1,Lê Thị Thanh Huyền,A\n2,Phan Thanh Sơn,A\n3,Đặng Văn Tùng,A\n",
    )
    .unwrap();
    let results = dir.path().join("kq.jsonl");
    let out = thuhoach!("grade", &essays, "--dupes", "on", "--out", &results);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows = read_results(&results).unwrap();
    let roster = Roster::from_path(&roster_path).unwrap();
    let rubric = thuhoach::CompiledRubric::builtin().unwrap();
    let s = Summary::build(&rows, Some(&roster), &rubric.spec().levels);

    assert_eq!(rows.len(), 4);
    assert_eq!(s.total.essays, 3, "one member's two files are one essay");
    assert_eq!(s.total.members_submitted, Some(3));
    let at = |name: &str| rows.iter().position(|r| r.file.ends_with(name)).unwrap();
    let why = |name: &str| {
        s.review_of(at(name))
            .map(|r| r.reasons.join(" | "))
            .unwrap_or_default()
    };
    let (one, two) = (why("huyen.txt"), why("huyen-ban-2.txt"));
    assert!(
        !one.contains("Gần trùng") && !two.contains("Gần trùng"),
        "{one} / {two}"
    );
    assert_eq!(
        [&one, &two]
            .iter()
            .filter(|w| w.contains("chỉ tính một lần"))
            .count(),
        1,
        "{one} / {two}"
    );
    let tung = why("tung.txt");
    assert!(
        tung.contains("Gần trùng với bài của Phan Thanh Sơn (son.txt), giống nhau")
            && tung.contains("bài này có thể là bản chép"),
        "{tung}"
    );
    let son = why("son.txt");
    assert!(
        son.contains("bài của Đặng Văn Tùng") && son.contains("có thể là bản gốc"),
        "{son}"
    );
}

#[test]
fn explain_out_writes_a_one_page_feedback_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("phieu.docx");
    // A weak essay: the longest list of missing themes and advice.
    let essay = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/demo/06_chua_dat_qua_ngan.txt");
    let out = thuhoach!("explain", &essay, "--out", &sheet);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).is_empty(),
        "written to the file, not the terminal"
    );
    let xml = zip_part(&sheet, "word/document.xml");
    let explained = stdout(&thuhoach!("explain", &essay));
    let author = explained
        .lines()
        .find_map(|l| l.strip_prefix("Người viết: "))
        .expect("author line");
    assert!(xml.contains("PHIẾU NHẬN XÉT BÀI THU HOẠCH"));
    assert!(xml.contains(author), "{author}");
    assert!(xml.contains("XẾP LOẠI"));
    assert!(
        !xml.contains(">«"),
        "no evidence quotes (lines starting with «) on the sheet"
    );
    let paragraphs = xml.matches("<w:p>").count() + xml.matches("<w:p ").count();
    assert!(
        paragraphs <= 60,
        "{paragraphs} paragraphs: more than a page"
    );
}
