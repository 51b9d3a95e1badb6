//! `copy --to`: the whole ledger, row for row and id for id, from one backend to the other (a
//! file onto a server, a server into a file), so that the audit log's hash chain reads on
//! intact in the copy and `check` finds there what it found here.

use super::sql::{CellValue, Conn, Dialect, Value, params, params_from_iter};
use super::{Ledger, backup};
use crate::domain::check::CopySummary;
use crate::error::{Error, Result};

/// The ledger's tables in an order every reference and trigger allows: what a row refers to
/// comes before it, and the periods after the entries (a closed period refuses new expenses,
/// and these are old ones).
const TABLES: &[&str] = &[
    "currency",
    "country",
    "donor",
    "project",
    "project_country",
    "office",
    "grant_agreement",
    "organisation",
    "donor_publishing",
    "project_publishing",
    "project_sector",
    "grant_publishing",
    "grant_extension",
    "donor_rule",
    "report_schedule",
    "report_submission",
    "donor_category",
    "budget_line",
    "budget_revision",
    "budget_amount",
    "line_category",
    "fx_rate",
    "receipt",
    "advance",
    "advance_return",
    "commitment",
    "grant_match",
    "contribution",
    "allocation_key",
    "allocation_share",
    "allocated_payment",
    "expense",
    "period",
    "period_note",
    "amendment",
    "audit_log",
];

/// Reference data that every new ledger is given by its schema: replaced by the source's.
const REFERENCE_TABLES: &[&str] = &["currency", "country"];

impl Ledger {
    /// Copy every row of this ledger into `target`, which must hold no records (`replace` lets
    /// a server ledger's records be replaced), in one transaction there; then record the copy in
    /// the target's own audit log (as `action`: a copy, a restore), sealed onto the chain it
    /// brought along. `from` names this ledger in that entry.
    pub fn copy_into(
        &self,
        target: &mut Ledger,
        action: &str,
        from: &str,
        replace: bool,
    ) -> Result<CopySummary> {
        let held: i64 = target.conn.one("SELECT count(*) FROM audit_log", [])?;
        if held > 0 && !(replace && target.conn.dialect() == Dialect::Postgres) {
            return Err(Error::invalid(match target.conn.dialect() {
                Dialect::Postgres => format!(
                    "the target already holds a ledger ({held} audit entries); give --force to \
                     replace it with this one"
                ),
                Dialect::Sqlite => format!(
                    "the target file already holds a ledger ({held} audit entries); copy to a \
                     new file"
                ),
            }));
        }
        self.snapshot(|source| {
            target.write(|w| {
                let to = w.conn();
                if held > 0 {
                    to.execute_batch(TRUNCATE_ALL)?;
                }
                for table in REFERENCE_TABLES {
                    to.execute(&format!("DELETE FROM {table}"), [])?;
                }
                let mut rows = 0;
                for table in TABLES {
                    rows += copy_table(&source.conn, to, table)?;
                }
                if to.dialect() == Dialect::Postgres {
                    continue_identities(to)?;
                }
                let details = serde_json::json!({ "from": from, "rows": rows });
                w.audit(action, "ledger", from, None::<&()>, Some(&details))
            })
        })?;
        backup::summary(&target.conn)
    }
}

/// PostgreSQL empties every table at once, without the row triggers that keep expenses and the
/// audit log from being deleted one by one: only `copy --to ... --force` does this.
const TRUNCATE_ALL: &str = "TRUNCATE currency, country, donor, project, project_country, office,
    grant_agreement, grant_extension, donor_rule, report_schedule, report_submission, budget_line,
    budget_revision, budget_amount, fx_rate, receipt, advance, advance_return, commitment,
    allocation_key, allocation_share, allocated_payment, expense, period, period_note, amendment,
    audit_log, organisation, donor_publishing, project_publishing, project_sector,
    grant_publishing, donor_category, line_category, grant_match, contribution";

/// Copy `table`'s stored columns (not the computed ones), every row; how many rows.
fn copy_table(from: &Conn, to: &Conn, table: &str) -> Result<u64> {
    let columns = stored_columns(from, table)?;
    let list = columns.join(", ");
    let placeholders: Vec<String> = (1..=columns.len()).map(|n| format!("?{n}")).collect();
    let placeholders = placeholders.join(", ");
    let insert = format!("INSERT INTO {table} ({list}) VALUES ({placeholders})");
    let mut rows = 0;
    from.for_each(
        &format!("SELECT {list} FROM {table} ORDER BY 1"),
        [],
        |row| {
            let values = (0..columns.len())
                .map(|i| row.cell(i).and_then(owned))
                .collect::<Result<Vec<_>>>()?;
            to.execute(&insert, params_from_iter(values))?;
            rows += 1;
            Ok(())
        },
    )?;
    Ok(rows)
}

fn owned(cell: CellValue) -> Result<Value<'static>> {
    Ok(match cell {
        CellValue::Null => Value::Null,
        CellValue::Int(n) => Value::Int(n),
        CellValue::Float => {
            return Err(Error::invalid(
                "the ledger holds a floating-point number, which its schema allows nowhere; \
                 `grantbook check` finds where, and the copy waits until it is put right",
            ));
        }
        CellValue::Text(t) => Value::Text(t.to_string().into()),
        CellValue::Blob(b) => Value::Text(String::from_utf8_lossy(b).into_owned().into()),
    })
}

/// The columns of `table` that hold values (generated ones are computed again by the target),
/// in their order.
fn stored_columns(conn: &Conn, table: &str) -> Result<Vec<String>> {
    let sql = match conn.dialect() {
        // table_info leaves out generated (hidden) columns.
        Dialect::Sqlite => "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
        Dialect::Postgres => {
            "SELECT column_name::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = ?1 AND is_generated = 'NEVER'
             ORDER BY ordinal_position"
        }
    };
    let columns: Vec<String> = conn.query_map(sql, [table], |r| r.get(0))?;
    if columns.is_empty() {
        return Err(Error::runtime(format!(
            "the ledger has no table {table}; `grantbook check` says what else is missing"
        )));
    }
    Ok(columns)
}

/// Ids given explicitly do not move PostgreSQL's identity sequences: each one is set past the
/// largest id copied, so the next entry takes the next number.
fn continue_identities(conn: &Conn) -> Result<()> {
    for table in TABLES {
        let sequence: Option<String> = conn.one(
            "SELECT pg_get_serial_sequence(c.table_name, 'id') FROM information_schema.columns c
             WHERE c.table_schema = current_schema() AND c.table_name = ?1
               AND c.column_name = 'id' AND c.is_identity = 'YES'
             UNION ALL SELECT NULL LIMIT 1",
            [table],
        )?;
        let Some(sequence) = sequence else {
            continue;
        };
        let largest: Option<i64> = conn.one(&format!("SELECT max(id) FROM {table}"), [])?;
        conn.execute(
            "SELECT setval(CAST(?1 AS TEXT)::regclass, ?2, ?3)",
            params![sequence, largest.unwrap_or(1), largest.is_some()],
        )?;
    }
    Ok(())
}
