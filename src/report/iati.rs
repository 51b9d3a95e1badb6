//! A grant as an IATI activity (standard 2.03): which of the ledger's facts go where, and the
//! codes they take. Pure: grant records in, an [`IatiFile`] out; `render::iati` writes it as
//! XML in the schema's element order.
//!
//! What maps to what (README.md, "Publishing to IATI", says the same for users):
//!
//! - one `iati-activity` per grant; its identifier is `{organisation ref}-{grant reference}`
//!   (a `/` in the reference made `-`, as IATI identifiers may not hold one);
//! - the project's implementing organisation reports the activity (`reporting-org`) and is the
//!   implementing `participating-org` (role 4); the donor is the funding one (role 1);
//! - organisation `ref`s: grantbook records no registered IATI organisation identifiers, so
//!   the donor's ref is its grantbook code (`JP-GOV`) and the organisation's is its name in
//!   capitals, accents dropped, every run of other characters made one `-` (`IOM Morocco` ->
//!   `IOM-MOROCCO`).
//!   Both are stable from one export to the next, but neither is registered;
//! - dates: planned start and end (types 1 and 3; the end in force, after a no-cost extension,
//!   which a narrative then names), actual start once the as-of date has reached it (2), actual
//!   end only once the grant has ended (4);
//! - recipient countries: the project's countries, the grant split equally between them in
//!   percentages of two decimals that add up to exactly 100;
//! - budgets: the grant's amount over its reporting periods when they cover its dates day after
//!   day with none longer than a year, else over calendar years; each period's share is in
//!   proportion to its days, cut to the currency's minor unit with the units left given by
//!   largest remainder, so the budgets add up to the grant's amount exactly;
//! - transactions up to the as-of date: receipts as type 1 (Incoming Funds), expenses as type 4
//!   (Expenditure) or 3 (Disbursement) by their kind, each valued in the grant's currency (an
//!   expense's converted amount) on its own date; voided expenses are left out.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::domain::{
    Currency, DateRange, DonorKind, ExpenseKind, GrantRecord, GrantStatus, Period,
};

/// The version of the IATI activity standard the file follows.
pub const IATI_VERSION: &str = "2.03";

/// IATI OrganisationType codes, as `--org-type` accepts them.
pub const ORGANISATION_TYPES: &[(&str, &str)] = &[
    ("10", "Government"),
    ("11", "Local Government"),
    ("15", "Other Public Sector"),
    ("21", "International NGO"),
    ("22", "National NGO"),
    ("23", "Regional NGO"),
    ("24", "Partner Country based NGO"),
    ("30", "Public Private Partnership"),
    ("40", "Multilateral"),
    ("60", "Foundation"),
    ("70", "Private Sector"),
    ("71", "Private Sector in Provider Country"),
    ("72", "Private Sector in Aid Recipient Country"),
    ("73", "Private Sector in Third Country"),
    ("80", "Academic, Training and Research"),
    ("90", "Other"),
];

/// The organisation type given to implementing organisations when `--org-type` is not:
/// grantbook does not record it, and IATI requires one for the reporting organisation.
pub const DEFAULT_ORGANISATION_TYPE: &str = "90";

