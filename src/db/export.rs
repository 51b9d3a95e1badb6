//! Every table out, row by row, in the columns the importer reads back (the fixtures' format,
//! fixtures/README.md). Rows are handed out as they are read, so an export of a million
//! expenses holds one row in memory at a time.

use rust_decimal::Decimal;

use super::Ledger;
use crate::db::sql::CellValue;
use crate::domain::Currency;
use crate::error::{Error, Result};

/// One exported table: its file name, header, and the query giving its rows in that order.
/// Money is selected as two columns, minor units then the currency's number of decimals, and
/// comes out as one decimal column; `money` lists the header positions that are money.
struct TableSpec {
    name: &'static str,
    columns: &'static [&'static str],
    money: &'static [usize],
    sql: &'static str,
}

/// A field of a donor, project or grant (the row `$alias` of `$entity`) as first recorded: the
/// value before its oldest amendment (read through `$read`, an expression of `a.before`), or
/// `$now` if it was never amended. Donors, projects and grants are exported as first recorded
/// and their amendments replayed from their own file, as grants' ends and their extensions.
macro_rules! first {
    ($entity:literal, $alias:literal, $field:literal, $now:literal) => {
        first!($entity, $alias, $field, $now, "a.before")
    };
    ($entity:literal, $alias:literal, $field:literal, $now:literal, $read:literal) => {
        concat!(
            "coalesce((SELECT ",
            $read,
            " FROM amendment a WHERE a.entity = '",
            $entity,
            "' AND a.entity_id = ",
            $alias,
            ".id AND a.field = '",
            $field,
            "' ORDER BY a.id LIMIT 1), ",
            $now,
            ")"
        )
    };
}

