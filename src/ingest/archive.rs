//! Zip containers (.docx, .odt) opened defensively: the entry count is checked from the end
//! record before the central directory is parsed, and a part is read only within its declared
//! size, its compression ratio and a hard cap.

use std::io::{Read, Seek, SeekFrom};

use zip::result::ZipError;
use zip::ZipArchive;

use super::{IngestError, MAX_ZIP_ENTRIES, MAX_ZIP_RATIO, ZIP_RATIO_FLOOR};

/// Signature of OLE compound files (.doc, encrypted .docx).
pub(super) const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// What the first bytes say.
pub(super) enum Head {
    Empty,
    Ole,
    Other,
}

/// Looks at the first 8 bytes; rewinds the reader.
pub(super) fn head<R: Read + Seek>(reader: &mut R) -> Result<Head, IngestError> {
    let mut head = Vec::with_capacity(OLE_MAGIC.len());
    reader
        .by_ref()
        .take(OLE_MAGIC.len() as u64)
        .read_to_end(&mut head)?;
    reader.seek(SeekFrom::Start(0))?;
    Ok(match head.as_slice() {
        [] => Head::Empty,
        h if h == OLE_MAGIC => Head::Ole,
        _ => Head::Other,
    })
}

/// Opens a zip after checking the entry count its end record declares.
pub(super) fn open<R: Read + Seek>(
    mut reader: R,
    kind: &'static str,
) -> Result<ZipArchive<R>, IngestError> {
    if let Some(count) = declared_entries(&mut reader)? {
        if count > MAX_ZIP_ENTRIES {
            return Err(IngestError::TooManyEntries {
                count,
                limit: MAX_ZIP_ENTRIES,
            });
        }
    }
    reader.seek(SeekFrom::Start(0))?;
    let archive = ZipArchive::new(reader).map_err(|e| bad_zip(kind, e))?;
    if archive.len() as u64 > MAX_ZIP_ENTRIES {
        return Err(IngestError::TooManyEntries {
            count: archive.len() as u64,
            limit: MAX_ZIP_ENTRIES,
        });
    }
    Ok(archive)
}

pub(super) fn bad_zip(kind: &'static str, e: ZipError) -> IngestError {
    IngestError::BadZip {
        kind,
        detail: e.to_string(),
    }
}

/// The entry count from the end-of-central-directory record (zip64 when it says so), or
/// `None` when there is no such record (the zip library then reports the damage).
fn declared_entries<R: Read + Seek>(reader: &mut R) -> Result<Option<u64>, IngestError> {
    const EOCD: [u8; 4] = *b"PK\x05\x06";
    const LOCATOR: [u8; 4] = *b"PK\x06\x07";
    const EOCD64: [u8; 4] = *b"PK\x06\x06";
    let len = reader.seek(SeekFrom::End(0))?;
    let tail_len = len.min(22 + 65_535 + 20);
    reader.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = Vec::with_capacity(tail_len as usize);
    reader.by_ref().take(tail_len).read_to_end(&mut tail)?;
    let Some(at) = tail.windows(4).rposition(|w| w == EOCD) else {
        return Ok(None);
    };
    let u16_at = |i: usize| tail.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let Some(total) = u16_at(at + 10) else {
        return Ok(None);
    };
    if total != u16::MAX {
        return Ok(Some(u64::from(total)));
    }
    // Zip64: the locator sits just before the end record and points at the zip64 record.
    let Some(loc) = at.checked_sub(20).and_then(|l| tail.get(l..l + 20)) else {
        return Ok(Some(u64::from(total)));
    };
    if loc[..4] != LOCATOR {
        return Ok(Some(u64::from(total)));
    }
    let mut offset = [0u8; 8];
    offset.copy_from_slice(&loc[8..16]);
    let offset = u64::from_le_bytes(offset);
    if offset >= len {
        return Ok(None);
    }
    reader.seek(SeekFrom::Start(offset))?;
    let mut rec = Vec::with_capacity(56);
    reader.by_ref().take(56).read_to_end(&mut rec)?;
    if rec.len() < 40 || rec[..4] != EOCD64 {
        return Ok(None);
    }
    let mut n = [0u8; 8];
    n.copy_from_slice(&rec[32..40]);
    Ok(Some(u64::from_le_bytes(n)))
}

