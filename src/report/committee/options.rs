//! Who issues the committee report and when: the date, the issuing committee, the signer,
//! and the `[committee]` TOML file that sets them. A leaf: the writers read these, nothing here
//! reads a writer.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::report::ReportError;

/// A calendar date (the report's date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportDate {
    /// The year, e.g. 2026.
    pub year: i32,
    /// The month, 1–12.
    pub month: u32,
    /// The day of the month, 1–31.
    pub day: u32,
}

impl ReportDate {
    /// Today in Vietnam (UTC+7).
    pub fn today() -> ReportDate {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        ReportDate::from_unix_days((secs + 7 * 3600).div_euclid(86_400))
    }

    /// The civil date of a day counted from 1970-01-01.
    pub fn from_unix_days(days: i64) -> ReportDate {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        ReportDate { year, month, day }
    }

    /// "ngày 05 tháng 6 năm 2026", as administrative documents write it (a zero before days
    /// under 10 and before months 1 and 2).
    pub fn long_vi(&self) -> String {
        let month = if self.month <= 2 {
            format!("{:02}", self.month)
        } else {
            self.month.to_string()
        };
        format!("ngày {:02} tháng {month} năm {}", self.day, self.year)
    }

    /// "05/06/2026".
    pub fn short_vi(&self) -> String {
        format!("{:02}/{:02}/{}", self.day, self.month, self.year)
    }
}

/// What the report says about who issues it, and when.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// The report's date; today (Vietnam time) when `None`.
    pub date: Option<ReportDate>,
    /// The committee issuing the report (upper line of the header); "TỔ ĐÁNH GIÁ BÀI THU
    /// HOẠCH" when `None`.
    pub committee: Option<String>,
    /// The party organisation above it ("ĐẢNG BỘ XÃ …"); a dotted line to fill in when `None`.
    pub parent: Option<String>,
    /// Place in the date line ("Hà Tĩnh"); a dotted line when `None`.
    pub place: Option<String>,
    /// Document number ("Số 12-BC/TĐG"); a dotted "Số ….-BC/…." line when `None`.
    pub number: Option<String>,
    /// The signer's title ("TỔ TRƯỞNG"); "TỔ TRƯỞNG" when `None`.
    pub signer_title: Option<String>,
    /// The signer's name, printed under the signature space; left blank when `None`.
    pub signer_name: Option<String>,
    /// The committee's decisions already applied to the rows ([`crate::report::apply_decisions`]):
    /// shown beside the engine's grades, with those that could not be applied.
    pub decisions: crate::report::AppliedDecisions,
}

/// The `[committee]` table of a small TOML file (all fields optional):
///
/// ```toml
/// [committee]
/// name = "TỔ ĐÁNH GIÁ BÀI THU HOẠCH"
/// parent = "ĐẢNG BỘ XÃ YÊN THẠCH"
/// place = "Yên Thạch"
/// date = "05/06/2026"          # or "2026-06-05"; today when left out
/// number = "Số 12-BC/TĐG"
/// signer_title = "TỔ TRƯỞNG"
/// signer_name = "Nguyễn Thị Lan"
/// ```
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitteeConfig {
    /// The committee issuing the report; sets `ReportOptions::committee`.
    pub name: Option<String>,
    /// The party organisation above it; sets `ReportOptions::parent`.
    pub parent: Option<String>,
    /// Place in the date line; sets `ReportOptions::place`.
    pub place: Option<String>,
    /// The report's date as written in the file ("05/06/2026", "5/6/2026" or "2026-06-05"),
    /// checked by [`ReportDate::parse`] when applied; sets `ReportOptions::date`.
    pub date: Option<String>,
    /// Document number; sets `ReportOptions::number`.
    pub number: Option<String>,
    /// The signer's title; sets `ReportOptions::signer_title`.
    pub signer_title: Option<String>,
    /// The signer's name; sets `ReportOptions::signer_name`.
    pub signer_name: Option<String>,
}

