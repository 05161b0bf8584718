//! The roster (*danh sách đảng viên*): who should have written an essay, and in which party cell.
//!
//! Committees keep rosters in Excel or export them as CSV, with headers in Vietnamese ("STT",
//! "Họ và tên", "Chi bộ", "Tệp") or English ("Name", "Unit", "File"), often under a title line
//! or two. The header row is found among the first rows by its labels, compared without case,
//! diacritics, punctuation or extra spaces. A roster may split the name into "Họ và tên đệm" and
//! "Tên" columns. A blank unit cell repeats the unit above it, as merged cells do in Excel.

use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};
use unicode_normalization::UnicodeNormalization;

use super::ReportError;
use crate::text::{display, phrase_keys};

/// Rows searched for the header row (title lines, blank lines and notes come before it).
const HEADER_SEARCH_ROWS: usize = 30;

/// One member listed in the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The roster's own number ("STT"), as written.
    pub stt: Option<String>,
    /// Full name as written (spaces collapsed, NFC).
    pub name: String,
    /// Party cell or unit, as written; `None` when the roster has no unit column.
    pub unit: Option<String>,
    /// The essay file named in the roster, when it has a file column.
    pub file: Option<String>,
    /// Row number in the source (1-based), for messages.
    pub row: usize,
}

/// A roster read from a .csv or .xlsx file (or built from rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    /// Where the roster came from, for messages and reports.
    pub source: String,
    /// The members, in roster order.
    pub members: Vec<Member>,
}

/// What a header cell names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Stt,
    Name,
    Surname,
    Given,
    Unit,
    File,
}

const STT_LABELS: &[&str] = &["stt", "tt", "so tt", "so thu tu", "no", "number"];
const NAME_LABELS: &[&str] = &[
    "ho va ten",
    "ho ten",
    "ho va ten dang vien",
    "ho ten dang vien",
    "ten dang vien",
    "ho va ten nguoi viet",
    "name",
    "full name",
    "fullname",
    "member",
    "member name",
];
const SURNAME_LABELS: &[&str] = &[
    "ho",
    "ho dem",
    "ho lot",
    "ho va dem",
    "ho va ten dem",
    "ho va chu dem",
    "ho va ten lot",
];
const GIVEN_LABELS: &[&str] = &["ten"];
const UNIT_LABELS: &[&str] = &[
    "chi bo",
    "chi bo dang",
    "chi bo sinh hoat",
    "sinh hoat tai chi bo",
    "don vi",
    "don vi cong tac",
    "co quan don vi",
    "unit",
    "party cell",
    "cell",
];
const FILE_LABELS: &[&str] = &[
    "tep",
    "ten tep",
    "tep bai",
    "tep bai thu hoach",
    "file",
    "file name",
    "filename",
    "ten file",
    "duong dan",
    "path",
];

fn classify(cell: &str) -> Option<Column> {
    let key = fold_join(cell);
    let k = key.as_str();
    let is = |labels: &[&str]| labels.contains(&k);
    if is(NAME_LABELS) {
        Some(Column::Name)
    } else if is(UNIT_LABELS) {
        Some(Column::Unit)
    } else if is(FILE_LABELS) {
        Some(Column::File)
    } else if is(STT_LABELS) {
        Some(Column::Stt)
    } else if is(SURNAME_LABELS) {
        Some(Column::Surname)
    } else if is(GIVEN_LABELS) {
        Some(Column::Given)
    } else {
        None
    }
}

/// Where each kind of column is in the header row.
#[derive(Debug, Default)]
struct Layout {
    stt: Option<usize>,
    name: Option<usize>,
    surname: Option<usize>,
    given: Option<usize>,
    unit: Option<usize>,
    file: Option<usize>,
}

