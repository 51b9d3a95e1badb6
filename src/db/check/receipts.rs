//! The check of receipts' references: held by one live receipt of a grant. New receipts are
//! refused a reference already held (the receipt_reference_held_once trigger of migration 7),
//! but a ledger from before that migration may hold a pair, and so may one edited behind
//! grantbook's back with the trigger dropped.

use super::count;
use crate::db::sql::Conn;
use crate::domain::check::CheckOutcome;
use crate::error::Result;

/// Every live receipt whose reference an earlier live receipt of its grant holds.
pub(super) fn receipt_references(conn: &Conn) -> Result<CheckOutcome> {
    let mut out = CheckOutcome::new(
        "receipt_references",
        "a reference is held by one live receipt of its grant",
    );
    out.examined = count(
        conn,
        "SELECT count(*) FROM receipt WHERE voided_at IS NULL AND reference <> ''",
    )?;
    let sql = "SELECT r.id, g.reference, r.reference, min(f.id)
         FROM receipt r JOIN grant_agreement g ON g.id = r.grant_id
         JOIN receipt f ON f.grant_id = r.grant_id AND f.reference = r.reference
              AND f.voided_at IS NULL AND f.id < r.id
         WHERE r.voided_at IS NULL AND r.reference <> ''
         GROUP BY r.id, g.reference ORDER BY r.id";
    conn.for_each(sql, [], |r| {
        let (id, grant, reference, first): (i64, String, String, i64) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        out.add(
            format!("receipt #{id}"),
            format!(
                "holds reference {reference:?} of grant {grant}, as receipt #{first} does; if it \
                 is the same tranche entered twice, void one of them (`grantbook receipt void \
                 {id} --reason ...`)"
            ),
        );
        Ok(())
    })?;
    Ok(out)
}
