//! Tables for people: numbers right-aligned with thousands separators and their currency's
//! decimals; a record as a two-column list of fields.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use comfy_table::{
    CellAlignment, Color, ColumnConstraint, ContentArrangement, LineStyle, Table as Grid,
    TableStyle, Width,
};

use super::bar::{self, Glyphs};
use super::columns::column_parts;
use super::{Block, Cell, Document, Tone};
use crate::error::Result;

/// Width of output that is not a terminal (a file, a pipe, a printer): a printed page.
const PRINT_WIDTH: u16 = 80;

/// `--wide`: every column of every table, however wide the screen.
static WIDE: AtomicBool = AtomicBool::new(false);

/// Show every column, the spare ones too, and let tables be as wide as they are.
pub fn set_wide(wide: bool) {
    WIDE.store(wide, Ordering::Relaxed);
}

/// The narrowest a free-text column is squeezed to before columns are left out.
const PROSE_MIN: usize = 12;

/// How a table is drawn where it goes.
#[derive(Debug, Clone, Copy)]
struct Look {
    /// Colour judgements (the caller knows: a terminal and no `NO_COLOR`).
    colour: bool,
    /// Columns to fit.
    width: u16,
    /// Block elements on a terminal, ASCII on paper (a file, a pipe, a printer).
    glyphs: Glyphs,
}

pub fn write(doc: &Document, colour: bool, out: &mut dyn Write) -> Result<()> {
    let grid = new_grid();
    let look = Look {
        colour,
        // COLUMNS, when set, says how wide the screen is (tmux panes, scripts, `COLUMNS=120`);
        // else the terminal's own size. A pseudo-terminal may report no size at all (0
        // columns): lay out for paper then too.
        width: columns_from_env()
            .or(grid.width())
            .filter(|w| *w >= 40)
            .unwrap_or(PRINT_WIDTH),
        glyphs: if grid.is_tty() {
            Glyphs::Unicode
        } else {
            Glyphs::Ascii
        },
    };
    write_with(doc, look, out)
}

fn columns_from_env() -> Option<u16> {
    std::env::var("COLUMNS").ok()?.trim().parse().ok()
}

fn write_with(doc: &Document, look: Look, out: &mut dyn Write) -> Result<()> {
    let width = look.width;
    let wrap = |text: &str, out: &mut dyn Write| -> Result<()> {
        // Never break a date or a reference at its hyphens.
        let options = textwrap::Options::new(usize::from(width))
            .subsequent_indent("    ")
            .word_splitter(textwrap::WordSplitter::NoHyphenation);
        for line in textwrap::wrap(text, options) {
            writeln!(out, "{line}")?;
        }
        Ok(())
    };
    for (i, section) in doc.sections.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        if !section.title.is_empty() {
            wrap(&section.title, out)?;
        }
        let grid = match &section.block {
            Block::Note(lines) => {
                for line in lines {
                    wrap(line, out)?;
                }
                continue;
            }
            // Charts are drawn in HTML; their figures are in the tables.
            Block::Chart(_) => continue,
            Block::Table(table) if table.rows.is_empty() => {
                writeln!(out, "  (none)")?;
                continue;
            }
            Block::Table(table) => {
                // The table, then the columns it set apart, if any, in tables of their own.
                let parts = parts_that_fit(table, look);
                let apart = parts.len() - 1;
                for (k, shown) in parts.iter().enumerate() {
                    if k > 0 {
                        writeln!(out)?;
                        let title = match apart {
                            1 => table.apart_title.clone(),
                            _ => format!("{} ({k} of {apart})", table.apart_title),
                        };
                        wrap(&title, out)?;
                    }
                    if k < apart {
                        writeln!(
                            out,
                            "{}",
                            sized(table_grid(table, shown, k > 0, look), width)
                        )?;
                    }
                }
                table_grid(table, &parts[apart], apart > 0, look)
            }
            Block::Record(record) => {
                let mut grid = new_grid();
                for (column, value) in record.fields.iter().filter(|(c, _)| !c.detail) {
                    let shown = match value {
                        Cell::Empty => comfy_table::Cell::new("—"),
                        other => styled(other, look),
                    };
                    grid.add_row(vec![comfy_table::Cell::new(column.title.as_ref()), shown]);
                }
                for (position, prose) in [(0, false), (1, true)] {
                    if let Some(column) = grid.column_mut(position) {
                        fit(column, prose);
                    }
                }
                grid
            }
        };
        writeln!(out, "{}", sized(grid, width))?;
    }
    Ok(())
}

/// `grid` as wide as the screen, or as its columns with `--wide`.
fn sized(mut grid: Grid, width: u16) -> Grid {
    if WIDE.load(Ordering::Relaxed) {
        grid.set_content_arrangement(ContentArrangement::Disabled);
    } else {
        grid.set_width(width);
    }
    grid
}

