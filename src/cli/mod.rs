//! The command line: clap definitions and one small handler per command group. Handlers turn
//! strings into domain values, call the ledger, and hand a report to a renderer; they hold no
//! SQL and no arithmetic.

mod admin;
mod advance;
mod allocation;
mod amend;
mod budget;
mod calendar;
mod categories;
mod charts;
mod commitment;
mod context;
mod cost_share;
mod csv_input;
mod database_file;
mod demo;
mod docs;
mod duplicates;
mod expense;
mod expense_args;
mod expense_fix;
mod expense_import;
mod export;
mod export_xlsx;
mod fingerprint;
mod grant;
mod iati;
mod input;
mod json_input;
mod line_numbers;
mod load;
mod money;
mod moving;
mod network_fs;
mod office;
mod out_args;
mod output;
mod parties;
mod period;
mod profile;
mod publishing;
pub mod report;
mod rules;
mod safety;

use std::path::PathBuf;

use clap::builder::{OsStringValueParser, TypedValueParser};
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::db::{Ledger, redact_url};
use crate::error::{Error, Result};
use crate::render::Format;
use crate::report::listing;
pub use context::{Context, OutFile, note, show};
pub use database_file::refuse_database;
use database_file::{database_path, warn_if_others_can_write};
use out_args::OutArgs;

const EXAMPLES: &str = "\
Example, a project officer's day:
  grantbook init
  grantbook grant list
  grantbook expense add --grant JP-MA-MHPSS-2021 --line TRAIN --date 2021-06-14 \\
      --amount 12500.00 --currency MAD --payee 'Hotel Rabat' --voucher MA-2021-0101
  grantbook expense list --grant JP-MA-MHPSS-2021 --period 2021-Q2
  grantbook budget list --grant JP-MA-MHPSS-2021

Try it on the public cases: grantbook demo";

