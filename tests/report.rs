//! The committee report: roster matching, participation, the grade distribution by party cell
//! and its percentages, and the .xlsx / .docx / .html / .csv outputs read back.
//!
//! Rows are built here (not graded), against the rubric in tests/fixtures/report, so these
//! tests do not move when the grading engine's scores or the shipped rubric change.

use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};
use thuhoach::report::{
    read_results, write_report, write_report_with, ReportDate, ReportError, ReportOptions, Roster,
    Summary, UNKNOWN_UNIT,
};
use thuhoach::{Assessment, CompiledRubric, Flag};
use unicode_normalization::UnicodeNormalization;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/report")
        .join(name)
}

fn rubric() -> CompiledRubric {
    CompiledRubric::from_file(&fixture("rubric.toml")).expect("test rubric")
}

/// A graded row; scores sit far from the 80/60/40 thresholds unless a test wants otherwise.
fn graded(
    r: &CompiledRubric,
    file: &str,
    author: Option<&str>,
    unit: Option<&str>,
    grade: &str,
) -> Assessment {
    let score = match grade {
        "good" => 90.0,
        "fair" => 70.0,
        "average" => 50.0,
        _ => 20.0,
    };
    let mut a = Assessment::failed(file.to_string(), String::new(), r);
    a.error = None;
    a.author = author.map(str::to_string);
    a.unit = unit.map(str::to_string);
    a.words = Some(900);
    a.score = Some(score);
    a.grade = Some(grade.to_string());
    a.grade_label = r
        .spec()
        .levels
        .iter()
        .find(|l| l.id == grade)
        .map(|l| l.label.clone());
    a.uncapped_grade = a.grade.clone();
    a
}

fn failed(r: &CompiledRubric, file: &str, error: &str) -> Assessment {
    Assessment::failed(file.to_string(), error.to_string(), r)
}

const DATE: ReportDate = ReportDate {
    year: 2026,
    month: 6,
    day: 5,
};

fn options() -> ReportOptions {
    ReportOptions {
        date: Some(DATE),
        ..ReportOptions::default()
    }
}

/// A sheet as rows of cells.
fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook(path).expect("open xlsx");
    let range = book.worksheet_range(name).expect("sheet");
    range.rows().map(|r| r.to_vec()).collect()
}

fn sheet_names(path: &Path) -> Vec<String> {
    let book: Xlsx<_> = open_workbook(path).expect("open xlsx");
    book.sheet_names()
}

fn col(header: &[Data], name: &str) -> usize {
    header
        .iter()
        .position(|c| matches!(c, Data::String(s) if s == name))
        .unwrap_or_else(|| panic!("no column {name:?} in {header:?}"))
}

fn num(d: &Data) -> f64 {
    match d {
        Data::Float(x) => *x,
        Data::Int(i) => *i as f64,
        other => panic!("not a number cell: {other:?}"),
    }
}

fn unzip_text(path: &Path, part: &str) -> String {
    let file = std::fs::File::open(path).expect("open docx");
    let mut zip = zip::ZipArchive::new(file).expect("docx is a zip");
    let mut entry = zip.by_name(part).expect("part present");
    let mut s = String::new();
    entry.read_to_string(&mut s).expect("utf-8 xml");
    s
}

/// 427 good, 1,016 fair, 348 average of 1,791: the seed district.
fn district(r: &CompiledRubric) -> Vec<Assessment> {
    let mut rows = Vec::new();
    for (grade, n) in [("good", 427), ("fair", 1016), ("average", 348)] {
        for i in 0..n {
            rows.push(graded(
                r,
                &format!("bai/{grade}-{i:04}.docx"),
                Some(&format!("Đảng viên {grade} {i}")),
                Some("Đảng bộ huyện mẫu"),
                grade,
            ));
        }
    }
    rows
}

