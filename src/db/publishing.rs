//! Publishing settings (schema section 9): registered organisations, donors' identifiers and
//! defaults, projects' sectors, scope and humanitarian flag, grants' donor activity ids. Each
//! change is one audited transaction; `export iati` reads them all in its snapshot.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::Ledger;
use super::lookup;
use super::sql::{Conn, Row, params};
use crate::domain::{DonorPublishing, ProjectPublishing, Publishing, RegisteredOrganisation};
use crate::error::Result;

const ORGANISATION_SELECT: &str = "SELECT name, iati_id, org_type, email, telephone, website, \
     address FROM organisation";

fn organisation_from_row(r: &Row) -> Result<RegisteredOrganisation> {
    Ok(RegisteredOrganisation {
        name: r.get(0)?,
        iati_id: r.get(1)?,
        org_type: r.get(2)?,
        email: r.get(3)?,
        telephone: r.get(4)?,
        website: r.get(5)?,
        address: r.get(6)?,
    })
}

/// What is given replaces what is held; what is not given (None) stays.
fn overlay(held: &mut Option<String>, given: &Option<String>) {
    if given.is_some() {
        held.clone_from(given);
    }
}

impl Ledger {
    /// Record `organisation`, or replace what is held under its name.
    pub fn set_organisation(&mut self, organisation: &RegisteredOrganisation) -> Result<()> {
        self.write(|w| {
            let conn = w.conn();
            let before = conn.query_opt(
                &format!("{ORGANISATION_SELECT} WHERE name = ?1"),
                [&organisation.name],
                organisation_from_row,
            )?;
            let o = organisation;
            conn.execute(
                "INSERT INTO organisation (name, iati_id, org_type, email, telephone, website,
                                           address)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (name) DO UPDATE SET iati_id = excluded.iati_id,
                     org_type = excluded.org_type, email = excluded.email,
                     telephone = excluded.telephone, website = excluded.website,
                     address = excluded.address",
                params![
                    o.name,
                    o.iati_id,
                    o.org_type,
                    o.email,
                    o.telephone,
                    o.website,
                    o.address
                ],
            )?;
            w.audit("set", "organisation", &o.name, before.as_ref(), Some(o))
        })
    }

    /// Every registered organisation, by name.
    pub fn organisations(&self) -> Result<Vec<RegisteredOrganisation>> {
        self.conn.query_map(
            &format!("{ORGANISATION_SELECT} ORDER BY name"),
            [],
            organisation_from_row,
        )
    }

    /// Set what `change` gives of donor `code`'s publishing settings; returns them as they now
    /// stand.
    pub fn update_donor_publishing(
        &mut self,
        code: &str,
        change: &DonorPublishing,
    ) -> Result<DonorPublishing> {
        self.write(|w| {
            let conn = w.conn();
            let id = lookup::donor_id(conn, code)?;
            let before = donor_publishing(conn, id)?;
            let mut after = before.clone().unwrap_or_default();
            overlay(&mut after.iati_id, &change.iati_id);
            overlay(&mut after.aid_type, &change.aid_type);
            overlay(&mut after.finance_type, &change.finance_type);
            overlay(&mut after.flow_type, &change.flow_type);
            overlay(&mut after.collaboration_type, &change.collaboration_type);
            let a = &after;
            conn.execute(
                "INSERT INTO donor_publishing (donor_id, iati_id, aid_type, finance_type,
                                               flow_type, collaboration_type)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (donor_id) DO UPDATE SET iati_id = excluded.iati_id,
                     aid_type = excluded.aid_type, finance_type = excluded.finance_type,
                     flow_type = excluded.flow_type,
                     collaboration_type = excluded.collaboration_type",
                params![
                    id,
                    a.iati_id,
                    a.aid_type,
                    a.finance_type,
                    a.flow_type,
                    a.collaboration_type
                ],
            )?;
            w.audit("set iati", "donor", code, before.as_ref(), Some(a))?;
            Ok(after)
        })
    }

    /// Set what `change` gives of project `code`'s publishing settings (its sectors replaced
    /// whole when given); returns them as they now stand.
    pub fn update_project_publishing(
        &mut self,
        code: &str,
        change: &ProjectPublishing,
        sectors_given: bool,
    ) -> Result<ProjectPublishing> {
        self.write(|w| {
            let conn = w.conn();
            let id = lookup::project_id(conn, code)?;
            let before = project_publishing(conn, id)?;
            let mut after = before.clone();
            overlay(&mut after.scope, &change.scope);
            if change.humanitarian.is_some() {
                after.humanitarian = change.humanitarian;
            }
            conn.execute(
                "INSERT INTO project_publishing (project_id, scope, humanitarian)
                 VALUES (?1, ?2, ?3)
                 ON CONFLICT (project_id) DO UPDATE SET scope = excluded.scope,
                     humanitarian = excluded.humanitarian",
                params![id, after.scope, after.humanitarian],
            )?;
            if sectors_given {
                conn.execute("DELETE FROM project_sector WHERE project_id = ?1", [id])?;
                for (sector, percentage) in &change.sectors {
                    // Percentages were checked to two decimals at most: hundredths are whole.
                    let hundredths = (percentage * Decimal::ONE_HUNDRED).to_i64().unwrap_or(0);
                    conn.execute(
                        "INSERT INTO project_sector (project_id, code, share) VALUES (?1, ?2, ?3)",
                        params![id, sector, hundredths],
                    )?;
                }
                after.sectors = change.sectors.clone();
            }
            w.audit("set iati", "project", code, Some(&before), Some(&after))?;
            Ok(after)
        })
    }

    /// Record the donor's IATI activity identifier of grant `reference`.
    pub fn set_donor_activity_id(&mut self, reference: &str, activity_id: &str) -> Result<()> {
        self.write(|w| {
            let conn = w.conn();
            let grant = lookup::grant(conn, reference)?;
            let before: Option<String> = conn.query_opt(
                "SELECT donor_activity_id FROM grant_publishing WHERE grant_id = ?1",
                [grant.id],
                |r| r.get(0),
            )?;
            conn.execute(
                "INSERT INTO grant_publishing (grant_id, donor_activity_id) VALUES (?1, ?2)
                 ON CONFLICT (grant_id) DO UPDATE SET donor_activity_id = excluded.donor_activity_id",
                params![grant.id, activity_id],
            )?;
            w.audit(
                "set iati",
                "grant",
                reference,
                before.as_ref(),
                Some(&activity_id),
            )
        })
    }

    /// Every publishing setting, and when the ledger last changed.
    pub fn publishing(&self) -> Result<Publishing> {
        let mut out = Publishing::default();
        for o in self.organisations()? {
            out.organisations.insert(o.name.clone(), o);
        }
        let donors = self.conn.query_map(
            "SELECT d.code, d.id FROM donor d JOIN donor_publishing x ON x.donor_id = d.id",
            [],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        )?;
        for (code, id) in donors {
            out.donors
                .insert(code, donor_publishing(&self.conn, id)?.unwrap_or_default());
        }
        let projects = self
            .conn
            .query_map("SELECT code, id FROM project", [], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })?;
        for (code, id) in projects {
            out.projects
                .insert(code, project_publishing(&self.conn, id)?);
        }
        let ids = self.conn.query_map(
            "SELECT g.reference, x.donor_activity_id FROM grant_publishing x
             JOIN grant_agreement g ON g.id = x.grant_id",
            [],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )?;
        out.donor_activity_ids.extend(ids);
        out.last_change = self.conn.one("SELECT max(at) FROM audit_log", [])?;
        Ok(out)
    }
}

