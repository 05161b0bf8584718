//! Calibration from the committee's own sample: the level thresholds (`min_score`) that best
//! agree with grades the committee gave by hand, measured honestly.
//!
//! The engine's scores do not depend on the thresholds, so a results file (`grade --format
//! jsonl`) and a labels file (`file,grade`) are enough: a row's level under new thresholds is
//! the level its score reaches, lowered by the caps the row already carries. Thresholds are
//! chosen among midpoints between adjacent scores of the sample, to maximise exact agreement
//! (then quadratic weighted kappa, then the smallest move from the rubric's own thresholds).
//! The figures "after" are cross-validated: the sample is split into k folds (k = 5, or one per
//! essay below 10 essays), each fold graded with thresholds fitted on the other folds. The
//! rubric written is fitted on the whole sample; its in-sample figures are printed too and are
//! what `grade --rubric TUNED.toml` gives on the same essays.

use std::collections::HashMap;
use std::path::Path;

use crate::grade::Assessment;
use crate::rubric::{CompiledRubric, Level};

/// Why calibration could not run. Messages are Vietnamese.
#[derive(Debug, thiserror::Error)]
pub enum CalibrateError {
    /// The labels file cannot be read or has no usable `file,grade` rows.
    #[error("{path}: không đọc được tệp nhãn: {message}")]
    Labels {
        /// The labels file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The labels and the results do not make a sample to calibrate on (too few matched).
    #[error("{0}")]
    Sample(String),
    /// The fitted thresholds cannot be written into the rubric.
    #[error("không sửa được barem: {0}")]
    Rubric(String),
}

/// A grade the committee gave by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// File name as written in the labels file (matched by name, folders ignored).
    pub file: String,
    /// Level id of the rubric.
    pub grade: String,
}

/// Reads LABELS.csv: a header with `file` and `grade` columns (other columns ignored; a BOM,
/// `,` or `;` separators accepted). Grades may be ids or labels ("Tốt", "kha").
pub fn read_labels(path: &Path, rubric: &CompiledRubric) -> Result<Vec<Label>, CalibrateError> {
    let err = |message: String| CalibrateError::Labels {
        path: path.display().to_string(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    let text = text.trim_start_matches('\u{FEFF}');
    let first = text.lines().next().unwrap_or("");
    let sep = if first.contains(';') && !first.contains(',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| err(e.to_string()))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let file_col =
        col(&["file", "tệp", "tep"]).ok_or_else(|| err("thiếu cột “file” (tên tệp bài)".into()))?;
    let grade_col = col(&["grade", "xếp loại", "xep loai"])
        .ok_or_else(|| err("thiếu cột “grade” (xếp loại của tổ)".into()))?;
    let mut labels = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| err(e.to_string()))?;
        let (Some(file), Some(grade)) = (record.get(file_col), record.get(grade_col)) else {
            continue;
        };
        if file.trim().is_empty() {
            continue;
        }
        let level = crate::rubric::resolve_level(rubric, grade)
            .map_err(|e| err(format!("dòng {}: {e}", i + 2)))?;
        labels.push(Label {
            file: file.trim().to_string(),
            grade: level.id.clone(),
        });
    }
    Ok(labels)
}

/// Agreement of the engine's levels with the committee's.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// Essays compared.
    pub n: usize,
    /// Same level.
    pub exact: usize,
    /// At most one level apart.
    pub adjacent: usize,
    /// Quadratic weighted kappa.
    pub qwk: f64,
    /// `confusion[human][engine]`, levels in rubric order (highest first).
    pub confusion: Vec<Vec<usize>>,
}

