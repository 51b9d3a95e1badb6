//! The grant's amount as IATI budgets: over which windows, and how much in each.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::domain::{Currency, DateRange, Period};

/// The windows the budget is spread over: the reporting periods when they tile the grant's
/// dates and none is longer than a year (IATI's limit for a budget period), else calendar
/// years cut to the grant's dates.
pub fn budget_windows(dates: DateRange, periods: &[Period]) -> Vec<DateRange> {
    let mut sorted: Vec<DateRange> = periods.iter().map(Period::dates).collect();
    sorted.sort_by_key(|p| p.start);
    let tiles = !sorted.is_empty()
        && sorted[0].start == dates.start
        && sorted[sorted.len() - 1].end == dates.end
        && sorted
            .windows(2)
            .all(|w| w[0].end.succ_opt() == Some(w[1].start))
        && sorted.iter().all(|p| p.days() <= 366);
    if tiles {
        return sorted;
    }
    (dates.start.year()..=dates.end.year())
        .map(|year| {
            let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January exists");
            let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December exists");
            DateRange {
                start: first.max(dates.start),
                end: last.min(dates.end),
            }
        })
        .collect()
}

/// `amount` spread over the windows of [`budget_windows`] in proportion to their days.
pub fn budgets(
    amount: Decimal,
    currency: &Currency,
    dates: DateRange,
    periods: &[Period],
) -> Vec<(DateRange, Decimal)> {
    let windows = budget_windows(dates, periods);
    let days: Vec<i64> = windows.iter().map(DateRange::days).collect();
    let values = apportion(amount, currency, &days);
    windows.into_iter().zip(values).collect()
}

/// `amount` split in proportion to `weights`: each exact share cut to the minor unit, the units
/// the cuts lost given one each to the largest remainders (the earlier part on a tie), so the
/// parts add up to `amount` exactly.
pub fn apportion(amount: Decimal, currency: &Currency, weights: &[i64]) -> Vec<Decimal> {
    let total: i64 = weights.iter().sum();
    if total <= 0 {
        return weights.iter().map(|_| Decimal::ZERO).collect();
    }
    let exact: Vec<Decimal> = weights
        .iter()
        .map(|w| amount * Decimal::from(*w) / Decimal::from(total))
        .collect();
    currency.largest_remainder(&exact, amount)
}
