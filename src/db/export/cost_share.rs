//! The cost share tables (schema section 13) as `export` writes them, in the columns `import
//! DIR` and the demo's fixtures read back (src/cli/load/cost_share.rs).

use super::TableSpec;

pub(super) const COST_SHARE_TABLES: &[TableSpec] = &[
    TableSpec {
        name: "grant_matches",
        columns: &["grant", "percent", "of"],
        money: &[],
        sql: "SELECT g.reference, m.percent, m.basis
              FROM grant_match m JOIN grant_agreement g ON g.id = m.grant_id ORDER BY g.id",
    },
    TableSpec {
        name: "contributions",
        columns: &[
            "grant",
            "date",
            "contributor",
            "kind",
            "amount",
            "currency",
            "rate",
            "rate_base",
            "basis",
            "line",
            "reference",
            "office",
            "void_reason",
            "voided_at",
        ],
        money: &[4],
        // The quote used is written out as stored, so the import converts exactly as this
        // ledger did whatever its rate table says by then; a voided contribution is voided as
        // soon as it is loaded, which frees its reference for the row that replaced it.
        sql: "SELECT g.reference, k.date, k.contributor, k.kind, k.amount_minor, c.minor_units,
                  k.currency, coalesce(k.fx_rate, ''), coalesce(k.fx_base, ''), k.basis,
                  coalesce(l.code, ''), k.reference, coalesce(k.office, ''),
                  coalesce(k.void_reason, ''), coalesce(k.voided_at, '')
              FROM contribution k JOIN grant_agreement g ON g.id = k.grant_id
              LEFT JOIN budget_line l ON l.id = k.line_id
              JOIN currency c ON c.code = k.currency ORDER BY k.id",
    },
];
