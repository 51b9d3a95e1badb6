//! Budget lines and their revisions. Revision 1 is the original budget; each revision holds an
//! amount for every line, so any revision can be read back whole.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::amendments::lowest_amount_from;
use super::lookup::{self, vocabulary};
use super::periods::refuse_closed_from;
use super::{Ledger, Writer};
use crate::db::sql::{Conn, Row, params};
use crate::domain::rules::Verdict;
use crate::domain::{Budget, BudgetLine, Grant, LineCategory, NewLine, Revision};
use crate::error::{Error, Result, field};

/// One line of a revision: a new amount for an existing line, or a new line in full.
#[derive(Debug, Clone)]
pub enum LineChange {
    Amount { code: String, amount: Decimal },
    New(NewLine),
}

impl LineChange {
    pub fn code(&self) -> &str {
        match self {
            LineChange::Amount { code, .. } => code,
            LineChange::New(line) => &line.code,
        }
    }

    pub fn amount(&self) -> Decimal {
        match self {
            LineChange::Amount { amount, .. } => *amount,
            LineChange::New(line) => line.amount,
        }
    }
}

/// The largest of the lines a revision sets, as a refusal names them (`new line NEWL of
/// 20210203.00`), so that the one typed wrong can be found among them.
fn largest_changes(changes: &[LineChange], grant: &Grant) -> String {
    const SHOWN: usize = 3;
    let amount = |c: &LineChange| match c {
        LineChange::Amount { amount, .. } => *amount,
        LineChange::New(line) => line.amount,
    };
    let mut largest: Vec<&LineChange> = changes.iter().collect();
    largest.sort_by_key(|c| std::cmp::Reverse(amount(c)));
    let mut shown: Vec<String> = largest
        .iter()
        .take(SHOWN)
        .map(|c| {
            let amount = grant.currency.plain(amount(c));
            match c {
                LineChange::Amount { code, .. } => format!("line {code:?} at {amount}"),
                LineChange::New(line) => format!("new line {:?} of {amount}", line.code),
            }
        })
        .collect();
    if changes.len() > SHOWN {
        shown.push(format!("{} more", changes.len() - SHOWN));
    }
    match shown.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

impl Ledger {
    /// The original budget of a grant (revision 1).
    pub fn set_budget(&mut self, reference: &str, lines: &[NewLine]) -> Result<Budget> {
        self.write(|w| {
            let grant = lookup::grant(w.conn(), reference)?;
            if let Some(current) = latest_revision(w.conn(), &grant)? {
                return Err(Error::invalid(format!(
                    "grant {reference} already has a budget (revision {}); change it with \
                     `grantbook budget revise`, which keeps the earlier version",
                    current.number
                )));
            }
            let changes: Vec<LineChange> = lines.iter().cloned().map(LineChange::New).collect();
            let original = Stored {
                number: 1,
                effective: grant.start,
                reason: "original budget",
                approved_by: None,
            };
            store_revision(w, &grant, &original, &changes).map(|r| r.budget)
        })
    }

    /// A new revision: the given lines change, every other line keeps its amount. It is judged
    /// against the grant's donor rules (see [`super::rules::judge`]): beyond them it needs
    /// `approved_by`, the donor's approval, which it keeps.
    pub fn revise_budget(
        &mut self,
        reference: &str,
        effective: NaiveDate,
        reason: &str,
        approved_by: Option<&str>,
        changes: &[LineChange],
    ) -> Result<Revised> {
        self.write(|w| {
            let grant = lookup::grant(w.conn(), reference)?;
            let Some(current) = latest_revision(w.conn(), &grant)? else {
                return Err(Error::invalid(format!(
                    "grant {reference} has no budget yet; set it first with `grantbook budget set`"
                )));
            };
            // A close-out realignment may be approved after the end date, but not a revision
            // dated in the future beyond it, which would lock every later one out.
            let today = chrono::Local::now().date_naive();
            if effective < grant.start || (effective > grant.end && effective > today) {
                return Err(Error::invalid(format!(
                    "revision date {effective} is outside grant {reference} ({}) and not a past \
                     close-out date; give the date the donor approved the revision",
                    grant.dates()
                )));
            }
            if effective < current.effective_date {
                return Err(Error::invalid(format!(
                    "revision date {effective} is before revision {} ({}); revisions go forward",
                    current.number, current.effective_date
                )));
            }
            // A close-out revision after the end is the final report's budget: it changes the
            // period holding the end date.
            let reaches = effective.min(grant.end);
            let doing = format!("make a budget revision effective {effective}");
            refuse_closed_from(w.conn(), &grant, reaches, &doing)?;
            let stored = Stored {
                number: current.number + 1,
                effective,
                reason,
                approved_by,
            };
            store_revision(w, &grant, &stored, changes)
        })
    }

    /// Check one line of a budget about to be set (`revising` false) or revised, as storing it
    /// will, so that a file's row can be refused with its place: its amount, and when
    /// revising, its code and name against the grant's lines. Each error names its field.
    pub fn check_budget_line(
        &self,
        reference: &str,
        change: &LineChange,
        revising: bool,
    ) -> Result<()> {
        let grant = lookup::grant(&self.conn, reference)?;
        check_change(&self.conn, &grant, change, revising).map(drop)
    }

    /// A grant's budget at `revision`, or the latest one.
    pub fn budget(&self, reference: &str, revision: Option<i64>) -> Result<Budget> {
        let grant = lookup::grant(&self.conn, reference)?;
        let number = match revision {
            Some(n) => n,
            None => latest_revision(&self.conn, &grant)?
                .map(|r| r.number)
                .ok_or_else(|| {
                    Error::invalid(format!(
                        "grant {reference} has no budget yet; set it with `grantbook budget set`"
                    ))
                })?,
        };
        load_budget(&self.conn, &grant, number)
    }

    pub fn revisions(&self, reference: &str) -> Result<Vec<Revision>> {
        let grant = lookup::grant(&self.conn, reference)?;
        let sql =
            "SELECT number, effective_date, reason, recorded_at, approved_by FROM budget_revision
             WHERE grant_id = ?1 ORDER BY number";
        let rows = self.conn.query_map(sql, [grant.id], revision_from_row)?;
        Ok(rows)
    }
}

/// A revision stored, and what it moved since the last approved one (nothing for the original).
pub struct Revised {
    pub budget: Budget,
    pub verdict: Option<Verdict>,
}

/// What a revision is stored as.
struct Stored<'a> {
    number: i64,
    effective: NaiveDate,
    reason: &'a str,
    approved_by: Option<&'a str>,
}

