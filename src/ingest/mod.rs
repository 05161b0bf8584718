//! Ingest: turn a submitted file into plain text, plus the author and party cell found in the
//! essay's header.
//!
//! Formats: .txt and .md (UTF-8, UTF-16 with a BOM, or legacy TCVN3 / VNI / Windows-1258
//! bytes), .html/.htm (tags stripped), .docx and .odt (streaming zip + XML, legacy-font runs
//! converted), .pdf with a text layer, and .doc/.rtf through LibreOffice when it is installed.
//!
//! Every function here treats its input as untrusted: a broken, truncated or hostile file gives
//! an [`IngestError`] (which the batch records as an error row), never a panic, a hang or an
//! unbounded allocation. Limits: file sizes per format, zip entry count, declared and actual
//! uncompressed size and compression ratio of the parts read, XML depth, no DTDs, a time limit
//! on the PDF reader and on LibreOffice.
//!
//! The text is returned *as written* (no NFC, no tone-placement changes) so that byte offsets
//! computed later point at what the author typed; only line endings are unified to `'\n'`. Text
//! in a legacy encoding is the exception: it is converted to Unicode (NFC), and
//! [`RawDocument::legacy_encoding`] says so.

mod archive;
mod convert;
mod docx;
mod html;
pub mod legacy;
mod meta;
mod odt;
mod pdf;
mod txt;
mod walk;
mod xml;

/// Tests that need an external tool: skipped locally without it, failed under `CI=true`.
#[cfg(test)]
#[path = "../../tests/common/tools.rs"]
pub(crate) mod test_tools;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use archive::{read_essay_zip, ArchiveEntry};
pub use meta::{extract_metadata, Metadata};
pub use walk::collect_inputs;

/// Largest .txt, .md or .html file accepted (16 MiB). Essays are a few tens of KB.
pub const MAX_TXT_BYTES: u64 = 16 * MIB;
/// Largest .docx or .odt file accepted (100 MiB: photos make them big, the text is small).
pub const MAX_ZIP_BYTES: u64 = 100 * MIB;
/// Largest .pdf file accepted (50 MiB).
pub const MAX_PDF_BYTES: u64 = 50 * MIB;
/// Largest .doc or .rtf file handed to LibreOffice (50 MiB).
pub const MAX_CONVERT_BYTES: u64 = 50 * MIB;
/// Largest uncompressed XML part accepted (`word/document.xml`, `content.xml`: 32 MiB).
pub const MAX_DOCX_PART_BYTES: u64 = 32 * MIB;
/// Most entries a .docx/.odt zip may have.
pub const MAX_ZIP_ENTRIES: u64 = 10_000;
/// Highest compression ratio accepted for a part over [`ZIP_RATIO_FLOOR`] bytes.
pub const MAX_ZIP_RATIO: u64 = 100;
/// Parts up to this size are never refused for their ratio (1 MiB).
pub const ZIP_RATIO_FLOOR: u64 = MIB;
/// Deepest XML element nesting accepted.
pub const MAX_XML_DEPTH: usize = 256;
/// Most text one document may yield (16 MiB).
pub const MAX_TEXT_BYTES: usize = 16 * 1024 * 1024;
/// Time allowed to the PDF reader for one file.
pub const PDF_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(20);
/// Time allowed to LibreOffice for one file.
pub const CONVERT_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

const MIB: u64 = 1024 * 1024;

/// The kind of file a submission is, chosen from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    /// Plain text: UTF-8 (with or without BOM), UTF-16 with a BOM, or legacy 8-bit.
    Txt,
    /// Office Open XML word-processing document.
    Docx,
    /// OpenDocument text (LibreOffice).
    Odt,
    /// PDF with a text layer.
    Pdf,
    /// Markdown, read as plain text.
    Md,
    /// HTML: tags stripped, entities decoded, scripts and styles skipped.
    Html,
    /// Word 97–2003, through LibreOffice.
    Doc,
    /// Rich Text Format, through LibreOffice.
    Rtf,
}

/// Extensions read, with their format (matched ignoring case).
const EXTENSIONS: [(&str, SourceFormat); 10] = [
    ("txt", SourceFormat::Txt),
    ("docx", SourceFormat::Docx),
    ("odt", SourceFormat::Odt),
    ("pdf", SourceFormat::Pdf),
    ("md", SourceFormat::Md),
    ("markdown", SourceFormat::Md),
    ("html", SourceFormat::Html),
    ("htm", SourceFormat::Html),
    ("doc", SourceFormat::Doc),
    ("rtf", SourceFormat::Rtf),
];

