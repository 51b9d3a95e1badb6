//! What an import recorded: counts, and control totals per grant to tick off against the
//! accounting system the file came from.

use crate::domain::ImportSummary;
use crate::render::{Block, Cell, Document, Record, Table, col};

pub fn imported(s: &ImportSummary) -> Document {
    let record = Record::default()
        .field("source", "File", Cell::text(&s.source))
        .field("recorded", "Expenses recorded", Cell::count(s.recorded))
        .field(
            "skipped",
            "Skipped (already recorded)",
            Cell::count(s.skipped),
        )
        .field(
            "first_id",
            "First id",
            Cell::optional(s.first_id, Cell::Int),
        )
        .field("last_id", "Last id", Cell::optional(s.last_id, Cell::Int))
        .field(
            "sha256",
            "File SHA-256",
            Cell::optional(s.sha256.as_deref(), Cell::text),
        );
    let mut totals = Table::new(&[
        col("grant", "Grant"),
        col("rows", "Expenses"),
        col("amount", "Amount"),
        col("currency", "Currency"),
    ]);
    for g in &s.grants {
        totals.push(vec![
            Cell::text(&g.reference),
            Cell::count(g.rows),
            Cell::amount(g.amount, &g.currency),
            Cell::text(&g.currency.code),
        ]);
    }
    Document::record("import", "Imported expenses", record).with(
        "totals",
        "Recorded per grant, in grant currency",
        Block::Table(totals),
    )
}
