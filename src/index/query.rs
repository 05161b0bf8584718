//! The reviewer's query language: words and "quoted phrases", all of which must match.

use crate::text::phrase_keys;

/// One part of a query: a word or a quoted phrase, as syllable keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryPart {
    /// Canonical keys (with diacritics).
    pub keys: Vec<String>,
    /// Folded keys (no diacritics).
    pub folds: Vec<String>,
    /// The user typed diacritics: exact matches should rank first.
    pub accented: bool,
}

/// A query that cannot be read, with the byte position of the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("truy vấn không hợp lệ ở vị trí {position}: {message}")]
pub struct QueryError {
    /// Byte offset of the problem in the query.
    pub position: usize,
    /// What is wrong (Vietnamese).
    pub message: String,
}

/// Splits a query into words and quoted phrases.
pub fn parse(query: &str) -> Result<Vec<QueryPart>, QueryError> {
    let mut parts = Vec::new();
    let mut rest = query;
    let mut offset = 0;
    while let Some(open) = rest.find(['"', '“', '”']) {
        words(&rest[..open], &mut parts);
        let quote_len = rest[open..].chars().next().map_or(1, char::len_utf8);
        let after = &rest[open + quote_len..];
        let Some(close) = after.find(['"', '“', '”']) else {
            return Err(QueryError {
                position: offset + open,
                message: "dấu ngoặc kép chưa được đóng".into(),
            });
        };
        if let Some(p) = part(&after[..close]) {
            parts.push(p);
        }
        let close_len = after[close..].chars().next().map_or(1, char::len_utf8);
        let consumed = open + quote_len + close + close_len;
        offset += consumed;
        rest = &rest[consumed..];
    }
    words(rest, &mut parts);
    if parts.is_empty() {
        return Err(QueryError {
            position: 0,
            message: "truy vấn không có từ nào để tìm".into(),
        });
    }
    Ok(parts)
}

fn words(text: &str, parts: &mut Vec<QueryPart>) {
    for w in text.split_whitespace() {
        parts.extend(part(w));
    }
}

fn part(text: &str) -> Option<QueryPart> {
    let (keys, folds): (Vec<String>, Vec<String>) = phrase_keys(text).into_iter().unzip();
    if keys.is_empty() {
        return None;
    }
    let accented = keys.iter().zip(&folds).any(|(k, f)| k != f);
    Some(QueryPart {
        keys,
        folds,
        accented,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_phrases() {
        let p = parse(r#"Đảng "chuyển đổi số" nghi quyet"#).expect("parse");
        assert_eq!(p.len(), 4);
        assert_eq!(p[0].keys, ["đảng"]);
        assert!(p[0].accented);
        assert_eq!(p[1].folds, ["chuyen", "doi", "so"]);
        assert!(!p[2].accented);
    }

    #[test]
    fn unclosed_quote_says_where() {
        let e = parse(r#"đảng "chuyển đổi"#).unwrap_err();
        assert_eq!(e.position, "đảng ".len());
        assert!(e.to_string().contains("ngoặc kép"));
        assert!(parse("  ").is_err());
    }
}
