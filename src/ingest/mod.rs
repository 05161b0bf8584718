//! Ingest: turn a submitted file (.txt or .docx) into plain text, plus the
//! author and party cell found in the essay's header.
//!
//! Every function here treats its input as untrusted: a broken, truncated or
//! hostile file gives an [`IngestError`] (which the batch records as an error
//! row), never a panic, a hang or an unbounded allocation.
//!
//! The text is returned *as written* (no NFC, no tone-placement changes) so
//! that byte offsets computed later point at what the author typed; only line
//! endings are unified to `'\n'`.

mod docx;
mod meta;
mod txt;
mod walk;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use meta::{extract_metadata, Metadata};
pub use walk::collect_inputs;

/// Largest .txt file accepted (64 MiB). Essays are a few tens of KB.
pub const MAX_TXT_BYTES: u64 = 64 * MIB;
/// Largest uncompressed `word/document.xml` accepted (32 MiB).
pub const MAX_DOCX_PART_BYTES: u64 = 32 * MIB;
/// Deepest XML element nesting accepted in `word/document.xml`.
pub const MAX_XML_DEPTH: usize = 256;

const MIB: u64 = 1024 * 1024;

/// The kind of file a submission is, chosen from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    /// Plain text: UTF-8 (with or without BOM) or UTF-16 with a BOM.
    Txt,
    /// Office Open XML word-processing document.
    Docx,
}

impl SourceFormat {
    /// The format for a path's extension (`.txt`/`.docx`, any case), if supported.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?;
        if ext.eq_ignore_ascii_case("txt") {
            Some(Self::Txt)
        } else if ext.eq_ignore_ascii_case("docx") {
            Some(Self::Docx)
        } else {
            None
        }
    }
}

/// The text of one submission, before any normalization.
#[derive(Debug, Clone)]
pub struct RawDocument {
    /// What the file was read as.
    pub format: SourceFormat,
    /// Paragraphs joined by `'\n'`, exactly as written (not NFC-normalized),
    /// so byte offsets into it point at the author's own text.
    pub text: String,
    /// Notes in Vietnamese for the user about how the file was read
    /// (e.g. "Tệp mã hóa UTF-16 LE").
    pub notes: Vec<String>,
    /// The legacy 8-bit encoding converted to Unicode (e.g. "TCVN3 (ABC)"), if any.
    pub legacy_encoding: Option<String>,
}

