//! Dates as users type them (ISO `YYYY-MM-DD` only), date ranges, and reporting periods.

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

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
    // The shape is checked, so the parts are digits: read them directly (chrono's format
    // parser costs an import more than the rest of the row's date handling).
    let number = |range: std::ops::Range<usize>| {
        s.as_bytes()[range]
            .iter()
            .fold(0u32, |n, b| n * 10 + u32::from(b - b'0'))
    };
    let date = NaiveDate::from_ymd_opt(number(0..4) as i32, number(5..7), number(8..10));
    let date = date.ok_or_else(|| {
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

/// Calendar months that the days `range` covers: whole months counted from its first day, and
/// the rest as a share of the month that holds it. 2021-04-01 to 2021-09-30 is exactly 6;
/// 2021-04-01 to 2021-04-15 is 15/30. Burn rates are per month because donors budget by the
/// month, and a calendar month rather than an average one keeps a 12-month grant at 12.
pub fn months_covered(range: DateRange) -> Decimal {
    let Some(after) = range.end.succ_opt() else {
        return Decimal::ZERO;
    };
    let Some((whole, anchor, next)) = whole_months(range.start, after) else {
        return Decimal::ZERO;
    };
    let share =
        Decimal::from((after - anchor).num_days()) / Decimal::from((next - anchor).num_days());
    Decimal::from(whole) + share
}

/// The last day of the `months` calendar months that begin on `first`: the first date by whose
/// end they have passed, as [`months_covered`] counts them. None past the calendar's end.
pub fn months_later(first: NaiveDate, months: Decimal) -> Option<NaiveDate> {
    let whole = months.trunc();
    let share = months - whole;
    let whole = u32::try_from(whole.to_i64()?).ok()?;
    let anchor = first.checked_add_months(Months::new(whole))?;
    let next = first.checked_add_months(Months::new(whole.checked_add(1)?))?;
    let length = Decimal::from((next - anchor).num_days());
    let days = (share * length).ceil().to_i64()?;
    anchor
        .checked_add_days(chrono::Days::new(u64::try_from(days).ok()?))?
        .pred_opt()
}

/// The whole months `m` from `first` that fit before `after` (exclusive), with the dates where
/// month `m` and month `m + 1` begin; each counted from `first`, so the 31st stays the 31st.
fn whole_months(first: NaiveDate, after: NaiveDate) -> Option<(u32, NaiveDate, NaiveDate)> {
    if after <= first {
        return None;
    }
    let span = (after.year() - first.year()) * 12 + after.month() as i32 - first.month() as i32;
    let mut whole = u32::try_from(span.max(0)).ok()?;
    let at = |m: u32| first.checked_add_months(Months::new(m));
    while whole > 0 && at(whole)? > after {
        whole -= 1;
    }
    Some((whole, at(whole)?, at(whole + 1)?))
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

    fn span(start: &str, end: &str) -> std::result::Result<DateRange, Box<dyn std::error::Error>> {
        Ok(DateRange::new("test", date(start)?, date(end)?)?)
    }

    #[test]
    fn calendar_months_covered_by_hand() -> TestResult {
        use rust_decimal_macros::dec;
        // six whole months, April to September
        assert_eq!(months_covered(span("2021-04-01", "2021-09-30")?), dec!(6));
        // a twelve-month grant is twelve months, not 365 / 30.44
        assert_eq!(months_covered(span("2021-04-01", "2022-03-31")?), dec!(12));
        // half of April: 15 of its 30 days
        assert_eq!(months_covered(span("2021-04-01", "2021-04-15")?), dec!(0.5));
        // one day
        assert_eq!(
            months_covered(span("2021-03-01", "2021-03-01")?),
            Decimal::ONE / dec!(31)
        );
        // mid-month start: 15 Jan to 14 Feb is one month; to 29 Feb adds 15 of the 29 days
        // from 15 Feb to 14 Mar (leap year)
        assert_eq!(months_covered(span("2024-01-15", "2024-02-14")?), dec!(1));
        assert_eq!(
            months_covered(span("2024-01-15", "2024-02-29")?),
            dec!(1) + dec!(15) / dec!(29)
        );
        // from the 31st, February's end counts as the month's turn
        assert_eq!(months_covered(span("2021-01-31", "2021-02-27")?), dec!(1));
        Ok(())
    }

    #[test]
    fn months_later_is_the_inverse_of_months_covered() -> TestResult {
        use rust_decimal_macros::dec;
        // one month from 1 October ends on 31 October
        assert_eq!(
            months_later(date("2021-10-01")?, dec!(1)),
            Some(date("2021-10-31")?)
        );
        // half a month of October's 31 days is 15.5 days: passed by the end of the 16th
        assert_eq!(
            months_later(date("2021-10-01")?, dec!(0.5)),
            Some(date("2021-10-16")?)
        );
        // nothing left: the day before
        assert_eq!(
            months_later(date("2021-10-01")?, dec!(0)),
            Some(date("2021-09-30")?)
        );
        // 2.25 months from 1 Dec 2023: 1 Feb 2024 plus a quarter of February's 29 days (7.25,
        // so the 8th day)
        assert_eq!(
            months_later(date("2023-12-01")?, dec!(2.25)),
            Some(date("2024-02-08")?)
        );
        assert!(months_covered(span("2023-12-01", "2024-02-08")?) >= dec!(2.25));
        assert!(months_covered(span("2023-12-01", "2024-02-07")?) < dec!(2.25));
        assert_eq!(months_later(date("2021-10-01")?, dec!(1e20)), None);
        Ok(())
    }
}
