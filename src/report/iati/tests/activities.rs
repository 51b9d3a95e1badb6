//! Activities built from a record and its publishing settings: organisations, dates, budgets,
//! transactions and what they name.

use super::*;

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
    let a = at(&r, "2021-06-30");
    assert!(a.transactions.iter().all(|t| t.reference != "T1-twice"));
    assert_eq!(a.transactions.iter().filter(|t| t.kind == "1").count(), 1);
}

#[test]
fn a_running_grant_by_its_registered_organisations() {
    let a = at(&record(), "2021-06-30");
    assert_eq!(a.identifier, "XM-DAC-47066-G-1");
    assert_eq!(a.reporting_org.reference, "XM-DAC-47066");
    assert_eq!(a.reporting_org.kind.as_deref(), Some("40"));
    let roles: Vec<(&str, &str)> = a
        .participants
        .iter()
        .map(|(o, role)| (o.reference.as_str(), *role))
        .collect();
    assert_eq!(
        roles,
        [
            ("XM-DAC-701", "1"),
            ("XM-DAC-47066", "2"),
            ("XM-DAC-47066", "4")
        ]
    );
    assert_eq!(a.status, "2");
    assert_eq!(a.last_updated.as_deref(), Some("2021-08-01T10:00:00Z"));
    assert_eq!(a.humanitarian, Some(true));
    assert_eq!(a.scope.as_deref(), Some("3"));
    assert_eq!(a.sectors, [("12220".to_string(), dec!(100))]);
    assert_eq!(a.flow_type.as_deref(), Some("10"));
    assert_eq!(a.aid_type, None, "not set: left out");
    assert_eq!(a.contact.as_ref().unwrap().email, "a@b.org");
    // Actual start: the first transaction (a disbursement on 2021-02-01), not the planned
    // start; not ended: no actual end.
    let dates: Vec<(&str, NaiveDate)> = a.dates.iter().map(|x| (x.kind, x.date)).collect();
    assert_eq!(
        dates,
        [
            ("1", d("2021-01-01")),
            ("2", d("2021-02-01")),
            ("3", d("2021-12-31"))
        ]
    );
    // The grant itself first, the donor's commitment of 1,000.00 on its first day (type 11).
    // By month and line: February's disbursement, March's receipt before March's expense;
    // the void (3) and the expense after the as-of date (4) are left out. No payee named.
    let t: Vec<(&str, NaiveDate, Decimal)> = a
        .transactions
        .iter()
        .map(|t| (t.kind, t.date, t.value))
        .collect();
    assert_eq!(
        t,
        [
            ("11", d("2021-01-01"), dec!(1000.00)),
            ("3", d("2021-02-01"), dec!(1000.00)),
            ("1", d("2021-03-10"), dec!(600.00)),
            ("4", d("2021-03-10"), dec!(1000.00)),
        ]
    );
    assert!(
        a.transactions
            .iter()
            .all(|t| matches!(t.kind, "1" | "11") || t.receiver.is_none())
    );
    assert_eq!(
        a.transactions[0].description,
        "Grant agreement G-1 with Government of Japan"
    );
    assert_eq!(
        a.transactions[1].description,
        "Budget line TRAIN, 2021-02: disbursements summed from 1 entry"
    );
    let receipt = &a.transactions[2];
    assert_eq!(receipt.provider.as_ref().unwrap().reference, "XM-DAC-701");
    assert_eq!(receipt.provider_activity.as_deref(), Some("XM-DAC-701-G-1"));
    assert_eq!(
        receipt.receiver_activity.as_deref(),
        Some("XM-DAC-47066-G-1")
    );
    assert_eq!(a.budgets.len(), 1);
    assert_eq!(
        (a.budgets[0].kind, a.budgets[0].value),
        ("1", dec!(1000.00))
    );
}

