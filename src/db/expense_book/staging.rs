//! An import on PostgreSQL: rows checked one by one as everywhere, written all at once. Each
//! checked row is encoded at once in COPY's binary format into a buffer, the buffer goes by
//! COPY into a temporary table (every few MB, between two rows, as the checks may still query
//! the ledger), and at the end one `INSERT INTO expense ... SELECT ... ORDER BY seq` moves every
//! row in, in the file's order, so ids follow the rows as they did when each row had its own
//! INSERT (two round trips per row, which made an import of a million rows take minutes).
//!
//! Rows the book has accepted but not yet inserted are invisible to the ledger's queries, so the
//! book remembers what those queries would have found: the vouchers it staged (a row with one of
//! them again is a duplicate) and the expenses staged refunds reverse. When a row needs a staged
//! row in the table (a refund of an expense earlier in the file, a second refund of the same
//! expense, a voucher the file repeats, which the refusal describes as recorded), the staged rows
//! are inserted first ([`ExpenseBook::flush`]) and the row is checked against the table as
//! before.
//!
//! Binary rather than text COPY: payees and descriptions are free text, which binary carries as
//! it is, where text would need every tab, newline and backslash escaped (and the server to undo
//! it); and the integers go as eight bytes, not digits to parse.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::Write;

use super::writes::IsoDate;
use super::{Checked, ExpenseBook};
use crate::db::sql::{Conn, Dialect, params};
use crate::domain::{Expense, ExpenseRef, Grant, NewExpense};
use crate::error::{Error, Result};

/// What a book staging rows for PostgreSQL keeps.
pub(super) struct Staging {
    /// `recorded_at` of every row of the import.
    at: String,
    /// Tuples encoded and not yet sent to the staging table.
    buffer: Vec<u8>,
    /// Rows staged (buffered or in the staging table) and not yet in `expense`.
    rows: i64,
    /// Whether the staging table exists (it is made at the first send).
    table: bool,
    /// Fingerprints ([`print`]) of the grant and voucher of every staged row.
    staged: HashSet<u64>,
    /// Expenses that a staged refund reverses.
    refunded: HashSet<i64>,
    /// Fingerprints of every live voucher `expense` holds, for the grants in `loaded`: a voucher
    /// not among them nor among `staged` is not recorded, and no query need ask. Once in, an
    /// entry stays (a voided voucher is looked up, and found free); a fingerprint that two
    /// vouchers share only costs a look-up.
    known: HashSet<u64>,
    loaded: HashSet<i64>,
    /// Look-ups made so far on the grants not loaded yet (see [`LOOKUPS_PER_LOAD`]).
    lookups: HashMap<i64, i64>,
    /// The largest id in `expense`: a larger one may name a staged row.
    last_id: i64,
    /// The ids inserted so far, first and last.
    ids: Option<(i64, i64)>,
}

/// The buffer is sent when it grows past this.
const SEND_AT: usize = 4 << 20;

/// A grant's live vouchers are read whole, instead of looking each row's up, once the grant's
/// rows have made as many look-ups as the ledger has expenses over this: reading a voucher costs
/// about that much less than a round trip to look one up. So an import of a few rows into a
/// large ledger asks for a few vouchers, a large one reads them once, and neither pays more than
/// twice what the better choice would have.
const LOOKUPS_PER_LOAD: i64 = 50;

const STAGING_TABLE: &str = "CREATE TEMPORARY TABLE expense_staged (seq BIGINT NOT NULL,
        grant_id BIGINT, line_id BIGINT, kind TEXT, date TEXT, currency TEXT,
        amount_minor BIGINT, fx_base TEXT, fx_quote TEXT, fx_rate TEXT,
        grant_amount_minor BIGINT, payee TEXT, voucher TEXT, country TEXT, description TEXT,
        fx_source TEXT, refund_of BIGINT, corrects BIGINT, office TEXT, advance_id BIGINT,
        commitment_id BIGINT, allocation_id BIGINT)
    ON COMMIT DROP";

