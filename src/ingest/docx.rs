//! .docx submissions: a streaming zip + quick-xml pass over `word/document.xml`.
//!
//! Paragraphs (including table-cell and text-box paragraphs) become lines in
//! document order. Tracked deletions, moved-away text, field codes and
//! `mc:Fallback` copies are skipped. Elements are matched by local name, so
//! any namespace prefix works. Sizes and depth are capped and the XML must be
//! well-formed: docx-rs hangs on truncated XML, this must not.
//!
//! Runs set in a legacy Vietnamese font (`.VnTime`, `.VnTimeH` → TCVN3, `VNI-Times` → VNI),
//! by their own `w:rFonts` or by their character style, paragraph style, the default paragraph
//! style or the document defaults (`word/styles.xml`), are converted to Unicode; other runs
//! are kept as written.

use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Seek};

use quick_xml::events::BytesStart;
use zip::ZipArchive;

use super::archive::{self, Head};
use super::legacy::{convert_font_text, font_encoding, syllable_score, LegacyEncoding};
use super::xml::{self, attr, Handler};
use super::{IngestError, RawDocument, SourceFormat, MAX_DOCX_PART_BYTES};

const DOCUMENT_XML: &str = "word/document.xml";
const STYLES_XML: &str = "word/styles.xml";
/// Largest `word/styles.xml` read for font defaults (4 MiB; a bigger one is ignored).
const MAX_STYLES_BYTES: u64 = 4 * 1024 * 1024;
const KIND: &str = ".docx";

/// Elements whose whole content is not part of the visible text.
const SKIPPED: &[&str] = &[
    "del",          // tracked deletion
    "delText",      // deleted run text
    "delInstrText", // deleted field code
    "moveFrom",     // text moved away (it appears again at moveTo)
    "instrText",    // field code, e.g. PAGE \* MERGEFORMAT
    "Fallback",     // mc:Fallback: second copy of a text box
];

/// Reads the text of a .docx from any seekable reader.
pub(super) fn read<R: Read + Seek>(mut reader: R) -> Result<RawDocument, IngestError> {
    match archive::head(&mut reader)? {
        Head::Empty => return Err(IngestError::Empty),
        Head::Ole => return Err(IngestError::OleFile),
        Head::Other => {}
    }
    let mut zip = archive::open(reader, KIND)?;
    let name = archive::find_part(&zip, DOCUMENT_XML).ok_or(IngestError::MissingPart {
        kind: KIND,
        part: DOCUMENT_XML,
    })?;
    let xml = archive::read_part(&mut zip, &name, MAX_DOCX_PART_BYTES, KIND)?;
    let styles = read_styles(&mut zip);
    let xml = xml::part_text(&xml, DOCUMENT_XML)?;
    let mut walker = Walker::new(&styles);
    xml::walk(&xml, DOCUMENT_XML, &mut walker)?;
    let extracted = walker.finish();
    if extracted.text.trim().is_empty() {
        return Err(IngestError::Empty);
    }
    Ok(RawDocument {
        format: SourceFormat::Docx,
        text: extracted.text,
        notes: extracted.notes,
        legacy_encoding: extracted.legacy,
    })
}

/// The font a run is set in, as far as legacy encodings go.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Font {
    /// A legacy font: its name, encoding and whether it draws capitals.
    Legacy(String, LegacyEncoding, bool),
    /// Any other font (or a theme font).
    Unicode,
}

/// The font named by a `w:rFonts`: `w:hAnsi` (the font of Latin-1 letters, where legacy
/// bytes live), else `w:ascii`; a theme font counts as Unicode. `None` when it names neither
/// (only East-Asian or complex-script fonts), so the style's font applies.
fn font_of(e: &BytesStart) -> Option<Font> {
    let named = attr(e, "hAnsi").or_else(|| attr(e, "ascii"));
    if let Some(name) = named {
        return Some(match font_encoding(&name) {
            Some((enc, caps)) => Font::Legacy(name, enc, caps),
            None => Font::Unicode,
        });
    }
    (attr(e, "hAnsiTheme").is_some() || attr(e, "asciiTheme").is_some()).then_some(Font::Unicode)
}

/// Fonts of the styles in `word/styles.xml`.
#[derive(Debug, Default)]
struct Styles {
    /// Style id → (based on, font).
    styles: HashMap<String, (Option<String>, Option<Font>)>,
    /// The paragraph style marked `w:default="1"`.
    default_paragraph: Option<String>,
    /// `w:docDefaults/w:rPrDefault` font.
    doc_default: Option<Font>,
}