fn store_revision(
    w: &Writer,
    grant: &Grant,
    stored: &Stored,
    changes: &[LineChange],
) -> Result<Revised> {
    let Stored {
        number,
        effective,
        reason,
        approved_by,
    } = *stored;
    let conn = w.conn();
    if changes.is_empty() {
        return Err(Error::invalid(
            "no budget lines given; give at least one line",
        ));
    }
    for (i, change) in changes.iter().enumerate() {
        if changes[..i].iter().any(|c| c.code() == change.code()) {
            return Err(Error::invalid(format!(
                "budget line {:?} is given twice; give each line once",
                change.code()
            )));
        }
    }
    let previous = if number > 1 {
        Some(load_budget(conn, grant, number - 1)?)
    } else {
        None
    };
    let revision_id = conn.insert(
        "INSERT INTO budget_revision (grant_id, number, effective_date, reason, recorded_at,
         approved_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![grant.id, number, effective, reason, w.at, approved_by],
    )?;
    // Every line of the previous revision carries over unless changed.
    let mut amounts: Vec<(i64, Decimal)> = Vec::new();
    for line in previous.iter().flat_map(|b| &b.lines) {
        if !changes.iter().any(|c| c.code() == line.code) {
            amounts.push((lookup::line_id(conn, grant, &line.code)?, line.amount));
        }
    }
    for change in changes {
        let line_id = match (check_change(conn, grant, change, true)?, change) {
            (Some(id), _) => id,
            (None, LineChange::New(line)) => insert_line(conn, grant, line)?,
            (None, LineChange::Amount { code, .. }) => lookup::line_id(conn, grant, code)?,
        };
        amounts.push((line_id, change.amount()));
    }
    // Judged once every line is known to the grant, so a mistyped code is named as such.
    let verdict = previous
        .as_ref()
        .map(|p| super::rules::judge(conn, grant, p, changes, approved_by))
        .transpose()?;
    let total: Decimal = amounts.iter().map(|(_, a)| *a).sum();
    // The lines must fit the grant on every day they are in force: its amount now, and any
    // smaller one an amendment after their first day replaced.
    let ceiling = lowest_amount_from(conn, grant, effective)?;
    if total > ceiling {
        let when = if ceiling < grant.amount {
            format!("'s smallest amount from {effective} on")
        } else {
            String::new()
        };
        return Err(Error::invalid(format!(
            "with {}, the budget lines would total {} {}, more than grant {}{when} ({} {}); \
             lower the lines by {}",
            largest_changes(changes, grant),
            grant.currency.plain(total),
            grant.currency.code,
            grant.reference,
            grant.currency.plain(ceiling),
            grant.currency.code,
            grant.currency.plain(total - ceiling)
        )));
    }
    let insert_sql = "INSERT INTO budget_amount (revision_id, line_id, grant_id, amount_minor)
         VALUES (?1, ?2, ?3, ?4)";
    for (line_id, amount) in &amounts {
        conn.execute(
            insert_sql,
            params![
                revision_id,
                line_id,
                grant.id,
                grant.currency.to_minor(*amount)?
            ],
        )?;
    }
    let budget = load_budget(conn, grant, number)?;
    let action = if number == 1 { "set" } else { "revise" };
    w.audit(
        action,
        "budget",
        &format!("{} r{number}", grant.reference),
        previous.as_ref(),
        Some(&budget),
    )?;
    Ok(Revised { budget, verdict })
}

