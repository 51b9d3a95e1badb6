//! What the ledger keeps for reporting to donors as `export` writes it, in the columns
//! `import DIR` reads back: donors' and grants' rules, the reporting calendar and the reports
//! sent (schema section 11), and the periods' variance notes (section 14).

use super::TableSpec;

/// Rules come first: `import` sets them before it replays the budget revisions they judge.
pub(super) const RULE_TABLES: &[TableSpec] = &[TableSpec {
    name: "rules",
    columns: &[
        "owner",
        "code",
        "reallocation_limit",
        "basis",
        "indirect_cap",
        "revision_approval",
    ],
    money: &[],
    sql: "SELECT CASE WHEN r.donor_id IS NULL THEN 'grant' ELSE 'donor' END,
              coalesce(d.code, g.reference), coalesce(r.reallocation_limit, ''),
              coalesce(r.basis, ''), coalesce(r.indirect_cap, ''),
              CASE r.revision_approval WHEN 1 THEN 'yes' WHEN 0 THEN 'no' ELSE '' END
          FROM donor_rule r LEFT JOIN donor d ON d.id = r.donor_id
          LEFT JOIN grant_agreement g ON g.id = r.grant_id
          ORDER BY r.id",
}];

pub(super) const REPORTING_TABLES: &[TableSpec] = &[
    TableSpec {
        name: "report_schedules",
        columns: &["grant", "kind", "days", "due_on"],
        money: &[],
        sql: "SELECT g.reference, s.kind, coalesce(CAST(s.days AS TEXT), ''),
                  coalesce(s.due_on, '')
              FROM report_schedule s JOIN grant_agreement g ON g.id = s.grant_id
              ORDER BY s.id",
    },
    TableSpec {
        name: "report_submissions",
        columns: &["grant", "report", "submitted_on", "reference"],
        money: &[],
        sql: "SELECT g.reference, s.report, s.submitted_on, s.reference
              FROM report_submission s JOIN grant_agreement g ON g.id = s.grant_id
              ORDER BY s.id",
    },
    TableSpec {
        name: "period_notes",
        columns: &["grant", "period", "line", "note"],
        money: &[],
        sql: "SELECT g.reference, p.code, l.code, n.note
              FROM period_note n JOIN period p ON p.id = n.period_id
              JOIN grant_agreement g ON g.id = p.grant_id JOIN budget_line l ON l.id = n.line_id
              ORDER BY n.id",
    },
];
