//! CSV for spreadsheets: one header row per section, plain numbers, and no cell that a
//! spreadsheet would run as a formula.

use std::io::Write;

use super::{Block, Cell, Document};
use crate::error::Result;

pub fn write(doc: &Document, out: &mut dyn Write) -> Result<()> {
    let data = doc.sections.iter().filter(|s| s.is_data());
    for (i, section) in data.enumerate() {
        if i > 0 {
            // Sections are separate CSV blocks; a blank line keeps them apart.
            writeln!(out)?;
        }
        let mut csv = csv::Writer::from_writer(&mut *out);
        match &section.block {
            Block::Table(table) => {
                csv.write_record(table.columns.iter().map(|c| c.key.as_ref()))?;
                for row in &table.rows {
                    csv.write_record(row.iter().map(safe))?;
                }
            }
            Block::Record(record) => {
                csv.write_record(record.fields.iter().map(|(c, _)| c.key.as_ref()))?;
                csv.write_record(record.fields.iter().map(|(_, v)| safe(v)))?;
            }
            Block::Note(_) | Block::Chart(_) => {}
        }
        csv.flush()?;
    }
    Ok(())
}

/// The cell's text as [`spreadsheet_safe`] writes it; numbers pass unchanged.
fn safe(cell: &Cell) -> String {
    let text = cell.plain();
    match cell {
        Cell::Text(_) => spreadsheet_safe(&text).into_owned(),
        _ => text,
    }
}

/// Text as a CSV cell a spreadsheet opens without running it: a leading `'` where the text
/// would otherwise be read as a formula (`=`, `+`, `-`, `@`, tab or carriage return first, and
/// not a number), and where it starts with `'` before such text, so that
/// [`from_spreadsheet_safe`] gives back exactly what was written.
pub fn spreadsheet_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if needs_quote(text) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// The text [`spreadsheet_safe`] was given: its leading `'` removed where it added one.
pub fn from_spreadsheet_safe(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_quote(rest) => rest,
        _ => cell,
    }
}

fn needs_quote(text: &str) -> bool {
    is_formula_like(text) || text.strip_prefix('\'').is_some_and(needs_quote)
}

fn is_formula_like(text: &str) -> bool {
    let starts_dangerous = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    starts_dangerous && text.parse::<rust_decimal::Decimal>().is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_formulas_but_not_numbers() {
        for evil in [
            "=HYPERLINK(\"http://x\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\r=1",
        ] {
            assert_eq!(safe(&Cell::text(evil)), format!("'{evil}"), "{evil:?}");
        }
        assert_eq!(safe(&Cell::text("-12.50")), "-12.50");
        assert_eq!(
            safe(&Cell::text("Traiteur Al Baraka")),
            "Traiteur Al Baraka"
        );
        assert_eq!(safe(&Cell::text("a=b")), "a=b");
    }

    #[test]
    fn what_is_made_safe_comes_back_exactly() {
        for text in [
            "=1+1",
            "'=1+1",
            "''=1+1",
            "'s-Hertogenbosch",
            "''",
            "'",
            "-12.50",
            "-x",
            "plain",
            "",
        ] {
            let cell = spreadsheet_safe(text);
            assert_eq!(from_spreadsheet_safe(&cell), text, "{text:?} as {cell:?}");
        }
        assert_eq!(spreadsheet_safe("'=1+1"), "''=1+1");
        assert_eq!(spreadsheet_safe("'s-Hertogenbosch"), "'s-Hertogenbosch");
    }
}
