//! `grant amend`, `project amend` and `donor amend`: dated changes, each with its reason; and
//! the same changes replayed from an export's amendments file.

use clap::Args;
use serde::Deserialize;

use super::csv_input::CsvRow;
use super::input::{given, not_future};
use crate::db::Ledger;
use crate::domain::money::{check_positive, parse_decimal, parse_percent};
use crate::domain::{
    Amendable, Dated, DonorChanges, DonorKind, Entity, GrantChanges, ProjectChanges, parse_date,
    text,
};
use crate::error::{Error, Result, field};

/// When an amendment takes effect and why.
#[derive(Debug, Args)]
pub struct DatedArgs {
    /// The day the change takes effect, YYYY-MM-DD (not in the future); reports as of an
    /// earlier day read the old value
    #[arg(long)]
    pub date: String,
    /// Why, e.g. the donor's addendum or letter
    #[arg(long)]
    pub reason: String,
}

impl DatedArgs {
    fn parse(&self) -> Result<Dated> {
        Ok(Dated {
            effective: not_future("amendment date", &self.date, "once it has taken effect")
                .map_err(field("date"))?,
            reason: text::required("reason", &self.reason, 500).map_err(field("reason"))?,
        })
    }
}

/// Refuse an amendment that names nothing to change.
fn refuse_empty(nothing: bool, what: &str, flags: &str) -> Result<()> {
    if nothing {
        return Err(Error::invalid(format!(
            "nothing to amend: give what the amendment of {what} changes ({flags})"
        )));
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct GrantAmendArgs {
    /// The grant's reference
    pub reference: String,
    /// The new total amount in the grant's currency (a top-up, or less; not below what was
    /// received or what the budget lines hold)
    #[arg(long, allow_negative_numbers = true)]
    pub amount: Option<String>,
    /// The new indirect-cost rate in percent, e.g. 7
    #[arg(long)]
    pub indirect_rate: Option<String>,
    /// The donor's own reference for the agreement (their contract number)
    #[arg(long)]
    pub donor_reference: Option<String>,
    #[command(flatten)]
    pub dated: DatedArgs,
}

impl GrantAmendArgs {
    pub fn parse(&self) -> Result<(GrantChanges, Dated)> {
        let what = format!("grant {}", self.reference.trim());
        let flags = "--amount, --indirect-rate or --donor-reference";
        let none =
            self.amount.is_none() && self.indirect_rate.is_none() && self.donor_reference.is_none();
        refuse_empty(none, &what, flags)?;
        let amount = given(&self.amount)
            .map(|a| {
                let amount = parse_decimal("grant amount", a)?;
                check_positive("grant amount", amount).map(|()| amount)
            })
            .transpose()
            .map_err(field("amount"))?;
        let changes = GrantChanges {
            amount,
            indirect_rate: given(&self.indirect_rate)
                .map(|r| parse_percent("indirect rate", r))
                .transpose()
                .map_err(field("indirect_rate"))?,
            donor_reference: self
                .donor_reference
                .as_deref()
                .map(|r| text::optional("donor reference", r, 100))
                .transpose()
                .map_err(field("donor_reference"))?,
        };
        Ok((changes, self.dated.parse()?))
    }
}

#[derive(Debug, Args)]
pub struct ProjectAmendArgs {
    /// The project's code
    pub code: String,
    /// The new title
    #[arg(long)]
    pub title: Option<String>,
    /// The new start date, YYYY-MM-DD (the project's grants must stay inside its dates)
    #[arg(long)]
    pub start: Option<String>,
    /// The new end date, YYYY-MM-DD
    #[arg(long)]
    pub end: Option<String>,
    /// A country the project now works in (ISO code); may be repeated
    #[arg(long, value_name = "CC")]
    pub add_country: Vec<String>,
    /// A country it no longer works in, if no expense was spent there; may be repeated
    #[arg(long, value_name = "CC")]
    pub remove_country: Vec<String>,
    #[command(flatten)]
    pub dated: DatedArgs,
}

impl ProjectAmendArgs {
    pub fn parse(&self) -> Result<(ProjectChanges, Dated)> {
        let what = format!("project {}", self.code.trim());
        let flags = "--title, --start, --end, --add-country or --remove-country";
        let none = self.title.is_none()
            && self.start.is_none()
            && self.end.is_none()
            && self.add_country.is_empty()
            && self.remove_country.is_empty();
        refuse_empty(none, &what, flags)?;
        let date = |what: &str, d: &Option<String>| d.as_deref().map(|d| parse_date(what, d));
        let countries = |list: &[String]| -> Result<Vec<String>> {
            list.iter().map(|c| text::country(c)).collect()
        };
        let changes = ProjectChanges {
            title: self
                .title
                .as_deref()
                .map(|t| text::required("project title", t, 300))
                .transpose()
                .map_err(field("title"))?,
            start: date("project start", &self.start)
                .transpose()
                .map_err(field("start"))?,
            end: date("project end", &self.end)
                .transpose()
                .map_err(field("end"))?,
            add_countries: countries(&self.add_country).map_err(field("add_country"))?,
            remove_countries: countries(&self.remove_country).map_err(field("remove_country"))?,
        };
        Ok((changes, self.dated.parse()?))
    }
}

#[derive(Debug, Args)]
pub struct DonorAmendArgs {
    /// The donor's code
    pub code: String,
    /// The new name
    #[arg(long)]
    pub name: Option<String>,
    /// government, multilateral, foundation, private or other
    #[arg(long)]
    pub kind: Option<String>,
    /// The donor's country (ISO code); '' for none
    #[arg(long)]
    pub country: Option<String>,
    #[command(flatten)]
    pub dated: DatedArgs,
}

impl DonorAmendArgs {
    pub fn parse(&self) -> Result<(DonorChanges, Dated)> {
        let what = format!("donor {}", self.code.trim());
        let none = self.name.is_none() && self.kind.is_none() && self.country.is_none();
        refuse_empty(none, &what, "--name, --kind or --country")?;
        let changes = DonorChanges {
            name: self
                .name
                .as_deref()
                .map(|n| text::required("donor name", n, 200))
                .transpose()
                .map_err(field("name"))?,
            kind: self
                .kind
                .as_deref()
                .map(DonorKind::parse)
                .transpose()
                .map_err(field("kind"))?,
            country: self
                .country
                .as_ref()
                .map(|c| given(&Some(c.clone())).map(text::country).transpose())
                .transpose()
                .map_err(field("country"))?,
        };
        Ok((changes, self.dated.parse()?))
    }
}

/// A row of an export's amendments file: one field of one record, changed from a day on.
#[derive(Debug, Deserialize)]
pub struct AmendmentRow {
    pub entity: String,
    pub code: String,
    pub field: String,
    pub date: String,
    #[serde(default)]
    pub before: String,
    #[serde(default)]
    pub after: String,
    pub reason: String,
}

impl CsvRow for AmendmentRow {
    const REQUIRED: &'static [&'static str] = &[
        "entity", "code", "field", "date", "before", "after", "reason",
    ];
    const OPTIONAL: &'static [&'static str] = &[];
}

