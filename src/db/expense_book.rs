//! Checking and writing expenses, one or a million, by the same rules. `expense add` and
//! `expense import` both go through an [`ExpenseBook`]: it looks up what a row refers to (grant,
//! line, currency, countries, closed periods, rates) once per transaction and keeps it, so an
//! import pays for a lookup once per grant or currency pair instead of once per row. Nothing
//! else changes while the book is open: it lives inside one write transaction.

use std::borrow::Cow;
// foldhash rather than std's SipHash: five look-ups a row of an import, 3 % of its inserting
// thread; the keys are the ledger's own codes, not chosen by an attacker of the table.
use foldhash::{HashMap, HashSet};
use std::rc::Rc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::fx::RateTable;
use super::lookup;
use super::parties::project_countries;
use super::periods::{closed_periods, closed_refusal};
use crate::db::sql::Conn;
use crate::domain::fx::{check_against_stored, convert};
use crate::domain::money::{check_within_limit, within_limit};
use crate::domain::{Currency, ExpenseKind, FxRate, Grant, GrantStatus, NewExpense, Period, Quote};
use crate::error::{Error, Result, field};

mod links;
mod refunds;
mod staging;
mod writes;

use refunds::{at_its_rate, check_refund_within};

/// A grant as the book keeps it, with what its expenses are checked against.
pub(super) struct OpenGrant {
    pub grant: Grant,
    closed: Vec<Period>,
    countries: Vec<String>,
    /// The codes of its project's offices, in order; none in a ledger without offices.
    offices: Vec<String>,
}

/// An expense that passed every check, ready to insert.
pub(super) struct Checked<'n> {
    pub grant: Rc<OpenGrant>,
    pub line_id: i64,
    pub currency: Currency,
    pub quote: Option<Quote>,
    pub grant_amount: Decimal,
    /// Where `quote` came from: "stored" (the rate table) or "given" (typed with the entry).
    pub fx_source: Option<&'static str>,
    pub country: Cow<'n, str>,
    pub payee: Cow<'n, str>,
    /// The expense a refund reverses.
    pub refund_of: Option<i64>,
    /// The voided entry this one corrects.
    pub corrects: Option<i64>,
    /// The office that recorded it.
    pub office: Option<String>,
    /// The advance it liquidates and the commitment it pays.
    pub links: links::Links,
    /// The shared-cost payment it is a part of.
    pub allocation_id: Option<i64>,
    pub new: &'n NewExpense,
}

pub(super) struct ExpenseBook<'c> {
    conn: &'c Conn,
    grants: HashMap<String, Rc<OpenGrant>>,
    /// Line ids by grant id, then code.
    lines: HashMap<i64, HashMap<String, i64>>,
    currencies: HashMap<String, Currency>,
    countries: HashSet<String>,
    rates: RateTable<'c>,
    /// Which office entries without one of their own are recorded in.
    recording: Option<String>,
    /// Entries replayed from an export keep the office they had, none included.
    replaying: bool,
    /// Expenses with a larger id were written by this book, not found in the ledger.
    last_id_before: i64,
    /// The insert statement, prepared once (SQLite; PostgreSQL's client keeps its own).
    insert: Option<crate::db::sql::Unshared<'c>>,
    /// The rates inserted so far, as text, by their stored form: rows converted at the same
    /// rate (most of an import's) do without formatting it again.
    rate_text: HashMap<[u8; 16], std::rc::Rc<str>>,
    /// An import's rows waiting to be written (PostgreSQL; see [`ExpenseBook::for_import`]).
    staging: Option<staging::Staging>,
    /// The advances and commitments rows have named, as read and as this book's rows took them.
    obligations: links::Obligations,
}

impl<'c> ExpenseBook<'c> {
    pub fn new(conn: &'c Conn) -> Result<Self> {
        let last_id_before =
            conn.query_row("SELECT coalesce(max(id), 0) FROM expense", [], |r| r.get(0))?;
        Ok(ExpenseBook {
            conn,
            grants: HashMap::default(),
            lines: HashMap::default(),
            currencies: HashMap::default(),
            countries: HashSet::default(),
            rates: RateTable::new(conn),
            recording: None,
            replaying: false,
            last_id_before,
            insert: None,
            rate_text: HashMap::default(),
            staging: None,
            obligations: links::Obligations::default(),
        })
    }

