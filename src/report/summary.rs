//! The committee's numbers: essays matched to the roster, participation and the grade
//! distribution per party cell and in total, and the essays a person should look at again.
//!
//! Percentages of each level are of the *graded* essays of a row, with one decimal, rounded by
//! the largest-remainder method so that every row sums to exactly 100.0 (naive rounding of the
//! seed district's 427 / 1,016 / 348 of 1,791 gives 23.8 + 56.7 + 19.4 = 99.9).

use std::collections::HashMap;

use super::roster::{
    file_key, file_matches, file_name_words, folder_unit, name_key, unit_key, unit_match, Member,
    NameKey, Roster, UnitKey, UnitMatch,
};
use crate::assess::Flag;
use crate::grade::Assessment;
use crate::rubric::{Level, RubricRef};

/// Name of the group of essays and members whose party cell is not known.
pub const UNKNOWN_UNIT: &str = "(Chưa rõ chi bộ)";
/// Name of the totals row.
pub const TOTAL_LABEL: &str = "Tổng cộng";
/// Note of an essay matched by the name in its file name.
const NOTE_NAME_FROM_FILE: &str = "Họ tên lấy từ tên tệp (bài không ghi họ tên)";
/// How the note of an essay whose stated cell differs from the roster's begins.
const NOTE_UNIT_DIFFERS: &str = "Chi bộ ghi trong bài";

/// A score this close to a level's threshold (either side) is borderline.
pub const BORDERLINE_POINTS: f64 = 2.0;

/// Flags that make an essay worth a second look by a person.
pub const REVIEW_FLAGS: [Flag; 5] = [
    Flag::CopiedReference,
    Flag::NearDuplicate,
    Flag::OffTopic,
    Flag::KeywordStuffing,
    Flag::RepeatedText,
];

/// One row of the summary table: a party cell, or the total.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitRow {
    /// The cell's name as written in the roster (or in the essays without a roster).
    pub name: String,
    /// Members listed in the roster (`None` without a roster).
    pub members: Option<usize>,
    /// Members with at least one essay (`None` without a roster).
    pub members_submitted: Option<usize>,
    /// `members_submitted / members` in percent, one decimal (`None` without members).
    pub participation: Option<f64>,
    /// Essays (files) placed in this cell, unreadable ones included.
    pub essays: usize,
    /// Essays with a level of the rubric: the base of the percentages.
    pub graded: usize,
    /// Essays per level, in the rubric's order (highest first).
    pub counts: Vec<usize>,
    /// Percent of `graded` per level, one decimal, summing to exactly 100.0 (all 0.0 when
    /// nothing was graded).
    pub percents: Vec<f64>,
    /// Essays without a level: files that could not be read or graded.
    pub errors: usize,
    /// Essays on the review list.
    pub review: usize,
}

impl UnitRow {
    fn new(name: String, levels: usize) -> Self {
        UnitRow {
            name,
            members: None,
            members_submitted: None,
            participation: None,
            essays: 0,
            graded: 0,
            counts: vec![0; levels],
            percents: vec![0.0; levels],
            errors: 0,
            review: 0,
        }
    }

    fn finish(&mut self) {
        self.percents = percentages(&self.counts);
        self.participation = match (self.members_submitted, self.members) {
            (Some(s), Some(m)) if m > 0 => Some(participation(s, m)),
            _ => None,
        };
    }
}

/// Where one essay (row of the results) landed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// Index of the roster member it was matched to.
    pub member: Option<usize>,
    /// Index into [`Summary::units`].
    pub unit: usize,
    /// Level index in the rubric, when the essay has one.
    pub level: Option<usize>,
    /// The name to show: the roster's spelling when matched, else the essay's own.
    pub name: Option<String>,
    /// How the essay was matched to the roster when a reader should know: the name taken from
    /// the file name, or the cell the essay states differing from the roster's (Vietnamese).
    pub note: Option<String>,
    /// Row of an earlier file that is the same essay of the same member (sent as .doc and
    /// .pdf, say): this one is not counted again.
    pub same_as: Option<usize>,
}