/// The entry named `wanted`: exact, else matched ignoring case and `\` separators (some
/// broken producers write those).
pub(super) fn find_part<R: Read + Seek>(archive: &ZipArchive<R>, wanted: &str) -> Option<String> {
    if archive.index_for_name(wanted).is_some() {
        return Some(wanted.to_string());
    }
    archive
        .file_names()
        .filter_map(Result::ok)
        .find(|n| n.replace('\\', "/").eq_ignore_ascii_case(wanted))
        .map(|n| n.into_owned())
}

/// The bytes of one part, never more than `limit`, never inflating more than
/// [`MAX_ZIP_RATIO`] times its compressed size (above [`ZIP_RATIO_FLOOR`]), whatever the zip
/// header claims.
pub(super) fn read_part<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    name: &str,
    limit: u64,
    kind: &'static str,
) -> Result<Vec<u8>, IngestError> {
    let part = archive.by_name(name).map_err(|e| bad_zip(kind, e))?;
    let declared = part.size();
    let compressed = part.compressed_size();
    if declared > limit {
        return Err(IngestError::PartTooLarge {
            part: name.to_string(),
            size: declared,
            limit,
        });
    }
    if declared > ZIP_RATIO_FLOOR && declared / compressed.max(1) > MAX_ZIP_RATIO {
        return Err(IngestError::ZipRatio {
            part: name.to_string(),
            ratio: declared / compressed.max(1),
        });
    }
    // Whatever the header says, stop at the cap and at the ratio.
    let cap = limit.min(ZIP_RATIO_FLOOR.max(compressed.saturating_mul(MAX_ZIP_RATIO)));
    // `declared` is at most `limit` here, so this allocation is bounded.
    let mut bytes = Vec::with_capacity(usize::try_from(declared.min(cap)).unwrap_or(0));
    part.take(cap + 1).read_to_end(&mut bytes).map_err(|e| {
        // The zip library stops a part that inflates past its declared size.
        if e.to_string().contains("larger than its declared") {
            IngestError::ZipBomb {
                part: name.to_string(),
                declared,
                limit: cap,
            }
        } else {
            IngestError::BadZip {
                kind,
                detail: e.to_string(),
            }
        }
    })?;
    if bytes.len() as u64 > cap {
        return Err(IngestError::ZipBomb {
            part: name.to_string(),
            declared,
            limit: cap,
        });
    }
    Ok(bytes)
}

/// One entry of an uploaded .zip of essays: its cleaned name and what reading it gave.
#[derive(Debug)]
pub struct ArchiveEntry {
    /// The entry's path inside the zip, cleaned for display (`/`-separated normal components
    /// only); never used to open anything.
    pub name: String,
    /// The document read from the entry, or why it could not be read.
    pub document: Result<super::RawDocument, IngestError>,
}

/// Reads every essay inside a .zip held in memory (an upload), with the same defences as the
/// .docx reader: the entry count is checked first, each entry is read within its format's cap
/// and the compression ratio, and the whole archive may not inflate past `total_limit`.
/// Entries with an unsafe name (`..`, absolute, drive letters) or nested archives become error
/// entries; folders, macOS resource forks and files of other types are left out.
pub fn read_essay_zip(bytes: &[u8], total_limit: u64) -> Result<Vec<ArchiveEntry>, IngestError> {
    let mut archive = open(std::io::Cursor::new(bytes), ".zip")?;
    let mut names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .collect();
    names.sort();
    let mut entries = Vec::new();
    let mut inflated: u64 = 0;
    for raw in names {
        if raw.ends_with('/') || raw.starts_with("__MACOSX/") {
            continue;
        }
        let name = match clean_entry_name(&raw) {
            Some(name) => name,
            None => {
                entries.push(ArchiveEntry {
                    name: raw.chars().filter(|c| !c.is_control()).collect(),
                    document: Err(IngestError::Unsupported(
                        "tên mục trong tệp nén không an toàn (đường dẫn ra ngoài thư mục)".into(),
                    )),
                });
                continue;
            }
        };
        let lower = name.to_lowercase();
        if lower.ends_with(".zip") {
            entries.push(ArchiveEntry {
                name,
                document: Err(IngestError::Unsupported(
                    "tệp nén lồng trong tệp nén không được hỗ trợ".into(),
                )),
            });
            continue;
        }
        let Some(format) = super::SourceFormat::from_path(std::path::Path::new(&name)) else {
            continue;
        };
        let remaining = total_limit.saturating_sub(inflated);
        let limit = format.max_file_bytes().min(remaining);
        let part = match read_part(&mut archive, &raw, limit, ".zip") {
            // Over what the whole archive may still inflate to: the archive is refused.
            Err(
                IngestError::PartTooLarge { size, .. }
                | IngestError::ZipBomb { declared: size, .. },
            ) if limit == remaining => {
                return Err(IngestError::ZipBomb {
                    part: raw,
                    declared: inflated.saturating_add(size),
                    limit: total_limit,
                });
            }
            other => other,
        };
        let document = part.and_then(|part| {
            inflated += part.len() as u64;
            super::read_bytes(&part, format)
        });
        entries.push(ArchiveEntry { name, document });
    }
    Ok(entries)
}

