//! Dated amendments to donors, projects and grants, and each of them as it stood on a day.
//!
//! The entity's own row holds the value in force now; an amendment keeps one field's value
//! before and after, with the day it took effect. So the entity as it stood at the end of a
//! day is its row with every amendment effective after that day undone, newest first; and a
//! grant's end then is the one before the earliest no-cost extension decided after that day.
//! Values are kept as text, the way the amendment table stores them.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::dates::{DateRange, parse_date};
use super::kinds::DonorKind;
use super::model::{Donor, Extension, Grant, Project};
use crate::error::{Error, Result};

/// What an amendment changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Entity {
    Donor,
    Project,
    Grant,
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Donor => "donor",
            Entity::Project => "project",
            Entity::Grant => "grant",
        }
    }

    pub fn parse(text: &str) -> Result<Entity> {
        match text.trim() {
            "donor" => Ok(Entity::Donor),
            "project" => Ok(Entity::Project),
            "grant" => Ok(Entity::Grant),
            other => Err(Error::invalid(format!(
                "entity {other:?}: an amendment changes a donor, a project or a grant"
            ))),
        }
    }
}

/// One field's dated change, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Amendment {
    pub entity: Entity,
    /// The donor's or project's code, or the grant's reference.
    pub code: String,
    pub field: String,
    /// The first day the new value holds.
    pub effective: NaiveDate,
    pub before: String,
    pub after: String,
    pub reason: String,
    pub recorded_at: String,
}

/// When an amendment takes effect and why: the donor's letter, the signed addendum.
#[derive(Debug, Clone)]
pub struct Dated {
    pub effective: NaiveDate,
    pub reason: String,
}

/// A record whose fields amendments change, read and written as the amendment table keeps
/// them.
pub trait Amendable: Clone + Serialize {
    const ENTITY: Entity;
    /// The fields an amendment may change, in the order they are listed.
    const FIELDS: &'static [&'static str];
    /// The donor's or project's code, the grant's reference.
    fn code(&self) -> &str;
    /// The value of `field` as text.
    fn get(&self, field: &str) -> String;
    /// Give `field` the value `text` (as [`Amendable::get`] writes it).
    fn set(&mut self, field: &str, text: &str) -> Result<()>;
}

/// `now` as it stood at the end of `day`: every one of `amendments` (its own, oldest first)
/// effective after that day undone, newest first.
pub fn as_of<T: Amendable>(now: &T, amendments: &[Amendment], day: NaiveDate) -> Result<T> {
    let mut then = now.clone();
    for a in amendments.iter().rev().filter(|a| a.effective > day) {
        then.set(&a.field, &a.before)?;
    }
    Ok(then)
}

/// The end in force at the end of `day` of a grant that ends on `end` now: the end before the
/// earliest of `extensions` (oldest first) decided after that day. An extension recorded
/// before decisions were dated counts as always decided.
pub fn end_as_of(end: NaiveDate, extensions: &[Extension], day: NaiveDate) -> NaiveDate {
    extensions
        .iter()
        .find(|x| x.decided.is_some_and(|decided| decided > day))
        .map_or(end, |x| x.previous_end)
}

/// `grant` as it stood at the end of `day`: amendments after it undone, and the end in force
/// then.
pub fn grant_as_of(
    grant: &Grant,
    amendments: &[Amendment],
    extensions: &[Extension],
    day: NaiveDate,
) -> Result<Grant> {
    let mut then = as_of(grant, amendments, day)?;
    then.end = end_as_of(grant.end, extensions, day);
    Ok(then)
}

/// The fields `after` changes from `before`: (field, before, after), in the fields' order.
pub fn differences<T: Amendable>(before: &T, after: &T) -> Vec<(&'static str, String, String)> {
    T::FIELDS
        .iter()
        .map(|&f| (f, before.get(f), after.get(f)))
        .filter(|(_, b, a)| b != a)
        .collect()
}

/// A grant amendment: a new amount (a top-up, or less), indirect rate or donor's reference.
#[derive(Debug, Clone, Default)]
pub struct GrantChanges {
    pub amount: Option<Decimal>,
    pub indirect_rate: Option<Decimal>,
    pub donor_reference: Option<String>,
}

impl GrantChanges {
    pub fn apply(&self, grant: &Grant) -> Grant {
        let mut after = grant.clone();
        after.amount = self.amount.unwrap_or(grant.amount);
        after.indirect_rate = self.indirect_rate.unwrap_or(grant.indirect_rate);
        if let Some(reference) = &self.donor_reference {
            after.donor_reference = reference.clone();
        }
        after
    }
}

/// A project amendment: its title, dates or countries.
#[derive(Debug, Clone, Default)]
pub struct ProjectChanges {
    pub title: Option<String>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub add_countries: Vec<String>,
    pub remove_countries: Vec<String>,
}

