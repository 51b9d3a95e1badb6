//! `donor` and `project` commands.

use clap::{Args, Subcommand};
use serde::Deserialize;

use super::Context;
use super::csv_input::CsvRow;
use super::input::given;
use crate::db::GrantFilter;
use crate::db::rules::RuleOwner;
use crate::domain::{
    Amendment, DateRange, Donor, DonorKind, Entity, Project, ProjectStatus, parse_date, text,
};
use crate::error::{Result, field};
use crate::render::Document;
use crate::report::grants;
use crate::report::listing;

#[derive(Debug, Subcommand)]
pub enum DonorCommand {
    /// Record a donor
    #[command(
        after_help = "Example:\n  grantbook donor add --code JP-GOV --name 'Government of Japan' \
                            --kind government --country JP"
    )]
    Add(DonorArgs),
    /// List donors
    #[command(after_help = "Example:\n  grantbook donor list --format csv > donors.csv")]
    List {
        #[command(flatten)]
        out: super::OutArgs,
    },
    /// Show one donor, its grants and its amendments
    #[command(after_help = "Example:\n  grantbook donor show JP-GOV")]
    Show { code: String },
    /// Amend a donor from a date: its name, kind or country; reports as of an earlier day
    /// read it as it was
    #[command(
        after_help = "Example:\n  grantbook donor amend REG-DONOR --name 'Regional Health Fund' \
                            --date 2023-01-01 \\\n      --reason 'Renamed by its board, letter of 2022-12-05'"
    )]
    Amend(super::amend::DonorAmendArgs),
    /// Set how the donor is published to IATI: its registered identifier and its grants'
    /// default aid, finance and flow types and collaboration type (what is given is set)
    #[command(
        after_help = "Example:\n  grantbook donor iati JP-GOV --iati-id XM-DAC-701 --aid-type C01 \
                            --finance-type 110 \\\n      --flow-type 10 --collaboration-type 1"
    )]
    Iati(super::publishing::DonorIatiArgs),
    /// Set a donor's rules for its grants (reallocation limit, indirect-cost cap, revision
    /// approval), or show them without options; a grant may override them (`grant rules`)
    #[command(
        after_help = "Examples:\n  grantbook donor rules US-GOV --reallocation-limit 10 --basis total \
                            --indirect-cap 7\n  \
                            grantbook donor rules UN-AGENCY --reallocation-limit 20 --basis line\n  \
                            grantbook donor rules US-GOV"
    )]
    Rules {
        /// Donor code, e.g. JP-GOV
        code: String,
        #[command(flatten)]
        rules: super::rules::RulesArgs,
    },
    /// A donor's reporting categories (SF-424A object classes, EU budget headings...): the
    /// headings `report donor --by category` prints; `budget map` puts each line in one
    #[command(
        subcommand,
        after_help = "Example:\n  grantbook donor category add --donor US-GOV --code a --name Personnel\n  \
                      grantbook donor category list --donor US-GOV"
    )]
    Category(super::categories::CategoryCommand),
}

#[derive(Debug, Args, Deserialize)]
pub struct DonorArgs {
    /// Short unique code, e.g. JP-GOV
    #[arg(long)]
    pub code: String,
    /// Full name, e.g. "Government of Japan"
    #[arg(long)]
    pub name: String,
    /// government, multilateral, foundation, private or other
    #[arg(long, default_value = "government")]
    pub kind: String,
    /// ISO 3166 two-letter country code of the donor, if any
    #[arg(long)]
    pub country: Option<String>,
}

impl CsvRow for DonorArgs {
    const REQUIRED: &'static [&'static str] = &["code", "name", "kind"];
    const OPTIONAL: &'static [&'static str] = &["country"];
}

impl DonorArgs {
    pub fn parse(&self) -> Result<Donor> {
        Ok(Donor {
            code: text::code("donor code", &self.code)?,
            name: text::required("donor name", &self.name, 200)?,
            kind: DonorKind::parse(&self.kind)?,
            country: given(&self.country).map(text::country).transpose()?,
        })
    }
}

#[derive(Debug, Subcommand)]
pub enum ProjectCommand {
    /// Record a project
    #[command(
        after_help = "Example:\n  grantbook project add --code MA-MHPSS --title 'MHPSS for migrants \
                            in Morocco' --organisation 'IOM Morocco' --countries MA \\\n      \
                            --start 2021-03-01 --end 2022-03-31"
    )]
    Add(ProjectArgs),
    /// List projects
    #[command(after_help = "Example:\n  grantbook project list")]
    List {
        #[command(flatten)]
        out: super::OutArgs,
    },
    /// Show one project, its grants and its amendments
    #[command(after_help = "Example:\n  grantbook project show MA-MHPSS")]
    Show { code: String },
    /// Amend a project from a date: its title, dates or countries; reports as of an earlier
    /// day read it as it was
    #[command(
        after_help = "Example:\n  grantbook project amend NA-MIGHEALTH --add-country MR \
                            --date 2023-04-01 \\\n      --reason 'Mauritania added, steering committee of 2023-03-20'"
    )]
    Amend(super::amend::ProjectAmendArgs),
    /// Set how the project is published to IATI: its DAC sectors with percentages (replaced
    /// whole), activity scope and humanitarian flag
    #[command(
        after_help = "Example:\n  grantbook project iati MA-MHPSS --sector 12220:70 --sector 16010:30 \
                            --scope 4 --humanitarian no"
    )]
    Iati(super::publishing::ProjectIatiArgs),
}

