//! A one-page feedback sheet for the member (`explain --out FILE.docx`): the explanation
//! without the evidence quotes and the list of covered themes, on one A4 page.

use std::path::Path;

use docx_rs::{AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts};

use super::ReportError;

const FONT: &str = "Times New Roman";

fn run(text: &str, size: usize, bold: bool) -> Run {
    let fonts = RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT);
    let r = Run::new().add_text(text).size(size).fonts(fonts);
    if bold {
        r.bold()
    } else {
        r
    }
}

/// Missing themes listed on the sheet; the rest are counted.
const MISSING_SHOWN: usize = 6;

/// The lines of an explanation kept on the sheet: everything but the quoted evidence and the
/// list of themes covered (their count stays in the heading), and at most
/// six missing themes (the others counted), so that it fits one page.
pub fn feedback_lines(explanation: &str) -> Vec<String> {
    let missing = explanation
        .lines()
        .filter(|l| l.trim_start().starts_with('✗'))
        .count();
    let mut shown = 0;
    let mut out = Vec::new();
    for l in explanation.lines() {
        let t = l.trim_start();
        if t.starts_with('«') || t.starts_with('✓') {
            continue;
        }
        if t.starts_with('✗') {
            shown += 1;
            if shown > MISSING_SHOWN {
                if shown == MISSING_SHOWN + 1 {
                    out.push(format!(
                        "  ✗ … và {} nội dung khác (xem đầy đủ bằng lệnh thuhoach explain)",
                        missing - MISSING_SHOWN
                    ));
                }
                continue;
            }
        }
        out.push(l.to_string());
    }
    out
}

/// Writes the sheet for `explanation` (the text of [`super::explain`]) to `out`.
pub fn write_feedback_docx(explanation: &str, out: &Path) -> Result<(), ReportError> {
    let spacing = LineSpacing::new().before(0).after(0).line(240);
    let mut doc = Docx::new()
        .page_margin(
            PageMargin::new()
                .top(1_000)
                .bottom(900)
                .left(1_300)
                .right(1_000),
        )
        .add_paragraph(
            Paragraph::new()
                .add_run(run("PHIẾU NHẬN XÉT BÀI THU HOẠCH", 28, true))
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().after(160)),
        );
    for line in feedback_lines(explanation) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        let heading = trimmed.starts_with("ĐIỂM")
            || trimmed.starts_with("BÀI THU HOẠCH")
            || trimmed
                .split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        let indent = (line.len() - trimmed.len()) as i32 * 120;
        doc = doc.add_paragraph(
            Paragraph::new()
                .add_run(run(trimmed, 21, heading))
                .indent(Some(indent), None, None, None)
                .line_spacing(spacing.clone()),
        );
    }
    doc = doc.add_paragraph(
        Paragraph::new()
            .add_run(
                run(
                    "Kết quả chấm tự động là gợi ý; tổ đánh giá quyết định xếp loại cuối cùng.",
                    20,
                    false,
                )
                .italic(),
            )
            .line_spacing(LineSpacing::new().before(160)),
    );
    let file = std::fs::File::create(out).map_err(|e| ReportError::io(out, e))?;
    doc.build()
        .pack(file)
        .map_err(|e| ReportError::write(out, e))
}