/// The columns of a staged row, in the order [`ExpenseBook::stage`] encodes them.
const COPY: &str = "COPY pg_temp.expense_staged (seq, grant_id, line_id, kind, date, currency,
        amount_minor, fx_base, fx_quote, fx_rate, grant_amount_minor, payee, voucher, country,
        description, fx_source, refund_of, corrects, office, advance_id, commitment_id,
        allocation_id)
    FROM STDIN (FORMAT binary)";
const FIELDS: i16 = 22;

/// Every staged row into `expense`, in the order staged (so in id order), with the import's
/// time; the ids it took.
const INSERT_STAGED: &str = "WITH added AS (
        INSERT INTO expense (grant_id, line_id, kind, date, currency, amount_minor, fx_base,
            fx_quote, fx_rate, grant_amount_minor, payee, voucher, country, description,
            recorded_at, fx_source, refund_of, corrects, office, advance_id, commitment_id,
            allocation_id)
        SELECT grant_id, line_id, kind, date, currency, amount_minor, fx_base, fx_quote,
            fx_rate, grant_amount_minor, payee, voucher, country, description,
            CAST(?1 AS TEXT), fx_source, refund_of, corrects, office, advance_id, commitment_id,
            allocation_id
        FROM pg_temp.expense_staged ORDER BY seq
        RETURNING id)
    SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM added";

/// The header of a binary COPY: signature, flags, no extension.
const HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";
const TRAILER: &[u8] = &(-1i16).to_be_bytes();

impl<'c> ExpenseBook<'c> {
    /// A book for an import: on PostgreSQL it stages the rows [`ExpenseBook::stage`] is given,
    /// recorded at `at`, and writes them at [`ExpenseBook::finish`]; on SQLite it is
    /// [`ExpenseBook::new`]'s, and rows are inserted one by one.
    pub fn for_import(conn: &'c Conn, at: &str) -> Result<Self> {
        let mut book = ExpenseBook::new(conn)?;
        if conn.dialect() == Dialect::Postgres {
            book.staging = Some(Staging {
                at: at.to_string(),
                buffer: Vec::new(),
                rows: 0,
                table: false,
                staged: HashSet::new(),
                refunded: HashSet::new(),
                known: HashSet::new(),
                loaded: HashSet::new(),
                lookups: HashMap::new(),
                last_id: book.last_id_before,
                ids: None,
            });
        }
        Ok(book)
    }

    /// Whether the book stages rows rather than inserting them.
    pub fn stages(&self) -> bool {
        self.staging.is_some()
    }

    /// The live expense holding `voucher` on `grant`, as [`ExpenseBook::recorded`] finds it,
    /// the staged rows counted.
    pub fn live(&mut self, grant: &Grant, voucher: &str) -> Result<Option<Expense>> {
        if let Some(staging) = &self.staging {
            let staged = staging.staged.contains(&print(grant.id, voucher));
            if staged {
                self.flush()?;
            } else if !self.may_be_recorded(grant, voucher)? {
                return Ok(None);
            }
        }
        self.recorded(grant, voucher)
    }