/// Why a file could not be read. Messages are in Vietnamese, for the
/// committee's error rows; the underlying detail follows a colon.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// An input path does not exist.
    #[error("không tìm thấy tệp hoặc thư mục: {}", .0.display())]
    NotFound(PathBuf),
    /// A path given as a document is a folder or another non-file.
    #[error("không phải tệp: {}", .0.display())]
    NotAFile(PathBuf),
    /// Reading the file failed at the OS level.
    #[error("không đọc được tệp: {0}")]
    Io(#[from] std::io::Error),
    /// Walking a folder failed (permissions, symlink loop…).
    #[error("không duyệt được thư mục {}: {detail}", .path.display())]
    Walk {
        /// The folder or entry that failed.
        path: PathBuf,
        /// The underlying error.
        detail: String,
    },
    /// The extension is not .txt or .docx.
    #[error("định dạng không được hỗ trợ: {0}")]
    Unsupported(String),
    /// No text at all (empty or whitespace only).
    #[error("tệp rỗng")]
    Empty,
    /// A .txt file over [`MAX_TXT_BYTES`].
    #[error("tệp quá lớn ({} > {})", mb(*.size), mb(*.limit))]
    TooLarge {
        /// Size of the file in bytes.
        size: u64,
        /// The cap in bytes.
        limit: u64,
    },
    /// Text that is neither valid UTF-8 nor UTF-16 with a BOM.
    #[error("tệp văn bản không phải UTF-8/UTF-16 (byte không hợp lệ ở vị trí {offset})")]
    NotUnicode {
        /// Byte offset of the first invalid byte in the file.
        offset: usize,
    },
    /// NUL bytes or many control characters: not a text file.
    #[error("tệp chứa dữ liệu nhị phân: {0}")]
    Binary(String),
    /// Not a readable zip archive.
    #[error("không phải tệp .docx hợp lệ (tệp zip hỏng hoặc bị cắt cụt: {0})")]
    BadZip(String),
    /// An OLE compound file: an old .doc renamed, or a password-protected document.
    #[error(
        "không phải tệp .docx hợp lệ: đây là tệp Word cũ (.doc) đổi tên hoặc tệp được đặt mật khẩu; hãy mở bằng Word và lưu lại thành .docx"
    )]
    OleFile,
    /// The zip has no `word/document.xml`.
    #[error("tệp .docx thiếu word/document.xml")]
    MissingDocumentXml,
    /// `word/document.xml` declares more than [`MAX_DOCX_PART_BYTES`].
    #[error("phần word/document.xml quá lớn ({} > {})", mb(*.size), mb(*.limit))]
    PartTooLarge {
        /// Uncompressed size declared in the zip.
        size: u64,
        /// The cap in bytes.
        limit: u64,
    },
    /// `word/document.xml` inflates past the cap although its header claims less.
    #[error(
        "phần word/document.xml giải nén ra hơn {} dù tiêu đề zip khai báo {} (nghi zip bomb)",
        mb(*.limit),
        mb(*.declared)
    )]
    ZipBomb {
        /// Uncompressed size declared in the zip.
        declared: u64,
        /// The cap in bytes.
        limit: u64,
    },
    /// The XML ends while elements are still open.
    #[error("XML của word/document.xml bị cắt cụt (thẻ chưa đóng: <{0}>)")]
    XmlTruncated(String),
    /// Elements nested deeper than [`MAX_XML_DEPTH`].
    #[error("XML lồng quá sâu (> {0} cấp)")]
    XmlTooDeep(usize),
    /// Any other XML well-formedness or encoding error.
    #[error("XML của word/document.xml không hợp lệ: {0}")]
    XmlInvalid(String),
}

/// "12,5 MB": sizes for messages, rounded up to a tenth (so anything over a
/// cap never prints as equal to it), with a Vietnamese decimal comma.
fn mb(bytes: u64) -> String {
    let tenths = bytes.saturating_mul(10).div_ceil(MIB);
    if tenths.is_multiple_of(10) {
        format!("{} MB", tenths / 10)
    } else {
        format!("{},{} MB", tenths / 10, tenths % 10)
    }
}

/// Reads a .txt or .docx file (chosen by extension, case-insensitive).
pub fn read_document(path: &Path) -> Result<RawDocument, IngestError> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if !meta.is_file() {
        return Err(IngestError::NotAFile(path.to_path_buf()));
    }
    let format = SourceFormat::from_path(path).ok_or_else(|| unsupported(path))?;
    match format {
        SourceFormat::Txt => {
            if meta.len() > MAX_TXT_BYTES {
                return Err(too_large(meta.len()));
            }
            let file = File::open(path).map_err(|e| io_error(path, e))?;
            let bytes = read_capped(file, MAX_TXT_BYTES)?;
            txt::decode(&bytes)
        }
        SourceFormat::Docx => {
            let file = File::open(path).map_err(|e| io_error(path, e))?;
            docx::read(std::io::BufReader::new(file))
        }
    }
}

/// Reads a document from memory (for embedding and tests).
pub fn read_bytes(bytes: &[u8], format: SourceFormat) -> Result<RawDocument, IngestError> {
    match format {
        SourceFormat::Txt if bytes.len() as u64 > MAX_TXT_BYTES => {
            Err(too_large(bytes.len() as u64))
        }
        SourceFormat::Txt => txt::decode(bytes),
        SourceFormat::Docx => docx::read(std::io::Cursor::new(bytes)),
    }
}

