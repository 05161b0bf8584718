//! Originality: copies within a batch and text copied from references (issue 4).
//!
//! Built on the labeled development essays in `tests/fixtures/dev/` and on
//! `tests/fixtures/originality/resolution.txt` (about forty official sentences and phrases of
//! the Đại hội XIII resolution, from shared/resolution-facts.md).

mod common;

use std::path::{Path, PathBuf};

use common::strip_diacritics;

use thuhoach::originality::{
    find_duplicates, fingerprints, DuplicateReport, Originality, ReferenceSet, Thresholds, K,
};
use thuhoach::text::analyze;
use thuhoach::Flag;
use unicode_normalization::UnicodeNormalization;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The 24 dev essays, `(file name, text)`, sorted by name.
fn dev_essays() -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures().join("dev"))
        .expect("tests/fixtures/dev")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(p).expect("read essay"))
        })
        .collect()
}

fn essay(name: &str) -> String {
    let essays = dev_essays();
    essays
        .into_iter()
        .find(|(n, _)| n.starts_with(name))
        .unwrap_or_else(|| panic!("no dev essay {name}"))
        .1
}

fn as_docs(v: &[(String, String)]) -> Vec<(String, &str)> {
    v.iter().map(|(n, t)| (n.clone(), t.as_str())).collect()
}

/// Rewordings applied to the edited sentences, in turn.
const REWORDINGS: [&str; 4] = [
    "Bản thân tôi nhận thấy nội dung này rất thiết thực với công việc hằng ngày của mình.",
    "Đây là điều mà mỗi đảng viên chúng tôi cần suy nghĩ nghiêm túc và làm cho bằng được.",
    "Qua thực tế công tác, tôi càng thấm thía hơn ý nghĩa sâu sắc của nội dung này.",
    "Tôi cho rằng chi bộ cần cụ thể hóa điều này thành việc làm rõ ràng, có người chịu trách nhiệm.",
];

/// A copy as a member would hand it in: the author line and position changed, two body
/// paragraphs swapped, and about 15 % of the body's sentences edited — every seventh sentence
/// (starting at a position that depends on `seed`), in turn replaced by a sentence of one's
/// own, cut in half, or reworded by replacing every third word. Deterministic.
fn mutate(text: &str, seed: usize) -> String {
    let a = analyze(text);
    // The body starts at the first paragraph of 18 syllables or more (as the library does).
    let long = |p: &thuhoach::text::Paragraph| {
        let s = p.sentences.clone();
        !s.is_empty() && a.sentences[s.end - 1].tokens.end - a.sentences[s.start].tokens.start >= 18
    };
    let body_para = a.paragraphs.iter().position(long).expect("a body");
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut edited = 0;
    let mut body_sentences = 0;
    for (s, sentence) in a.sentences.iter().enumerate() {
        if sentence.paragraph < body_para {
            continue;
        }
        body_sentences += 1;
        if !(s + seed).is_multiple_of(7) {
            continue;
        }
        let original = &text[sentence.span.clone()];
        let replacement = match edited % 3 {
            0 => REWORDINGS[(edited / 3) % REWORDINGS.len()].to_string(),
            1 => {
                let words: Vec<&str> = original.split_whitespace().collect();
                let half = words.len().div_ceil(2);
                format!(
                    "{}.",
                    words[..half]
                        .join(" ")
                        .trim_end_matches(['.', ',', ';', ':'])
                )
            }
            _ => original
                .split_whitespace()
                .enumerate()
                .map(|(i, w)| if i % 3 == 2 { "thật sự" } else { w })
                .collect::<Vec<_>>()
                .join(" "),
        };
        edited += 1;
        edits.push((sentence.span.clone(), replacement));
    }
    assert!(edited * 100 >= body_sentences * 10 && edited * 100 <= body_sentences * 20);
    let mut out = text.to_string();
    for (span, replacement) in edits.into_iter().rev() {
        out.replace_range(span, &replacement);
    }
    // New author and position in the header.
    let mut lines: Vec<String> = out
        .lines()
        .map(|l| {
            if l.starts_with("Họ và tên") || l.starts_with("Họ tên") {
                "Họ và tên: Nguyễn Thị Thu Hằng".to_string()
            } else if l.starts_with("Chức vụ") {
                "Chức vụ: Đảng viên".to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    // Swap the second and fourth long paragraphs of the body.
    let long_lines: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.split_whitespace().count() >= 25)
        .map(|(i, _)| i)
        .collect();
    assert!(long_lines.len() >= 4, "too few paragraphs to swap");
    lines.swap(long_lines[1], long_lines[3]);
    lines.join("\n")
}

fn pair_of<'r>(
    report: &'r DuplicateReport,
    x: &str,
    y: &str,
) -> Option<&'r thuhoach::originality::Pair> {
    report
        .clusters
        .iter()
        .flat_map(|c| &c.pairs)
        .find(|p| (p.a == x && p.b == y) || (p.a == y && p.b == x))
}