impl Agreement {
    /// Agreement of `pairs` (human level index, engine level index) over `k` levels.
    pub fn of(pairs: &[(usize, usize)], k: usize) -> Agreement {
        let mut confusion = vec![vec![0usize; k]; k];
        for &(h, e) in pairs {
            confusion[h][e] += 1;
        }
        Agreement {
            n: pairs.len(),
            exact: pairs.iter().filter(|(h, e)| h == e).count(),
            adjacent: pairs.iter().filter(|(h, e)| h.abs_diff(*e) <= 1).count(),
            qwk: qwk(&confusion),
            confusion,
        }
    }

    /// Share of essays at the same level, 0–1.
    pub fn exact_rate(&self) -> f64 {
        ratio(self.exact, self.n)
    }

    /// Share of essays at most one level apart, 0–1.
    pub fn adjacent_rate(&self) -> f64 {
        ratio(self.adjacent, self.n)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Quadratic weighted kappa of a confusion matrix (1 = perfect, 0 = chance).
fn qwk(m: &[Vec<usize>]) -> f64 {
    let k = m.len();
    let n: usize = m.iter().flatten().sum();
    if k < 2 || n == 0 {
        return 0.0;
    }
    let rows: Vec<f64> = m.iter().map(|r| r.iter().sum::<usize>() as f64).collect();
    let cols: Vec<f64> = (0..k)
        .map(|j| m.iter().map(|r| r[j]).sum::<usize>() as f64)
        .collect();
    let (mut observed, mut expected) = (0.0, 0.0);
    for i in 0..k {
        for j in 0..k {
            let w = ((i as f64 - j as f64) / (k as f64 - 1.0)).powi(2);
            observed += w * m[i][j] as f64;
            expected += w * rows[i] * cols[j] / n as f64;
        }
    }
    if expected == 0.0 {
        1.0
    } else {
        1.0 - observed / expected
    }
}

/// One labeled essay of the sample: its score, the level its caps allow at best, the human's.
#[derive(Debug, Clone)]
struct Sample {
    file: String,
    score: f64,
    cap: usize,
    human: usize,
}

/// The outcome of a calibration.
#[derive(Debug, Clone)]
pub struct Calibration {
    /// The rubric's levels with the fitted thresholds.
    pub levels: Vec<Level>,
    /// With the rubric's thresholds.
    pub before: Agreement,
    /// Each essay graded with thresholds fitted on the other folds.
    pub cross_validated: Agreement,
    /// With the thresholds fitted on the whole sample (the written rubric), in sample.
    pub fitted: Agreement,
    /// Fitted `min_score` of every level (the lowest keeps the rubric's).
    pub thresholds: Vec<f64>,
    /// Folds of the cross-validation.
    pub folds: usize,
    /// Labels whose file is not in the results (or has no score).
    pub unmatched: Vec<String>,
}

fn level_of(score: f64, cap: usize, thresholds: &[f64]) -> usize {
    let last = thresholds.len() - 1;
    let by_score = thresholds.iter().position(|&t| score >= t).unwrap_or(last);
    by_score.max(cap)
}

fn agreement(samples: &[&Sample], thresholds: &[f64]) -> Agreement {
    let pairs: Vec<(usize, usize)> = samples
        .iter()
        .map(|s| (s.human, level_of(s.score, s.cap, thresholds)))
        .collect();
    Agreement::of(&pairs, thresholds.len())
}

/// Thresholds fitted on `samples`, starting from `original` (the lowest level's is kept).
fn fit(samples: &[&Sample], original: &[f64]) -> Vec<f64> {
    let k = original.len();
    if k < 2 || samples.is_empty() {
        return original.to_vec();
    }
    let mut scores: Vec<f64> = samples.iter().map(|s| s.score).collect();
    scores.sort_by(f64::total_cmp);
    scores.dedup();
    // Midpoints between adjacent scores (on the 0.05 grid, as scores have one decimal), the
    // rubric's own thresholds, and one above every score (an empty level).
    let mut cands: Vec<f64> = scores
        .windows(2)
        .map(|w| ((w[0] + w[1]) * 10.0).round() / 20.0)
        .collect();
    cands.extend(original[..k - 1].iter().copied());
    if let Some(max) = scores.last() {
        cands.push(max + 0.05);
    }
    cands.sort_by(|a, b| b.total_cmp(a));
    cands.dedup();
    let floor = original[k - 1];
    cands.retain(|&c| c > floor);
    let mut best = original.to_vec();
    let mut best_key = key(samples, &best, original);
    let mut chosen = Vec::with_capacity(k - 1);
    search(
        samples,
        original,
        &cands,
        0,
        &mut chosen,
        &mut best,
        &mut best_key,
    );
    best
}

/// What fitting maximises: exact agreement, then QWK, then closeness to the rubric.
fn key(samples: &[&Sample], t: &[f64], original: &[f64]) -> (usize, f64, f64) {
    let a = agreement(samples, t);
    let moved: f64 = t.iter().zip(original).map(|(a, b)| (a - b).abs()).sum();
    (a.exact, a.qwk, -moved)
}

fn better(a: (usize, f64, f64), b: (usize, f64, f64)) -> bool {
    const EPS: f64 = 1e-12;
    a.0 > b.0 || (a.0 == b.0 && (a.1 > b.1 + EPS || ((a.1 - b.1).abs() <= EPS && a.2 > b.2 + EPS)))
}

/// Tries every decreasing choice of thresholds among `cands` (highest level first).
fn search(
    samples: &[&Sample],
    original: &[f64],
    cands: &[f64],
    from: usize,
    chosen: &mut Vec<f64>,
    best: &mut Vec<f64>,
    best_key: &mut (usize, f64, f64),
) {
    let k = original.len();
    if chosen.len() == k - 1 {
        let mut t = chosen.clone();
        t.push(original[k - 1]);
        let kk = key(samples, &t, original);
        if better(kk, *best_key) {
            *best = t;
            *best_key = kk;
        }
        return;
    }
    let need = k - 1 - chosen.len();
    for i in from..cands.len() {
        if cands.len() - i < need {
            break;
        }
        chosen.push(cands[i]);
        search(samples, original, cands, i + 1, chosen, best, best_key);
        chosen.pop();
    }
}

/// Calibrates `rubric`'s thresholds on the rows that have a label (matched by file name).
pub fn calibrate(
    rows: &[Assessment],
    labels: &[Label],
    rubric: &CompiledRubric,
) -> Result<Calibration, CalibrateError> {
    let levels = rubric.spec.levels.clone();
    let k = levels.len();
    let name = |p: &str| p.rsplit(['/', '\\']).next().unwrap_or(p).to_lowercase();
    let by_name: HashMap<String, &Assessment> = rows
        .iter()
        .filter(|r| r.error.is_none() && r.score.is_some())
        .map(|r| (name(&r.file), r))
        .collect();
    let mut samples = Vec::new();
    let mut unmatched = Vec::new();
    for label in labels {
        let (Some(row), Some(human)) = (
            by_name.get(&name(&label.file)),
            rubric.level_index(&label.grade),
        ) else {
            unmatched.push(label.file.clone());
            continue;
        };
        let cap = row
            .caps
            .iter()
            .filter_map(|c| rubric.level_index(&c.cap))
            .max()
            .unwrap_or(0);
        samples.push(Sample {
            file: row.file.clone(),
            score: row.score.unwrap_or(0.0),
            cap,
            human,
        });
    }
    if samples.len() < 2 {
        return Err(CalibrateError::Sample(format!(
            "chỉ {} bài có cả kết quả chấm và nhãn của tổ; cần ít nhất 2 (nên 30 – 60 bài)",
            samples.len()
        )));
    }
    samples.sort_by(|a, b| a.file.cmp(&b.file));
    let original: Vec<f64> = levels.iter().map(|l| l.min_score).collect();
    let all: Vec<&Sample> = samples.iter().collect();
    let before = agreement(&all, &original);
    let folds = if samples.len() < 10 { samples.len() } else { 5 };
    let mut pairs = Vec::with_capacity(samples.len());
    for f in 0..folds {
        let train: Vec<&Sample> = all
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds != f)
            .map(|(_, s)| *s)
            .collect();
        let t = fit(&train, &original);
        for (_, s) in all.iter().enumerate().filter(|(i, _)| i % folds == f) {
            pairs.push((s.human, level_of(s.score, s.cap, &t)));
        }
    }
    let cross_validated = Agreement::of(&pairs, k);
    let thresholds = fit(&all, &original);
    let fitted = agreement(&all, &thresholds);
    Ok(Calibration {
        levels,
        before,
        cross_validated,
        fitted,
        thresholds,
        folds,
        unmatched,
    })
}

/// A number as a rubric writes it: "63.25", "75.0".
fn toml_number(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0');
    if s.ends_with('.') {
        format!("{s}0")
    } else {
        s.to_string()
    }
}

/// "0,75" for people.
fn vi(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}").replace('.', ",")
}

