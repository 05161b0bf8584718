//! One essay's assessment as Vietnamese prose a member or a committee can read.

use std::fmt::Write;

use crate::flag::Flag;
use crate::grade::Assessment;
use crate::rubric::CompiledRubric;

/// Explains an assessment: score and grade, covered and missing themes with the sentences that
/// show them, the essay's parts, flags, and what would raise the grade.
pub fn explain(row: &Assessment, rubric: &CompiledRubric) -> String {
    let mut s = String::new();
    // Writing to a String cannot fail.
    let _ = write_explanation(&mut s, row, rubric);
    s
}

fn advice(flag: Flag) -> &'static str {
    match flag {
        Flag::TooShort => "viết đầy đủ hơn: trình bày nhận thức, liên hệ bản thân và đề xuất",
        Flag::KeywordStuffing => {
            "diễn đạt bằng câu văn hoàn chỉnh của mình thay vì liệt kê khẩu hiệu, từ khóa"
        }
        Flag::RepeatedText => "bỏ các đoạn lặp lại, thay bằng nội dung mới",
        Flag::OffTopic => "viết về đúng Nghị quyết được học tập",
        Flag::CopiedReference => "viết bằng lời của mình, không sao chép tài liệu",
        Flag::NearDuplicate => "bài phải do chính mình viết",
        Flag::LegacyEncoding => "nên dùng phông chữ Unicode",
        Flag::NoDiacritics => "gõ tiếng Việt có dấu",
        Flag::Padding => {
            "bỏ phần báo cáo công tác không liên hệ với Nghị quyết; liên hệ bằng việc làm, số liệu của chính mình gắn với nội dung Nghị quyết"
        }
        Flag::UnfilledTemplate => "tự viết bài của mình, không chép bài mẫu",
    }
}

