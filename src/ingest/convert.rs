//! .doc and .rtf through LibreOffice: `soffice --headless --convert-to txt` on a copy of the
//! file in a temporary folder, with its own user profile (so conversions can run in parallel
//! and never touch the user's), its output discarded, and [`CONVERT_TIME_LIMIT`]: past that
//! the whole process group is killed.
//!
//! Text in legacy fonts comes out of LibreOffice as its Windows-1252 view (`NghÞ quyÕt`);
//! the common mojibake repair in `ingest::finish` converts it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{read_capped, txt, IngestError, RawDocument, SourceFormat, CONVERT_TIME_LIMIT};

/// Where LibreOffice may be, besides `PATH`.
const CANDIDATES: [&str; 4] = [
    "soffice",
    "libreoffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
];

/// Converts a file on disk.
pub(super) fn read_file(path: &Path, format: SourceFormat) -> Result<RawDocument, IngestError> {
    let bytes = read_capped(
        std::fs::File::open(path).map_err(|e| super::io_error(path, e))?,
        format.max_file_bytes(),
        0,
    )?;
    read_bytes(&bytes, format)
}

/// Converts bytes (written to a private temporary folder first).
pub(super) fn read_bytes(bytes: &[u8], format: SourceFormat) -> Result<RawDocument, IngestError> {
    let kind = format.extension();
    if bytes.is_empty() {
        return Err(IngestError::Empty);
    }
    // A real .doc is an OLE compound file (Word also saves RTF or HTML under .doc); an .rtf
    // starts with "{\rtf". Anything else LibreOffice would import as plain text, garbage
    // included, so it is refused here.
    let head = &bytes[..bytes.len().min(1024)];
    let is_rtf = head.trim_ascii_start().starts_with(b"{\\rtf");
    let is_html = head.windows(5).any(|w| w.eq_ignore_ascii_case(b"<html"));
    let ok = match format {
        SourceFormat::Doc => bytes.starts_with(&super::archive::OLE_MAGIC) || is_rtf || is_html,
        _ => is_rtf,
    };
    if !ok {
        return Err(IngestError::ConvertFailed {
            kind,
            detail: format!("tệp không phải định dạng {kind} (thiếu chữ ký ở đầu tệp)"),
        });
    }
    let soffice = find_soffice().ok_or(IngestError::ConverterMissing(kind))?;
    let dir = TempDir::new()?;
    let input = dir.path().join(format!("input{kind}"));
    std::fs::write(&input, bytes)?;
    let out_dir = dir.path().join("out");
    let profile = dir.path().join("profile");
    let mut cmd = Command::new(&soffice);
    cmd.arg(format!("-env:UserInstallation={}", file_url(&profile)))
        .args([
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--norestore",
            "--convert-to",
            "txt:Text (encoded):UTF8",
            "--outdir",
        ])
        .arg(&out_dir)
        .arg(&input)
        .env("HOME", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    run_with_limit(cmd, CONVERT_TIME_LIMIT)?;
    let output = out_dir.join("input.txt");
    let text = match std::fs::File::open(&output) {
        Ok(f) => read_capped(f, super::MAX_TXT_BYTES, 0)?,
        Err(_) => {
            return Err(IngestError::ConvertFailed {
                kind,
                detail: "không có kết quả (tệp hỏng, có mật khẩu hoặc không phải định dạng này)"
                    .to_string(),
            })
        }
    };
    let (text, _) = txt::unicode(&text)?;
    // A damaged file that LibreOffice still "opens" gives noise: refuse text in which hardly
    // a word reads as a word (Vietnamese or any Latin-script language's short words).
    let score = super::legacy::syllable_score(&text);
    let junk = text
        .chars()
        .filter(|&c| c == '\u{FFFD}' || ('\u{E000}'..='\u{F8FF}').contains(&c))
        .count();
    if score.words >= 20 && (score.share() < 0.15 || junk * 20 > text.chars().count()) {
        return Err(IngestError::ConvertFailed {
            kind,
            detail: "kết quả không phải văn bản đọc được (tệp hỏng?)".to_string(),
        });
    }
    let mut doc = txt::document(text, format, Vec::new(), None)?;
    doc.notes.push(format!(
        "Tệp {kind} được chuyển sang văn bản bằng LibreOffice"
    ));
    Ok(doc)
}

/// A private temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<Self, IngestError> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let mut last = None;
        for _ in 0..16 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = std::env::temp_dir()
                .join(format!("thuhoach-lo-{}-{n}-{nanos}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(TempDir(path)),
                Err(e) => last = Some(e),
            }
        }
        Err(IngestError::Io(last.unwrap_or_else(|| {
            std::io::Error::other("không tạo được thư mục tạm")
        })))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for b in path.as_os_str().as_encoded_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                url.push(char::from(*b))
            }
            _ => url.push_str(&format!("%{b:02X}")),
        }
    }
    url
}

/// The LibreOffice executable, if one is installed.
fn find_soffice() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("THUHOACH_SOFFICE") {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in CANDIDATES {
        if name.contains('/') {
            if Path::new(name).is_file() {
                return Some(PathBuf::from(name));
            }
            continue;
        }
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Runs `cmd` in its own process group; kills the group when `limit` passes.
fn run_with_limit(mut cmd: Command, limit: Duration) -> Result<(), IngestError> {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0);
    let mut child = cmd.spawn().map_err(|e| IngestError::ConvertFailed {
        kind: "LibreOffice",
        detail: format!("không chạy được soffice: {e}"),
    })?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => return Ok(()),
            Ok(None) if started.elapsed() >= limit => {
                kill_group(child.id());
                let _ = child.kill();
                let _ = child.wait();
                return Err(IngestError::Timeout {
                    what: "chuyển tệp bằng LibreOffice",
                    secs: limit.as_secs(),
                });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(IngestError::Io(e)),
        }
    }
}

/// SIGKILL to a whole process group (soffice starts soffice.bin as a child).
fn kill_group(pgid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pgid}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_limit_kills_the_group() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 30 & sleep 30"]);
        let started = Instant::now();
        let err = run_with_limit(cmd, Duration::from_millis(300)).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(matches!(err, IngestError::Timeout { .. }), "{err}");
    }

    #[test]
    fn rtf_through_libreoffice() {
        if find_soffice().is_none() {
            crate::ingest::test_tools::missing("LibreOffice (soffice)", "libreoffice-writer-nogui");
            return;
        }
        let rtf = br"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times New Roman;}}\f0\fs24 B\u224?i thu ho\u7841?ch\par Ngh\u7883? quy\u7871?t \u272?\u7841?i h\u7897?i XIII\par}";
        let doc = match read_bytes(rtf, SourceFormat::Rtf) {
            // A cold LibreOffice start on a loaded machine can exceed the limit; the limit
            // itself is tested above.
            Err(IngestError::Timeout { .. }) => {
                eprintln!("LibreOffice too slow to start here: skipped");
                return;
            }
            other => other.unwrap(),
        };
        assert_eq!(doc.text.trim(), "Bài thu hoạch\nNghị quyết Đại hội XIII");
        assert_eq!(doc.format, SourceFormat::Rtf);
    }

    #[test]
    fn missing_converter_names_the_package() {
        let e = IngestError::ConverterMissing(".doc");
        assert!(e.to_string().contains("libreoffice-writer"), "{e}");
    }
}
