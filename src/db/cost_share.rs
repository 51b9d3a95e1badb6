//! Cost share (`grant_match`, `contribution`, schema section 13): a grant's required match, and
//! the contributions from others that count towards it, each converted into the grant's currency
//! as an advance or commitment is ([`Priced`]) and kept with the quote it used.

use chrono::NaiveDate;

use super::Ledger;
use super::advances::Priced;
use super::lookup::{self, decimal, quote_at, vocabulary};
use super::periods::{check_record_date, reference_taken, refuse_closed_period};
use super::sql::{Conn, Row, params};
use crate::domain::{
    Contribution, ContributionKind, Currency, Grant, MatchBasis, MatchRule, NewContribution, Void,
};
use crate::error::{Error, Result, field};

/// Every contribution with its grant, line and currencies; a query's condition follows.
macro_rules! contribution_select {
    ($tail:literal) => {
        concat!(
            "SELECT k.id, g.reference, k.contributor, k.kind, k.reference, k.date, k.currency,
                cc.minor_units, k.amount_minor, k.fx_base, k.fx_quote, k.fx_rate, g.currency,
                gc.minor_units, k.grant_amount_minor, k.basis, l.code, k.office, k.recorded_at,
                k.voided_at, k.void_reason
             FROM contribution k JOIN grant_agreement g ON g.id = k.grant_id
             LEFT JOIN budget_line l ON l.id = k.line_id
             JOIN currency cc ON cc.code = k.currency
             JOIN currency gc ON gc.code = g.currency ",
            $tail
        )
    };
}

impl Ledger {
    /// Set (or with `None` remove) a grant's required match. Audited, before and after.
    pub fn set_match(
        &mut self,
        grant: &str,
        rule: Option<&MatchRule>,
    ) -> Result<Option<MatchRule>> {
        self.write(|w| {
            let conn = w.conn();
            let grant = lookup::grant(conn, grant).map_err(field("grant"))?;
            let before = match_of(conn, &grant)?;
            conn.execute("DELETE FROM grant_match WHERE grant_id = ?1", [grant.id])?;
            if let Some(rule) = rule {
                conn.execute(
                    "INSERT INTO grant_match (grant_id, percent, basis) VALUES (?1, ?2, ?3)",
                    params![grant.id, rule.percent.to_string(), rule.basis.as_str()],
                )?;
            }
            let action = if rule.is_some() { "set" } else { "remove" };
            w.audit(action, "match", &grant.reference, before.as_ref(), rule)?;
            Ok(rule.cloned())
        })
    }

    /// A grant's required match, if its agreement sets one.
    pub fn grant_match(&self, grant: &Grant) -> Result<Option<MatchRule>> {
        match_of(&self.conn, grant)
    }

    /// Record a contribution towards a grant's match: dated within the grant and outside its
    /// closed periods, on one of its lines if one is named, under a reference no live
    /// contribution of the grant holds, converted into the grant's currency.
    pub fn add_contribution(&mut self, new: &NewContribution) -> Result<Contribution> {
        new.check_basis()?;
        self.write(|w| {
            let conn = w.conn();
            let grant = lookup::grant(conn, &new.grant).map_err(field("grant"))?;
            let line_id = match &new.line {
                Some(code) => Some(lookup::line_id(conn, &grant, code).map_err(field("line"))?),
                None => None,
            };
            let recording = "record a contribution dated";
            check_record_date(conn, &grant, "contribution", recording, new.date)?;
            if live(conn, &grant, &new.reference)?.is_some() {
                let listing = "match list";
                return Err(reference_taken(
                    "contribution",
                    &new.reference,
                    &grant,
                    listing,
                ));
            }
            let given = (new.currency.as_deref(), new.rate, new.rate_base.as_deref());
            let (priced, grant_amount) = Priced::amount(
                conn,
                &grant,
                given,
                new.date,
                new.amount,
                "contribution amount",
            )?;
            let office = w.entry_office(&grant, new.office.as_deref())?;
            let quote = priced.quote.as_ref();
            let id = conn.insert(
                "INSERT INTO contribution (grant_id, line_id, contributor, kind, reference, date,
                     currency, amount_minor, fx_base, fx_quote, fx_rate, grant_amount_minor,
                     basis, office, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                params![
                    grant.id,
                    line_id,
                    new.contributor.trim(),
                    new.kind.as_str(),
                    new.reference.trim(),
                    new.date,
                    priced.currency.code,
                    priced.currency.to_minor(new.amount)?,
                    quote.map(|q| &q.base),
                    quote.map(|q| &q.quote),
                    quote.map(|q| q.rate.to_string()),
                    grant.currency.to_minor(grant_amount)?,
                    new.basis.trim(),
                    office,
                    w.at,
                ],
            )?;
            let after = find(conn, id)?;
            w.audit(
                "add",
                "contribution",
                &key(&after),
                None::<&Contribution>,
                Some(&after),
            )?;
            Ok(after)
        })
    }

