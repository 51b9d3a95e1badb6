//! An xlsx workbook for analysts: one sheet per data section (the sections CSV and JSON carry),
//! headed by the same field names, with numbers as numbers in their currency's decimals and
//! dates as dates. Text is always written as text, so no cell can run as a formula.

use std::collections::HashMap;
use std::io::Write;

use chrono::Datelike;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::{Block, Cell, Column, Document};
use crate::error::{Error, Result};

/// Excel's limit on a sheet name.
const SHEET_NAME_MAX: usize = 31;

pub fn write(doc: &Document, out: &mut dyn Write) -> Result<()> {
    let mut book = Workbook::new();
    if let Some(title) = doc
        .sections
        .iter()
        .map(|s| &s.title)
        .find(|t| !t.is_empty())
    {
        book.set_properties(&DocProperties::new().set_title(title));
    }
    let mut styles = Styles::default();
    let mut names: Vec<String> = Vec::new();
    for section in doc.sections.iter().filter(|s| s.is_data()) {
        let name = sheet_name(&section.key, &names);
        let sheet = book.add_worksheet();
        sheet.set_name(&name).map_err(xlsx)?;
        names.push(name);
        match &section.block {
            Block::Table(table) => {
                header(sheet, &table.columns, &styles)?;
                for (r, row) in table.rows.iter().enumerate() {
                    for (c, cell) in row.iter().enumerate() {
                        put(sheet, r + 1, c, cell, &mut styles)?;
                    }
                }
            }
            Block::Record(record) => {
                let columns: Vec<Column> = record.fields.iter().map(|(c, _)| c.clone()).collect();
                header(sheet, &columns, &styles)?;
                for (c, (_, cell)) in record.fields.iter().enumerate() {
                    put(sheet, 1, c, cell, &mut styles)?;
                }
            }
            Block::Note(_) | Block::Chart(_) => {}
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx)?;
        sheet.autofit();
    }
    if names.is_empty() {
        // A workbook needs a sheet; a document with no data gets an empty one.
        book.add_worksheet();
    }
    let bytes = book.save_to_buffer().map_err(xlsx)?;
    out.write_all(&bytes)?;
    Ok(())
}

fn xlsx(e: XlsxError) -> Error {
    Error::runtime(format!("cannot write the xlsx workbook: {e}"))
}

/// Number formats, made once per kind and number of decimals.
struct Styles {
    bold: Format,
    date: Format,
    numbers: HashMap<(bool, u32), Format>,
}

impl Default for Styles {
    fn default() -> Self {
        Styles {
            bold: Format::new().set_bold(),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            numbers: HashMap::new(),
        }
    }
}

impl Styles {
    /// `#,##0.00` for an amount of two decimals (`grouped`), `0.0000` for a rate of four.
    fn number(&mut self, grouped: bool, decimals: u32) -> &Format {
        self.numbers.entry((grouped, decimals)).or_insert_with(|| {
            let int = if grouped { "#,##0" } else { "0" };
            let code = match decimals {
                0 => int.to_string(),
                d => format!("{int}.{}", "0".repeat(d as usize)),
            };
            Format::new().set_num_format(code)
        })
    }
}

fn header(sheet: &mut Worksheet, columns: &[Column], styles: &Styles) -> Result<()> {
    for (c, column) in columns.iter().enumerate() {
        sheet
            .write_string_with_format(0, col(c)?, column.key.as_ref(), &styles.bold)
            .map_err(xlsx)?;
    }
    Ok(())
}

fn put(
    sheet: &mut Worksheet,
    row: usize,
    c: usize,
    cell: &Cell,
    styles: &mut Styles,
) -> Result<()> {
    let row = u32::try_from(row).map_err(|_| Error::invalid("too many rows for a sheet"))?;
    let c = col(c)?;
    let (grouped, decimals) = match cell {
        Cell::Empty => return Ok(()),
        Cell::Date(d) => {
            let day = ExcelDateTime::from_ymd(
                u16::try_from(d.year()).map_err(|_| Error::invalid(format!("date {d}")))?,
                d.month() as u8,
                d.day() as u8,
            )
            .map_err(xlsx)?;
            sheet
                .write_datetime_with_format(row, c, &day, &styles.date)
                .map_err(xlsx)?;
            return Ok(());
        }
        Cell::Amount { decimals, .. } => (true, *decimals),
        Cell::Percent(_) => (false, 1),
        Cell::Int(_) => (false, 0),
        Cell::Number(n) => (false, n.scale()),
        Cell::Rate(q) => (false, q.rate.scale()),
        Cell::Text(_) | Cell::Json(_) | Cell::Status(..) | Cell::Bar { .. } => {
            sheet.write_string(row, c, cell.plain()).map_err(xlsx)?;
            return Ok(());
        }
    };
    // An xlsx number is an IEEE double: the one place a figure leaves Decimal. Parsed from the
    // exact text CSV prints (rounded as shown), any figure of up to 15 significant digits reads
    // back in the sheet exactly as CSV shows it.
    let text = cell.plain();
    let value: f64 = text
        .parse()
        .map_err(|_| Error::runtime(format!("{text} is not a number")))?;
    let format = styles.number(grouped, decimals);
    sheet
        .write_number_with_format(row, c, value, format)
        .map_err(xlsx)?;
    Ok(())
}

fn col(c: usize) -> Result<u16> {
    u16::try_from(c).map_err(|_| Error::invalid("too many columns for a sheet"))
}

/// The section's key as a sheet name Excel takes: at most 31 characters, none of `[]:*?/\`,
/// and unlike the names already used (Excel compares them ignoring case).
fn sheet_name(key: &str, used: &[String]) -> String {
    let clean: String = key
        .chars()
        .map(|ch| if "[]:*?/\\".contains(ch) { '_' } else { ch })
        .collect();
    let clean = clean.trim_matches('\'').trim();
    let base = if clean.is_empty() { "data" } else { clean };
    let taken = |name: &str| used.iter().any(|u| u.eq_ignore_ascii_case(name));
    let mut n = 1;
    loop {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!(" {n}")
        };
        let room = SHEET_NAME_MAX - suffix.chars().count();
        let name: String = base.chars().take(room).collect::<String>() + &suffix;
        if !taken(&name) {
            return name;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_excel_accepts() {
        let used = vec!["lines".to_string()];
        assert_eq!(sheet_name("report", &used), "report");
        assert_eq!(sheet_name("LINES", &used), "LINES 2");
        assert_eq!(sheet_name("a/b:c", &used), "a_b_c");
        assert_eq!(sheet_name("", &used), "data");
        let long = "budget REG-NA-2022-with-a-very-long-reference";
        assert_eq!(sheet_name(long, &used).chars().count(), 31);
    }
}
