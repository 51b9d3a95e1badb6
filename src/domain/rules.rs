//! Donor rules (issue 16): what a donor lets a budget revision move without its approval, how
//! high indirect costs may go, and the judgement of a revision against them. Pure: the ledger
//! loads the rules and the budgets, and refuses what [`judge_revision`] refuses.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Error, Result};

/// What a reallocation limit is a percentage of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// The grant's amount: the money moved between lines, added up (2 CFR 200.308's 10 %).
    Total,
    /// Each line's budget: the change of every line (UN FACE's 20 % per line).
    Line,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Total => "total",
            Basis::Line => "line",
        }
    }

    pub fn parse(text: &str) -> Result<Basis> {
        match text.trim() {
            "total" => Ok(Basis::Total),
            "line" => Ok(Basis::Line),
            other => Err(Error::invalid(format!(
                "reallocation basis {other:?}: write total (percent of the grant) or line \
                 (percent of each line's budget)"
            ))),
        }
    }
}

/// One set of rules, a donor's or a grant's; a field left `None` on a grant is its donor's.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Rules {
    pub reallocation_limit: Option<Decimal>,
    pub basis: Option<Basis>,
    pub indirect_cap: Option<Decimal>,
    pub revision_approval: Option<bool>,
}

impl Rules {
    /// These rules with `other`'s fields where it sets them: a grant's over its donor's, or
    /// a command's options over what is stored.
    pub fn overridden_by(&self, other: &Rules) -> Rules {
        Rules {
            reallocation_limit: other.reallocation_limit.or(self.reallocation_limit),
            basis: other.basis.or(self.basis),
            indirect_cap: other.indirect_cap.or(self.indirect_cap),
            revision_approval: other.revision_approval.or(self.revision_approval),
        }
    }

    /// The basis a limit is read on when none is set: the grant's total.
    pub fn basis(&self) -> Basis {
        self.basis.unwrap_or(Basis::Total)
    }
}

/// One line of a revision: its amount in the base revision (last approved, or the original)
/// and in the new one, and what it has spent.
#[derive(Debug, Clone, PartialEq)]
pub struct LineMove {
    pub code: String,
    pub base: Decimal,
    pub new: Decimal,
    pub spent: Decimal,
}

impl LineMove {
    /// The change as a percentage of the base amount; none for a line the base did not fund.
    pub fn pct(&self) -> Option<Decimal> {
        (!self.base.is_zero()).then(|| (self.new - self.base) * Decimal::ONE_HUNDRED / self.base)
    }
}

/// What a revision moves from its base: the money put into lines that grew and the money taken
/// from lines that shrank; the larger is what moved (money cut and left unallocated moves
/// too: it is not spent on what the donor approved).
pub fn moved(lines: &[LineMove]) -> Decimal {
    let up: Decimal = lines
        .iter()
        .map(|l| (l.new - l.base).max(Decimal::ZERO))
        .sum();
    let down: Decimal = lines
        .iter()
        .map(|l| (l.base - l.new).max(Decimal::ZERO))
        .sum();
    up.max(down)
}

/// The verdict on a revision: whether it needs the donor's approval, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub moved: Decimal,
    /// `moved` as a percentage of the grant's amount.
    pub moved_pct: Decimal,
    /// Why the donor must approve it; empty when it needs no approval.
    pub needs_approval: Vec<String>,
}

/// Judge a revision of a grant of `amount` against `rules`. A line cut below what it has spent
/// is refused outright (the money is gone; no approval brings it back).
pub fn judge_revision(
    rules: &Rules,
    amount: Decimal,
    lines: &[LineMove],
    plain: impl Fn(Decimal) -> String,
) -> Result<Verdict> {
    if let Some(l) = lines.iter().find(|l| l.new < l.spent && l.new < l.base) {
        return Err(Error::invalid(format!(
            "budget line {} would be cut to {}, below the {} it has already spent; give it at \
             least {}, or void or move the expenses first",
            l.code,
            plain(l.new),
            plain(l.spent),
            plain(l.spent)
        )));
    }
    let moved = moved(lines);
    let moved_pct = if amount.is_zero() {
        Decimal::ZERO
    } else {
        moved * Decimal::ONE_HUNDRED / amount
    };
    let mut needs = Vec::new();
    if rules.revision_approval == Some(true) {
        needs.push("the donor approves every budget revision".to_string());
    }
    if let Some(limit) = rules.reallocation_limit {
        let pct = |p: Decimal| p.round_dp(1).normalize();
        match rules.basis() {
            Basis::Total if moved_pct > limit => needs.push(format!(
                "it moves {} ({} % of the grant) since the last approved budget, beyond the \
                 donor's {limit} %",
                plain(moved),
                pct(moved_pct)
            )),
            Basis::Total => {}
            Basis::Line => {
                for l in lines {
                    match l.pct() {
                        Some(p) if p.abs() > limit => needs.push(format!(
                            "line {} changes by {} % of its approved {}, beyond the donor's \
                             {limit} % per line",
                            l.code,
                            pct(p),
                            plain(l.base)
                        )),
                        None if !l.new.is_zero() => needs.push(format!(
                            "line {} is new, and the donor approved no budget for it",
                            l.code
                        )),
                        _ => {}
                    }
                }
            }
        }
    }
    Ok(Verdict {
        moved,
        moved_pct,
        needs_approval: needs,
    })
}

/// Indirect costs as a percentage of direct costs, when they are above `cap`; none without
/// direct costs to compare with.
pub fn indirect_over_cap(direct: Decimal, indirect: Decimal, cap: Decimal) -> Option<Decimal> {
    if direct.is_zero() {
        return None;
    }
    let pct = indirect * Decimal::ONE_HUNDRED / direct;
    (pct > cap).then_some(pct)
}

#[cfg(test)]
mod tests;

/// A grant's direct and indirect costs, budgeted and spent, as the cap compares them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndirectCosts {
    pub direct_budget: Decimal,
    pub indirect_budget: Decimal,
    pub direct_spent: Decimal,
    pub indirect_spent: Decimal,
}

/// What breaks the donor's indirect-cost cap, in words: the budget's indirect lines, and the
/// spend on them, each in percent of the direct ones (one decimal, rounded as shown).
pub fn indirect_cap_findings(costs: &IndirectCosts, cap: Decimal) -> Vec<String> {
    let shown = |p: Decimal| {
        let mut p = p.round_dp_with_strategy(1, crate::domain::money::ROUNDING);
        p.rescale(1);
        p
    };
    let mut found = Vec::new();
    let pairs = [
        (
            "the budget sets",
            costs.direct_budget,
            costs.indirect_budget,
        ),
        (
            "spend to date puts",
            costs.direct_spent,
            costs.indirect_spent,
        ),
    ];
    for (what, direct, indirect) in pairs {
        if let Some(pct) = indirect_over_cap(direct, indirect, cap) {
            found.push(format!(
                "{what} indirect costs at {} % of direct costs, above the donor's cap of {} %",
                shown(pct),
                cap.normalize()
            ));
        }
    }
    found
}
