//! `budget` commands: the original budget, its revisions, and the lines with spend so far.

use clap::Subcommand;
use serde::Deserialize;

use super::csv_input::{CsvInput, CsvRow, ImportArgs, Once};
use super::input::given;
use super::{Context, note};
use crate::db::Ledger;
use crate::db::LineChange;
use crate::domain::money::parse_decimal;
use crate::domain::{Budget, LineCategory, NewLine, parse_date, text};
use crate::error::{Error, Result, field};
use crate::report::grants;
use crate::report::summary::unallocated;

const LINE_SPEC: &str = "CODE:CATEGORY:AMOUNT:NAME, e.g. STAFF:staff:46000.00:Psychologists";

#[derive(Debug, Subcommand)]
pub enum BudgetCommand {
    /// Set a grant's original budget, from --line flags or a CSV file
    #[command(
        after_help = "Examples:\n  grantbook budget set --grant JP-MA-MHPSS-2021 \\\n      \
        --line STAFF:staff:46000.00:'Psychologists and social workers' \\\n      \
        --line IND:indirect:8096.58:'Indirect support costs'\n  \
        grantbook budget set --grant JP-MA-MHPSS-2021 --file lines.csv   # columns code,name,category,amount"
    )]
    Set {
        /// Grant reference, e.g. JP-MA-MHPSS-2021
        #[arg(long)]
        grant: String,
        /// A line as CODE:CATEGORY:AMOUNT:NAME (category: staff, activities, training,
        /// equipment, travel, indirect, other)
        #[arg(long = "line", value_name = "SPEC")]
        lines: Vec<String>,
        /// CSV with columns code,name,category,amount
        #[arg(long, value_name = "FILE.csv")]
        file: Option<String>,
    },
    /// Show a grant's budget lines with spend so far (latest revision unless --revision)
    #[command(
        after_help = "Example:\n  grantbook budget list --grant JP-MA-MHPSS-2021 --revisions"
    )]
    List {
        /// Grant reference, e.g. JP-MA-MHPSS-2021
        #[arg(long)]
        grant: String,
        /// Show this revision instead of the latest
        #[arg(long)]
        revision: Option<i64>,
        /// List the revisions instead of the lines
        #[arg(long, conflicts_with = "revision")]
        revisions: bool,
        #[command(flatten)]
        out: super::OutArgs,
    },
    /// Revise a budget: a new revision with a date and a reason; earlier ones stay readable
    #[command(
        after_help = "Example:\n  grantbook budget revise --grant JP-MA-MHPSS-2021 --date 2021-10-01 \
        \\\n      --reason 'Donor-approved reallocation' --line TRAIN=19500.00 --line SERV=24000.00"
    )]
    Revise {
        /// Grant reference, e.g. JP-MA-MHPSS-2021
        #[arg(long)]
        grant: String,
        /// Why the budget changes, e.g. the donor's approval
        #[arg(long)]
        reason: String,
        /// Date the revision takes effect, YYYY-MM-DD: the day the donor approved it, or the
        /// agreement lets it start (no default: a revision entered late must not be dated today)
        #[arg(long)]
        date: String,
        /// The donor's approval, e.g. 'letter 2023/114': needed beyond the donor's rules
        /// (`donor rules`), kept with the revision and shown in the donor report
        #[arg(long, value_name = "REF")]
        approved_by: Option<String>,
        /// A new amount for an existing line, CODE=AMOUNT
        #[arg(long = "line", value_name = "CODE=AMOUNT")]
        lines: Vec<String>,
        /// A line added by this revision, CODE:CATEGORY:AMOUNT:NAME
        #[arg(long = "new-line", value_name = "SPEC")]
        new_lines: Vec<String>,
        /// CSV with columns code,amount (and name,category for new lines)
        #[arg(long, value_name = "FILE.csv")]
        file: Option<String>,
    },
    /// Put budget lines in the grant's donor's reporting categories (`donor category`), for
    /// `report donor --by category`; without LINE:CATEGORY, show where each line is
    #[command(
        after_help = "Examples:\n  grantbook budget map --grant JP-MA-MHPSS-2021 STAFF:1 TRAIN:2 SERV:2 COMM:2 \\\n      \
        TRAV:3 MON:4 IND:5\n  grantbook budget map --grant JP-MA-MHPSS-2021 --unmap MON\n  \
        grantbook budget map --grant JP-MA-MHPSS-2021"
    )]
    Map(super::categories::MapArgs),
}