const SOURCES: [&str; 8] = ["01", "03", "05", "08", "11", "14", "19", "23"];

#[test]
fn edited_and_stripped_copies_are_paired_with_their_source() {
    let mut batch = dev_essays();
    let originals: Vec<String> = batch.iter().map(|(n, _)| n.clone()).collect();
    let mut expected = Vec::new();
    for (k, src) in SOURCES.iter().enumerate() {
        let (name, text) = batch
            .iter()
            .find(|(n, _)| n.starts_with(src))
            .cloned()
            .unwrap();
        let copy = format!("zz_copy_{src}.txt");
        batch.push((copy.clone(), mutate(&text, k)));
        expected.push((name.clone(), copy));
        if k % 2 == 0 {
            let stripped = format!("zz_stripped_{src}.txt");
            batch.push((stripped.clone(), strip_diacritics(&text)));
            expected.push((name, stripped));
        }
    }
    let report = find_duplicates(&as_docs(&batch), Thresholds::default().near_duplicate);
    for (source, copy) in &expected {
        let pair = pair_of(&report, source, copy)
            .unwrap_or_else(|| panic!("{copy} not paired with {source}: {report:#?}"));
        eprintln!(
            "{copy} ~ {source}: similarity {:.3} ({:.3} / {:.3})",
            pair.similarity, pair.share_a, pair.share_b
        );
        assert!(pair.similarity >= 0.5);
        assert!(!pair.passages.is_empty());
        // Passages are the original's own text.
        let a_text = &batch.iter().find(|(n, _)| *n == pair.a).unwrap().1;
        let squashed = thuhoach::text::display(a_text);
        assert!(pair
            .passages
            .iter()
            .all(|p| squashed.contains(p.trim_end_matches(" …"))));
        if copy.contains("stripped") {
            assert!(pair.similarity > 0.95, "{copy}: {}", pair.similarity);
        }
    }
    // Distinct writers are never paired, not even through a copy.
    for c in &report.clusters {
        let originals_in = c.files.iter().filter(|f| originals.contains(f)).count();
        assert_eq!(originals_in, 1, "{:?}", c.files);
    }
    assert_eq!(report.clusters.len(), SOURCES.len());
    // The per-essay summary and its flag.
    let partners = report.partners();
    let o = Originality::new(Default::default(), partners["zz_copy_01.txt"].clone());
    assert!(o.duplicates[0].file.starts_with("01_"));
    assert_eq!(o.flags(&Thresholds::default()), vec![Flag::NearDuplicate]);
    assert_eq!(
        report.partners_of("zz_copy_01.txt"),
        partners["zz_copy_01.txt"]
    );
}

#[test]
fn distinct_writers_on_the_same_theme_are_not_duplicates() {
    let essays = dev_essays();
    assert_eq!(essays.len(), 24);
    let report = find_duplicates(&as_docs(&essays), Thresholds::default().near_duplicate);
    assert!(report.clusters.is_empty(), "{report:#?}");
    // Far below the threshold, not just under it.
    let loose = find_duplicates(&as_docs(&essays), 0.3);
    assert!(loose.clusters.is_empty(), "{loose:#?}");
}