#[test]
fn seed_district_427_1016_348_reads_back_from_xlsx_summing_to_100() {
    let r = rubric();
    let rows = district(&r);
    assert_eq!(rows.len(), 1791);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bao-cao.xlsx");
    write_report_with(&rows, None, &r, &out, &options()).unwrap();

    let s = sheet(&out, "Tổng hợp");
    let h = &s[0];
    let total = s
        .iter()
        .find(|row| matches!(&row[col(h, "Chi bộ")], Data::String(s) if s == "Tổng cộng"))
        .expect("totals row");
    let count = |label: &str| num(&total[col(h, label)]);
    let pct = |label: &str| num(&total[col(h, &format!("{label} (%)"))]);
    assert_eq!(
        (
            count("Tốt"),
            count("Khá"),
            count("Trung bình"),
            count("Chưa đạt")
        ),
        (427.0, 1016.0, 348.0, 0.0)
    );
    assert_eq!(num(&total[col(h, "Số bài đã chấm")]), 1791.0);
    // Largest remainder: 238.41 / 567.28 / 194.30 tenths → 239 / 567 / 194. Rounding each
    // alone gives 23.8 + 56.7 + 19.4 = 99.9, the kind of total the district printed.
    assert_eq!(
        (pct("Tốt"), pct("Khá"), pct("Trung bình"), pct("Chưa đạt")),
        (23.9, 56.7, 19.4, 0.0)
    );
    let sum: f64 = ["Tốt", "Khá", "Trung bình", "Chưa đạt"]
        .iter()
        .map(|l| pct(l))
        .sum();
    assert!((sum - 100.0).abs() < 1e-9, "sum {sum}");
    let naive: f64 = [427.0, 1016.0, 348.0]
        .iter()
        .map(|c: &f64| (c / 1791.0 * 1000.0).round() / 10.0)
        .sum();
    assert!((naive - 99.9).abs() < 1e-9, "naive rounding gives {naive}");
}

/// Counts per cell from a small deterministic generator, with unreadable files mixed in.
fn many_cells(r: &CompiledRubric) -> Vec<Assessment> {
    let mut seed: u64 = 0x2021_0201;
    let mut next = |m: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % m
    };
    let grades = ["good", "fair", "average", "poor"];
    let mut rows = Vec::new();
    for cell in 0..12 {
        let unit = format!("Chi bộ số {}", cell + 1);
        let n = 1 + next(40);
        for i in 0..n {
            let file = format!("cb{cell:02}/bai-{i:03}.docx");
            if next(15) == 0 {
                let mut row = failed(r, &file, "tệp .docx bị hỏng, không đọc được");
                // Error rows still say where they came from when the header was readable.
                row.unit = Some(unit.clone());
                rows.push(row);
            } else {
                let g = grades[next(4) as usize];
                rows.push(graded(
                    r,
                    &file,
                    Some(&format!("Người viết {cell}-{i}")),
                    Some(&unit),
                    g,
                ));
            }
        }
    }
    rows
}