/// What one line of a budget or a revision must be, checked before the whole is: an amount in
/// the grant's currency; when `against_lines`, a line the grant has if only its amount is
/// given, and one given in full (a revision file may list every line) with the name and
/// category the grant's line of that code has. Returns the grant's line of that code, if any;
/// each error names its field.
fn check_change(
    conn: &Conn,
    grant: &Grant,
    change: &LineChange,
    against_lines: bool,
) -> Result<Option<i64>> {
    grant
        .currency
        .check_amount(
            &format!("amount of budget line {}", change.code()),
            change.amount(),
        )
        .map_err(field("amount"))?;
    if !against_lines {
        return Ok(None);
    }
    let line = match change {
        LineChange::Amount { code, .. } => {
            return lookup::line_id(conn, grant, code)
                .map(Some)
                .map_err(field("code"));
        }
        LineChange::New(line) => line,
    };
    let existing: Option<(i64, String, String)> = conn.query_opt(
        "SELECT id, name, category FROM budget_line WHERE grant_id = ?1 AND code = ?2",
        params![grant.id, line.code],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    match existing {
        Some((_, name, category)) if name != line.name || category != line.category.as_str() => {
            Err(Error::invalid(format!(
                "grant {} already has a budget line {:?} named {name:?} ({category}); a revision \
                 changes amounts only, so give it with the same name and category or as \
                 CODE=AMOUNT",
                grant.reference, line.code
            ))
            .in_field(if name != line.name {
                "name"
            } else {
                "category"
            }))
        }
        found => Ok(found.map(|(id, _, _)| id)),
    }
}

/// Add a line the grant does not have yet.
fn insert_line(conn: &Conn, grant: &Grant, line: &NewLine) -> Result<i64> {
    conn.insert(
        "INSERT INTO budget_line (grant_id, code, name, category) VALUES (?1, ?2, ?3, ?4)",
        params![grant.id, line.code, line.name, line.category.as_str()],
    )
}

fn latest_revision(conn: &Conn, grant: &Grant) -> Result<Option<Revision>> {
    conn.query_opt(
        "SELECT number, effective_date, reason, recorded_at, approved_by FROM budget_revision
             WHERE grant_id = ?1 ORDER BY number DESC LIMIT 1",
        [grant.id],
        revision_from_row,
    )
}

fn revision_from_row(r: &Row) -> Result<Revision> {
    Ok(Revision {
        number: r.get(0)?,
        effective_date: r.get(1)?,
        reason: r.get(2)?,
        recorded_at: r.get(3)?,
        approved_by: r.get(4)?,
    })
}

pub(super) fn load_budget(conn: &Conn, grant: &Grant, number: i64) -> Result<Budget> {
    let revision = conn
        .query_opt(
            "SELECT number, effective_date, reason, recorded_at, approved_by FROM budget_revision
             WHERE grant_id = ?1 AND number = ?2",
            params![grant.id, number],
            revision_from_row,
        )?
        .ok_or_else(|| {
            Error::invalid(format!(
                "grant {} has no budget revision {number}; `grantbook budget list --grant {} \
                 --revisions` shows them",
                grant.reference, grant.reference
            ))
        })?;
    let sql = "SELECT l.code, l.name, l.category, a.amount_minor,
            (SELECT coalesce(sum(e.spend_minor), 0) FROM expense e
              WHERE e.grant_id = r.grant_id AND e.line_id = l.id AND e.voided_at IS NULL)
         FROM budget_amount a
         JOIN budget_revision r ON r.id = a.revision_id
         JOIN budget_line l ON l.id = a.line_id
         WHERE r.grant_id = ?1 AND r.number = ?2
         ORDER BY l.id";
    let currency = &grant.currency;
    let lines = conn.query_map(sql, params![grant.id, number], |r| {
        Ok(BudgetLine {
            code: r.get(0)?,
            name: r.get(1)?,
            category: vocabulary(r, 2, LineCategory::parse)?,
            amount: currency.from_minor(r.get(3)?),
            spent: currency.from_minor(r.get(4)?),
        })
    })?;
    Ok(Budget {
        grant: grant.reference.clone(),
        currency: grant.currency.clone(),
        revision,
        lines,
    })
}