/// `a/b.docx` for an entry name made only of normal components (`\` read as `/`); `None` for
/// `..`, absolute paths, drive letters or an empty name.
fn clean_entry_name(raw: &str) -> Option<String> {
    let parts: Vec<&str> = raw
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let unsafe_part = |p: &&str| *p == ".." || p.contains(':') || p.chars().any(char::is_control);
    if parts.is_empty() || raw.starts_with(['/', '\\']) || parts.iter().any(unsafe_part) {
        return None;
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};
    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, ZipWriter};

    fn zip_with(entries: usize) -> Vec<u8> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        for i in 0..entries {
            zip.start_file(format!("f{i}"), options).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn counts_entries_from_the_end_record() {
        let bytes = zip_with(3);
        assert_eq!(declared_entries(&mut Cursor::new(&bytes)).unwrap(), Some(3));
        assert_eq!(declared_entries(&mut Cursor::new(b"abc")).unwrap(), None);
        let many = zip_with(MAX_ZIP_ENTRIES as usize + 1);
        let err = open(Cursor::new(many), ".docx").unwrap_err();
        assert_eq!(
            err.to_string(),
            "tệp nén có quá nhiều mục (10001 > 10000), nghi zip bomb"
        );
    }

    #[test]
    fn ratio_is_capped() {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        zip.start_file("content.xml", options).unwrap();
        zip.write_all(&vec![b' '; 3 * 1024 * 1024]).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let mut archive = open(Cursor::new(bytes), ".odt").unwrap();
        let err = read_part(&mut archive, "content.xml", 32 << 20, ".odt").unwrap_err();
        assert!(matches!(err, IngestError::ZipRatio { .. }), "{err}");
        assert!(err.to_string().contains("nghi zip bomb"), "{err}");
    }

    #[test]
    fn essay_zip_names_are_cleaned_and_traversal_refused() {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for (name, body) in [
            (
                "chi-bo-a/bai 1.txt",
                "Họ và tên: Nguyễn Văn A\n\nTôi học Nghị quyết.",
            ),
            ("../../etc/passwd.txt", "x"),
            ("anh.png", "not an essay"),
            ("inner.zip", "PK"),
        ] {
            zip.start_file(name, options).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        let entries = read_essay_zip(&bytes, 1 << 20).unwrap();
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            ["../../etc/passwd.txt", "chi-bo-a/bai 1.txt", "inner.zip"]
        );
        assert!(entries[0].document.is_err());
        assert!(entries[1]
            .document
            .as_ref()
            .unwrap()
            .text
            .contains("Nguyễn Văn A"));
        assert!(entries[2].document.is_err());
        assert_eq!(clean_entry_name("C:/x.txt"), None);
        assert_eq!(clean_entry_name("/abs.txt"), None);
        assert_eq!(clean_entry_name("./a\\b.txt").as_deref(), Some("a/b.txt"));
    }

    #[test]
    fn essay_zip_total_is_capped() {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        for i in 0..4 {
            zip.start_file(format!("{i}.txt"), options).unwrap();
            zip.write_all("Nghị quyết ".repeat(100).as_bytes()).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        let err = read_essay_zip(&bytes, 2000).unwrap_err();
        assert!(matches!(err, IngestError::ZipBomb { .. }), "{err}");
    }
}