impl AmendmentRow {
    /// The day it takes effect (the import replays amendments in date order).
    pub fn effective(&self) -> Result<chrono::NaiveDate> {
        parse_date("amendment date", &self.date).map_err(field("date"))
    }

    /// A change of the grant's amount to less: replayed after the budget revisions of its day
    /// (which it needed), as an increase is replayed before them.
    pub fn lowers_an_amount(&self) -> bool {
        let amount = |t: &str| parse_decimal("amount", t).ok();
        self.entity.trim() == "grant"
            && self.field.trim() == "amount"
            && matches!((amount(&self.before), amount(&self.after)), (Some(b), Some(a)) if a < b)
    }

    /// Make the change again, through the same checks as the command that made it, once sure
    /// the record's value is still the one the amendment found.
    pub fn replay(&self, ledger: &mut Ledger) -> Result<()> {
        let (code, name) = (self.code.trim().to_string(), self.field.trim());
        let only = |wanted: &str| (name == wanted).then(|| self.after.clone());
        let dated = || DatedArgs {
            date: self.date.clone(),
            reason: self.reason.clone(),
        };
        match Entity::parse(&self.entity).map_err(field("entity"))? {
            Entity::Grant => {
                self.found(&ledger.grant(&code)?)?;
                let args = GrantAmendArgs {
                    reference: code.clone(),
                    amount: only("amount"),
                    indirect_rate: only("indirect_rate"),
                    donor_reference: only("donor_reference"),
                    dated: dated(),
                };
                let (changes, dated) = args.parse()?;
                ledger.amend_grant(&code, &changes, &dated).map(drop)
            }
            Entity::Project => {
                let project = ledger.project(&code)?;
                self.found(&project)?;
                let after: Vec<String> = self.after.split(';').map(String::from).collect();
                let (mut add, mut remove) = (Vec::new(), Vec::new());
                if name == "countries" {
                    add = after
                        .iter()
                        .filter(|c| !project.countries.contains(c))
                        .cloned()
                        .collect();
                    remove = (project.countries.iter())
                        .filter(|c| !after.contains(c))
                        .cloned()
                        .collect();
                }
                let args = ProjectAmendArgs {
                    code: code.clone(),
                    title: only("title"),
                    start: only("start"),
                    end: only("end"),
                    add_country: add,
                    remove_country: remove,
                    dated: dated(),
                };
                let (changes, dated) = args.parse()?;
                ledger.amend_project(&code, &changes, &dated).map(drop)
            }
            Entity::Donor => {
                self.found(&ledger.donor(&code)?)?;
                let args = DonorAmendArgs {
                    code: code.clone(),
                    name: only("name"),
                    kind: only("kind"),
                    country: only("country"),
                    dated: dated(),
                };
                let (changes, dated) = args.parse()?;
                ledger.amend_donor(&code, &changes, &dated).map(drop)
            }
        }
    }

    /// Refuse a row whose field the record does not have, or whose value before is not the
    /// record's value now: the files are not one export.
    fn found<T: Amendable>(&self, record: &T) -> Result<()> {
        let name = self.field.trim();
        if !T::FIELDS.contains(&name) {
            return Err(Error::invalid(format!(
                "a {} has no field {name:?} to amend; the fields are {}",
                T::ENTITY.as_str(),
                T::FIELDS.join(", ")
            ))
            .in_field("field"));
        }
        let now = record.get(name);
        if now != self.before {
            return Err(Error::invalid(format!(
                "{} {}'s {name} is {now:?} at this point, but the amendment changes it from \
                 {:?}; the files do not come from one export",
                T::ENTITY.as_str(),
                record.code(),
                self.before
            ))
            .in_field("before"));
        }
        Ok(())
    }
}