#[test]
fn every_summary_row_of_the_xlsx_adds_up() {
    let r = rubric();
    let rows = many_cells(&r);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tong-hop.xlsx");
    write_report(&rows, None, &r, &out).unwrap();

    assert_eq!(
        sheet_names(&out),
        vec!["Tổng hợp", "Chi tiết", "Cần xem xét"],
        "no roster, no “Chưa nộp bài” sheet"
    );
    let s = sheet(&out, "Tổng hợp");
    let h = &s[0];
    let labels = ["Tốt", "Khá", "Trung bình", "Chưa đạt"];
    let (essays, graded_c, errors) = (
        col(h, "Số bài nộp"),
        col(h, "Số bài đã chấm"),
        col(h, "Không chấm được"),
    );
    let mut sums = vec![0.0; 3 + labels.len()];
    let mut unit_rows = 0;
    let mut total = None;
    for row in &s[1..] {
        let name = row[col(h, "Chi bộ")].to_string();
        if name.is_empty() {
            break; // the notes under the table
        }
        let counts: Vec<f64> = labels.iter().map(|l| num(&row[col(h, l)])).collect();
        let pcts: Vec<f64> = labels
            .iter()
            .map(|l| num(&row[col(h, &format!("{l} (%)"))]))
            .collect();
        let g = num(&row[graded_c]);
        assert_eq!(
            counts.iter().sum::<f64>(),
            g,
            "{name}: levels add up to graded"
        );
        assert_eq!(g + num(&row[errors]), num(&row[essays]), "{name}");
        if g > 0.0 {
            let sum: f64 = pcts.iter().sum();
            assert!(
                (sum - 100.0).abs() < 1e-9,
                "{name}: percentages sum to {sum}"
            );
            for (c, p) in counts.iter().zip(&pcts) {
                let exact = c / g * 100.0;
                assert!((exact - p).abs() < 0.1 + 1e-9, "{name}: {p} for {exact}");
                assert!(
                    (p * 10.0 - (p * 10.0).round()).abs() < 1e-9,
                    "one decimal: {p}"
                );
            }
        }
        if name == "Tổng cộng" {
            total = Some(row.clone());
            break;
        }
        unit_rows += 1;
        sums[0] += num(&row[essays]);
        sums[1] += g;
        sums[2] += num(&row[errors]);
        for (i, c) in counts.iter().enumerate() {
            sums[3 + i] += c;
        }
    }
    assert_eq!(unit_rows, 12);
    let total = total.expect("totals row");
    assert_eq!(num(&total[essays]), rows.len() as f64);
    assert_eq!(
        vec![
            num(&total[essays]),
            num(&total[graded_c]),
            num(&total[errors])
        ],
        sums[..3].to_vec()
    );
    for (i, l) in labels.iter().enumerate() {
        assert_eq!(num(&total[col(h, l)]), sums[3 + i], "total of {l}");
    }
    let bad = rows.iter().filter(|r| r.error.is_some()).count();
    assert!(bad > 0, "the generator mixes in unreadable files");
    assert_eq!(num(&total[errors]), bad as f64);

    // Every essay has a detail row, scores are numbers, error text is kept.
    let d = sheet(&out, "Chi tiết");
    assert_eq!(d.len(), rows.len() + 1);
    let dh = &d[0];
    for (row, a) in d[1..].iter().zip(&rows) {
        assert_eq!(row[col(dh, "Tệp")].to_string(), a.file);
        match &a.error {
            Some(e) => {
                assert_eq!(row[col(dh, "Lỗi")].to_string(), *e);
                assert_eq!(row[col(dh, "Điểm")], Data::Empty);
            }
            None => assert_eq!(num(&row[col(dh, "Điểm")]), a.score.unwrap()),
        }
    }
    // Every unreadable file is on the review list.
    let rv = sheet(&out, "Cần xem xét");
    let reasons = col(&rv[0], "Lý do cần xem xét");
    let errors_listed = rv[1..]
        .iter()
        .filter(|row| row[reasons].to_string().contains("Không chấm được"))
        .count();
    assert_eq!(errors_listed, bad);
}