/// A whole IATI activity file.
#[derive(Debug, Clone, PartialEq)]
pub struct IatiFile {
    pub generated: DateTime<Utc>,
    pub activities: Vec<Activity>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    pub reference: String,
    /// OrganisationType code, when known.
    pub kind: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    pub identifier: String,
    pub currency: Currency,
    pub reporting_org: Organisation,
    pub title: String,
    pub description: String,
    pub funding: Organisation,
    pub implementing: Organisation,
    /// ActivityStatus code.
    pub status: &'static str,
    pub dates: Vec<ActivityDate>,
    /// Country code and percentage.
    pub countries: Vec<(String, Decimal)>,
    pub budgets: Vec<Budget>,
    pub transactions: Vec<Transaction>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActivityDate {
    /// ActivityDateType code: 1 planned start, 2 actual start, 3 planned end, 4 actual end.
    pub kind: &'static str,
    pub date: NaiveDate,
    pub note: Option<String>,
}

/// The grant's money over one period (BudgetType 1 original, BudgetStatus 2 committed: the
/// amount of a signed agreement).
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    pub dates: DateRange,
    pub value: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Transaction {
    /// The receipt's reference or the expense's voucher.
    pub reference: String,
    /// TransactionType code: 1 incoming funds, 3 disbursement, 4 expenditure.
    pub kind: &'static str,
    pub date: NaiveDate,
    /// In the grant's (the activity's) currency.
    pub value: Decimal,
    pub description: String,
    pub provider: Organisation,
    pub receiver: Organisation,
}

/// The IATI activity file of `records` as they stand at the end of `as_of`, their statuses
/// being those of `today` (see [`activity_status`]). `organisation_type` is the
/// OrganisationType code of the implementing organisations.
pub fn iati_file(
    records: &[GrantRecord],
    as_of: NaiveDate,
    today: NaiveDate,
    organisation_type: &str,
    generated: DateTime<Utc>,
) -> IatiFile {
    IatiFile {
        generated,
        activities: records
            .iter()
            .map(|r| activity(r, as_of, today, organisation_type))
            .collect(),
    }
}

pub fn activity(
    record: &GrantRecord,
    as_of: NaiveDate,
    today: NaiveDate,
    organisation_type: &str,
) -> Activity {
    let GrantRecord {
        grant,
        donor,
        project,
        extensions,
        periods,
        receipts,
        expenses,
    } = record;
    let currency = &grant.currency;
    let implementing = Organisation {
        reference: organisation_ref(&project.organisation, &project.code),
        kind: Some(organisation_type.to_string()),
        name: project.organisation.clone(),
    };
    let funding = Organisation {
        reference: donor.code.clone(),
        kind: Some(donor_type(donor.kind).to_string()),
        name: donor.name.clone(),
    };

    let original_end = grant.original_end(extensions);
    let mut dates = vec![ActivityDate {
        kind: "1",
        date: grant.start,
        note: None,
    }];
    if as_of >= grant.start {
        dates.push(ActivityDate {
            kind: "2",
            date: grant.start,
            note: None,
        });
    }
    dates.push(ActivityDate {
        kind: "3",
        date: grant.end,
        note: (original_end != grant.end).then(|| {
            format!("After a no-cost extension; the agreement's original end was {original_end}")
        }),
    });
    if as_of > grant.end {
        dates.push(ActivityDate {
            kind: "4",
            date: grant.end,
            note: None,
        });
    }

    let mut transactions: Vec<(NaiveDate, Transaction)> = Vec::new();
    for r in receipts.iter().filter(|r| r.date <= as_of) {
        let description = if r.description.is_empty() {
            format!("Funds received from {}", donor.name)
        } else {
            r.description.clone()
        };
        transactions.push((
            r.date,
            Transaction {
                reference: r.reference.clone(),
                kind: "1",
                date: r.date,
                value: r.amount,
                description,
                provider: funding.clone(),
                receiver: implementing.clone(),
            },
        ));
    }
    for e in expenses
        .iter()
        .filter(|e| e.date <= as_of && e.void.is_none())
    {
        let what = if e.description.is_empty() {
            format!("Payment to {}", e.payee)
        } else {
            e.description.clone()
        };
        let paid = match &e.rate {
            Some(q) if e.currency != e.grant_currency => format!(
                "; paid {} {} at {}",
                e.currency.plain(e.amount),
                e.currency.code,
                q.describe()
            ),
            _ => String::new(),
        };
        transactions.push((
            e.date,
            Transaction {
                reference: e.voucher.clone(),
                kind: match e.kind {
                    ExpenseKind::Expenditure => "4",
                    ExpenseKind::Disbursement => "3",
                },
                date: e.date,
                value: e.grant_amount,
                description: format!("{what} (budget line {}{paid})", e.line),
                provider: implementing.clone(),
                receiver: Organisation {
                    reference: String::new(),
                    kind: None,
                    name: e.payee.clone(),
                },
            },
        ));
    }
    // Receipts come first on a day both happen: they were listed first, and the sort is stable.
    transactions.sort_by_key(|(date, _)| *date);

    Activity {
        identifier: identifier(&implementing.reference, &grant.reference),
        currency: currency.clone(),
        reporting_org: implementing.clone(),
        title: project.title.clone(),
        description: format!(
            "Grant {} of {} to {} for the project {} ({}): {} {}, {} to {}.",
            grant.reference,
            donor.name,
            project.organisation,
            project.code,
            project.title,
            currency.code,
            currency.plain(grant.amount),
            grant.start,
            grant.end
        ),
        funding,
        implementing,
        status: activity_status(grant.status, grant.dates(), as_of, today),
        dates,
        countries: country_shares(&project.countries),
        budgets: budgets(grant.amount, currency, grant.dates(), periods),
        transactions: transactions.into_iter().map(|(_, t)| t).collect(),
    }
}

/// What would make the IATI file of `records` ambiguous, one sentence each: two grants whose
/// activities would share an identifier (organisation `A` with grant `B-C`, organisation `A B`
/// with grant `C`: both `A-B-C`), and two organisation names that fold to one `ref`
/// (`IOM Morocco`, `IOM-Morocco`), which would make them one organisation. Empty when there is
/// nothing of the kind.
pub fn clashes(records: &[GrantRecord]) -> Vec<String> {
    const FIX: &str = "grantbook renames nothing in place: `grantbook export --all --out DIR`, \
                       correct";
    let mut problems = Vec::new();
    // ref -> (organisation name, project code) of the first organisation seen with it.
    let mut refs: BTreeMap<String, (&str, &str)> = BTreeMap::new();
    let mut reported: BTreeSet<(String, &str)> = BTreeSet::new();
    // identifier -> (grant reference, organisation name) of the first grant seen with it.
    let mut identifiers: BTreeMap<String, (&str, &str)> = BTreeMap::new();
    for GrantRecord { grant, project, .. } in records {
        let name = project.organisation.as_str();
        let reference = organisation_ref(name, &project.code);
        match refs.get(&reference) {
            Some((first, first_project)) if *first != name => {
                if reported.insert((reference.clone(), name)) {
                    problems.push(format!(
                        "organisations {first:?} (project {first_project}) and {name:?} \
                         (project {}) both give the IATI organisation ref {reference}, so the \
                         file would make them one organisation; spell it the same way in both \
                         projects if it is one, else rename one ({FIX} projects.csv, and \
                         `grantbook --db NEW.db import DIR`)",
                        project.code
                    ));
                }
            }
            Some(_) => {}
            None => {
                refs.insert(reference.clone(), (name, &project.code));
            }
        }
        let id = identifier(&reference, &grant.reference);
        match identifiers.get(&id) {
            Some((first, first_org)) => problems.push(format!(
                "grants {first} (organisation {first_org:?}) and {} (organisation {name:?}) \
                 would both have the IATI identifier {id}; rename one grant so that they differ \
                 ({FIX} grants.csv and the files that name the grant, and \
                 `grantbook --db NEW.db import DIR`)",
                grant.reference
            )),
            None => {
                identifiers.insert(id, (&grant.reference, name));
            }
        }
    }
    problems
}

/// `{organisation ref}-{grant reference}`, with the `/` a grant reference may hold made `-`:
/// IATI identifiers may not contain `/`, `&`, `|` or `?` (a grant reference holds none of the
/// others).
pub fn identifier(organisation_ref: &str, grant_reference: &str) -> String {
    format!("{organisation_ref}-{}", grant_reference.replace('/', "-"))
}

/// A stable `ref` for an organisation grantbook knows only by name: letters and digits in ASCII
/// capitals (accents dropped), every run of anything else one `-`. A name with no such character (written in
/// another script) takes `ORG-{project code}`.
pub fn organisation_ref(name: &str, project_code: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if let Some(letter) = ascii_letter(c) {
            out.push(letter);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        format!("ORG-{project_code}")
    } else {
        out.to_string()
    }
}

/// An ASCII letter or digit in capitals, Latin letters with accents without them (`é` -> `E`).
fn ascii_letter(c: char) -> Option<char> {
    if c.is_ascii_alphanumeric() {
        return Some(c.to_ascii_uppercase());
    }
    const FOLDS: &[(&str, char)] = &[
        ("àáâãäåāăą", 'A'),
        ("çćĉċč", 'C'),
        ("ďđ", 'D'),
        ("èéêëēĕėęě", 'E'),
        ("ĝğġģ", 'G'),
        ("ìíîïĩīĭįı", 'I'),
        ("ñńņňŉ", 'N'),
        ("òóôõöøōŏő", 'O'),
        ("ŕŗř", 'R'),
        ("śŝşšș", 'S'),
        ("ţťŧț", 'T'),
        ("ùúûüũūŭůűų", 'U'),
        ("ýÿŷ", 'Y'),
        ("źżž", 'Z'),
    ];
    let lower = c.to_lowercase().next()?;
    FOLDS
        .iter()
        .find(|(letters, _)| letters.contains(lower))
        .map(|(_, ascii)| *ascii)
}

/// OrganisationType of a donor's kind.
pub fn donor_type(kind: DonorKind) -> &'static str {
    match kind {
        DonorKind::Government => "10",
        DonorKind::Multilateral => "40",
        DonorKind::Foundation => "60",
        DonorKind::Private => "70",
        DonorKind::Other => "90",
    }
}

