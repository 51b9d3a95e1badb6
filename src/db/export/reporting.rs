//! What the ledger keeps for reporting to donors (schema section 14) as `export` writes it, in
//! the columns `import DIR` reads back: the periods' variance notes.

use super::TableSpec;

pub(super) const REPORTING_TABLES: &[TableSpec] = &[TableSpec {
    name: "period_notes",
    columns: &["grant", "period", "line", "note"],
    money: &[],
    sql: "SELECT g.reference, p.code, l.code, n.note
          FROM period_note n JOIN period p ON p.id = n.period_id
          JOIN grant_agreement g ON g.id = p.grant_id JOIN budget_line l ON l.id = n.line_id
          ORDER BY n.id",
}];