impl Layout {
    fn from_header(cells: &[String]) -> Option<Layout> {
        let mut l = Layout::default();
        for (i, cell) in cells.iter().enumerate() {
            let slot = match classify(cell) {
                Some(Column::Stt) => &mut l.stt,
                Some(Column::Name) => &mut l.name,
                Some(Column::Surname) => &mut l.surname,
                Some(Column::Given) => &mut l.given,
                Some(Column::Unit) => &mut l.unit,
                Some(Column::File) => &mut l.file,
                None => continue,
            };
            slot.get_or_insert(i);
        }
        if l.name.is_none() {
            match (l.surname, l.given) {
                (Some(_), Some(_)) => {}
                // "Tên" alone is the full name.
                (None, Some(g)) => l.name = Some(g),
                _ => return None,
            }
        }
        Some(l)
    }

    fn name(&self, row: &[String]) -> String {
        let cell = |i: Option<usize>| i.and_then(|i| row.get(i)).map_or("", |s| s.as_str());
        let raw = match self.name {
            Some(i) => cell(Some(i)).to_string(),
            None => format!("{} {}", cell(self.surname), cell(self.given)),
        };
        display(&raw.nfc().collect::<String>())
    }
}

fn clean(cell: Option<&String>) -> Option<String> {
    let s = display(&cell?.nfc().collect::<String>());
    (!s.is_empty()).then_some(s)
}

impl Roster {
    /// Reads a roster from a .csv (UTF-8, comma, semicolon or tab separated) or a spreadsheet
    /// (.xlsx, .xlsm, .xls, .ods); the first sheet with a recognisable header row is used.
    pub fn from_path(path: &Path) -> Result<Roster, ReportError> {
        let source = path.display().to_string();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        match ext.as_str() {
            "csv" | "txt" | "tsv" => {
                let bytes = std::fs::read(path).map_err(|e| ReportError::io(path, e))?;
                let rows = csv_rows(&bytes).map_err(|message| ReportError::Roster {
                    path: source.clone(),
                    message,
                })?;
                Roster::from_rows(&source, rows)
            }
            "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => {
                let mut book = open_workbook_auto(path).map_err(|e| ReportError::Roster {
                    path: source.clone(),
                    message: format!("không mở được bảng tính: {e}"),
                })?;
                let mut first_error = None;
                for name in book.sheet_names() {
                    let range = match book.worksheet_range(&name) {
                        Ok(r) => r,
                        Err(e) => {
                            first_error.get_or_insert(format!("trang “{name}”: {e}"));
                            continue;
                        }
                    };
                    let rows: Vec<Vec<String>> = range
                        .rows()
                        .map(|r| r.iter().map(cell_text).collect())
                        .collect();
                    match Roster::from_rows(&format!("{source} (trang “{name}”)"), rows) {
                        Ok(mut roster) => {
                            roster.source = source;
                            return Ok(roster);
                        }
                        Err(e) => {
                            first_error.get_or_insert(e.to_string());
                        }
                    }
                }
                Err(ReportError::Roster {
                    path: source,
                    message: first_error.unwrap_or_else(|| "bảng tính không có trang nào".into()),
                })
            }
            _ => Err(ReportError::Roster {
                path: source,
                message: "chỉ đọc được danh sách dạng .csv hoặc .xlsx".into(),
            }),
        }
    }

    /// Builds a roster from rows of cells (title lines, then a header row, then one member per
    /// row). `source` names the roster in messages. Rows without a name are skipped, and so are
    /// totals lines ("Tổng cộng").
    pub fn from_rows(
        source: &str,
        rows: impl IntoIterator<Item = Vec<String>>,
    ) -> Result<Roster, ReportError> {
        let mut rows = rows.into_iter().enumerate();
        let mut layout = None;
        for (i, row) in rows.by_ref() {
            if i >= HEADER_SEARCH_ROWS {
                break;
            }
            if let Some(l) = Layout::from_header(&row) {
                layout = Some(l);
                break;
            }
        }
        let Some(layout) = layout else {
            return Err(ReportError::Roster {
                path: source.to_string(),
                message: format!(
                    "không tìm thấy dòng tiêu đề có cột “Họ và tên” (hoặc “Họ tên”, “Name”) \
                     trong {HEADER_SEARCH_ROWS} dòng đầu"
                ),
            });
        };
        let mut members = Vec::new();
        let mut last_unit: Option<String> = None;
        for (i, row) in rows {
            let name = layout.name(&row);
            let folded = fold_join(&name);
            if folded.is_empty() || folded.starts_with("tong cong") || folded.starts_with("tong so")
            {
                continue;
            }
            let unit = match layout.unit {
                Some(c) => match clean(row.get(c)) {
                    Some(u) => {
                        last_unit = Some(u.clone());
                        Some(u)
                    }
                    None => last_unit.clone(),
                },
                None => None,
            };
            members.push(Member {
                stt: layout.stt.and_then(|c| clean(row.get(c))),
                name,
                unit,
                file: layout.file.and_then(|c| clean(row.get(c))),
                row: i + 1,
            });
        }
        if members.is_empty() {
            return Err(ReportError::Roster {
                path: source.to_string(),
                message: "có dòng tiêu đề nhưng không có đảng viên nào".into(),
            });
        }
        Ok(Roster {
            source: source.to_string(),
            members,
        })
    }

    /// The roster names each member's party cell.
    pub fn has_units(&self) -> bool {
        self.members.iter().any(|m| m.unit.is_some())
    }

    /// The roster names each member's essay file.
    pub fn has_files(&self) -> bool {
        self.members.iter().any(|m| m.file.is_some())
    }
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        Data::Int(i) => i.to_string(),
        // Numbers typed into a roster (STT) come back as floats: 1.0 is "1".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

