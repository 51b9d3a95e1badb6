//! Donor rules, a donor's and a grant's (`donor_rule`, schema section 10).

use rust_decimal::Decimal;

use super::Ledger;
use super::budget::{LineChange, load_budget};
use super::lookup::{self, optional_decimal};
use crate::db::sql::{Conn, Row, params};
use crate::domain::rules::{Basis, LineMove, Rules, Verdict, judge_revision};
use crate::domain::{Budget, Grant};
use crate::error::{Error, Result};

/// Whose rules: a donor's (by code) or a grant's (by reference).
#[derive(Debug, Clone, Copy)]
pub enum RuleOwner<'a> {
    Donor(&'a str),
    Grant(&'a str),
}

impl RuleOwner<'_> {
    fn is_donor(self) -> bool {
        matches!(self, RuleOwner::Donor(_))
    }

    pub fn key(self) -> String {
        match self {
            RuleOwner::Donor(code) => format!("donor {code}"),
            RuleOwner::Grant(reference) => format!("grant {reference}"),
        }
    }

    fn id(self, conn: &Conn) -> Result<i64> {
        match self {
            RuleOwner::Donor(code) => lookup::donor_id(conn, code),
            RuleOwner::Grant(reference) => Ok(lookup::grant(conn, reference)?.id),
        }
    }
}

impl Ledger {
    /// Set some of `owner`'s rules: the fields `changes` sets replace the stored ones, the rest
    /// stay. Audited, with the rules before and after.
    pub fn set_rules(&mut self, owner: RuleOwner, changes: &Rules) -> Result<Rules> {
        self.write(|w| {
            let conn = w.conn();
            let id = owner.id(conn)?;
            let before = stored(conn, owner.is_donor(), id)?;
            let after = before.clone().unwrap_or_default().overridden_by(changes);
            let delete = match owner {
                RuleOwner::Donor(_) => "DELETE FROM donor_rule WHERE donor_id = ?1",
                RuleOwner::Grant(_) => "DELETE FROM donor_rule WHERE grant_id = ?1",
            };
            conn.execute(delete, [id])?;
            let (donor, grant) = match owner {
                RuleOwner::Donor(_) => (Some(id), None),
                RuleOwner::Grant(_) => (None, Some(id)),
            };
            conn.execute(
                "INSERT INTO donor_rule (donor_id, grant_id, reallocation_limit, basis,
                 indirect_cap, revision_approval) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    donor,
                    grant,
                    after.reallocation_limit.map(|d| d.to_string()),
                    after.basis.map(Basis::as_str),
                    after.indirect_cap.map(|d| d.to_string()),
                    after.revision_approval
                ],
            )?;
            w.audit("set", "rules", &owner.key(), before.as_ref(), Some(&after))?;
            Ok(after)
        })
    }

    /// `owner`'s own rules as stored (a grant's without its donor's); empty when none are set.
    pub fn rules_of(&self, owner: RuleOwner) -> Result<Rules> {
        let id = owner.id(&self.conn)?;
        Ok(stored(&self.conn, owner.is_donor(), id)?.unwrap_or_default())
    }

    /// The rules a grant answers to: its own over its donor's.
    pub fn grant_rules(&self, reference: &str) -> Result<Rules> {
        let grant = lookup::grant(&self.conn, reference)?;
        rules_for(&self.conn, &grant)
    }
}

/// The rules `grant` answers to: its own over its donor's.
pub fn rules_for(conn: &Conn, grant: &Grant) -> Result<Rules> {
    let donor = lookup::donor_id(conn, &grant.donor)?;
    let of_donor = stored(conn, true, donor)?.unwrap_or_default();
    let of_grant = stored(conn, false, grant.id)?.unwrap_or_default();
    Ok(of_donor.overridden_by(&of_grant))
}

/// The rules stored for a donor (`of_donor`) or a grant of that id, if any.
fn stored(conn: &Conn, of_donor: bool, id: i64) -> Result<Option<Rules>> {
    let sql = if of_donor {
        "SELECT reallocation_limit, basis, indirect_cap, revision_approval FROM donor_rule
         WHERE donor_id = ?1"
    } else {
        "SELECT reallocation_limit, basis, indirect_cap, revision_approval FROM donor_rule
         WHERE grant_id = ?1"
    };
    conn.query_opt(sql, [id], rules_from_row)
}

fn rules_from_row(r: &Row) -> Result<Rules> {
    let basis: Option<String> = r.get(1)?;
    Ok(Rules {
        reallocation_limit: optional_decimal(r, 0)?,
        basis: basis.as_deref().map(Basis::parse).transpose()?,
        indirect_cap: optional_decimal(r, 2)?,
        revision_approval: r.get(3)?,
    })
}

/// Judge a revision of `grant` from `previous` by `changes` against the grant's rules, from
/// the last revision the donor approved (or the original budget): a line cut below its spend
/// is refused, and beyond the rules the revision needs `approved_by`.
pub(super) fn judge(
    conn: &Conn,
    grant: &Grant,
    previous: &Budget,
    changes: &[LineChange],
    approved_by: Option<&str>,
) -> Result<Verdict> {
    let rules = rules_for(conn, grant)?;
    let base_number: i64 = conn.one(
        "SELECT coalesce(max(number), 1) FROM budget_revision
         WHERE grant_id = ?1 AND number <= ?2 AND approved_by IS NOT NULL",
        params![grant.id, previous.revision.number],
    )?;
    let base = load_budget(conn, grant, base_number)?;
    let base_of = |code: &str| {
        base.lines
            .iter()
            .find(|l| l.code == code)
            .map_or(Decimal::ZERO, |l| l.amount)
    };
    let mut lines: Vec<LineMove> = previous
        .lines
        .iter()
        .map(|l| LineMove {
            code: l.code.clone(),
            base: base_of(&l.code),
            new: changes
                .iter()
                .find(|c| c.code() == l.code)
                .map_or(l.amount, LineChange::amount),
            spent: l.spent,
        })
        .collect();
    for change in changes {
        if !lines.iter().any(|l| l.code == change.code()) {
            lines.push(LineMove {
                code: change.code().to_string(),
                base: Decimal::ZERO,
                new: change.amount(),
                spent: Decimal::ZERO,
            });
        }
    }
    let currency = &grant.currency;
    let plain = |d: Decimal| format!("{} {}", currency.plain(d), currency.code);
    let verdict = judge_revision(&rules, grant.amount, &lines, plain)?;
    if approved_by.is_none() && !verdict.needs_approval.is_empty() {
        return Err(Error::invalid(format!(
            "this revision of grant {} needs the donor's approval: {}; once the donor has \
             approved it, give the approval's reference with --approved-by (e.g. --approved-by \
             'letter 2023/114 of 12 May 2023')",
            grant.reference,
            verdict.needs_approval.join("; ")
        )));
    }
    Ok(verdict)
}
