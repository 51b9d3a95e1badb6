//! The burn-rate figures every report agrees on (DESIGN.md, "Burn rate"), defined once here.
//!
//! For budget B over the days s..e, as of the end of day d, with S spent (non-void, grant
//! currency, dated up to d):
//! - elapsed fraction t = days(s..d) / days(s..e), both ends counted, kept within 0..1;
//! - expected spend E = B·t, rounded to the currency's minor unit (the named rounding of a plan);
//! - utilisation = S/B; variance = S − E; variance % = utilisation % − elapsed %, each as shown
//!   (one decimal), so the three printed side by side always agree;
//! - burn per calendar month since the start, and over the trailing three months / 3 (fewer
//!   only when the grant is younger), so the pace does not move on a day nothing was spent;
//! - runway = (B − S) / trailing burn, the months left at the current pace, and the date that
//!   pace exhausts the budget; projected spend at the end date at the same pace;
//! - a status, where the threshold (default 10 %) bounds the variance in either direction.

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::domain::dates::{months_covered, months_later};
use crate::domain::money::ROUNDING;
use crate::domain::{Currency, DateRange};
use crate::render::Tone;

/// Default tolerance of variance, in percent of the budget.
pub const DEFAULT_THRESHOLD: Decimal = Decimal::TEN;

/// Days of `dates` gone by the end of `as_of`: none before the start, all after the end.
pub fn elapsed_days(dates: DateRange, as_of: NaiveDate) -> i64 {
    let gone = (as_of - dates.start).num_days() + 1;
    gone.clamp(0, dates.days())
}

/// What of `amount` the linear plan expects spent by the end of `as_of`, in minor units.
pub fn expected(
    amount: Decimal,
    currency: &Currency,
    dates: DateRange,
    as_of: NaiveDate,
) -> Decimal {
    // Multiply before dividing, so 183/365 of an amount is one division and one rounding.
    let share = amount * Decimal::from(elapsed_days(dates, as_of)) / Decimal::from(dates.days());
    currency.round(share)
}

/// The plan of each of `amounts` by the end of `as_of`, in minor units, so that they add up to
/// the plan of their total: each part's exact share is cut to the minor unit and the units the
/// cuts lost go to the parts that lost most (largest remainder), so a budget table's plan
/// column foots to its total row.
pub fn expected_parts(
    amounts: &[Decimal],
    currency: &Currency,
    dates: DateRange,
    as_of: NaiveDate,
) -> Vec<Decimal> {
    let (gone, days) = (
        Decimal::from(elapsed_days(dates, as_of)),
        Decimal::from(dates.days()),
    );
    let exact: Vec<Decimal> = amounts.iter().map(|a| *a * gone / days).collect();
    let total = expected(amounts.iter().sum(), currency, dates, as_of);
    currency.largest_remainder(&exact, total)
}

/// Percentage of time gone.
pub fn elapsed_pct(dates: DateRange, as_of: NaiveDate) -> Decimal {
    Decimal::from(elapsed_days(dates, as_of)) * Decimal::ONE_HUNDRED / Decimal::from(dates.days())
}

/// A percentage as every report shows it: one decimal, the named rounding.
pub fn shown_pct(pct: Decimal) -> Decimal {
    pct.round_dp_with_strategy(1, ROUNDING)
}

/// Var %: Used % − Time %, each as shown, so the table's identity holds to the digit on paper
/// (the exact variance / budget can differ by 0.1 once each side is rounded); none for a
/// budget of nothing.
pub fn variance_pct(spent: Decimal, budget: Decimal, elapsed_pct: Decimal) -> Option<Decimal> {
    super::summary::percent(spent, budget).map(|used| shown_pct(used) - shown_pct(elapsed_pct))
}

/// The months the trailing pace divides by: three once the grant is three months old, so a
/// quarter's spend is a third of it a month whatever the length of the months it spans (as of
/// 27 to 31 May alike); the months since the start while fewer, never less than one.
fn trailing_months(dates: DateRange, window: DateRange) -> Decimal {
    let three = Decimal::from(3);
    let full = window
        .end
        .succ_opt()
        .and_then(|after| after.checked_sub_months(chrono::Months::new(3)))
        .is_some_and(|start| start >= dates.start);
    if full {
        three
    } else {
        months_covered(window).clamp(Decimal::ONE, three)
    }
}

/// The trailing three months up to `as_of` (or the end, if it is past), within the grant.
pub fn trailing_window(dates: DateRange, as_of: NaiveDate) -> Option<DateRange> {
    let end = as_of.min(dates.end);
    if end < dates.start {
        return None;
    }
    let start = end
        .succ_opt()
        .and_then(|after| after.checked_sub_months(chrono::Months::new(3)))
        .map_or(dates.start, |s| s.max(dates.start));
    Some(DateRange { start, end })
}

/// Where a grant stands against its linear plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BurnStatus {
    NotStarted,
    OnTrack,
    Underspending,
    Overspending,
    Exhausted,
    Ended,
}