/// In the order an import must load them: each refers only to tables before it.
const TABLES: &[TableSpec] = &[
    TableSpec {
        name: "donors",
        columns: &["code", "name", "kind", "country"],
        money: &[],
        sql: concat!(
            "SELECT d.code, ",
            first!("donor", "d", "name", "d.name"),
            ", ",
            first!("donor", "d", "kind", "d.kind"),
            ", ",
            first!("donor", "d", "country", "coalesce(d.country, '')"),
            " FROM donor d ORDER BY d.id"
        ),
    },
    TableSpec {
        name: "projects",
        columns: &[
            "code",
            "title",
            "organisation",
            "countries",
            "start",
            "end",
            "status",
        ],
        money: &[],
        sql: concat!(
            "SELECT p.code, ",
            first!("project", "p", "title", "p.title"),
            ", p.organisation, ",
            first!(
                "project",
                "p",
                "countries",
                "(SELECT group_concat(country, ';') FROM project_country WHERE project_id = p.id)"
            ),
            ", ",
            first!("project", "p", "start", "p.start_date"),
            ", ",
            first!("project", "p", "end", "p.end_date"),
            ", p.status FROM project p ORDER BY p.id"
        ),
    },
    TableSpec {
        name: "offices",
        columns: &["project", "code", "name", "country"],
        money: &[],
        sql: "SELECT p.code, o.code, o.name, o.country
              FROM office o JOIN project p ON p.id = o.project_id ORDER BY o.id",
    },
    TableSpec {
        name: "grants",
        columns: &[
            "reference",
            "donor",
            "project",
            "currency",
            "amount",
            "start",
            "end",
            "indirect_rate",
            "status",
        ],
        money: &[4],
        // `end` is the original end: extensions are replayed from their own file. An amount an
        // amendment stored is the currency's plain text (`123762.00`), so dropping the point
        // gives its minor units.
        sql: concat!(
            "SELECT g.reference, d.code, p.code, g.currency, ",
            first!(
                "grant",
                "g",
                "amount",
                "g.amount_minor",
                "CAST(replace(a.before, '.', '') AS INTEGER)"
            ),
            ", c.minor_units, g.start_date,
                  coalesce((SELECT x.previous_end FROM grant_extension x WHERE x.grant_id = g.id
                            ORDER BY x.id LIMIT 1), g.end_date), ",
            first!("grant", "g", "indirect_rate", "g.indirect_rate"),
            ", g.status
              FROM grant_agreement g JOIN donor d ON d.id = g.donor_id
              JOIN project p ON p.id = g.project_id JOIN currency c ON c.code = g.currency
              ORDER BY g.id"
        ),
    },
    TableSpec {
        name: "extensions",
        columns: &["grant", "new_end", "reason", "decided"],
        money: &[],
        // `decided` is empty for an extension recorded before decisions were dated.
        sql: "SELECT g.reference, x.new_end, x.reason, coalesce(x.decided_on, '')
              FROM grant_extension x JOIN grant_agreement g ON g.id = x.grant_id ORDER BY x.id",
    },
    TableSpec {
        name: "budget_lines",
        columns: &["grant", "code", "name", "category", "amount"],
        money: &[4],
        sql: "SELECT g.reference, l.code, l.name, l.category, a.amount_minor, c.minor_units
              FROM budget_amount a
              JOIN budget_revision r ON r.id = a.revision_id AND r.number = 1
              JOIN budget_line l ON l.id = a.line_id
              JOIN grant_agreement g ON g.id = a.grant_id JOIN currency c ON c.code = g.currency
              ORDER BY g.id, l.id",
    },
    TableSpec {
        name: "budget_revisions",
        columns: &[
            "grant",
            "revision",
            "date",
            "reason",
            "code",
            "name",
            "category",
            "amount",
            "approved_by",
        ],
        money: &[7],
        // Every line of every later revision; name and category only where the revision
        // adds the line, which is how `budget revise --file` tells a new line from a change.
        sql: "SELECT g.reference, r.number, r.effective_date, r.reason, l.code,
                  CASE WHEN earlier.line_id IS NULL THEN l.name ELSE '' END,
                  CASE WHEN earlier.line_id IS NULL THEN l.category ELSE '' END,
                  a.amount_minor, c.minor_units, coalesce(r.approved_by, '')
              FROM budget_amount a
              JOIN budget_revision r ON r.id = a.revision_id AND r.number > 1
              JOIN budget_revision previous
                  ON previous.grant_id = r.grant_id AND previous.number = r.number - 1
              LEFT JOIN budget_amount earlier
                  ON earlier.revision_id = previous.id AND earlier.line_id = a.line_id
              JOIN budget_line l ON l.id = a.line_id
              JOIN grant_agreement g ON g.id = a.grant_id JOIN currency c ON c.code = g.currency
              ORDER BY g.id, r.number, l.id",
    },
    TableSpec {
        name: "amendments",
        columns: &[
            "entity", "code", "field", "date", "before", "after", "reason",
        ],
        money: &[],
        sql: "SELECT a.entity,
                  CASE a.entity
                      WHEN 'donor' THEN (SELECT code FROM donor WHERE id = a.entity_id)
                      WHEN 'project' THEN (SELECT code FROM project WHERE id = a.entity_id)
                      ELSE (SELECT reference FROM grant_agreement WHERE id = a.entity_id)
                  END,
                  a.field, a.effective_date, a.before, a.after, a.reason
              FROM amendment a ORDER BY a.id",
    },
    TableSpec {
        name: "periods",
        columns: &["grant", "code", "start", "end", "status"],
        money: &[],
        sql: "SELECT g.reference, p.code, p.start_date, p.end_date, p.status
              FROM period p JOIN grant_agreement g ON g.id = p.grant_id
              ORDER BY g.id, p.start_date",
    },
    TableSpec {
        name: "fx_rates",
        columns: &["from", "to", "rate", "valid_from", "source"],
        money: &[],
        sql: "SELECT base, quote, rate, valid_from, source FROM fx_rate ORDER BY id",
    },
    TableSpec {
        name: "allocations",
        columns: &["key", "name", "valid_from", "grant", "line", "percent"],
        money: &[],
        sql: "SELECT k.code, k.name, s.valid_from, g.reference, l.code, s.percent
              FROM allocation_share s JOIN allocation_key k ON k.id = s.key_id
              JOIN grant_agreement g ON g.id = s.grant_id JOIN budget_line l ON l.id = s.line_id
              ORDER BY s.id",
    },
    TableSpec {
        name: "advances",
        columns: &[
            "grant",
            "partner",
            "reference",
            "date",
            "amount",
            "currency",
            "rate",
            "rate_base",
            "description",
            "office",
            "void_reason",
            "voided_at",
        ],
        money: &[4],
        sql: "SELECT g.reference, a.partner, a.reference, a.date, a.amount_minor, c.minor_units,
                  a.currency, coalesce(a.fx_rate, ''), coalesce(a.fx_base, ''), a.description,
                  coalesce(a.office, ''), coalesce(a.void_reason, ''), coalesce(a.voided_at, '')
              FROM advance a JOIN grant_agreement g ON g.id = a.grant_id
              JOIN currency c ON c.code = a.currency ORDER BY a.id",
    },
    TableSpec {
        name: "commitments",
        columns: &[
            "grant",
            "line",
            "vendor",
            "reference",
            "date",
            "amount",
            "currency",
            "rate",
            "rate_base",
            "description",
            "over_commit",
            "office",
            "closed_on",
            "close_reason",
        ],
        money: &[5],
        sql: "SELECT g.reference, l.code, m.vendor, m.reference, m.date, m.amount_minor,
                  c.minor_units, m.currency, coalesce(m.fx_rate, ''), coalesce(m.fx_base, ''),
                  m.description, coalesce(m.over_commit_reason, ''), coalesce(m.office, ''),
                  coalesce(m.closed_on, ''), coalesce(m.close_reason, '')
              FROM commitment m JOIN grant_agreement g ON g.id = m.grant_id
              JOIN budget_line l ON l.id = m.line_id JOIN currency c ON c.code = m.currency
              ORDER BY m.id",
    },
    TableSpec {
        name: "receipts",
        columns: &[
            "grant",
            "date",
            "amount",
            "currency",
            "reference",
            "description",
            "office",
            "kind",
        ],
        money: &[2],
        sql: "SELECT g.reference, r.date, r.amount_minor, c.minor_units, g.currency,
                  r.reference, r.description, coalesce(r.office, ''), r.kind
              FROM receipt r JOIN grant_agreement g ON g.id = r.grant_id
              JOIN currency c ON c.code = g.currency ORDER BY r.id",
    },
    TableSpec {
        name: "receipt_voids",
        columns: &["receipt", "grant", "date", "amount", "reason", "voided_at"],
        money: &[3],
        // A receipt has no key of its own: `receipt` is its row in receipts.csv (1 for the
        // first), which lists every receipt in the order they were recorded; the grant, date
        // and amount are there to check that the row is the one meant.
        sql: "SELECT n.row, g.reference, r.date, r.amount_minor, c.minor_units, r.void_reason,
                  r.voided_at
              FROM (SELECT id, row_number() OVER (ORDER BY id) AS row FROM receipt) n
              JOIN receipt r ON r.id = n.id
              JOIN grant_agreement g ON g.id = r.grant_id JOIN currency c ON c.code = g.currency
              WHERE r.voided_at IS NOT NULL ORDER BY r.id",
    },
    TableSpec {
        name: "expenses",
        columns: &[
            "grant",
            "line",
            "date",
            "amount",
            "currency",
            "rate",
            "rate_base",
            "force_rate",
            "payee",
            "voucher",
            "country",
            "description",
            "kind",
            "refund_of",
            "corrects",
            "office",
            "advance",
            "commitment",
            "allocate",
        ],
        money: &[3],
        // The quote used is written out as stored, either way round, and marked forced: the
        // import then stores exactly the same quote whatever the rate table says by then (a
        // rate added or replaced since would otherwise convert history anew). A refund names
        // the voucher it reverses; a correction is marked, and `import DIR` voids the entry it
        // corrects (listed in voids, with the same voucher) just before loading it.
        //
        // A shared cost is one row, where its first part stands: the voucher's whole amount,
        // no grant, line or rate, and its key in `allocate`, which splits it again on import
        // as it was split (the key's shares are in allocations).
        sql: "SELECT CASE WHEN p.id IS NULL THEN g.reference ELSE '' END,
                  CASE WHEN p.id IS NULL THEN l.code ELSE '' END, e.date,
                  coalesce(p.amount_minor, e.amount_minor), ec.minor_units, e.currency,
                  CASE WHEN p.id IS NULL THEN coalesce(e.fx_rate, '') ELSE '' END,
                  CASE WHEN p.id IS NULL THEN coalesce(e.fx_base, '') ELSE '' END,
                  CASE WHEN e.fx_rate IS NULL OR p.id IS NOT NULL THEN '' ELSE 'true' END,
                  e.payee, e.voucher, e.country, e.description, e.kind,
                  coalesce((SELECT o.voucher FROM expense o WHERE o.id = e.refund_of), ''),
                  CASE WHEN e.corrects IS NULL THEN '' ELSE 'true' END, coalesce(e.office, ''),
                  coalesce((SELECT a.reference FROM advance a WHERE a.id = e.advance_id), ''),
                  coalesce((SELECT m.reference FROM commitment m WHERE m.id = e.commitment_id),
                           ''),
                  coalesce((SELECT k.code FROM allocation_key k WHERE k.id = p.key_id), '')
              FROM expense e JOIN grant_agreement g ON g.id = e.grant_id
              JOIN budget_line l ON l.id = e.line_id JOIN currency ec ON ec.code = e.currency
              LEFT JOIN allocated_payment p ON p.id = e.allocation_id
              WHERE e.allocation_id IS NULL
                 OR e.id = (SELECT min(s.id) FROM expense s WHERE s.allocation_id = e.allocation_id)
              ORDER BY e.id",
    },
    TableSpec {
        name: "voids",
        columns: &["grant", "voucher", "reason", "voided_at"],
        money: &[],
        sql: "SELECT g.reference, e.voucher, e.void_reason, e.voided_at
              FROM expense e JOIN grant_agreement g ON g.id = e.grant_id
              WHERE e.voided_at IS NOT NULL ORDER BY e.voided_at, e.id",
    },
    TableSpec {
        name: "advance_returns",
        columns: &["grant", "advance", "date", "amount", "reference"],
        money: &[3],
        sql: "SELECT g.reference, a.reference, r.date, r.amount_minor, c.minor_units,
                  r.reference
              FROM advance_return r JOIN advance a ON a.id = r.advance_id
              JOIN grant_agreement g ON g.id = a.grant_id JOIN currency c ON c.code = a.currency
              ORDER BY r.id",
    },
];

