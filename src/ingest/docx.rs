//! .docx submissions: a streaming zip + quick-xml pass over `word/document.xml`.
//!
//! Paragraphs (including table-cell and text-box paragraphs) become lines in
//! document order. Tracked deletions, moved-away text, field codes and
//! `mc:Fallback` copies are skipped. Elements are matched by local name, so
//! any namespace prefix works. Sizes and depth are capped and the XML must be
//! well-formed: docx-rs hangs on truncated XML, this must not.

use std::io::{Read, Seek, SeekFrom};

use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;
use zip::result::ZipError;
use zip::ZipArchive;

use super::{IngestError, RawDocument, SourceFormat, MAX_DOCX_PART_BYTES, MAX_XML_DEPTH};

const DOCUMENT_XML: &str = "word/document.xml";
/// Signature of OLE compound files (.doc, encrypted .docx).
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Elements whose whole content is not part of the visible text.
const SKIPPED: &[&str] = &[
    "del",          // tracked deletion
    "delText",      // deleted run text
    "delInstrText", // deleted field code
    "moveFrom",     // text moved away (it appears again at moveTo)
    "instrText",    // field code, e.g. PAGE \* MERGEFORMAT
    "Fallback",     // mc:Fallback: second copy of a text box
    "pPr",          // paragraph properties (tab stops are w:tab too)
    "rPr",          // run properties
];

/// Reads the text of a .docx from any seekable reader.
pub(super) fn read<R: Read + Seek>(mut reader: R) -> Result<RawDocument, IngestError> {
    match head(&mut reader)?.as_slice() {
        [] => return Err(IngestError::Empty),
        h if h == OLE_MAGIC => return Err(IngestError::OleFile),
        _ => {}
    }
    let mut archive = ZipArchive::new(reader).map_err(bad_zip)?;
    let xml = read_document_xml(&mut archive)?;
    let xml = xml_text(&xml)?;
    let extracted = extract(&xml)?;
    if extracted.text.trim().is_empty() {
        return Err(IngestError::Empty);
    }
    Ok(RawDocument {
        format: SourceFormat::Docx,
        text: extracted.text,
        notes: extracted.notes,
        legacy_encoding: None,
    })
}

/// The first 8 bytes (fewer if the file is shorter); rewinds the reader.
fn head<R: Read + Seek>(reader: &mut R) -> Result<Vec<u8>, IngestError> {
    let mut head = Vec::with_capacity(OLE_MAGIC.len());
    reader
        .by_ref()
        .take(OLE_MAGIC.len() as u64)
        .read_to_end(&mut head)?;
    reader.seek(SeekFrom::Start(0))?;
    Ok(head)
}

fn bad_zip(e: ZipError) -> IngestError {
    IngestError::BadZip(e.to_string())
}

/// The bytes of `word/document.xml`, never more than the cap whatever the
/// zip header claims.
fn read_document_xml<R: Read + Seek>(archive: &mut ZipArchive<R>) -> Result<Vec<u8>, IngestError> {
    let name = document_xml_name(archive)?;
    let part = archive.by_name(&name).map_err(bad_zip)?;
    let declared = part.size();
    let limit = MAX_DOCX_PART_BYTES;
    if declared > limit {
        return Err(IngestError::PartTooLarge {
            size: declared,
            limit,
        });
    }
    // `declared` is at most the cap here, so this allocation is bounded.
    let mut xml = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
    part.take(limit + 1)
        .read_to_end(&mut xml)
        .map_err(|e| IngestError::BadZip(e.to_string()))?;
    if xml.len() as u64 > limit {
        return Err(IngestError::ZipBomb { declared, limit });
    }
    Ok(xml)
}

