//! xlsx workbooks for analysts: one sheet per data section (the sections CSV and JSON carry), or
//! per exported table, headed by the same field names, with numbers as numbers in their
//! currency's decimals and dates as dates. Text is always written as text, so no cell can run as
//! a formula, and a voucher `000123` or a reference of twenty digits stays as typed. Every
//! sheet is set up to print on A4: fitted to the page's width, turned landscape when wide, its
//! header row repeated on each page, the title above and the page number below.

use std::io::Write;

use chrono::Datelike;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};

use super::table_out::human;
use super::{Block, Cell, Column, Document, bar::Glyphs};
use crate::error::{Error, Result};

mod styles;
use styles::Styles;

/// Excel's limit on a sheet name.
const SHEET_NAME_MAX: usize = 31;
/// Excel's rows: the header and 1,048,575 more.
const ROWS_MAX: u32 = 1_048_576;
/// How wide a column grows to fit its text, in characters; longer text wraps on screen only
/// where the reader widens it.
const COLUMN_MAX: usize = 60;
/// About how many characters of the default font a portrait A4 page holds across inside its
/// margins (the default 0.7" each side); a wider sheet prints landscape.
const PORTRAIT_CHARS: usize = 95;
/// Excel's limit on a page header, less room for its codes.
const HEADER_MAX: usize = 200;
/// Excel's paper size code for A4.
const A4: u8 = 9;

/// A workbook written sheet by sheet and row by row. A sheet for an export (`streaming`) keeps
/// no more than a row in memory, so a million expenses fit in a few megabytes.
pub struct XlsxBook {
    book: Workbook,
    styles: Styles,
    names: Vec<String>,
    sheet: Option<Sheet>,
}

/// The sheet being written: where it is, how far, and how wide each column has grown.
struct Sheet {
    index: usize,
    title: String,
    rows: u32,
    widths: Vec<usize>,
}

impl XlsxBook {
    /// A new workbook whose document title (File > Properties) is `title`.
    pub fn new(title: &str) -> XlsxBook {
        let mut book = Workbook::new();
        if !title.is_empty() {
            book.set_properties(&DocProperties::new().set_title(title));
        }
        XlsxBook {
            book,
            styles: Styles::default(),
            names: Vec::new(),
            sheet: None,
        }
    }

    /// Start a sheet named after `key` (made a name Excel takes), headed by `columns` in bold,
    /// whose printed pages are headed by `title`. `streaming` writes each row out as the next
    /// begins: rows must then come in order, which they always do here.
    pub fn sheet(
        &mut self,
        key: &str,
        title: &str,
        columns: &[&str],
        streaming: bool,
    ) -> Result<()> {
        self.finish_sheet()?;
        let name = sheet_name(key, &self.names);
        let sheet = if streaming {
            self.book
                .add_worksheet_with_constant_memory()
                .map_err(xlsx)?
        } else {
            self.book.add_worksheet()
        };
        sheet.set_name(&name).map_err(xlsx)?;
        for (c, column) in columns.iter().enumerate() {
            sheet
                .write_string_with_format(0, col(c)?, *column, &self.styles.bold)
                .map_err(xlsx)?;
        }
        let title = if title.is_empty() {
            format!("grantbook: {name}")
        } else {
            title.to_string()
        };
        self.names.push(name);
        self.sheet = Some(Sheet {
            index: self.names.len() - 1,
            title,
            rows: 1,
            widths: columns.iter().map(|c| c.chars().count()).collect(),
        });
        Ok(())
    }

    /// Add a row under the sheet's header.
    pub fn row(&mut self, cells: &[Cell]) -> Result<()> {
        let Some(state) = self.sheet.as_mut() else {
            return Err(Error::runtime("an xlsx row with no sheet to hold it"));
        };
        if state.rows >= ROWS_MAX {
            return Err(Error::invalid(format!(
                "sheet {} has more rows than a spreadsheet holds ({}); export it as CSV \
                 (--format csv) instead",
                self.names[state.index],
                ROWS_MAX - 1
            )));
        }
        let sheet = self.book.worksheet_from_index(state.index).map_err(xlsx)?;
        for (c, cell) in cells.iter().enumerate() {
            self.styles.put(sheet, state.rows, col(c)?, cell)?;
            if let Some(width) = state.widths.get_mut(c) {
                let shown = match cell {
                    Cell::Empty => 0,
                    other => human(other, Glyphs::Ascii).chars().count(),
                };
                *width = (*width).max(shown);
            }
        }
        state.rows += 1;
        Ok(())
    }