/// An essay a person should look at, and why (reasons in Vietnamese).
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    /// Index of the essay in the rows.
    pub row: usize,
    /// Index into [`Summary::units`].
    pub unit: usize,
    /// Why the essay needs review (Vietnamese).
    pub reasons: Vec<String>,
}

/// Everything a committee report shows, computed once for every output format.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The rubric's levels, highest first: ids for the rows' `grade`, labels for people.
    pub levels: Vec<Level>,
    /// One row per party cell: the roster's cells in roster order, then cells only essays
    /// name, in order of appearance, then [`UNKNOWN_UNIT`] if needed.
    pub units: Vec<UnitRow>,
    /// All cells together.
    pub total: UnitRow,
    /// A roster was given: members and participation are known.
    pub has_roster: bool,
    /// One placement per row, in row order.
    pub placements: Vec<Placement>,
    /// Roster members without an essay, in roster order.
    pub missing: Vec<Member>,
    /// Rows (indices) of essays that match no roster member (empty without a roster).
    pub unmatched: Vec<usize>,
    /// Essays to look at again, by cell then in row order.
    pub review: Vec<ReviewItem>,
    /// The rubrics named by the rows, in order of appearance.
    pub rubrics: Vec<RubricRef>,
}

/// Percent of each count in their sum, in tenths, summing to exactly 1000 (largest remainder;
/// ties go to the larger count, then to the earlier, higher level). All zero when the sum is 0.
pub fn percentage_tenths(counts: &[usize]) -> Vec<u64> {
    let total: u128 = counts.iter().map(|&c| c as u128).sum();
    if total == 0 {
        return vec![0; counts.len()];
    }
    let mut tenths: Vec<u64> = Vec::with_capacity(counts.len());
    let mut order: Vec<(u128, usize, usize)> = Vec::with_capacity(counts.len());
    for (i, &c) in counts.iter().enumerate() {
        let scaled = c as u128 * 1000;
        tenths.push((scaled / total) as u64);
        order.push((scaled % total, c, i));
    }
    let given: u64 = tenths.iter().sum();
    let left = 1000u64.saturating_sub(given) as usize;
    order.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    for &(_, _, i) in order.iter().take(left) {
        tenths[i] += 1;
    }
    tenths
}

/// Percent of each count in their sum, one decimal, summing to exactly 100.0.
pub fn percentages(counts: &[usize]) -> Vec<f64> {
    percentage_tenths(counts)
        .into_iter()
        .map(|t| t as f64 / 10.0)
        .collect()
}

/// `part / whole` in percent, one decimal, halves rounded up.
pub fn participation(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    let (p, w) = (part as u128, whole as u128);
    ((p * 2000 + w) / (2 * w)) as f64 / 10.0
}

/// An integer the Vietnamese way: 1.791.
pub fn fmt_int_vi(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// A number with one decimal the Vietnamese way: 23,9.
pub fn fmt_dec_vi(x: f64) -> String {
    let s = format!("{x:.1}");
    let (int, frac) = s.split_once('.').unwrap_or((&s, "0"));
    let (sign, int) = match int.strip_prefix('-') {
        Some(i) => ("-", i),
        None => ("", int),
    };
    let int = int
        .parse::<usize>()
        .map(fmt_int_vi)
        .unwrap_or_else(|_| int.to_string());
    format!("{sign}{int},{frac}")
}

/// A roster member with the keys matching needs.
struct Keyed<'a> {
    member: &'a Member,
    name: NameKey,
    unit: Option<UnitKey>,
    file: Option<String>,
    unit_index: usize,
}

/// Growing list of cells, found by key.
struct Units {
    rows: Vec<UnitRow>,
    keys: Vec<Option<UnitKey>>,
    by_key: HashMap<String, usize>,
    levels: usize,
}