/// A budget line as a CSV row; `grant` lets one file hold several grants' lines.
#[derive(Debug, Deserialize)]
pub struct LineRow {
    pub grant: Option<String>,
    pub code: String,
    pub name: Option<String>,
    pub category: Option<String>,
    pub amount: String,
}

impl CsvRow for LineRow {
    const REQUIRED: &'static [&'static str] = &["code", "amount"];
    const OPTIONAL: &'static [&'static str] = &["grant", "name", "category"];
}

impl LineRow {
    pub fn parse(&self) -> Result<LineChange> {
        let code = text::row_code("budget line code", &self.code).map_err(field("code"))?;
        let amount = parse_decimal(&format!("amount of line {code}"), &self.amount)
            .map_err(field("amount"))?;
        match (given(&self.name), given(&self.category)) {
            (None, None) => Ok(LineChange::Amount { code, amount }),
            (Some(name), Some(category)) => Ok(LineChange::New(NewLine {
                name: text::required("budget line name", name, 200).map_err(field("name"))?,
                category: LineCategory::parse(category).map_err(field("category"))?,
                code,
                amount,
            })),
            (name, _) => Err(Error::invalid(format!(
                "budget line {code}: give both name and category, or neither to change its amount"
            ))
            .in_field(if name.is_none() { "name" } else { "category" })),
        }
    }
}

fn parse_spec(spec: &str) -> Result<NewLine> {
    let parts: Vec<&str> = spec.splitn(4, ':').collect();
    let [code, category, amount, name] = parts.as_slice() else {
        return Err(Error::invalid(format!(
            "--line {spec:?}: write {LINE_SPEC}"
        )));
    };
    let code = text::row_code("budget line code", code)?;
    Ok(NewLine {
        amount: parse_decimal(&format!("amount of line {code}"), amount)?,
        name: text::required("budget line name", name, 200)?,
        category: LineCategory::parse(category)?,
        code,
    })
}

fn parse_amount_change(spec: &str) -> Result<LineChange> {
    let Some((code, amount)) = spec.split_once('=') else {
        return Err(Error::invalid(format!(
            "--line {spec:?}: write CODE=AMOUNT, e.g. TRAIN=19500.00; add a new line with --new-line"
        )));
    };
    let code = text::row_code("budget line code", code)?;
    Ok(LineChange::Amount {
        amount: parse_decimal(&format!("amount of line {code}"), amount)?,
        code,
    })
}

/// What a budget file is read for.
#[derive(Clone, Copy, PartialEq)]
enum Purpose {
    /// `budget set`: every line new, given in full.
    Set,
    /// `budget revise`: new amounts for the grant's lines, and new lines in full.
    Revise,
}

/// Lines from a CSV file for `grant`, each row checked as storing the budget will check it
/// (so an error names the file, line and column): a row naming another grant, a line given
/// twice or also on the command line (`flagged`), a line without the name and category a new
/// budget needs, an amount the grant's currency cannot hold, a line the grant has not got or
/// has under another name.
fn file_lines(
    ledger: &Ledger,
    path: &str,
    grant: &str,
    flagged: &[&str],
    purpose: Purpose,
) -> Result<LinesFile> {
    ledger.grant(grant)?;
    let mut input = CsvInput::open(&ImportArgs {
        file: path.to_string(),
        delimiter: None,
    })?;
    let mut changes = Vec::new();
    let mut codes = Once::default();
    input.rows(|row: LineRow, place| {
        if let Some(other) = given(&row.grant).filter(|g| *g != grant) {
            return Err(
                Error::invalid(format!("row is for grant {other}, not {grant}")).in_field("grant"),
            );
        }
        let change = row.parse()?;
        let code = change.code().to_string();
        codes
            .first(code.clone(), place, format_args!("budget line {code}"))
            .map_err(field("code"))?;
        if flagged.contains(&code.as_str()) {
            return Err(Error::invalid(format!(
                "budget line {code} is given on the command line too; give it once"
            ))
            .in_field("code"));
        }
        if let (Purpose::Set, LineChange::Amount { .. }) = (purpose, &change) {
            return Err(Error::invalid(format!(
                "budget line {code}: a new budget needs name and category for every line"
            ))
            .in_field("name"));
        }
        ledger.check_budget_line(grant, &change, purpose == Purpose::Revise)?;
        changes.push(change);
        Ok(())
    })?;
    Ok(LinesFile {
        label: input.label().to_string(),
        sha256: input.sha256(),
        changes,
    })
}