/// Grant and budget tracker for migrant-health projects: exact money, budgets against actuals,
/// every change audited.
#[derive(Debug, Parser)]
#[command(name = "grantbook", version, after_help = EXAMPLES)]
pub struct Cli {
    /// Database file [default: grantbook.db in your data directory, e.g. ~/.local/share/grantbook]
    // Any value is taken here, an empty one too, so that `database_path` refuses a blank one
    // naming where it came from, in one line.
    #[arg(
        long,
        global = true,
        env = "GRANTBOOK_DB",
        value_name = "PATH",
        value_parser = OsStringValueParser::new().map(PathBuf::from)
    )]
    pub db: Option<PathBuf>,

    /// Whether `db` came from the GRANTBOOK_DB variable rather than --db (set by [`parse`]).
    #[arg(skip)]
    pub db_from_env: bool,

    /// Output format of listings, reports and what mutations print
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Tables show every column, however wide the screen (by default one too wide for the
    /// screen, or for 80 columns when not a terminal, leaves its least needed columns out)
    #[arg(long, global = true)]
    pub wide: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new, empty database (never overwrites one)
    #[command(after_help = "Example:\n  grantbook --db office.db init")]
    Init,
    /// Donors: who gives the money
    #[command(
        subcommand,
        after_help = "Example:\n  grantbook donor add --code JP-GOV --name 'Government of Japan' \
                      --kind government --country JP\n  grantbook donor show JP-GOV"
    )]
    Donor(parties::DonorCommand),
    /// Projects: what is done, by whom, where
    #[command(subcommand, after_help = "Example:\n  grantbook project show MA-MHPSS")]
    Project(parties::ProjectCommand),
    /// Administering a shared ledger on PostgreSQL: its database roles
    #[command(
        subcommand,
        after_help = "Example:\n  grantbook --db postgres://grantbook@db.example.org/grantbook \
                      admin roles"
    )]
    Admin(admin::AdminCommand),
    /// Offices: where a project's officers record from (GRANTBOOK_OFFICE names yours)
    #[command(
        subcommand,
        after_help = "Example:\n  grantbook office add --project NA-MIGHEALTH --code RABAT \
                      --name 'Rabat country office' --country MA\n  grantbook office list"
    )]
    Office(office::OfficeCommand),
    /// Organisations as IATI knows them: registered identifiers, types and contacts of the
    /// organisations projects and payees name
    #[command(
        subcommand,
        after_help = "Example:\n  grantbook organisation set 'IOM Morocco' --iati-id XM-DAC-47066 \
                      --type 40\n  grantbook organisation list"
    )]
    Organisation(publishing::OrganisationCommand),
    /// Grants: one funding agreement between a donor and a project
    #[command(
        subcommand,
        after_help = "Example:\n  grantbook grant list\n  grantbook grant show JP-MA-MHPSS-2021"
    )]
    Grant(grant::GrantCommand),
    /// Budget lines of a grant, and their revisions
    #[command(
        subcommand,
        after_help = "Example:\n  grantbook budget list --grant JP-MA-MHPSS-2021"
    )]
    Budget(budget::BudgetCommand),
    /// Reporting periods of a grant: open, closed, reopened
    #[command(
        subcommand,
        after_help = "Example:\n  grantbook period generate --grant JP-MA-MHPSS-2021 --every quarter\n  \
                      grantbook period close --grant JP-MA-MHPSS-2021 2021-Q2"
    )]
    Period(period::PeriodCommand),
    /// Exchange rates
    #[command(
        subcommand,
        after_help = "Example:\n  grantbook fx set --from USD --to MAD --rate 9.0235 --valid-from 2021-03-01 \
                      --source 'UN operational rate'\n  grantbook fx list --currency MAD"
    )]
    Fx(money::FxCommand),
    /// Tranches received from the donor
    #[command(
        subcommand,
        after_help = "Example:\n  grantbook receipt list --grant JP-MA-MHPSS-2021"
    )]
    Receipt(money::ReceiptCommand),
    /// Expenses (disbursements): money paid out of a grant
    #[command(
        subcommand,
        visible_alias = "disbursement",
        after_help = "Example:\n  grantbook expense list --grant JP-MA-MHPSS-2021 --period 2021-Q2\n  \
                      grantbook expense import vouchers.csv"
    )]
    // Boxed: an expense's many options would make every other command as large.
    Expense(Box<expense::ExpenseCommand>),
    /// Cash advanced to implementing partners, liquidated by the expenses they report
    #[command(
        subcommand,
        after_help = "Example:\n  grantbook advance list --grant REG-NA-2022\n  \
                      grantbook report advances"
    )]
    Advance(advance::AdvanceCommand),
    /// Signed contracts and purchase orders on budget lines, drawn down by the expenses that pay
    /// them
    #[command(
        subcommand,
        after_help = "Example:\n  grantbook commitment list --grant REG-NA-2022 --open"
    )]
    Commitment(commitment::CommitmentCommand),
    /// Cost share (match): contributions from others towards a grant's required match, in
    /// cash or in kind (`grant match` sets what is required)
    #[command(
        subcommand,
        name = "match",
        after_help = "Example:\n  grantbook grant match JP-MA-MHPSS-2021 --percent 10 --of grant\n  \
                      grantbook match list --grant JP-MA-MHPSS-2021"
    )]
    Match(cost_share::MatchCommand),
    /// Shared-cost keys: which grant lines share a cost and by what percentage, from a date
    #[command(
        subcommand,
        after_help = "Example:\n  grantbook allocation list\n  grantbook expense add --allocate \
                      RENT-RABAT --date 2021-05-01 --amount 12000.00 --currency MAD --payee \
                      'Immobilière Atlas' --voucher RENT-2021-05"
    )]
    Allocation(allocation::AllocationCommand),
    /// Reports: burn rates, budget against actuals, the donor's financial report
    #[command(
        after_help = "Example:\n  grantbook report burn --as-of 2023-06-30\n  \
                            grantbook report donor --grant JP-MA-MHPSS-2021 --period 2021-Q3\n  \
                            grantbook report donor --grant JP-MA-MHPSS-2021 --period 2021-Q3 \
                            --format html --out q3.html"
    )]
    Report(ReportArgs),
    /// Write tables out as CSV or JSON, in the columns `import` reads back; `export iati`: grants
    /// as an IATI activity file
    #[command(after_help = export::EXPORT_HELP)]
    Export(export::ExportArgs),
    /// Load a whole ledger that `export --all` wrote into this (new, empty) database
    #[command(
        after_help = "Example:\n  grantbook --db copy.db init\n  grantbook --db copy.db import backup-2024-06/"
    )]
    Import {
        /// The directory `export --all --out DIR` wrote (every table, as CSV or as JSON)
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// The audit log: every change, newest first; `audit verify` checks its hash chain
    #[command(
        args_conflicts_with_subcommands = true,
        after_help = "Example:\n  grantbook audit --entity expense --limit 20\n  \
                      grantbook audit verify"
    )]
    Audit {
        #[command(subcommand)]
        command: Option<AuditCommand>,
        /// Only changes to this kind of record (donor, project, grant, budget, period, fx_rate,
        /// receipt, expense, organisation, ledger; amendment for the amendments file `import
        /// DIR` read)
        #[arg(long)]
        entity: Option<String>,
        /// How many entries to show
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[command(flatten)]
        out: OutArgs,
    },
    /// Check the database and the books: integrity, foreign keys, schema, the ledger's rules,
    /// the audit chain; every finding with its row
    #[command(after_help = safety::CHECK_HELP)]
    Check {
        /// SQLite's quick_check instead of integrity_check: faster on a large ledger, but
        /// does not match indexes against their tables
        #[arg(long)]
        quick: bool,
    },
    /// Copy the whole ledger into a new file (SQLite's online backup)
    #[command(after_help = safety::BACKUP_HELP)]
    Backup {
        /// The copy to write; it must not exist yet
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Replace FILE if it already exists
        #[arg(long)]
        force: bool,
    },
    /// Copy the whole ledger, audit chain and all, to a PostgreSQL server or a new file, and
    /// check it there
    #[command(after_help = "Examples:\n  grantbook --db morocco.db copy --to \
                      postgres://grantbook@db.example.org/grantbook\n  \
                      grantbook --db postgres://grantbook@db.example.org/grantbook copy --to \
                      ledger-2026-11-30.db")]
    Copy {
        /// Where to: a server's database (postgres://USER@HOST/DB), empty or holding a ledger
        /// to replace with --force, or a new ledger file
        #[arg(long, value_name = "URL|FILE")]
        to: PathBuf,
        /// Replace the ledger already there
        #[arg(long)]
        force: bool,
    },
    /// Replace the ledger at --db with a backup, once the backup passes `check`
    #[command(after_help = safety::RESTORE_HELP)]
    Restore {
        /// A file `grantbook backup` wrote
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Replace a ledger that already holds records (it is kept beside it first)
        #[arg(long)]
        force: bool,
    },
    /// Build a database from the bundled fixtures (the two public cases) and print their burn
    /// report and budgets against actuals
    #[command(
        after_help = "Example:\n  grantbook demo            # a fresh temporary database\n  \
                            grantbook demo demo.db    # keep it to explore with --db demo.db\n  \
                            grantbook demo --as-of 2023-06-30   # the regional grant mid-way"
    )]
    Demo {
        /// Where to build it, or --db; must not exist yet [default: a new file in the temporary
        /// directory]
        path: Option<PathBuf>,
        /// Report as of this day (YYYY-MM-DD) [default: today, when both grants have ended]
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
    /// Print the shell completion script for bash, zsh, fish or powershell (or elvish)
    #[command(after_help = docs::COMPLETIONS_HELP)]
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print grantbook's man page (roff), or write one page per command into a directory
    #[command(after_help = docs::MAN_HELP)]
    Man {
        /// Write grantbook.1 and one page per command and subcommand into this directory
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Replace pages already in the directory
        #[arg(long, requires = "out")]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check every entry against its seal in the hash chain, and name any entry changed,
    /// removed or added behind grantbook's back
    #[command(
        after_help = "Example:\n  grantbook audit verify\n  grantbook audit verify --head 812:3fa9c1d2"
    )]
    Verify {
        /// An entry number and seal you kept from an earlier `audit verify` (or its first 8+
        /// digits): the log must still lead to it
        #[arg(long, value_name = "ID:SEAL")]
        head: Option<String>,
    },
}