#[derive(Debug, Args, Deserialize)]
pub struct ProjectArgs {
    /// Short unique code, e.g. MA-MHPSS
    #[arg(long)]
    pub code: String,
    /// Full title
    #[arg(long)]
    pub title: String,
    /// Implementing organisation
    #[arg(long)]
    pub organisation: String,
    /// Countries, ISO two-letter codes separated by ';' or ',', e.g. MA;TN;LY
    #[arg(long)]
    pub countries: String,
    /// Start date, YYYY-MM-DD
    #[arg(long)]
    pub start: String,
    /// End date, YYYY-MM-DD
    #[arg(long)]
    pub end: String,
    /// pipeline, implementation, finalisation, closed, cancelled or suspended
    #[arg(long, default_value = "implementation")]
    pub status: String,
}

impl CsvRow for ProjectArgs {
    const REQUIRED: &'static [&'static str] = &[
        "code",
        "title",
        "organisation",
        "countries",
        "start",
        "end",
        "status",
    ];
    const OPTIONAL: &'static [&'static str] = &[];
}

impl ProjectArgs {
    pub fn parse(&self) -> Result<Project> {
        let mut countries =
            text::countries("countries", &self.countries).map_err(field("countries"))?;
        countries.sort();
        countries.dedup();
        if countries.is_empty() {
            return Err(crate::error::Error::invalid(
                "a project needs at least one country, e.g. --countries MA",
            ));
        }
        let start = parse_date("project start", &self.start)?;
        let end = parse_date("project end", &self.end)?;
        let dates = DateRange::new("the project", start, end)?;
        Ok(Project {
            code: text::code("project code", &self.code)?,
            title: text::required("project title", &self.title, 300)?,
            organisation: text::required("organisation", &self.organisation, 200)?,
            countries,
            start: dates.start,
            end: dates.end,
            status: ProjectStatus::parse(&self.status)?,
        })
    }
}

pub fn donor(command: DonorCommand, ctx: &mut Context) -> Result<()> {
    match command {
        DonorCommand::Add(args) => {
            let donor = ctx.ledger.add_donor(&args.parse()?)?;
            ctx.show(&listing::donor(&donor, "Recorded donor"))
        }
        DonorCommand::List { .. } => ctx.show(&listing::donors(&ctx.ledger.donors()?)),
        DonorCommand::Show { code } => show_donor(ctx, &ctx.ledger.donor(code.trim())?, ""),
        DonorCommand::Amend(args) => {
            let (changes, dated) = args.parse()?;
            let donor = ctx.ledger.amend_donor(args.code.trim(), &changes, &dated)?;
            show_donor(ctx, &donor, "Amended donor")
        }
        DonorCommand::Iati(args) => super::publishing::donor_iati(&args, ctx),
        DonorCommand::Rules { code, rules } => {
            super::rules::run(RuleOwner::Donor(code.trim()), &rules, ctx)
        }
        DonorCommand::Category(c) => super::categories::category(c, ctx),
    }
}

fn show_donor(ctx: &Context, donor: &Donor, title: &str) -> Result<()> {
    let filter = GrantFilter {
        donor: Some(donor.code.clone()),
        ..Default::default()
    };
    let amendments = ctx.ledger.amendments(Entity::Donor, &donor.code)?;
    show_with_grants(ctx, listing::donor(donor, title), &filter, &amendments)
}

pub fn project(command: ProjectCommand, ctx: &mut Context) -> Result<()> {
    match command {
        ProjectCommand::Add(args) => {
            let project = ctx.ledger.add_project(&args.parse()?)?;
            ctx.show(&listing::project(&project, "Recorded project"))
        }
        ProjectCommand::List { .. } => ctx.show(&listing::projects(&ctx.ledger.projects()?)),
        ProjectCommand::Show { code } => show_project(ctx, &ctx.ledger.project(code.trim())?, ""),
        ProjectCommand::Amend(args) => {
            let (changes, dated) = args.parse()?;
            let project = ctx
                .ledger
                .amend_project(args.code.trim(), &changes, &dated)?;
            show_project(ctx, &project, "Amended project")
        }
        ProjectCommand::Iati(args) => super::publishing::project_iati(&args, ctx),
    }
}

fn show_project(ctx: &Context, project: &Project, title: &str) -> Result<()> {
    let filter = GrantFilter {
        project: Some(project.code.clone()),
        ..Default::default()
    };
    let amendments = ctx.ledger.amendments(Entity::Project, &project.code)?;
    show_with_grants(ctx, listing::project(project, title), &filter, &amendments)
}

/// A donor's or project's record followed by the grants `filter` selects and its amendments.
fn show_with_grants(
    ctx: &Context,
    record: Document,
    filter: &GrantFilter,
    amendments: &[Amendment],
) -> Result<()> {
    let totals = ctx.ledger.grant_totals(filter)?;
    ctx.show(&listing::with_amendments(
        grants::with_grants(record, &totals),
        amendments,
    ))
}
