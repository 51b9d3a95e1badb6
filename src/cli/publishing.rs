//! What publishing to IATI needs beyond the ledger's money, set once and kept:
//! `organisation set/list` (registered identifiers, types and contacts of the organisations
//! projects and payees name), `donor iati`, `project iati` and `grant iati`. Every code is
//! checked against IATI's codelist when it is set.

use std::collections::BTreeSet;

use clap::{Args, Subcommand};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::Context;
use super::csv_input::CsvRow;
use super::input::given;
use crate::domain::codelists::{Codelist, organisation_identifier};
use crate::domain::money::parse_decimal;
use crate::domain::{DonorPublishing, ProjectPublishing, RegisteredOrganisation, text};
use crate::error::{Error, Result, field};
use crate::report::listing::publishing as listing;

#[derive(Debug, Subcommand)]
pub enum OrganisationCommand {
    /// Record an organisation's registered IATI identifier, type and contact (replacing what
    /// was held under its name): a project's organisation (it reports the project's grants),
    /// or a partner or supplier that payees name
    #[command(
        after_help = "Example:\n  grantbook organisation set 'IOM Morocco' --iati-id \
                            XM-DAC-47066 --type 40 \\\n      --email iommorocco@iom.int \
                            --website https://morocco.iom.int\n  grantbook organisation set \
                            'Partner NGO (Sudan)' --type 24"
    )]
    Set(OrganisationArgs),
    /// List the registered organisations
    #[command(after_help = "Example:\n  grantbook organisation list")]
    List,
}

#[derive(Debug, Args, Deserialize)]
pub struct OrganisationArgs {
    /// The name exactly as projects (`--organisation`) or payees write it
    pub name: String,
    /// Registered organisation identifier: agency code, `-`, number (XM-DAC-47066)
    #[arg(long = "iati-id", value_name = "ID")]
    #[serde(default)]
    pub iati_id: Option<String>,
    /// IATI OrganisationType code: 10 government, 21 international NGO, 22 national NGO,
    /// 40 multilateral, 70 private sector, 90 other...
    #[arg(long = "type", value_name = "CODE")]
    #[serde(rename = "type")]
    pub org_type: String,
    /// Contact e-mail published with its activities
    #[arg(long)]
    #[serde(default)]
    pub email: Option<String>,
    /// Contact telephone
    #[arg(long)]
    #[serde(default)]
    pub telephone: Option<String>,
    /// Web site
    #[arg(long)]
    #[serde(default)]
    pub website: Option<String>,
    /// Postal address
    #[arg(long)]
    #[serde(default)]
    pub address: Option<String>,
}

impl CsvRow for OrganisationArgs {
    const REQUIRED: &'static [&'static str] = &["name", "type"];
    const OPTIONAL: &'static [&'static str] =
        &["iati_id", "email", "telephone", "website", "address"];
}

fn contact(what: &str, value: &Option<String>) -> Result<String> {
    text::optional(what, given(value).unwrap_or(""), 300)
}

impl OrganisationArgs {
    pub fn parse(&self) -> Result<RegisteredOrganisation> {
        Ok(RegisteredOrganisation {
            name: text::required("organisation name", &self.name, 200).map_err(field("name"))?,
            iati_id: given(&self.iati_id)
                .map(|id| organisation_identifier("--iati-id", id))
                .transpose()
                .map_err(field("iati_id"))?,
            org_type: Codelist::OrganisationType
                .check("--type", &self.org_type)
                .map_err(field("type"))?,
            email: contact("--email", &self.email).map_err(field("email"))?,
            telephone: contact("--telephone", &self.telephone).map_err(field("telephone"))?,
            website: contact("--website", &self.website).map_err(field("website"))?,
            address: contact("--address", &self.address).map_err(field("address"))?,
        })
    }
}

pub fn organisation(command: OrganisationCommand, ctx: &mut Context) -> Result<()> {
    match command {
        OrganisationCommand::Set(args) => {
            ctx.ledger.set_organisation(&args.parse()?)?;
            ctx.show(&listing::organisations(&ctx.ledger.organisations()?))
        }
        OrganisationCommand::List => {
            ctx.show(&listing::organisations(&ctx.ledger.organisations()?))
        }
    }
}