/// Tables added after exports were first written: a directory exported before them has no file
/// for them, which means no rows, not a copy made in part.
const ADDED_LATER: &[&str] = &[
    "amendments",
    "receipt_voids",
    "offices",
    "allocations",
    "advances",
    "commitments",
    "advance_returns",
    "organisations",
    "donor_iati",
    "project_iati",
    "grant_iati",
    "rules",
    "report_schedules",
    "report_submissions",
    "period_notes",
    "donor_categories",
    "line_categories",
    "grant_matches",
    "contributions",
];

mod categories;
mod cost_share;
mod publishing;
mod reporting;

/// Every table `export` writes: the ledger's, then its publishing settings', the donors'
/// reporting categories, the grants' cost share, and what it keeps for reports to donors.
fn specs() -> impl Iterator<Item = &'static TableSpec> {
    TABLES
        .iter()
        .chain(publishing::PUBLISHING_TABLES)
        .chain(categories::CATEGORY_TABLES)
        .chain(cost_share::COST_SHARE_TABLES)
        .chain(reporting::RULE_TABLES)
        .chain(reporting::REPORTING_TABLES)
}

/// The names of the tables `export` writes, in the order `import` loads them.
pub fn table_names() -> impl Iterator<Item = &'static str> {
    specs().map(|t| t.name)
}