#[test]
fn roster_matches_names_typed_differently_and_lists_who_submitted_nothing() {
    let r = rubric();
    let roster = Roster::from_path(&fixture("roster.csv")).unwrap();
    assert_eq!(
        roster.members.len(),
        9,
        "title lines and the totals line skipped"
    );
    let nfd = |s: &str| s.nfd().collect::<String>();
    let rows = vec![
        // Old tone placement, capitals, doubled spaces; the unit as the essay's header says it.
        graded(
            &r,
            "essays/01.docx",
            Some("NGUYỄN  THỊ   HOÀ"),
            Some("Trường THCS Yên Thạch, xã Yên Thạch, huyện Đức Phong"),
            "good",
        ),
        // NFD text, as some Mac and web tools save it.
        graded(
            &r,
            "essays/02.docx",
            Some(&nfd("Trần Văn Đức")),
            Some(&nfd("Chi bộ Trường THCS Yên Thạch")),
            "fair",
        ),
        // Typed without diacritics, no unit in the header.
        graded(&r, "essays/03.txt", Some("Le Van Thuy"), None, "average"),
        // Same name in two cells: the essay's cell decides.
        graded(
            &r,
            "essays/04.docx",
            Some("Nguyễn Văn An"),
            Some("Chi bộ Khu phố 5"),
            "fair",
        ),
        graded(
            &r,
            "essays/05.docx",
            Some("Hoàng Thị Thu Thuỷ"),
            Some("Khu phố 5"),
            "poor",
        ),
        // Not in the roster, but names a roster cell.
        graded(
            &r,
            "essays/06.docx",
            Some("Ngô Văn Lạ"),
            Some("Chi bộ Khu phố 5"),
            "good",
        ),
        failed(&r, "essays/07.docx", "không đọc được tệp"),
    ];
    let s = Summary::build(&rows, Some(&roster), &r.spec().levels);

    let member = |i: usize| s.placements[i].member.map(|m| roster.members[m].row);
    // Roster rows: header on line 4, members from line 5.
    assert_eq!(member(0), Some(5), "Hoà = Hòa, case and spaces ignored");
    assert_eq!(member(1), Some(6), "NFD = NFC");
    assert_eq!(member(2), Some(7), "no diacritics");
    assert_eq!(member(3), Some(10), "the Nguyễn Văn An of Khu phố 5");
    assert_eq!(member(4), Some(11), "Thuỷ = Thủy");
    assert_eq!(member(5), None);
    assert_eq!(member(6), None);
    assert_eq!(s.placements[0].name.as_deref(), Some("Nguyễn Thị Hòa"));

    let names: Vec<&str> = s.units.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "Chi bộ Trường THCS Yên Thạch",
            "Chi bộ Khu phố 5",
            "Chi bộ Công an xã",
            UNKNOWN_UNIT
        ]
    );
    let [school, street, police, unknown] = &s.units[..] else {
        panic!("four rows")
    };
    assert_eq!(
        (school.members, school.members_submitted),
        (Some(5), Some(3))
    );
    assert_eq!(school.participation, Some(60.0));
    assert_eq!(school.counts, vec![1, 1, 1, 0]);
    assert_eq!(school.percents, vec![33.4, 33.3, 33.3, 0.0]);
    assert_eq!(
        (street.members, street.members_submitted),
        (Some(3), Some(2))
    );
    assert_eq!(street.participation, Some(66.7));
    assert_eq!(
        street.essays, 3,
        "the essay outside the roster counts in its cell"
    );
    assert_eq!((police.members_submitted, police.essays), (Some(0), 0));
    assert_eq!(police.participation, Some(0.0));
    assert_eq!(police.percents, vec![0.0; 4]);
    assert_eq!((unknown.essays, unknown.errors), (1, 1));
    assert_eq!(s.total.members, Some(9));
    assert_eq!(s.total.members_submitted, Some(5));
    assert_eq!(s.total.participation, Some(55.6));
    assert_eq!((s.total.essays, s.total.graded, s.total.errors), (7, 6, 1));

    let missing: Vec<(&str, Option<&str>)> = s
        .missing
        .iter()
        .map(|m| (m.name.as_str(), m.unit.as_deref()))
        .collect();
    assert_eq!(
        missing,
        vec![
            ("Phạm Thị Lan", Some("Chi bộ Trường THCS Yên Thạch")),
            ("Nguyễn Văn An", Some("Chi bộ Trường THCS Yên Thạch")),
            ("Đặng Quốc Khánh", Some("Chi bộ Khu phố 5")),
            ("Vũ Minh Tuấn", Some("Chi bộ Công an xã")),
        ]
    );
    assert_eq!(s.unmatched, vec![5, 6]);
    let reasons = |i: usize| s.review_of(i).map(|r| r.reasons.join(" | "));
    assert!(reasons(5).unwrap().contains("Không có tên trong danh sách"));
    assert!(reasons(6).unwrap().contains("Không chấm được"));
    assert_eq!(reasons(0), None);

    // The workbook has the "Chưa nộp bài" sheet with those four.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bc.xlsx");
    write_report_with(&rows, Some(&roster), &r, &out, &options()).unwrap();
    assert_eq!(
        sheet_names(&out).last().map(String::as_str),
        Some("Chưa nộp bài")
    );
    let m = sheet(&out, "Chưa nộp bài");
    assert_eq!(m.len(), 5);
    assert_eq!(m[1][col(&m[0], "Họ và tên")].to_string(), "Phạm Thị Lan");
    assert_eq!(num(&m[1][col(&m[0], "STT trong danh sách")]), 4.0);
    let t = sheet(&out, "Tổng hợp");
    let h = &t[0];
    assert_eq!(num(&t[1][col(h, "Tỷ lệ tham gia (%)")]), 60.0);
    assert_eq!(num(&t[1][col(h, "Số đảng viên")]), 5.0);
}

