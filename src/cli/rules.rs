//! `donor rules` and `grant rules`: a donor's rules for its grants, and a grant's own where its
//! agreement says otherwise (issue 16). Without options, they show what is set.

use clap::Args;

use super::Context;
use crate::db::rules::RuleOwner;
use crate::domain::money::parse_percent;
use crate::domain::rules::{Basis, Rules};
use crate::error::{Error, Result};
use crate::report::rules::rules_record;

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Percentage a budget revision may move without the donor's approval, cumulative since
    /// the last approved revision, e.g. 10 (2 CFR 200.308), 25 (EU heading), 20 (UN FACE line)
    #[arg(long, value_name = "PCT")]
    pub reallocation_limit: Option<String>,
    /// What the limit is a percentage of: total (the grant's amount, the default) or line
    /// (each line's approved budget)
    #[arg(long, value_name = "total|line")]
    pub basis: Option<String>,
    /// Most indirect costs may be, in percent of direct costs, e.g. 7
    #[arg(long, value_name = "PCT")]
    pub indirect_cap: Option<String>,
    /// Whether every budget revision needs the donor's approval, whatever it moves: yes or no
    #[arg(long, value_name = "yes|no")]
    pub revision_approval: Option<String>,
}

impl RulesArgs {
    pub fn parse(&self) -> Result<Rules> {
        let yes_no = |text: &str| match text.trim() {
            "yes" => Ok(true),
            "no" => Ok(false),
            other => Err(Error::invalid(format!(
                "--revision-approval {other:?}: write yes or no"
            ))),
        };
        Ok(Rules {
            reallocation_limit: self
                .reallocation_limit
                .as_deref()
                .map(|t| parse_percent("--reallocation-limit", t))
                .transpose()?,
            basis: self.basis.as_deref().map(Basis::parse).transpose()?,
            indirect_cap: self
                .indirect_cap
                .as_deref()
                .map(|t| parse_percent("--indirect-cap", t))
                .transpose()?,
            revision_approval: self.revision_approval.as_deref().map(yes_no).transpose()?,
        })
    }
}

/// Set the rules given, or show them when none is.
pub fn run(owner: RuleOwner, args: &RulesArgs, ctx: &mut Context) -> Result<()> {
    let changes = args.parse()?;
    let own = if changes == Rules::default() {
        ctx.ledger.rules_of(owner)?
    } else {
        ctx.ledger.set_rules(owner, &changes)?
    };
    let in_force = match owner {
        RuleOwner::Grant(reference) => Some(ctx.ledger.grant_rules(reference)?),
        RuleOwner::Donor(_) => None,
    };
    ctx.show(&rules_record(&owner.key(), &own, in_force.as_ref()))
}