/// Splits a CSV roster into rows of cells: UTF-8 (with or without BOM), the separator that
/// the first lines use most (comma, semicolon as Excel writes in Vietnamese locales, or tab).
fn csv_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "tệp không phải UTF-8 (byte {}); hãy lưu lại dưới dạng “CSV UTF-8”",
            e.valid_up_to()
        )
    })?;
    let sample: String = text.lines().take(HEADER_SEARCH_ROWS).collect();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (sample.bytes().filter(|b| b == d).count(), *d == b','))
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("dòng {}: {e}", i + 1))?;
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok(rows)
}

/// Folded keys of a text joined by single spaces: no case, diacritics, punctuation or extra
/// spaces ("Họ  và TÊN:" → "ho va ten").
pub(crate) fn fold_join(s: &str) -> String {
    let keys = phrase_keys(s);
    let mut out = String::with_capacity(s.len());
    for (_, f) in keys {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&f);
    }
    out
}

/// A person's name as the analyzer sees it: the canonical key (case, NFC/NFD, spacing and tone
/// placement do not matter: "Hoà" = "hòa") and the folded key (no diacritics at all).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct NameKey {
    pub key: String,
    pub fold: String,
}

pub(crate) fn name_key(s: &str) -> NameKey {
    let mut key = String::new();
    let mut fold = String::new();
    for (k, f) in phrase_keys(s) {
        if !key.is_empty() {
            key.push(' ');
            fold.push(' ');
        }
        key.push_str(&k);
        fold.push_str(&f);
    }
    NameKey { key, fold }
}

/// A unit as the analyzer sees it, without a leading "Chi bộ" / "Đảng bộ" (rosters write
/// "Chi bộ Trường THCS Yên Thạch" where essays write "Trường THCS Yên Thạch, xã …"), with the
/// abbreviations of `corpus/lexicon/unit-abbreviations.txt` written out ("THCS" = "Trung học
/// cơ sở").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnitKey {
    /// Canonical keys joined by spaces: equality of units.
    pub key: String,
    /// Folded syllables: containment of one unit's name in the other's.
    pub fold: Vec<String>,
}

/// The abbreviation list, compiled into the binary.
const UNIT_ABBREVIATIONS: &str = include_str!("../../corpus/lexicon/unit-abbreviations.txt");

/// An abbreviation (its folded syllables) and the keys of what it stands for.
struct Abbreviation {
    short: Vec<String>,
    long: Vec<(String, String)>,
}

