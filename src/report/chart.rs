//! The burn-down chart of a grant: its cumulative spend by month, from the same monthly sums as
//! `report monthly`, with where the burn figures say the pace leads.

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;

use super::burn_report::GrantBurn;
use crate::domain::MonthSpend;
use crate::render::BurnChart;

/// The chart of `g` (burn figures as of `g`'s as-of date) from its non-void spend per month and
/// line up to that date.
pub fn burn_chart(g: &GrantBurn, as_of: NaiveDate, spend: &[MonthSpend]) -> BurnChart {
    let grant = &g.grant;
    let last = as_of.min(grant.end);
    let mut spent = vec![(grant.start, Decimal::ZERO)];
    let mut cumulative = Decimal::ZERO;
    let mut month = NaiveDate::from_ymd_opt(grant.start.year(), grant.start.month(), 1);
    // Nothing to draw before the start: the line stays at the start's nothing.
    while let Some(first) = month.filter(|m| *m <= last && last >= grant.start) {
        let key = format!("{:04}-{:02}", first.year(), first.month());
        // Spend dated before the start (none, as the ledger refuses it) counts in the first month.
        cumulative += spend
            .iter()
            .filter(|s| s.month == key || (spent.len() == 1 && s.month < key))
            .map(|s| s.amount)
            .sum::<Decimal>();
        let next = first.checked_add_months(Months::new(1));
        let month_end = next.and_then(|n| n.pred_opt()).unwrap_or(first).min(last);
        spent.push((month_end, cumulative));
        month = next;
    }
    let b = &g.burn;
    let projection = if as_of >= grant.end || as_of < grant.start {
        None
    } else if let Some(day) = b.exhaustion {
        Some((day, grant.amount))
    } else {
        Some((grant.end, b.projected_at_end))
    };
    BurnChart {
        reference: grant.reference.clone(),
        currency: grant.currency.clone(),
        budget: grant.amount,
        start: grant.start,
        end: grant.end,
        as_of,
        spent,
        projection,
        exhaustion: b.exhaustion,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Currency, Grant, GrantStatus};
    use crate::report::burn_report::grant_burn;
    use rust_decimal_macros::dec;

    #[test]
    fn cumulative_by_month_end_cut_at_the_as_of_date() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        let grant = Grant {
            id: 1,
            reference: "G".into(),
            donor: "D".into(),
            project: "P".into(),
            currency: Currency::new("EUR", 2),
            amount: dec!(3100.00),
            start: day("2021-01-15"),
            end: day("2021-04-14"),
            indirect_rate: dec!(0),
            status: GrantStatus::Active,
            donor_reference: String::new(),
        };
        let g = grant_burn(
            grant,
            &[],
            dec!(0),
            Default::default(),
            day("2021-03-20"),
            dec!(10),
        );
        let month = |m: &str, a| MonthSpend {
            month: m.into(),
            line: "A".into(),
            amount: a,
        };
        let spend = [
            month("2021-01", dec!(100.00)),
            month("2021-01", dec!(50.00)),
            month("2021-03", dec!(1000.00)),
        ];
        let chart = burn_chart(&g, day("2021-03-20"), &spend);
        assert_eq!(
            chart.spent,
            [
                (day("2021-01-15"), dec!(0)),
                (day("2021-01-31"), dec!(150.00)),
                (day("2021-02-28"), dec!(150.00)),
                (day("2021-03-20"), dec!(1150.00)),
            ]
        );
        assert_eq!(chart.budget, dec!(3100.00));
    }
}
