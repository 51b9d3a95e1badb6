//! What `check`, `audit verify`, `backup` and `restore` print.

use std::path::Path;

use crate::domain::check::{CheckReport, CopySummary};
use crate::domain::seal::ChainReport;
use crate::render::{Block, Cell, Document, Record, Table, Tone, col, prose};

pub fn check(report: &CheckReport) -> Document {
    let mut checks = Table::new(&[
        col("check", "Check"),
        prose("title", "What it makes sure of"),
        col("examined", "Examined"),
        col("result", "Result"),
    ]);
    let mut findings = Table::new(&[
        col("check", "Check"),
        col("place", "Row"),
        prose("problem", "Problem"),
    ]);
    for outcome in &report.checks {
        checks.push(vec![
            Cell::text(outcome.name),
            Cell::text(outcome.title),
            Cell::count(outcome.examined),
            match outcome.found {
                0 => Cell::Status("ok".into(), Tone::Calm),
                1 => Cell::Status("1 problem".into(), Tone::Alarm),
                n => Cell::Status(format!("{n} problems"), Tone::Alarm),
            },
        ]);
        for finding in &outcome.findings {
            findings.push(vec![
                Cell::text(outcome.name),
                Cell::text(&finding.place),
                Cell::text(&finding.problem),
            ]);
        }
    }
    let mut doc = Document::table("checks", "Checks", checks);
    let problems = report.problems();
    if problems > 0 {
        doc = doc.with("findings", "Findings", Block::Table(findings));
        let hidden: Vec<String> = report
            .checks
            .iter()
            .filter(|c| c.found > c.findings.len() as u64)
            .map(|c| {
                format!(
                    "{}: the first {} of {} problems are shown.",
                    c.name,
                    c.findings.len(),
                    c.found
                )
            })
            .collect();
        if !hidden.is_empty() {
            doc = doc.with("", "", Block::Note(hidden));
        }
    }
    doc
}

pub fn chain(report: &ChainReport) -> Document {
    let (head_id, head_seal) = match &report.head {
        Some((id, seal)) => (Cell::Int(*id), Cell::text(seal)),
        None => (Cell::Empty, Cell::Empty),
    };
    let verdict = match report.breaks.len() {
        0 => Cell::Status("intact".into(), Tone::Calm),
        n => Cell::Status(
            format!("broken at {n} entr{}", if n == 1 { "y" } else { "ies" }),
            Tone::Alarm,
        ),
    };
    let record = Record::default()
        .field("entries", "Entries", Cell::count(report.entries))
        .field("chain", "Chain", verdict)
        .field("head_id", "Newest entry", head_id)
        .field("head_seal", "Its seal", head_seal);
    let mut doc = Document::record("audit_chain", "Audit log", record);
    if report.breaks.is_empty() {
        if report.head.is_some() {
            doc = doc.with(
                "",
                "",
                Block::Note(vec![
                    "Keep the newest entry's number and seal with your records (a donor \
                     report, an e-mail): a log rewritten from before that entry would no longer \
                     lead to them."
                        .into(),
                ]),
            );
        }
    } else {
        let mut breaks = Table::new(&[col("entry", "Entry"), prose("problem", "Problem")]);
        for b in &report.breaks {
            breaks.push(vec![Cell::Int(b.id), Cell::text(&b.problem)]);
        }
        doc = doc.with("breaks", "Where the chain breaks", Block::Table(breaks));
    }
    doc
}

/// What `backup` wrote or `restore` loaded.
pub fn copied(action: &str, file: &Path, summary: &CopySummary, sha256: Option<&str>) -> Document {
    let (head_id, head_seal) = match &summary.audit_head {
        Some((id, seal)) => (Cell::Int(*id), Cell::text(seal)),
        None => (Cell::Empty, Cell::Empty),
    };
    let mut record = Record::default()
        .field("file", "File", Cell::text(file.display().to_string()))
        .field("bytes", "Size (bytes)", Cell::count(summary.bytes))
        .field("expenses", "Expenses", Cell::Int(summary.expenses))
        .field(
            "audit_entries",
            "Audit entries",
            Cell::Int(summary.audit_entries),
        )
        .field("audit_head_id", "Newest entry", head_id)
        .field("audit_head_seal", "Its seal", head_seal);
    if let Some(sha256) = sha256 {
        record = record.field("sha256", "File SHA-256", Cell::text(sha256));
    }
    let title = match action {
        "restore" => "Restored",
        "copy" => "Copied",
        _ => "Backed up",
    };
    Document::record(action, title, record)
}