impl SourceFormat {
    /// The format for a path's extension (any case), if supported.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?;
        EXTENSIONS
            .iter()
            .find(|(e, _)| ext.eq_ignore_ascii_case(e))
            .map(|&(_, f)| f)
    }

    /// The usual extension, with its dot (".docx"), for messages.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Txt => ".txt",
            Self::Docx => ".docx",
            Self::Odt => ".odt",
            Self::Pdf => ".pdf",
            Self::Md => ".md",
            Self::Html => ".html",
            Self::Doc => ".doc",
            Self::Rtf => ".rtf",
        }
    }

    /// Largest file of this format accepted, in bytes.
    pub fn max_file_bytes(self) -> u64 {
        match self {
            Self::Txt | Self::Md | Self::Html => MAX_TXT_BYTES,
            Self::Docx | Self::Odt => MAX_ZIP_BYTES,
            Self::Pdf => MAX_PDF_BYTES,
            Self::Doc | Self::Rtf => MAX_CONVERT_BYTES,
        }
    }
}

/// The text of one submission, before any normalization.
#[derive(Debug, Clone)]
pub struct RawDocument {
    /// What the file was read as.
    pub format: SourceFormat,
    /// Paragraphs joined by `'\n'`, exactly as written (not NFC-normalized), so byte offsets
    /// into it point at the author's own text. Legacy-encoded text is converted (NFC).
    pub text: String,
    /// Notes in Vietnamese for the user about how the file was read
    /// (e.g. "Tệp mã hóa UTF-16 LE").
    pub notes: Vec<String>,
    /// The legacy 8-bit encoding converted to Unicode (e.g. "TCVN3 (ABC)"), if any; several are
    /// joined by ", ".
    pub legacy_encoding: Option<String>,
}