/// `text` (a rubric's TOML) with the fitted `min_score` of each `[[levels]]` table, the
/// version bumped ("2026.1" → "2026.1-hc1", "…-hc1" → "…-hc2") and a comment saying how the
/// thresholds were fitted; every other line, comments included, unchanged. The result is
/// checked to compile with exactly these thresholds.
pub fn tuned_rubric_text(
    text: &str,
    c: &Calibration,
    note: &str,
) -> Result<String, CalibrateError> {
    let mut out = String::with_capacity(text.len() + 512);
    let mut level: Option<usize> = None;
    let mut table = String::new();
    let mut commented = false;
    let mut versioned = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            table = trimmed.split('#').next().unwrap_or("").trim().to_string();
            if trimmed.starts_with("[[levels]]") {
                level = Some(level.map_or(0, |l| l + 1));
                if !commented {
                    for l in note.lines() {
                        out.push_str("# ");
                        out.push_str(l);
                        out.push('\n');
                    }
                    commented = true;
                }
            }
        }
        let (key, rest) = match trimmed.split_once('=') {
            Some((k, v)) if !trimmed.starts_with('#') => (k.trim(), v),
            _ => ("", ""),
        };
        let indent = &line[..line.len() - trimmed.len()];
        let comment = rest.find('#').map(|i| &rest[i..]).unwrap_or("").trim_end();
        let eol = if line.ends_with('\n') { "\n" } else { "" };
        match (table.as_str(), key, level) {
            ("[[levels]]", "min_score", Some(l)) if l + 1 < c.thresholds.len() => {
                let value = toml_number(c.thresholds[l]);
                let sep = if comment.is_empty() { "" } else { " " };
                out.push_str(&format!("{indent}min_score = {value}{sep}{comment}{eol}"));
            }
            ("[rubric]", "version", _) => {
                let old = rest
                    .split('#')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .trim_matches('"');
                out.push_str(&format!("{indent}version = \"{}\"{eol}", bump(old)));
                versioned = true;
            }
            _ => out.push_str(line),
        }
    }
    if !versioned {
        out = out.replacen("[rubric]\n", "[rubric]\nversion = \"hc1\"\n", 1);
    }
    let compiled = CompiledRubric::from_toml(&out, "barem hiệu chỉnh")
        .map_err(|e| CalibrateError::Rubric(e.to_string()))?;
    let got: Vec<f64> = compiled.spec.levels.iter().map(|l| l.min_score).collect();
    if got != c.thresholds {
        return Err(CalibrateError::Rubric(
            "không tìm thấy đủ các dòng min_score trong các bảng [[levels]]".into(),
        ));
    }
    Ok(out)
}

