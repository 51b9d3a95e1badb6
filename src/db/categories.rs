//! Donors' reporting categories and the lines mapped to them (`donor_category`,
//! `line_category`, schema section 12). A category is its donor's; a line reports under one
//! category of its grant's donor, which the schema's keys hold as well as the checks here.

use super::lookup;
use super::{Ledger, Writer};
use crate::db::sql::{Conn, params};
use crate::domain::Grant;
use crate::domain::categories::{DonorCategory, LineMapping};
use crate::error::{Error, Result};

impl Ledger {
    /// Add a category to `donor`'s; without `position`, after its last. Audited.
    pub fn add_category(
        &mut self,
        donor: &str,
        code: &str,
        name: &str,
        position: Option<i64>,
    ) -> Result<DonorCategory> {
        self.write(|w| {
            let conn = w.conn();
            let donor_id = lookup::donor_id(conn, donor)?;
            if let Some(held) = category(conn, donor_id, code)? {
                return Err(Error::invalid(format!(
                    "donor {donor} already has category {code} ({}); choose another code, or \
                     `grantbook donor category remove --donor {donor} --code {code}` it first \
                     while no budget line reports under it",
                    held.1.name
                )));
            }
            let position = match position {
                Some(p) => p,
                None => conn.one(
                    "SELECT coalesce(max(position), 0) + 1 FROM donor_category WHERE donor_id = ?1",
                    [donor_id],
                )?,
            };
            conn.execute(
                "INSERT INTO donor_category (donor_id, code, name, position) VALUES (?1, ?2, ?3, ?4)",
                params![donor_id, code, name, position],
            )?;
            let added = DonorCategory {
                code: code.to_string(),
                name: name.to_string(),
                position,
            };
            let key = format!("{donor} {code}");
            w.audit("add", "donor_category", &key, None::<&()>, Some(&added))?;
            Ok(added)
        })
    }

    /// Remove one of `donor`'s categories, refused while a budget line reports under it.
    pub fn remove_category(&mut self, donor: &str, code: &str) -> Result<DonorCategory> {
        self.write(|w| {
            let conn = w.conn();
            let donor_id = lookup::donor_id(conn, donor)?;
            let Some((id, held)) = category(conn, donor_id, code)? else {
                return Err(unknown_category(donor, code));
            };
            let users: Vec<String> = conn.query_map(
                "SELECT g.reference || ' ' || l.code FROM line_category m
                 JOIN budget_line l ON l.id = m.line_id
                 JOIN grant_agreement g ON g.id = m.grant_id
                 WHERE m.category_id = ?1 ORDER BY g.reference, l.code",
                [id],
                |r| r.get(0),
            )?;
            if !users.is_empty() {
                return Err(Error::invalid(format!(
                    "category {code} of donor {donor} is in use: {} report under it; map them \
                     to another category first (`grantbook budget map --grant GRANT LINE:CATEGORY`)",
                    users.join(", ")
                )));
            }
            conn.execute("DELETE FROM donor_category WHERE id = ?1", [id])?;
            let key = format!("{donor} {code}");
            w.audit("remove", "donor_category", &key, Some(&held), None::<&()>)?;
            Ok(held)
        })
    }

    /// `donor`'s categories in its order.
    pub fn categories(&self, donor: &str) -> Result<Vec<DonorCategory>> {
        let donor_id = lookup::donor_id(&self.conn, donor)?;
        categories_of(&self.conn, donor_id)
    }

