//! `fx` and `receipt` commands: rates between currencies, and money coming in.

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde::Deserialize;

use super::csv_input::{CsvInput, CsvRow, ImportArgs, Once, import_all};
use super::duplicates::Skipped;
use super::input::{flag, given, past_date};
use super::{Context, note};
use crate::db::{Added, RateGuard};
use crate::domain::fx::{StoredRate, stale_spans};
use crate::domain::money::{check_positive, parse_decimal};
use crate::domain::{FxRate, NewReceipt, ReceiptKind, parse_date, text};
use crate::error::{Error, Result, field};
use crate::report::listing;

#[derive(Debug, Subcommand)]
pub enum FxCommand {
    /// Record a rate: 1 FROM = RATE TO, valid from a date until the pair's next rate
    #[command(
        after_help = "Example (UN operational rate of March 2021, 1 USD = 9.0235 MAD):\n  \
                            grantbook fx set --from USD --to MAD --rate 9.0235 --valid-from 2021-03-01"
    )]
    Set {
        #[command(flatten)]
        rate: RateArgs,
        /// Replace the rate already stored for this pair and date
        #[arg(long)]
        replace: bool,
    },
    /// Import rates from a CSV file (columns from,to,rate,valid_from and optionally source,
    /// force_rate), all or none
    #[command(after_help = "Example:\n  grantbook fx import un-rates-2021.csv\n  \
                            grantbook fx import --replace --delimiter ';' corrected-rates.csv")]
    Import {
        #[command(flatten)]
        input: ImportArgs,
        /// Replace rates already stored for the same pair and date
        #[arg(long)]
        replace: bool,
    },
    /// List rates, optionally only those involving one currency
    #[command(after_help = "Example:\n  grantbook fx list --currency MAD")]
    List {
        #[arg(long)]
        currency: Option<String>,
        #[command(flatten)]
        out: super::OutArgs,
    },
}

#[derive(Debug, Args, Deserialize)]
pub struct RateArgs {
    /// Currency of which one unit is quoted, e.g. USD
    #[arg(long)]
    pub from: String,
    /// Currency the rate is expressed in, e.g. MAD
    #[arg(long)]
    pub to: String,
    /// How many TO one FROM buys, e.g. 9.0235
    #[arg(long, allow_negative_numbers = true)]
    pub rate: String,
    /// First day the rate applies, YYYY-MM-DD
    #[arg(long)]
    pub valid_from: String,
    /// Where the rate comes from, e.g. "UN operational rate"
    #[arg(long, default_value = "")]
    #[serde(default)]
    pub source: String,
    /// Accept a rate more than 20 % away from the pair's stored rate in force on its date
    #[arg(long)]
    #[serde(default, deserialize_with = "flag")]
    pub force_rate: bool,
}

impl CsvRow for RateArgs {
    const REQUIRED: &'static [&'static str] = &["from", "to", "rate", "valid_from"];
    const OPTIONAL: &'static [&'static str] = &["source", "force_rate"];
}

impl RateArgs {
    pub fn parse(&self) -> Result<FxRate> {
        let rate = parse_decimal("rate", &self.rate)
            .and_then(|r| check_positive("rate", r).map(|()| r))
            .map_err(field("rate"))?;
        Ok(FxRate {
            base: text::currency(&self.from).map_err(field("from"))?,
            quote: text::currency(&self.to).map_err(field("to"))?,
            valid_from: parse_date("valid-from date", &self.valid_from)
                .map_err(field("valid_from"))?,
            rate,
            source: text::optional("source", &self.source, 200).map_err(field("source"))?,
        })
    }