impl BurnStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BurnStatus::NotStarted => "not started",
            BurnStatus::OnTrack => "on track",
            BurnStatus::Underspending => "underspending",
            BurnStatus::Overspending => "overspending",
            BurnStatus::Exhausted => "exhausted",
            BurnStatus::Ended => "ended",
        }
    }

    pub fn tone(self) -> Tone {
        match self {
            BurnStatus::Overspending | BurnStatus::Exhausted => Tone::Alarm,
            BurnStatus::Underspending => Tone::Warning,
            BurnStatus::NotStarted | BurnStatus::OnTrack | BurnStatus::Ended => Tone::Calm,
        }
    }

    /// Whether a variance of `pct` lies beyond `threshold` (strictly), and which way. The
    /// variance is judged as shown, to one decimal, so a report never prints -6.7 % beside a
    /// status that a threshold of 6.7 % should not give.
    pub fn of_variance(pct: Option<Decimal>, threshold: Decimal) -> BurnStatus {
        match pct.map(|p| p.round_dp_with_strategy(1, ROUNDING)) {
            Some(p) if p > threshold => BurnStatus::Overspending,
            Some(p) if p < -threshold => BurnStatus::Underspending,
            _ => BurnStatus::OnTrack,
        }
    }
}

/// What the burn figures of one grant are computed from.
#[derive(Debug, Clone)]
pub struct BurnInput<'a> {
    pub currency: &'a Currency,
    pub budget: Decimal,
    pub dates: DateRange,
    pub as_of: NaiveDate,
    /// Non-void spend dated up to `as_of`.
    pub spent: Decimal,
    /// Non-void spend dated inside [`trailing_window`].
    pub trailing_spent: Decimal,
    /// Open commitments on `as_of`: money already bound, which the projection never falls below.
    pub committed: Decimal,
    pub threshold: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Burn {
    pub elapsed_pct: Decimal,
    pub utilisation_pct: Option<Decimal>,
    pub expected: Decimal,
    pub variance: Decimal,
    pub variance_pct: Option<Decimal>,
    /// Spend per calendar month since the start; none before it.
    pub monthly: Option<Decimal>,
    /// Spend per month over the trailing three months (fewer in a grant's first months).
    pub monthly_trailing: Option<Decimal>,
    /// Months the rest lasts at the trailing pace, rounded down to a tenth (never flattering);
    /// none when nothing is being spent or the grant has ended.
    pub runway_months: Option<Decimal>,
    /// The day the trailing pace spends the rest, if that comes before the end date; none when
    /// the money outlasts the grant at that pace, or is already spent.
    pub exhaustion: Option<NaiveDate>,
    /// Spend by the end date if the trailing pace holds, and never less than what is spent and
    /// committed.
    pub projected_at_end: Decimal,
    pub status: BurnStatus,
}

pub fn burn(input: &BurnInput) -> Burn {
    let BurnInput {
        currency,
        budget,
        dates,
        as_of,
        spent,
        trailing_spent,
        committed,
        threshold,
    } = *input;
    let expected = expected(budget, currency, dates, as_of);
    let variance = spent - expected;
    let elapsed = elapsed_pct(dates, as_of);
    let variance_pct = variance_pct(spent, budget, elapsed);
    let to_date = (as_of >= dates.start).then(|| DateRange {
        start: dates.start,
        end: as_of.min(dates.end),
    });
    // A pace is never extrapolated from less than a month: a grant's first day is no month.
    let months = |r: DateRange| months_covered(r).max(Decimal::ONE);
    let monthly = to_date.map(|r| currency.round(spent / months(r)));
    let pace = trailing_window(dates, as_of).map(|r| trailing_spent / trailing_months(dates, r));
    let left = budget - spent;
    let running = as_of < dates.end && left > Decimal::ZERO;
    let runway = pace.filter(|p| running && !p.is_zero()).map(|p| left / p);
    let rest_of_grant = as_of.succ_opt().filter(|_| as_of < dates.end).map(|first| {
        let start = first.max(dates.start);
        months_covered(DateRange {
            start,
            end: dates.end,
        })
    });
    let at_pace = match (pace, rest_of_grant) {
        (Some(p), Some(months)) => currency.round(spent + p * months),
        _ => spent,
    };
    // What is signed will be paid, whatever the pace: the projection holds at least that.
    let projected_at_end = at_pace.max(spent + committed);
    let status = if as_of < dates.start {
        BurnStatus::NotStarted
    } else if budget > Decimal::ZERO && spent >= budget {
        BurnStatus::Exhausted
    } else if as_of > dates.end {
        BurnStatus::Ended
    } else {
        BurnStatus::of_variance(variance_pct, threshold)
    };
    Burn {
        elapsed_pct: elapsed,
        utilisation_pct: super::summary::percent(spent, budget),
        expected,
        variance,
        variance_pct,
        monthly,
        monthly_trailing: pace.map(|p| currency.round(p)),
        runway_months: runway.map(|r| {
            let mut shown = r.round_dp_with_strategy(1, RoundingStrategy::ToZero);
            shown.rescale(1);
            shown
        }),
        exhaustion: runway
            .and_then(|r| months_later(as_of.succ_opt()?, r))
            .filter(|day| *day <= dates.end),
        projected_at_end,
        status,
    }
}

#[cfg(test)]
mod tests;