impl Units {
    fn index(&mut self, name: Option<&str>) -> usize {
        let key = name.map(unit_key).filter(|k| !k.key.is_empty());
        let lookup = key.as_ref().map_or(String::new(), |k| k.key.clone());
        if let Some(&i) = self.by_key.get(&lookup) {
            return i;
        }
        let shown = match (&key, name) {
            (Some(_), Some(n)) => n.to_string(),
            _ => UNKNOWN_UNIT.to_string(),
        };
        self.rows.push(UnitRow::new(shown, self.levels));
        self.keys.push(key);
        self.by_key.insert(lookup, self.rows.len() - 1);
        self.rows.len() - 1
    }
}

impl Summary {
    /// Places every essay in a party cell (through the roster when there is one), counts the
    /// levels per cell and in total, and lists who has not submitted, which essays match
    /// nobody, and which essays need a second look.
    ///
    /// Matching essays to members: a member whose roster row names a file is matched by that
    /// file (same path, same trailing path, or same name without extension). The others are
    /// matched by name, as the one analyzer keys it (case, spacing, NFC/NFD and tone placement
    /// do not matter; then, if still unmatched and unambiguous, diacritics do not either),
    /// among members whose cell agrees with the essay's (equal, one containing the other, or
    /// not stated). Two members with the same name in agreeing cells match nobody: the essay
    /// goes on the review list. A member matched by more than one essay is counted once for
    /// participation and each of the essays goes on the review list.
    pub fn build(rows: &[Assessment], roster: Option<&Roster>, levels: &[Level]) -> Summary {
        let mut units = Units {
            rows: Vec::new(),
            keys: Vec::new(),
            by_key: HashMap::new(),
            levels: levels.len(),
        };
        let keyed: Vec<Keyed> = roster
            .map(|r| {
                r.members
                    .iter()
                    .map(|m| Keyed {
                        member: m,
                        name: name_key(&m.name),
                        unit: m
                            .unit
                            .as_deref()
                            .map(unit_key)
                            .filter(|k| !k.key.is_empty()),
                        file: m.file.as_deref().map(file_key),
                        unit_index: units.index(m.unit.as_deref()),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let roster_units = units.rows.len();
        for k in &keyed {
            let u = &mut units.rows[k.unit_index];
            *u.members.get_or_insert(0) += 1;
        }

        let row_units: Vec<RowUnits> = rows.iter().map(RowUnits::of).collect();
        let Matching {
            matched,
            candidates,
            notes,
        } = match_members(rows, &keyed, &row_units);

        let mut essays_of_member: Vec<usize> = vec![0; keyed.len()];
        for m in matched.iter().flatten() {
            essays_of_member[*m] += 1;
        }

        // Cells of the essays: the matched member's; else the cell the essay's folder names;
        // else the cell it states, but with a roster only if the roster has it (a cell is
        // never made up from an essay's address).
        let mut by_unit_text: HashMap<String, usize> = HashMap::new();
        let mut placements = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let unit = match matched[i] {
                Some(m) => keyed[m].unit_index,
                None => {
                    let folder = row_units[i].folder.as_deref();
                    let stated = row.unit.as_deref();
                    let mut unit = None;
                    for (text, may_add) in [(folder, true), (stated, roster.is_none())] {
                        let Some(text) = text else { continue };
                        if let Some(&u) = by_unit_text.get(text) {
                            unit = Some(u);
                            break;
                        }
                        let found = roster_unit_for(text, &units.keys[..roster_units])
                            .or_else(|| may_add.then(|| units.index(Some(text))));
                        if let Some(u) = found {
                            by_unit_text.insert(text.to_string(), u);
                            unit = Some(u);
                            break;
                        }
                    }
                    unit.unwrap_or_else(|| units.index(None))
                }
            };
            let level = match (&row.error, &row.grade) {
                (None, Some(g)) => levels.iter().position(|l| &l.id == g),
                _ => None,
            };
            placements.push(Placement {
                member: matched[i],
                unit,
                level,
                name: matched[i]
                    .map(|m| keyed[m].member.name.clone())
                    .or_else(|| row.author.clone()),
                note: notes[i].clone(),
                same_as: None,
            });
        }

        // One member's files that are near-duplicates of each other are one essay.
        let row_of_file: HashMap<&str, usize> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.file.as_str(), i))
            .collect();
        let partners_of = |i: usize| -> Vec<(usize, f64)> {
            rows[i]
                .originality
                .as_ref()
                .map(|o| {
                    o.duplicates
                        .iter()
                        .filter_map(|d| Some((*row_of_file.get(d.file.as_str())?, d.similarity)))
                        .collect()
                })
                .unwrap_or_default()
        };
        for i in 0..rows.len() {
            let Some(m) = placements[i].member else {
                continue;
            };
            let first = partners_of(i)
                .into_iter()
                .map(|(j, _)| j)
                .filter(|&j| j < i && placements[j].member == Some(m))
                .min();
            if let Some(j) = first {
                let j = placements[j].same_as.unwrap_or(j);
                placements[i].same_as = Some(j);
                essays_of_member[m] -= 1;
            }
        }

        // The unknown cell goes last.
        let unknown = units.by_key.get("").copied();
        let order: Vec<usize> = {
            let mut o: Vec<usize> = (0..units.rows.len()).collect();
            o.sort_by_key(|&i| (Some(i) == unknown, i));
            o
        };
        let mut new_index = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let mut unit_rows: Vec<UnitRow> = order.iter().map(|&i| units.rows[i].clone()).collect();
        for p in &mut placements {
            p.unit = new_index[p.unit];
        }

        // Review list.
        let mut review = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let p = &placements[i];
            let mut reasons = Vec::new();
            if let Some(e) = &row.error {
                reasons.push(format!("Không chấm được: {e}"));
            } else if let (Some(g), None) = (&row.grade, p.level) {
                reasons.push(format!("Xếp loại “{g}” không có trong barem"));
            } else if row.grade.is_none() {
                reasons.push("Chưa có xếp loại".to_string());
            }
            for flag in REVIEW_FLAGS {
                if flag == Flag::NearDuplicate && row.flags.contains(&flag) {
                    reasons.extend(near_duplicate_reasons(i, rows, &placements, &partners_of));
                } else if row.flags.contains(&flag) {
                    reasons.push(flag.label().to_string());
                }
            }
            if let Some(j) = p.same_as {
                reasons.push(format!(
                    "Cùng một bài với tệp {} của cùng đảng viên (gửi nhiều tệp): chỉ tính một lần",
                    super::committee::short_file(&rows[j].file)
                ));
            }
            if let (Some(score), Some(_), true) = (row.score, p.level, row.caps.is_empty()) {
                if let Some(reason) = borderline(score, levels) {
                    reasons.push(reason);
                }
            }
            if let Some(m) = p.member {
                if essays_of_member[m] > 1 {
                    reasons.push(format!(
                        "Đảng viên có {} bài trong các bài đã nộp",
                        essays_of_member[m]
                    ));
                }
            } else if roster.is_some() && row.error.is_none() {
                match (candidates[i].len(), &row.author) {
                    (n, _) if n > 1 => reasons.push(format!(
                        "Trùng tên với {n} đảng viên trong danh sách, chưa xác định được người viết: {}",
                        candidates[i]
                            .iter()
                            .map(|&m| {
                                let who = keyed[m].member;
                                format!(
                                    "{} ({}, dòng {})",
                                    who.name,
                                    who.unit.as_deref().unwrap_or(UNKNOWN_UNIT),
                                    who.row
                                )
                            })
                            .collect::<Vec<_>>()
                            .join("; ")
                    )),
                    (_, Some(_)) => reasons.push("Không có tên trong danh sách đảng viên".into()),
                    (_, None) => reasons.push(
                        "Không đọc được họ tên người viết, chưa đối chiếu được với danh sách"
                            .into(),
                    ),
                }
            }
            if !reasons.is_empty() {
                review.push(ReviewItem {
                    row: i,
                    unit: p.unit,
                    reasons,
                });
            }
        }
        review.sort_by_key(|r| (r.unit, r.row));

        // Counts.
        let mut total = UnitRow::new(TOTAL_LABEL.to_string(), levels.len());
        let has_roster = roster.is_some();
        if has_roster {
            for u in &mut unit_rows {
                u.members.get_or_insert(0);
                u.members_submitted = Some(0);
            }
            total.members = Some(keyed.len());
            total.members_submitted = Some(essays_of_member.iter().filter(|&&n| n > 0).count());
        }
        for (m, &n) in essays_of_member.iter().enumerate() {
            if n > 0 {
                let u = &mut unit_rows[new_index[keyed[m].unit_index]];
                *u.members_submitted.get_or_insert(0) += 1;
            }
        }
        for p in placements.iter().filter(|p| p.same_as.is_none()) {
            for u in [&mut unit_rows[p.unit], &mut total] {
                u.essays += 1;
                match p.level {
                    Some(l) => {
                        u.graded += 1;
                        u.counts[l] += 1;
                    }
                    None => u.errors += 1,
                }
            }
        }
        for item in &review {
            unit_rows[item.unit].review += 1;
            total.review += 1;
        }
        for u in &mut unit_rows {
            u.finish();
        }
        total.finish();

        let missing = keyed
            .iter()
            .zip(&essays_of_member)
            .filter(|(_, &n)| n == 0)
            .map(|(k, _)| k.member.clone())
            .collect();
        let unmatched = if has_roster {
            (0..rows.len()).filter(|&i| matched[i].is_none()).collect()
        } else {
            Vec::new()
        };
        let mut rubrics: Vec<RubricRef> = Vec::new();
        for row in rows {
            if !row.rubric.id.is_empty() && !rubrics.contains(&row.rubric) {
                rubrics.push(row.rubric.clone());
            }
        }

        Summary {
            levels: levels.to_vec(),
            units: unit_rows,
            total,
            has_roster,
            placements,
            missing,
            unmatched,
            review,
            rubrics,
        }
    }