#[test]
fn the_same_name_in_two_cells_without_a_unit_matches_nobody() {
    let r = rubric();
    let roster = Roster::from_path(&fixture("roster.csv")).unwrap();
    let rows = vec![graded(&r, "an.docx", Some("nguyễn văn an"), None, "good")];
    let s = Summary::build(&rows, Some(&roster), &r.spec().levels);
    assert_eq!(s.placements[0].member, None);
    let why = s.review_of(0).unwrap().reasons.join(" | ");
    assert!(why.contains("Trùng tên với 2 đảng viên"), "{why}");
    assert_eq!(s.missing.len(), 9, "nobody matched");
}

#[test]
fn a_roster_file_column_matches_by_path_and_xlsx_rosters_read() {
    let r = rubric();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("danh-sach.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    let data = [
        ["No", "Full name", "Party cell", "File"],
        ["1", "Bùi Thị Mai", "Chi bộ A", "chi-bo-a/mai.docx"],
        ["2", "Đỗ Văn Nam", "Chi bộ A", "nam"],
        ["3", "Lý Thị Hạnh", "Chi bộ B", "hanh.docx"],
    ];
    for (i, row) in data.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            match v.parse::<f64>() {
                Ok(n) => ws.write_number(i as u32, j as u16, n).map(|_| ()),
                Err(_) => ws.write_string(i as u32, j as u16, *v).map(|_| ()),
            }
            .unwrap();
        }
    }
    book.save(&path).unwrap();
    let roster = Roster::from_path(&path).unwrap();
    assert_eq!(
        roster.members[0].stt.as_deref(),
        Some("1"),
        "1.0 reads as 1"
    );
    let rows = vec![
        // The header names someone else: the file column wins.
        graded(
            &r,
            "/srv/bai/chi-bo-a/mai.docx",
            Some("Người khác"),
            None,
            "good",
        ),
        graded(&r, "bai\\chi-bo-a\\nam.txt", None, None, "fair"),
        graded(
            &r,
            "bai/chi-bo-b/other-hanh.docx",
            Some("Lý Thị Hạnh"),
            None,
            "fair",
        ),
    ];
    let s = Summary::build(&rows, Some(&roster), &r.spec().levels);
    let m: Vec<Option<usize>> = s.placements.iter().map(|p| p.member).collect();
    assert_eq!(m, vec![Some(0), Some(1), None], "by file only, not by name");
    assert_eq!(s.missing.len(), 1);
    assert_eq!(s.missing[0].name, "Lý Thị Hạnh");
}

#[test]
fn per_file_errors_are_counted_not_lost() {
    let r = rubric();
    let mut rows = vec![
        graded(&r, "a.docx", Some("A"), Some("Chi bộ 1"), "good"),
        graded(&r, "b.docx", Some("B"), Some("Chi bộ 1"), "fair"),
    ];
    let mut bad = failed(&r, "c.docx", "tệp không phải .docx hợp lệ");
    bad.unit = Some("Chi bộ 1".into());
    rows.push(bad);
    rows.push(failed(&r, "d.docx", "tệp rỗng"));
    let s = Summary::build(&rows, None, &r.spec().levels);
    assert_eq!(s.units[0].essays, 3);
    assert_eq!(s.units[0].errors, 1);
    assert_eq!(s.units[0].graded, 2);
    assert_eq!(s.units[0].percents, vec![50.0, 50.0, 0.0, 0.0]);
    assert_eq!(s.units[1].name, UNKNOWN_UNIT);
    assert_eq!((s.total.essays, s.total.errors), (4, 2));
    assert_eq!(s.review.len(), 2);

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("loi.csv");
    write_report(&rows, None, &r, &out).unwrap();
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut rd = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let h = rd.headers().unwrap().clone();
    let at = |name: &str| h.iter().position(|c| c == name).unwrap();
    let recs: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(recs.len(), 3);
    let total = &recs[2];
    assert_eq!(&total[at("Chi bộ")], "Tổng cộng");
    assert_eq!(&total[at("Không chấm được")], "2");
    assert_eq!(&total[at("Số bài nộp")], "4");
    assert_eq!(
        &total[at("Tốt (%)")],
        "50,0",
        "decimal comma for Excel in Vietnamese"
    );
}

