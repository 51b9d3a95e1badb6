use super::*;
use crate::domain::{
    Donor, DonorKind, Expense, Extension, Grant, GrantStatus, Period, PeriodStatus, Project,
    ProjectStatus, Quote, Receipt, Void,
};
use rust_decimal_macros::dec;

fn d(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn usd() -> Currency {
    Currency::new("USD", 2)
}

fn range(start: &str, end: &str) -> DateRange {
    DateRange {
        start: d(start),
        end: d(end),
    }
}

fn expense(id: i64, date: &str, kind: ExpenseKind, void: bool) -> Expense {
    Expense {
        id,
        grant: "G-1".into(),
        line: "TRAIN".into(),
        kind,
        date: d(date),
        amount: dec!(9023.50),
        currency: Currency::new("MAD", 2),
        rate: Some(Quote {
            base: "USD".into(),
            quote: "MAD".into(),
            rate: dec!(9.0235),
        }),
        grant_amount: dec!(1000.00),
        grant_currency: usd(),
        payee: "Hotel <Rabat> & Co".into(),
        voucher: format!("V-{id}"),
        country: "MA".into(),
        description: String::new(),
        recorded_at: "2021-04-01T00:00:00Z".into(),
        void: void.then(|| Void {
            at: "2021-05-01T00:00:00Z".into(),
            reason: "duplicate".into(),
        }),
        refund_of: None,
        corrects: None,
        rate_given: Some(false),
        office: None,
        advance: None,
        commitment: None,
        allocation: None,
    }
}

fn record() -> GrantRecord {
    GrantRecord {
        grant: Grant {
            id: 1,
            reference: "G-1".into(),
            donor: "JP-GOV".into(),
            project: "P-1".into(),
            currency: usd(),
            amount: dec!(1000.00),
            start: d("2021-01-01"),
            end: d("2021-12-31"),
            indirect_rate: dec!(7),
            status: GrantStatus::Active,
            donor_reference: String::new(),
        },
        donor: Donor {
            code: "JP-GOV".into(),
            name: "Government of Japan".into(),
            kind: DonorKind::Government,
            country: Some("JP".into()),
        },
        project: Project {
            code: "P-1".into(),
            title: "Health for migrants".into(),
            organisation: "IOM Morocco".into(),
            countries: vec!["MA".into(), "TN".into(), "EG".into()],
            start: d("2021-01-01"),
            end: d("2021-12-31"),
            status: ProjectStatus::Implementation,
        },
        extensions: vec![],
        periods: vec![],
        receipts: vec![Receipt {
            id: 1,
            grant: "G-1".into(),
            date: d("2021-03-10"),
            amount: dec!(600.00),
            currency: usd(),
            reference: "T1".into(),
            description: String::new(),
            void: None,
            office: None,
        }],
        expenses: vec![
            expense(1, "2021-03-10", ExpenseKind::Expenditure, false),
            expense(2, "2021-02-01", ExpenseKind::Disbursement, false),
            expense(3, "2021-02-02", ExpenseKind::Expenditure, true),
            expense(4, "2021-07-01", ExpenseKind::Expenditure, false),
        ],
    }
}

#[test]
fn organisation_refs_are_capitals_and_dashes() {
    assert_eq!(organisation_ref("IOM Morocco", "P"), "IOM-MOROCCO");
    assert_eq!(
        organisation_ref("  Ministère de la Santé (MS) ", "P"),
        "MINISTERE-DE-LA-SANTE-MS"
    );
    assert_eq!(organisation_ref("وزارة الصحة", "MA-H"), "ORG-MA-H");
}

#[test]
fn identifiers_hold_no_slash() {
    assert_eq!(identifier("IOM", "JP-MA-2021"), "IOM-JP-MA-2021");
    assert_eq!(identifier("IOM", "JP/MA/2021.1"), "IOM-JP-MA-2021.1");
}

#[test]
fn country_shares_add_up_to_exactly_100() {
    let codes = |n: usize| -> Vec<String> { (0..n).map(|i| format!("C{i}")).collect() };
    assert_eq!(country_shares(&codes(1)), vec![("C0".into(), dec!(100))]);
    let six: Vec<Decimal> = country_shares(&codes(6)).into_iter().map(|c| c.1).collect();
    assert_eq!(
        six,
        [
            dec!(16.67),
            dec!(16.67),
            dec!(16.67),
            dec!(16.67),
            dec!(16.66),
            dec!(16.66)
        ]
    );
    for n in 2..=12 {
        let sum: Decimal = country_shares(&codes(n)).iter().map(|c| c.1).sum();
        assert_eq!(sum, dec!(100), "{n} countries");
    }
    assert!(country_shares(&[]).is_empty());
}

#[test]
fn apportion_gives_lost_cents_to_largest_remainders() {
    // 100.00 over 1:1:1 is 33.333.. each: one cent left, to the first on a tie.
    assert_eq!(
        apportion(dec!(100.00), &usd(), &[1, 1, 1]),
        [dec!(33.34), dec!(33.33), dec!(33.33)]
    );
    // 10.00 over 31:28:31 days: 3.4444, 3.1111, 3.4444 -> 3.44, 3.11, 3.44 and 0.01 left
    // for the first of the two largest remainders.
    assert_eq!(
        apportion(dec!(10.00), &usd(), &[31, 28, 31]),
        [dec!(3.45), dec!(3.11), dec!(3.44)]
    );
    let yen = Currency::new("JPY", 0);
    assert_eq!(apportion(dec!(1000), &yen, &[1, 2]), [dec!(333), dec!(667)]);
}

#[test]
fn budgets_follow_periods_that_tile_the_grant_else_calendar_years() {
    let grant = range("2021-03-01", "2022-03-31");
    let period = |code: &str, start: &str, end: &str| Period {
        grant: "G".into(),
        code: code.into(),
        start: d(start),
        end: d(end),
        status: PeriodStatus::Open,
    };
    let quarters = vec![
        period("Q1", "2021-03-01", "2021-03-31"),
        period("Q2", "2021-04-01", "2021-06-30"),
        period("Q3", "2021-07-01", "2021-09-30"),
        period("Q4", "2021-10-01", "2021-12-31"),
        period("Q5", "2022-01-01", "2022-03-31"),
    ];
    let b = budgets(dec!(396.00), &usd(), grant, &quarters);
    // 396 days: 31, 91, 92, 92, 90 days, a dollar a day.
    let values: Vec<Decimal> = b.iter().map(|b| b.value).collect();
    assert_eq!(values, [dec!(31), dec!(91), dec!(92), dec!(92), dec!(90)]);
    assert_eq!(b[4].dates, range("2022-01-01", "2022-03-31"));

    // A gap (Q3 missing): calendar years instead.
    let mut gap = quarters.clone();
    gap.remove(2);
    let b = budgets(dec!(396.00), &usd(), grant, &gap);
    assert_eq!(
        b,
        [
            Budget {
                dates: range("2021-03-01", "2021-12-31"),
                value: dec!(306.00)
            },
            Budget {
                dates: range("2022-01-01", "2022-03-31"),
                value: dec!(90.00)
            },
        ]
    );
    // No periods at all: calendar years too.
    assert_eq!(budgets(dec!(396.00), &usd(), grant, &[]).len(), 2);
}

#[test]
fn status_follows_the_grant_and_the_as_of_date() {
    let dates = range("2021-01-01", "2021-12-31");
    let today = d("2021-09-01");
    let on = |s: GrantStatus, day: &str| activity_status(s, dates, d(day), today);
    assert_eq!(on(GrantStatus::Active, "2020-12-31"), "1");
    assert_eq!(on(GrantStatus::Active, "2021-01-01"), "2");
    assert_eq!(on(GrantStatus::Active, "2021-12-31"), "2");
    assert_eq!(on(GrantStatus::Active, "2022-01-01"), "3");
    // Closed: only from the end on; before, as its dates say.
    assert_eq!(on(GrantStatus::Closed, "2020-12-31"), "1");
    assert_eq!(on(GrantStatus::Closed, "2021-06-01"), "2");
    assert_eq!(on(GrantStatus::Closed, "2021-12-30"), "2");
    assert_eq!(on(GrantStatus::Closed, "2021-12-31"), "4");
    assert_eq!(on(GrantStatus::Closed, "2022-06-01"), "4");
    // Suspended: from today (it holds now) or the end on; before, as its dates say.
    assert_eq!(on(GrantStatus::Suspended, "2021-06-01"), "2");
    assert_eq!(on(GrantStatus::Suspended, "2021-09-01"), "6");
    assert_eq!(on(GrantStatus::Suspended, "2021-10-01"), "6");
    assert_eq!(on(GrantStatus::Suspended, "2022-01-01"), "6");
    assert_eq!(
        activity_status(
            GrantStatus::Suspended,
            dates,
            d("2022-02-01"),
            d("2023-01-01")
        ),
        "6"
    );
}

#[test]
fn a_voided_receipt_is_no_transaction() {
    let mut r = record();
    let mut wrong = r.receipts[0].clone();
    wrong.id = 2;
    wrong.reference = "T1-twice".into();
    wrong.void = Some(Void {
        at: "2021-03-12T09:00:00Z".into(),
        reason: "Entered twice".into(),
    });
    r.receipts.push(wrong);
    let a = activity(&r, d("2021-06-30"), d("2021-06-30"), "40");
    assert!(a.transactions.iter().all(|t| t.reference != "T1-twice"));
    assert_eq!(a.transactions.iter().filter(|t| t.kind == "1").count(), 1);
}

#[test]
fn activity_of_a_running_grant() {
    let a = activity(&record(), d("2021-06-30"), d("2021-06-30"), "40");
    assert_eq!(a.identifier, "IOM-MOROCCO-G-1");
    assert_eq!(a.reporting_org.reference, "IOM-MOROCCO");
    assert_eq!(a.reporting_org.kind.as_deref(), Some("40"));
    assert_eq!(a.funding.reference, "JP-GOV");
    assert_eq!(a.funding.kind.as_deref(), Some("10"));
    assert_eq!(a.status, "2");
    // Started, not ended: no actual end.
    let kinds: Vec<&str> = a.dates.iter().map(|d| d.kind).collect();
    assert_eq!(kinds, ["1", "2", "3"]);
    assert_eq!(
        a.countries,
        [
            ("MA".to_string(), dec!(33.34)),
            ("TN".to_string(), dec!(33.33)),
            ("EG".to_string(), dec!(33.33))
        ]
    );
    // The void (3) and the expense after the as-of date (4) are left out; by date, the
    // receipt before the expense of the same day.
    let t: Vec<(&str, &str, NaiveDate)> = a
        .transactions
        .iter()
        .map(|t| (t.reference.as_str(), t.kind, t.date))
        .collect();
    assert_eq!(
        t,
        [
            ("V-2", "3", d("2021-02-01")),
            ("T1", "1", d("2021-03-10")),
            ("V-1", "4", d("2021-03-10")),
        ]
    );
    assert_eq!(a.transactions[0].value, dec!(1000.00));
    assert_eq!(
        a.transactions[0].description,
        "Payment to Hotel <Rabat> & Co (budget line TRAIN; paid 9023.50 MAD at 1 USD = \
         9.0235 MAD)"
    );
    assert_eq!(a.transactions[0].receiver.name, "Hotel <Rabat> & Co");
    assert_eq!(
        a.transactions[1].description,
        "Funds received from Government of Japan"
    );
    assert_eq!(a.transactions[1].provider.reference, "JP-GOV");
    assert_eq!(a.transactions[1].receiver.reference, "IOM-MOROCCO");
    assert_eq!(a.budgets.len(), 1);
    assert_eq!(a.budgets[0].value, dec!(1000.00));
}

#[test]
fn an_extended_grant_that_has_ended_has_an_actual_end_and_says_it_was_extended() {
    let mut r = record();
    r.grant.end = d("2022-06-30");
    r.extensions = vec![Extension {
        previous_end: d("2021-12-31"),
        new_end: d("2022-06-30"),
        reason: "delays".into(),
        recorded_at: "2021-11-01T00:00:00Z".into(),
        decided: None,
    }];
    let a = activity(
        &r,
        d("2022-07-01"),
        d("2022-07-01"),
        DEFAULT_ORGANISATION_TYPE,
    );
    assert_eq!(a.status, "3");
    assert_eq!(
        a.dates,
        [
            ActivityDate {
                kind: "1",
                date: d("2021-01-01"),
                note: None
            },
            ActivityDate {
                kind: "2",
                date: d("2021-01-01"),
                note: None
            },
            ActivityDate {
                kind: "3",
                date: d("2022-06-30"),
                note: Some(
                    "After a no-cost extension; the agreement's original end was 2021-12-31".into()
                )
            },
            ActivityDate {
                kind: "4",
                date: d("2022-06-30"),
                note: None
            },
        ]
    );
    // Two calendar years, 365 and 181 days.
    let values: Vec<Decimal> = a.budgets.iter().map(|b| b.value).collect();
    assert_eq!(values, [dec!(668.50), dec!(331.50)]);
    assert_eq!(a.transactions.len(), 4);
}

#[test]
fn before_the_start_there_is_no_actual_date() {
    let a = activity(&record(), d("2020-12-01"), d("2020-12-01"), "90");
    assert_eq!(a.status, "1");
    let kinds: Vec<&str> = a.dates.iter().map(|d| d.kind).collect();
    assert_eq!(kinds, ["1", "3"]);
    assert!(a.transactions.is_empty());
}