    /// How the essays matched the roster, for the terminal and the report: "Đối chiếu với danh
    /// sách đảng viên: 23/24 bài khớp …". `None` without a roster.
    pub fn matching_vi(&self) -> Option<String> {
        if !self.has_roster {
            return None;
        }
        let essays = self.placements.len();
        let matched = essays - self.unmatched.len();
        let mut s = format!(
            "Đối chiếu với danh sách đảng viên: {}/{} bài khớp với một đảng viên trong danh sách, {} bài không khớp",
            fmt_int_vi(matched),
            fmt_int_vi(essays),
            fmt_int_vi(self.unmatched.len())
        );
        let count = |what: &str| {
            self.placements
                .iter()
                .filter(|p| p.note.as_deref().is_some_and(|n| n.contains(what)))
                .count()
        };
        let differs = count(NOTE_UNIT_DIFFERS);
        if differs > 0 {
            s.push_str(&format!(
                "; {} bài ghi chi bộ khác với danh sách (vẫn tính theo chi bộ trong danh sách)",
                fmt_int_vi(differs)
            ));
        }
        let from_file = count(NOTE_NAME_FROM_FILE);
        if from_file > 0 {
            s.push_str(&format!(
                "; {} bài không ghi họ tên, đối chiếu theo tên tệp",
                fmt_int_vi(from_file)
            ));
        }
        s.push('.');
        Some(s)
    }

