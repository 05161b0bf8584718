//! .html/.htm submissions: tags stripped, entities decoded, `script`/`style`/`head` skipped,
//! one line per block element. A tolerant single pass, no tree: nesting depth costs nothing.
//!
//! Encoding: Unicode (BOM or UTF-8) first; else the charset the page declares; pages declared
//! (or assumed) Latin-1 are checked for TCVN3 / VNI / Windows-1258 first, as old Vietnamese
//! pages were made that way.

use encoding_rs::Encoding;

use super::legacy::{self, LegacyEncoding};
use super::txt;
use super::{IngestError, RawDocument, SourceFormat};

/// Reads an HTML file's text.
pub(super) fn read(bytes: &[u8]) -> Result<RawDocument, IngestError> {
    let (text, mut notes) = match txt::unicode(bytes) {
        Ok((html, notes)) => (strip(&html), notes),
        Err(IngestError::NotUnicode { offset }) => return read_8bit(bytes, offset),
        Err(e) => return Err(e),
    };
    if text.trim().is_empty() && !bytes.is_empty() {
        notes.push("Trang HTML không có chữ".to_string());
    }
    txt::document(text, SourceFormat::Html, notes, None)
}

/// An HTML page that is not Unicode.
fn read_8bit(bytes: &[u8], offset: usize) -> Result<RawDocument, IngestError> {
    let declared = declared_charset(bytes);
    let latin1_like = declared.is_none_or(|e| e == encoding_rs::WINDOWS_1252);
    if !latin1_like {
        let enc = declared.unwrap_or(encoding_rs::WINDOWS_1252);
        let (html, _, _) = enc.decode(bytes);
        let legacy = (enc == encoding_rs::WINDOWS_1258)
            .then(|| LegacyEncoding::Windows1258.label().to_string());
        let notes = vec![format!("Trang HTML mã hóa {}", enc.name())];
        let text: String =
            unicode_normalization::UnicodeNormalization::nfc(strip(&html).chars()).collect();
        return txt::document(text, SourceFormat::Html, notes, legacy);
    }
    // Latin-1 view: one char per byte, so the legacy decoders can map them back.
    let view: String = bytes.iter().map(|&b| char::from(b)).collect();
    let stripped = strip(&view);
    if let Some((enc, text)) = legacy::decode_legacy_view(&stripped) {
        let notes = vec![format!(
            "Trang HTML mã hóa {} (không phải Unicode)",
            enc.label()
        )];
        return txt::document(
            text,
            SourceFormat::Html,
            notes,
            Some(enc.label().to_string()),
        );
    }
    match declared {
        // Declared Latin-1 and not Vietnamese: read as declared.
        Some(enc) => {
            let (html, _, _) = enc.decode(bytes);
            let notes = vec![format!("Trang HTML mã hóa {}", enc.name())];
            txt::document(strip(&html), SourceFormat::Html, notes, None)
        }
        None => Err(IngestError::NotUnicode { offset }),
    }
}

/// The charset named by `<meta charset=…>` or `content="…; charset=…"` in the first 4 KB.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let at = lower.windows(8).position(|w| w == b"charset=")? + 8;
    let rest = &lower[at..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .unwrap_or(rest.len());
    let enc = Encoding::for_label(&rest[..end])?;
    // A page that claims UTF-8 but is not: treat as undeclared.
    (enc != encoding_rs::UTF_8).then_some(enc)
}

/// Elements whose content is not text.
const SKIPPED: [&str; 7] = [
    "script", "style", "head", "template", "noscript", "svg", "math",
];
/// Elements that start a new line.
const BLOCKS: [&str; 36] = [
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "tr",
    "td",
    "th",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "hr",
    "dt",
    "dd",
    "dl",
    "title",
    "body",
    "main",
    "nav",
    "aside",
    "figure",
    "figcaption",
    "address",
    "form",
    "caption",
];

/// The text of an HTML document: one line per block, spaces collapsed outside `<pre>`.
pub(super) fn strip(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut pre = 0usize;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut out, rest, pre > 0);
            break;
        };
        push_text(&mut out, &rest[..lt], pre > 0);
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest.find('>').map_or("", |i| &rest[i + 1..]);
            continue;
        }
        let (closing, name_from) = match rest.strip_prefix("</") {
            Some(r) => (true, r),
            None => (false, &rest[1..]),
        };
        let name_len = name_from
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(name_from.len());
        if name_len == 0 {
            // A lone '<' is text.
            push_text(&mut out, "<", pre > 0);
            rest = &rest[1..];
            continue;
        }
        let name = &name_from[..name_len];
        let end = tag_end(name_from);
        rest = &name_from[end..];
        let is = |list: &[&str]| list.iter().any(|n| n.eq_ignore_ascii_case(name));
        if !closing && is(&SKIPPED) {
            rest = skip_to_close(rest, name);
            continue;
        }
        if name.eq_ignore_ascii_case("pre") {
            pre = if closing {
                pre.saturating_sub(1)
            } else {
                pre + 1
            };
        }
        if is(&BLOCKS) {
            newline(&mut out);
        }
    }
    let mut text = String::with_capacity(out.len());
    for line in out.split('\n') {
        let line = line.trim_matches([' ', '\t']);
        if !line.is_empty() {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(line);
        }
    }
    text
}

