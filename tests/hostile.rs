//! A corpus of hostile and broken files, generated here, graded through the real binary:
//! every file gets a row with a clear Vietnamese error (or is read), nothing panics or hangs,
//! the exit code is 1, and the run returns promptly.
//!
//! Timing and memory are printed (`cargo test --test hostile -- --nocapture`), not asserted
//! beyond a generous guard; max RSS is checked by hand with `/usr/bin/time -v`.

mod common;

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    path
}

fn zip_of(entries: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let level = (method == CompressionMethod::Deflated).then_some(1);
    let options = SimpleFileOptions::default()
        .compression_method(method)
        .compression_level(level);
    for (name, data) in entries {
        zip.start_file(*name, options).expect("zip");
        zip.write_all(data).expect("zip");
    }
    zip.finish().expect("zip").into_inner()
}

fn document_xml(inner: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{inner}</w:body></w:document>"#
    )
}

/// Rewrites the uncompressed-size field of `name` in the local header and the central
/// directory (no zip64 here), as a lying zip bomb does.
fn patch_uncompressed_size(bytes: &mut [u8], name: &str, size: u32) {
    let name = name.as_bytes();
    for i in 0..bytes.len().saturating_sub(46 + name.len()) {
        let (name_at, size_at) = match &bytes[i..i + 4] {
            [0x50, 0x4B, 0x03, 0x04] => (i + 30, i + 22),
            [0x50, 0x4B, 0x01, 0x02] => (i + 46, i + 24),
            _ => continue,
        };
        if bytes[name_at..].starts_with(name) {
            bytes[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
        }
    }
}

fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// (file name, a word its error must contain; `None`: read fine).
type Expect = (String, Option<&'static str>);

/// Writes the corpus into `dir`; returns what each file should give.
fn corpus(dir: &Path) -> Vec<Expect> {
    let mut expect: Vec<Expect> = Vec::new();
    let mut add = |name: &str, bytes: &[u8], word: Option<&'static str>| {
        write(dir, name, bytes);
        expect.push((name.to_string(), word));
    };
    let good = dev_text("01_giao_vien_thcs_yen_thach.txt");
    let docx = docx_bytes(&good);

    // Controls that must be read.
    add("ok.txt", good.as_bytes(), None);
    add("ok.docx", &docx, None);
    add(
        "ok.html",
        format!(
            "<html><body><p>{}</p></body></html>",
            good.replace('\n', "</p><p>")
        )
        .as_bytes(),
        None,
    );
    add("ok.md", good.as_bytes(), None);

    // Truncated, empty, random.
    add("truncated.docx", &docx[..docx.len() / 2], Some("zip"));
    add("truncated.odt", &docx[..docx.len() / 3], Some("zip"));
    add("empty.txt", b"", Some("rỗng"));
    add("empty.docx", b"", Some("rỗng"));
    add("empty.pdf", b"", Some("rỗng"));
    add("blank.txt", b" \n\t\r\n ", Some("rỗng"));
    add("random.docx", &random_bytes(50_000, 1), Some("zip"));
    add("random.odt", &random_bytes(50_000, 2), Some("zip"));
    add("random.pdf", &random_bytes(50_000, 3), Some("PDF"));
    add("random.txt", &random_bytes(50_000, 4), Some("nhị phân"));
    add("random.html", &random_bytes(50_000, 5), Some("nhị phân"));
    let mut fake_pdf = b"%PDF-1.7\n".to_vec();
    fake_pdf.extend(random_bytes(20_000, 6));
    add("garbage.pdf", &fake_pdf, Some("PDF"));

    // Zip bombs: a high ratio, a lying header, too many entries.
    let zeros = vec![b'0'; 30 * 1024 * 1024];
    let ratio = zip_of(
        &[("word/document.xml", &zeros)],
        CompressionMethod::Deflated,
    );
    add("bomb-ratio.docx", &ratio, Some("zip bomb"));
    let mut lying = ratio.clone();
    patch_uncompressed_size(&mut lying, "word/document.xml", 1000);
    add("bomb-lying.docx", &lying, Some("zip bomb"));
    let names: Vec<String> = (0..20_000).map(|i| format!("x/{i}")).collect();
    let many: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    add(
        "bomb-entries.docx",
        &zip_of(&many, CompressionMethod::Stored),
        Some("quá nhiều mục"),
    );

    // XML attacks.
    let laughs = format!(
        r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">{}]><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"#,
        (1..10)
            .map(|i| format!(
                "<!ENTITY lol{i} \"{}\">",
                format!(
                    "&lol{};",
                    if i == 1 {
                        String::new()
                    } else {
                        (i - 1).to_string()
                    }
                )
                .repeat(10)
            ))
            .collect::<String>()
    );
    add(
        "billion-laughs.docx",
        &zip_of(
            &[("word/document.xml", laughs.as_bytes())],
            CompressionMethod::Deflated,
        ),
        Some("DOCTYPE"),
    );
    let deep = document_xml(&format!(
        "{}{}",
        "<w:p>".repeat(100_000),
        "</w:p>".repeat(100_000)
    ));
    add(
        "deep.docx",
        &zip_of(
            &[("word/document.xml", deep.as_bytes())],
            CompressionMethod::Deflated,
        ),
        Some("lồng quá sâu"),
    );
    let deep_odt = format!(
        "<office:document-content xmlns:office=\"o\" xmlns:text=\"t\">{}{}</office:document-content>",
        "<text:span>".repeat(50_000),
        "</text:span>".repeat(50_000)
    );
    add(
        "deep.odt",
        &zip_of(
            &[("content.xml", deep_odt.as_bytes())],
            CompressionMethod::Deflated,
        ),
        Some("lồng quá sâu"),
    );
    let cut_xml = document_xml("<w:p><w:r><w:t>Nghị quyết");
    let cut_xml = &cut_xml[..cut_xml.len() - "</w:body></w:document>".len()];
    add(
        "cut-xml.docx",
        &zip_of(
            &[("word/document.xml", cut_xml.as_bytes())],
            CompressionMethod::Deflated,
        ),
        Some("cắt cụt"),
    );
    add(
        "deep.html",
        format!("{}Chữ{}", "<div>".repeat(300_000), "</div>".repeat(300_000)).as_bytes(),
        None,
    );

    // Binary, Latin-1, an OLE file named .docx, a PDF without text.
    add(
        "binary.txt",
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00",
        Some("nhị phân"),
    );
    add(
        "latin1.txt",
        b"R\xE9sum\xE9 de la r\xE9union: le comit\xE9 a d\xE9cid\xE9 de reporter la s\xE9ance \xE0 la semaine prochaine. Tr\xE8s cordialement.",
        Some("không phải UTF-8"),
    );
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(random_bytes(4096, 7));
    add("ole.docx", &ole, Some("Word cũ"));
    add("scan.pdf", &scan_pdf(), Some("OCR"));
    expect
}

/// A valid one-page PDF that only draws a filled rectangle (as a scan only draws an image).
fn scan_pdf() -> Vec<u8> {
    let content = "0 0 100 100 re f";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>".to_string(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
    ];
    common::pdf::pdf_from_objects(&objects)
}