fn write_explanation(
    s: &mut String,
    row: &Assessment,
    rubric: &CompiledRubric,
) -> std::fmt::Result {
    writeln!(s, "BÀI THU HOẠCH: {}", row.file)?;
    writeln!(s, "Barem: {} ({})", rubric.spec.rubric.title, row.rubric.id)?;
    if let Some(e) = &row.error {
        writeln!(s, "\nKhông chấm được bài này: {e}")?;
        return Ok(());
    }
    writeln!(
        s,
        "Người viết: {}",
        row.author.as_deref().unwrap_or("(không rõ)")
    )?;
    writeln!(s, "Đơn vị: {}", row.unit.as_deref().unwrap_or("(không rõ)"))?;
    writeln!(s, "Số từ: {}", row.words.unwrap_or(0))?;
    let score = row.score.unwrap_or(0.0);
    writeln!(
        s,
        "\nĐIỂM: {score:.1}/100 — XẾP LOẠI: {}",
        row.grade_label.as_deref().unwrap_or("-").to_uppercase()
    )?;
    if !row.caps.is_empty() {
        let uncapped = row
            .uncapped_grade
            .as_deref()
            .and_then(|id| rubric.spec.levels.iter().find(|l| l.id == id))
            .map_or("-", |l| l.label.as_str());
        writeln!(
            s,
            "Theo điểm số bài đạt mức «{uncapped}», nhưng bị hạ mức vì:"
        )?;
        for c in &row.caps {
            writeln!(s, "  - {}", c.reason)?;
        }
    }

    writeln!(s, "\n1. Điểm theo tiêu chí")?;
    for c in &row.criteria {
        writeln!(s, "  - {}: {:.1}/{}", c.label, c.score, c.max)?;
    }

    let covered: Vec<_> = row.themes.iter().filter(|t| t.covered).collect();
    writeln!(
        s,
        "\n2. Nội dung Nghị quyết đã nêu ({}/{} chủ đề)",
        covered.len(),
        row.themes.len()
    )?;
    for t in &covered {
        let full = if t.credit >= 1.0 {
            ""
        } else {
            " (mới nêu sơ lược)"
        };
        let how = t
            .recognized
            .map(|r| format!(" — {}", r.label()))
            .unwrap_or_default();
        writeln!(s, "  ✓ {}{full}{how}", t.label)?;
        if !t.concepts.is_empty() {
            writeln!(s, "      ý nhận ra: {}", t.concepts.join("; "))?;
        }
        for e in &t.evidence {
            writeln!(s, "      «{}»", shorten(e, 240))?;
        }
    }
    if let Some(sig) = &row.signals {
        if sig.understanding < 0.999 {
            writeln!(
                s,
                "  Lưu ý: {:.0}% số câu nêu nội dung chép lại lời văn Nghị quyết hoặc chỉ xâu chuỗi cụm từ có sẵn, chỉ {:.0}% là lời tự diễn đạt; điểm nhận thức chỉ tính {:.0}%.",
                (1.0 - sig.own_words_share) * 100.0,
                sig.own_words_share * 100.0,
                sig.understanding * 100.0
            )?;
        }
    }
    let missing: Vec<_> = row.themes.iter().filter(|t| !t.covered).collect();
    writeln!(s, "\n3. Nội dung chưa nêu ({})", missing.len())?;
    for t in &missing {
        let req = if t.required {
            " — nội dung bắt buộc"
        } else {
            ""
        };
        writeln!(s, "  ✗ {}{req}", t.label)?;
    }

    writeln!(s, "\n4. Bố cục bài viết")?;
    for p in &row.parts {
        let state = match (p.found, p.heading) {
            (true, true) => "có (có đề mục riêng)",
            (true, false) => "có (nhận ra qua nội dung)",
            (false, true) => "có đề mục nhưng nội dung sơ sài",
            (false, false) => "chưa có",
        };
        writeln!(s, "  - {}: {state}", p.label)?;
        for a in &p.aspects {
            writeln!(
                s,
                "      · {}: {}/{} câu",
                a.label,
                a.sentences.min(a.target),
                a.target
            )?;
            if let Some(e) = a.evidence.first() {
                writeln!(s, "        «{}»", shorten(e, 200))?;
            }
        }
    }

    if let Some(o) = row
        .originality
        .as_ref()
        .filter(|o| !o.sources.is_empty() || !o.duplicates.is_empty())
    {
        writeln!(
            s,
            "\n   Sao chép: {:.0}% thân bài trùng với văn bản tham chiếu",
            o.copied_share * 100.0
        )?;
        for src in &o.sources {
            writeln!(s, "   - {} ({:.0}%):", src.reference, src.share * 100.0)?;
            for span in src.spans.iter().take(5) {
                writeln!(s, "      «{}»", shorten(&span.text, 240))?;
            }
        }
        for d in &o.duplicates {
            writeln!(
                s,
                "   - Gần trùng với bài {} ({:.0}%)",
                d.file,
                d.similarity * 100.0
            )?;
        }
    }

    writeln!(s, "\n5. Lưu ý")?;
    if row.flags.is_empty() && row.review.is_empty() {
        writeln!(s, "  Không có.")?;
    }
    for f in &row.flags {
        writeln!(s, "  ! {}", f.label())?;
        if let (Flag::OffTopic, Some(doc)) = (
            f,
            row.signals.as_ref().and_then(|x| x.other_document.as_ref()),
        ) {
            writeln!(s, "    (bài có vẻ viết về: {doc})")?;
        }
    }
    for r in &row.review {
        writeln!(s, "  ? Cần người chấm xem lại: {r}")?;
    }
    for n in &row.notes {
        writeln!(s, "  · {n}")?;
    }

    writeln!(s, "\n6. Để nâng xếp loại")?;
    let mut tips = Vec::new();
    let levels = &rubric.spec.levels;
    if let Some(grade) = row.grade.as_deref() {
        if let Some(i) = levels.iter().position(|l| l.id == grade) {
            if i > 0 {
                let next = &levels[i - 1];
                if score < next.min_score {
                    tips.push(format!(
                        "cần thêm {:.1} điểm để đạt mức «{}» (từ {} điểm)",
                        next.min_score - score,
                        next.label,
                        next.min_score
                    ));
                }
            }
        }
    }
    for f in &row.flags {
        if *f != Flag::NoDiacritics || row.flags.len() == 1 {
            tips.push(advice(*f).to_string());
        }
    }
    for t in missing.iter().filter(|t| t.required) {
        tips.push(format!("trình bày nội dung «{}»", t.label));
    }
    for p in &row.parts {
        if !p.found {
            tips.push(format!("bổ sung phần «{}»", p.label));
        }
        for a in &p.aspects {
            if a.sentences < a.target {
                tips.push(format!(
                    "{}: nêu thêm {} ý",
                    lower_first(&a.label),
                    a.target - a.sentences
                ));
            }
        }
    }
    if tips.is_empty() {
        writeln!(s, "  Bài đã đạt mức cao nhất của barem.")?;
    }
    for t in tips {
        writeln!(s, "  - {}", upper_first(&t))?;
    }
    Ok(())
}

fn shorten(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max_chars).collect();
        format!("{cut}…")
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}