    /// The rate as typed, held against its pair's stored rate as `--force-rate` says.
    fn guard(&self) -> RateGuard {
        RateGuard::Checked {
            force: self.force_rate,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ReceiptCommand {
    /// Record a tranche received from the donor, in the grant's currency, or interest and
    /// other income the grant earned (`--kind interest`)
    #[command(
        after_help = "Examples:\n  grantbook receipt add --grant JP-MA-MHPSS-2021 --date 2021-03-15 \
                            --amount 123762.00 --reference T1\n  grantbook receipt add --grant \
                            JP-MA-MHPSS-2021 --kind interest --date 2021-06-30 --amount 41.27 \
                            --reference INT-2021-06 --description 'Bank interest, Q2'"
    )]
    Add(ReceiptArgs),
    /// Import receipts from a CSV file (columns grant,date,amount and optionally kind,currency,
    /// reference,description), all or none; a reference the grant already holds is refused
    #[command(after_help = "Example:\n  grantbook receipt import tranches.csv\n  \
                            grantbook receipt import --skip-duplicates tranches-2024.csv")]
    Import {
        #[command(flatten)]
        input: ImportArgs,
        /// Skip rows whose reference the grant already holds (re-importing a file that has
        /// grown), and say how many; every row then needs a reference
        #[arg(long)]
        skip_duplicates: bool,
    },
    /// List receipts (voided ones only with --include-void)
    #[command(after_help = "Example:\n  grantbook receipt list --grant JP-MA-MHPSS-2021")]
    List {
        /// Grant reference, e.g. JP-MA-MHPSS-2021
        #[arg(long)]
        grant: Option<String>,
        /// Only those recorded by this office
        #[arg(long)]
        office: Option<String>,
        /// Show voided receipts too
        #[arg(long)]
        include_void: bool,
        #[command(flatten)]
        out: super::OutArgs,
    },
    /// Void a receipt recorded by mistake: it stays in the ledger, marked void with the reason,
    /// and stops counting as received
    #[command(
        after_help = "Example:\n  grantbook receipt void 3 --reason 'Tranche T2 entered twice'"
    )]
    Void {
        /// The receipt's id (see `receipt list`)
        id: i64,
        /// Why, e.g. "Entered twice"
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Args, Deserialize)]
pub struct ReceiptArgs {
    /// Grant reference, e.g. JP-MA-MHPSS-2021
    #[arg(long)]
    pub grant: String,
    /// Date received, YYYY-MM-DD
    #[arg(long)]
    pub date: String,
    /// Amount received, in the grant's currency
    #[arg(long, allow_negative_numbers = true)]
    pub amount: String,
    /// tranche (the donor's payment; the default), interest (earned on the donor's money) or
    /// other income; only tranches count against the grant's amount
    #[arg(long, default_value = "tranche")]
    #[serde(default)]
    pub kind: String,
    /// Must be the grant's currency if given
    #[arg(long)]
    pub currency: Option<String>,
    /// The bank's or donor's reference: held by one live receipt of the grant
    #[arg(long, default_value = "")]
    #[serde(default)]
    pub reference: String,
    #[arg(long, default_value = "")]
    #[serde(default)]
    pub description: String,
    /// In a file: the office that recorded the row, when not the importing officer's
    #[arg(skip)]
    #[serde(default)]
    pub office: String,
}

impl CsvRow for ReceiptArgs {
    const REQUIRED: &'static [&'static str] = &["grant", "date", "amount"];
    const OPTIONAL: &'static [&'static str] =
        &["kind", "currency", "reference", "description", "office"];
}

impl ReceiptArgs {
    pub fn parse(&self) -> Result<NewReceipt> {
        let amount = parse_decimal("receipt amount", &self.amount)
            .and_then(|a| check_positive("receipt amount", a).map(|()| a))
            .map_err(field("amount"))?;
        Ok(NewReceipt {
            grant: text::code("grant reference", &self.grant).map_err(field("grant"))?,
            kind: match self.kind.trim() {
                "" => ReceiptKind::Tranche,
                word => ReceiptKind::parse(word).map_err(field("kind"))?,
            },
            date: past_date("receipt date", &self.date).map_err(field("date"))?,
            amount,
            currency: given(&self.currency)
                .map(text::currency)
                .transpose()
                .map_err(field("currency"))?,
            reference: text::optional("reference", &self.reference, 100)
                .map_err(field("reference"))?,
            description: text::optional("description", &self.description, 1000)
                .map_err(field("description"))?,
            office: match self.office.trim() {
                "" => None,
                code => Some(super::office::office_code(code).map_err(field("office"))?),
            },
        })
    }
}

