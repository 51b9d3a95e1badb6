//! The identifiers and codes an activity takes: its identifier, organisation types,
//! its status, and its countries' shares.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::{DateRange, DonorKind, GrantStatus};

/// `{organisation ref}-{grant reference}`, with the `/` a grant reference may hold made `-`:
/// IATI identifiers may not contain `/`, `&`, `|` or `?` (a grant reference holds none of the
/// others).
pub fn identifier(organisation_ref: &str, grant_reference: &str) -> String {
    format!("{organisation_ref}-{}", grant_reference.replace('/', "-"))
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