#[test]
fn duplicates_do_not_depend_on_the_thread_count_or_the_json_shape() {
    let mut batch = dev_essays();
    for (k, src) in ["05", "15"].iter().enumerate() {
        let text = essay(src);
        batch.push((format!("copy_{src}_a.txt"), mutate(&text, k)));
        batch.push((format!("copy_{src}_b.txt"), mutate(&text, k + 3)));
    }
    let docs = as_docs(&batch);
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| find_duplicates(&docs, 0.5))
    };
    let one = serde_json::to_string(&run(1)).unwrap();
    let two = serde_json::to_string(&run(2)).unwrap();
    assert_eq!(one, two);
    let v: serde_json::Value = serde_json::from_str(&one).unwrap();
    let clusters = v["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 2);
    for c in clusters {
        assert_eq!(c["files"].as_array().unwrap().len(), 3);
        assert_eq!(c["pairs"].as_array().unwrap().len(), 3);
        let p = &c["pairs"][0];
        assert!(p["a"].is_string() && p["b"].is_string());
        assert!(p["similarity"].as_f64().unwrap() >= 0.5);
        assert!(p["passages"][0].is_string());
    }
}

fn resolution() -> ReferenceSet {
    ReferenceSet::from_paths(&[fixtures().join("originality/resolution.txt")]).expect("reference")
}

/// The official sentences of the resolution reference file (one per line, title skipped).
fn resolution_sentences() -> Vec<String> {
    std::fs::read_to_string(fixtures().join("originality/resolution.txt"))
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

const HEADER: &str = "ĐẢNG BỘ XÃ AN PHÚ\nCHI BỘ THÔN 3\n\nBÀI THU HOẠCH\nHọc tập, quán triệt Nghị quyết Đại hội XIII của Đảng\n\nHọ và tên: Trần Văn Bình\nChi bộ: Thôn 3, xã An Phú\n\n";

#[test]
fn an_essay_made_of_resolution_sentences_is_flagged() {
    let refs = resolution();
    assert_eq!(refs.len(), 1);
    let sentences = resolution_sentences();
    let mut text = HEADER.to_string();
    text.push_str("Qua học tập Nghị quyết Đại hội XIII, bản thân tôi xin trình bày một số nội dung cơ bản mà tôi đã tiếp thu được như sau.\n");
    for chunk in sentences[2..16].chunks(3) {
        text.push_str(&chunk.join(" "));
        text.push('\n');
    }
    text.push_str("Tôi xin hứa sẽ thực hiện tốt.\n");
    let check = refs.check(&text);
    eprintln!("resolution essay: copied_share {}", check.copied_share);
    assert!(check.copied_share >= 0.8, "{check:#?}");
    let source = &check.sources[0];
    assert!(source.reference.ends_with("resolution.txt"));
    for span in &source.spans {
        assert_eq!(
            thuhoach::text::display(&text[span.start..span.end]),
            span.text
        );
    }
    let o = Originality::new(check, Vec::new());
    assert_eq!(o.flags(&Thresholds::default()), vec![Flag::CopiedReference]);

    // The same essay typed without diacritics is the same copy; its spans are its own text.
    let bare = strip_diacritics(&text);
    let check = refs.check(&bare);
    assert!(check.copied_share >= 0.8);
    assert!(check.sources[0].spans[0].text.is_ascii());
}

#[test]
fn quoting_the_six_key_tasks_in_one_paragraph_is_not_copying() {
    let refs = resolution();
    let sentences = resolution_sentences();
    let six: Vec<&String> = sentences
        .iter()
        .filter(|s| {
            [
                "Tiếp tục đẩy mạnh xây dựng, chỉnh đốn Đảng, xây dựng Nhà nước",
                "Tập trung kiểm soát đại dịch",
                "Giữ vững độc lập, tự chủ",
                "Khơi dậy khát vọng phát triển đất nước phồn vinh, hạnh phúc; phát huy",
                "Hoàn thiện đồng bộ hệ thống pháp luật",
                "Quản lý chặt chẽ",
            ]
            .iter()
            .any(|p| s.starts_with(p))
        })
        .collect();
    assert_eq!(six.len(), 6);
    let paragraph = format!(
        "Đại hội xác định sáu nhiệm vụ trọng tâm: {}",
        six.iter()
            .map(|s| s.trim_end_matches('.').to_string())
            .collect::<Vec<_>>()
            .join("; ")
    );
    let mut checked = 0;
    for src in ["01", "08", "11", "19", "23"] {
        let original = essay(src);
        let before = refs.check(&original).copied_share;
        // Put the quotation after the essay's first body paragraph.
        let mut lines: Vec<&str> = original.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.split_whitespace().count() >= 25)
            .unwrap()
            + 1;
        lines.insert(at, &paragraph);
        let text = lines.join("\n");
        let check = refs.check(&text);
        eprintln!("{src}: copied_share {before} → {}", check.copied_share);
        // The quotation is found and shown…
        let quoted = check.sources[0]
            .spans
            .iter()
            .any(|s| s.text.contains("Quản lý chặt chẽ"));
        assert!(quoted, "{check:#?}");
        // …but is a small share of an essay of one's own: no flag.
        assert!(check.copied_share < 0.35, "{src}: {}", check.copied_share);
        let o = Originality::new(check, Vec::new());
        assert!(o.flags(&Thresholds::default()).is_empty());
        // With the six tasks in the base, quoting them does not count at all: what is left is
        // at most what the essay copied before (less: its own quotes of the tasks are base too).
        let mut with_base = resolution();
        with_base.add_base(&paragraph);
        let based = with_base.check(&text).copied_share;
        assert!(based <= before + 1e-9, "{src}: {based} vs {before}");
        checked += 1;
    }
    assert_eq!(checked, 5);
}