#[test]
fn review_list_has_copies_duplicates_off_topic_stuffing_repeats_and_borderline() {
    let r = rubric();
    let mut rows = Vec::new();
    for (i, flag) in [
        Flag::CopiedReference,
        Flag::NearDuplicate,
        Flag::OffTopic,
        Flag::KeywordStuffing,
        Flag::RepeatedText,
        Flag::TooShort,
        Flag::NoDiacritics,
    ]
    .into_iter()
    .enumerate()
    {
        let mut a = graded(
            &r,
            &format!("f{i}.docx"),
            Some("X"),
            Some("Chi bộ 1"),
            "fair",
        );
        a.flags = vec![flag];
        rows.push(a);
    }
    let mut near = graded(&r, "near.docx", Some("Y"), Some("Chi bộ 1"), "fair");
    near.score = Some(78.5); // 1.5 below Tốt (80)
    rows.push(near);
    let mut capped = graded(&r, "capped.docx", Some("Z"), Some("Chi bộ 1"), "average");
    capped.score = Some(79.0);
    capped.caps = vec![thuhoach::grade::AppliedCap {
        rule: "missing_part:relation".into(),
        cap: "average".into(),
        reason: "Chưa có phần liên hệ bản thân".into(),
    }];
    rows.push(capped);
    let s = Summary::build(&rows, None, &r.spec().levels);
    let listed: Vec<&str> = s.review.iter().map(|i| rows[i.row].file.as_str()).collect();
    assert_eq!(
        listed,
        vec![
            "f0.docx",
            "f1.docx",
            "f2.docx",
            "f3.docx",
            "f4.docx",
            "near.docx"
        ],
        "too_short / no_diacritics alone and a capped grade are not borderline reviews"
    );
    let near = s.review.last().unwrap().reasons.join(" ");
    assert!(near.contains("78,5") && near.contains("Tốt"), "{near}");
    assert_eq!(s.units[0].review, 6);
}

#[test]
fn docx_report_opens_and_says_what_the_committee_needs() {
    let r = rubric();
    let mut rows = district(&r);
    let mut copied = graded(
        &r,
        "bai/sao-chep.docx",
        Some("Trịnh Văn Chép"),
        None,
        "poor",
    );
    copied.flags = vec![Flag::CopiedReference];
    copied.unit = Some("Đảng bộ huyện mẫu".into());
    rows.push(copied);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bao-cao.docx");
    write_report_with(&rows, None, &r, &out, &options()).unwrap();

    let xml = unzip_text(&out, "word/document.xml");
    // Well-formed all the way through.
    let mut reader = quick_xml::Reader::from_str(&xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("document.xml is not well-formed: {e}"),
        }
    }
    for needle in [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "BÁO CÁO",
        "KẾT QUẢ ĐÁNH GIÁ, PHÂN LOẠI BÀI THU HOẠCH",
        "ngày 05 tháng 6 năm 2026",
        "1.792",
        "427",
        "1.016",
        "Trịnh Văn Chép",
        "Sao chép từ văn bản tham chiếu",
        "test-report",
        &r.reference().sha256,
        "Times New Roman",
        "PHỤ LỤC",
        "w:orient=\"landscape\"",
    ] {
        assert!(xml.contains(needle), "document.xml lacks {needle:?}");
    }
    // 427 / 1,016 / 348 / 1 of 1,792 graded.
    let p = thuhoach::report::percentages(&[427, 1016, 348, 1]);
    assert!((p.iter().sum::<f64>() - 100.0).abs() < 1e-9);
    let first = format!("{:.1}", p[0]).replace('.', ",");
    assert!(
        xml.contains(&first),
        "percentage {first} printed the Vietnamese way"
    );
}