/// Byte index just past the `>` ending a tag (quotes respected), or the end.
fn tag_end(s: &str) -> usize {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

/// The rest after `</name>` (any case), or nothing if it never closes.
fn skip_to_close<'a>(s: &'a str, name: &str) -> &'a str {
    let mut from = 0;
    while let Some(i) = s[from..].find("</") {
        let at = from + i + 2;
        let candidate = s.get(at..at + name.len());
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name)) {
            let after = &s[at + name.len()..];
            return after.find('>').map_or("", |j| &after[j + 1..]);
        }
        from = at;
    }
    ""
}

fn newline(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

/// Text between tags: whitespace collapsed (unless in `<pre>`), entities decoded.
fn push_text(out: &mut String, text: &str, pre: bool) {
    let mut rest = text;
    while !rest.is_empty() {
        let amp = rest.find('&').unwrap_or(rest.len());
        push_plain(out, &rest[..amp], pre);
        rest = &rest[amp..];
        if rest.is_empty() {
            break;
        }
        match entity(rest, out) {
            Some(len) => rest = &rest[len..],
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
}

fn push_plain(out: &mut String, text: &str, pre: bool) {
    for c in text.chars() {
        if pre {
            out.push(c);
        } else if c.is_ascii_whitespace() {
            if !(out.is_empty() || out.ends_with([' ', '\n'])) {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

/// Decodes the entity at the start of `s` ("&amp;", "&#7871;", "&#x1EBF;") into `out`;
/// returns its length, or `None` if it is not one.
fn entity(s: &str, out: &mut String) -> Option<usize> {
    let end = s.get(1..)?.find(';')? + 1;
    if end > 12 {
        return None;
    }
    let name = &s[1..end];
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).unwrap_or(u32::MAX),
            None => num.parse().unwrap_or(u32::MAX),
        };
        let ch = match u8::try_from(code) {
            Ok(b @ 0x80..=0x9F) => legacy::windows_1252_view(&[b]).chars().next()?,
            Ok(0) => '\u{FFFD}',
            _ => char::from_u32(code).unwrap_or('\u{FFFD}'),
        };
        out.push(ch);
        return Some(end + 1);
    }
    let (_, text) = ENTITIES.iter().find(|(n, _)| *n == name)?;
    out.push_str(text);
    Some(end + 1)
}

/// Named entities: XML's, Latin-1's (HTML 4), and common punctuation.
const ENTITIES: &[(&str, &str)] = &[
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("quot", "\""),
    ("apos", "'"),
    ("nbsp", "\u{A0}"),
    ("iexcl", "¡"),
    ("cent", "¢"),
    ("pound", "£"),
    ("curren", "¤"),
    ("yen", "¥"),
    ("brvbar", "¦"),
    ("sect", "§"),
    ("uml", "¨"),
    ("copy", "©"),
    ("ordf", "ª"),
    ("laquo", "«"),
    ("not", "¬"),
    ("shy", "\u{AD}"),
    ("reg", "®"),
    ("macr", "¯"),
    ("deg", "°"),
    ("plusmn", "±"),
    ("sup2", "²"),
    ("sup3", "³"),
    ("acute", "´"),
    ("micro", "µ"),
    ("para", "¶"),
    ("middot", "·"),
    ("cedil", "¸"),
    ("sup1", "¹"),
    ("ordm", "º"),
    ("raquo", "»"),
    ("frac14", "¼"),
    ("frac12", "½"),
    ("frac34", "¾"),
    ("iquest", "¿"),
    ("Agrave", "À"),
    ("Aacute", "Á"),
    ("Acirc", "Â"),
    ("Atilde", "Ã"),
    ("Auml", "Ä"),
    ("Aring", "Å"),
    ("AElig", "Æ"),
    ("Ccedil", "Ç"),
    ("Egrave", "È"),
    ("Eacute", "É"),
    ("Ecirc", "Ê"),
    ("Euml", "Ë"),
    ("Igrave", "Ì"),
    ("Iacute", "Í"),
    ("Icirc", "Î"),
    ("Iuml", "Ï"),
    ("ETH", "Ð"),
    ("Ntilde", "Ñ"),
    ("Ograve", "Ò"),
    ("Oacute", "Ó"),
    ("Ocirc", "Ô"),
    ("Otilde", "Õ"),
    ("Ouml", "Ö"),
    ("times", "×"),
    ("Oslash", "Ø"),
    ("Ugrave", "Ù"),
    ("Uacute", "Ú"),
    ("Ucirc", "Û"),
    ("Uuml", "Ü"),
    ("Yacute", "Ý"),
    ("THORN", "Þ"),
    ("szlig", "ß"),
    ("agrave", "à"),
    ("aacute", "á"),
    ("acirc", "â"),
    ("atilde", "ã"),
    ("auml", "ä"),
    ("aring", "å"),
    ("aelig", "æ"),
    ("ccedil", "ç"),
    ("egrave", "è"),
    ("eacute", "é"),
    ("ecirc", "ê"),
    ("euml", "ë"),
    ("igrave", "ì"),
    ("iacute", "í"),
    ("icirc", "î"),
    ("iuml", "ï"),
    ("eth", "ð"),
    ("ntilde", "ñ"),
    ("ograve", "ò"),
    ("oacute", "ó"),
    ("ocirc", "ô"),
    ("otilde", "õ"),
    ("ouml", "ö"),
    ("divide", "÷"),
    ("oslash", "ø"),
    ("ugrave", "ù"),
    ("uacute", "ú"),
    ("ucirc", "û"),
    ("uuml", "ü"),
    ("yacute", "ý"),
    ("thorn", "þ"),
    ("yuml", "ÿ"),
    ("ndash", "–"),
    ("mdash", "—"),
    ("lsquo", "‘"),
    ("rsquo", "’"),
    ("sbquo", "‚"),
    ("ldquo", "“"),
    ("rdquo", "”"),
    ("bdquo", "„"),
    ("hellip", "…"),
    ("bull", "•"),
    ("euro", "€"),
    ("trade", "™"),
    ("laquo", "«"),
    ("raquo", "»"),
    ("thinsp", "\u{2009}"),
    ("ensp", "\u{2002}"),
    ("emsp", "\u{2003}"),
    ("zwnj", "\u{200C}"),
    ("zwj", "\u{200D}"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tags_and_decodes_entities() {
        let html = r#"<!DOCTYPE html><html><head><title>Bài</title><style>p{color:red}</style>
<script>var s = "<p>không</p>";</script></head>
<body><h1>BÀI THU HOẠCH</h1>
<p>Họ và tên:   <b>Nguyễn&nbsp;Văn A</b></p><!-- ghi chú <p>ẩn</p> -->
<p>Kinh tế &amp; xã hội &lt;2025&gt; &#7871;&#x1EBF; &quot;dân&quot; &unknown; a < b</p>
<ul><li>Một</li><li>Hai<br>Ba</li></ul><pre>  giữ   nguyên
  dòng</pre><SCRIPT type="x">bỏ</SCRIPT><div title="a>b">Cuối</div></body></html>"#;
        assert_eq!(
            strip(html),
            "BÀI THU HOẠCH\nHọ và tên: Nguyễn\u{A0}Văn A\nKinh tế & xã hội <2025> ếế \"dân\" &unknown; a < b\nMột\nHai\nBa\ngiữ   nguyên\ndòng\nCuối"
        );
    }

    #[test]
    fn legacy_pages() {
        let text = "Tôi đã học tập Nghị quyết Đại hội XIII của Đảng và liên hệ bản thân.";
        let mut page = b"<html><head><meta charset=\"iso-8859-1\"></head><body><p>".to_vec();
        page.extend(legacy::encode_vni(text).unwrap());
        page.extend(b"</p></body></html>");
        let doc = read(&page).unwrap();
        assert_eq!(doc.text, text);
        assert_eq!(doc.legacy_encoding.as_deref(), Some("VNI"));

        // Declared Latin-1, not Vietnamese: read as declared.
        let fr =
            b"<meta charset=iso-8859-1><p>Le caf\xE9 est d\xE9j\xE0 pr\xEAt, merci beaucoup.</p>";
        let doc = read(fr).unwrap();
        assert_eq!(doc.text, "Le café est déjà prêt, merci beaucoup.");
        assert_eq!(doc.legacy_encoding, None);
        // Undeclared and not Vietnamese: an error.
        assert!(matches!(
            read(b"<p>Le caf\xE9 est d\xE9j\xE0 pr\xEAt, merci beaucoup.</p>"),
            Err(IngestError::NotUnicode { .. })
        ));
    }

    #[test]
    fn hostile_markup_is_linear() {
        let deep = "<div>".repeat(200_000) + "chữ" + &"</div>".repeat(200_000);
        let started = std::time::Instant::now();
        assert_eq!(strip(&deep), "chữ");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(strip("<script>never closed"), "");
        assert_eq!(strip("<p title=\"unterminated"), "");
        assert_eq!(
            strip("&#xFFFFFFFF; &#0; &#55296;"),
            "\u{FFFD} \u{FFFD} \u{FFFD}"
        );
    }
}