/// The abbreviations, longest first (so "BCHQS" wins over "BCH").
fn abbreviations() -> &'static [Abbreviation] {
    static LIST: std::sync::OnceLock<Vec<Abbreviation>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        let mut list: Vec<Abbreviation> = UNIT_ABBREVIATIONS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| l.split_once(" = ").or_else(|| l.split_once('\t')))
            .map(|(short, long)| Abbreviation {
                short: phrase_keys(short).into_iter().map(|(_, f)| f).collect(),
                long: phrase_keys(long),
            })
            .filter(|a| !a.short.is_empty() && !a.long.is_empty())
            .collect();
        list.sort_by_key(|a| std::cmp::Reverse(a.short.len()));
        list
    })
}

/// Keys of a unit name with its upper-case abbreviations written out.
fn expanded_keys(s: &str) -> Vec<(String, String)> {
    use unicode_segmentation::UnicodeSegmentation;
    let keys = phrase_keys(s);
    // `phrase_keys` walks the same UAX#29 words as `unicode_words`.
    // An abbreviation is written out when typed in capitals, or, if it has no vowel (so it
    // cannot be a Vietnamese word: "thcs", "ubnd"), in any case.
    let no_vowel = |f: &str| !f.contains(['a', 'e', 'i', 'o', 'u', 'y']);
    let upper: Vec<bool> = s
        .unicode_words()
        .zip(&keys)
        .map(|(w, (_, f))| !w.chars().any(char::is_lowercase) || no_vowel(f))
        .collect();
    if upper.len() != keys.len() {
        return keys;
    }
    let mut out = Vec::with_capacity(keys.len());
    let mut i = 0;
    while i < keys.len() {
        let found = upper[i]
            .then(|| {
                abbreviations().iter().find(|a| {
                    let n = a.short.len();
                    i + n <= keys.len()
                        && upper[i..i + n].iter().all(|&u| u)
                        && keys[i..i + n].iter().map(|(_, f)| f).eq(a.short.iter())
                })
            })
            .flatten();
        match found {
            Some(a) => {
                out.extend(a.long.iter().cloned());
                i += a.short.len();
            }
            None => {
                out.push(keys[i].clone());
                i += 1;
            }
        }
    }
    out
}

pub(crate) fn unit_key(s: &str) -> UnitKey {
    let mut pairs = expanded_keys(s);
    let prefix = pairs.len() > 2
        && matches!(
            (pairs[0].1.as_str(), pairs[1].1.as_str()),
            ("chi", "bo") | ("dang", "bo")
        );
    if prefix {
        pairs.drain(..2);
    }
    UnitKey {
        key: pairs
            .iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        fold: pairs.into_iter().map(|(_, f)| f).collect(),
    }
}

/// How well two units agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum UnitMatch {
    /// Different units.
    No,
    /// One side does not say.
    Unknown,
    /// The shorter name's syllables (three or more) all appear, in order, in the longer one
    /// ("Bệnh viện huyện Xuân Hải" in "Khối Nội, Bệnh viện Đa khoa huyện Xuân Hải").
    Similar,
    /// The shorter name (two syllables or more) appears whole in the longer one.
    Contains,
    Equal,
}

pub(crate) fn unit_match(a: Option<&UnitKey>, b: Option<&UnitKey>) -> UnitMatch {
    let (Some(a), Some(b)) = (a, b) else {
        return UnitMatch::Unknown;
    };
    if a.key.is_empty() || b.key.is_empty() {
        return UnitMatch::Unknown;
    }
    if a.key == b.key || a.fold == b.fold {
        return UnitMatch::Equal;
    }
    let (short, long) = if a.fold.len() <= b.fold.len() {
        (&a.fold, &b.fold)
    } else {
        (&b.fold, &a.fold)
    };
    if short.len() >= 2 && long.windows(short.len()).any(|w| w == short.as_slice()) {
        return UnitMatch::Contains;
    }
    let mut rest = long.iter();
    if short.len() >= 3 && short.iter().all(|s| rest.any(|l| l == s)) {
        UnitMatch::Similar
    } else {
        UnitMatch::No
    }
}