    /// The review reasons of row `row`, if it is on the review list (a linear search).
    pub fn review_of(&self, row: usize) -> Option<&ReviewItem> {
        self.review.iter().find(|r| r.row == row)
    }
}

/// "Điểm 73,5 sát ngưỡng Tốt (75 điểm)" when the score is within [`BORDERLINE_POINTS`] of a
/// threshold between two levels.
fn borderline(score: f64, levels: &[Level]) -> Option<String> {
    let n = levels.len();
    levels
        .iter()
        .take(n.saturating_sub(1))
        .map(|l| (l, (score - l.min_score).abs()))
        .filter(|(_, d)| *d <= BORDERLINE_POINTS + 1e-9)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(l, _)| {
            let t = if l.min_score.fract() == 0.0 {
                format!("{}", l.min_score as i64)
            } else {
                fmt_dec_vi(l.min_score)
            };
            format!(
                "Điểm {} sát ngưỡng {} ({t} điểm)",
                fmt_dec_vi(score),
                l.label
            )
        })
}

/// Why a near-duplicate essay needs a look: whose essay it matches and how closely, and which
/// of the two is likely the source (the file modified earlier). Copies of the member's own
/// essay are not copying.
fn near_duplicate_reasons(
    i: usize,
    rows: &[Assessment],
    placements: &[Placement],
    partners_of: &dyn Fn(usize) -> Vec<(usize, f64)>,
) -> Vec<String> {
    let modified = |r: usize| {
        std::fs::metadata(&rows[r].file)
            .and_then(|m| m.modified())
            .ok()
    };
    let partners: Vec<(usize, f64)> = partners_of(i)
        .into_iter()
        .filter(|&(j, _)| {
            placements[i].member.is_none() || placements[j].member != placements[i].member
        })
        .collect();
    if partners.is_empty() {
        let same_member = rows[i]
            .originality
            .as_ref()
            .is_some_and(|o| !o.duplicates.is_empty());
        return if same_member {
            Vec::new()
        } else {
            vec![Flag::NearDuplicate.label().to_string()]
        };
    }
    partners
        .into_iter()
        .map(|(j, similarity)| {
            let who = placements[j].name.as_deref().unwrap_or("(không rõ tên)");
            let order = match (modified(i), modified(j)) {
                (Some(a), Some(b)) if a > b => {
                    "; bài kia có trước (sửa lần cuối sớm hơn), bài này có thể là bản chép"
                }
                (Some(a), Some(b)) if a < b => {
                    "; bài này có trước (sửa lần cuối sớm hơn), có thể là bản gốc"
                }
                _ => "",
            };
            format!(
                "Gần trùng với bài của {who} ({}), giống nhau {}%{order}",
                super::committee::short_file(&rows[j].file),
                (similarity * 100.0).round() as i64
            )
        })
        .collect()
}