/// A budget file read: its lines, and what the audit log says of it (name and SHA-256).
#[derive(Default)]
struct LinesFile {
    label: String,
    sha256: String,
    changes: Vec<LineChange>,
}

impl LinesFile {
    /// Store the budget with `store` and, when it came from a file, audit the file with it,
    /// in one transaction.
    fn store(
        &self,
        ledger: &mut Ledger,
        store: impl FnOnce(&mut Ledger) -> Result<Budget>,
    ) -> Result<Budget> {
        ledger.all_or_nothing(|ledger| {
            let budget = store(ledger)?;
            if !self.label.is_empty() {
                let rows = self.changes.len() as u64;
                ledger.record_import("budget", &self.label, rows, &self.sha256)?;
            }
            Ok(budget)
        })
    }
}

pub fn run(command: BudgetCommand, ctx: &mut Context) -> Result<()> {
    match command {
        BudgetCommand::Map(args) => super::categories::map(&args, ctx),
        BudgetCommand::Set { grant, lines, file } => {
            let mut new_lines = lines
                .iter()
                .map(|s| parse_spec(s))
                .collect::<Result<Vec<_>>>()?;
            let flagged: Vec<&str> = new_lines.iter().map(|l| l.code.as_str()).collect();
            let read = file
                .map(|f| file_lines(&ctx.ledger, &f, &grant, &flagged, Purpose::Set))
                .transpose()?
                .unwrap_or_default();
            new_lines.extend(read.changes.iter().filter_map(|change| match change {
                LineChange::New(line) => Some(line.clone()),
                // file_lines refused it for a new budget.
                LineChange::Amount { .. } => None,
            }));
            let budget = read.store(&mut ctx.ledger, |l| l.set_budget(&grant, &new_lines))?;
            report_stored(ctx, &budget)
        }
        BudgetCommand::List {
            grant,
            revision,
            revisions,
            ..
        } => {
            if revisions {
                return ctx.show(&grants::revisions(&grant, &ctx.ledger.revisions(&grant)?));
            }
            ctx.show(&grants::budget(&ctx.ledger.budget(&grant, revision)?))
        }
        BudgetCommand::Revise {
            grant,
            reason,
            date,
            approved_by,
            lines,
            new_lines,
            file,
        } => {
            let reason = text::required("reason", &reason, 500)?;
            let effective = parse_date("revision date", &date)?;
            let approved_by = approved_by
                .map(|a| text::required("--approved-by", &a, 200))
                .transpose()?;
            let mut changes = lines
                .iter()
                .map(|s| parse_amount_change(s))
                .collect::<Result<Vec<_>>>()?;
            for spec in &new_lines {
                changes.push(LineChange::New(parse_spec(spec)?));
            }
            let flagged: Vec<&str> = changes.iter().map(LineChange::code).collect();
            let read = file
                .map(|f| file_lines(&ctx.ledger, &f, &grant, &flagged, Purpose::Revise))
                .transpose()?
                .unwrap_or_default();
            changes.extend(read.changes.iter().cloned());
            let mut verdict = None;
            let budget = read.store(&mut ctx.ledger, |l| {
                let revised =
                    l.revise_budget(&grant, effective, &reason, approved_by.as_deref(), &changes)?;
                verdict = revised.verdict;
                Ok(revised.budget)
            })?;
            if let Some(v) = verdict.filter(|v| !v.moved.is_zero()) {
                note(&format!(
                    "revision {} moves {} {} ({} % of the grant) since the last approved budget",
                    budget.revision.number,
                    budget.currency.plain(v.moved),
                    budget.currency.code,
                    v.moved_pct.round_dp(1).normalize()
                ));
            }
            report_stored(ctx, &budget)
        }
    }
}

/// Print the stored budget, and say so when it leaves part of the grant unallocated.
fn report_stored(ctx: &Context, budget: &Budget) -> Result<()> {
    let grant = ctx.ledger.grant(&budget.grant)?;
    let left = unallocated(grant.amount, budget);
    if !left.is_zero() {
        note(&format!(
            "{} {} of grant {} is not allocated to any budget line yet",
            grant.currency.plain(left),
            grant.currency.code,
            grant.reference
        ));
    }
    ctx.show(&grants::budget(budget))
}
