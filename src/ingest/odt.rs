//! .odt submissions (OpenDocument text): the same guarded zip + XML pass as .docx, over
//! `content.xml`.
//!
//! `text:p` and `text:h` become lines (table cells, list items and frames included);
//! `text:s`, `text:tab` and `text:line-break` become spaces, tabs and newlines. Notes,
//! annotations and tracked-change records are skipped. Text set in a legacy Vietnamese font by
//! an automatic style of `content.xml` (`style:font-name` or `fo:font-family` such as
//! `.VnTime` or `VNI-Times`) is converted to Unicode.

use std::collections::HashMap;
use std::io::{Read, Seek};

use quick_xml::events::BytesStart;

use super::archive::{self, Head};
use super::legacy::{convert_font_text, font_encoding, LegacyEncoding};
use super::xml::{self, attr, Handler};
use super::{IngestError, RawDocument, SourceFormat, MAX_DOCX_PART_BYTES};

const CONTENT_XML: &str = "content.xml";
const KIND: &str = ".odt";
/// Most spaces one `text:s` may stand for.
const MAX_SPACES: usize = 1000;

/// Elements whose whole content is not part of the visible text.
const SKIPPED: &[&str] = &[
    "note",            // footnotes and endnotes (citation and body)
    "annotation",      // comments
    "tracked-changes", // deleted text of tracked changes
    "sequence-decls",
    "variable-decls",
    "user-field-decls",
    "bookmark-ref",
    "desc",  // svg:desc, alt text
    "title", // svg:title
];

/// Reads the text of an .odt from any seekable reader.
pub(super) fn read<R: Read + Seek>(mut reader: R) -> Result<RawDocument, IngestError> {
    match archive::head(&mut reader)? {
        Head::Empty => return Err(IngestError::Empty),
        Head::Ole => {
            return Err(IngestError::BadZip {
                kind: KIND,
                detail: "tệp OLE (Word cũ hoặc có mật khẩu), không phải OpenDocument".to_string(),
            })
        }
        Head::Other => {}
    }
    let mut zip = archive::open(reader, KIND)?;
    let name = archive::find_part(&zip, CONTENT_XML).ok_or(IngestError::MissingPart {
        kind: KIND,
        part: CONTENT_XML,
    })?;
    let bytes = archive::read_part(&mut zip, &name, MAX_DOCX_PART_BYTES, KIND)?;
    let text = xml::part_text(&bytes, CONTENT_XML)?;
    let mut walker = Walker::default();
    xml::walk(&text, CONTENT_XML, &mut walker)?;
    let text = walker.lines.join("\n");
    if text.trim().is_empty() {
        return Err(IngestError::Empty);
    }
    let mut notes = Vec::new();
    let mut legacy = None;
    if !walker.legacy.is_empty() {
        let labels: Vec<&str> = walker.legacy.iter().map(|e| e.label()).collect();
        notes.push(format!(
            "{} đoạn chữ dùng phông tiếng Việt cũ ({}) đã được chuyển sang Unicode",
            walker.converted,
            labels.join(", ")
        ));
        legacy = Some(labels.join(", "));
    }
    Ok(RawDocument {
        format: SourceFormat::Odt,
        text,
        notes,
        legacy_encoding: legacy,
    })
}

type Legacy = Option<(LegacyEncoding, bool)>;

/// An open element that may set a font (paragraph, heading, span).
struct Scope {
    depth: usize,
    font: Option<Legacy>,
}

#[derive(Default)]
struct Walker {
    lines: Vec<String>,
    /// Open paragraphs: their finished text, and the segment being collected.
    paragraphs: Vec<(usize, String)>,
    /// Text since the last change of font, and the font it is in.
    segment: String,
    scopes: Vec<Scope>,
    /// Font-face name → family.
    faces: HashMap<String, String>,
    /// Automatic style name → (parent style, font).
    styles: HashMap<String, (Option<String>, Option<Legacy>)>,
    /// The automatic style whose properties are being read.
    style: Option<String>,
    skip_from: Option<usize>,
    converted: usize,
    legacy: Vec<LegacyEncoding>,
}

