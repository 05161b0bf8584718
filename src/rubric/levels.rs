//! Naming a rubric level the way people type it: its id (`good`), its label (`Tốt`), or the
//! label without diacritics or in another case (`tot`, `TRUNG BINH`).

use super::{CompiledRubric, Level};

/// Why a typed grade names no level: the text typed and the valid choices, in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("xếp loại “{given}” không có trong barem; dùng một trong: {choices}")]
pub struct UnknownLevel {
    /// The grade as typed.
    pub given: String,
    /// The valid levels, ids and labels, for the message.
    pub choices: String,
}

/// Folded words of a text joined by single spaces (no case, diacritics or punctuation).
fn folded(s: &str) -> String {
    crate::text::phrase_keys(s)
        .into_iter()
        .map(|(_, f)| f)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The level `input` names: an id or a label, with or without diacritics, any case, any
/// spacing ("Tốt", "tot", "good", "Trung  bình", "chua dat"). Unknown → the valid choices.
pub fn resolve_level<'a>(
    rubric: &'a CompiledRubric,
    input: &str,
) -> Result<&'a Level, UnknownLevel> {
    let levels = &rubric.spec.levels;
    let trimmed = input.trim();
    if let Some(l) = levels.iter().find(|l| l.id == trimmed) {
        return Ok(l);
    }
    let want = folded(trimmed);
    let found = (!want.is_empty())
        .then(|| {
            levels
                .iter()
                .find(|l| folded(&l.id) == want || folded(&l.label) == want)
        })
        .flatten();
    found.ok_or_else(|| UnknownLevel {
        given: input.to_string(),
        choices: levels
            .iter()
            .map(|l| format!("{} ({})", l.label, l.id))
            .collect::<Vec<_>>()
            .join(", "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_labels_and_folded_labels_name_levels() {
        let r = CompiledRubric::builtin().unwrap();
        for (typed, id) in [
            ("good", "good"),
            ("Tốt", "good"),
            ("tot", "good"),
            ("TỐT", "good"),
            ("kha", "fair"),
            ("Khá", "fair"),
            ("Trung bình", "average"),
            ("trung  binh", "average"),
            ("Chưa đạt", "poor"),
            ("chua dat", "poor"),
            ("poor", "poor"),
        ] {
            assert_eq!(resolve_level(&r, typed).unwrap().id, id, "{typed}");
        }
        let err = resolve_level(&r, "xuất sắc").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("xuất sắc")
                && msg.contains("Tốt (good)")
                && msg.contains("Chưa đạt (poor)"),
            "{msg}"
        );
        assert!(resolve_level(&r, "").is_err());
    }
}