/// `report`: which report, and where it goes.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub command: report::ReportCommand,
    /// Write the report to FILE instead of standard output
    #[arg(long, global = true, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace FILE if it already exists
    #[arg(long, global = true)]
    pub force: bool,
    /// Count only the spend this office recorded (budgets and receipts stay the grant's)
    #[arg(long, global = true, value_name = "CODE")]
    pub office: Option<String>,
}

impl ReportArgs {
    fn out_file(&self) -> Result<Option<OutFile>> {
        match &self.out {
            Some(path) => Ok(Some(OutFile {
                path: path.clone(),
                force: self.force,
            })),
            None if self.force => Err(Error::invalid(
                "--force replaces the file --out names; give --out FILE",
            )),
            None => Ok(None),
        }
    }
}

/// The command line as clap parses it, and where `--db` came from; a refusal is printed and
/// exits as clap does, what was typed escaped.
pub fn parse() -> Cli {
    fn refused<T>(e: clap::Error) -> T {
        input::typed_escaped(e).exit()
    }
    let matches = Cli::command().try_get_matches().unwrap_or_else(refused);
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(refused);
    cli.db_from_env = matches.value_source("db") == Some(ValueSource::EnvVariable);
    cli
}

pub fn run(cli: Cli) -> Result<()> {
    crate::render::set_wide(cli.wide);
    // These describe the program and need no database.
    match &cli.command {
        Command::Completions { shell } => return docs::completions(*shell),
        Command::Man { out, force } => return docs::man(out.as_deref(), *force),
        _ => {}
    }
    out_args::check_xlsx(&cli.command, cli.format)?;
    // The demo builds a database of its own: where its PATH or an explicit --db says, else a
    // temporary one (never the GRANTBOOK_DB ledger an officer works in).
    let command = match cli.command {
        Command::Demo { path, as_of } => {
            let given = match (path, cli.db.filter(|_| !cli.db_from_env)) {
                (Some(a), Some(b)) if a != b => {
                    return Err(Error::invalid(format!(
                        "the demo was given two places to build in, {} and --db {}; give one",
                        a.display(),
                        b.display()
                    )));
                }
                (Some(path), _) => Some(path),
                (None, Some(db)) if database_file::server_url(&db).is_some() => Some(db),
                (None, db) => db.map(|db| database_path(Some(db), false)).transpose()?,
            };
            return demo::run(given, as_of, cli.format);
        }
        command => command,
    };
    if let Some(url) = cli.db.as_deref().and_then(database_file::server_url) {
        return on_server(url, command, cli.format);
    }
    let path = database_path(cli.db, cli.db_from_env)?;
    network_fs::refuse_network_filesystem(&path)?;
    // A full disk or a damaged file met anywhere below is the ledger's, named here; a copy
    // written elsewhere (`backup FILE`) names its own file where it is written.
    let on_ledger = |e: Error| e.in_file(&path);
    match command {
        Command::Init => database_file::init(&path),
        Command::Restore { file, force } => {
            safety::restore(&file, &path, force, cli.format).map_err(on_ledger)
        }
        command => {
            warn_if_others_can_write(&path);
            let mut ledger = Ledger::open(&path).map_err(on_ledger)?;
            ledger.set_office(office::recording_office()?);
            let mut ctx = Context {
                ledger,
                format: cli.format,
                out: None,
            };
            dispatch(command, &mut ctx).map_err(on_ledger)
        }
    }
}

