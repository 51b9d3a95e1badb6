//! Tranches received from donors (IATI transaction type 1, Incoming Funds).

use rusqlite::params;

use super::Ledger;
use super::lookup;
use super::periods::refuse_closed_period;
use crate::domain::{Currency, NewReceipt, Receipt};
use crate::error::{Error, Result};

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
            if received + new.amount > grant.amount {
                return Err(Error::invalid(format!(
                    "receipts of grant {} would total {} {}, more than the grant's {}; check the amount",
                    grant.reference,
                    grant.currency.plain(received + new.amount),
                    grant.currency.code,
                    grant.currency.plain(grant.amount)
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
            let receipt = Receipt {
                id: conn.last_insert_rowid(),
                grant: grant.reference.clone(),
                date: new.date,
                amount: new.amount,
                currency: grant.currency.clone(),
                reference: new.reference.clone(),
                description: new.description.clone(),
            };
            w.audit("add", "receipt", &receipt.id.to_string(), None::<&Receipt>, Some(&receipt))?;
            Ok(receipt)
        })
    }

    /// Receipts of one grant, or of all, by grant then date.
    pub fn receipts(&self, reference: Option<&str>) -> Result<Vec<Receipt>> {
        if let Some(r) = reference {
            lookup::grant(&self.conn, r)?;
        }
        let mut stmt = self.conn.prepare(
            "SELECT r.id, g.reference, r.date, r.amount_minor, g.currency, c.minor_units,
                    r.reference, r.description
             FROM receipt r JOIN grant_agreement g ON g.id = r.grant_id
             JOIN currency c ON c.code = g.currency
             WHERE ?1 IS NULL OR g.reference = ?1
             ORDER BY g.reference, r.date, r.id",
        )?;
        let rows = stmt.query_map([reference], |r| {
            let currency = Currency::new(&r.get::<_, String>(4)?, r.get(5)?);
            Ok(Receipt {
                id: r.get(0)?,
                grant: r.get(1)?,
                date: r.get(2)?,
                amount: currency.from_minor(r.get(3)?),
                currency,
                reference: r.get(6)?,
                description: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