    /// [`ExpenseBook::check`], the staged rows counted: a refund of a staged expense, or of an
    /// expense a staged refund reverses, is checked once the staged rows are in the table.
    pub fn check_staged<'n>(&mut self, new: &'n NewExpense) -> Result<Checked<'n>> {
        if let (Some(of), Some(staging)) = (&new.refund_of, &self.staging) {
            let first_in_table = match of {
                ExpenseRef::Id(id) => *id > staging.last_id || staging.refunded.contains(id),
                ExpenseRef::Voucher(voucher) => self.staged_reversal(&new.grant, voucher)?,
            };
            if first_in_table {
                self.flush()?;
            }
        }
        self.check(new)
    }

    /// Whether the expense holding `voucher` on grant `reference` is staged, or has a staged
    /// refund.
    fn staged_reversal(&mut self, reference: &str, voucher: &str) -> Result<bool> {
        // A grant that cannot be found is refused by the check, whatever is staged.
        let Ok(open) = self.grant(reference) else {
            return Ok(false);
        };
        let staging = self.staging.as_ref().expect("staging");
        if staging.staged.contains(&print(open.grant.id, voucher)) {
            return Ok(true);
        }
        if staging.refunded.is_empty() {
            return Ok(false);
        }
        let refunded = &staging.refunded;
        Ok(self
            .recorded(&open.grant, voucher)?
            .is_some_and(|e| refunded.contains(&e.id)))
    }

    /// Stage a checked expense, to be inserted at [`ExpenseBook::finish`]; a voucher the grant
    /// already has, in the ledger or earlier in the import, is refused as
    /// [`ExpenseBook::insert`] refuses it.
    pub fn stage(&mut self, c: &Checked) -> Result<()> {
        let grant = &c.grant.grant;
        let amount = c.currency.to_minor(c.new.amount)?;
        let grant_amount = grant.currency.to_minor(c.grant_amount)?;
        if let Some(other) = self.live(grant, &c.new.voucher)? {
            return Err(self.duplicate(grant, &other).in_field("voucher"));
        }
        let staging = self.staging.as_mut().expect("a book that stages");
        let seq = staging.rows + 1;
        let start = staging.buffer.len();
        if let Err(e) = encode(&mut staging.buffer, seq, c, amount, grant_amount) {
            // No half tuple is left behind to spoil the COPY.
            staging.buffer.truncate(start);
            return Err(e);
        }
        staging.rows = seq;
        staging.staged.insert(print(grant.id, &c.new.voucher));
        if let Some(of) = c.refund_of {
            staging.refunded.insert(of);
        }
        self.took(grant, &c.links, c.new.kind, c.new.amount);
        if self
            .staging
            .as_ref()
            .is_some_and(|s| s.buffer.len() >= SEND_AT)
        {
            self.send()?;
        }
        Ok(())
    }

    /// Insert every staged row, and drop the staging table; the ids the import's rows took,
    /// first and last.
    pub fn finish(&mut self) -> Result<Option<(i64, i64)>> {
        self.flush()?;
        let Some(staging) = self.staging.as_mut() else {
            return Ok(None);
        };
        if std::mem::take(&mut staging.table) {
            self.conn
                .execute_batch("DROP TABLE pg_temp.expense_staged")?;
        }
        Ok(self.staging.as_ref().and_then(|s| s.ids))
    }

    /// Insert the rows staged so far into `expense`, in the order they were staged.
    fn flush(&mut self) -> Result<()> {
        if self.staging.as_ref().is_none_or(|s| s.rows == 0) {
            return Ok(());
        }
        self.send()?;
        let staging = self.staging.as_mut().expect("staging");
        let (count, first, last): (i64, i64, i64) =
            self.conn
                .query_row(INSERT_STAGED, params![staging.at], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?;
        if count != staging.rows {
            return Err(Error::runtime(format!(
                "database error: {} expenses were staged, {count} inserted",
                staging.rows
            )));
        }
        self.conn.execute_batch("TRUNCATE pg_temp.expense_staged")?;
        staging.ids = Some(staging.ids.map_or((first, last), |(f, _)| (f, last)));
        staging.last_id = staging.last_id.max(last);
        staging.rows = 0;
        staging.known.extend(staging.staged.drain());
        staging.refunded.clear();
        Ok(())
    }

    /// COPY the buffered rows into the staging table, made first if it is not there yet.
    fn send(&mut self) -> Result<()> {
        let staging = self.staging.as_mut().expect("staging");
        if staging.buffer.is_empty() {
            return Ok(());
        }
        if !staging.table {
            self.conn.execute_batch(STAGING_TABLE)?;
            staging.table = true;
        }
        let mut client = self
            .conn
            .as_postgres()
            .ok_or_else(|| Error::runtime("staging rows needs PostgreSQL"))?;
        let mut copy = client.client().copy_in(COPY)?;
        copy.write_all(HEADER)?;
        copy.write_all(&staging.buffer)?;
        copy.write_all(TRAILER)?;
        copy.finish()?;
        staging.buffer.clear();
        Ok(())
    }

    /// Whether `voucher` may be recorded on `grant`, as far as the vouchers read tell: false
    /// only when it certainly is not.
    fn may_be_recorded(&mut self, grant: &Grant, voucher: &str) -> Result<bool> {
        let conn = self.conn;
        let staging = self.staging.as_mut().expect("staging");
        if !staging.loaded.contains(&grant.id) {
            let lookups = staging.lookups.entry(grant.id).or_default();
            *lookups += 1;
            if *lookups * LOOKUPS_PER_LOAD < staging.last_id {
                return Ok(true);
            }
            let known = &mut staging.known;
            conn.for_each(
                "SELECT voucher FROM expense WHERE grant_id = ?1 AND live_key = 0",
                [grant.id],
                |r| {
                    let held: String = r.get(0)?;
                    known.insert(print(grant.id, &held));
                    Ok(())
                },
            )?;
            staging.loaded.insert(grant.id);
        }
        Ok(staging.known.contains(&print(grant.id, voucher)))
    }
}

