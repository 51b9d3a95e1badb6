//! Donor rules as `donor rules` and `grant rules` show them.

use crate::domain::rules::Rules;
use crate::render::{Cell, Document, Record};

/// `own` rules of `owner` (e.g. "grant JP-MA-MHPSS-2021"); for a grant, also `in_force`, its
/// own over its donor's, which is what its revisions and reports are judged by.
pub fn rules_record(owner: &str, own: &Rules, in_force: Option<&Rules>) -> Document {
    let doc = Document::record("rules", format!("Rules of {owner}"), record(own));
    match in_force {
        Some(rules) => doc.with(
            "in_force",
            "In force (the grant's own over its donor's)",
            crate::render::Block::Record(record(rules)),
        ),
        None => doc,
    }
}

fn record(r: &Rules) -> Record {
    let pct = |p: Option<rust_decimal::Decimal>| Cell::optional(p, Cell::Number);
    Record::default()
        .field(
            "reallocation_limit_pct",
            "Reallocation limit %",
            pct(r.reallocation_limit),
        )
        .field(
            "basis",
            "Limit is % of",
            Cell::optional(r.basis, |b| Cell::text(b.as_str())),
        )
        .field(
            "indirect_cap_pct",
            "Indirect cap % of direct",
            pct(r.indirect_cap),
        )
        .field(
            "revision_approval",
            "Every revision approved",
            Cell::optional(r.revision_approval, |yes| {
                Cell::text(if yes { "yes" } else { "no" })
            }),
        )
}