    /// Void a grant's live contribution `reference`, with the reason; one dated in a closed
    /// period stays as it was filed.
    pub fn void_contribution(
        &mut self,
        grant: &str,
        reference: &str,
        reason: &str,
    ) -> Result<Contribution> {
        self.write(|w| {
            let conn = w.conn();
            let grant = lookup::grant(conn, grant).map_err(field("grant"))?;
            let before = live(conn, &grant, reference)?.ok_or_else(|| {
                Error::invalid(format!(
                    "no live contribution {:?} on grant {}; see `grantbook match list --grant {}`",
                    reference.trim(),
                    grant.reference,
                    grant.reference
                ))
                .in_field("reference")
            })?;
            refuse_closed_period(conn, &grant, before.date, "void a contribution dated")?;
            conn.execute(
                "UPDATE contribution SET voided_at = ?1, void_reason = ?2 WHERE id = ?3",
                params![w.at, reason, before.id],
            )?;
            let after = find(conn, before.id)?;
            w.audit(
                "void",
                "contribution",
                &key(&after),
                Some(&before),
                Some(&after),
            )?;
            Ok(after)
        })
    }

    /// A grant's contributions dated on or before `as_of`, by date; voided ones only if asked.
    pub fn contributions(
        &self,
        grant: &Grant,
        as_of: NaiveDate,
        include_void: bool,
    ) -> Result<Vec<Contribution>> {
        self.conn.query_map(
            contribution_select!(
                "WHERE k.grant_id = ?1 AND k.date <= ?2 AND (?3 OR k.voided_at IS NULL)
                 ORDER BY k.date, k.id"
            ),
            params![grant.id, as_of, include_void],
            contribution_from_row,
        )
    }
}

fn key(c: &Contribution) -> String {
    format!("{}/{}", c.grant, c.reference)
}

fn match_of(conn: &Conn, grant: &Grant) -> Result<Option<MatchRule>> {
    conn.query_opt(
        "SELECT percent, basis FROM grant_match WHERE grant_id = ?1",
        [grant.id],
        |r| {
            Ok(MatchRule {
                percent: decimal(r, 0)?,
                basis: vocabulary(r, 1, MatchBasis::parse)?,
            })
        },
    )
}

/// The live contribution of `grant` holding `reference`, if any.
fn live(conn: &Conn, grant: &Grant, reference: &str) -> Result<Option<Contribution>> {
    conn.query_opt(
        contribution_select!("WHERE k.grant_id = ?1 AND k.reference = ?2 AND k.voided_at IS NULL"),
        params![grant.id, reference.trim()],
        contribution_from_row,
    )
}

fn find(conn: &Conn, id: i64) -> Result<Contribution> {
    conn.query_opt(
        contribution_select!("WHERE k.id = ?1"),
        [id],
        contribution_from_row,
    )?
    .ok_or_else(|| Error::runtime("a contribution just written cannot be read back"))
}

fn contribution_from_row(r: &Row) -> Result<Contribution> {
    let currency = Currency::new(&r.get::<_, String>(6)?, r.get(7)?);
    let grant_currency = Currency::new(&r.get::<_, String>(12)?, r.get(13)?);
    let void = match (r.get::<_, Option<String>>(19)?, r.get(20)?) {
        (Some(at), Some(reason)) => Some(Void { at, reason }),
        _ => None,
    };
    Ok(Contribution {
        id: r.get(0)?,
        grant: r.get(1)?,
        contributor: r.get(2)?,
        kind: vocabulary(r, 3, ContributionKind::parse)?,
        reference: r.get(4)?,
        date: r.get(5)?,
        amount: currency.from_minor(r.get(8)?),
        rate: quote_at(r, 9)?,
        grant_amount: grant_currency.from_minor(r.get(14)?),
        basis: r.get(15)?,
        line: r.get(16)?,
        office: r.get(17)?,
        recorded_at: r.get(18)?,
        void,
        currency,
        grant_currency,
    })
}