    /// Map lines of `grant` to categories of its donor (`pairs`, line then category) and
    /// unmap others (`unmap`), all in one transaction, audited per line; the grant's lines
    /// and their categories after.
    pub fn map_lines(
        &mut self,
        reference: &str,
        pairs: &[(String, String)],
        unmap: &[String],
    ) -> Result<Vec<LineMapping>> {
        self.write(|w| {
            let conn = w.conn();
            let grant = lookup::grant(conn, reference)?;
            let donor_id = lookup::donor_id(conn, &grant.donor)?;
            let before = mappings(conn, &grant)?;
            let was = |line: &str| {
                before
                    .iter()
                    .find(|m| m.line == line)
                    .and_then(|m| m.category.clone())
            };
            for line in unmap {
                let line_id = lookup::line_id(conn, &grant, line)?;
                conn.execute("DELETE FROM line_category WHERE line_id = ?1", [line_id])?;
                audit_line(w, &grant, line, was(line), None)?;
            }
            for (line, code) in pairs {
                let line_id = lookup::line_id(conn, &grant, line)?;
                let Some((category_id, _)) = category(conn, donor_id, code)? else {
                    return Err(not_the_donors(conn, &grant, code)?);
                };
                conn.execute("DELETE FROM line_category WHERE line_id = ?1", [line_id])?;
                conn.execute(
                    "INSERT INTO line_category (line_id, grant_id, donor_id, category_id)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![line_id, grant.id, donor_id, category_id],
                )?;
                audit_line(w, &grant, line, was(line), Some(code.clone()))?;
            }
            mappings(conn, &grant)
        })
    }

    /// Every budget line of `grant`, in the order they were added, with its category.
    pub fn line_mappings(&self, grant: &Grant) -> Result<Vec<LineMapping>> {
        mappings(&self.conn, grant)
    }
}

fn audit_line(
    w: &Writer,
    grant: &Grant,
    line: &str,
    before: Option<String>,
    after: Option<String>,
) -> Result<()> {
    let key = format!("{} {line}", grant.reference);
    let action = if after.is_some() { "map" } else { "unmap" };
    w.audit(
        action,
        "line_category",
        &key,
        before.as_ref(),
        after.as_ref(),
    )
}

/// The id and the category `code` of a donor, if it has one.
fn category(conn: &Conn, donor_id: i64, code: &str) -> Result<Option<(i64, DonorCategory)>> {
    conn.query_opt(
        "SELECT id, code, name, position FROM donor_category WHERE donor_id = ?1 AND code = ?2",
        params![donor_id, code],
        |r| {
            Ok((
                r.get(0)?,
                DonorCategory {
                    code: r.get(1)?,
                    name: r.get(2)?,
                    position: r.get(3)?,
                },
            ))
        },
    )
}

fn categories_of(conn: &Conn, donor_id: i64) -> Result<Vec<DonorCategory>> {
    conn.query_map(
        "SELECT code, name, position FROM donor_category WHERE donor_id = ?1
         ORDER BY position, id",
        [donor_id],
        |r| {
            Ok(DonorCategory {
                code: r.get(0)?,
                name: r.get(1)?,
                position: r.get(2)?,
            })
        },
    )
}

fn mappings(conn: &Conn, grant: &Grant) -> Result<Vec<LineMapping>> {
    conn.query_map(
        "SELECT l.code, l.name, c.code FROM budget_line l
         LEFT JOIN line_category m ON m.line_id = l.id
         LEFT JOIN donor_category c ON c.id = m.category_id
         WHERE l.grant_id = ?1 ORDER BY l.id",
        [grant.id],
        |r| {
            Ok(LineMapping {
                line: r.get(0)?,
                name: r.get(1)?,
                category: r.get(2)?,
            })
        },
    )
}

fn unknown_category(donor: &str, code: &str) -> Error {
    Error::invalid(format!(
        "donor {donor} has no category {code:?}; `grantbook donor category list --donor {donor}` \
         shows its categories"
    ))
}

/// A category the grant's donor has not got: said with the donor that has it, if another does.
fn not_the_donors(conn: &Conn, grant: &Grant, code: &str) -> Result<Error> {
    let others: Vec<String> = conn.query_map(
        "SELECT d.code FROM donor_category c JOIN donor d ON d.id = c.donor_id
         WHERE c.code = ?1 ORDER BY d.code",
        [code],
        |r| r.get(0),
    )?;
    let elsewhere = if others.is_empty() {
        String::new()
    } else {
        format!(
            " ({code} is a category of {}, not of this grant's donor)",
            others.join(", ")
        )
    };
    Ok(Error::invalid(format!(
        "grant {} is funded by {}, which has no category {code:?}{elsewhere}; `grantbook donor \
         category list --donor {}` shows its categories, `grantbook donor category add --donor {} \
         --code {code} --name NAME` adds one",
        grant.reference, grant.donor, grant.donor, grant.donor
    )))
}
