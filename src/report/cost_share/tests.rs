//! Hand-worked figures: the Japan grant (USD 123,762.00) with a match of 10 % of the grant,
//! USD 12,376.20, and its 2021-Q3 (July to September).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::*;
use crate::domain::fx::{Quote, convert};
use crate::domain::{MatchBasis, Void};

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn usd() -> Currency {
    Currency::new("USD", 2)
}

fn q3() -> DateRange {
    DateRange {
        start: day(2021, 7, 1),
        end: day(2021, 9, 30),
    }
}

fn given(reference: &str, date: NaiveDate, kind: ContributionKind, value: Decimal) -> Contribution {
    Contribution {
        id: 0,
        grant: "JP-MA-MHPSS-2021".into(),
        contributor: "Municipality of Rabat".into(),
        kind,
        reference: reference.into(),
        date,
        currency: usd(),
        amount: value,
        rate: None,
        grant_currency: usd(),
        grant_amount: value,
        basis: String::new(),
        line: None,
        office: None,
        recorded_at: String::new(),
        void: None,
    }
}

/// Office space in kind, MAD 43,200.00 (40 m² at MAD 90/m²/month for 12 months), converted at
/// 1 USD = 9.0235 MAD: 43,200 / 9.0235 = 4,787.4993… = USD 4,787.50.
fn office_space() -> std::result::Result<Contribution, Box<dyn std::error::Error>> {
    let mad = Currency::new("MAD", 2);
    let quote = Quote {
        base: "USD".into(),
        quote: "MAD".into(),
        rate: dec!(9.0235),
    };
    let value = convert(dec!(43200.00), &mad, &quote, &usd())?;
    let mut k = given(
        "MA-RBT-2021-01",
        day(2021, 4, 1),
        ContributionKind::InKind,
        value,
    );
    k.currency = mad;
    k.amount = dec!(43200.00);
    k.rate = Some(quote);
    Ok(k)
}

fn tenth() -> std::result::Result<MatchRule, Box<dyn std::error::Error>> {
    Ok(MatchRule::new(dec!(10), MatchBasis::Grant)?)
}

fn the_quarter() -> std::result::Result<Vec<Contribution>, Box<dyn std::error::Error>> {
    let mut voided = given(
        "CASH-2",
        day(2021, 8, 20),
        ContributionKind::Cash,
        dec!(2000.00),
    );
    voided.void = Some(Void {
        at: "2021-08-21 10:00:00".into(),
        reason: "entered twice".into(),
    });
    Ok(vec![
        office_space()?,
        given(
            "CASH-1",
            day(2021, 8, 15),
            ContributionKind::Cash,
            dec!(5000.00),
        ),
        voided,
        // After the period: not in its figures.
        given(
            "CASH-3",
            day(2021, 10, 5),
            ContributionKind::Cash,
            dec!(1000.00),
        ),
    ])
}

#[test]
fn a_mad_contribution_counts_at_its_converted_value() -> TestResult {
    assert_eq!(office_space()?.grant_amount, dec!(4787.50));
    Ok(())
}

#[test]
fn required_provided_and_remaining_by_hand() -> TestResult {
    let f = MatchFigures::of(
        Some(&tenth()?),
        dec!(123762.00),
        &usd(),
        &the_quarter()?,
        q3(),
    );
    // 10 % of 123,762.00.
    assert_eq!(f.required, Some(dec!(12376.20)));
    // 5,000.00 cash (the voided 2,000.00 and October's 1,000.00 do not count) and 4,787.50 in
    // kind: 9,787.50; 12,376.20 − 9,787.50 = 2,588.70 remaining.
    assert_eq!(f.cash_to_date, dec!(5000.00));
    assert_eq!(f.in_kind_to_date, dec!(4787.50));
    assert_eq!(f.provided(), dec!(9787.50));
    assert_eq!(f.remaining(), Some(dec!(2588.70)));
    assert_eq!(f.exceeded_by(), Some(dec!(0)));
    // The office space was given in April, before the quarter.
    assert_eq!(f.cash_in_period, dec!(5000.00));
    assert_eq!(f.in_kind_in_period, dec!(0));
    assert_eq!(f.provided_in_period(), dec!(5000.00));
    Ok(())
}

#[test]
fn a_match_exceeded_says_by_how_much_and_remains_nothing() -> TestResult {
    let mut list = the_quarter()?;
    list.push(given(
        "CASH-4",
        day(2021, 9, 1),
        ContributionKind::Cash,
        dec!(3000.00),
    ));
    let f = MatchFigures::of(Some(&tenth()?), dec!(123762.00), &usd(), &list, q3());
    // 9,787.50 + 3,000.00 = 12,787.50, beyond 12,376.20 by 411.30.
    assert_eq!(f.provided(), dec!(12787.50));
    assert_eq!(f.remaining(), Some(dec!(0)));
    assert_eq!(f.exceeded_by(), Some(dec!(411.30)));
    let record = match_record(&f, &usd(), true);
    let shown: Vec<&str> = record
        .fields
        .iter()
        .filter(|(c, _)| !c.detail)
        .map(|(c, _)| c.key.as_ref())
        .collect();
    assert!(shown.contains(&"exceeded_by") && !shown.contains(&"remaining"));
    // The data keeps both.
    let all: Vec<&str> = record.fields.iter().map(|(c, _)| c.key.as_ref()).collect();
    assert!(all.contains(&"exceeded_by") && all.contains(&"remaining"));
    Ok(())
}

#[test]
fn contributions_without_a_required_match_are_still_shown() -> TestResult {
    let f = MatchFigures::of(None, dec!(123762.00), &usd(), &the_quarter()?, q3());
    assert!(f.any());
    assert_eq!(f.required, None);
    assert_eq!(f.remaining(), None);
    let none = MatchFigures::of(None, dec!(123762.00), &usd(), &[], q3());
    assert!(!none.any());
    // Nothing to show: the donor report gains no block.
    let doc = donor_blocks(Document::default(), &none, &[], &usd(), q3().end);
    assert!(doc.sections.is_empty());
    Ok(())
}

#[test]
fn the_donor_report_lists_live_contributions_to_the_end_of_the_period() -> TestResult {
    let list = the_quarter()?;
    let f = MatchFigures::of(Some(&tenth()?), dec!(123762.00), &usd(), &list, q3());
    let doc = donor_blocks(Document::default(), &f, &list, &usd(), q3().end);
    let keys: Vec<&str> = doc.sections.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, ["cost_share", "contributions"]);
    let Block::Table(t) = &doc.sections[1].block else {
        return Err("contributions are a table".into());
    };
    // The office space and the 5,000.00: neither the voided one nor October's.
    assert_eq!(t.rows.len(), 2);
    Ok(())
}
