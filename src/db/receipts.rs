//! Money received on a grant: the donor's tranches (IATI transaction type 1, Incoming Funds),
//! and interest or other income the grant earned, which its amount does not cap: recorded, listed,
//! voided with a reason, never deleted. A receipt's reference (the bank's or donor's) is its key:
//! among a grant's live receipts one holds it, so a file imported twice is refused or skipped
//! row by row instead of doubling the money; an empty reference is no key.

use super::amendments::lowest_amount_from;
use super::lookup;
use super::periods::refuse_closed_period;
use super::{Added, Ledger, Writer};
use crate::db::sql::{Conn, Row, params};
use crate::domain::{Currency, Grant, NewReceipt, Receipt, ReceiptKind, Void};
use crate::error::{Error, Result, field};

const RECEIPT_SELECT: &str = "SELECT r.id, g.reference, r.date, r.amount_minor, g.currency,
        c.minor_units, r.reference, r.description, r.voided_at, r.void_reason, r.office, r.kind
    FROM receipt r JOIN grant_agreement g ON g.id = r.grant_id
    JOIN currency c ON c.code = g.currency";

/// A receipts import under way (`receipt import`, `import DIR`): which receipts the ledger held
/// before it began, and what becomes of a row whose reference one of them holds.
pub struct ReceiptImport {
    /// Receipts with a larger id were recorded by this import.
    last_id_before: i64,
    skip_duplicates: bool,
    already_recorded: u64,
}

impl ReceiptImport {
    /// Rows refused so far because a receipt recorded before the import began holds their
    /// reference (the rows `--skip-duplicates` would skip).
    pub fn already_recorded(&self) -> u64 {
        self.already_recorded
    }
}

impl Ledger {
    /// Record a tranche; a reference a live receipt of the grant holds is refused, naming it.
    pub fn add_receipt(&mut self, new: &NewReceipt) -> Result<Receipt> {
        self.write(|w| {
            let grant = lookup::grant(w.conn(), &new.grant)?;
            if let Some(holder) = live_holder(w.conn(), &grant, &new.reference)? {
                return Err(duplicate(&grant, &holder, false));
            }
            record(w, &grant, new, None)
        })
    }

    /// Begin importing receipts, inside the import's transaction ([`Ledger::all_or_nothing`]);
    /// with `skip_duplicates`, a row whose reference the grant held before is skipped.
    pub fn receipt_import(&self, skip_duplicates: bool) -> Result<ReceiptImport> {
        let last_id_before =
            self.conn
                .query_row("SELECT coalesce(max(id), 0) FROM receipt", [], |r| r.get(0))?;
        Ok(ReceiptImport {
            last_id_before,
            skip_duplicates,
            already_recorded: 0,
        })
    }

    /// One row of `import`, checked as `receipt add` checks it. A reference an earlier row of
    /// the import holds is refused; one a receipt recorded before holds is refused, or skipped
    /// with `--skip-duplicates`.
    pub fn import_receipt(
        &mut self,
        import: &mut ReceiptImport,
        new: &NewReceipt,
    ) -> Result<Added<Receipt>> {
        self.write(|w| {
            let grant = lookup::grant(w.conn(), &new.grant).map_err(field("grant"))?;
            if let Some(holder) = live_holder(w.conn(), &grant, &new.reference)? {
                let this_import = holder.id > import.last_id_before;
                if import.skip_duplicates && !this_import {
                    return Ok(Added::Skipped {
                        differs: difference(new, &holder),
                    });
                }
                import.already_recorded += u64::from(!this_import);
                return Err(duplicate(&grant, &holder, this_import));
            }
            record(w, &grant, new, None).map(Added::Recorded)
        })
    }