/// The roster cell an unmatched essay's unit names: the only one equal to it, else the only
/// one contained in it (or containing it).
fn roster_unit_for(text: &str, roster_units: &[Option<UnitKey>]) -> Option<usize> {
    let key = unit_key(text);
    if key.key.is_empty() {
        return None;
    }
    for wanted in [UnitMatch::Equal, UnitMatch::Contains] {
        let mut found = roster_units
            .iter()
            .enumerate()
            .filter(|(_, k)| unit_match(Some(&key), k.as_ref()) == wanted);
        if let (Some((i, _)), None) = (found.next(), found.next()) {
            return Some(i);
        }
    }
    None
}

/// The cells an essay names: its folder ("Chi bộ Công an/") and its header ("Chi bộ: …").
struct RowUnits {
    folder: Option<String>,
    keys: Vec<UnitKey>,
}

impl RowUnits {
    fn of(row: &Assessment) -> RowUnits {
        let folder = folder_unit(&row.file);
        let keys = [folder.as_deref(), row.unit.as_deref()]
            .into_iter()
            .flatten()
            .map(unit_key)
            .filter(|k| !k.key.is_empty())
            .collect();
        RowUnits { folder, keys }
    }

    /// How well the essay's cells agree with a member's: the best of them.
    fn agreement(&self, member: Option<&UnitKey>) -> UnitMatch {
        self.keys
            .iter()
            .map(|k| unit_match(Some(k), member))
            .max()
            .unwrap_or(UnitMatch::Unknown)
    }
}

/// What matching found for each row.
struct Matching {
    matched: Vec<Option<usize>>,
    /// For rows left unmatched because several members fit: those members.
    candidates: Vec<Vec<usize>>,
    notes: Vec<Option<String>>,
}

/// Which member of `pool` an essay is, given the cells it names.
enum Pick {
    One(usize, UnitMatch),
    Several(Vec<usize>),
}