#[test]
fn no_dev_essay_is_flagged_against_the_resolution() {
    let refs = resolution();
    for (name, text) in dev_essays() {
        let check = refs.check(&text);
        eprintln!("{name}: {}", check.copied_share);
        assert!(check.copied_share < 0.5, "{name}: {}", check.copied_share);
    }
}

#[test]
fn the_base_is_never_copying() {
    let sentences = resolution_sentences();
    let mut text = HEADER.to_string();
    text.push_str(&sentences[..12].join(" "));
    let mut refs = resolution();
    assert!(refs.check(&text).copied_share > 0.9);
    for s in &sentences[..12] {
        refs.add_base(s);
    }
    let check = refs.check(&text);
    assert_eq!(check.copied_share, 0.0, "{check:#?}");
    assert!(check.sources.is_empty());
}

#[test]
fn references_are_read_from_folders_and_missing_ones_are_errors() {
    let refs = ReferenceSet::from_paths(&[fixtures().join("originality")]).unwrap();
    assert_eq!(refs.len(), 1);
    let missing = ReferenceSet::from_paths(&[fixtures().join("originality/none.txt")]);
    assert!(missing.is_err());
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.docx");
    std::fs::write(&bad, b"not a zip").unwrap();
    let err = ReferenceSet::from_paths(&[bad]).unwrap_err();
    assert!(err.to_string().contains("bad.docx"), "{err}");
}

#[test]
fn fingerprints_are_deterministic_and_blind_to_diacritics_case_and_nfd() {
    let text = essay("08");
    let fp = fingerprints(&text);
    assert!(fp.len() > 200);
    assert_eq!(fp, fingerprints(&text));
    let hashes = |t: &str| fingerprints(t).iter().map(|f| f.hash).collect::<Vec<_>>();
    let nfd: String = text.nfd().collect();
    assert_eq!(hashes(&nfd), hashes(&text));
    assert_eq!(hashes(&strip_diacritics(&text)), hashes(&text));
    assert_eq!(hashes(&text.to_uppercase()), hashes(&text));
    let new_tones = text.replace("hòa", "hoà").replace("hóa", "hoá");
    assert_eq!(hashes(&new_tones), hashes(&text));
}