/// A pair's rate for one day, as a file gives it once.
pub type RateDay = (String, String, NaiveDate);

/// Refuse `rate` if an earlier row of the file gave its pair and day (with `--replace` the
/// second would silently replace the first), else note it was given at `place`.
pub fn first_of_its_day<P: std::fmt::Display>(
    days: &mut Once<RateDay, P>,
    rate: &FxRate,
    place: P,
) -> Result<()> {
    let what = format!(
        "the rate {}/{} from {}",
        rate.base, rate.quote, rate.valid_from
    );
    let day = (rate.base.clone(), rate.quote.clone(), rate.valid_from);
    days.first(day, place, what).map_err(field("valid_from"))
}

pub fn fx(command: FxCommand, ctx: &mut Context) -> Result<()> {
    match command {
        FxCommand::Set { rate, replace } => {
            let stored = ctx.ledger.set_rate(&rate.parse()?, replace, rate.guard())?;
            name_stale(&stored);
            ctx.show(&listing::rates(&[stored.rate], "Recorded rate"))
        }
        FxCommand::Import { input, replace } => {
            // With --replace, a pair and day given twice would leave the last row's rate.
            let mut days = Once::default();
            let stored = import_all(
                &mut ctx.ledger,
                &input,
                "fx_rate",
                |ledger, row: RateArgs, place| {
                    let rate = row.parse()?;
                    first_of_its_day(&mut days, &rate, place)?;
                    ledger.set_rate(&rate, replace, row.guard())
                },
            )?;
            stored.iter().for_each(name_stale);
            let rates: Vec<FxRate> = stored.into_iter().map(|s| s.rate).collect();
            ctx.show(&listing::rates(&rates, "Imported rates"))
        }
        FxCommand::List { currency, .. } => {
            let currency = currency.as_deref().map(text::currency).transpose()?;
            ctx.show(&listing::rates(&ctx.ledger.rates(currency.as_deref())?, ""))
        }
    }
}

/// How many expenses converted at a replaced rate are named one by one.
const STALE_SHOWN: usize = 10;

/// Name on stderr the live expenses still converted at a rate just replaced, with their grant
/// amount now and at the corrected rate, and the command that converts them again.
fn name_stale(stored: &StoredRate) {
    let (Some(old), count) = (&stored.replaced, stored.stale.len()) else {
        return;
    };
    let (what, keep, them) = match count {
        0 => return,
        1 => ("1 live expense was".to_string(), "keeps", "it"),
        n => (format!("{n} live expenses were"), "keep", "them"),
    };
    note(&format!(
        "{what} converted at the replaced rate {} (from {}) and {keep} it until converted again:",
        old.quote().describe(),
        old.valid_from
    ));
    let corrected = stored.rate.quote().describe();
    for s in stored.stale.iter().take(STALE_SHOWN) {
        let currency = &s.grant_currency;
        eprintln!(
            "  expense #{} (voucher {}, {}, grant {}): {} {} now, {} {} at {corrected}",
            s.id,
            s.voucher,
            s.date,
            s.grant,
            currency.plain(s.now),
            currency.code,
            currency.plain(s.corrected),
            currency.code
        );
    }
    if count > STALE_SHOWN {
        eprintln!("  ... and {} more", count - STALE_SHOWN);
    }
    eprintln!("  to convert {them} again at the corrected rate, run:");
    for (grant, from, to) in stale_spans(&stored.stale) {
        eprintln!("  grantbook expense reprice --grant {grant} --from {from} --to {to}");
    }
}

