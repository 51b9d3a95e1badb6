//! The donors' reporting categories (schema section 12) as `export` writes them, in the
//! columns `import DIR` and the demo's fixtures read back (src/cli/load.rs).

use super::TableSpec;

pub(super) const CATEGORY_TABLES: &[TableSpec] = &[
    TableSpec {
        name: "donor_categories",
        columns: &["donor", "code", "name", "position"],
        money: &[],
        sql: "SELECT d.code, c.code, c.name, c.position
              FROM donor_category c JOIN donor d ON d.id = c.donor_id
              ORDER BY d.id, c.position, c.id",
    },
    TableSpec {
        name: "line_categories",
        columns: &["grant", "line", "category"],
        money: &[],
        sql: "SELECT g.reference, l.code, c.code
              FROM line_category m JOIN grant_agreement g ON g.id = m.grant_id
              JOIN budget_line l ON l.id = m.line_id
              JOIN donor_category c ON c.id = m.category_id
              ORDER BY g.id, l.id",
    },
];