/// The entry name of the main part: exact, else matched ignoring case and
/// `\` separators (some broken producers write those).
fn document_xml_name<R: Read + Seek>(archive: &ZipArchive<R>) -> Result<String, IngestError> {
    if archive.index_for_name(DOCUMENT_XML).is_some() {
        return Ok(DOCUMENT_XML.to_string());
    }
    archive
        .file_names()
        .filter_map(Result::ok)
        .find(|n| n.replace('\\', "/").eq_ignore_ascii_case(DOCUMENT_XML))
        .map(|n| n.into_owned())
        .ok_or(IngestError::MissingDocumentXml)
}

/// The part as text: UTF-8 (BOM optional) or UTF-16 with a BOM.
fn xml_text(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, IngestError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let utf16 = |rest, unit| {
        super::txt::decode_utf16(rest, unit)
            .map(Into::into)
            .map_err(|e| IngestError::XmlInvalid(e.to_string()))
    };
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes);
    }
    std::str::from_utf8(bytes).map(Into::into).map_err(|e| {
        IngestError::XmlInvalid(format!("UTF-8 không hợp lệ ở byte {}", e.valid_up_to()))
    })
}

/// Lines and notes taken from `word/document.xml`.
struct Extracted {
    text: String,
    notes: Vec<String>,
}