#[test]
fn html_report_is_one_self_contained_file_with_svg_bars() {
    let r = rubric();
    let roster = Roster::from_path(&fixture("roster.csv")).unwrap();
    let mut rows = many_cells(&r);
    rows.push(graded(
        &r,
        "x.docx",
        Some("Tên <b>lạ</b> & \"khó\""),
        Some("Chi bộ Khu phố 5"),
        "good",
    ));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bao-cao.html");
    write_report_with(&rows, Some(&roster), &r, &out, &options()).unwrap();
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    let bars = html.matches("<svg").count();
    let s = Summary::build(&rows, Some(&roster), &r.spec().levels);
    assert_eq!(
        bars,
        s.units.len() + 1,
        "one bar per cell and one for the total"
    );
    for bad in ["http", "<script", "src=", "url(", "@import", "<link"] {
        assert!(
            !html.contains(bad),
            "the page must not load anything: found {bad:?}"
        );
    }
    assert!(html.contains("Tên &lt;b&gt;lạ&lt;/b&gt; &amp; &quot;khó&quot;"));
    assert!(!html.contains("<b>lạ</b>"));
    assert!(html.contains("@media print"));
    assert!(html.contains("Đảng viên chưa nộp bài"));
    assert!(html.contains("Phạm Thị Lan"));
    assert!(html.contains("KẾT QUẢ ĐÁNH GIÁ, PHÂN LOẠI BÀI THU HOẠCH"));
}

#[test]
fn results_jsonl_reads_back_and_a_bad_line_is_named() {
    let r = rubric();
    let rows = vec![
        graded(&r, "a.docx", Some("Nguyễn Văn A"), Some("Chi bộ 1"), "good"),
        failed(&r, "b.docx", "tệp hỏng"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("RESULTS.jsonl");
    let mut text = String::new();
    for row in &rows {
        text.push_str(&serde_json::to_string(row).unwrap());
        text.push('\n');
    }
    text.push('\n');
    std::fs::write(&path, &text).unwrap();
    let back = read_results(&path).unwrap();
    assert_eq!(back.len(), 2);
    assert_eq!(back[0].author.as_deref(), Some("Nguyễn Văn A"));
    assert_eq!(back[1].error.as_deref(), Some("tệp hỏng"));
    assert_eq!(back[1].grade, None);

    text.push_str("{\"file\": \"c.docx\", \"score\": \"tám mươi\"}\n");
    std::fs::write(&path, &text).unwrap();
    let err = read_results(&path).unwrap_err();
    assert!(
        matches!(err, ReportError::Results { line: 4, .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("RESULTS.jsonl") && msg.contains("dòng 4"),
        "{msg}"
    );

    let missing = read_results(&dir.path().join("khong-co.jsonl")).unwrap_err();
    assert!(missing.to_string().contains("khong-co.jsonl"));
}

#[test]
fn unknown_output_extension_and_bad_roster_are_errors_naming_the_file() {
    let r = rubric();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bao-cao.pdf");
    let err = write_report(&[], None, &r, &out).unwrap_err();
    assert!(matches!(err, ReportError::UnsupportedFormat { .. }));
    assert!(err.to_string().contains("bao-cao.pdf"));

    let roster = dir.path().join("ds.csv");
    std::fs::write(&roster, "Cột 1,Cột 2\nx,y\n").unwrap();
    let err = Roster::from_path(&roster).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("ds.csv") && msg.contains("Họ và tên"), "{msg}");
}

#[test]
fn an_empty_batch_still_writes_every_format() {
    let r = rubric();
    let dir = tempfile::tempdir().unwrap();
    for ext in ["xlsx", "docx", "html", "csv"] {
        let out = dir.path().join(format!("rong.{ext}"));
        write_report(&[], None, &r, &out).unwrap();
        assert!(std::fs::metadata(&out).unwrap().len() > 0, "{ext}");
    }
}
