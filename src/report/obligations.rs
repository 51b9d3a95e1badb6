//! Advances and commitments as people read them: each with what is left of it, and the
//! advances by partner with the old ones flagged.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::{Advance, Commitment, Currency};
use crate::error::Result;
use crate::render::{Cell, Document, Table, Tone, col, detail, prose};

/// Advances outstanding longer than this many days are flagged, unless told otherwise.
pub const ADVANCE_AGE_LIMIT: i64 = 180;

/// `advance list`: each advance, what the partner has accounted for and what is outstanding.
pub fn advances(list: &[Advance], as_of: NaiveDate, limit_days: i64, title: &str) -> Document {
    let mut t = Table::new(&[
        col("grant", "Grant"),
        col("reference", "Reference"),
        prose("partner", "Partner"),
        col("date", "Date"),
        col("currency", "Cur"),
        col("advanced", "Advanced"),
        col("liquidated", "Liquidated"),
        col("returned", "Returned"),
        col("outstanding", "Outstanding"),
        col("age_days", "Days"),
        col("flag", "Flag"),
        detail("outstanding_grant_currency", "Outstanding, grant currency"),
        detail("description", "Description"),
        detail("void_reason", "Void reason"),
        col("office", "Office"),
    ])
    .spare(&["office", "returned", "grant"]);
    for a in list {
        let c = &a.currency;
        let outstanding = a.outstanding();
        t.push(vec![
            Cell::text(&a.grant),
            Cell::text(&a.reference),
            Cell::text(&a.partner),
            Cell::Date(a.date),
            Cell::text(&c.code),
            Cell::amount(a.amount, c),
            Cell::amount(a.liquidated, c),
            Cell::amount(a.returned, c),
            Cell::amount(outstanding, c),
            Cell::Int(a.age(as_of)),
            flag(a, as_of, limit_days),
            a.outstanding_in_grant()
                .map_or(Cell::Empty, |v| Cell::amount(v, &a.grant_currency)),
            Cell::text(&a.description),
            Cell::optional(a.void.as_ref(), |v| Cell::text(&v.reason)),
            Cell::optional(a.office.as_deref(), Cell::text),
        ]);
    }
    Document::table("advances", title, t.without_empty("office"))
}

fn flag(a: &Advance, as_of: NaiveDate, limit_days: i64) -> Cell {
    if a.void.is_some() {
        Cell::Status("void".into(), Tone::Calm)
    } else if a.overdue(as_of, limit_days) {
        Cell::Status(format!("over {limit_days} days"), Tone::Alarm)
    } else if a.outstanding().is_zero() {
        Cell::Status("settled".into(), Tone::Calm)
    } else {
        Cell::Empty
    }
}

/// One partner's advances in one currency, added up.
struct PartnerTotals<'a> {
    partner: &'a str,
    currency: &'a Currency,
    count: i64,
    advanced: Decimal,
    liquidated: Decimal,
    returned: Decimal,
    outstanding: Decimal,
    overdue: Decimal,
    oldest_days: i64,
}

/// `report advances`: each partner's advances added up per currency, with what has been
/// outstanding longer than `limit_days` on `as_of`.
pub fn advances_by_partner(list: &[Advance], as_of: NaiveDate, limit_days: i64) -> Document {
    let mut totals: Vec<PartnerTotals> = Vec::new();
    for a in list.iter().filter(|a| a.void.is_none()) {
        let at = totals
            .iter()
            .position(|t| t.partner == a.partner && t.currency.code == a.currency.code);
        let t = match at {
            Some(i) => &mut totals[i],
            None => {
                totals.push(PartnerTotals {
                    partner: &a.partner,
                    currency: &a.currency,
                    count: 0,
                    advanced: Decimal::ZERO,
                    liquidated: Decimal::ZERO,
                    returned: Decimal::ZERO,
                    outstanding: Decimal::ZERO,
                    overdue: Decimal::ZERO,
                    oldest_days: 0,
                });
                totals.last_mut().expect("just pushed")
            }
        };
        t.count += 1;
        t.advanced += a.amount;
        t.liquidated += a.liquidated;
        t.returned += a.returned;
        t.outstanding += a.outstanding();
        if a.overdue(as_of, limit_days) {
            t.overdue += a.outstanding();
        }
        if !a.outstanding().is_zero() {
            t.oldest_days = t.oldest_days.max(a.age(as_of));
        }
    }
    totals.sort_by(|a, b| (a.partner, &a.currency.code).cmp(&(b.partner, &b.currency.code)));
    let mut t = Table::new(&[
        prose("partner", "Partner"),
        col("currency", "Cur"),
        col("advances", "Adv."),
        col("advanced", "Advanced"),
        col("liquidated", "Liquidated"),
        col("returned", "Returned"),
        col("outstanding", "Outstanding"),
        col("overdue", "Overdue"),
        col("oldest_days", "Oldest"),
    ])
    .spare(&["returned", "advances"]);
    for p in &totals {
        let c = p.currency;
        t.push(vec![
            Cell::text(p.partner),
            Cell::text(&c.code),
            Cell::Int(p.count),
            Cell::amount(p.advanced, c),
            Cell::amount(p.liquidated, c),
            Cell::amount(p.returned, c),
            Cell::amount(p.outstanding, c),
            Cell::amount(p.overdue, c),
            Cell::Int(p.oldest_days),
        ]);
    }
    Document::table("advances", format!("Partner advances as of {as_of}"), t).with(
        "notes",
        "",
        crate::render::Block::Note(vec![format!(
            "Outstanding = advanced − liquidated (the partner's reported expenses, which are \
             spend) − returned. Overdue: outstanding for more than {limit_days} days. Oldest: \
             days since the oldest advance with something outstanding."
        )]),
    )
}

/// `commitment list`: each commitment, what is paid and what is still open.
pub fn commitments(list: &[Commitment], title: &str) -> Result<Document> {
    let mut t = Table::new(&[
        col("grant", "Grant"),
        col("line", "Line"),
        col("reference", "Reference"),
        prose("vendor", "Vendor"),
        col("date", "Date"),
        col("currency", "Cur"),
        col("committed", "Committed"),
        col("paid", "Paid"),
        col("open", "Open"),
        col("closed_on", "Closed"),
        detail("open_grant_currency", "Open, grant currency"),
        detail("over_commit_reason", "Over-commit reason"),
        detail("close_reason", "Close reason"),
        detail("description", "Description"),
        col("office", "Office"),
    ])
    .spare(&["office", "closed_on", "grant"]);
    for c in list {
        let cur = &c.currency;
        t.push(vec![
            Cell::text(&c.grant),
            Cell::text(&c.line),
            Cell::text(&c.reference),
            Cell::text(&c.vendor),
            Cell::Date(c.date),
            Cell::text(&cur.code),
            Cell::amount(c.amount, cur),
            Cell::amount(c.paid, cur),
            Cell::amount(c.open(), cur),
            Cell::optional(c.closed_on, Cell::Date),
            Cell::amount(c.open_in_grant()?, &c.grant_currency),
            Cell::optional(c.over_commit_reason.as_deref(), Cell::text),
            Cell::optional(c.close_reason.as_deref(), Cell::text),
            Cell::text(&c.description),
            Cell::optional(c.office.as_deref(), Cell::text),
        ]);
    }
    Ok(Document::table(
        "commitments",
        title,
        t.without_empty("office"),
    ))
}