/// Walks the XML events once and collects paragraph text.
fn extract(xml: &str) -> Result<Extracted, IngestError> {
    let mut reader = Reader::from_str(xml);
    let mut state = Walker::default();
    loop {
        let event = reader.read_event().map_err(|e| {
            IngestError::XmlInvalid(format!("{e} (byte {})", reader.error_position()))
        })?;
        match event {
            Event::Start(e) => state.start(&e)?,
            Event::End(e) => state.end(e.local_name().as_ref()),
            Event::Empty(e) => state.empty(&e),
            Event::Text(t) => state.text(&t.xml10_content()),
            Event::CData(t) => state.text(&t.xml10_content()),
            Event::GeneralRef(r) => state.reference(&r)?,
            Event::Eof => return state.finish(),
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
}

/// The state of one pass over the XML.
#[derive(Default)]
struct Walker {
    /// Finished lines, in document order.
    lines: Vec<String>,
    /// Open paragraphs, innermost last (text boxes nest inside paragraphs).
    paragraphs: Vec<String>,
    /// Text found outside any paragraph (odd producers).
    loose: String,
    /// Qualified names of the open elements, concatenated; `ends` marks where
    /// each one starts, so its length is the current depth.
    names: String,
    ends: Vec<usize>,
    /// Depth of the element whose content is being skipped.
    skip_from: Option<usize>,
    runs: usize,
    texts: usize,
    saw_root: bool,
    skipped_deletions: bool,
    saw_text_box: bool,
}

impl Walker {
    fn start(&mut self, e: &BytesStart) -> Result<(), IngestError> {
        if self.ends.len() >= MAX_XML_DEPTH {
            return Err(IngestError::XmlTooDeep(MAX_XML_DEPTH));
        }
        self.saw_root = true;
        self.ends.push(self.names.len());
        self.names.push_str(e.name().as_ref());
        if self.skip_from.is_some() {
            return Ok(());
        }
        let local = e.local_name();
        let local = local.as_ref();
        if SKIPPED.contains(&local) {
            self.skip_from = Some(self.ends.len());
            self.skipped_deletions |= matches!(local, "del" | "delText" | "moveFrom");
            return Ok(());
        }
        match local {
            "p" => {
                self.flush_loose();
                self.paragraphs.push(String::new());
            }
            "r" => self.runs += 1,
            "t" => self.texts += 1,
            "txbxContent" => self.saw_text_box = true,
            other => self.special_char(other),
        }
        Ok(())
    }

    fn end(&mut self, local: &str) {
        let depth = self.ends.len();
        if let Some(start) = self.ends.pop() {
            self.names.truncate(start);
        }
        match self.skip_from {
            Some(d) if d == depth => self.skip_from = None,
            Some(_) => {}
            None => match local {
                "p" => {
                    let line = self.paragraphs.pop().unwrap_or_default();
                    self.lines.push(line);
                }
                "r" => self.runs = self.runs.saturating_sub(1),
                "t" => self.texts = self.texts.saturating_sub(1),
                _ => {}
            },
        }
    }

    /// A self-closed element: a special character or an empty paragraph.
    fn empty(&mut self, e: &BytesStart) {
        self.saw_root = true;
        if self.skip_from.is_some() {
            return;
        }
        match e.local_name().as_ref() {
            "p" => {
                self.flush_loose();
                self.lines.push(String::new());
            }
            other => self.special_char(other),
        }
    }

    /// Tabs, breaks and hyphens inside a run.
    fn special_char(&mut self, local: &str) {
        if self.runs == 0 {
            return;
        }
        let ch = match local {
            "tab" | "ptab" => '\t',
            "br" | "cr" => '\n',
            "noBreakHyphen" => '-',
            _ => return,
        };
        self.current().push(ch);
    }

    fn text(&mut self, text: &str) {
        if self.texts > 0 && self.skip_from.is_none() {
            self.current().push_str(text);
        }
    }

    /// `&amp;`, `&#7871;`…: resolved, and kept only inside `w:t`.
    fn reference(&mut self, r: &BytesRef) -> Result<(), IngestError> {
        let resolved = match r.resolve_char_ref() {
            Ok(Some(ch)) => ch.to_string(),
            Ok(None) => match resolve_xml_entity(r) {
                Some(s) => s.to_string(),
                None => format!("&{};", &**r), // undeclared entity: keep as written
            },
            Err(e) => return Err(IngestError::XmlInvalid(e.to_string())),
        };
        self.text(&resolved);
        Ok(())
    }

    fn current(&mut self) -> &mut String {
        self.paragraphs.last_mut().unwrap_or(&mut self.loose)
    }

    fn flush_loose(&mut self) {
        if !self.loose.is_empty() {
            self.lines.push(std::mem::take(&mut self.loose));
        }
    }

    fn finish(mut self) -> Result<Extracted, IngestError> {
        if let Some(&start) = self.ends.last() {
            let open = self.names.get(start..).unwrap_or_default();
            return Err(IngestError::XmlTruncated(open.to_string()));
        }
        if !self.saw_root {
            return Err(IngestError::XmlInvalid("không có phần tử gốc".to_string()));
        }
        self.flush_loose();
        let mut notes = Vec::new();
        if self.saw_text_box {
            notes.push("Đã lấy cả chữ trong hộp văn bản (text box)".to_string());
        }
        if self.skipped_deletions {
            notes.push("Đã bỏ qua phần bị xóa khi theo dõi thay đổi (track changes)".to_string());
        }
        Ok(Extracted {
            text: self.lines.join("\n"),
            notes,
        })
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use std::io::{Cursor, Write};
    use std::time::{Duration, Instant};
    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, ZipWriter};

    const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

    /// A `w:document` with the usual namespaces around `inner`.
    pub(crate) fn body(inner: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{inner}<w:sectPr/></w:body></w:document>"#
        )
    }

    /// A minimal .docx (deflated) whose main part is `document_xml`.
    pub(crate) fn make_docx(document_xml: &str) -> Vec<u8> {
        zip_of(&[
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
            ("_rels/.rels", RELS.as_bytes()),
            ("word/document.xml", document_xml.as_bytes()),
        ])
    }

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for (name, data) in entries {
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn read_xml(document_xml: &str) -> Result<RawDocument, IngestError> {
        read(Cursor::new(make_docx(document_xml)))
    }

    fn run(text: &str) -> String {
        format!("<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">{text}</w:t></w:r>")
    }

    fn para(runs: &str) -> String {
        format!("<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>{runs}</w:p>")
    }

    /// Everything the extractor has to get right, in one document.
    fn rich_document() -> String {
        let cell = |text: &str| format!("<w:tc><w:tcPr/>{}</w:tc>", para(&run(text)));
        let text_box = format!(
            "<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>{}</w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>",
            para(&run("Chữ trong hộp")),
            para(&run("Chữ trong hộp"))
        );
        let paragraphs = [
            para(&format!("{}{}", run("Họ và tên: "), run("Lê Thị Thanh Huyền"))),
            para(&format!(
                "{}<w:hyperlink r:id=\"rId9\">{}</w:hyperlink>{}",
                run("Xem "),
                run("nghị quyết"),
                run(" tại đây.")
            )),
            para(&format!(
                "{}<w:del w:id=\"1\" w:author=\"A\"><w:r><w:delText>đã xóa </w:delText></w:r></w:del><w:ins w:id=\"2\"><w:r><w:t>mới </w:t></w:r></w:ins>{}",
                run("Bản "),
                run("thêm")
            )),
            para(&format!(
                "{}<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE \\* MERGEFORMAT </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>{}<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
                run("Trang "),
                run("3")
            )),
            format!("<w:tbl><w:tblPr/><w:tr>{}{}</w:tr><w:tr>{}<w:tc><w:p/></w:tc></w:tr></w:tbl>", cell("Ô 1"), cell("Ô 2"), cell("Ô 3")),
            para(&format!("{}{}", run("Neo"), text_box)),
            para(&run("Kinh tế &amp; xã hội &lt;2025&gt; &#7871;&#x1EBF; &quot;dân&quot; &apos;a&apos;")),
            para("<w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:cr/><w:t>d</w:t><w:noBreakHyphen/><w:t>e</w:t></w:r>"),
            "<w:p/>".to_string(),
            para(&run("Cuối")),
        ];
        body(&paragraphs.concat())
    }

    #[test]
    fn extracts_exact_lines() {
        let doc = read_xml(&rich_document()).unwrap();
        let lines: Vec<&str> = doc.text.split('\n').collect();
        assert_eq!(
            lines,
            [
                "Họ và tên: Lê Thị Thanh Huyền",
                "Xem nghị quyết tại đây.",
                "Bản mới thêm",
                "Trang 3",
                "Ô 1",
                "Ô 2",
                "Ô 3",
                "",
                "Chữ trong hộp",
                "Neo",
                "Kinh tế & xã hội <2025> ếế \"dân\" 'a'",
                "a\tb",
                "c",
                "d-e",
                "",
                "Cuối",
            ]
        );
        assert_eq!(doc.format, SourceFormat::Docx);
        assert_eq!(doc.notes.len(), 2, "{:?}", doc.notes);
    }

    #[test]
    fn any_prefix_works() {
        let xml = r#"<ns0:document xmlns:ns0="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><ns0:body><ns0:p><ns0:r><ns0:t>Chào</ns0:t></ns0:r></ns0:p><p><r><t>bạn</t></r></p></ns0:body></ns0:document>"#;
        assert_eq!(read_xml(xml).unwrap().text, "Chào\nbạn");
    }

    #[test]
    fn reads_docx_rs_output() {
        use docx_rs::{Docx, Hyperlink, HyperlinkType, Paragraph, Run, Table, TableCell, TableRow};
        let cell = |t: &str| {
            TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text(t)))
        };
        let mut bytes = Cursor::new(Vec::new());
        Docx::new()
            .add_paragraph(
                Paragraph::new().add_run(Run::new().add_text("Họ và tên: Ngô Thanh Tùng")),
            )
            .add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text("Xem "))
                    .add_hyperlink(
                        Hyperlink::new("https://example.org", HyperlinkType::External)
                            .add_run(Run::new().add_text("liên kết")),
                    ),
            )
            .add_table(Table::new(vec![TableRow::new(vec![
                cell("A & B"),
                cell("C"),
            ])]))
            .build()
            .pack(&mut bytes)
            .unwrap();
        let doc = read(Cursor::new(bytes.into_inner())).unwrap();
        assert_eq!(
            doc.text,
            "Họ và tên: Ngô Thanh Tùng\nXem liên kết\nA & B\nC"
        );
    }

    #[test]
    fn truncated_zip_is_error() {
        let bytes = make_docx(&rich_document());
        assert!(matches!(read(Cursor::new(&[])), Err(IngestError::Empty)));
        for cut in [bytes.len() / 2, bytes.len() - 1, 10, 1] {
            let err = read(Cursor::new(&bytes[..cut])).unwrap_err();
            assert!(matches!(err, IngestError::BadZip(_)), "cut {cut}: {err}");
        }
        let msg = read(Cursor::new(&bytes[..bytes.len() / 2]))
            .unwrap_err()
            .to_string();
        assert!(
            msg.starts_with("không phải tệp .docx hợp lệ (tệp zip hỏng hoặc bị cắt cụt: "),
            "{msg}"
        );
    }

    #[test]
    fn unclosed_paragraph_fails_fast() {
        let xml = body(&para(&run("Nội dung")));
        let cut = xml.find("Nội").unwrap() + "Nội".len();
        let started = Instant::now();
        let err = read_xml(&xml[..cut]).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(
            matches!(&err, IngestError::XmlTruncated(name) if name == "w:t"),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "XML của word/document.xml bị cắt cụt (thẻ chưa đóng: <w:t>)"
        );

        // Ending right after a start tag, or inside a tag, fails as well.
        let open_p = r#"<w:document xmlns:w="x"><w:body><w:p>"#;
        assert!(matches!(read_xml(open_p), Err(IngestError::XmlTruncated(n)) if n == "w:p"));
        assert!(read_xml(r#"<w:document xmlns:w="x"><w:body><w:p><w:r"#).is_err());
    }

    #[test]
    fn malformed_xml_is_error() {
        for xml in [
            "<w:document><w:body></w:p></w:body></w:document>",
            "<w:document><w:p><w:t>a &bad</w:t></w:p></w:document>",
            "<w:document><w:p><w:t>&#0;</w:t></w:p></w:document>",
            "không phải XML",
            "",
        ] {
            assert!(read_xml(xml).is_err(), "{xml}");
        }
        let invalid_utf8 = zip_of(&[("word/document.xml", b"<w:t>\xB5</w:t>")]);
        let err = read(Cursor::new(invalid_utf8)).unwrap_err();
        assert!(matches!(err, IngestError::XmlInvalid(_)), "{err}");
    }

    #[test]
    fn undeclared_entity_kept_as_written() {
        let xml = body(&para(&run("a &nbsp; b")));
        assert_eq!(read_xml(&xml).unwrap().text, "a &nbsp; b");
    }

    #[test]
    fn empty_document_is_empty_error() {
        let xml = body(&format!("<w:p/>{}", para(&run("  "))));
        assert!(matches!(read_xml(&xml), Err(IngestError::Empty)));
    }

    #[test]
    fn deep_nesting_is_error() {
        let xml = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
        let err = read_xml(&xml).unwrap_err();
        assert!(matches!(err, IngestError::XmlTooDeep(256)));
        assert_eq!(err.to_string(), "XML lồng quá sâu (> 256 cấp)");
        // 256 levels are still fine.
        let ok = format!(
            "{}<p><r><t>x</t></r></p>{}",
            "<a>".repeat(253),
            "</a>".repeat(253)
        );
        assert_eq!(read_xml(&ok).unwrap().text, "x");
    }

    #[test]
    fn random_bytes_are_error() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for len in [0, 1, 7, 8, 100, 4096, 65_536] {
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            assert!(read(Cursor::new(&bytes)).is_err(), "{len} random bytes");
        }
    }

    #[test]
    fn bit_flips_never_panic() {
        let original = make_docx(&rich_document());
        let mut rng = XorShift(42);
        let mut ok = 0;
        for _ in 0..400 {
            let mut bytes = original.clone();
            for _ in 0..1 + rng.next() % 8 {
                let i = (rng.next() as usize) % bytes.len();
                bytes[i] ^= 1 << (rng.next() % 8);
            }
            ok += usize::from(read(Cursor::new(&bytes)).is_ok());
        }
        assert!(ok < 400, "some flips must be detected");
    }

    /// Byte ranges cut out of the XML itself (then re-zipped): Ok or Err, never a panic or hang.
    #[test]
    fn xml_deletions_never_panic() {
        let xml = rich_document().into_bytes();
        let mut rng = XorShift(7);
        let started = Instant::now();
        for _ in 0..300 {
            let mut bytes = xml.clone();
            let at = (rng.next() as usize) % bytes.len();
            let len = 1 + (rng.next() as usize) % 20;
            bytes.drain(at..(at + len).min(xml.len()));
            let docx = zip_of(&[("word/document.xml", &bytes)]);
            let _ = read(Cursor::new(docx));
        }
        assert!(started.elapsed() < Duration::from_secs(20));
    }

    #[test]
    fn missing_document_xml() {
        let bytes = zip_of(&[("[Content_Types].xml", CONTENT_TYPES.as_bytes())]);
        let err = read(Cursor::new(bytes)).unwrap_err();
        assert!(matches!(err, IngestError::MissingDocumentXml));
        assert_eq!(err.to_string(), "tệp .docx thiếu word/document.xml");
    }

    #[test]
    fn odd_entry_name_is_found() {
        let xml = body(&para(&run("Chào")));
        let bytes = zip_of(&[("Word\\Document.XML", xml.as_bytes())]);
        assert_eq!(read(Cursor::new(bytes)).unwrap().text, "Chào");
    }

    #[test]
    fn ole_file_is_named() {
        let mut bytes = OLE_MAGIC.to_vec();
        bytes.extend_from_slice(&[0; 504]);
        assert!(matches!(
            read(Cursor::new(bytes)),
            Err(IngestError::OleFile)
        ));
    }

    /// 40 MB of zeros deflate to ~40 KB: the declared size is refused.
    #[test]
    fn large_part_is_refused_by_header() {
        let bytes = zeros_docx();
        let err = read(Cursor::new(&bytes)).unwrap_err();
        assert!(
            matches!(err, IngestError::PartTooLarge { size, .. } if size == ZEROS),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "phần word/document.xml quá lớn (40 MB > 32 MB)"
        );
    }

    /// The same part with its header patched to claim 1 KB: reading must
    /// stop at the cap (or at the zip's own checks), not allocate 40 MB+.
    #[test]
    fn lying_header_is_refused_while_reading() {
        let mut bytes = zeros_docx();
        patch_uncompressed_size(&mut bytes, "word/document.xml", 1024);
        let err = read(Cursor::new(&bytes)).unwrap_err();
        eprintln!("lying header: {err}");
        assert!(
            matches!(err, IngestError::ZipBomb { .. } | IngestError::BadZip(_)),
            "{err}"
        );
    }

    const ZEROS: u64 = 40 * 1024 * 1024;

    /// Built once: deflating 40 MB takes a couple of seconds in debug builds.
    fn zeros_docx() -> Vec<u8> {
        static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        BYTES.get_or_init(build_zeros_docx).clone()
    }

    fn build_zeros_docx() -> Vec<u8> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(1));
        zip.start_file("word/document.xml", options).unwrap();
        let chunk = vec![0u8; 1024 * 1024];
        for _ in 0..ZEROS / chunk.len() as u64 {
            zip.write_all(&chunk).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    /// Rewrites the uncompressed-size field of `name` in the local header
    /// and the central directory (no zip64 in these small archives).
    fn patch_uncompressed_size(bytes: &mut [u8], name: &str, size: u32) {
        let name = name.as_bytes();
        let mut patched = 0;
        for i in 0..bytes.len().saturating_sub(46 + name.len()) {
            let sig = &bytes[i..i + 4];
            let (name_at, size_at) = match sig {
                [0x50, 0x4B, 0x03, 0x04] => (i + 30, i + 22),
                [0x50, 0x4B, 0x01, 0x02] => (i + 46, i + 24),
                _ => continue,
            };
            if bytes[name_at..].starts_with(name) {
                bytes[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        }
        assert_eq!(patched, 2);
    }

    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }
}
