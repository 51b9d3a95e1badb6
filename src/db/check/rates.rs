//! The check that reads the rate table: an expense converted at a stored rate still carries the
//! rate the table holds in force on its date.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::super::fx::RateTable;
use crate::db::sql::Conn;
use crate::domain::Quote;
use crate::domain::check::CheckOutcome;
use crate::error::Result;

/// Every live expense whose quote came from the rate table ('stored') has the rate in force on
/// its date, compared as a decimal either way round: a rate replaced since (`fx set --replace`),
/// or one added before the expense's date after it was recorded, leaves it on the old quote.
/// Rates typed with the entry ('given') and entries from before migration 6 are not compared.
pub(super) fn stored_rates(conn: &Conn) -> Result<CheckOutcome> {
    let mut out = CheckOutcome::new(
        "stored_rates",
        "expenses converted at a stored rate carry the rate in force on their date",
    );
    // Every rate up front: finding which pairs the expenses use would read them all twice.
    let mut table = RateTable::new(conn);
    table.load_all()?;
    let sql = "SELECT e.id, g.reference, e.date, e.currency, g.currency, e.fx_base, e.fx_quote,
                e.fx_rate
         FROM expense e JOIN grant_agreement g ON g.id = e.grant_id
         WHERE e.voided_at IS NULL AND e.fx_source = 'stored' ORDER BY e.id";
    conn.for_each(sql, [], |r| {
        out.examined += 1;
        let (id, grant, date): (i64, String, NaiveDate) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let (currency, grant_currency): (String, String) = (r.get(3)?, r.get(4)?);
        let (base, quote, rate): (String, String, String) = (r.get(5)?, r.get(6)?, r.get(7)?);
        // A rate that is not a number is the conversion check's finding.
        let Ok(rate) = Decimal::from_str(&rate) else {
            return Ok(());
        };
        let used = Quote { base, quote, rate };
        let in_force = table.in_force(&currency, &grant_currency, date)?;
        if in_force.is_some_and(|t| used.same_rate(&t.quote())) {
            return Ok(());
        }
        let reprice =
            format!("grantbook expense reprice --grant {grant} --from {date} --to {date}");
        let problem = match in_force {
            Some(t) => format!(
                "dated {date}, converted at the stored rate {}, but the rate table now gives {} \
                 (from {}); convert it again with `{reprice}`",
                used.describe(),
                t.quote().describe(),
                t.valid_from
            ),
            None => format!(
                "dated {date}, converted at the stored rate {}, but the rate table holds no \
                 rate between {currency} and {grant_currency} in force then; add one with \
                 `grantbook fx set`, then `{reprice}`",
                used.describe()
            ),
        };
        out.add(format!("expense #{id}"), problem);
        Ok(())
    })?;
    Ok(out)
}