/// The grid of `table`'s columns `shown`. In a table of columns set `apart`, a row with
/// nothing in them is left out (a line with no note has no place among the notes).
fn table_grid(table: &super::Table, shown: &[usize], apart: bool, look: Look) -> Grid {
    let mut grid = new_grid();
    grid.set_header(shown.iter().map(|&i| table.columns[i].title.as_ref()));
    let blank = |row: &Vec<Cell>| shown[1..].iter().all(|&i| row[i] == Cell::Empty);
    for row in table.rows.iter().chain(&table.total) {
        if apart && blank(row) {
            continue;
        }
        grid.add_row(shown.iter().map(|&i| styled(&row[i], look)));
    }
    for (position, &i) in shown.iter().enumerate() {
        let Some(column) = grid.column_mut(position) else {
            continue;
        };
        fit(column, table.columns[i].prose);
        // Numbers, and their headings, line up on the right.
        if table.rows.iter().any(|row| row[i].is_numeric()) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    grid
}

/// The columns of each table a terminal shows a table in: all but the detail ones in one
/// table when they fit the screen (or with `--wide`); else the table less its columns set
/// apart, and less its spare ones (the lowest rank first) while it would be wider than the
/// screen, then the columns set apart in as few tables as fit, each led by the first column.
fn parts_that_fit(table: &super::Table, look: Look) -> Vec<Vec<usize>> {
    let mut shown: Vec<usize> = (0..table.columns.len())
        .filter(|&i| !table.columns[i].detail)
        .collect();
    if WIDE.load(Ordering::Relaxed) {
        return vec![shown];
    }
    // Each column as wide as its widest cell (free text squeezed as far as it will go), and
    // a space and a separator between columns, as `fit` lays them out.
    let needed = |i: usize| {
        let column = &table.columns[i];
        let widest = table
            .rows
            .iter()
            .map(|row| human(&row[i], look.glyphs).chars().count())
            .chain(std::iter::once(column.title.chars().count()))
            .max()
            .unwrap_or(0);
        match column.prose {
            true => widest.min(PROSE_MIN),
            false => widest,
        }
    };
    let width = |shown: &[usize]| shown.iter().map(|&i| needed(i) + 2).sum::<usize>();
    let screen = usize::from(look.width);
    let apart: Vec<usize> = match shown.split_first() {
        Some((_, rest)) if width(&shown) > screen => rest
            .iter()
            .copied()
            .filter(|&i| table.columns[i].apart)
            .collect(),
        _ => Vec::new(),
    };
    shown.retain(|i| !apart.contains(i));
    let mut spares: Vec<usize> = shown
        .iter()
        .copied()
        .filter(|&i| table.columns[i].spare > 0)
        .collect();
    spares.sort_by_key(|&i| table.columns[i].spare);
    for spare in spares {
        if width(&shown) <= screen {
            break;
        }
        shown.retain(|&i| i != spare);
    }
    let mut parts = vec![shown];
    if let Some(&first) = parts[0].first()
        && !apart.is_empty()
    {
        let lead = std::iter::once(first).chain(apart.iter().copied());
        let widths: Vec<u32> = lead
            .clone()
            .map(|i| u32::try_from(needed(i) + 2).unwrap_or(u32::MAX))
            .collect();
        let lead: Vec<usize> = lead.collect();
        for part in column_parts(
            &widths,
            u32::try_from(screen).unwrap_or(u32::MAX),
            usize::MAX,
        ) {
            parts.push(part.into_iter().map(|j| lead[j]).collect());
        }
    }
    parts
}

/// A ledger look that prints well: a rule under the header and at the end, none between rows.
const LEDGER: TableStyle = TableStyle::new()
    .header_separator(LineStyle::none().fill('─').junction(' '))
    .bottom_border(LineStyle::none().fill('─').junction(' '));

/// On a narrow terminal only free text wraps, and never below a readable width; the gap between
/// columns is one space plus the separator, so an 80-column screen holds a budget table.
fn fit(column: &mut comfy_table::Column, prose: bool) {
    column.set_padding((0, 1));
    column.set_constraint(if prose {
        ColumnConstraint::LowerBoundary(Width::Fixed(12))
    } else {
        ColumnConstraint::ContentWidth
    });
}

fn new_grid() -> Grid {
    let mut grid = Grid::new();
    grid.load_style(LEDGER)
        .set_content_arrangement(ContentArrangement::Dynamic);
    grid
}

fn styled(cell: &Cell, look: Look) -> comfy_table::Cell {
    let shown = comfy_table::Cell::new(human(cell, look.glyphs));
    let colour = look.colour;
    match cell {
        Cell::Status(_, Tone::Warning) if colour => shown.fg(Color::Yellow),
        Cell::Status(_, Tone::Alarm) if colour => shown.fg(Color::Red),
        _ => shown,
    }
}

/// The text people read: thousands separators, a visible sign, percentages with `%`.
pub(super) fn human(cell: &Cell, glyphs: Glyphs) -> String {
    match cell {
        Cell::Bar {
            used_pct,
            elapsed_pct,
        } => bar::spent_vs_time(*used_pct, *elapsed_pct, bar::CELLS, glyphs),
        Cell::Amount { .. } => group_thousands(&cell.plain()),
        Cell::Percent(_) => format!("{} %", cell.plain()),
        Cell::Rate(quote) => quote.describe(),
        other => other.plain(),
    }
}

/// `1234567.50` -> `1,234,567.50`; `-1234` -> `-1,234`.
pub fn group_thousands(plain: &str) -> String {
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests;