/// Whether an export directory may lack `table`'s file (see [`ADDED_LATER`]).
pub fn table_optional(name: &str) -> bool {
    ADDED_LATER.contains(&name)
}

/// The columns of an exported table.
pub fn table_columns(name: &str) -> Result<&'static [&'static str]> {
    Ok(spec(name)?.columns)
}

/// What an exported column holds, for a format that types its cells (an xlsx workbook): CSV
/// and JSON write every value as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Codes, references, vouchers, names: text, whatever digits they are made of.
    Text,
    /// An amount, with its currency's decimals.
    Money,
    /// A day, YYYY-MM-DD (empty where there is none).
    Date,
    /// A whole number: a revision, a receipt's row.
    Count,
    /// An exact decimal that is not money: an exchange or indirect-cost rate.
    Decimal,
}

/// Columns holding a day; `voided_at` is a moment and stays text as stored.
const DATE_COLUMNS: &[&str] = &[
    "date",
    "start",
    "end",
    "new_end",
    "decided",
    "valid_from",
    "closed_on",
];

/// The kind of each column of an exported table.
pub fn table_column_kinds(name: &str) -> Result<Vec<ColumnKind>> {
    let spec = spec(name)?;
    Ok(spec
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| match *column {
            _ if spec.money.contains(&i) => ColumnKind::Money,
            c if DATE_COLUMNS.contains(&c) => ColumnKind::Date,
            "revision" | "receipt" | "position" => ColumnKind::Count,
            "rate" | "indirect_rate" | "percent" => ColumnKind::Decimal,
            _ => ColumnKind::Text,
        })
        .collect())
}