/// `donor iati`: what is given is set, the rest kept.
#[derive(Debug, Args, Deserialize)]
pub struct DonorIatiArgs {
    /// The donor's code
    #[serde(rename = "donor")]
    pub code: String,
    /// The donor's registered organisation identifier (Japan: XM-DAC-701)
    #[arg(long = "iati-id", value_name = "ID")]
    #[serde(default)]
    pub iati_id: Option<String>,
    /// Default AidType code of its grants (e.g. C01 project-type interventions)
    #[arg(long = "aid-type", value_name = "CODE")]
    #[serde(default)]
    pub aid_type: Option<String>,
    /// Default FinanceType code (e.g. 110 standard grant)
    #[arg(long = "finance-type", value_name = "CODE")]
    #[serde(default)]
    pub finance_type: Option<String>,
    /// Default FlowType code (e.g. 10 ODA)
    #[arg(long = "flow-type", value_name = "CODE")]
    #[serde(default)]
    pub flow_type: Option<String>,
    /// CollaborationType code (e.g. 1 bilateral)
    #[arg(long = "collaboration-type", value_name = "CODE")]
    #[serde(default)]
    pub collaboration_type: Option<String>,
}

impl CsvRow for DonorIatiArgs {
    const REQUIRED: &'static [&'static str] = &["donor"];
    const OPTIONAL: &'static [&'static str] = &[
        "iati_id",
        "aid_type",
        "finance_type",
        "flow_type",
        "collaboration_type",
    ];
}

fn coded(list: Codelist, what: &str, value: &Option<String>) -> Result<Option<String>> {
    given(value).map(|c| list.check(what, c)).transpose()
}

impl DonorIatiArgs {
    pub fn parse(&self) -> Result<(String, DonorPublishing)> {
        let code = text::code("donor", &self.code).map_err(field("donor"))?;
        let settings = DonorPublishing {
            iati_id: given(&self.iati_id)
                .map(|id| organisation_identifier("--iati-id", id))
                .transpose()
                .map_err(field("iati_id"))?,
            aid_type: coded(Codelist::AidType, "--aid-type", &self.aid_type)
                .map_err(field("aid_type"))?,
            finance_type: coded(Codelist::FinanceType, "--finance-type", &self.finance_type)
                .map_err(field("finance_type"))?,
            flow_type: coded(Codelist::FlowType, "--flow-type", &self.flow_type)
                .map_err(field("flow_type"))?,
            collaboration_type: coded(
                Codelist::CollaborationType,
                "--collaboration-type",
                &self.collaboration_type,
            )
            .map_err(field("collaboration_type"))?,
        };
        Ok((code, settings))
    }
}

pub fn donor_iati(args: &DonorIatiArgs, ctx: &mut Context) -> Result<()> {
    let (code, change) = args.parse()?;
    let now = ctx.ledger.update_donor_publishing(&code, &change)?;
    ctx.show(&listing::donor(&code, &now))
}

/// `project iati`: sectors (replaced whole when given), scope and humanitarian flag.
#[derive(Debug, Args)]
pub struct ProjectIatiArgs {
    /// The project's code
    pub code: String,
    /// A DAC 5-digit sector and its percentage, CODE:PCT (repeat; the percentages add up to
    /// 100), e.g. --sector 12220:70 --sector 16010:30
    #[arg(long = "sector", value_name = "CODE:PCT")]
    pub sectors: Vec<String>,
    /// ActivityScope code: 1 global, 2 regional, 3 multi-national, 4 national...
    #[arg(long, value_name = "CODE")]
    pub scope: Option<String>,
    /// Whether the project is humanitarian: yes or no
    #[arg(long, value_name = "YES|NO")]
    pub humanitarian: Option<String>,
}

