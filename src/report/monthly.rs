//! `report monthly`: spend per calendar month and budget line, with the cumulative spend beside
//! the straight-line plan: the data behind a burn-down chart.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;

use super::burn::expected;
use super::summary::percent;
use crate::domain::{Grant, MonthSpend};
use crate::render::{Cell, Column, Document, Table, col};

/// One row per month from the grant's first month to the month of `as_of` (or of the end).
pub fn monthly(
    grant: &Grant,
    line_codes: &[String],
    spend: &[MonthSpend],
    as_of: NaiveDate,
) -> Document {
    let c = &grant.currency;
    let last = as_of.min(grant.end);
    let mut columns = vec![col("month", "Month")];
    columns.extend(line_codes.iter().map(|code| Column {
        spare: 0,
        key: Cow::Owned(format!("line_{code}")),
        title: Cow::Owned(code.clone()),
        detail: false,
        prose: false,
        // A grant of seven lines is 133 columns wide: on a narrower screen the plan against
        // the spend comes first, whole, and the lines after it, a few at a time.
        apart: true,
    }));
    columns.extend([
        col("total", "Total"),
        col("cumulative", "Cumulative"),
        col("plan", "Plan"),
        col("variance", "Variance"),
        col("cumulative_pct", "Used %"),
    ]);
    let mut t = Table::new(&columns);
    let by_month_line: HashMap<(&str, &str), Decimal> = spend
        .iter()
        .map(|s| ((s.month.as_str(), s.line.as_str()), s.amount))
        .collect();
    let mut cumulative = Decimal::ZERO;
    let mut month = NaiveDate::from_ymd_opt(grant.start.year(), grant.start.month(), 1);
    while let Some(first) = month.filter(|m| *m <= last) {
        let key = format!("{:04}-{:02}", first.year(), first.month());
        let next = first.checked_add_months(Months::new(1));
        let month_end = next.and_then(|n| n.pred_opt()).unwrap_or(first).min(last);
        let per_line: Vec<Decimal> = line_codes
            .iter()
            .map(|code| {
                let found = by_month_line.get(&(key.as_str(), code.as_str()));
                found.copied().unwrap_or(Decimal::ZERO)
            })
            .collect();
        let total: Decimal = per_line.iter().sum();
        cumulative += total;
        let plan = expected(grant.amount, c, grant.dates(), month_end);
        let mut row = vec![Cell::text(&key)];
        row.extend(per_line.into_iter().map(|a| Cell::amount(a, c)));
        row.extend([
            Cell::amount(total, c),
            Cell::amount(cumulative, c),
            Cell::amount(plan, c),
            Cell::amount(cumulative - plan, c),
            Cell::optional(percent(cumulative, grant.amount), Cell::Percent),
        ]);
        t.push(row);
        month = next;
    }
    t.apart_title = format!(
        "Monthly spend of {} in {} by budget line",
        grant.reference, c.code
    );
    let title = format!(
        "Monthly spend of {} in {} by budget line, to {last}; plan = {} {} spread evenly over \
         {} to {}",
        grant.reference,
        c.code,
        c.plain(grant.amount),
        c.code,
        grant.start,
        grant.end
    );
    Document::table("monthly", title, t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Currency, GrantStatus};
    use crate::render::Block;
    use rust_decimal_macros::dec;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    fn date(s: &str) -> std::result::Result<NaiveDate, chrono::ParseError> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
    }

    #[test]
    fn months_lines_and_plan_by_hand() -> TestResult {
        // EUR 3,100.00 from 15 January to 14 April 2021: 90 days (17 + 28 + 31 + 14)
        let grant = Grant {
            id: 1,
            reference: "G".into(),
            donor: "D".into(),
            project: "P".into(),
            currency: Currency::new("EUR", 2),
            amount: dec!(3100.00),
            start: date("2021-01-15")?,
            end: date("2021-04-14")?,
            indirect_rate: dec!(0),
            status: GrantStatus::Active,
            donor_reference: String::new(),
        };
        let spend = |month: &str, line: &str, amount| MonthSpend {
            month: month.into(),
            line: line.into(),
            amount,
        };
        let rows = [
            spend("2021-01", "A", dec!(100.00)),
            spend("2021-01", "B", dec!(50.00)),
            spend("2021-03", "A", dec!(1000.00)),
        ];
        let doc = monthly(
            &grant,
            &["A".into(), "B".into()],
            &rows,
            date("2021-03-20")?,
        );
        let Block::Table(t) = &doc.sections[0].block else {
            return Err("not a table".into());
        };
        let plain: Vec<Vec<String>> = t
            .rows
            .iter()
            .map(|r| r.iter().map(Cell::plain).collect())
            .collect();
        // January: 17 days of 90 -> 3,100 x 17 / 90 = 585.555... -> 585.56
        assert_eq!(
            plain[0],
            [
                "2021-01", "100.00", "50.00", "150.00", "150.00", "585.56", "-435.56", "4.8"
            ]
        );
        // February: 45 days -> 1,550.00; nothing spent
        assert_eq!(
            plain[1],
            [
                "2021-02", "0.00", "0.00", "0.00", "150.00", "1550.00", "-1400.00", "4.8"
            ]
        );
        // March stops at 20 March (as of): 65 days -> 2,238.888... -> 2,238.89
        assert_eq!(
            plain[2],
            [
                "2021-03", "1000.00", "0.00", "1000.00", "1150.00", "2238.89", "-1088.89", "37.1"
            ]
        );
        assert_eq!(t.rows.len(), 3, "no month after the as-of date");
        assert_eq!(t.columns[1].key, "line_A");
        Ok(())
    }
}