/// A command on a ledger held by a PostgreSQL server.
fn on_server(url: &str, command: Command, format: Format) -> Result<()> {
    let ledger = match command {
        Command::Init => {
            Ledger::create_on_server(url)?;
            note(&format!("created a ledger in {}", redact_url(url)));
            return Ok(());
        }
        Command::Restore { file, force } => {
            return safety::restore_on_server(&file, url, force, format);
        }
        _ => Ledger::open_server(url)?,
    };
    let mut ledger = ledger;
    ledger.set_office(office::recording_office()?);
    let mut ctx = Context {
        ledger,
        format,
        out: None,
    };
    dispatch(command, &mut ctx)
}

fn dispatch(command: Command, ctx: &mut Context) -> Result<()> {
    ctx.out = out_args::listing_file(&command);
    match command {
        Command::Donor(c) => parties::donor(c, ctx),
        Command::Project(c) => parties::project(c, ctx),
        Command::Office(c) => office::run(c, ctx),
        Command::Organisation(c) => publishing::organisation(c, ctx),
        Command::Admin(c) => admin::run(c, ctx),
        Command::Grant(c) => grant::run(c, ctx),
        Command::Budget(c) => budget::run(c, ctx),
        Command::Period(c) => period::run(c, ctx),
        Command::Fx(c) => money::fx(c, ctx),
        Command::Receipt(c) => money::receipt(c, ctx),
        Command::Expense(c) => expense::run(*c, ctx),
        Command::Advance(c) => advance::run(c, ctx),
        Command::Commitment(c) => commitment::run(c, ctx),
        Command::Match(c) => cost_share::run(c, ctx),
        Command::Allocation(c) => allocation::run(c, ctx),
        Command::Report(args) => {
            ctx.out = args.out_file()?;
            if let Some(given) = &args.office {
                let office = office::office_code(given)?;
                ctx.ledger.count_spend_of(&office)?;
                note(&format!(
                    "spend is what office {office} recorded; budgets and receipts are the whole \
                     grant's"
                ));
            }
            report::run(args.command, ctx)
        }
        Command::Export(args) => export::export(&args, ctx),
        Command::Import { dir } => export::import(&dir, ctx),
        Command::Audit {
            command: Some(AuditCommand::Verify { head }),
            ..
        } => safety::verify(head.as_deref(), ctx),
        Command::Audit {
            command: None,
            entity,
            limit,
            ..
        } => {
            let entries = ctx.ledger.audit_log(entity.as_deref(), limit)?;
            ctx.show(&listing::audit(&entries))
        }
        Command::Check { quick } => safety::check(quick, ctx),
        Command::Backup { file, force } => safety::backup(&file, force, ctx),
        Command::Copy { to, force } => moving::copy(&to, force, ctx),
        Command::Init
        | Command::Restore { .. }
        | Command::Demo { .. }
        | Command::Completions { .. }
        | Command::Man { .. } => Err(Error::runtime("handled before opening")),
    }
}
