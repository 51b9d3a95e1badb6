//! Invariants of the ledger over random inputs, through the library's own API.

use std::str::FromStr;

use chrono::NaiveDate;
use grantbook::cli::report;
use grantbook::db::{GrantFilter, Ledger, RateGuard};
use grantbook::domain::money::parse_amount;
use grantbook::domain::*;
use grantbook::render;
use grantbook::report::{budget_table, burn_report};
use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

const G: &str = "G-1";
const LINES: [&str; 3] = ["STAFF", "TRAIN", "TRAV"];
/// 1 USD = 9.0235 MAD for every date of the grant.
const RATE: &str = "9.0235";

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn ledger(dir: &tempfile::TempDir) -> Ledger {
    let path = dir.path().join("p.db");
    std::fs::write(&path, Ledger::new_file().unwrap()).unwrap();
    let mut l = Ledger::open(&path).unwrap();
    l.add_donor(&Donor {
        code: "D".into(),
        name: "Donor".into(),
        kind: DonorKind::Government,
        country: None,
    })
    .unwrap();
    l.add_project(&Project {
        code: "P".into(),
        title: "Project".into(),
        organisation: "Org".into(),
        countries: vec!["MA".into()],
        start: date("2021-01-01"),
        end: date("2021-12-31"),
        status: ProjectStatus::Implementation,
    })
    .unwrap();
    l.add_grant(&NewGrant {
        reference: G.into(),
        donor: "D".into(),
        project: "P".into(),
        currency: "USD".into(),
        amount: Decimal::from(10_000_000),
        dates: DateRange::new("g", date("2021-01-01"), date("2021-12-31")).unwrap(),
        indirect_rate: Decimal::from(7),
        status: GrantStatus::Active,
    })
    .unwrap();
    let lines: Vec<NewLine> = LINES
        .iter()
        .map(|code| NewLine {
            code: code.to_string(),
            name: code.to_string(),
            category: LineCategory::Other,
            amount: Decimal::from(1_000_000),
        })
        .collect();
    l.set_budget(G, &lines).unwrap();
    l.set_rate(
        &FxRate {
            base: "USD".into(),
            quote: "MAD".into(),
            valid_from: date("2021-01-01"),
            rate: Decimal::from_str(RATE).unwrap(),
            source: String::new(),
        },
        false,
        RateGuard::Checked { force: false },
    )
    .unwrap();
    l
}

/// An expense: line index, amount in minor units, paid in MAD or not, day of the year.
fn expense_strategy() -> impl Strategy<Value = (usize, i64, bool, u32)> {
    (0..LINES.len(), 1i64..50_000_000, any::<bool>(), 0u32..365)
}

fn new_expense(i: usize, (line, minor, in_mad, day): (usize, i64, bool, u32)) -> NewExpense {
    NewExpense {
        grant: G.into(),
        line: LINES[line].into(),
        kind: ExpenseKind::Expenditure,
        date: date("2021-01-01") + chrono::Days::new(day as u64),
        amount: Decimal::new(minor, 2),
        currency: Some(if in_mad { "MAD" } else { "USD" }.into()),
        rate: None,
        rate_base: None,
        force_rate: false,
        payee: "Payee".into(),
        voucher: format!("V-{i}"),
        country: None,
        description: String::new(),
        refund_of: None,
        office: None,
        advance: None,
        commitment: None,
        allocate: None,
    }
}