impl Walker {
    fn font_of_family(&self, name: &str) -> Legacy {
        let family = self.faces.get(name).map_or(name, String::as_str);
        font_encoding(family)
    }

    /// The font a style sets, following parents (16 steps at most).
    fn style_font(&self, name: &str) -> Option<Legacy> {
        let mut name = name;
        for _ in 0..16 {
            let (parent, font) = self.styles.get(name)?;
            if let Some(f) = font {
                return Some(*f);
            }
            name = parent.as_deref()?;
        }
        None
    }

    fn current_font(&self) -> Legacy {
        self.scopes.iter().rev().find_map(|s| s.font).flatten()
    }

    /// Converts and appends the pending segment to the innermost paragraph.
    fn flush_segment(&mut self) {
        if self.segment.is_empty() {
            return;
        }
        let seg = std::mem::take(&mut self.segment);
        let text = match self.current_font() {
            // Letters only Unicode has: typed in Unicode, whatever the font says.
            Some(_) if super::docx::has_unicode_vietnamese(&seg) => seg,
            Some((enc, caps)) => {
                let t = convert_font_text(&seg, enc, caps);
                if t != seg {
                    self.converted += 1;
                    if !self.legacy.contains(&enc) {
                        self.legacy.push(enc);
                    }
                }
                t
            }
            None => seg,
        };
        if let Some((_, p)) = self.paragraphs.last_mut() {
            p.push_str(&text);
        }
    }

    fn push(&mut self, s: &str) {
        if !self.paragraphs.is_empty() {
            self.segment.push_str(s);
        }
    }

    fn element(&mut self, e: &BytesStart, depth: usize, opens: bool) {
        let local = e.local_name();
        let local = local.as_ref();
        if SKIPPED.contains(&local) {
            if opens {
                self.skip_from = Some(depth);
            }
            return;
        }
        match local {
            "font-face" => {
                if let (Some(name), Some(family)) = (attr(e, "name"), attr(e, "font-family")) {
                    self.faces.insert(name, family);
                }
            }
            "style" => {
                let name = attr(e, "name").unwrap_or_default();
                let parent = attr(e, "parent-style-name");
                self.styles.insert(name.clone(), (parent, None));
                self.style = opens.then_some(name);
            }
            "text-properties" => {
                let Some(style) = self.style.clone() else {
                    return;
                };
                let font = attr(e, "font-name")
                    .map(|n| self.font_of_family(&n))
                    .or_else(|| attr(e, "font-family").map(|f| font_encoding(&f)));
                if let (Some(font), Some(entry)) = (font, self.styles.get_mut(&style)) {
                    entry.1 = Some(font);
                }
            }
            "p" | "h" => {
                self.flush_segment();
                if opens {
                    let font = attr(e, "style-name").and_then(|s| self.style_font(&s));
                    self.paragraphs.push((depth, String::new()));
                    self.scopes.push(Scope { depth, font });
                } else {
                    self.lines.push(String::new());
                }
            }
            "span" | "a" if opens => {
                self.flush_segment();
                let font = attr(e, "style-name").and_then(|s| self.style_font(&s));
                self.scopes.push(Scope { depth, font });
            }
            "s" => {
                let n = attr(e, "c")
                    .and_then(|c| c.trim().parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, MAX_SPACES);
                self.push(&" ".repeat(n));
            }
            "tab" => self.push("\t"),
            "line-break" => self.push("\n"),
            _ => {}
        }
    }
}

impl Handler for Walker {
    fn start(&mut self, e: &BytesStart, depth: usize) {
        if self.skip_from.is_none() {
            self.element(e, depth, true);
        }
    }