    /// The book of an officer of `office` (None: one who set none), or of a replay.
    pub fn recording_for(mut self, office: super::Recording) -> Self {
        match office {
            super::Recording::By(office) => self.recording = office.map(str::to_string),
            super::Recording::AsGiven => self.replaying = true,
        }
        self
    }

    pub fn grant(&mut self, reference: &str) -> Result<Rc<OpenGrant>> {
        if let Some(open) = self.grants.get(reference) {
            return Ok(Rc::clone(open));
        }
        let grant = lookup::grant(self.conn, reference)?;
        let open = Rc::new(OpenGrant {
            closed: closed_periods(self.conn, &grant)?,
            countries: project_countries(self.conn, &grant.project)?,
            offices: super::offices::office_codes(self.conn, &grant.project)?,
            grant,
        });
        self.grants.insert(reference.to_string(), Rc::clone(&open));
        Ok(open)
    }

    /// Every check `expense add` makes, in the order it makes them, each error naming its field.
    pub fn check<'n>(&mut self, new: &'n NewExpense) -> Result<Checked<'n>> {
        let open = self.grant(&new.grant).map_err(field("grant"))?;
        let grant = &open.grant;
        if grant.status != GrantStatus::Active {
            return Err(Error::invalid(format!(
                "grant {} is {}, so it takes no expenses; if this one must be recorded, make \
                 it active with `grantbook grant status {} --set active --reason ...`",
                grant.reference, grant.status, grant.reference
            ))
            .in_field("grant"));
        }
        let reversed = match (&new.refund_of, new.kind) {
            (Some(of), ExpenseKind::Refund) => {
                Some(self.reversed(grant, of).map_err(field("refund_of"))?)
            }
            (Some(_), kind) => {
                return Err(Error::invalid(format!(
                    "refund_of names the expense a refund reverses, but this entry is an \
                     {kind}; give kind refund, or drop refund_of"
                ))
                .in_field("refund_of"));
            }
            (None, _) => None,
        };
        let original = reversed.as_ref().map(|r| &r.expense);
        let links = self.links(grant, new, original)?;
        let line = match (new.line.is_empty(), original) {
            (true, Some(o)) => o.line.as_str(),
            _ => new.line.as_str(),
        };
        let line_id = self.line(grant, line).map_err(field("line"))?;
        check_date(&open, new.date).map_err(field("date"))?;
        let given = new.office.as_deref().or(self.recording.as_deref());
        let office = match (given, self.replaying) {
            (None, true) => None,
            _ => super::offices::check_office(&open.grant.project, &open.offices, given)
                .map_err(field("office"))?,
        };
        if let Some(o) = original.filter(|o| new.date < o.date) {
            return Err(Error::invalid(format!(
                "the refund is dated {}, before expense #{} it reverses was paid ({}); date it \
                 when the money came back",
                new.date, o.id, o.date
            ))
            .in_field("date"));
        }
        let currency = match (&new.currency, original) {
            (Some(code), _) => self.currency(code).map_err(field("currency"))?,
            (None, Some(o)) => o.currency.clone(),
            (None, None) => links.currency.clone().unwrap_or(grant.currency.clone()),
        };
        self.check_links(grant, &links, new, line, &currency)?;
        currency
            .check_amount(new.kind.amount_label(), new.amount)
            .map_err(field("amount"))?;
        let country = match (&new.country, original) {
            (None, Some(o)) => Cow::Owned(o.country.clone()),
            (given, _) => self
                .country(&open, given.as_deref())
                .map_err(field("country"))?,
        };
        let payee = match (new.payee.is_empty(), original) {
            (true, Some(o)) => Cow::Owned(o.payee.clone()),
            _ => Cow::Borrowed(new.payee.as_str()),
        };
        // Money that comes back in the currency it was paid in comes back at the rate it was
        // paid at, so a refund of the whole expense takes back exactly what it counted.
        let same_money = original.filter(|o| {
            o.currency.code == currency.code && (new.rate.is_none() || at_its_rate(new, o, grant))
        });
        let (quote, fx_source) = match same_money {
            Some(o) => (o.rate.clone(), o.rate.as_ref().map(|_| "reversed")),
            // A partner's expenses count at the rate the advance they liquidate was paid at.
            None if new.rate.is_none() && links.advance_quote.is_some() => {
                (links.advance_quote.clone(), Some("given"))
            }
            None => {
                let quote = self.quote(grant, &currency, new)?;
                let source = quote.as_ref().map(|_| {
                    if new.rate.is_some() {
                        "given"
                    } else {
                        "stored"
                    }
                });
                (quote, source)
            }
        };
        if let Some(r) = reversed.as_ref().filter(|_| same_money.is_some()) {
            check_refund_within(r, new.amount, &currency, Decimal::ZERO, true)
                .map_err(field("amount"))?;
        }
        let grant_amount = match (&reversed, &quote) {
            (Some(r), _) if same_money.is_some() && new.amount == r.left_paid => {
                nothing_left_refused(r, &currency, &grant.currency).map_err(field("amount"))?;
                r.left
            }
            (_, Some(q)) => {
                converted(new.amount, &currency, q, &grant.currency).map_err(field("amount"))?
            }
            (_, None) => new.amount,
        };
        if let Some(r) = &reversed {
            check_refund_within(r, new.amount, &currency, grant_amount, same_money.is_some())
                .map_err(field("amount"))?;
        }
        Ok(Checked {
            grant: Rc::clone(&open),
            line_id,
            currency,
            quote,
            grant_amount,
            fx_source,
            country,
            payee,
            refund_of: original.map(|o| o.id),
            corrects: None,
            office,
            links,
            allocation_id: None,
            new,
        })
    }

    fn line(&mut self, grant: &Grant, code: &str) -> Result<i64> {
        let lines = self.lines.entry(grant.id).or_default();
        if let Some(id) = lines.get(code) {
            return Ok(*id);
        }
        let id = lookup::line_id(self.conn, grant, code)?;
        lines.insert(code.to_string(), id);
        Ok(id)
    }

    fn currency(&mut self, code: &str) -> Result<Currency> {
        if let Some(c) = self.currencies.get(code) {
            return Ok(c.clone());
        }
        let currency = lookup::currency(self.conn, code)?;
        self.currencies.insert(code.to_string(), currency.clone());
        Ok(currency)
    }

    /// The expense's country: as given, or the project's if it works in only one. It must be
    /// one of the project's countries, which catches a mistyped code that happens to exist (MA
    /// for MR).
    fn country<'n>(&mut self, open: &OpenGrant, given: Option<&'n str>) -> Result<Cow<'n, str>> {
        let (grant, countries) = (&open.grant, &open.countries);
        match given {
            Some(code) => {
                if !self.countries.contains(code) {
                    lookup::country(self.conn, code)?;
                    self.countries.insert(code.to_string());
                }
                if !countries.iter().any(|c| c == code) {
                    return Err(Error::invalid(format!(
                        "country {code} is not one of project {}'s countries ({}); check the \
                         code, or add the country to the project with `grantbook project amend \
                         {} --add-country {code} --date ... --reason ...`",
                        grant.project,
                        countries.join(", "),
                        grant.project
                    )));
                }
                Ok(Cow::Borrowed(code))
            }
            None => match countries.as_slice() {
                [only] => Ok(Cow::Owned(only.clone())),
                _ => Err(Error::invalid(format!(
                    "project {} works in {}; say which with --country (in a file, a country column)",
                    grant.project,
                    countries.join(", ")
                ))),
            },
        }
    }

    /// The quote converting the expense into grant currency: none when it is already in it,
    /// the one given with `--rate`, or the stored rate in force on the expense's date.
    fn quote(
        &mut self,
        grant: &Grant,
        currency: &Currency,
        new: &NewExpense,
    ) -> Result<Option<Quote>> {
        if currency.code == grant.currency.code {
            if new.rate.is_some() {
                return Err(Error::invalid(format!(
                    "--rate given, but the expense is in {}, the grant's own currency; drop \
                     --rate",
                    currency.code
                ))
                .in_field("rate"));
            }
            return Ok(None);
        }
        let stored = self.stored_quote(&currency.code, &grant.currency.code, new.date)?;
        if let Some(rate) = new.rate {
            if rate.is_zero() {
                return Err(Error::invalid("--rate must be more than zero").in_field("rate"));
            }
            let (base, quote) = match new.rate_base.as_deref() {
                None => (&grant.currency.code, &currency.code),
                Some(base) if base == grant.currency.code => (&grant.currency.code, &currency.code),
                Some(base) if base == currency.code => (&currency.code, &grant.currency.code),
                Some(other) => {
                    return Err(Error::invalid(format!(
                        "the rate's base {other} is neither the grant's currency {} nor the \
                         expense's {}; a rate counts one of either",
                        grant.currency.code, currency.code
                    ))
                    .in_field("rate_base"));
                }
            };
            let given = Quote {
                base: base.clone(),
                quote: quote.clone(),
                rate,
            };
            if let Some(stored) = &stored {
                check_against_stored(&given, stored, new.force_rate).map_err(field("rate"))?;
            }
            return Ok(Some(given));
        }
        stored.map(Some).ok_or_else(|| {
            Error::invalid(format!(
                "no exchange rate between {} and {} on or before {}; add one with `grantbook \
                 fx set --from {} --to {} --rate RATE --valid-from DATE`, or give --rate",
                currency.code, grant.currency.code, new.date, grant.currency.code, currency.code
            ))
            .in_field("currency")
        })
    }

    /// The stored rate between two currencies in force on `date`.
    fn stored_quote(&mut self, from: &str, to: &str, date: NaiveDate) -> Result<Option<Quote>> {
        Ok(self.rates.in_force(from, to, date)?.map(FxRate::quote))
    }
}