impl Styles {
    /// The font of a style, following `w:basedOn` (at most 16 steps: cycles end).
    fn resolve(&self, id: &str) -> Option<&Font> {
        let mut id = id;
        for _ in 0..16 {
            let (based_on, font) = self.styles.get(id)?;
            if let Some(f) = font {
                return Some(f);
            }
            id = based_on.as_deref()?;
        }
        None
    }
}

/// Styles from `word/styles.xml`; an absent, oversized or broken part gives no styles (the
/// runs' own fonts still count).
fn read_styles<R: Read + Seek>(zip: &mut ZipArchive<R>) -> Styles {
    let Some(name) = archive::find_part(zip, STYLES_XML) else {
        return Styles::default();
    };
    let Ok(bytes) = archive::read_part(zip, &name, MAX_STYLES_BYTES, KIND) else {
        return Styles::default();
    };
    let Ok(text) = xml::part_text(&bytes, STYLES_XML) else {
        return Styles::default();
    };
    let mut reader = StylesReader::default();
    match xml::walk(&text, STYLES_XML, &mut reader) {
        Ok(()) => reader.styles,
        Err(_) => Styles::default(),
    }
}

#[derive(Default)]
struct StylesReader {
    styles: Styles,
    /// The style being read (id), or `Some("")` inside `w:docDefaults`.
    current: Option<String>,
    /// Depth of a `w:tblStylePr` (conditional table formatting: not the style's font).
    skip_from: Option<usize>,
}

impl StylesReader {
    fn element(&mut self, e: &BytesStart, depth: usize, opens: bool) {
        if self.skip_from.is_some() {
            return;
        }
        match e.local_name().as_ref() {
            "style" => {
                let id = attr(e, "styleId").unwrap_or_default();
                let is_default = attr(e, "default").is_some_and(|v| v == "1" || v == "true");
                if is_default && attr(e, "type").as_deref() == Some("paragraph") {
                    self.styles.default_paragraph = Some(id.clone());
                }
                self.styles.styles.entry(id.clone()).or_default();
                self.current = opens.then_some(id);
            }
            "docDefaults" if opens => self.current = Some(String::new()),
            "tblStylePr" if opens => self.skip_from = Some(depth),
            "basedOn" => {
                if let (Some(id), Some(val)) = (self.current.as_ref(), attr(e, "val")) {
                    if let Some(entry) = self.styles.styles.get_mut(id) {
                        entry.0 = Some(val);
                    }
                }
            }
            "rFonts" => {
                let Some(font) = font_of(e) else { return };
                match self.current.as_deref() {
                    Some("") => self.styles.doc_default = Some(font),
                    Some(id) => {
                        if let Some(entry) = self.styles.styles.get_mut(id) {
                            entry.1 = Some(font);
                        }
                    }
                    None => {}
                }
            }
            _ => {}
        }
    }
}

impl Handler for StylesReader {
    fn start(&mut self, e: &BytesStart, depth: usize) {
        self.element(e, depth, true);
    }
    fn end(&mut self, local: &str, depth: usize) {
        if self.skip_from == Some(depth) {
            self.skip_from = None;
        } else if self.skip_from.is_none() && matches!(local, "style" | "docDefaults") {
            self.current = None;
        }
    }
    fn empty(&mut self, e: &BytesStart, depth: usize) {
        self.element(e, depth, false);
    }
    fn text(&mut self, _: &str) {}
}

/// Lines, notes and legacy encodings taken from `word/document.xml`.
struct Extracted {
    text: String,
    notes: Vec<String>,
    legacy: Option<String>,
}

/// A line being built: plain text, and runs in a legacy font kept apart until the end, when
/// each font is checked (a "legacy" font is sometimes applied to Unicode text).
type Line = Vec<Piece>;

enum Piece {
    Text(String),
    /// Text of a run in `fonts[font]`.
    Legacy {
        font: usize,
        text: String,
    },
}

fn push_text(line: &mut Line, s: &str) {
    match line.last_mut() {
        Some(Piece::Text(t)) => t.push_str(s),
        _ => line.push(Piece::Text(s.to_string())),
    }
}

/// Vietnamese letters that only Unicode has: a run in a "legacy" font containing them was
/// typed in Unicode (the Windows-1252 view of legacy bytes never has them).
pub(super) fn has_unicode_vietnamese(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{102}'..='\u{103}' | '\u{110}'..='\u{111}' | '\u{128}'..='\u{129}'
            | '\u{168}'..='\u{169}' | '\u{1A0}'..='\u{1A1}' | '\u{1AF}'..='\u{1B0}'
            | '\u{1EA0}'..='\u{1EF9}' | '\u{300}'..='\u{323}')
    })
}

