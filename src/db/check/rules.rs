//! The check of donor rules that a ledger can break after the fact: indirect costs above the
//! donor's cap (issue 16), in the latest budget and in what is spent. A revision beyond the
//! reallocation limit is refused when it is made, so it needs no check here.

use crate::db::budget::load_budget;
use crate::db::lookup;
use crate::db::rules::rules_for;
use crate::db::sql::Conn;
use crate::domain::LineCategory;
use crate::domain::check::CheckOutcome;
use crate::domain::rules::{IndirectCosts, indirect_cap_findings};
use crate::error::Result;

pub(super) fn indirect_cap(conn: &Conn) -> Result<CheckOutcome> {
    let mut out = CheckOutcome::new(
        "indirect_cap",
        "indirect costs stay within the donor's cap, budgeted and spent",
    );
    let grants: Vec<(String, Option<i64>)> = conn.query_map(
        "SELECT g.reference, (SELECT max(number) FROM budget_revision r WHERE r.grant_id = g.id)
         FROM grant_agreement g ORDER BY g.reference",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    for (reference, latest) in grants {
        out.examined += 1;
        let grant = lookup::grant(conn, &reference)?;
        let (Some(cap), Some(number)) = (rules_for(conn, &grant)?.indirect_cap, latest) else {
            continue;
        };
        let budget = load_budget(conn, &grant, number)?;
        let mut costs = IndirectCosts {
            direct_budget: 0.into(),
            indirect_budget: 0.into(),
            direct_spent: 0.into(),
            indirect_spent: 0.into(),
        };
        for line in &budget.lines {
            if line.category == LineCategory::Indirect {
                costs.indirect_budget += line.amount;
                costs.indirect_spent += line.spent;
            } else {
                costs.direct_budget += line.amount;
                costs.direct_spent += line.spent;
            }
        }
        for problem in indirect_cap_findings(&costs, cap) {
            out.add(format!("grant {reference} (revision {number})"), problem);
        }
    }
    Ok(out)
}
