//! Donors and projects.

use super::Ledger;
use super::lookup::{self, vocabulary};
use crate::db::sql::{Conn, Row, params};
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
        self.conn.query_map(
            "SELECT code, name, kind, country FROM donor ORDER BY code",
            [],
            donor_from_row,
        )
    }

    /// Countries' names by their codes, in the same order: what a donor reads for "MA".
    pub fn country_names(&self, codes: &[String]) -> Result<Vec<String>> {
        codes
            .iter()
            .map(|c| lookup::country_name(&self.conn, c))
            .collect()
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
            let id = w.conn().insert(
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
        self.conn.query_map(
            &format!("{PROJECT_SELECT} GROUP BY p.id ORDER BY p.code"),
            [],
            project_from_row,
        )
    }

    pub fn project(&self, code: &str) -> Result<Project> {
        find_project(&self.conn, code)
    }
}

/// Refuse a code that is already taken, naming it, before the UNIQUE constraint has to.
pub(super) fn refuse_existing(conn: &Conn, sql: &str, what: &str, code: &str) -> Result<()> {
    let taken: i64 = conn.query_row(sql, [code], |r| r.get(0))?;
    if taken > 0 {
        return Err(Error::invalid(format!(
            "a {what} {code:?} already exists; choose another code, or `grantbook {what} show {code}`"
        )));
    }
    Ok(())
}

fn donor_from_row(r: &Row) -> Result<Donor> {
    Ok(Donor {
        code: r.get(0)?,
        name: r.get(1)?,
        kind: vocabulary(r, 2, DonorKind::parse)?,
        country: r.get(3)?,
    })
}

pub(super) fn find_donor(conn: &Conn, code: &str) -> Result<Donor> {
    lookup::donor_id(conn, code)?;
    conn.query_row(
        "SELECT code, name, kind, country FROM donor WHERE code = ?1",
        [code],
        donor_from_row,
    )
}

/// A project with its countries gathered in one query (codes are letters only, so ',' is safe
/// as the separator).
const PROJECT_SELECT: &str = "SELECT p.code, p.title, p.organisation, p.start_date, p.end_date,
        p.status, group_concat(pc.country, ',' ORDER BY pc.country)
    FROM project p LEFT JOIN project_country pc ON pc.project_id = p.id";

fn project_from_row(r: &Row) -> Result<Project> {
    let countries: Option<String> = r.get(6)?;
    Ok(Project {
        code: r.get(0)?,
        title: r.get(1)?,
        organisation: r.get(2)?,
        countries: countries
            .map(|c| c.split(',').map(String::from).collect())
            .unwrap_or_default(),
        start: r.get(3)?,
        end: r.get(4)?,
        status: vocabulary(r, 5, ProjectStatus::parse)?,
    })
}

pub(super) fn find_project(conn: &Conn, code: &str) -> Result<Project> {
    lookup::project_id(conn, code)?;
    conn.query_row(
        &format!("{PROJECT_SELECT} WHERE p.code = ?1 GROUP BY p.id"),
        [code],
        project_from_row,
    )
}

/// The countries a project works in, for checking an expense's country.
pub(super) fn project_countries(conn: &Conn, project_code: &str) -> Result<Vec<String>> {
    Ok(find_project(conn, project_code)?.countries)
}