/// Sectors as `CODE:PCT` items: codes on the Sector codelist, each once, percentages above 0
/// with at most two decimals, adding up to exactly 100.
pub fn parse_sectors(items: &[String]) -> Result<Vec<(String, Decimal)>> {
    let mut seen = BTreeSet::new();
    let mut sectors = Vec::new();
    for item in items {
        let Some((code, pct)) = item.split_once(':') else {
            return Err(Error::invalid(format!(
                "--sector {item:?} is not CODE:PERCENT; e.g. --sector 12220:100"
            )));
        };
        let code = Codelist::Sector.check("--sector", code)?;
        let pct = parse_decimal("sector percentage", pct)?;
        if pct <= Decimal::ZERO || pct > Decimal::ONE_HUNDRED || pct.normalize().scale() > 2 {
            return Err(Error::invalid(format!(
                "--sector {item:?}: the percentage must be above 0, at most 100, with at most \
                 two decimals"
            )));
        }
        if !seen.insert(code.clone()) {
            return Err(Error::invalid(format!(
                "--sector {code} is given twice; give each sector once with its whole share"
            )));
        }
        sectors.push((code, pct.normalize()));
    }
    let total: Decimal = sectors.iter().map(|(_, p)| *p).sum();
    if !sectors.is_empty() && total != Decimal::ONE_HUNDRED {
        return Err(Error::invalid(format!(
            "the sectors' percentages add up to {total}, not 100; give every sector of the \
             project with its share, e.g. --sector 12220:70 --sector 16010:30"
        )));
    }
    Ok(sectors)
}

fn yes_no(what: &str, value: &str) -> Result<bool> {
    match value.trim().to_lowercase().as_str() {
        "yes" | "true" | "1" => Ok(true),
        "no" | "false" | "0" => Ok(false),
        other => Err(Error::invalid(format!("{what} {other:?} is not yes or no"))),
    }
}

impl ProjectIatiArgs {
    pub fn parse(&self) -> Result<(String, ProjectPublishing)> {
        let settings = ProjectPublishing {
            sectors: parse_sectors(&self.sectors)?,
            scope: coded(Codelist::ActivityScope, "--scope", &self.scope)?,
            humanitarian: given(&self.humanitarian)
                .map(|h| yes_no("--humanitarian", h))
                .transpose()?,
        };
        Ok((text::code("project", &self.code)?, settings))
    }
}

pub fn project_iati(args: &ProjectIatiArgs, ctx: &mut Context) -> Result<()> {
    let (code, change) = args.parse()?;
    let given = !change.sectors.is_empty();
    let now = ctx
        .ledger
        .update_project_publishing(&code, &change, given)?;
    ctx.show(&listing::project(&code, &now))
}

/// A row of project_iati.csv: a project's sectors as `CODE:PCT` separated by `;`.
#[derive(Debug, Deserialize)]
pub struct ProjectIatiRow {
    project: String,
    #[serde(default)]
    sectors: String,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    humanitarian: Option<String>,
}

impl CsvRow for ProjectIatiRow {
    const REQUIRED: &'static [&'static str] = &["project", "sectors"];
    const OPTIONAL: &'static [&'static str] = &["scope", "humanitarian"];
}

impl ProjectIatiRow {
    pub fn args(self) -> ProjectIatiArgs {
        ProjectIatiArgs {
            code: self.project,
            sectors: self
                .sectors
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            scope: self.scope,
            humanitarian: self.humanitarian,
        }
    }
}

/// `grant iati`: the donor's own IATI activity identifier of the grant.
#[derive(Debug, Args, Deserialize)]
pub struct GrantIatiArgs {
    /// The grant's reference
    #[serde(rename = "grant")]
    pub reference: String,
    /// The donor's IATI activity identifier for this grant, named as the provider-activity-id
    /// of the money it sent
    #[arg(long = "donor-activity-id", value_name = "ID")]
    pub donor_activity_id: String,
}

impl CsvRow for GrantIatiArgs {
    const REQUIRED: &'static [&'static str] = &["grant", "donor_activity_id"];
    const OPTIONAL: &'static [&'static str] = &[];
}

impl GrantIatiArgs {
    pub fn parse(&self) -> Result<(String, String)> {
        let reference = text::code("grant", &self.reference).map_err(field("grant"))?;
        let id = text::required("--donor-activity-id", &self.donor_activity_id, 200)
            .map_err(field("donor_activity_id"))?;
        if let Some(c) = id.chars().find(|c| "/&|? ".contains(*c)) {
            return Err(Error::invalid(format!(
                "--donor-activity-id {id:?} holds {c:?}, which an IATI identifier may not hold"
            ))
            .in_field("donor_activity_id"));
        }
        Ok((reference, id))
    }
}

pub fn grant_iati(args: &GrantIatiArgs, ctx: &mut Context) -> Result<()> {
    let (reference, id) = args.parse()?;
    ctx.ledger.set_donor_activity_id(&reference, &id)?;
    super::note(&format!(
        "grant {reference}: incoming funds name {id} as the donor's activity"
    ));
    Ok(())
}
