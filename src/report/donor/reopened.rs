//! The notice a donor report carries when its period's books were reopened after they were
//! first closed.

use super::DonorReport;
use crate::domain::ChangeKind;
use crate::render::{Block, Cell, Document, Table, col, prose};

/// A notice, under the report's head, that the period's books were reopened after they were
/// first closed: when, by whom and why, and every entry dated in the period recorded or voided
/// since, so that the donor can tell this report from the one filed before.
pub(super) fn reopened(doc: Document, r: &DonorReport) -> Document {
    let h = r.history;
    let (Some(first), true) = (h.first_closed(), h.was_reopened()) else {
        return doc;
    };
    let c = &r.actuals.grant.currency;
    let day = |at: &str| at.get(..10).unwrap_or(at).to_string();
    let reopenings: Vec<String> = h
        .events
        .iter()
        .filter(|e| e.reopened)
        .map(|e| match e.reason.is_empty() {
            true => format!("on {} by {}", day(&e.at), e.actor),
            false => format!("on {} by {} ({})", day(&e.at), e.actor, e.reason),
        })
        .collect();
    let count = |kind: ChangeKind| h.changes.iter().filter(|x| x.change == kind).count();
    let counted = [
        (
            ChangeKind::ExpenseAdded,
            "expense recorded",
            "expenses recorded",
        ),
        (
            ChangeKind::ExpenseVoided,
            "expense voided",
            "expenses voided",
        ),
        (
            ChangeKind::ReceiptAdded,
            "receipt recorded",
            "receipts recorded",
        ),
        (
            ChangeKind::ReceiptVoided,
            "receipt voided",
            "receipts voided",
        ),
    ]
    .into_iter()
    .filter_map(|(kind, one, many)| match count(kind) {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    })
    .collect::<Vec<_>>();
    let changed = match counted.is_empty() {
        true => "Nothing dated in it was recorded or voided since.".to_string(),
        false => format!(
            "Since then, dated in it: {}; its spend changed by {} {}. The figures above \
             include these changes.",
            counted.join(", "),
            c.plain(h.net_spend_change()),
            c.code,
        ),
    };
    let notice = format!(
        "Period {} was first closed on {} by {} and reopened {}; it is now {}. {changed}",
        r.period.code,
        day(&first.at),
        first.actor,
        reopenings.join(", and "),
        r.period.status.as_str(),
    );
    let mut events = Table::new(&[
        col("at", "When (UTC)"),
        col("action", "Action"),
        col("by", "By"),
        prose("reason", "Reason"),
    ]);
    for e in &h.events {
        events.push(vec![
            Cell::text(&e.at),
            Cell::text(if e.reopened { "reopened" } else { "closed" }),
            Cell::text(&e.actor),
            Cell::text(&e.reason),
        ]);
    }
    let mut changes = Table::new(&[
        col("at", "When (UTC)"),
        col("by", "By"),
        col("change", "Change"),
        col("date", "Dated"),
        col("reference", "Reference"),
        col("line", "Line"),
        col("amount", "Amount"),
    ]);
    for x in &h.changes {
        changes.push(vec![
            Cell::text(&x.at),
            Cell::text(&x.actor),
            Cell::text(x.change.as_str()),
            Cell::Date(x.date),
            Cell::text(&x.reference),
            Cell::text(&x.line),
            Cell::amount(x.amount, c),
        ]);
    }
    let changes = changes.spare(&["by", "at"]);
    doc.with(
        "reopened",
        "Notice: the books of this period were reopened",
        Block::Note(vec![notice]),
    )
    .with("closings", "Closed and reopened", Block::Table(events))
    .with(
        "changed_after_closing",
        "Recorded or voided after the period was first closed",
        Block::Table(changes),
    )
}
