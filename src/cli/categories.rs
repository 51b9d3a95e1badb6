//! `donor category` and `budget map`: a donor's reporting categories and which of them each
//! budget line of its grants reports under; `--by category` of the budget and donor reports
//! (issue 16).

use clap::{Args, Subcommand, ValueEnum};

use super::Context;
use crate::domain::categories::parse_mapping;
use crate::domain::{Grant, text};
use crate::error::{Error, Result};
use crate::render::Document;
use crate::report::actuals::Actuals;
use crate::report::categories::{
    by_category, categories_list, categories_table, category_actuals, mappings_list,
};

#[derive(Debug, Subcommand)]
pub enum CategoryCommand {
    /// Add a reporting category to a donor's: a heading of its financial reports
    #[command(
        after_help = "Examples:\n  grantbook donor category add --donor US-GOV --code a --name Personnel\n  \
                      grantbook donor category add --donor US-GOV --code b --name 'Fringe benefits'\n  \
                      grantbook donor category add --donor EU --code 1 --name 'Human resources'"
    )]
    Add {
        /// Donor code, e.g. JP-GOV
        #[arg(long)]
        donor: String,
        /// The category's code on the donor's form, e.g. a (SF-424A) or 1 (EU heading)
        #[arg(long)]
        code: String,
        /// Its name, e.g. Personnel
        #[arg(long)]
        name: String,
        /// Where it comes in the donor's order [default: after the last]
        #[arg(long, value_name = "N")]
        position: Option<i64>,
    },
    /// List a donor's reporting categories in its order
    #[command(after_help = "Example:\n  grantbook donor category list --donor JP-GOV")]
    List {
        /// Donor code, e.g. JP-GOV
        #[arg(long)]
        donor: String,
        #[command(flatten)]
        out: super::OutArgs,
    },
    /// Remove a category no budget line reports under
    #[command(after_help = "Example:\n  grantbook donor category remove --donor US-GOV --code g")]
    Remove {
        /// Donor code, e.g. JP-GOV
        #[arg(long)]
        donor: String,
        /// The category's code
        #[arg(long)]
        code: String,
    },
}

/// `budget map`: each line given reports under one category of the grant's donor.
#[derive(Debug, Args)]
pub struct MapArgs {
    /// Grant reference, e.g. JP-MA-MHPSS-2021
    #[arg(long)]
    grant: String,
    /// A line and the donor's category it reports under, LINE:CATEGORY (a line mapped
    /// already moves to the new category); none: show the mapping
    #[arg(value_name = "LINE:CATEGORY")]
    pairs: Vec<String>,
    /// Take a line out of its category (the report by category then refuses until it is
    /// mapped again)
    #[arg(long, value_name = "LINE")]
    unmap: Vec<String>,
}

/// How the budget and donor reports lay out budget against actuals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum By {
    /// One row per budget line
    #[default]
    Line,
    /// One row per reporting category of the grant's donor (`donor category`, `budget map`)
    Category,
}

pub fn category(command: CategoryCommand, ctx: &mut Context) -> Result<()> {
    match command {
        CategoryCommand::Add {
            donor,
            code,
            name,
            position,
        } => {
            let donor = donor.trim();
            let code = text::row_code("category code", &code)?;
            let name = text::required("category name", &name, 200)?;
            if position.is_some_and(|p| p < 1) {
                return Err(Error::invalid(
                    "--position counts from 1, the donor's first category",
                ));
            }
            ctx.ledger.add_category(donor, &code, &name, position)?;
            ctx.show(&categories_list(donor, &ctx.ledger.categories(donor)?))
        }
        CategoryCommand::List { donor, .. } => {
            let donor = donor.trim();
            ctx.show(&categories_list(donor, &ctx.ledger.categories(donor)?))
        }
        CategoryCommand::Remove { donor, code } => {
            let donor = donor.trim();
            ctx.ledger.remove_category(donor, code.trim())?;
            ctx.show(&categories_list(donor, &ctx.ledger.categories(donor)?))
        }
    }
}

pub fn map(args: &MapArgs, ctx: &mut Context) -> Result<()> {
    let grant = ctx.ledger.grant(args.grant.trim())?;
    let pairs = args
        .pairs
        .iter()
        .map(|p| parse_mapping(p))
        .collect::<Result<Vec<_>>>()?;
    let unmap = args
        .unmap
        .iter()
        .map(|l| text::code("--unmap", l))
        .collect::<Result<Vec<_>>>()?;
    let mut seen: Vec<&str> = unmap.iter().map(String::as_str).collect();
    for (line, _) in &pairs {
        if seen.contains(&line.as_str()) {
            return Err(Error::invalid(format!(
                "line {line} is given twice; map each line once"
            )));
        }
        seen.push(line);
    }
    let mappings = if pairs.is_empty() && unmap.is_empty() {
        ctx.ledger.line_mappings(&grant)?
    } else {
        ctx.ledger.map_lines(&grant.reference, &pairs, &unmap)?
    };
    ctx.show(&mappings_list(&grant.reference, &grant.donor, &mappings))
}

/// `doc`, a budget or donor report of `a`, laid out `by` lines (as it is) or by the grant's
/// donor's categories.
pub fn laid_out(ctx: &Context, doc: Document, a: &Actuals, by: By) -> Result<Document> {
    if by == By::Line {
        return Ok(doc);
    }
    let grant: &Grant = &a.grant;
    let categories = ctx.ledger.categories(&grant.donor)?;
    let mappings = ctx.ledger.line_mappings(grant)?;
    let rolled = category_actuals(a, &grant.donor, &categories, &mappings)?;
    let table = categories_table(&rolled, &mappings);
    Ok(by_category(doc, table, &mappings))
}
