//! Tranches received from donors (IATI transaction type 1, Incoming Funds): recorded, listed,
//! voided with a reason, never deleted.

use rusqlite::{Connection, OptionalExtension, params};

use super::Ledger;
use super::amendments::lowest_amount_from;
use super::lookup;
use super::periods::refuse_closed_period;
use crate::domain::{Currency, NewReceipt, Receipt, Void};
use crate::error::{Error, Result};

const RECEIPT_SELECT: &str = "SELECT r.id, g.reference, r.date, r.amount_minor, g.currency,
        c.minor_units, r.reference, r.description, r.voided_at, r.void_reason
    FROM receipt r JOIN grant_agreement g ON g.id = r.grant_id
    JOIN currency c ON c.code = g.currency";

impl Ledger {
    pub fn add_receipt(&mut self, new: &NewReceipt) -> Result<Receipt> {
        self.write(|w| {
            let conn = w.conn();
            let grant = lookup::grant(conn, &new.grant)?;
            if let Some(code) = new.currency.as_deref().filter(|c| *c != grant.currency.code) {
                return Err(Error::invalid(format!(
                    "receipt in {code}, but grant {} is in {}; record tranches in the grant's \
                     currency as the donor's agreement states them",
                    grant.reference, grant.currency.code
                )));
            }
            grant.currency.check_amount("receipt amount", new.amount)?;
            refuse_closed_period(conn, &grant, new.date, "record a receipt dated")?;
            let received_minor: i64 = conn.query_row(
                "SELECT coalesce(sum(amount_minor), 0) FROM receipt WHERE grant_id = ?1 AND voided_at IS NULL",
                [grant.id],
                |r| r.get(0),
            )?;
            let received = grant.currency.from_minor(received_minor);
            // Received money must fit the grant from the receipt's day on, before a top-up too.
            let ceiling = lowest_amount_from(conn, &grant, new.date)?;
            if received + new.amount > ceiling {
                return Err(Error::invalid(format!(
                    "receipts of grant {} would total {} {}, more than the grant's {}{}; check \
                     the amount",
                    grant.reference,
                    grant.currency.plain(received + new.amount),
                    grant.currency.code,
                    grant.currency.plain(ceiling),
                    if ceiling < grant.amount {
                        format!(", its smallest amount from {} on", new.date)
                    } else {
                        String::new()
                    }
                )));
            }
            conn.execute(
                "INSERT INTO receipt (grant_id, date, amount_minor, reference, description)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    grant.id,
                    new.date,
                    grant.currency.to_minor(new.amount)?,
                    new.reference,
                    new.description
                ],
            )?;
            let receipt = find_receipt(conn, conn.last_insert_rowid())?;
            w.audit("add", "receipt", &receipt.id.to_string(), None::<&Receipt>, Some(&receipt))?;
            Ok(receipt)
        })
    }

    /// Void a receipt recorded by mistake, now or at `when` (UTC, `YYYY-MM-DDTHH:MM:SSZ`) when
    /// an import restores a void made earlier. It stays in the ledger and counts nowhere.
    pub fn void_receipt(&mut self, id: i64, reason: &str, when: Option<&str>) -> Result<Receipt> {
        self.write(|w| {
            let at = when.unwrap_or(&w.at);
            let conn = w.conn();
            let before = find_receipt(conn, id)?;
            if let Some(void) = &before.void {
                return Err(Error::invalid(format!(
                    "receipt #{id} was already voided on {} ({})",
                    void.at, void.reason
                )));
            }
            let grant = lookup::grant(conn, &before.grant)?;
            refuse_closed_period(conn, &grant, before.date, "void a receipt dated")?;
            conn.execute(
                "UPDATE receipt SET voided_at = ?1, void_reason = ?2 WHERE id = ?3",
                params![at, reason, id],
            )?;
            let after = find_receipt(conn, id)?;
            w.audit(
                "void",
                "receipt",
                &id.to_string(),
                Some(&before),
                Some(&after),
            )?;
            Ok(after)
        })
    }

    /// Receipts of one grant, or of all, by grant then date; voided ones only if asked for.
    pub fn receipts(&self, reference: Option<&str>, include_void: bool) -> Result<Vec<Receipt>> {
        if let Some(r) = reference {
            lookup::grant(&self.conn, r)?;
        }
        let sql = format!(
            "{RECEIPT_SELECT}
             WHERE (?1 IS NULL OR g.reference = ?1) AND (?2 OR r.voided_at IS NULL)
             ORDER BY g.reference, r.date, r.id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params![reference, include_void], receipt_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn receipt_from_row(r: &rusqlite::Row) -> rusqlite::Result<Receipt> {
    let currency = Currency::new(&r.get::<_, String>(4)?, r.get(5)?);
    let voided_at: Option<String> = r.get(8)?;
    Ok(Receipt {
        id: r.get(0)?,
        grant: r.get(1)?,
        date: r.get(2)?,
        amount: currency.from_minor(r.get(3)?),
        currency,
        reference: r.get(6)?,
        description: r.get(7)?,
        void: match voided_at {
            Some(at) => Some(Void {
                at,
                reason: r.get(9)?,
            }),
            None => None,
        },
    })
}

fn find_receipt(conn: &Connection, id: i64) -> Result<Receipt> {
    conn.prepare_cached(&format!("{RECEIPT_SELECT} WHERE r.id = ?1"))?
        .query_row([id], receipt_from_row)
        .optional()?
        .ok_or_else(|| {
            Error::invalid(format!(
                "no receipt #{id}; `grantbook receipt list --include-void` shows them with \
                 their ids"
            ))
        })
}
