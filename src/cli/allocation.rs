//! `allocation` commands: shared-cost keys. A key names the grant lines that share a cost (an
//! office's rent, a salary) and each one's percentage from a date; `expense add --allocate KEY`
//! then records one voucher as linked parts on those lines.

use clap::Subcommand;

use super::Context;
use super::input::not_future;
use crate::db::KeyVersion;
use crate::domain::money::parse_decimal;
use crate::domain::{Share, text};
use crate::error::{Error, Result, field};
use crate::render::{Cell, Document, Table, col};

#[derive(Debug, Subcommand)]
pub enum AllocationCommand {
    /// Set a key's shares from a date: each GRANT:LINE:PERCENT, adding up to exactly 100
    #[command(
        after_help = "Example:\n  grantbook allocation set RENT-RABAT --name 'Rabat office \
                            rent' --share JP-MA-MHPSS-2021:OFFICE:60 --share \
                            REG-NA-2022:OFFICE:40 --from 2021-04-01\n  grantbook expense add \
                            --allocate RENT-RABAT --date 2021-05-01 --amount 12000.00 --currency \
                            MAD --payee 'Immobilière Atlas' --voucher RENT-2021-05"
    )]
    Set {
        /// The key's code: capital letters, digits, '-' and '_', e.g. RENT-RABAT
        code: String,
        /// A share: GRANT:LINE:PERCENT, e.g. JP-MA-MHPSS-2021:OFFICE:60 (repeat for each)
        #[arg(long = "share", value_name = "GRANT:LINE:PCT", required = true)]
        shares: Vec<String>,
        /// The first day these shares apply, YYYY-MM-DD
        #[arg(long)]
        from: String,
        /// What the key splits, e.g. "Rabat office rent"
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Keys and their dated shares
    #[command(after_help = "Example:\n  grantbook allocation list RENT-RABAT")]
    List {
        /// Only this key
        code: Option<String>,
    },
}

/// A key's code as the schema keeps it: capital letters, digits, '-' and '_'.
pub fn key_code(given: &str) -> Result<String> {
    let code = text::code("allocation key", given)?.to_ascii_uppercase();
    if code.len() > 40
        || !code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err(Error::invalid(format!(
            "allocation key {code:?} must be at most 40 capital letters, digits, '-' or '_', \
             e.g. RENT-RABAT"
        )));
    }
    Ok(code)
}

/// `GRANT:LINE:PERCENT`, e.g. `JP-MA-MHPSS-2021:OFFICE:60`.
fn share(typed: &str) -> Result<Share> {
    let parts: Vec<&str> = typed.rsplitn(3, ':').collect();
    let [percent, line, grant] = parts[..] else {
        return Err(Error::invalid(format!(
            "--share {:?}: write GRANT:LINE:PERCENT, e.g. JP-MA-MHPSS-2021:OFFICE:60",
            text::escaped(typed)
        )));
    };
    Ok(Share {
        grant: text::code("grant reference", grant)?,
        line: text::code("budget line code", line)?,
        percent: parse_decimal("share percentage", percent)?,
    })
}

fn versions(list: &[KeyVersion], title: &str) -> Document {
    let mut t = Table::new(&[
        col("key", "Key"),
        col("name", "Name"),
        col("valid_from", "From"),
        col("grant", "Grant"),
        col("line", "Line"),
        col("percent", "Share %"),
    ]);
    for v in list {
        for s in &v.shares {
            t.push(vec![
                Cell::text(&v.key),
                Cell::text(&v.name),
                Cell::Date(v.valid_from),
                Cell::text(&s.grant),
                Cell::text(&s.line),
                Cell::Number(s.percent),
            ]);
        }
    }
    Document::table("allocations", title, t.spare(&["name"]))
}

pub fn run(command: AllocationCommand, ctx: &mut Context) -> Result<()> {
    match command {
        AllocationCommand::Set {
            code,
            shares,
            from,
            name,
        } => {
            let code = key_code(&code)?;
            let shares = shares
                .iter()
                .map(|s| share(s))
                .collect::<Result<Vec<_>>>()
                .map_err(field("share"))?;
            let from = not_future("--from", &from, "once it applies").map_err(field("from"))?;
            let name = text::optional("name", &name, 200)?;
            let version = ctx.ledger.set_allocation(&code, &name, from, &shares)?;
            let title = format!("Set allocation key {code} from {from}");
            ctx.show(&versions(&[version], &title))
        }
        AllocationCommand::List { code } => {
            let code = code.as_deref().map(key_code).transpose()?;
            let list = ctx.ledger.allocation_keys(code.as_deref())?;
            ctx.show(&versions(&list, ""))
        }
    }
}