    /// Record a receipt that an exported ledger holds voided (its receipt_voids), voided with
    /// `reason` now or at `when` (UTC, as [`Ledger::void_receipt`] takes it): checked as any
    /// receipt, but a voided receipt holds no reference, so it may share one with a live
    /// receipt (a tranche entered twice before references were keys, then voided).
    pub fn import_voided_receipt(
        &mut self,
        new: &NewReceipt,
        reason: &str,
        when: Option<&str>,
    ) -> Result<Receipt> {
        self.write(|w| {
            let grant = lookup::grant(w.conn(), &new.grant)?;
            let void = Void {
                at: when.unwrap_or(&w.at).to_string(),
                reason: reason.to_string(),
            };
            record(w, &grant, new, Some(&void))
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
        let sql = &sql;
        let rows = self
            .conn
            .query_map(sql, params![reference, include_void], receipt_from_row)?;
        Ok(rows)
    }
}

/// Check and insert a receipt of `grant`, audited; `void` inserts it voided (as an export
/// says it was), audited as added and then voided. The reference is the caller's to check.
fn record(w: &Writer, grant: &Grant, new: &NewReceipt, void: Option<&Void>) -> Result<Receipt> {
    let conn = w.conn();
    if let Some(code) = new
        .currency
        .as_deref()
        .filter(|c| *c != grant.currency.code)
    {
        return Err(Error::invalid(format!(
            "receipt in {code}, but grant {} is in {}; record tranches in the grant's currency \
             as the donor's agreement states them",
            grant.reference, grant.currency.code
        ))
        .in_field("currency"));
    }
    grant
        .currency
        .check_amount("receipt amount", new.amount)
        .map_err(field("amount"))?;
    refuse_closed_period(conn, grant, new.date, "record a receipt dated").map_err(field("date"))?;
    let office = w.entry_office(grant, new.office.as_deref())?;
    let received_minor: i64 = conn.query_row(
        "SELECT coalesce(sum(amount_minor), 0) FROM receipt
         WHERE grant_id = ?1 AND voided_at IS NULL AND kind = 'tranche'",
        [grant.id],
        |r| r.get(0),
    )?;
    let received = grant.currency.from_minor(received_minor);
    // The donor's tranches must fit the grant from the receipt's day on, before a top-up too;
    // interest and other income are the grant's too but not the donor's to cap.
    let ceiling = lowest_amount_from(conn, grant, new.date)?;
    if new.kind == ReceiptKind::Tranche && received + new.amount > ceiling {
        return Err(Error::invalid(format!(
            "receipts of grant {} would total {} {}, more than the grant's {}{}; check the amount",
            grant.reference,
            grant.currency.plain(received + new.amount),
            grant.currency.code,
            grant.currency.plain(ceiling),
            if ceiling < grant.amount {
                format!(", its smallest amount from {} on", new.date)
            } else {
                String::new()
            }
        ))
        .in_field("amount"));
    }
    let id = conn.insert(
        "INSERT INTO receipt (grant_id, date, amount_minor, reference, description, voided_at,
             void_reason, office, kind)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            grant.id,
            new.date,
            grant.currency.to_minor(new.amount)?,
            new.reference,
            new.description,
            void.map(|v| &v.at),
            void.map(|v| &v.reason),
            office,
            new.kind.as_str()
        ],
    )?;
    let receipt = find_receipt(conn, id)?;
    let key = receipt.id.to_string();
    let added = Receipt {
        void: None,
        ..receipt.clone()
    };
    w.audit("add", "receipt", &key, None::<&Receipt>, Some(&added))?;
    if receipt.void.is_some() {
        w.audit("void", "receipt", &key, Some(&added), Some(&receipt))?;
    }
    Ok(receipt)
}

/// The live receipt of `grant` holding `reference`, if any; an empty reference is no key.
fn live_holder(conn: &Conn, grant: &Grant, reference: &str) -> Result<Option<Receipt>> {
    if reference.is_empty() {
        return Ok(None);
    }
    conn.query_opt(
        &format!(
            "{RECEIPT_SELECT} WHERE r.grant_id = ?1 AND r.reference = ?2 AND r.voided_at IS NULL
             AND r.reference <> '' ORDER BY r.id LIMIT 1"
        ),
        params![grant.id, reference],
        receipt_from_row,
    )
}

/// The refusal of a receipt whose reference `holder` holds: recorded before, or an earlier row
/// of the same import.
fn duplicate(grant: &Grant, holder: &Receipt, this_import: bool) -> Error {
    let (held_by, fix) = match this_import {
        true => ("appears earlier in this import".to_string(), String::new()),
        false => (
            format!(
                "is already recorded on grant {} as receipt #{}",
                grant.reference, holder.id
            ),
            format!(
                "; if that receipt is wrong, void it with `grantbook receipt void {} --reason \
                 ...` (a voided receipt's reference can be used again)",
                holder.id
            ),
        ),
    };
    Error::invalid(format!(
        "reference {:?} {held_by} ({}, {} {}); a reference is held by one live receipt of a \
         grant: check for a tranche entered twice{fix}",
        holder.reference,
        holder.date,
        holder.currency.plain(holder.amount),
        holder.currency.code
    ))
    .in_field("reference")
}

/// How a row whose reference is already recorded differs from the recorded receipt; None when
/// they agree on date and amount.
fn difference(new: &NewReceipt, recorded: &Receipt) -> Option<String> {
    let currency = &recorded.currency;
    (new.date != recorded.date || new.amount != recorded.amount).then(|| {
        format!(
            "reference {:?}: the file has {} {} {}, the ledger has receipt #{} of {} {} {}",
            new.reference,
            new.date,
            new.amount,
            currency.code,
            recorded.id,
            recorded.date,
            currency.plain(recorded.amount),
            currency.code
        )
    })
}

fn receipt_from_row(r: &Row) -> Result<Receipt> {
    let currency = Currency::new(&r.get::<_, String>(4)?, r.get(5)?);
    let voided_at: Option<String> = r.get(8)?;
    Ok(Receipt {
        id: r.get(0)?,
        grant: r.get(1)?,
        kind: ReceiptKind::parse(&r.get::<_, String>(11)?)?,
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
        office: r.get(10)?,
    })
}

fn find_receipt(conn: &Conn, id: i64) -> Result<Receipt> {
    conn.query_opt(
        &format!("{RECEIPT_SELECT} WHERE r.id = ?1"),
        [id],
        receipt_from_row,
    )?
    .ok_or_else(|| {
        Error::invalid(format!(
            "no receipt #{id}; `grantbook receipt list --include-void` shows them with \
                 their ids"
        ))
    })
}
