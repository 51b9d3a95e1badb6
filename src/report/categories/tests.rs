use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::*;
use crate::domain::{
    Budget, BudgetLine, Currency, DateRange, Grant, GrantStatus, LineCategory, LineSpend, Revision,
};
use crate::report::actuals::{LineFlag, actuals};

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

fn date(s: &str) -> std::result::Result<NaiveDate, chrono::ParseError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
}

/// USD 10,000.00 over 2021 (365 days), four lines holding 9,930.00, reported for Q2: TRAV
/// spent 300.00 in Q1 and had 50.00 refunded in Q2, so its net is −50.00 in the period and
/// 250.00 to date.
fn q2() -> std::result::Result<Actuals, Box<dyn std::error::Error>> {
    let usd = Currency::new("USD", 2);
    let grant = Grant {
        id: 1,
        reference: "G".into(),
        donor: "US-GOV".into(),
        project: "P".into(),
        currency: usd.clone(),
        amount: dec!(10000.00),
        start: date("2021-01-01")?,
        end: date("2021-12-31")?,
        indirect_rate: dec!(7),
        status: GrantStatus::Active,
        donor_reference: String::new(),
    };
    let lines = [
        (
            "STAFF",
            LineCategory::Staff,
            dec!(6000.00),
            dec!(1500.00),
            dec!(3000.00),
        ),
        (
            "TRAIN",
            LineCategory::Training,
            dec!(3000.00),
            dec!(3100.00),
            dec!(3100.00),
        ),
        (
            "TRAV",
            LineCategory::Travel,
            dec!(300.00),
            dec!(-50.00),
            dec!(250.00),
        ),
        (
            "IND",
            LineCategory::Indirect,
            dec!(630.00),
            dec!(322.00),
            dec!(427.00),
        ),
    ];
    let budget = Budget {
        grant: "G".into(),
        currency: usd,
        revision: Revision {
            number: 1,
            effective_date: date("2021-01-01")?,
            reason: "original budget".into(),
            recorded_at: String::new(),
            approved_by: None,
        },
        lines: lines
            .iter()
            .map(|(code, category, amount, _, _)| BudgetLine {
                code: (*code).into(),
                name: format!("{code} name"),
                category: *category,
                amount: *amount,
                spent: Decimal::ZERO,
            })
            .collect(),
    };
    let spend: Vec<LineSpend> = lines
        .iter()
        .map(|(code, category, _, period, to_date)| LineSpend {
            code: (*code).into(),
            name: format!("{code} name"),
            category: *category,
            amounts: vec![*period, *to_date],
        })
        .collect();
    let window = DateRange::new("q2", date("2021-04-01")?, date("2021-06-30")?)?;
    Ok(actuals(&grant, &budget, &spend, window, dec!(10)))
}

/// SF-424A's object classes, some of them; g. Construction holds no line.
fn sf424a() -> Vec<DonorCategory> {
    [
        ("a", "Personnel"),
        ("g", "Construction"),
        ("h", "Other"),
        ("j", "Indirect charges"),
    ]
    .iter()
    .zip(1..)
    .map(|((code, name), position)| DonorCategory {
        code: (*code).into(),
        name: (*name).into(),
        position,
    })
    .collect()
}

fn mapped(pairs: &[(&str, Option<&str>)]) -> Vec<LineMapping> {
    pairs
        .iter()
        .map(|(line, category)| LineMapping {
            line: (*line).into(),
            name: format!("{line} name"),
            category: category.map(String::from),
        })
        .collect()
}

fn all_mapped() -> Vec<LineMapping> {
    mapped(&[
        ("STAFF", Some("a")),
        ("TRAIN", Some("h")),
        ("TRAV", Some("h")),
        ("IND", Some("j")),
    ])
}