impl ProjectChanges {
    /// `project` changed, or why the change makes no sense (a country added twice, removed
    /// though absent, none left; dates the wrong way round).
    pub fn apply(&self, project: &Project) -> Result<Project> {
        let mut after = project.clone();
        if let Some(title) = &self.title {
            after.title = title.clone();
        }
        let dates = DateRange::new(
            "the project",
            self.start.unwrap_or(project.start),
            self.end.unwrap_or(project.end),
        )?;
        (after.start, after.end) = (dates.start, dates.end);
        for country in &self.add_countries {
            if after.countries.contains(country) {
                return Err(Error::invalid(format!(
                    "project {} already works in {country}; --add-country adds a country it \
                     does not have",
                    project.code
                )));
            }
            after.countries.push(country.clone());
        }
        for country in &self.remove_countries {
            let Some(at) = after.countries.iter().position(|c| c == country) else {
                return Err(Error::invalid(format!(
                    "project {} does not work in {country} (its countries: {}); \
                     --remove-country removes one of them",
                    project.code,
                    project.countries.join(", ")
                )));
            };
            after.countries.remove(at);
        }
        if after.countries.is_empty() {
            return Err(Error::invalid(format!(
                "project {} would have no country left; a project works in at least one (add \
                 the new one with --add-country)",
                project.code
            )));
        }
        after.countries.sort();
        Ok(after)
    }
}

/// A donor amendment: its name, kind or country (`Some(None)` takes the country away).
#[derive(Debug, Clone, Default)]
pub struct DonorChanges {
    pub name: Option<String>,
    pub kind: Option<DonorKind>,
    pub country: Option<Option<String>>,
}

impl DonorChanges {
    pub fn apply(&self, donor: &Donor) -> Donor {
        let mut after = donor.clone();
        if let Some(name) = &self.name {
            after.name = name.clone();
        }
        after.kind = self.kind.unwrap_or(donor.kind);
        if let Some(country) = &self.country {
            after.country = country.clone();
        }
        after
    }
}

fn unknown_field<T: Amendable>(field: &str) -> Error {
    Error::invalid(format!(
        "a {} has no field {field:?} to amend; the fields are {}",
        T::ENTITY.as_str(),
        T::FIELDS.join(", ")
    ))
}

/// A stored value that does not read back (a decimal, a date): named with where it is.
fn stored<T, E: std::fmt::Display>(
    field: &str,
    text: &str,
    parsed: std::result::Result<T, E>,
) -> Result<T> {
    parsed.map_err(|e| Error::invalid(format!("{field} {text:?} is not a valid value: {e}")))
}

impl Amendable for Grant {
    const ENTITY: Entity = Entity::Grant;
    const FIELDS: &'static [&'static str] = &["amount", "indirect_rate", "donor_reference"];

    fn code(&self) -> &str {
        &self.reference
    }

    fn get(&self, field: &str) -> String {
        match field {
            "amount" => self.currency.plain(self.amount),
            "indirect_rate" => self.indirect_rate.normalize().to_string(),
            "donor_reference" => self.donor_reference.clone(),
            _ => String::new(),
        }
    }

    fn set(&mut self, field: &str, text: &str) -> Result<()> {
        match field {
            "amount" => self.amount = stored(field, text, text.parse::<Decimal>())?,
            "indirect_rate" => self.indirect_rate = stored(field, text, text.parse::<Decimal>())?,
            "donor_reference" => self.donor_reference = text.to_string(),
            _ => return Err(unknown_field::<Grant>(field)),
        }
        Ok(())
    }
}

impl Amendable for Project {
    const ENTITY: Entity = Entity::Project;
    const FIELDS: &'static [&'static str] = &["title", "start", "end", "countries"];

    fn code(&self) -> &str {
        &self.code
    }

    fn get(&self, field: &str) -> String {
        match field {
            "title" => self.title.clone(),
            "start" => self.start.to_string(),
            "end" => self.end.to_string(),
            "countries" => self.countries.join(";"),
            _ => String::new(),
        }
    }

    fn set(&mut self, field: &str, text: &str) -> Result<()> {
        match field {
            "title" => self.title = text.to_string(),
            "start" => self.start = parse_date("project start", text)?,
            "end" => self.end = parse_date("project end", text)?,
            "countries" => {
                self.countries = text
                    .split(';')
                    .filter(|c| !c.is_empty())
                    .map(String::from)
                    .collect()
            }
            _ => return Err(unknown_field::<Project>(field)),
        }
        Ok(())
    }
}

impl Amendable for Donor {
    const ENTITY: Entity = Entity::Donor;
    const FIELDS: &'static [&'static str] = &["name", "kind", "country"];

    fn code(&self) -> &str {
        &self.code
    }

    fn get(&self, field: &str) -> String {
        match field {
            "name" => self.name.clone(),
            "kind" => self.kind.as_str().to_string(),
            "country" => self.country.clone().unwrap_or_default(),
            _ => String::new(),
        }
    }

    fn set(&mut self, field: &str, text: &str) -> Result<()> {
        match field {
            "name" => self.name = text.to_string(),
            "kind" => self.kind = DonorKind::parse(text)?,
            "country" => self.country = Some(text.to_string()).filter(|c| !c.is_empty()),
            _ => return Err(unknown_field::<Donor>(field)),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