/// An open paragraph.
struct Para {
    depth: usize,
    text: Line,
    style: Option<String>,
}

/// An open run: its text is converted as a whole when it closes (a VNI letter may span two
/// text events).
struct Run {
    depth: usize,
    text: String,
    font: Option<Font>,
    style: Option<String>,
}

/// Which properties element is being read.
#[derive(Clone, Copy)]
enum Props {
    Para,
    Run,
}

/// The state of one pass over the XML.
struct Walker<'s> {
    styles: &'s Styles,
    /// Finished lines, in document order.
    lines: Vec<Line>,
    /// Open paragraphs, innermost last (text boxes nest inside paragraphs).
    paragraphs: Vec<Para>,
    /// Open runs, innermost last.
    runs: Vec<Run>,
    /// Text found outside any paragraph (odd producers).
    loose: Line,
    /// Legacy fonts met: name, encoding, capitals.
    fonts: Vec<(String, LegacyEncoding, bool)>,
    /// Depth of the element whose content is being skipped.
    skip_from: Option<usize>,
    /// Depth and kind of the `w:pPr`/`w:rPr` being read.
    props: Option<(usize, Props)>,
    texts: usize,
    skipped_deletions: bool,
    saw_text_box: bool,
}

impl<'s> Walker<'s> {
    fn new(styles: &'s Styles) -> Self {
        Walker {
            styles,
            lines: Vec::new(),
            paragraphs: Vec::new(),
            runs: Vec::new(),
            loose: Vec::new(),
            fonts: Vec::new(),
            skip_from: None,
            props: None,
            texts: 0,
            skipped_deletions: false,
            saw_text_box: false,
        }
    }

    /// A child of the `w:pPr`/`w:rPr` being read.
    fn property(&mut self, kind: Props, e: &BytesStart) {
        match (kind, e.local_name().as_ref()) {
            (Props::Para, "pStyle") => {
                if let Some(p) = self.paragraphs.last_mut() {
                    p.style = attr(e, "val");
                }
            }
            (Props::Run, "rStyle") => {
                if let Some(r) = self.runs.last_mut() {
                    r.style = attr(e, "val");
                }
            }
            (Props::Run, "rFonts") => {
                if let Some(r) = self.runs.last_mut() {
                    r.font = font_of(e);
                }
            }
            _ => {}
        }
    }

    /// Tabs, breaks and hyphens inside a run.
    fn special_char(&mut self, local: &str) {
        let ch = match local {
            "tab" | "ptab" => '\t',
            "br" | "cr" => '\n',
            "noBreakHyphen" => '-',
            _ => return,
        };
        if let Some(run) = self.runs.last_mut() {
            run.text.push(ch);
        }
    }

    /// The font that applies to a run: its own, its character style's, its paragraph's
    /// style's (or the default paragraph style's), the document default.
    fn run_font<'a>(&'a self, run: &'a Run) -> Option<&'a Font> {
        if let Some(f) = &run.font {
            return Some(f);
        }
        if let Some(f) = run.style.as_deref().and_then(|s| self.styles.resolve(s)) {
            return Some(f);
        }
        let para_style = self
            .paragraphs
            .last()
            .and_then(|p| p.style.as_deref())
            .or(self.styles.default_paragraph.as_deref());
        if let Some(f) = para_style.and_then(|s| self.styles.resolve(s)) {
            return Some(f);
        }
        self.styles.doc_default.as_ref()
    }

    /// A run closes: its text joins the paragraph, kept apart if its font is a legacy one.
    fn close_run(&mut self, run: Run) {
        let legacy = match self.run_font(&run) {
            Some(Font::Legacy(name, enc, caps)) if !run.text.is_empty() => {
                Some((name.clone(), *enc, *caps))
            }
            _ => None,
        };
        match legacy {
            Some(font) => {
                let i = match self.fonts.iter().position(|f| *f == font) {
                    Some(i) => i,
                    None => {
                        self.fonts.push(font);
                        self.fonts.len() - 1
                    }
                };
                self.current().push(Piece::Legacy {
                    font: i,
                    text: run.text,
                });
            }
            None => push_text(self.current(), &run.text),
        }
    }

    fn current(&mut self) -> &mut Line {
        match self.paragraphs.last_mut() {
            Some(p) => &mut p.text,
            None => &mut self.loose,
        }
    }

    fn flush_loose(&mut self) {
        if !self.loose.is_empty() {
            self.lines.push(std::mem::take(&mut self.loose));
        }
    }

