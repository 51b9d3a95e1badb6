//! Offices: where a project's officers record from, checked on every entry they record, and
//! what listings and reports filter and group by.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Ledger;
use super::lookup;
use super::parties::refuse_existing;
use super::sql::{Conn, Row, params};
use crate::domain::{Grant, Office};
use crate::error::{Error, Result, field};

const OFFICE_SELECT: &str = "SELECT p.code, o.code, o.name, o.country
    FROM office o JOIN project p ON p.id = o.project_id";

fn office_from_row(r: &Row) -> Result<Office> {
    Ok(Office {
        project: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        country: r.get(3)?,
    })
}

impl Ledger {
    pub fn add_office(&mut self, office: &Office) -> Result<Office> {
        self.write(|w| {
            let conn = w.conn();
            let project_id = lookup::project_id(conn, &office.project)?;
            lookup::country(conn, &office.country)?;
            let key = format!("{} {}", office.project, office.code);
            refuse_existing(
                conn,
                "SELECT count(*) FROM office o JOIN project p ON p.id = o.project_id
                 WHERE p.code || ' ' || o.code = ?1",
                "office",
                &key,
            )?;
            conn.execute(
                "INSERT INTO office (project_id, code, name, country) VALUES (?1, ?2, ?3, ?4)",
                params![project_id, office.code, office.name, office.country],
            )?;
            w.audit("add", "office", &key, None::<&Office>, Some(office))?;
            Ok(office.clone())
        })
    }

    /// From now on, count in reports only the spend `office` recorded; refused for a code no
    /// project has as an office.
    pub fn count_spend_of(&mut self, office: &str) -> Result<()> {
        let known: bool = self
            .conn
            .one("SELECT count(*) > 0 FROM office WHERE code = ?1", [office])?;
        if !known {
            return Err(Error::invalid(format!(
                "no project has an office {office:?}; `grantbook office list` shows them"
            )));
        }
        self.spend_office = Some(office.to_string());
        Ok(())
    }

    /// The offices of `project`, or of every project, by project then code.
    pub fn offices(&self, project: Option<&str>) -> Result<Vec<Office>> {
        if let Some(code) = project {
            lookup::project_id(&self.conn, code)?;
        }
        self.conn.query_map(
            &format!("{OFFICE_SELECT} WHERE ?1 IS NULL OR p.code = ?1 ORDER BY p.code, o.code"),
            [project],
            office_from_row,
        )
    }

    /// Non-void spend of `grant` up to `through`, per office that recorded it (None: entries
    /// recorded without one).
    pub fn spend_by_office(
        &self,
        grant: &Grant,
        through: NaiveDate,
    ) -> Result<Vec<(Option<String>, Decimal)>> {
        let sql = "SELECT office, sum(spend_minor) FROM expense
             WHERE grant_id = ?1 AND voided_at IS NULL AND date <= ?2
             GROUP BY office ORDER BY office";
        self.conn.query_map(sql, params![grant.id, through], |r| {
            Ok((r.get(0)?, grant.currency.from_minor(r.get(1)?)))
        })
    }
}

/// The codes of `project`'s offices, in order.
pub(super) fn office_codes(conn: &Conn, project: &str) -> Result<Vec<String>> {
    conn.query_map(
        "SELECT o.code FROM office o JOIN project p ON p.id = o.project_id
         WHERE p.code = ?1 ORDER BY o.code",
        [project],
        |r| r.get(0),
    )
}

/// The office an entry on a grant of `project` is recorded in: `given` (the entry's own, else
/// the recording officer's), which must be one of the project's `offices`; none where the
/// project has none.
pub(super) fn check_office(
    project: &str,
    offices: &[String],
    given: Option<&str>,
) -> Result<Option<String>> {
    let list = offices.join(", ");
    match given {
        None if offices.is_empty() => Ok(None),
        None => Err(Error::invalid(format!(
            "project {project} records the office of every entry ({list}); say which is yours \
             with GRANTBOOK_OFFICE, e.g. export GRANTBOOK_OFFICE={}",
            offices[0]
        ))),
        Some(code) if offices.iter().any(|o| o == code) => Ok(Some(code.to_string())),
        Some(code) if offices.is_empty() => Err(Error::invalid(format!(
            "office {code:?} (GRANTBOOK_OFFICE) is not an office of project {project}, which \
             has none; add it with `grantbook office add --project {project} --code {code} \
             --name ... --country ...`, or unset GRANTBOOK_OFFICE"
        ))),
        Some(code) => Err(Error::invalid(format!(
            "office {code:?} (GRANTBOOK_OFFICE) is not an office of project {project} ({list}); \
             set GRANTBOOK_OFFICE to one of them"
        ))),
    }
}

impl super::Writer<'_> {
    /// The office an entry of `grant` is recorded in: `given` (the entry's own), else the
    /// recording officer's; an entry replayed from an export keeps the one it had, none included.
    pub(super) fn entry_office(
        &self,
        grant: &Grant,
        given: Option<&str>,
    ) -> Result<Option<String>> {
        let recording = match (given, self.office) {
            (None, super::Recording::AsGiven) => return Ok(None),
            (_, super::Recording::AsGiven) => None,
            (_, super::Recording::By(office)) => office,
        };
        let offices = office_codes(self.conn, &grant.project)?;
        check_office(&grant.project, &offices, given.or(recording)).map_err(field("office"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(list: &[&str]) -> Vec<String> {
        list.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn an_entry_takes_a_known_office_or_none_where_there_are_none() {
        assert_eq!(check_office("P", &[], None).unwrap(), None);
        let offices = codes(&["RABAT", "TUNIS"]);
        assert_eq!(
            check_office("P", &offices, Some("TUNIS")).unwrap(),
            Some("TUNIS".to_string())
        );
        let missing = check_office("P", &offices, None).unwrap_err();
        assert!(
            missing.message.contains("GRANTBOOK_OFFICE=RABAT"),
            "{}",
            missing.message
        );
        let unknown = check_office("P", &offices, Some("CAIRO")).unwrap_err();
        assert!(
            unknown.message.contains("(RABAT, TUNIS)"),
            "{}",
            unknown.message
        );
        let none_here = check_office("P", &[], Some("CAIRO")).unwrap_err();
        assert!(
            none_here.message.contains("office add"),
            "{}",
            none_here.message
        );
        assert_eq!(unknown.exit_code(), 2);
    }
}
