//! The checks of money bound but not spent: each shared cost's live parts add up to its voucher,
//! each advance's liquidations and returns stay within it and in its currency, and each
//! commitment is paid on its line and in its currency. grantbook refuses all of these as they
//! are recorded; a ledger edited behind its back may hold them.

use super::count;
use crate::db::sql::Conn;
use crate::domain::check::CheckOutcome;
use crate::error::Result;

pub(super) fn obligations(conn: &Conn) -> Result<CheckOutcome> {
    let mut out = CheckOutcome::new(
        "obligations",
        "shared costs add up; advances and commitments are kept to",
    );
    out.examined = count(
        conn,
        "SELECT (SELECT count(*) FROM allocated_payment) + (SELECT count(*) FROM advance)
              + (SELECT count(*) FROM commitment)",
    )?;
    // A payment all of whose parts were voided (voided or corrected) adds up to nothing.
    let parts = "SELECT p.id, p.voucher, p.amount_minor,
             coalesce(sum(e.amount_minor) FILTER (WHERE e.voided_at IS NULL), 0)
         FROM allocated_payment p JOIN expense e ON e.allocation_id = p.id
         GROUP BY p.id, p.voucher, p.amount_minor
         HAVING count(*) FILTER (WHERE e.voided_at IS NULL) > 0
            AND coalesce(sum(e.amount_minor) FILTER (WHERE e.voided_at IS NULL), 0)
                <> p.amount_minor
         ORDER BY p.id";
    conn.for_each(parts, [], |r| {
        let (id, voucher, whole, parts): (i64, String, i64, i64) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        out.add(
            format!("shared cost #{id}"),
            format!(
                "voucher {voucher}'s live parts add up to {parts} minor units, not its {whole}"
            ),
        );
        Ok(())
    })?;
    let advances = "SELECT a.id, a.reference,
             a.amount_minor - coalesce((SELECT sum(CASE e.kind WHEN 'refund' THEN -e.amount_minor
                                                   ELSE e.amount_minor END)
                                      FROM expense e WHERE e.advance_id = a.id
                                      AND e.voided_at IS NULL), 0)
                            - coalesce((SELECT sum(r.amount_minor) FROM advance_return r
                                      WHERE r.advance_id = a.id), 0),
             (SELECT count(*) FROM expense e WHERE e.advance_id = a.id
                 AND (e.currency <> a.currency OR e.grant_id <> a.grant_id))
         FROM advance a ORDER BY a.id";
    conn.for_each(advances, [], |r| {
        let (id, reference, left, strays): (i64, String, i64, i64) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        if left < 0 {
            out.add(
                format!("advance #{id}"),
                format!(
                    "{reference} is accounted for beyond its amount, by {} minor units",
                    -left
                ),
            );
        }
        if strays > 0 {
            out.add(
                format!("advance #{id}"),
                format!("{strays} expenses liquidate {reference} in another currency or grant"),
            );
        }
        Ok(())
    })?;
    let commitments = "SELECT c.id, c.reference, count(*) FROM commitment c
         JOIN expense e ON e.commitment_id = c.id
         WHERE e.line_id <> c.line_id OR e.currency <> c.currency OR e.grant_id <> c.grant_id
         GROUP BY c.id, c.reference ORDER BY c.id";
    conn.for_each(commitments, [], |r| {
        let (id, reference, strays): (i64, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        out.add(
            format!("commitment #{id}"),
            format!("{strays} expenses pay {reference} on another line, grant or currency"),
        );
        Ok(())
    })?;
    Ok(out)
}