    /// Decides, per legacy font, whether its runs really are legacy bytes (most runs read
    /// better converted) or Unicode text in a legacy-named font (most runs have letters only
    /// Unicode has); converts the former and joins the lines.
    fn finish(mut self) -> Extracted {
        self.flush_loose();
        let mut unicode_runs = vec![0usize; self.fonts.len()];
        let mut legacy_runs = vec![0usize; self.fonts.len()];
        for piece in self.lines.iter().flatten() {
            let Piece::Legacy { font, text } = piece else {
                continue;
            };
            let Some(&(_, enc, caps)) = self.fonts.get(*font) else {
                continue;
            };
            if has_unicode_vietnamese(text) {
                unicode_runs[*font] += 1;
            } else {
                let before = syllable_score(text).marked_valid;
                let after = syllable_score(&convert_font_text(text, enc, caps)).marked_valid;
                legacy_runs[*font] += usize::from(after > before);
            }
        }
        let convert: Vec<bool> = unicode_runs
            .iter()
            .zip(&legacy_runs)
            .map(|(u, l)| l >= u)
            .collect();
        let mut converted_runs = 0;
        let mut legacy_fonts = BTreeSet::new();
        let mut legacy: Vec<LegacyEncoding> = Vec::new();
        let mut kept_fonts = BTreeSet::new();
        let mut lines = Vec::with_capacity(self.lines.len());
        for line in &self.lines {
            let mut out = String::new();
            for piece in line {
                match piece {
                    Piece::Text(t) => out.push_str(t),
                    Piece::Legacy { font, text } => {
                        let Some((name, enc, caps)) = self.fonts.get(*font) else {
                            out.push_str(text);
                            continue;
                        };
                        if !convert.get(*font).copied().unwrap_or(false) {
                            kept_fonts.insert(name.as_str());
                            out.push_str(text);
                            continue;
                        }
                        let t = convert_font_text(text, *enc, *caps);
                        if t != *text {
                            converted_runs += 1;
                            legacy_fonts.insert(name.as_str());
                            if !legacy.contains(enc) {
                                legacy.push(*enc);
                            }
                        }
                        out.push_str(&t);
                    }
                }
            }
            lines.push(out);
        }
        let mut notes = Vec::new();
        if self.saw_text_box {
            notes.push("Đã lấy cả chữ trong hộp văn bản (text box)".to_string());
        }
        if self.skipped_deletions {
            notes.push("Đã bỏ qua phần bị xóa khi theo dõi thay đổi (track changes)".to_string());
        }
        if !kept_fonts.is_empty() {
            let fonts: Vec<&str> = kept_fonts.into_iter().collect();
            notes.push(format!(
                "Chữ đặt phông {} nhưng đã gõ bằng Unicode: giữ nguyên",
                fonts.join(", ")
            ));
        }
        let mut legacy_label = None;
        if !legacy.is_empty() {
            let labels: Vec<&str> = legacy.iter().map(|e| e.label()).collect();
            let fonts: Vec<&str> = legacy_fonts.into_iter().collect();
            notes.push(format!(
                "{converted_runs} đoạn chữ dùng phông {} ({}) đã được chuyển sang Unicode",
                fonts.join(", "),
                labels.join(", ")
            ));
            legacy_label = Some(labels.join(", "));
        }
        Extracted {
            text: lines.join("\n"),
            notes,
            legacy: legacy_label,
        }
    }
}