/// Why a file could not be read. Messages are in Vietnamese, for the committee's error rows;
/// the underlying detail follows a colon.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// An input path does not exist.
    #[error("không tìm thấy tệp hoặc thư mục: {}", .0.display())]
    NotFound(PathBuf),
    /// A path given as a document is a folder.
    #[error("không phải tệp: {}", .0.display())]
    NotAFile(PathBuf),
    /// A FIFO, socket or device: reading it could block for ever.
    #[error("không phải tệp thường ({kind}): {}", .path.display())]
    Special {
        /// The path.
        path: PathBuf,
        /// What it is, in Vietnamese.
        kind: &'static str,
    },
    /// The OS refused access.
    #[error("không có quyền đọc: {}", .0.display())]
    PermissionDenied(PathBuf),
    /// A symbolic link that leads back to itself or to a folder above it.
    #[error("liên kết tượng trưng (symlink) tạo vòng lặp: {}", .0.display())]
    SymlinkLoop(PathBuf),
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
    /// The extension is not one of the supported ones.
    #[error("định dạng không được hỗ trợ: {0}")]
    Unsupported(String),
    /// No text at all (empty or whitespace only).
    #[error("tệp rỗng")]
    Empty,
    /// A file over its format's size cap.
    #[error("tệp quá lớn ({} > {})", mb(*.size), mb(*.limit))]
    TooLarge {
        /// Size of the file in bytes.
        size: u64,
        /// The cap in bytes.
        limit: u64,
    },
    /// A document yielding more text than [`MAX_TEXT_BYTES`].
    #[error("văn bản quá dài ({} > {}), không phải một bài thu hoạch", mb(*.size as u64), mb(MAX_TEXT_BYTES as u64))]
    TextTooLong {
        /// Bytes of text.
        size: usize,
    },
    /// Bytes that are neither UTF-8, UTF-16 with a BOM, nor Vietnamese in a legacy encoding.
    #[error("tệp văn bản không phải UTF-8/UTF-16 và cũng không phải tiếng Việt mã TCVN3, VNI hay Windows-1258 (byte không hợp lệ ở vị trí {offset})")]
    NotUnicode {
        /// Byte offset of the first invalid byte in the file.
        offset: usize,
    },
    /// NUL bytes or many control characters: not a text file.
    #[error("tệp chứa dữ liệu nhị phân: {0}")]
    Binary(String),
    /// Not a readable zip archive.
    #[error("không phải tệp {kind} hợp lệ (tệp zip hỏng hoặc bị cắt cụt: {detail})")]
    BadZip {
        /// ".docx" or ".odt".
        kind: &'static str,
        /// The zip library's message.
        detail: String,
    },
    /// An OLE compound file: an old .doc renamed, or a password-protected document.
    #[error(
        "không phải tệp .docx hợp lệ: đây là tệp Word cũ (.doc) đổi tên hoặc tệp được đặt mật khẩu; hãy mở bằng Word và lưu lại thành .docx"
    )]
    OleFile,
    /// The zip lacks the part holding the text.
    #[error("tệp {kind} thiếu {part}")]
    MissingPart {
        /// ".docx" or ".odt".
        kind: &'static str,
        /// "word/document.xml" or "content.xml".
        part: &'static str,
    },
    /// More zip entries than [`MAX_ZIP_ENTRIES`].
    #[error("tệp nén có quá nhiều mục ({count} > {limit}), nghi zip bomb")]
    TooManyEntries {
        /// Entries declared.
        count: u64,
        /// The cap.
        limit: u64,
    },
    /// A part declares more than [`MAX_DOCX_PART_BYTES`].
    #[error("phần {part} quá lớn ({} > {})", mb(*.size), mb(*.limit))]
    PartTooLarge {
        /// The part's name in the zip.
        part: String,
        /// Uncompressed size declared in the zip.
        size: u64,
        /// The cap in bytes.
        limit: u64,
    },
    /// A part declares a compression ratio over [`MAX_ZIP_RATIO`].
    #[error(
        "phần {part} nén với tỉ lệ {ratio}:1 (> {}:1), nghi zip bomb",
        MAX_ZIP_RATIO
    )]
    ZipRatio {
        /// The part's name in the zip.
        part: String,
        /// Declared uncompressed size / compressed size.
        ratio: u64,
    },
    /// A part inflates past its cap although its header claims less.
    #[error(
        "phần {part} giải nén ra hơn {} dù tiêu đề zip khai báo {} (nghi zip bomb)",
        mb(*.limit),
        mb(*.declared)
    )]
    ZipBomb {
        /// The part's name in the zip.
        part: String,
        /// Uncompressed size declared in the zip.
        declared: u64,
        /// The cap in bytes.
        limit: u64,
    },
    /// The XML ends while elements are still open.
    #[error("XML của {part} bị cắt cụt (thẻ chưa đóng: <{open}>)")]
    XmlTruncated {
        /// The part.
        part: &'static str,
        /// The innermost open element.
        open: String,
    },
    /// Elements nested deeper than [`MAX_XML_DEPTH`].
    #[error("XML lồng quá sâu (> {0} cấp)")]
    XmlTooDeep(usize),
    /// A DOCTYPE: documents never have one; entity expansion is refused.
    #[error(
        "XML của {0} có khai báo DOCTYPE/ENTITY (không có trong tài liệu thật, nghi tệp độc hại)"
    )]
    XmlDoctype(&'static str),
    /// Any other XML well-formedness or encoding error.
    #[error("XML của {part} không hợp lệ: {detail}")]
    XmlInvalid {
        /// The part.
        part: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// A PDF without text: a scan.
    #[error("tệp PDF không có lớp chữ (bản quét), cần nhận dạng ký tự (OCR)")]
    PdfNoText,
    /// A PDF the reader could not parse.
    #[error("không đọc được tệp PDF (hỏng, bị cắt cụt hoặc đặt mật khẩu): {0}")]
    PdfInvalid(String),
    /// A reader or converter ran out of time.
    #[error("quá thời gian xử lý ({secs} giây) khi {what}; tệp có thể hỏng hoặc độc hại")]
    Timeout {
        /// What was being done, in Vietnamese.
        what: &'static str,
        /// The limit in seconds.
        secs: u64,
    },
    /// A reader failed unexpectedly (a panic in a third-party parser).
    #[error("lỗi khi đọc tệp {kind} (tệp hỏng?): {detail}")]
    ReaderFailed {
        /// The format.
        kind: &'static str,
        /// The panic message.
        detail: String,
    },
    /// .doc/.rtf without LibreOffice.
    #[error("cần LibreOffice để đọc tệp {0}: hãy cài gói libreoffice-writer (apt install libreoffice-writer), hoặc mở tệp bằng Word và lưu lại thành .docx")]
    ConverterMissing(&'static str),
    /// LibreOffice ran but gave no text.
    #[error("LibreOffice không chuyển được tệp {kind}: {detail}")]
    ConvertFailed {
        /// The format.
        kind: &'static str,
        /// What happened.
        detail: String,
    },
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

/// Reads a document, choosing the reader by extension (case-insensitive).
pub fn read_document(path: &Path) -> Result<RawDocument, IngestError> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.is_dir() {
        return Err(walk::diagnose_folder(path));
    }
    if !meta.is_file() {
        return Err(special_file(path, &meta));
    }
    let named = SourceFormat::from_path(path).ok_or_else(|| unsupported(path))?;
    let format = sniff(path, named);
    let limit = format.max_file_bytes();
    if meta.len() > limit {
        return Err(IngestError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let open = || File::open(path).map_err(|e| io_error(path, e));
    let read_all = || read_capped(open()?, limit, meta.len());
    let mut doc = match format {
        SourceFormat::Txt | SourceFormat::Md => txt::decode(&read_all()?, format),
        SourceFormat::Html => html::read(&read_all()?),
        SourceFormat::Docx => docx::read(std::io::BufReader::new(open()?)),
        SourceFormat::Odt => odt::read(std::io::BufReader::new(open()?)),
        SourceFormat::Pdf => pdf::read(read_all()?),
        SourceFormat::Doc | SourceFormat::Rtf => convert::read_file(path, format),
    }?;
    if format != named {
        doc.notes.push(format!(
            "Tệp có đuôi .{} nhưng nội dung là {}; đã đọc theo nội dung (nên đổi lại đuôi tệp)",
            path.extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default(),
            format.name_vi()
        ));
    }
    if path.to_str().is_none() {
        doc.notes.push(
            "Tên tệp có ký tự không đúng chuẩn UTF-8; trong kết quả các ký tự đó hiện thành �"
                .to_string(),
        );
    }
    finish(doc)
}

/// The format a file's first bytes show, when its extension says a zip-based document
/// (.docx, .odt) but the file is a PDF or RTF (renamed files are common; an old Word file
/// renamed .docx has its own message in the .docx reader).
fn sniff(path: &Path, named: SourceFormat) -> SourceFormat {
    use std::io::Read;
    if !matches!(named, SourceFormat::Docx | SourceFormat::Odt) {
        return named;
    }
    let mut head = [0u8; 8];
    let read = File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let head = &head[..read];
    if head.starts_with(b"%PDF") {
        SourceFormat::Pdf
    } else if head.starts_with(b"{\\rtf") {
        SourceFormat::Rtf
    } else {
        named
    }
}

impl SourceFormat {
    /// How a person calls the format ("tệp PDF").
    pub fn name_vi(self) -> &'static str {
        match self {
            SourceFormat::Txt => "văn bản thuần (.txt)",
            SourceFormat::Docx => "tài liệu Word (.docx)",
            SourceFormat::Odt => "tài liệu OpenDocument (.odt)",
            SourceFormat::Pdf => "tệp PDF",
            SourceFormat::Md => "văn bản Markdown",
            SourceFormat::Html => "trang HTML",
            SourceFormat::Doc => "tài liệu Word 97–2003 (.doc)",
            SourceFormat::Rtf => "tài liệu RTF",
        }
    }
}

/// Reads a document from memory (for embedding, tests and fuzzing).
pub fn read_bytes(bytes: &[u8], format: SourceFormat) -> Result<RawDocument, IngestError> {
    let limit = format.max_file_bytes();
    if bytes.len() as u64 > limit {
        return Err(IngestError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    let doc = match format {
        SourceFormat::Txt | SourceFormat::Md => txt::decode(bytes, format),
        SourceFormat::Html => html::read(bytes),
        SourceFormat::Docx => docx::read(std::io::Cursor::new(bytes)),
        SourceFormat::Odt => odt::read(std::io::Cursor::new(bytes)),
        SourceFormat::Pdf => pdf::read(bytes.to_vec()),
        SourceFormat::Doc | SourceFormat::Rtf => convert::read_bytes(bytes, format),
    }?;
    finish(doc)
}

/// Common last steps: the text cap, and repairing Unicode text that is really a legacy
/// encoding shown through Windows-1252 (lost fonts, copy and paste).
fn finish(mut doc: RawDocument) -> Result<RawDocument, IngestError> {
    if doc.text.len() > MAX_TEXT_BYTES {
        return Err(IngestError::TextTooLong {
            size: doc.text.len(),
        });
    }
    if let Some(repair) = legacy::repair_mojibake(&doc.text) {
        let label = repair.encoding.label();
        doc.notes.push(format!(
            "{}/{} đoạn là chữ gõ bằng bảng mã {label} hiển thị sai phông (lỗi font), đã sửa",
            repair.lines_repaired, repair.lines
        ));
        doc.text = repair.text;
        add_legacy(&mut doc.legacy_encoding, label);
    }
    if doc.text.trim().is_empty() {
        return Err(IngestError::Empty);
    }
    Ok(doc)
}

/// Adds an encoding label to a document's list (once).
fn add_legacy(list: &mut Option<String>, label: &str) {
    match list {
        Some(l) if l.split(", ").any(|x| x == label) => {}
        Some(l) => {
            l.push_str(", ");
            l.push_str(label);
        }
        None => *list = Some(label.to_string()),
    }
}

/// Reads at most `limit` bytes; more than that is an error, whatever the
/// file system said about the size before.
/// Reads at most `limit` bytes (more is an error); `expected` sizes the buffer, so a file is
/// read in one or two calls.
fn read_capped(reader: impl Read, limit: u64, expected: u64) -> Result<Vec<u8>, IngestError> {
    let mut bytes = Vec::with_capacity(expected.min(limit) as usize + 1);
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(IngestError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// An OS error for `path`, in Vietnamese where it is a common one.
fn io_error(path: &Path, e: std::io::Error) -> IngestError {
    const ELOOP: i32 = 40;
    match e.kind() {
        std::io::ErrorKind::NotFound => IngestError::NotFound(path.to_path_buf()),
        std::io::ErrorKind::PermissionDenied => IngestError::PermissionDenied(path.to_path_buf()),
        _ if e.raw_os_error() == Some(ELOOP) => IngestError::SymlinkLoop(path.to_path_buf()),
        _ => IngestError::Io(e),
    }
}

fn special_file(path: &Path, meta: &std::fs::Metadata) -> IngestError {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    let kind = if t.is_fifo() {
        "ống FIFO"
    } else if t.is_socket() {
        "socket"
    } else if t.is_block_device() || t.is_char_device() {
        "thiết bị"
    } else {
        "loại đặc biệt"
    };
    IngestError::Special {
        path: path.to_path_buf(),
        kind,
    }
}

fn unsupported(path: &Path) -> IngestError {
    const KNOWN: &str = ".docx, .odt, .doc, .rtf, .pdf, .txt, .md, .html";
    let detail = match path.extension().map(|e| e.to_string_lossy().to_lowercase()) {
        None => format!("tệp không có phần mở rộng (cần một trong {KNOWN})"),
        Some(ext) => format!(".{ext} (đọc được {KNOWN})"),
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
            part: "word/document.xml".into(),
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

        for (name, format) in [
            ("a.MD", SourceFormat::Md),
            ("a.htm", SourceFormat::Html),
            ("a.Html", SourceFormat::Html),
            ("a.odt", SourceFormat::Odt),
            ("a.pdf", SourceFormat::Pdf),
            ("a.doc", SourceFormat::Doc),
            ("a.RTF", SourceFormat::Rtf),
        ] {
            assert_eq!(SourceFormat::from_path(Path::new(name)), Some(format));
        }
    }

    #[test]
    fn unsupported_and_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        let xls = dir.path().join("a.xls");
        std::fs::write(&xls, "x").unwrap();
        let err = read_document(&xls).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("định dạng không được hỗ trợ: .xls (đọc được .docx"),
            "{err}"
        );
        let bare = dir.path().join("README");
        std::fs::write(&bare, "x").unwrap();
        assert!(read_document(&bare)
            .unwrap_err()
            .to_string()
            .contains("không có phần mở rộng"));

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
        assert_eq!(err.to_string(), "tệp quá lớn (16,1 MB > 16 MB)");
    }

    #[test]
    fn read_capped_stops_at_limit() {
        let data = [b'a'; 100];
        assert_eq!(read_capped(&data[..], 100, 0).unwrap().len(), 100);
        assert!(matches!(
            read_capped(&data[..], 99, 100),
            Err(IngestError::TooLarge { .. })
        ));
    }

    #[test]
    fn fifo_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.txt");
        if !test_tools::require_tool("mkfifo", "coreutils") {
            return;
        }
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
        let err = read_document(&fifo).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("không phải tệp thường (ống FIFO): {}", fifo.display())
        );
    }

    #[test]
    fn legacy_labels_are_joined_once() {
        let mut l = None;
        add_legacy(&mut l, "VNI");
        add_legacy(&mut l, "TCVN3 (ABC)");
        add_legacy(&mut l, "VNI");
        assert_eq!(l.as_deref(), Some("VNI, TCVN3 (ABC)"));
    }
}
