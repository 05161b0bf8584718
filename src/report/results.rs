//! Reading back the rows `thuhoach grade --format jsonl` wrote (RESULTS.jsonl).

use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::Value;

use super::ReportError;
use crate::grade::Assessment;

/// List fields a row may leave out (rows written by other tools, or hand-made error rows).
const LIST_FIELDS: [&str; 6] = ["criteria", "themes", "parts", "flags", "caps", "notes"];

/// Reads RESULTS.jsonl: one assessment per line, blank lines ignored. A line that is not a
/// row is an error naming the file and the line number, so the secretary can fix it; rows of
/// files that could not be graded (`error` set, `grade` null) are kept as they are. A file
/// listed again (a resumed batch) keeps its latest row, in its first place.
pub fn read_results(path: &Path) -> Result<Vec<Assessment>, ReportError> {
    let mut rows = Vec::new();
    for_each_row(path, |row| rows.push(row))?;
    Ok(latest_per_file(rows))
}

/// The one reader of RESULTS.jsonl (`report`, `calibrate`, `override --results` and
/// `grade --skip-done` all use it): hands each row to `each` in file order. Accepts a UTF-8
/// BOM, blank lines, and rows that leave out list fields or the rubric reference.
pub fn for_each_row(path: &Path, mut each: impl FnMut(Assessment)) -> Result<(), ReportError> {
    let file = std::fs::File::open(path).map_err(|e| ReportError::io(path, e))?;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| ReportError::Results {
            path: path.display().to_string(),
            line: i + 1,
            message: e.to_string(),
        })?;
        let line = if i == 0 {
            line.trim_start_matches('\u{FEFF}')
        } else {
            &line
        };
        if line.trim().is_empty() {
            continue;
        }
        let row = parse_row(line).map_err(|message| ReportError::Results {
            path: path.display().to_string(),
            line: i + 1,
            message,
        })?;
        each(row);
    }
    Ok(())
}

/// A resumed batch (`grade --skip-done` appending) may list a file again after it changed:
/// the later row replaces the earlier one, in the earlier one's place.
fn latest_per_file(rows: Vec<Assessment>) -> Vec<Assessment> {
    let mut at: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
    let mut out: Vec<Assessment> = Vec::with_capacity(rows.len());
    for row in rows {
        match at.get(&row.file) {
            Some(&i) => out[i] = row,
            None => {
                at.insert(row.file.clone(), out.len());
                out.push(row);
            }
        }
    }
    out
}

/// One JSON line → an assessment; missing lists and a missing rubric reference are empty.
pub(crate) fn parse_row(line: &str) -> Result<Assessment, String> {
    let mut value: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let Some(obj) = value.as_object_mut() else {
        return Err("dòng không phải một đối tượng JSON".into());
    };
    if !obj.get("file").is_some_and(Value::is_string) {
        return Err("thiếu trường “file”".into());
    }
    for field in LIST_FIELDS {
        if obj.get(field).is_none_or(Value::is_null) {
            obj.insert(field.into(), Value::Array(Vec::new()));
        }
    }
    if obj.get("rubric").is_none_or(Value::is_null) {
        obj.insert("rubric".into(), serde_json::json!({"id": "", "sha256": ""}));
    }
    serde_json::from_value(value).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_rows_and_error_rows_parse() {
        let r = parse_row(r#"{"file":"a.txt","score":50.0,"grade":"fair"}"#).unwrap();
        assert_eq!(r.grade.as_deref(), Some("fair"));
        let r = parse_row(r#"{"file":"b.docx","grade":null,"error":"hỏng"}"#).unwrap();
        assert_eq!(r.error.as_deref(), Some("hỏng"));
        assert!(parse_row(r#"{"file":"c","flags":["no_such_flag"]}"#).is_err());
        assert!(parse_row(r#"[1]"#).is_err());
        assert!(parse_row(r#"{"grade":"good"}"#)
            .unwrap_err()
            .contains("file"));
    }
}
