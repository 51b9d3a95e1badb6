use super::*;
use crate::domain::{
    Donor, DonorKind, Expense, ExpenseKind, Extension, Grant, GrantStatus, Period, PeriodStatus,
    Project, ProjectStatus, Quote, Receipt, ReceiptKind, Void,
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
        original_amount: dec!(1000.00),
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
            kind: ReceiptKind::Tranche,
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
        commitments: vec![],
        advances: vec![],
    }
}

fn publishing() -> Publishing {
    let mut p = Publishing::default();
    for (name, id, kind) in [
        ("IOM Morocco", Some("XM-DAC-47066"), "40"),
        ("Hotel <Rabat> & Co", None, "70"),
    ] {
        p.organisations.insert(
            name.into(),
            RegisteredOrganisation {
                name: name.into(),
                iati_id: id.map(String::from),
                org_type: kind.into(),
                email: "a@b.org".into(),
                ..RegisteredOrganisation::default()
            },
        );
    }
    p.donors.insert(
        "JP-GOV".into(),
        crate::domain::DonorPublishing {
            iati_id: Some("XM-DAC-701".into()),
            flow_type: Some("10".into()),
            ..Default::default()
        },
    );
    p.projects.insert(
        "P-1".into(),
        crate::domain::ProjectPublishing {
            sectors: vec![("12220".into(), dec!(100))],
            scope: Some("3".into()),
            humanitarian: Some(true),
        },
    );
    p.donor_activity_ids
        .insert("G-1".into(), "XM-DAC-701-G-1".into());
    p.last_change = Some("2021-08-01T10:00:00Z".into());
    p
}

fn options(as_of: &str, grouping: Grouping, name_organisations: bool) -> Options {
    Options {
        as_of: d(as_of),
        today: d(as_of),
        grouping,
        name_organisations,
        generated: chrono::DateTime::from_timestamp(0, 0).unwrap(),
    }
}

fn at(record: &GrantRecord, as_of: &str) -> Activity {
    activity(
        record,
        &publishing(),
        &options(as_of, Grouping::Month, false),
    )
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
    let values: Vec<Decimal> = b.iter().map(|b| b.1).collect();
    assert_eq!(values, [dec!(31), dec!(91), dec!(92), dec!(92), dec!(90)]);
    assert_eq!(b[4].0, range("2022-01-01", "2022-03-31"));

    // A gap (Q3 missing): calendar years instead.
    let mut gap = quarters.clone();
    gap.remove(2);
    let b = budgets(dec!(396.00), &usd(), grant, &gap);
    assert_eq!(
        b,
        [
            (range("2021-03-01", "2021-12-31"), dec!(306.00)),
            (range("2022-01-01", "2022-03-31"), dec!(90.00)),
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

mod activities;
