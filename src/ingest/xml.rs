//! One guarded pass over an XML part: depth cap, no DOCTYPE (so no entity expansion), only
//! the five XML entities and character references resolved, truncation detected.

use std::borrow::Cow;

use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;

use super::{IngestError, MAX_XML_DEPTH};

/// What a reader of one part does with the events.
pub(super) trait Handler {
    /// An element opens; `depth` counts it (the root is 1).
    fn start(&mut self, e: &BytesStart, depth: usize);
    /// The element at `depth` closes.
    fn end(&mut self, local: &str, depth: usize);
    /// A self-closed element at `depth`.
    fn empty(&mut self, e: &BytesStart, depth: usize);
    /// Character data (entities already resolved).
    fn text(&mut self, text: &str);
}

/// The part as text: UTF-8 (BOM optional) or UTF-16 with a BOM.
pub(super) fn part_text<'a>(
    bytes: &'a [u8],
    part: &'static str,
) -> Result<Cow<'a, str>, IngestError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let utf16 = |rest, unit| {
        super::txt::decode_utf16(rest, unit)
            .map(Into::into)
            .map_err(|e| IngestError::XmlInvalid {
                part,
                detail: e.to_string(),
            })
    };
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes);
    }
    std::str::from_utf8(bytes)
        .map(Into::into)
        .map_err(|e| IngestError::XmlInvalid {
            part,
            detail: format!("UTF-8 không hợp lệ ở byte {}", e.valid_up_to()),
        })
}

/// Walks `xml` once, feeding `handler`; the XML must be well-formed and end with every element
/// closed.
pub(super) fn walk(
    xml: &str,
    part: &'static str,
    handler: &mut impl Handler,
) -> Result<(), IngestError> {
    let mut reader = Reader::from_str(xml);
    // Qualified names of the open elements, concatenated; `ends` marks where each starts.
    let mut names = String::new();
    let mut ends: Vec<usize> = Vec::new();
    let mut saw_root = false;
    let invalid = |detail: String| IngestError::XmlInvalid { part, detail };
    loop {
        let event = reader
            .read_event()
            .map_err(|e| invalid(format!("{e} (byte {})", reader.error_position())))?;
        match event {
            Event::Start(e) => {
                if ends.len() >= MAX_XML_DEPTH {
                    return Err(IngestError::XmlTooDeep(MAX_XML_DEPTH));
                }
                saw_root = true;
                ends.push(names.len());
                names.push_str(e.name().as_ref());
                handler.start(&e, ends.len());
            }
            Event::End(e) => {
                let depth = ends.len();
                if let Some(start) = ends.pop() {
                    names.truncate(start);
                }
                handler.end(e.local_name().as_ref(), depth);
            }
            Event::Empty(e) => {
                saw_root = true;
                handler.empty(&e, ends.len() + 1);
            }
            Event::Text(t) => handler.text(&t.xml10_content()),
            Event::CData(t) => handler.text(&t.xml10_content()),
            Event::GeneralRef(r) => handler.text(&reference(&r).map_err(invalid)?),
            Event::DocType(_) => return Err(IngestError::XmlDoctype(part)),
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    if let Some(&start) = ends.last() {
        let open = names.get(start..).unwrap_or_default();
        return Err(IngestError::XmlTruncated {
            part,
            open: open.to_string(),
        });
    }
    if !saw_root {
        return Err(invalid("không có phần tử gốc".to_string()));
    }
    Ok(())
}

/// `&amp;`, `&#7871;`…: resolved; an undeclared entity is kept as written.
fn reference(r: &BytesRef) -> Result<String, String> {
    match r.resolve_char_ref() {
        Ok(Some(ch)) => Ok(ch.to_string()),
        Ok(None) => Ok(match resolve_xml_entity(r) {
            Some(s) => s.to_string(),
            None => format!("&{};", &**r),
        }),
        Err(e) => Err(e.to_string()),
    }
}

/// The value of the attribute whose local name is `local` (any prefix), unescaped.
pub(super) fn attr(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local).then(|| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(Cow::into_owned)
                .unwrap_or_else(|_| a.value.clone().into_owned())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect(String);

    impl Handler for Collect {
        fn start(&mut self, _: &BytesStart, _: usize) {}
        fn end(&mut self, _: &str, _: usize) {}
        fn empty(&mut self, _: &BytesStart, _: usize) {}
        fn text(&mut self, text: &str) {
            self.0.push_str(text);
        }
    }

    #[test]
    fn billion_laughs_is_refused() {
        let xml = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<w:document><w:t>&lol2;</w:t></w:document>"#;
        let err = walk(xml, "word/document.xml", &mut Collect::default()).unwrap_err();
        assert!(matches!(err, IngestError::XmlDoctype(_)), "{err}");
    }

    #[test]
    fn entities_and_truncation() {
        let mut c = Collect::default();
        walk("<a>x &amp; &#7871; &nope;</a>", "p", &mut c).unwrap();
        assert_eq!(c.0, "x & ế &nope;");
        let err = walk("<a><b>x", "p", &mut Collect::default()).unwrap_err();
        assert_eq!(err.to_string(), "XML của p bị cắt cụt (thẻ chưa đóng: <b>)");
    }
}