/// ActivityStatus of a grant on `as_of`, judged on `today`'s status. By its dates a grant is
/// 1 (pipeline) before its start, 2 (implementation) between its dates and 3 (finalisation:
/// ended, not yet closed) after its end. The ledger records a grant's status as it stands now,
/// not since when, so:
///
/// - a closed grant is 4 (closed) only from its end on (`as_of` at or after it); before, it was
///   running, and takes its dates' code;
/// - a suspended grant is 6 (suspended) from its end on, and on `today` or later (the suspension
///   is known to hold now); an earlier `as_of` before the end takes its dates' code, as the
///   suspension may have come later.
pub fn activity_status(
    status: GrantStatus,
    dates: DateRange,
    as_of: NaiveDate,
    today: NaiveDate,
) -> &'static str {
    match status {
        GrantStatus::Closed if as_of >= dates.end => "4",
        GrantStatus::Suspended if as_of >= dates.end || as_of >= today => "6",
        _ if as_of < dates.start => "1",
        _ if as_of > dates.end => "3",
        _ => "2",
    }
}

/// Equal shares of 100 %, to two decimals, adding up to exactly 100: the hundredths the cuts
/// lose go to the first countries.
pub fn country_shares(countries: &[String]) -> Vec<(String, Decimal)> {
    match countries.len() {
        0 => Vec::new(),
        1 => vec![(countries[0].clone(), Decimal::ONE_HUNDRED)],
        n => {
            let hundredths = 10_000 / n as i64;
            let left = 10_000 - hundredths * n as i64;
            countries
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let extra = i64::from((i as i64) < left);
                    (c.clone(), Decimal::new(hundredths + extra, 2))
                })
                .collect()
        }
    }
}

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
) -> Vec<Budget> {
    let windows = budget_windows(dates, periods);
    let days: Vec<i64> = windows.iter().map(DateRange::days).collect();
    let values = apportion(amount, currency, &days);
    windows
        .into_iter()
        .zip(values)
        .map(|(dates, value)| Budget { dates, value })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        Donor, Expense, Extension, Grant, PeriodStatus, Project, ProjectStatus, Quote, Receipt,
        Void,
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
                        "After a no-cost extension; the agreement's original end was 2021-12-31"
                            .into()
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
}