/// The rule, written out independently: MAD / rate, half away from zero, to the cent.
fn by_hand(amount: Decimal, in_mad: bool) -> Decimal {
    if !in_mad {
        return amount;
    }
    (amount / Decimal::from_str(RATE).unwrap())
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn spent(l: &Ledger) -> (Decimal, Decimal) {
    let grant_spent = l.grant_totals(&GrantFilter::default()).unwrap()[0].spent;
    let lines_spent = l
        .budget(G, None)
        .unwrap()
        .lines
        .iter()
        .map(|x| x.spent)
        .sum();
    (grant_spent, lines_spent)
}

const AS_OF: &str = "2021-12-31";

/// The burn and budget reports of the grant as of the end of the year, as JSON, with the
/// figures they rest on: the burn report's spend and the budget report's total and line sums.
fn reports(l: &Ledger) -> (String, (Decimal, Decimal, Decimal)) {
    let as_of = date(AS_OF);
    let threshold = Decimal::TEN;
    let burns = report::burns(
        l,
        l.grants(&GrantFilter::default()).unwrap(),
        as_of,
        threshold,
    )
    .unwrap();
    let burn_doc = burn_report::burn_report(&burns, as_of, threshold, None).unwrap();
    let grant = l.grant(G).unwrap();
    let a = report::actuals_of(l, &grant, grant.dates(), as_of, threshold).unwrap();
    let budget_doc = budget_table::budget_report(&a, None);
    let mut json = Vec::new();
    for doc in [&burn_doc, &budget_doc] {
        render::write(doc, render::Format::Json, false, &mut json).unwrap();
    }
    let line_sum = a.lines.iter().map(|x| x.to_date).sum();
    (
        String::from_utf8(json).unwrap(),
        (burns[0].spent, a.total.to_date, line_sum),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn line_spend_sums_to_grant_spend_and_each_conversion_follows_the_rule(
        expenses in prop::collection::vec(expense_strategy(), 1..25)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut l = ledger(&dir);
        let mut expected = Decimal::ZERO;
        for (i, e) in expenses.iter().enumerate() {
            let stored = l.add_expense(&new_expense(i, *e)).unwrap();
            let want = by_hand(Decimal::new(e.1, 2), e.2);
            prop_assert_eq!(stored.grant_amount, want);
            expected += want;
        }
        let (grant_spent, lines_spent) = spent(&l);
        prop_assert_eq!(grant_spent, expected);
        prop_assert_eq!(lines_spent, grant_spent);
        // the reports: converting each expense then summing is the reported total, and the
        // budget lines' spend sums to the grant's
        let (_, (burn_spent, budget_total, line_sum)) = reports(&l);
        prop_assert_eq!(burn_spent, expected);
        prop_assert_eq!(budget_total, expected);
        prop_assert_eq!(line_sum, expected);
    }

    #[test]
    fn voiding_then_adding_again_gives_the_same_totals(
        expenses in prop::collection::vec(expense_strategy(), 1..15),
        pick in any::<prop::sample::Index>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut l = ledger(&dir);
        let mut ids = Vec::new();
        for (i, e) in expenses.iter().enumerate() {
            ids.push(l.add_expense(&new_expense(i, *e)).unwrap().id);
        }
        let before = spent(&l);
        let (reports_before, _) = reports(&l);
        let lines_before: Vec<Decimal> = l.budget(G, None).unwrap().lines.iter().map(|x| x.spent).collect();
        let chosen = pick.index(expenses.len());
        l.void_expense(ids[chosen], "entered on the wrong voucher", None)
            .unwrap();
        let mut again = new_expense(expenses.len() + 1, expenses[chosen]);
        again.voucher = format!("V-{chosen}-again");
        l.add_expense(&again).unwrap();
        prop_assert_eq!(spent(&l), before);
        let lines_after: Vec<Decimal> = l.budget(G, None).unwrap().lines.iter().map(|x| x.spent).collect();
        prop_assert_eq!(lines_after, lines_before);
        let (reports_after, _) = reports(&l);
        prop_assert_eq!(reports_after, reports_before, "the same burn and budget reports");
    }

    #[test]
    fn amounts_round_trip_through_text_and_minor_units(minor in 1i64..1_000_000_000_000, units in 0u32..=3) {
        let currency = Currency::new("XXX", units);
        let amount = currency.from_minor(minor);
        let text = currency.plain(amount);
        let parsed = parse_amount("amount", &text, &currency).unwrap();
        prop_assert_eq!(parsed, amount);
        prop_assert_eq!(currency.to_minor(parsed).unwrap(), minor);
    }

    #[test]
    fn any_text_as_an_amount_is_parsed_or_refused_without_panic(text in "\\PC{0,30}") {
        let usd = Currency::new("USD", 2);
        if let Ok(amount) = parse_amount("amount", &text, &usd) {
            prop_assert!(amount > Decimal::ZERO);
            prop_assert!(usd.to_minor(amount).is_ok());
        }
    }

    #[test]
    fn refunding_a_whole_expense_reports_exactly_as_voiding_it(
        expenses in prop::collection::vec(expense_strategy(), 1..12),
        pick in any::<prop::sample::Index>(),
        in_parts in any::<bool>(),
    ) {
        let chosen = pick.index(expenses.len());
        let (voided, refunded) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (mut a, mut b) = (ledger(&voided), ledger(&refunded));
        let mut ids = Vec::new();
        for (i, e) in expenses.iter().enumerate() {
            ids.push(a.add_expense(&new_expense(i, *e)).unwrap().id);
            b.add_expense(&new_expense(i, *e)).unwrap();
        }
        a.void_expense(ids[chosen], "refunded in full", None).unwrap();
        // The money comes back on the day it went out, in one refund or in two parts whose
        // second takes back the exact remainder.
        let original = new_expense(chosen, expenses[chosen]);
        let first = if in_parts && expenses[chosen].1 > 1 {
            Decimal::new(expenses[chosen].1 / 2, 2)
        } else {
            original.amount
        };
        let mut refund = NewExpense {
            kind: ExpenseKind::Refund,
            amount: first,
            voucher: "R-1".into(),
            refund_of: Some(ExpenseRef::Id(ids[chosen])),
            ..original.clone()
        };
        b.add_expense(&refund).unwrap();
        if first < original.amount {
            refund.amount = original.amount - first;
            refund.voucher = "R-2".into();
            b.add_expense(&refund).unwrap();
        }
        prop_assert_eq!(spent(&b), spent(&a));
        prop_assert_eq!(reports(&b), reports(&a), "the same burn and budget reports");
    }

    #[test]
    fn every_report_nets_refunds_exactly(
        expenses in prop::collection::vec(expense_strategy(), 1..15),
        refunds in prop::collection::vec((any::<prop::sample::Index>(), 1i64..100, 0u32..30), 0..8),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut l = ledger(&dir);
        let mut paid = Vec::new();
        let mut expected = Decimal::ZERO;
        for (i, e) in expenses.iter().enumerate() {
            let stored = l.add_expense(&new_expense(i, *e)).unwrap();
            expected += stored.grant_amount;
            paid.push((stored, Decimal::ZERO));
        }
        for (n, (pick, percent, days_later)) in refunds.iter().enumerate() {
            let (original, back) = &mut paid[pick.index(expenses.len())];
            // Up to what is left, never after the end of the grant.
            let amount = (original.amount * Decimal::new(*percent, 2))
                .round_dp_with_strategy(2, RoundingStrategy::ToZero)
                .min(original.amount - *back);
            let date = (original.date + chrono::Days::new(*days_later as u64)).min(date(AS_OF));
            if amount.is_zero() {
                continue;
            }
            let refund = match l.add_expense(&NewExpense {
                grant: G.into(),
                line: String::new(),
                kind: ExpenseKind::Refund,
                date,
                amount,
                currency: None,
                rate: None,
                rate_base: None,
                force_rate: false,
                payee: String::new(),
                voucher: format!("R-{n}"),
                country: None,
                description: String::new(),
                refund_of: Some(ExpenseRef::Id(original.id)),
                office: None,
                advance: None,
                commitment: None,
                allocate: None,
            }) {
                Ok(refund) => refund,
                // Refunds rounded up may already have brought back every cent in the grant's
                // currency: the last bit of the expense's own money is then refused, clearly.
                Err(e) if e.message.contains("count for nothing in the grant's currency") => {
                    prop_assert!(back.abs() > Decimal::ZERO, "only after other refunds");
                    continue;
                }
                Err(e) => panic!("refund refused: {}", e.message),
            };
            prop_assert_eq!(refund.line.clone(), original.line.clone());
            prop_assert!(refund.grant_amount <= original.grant_amount);
            *back += amount;
            expected -= refund.grant_amount;
        }
        let (grant_spent, lines_spent) = spent(&l);
        prop_assert_eq!(grant_spent, expected);
        prop_assert_eq!(lines_spent, expected);
        let (_, (burn_spent, budget_total, line_sum)) = reports(&l);
        prop_assert_eq!(burn_spent, expected);
        prop_assert_eq!(budget_total, expected);
        prop_assert_eq!(line_sum, expected);
        // Each expense refunded in full nets to exactly zero, whatever the rounding of its parts.
        for (original, back) in &paid {
            if *back == original.amount {
                let left: Decimal = l
                    .expenses(&ExpenseFilter { grant: Some(G.into()), ..Default::default() })
                    .unwrap()
                    .iter()
                    .filter(|e| e.id == original.id || e.refund_of == Some(original.id))
                    .map(|e| e.spend())
                    .sum();
                prop_assert_eq!(left, Decimal::ZERO);
            }
        }
    }

    #[test]
    fn correcting_is_voiding_and_adding_again(
        expenses in prop::collection::vec(expense_strategy(), 1..12),
        pick in any::<prop::sample::Index>(),
        corrected in expense_strategy(),
    ) {
        let chosen = pick.index(expenses.len());
        prop_assume!(corrected != expenses[chosen], "a correction must change something");
        let (one, other) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (mut a, mut b) = (ledger(&one), ledger(&other));
        let mut ids = Vec::new();
        for (i, e) in expenses.iter().enumerate() {
            ids.push(a.add_expense(&new_expense(i, *e)).unwrap().id);
            b.add_expense(&new_expense(i, *e)).unwrap();
        }
        // The corrected entry keeps the voucher: the voided one frees it.
        let fixed = new_expense(chosen, corrected);
        let (old, new) = a.correct_expense(ids[chosen], &fixed, "typo").unwrap();
        prop_assert!(old.void.is_some());
        prop_assert_eq!(new.corrects, Some(old.id));
        b.void_expense(ids[chosen], "typo", None).unwrap();
        b.add_expense(&fixed).unwrap();
        prop_assert_eq!(spent(&a), spent(&b));
        prop_assert_eq!(reports(&a), reports(&b), "the same burn and budget reports");
    }
}