#[test]
fn a_month_sums_a_line_and_refunds_net_into_the_kind_they_reverse() {
    let mut r = record();
    r.expenses = vec![
        expense(1, "2021-03-01", ExpenseKind::Disbursement, false),
        expense(2, "2021-03-20", ExpenseKind::Expenditure, false),
        expense(3, "2021-03-25", ExpenseKind::Expenditure, false),
        expense(4, "2021-02-10", ExpenseKind::Expenditure, false),
    ];
    let mut refund = expense(5, "2021-03-28", ExpenseKind::Refund, false);
    refund.refund_of = Some(1);
    refund.grant_amount = dec!(250.00);
    r.expenses.push(refund);
    let month = |grouping| {
        activity(&r, &publishing(), &options("2021-06-30", grouping, false))
            .transactions
            .into_iter()
            .filter(|t| matches!(t.kind, "3" | "4"))
            .map(|t| (t.kind, t.date, t.value))
            .collect::<Vec<_>>()
    };
    // By month: February's expenditure; March's two expenditures, and the disbursement less
    // its refund (dated the refund's day, the group's last).
    assert_eq!(
        month(Grouping::Month),
        [
            ("4", d("2021-02-10"), dec!(1000.00)),
            ("4", d("2021-03-25"), dec!(2000.00)),
            ("3", d("2021-03-28"), dec!(750.00)),
        ]
    );
    // By quarter, February and March are one.
    assert_eq!(
        month(Grouping::Quarter),
        [
            ("4", d("2021-03-25"), dec!(3000.00)),
            ("3", d("2021-03-28"), dec!(750.00)),
        ]
    );
    assert_eq!(month(Grouping::Voucher).len(), 5);
}

#[test]
fn only_registered_organisations_are_named_and_only_when_asked() {
    let mut r = record();
    r.expenses[1].payee = "A person".into();
    let named = activity(
        &r,
        &publishing(),
        &options("2021-06-30", Grouping::Voucher, true),
    );
    let receivers: Vec<Option<&str>> = named
        .transactions
        .iter()
        .filter(|t| matches!(t.kind, "3" | "4"))
        .map(|t| t.receiver.as_ref().map(|o| o.name.as_str()))
        .collect();
    // V-2 (a disbursement to a person) is not named; V-1 (to the registered hotel) is.
    assert_eq!(receivers, [None, Some("Hotel <Rabat> & Co")]);
    let not_asked = activity(
        &r,
        &publishing(),
        &options("2021-06-30", Grouping::Voucher, false),
    );
    assert!(
        not_asked
            .transactions
            .iter()
            .all(|t| matches!(t.kind, "1" | "11") || t.receiver.is_none())
    );
}

#[test]
fn an_extended_and_topped_up_grant_has_revised_budgets_and_an_actual_end() {
    let mut r = record();
    r.grant.end = d("2022-06-30");
    r.grant.amount = dec!(1200.00);
    r.extensions = vec![Extension {
        previous_end: d("2021-12-31"),
        new_end: d("2022-06-30"),
        reason: "delays".into(),
        recorded_at: "2021-11-01T00:00:00Z".into(),
        decided: None,
    }];
    let a = at(&r, "2022-07-01");
    assert_eq!(a.status, "3");
    let end = a.dates.iter().find(|x| x.kind == "3").unwrap();
    assert_eq!(
        end.note.as_deref(),
        Some("After a no-cost extension; the agreement's original end was 2021-12-31")
    );
    let actual_end = a.dates.iter().find(|x| x.kind == "4").unwrap();
    assert_eq!(actual_end.date, d("2022-06-30"));
    // Original: 1000.00 over 2021; revised: 1200.00 over 2021 (365 days) and 2022 (181).
    let budgets: Vec<(&str, Decimal)> = a.budgets.iter().map(|b| (b.kind, b.value)).collect();
    assert_eq!(
        budgets,
        [
            ("1", dec!(1000.00)),
            ("2", dec!(802.20)),
            ("2", dec!(397.80))
        ]
    );
}

#[test]
fn before_the_first_transaction_there_is_no_actual_date() {
    let a = at(&record(), "2020-12-01");
    assert_eq!(a.status, "1");
    let kinds: Vec<&str> = a.dates.iter().map(|d| d.kind).collect();
    assert_eq!(kinds, ["1", "3"]);
    assert!(a.transactions.is_empty());
}

#[test]
fn what_is_missing_is_named_with_the_command_that_sets_it() {
    let r = record();
    assert!(missing(std::slice::from_ref(&r), &publishing()).is_empty());
    let missing = missing(&[r], &Publishing::default());
    assert_eq!(missing.len(), 3, "{missing:?}");
    assert!(missing[0].contains("grantbook organisation set 'IOM Morocco' --iati-id"));
    assert!(missing[1].contains("grantbook donor iati JP-GOV --iati-id"));
    assert!(missing[2].contains("grantbook project iati P-1 --sector"));
}