#[derive(serde::Deserialize)]
struct ConfigFile {
    committee: CommitteeConfig,
}

impl CommitteeConfig {
    /// Reads the `[committee]` table of `path`; errors name the file and say why in Vietnamese.
    pub fn from_file(path: &Path) -> Result<CommitteeConfig, ReportError> {
        let text = std::fs::read_to_string(path).map_err(|e| ReportError::io(path, e))?;
        let file: ConfigFile = toml::from_str(&text).map_err(|e| ReportError::Config {
            path: path.display().to_string(),
            message: format!(
                "cần bảng [committee] với các trường name, parent, place, date, number, \
                 signer_title, signer_name ({})",
                e.message().trim()
            ),
        })?;
        Ok(file.committee)
    }

    /// These settings over `options` (a field left out keeps the option's value).
    pub fn apply(self, options: &mut ReportOptions) -> Result<(), String> {
        if let Some(d) = self.date {
            options.date = Some(ReportDate::parse(&d)?);
        }
        for (field, value) in [
            (&mut options.committee, self.name),
            (&mut options.parent, self.parent),
            (&mut options.place, self.place),
            (&mut options.number, self.number),
            (&mut options.signer_title, self.signer_title),
            (&mut options.signer_name, self.signer_name),
        ] {
            if value.is_some() {
                *field = value;
            }
        }
        Ok(())
    }
}

impl ReportDate {
    /// "05/06/2026", "5/6/2026" or "2026-06-05".
    pub fn parse(s: &str) -> Result<ReportDate, String> {
        let s = s.trim();
        let nums: Vec<Option<i64>> = s
            .split(['/', '-', '.'])
            .map(|p| p.trim().parse().ok())
            .collect();
        let (y, m, d) = match nums[..] {
            [Some(y), Some(m), Some(d)] if s.contains('-') && y > 31 => (y, m, d),
            [Some(d), Some(m), Some(y)] => (y, m, d),
            _ => {
                return Err(format!(
                    "ngày “{s}” không đúng dạng ngày/tháng/năm (05/06/2026)"
                ))
            }
        };
        let valid = (1..=12).contains(&m) && (1..=31).contains(&d) && (1900..=9999).contains(&y);
        if !valid {
            return Err(format!("ngày “{s}” không có thật"));
        }
        Ok(ReportDate {
            year: y as i32,
            month: m as u32,
            day: d as u32,
        })
    }
}

impl ReportOptions {
    pub(crate) fn number(&self) -> String {
        self.number.clone().unwrap_or_else(|| "Số ….-BC/….".into())
    }
    pub(crate) fn signer_title(&self) -> String {
        self.signer_title
            .clone()
            .unwrap_or_else(|| "TỔ TRƯỞNG".into())
    }
    pub(crate) fn date(&self) -> ReportDate {
        self.date.unwrap_or_else(ReportDate::today)
    }
    pub(crate) fn committee(&self) -> String {
        self.committee
            .clone()
            .unwrap_or_else(|| "TỔ ĐÁNH GIÁ BÀI THU HOẠCH".into())
    }
    pub(crate) fn parent(&self) -> String {
        self.parent
            .clone()
            .unwrap_or_else(|| "ĐẢNG BỘ ....................".into())
    }
    pub(crate) fn place(&self) -> String {
        self.place
            .clone()
            .unwrap_or_else(|| "....................".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        let d = ReportDate::from_unix_days(0);
        assert_eq!((d.year, d.month, d.day), (1970, 1, 1));
        // 2024-02-29 is day 19782.
        let d = ReportDate::from_unix_days(19_782);
        assert_eq!((d.year, d.month, d.day), (2024, 2, 29));
        assert_eq!(d.long_vi(), "ngày 29 tháng 02 năm 2024");
        let d = ReportDate {
            year: 2026,
            month: 6,
            day: 5,
        };
        assert_eq!(d.long_vi(), "ngày 05 tháng 6 năm 2026");
        assert_eq!(d.short_vi(), "05/06/2026");
    }
}