/// The expense's date must fall within the grant and outside its closed periods.
fn check_date(open: &OpenGrant, date: NaiveDate) -> Result<()> {
    super::grants::check_within(&open.grant, "expense date", date)?;
    match open.closed.iter().find(|p| p.dates().contains(date)) {
        Some(period) => Err(closed_refusal(
            period,
            &open.grant,
            date,
            "record an expense dated",
        )),
        None => Ok(()),
    }
}

/// The amount in grant currency, refused when it rounds to nothing or grows past the limit.
/// The last of an expense's money coming back takes what is left of it in the grant's
/// currency; refunds rounded up on the way may have taken it all already.
fn nothing_left_refused(r: &refunds::Reversed, paid_in: &Currency, grant: &Currency) -> Result<()> {
    if !r.left.is_zero() {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "the refunds recorded on expense #{} already bring back all of its {} {} (each was \
         rounded to the {}), so the last {} {} of it count for nothing in the grant's \
         currency; no refund is needed for them",
        r.expense.id,
        grant.plain(r.expense.grant_amount),
        grant.code,
        grant.plain(grant.from_minor(1)),
        paid_in.plain(r.left_paid),
        paid_in.code
    )))
}

fn converted(amount: Decimal, from: &Currency, quote: &Quote, to: &Currency) -> Result<Decimal> {
    let result = convert(amount, from, quote, to)?;
    // Said only when refused: an import converts a million amounts that pass.
    let what = || {
        format!(
            "{} {} at {}",
            from.plain(amount),
            from.code,
            quote.describe()
        )
    };
    if result.is_zero() {
        return Err(Error::invalid(format!(
            "{} is less than the smallest amount of {} ({}); record it together with \
             other costs",
            what(),
            to.code,
            to.plain(to.from_minor(1))
        )));
    }
    if !within_limit(result) {
        check_within_limit(&format!("{} in {}:", what(), to.code), result)?;
    }
    Ok(result)
}