/// The party cell a folder names ("Chi bộ Công an"): the nearest folder of `path` whose name
/// starts with "Chi bộ" (any case, diacritics optional).
pub(crate) fn folder_unit(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = path.split(['/', '\\']).collect();
    parts.pop();
    parts.into_iter().rev().find_map(|dir| {
        let keys = phrase_keys(dir);
        let names_cell = keys.len() > 2 && keys[0].1 == "chi" && keys[1].1 == "bo";
        names_cell.then(|| display(&dir.nfc().collect::<String>()))
    })
}

/// Folded syllables of a file's name without folder and extension ("Lâm Văn Phước.txt",
/// "03_lam-van-phuoc.docx"), for finding a member's name in it.
pub(crate) fn file_name_words(path: &str) -> Vec<(String, String)> {
    let last = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let stem = last.rsplit_once('.').map_or(last, |(s, _)| s);
    let spaced: String = stem
        .chars()
        .map(|c| {
            if c == '_' || c == '-' || c == '.' {
                ' '
            } else {
                c
            }
        })
        .collect();
    phrase_keys(&spaced)
        .into_iter()
        .filter(|(_, f)| !f.chars().all(|c| c.is_ascii_digit()))
        .collect()
}

/// A file path for comparing with a roster's file column: NFC, lower case, `/` separators.
pub(crate) fn file_key(s: &str) -> String {
    let s: String = s.trim().nfc().collect::<String>().to_lowercase();
    let s = s.replace('\\', "/");
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// Whether the essay at `path` is the file a roster names (`wanted`): the same path, the same
/// trailing path components, or, when the roster gives no extension, the same name.
pub(crate) fn file_matches(path: &str, wanted: &str) -> bool {
    if wanted.is_empty() {
        return false;
    }
    let ends = |p: &str| p == wanted || p.ends_with(&format!("/{wanted}"));
    if ends(path) {
        return true;
    }
    let last = wanted.rsplit('/').next().unwrap_or(wanted);
    if last.contains('.') {
        return false;
    }
    match path.rsplit_once('.') {
        Some((stem, ext)) if !ext.contains('/') => ends(stem),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(v: &[&[&str]]) -> Vec<Vec<String>> {
        v.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn header_found_below_a_title_with_any_spelling() {
        let r = Roster::from_rows(
            "ds.csv",
            rows(&[
                &["DANH SÁCH ĐẢNG VIÊN", "", ""],
                &[],
                &["  Stt ", "HỌ  VÀ TÊN", "CHI BỘ"],
                &["1", "Nguyễn Văn A", "Chi bộ 1"],
                &["2", "Trần Thị B", ""],
                &["", "Tổng cộng: 2 đảng viên", ""],
            ]),
        )
        .unwrap();
        assert_eq!(r.members.len(), 2);
        assert_eq!(r.members[0].stt.as_deref(), Some("1"));
        // A blank unit repeats the one above (merged cells).
        assert_eq!(r.members[1].unit.as_deref(), Some("Chi bộ 1"));
        assert_eq!(r.members[1].row, 5);
    }

    #[test]
    fn split_name_columns_and_english_headers() {
        let r = Roster::from_rows(
            "x",
            rows(&[
                &["STT", "Họ và tên đệm", "Tên", "Đơn vị"],
                &["1", "Lê Thị", "Hoa", "X"],
            ]),
        )
        .unwrap();
        assert_eq!(r.members[0].name, "Lê Thị Hoa");
        let r = Roster::from_rows(
            "x",
            rows(&[
                &["No", "Full name", "Unit", "File"],
                &["1", "Le Hoa", "X", "a.docx"],
            ]),
        )
        .unwrap();
        assert_eq!(r.members[0].file.as_deref(), Some("a.docx"));
        assert!(r.has_files() && r.has_units());
    }

    #[test]
    fn no_header_is_an_error_naming_the_file() {
        let e = Roster::from_rows("ds.csv", rows(&[&["a", "b"], &["c", "d"]])).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("ds.csv") && msg.contains("Họ và tên"), "{msg}");
    }

    #[test]
    fn csv_separators_and_bom() {
        let rows = csv_rows("\u{FEFF}STT;Họ và tên;Chi bộ\n1;\"Lê, Văn\";X\n".as_bytes()).unwrap();
        assert_eq!(rows[1][1], "Lê, Văn");
        assert!(csv_rows(b"\xff\xfe").unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn units_compare_without_the_chi_bo_prefix() {
        let a = unit_key("Chi bộ Trường THCS Yên Thạch");
        let b = unit_key("Trường THCS Yên Thạch, xã Yên Thạch, huyện Đức Phong");
        assert_eq!(unit_match(Some(&a), Some(&b)), UnitMatch::Contains);
        let c = unit_key("chi bo truong thcs yen thach");
        assert_eq!(unit_match(Some(&a), Some(&c)), UnitMatch::Equal);
        let d = unit_key("Chi bộ 1");
        let e = unit_key("Chi bộ 10");
        assert_eq!(unit_match(Some(&d), Some(&e)), UnitMatch::No);
        assert_eq!(unit_match(None, Some(&e)), UnitMatch::Unknown);
    }

    #[test]
    fn abbreviations_are_written_out_before_units_compare() {
        let same = |a: &str, b: &str| unit_match(Some(&unit_key(a)), Some(&unit_key(b)));
        for (a, b) in [
            (
                "Chi bộ Trường THCS Yên Thạch",
                "Trường Trung học cơ sở Yên Thạch",
            ),
            (
                "TRUONG THCS YEN THACH",
                "Chi bộ Trường Trung học cơ sở Yên Thạch",
            ),
            ("UBND xã Yên Hoà", "Ủy ban nhân dân xã Yên Hòa"),
            ("Chi bộ BV huyện", "Bệnh viện huyện"),
            ("HĐND huyện", "hội đồng nhân dân huyện"),
            ("chi bo truong thpt so 1", "Trường THPT số 1"),
        ] {
            assert_eq!(same(a, b), UnitMatch::Equal, "{a} = {b}");
        }
        // A word that is also an abbreviation is left alone unless written in capitals.
        assert_eq!(unit_key("Đội ca múa").fold, ["doi", "ca", "mua"]);
        assert_eq!(unit_key("Chi bộ CA xã").fold, ["cong", "an", "xa"]);
        assert_eq!(
            same(
                "Chi bộ Bệnh viện huyện Xuân Hải",
                "Khối Nội, Bệnh viện Đa khoa huyện Xuân Hải"
            ),
            UnitMatch::Similar
        );
        assert_eq!(
            same("Chi bộ Công an", "Trường THCS Yên Thạch"),
            UnitMatch::No
        );
    }

    #[test]
    fn folders_name_cells_and_file_names_name_people() {
        assert_eq!(
            folder_unit("bai/Chi bộ Công an/Lâm Văn Phước.txt").as_deref(),
            Some("Chi bộ Công an")
        );
        assert_eq!(folder_unit("bai/khac/a.txt"), None);
        assert_eq!(folder_unit("a.txt"), None);
        let folded: Vec<String> = file_name_words("x/03_lam-van-phuoc.docx")
            .into_iter()
            .map(|(_, f)| f)
            .collect();
        assert_eq!(folded, ["lam", "van", "phuoc"]);
    }

    #[test]
    fn file_column_matching() {
        assert!(file_matches("essays/cb1/a.docx", "a.docx"));
        assert!(file_matches("essays/cb1/a.docx", "cb1/a.docx"));
        assert!(file_matches("essays/cb1/a.docx", "a"));
        assert!(!file_matches("essays/cb1/ba.docx", "a.docx"));
        assert!(!file_matches("essays/cb1/a.docx", "a.txt"));
        assert_eq!(file_key(" .\\CB1\\A.docx"), "cb1/a.docx");
    }
}
