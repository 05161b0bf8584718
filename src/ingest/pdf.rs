//! .pdf submissions with a text layer, through `pdf-extract` (pure Rust, on `lopdf`).
//!
//! The parser is third-party code facing hostile input, so it runs on its own thread with a
//! large stack, inside `catch_unwind`, and is given [`PDF_TIME_LIMIT`]: past that the file
//! gets a timeout error and the batch goes on (the thread is left to finish on its own; it
//! holds only its copy of the file). A PDF whose pages have no text is a scan and needs OCR.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;

use super::{IngestError, RawDocument, SourceFormat, PDF_TIME_LIMIT};

/// Stack for the parser thread: deep object nesting must not overflow it.
const STACK_BYTES: usize = 256 * 1024 * 1024;
/// Fewer letters than this in the whole text layer: a scan (page numbers, a stray header).
const MIN_LETTERS: usize = 20;

/// Reads the text layer of a PDF.
pub(super) fn read(bytes: Vec<u8>) -> Result<RawDocument, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty);
    }
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(IngestError::PdfInvalid(
            "thiếu chữ ký %PDF- ở đầu tệp".to_string(),
        ));
    }
    let text = extract_with_limits(bytes)?;
    let text = unwrap_lines(&tidy(&text));
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if letters < MIN_LETTERS {
        return Err(IngestError::PdfNoText);
    }
    Ok(RawDocument {
        format: SourceFormat::Pdf,
        text,
        notes: vec!["Chữ lấy từ lớp chữ của tệp PDF; bố cục dòng có thể khác bản gốc".to_string()],
        legacy_encoding: None,
    })
}

/// Runs the extractor on a thread: panics become errors, and it gets [`PDF_TIME_LIMIT`].
fn extract_with_limits(bytes: Vec<u8>) -> Result<String, IngestError> {
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("pdf-extract".to_string())
        .stack_size(STACK_BYTES)
        .spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(|| {
                pdf_extract::extract_text_from_mem(&bytes)
            }));
            // The receiver may be gone after a timeout; nothing to do then.
            let _ = tx.send(result);
        });
    if let Err(e) = spawned {
        return Err(IngestError::ReaderFailed {
            kind: ".pdf",
            detail: format!("không tạo được luồng đọc PDF: {e}"),
        });
    }
    match rx.recv_timeout(PDF_TIME_LIMIT) {
        Ok(Ok(Ok(text))) => Ok(text),
        Ok(Ok(Err(e))) => Err(IngestError::PdfInvalid(short(&e.to_string()))),
        Ok(Err(panic)) => {
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "lỗi không rõ".to_string());
            Err(IngestError::ReaderFailed {
                kind: ".pdf",
                detail: short(&detail),
            })
        }
        Err(mpsc::RecvTimeoutError::Timeout) => Err(IngestError::Timeout {
            what: "đọc tệp PDF",
            secs: PDF_TIME_LIMIT.as_secs(),
        }),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(IngestError::ReaderFailed {
            kind: ".pdf",
            detail: "luồng đọc PDF dừng bất thường".to_string(),
        }),
    }
}

/// At most 200 characters of a library message.
fn short(s: &str) -> String {
    let mut out: String = s.chars().take(200).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Line ends unified, trailing spaces and form feeds dropped, runs of blank lines shortened
/// to one.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.split(['\n', '\r', '\u{C}']) {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank > 0 {
                out.push('\n');
            }
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

/// Joins lines that the page width wrapped: a line nearly as long as the long lines of the
/// document, followed by one starting in lower case, continues on it. Short lines (header
/// fields, headings) and lines before a capital or a number stay as they are.
fn unwrap_lines(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut lengths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    lengths.sort_unstable();
    let wide = lengths
        .get(lengths.len().saturating_sub(1) * 9 / 10)
        .copied()
        .unwrap_or(0);
    let mut out = String::with_capacity(text.len());
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line.trim_end());
        let Some(next) = lines.get(i + 1) else { break };
        let wrapped = wide >= 40
            && line.chars().count() * 100 >= wide * 85
            && next.chars().next().is_some_and(char::is_lowercase);
        out.push(if wrapped { ' ' } else { '\n' });
    }
    out
}

/// The PDF file builder the integration tests use too.
#[cfg(test)]
#[path = "../../tests/common/pdf.rs"]
mod pdf_file;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A one-page PDF whose content stream is `content` (Helvetica as F1), with a correct
    /// cross-reference table.
    pub(crate) fn make_pdf(content: &str) -> Vec<u8> {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
            format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
        ];
        super::pdf_file::pdf_from_objects(&objects)
    }

    #[test]
    fn reads_a_text_layer() {
        let pdf = make_pdf(
            "BT /F1 12 Tf 72 720 Td (Bai thu hoach: hoc tap Nghi quyet Dai hoi XIII) Tj ET",
        );
        let doc = read(pdf).unwrap();
        assert!(doc.text.contains("Bai thu hoach"), "{:?}", doc.text);
        assert_eq!(doc.format, SourceFormat::Pdf);
    }

    #[test]
    fn wrapped_lines_are_joined() {
        let long = "Tôi cùng các đảng viên trong Chi bộ dự hội nghị học tập,";
        let text = format!(
            "BÀI THU HOẠCH\nHọ và tên: A\n\n{long}\nquán triệt Nghị quyết.\n{long}\nĐại hội XIII."
        );
        assert_eq!(
            unwrap_lines(&text),
            format!("BÀI THU HOẠCH\nHọ và tên: A\n\n{long} quán triệt Nghị quyết.\n{long}\nĐại hội XIII.")
        );
    }

    #[test]
    fn a_scan_has_no_text() {
        // A page that only draws a rectangle, as a scanned image page would only draw an image.
        let pdf = make_pdf("0 0 100 100 re f");
        let err = read(pdf).unwrap_err();
        assert!(matches!(err, IngestError::PdfNoText), "{err}");
        assert_eq!(
            err.to_string(),
            "tệp PDF không có lớp chữ (bản quét), cần nhận dạng ký tự (OCR)"
        );
    }

    #[test]
    fn broken_pdfs_are_errors() {
        let pdf = make_pdf("BT /F1 12 Tf (Chu) Tj ET");
        for cut in [pdf.len() / 2, 20, 9] {
            assert!(read(pdf[..cut].to_vec()).is_err(), "cut at {cut}");
        }
        assert!(matches!(
            read(b"not a pdf".to_vec()),
            Err(IngestError::PdfInvalid(_))
        ));
        assert!(matches!(read(Vec::new()), Err(IngestError::Empty)));
    }
}