fn bump(version: &str) -> String {
    match version.rsplit_once("-hc") {
        Some((base, n)) if n.parse::<u32>().is_ok() => {
            format!("{base}-hc{}", n.parse::<u32>().unwrap_or(0) + 1)
        }
        _ if version.is_empty() => "hc1".into(),
        _ => format!("{version}-hc1"),
    }
}

impl Calibration {
    /// The comment written above the levels of the tuned rubric.
    pub fn note(&self, labels: &str, date: &str) -> String {
        format!(
            "Ngưỡng min_score dưới đây do `thuhoach calibrate` hiệu chỉnh ngày {date} trên {n} bài\n\
             tổ đánh giá đã chấm tay ({labels}): chọn ngưỡng (giữa hai điểm liền kề của mẫu) cho số\n\
             bài khớp nhiều nhất, rồi hệ số kappa cao nhất, rồi gần ngưỡng cũ nhất. Ước lượng\n\
             kiểm định chéo {folds} phần (mỗi phần chấm bằng ngưỡng hiệu chỉnh trên các phần còn\n\
             lại): khớp {cv}% (trước hiệu chỉnh: {b}%), QWK {cvq} (trước: {bq}).\n\
             Ngưỡng cũ: {old}.",
            n = self.before.n,
            folds = self.folds,
            cv = vi(self.cross_validated.exact_rate() * 100.0, 1),
            b = vi(self.before.exact_rate() * 100.0, 1),
            cvq = vi(self.cross_validated.qwk, 3),
            bq = vi(self.before.qwk, 3),
            old = self
                .levels
                .iter()
                .map(|l| format!("{} {}", l.label, toml_number(l.min_score)))
                .collect::<Vec<_>>()
                .join(", "),
        )
    }

