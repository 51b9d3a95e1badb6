//! The check of contributions towards a grant's match: each value in the grant's currency is
//! its amount at the quote stored with it, rounded once, as recording it computed. A value
//! edited behind grantbook's back, or a quote changed without it, would move the match a donor
//! report states.

use super::{count, recomputed};
use crate::db::sql::Conn;
use crate::domain::Currency;
use crate::domain::check::CheckOutcome;
use crate::error::Result;

pub(super) fn contribution_conversions(conn: &Conn) -> Result<CheckOutcome> {
    let mut out = CheckOutcome::new(
        "contribution_conversion",
        "contributions' grant-currency values equal amount x stored rate, rounded",
    );
    out.examined = count(conn, "SELECT count(*) FROM contribution")?;
    let sql = "SELECT k.id, g.reference, k.reference, k.currency, kc.minor_units, k.amount_minor,
                k.fx_base, k.fx_quote, k.fx_rate, g.currency, gc.minor_units,
                k.grant_amount_minor
         FROM contribution k JOIN grant_agreement g ON g.id = k.grant_id
         JOIN currency kc ON kc.code = k.currency JOIN currency gc ON gc.code = g.currency
         ORDER BY k.id";
    conn.for_each(sql, [], |r| {
        let (id, grant, reference): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let from = Currency::new(&r.get::<_, String>(3)?, r.get(4)?);
        let amount = from.from_minor(r.get(5)?);
        let to = Currency::new(&r.get::<_, String>(9)?, r.get(10)?);
        let stored = to.from_minor(r.get(11)?);
        let row = format!("contribution #{id}");
        match recomputed(amount, &from, (r.get(6)?, r.get(7)?, r.get(8)?), &to) {
            Err(problem) => out.add(row, format!("{reference} of grant {grant}: {problem}")),
            Ok(expected) if expected != stored => out.add(
                row,
                format!(
                    "{reference} of grant {grant}: {} {} converts to {} {}, but {} {} is stored",
                    from.plain(amount),
                    from.code,
                    to.plain(expected),
                    to.code,
                    to.plain(stored),
                    to.code
                ),
            ),
            Ok(_) => {}
        }
        Ok(())
    })?;
    Ok(out)
}