#[test]
fn categories_sum_their_lines_net_of_refunds_by_hand() -> TestResult {
    let a = q2()?;
    let c = category_actuals(&a, "US-GOV", &sf424a(), &all_mapped())?;
    let rows: Vec<(&str, Decimal, Decimal, Decimal, Decimal)> = c
        .lines
        .iter()
        .map(|l| (l.code.as_str(), l.budget, l.period, l.to_date, l.expected))
        .collect();
    // Plans (day 181 of 365): STAFF 2,975.34, TRAIN 1,487.67, TRAV 148.76 + the cent the cuts
    // lost (largest remainder, .0071) = 148.77, IND 312.41, unallocated 70 x 181/365 = 34.71.
    // h = TRAIN + TRAV: 3,000 + 300 budget; 3,100 − 50 (the refund) in the period; 3,100 + 250
    // to date; 1,487.67 + 148.77 planned.
    assert_eq!(
        rows,
        [
            (
                "a",
                dec!(6000.00),
                dec!(1500.00),
                dec!(3000.00),
                dec!(2975.34)
            ),
            ("g", dec!(0), dec!(0), dec!(0), dec!(0)),
            (
                "h",
                dec!(3300.00),
                dec!(3050.00),
                dec!(3350.00),
                dec!(1636.44)
            ),
            ("j", dec!(630.00), dec!(322.00), dec!(427.00), dec!(312.41)),
            ("unallocated", dec!(70.00), dec!(0), dec!(0), dec!(34.71)),
        ]
    );
    // h spent 3,350 of 3,300: over, though TRAV alone is not; j is 18.2 points ahead of plan.
    let flags: Vec<Option<LineFlag>> = c.lines.iter().map(|l| l.flag).collect();
    assert_eq!(
        flags,
        [
            None,
            None,
            Some(LineFlag::Over),
            Some(LineFlag::Ahead),
            None
        ]
    );
    // The total is the line table's, and the categories add up to it to the cent.
    assert_eq!(c.total, a.total);
    let sum = |f: fn(&LineActual) -> Decimal| c.lines.iter().map(f).sum::<Decimal>();
    assert_eq!(sum(|l| l.budget), dec!(10000.00));
    assert_eq!(sum(|l| l.period), dec!(4872.00));
    assert_eq!(sum(|l| l.to_date), dec!(6777.00));
    assert_eq!(sum(|l| l.expected), dec!(4958.90));
    assert_eq!(
        (a.total.period, a.total.to_date, a.total.expected),
        (dec!(4872.00), dec!(6777.00), dec!(4958.90))
    );
    Ok(())
}

#[test]
fn an_unmapped_line_refuses_the_report_naming_it_and_the_fix() -> TestResult {
    let a = q2()?;
    let some = mapped(&[("STAFF", Some("a")), ("TRAIN", Some("h")), ("TRAV", None)]);
    let Err(err) = category_actuals(&a, "US-GOV", &sf424a(), &some) else {
        return Err("a report with unmapped lines was printed".into());
    };
    let message = err.to_string();
    assert!(
        message.contains("TRAV (TRAV name), IND (IND name)"),
        "{message}"
    );
    assert!(
        message.contains("grantbook budget map --grant G TRAV:a IND:a"),
        "{message}"
    );
    assert!(message.contains("--by line"), "{message}");
    let Err(err) = category_actuals(&a, "US-GOV", &[], &all_mapped()) else {
        return Err("a donor without categories printed by category".into());
    };
    assert!(
        err.to_string()
            .contains("donor US-GOV has no reporting categories"),
        "{err}"
    );
    Ok(())
}

#[test]
fn the_table_names_categories_and_their_lines_and_ends_with_the_total() -> TestResult {
    let a = q2()?;
    let c = category_actuals(&a, "US-GOV", &sf424a(), &all_mapped())?;
    let table = categories_table(&c, &all_mapped());
    let keys: Vec<&str> = table.columns.iter().map(|c| c.key.as_ref()).collect();
    assert_eq!(&keys[..3], ["category", "name", "lines"]);
    let column = |key: &str| keys.iter().position(|k| *k == key).unwrap_or(usize::MAX);
    let cells = |row: usize, key: &str| table.rows[row][column(key)].plain();
    assert_eq!(cells(2, "lines"), "TRAIN TRAV");
    assert_eq!(cells(2, "spent_to_date"), "3350.00");
    assert_eq!(cells(2, "flag"), "over");
    assert_eq!(cells(5, "category"), "TOTAL");
    assert_eq!(cells(5, "spent_period"), "4872.00");
    assert_eq!(cells(5, "budget"), "10000.00");
    let doc = Document::default()
        .with(
            "lines",
            "Budget against expenditure",
            Block::Table(Table::default()),
        )
        .with("notes", "", Block::Note(vec!["Flags: ...".into()]));
    let doc = by_category(doc, table, &all_mapped());
    assert_eq!(doc.sections[0].key, "categories");
    let Block::Note(notes) = &doc.sections[1].block else {
        return Err("the notes are gone".into());
    };
    assert_eq!(
        notes[0],
        "Budget lines in each category: a = STAFF; h = TRAIN + TRAV; j = IND."
    );
    Ok(())
}
