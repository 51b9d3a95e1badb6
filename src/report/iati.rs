//! A grant as an IATI activity (standard 2.03): which of the ledger's facts go where, and the
//! codes they take. Pure: grant records and publishing settings in, an [`IatiFile`] out;
//! `render::iati` writes it as XML in the schema's element order.
//!
//! What maps to what (README.md, "Publishing to IATI", says the same for users):
//!
//! - one `iati-activity` per grant, identified `{reporting org's identifier}-{grant reference}`
//!   (a `/` made `-`); one reporting organisation per file, the registered organisation of the
//!   projects' implementing organisation (`organisation set`); grantbook invents no identifier;
//! - participating organisations: the donor funds (role 1), the reporting organisation is
//!   accountable (2) and implements (4), with the partners a file names (`--name-organisations`);
//! - dates: planned start and end (the end in force; a narrative names the original end after
//!   a no-cost extension), actual start the day of the first transaction, actual end once the
//!   grant has ended (its end, or its last transaction if later);
//! - sectors and recipient countries with percentages adding up to 100; the donor's default
//!   aid, finance and flow types and collaboration type, the project's scope and humanitarian
//!   flag, when set;
//! - budgets: the grant's original amount over its original dates as type 1 (original), and
//!   after an amendment of the amount or a no-cost extension, the amount in force over the
//!   dates in force as type 2 (revised);
//! - transactions: see `transactions`; last-updated is the ledger's last change (audit log).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::domain::{Currency, DateRange, GrantRecord, Publishing, RegisteredOrganisation};

/// The version of the IATI activity standard the file follows.
pub const IATI_VERSION: &str = "2.03";

/// A whole IATI activity file.
#[derive(Debug, Clone, PartialEq)]
pub struct IatiFile {
    pub generated: DateTime<Utc>,
    pub activities: Vec<Activity>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    /// Registered identifier; empty when the organisation has none.
    pub reference: String,
    /// OrganisationType code, when known.
    pub kind: Option<String>,
    pub name: String,
}