    fn end(&mut self, local: &str, depth: usize) {
        if let Some(d) = self.skip_from {
            if d == depth {
                self.skip_from = None;
            }
            return;
        }
        if local == "style" {
            self.style = None;
        }
        if self.scopes.last().is_some_and(|s| s.depth == depth) {
            self.flush_segment();
            self.scopes.pop();
        }
        if self.paragraphs.last().is_some_and(|(d, _)| *d == depth) {
            if let Some((_, text)) = self.paragraphs.pop() {
                self.lines.push(text);
            }
        }
    }

    fn empty(&mut self, e: &BytesStart, depth: usize) {
        if self.skip_from.is_none() {
            self.element(e, depth, false);
        }
    }

    fn text(&mut self, text: &str) {
        if self.skip_from.is_none() {
            self.push(text);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::{Cursor, Write};
    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, ZipWriter};

    /// A minimal .odt whose `content.xml` has `body` inside `office:text`.
    pub(crate) fn make_odt(styles: &str, body: &str) -> Vec<u8> {
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3"><office:font-face-decls><style:font-face style:name=".VnTime" svg:font-family="'.VnTime'"/><style:font-face style:name=".VnTimeH" svg:font-family="'.VnTimeH'"/></office:font-face-decls><office:automatic-styles>{styles}</office:automatic-styles><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
        );
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.text")
            .unwrap();
        let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        zip.start_file("content.xml", deflated).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn extracts_paragraphs_lists_tables_and_spaces() {
        let body = r#"<text:h text:outline-level="1">BÀI THU HOẠCH</text:h><text:p>Họ và tên:<text:s text:c="3"/>Lê Văn A<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Chú thích</text:p></text:note-body></text:note></text:p><text:list><text:list-item><text:p>Một<text:tab/>hai<text:line-break/>ba</text:p></text:list-item></text:list><table:table><table:table-row><table:table-cell><text:p>Ô 1</text:p></table:table-cell></table:table-row></table:table><text:p/><text:p>Kinh tế &amp; <text:span text:style-name="T9">xã hội</text:span></text:p>"#;
        let doc = read(Cursor::new(make_odt("", body))).unwrap();
        assert_eq!(
            doc.text,
            "BÀI THU HOẠCH\nHọ và tên:   Lê Văn A\nMột\thai\nba\nÔ 1\n\nKinh tế & xã hội"
        );
        assert_eq!(doc.format, SourceFormat::Odt);
        assert_eq!(doc.legacy_encoding, None);
    }

    #[test]
    fn legacy_font_spans_are_converted() {
        let styles = r#"<style:style style:name="T1" style:family="text"><style:text-properties style:font-name=".VnTime"/></style:style><style:style style:name="T2" style:family="text"><style:text-properties style:font-name=".VnTimeH"/></style:style><style:style style:name="P1" style:family="paragraph"><style:text-properties fo:font-family="VNI-Times"/></style:style>"#;
        let body = r#"<text:p>Unicode: Nghị quyết; <text:span text:style-name="T1">TCVN3: NghÞ quyÕt</text:span></text:p><text:p><text:span text:style-name="T2">nghÞ quyÕt</text:span></text:p><text:p text:style-name="P1">Nghò quyeát</text:p>"#;
        let doc = read(Cursor::new(make_odt(styles, body))).unwrap();
        assert_eq!(
            doc.text,
            "Unicode: Nghị quyết; TCVN3: Nghị quyết\nNGHỊ QUYẾT\nNghị quyết"
        );
        assert_eq!(doc.legacy_encoding.as_deref(), Some("TCVN3 (ABC), VNI"));
    }

    #[test]
    fn broken_odt_is_error() {
        let bytes = make_odt("", "<text:p>Chào</text:p>");
        assert!(matches!(
            read(Cursor::new(&bytes[..bytes.len() / 2])),
            Err(IngestError::BadZip { .. })
        ));
        assert!(matches!(read(Cursor::new(b"")), Err(IngestError::Empty)));
    }
}
