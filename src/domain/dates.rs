//! Dates as users type them (ISO `YYYY-MM-DD` only), date ranges, and reporting periods.

use chrono::{Datelike, Months, NaiveDate};

use crate::error::{Error, Result};

/// Dates outside these years are almost certainly typos (0021 for 2021, 9999 placeholders).
const FIRST_YEAR: i32 = 1950;
const LAST_YEAR: i32 = 2199;

pub fn parse_date(what: &str, text: &str) -> Result<NaiveDate> {
    let s = text.trim();
    let shaped = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(Error::invalid(format!(
            "{what} {text:?}: write dates as YYYY-MM-DD, e.g. 2021-03-01"
        )));
    }
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        Error::invalid(format!(
            "{what} {text:?} is not a calendar date (check the day of the month)"
        ))
    })?;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        return Err(Error::invalid(format!(
            "{what} {text:?}: the year must be between {FIRST_YEAR} and {LAST_YEAR}"
        )));
    }
    Ok(date)
}

/// Refuse a date after `today`: the ledger records money that has moved, not plans.
pub fn not_after(what: &str, date: NaiveDate, today: NaiveDate) -> Result<()> {
    if date > today {
        return Err(Error::invalid(format!(
            "{what} {date} is in the future (today is {today}); record money once it has been \
             paid or received"
        )));
    }
    Ok(())
}

/// An inclusive range of days, e.g. a grant from 2021-03-01 to 2022-03-31.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl DateRange {
    /// `what` names the thing for the error message, e.g. "grant".
    pub fn new(what: &str, start: NaiveDate, end: NaiveDate) -> Result<Self> {
        if end < start {
            return Err(Error::invalid(format!(
                "{what} ends ({end}) before it starts ({start}); check the two dates"
            )));
        }
        Ok(DateRange { start, end })
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    pub fn overlaps(&self, other: &DateRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    /// Number of days, both ends included: 2021-03-01..2021-03-31 is 31 days.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

impl std::fmt::Display for DateRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} to {}", self.start, self.end)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    Month,
    Quarter,
}

/// Calendar months or quarters covering `range`, the first and last clipped to it, named
/// `2021-03` or `2021-Q1`. Donors report on calendar periods, so a grant that starts on 15 March
/// gets a short first period rather than quarters that straddle the calendar.
pub fn calendar_periods(range: DateRange, every: Every) -> Vec<(String, DateRange)> {
    let months = match every {
        Every::Month => 1,
        Every::Quarter => 3,
    };
    let first_month = range.start.month0() / months * months;
    let mut cursor =
        NaiveDate::from_ymd_opt(range.start.year(), first_month + 1, 1).unwrap_or(range.start);
    let mut periods = Vec::new();
    while cursor <= range.end {
        let Some(next) = cursor.checked_add_months(Months::new(months)) else {
            break;
        };
        let last_day = next.pred_opt().unwrap_or(next);
        let code = match every {
            Every::Month => format!("{}-{:02}", cursor.year(), cursor.month()),
            Every::Quarter => format!("{}-Q{}", cursor.year(), cursor.month0() / 3 + 1),
        };
        let clipped = DateRange {
            start: cursor.max(range.start),
            end: last_day.min(range.end),
        };
        periods.push((code, clipped));
        cursor = next;
    }
    periods
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    fn date(s: &str) -> chrono::ParseResult<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
    }

    #[test]
    fn parses_iso_dates_only() -> TestResult {
        assert_eq!(parse_date("date", "2021-03-01")?, date("2021-03-01")?);
        assert_eq!(parse_date("date", "2024-02-29")?, date("2024-02-29")?);
        for bad in [
            "2021-02-30",
            "2023-02-29",
            "2021-13-01",
            "2021-3-1",
            "01/03/2021",
            "2021/03/01",
            "20210301",
            "",
            "0000-00-00",
            "9999-12-31",
            "0021-03-01",
            "2021-03-01T00:00",
        ] {
            let err = parse_date("date", bad).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad}");
        }
        assert!(
            parse_date("date", "2021-02-30")
                .unwrap_err()
                .message
                .contains("not a calendar date")
        );
        Ok(())
    }

    #[test]
    fn ranges_count_both_ends() -> TestResult {
        let grant = DateRange::new("grant", date("2021-03-01")?, date("2022-03-31")?)?;
        assert_eq!(grant.days(), 396); // 306 days left in 2021 from 1 March, plus 90 in 2022
        assert!(grant.contains(date("2021-03-01")?));
        assert!(grant.contains(date("2022-03-31")?));
        assert!(!grant.contains(date("2022-04-01")?));
        assert!(!grant.contains(date("2021-02-28")?));
        let leap = DateRange::new("p", date("2024-02-01")?, date("2024-02-29")?)?;
        assert_eq!(leap.days(), 29);
        assert!(DateRange::new("grant", date("2022-03-31")?, date("2021-03-01")?).is_err());
        Ok(())
    }

    #[test]
    fn overlapping_ranges() -> TestResult {
        let q1 = DateRange::new("p", date("2021-01-01")?, date("2021-03-31")?)?;
        let q2 = DateRange::new("p", date("2021-04-01")?, date("2021-06-30")?)?;
        let march = DateRange::new("p", date("2021-03-31")?, date("2021-04-30")?)?;
        assert!(!q1.overlaps(&q2));
        assert!(q1.overlaps(&march) && q2.overlaps(&march));
        Ok(())
    }

    #[test]
    fn quarters_of_the_japan_grant() -> TestResult {
        let grant = DateRange::new("grant", date("2021-03-01")?, date("2022-03-31")?)?;
        let quarters = calendar_periods(grant, Every::Quarter);
        let got: Vec<(String, String, String)> = quarters
            .iter()
            .map(|(c, r)| (c.clone(), r.start.to_string(), r.end.to_string()))
            .collect();
        let want = [
            ("2021-Q1", "2021-03-01", "2021-03-31"),
            ("2021-Q2", "2021-04-01", "2021-06-30"),
            ("2021-Q3", "2021-07-01", "2021-09-30"),
            ("2021-Q4", "2021-10-01", "2021-12-31"),
            ("2022-Q1", "2022-01-01", "2022-03-31"),
        ];
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert_eq!((g.0.as_str(), g.1.as_str(), g.2.as_str()), w);
        }
        Ok(())
    }

    #[test]
    fn months_clip_to_the_range_and_handle_february() -> TestResult {
        let range = DateRange::new("grant", date("2024-01-15")?, date("2024-03-10")?)?;
        let months = calendar_periods(range, Every::Month);
        assert_eq!(months.len(), 3);
        assert_eq!(months[0].0, "2024-01");
        assert_eq!(months[0].1.start, date("2024-01-15")?);
        assert_eq!(months[1].1.end, date("2024-02-29")?);
        assert_eq!(months[2].1.end, date("2024-03-10")?);
        Ok(())
    }
}
