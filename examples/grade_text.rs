//! Grade one essay held in memory with the built-in rubric and print what was found.
//!
//! Run: `cargo run --example grade_text`

use thuhoach::Grader;

fn main() -> Result<(), thuhoach::Error> {
    let grader = Grader::with_default_rubric()?;
    let essay = "Họ và tên: Nguyễn Văn A\nChi bộ: Trường Tiểu học Hòa Bình\n\n\
        Qua học tập Nghị quyết Đại hội XIII, tôi nhận thức rõ mục tiêu đến năm 2045 nước ta trở \
        thành nước phát triển, thu nhập cao. Ba đột phá chiến lược là hoàn thiện đồng bộ thể chế \
        phát triển, phát triển nguồn nhân lực chất lượng cao và xây dựng hệ thống kết cấu hạ tầng \
        đồng bộ, hiện đại.";
    let row = grader.grade_text("vi-du.txt", essay);
    println!(
        "{}: {} điểm, xếp loại {}",
        row.author.as_deref().unwrap_or("?"),
        row.score.unwrap_or(0.0),
        row.grade_label.as_deref().unwrap_or("-")
    );
    for theme in row.themes.iter().filter(|t| t.covered) {
        println!("  ✓ {} — «{}»", theme.label, theme.evidence.join(" … "));
    }
    let flags: Vec<&str> = row.flags.iter().map(|f| f.id()).collect();
    println!("  cờ: {}", flags.join(", "));
    Ok(())
}