/// Staged row `seq` as a tuple of [`COPY`]'s binary format.
fn encode(
    buffer: &mut Vec<u8>,
    seq: i64,
    c: &Checked,
    amount: i64,
    grant_amount: i64,
) -> Result<()> {
    let mut t = Tuple(buffer);
    t.0.extend_from_slice(&FIELDS.to_be_bytes());
    t.int(seq);
    t.int(c.grant.grant.id);
    t.int(c.line_id);
    t.text(c.new.kind.as_str())?;
    t.text(IsoDate::of(c.new.date).as_str())?;
    t.text(&c.currency.code)?;
    t.int(amount);
    match &c.quote {
        Some(q) => {
            t.text(&q.base)?;
            t.text(&q.quote)?;
            t.display(&q.rate)?;
        }
        None => (0..3).for_each(|_| t.null()),
    }
    t.int(grant_amount);
    t.text(&c.payee)?;
    t.text(&c.new.voucher)?;
    t.text(&c.country)?;
    t.text(&c.new.description)?;
    match c.fx_source {
        Some(source) => t.text(source)?,
        None => t.null(),
    }
    for id in [c.refund_of, c.corrects] {
        t.optional_int(id);
    }
    match &c.office {
        Some(office) => t.text(office)?,
        None => t.null(),
    }
    let links = [
        c.links.advance.as_ref().map(|a| a.0),
        c.links.commitment.as_ref().map(|a| a.0),
        c.allocation_id,
    ];
    for id in links {
        t.optional_int(id);
    }
    Ok(())
}

/// A grant's voucher as 64 bits (`DefaultHasher::new` always starts from the same keys).
fn print(grant: i64, voucher: &str) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    grant.hash(&mut hasher);
    voucher.hash(&mut hasher);
    hasher.finish()
}

/// One tuple of a binary COPY, field by field: each a length and the value's bytes, -1 for NULL.
struct Tuple<'b>(&'b mut Vec<u8>);

impl Tuple<'_> {
    fn int(&mut self, n: i64) {
        self.0.extend_from_slice(&8i32.to_be_bytes());
        self.0.extend_from_slice(&n.to_be_bytes());
    }

    fn null(&mut self) {
        self.0.extend_from_slice(&(-1i32).to_be_bytes());
    }

    fn optional_int(&mut self, n: Option<i64>) {
        match n {
            Some(n) => self.int(n),
            None => self.null(),
        }
    }

    fn text(&mut self, s: &str) -> Result<()> {
        self.0.extend_from_slice(&length(s.len())?.to_be_bytes());
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }

    /// A value's text as `Display` writes it, without a string between.
    fn display(&mut self, value: &impl std::fmt::Display) -> Result<()> {
        let at = self.0.len();
        self.0.extend_from_slice(&[0; 4]);
        write!(self.0, "{value}")?;
        let len = length(self.0.len() - at - 4)?;
        self.0[at..at + 4].copy_from_slice(&len.to_be_bytes());
        Ok(())
    }
}

fn length(len: usize) -> Result<i32> {
    i32::try_from(len).map_err(|_| Error::invalid("a value is too long to store"))
}