#[test]
fn fingerprint_spans_point_into_the_original_text() {
    let text =
        "Đại hội XIII xác định:\u{a0}khơi dậy khát vọng phát triển đất nước phồn vinh, hạnh phúc.";
    let nfd: String = text.nfd().collect();
    for t in [text.to_string(), nfd] {
        let a = analyze(&t);
        for f in fingerprints(&t) {
            let slice = &t[f.start..f.end];
            assert_eq!(f.start, a.tokens[f.syllable].start as usize);
            assert_eq!(f.end, a.tokens[f.syllable + K - 1].end as usize);
            let words = slice
                .split(|c: char| !c.is_alphanumeric() && !('\u{300}'..='\u{36F}').contains(&c))
                .filter(|w| !w.is_empty())
                .count();
            assert_eq!(words, K, "{slice}");
        }
    }
    let fp = fingerprints(text);
    assert!(!fp.is_empty());
    // Every k-gram of the text is inside some window; the last one ends at "phúc".
    assert!(fp.iter().all(|f| f.end <= text.len()));
}

#[test]
fn essays_sharing_only_base_text_are_not_duplicates() {
    let sentences = resolution_sentences();
    let quoted = sentences[..12].join(" ");
    let a = format!("{}\n{quoted}\n", essay("09"));
    let thirteen = essay("13");
    let own_b: Vec<&str> = thirteen.lines().take(14).collect();
    let b = format!("{}\n{quoted}\n", own_b.join("\n"));
    let docs = vec![
        ("a.txt".to_string(), a.as_str()),
        ("b.txt".to_string(), b.as_str()),
    ];
    let plain = find_duplicates(&docs, 0.5);
    assert_eq!(
        plain.clusters.len(),
        1,
        "the shared quotation is half of each"
    );
    let mut refs = ReferenceSet::new();
    for s in &sentences {
        refs.add_base(s);
    }
    let based = refs.find_duplicates(&docs, &Thresholds::default());
    assert!(based.clusters.is_empty(), "{based:#?}");
}

#[test]
fn hostile_repetition_is_checked_in_bounded_time() {
    let sentence = "đoàn kết dân chủ kỷ cương sáng tạo phát triển vì nhân dân phục vụ. ";
    let mut refs = ReferenceSet::new();
    refs.add_text("lap-lai.txt", &sentence.repeat(5_000));
    let essay = format!("{}\n{}", HEADER, sentence.repeat(5_000));
    let start = std::time::Instant::now();
    let check = refs.check(&essay);
    assert!(start.elapsed() < std::time::Duration::from_secs(30));
    assert!(check.copied_share > 0.9, "{}", check.copied_share);
    let docs = vec![
        ("a.txt".to_string(), essay.as_str()),
        ("b.txt".to_string(), essay.as_str()),
    ];
    assert_eq!(find_duplicates(&docs, 0.5).clusters.len(), 1);
}

/// `grade --dupes` reads each file once: the near-duplicate pass keeps what it read for
/// grading, so a file removed in between is still graded, with its partner named.
#[test]
fn batch_grading_after_the_duplicate_pass_reads_each_file_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = essay("07_can_bo_huu_tri_khoi_3.txt");
    let copy = mutate(&text, 3);
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    std::fs::write(&a, &text).expect("write a");
    std::fs::write(&b, &copy).expect("write b");
    let files = vec![a.clone(), b.clone()];
    let mut grader = thuhoach::Grader::with_default_rubric().expect("built-in rubric");
    let report = grader.find_duplicates(&files, 1).expect("duplicate pass");
    assert_eq!(report.clusters.len(), 1);
    std::fs::remove_file(&a).expect("remove a");
    let mut rows = Vec::new();
    grader
        .grade_files(&files, 1, |row| rows.push(row))
        .expect("grading");
    assert_eq!(rows.len(), 2);
    assert!(rows[0].error.is_none(), "{:?}", rows[0].error);
    assert!(rows[0].flags.contains(&Flag::NearDuplicate));
    // Handed over once: grading the removed file again now reads the disk.
    assert!(grader.grade_file(&a).error.is_some());
}
