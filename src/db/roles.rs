//! `admin roles`: the PostgreSQL roles of a shared ledger. Officers record and void entries in
//! their own offices, managers also close periods, revise budgets and change grants, auditors
//! only read. Each is a group role named after the database (`grantbook_officer` for a
//! database named grantbook), as is each office (`grantbook_office_rabat`); an administrator
//! makes people's login roles members of them. Row-level security keeps an officer's new and
//! voided entries to the offices whose roles they are a member of.

use super::Ledger;
use super::sql::Dialect;
use crate::error::{Error, Result};

/// One statement, so that every name is quoted by PostgreSQL (`format('%I')`), never by us.
const ROLES: &str = r#"
DO $roles$
DECLARE
    db      TEXT := current_database();
    officer TEXT := current_database() || '_officer';
    manager TEXT := current_database() || '_manager';
    auditor TEXT := current_database() || '_auditor';
    schema  TEXT := current_schema();
    name    TEXT;
    mine    TEXT := 'office IS NOT NULL AND EXISTS (SELECT 1 FROM pg_roles r
        WHERE r.rolname = current_database() || ''_office_'' || lower(office)
          AND pg_has_role(current_user, r.oid, ''MEMBER''))';
    entry   TEXT;
BEGIN
    FOR name IN SELECT unnest(ARRAY[officer, manager, auditor])
                UNION SELECT db || '_office_' || lower(code) FROM office LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', name);
        END IF;
    END LOOP;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I, %I, %I', schema, officer, manager, auditor);
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO %I, %I, %I',
                   schema, officer, manager, auditor);
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO %I, %I', schema, officer, manager);
    EXECUTE format('GRANT INSERT ON expense, receipt, fx_rate, audit_log, advance, advance_return,
        commitment, allocated_payment, contribution TO %I', officer);
    EXECUTE format('GRANT UPDATE (voided_at, void_reason) ON expense, receipt, advance,
        contribution TO %I', officer);
    EXECUTE format('GRANT UPDATE (closed_on, close_reason) ON commitment TO %I', officer);
    EXECUTE format('GRANT %I TO %I', officer, manager);
    EXECUTE format('GRANT INSERT, UPDATE ON donor, project, project_country, office,
        grant_agreement, grant_extension, budget_line, budget_revision, budget_amount, period,
        amendment, allocation_key, allocation_share, organisation, donor_publishing,
        project_publishing, grant_publishing TO %I', manager);
    EXECUTE format('GRANT INSERT, DELETE ON project_sector TO %I', manager);
    -- Donor rules and a grant's reporting calendar are replaced as a whole (delete, insert):
    -- a manager's to set, as a donor's approval is a manager's to record.
    EXECUTE format('GRANT INSERT, DELETE ON donor_rule, report_schedule, report_submission
        TO %I', manager);
    -- A variance note is the manager's word to the donor, replaced as a whole.
    EXECUTE format('GRANT INSERT, DELETE ON period_note TO %I', manager);
    -- A donor's reporting categories, and which of them each budget line reports under, are
    -- the manager's as the budget is: set, renamed, remapped, and dropped while unused.
    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON donor_category, line_category TO %I',
                   manager);
    -- A grant's required match is its agreement's term, replaced as a whole: a manager's.
    EXECUTE format('GRANT INSERT, DELETE ON grant_match TO %I', manager);
    FOREACH entry IN ARRAY ARRAY['expense', 'receipt', 'advance', 'advance_return', 'commitment',
                                 'contribution']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', entry);
        EXECUTE format('DROP POLICY IF EXISTS read_all ON %I', entry);
        EXECUTE format('CREATE POLICY read_all ON %I FOR SELECT USING (true)', entry);
        EXECUTE format('DROP POLICY IF EXISTS officer_records ON %I', entry);
        EXECUTE format('CREATE POLICY officer_records ON %I FOR INSERT TO %I WITH CHECK (%s)',
                       entry, officer, mine);
        EXECUTE format('DROP POLICY IF EXISTS officer_voids ON %I', entry);
        EXECUTE format('CREATE POLICY officer_voids ON %I FOR UPDATE TO %I USING (%s)
                        WITH CHECK (%s)', entry, officer, mine, mine);
        EXECUTE format('DROP POLICY IF EXISTS manager_all ON %I', entry);
        EXECUTE format('CREATE POLICY manager_all ON %I FOR ALL TO %I USING (true)
                        WITH CHECK (true)', entry, manager);
    END LOOP;
END
$roles$
"#;

/// A role `admin roles` keeps, and what its members may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    pub may: String,
}

impl Ledger {
    /// Create (or bring up to date) the ledger's roles, their rights and the row-level
    /// security by office; the roles as they stand.
    pub fn create_roles(&mut self) -> Result<Vec<Role>> {
        if self.conn.dialect() != Dialect::Postgres {
            return Err(Error::invalid(
                "roles are a PostgreSQL ledger's: a ledger file has one user, whoever may write \
                 the file; put the ledger on a server first (`grantbook copy --to postgres://...`)",
            ));
        }
        self.write(|w| {
            w.conn().execute_batch(ROLES)?;
            let roles = w.conn().query_map(
                "SELECT rolname::text FROM pg_roles
                 WHERE rolname IN (current_database() || '_officer',
                       current_database() || '_manager', current_database() || '_auditor')
                    OR starts_with(rolname, current_database() || '_office_')
                 ORDER BY rolname",
                [],
                |r| r.get::<_, String>(0),
            )?;
            let roles: Vec<Role> = roles
                .into_iter()
                .map(|name| Role {
                    may: what_it_may(&name),
                    name,
                })
                .collect();
            let names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
            w.audit("roles", "ledger", "roles", None::<&()>, Some(&names))?;
            Ok(roles)
        })
    }
}

fn what_it_may(role: &str) -> String {
    let kind = role.rsplit('_').next().unwrap_or_default();
    if role.contains("_office_") {
        return format!(
            "its members record and void the entries of office {}",
            kind.to_ascii_uppercase()
        );
    }
    match kind {
        "officer" => {
            "record and void expenses, receipts, advances, commitments and contributions of their \
             offices, set rates; read all"
        }
        "manager" => {
            "all an officer may, for every office, and close and reopen periods, revise \
                      budgets and map them to donors' categories, change grants, donors, \
                      projects and offices"
        }
        _ => "read everything, change nothing",
    }
    .to_string()
}