impl Handler for Walker<'_> {
    fn start(&mut self, e: &BytesStart, depth: usize) {
        if self.skip_from.is_some() {
            return;
        }
        if let Some((_, kind)) = self.props {
            self.property(kind, e);
            return;
        }
        let local = e.local_name();
        let local = local.as_ref();
        if SKIPPED.contains(&local) {
            self.skip_from = Some(depth);
            self.skipped_deletions |= matches!(local, "del" | "delText" | "moveFrom");
            return;
        }
        match local {
            "pPr" if self.paragraphs.last().is_some_and(|p| p.depth + 1 == depth) => {
                self.props = Some((depth, Props::Para));
            }
            "rPr" if self.runs.last().is_some_and(|r| r.depth + 1 == depth) => {
                self.props = Some((depth, Props::Run));
            }
            // Properties elsewhere (section, table, paragraph mark): nothing to read.
            "pPr" | "rPr" | "sectPr" | "tblPr" | "tcPr" | "trPr" => {
                self.skip_from = Some(depth);
            }
            "p" => {
                self.flush_loose();
                self.paragraphs.push(Para {
                    depth,
                    text: Vec::new(),
                    style: None,
                });
            }
            "r" => self.runs.push(Run {
                depth,
                text: String::new(),
                font: None,
                style: None,
            }),
            "t" => self.texts += 1,
            "txbxContent" => self.saw_text_box = true,
            other => self.special_char(other),
        }
    }

    fn end(&mut self, local: &str, depth: usize) {
        if let Some(d) = self.skip_from {
            if d == depth {
                self.skip_from = None;
            }
            return;
        }
        if let Some((d, _)) = self.props {
            if d == depth {
                self.props = None;
            }
            return;
        }
        match local {
            "p" if self.paragraphs.last().is_some_and(|p| p.depth == depth) => {
                if let Some(p) = self.paragraphs.pop() {
                    self.lines.push(p.text);
                }
            }
            "r" if self.runs.last().is_some_and(|r| r.depth == depth) => {
                if let Some(r) = self.runs.pop() {
                    self.close_run(r);
                }
            }
            "t" => self.texts = self.texts.saturating_sub(1),
            _ => {}
        }
    }

    /// A self-closed element: a special character, a property or an empty paragraph.
    fn empty(&mut self, e: &BytesStart, _depth: usize) {
        if self.skip_from.is_some() {
            return;
        }
        if let Some((_, kind)) = self.props {
            self.property(kind, e);
            return;
        }
        match e.local_name().as_ref() {
            "p" => {
                self.flush_loose();
                self.lines.push(Vec::new());
            }
            other => self.special_char(other),
        }
    }

    fn text(&mut self, text: &str) {
        if self.texts == 0 || self.skip_from.is_some() || self.props.is_some() {
            return;
        }
        match self.runs.last_mut() {
            Some(run) => run.text.push_str(text),
            None => push_text(self.current(), text),
        }
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
    fn legacy_font_on_unicode_text_is_kept() {
        let vn = |t: &str| {
            format!("<w:r><w:rPr><w:rFonts w:ascii=\".VnTime\" w:hAnsi=\".VnTime\"/></w:rPr><w:t>{t}</w:t></w:r>")
        };
        // A template in .VnTime, typed in Unicode: most runs have ư, ơ, ạ… — keep them all.
        let xml = body(
            &[
                para(&vn("Nghị quyết Đại hội")),
                para(&vn("các")),
                para(&vn("Trường học")),
            ]
            .concat(),
        );
        let doc = read_xml(&xml).unwrap();
        assert_eq!(doc.text, "Nghị quyết Đại hội\ncác\nTrường học");
        assert_eq!(doc.legacy_encoding, None);
        assert!(
            doc.notes.iter().any(|n| n.contains("giữ nguyên")),
            "{:?}",
            doc.notes
        );
        // Real TCVN3 runs in the same font are converted.
        let xml = body(&[para(&vn("NghÞ quyÕt")), para(&vn("c¸c"))].concat());
        let doc = read_xml(&xml).unwrap();
        assert_eq!(doc.text, "Nghị quyết\ncác");
        assert_eq!(doc.legacy_encoding.as_deref(), Some("TCVN3 (ABC)"));
    }

    #[test]
    fn any_prefix_works() {
        let xml = r#"<ns0:document xmlns:ns0="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><ns0:body><ns0:p><ns0:r><ns0:t>Chào</ns0:t></ns0:r></ns0:p><p><r><t>bạn</t></r></p></ns0:body></ns0:document>"#;
        assert_eq!(read_xml(xml).unwrap().text, "Chào\nbạn");
    }

    #[cfg(feature = "reports")]
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
            assert!(
                matches!(err, IngestError::BadZip { .. }),
                "cut {cut}: {err}"
            );
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
            matches!(&err, IngestError::XmlTruncated { open, .. } if open == "w:t"),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "XML của word/document.xml bị cắt cụt (thẻ chưa đóng: <w:t>)"
        );

        // Ending right after a start tag, or inside a tag, fails as well.
        let open_p = r#"<w:document xmlns:w="x"><w:body><w:p>"#;
        assert!(
            matches!(read_xml(open_p), Err(IngestError::XmlTruncated { open, .. }) if open == "w:p")
        );
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
        assert!(matches!(err, IngestError::XmlInvalid { .. }), "{err}");
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
        assert!(matches!(err, IngestError::MissingPart { .. }));
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
        let mut bytes = archive::OLE_MAGIC.to_vec();
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
            matches!(
                err,
                IngestError::ZipBomb { .. } | IngestError::BadZip { .. }
            ),
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