fn pick(pool: &[usize], keyed: &[Keyed], units: &RowUnits, taken: &[bool]) -> Option<Pick> {
    let scored: Vec<(usize, UnitMatch)> = pool
        .iter()
        .map(|&m| (m, units.agreement(keyed[m].unit.as_ref())))
        .collect();
    // A name only one member has is that member, whatever the cell wording.
    if let [(m, u)] = scored[..] {
        return Some(Pick::One(m, u));
    }
    let best = scored.iter().map(|&(_, u)| u).max()?;
    let mut cands: Vec<usize> = scored
        .iter()
        .filter(|&&(_, u)| u == best)
        .map(|&(m, _)| m)
        .collect();
    if cands.len() > 1 && cands.iter().any(|&m| !taken[m]) {
        cands.retain(|&m| !taken[m]);
    }
    match cands[..] {
        [m] if best > UnitMatch::Unknown || scored.len() == 1 => Some(Pick::One(m, best)),
        [m] if scored.iter().filter(|&&(m2, _)| !taken[m2]).count() == 1 => {
            Some(Pick::One(m, best))
        }
        _ => Some(Pick::Several(if best == UnitMatch::No {
            pool.to_vec()
        } else {
            cands
        })),
    }
}

/// Matches each row to a member: by the roster's file column; then by the essay's name (as
/// written, then without diacritics) where a name only one member has stands whatever the
/// cell wording, and a name several members share is settled by the cell (folder or header);
/// then, for essays still unmatched, by a member's name found in the file name.
fn match_members(rows: &[Assessment], keyed: &[Keyed], units: &[RowUnits]) -> Matching {
    let mut out = Matching {
        matched: vec![None; rows.len()],
        candidates: vec![Vec::new(); rows.len()],
        notes: vec![None; rows.len()],
    };
    if keyed.is_empty() {
        return out;
    }
    let mut taken = vec![false; keyed.len()];

    // 1. By the roster's file column, looked up by the file's last path component.
    let mut by_file: HashMap<String, Vec<usize>> = HashMap::new();
    for (m, k) in keyed.iter().enumerate() {
        if let Some(f) = &k.file {
            let last = f.rsplit('/').next().unwrap_or(f).to_string();
            by_file.entry(last).or_default().push(m);
        }
    }
    if !by_file.is_empty() {
        for (i, row) in rows.iter().enumerate() {
            let path = file_key(&row.file);
            let last = path.rsplit('/').next().unwrap_or(&path);
            let stem = last.rsplit_once('.').map_or(last, |(s, _)| s);
            let found = [last, stem]
                .into_iter()
                .filter_map(|k| by_file.get(k))
                .flatten()
                .copied()
                .find(|&m| {
                    keyed[m]
                        .file
                        .as_deref()
                        .is_some_and(|f| file_matches(&path, f))
                });
            if let Some(m) = found {
                out.matched[i] = Some(m);
                taken[m] = true;
            }
        }
    }

    // 2. By name, for members without a file in the roster.
    let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_fold: HashMap<&str, Vec<usize>> = HashMap::new();
    for (m, k) in keyed.iter().enumerate() {
        if k.file.is_none() && !k.name.key.is_empty() {
            by_key.entry(k.name.key.as_str()).or_default().push(m);
            by_fold.entry(k.name.fold.as_str()).or_default().push(m);
        }
    }
    let pool_of = |key: &str, fold: &str, folded: bool, taken: &[bool]| -> Vec<usize> {
        let pool = if folded {
            by_fold.get(fold)
        } else {
            by_key.get(key)
        };
        pool.map(|p| {
            p.iter()
                .copied()
                .filter(|&m| !(folded && taken[m]))
                .collect()
        })
        .unwrap_or_default()
    };
    let names: Vec<Option<NameKey>> = rows
        .iter()
        .map(|r| Some(name_key(r.author.as_deref()?)).filter(|n| !n.key.is_empty()))
        .collect();
    let settle =
        |out: &mut Matching, i: usize, found: Option<Pick>, from_file: bool, taken: &mut [bool]| {
            match found {
                Some(Pick::One(m, agreement)) => {
                    out.matched[i] = Some(m);
                    out.candidates[i].clear();
                    taken[m] = true;
                    let mut note = Vec::new();
                    if from_file {
                        note.push(NOTE_NAME_FROM_FILE.to_string());
                    }
                    if agreement == UnitMatch::No {
                        let stated = units[i]
                            .folder
                            .as_deref()
                            .or(rows[i].unit.as_deref())
                            .unwrap_or("");
                        note.push(format!(
                            "{NOTE_UNIT_DIFFERS} (“{stated}”) khác danh sách (“{}”)",
                            keyed[m].member.unit.as_deref().unwrap_or("")
                        ));
                    }
                    out.notes[i] = (!note.is_empty()).then(|| note.join("; "));
                    true
                }
                Some(Pick::Several(cands)) => {
                    out.candidates[i] = cands;
                    false
                }
                None => false,
            }
        };
    for folded in [false, true] {
        for (i, name) in names.iter().enumerate() {
            let Some(name) = name else { continue };
            if out.matched[i].is_some() || (folded && !out.candidates[i].is_empty()) {
                continue;
            }
            let pool = pool_of(&name.key, &name.fold, folded, &taken);
            let found = pick(&pool, keyed, &units[i], &taken);
            settle(&mut out, i, found, false, &mut taken);
        }
    }

    // 3. A member's name in the file name ("Lâm Văn Phước.txt"), for essays still unmatched.
    for (i, row) in rows.iter().enumerate() {
        if out.matched[i].is_some() || !out.candidates[i].is_empty() {
            continue;
        }
        let words = file_name_words(&row.file);
        'search: for len in (2..=words.len().min(6)).rev() {
            for w in words.windows(len) {
                let key = w
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                let fold = w
                    .iter()
                    .map(|(_, f)| f.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                for folded in [false, true] {
                    let pool = pool_of(&key, &fold, folded, &taken);
                    if pool.is_empty() {
                        continue;
                    }
                    let found = pick(&pool, keyed, &units[i], &taken);
                    settle(&mut out, i, found, names[i].is_none(), &mut taken);
                    break 'search;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_district_rounds_to_exactly_100() {
        let p = percentages(&[427, 1016, 348, 0]);
        assert_eq!(p, vec![23.9, 56.7, 19.4, 0.0]);
        assert_eq!(
            percentage_tenths(&[427, 1016, 348, 0]).iter().sum::<u64>(),
            1000
        );
    }

    #[test]
    fn thirds_and_empty_rows() {
        assert_eq!(percentage_tenths(&[1, 1, 1]), vec![334, 333, 333]);
        assert_eq!(percentages(&[0, 0]), vec![0.0, 0.0]);
        assert_eq!(percentages(&[2, 0, 0]), vec![100.0, 0.0, 0.0]);
    }

    #[test]
    fn participation_rounds_half_up() {
        assert_eq!(participation(1, 3), 33.3);
        assert_eq!(participation(2, 3), 66.7);
        assert_eq!(participation(0, 0), 0.0);
        assert_eq!(participation(1791, 1791), 100.0);
    }

    #[test]
    fn vietnamese_numbers() {
        assert_eq!(fmt_int_vi(1791), "1.791");
        assert_eq!(fmt_int_vi(50000), "50.000");
        assert_eq!(fmt_int_vi(7), "7");
        assert_eq!(fmt_dec_vi(23.85), "23,9");
        assert_eq!(fmt_dec_vi(1234.5), "1.234,5");
    }

    #[test]
    fn borderline_scores() {
        let lv = |id: &str, min: f64| Level {
            id: id.into(),
            label: id.into(),
            min_score: min,
        };
        let levels = [lv("good", 75.0), lv("fair", 42.0), lv("poor", 0.0)];
        assert!(borderline(73.0, &levels)
            .unwrap()
            .contains("good (75 điểm)"));
        assert!(borderline(77.0, &levels).is_some());
        assert!(borderline(77.5, &levels).is_none());
        assert!(
            borderline(1.0, &levels).is_none(),
            "the lowest level has no threshold"
        );
    }
}
