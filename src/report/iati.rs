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
//!   expense's converted amount) on its own date; voided receipts and expenses are left out.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::domain::{Currency, DateRange, ExpenseKind, GrantRecord};

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
    for r in receipts
        .iter()
        .filter(|r| r.date <= as_of && r.void.is_none())
    {
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
        let refund = e.kind == ExpenseKind::Refund;
        let what = match (e.description.is_empty(), refund) {
            (false, _) => e.description.clone(),
            (true, false) => format!("Payment to {}", e.payee),
            (true, true) => format!("Refund from {}", e.payee),
        };
        let paid = match &e.rate {
            Some(q) if e.currency != e.grant_currency => format!(
                "; {} {} {} at {}",
                if refund { "returned" } else { "paid" },
                e.currency.plain(e.amount),
                e.currency.code,
                q.describe()
            ),
            _ => String::new(),
        };
        // Money that came back is published as a negative transaction of the kind it reverses
        // (IATI allows negative values for refunds and corrections), so the activity's
        // expenditure adds up to the ledger's net spend.
        let reversed_kind = match e.refund_of {
            Some(id) => expenses.iter().find(|o| o.id == id).map(|o| o.kind),
            None => None,
        };
        let payee = Organisation {
            reference: String::new(),
            kind: None,
            name: e.payee.clone(),
        };
        let (provider, receiver) = if refund {
            (payee, implementing.clone())
        } else {
            (implementing.clone(), payee)
        };
        transactions.push((
            e.date,
            Transaction {
                reference: e.voucher.clone(),
                kind: match reversed_kind.unwrap_or(e.kind) {
                    ExpenseKind::Disbursement => "3",
                    ExpenseKind::Expenditure | ExpenseKind::Refund => "4",
                },
                date: e.date,
                value: e.spend(),
                description: format!("{what} (budget line {}{paid})", e.line),
                provider,
                receiver,
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

mod budgets;
mod codes;
#[cfg(test)]
mod tests;

pub use budgets::{apportion, budget_windows, budgets};
pub use codes::{activity_status, country_shares, donor_type, identifier, organisation_ref};