    /// Lay out the sheet being written: its columns' widths and its printed pages.
    fn finish_sheet(&mut self) -> Result<()> {
        let Some(state) = self.sheet.take() else {
            return Ok(());
        };
        let sheet = self.book.worksheet_from_index(state.index).map_err(xlsx)?;
        let mut across = 0;
        for (c, width) in state.widths.iter().enumerate() {
            // Two characters of margin, as Excel's own autofit leaves.
            let width = width.min(&COLUMN_MAX) + 2;
            across += width;
            sheet
                .set_column_width(col(c)?, width as f64)
                .map_err(xlsx)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx)?;
        sheet.set_paper_size(A4);
        if across > PORTRAIT_CHARS {
            sheet.set_landscape();
        }
        // One page wide, as many pages long as the rows take.
        sheet.set_print_fit_to_pages(1, 0);
        sheet.set_repeat_rows(0, 0).map_err(xlsx)?;
        sheet.set_header(format!("&L&\"-,Bold\"{}", header_text(&state.title)));
        sheet.set_footer("&L&A&RPage &P of &N");
        Ok(())
    }

    /// The workbook, whole, to `out`.
    pub fn save<W: Write + Send>(mut self, out: W) -> Result<()> {
        self.finish_sheet()?;
        if self.names.is_empty() {
            // A workbook needs a sheet; a document with no data gets an empty one.
            self.book.add_worksheet();
        }
        self.book.save_to_writer(out).map_err(xlsx)
    }
}

/// Write `doc` as a workbook: its data sections, each a sheet.
pub fn write(doc: &Document, out: &mut dyn Write) -> Result<()> {
    let title = doc
        .sections
        .iter()
        .map(|s| s.title.as_str())
        .find(|t| !t.is_empty())
        .unwrap_or("");
    let mut book = XlsxBook::new(title);
    for section in doc.sections.iter().filter(|s| s.is_data()) {
        let title = if section.title.is_empty() {
            title
        } else {
            &section.title
        };
        let keys = |columns: &mut dyn Iterator<Item = &Column>| -> Vec<String> {
            columns.map(|c| c.key.to_string()).collect()
        };
        match &section.block {
            Block::Table(table) => {
                let keys = keys(&mut table.columns.iter());
                let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                book.sheet(&section.key, title, &keys, false)?;
                for row in &table.rows {
                    book.row(row)?;
                }
            }
            Block::Record(record) => {
                let keys = keys(&mut record.fields.iter().map(|(c, _)| c));
                let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                book.sheet(&section.key, title, &keys, false)?;
                let cells: Vec<Cell> = record.fields.iter().map(|(_, v)| v.clone()).collect();
                book.row(&cells)?;
            }
            Block::Note(_) | Block::Chart(_) => {}
        }
    }
    // The workbook is small (a report, a listing): made whole in memory, then written.
    let mut bytes = Vec::new();
    book.save(&mut bytes)?;
    out.write_all(&bytes)?;
    Ok(())
}

fn xlsx(e: XlsxError) -> Error {
    Error::runtime(format!("cannot write the xlsx workbook: {e}"))
}

fn col(c: usize) -> Result<u16> {
    u16::try_from(c).map_err(|_| Error::invalid("too many columns for a sheet"))
}

/// `title` as page-header text: `&` doubled (a single one starts a code), cut at a word to
/// stay within Excel's limit.
fn header_text(title: &str) -> String {
    let mut cut: String = title.chars().take(HEADER_MAX).collect();
    if cut.len() < title.len() {
        if let Some(space) = cut.rfind(' ') {
            cut.truncate(space);
        }
        cut.push('…');
    }
    cut.replace('&', "&&")
}

/// A date as Excel's own date, or an error naming it if Excel cannot hold it (before 1900).
fn excel_date(d: chrono::NaiveDate) -> Result<ExcelDateTime> {
    let year = u16::try_from(d.year()).map_err(|_| Error::invalid(format!("date {d}")))?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).map_err(xlsx)
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

    #[test]
    fn page_headers_keep_ampersands_and_excel_s_limit() {
        assert_eq!(header_text("R&D costs"), "R&&D costs");
        let long = "word ".repeat(100);
        let shown = header_text(&long);
        assert!(shown.chars().count() <= HEADER_MAX + 1, "{shown}");
        assert!(shown.ends_with("word…"), "{shown}");
    }
}