    /// The figures for people (Vietnamese).
    pub fn render(&self) -> String {
        let mut s = String::new();
        let t = |s: &mut String, title: &str, a: &Agreement, levels: &[Level]| {
            s.push_str(&format!(
                "{title}\n  khớp đúng mức: {}/{} ({}%)   lệch không quá một mức: {}/{} ({}%)   QWK: {}\n",
                a.exact,
                a.n,
                vi(a.exact_rate() * 100.0, 1),
                a.adjacent,
                a.n,
                vi(a.adjacent_rate() * 100.0, 1),
                vi(a.qwk, 3)
            ));
            s.push_str("  Bảng đối chiếu (dòng: tổ chấm, cột: máy chấm)\n");
            let width = levels
                .iter()
                .map(|l| l.label.chars().count())
                .max()
                .unwrap_or(4)
                + 2;
            s.push_str(&format!("  {:width$}", ""));
            for l in levels {
                s.push_str(&format!("{:>width$}", l.label));
            }
            s.push('\n');
            for (i, l) in levels.iter().enumerate() {
                s.push_str(&format!("  {:width$}", l.label));
                for n in &a.confusion[i] {
                    s.push_str(&format!("{n:>width$}"));
                }
                s.push('\n');
            }
        };
        let fmt_t = |th: &[f64]| {
            self.levels
                .iter()
                .zip(th)
                .map(|(l, x)| format!("{} ≥ {}", l.label, vi(*x, 2)))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let old: Vec<f64> = self.levels.iter().map(|l| l.min_score).collect();
        t(
            &mut s,
            &format!("TRƯỚC hiệu chỉnh (ngưỡng của barem: {})", fmt_t(&old)),
            &self.before,
            &self.levels,
        );
        t(
            &mut s,
            &format!(
                "SAU hiệu chỉnh, kiểm định chéo {} phần (mỗi bài được chấm bằng ngưỡng hiệu chỉnh trên các bài khác)",
                self.folds
            ),
            &self.cross_validated,
            &self.levels,
        );
        t(
            &mut s,
            &format!(
                "Barem ghi ra (ngưỡng hiệu chỉnh trên cả {} bài: {}; số liệu trên chính các bài này, `grade --rubric` cho cùng kết quả)",
                self.fitted.n,
                fmt_t(&self.thresholds)
            ),
            &self.fitted,
            &self.levels,
        );
        if self.cross_validated.exact <= self.before.exact {
            s.push_str(
                "Lưu ý: ước lượng kiểm định chéo không tốt hơn ngưỡng hiện tại của barem; nên giữ \
                 ngưỡng cũ, hoặc chấm tay thêm bài rồi hiệu chỉnh lại.\n",
            );
        }
        if !self.unmatched.is_empty() {
            s.push_str(&format!(
                "Không tìm thấy trong kết quả chấm (bỏ qua): {}\n",
                self.unmatched.join(", ")
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(score: f64, human: usize) -> Sample {
        Sample {
            file: format!("{score}"),
            score,
            cap: 0,
            human,
        }
    }

    #[test]
    fn qwk_is_one_when_perfect_and_lower_when_off() {
        let perfect = Agreement::of(&[(0, 0), (1, 1), (2, 2), (3, 3)], 4);
        assert_eq!(perfect.qwk, 1.0);
        assert_eq!(perfect.exact, 4);
        let off = Agreement::of(&[(0, 1), (1, 1), (2, 2), (3, 3)], 4);
        assert!(off.qwk < 1.0 && off.qwk > 0.5, "{}", off.qwk);
        assert_eq!((off.exact, off.adjacent), (3, 4));
        assert_eq!(off.confusion[0][1], 1);
    }

    #[test]
    fn fitting_finds_thresholds_that_separate_the_levels() {
        // Humans grade good ≥ 70, fair ≥ 50, average ≥ 30; the rubric says 75/42/10.
        let s: Vec<Sample> = [
            (90.0, 0),
            (72.0, 0),
            (71.0, 0),
            (65.0, 1),
            (55.0, 1),
            (45.0, 2),
            (35.0, 2),
            (20.0, 3),
        ]
        .into_iter()
        .map(|(x, h)| sample(x, h))
        .collect();
        let all: Vec<&Sample> = s.iter().collect();
        let original = [75.0, 42.0, 10.0, 0.0];
        assert!(agreement(&all, &original).exact < 8);
        let t = fit(&all, &original);
        assert_eq!(agreement(&all, &t).exact, 8, "{t:?}");
        assert_eq!(t, vec![68.0, 50.0, 27.5, 0.0]);
    }

    #[test]
    fn caps_still_lower_a_level() {
        assert_eq!(level_of(90.0, 2, &[75.0, 42.0, 10.0, 0.0]), 2);
        assert_eq!(level_of(5.0, 0, &[75.0, 42.0, 10.0, 0.0]), 3);
    }

    #[test]
    fn tuned_text_changes_only_thresholds_and_version() {
        let r = CompiledRubric::builtin().unwrap();
        let levels = r.spec.levels.clone();
        let c = Calibration {
            thresholds: vec![70.5, 45.25, 12.0, levels[3].min_score],
            levels,
            before: Agreement::of(&[(0, 0)], 4),
            cross_validated: Agreement::of(&[(0, 0)], 4),
            fitted: Agreement::of(&[(0, 0)], 4),
            folds: 5,
            unmatched: vec![],
        };
        let text = crate::rubric::DEFAULT_RUBRIC_TOML;
        let tuned = tuned_rubric_text(text, &c, &c.note("nhan.csv", "03/12/2026")).unwrap();
        let compiled = CompiledRubric::from_toml(&tuned, "t").unwrap();
        assert_eq!(compiled.spec.levels[1].min_score, 45.25);
        assert!(compiled.spec.rubric.version.ends_with("-hc1"));
        let removed: Vec<&str> = text.lines().filter(|l| !tuned.contains(l)).collect();
        assert!(
            removed
                .iter()
                .all(|l| l.contains("min_score") || l.starts_with("version")),
            "{removed:?}"
        );
        assert!(tuned.contains("# Ngưỡng min_score dưới đây do `thuhoach calibrate`"));
        assert_eq!(bump("2026.1-hc1"), "2026.1-hc2");
    }
}
