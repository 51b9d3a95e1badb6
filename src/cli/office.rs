//! `office` commands: the offices a project records from. An officer says which is theirs with
//! GRANTBOOK_OFFICE; every expense and receipt they record then carries it.

use clap::{Args, Subcommand};
use serde::Deserialize;

use super::Context;
use super::csv_input::CsvRow;
use crate::domain::{Office, text};
use crate::error::{Result, field};
use crate::report::offices;

/// The variable an officer sets to the code of their office.
pub const OFFICE_VARIABLE: &str = "GRANTBOOK_OFFICE";

#[derive(Debug, Subcommand)]
pub enum OfficeCommand {
    /// Record an office of a project; once a project has offices, every entry on its grants
    /// carries the office that recorded it (GRANTBOOK_OFFICE)
    #[command(
        after_help = "Example:\n  grantbook office add --project NA-MIGHEALTH --code RABAT \
                            --name 'Rabat country office' --country MA\n  \
                            export GRANTBOOK_OFFICE=RABAT   # then, in Rabat, before recording"
    )]
    Add(OfficeArgs),
    /// List offices, of one project or of all
    #[command(after_help = "Example:\n  grantbook office list --project NA-MIGHEALTH")]
    List {
        /// Only this project's
        #[arg(long)]
        project: Option<String>,
        #[command(flatten)]
        out: super::OutArgs,
    },
}

#[derive(Debug, Args, Deserialize)]
pub struct OfficeArgs {
    /// The project's code
    #[arg(long)]
    pub project: String,
    /// Short code, unique within the project: capital letters, digits and '-', e.g. RABAT
    #[arg(long)]
    pub code: String,
    /// Its name, e.g. "Rabat country office"
    #[arg(long)]
    pub name: String,
    /// ISO 3166 two-letter code of the country it is in
    #[arg(long)]
    pub country: String,
}

impl CsvRow for OfficeArgs {
    const REQUIRED: &'static [&'static str] = &["project", "code", "name", "country"];
    const OPTIONAL: &'static [&'static str] = &[];
}

impl OfficeArgs {
    pub fn parse(&self) -> Result<Office> {
        Ok(Office {
            project: text::code("project code", &self.project).map_err(field("project"))?,
            code: office_code(&self.code).map_err(field("code"))?,
            name: text::required("office name", &self.name, 200).map_err(field("name"))?,
            country: text::country(&self.country).map_err(field("country"))?,
        })
    }
}

/// An office's code as the schema keeps it: capital letters, digits and '-'.
pub fn office_code(given: &str) -> Result<String> {
    let code = text::code("office code", given)?.to_ascii_uppercase();
    if code.len() > 40
        || !code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(crate::error::Error::invalid(format!(
            "office code {code:?} must be at most 40 capital letters, digits or '-', e.g. RABAT"
        )));
    }
    Ok(code)
}

/// The office the user records in, from GRANTBOOK_OFFICE; unset or blank is none.
pub fn recording_office() -> Result<Option<String>> {
    match std::env::var(OFFICE_VARIABLE) {
        Ok(value) if !value.trim().is_empty() => office_code(&value)
            .map(Some)
            .map_err(|e| e.at(OFFICE_VARIABLE)),
        _ => Ok(None),
    }
}

pub fn run(command: OfficeCommand, ctx: &mut Context) -> Result<()> {
    match command {
        OfficeCommand::Add(args) => {
            let office = ctx.ledger.add_office(&args.parse()?)?;
            ctx.show(&offices::offices(&[office], "Recorded office"))
        }
        OfficeCommand::List { project, .. } => {
            let list = ctx.ledger.offices(project.as_deref().map(str::trim))?;
            ctx.show(&offices::offices(&list, ""))
        }
    }
}