fn donor_publishing(conn: &Conn, donor_id: i64) -> Result<Option<DonorPublishing>> {
    conn.query_opt(
        "SELECT iati_id, aid_type, finance_type, flow_type, collaboration_type
         FROM donor_publishing WHERE donor_id = ?1",
        [donor_id],
        |r| {
            Ok(DonorPublishing {
                iati_id: r.get(0)?,
                aid_type: r.get(1)?,
                finance_type: r.get(2)?,
                flow_type: r.get(3)?,
                collaboration_type: r.get(4)?,
            })
        },
    )
}

fn project_publishing(conn: &Conn, project_id: i64) -> Result<ProjectPublishing> {
    let (scope, humanitarian) = conn
        .query_opt(
            "SELECT scope, humanitarian FROM project_publishing WHERE project_id = ?1",
            [project_id],
            |r| Ok((r.get::<_, Option<String>>(0)?, r.get::<_, Option<i64>>(1)?)),
        )?
        .unwrap_or_default();
    let sectors = conn.query_map(
        "SELECT code, share FROM project_sector WHERE project_id = ?1 ORDER BY share DESC, code",
        [project_id],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                Decimal::new(r.get::<_, i64>(1)?, 2).normalize(),
            ))
        },
    )?;
    Ok(ProjectPublishing {
        sectors,
        scope,
        humanitarian: humanitarian.map(|h| h == 1),
    })
}
