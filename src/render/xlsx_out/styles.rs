//! How each kind of cell goes into a sheet: text as text, figures as numbers in their own
//! number format, dates as dates.

use std::collections::HashMap;

use rust_xlsxwriter::{Format, Worksheet};

use super::{excel_date, xlsx};
use crate::error::{Error, Result};
use crate::render::Cell;

/// Number formats, made once per kind and number of decimals.
pub(super) struct Styles {
    pub(super) bold: Format,
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

    /// Write `cell` at `row`, `c` of `sheet`.
    pub(super) fn put(
        &mut self,
        sheet: &mut Worksheet,
        row: u32,
        c: u16,
        cell: &Cell,
    ) -> Result<()> {
        let (grouped, decimals) = match cell {
            Cell::Empty => return Ok(()),
            Cell::Date(d) => {
                sheet
                    .write_datetime_with_format(row, c, &excel_date(*d)?, &self.date)
                    .map_err(xlsx)?;
                return Ok(());
            }
            Cell::Amount { decimals, .. } => (true, *decimals),
            Cell::Percent(_) => (false, 1),
            Cell::Int(_) => (false, 0),
            Cell::Number(n) => (false, n.scale()),
            Cell::Rate(q) => (false, q.rate.scale()),
            // Never `write`, which would take text beginning with `=` for a formula.
            Cell::Text(_) | Cell::Json(_) | Cell::Status(..) | Cell::Bar { .. } => {
                sheet.write_string(row, c, cell.plain()).map_err(xlsx)?;
                return Ok(());
            }
        };
        // An xlsx number is an IEEE double: the one place a figure leaves Decimal. Parsed from
        // the exact text CSV prints (rounded as shown), any figure of up to 15 significant
        // digits reads back in the sheet exactly as CSV shows it.
        let text = cell.plain();
        let value: f64 = text
            .parse()
            .map_err(|_| Error::runtime(format!("{text} is not a number")))?;
        let format = self.number(grouped, decimals);
        sheet
            .write_number_with_format(row, c, value, format)
            .map_err(xlsx)?;
        Ok(())
    }
}
