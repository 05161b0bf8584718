//! TOML parser messages in Vietnamese: a sentence a committee secretary can act on first, the
//! parser's own (English) message after it in parentheses.

/// `message` from the toml parser, about `line` of the rubric (when known), explained.
pub(crate) fn explain(message: &str, line: Option<&str>) -> String {
    let original = message.trim().replace('\n', " ");
    let quoted = message.split('`').nth(1).unwrap_or("");
    let line = line.unwrap_or("").trim();
    let sentence = if message.contains("unknown field") {
        let expected = message
            .split_once("expected")
            .map(|(_, rest)| rest.trim())
            .unwrap_or("");
        format!(
            "tên trường “{quoted}” không có ở đây (có thể gõ sai); các tên hợp lệ: {}",
            expected.replace("one of ", "").replace('`', "")
        )
    } else if message.contains("missing field") {
        format!("thiếu trường “{quoted}”")
    } else if decimal_comma(line) {
        "số thập phân phải viết bằng dấu chấm, không dùng dấu phẩy (ví dụ 42.5, không phải 42,5)"
            .to_string()
    } else if message.contains("invalid type") {
        "giá trị sai kiểu (số phải là số, chữ phải đặt trong dấu ngoặc kép \"…\", danh sách trong [ ])"
            .to_string()
    } else if message.contains("duplicate key") {
        format!("trường “{quoted}” được ghi hai lần")
    } else {
        "dòng này không đúng cú pháp của barem (dạng: tên = giá trị; chữ đặt trong dấu ngoặc kép)"
            .to_string()
    };
    format!("{sentence} ({original})")
}

/// The line sets a number written with a decimal comma ("min_score = 42,5").
fn decimal_comma(line: &str) -> bool {
    let Some((_, value)) = line.split_once('=') else {
        return false;
    };
    let value = value.split('#').next().unwrap_or("").trim();
    match value.split_once(',') {
        Some((a, b)) => {
            let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
            digits(a.trim_start_matches('-')) && digits(b)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::CompiledRubric;

    fn error_for(from: &str, to: &str) -> String {
        let text = crate::rubric::DEFAULT_RUBRIC_TOML.replacen(from, to, 1);
        CompiledRubric::from_toml(&text, "barem.toml")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn typos_a_secretary_makes_are_explained_in_vietnamese_with_the_line() {
        let comma = error_for("min_score = 42.0", "min_score = 42,5");
        assert!(
            comma.starts_with("barem.toml:49: ")
                && comma.contains("dấu chấm, không dùng dấu phẩy")
                && comma.contains("(unexpected"),
            "{comma}"
        );
        let name = error_for("min_score = 42.0", "min_scor = 42.0");
        assert!(
            name.contains("tên trường “min_scor” không có ở đây")
                && name.contains("min_score")
                && name.contains("(unknown field"),
            "{name}"
        );
        let quote = error_for("id = \"good\"", "id = good");
        assert!(quote.contains("dấu ngoặc kép"), "{quote}");
    }
}