/// How to reach the reporting organisation (contact-info, type 1 general enquiries).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Contact {
    pub organisation: String,
    pub telephone: String,
    pub email: String,
    pub website: String,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    pub identifier: String,
    pub currency: Currency,
    /// When the ledger last changed, ISO 8601 UTC.
    pub last_updated: Option<String>,
    pub humanitarian: Option<bool>,
    pub reporting_org: Organisation,
    pub title: String,
    pub description: String,
    /// Each with its OrganisationRole code.
    pub participants: Vec<(Organisation, &'static str)>,
    /// ActivityStatus code.
    pub status: &'static str,
    pub dates: Vec<ActivityDate>,
    pub contact: Option<Contact>,
    /// ActivityScope code.
    pub scope: Option<String>,
    /// Country code and percentage.
    pub countries: Vec<(String, Decimal)>,
    /// DAC 5-digit code and percentage.
    pub sectors: Vec<(String, Decimal)>,
    pub collaboration_type: Option<String>,
    pub flow_type: Option<String>,
    pub finance_type: Option<String>,
    pub aid_type: Option<String>,
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

/// The grant's money over one period (BudgetStatus 2 committed: a signed agreement's).
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    /// BudgetType code: 1 original, 2 revised.
    pub kind: &'static str,
    pub dates: DateRange,
    pub value: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Transaction {
    /// A receipt's reference or an expense's voucher; empty for a sum of several.
    pub reference: String,
    /// TransactionType code: 1 incoming funds, 3 disbursement, 4 expenditure.
    pub kind: &'static str,
    pub date: NaiveDate,
    /// In the grant's (the activity's) currency.
    pub value: Decimal,
    pub description: String,
    pub provider: Option<Organisation>,
    pub provider_activity: Option<String>,
    pub receiver: Option<Organisation>,
    pub receiver_activity: Option<String>,
}

/// How a file is cut and what it names.
#[derive(Debug, Clone)]
pub struct Options {
    /// Transactions, status and actual dates as they stand at the end of this day.
    pub as_of: NaiveDate,
    /// Statuses are judged on today's (see [`activity_status`]).
    pub today: NaiveDate,
    pub grouping: Grouping,
    /// Name payees registered as organisations (never individuals).
    pub name_organisations: bool,
    pub generated: DateTime<Utc>,
}

/// The IATI activity file of `records`, every one of which [`missing`] found complete and
/// [`reporting_org`] gives the same reporting organisation.
pub fn iati_file(records: &[GrantRecord], publishing: &Publishing, options: &Options) -> IatiFile {
    IatiFile {
        generated: options.generated,
        activities: records
            .iter()
            .map(|r| activity(r, publishing, options))
            .collect(),
    }
}

fn organisation(o: &RegisteredOrganisation) -> Organisation {
    Organisation {
        reference: o.iati_id.clone().unwrap_or_default(),
        kind: Some(o.org_type.clone()),
        name: o.name.clone(),
    }
}

pub fn activity(record: &GrantRecord, publishing: &Publishing, options: &Options) -> Activity {
    let GrantRecord {
        grant,
        donor,
        project,
        ..
    } = record;
    let as_of = options.as_of;
    let registered = reporting_org(record, publishing)
        .cloned()
        .unwrap_or_default();
    let us = organisation(&registered);
    let donor_settings = publishing
        .donors
        .get(&donor.code)
        .cloned()
        .unwrap_or_default();
    let funding = Organisation {
        reference: donor_settings.iati_id.clone().unwrap_or_default(),
        kind: Some(donor_type(donor.kind).to_string()),
        name: donor.name.clone(),
    };
    let project_settings = publishing
        .projects
        .get(&project.code)
        .cloned()
        .unwrap_or_default();
    let identifier = identifier(&us.reference, &grant.reference);

    let named = |payee: &str| {
        publishing
            .organisations
            .get(payee)
            .filter(|_| options.name_organisations)
            .map(organisation)
    };
    let donor_activity = publishing
        .donor_activity_ids
        .get(&grant.reference)
        .map(String::as_str);
    // The donor's commitment stands from the grant's first day; a file cut before then has none.
    let mut transactions: Vec<Transaction> = (grant.start <= as_of)
        .then(|| incoming_commitment(grant, &funding, donor_activity, &us, &identifier))
        .into_iter()
        .collect();
    transactions.extend(incoming(
        &record.receipts,
        as_of,
        &funding,
        donor_activity,
        &us,
        &identifier,
    ));
    transactions.extend(commitments(&record.commitments, &us, &named));
    transactions.extend(advances_outstanding(&record.advances, &us, &named));
    transactions.extend(outgoing(
        &record.expenses,
        as_of,
        options.grouping,
        &us,
        &named,
    ));
    // The commitment, then receipts, come first on a day several happen: they were listed
    // first, and the sort is stable.
    transactions.sort_by_key(|t| t.date);

    let mut participants = vec![(funding, "1"), (us.clone(), "2"), (us.clone(), "4")];
    for t in transactions.iter().filter(|t| t.kind == "3") {
        if let Some(partner) = &t.receiver
            && !participants.iter().any(|(p, _)| p == partner)
        {
            participants.push((partner.clone(), "4"));
        }
    }
    let contact = [
        &registered.email,
        &registered.telephone,
        &registered.website,
        &registered.address,
    ]
    .iter()
    .any(|s| !s.is_empty())
    .then(|| Contact {
        organisation: registered.name.clone(),
        telephone: registered.telephone.clone(),
        email: registered.email.clone(),
        website: registered.website.clone(),
        address: registered.address.clone(),
    });

    Activity {
        identifier,
        currency: grant.currency.clone(),
        last_updated: publishing.last_change.clone(),
        humanitarian: project_settings.humanitarian,
        reporting_org: us,
        title: project.title.clone(),
        description: format!(
            "Grant {} of {} to {} for the project {} ({}): {} {}, {} to {}.",
            grant.reference,
            donor.name,
            project.organisation,
            project.code,
            project.title,
            grant.currency.code,
            grant.currency.plain(grant.amount),
            grant.start,
            grant.end
        ),
        participants,
        status: activity_status(grant.status, grant.dates(), as_of, options.today),
        // An actual date is never after today, whatever day the file is cut on.
        dates: activity_dates(record, &transactions, as_of.min(options.today)),
        contact,
        scope: project_settings.scope.clone(),
        countries: country_shares(&project.countries),
        sectors: project_settings.sectors.clone(),
        collaboration_type: donor_settings.collaboration_type.clone(),
        flow_type: donor_settings.flow_type.clone(),
        finance_type: donor_settings.finance_type.clone(),
        aid_type: donor_settings.aid_type.clone(),
        budgets: original_and_revised(record),
        transactions,
    }
}

/// Planned start and end; actual start on the first transaction's day (none before there is
/// one); actual end once the grant has ended: its end, or its last transaction if later.
fn activity_dates(
    record: &GrantRecord,
    transactions: &[Transaction],
    as_of: NaiveDate,
) -> Vec<ActivityDate> {
    let grant = &record.grant;
    let original_end = grant.original_end(&record.extensions);
    let date = |kind, date, note| ActivityDate { kind, date, note };
    // Commitments (types 2 and 11) are promises: the actual dates are those money moved on.
    let moved = || {
        transactions
            .iter()
            .filter(|t| t.kind != "2" && t.kind != "11")
            .map(|t| t.date)
    };
    let (first, last) = (moved().min(), moved().max());
    let mut dates = vec![date("1", grant.start, None)];
    if let Some(first) = first {
        dates.push(date("2", first, None));
    }
    dates.push(date(
        "3",
        grant.end,
        (original_end != grant.end).then(|| {
            format!("After a no-cost extension; the agreement's original end was {original_end}")
        }),
    ));
    if as_of > grant.end
        && let Some(first) = first
    {
        let end = last
            .map_or(grant.end, |l| l.max(grant.end))
            .min(as_of)
            .max(first);
        dates.push(date("4", end, None));
    }
    dates
}

/// The original budget (type 1): the amount first agreed over the first agreed dates, by the
/// periods that fall within them; after a change of amount or end, the revised one (type 2).
fn original_and_revised(record: &GrantRecord) -> Vec<Budget> {
    let grant = &record.grant;
    let original = DateRange {
        start: grant.start,
        end: grant.original_end(&record.extensions),
    };
    let periods: Vec<_> = record
        .periods
        .iter()
        .filter(|p| p.end <= original.end)
        .cloned()
        .collect();
    let typed = |kind, budgets: Vec<(DateRange, Decimal)>| {
        budgets
            .into_iter()
            .map(move |(dates, value)| Budget { kind, dates, value })
    };
    let mut out: Vec<Budget> = typed(
        "1",
        budgets(record.original_amount, &grant.currency, original, &periods),
    )
    .collect();
    if record.original_amount != grant.amount || original.end != grant.end {
        out.extend(typed(
            "2",
            budgets(
                grant.amount,
                &grant.currency,
                grant.dates(),
                &record.periods,
            ),
        ));
    }
    out
}

/// Identifiers two grants of `records` would share (a `/` and a `-` in the same place of two
/// references), one sentence each.
pub fn clashes(records: &[&GrantRecord], publishing: &Publishing) -> Vec<String> {
    let mut seen: std::collections::BTreeMap<String, &str> = Default::default();
    let mut out = Vec::new();
    for r in records {
        let us = reporting_org(r, publishing)
            .and_then(|o| o.iati_id.clone())
            .unwrap_or_default();
        let id = identifier(&us, &r.grant.reference);
        if let Some(first) = seen.insert(id.clone(), &r.grant.reference) {
            out.push(format!(
                "grants {first} and {} would both have the IATI identifier {id}; rename one \
                 (grantbook renames nothing in place: `grantbook export --all --out DIR`, \
                 correct grants.csv and the files that name the grant, and `grantbook --db \
                 NEW.db import DIR`)",
                r.grant.reference
            ));
        }
    }
    out
}

mod budgets;
mod codes;
mod settings;
#[cfg(test)]
mod tests;
mod transactions;

pub use budgets::{apportion, budget_windows, budgets};
pub use codes::{activity_status, country_shares, donor_type, identifier};
pub use settings::{by_reporting_org, missing, reporting_org};
pub use transactions::{
    Grouping, advances_outstanding, commitments, incoming, incoming_commitment, outgoing,
};