/// Reads at most `limit` bytes; more than that is an error, whatever the
/// file system said about the size before.
fn read_capped(reader: impl Read, limit: u64) -> Result<Vec<u8>, IngestError> {
    let mut bytes = Vec::new();
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

fn too_large(size: u64) -> IngestError {
    IngestError::TooLarge {
        size,
        limit: MAX_TXT_BYTES,
    }
}

fn io_error(path: &Path, e: std::io::Error) -> IngestError {
    if e.kind() == std::io::ErrorKind::NotFound {
        IngestError::NotFound(path.to_path_buf())
    } else {
        IngestError::Io(e)
    }
}

fn unsupported(path: &Path) -> IngestError {
    let detail = match path.extension().map(|e| e.to_string_lossy().to_lowercase()) {
        None => "tệp không có phần mở rộng (cần .docx hoặc .txt)".to_string(),
        Some(ext) if ext == "doc" => ".doc (hãy mở bằng Word và lưu lại thành .docx)".to_string(),
        Some(ext) => format!(".{ext}"),
    };
    IngestError::Unsupported(detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn error_is_send_sync_static() {
        assert_send_sync::<IngestError>();
    }

    #[test]
    fn format_serializes_lowercase() {
        let json = serde_json::to_string(&[SourceFormat::Txt, SourceFormat::Docx]).unwrap();
        assert_eq!(json, r#"["txt","docx"]"#);
    }

    #[test]
    fn sizes_use_decimal_comma() {
        assert_eq!(mb(32 * MIB), "32 MB");
        assert_eq!(mb(40 * MIB + MIB / 2), "40,5 MB");
        let e = IngestError::PartTooLarge {
            size: 40 * MIB,
            limit: MAX_DOCX_PART_BYTES,
        };
        assert_eq!(
            e.to_string(),
            "phần word/document.xml quá lớn (40 MB > 32 MB)"
        );
    }

    #[test]
    fn reads_by_extension_case_insensitive() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("BAI.TXT");
        std::fs::write(&path, "Họ và tên: A\r\nNội dung").unwrap();
        let doc = read_document(&path).unwrap();
        assert_eq!(doc.format, SourceFormat::Txt);
        assert_eq!(doc.text, "Họ và tên: A\nNội dung");

        let path = dir.path().join("Bai.DocX");
        std::fs::write(
            &path,
            docx::tests::make_docx(&docx::tests::body(
                "<w:p><w:r><w:t>Xin chào</w:t></w:r></w:p>",
            )),
        )
        .unwrap();
        let doc = read_document(&path).unwrap();
        assert_eq!(doc.format, SourceFormat::Docx);
        assert_eq!(doc.text, "Xin chào");
    }

    #[test]
    fn unsupported_and_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("a.pdf");
        std::fs::write(&pdf, "%PDF-1.4").unwrap();
        let err = read_document(&pdf).unwrap_err();
        assert_eq!(err.to_string(), "định dạng không được hỗ trợ: .pdf");

        let doc = dir.path().join("a.doc");
        std::fs::write(&doc, "x").unwrap();
        assert!(read_document(&doc)
            .unwrap_err()
            .to_string()
            .contains(".doc (hãy"));

        let missing = dir.path().join("khong-co.txt");
        assert!(matches!(read_document(&missing), Err(IngestError::NotFound(p)) if p == missing));
        assert!(matches!(
            read_document(dir.path()),
            Err(IngestError::NotAFile(_))
        ));
    }

    #[test]
    fn oversized_txt_rejected_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        let mut f = File::create(&path).unwrap();
        f.write_all(b"abc").unwrap();
        f.set_len(MAX_TXT_BYTES + 1).unwrap(); // sparse: costs no disk
        let err = read_document(&path).unwrap_err();
        assert!(matches!(err, IngestError::TooLarge { .. }), "{err}");
        assert_eq!(err.to_string(), "tệp quá lớn (64,1 MB > 64 MB)");
    }

    #[test]
    fn read_capped_stops_at_limit() {
        let data = [b'a'; 100];
        assert_eq!(read_capped(&data[..], 100).unwrap().len(), 100);
        assert!(matches!(
            read_capped(&data[..], 99),
            Err(IngestError::TooLarge { .. })
        ));
    }
}