fn spec(name: &str) -> Result<&'static TableSpec> {
    specs().find(|t| t.name == name).ok_or_else(|| {
        Error::invalid(format!(
            "no table {name:?}; the tables are {}",
            table_names().collect::<Vec<_>>().join(", ")
        ))
    })
}

impl Ledger {
    /// Hand every row of `table` to `each`, as text in the table's columns; returns the count.
    pub fn export_rows(
        &self,
        table: &str,
        mut each: impl FnMut(&[String]) -> Result<()>,
    ) -> Result<u64> {
        let spec = spec(table)?;
        let sql = spec.sql;
        let mut values = vec![String::new(); spec.columns.len()];
        let mut count = 0;
        self.conn.for_each(sql, [], |row| {
            let mut source = 0;
            for (i, value) in values.iter_mut().enumerate() {
                value.clear();
                if spec.money.contains(&i) {
                    let minor: i64 = row.get(source)?;
                    let units: u32 = row.get(source + 1)?;
                    value.push_str(&Currency::new("", units).plain(Decimal::new(minor, units)));
                    source += 2;
                } else {
                    push_text(value, row.cell(source)?)?;
                    source += 1;
                }
            }
            each(&values)?;
            count += 1;
            Ok(())
        })?;
        Ok(count)
    }
}

fn push_text(out: &mut String, value: CellValue) -> Result<()> {
    match value {
        CellValue::Null => {}
        CellValue::Int(n) => out.push_str(&n.to_string()),
        CellValue::Text(t) => out.push_str(t),
        // Money and rates are stored as integers and exact text; a float here would be a bug.
        CellValue::Float | CellValue::Blob(_) => {
            return Err(Error::runtime(
                "an exported column holds a float or a blob; the schema allows neither",
            ));
        }
    }
    Ok(())
}