/// A 60 MB .txt, written in chunks.
fn big_txt(dir: &Path) -> PathBuf {
    let path = dir.join("big-60mb.txt");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let line = "Đảng viên học tập Nghị quyết, liên hệ bản thân và cam kết thực hiện.\n".repeat(64);
    let mut written = 0;
    while written < 60 * 1024 * 1024 {
        f.write_all(line.as_bytes()).expect("write");
        written += line.len();
    }
    f.flush().expect("flush");
    path
}

fn rows(out: &std::process::Output) -> Vec<serde_json::Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON row per line"))
        .collect()
}

fn name_of(row: &serde_json::Value) -> String {
    let file = row["file"].as_str().expect("file");
    Path::new(file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[test]
fn hostile_corpus_every_file_a_row_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    // HOSTILE_CORPUS_DIR=/some/new/dir keeps the corpus there, for measuring by hand
    // (`/usr/bin/time -v thuhoach grade DIR`).
    let root = match std::env::var_os("HOSTILE_CORPUS_DIR") {
        Some(d) => PathBuf::from(d),
        None => dir.path().join("bai"),
    };
    std::fs::create_dir(&root).expect("mkdir (the folder must not exist yet)");
    let mut expect = corpus(&root);

    big_txt(&root);
    expect.push(("big-60mb.txt".to_string(), Some("quá lớn")));

    // Folder-walk hazards: a link to its own folder, two links pointing at each other, a
    // FIFO (reading it would block for ever), a file name that is not UTF-8.
    std::os::unix::fs::symlink(&root, root.join("vong")).expect("symlink");
    std::os::unix::fs::symlink(root.join("y.txt"), root.join("x.txt")).expect("symlink");
    std::os::unix::fs::symlink(root.join("x.txt"), root.join("y.txt")).expect("symlink");
    expect.push(("vong".to_string(), Some("vòng lặp")));
    expect.push(("x.txt".to_string(), Some("vòng lặp")));
    expect.push(("y.txt".to_string(), Some("vòng lặp")));
    let fifo = root.join("fifo.txt");
    if tools::require_tool("mkfifo", "coreutils") {
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
        expect.push(("fifo.txt".to_string(), Some("FIFO")));
    }
    let odd_name = {
        use std::os::unix::ffi::OsStrExt;
        std::ffi::OsStr::from_bytes(b"t\xEAn-l\xE1.txt").to_os_string()
    };
    std::fs::write(
        root.join(&odd_name),
        dev_text("02_cong_chuc_van_phong_xa_minh_tan.txt"),
    )
    .expect("write");
    expect.push(("t\u{FFFD}n-l\u{FFFD}.txt".to_string(), None));

    let started = Instant::now();
    let out = thuhoach!("grade", &root, "--format", "jsonl");
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(1), "{err}");

    let rows = rows(&out);
    let mut got: Vec<String> = rows.iter().map(name_of).collect();
    let mut want: Vec<String> = expect.iter().map(|(n, _)| n.clone()).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "every file exactly one row");
    for (name, word) in &expect {
        let row = rows
            .iter()
            .find(|r| name_of(r) == *name)
            .expect("row present");
        match word {
            None => {
                assert!(row["error"].is_null(), "{name}: {row}");
                assert!(row["grade"].is_string(), "{name}");
            }
            Some(word) => {
                let e = row["error"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{name}: no error: {row}"));
                assert!(e.contains(word), "{name}: {e}");
                assert!(row["grade"].is_null() && row["score"].is_null(), "{name}");
            }
        }
    }
    let odd = rows
        .iter()
        .find(|r| name_of(r).starts_with("t\u{FFFD}n"))
        .expect("odd name row");
    assert!(odd["notes"].to_string().contains("UTF-8"), "{odd}");
    eprintln!(
        "hostile corpus: {} files in {:.2} s, {:.0} ms per file",
        rows.len(),
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0 / rows.len() as f64
    );
    for r in &rows {
        if let Some(e) = r["error"].as_str() {
            eprintln!("  {:<22} {e}", name_of(r));
        }
    }

    // The biggest ones alone.
    for name in [
        "big-60mb.txt",
        "bomb-ratio.docx",
        "bomb-lying.docx",
        "deep.html",
        "deep.docx",
    ] {
        let started = Instant::now();
        let out = thuhoach!("grade", root.join(name), "--format", "jsonl");
        let t = started.elapsed();
        eprintln!("  single {name}: {:.0} ms", t.as_secs_f64() * 1000.0);
        assert!(t < Duration::from_secs(30), "{name}: {t:?}");
        assert!(!stderr(&out).contains("panicked"), "{name}");
    }
}

#[test]
fn doc_without_libreoffice_names_the_package() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = write(
        dir.path(),
        "bai.doc",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 OLE header, body cut",
    );
    let rtf = write(dir.path(), "bai.rtf", br"{\rtf1 Chao}");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_thuhoach"));
    cmd.env("THUHOACH_SOFFICE", dir.path().join("khong-co-soffice"))
        .args(["grade", "--format", "jsonl"])
        .arg(&doc)
        .arg(&rtf);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(1));
    for row in rows(&out) {
        let e = row["error"].as_str().expect("error");
        assert!(e.contains("libreoffice-writer"), "{e}");
    }
}
