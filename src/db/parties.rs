//! Donors and projects.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::Ledger;
use super::lookup::{self, vocabulary};
use crate::domain::{Donor, DonorKind, Project, ProjectStatus};
use crate::error::{Error, Result};

impl Ledger {
    pub fn add_donor(&mut self, donor: &Donor) -> Result<Donor> {
        self.write(|w| {
            if let Some(country) = &donor.country {
                lookup::country(w.conn(), country)?;
            }
            refuse_existing(
                w.conn(),
                "SELECT count(*) FROM donor WHERE code = ?1",
                "donor",
                &donor.code,
            )?;
            w.conn().execute(
                "INSERT INTO donor (code, name, kind, country) VALUES (?1, ?2, ?3, ?4)",
                params![donor.code, donor.name, donor.kind.as_str(), donor.country],
            )?;
            w.audit("add", "donor", &donor.code, None::<&Donor>, Some(donor))?;
            find_donor(w.conn(), &donor.code)
        })
    }

    pub fn donors(&self) -> Result<Vec<Donor>> {
        let mut stmt = self
            .conn
            .prepare("SELECT code, name, kind, country FROM donor ORDER BY code")?;
        let rows = stmt.query_map([], donor_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn donor(&self, code: &str) -> Result<Donor> {
        find_donor(&self.conn, code)
    }

    pub fn add_project(&mut self, project: &Project) -> Result<Project> {
        self.write(|w| {
            for country in &project.countries {
                lookup::country(w.conn(), country)?;
            }
            refuse_existing(
                w.conn(),
                "SELECT count(*) FROM project WHERE code = ?1",
                "project",
                &project.code,
            )?;
            w.conn().execute(
                "INSERT INTO project (code, title, organisation, start_date, end_date, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    project.code,
                    project.title,
                    project.organisation,
                    project.start,
                    project.end,
                    project.status.as_str()
                ],
            )?;
            let id = w.conn().last_insert_rowid();
            for country in &project.countries {
                w.conn().execute(
                    "INSERT INTO project_country (project_id, country) VALUES (?1, ?2)",
                    params![id, country],
                )?;
            }
            w.audit(
                "add",
                "project",
                &project.code,
                None::<&Project>,
                Some(project),
            )?;
            find_project(w.conn(), &project.code)
        })
    }

    pub fn projects(&self) -> Result<Vec<Project>> {
        let codes: Vec<String> = self
            .conn
            .prepare("SELECT code FROM project ORDER BY code")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        codes.iter().map(|c| find_project(&self.conn, c)).collect()
    }

    pub fn project(&self, code: &str) -> Result<Project> {
        find_project(&self.conn, code)
    }
}

/// Refuse a code that is already taken, naming it, before the UNIQUE constraint has to.
pub(super) fn refuse_existing(conn: &Connection, sql: &str, what: &str, code: &str) -> Result<()> {
    let taken: i64 = conn.prepare_cached(sql)?.query_row([code], |r| r.get(0))?;
    if taken > 0 {
        return Err(Error::invalid(format!(
            "a {what} {code:?} already exists; choose another code, or `grantbook {what} show {code}`"
        )));
    }
    Ok(())
}

fn donor_from_row(r: &Row) -> rusqlite::Result<Donor> {
    Ok(Donor {
        code: r.get(0)?,
        name: r.get(1)?,
        kind: vocabulary(r, 2, DonorKind::parse)?,
        country: r.get(3)?,
    })
}

fn find_donor(conn: &Connection, code: &str) -> Result<Donor> {
    lookup::donor_id(conn, code)?;
    Ok(conn.query_row(
        "SELECT code, name, kind, country FROM donor WHERE code = ?1",
        [code],
        donor_from_row,
    )?)
}

fn find_project(conn: &Connection, code: &str) -> Result<Project> {
    let id = lookup::project_id(conn, code)?;
    let countries: Vec<String> = conn
        .prepare_cached(
            "SELECT country FROM project_country WHERE project_id = ?1 ORDER BY country",
        )?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    conn.query_row(
        "SELECT code, title, organisation, start_date, end_date, status FROM project WHERE id = ?1",
        [id],
        |r| {
            Ok(Project {
                code: r.get(0)?,
                title: r.get(1)?,
                organisation: r.get(2)?,
                countries: countries.clone(),
                start: r.get(3)?,
                end: r.get(4)?,
                status: vocabulary(r, 5, ProjectStatus::parse)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::runtime(format!("project {code:?} vanished while being read")))
}

/// The countries a project works in, for checking an expense's country.
pub(super) fn project_countries(conn: &Connection, project_code: &str) -> Result<Vec<String>> {
    Ok(find_project(conn, project_code)?.countries)
}