pub fn receipt(command: ReceiptCommand, ctx: &mut Context) -> Result<()> {
    match command {
        ReceiptCommand::Add(args) => {
            let stored = ctx.ledger.add_receipt(&args.parse()?)?;
            ctx.show(&listing::receipts(&[stored], "Recorded receipt"))
        }
        ReceiptCommand::Import {
            input,
            skip_duplicates,
        } => import_receipts(&input, skip_duplicates, ctx),
        ReceiptCommand::List {
            grant,
            office,
            include_void,
            ..
        } => {
            let office = office
                .as_deref()
                .map(super::office::office_code)
                .transpose()?;
            let mut receipts = ctx.ledger.receipts(grant.as_deref(), include_void)?;
            if office.is_some() {
                receipts.retain(|r| r.office == office);
            }
            ctx.show(&listing::receipts(&receipts, ""))
        }
        ReceiptCommand::Void { id, reason } => {
            let reason = text::required("reason", &reason, 500)?;
            let receipt = ctx.ledger.void_receipt(id, &reason, None)?;
            let title = format!("Voided receipt #{}", receipt.id);
            ctx.show(&listing::receipt(&receipt, &title))
        }
    }
}

/// `receipt import`: every row checked as `receipt add` checks it, all recorded or none, the
/// file audited with its SHA-256. A reference is the receipt's key: given twice in the file, or
/// already held by the grant, it is refused (or, with `--skip-duplicates`, the latter skipped).
/// A row without a reference cannot be told from the same tranche imported again: it is
/// recorded with a warning, and refused with `--skip-duplicates`, which could not skip it.
fn import_receipts(input: &ImportArgs, skip_duplicates: bool, ctx: &mut Context) -> Result<()> {
    let mut csv = CsvInput::open(input)?;
    let label = csv.label().to_string();
    let mut skipped = Skipped::new("reference", "void and re-add a receipt to change it");
    let mut unkeyed = Vec::new();
    let stored = ctx.ledger.all_or_nothing(|ledger| {
        let mut import = ledger.receipt_import(skip_duplicates)?;
        let mut references = Once::default();
        let mut stored = Vec::new();
        let read = csv.rows(|row: ReceiptArgs, place| {
            let new = row.parse()?;
            if new.reference.is_empty() {
                if skip_duplicates {
                    return Err(Error::invalid(
                        "no reference, so --skip-duplicates cannot tell whether this tranche is \
                         already recorded; give its bank reference, or import the rows without \
                         one separately, without --skip-duplicates",
                    )
                    .in_field("reference"));
                }
                unkeyed.push(place.line);
            } else {
                let what = format_args!("reference {:?} of grant {}", new.reference, new.grant);
                references
                    .first((new.grant.clone(), new.reference.clone()), place, what)
                    .map_err(field("reference"))?;
            }
            match ledger.import_receipt(&mut import, &new)? {
                Added::Recorded(receipt) => stored.push(receipt),
                Added::Skipped { differs } => skipped.row(&label, place, differs),
            }
            Ok(())
        });
        read.map_err(|e| skipped.advise(e, import.already_recorded()))?;
        if !stored.is_empty() {
            ledger.record_import("receipt", &label, stored.len() as u64, &csv.sha256())?;
        }
        Ok(stored)
    })?;
    skipped.report();
    if let Some(first) = unkeyed.first() {
        let (rows, it) = match unkeyed.len() {
            1 => (
                format!("the receipt on line {first} has no reference"),
                "it",
            ),
            n => (
                format!("{n} receipts have no reference (the first on line {first})"),
                "them",
            ),
        };
        note(&format!(
            "{rows}: nothing tells {it} from the same money imported again, so importing \
             {label} a second time would record {it} twice; give each receipt its bank reference"
        ));
    }
    ctx.show(&listing::receipts(&stored, "Imported receipts"))
}
