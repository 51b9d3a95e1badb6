//! Output: a [`Document`] of records and tables, written as a table for people, CSV for
//! spreadsheets, JSON for programs, an HTML page for printing and filing, or an xlsx workbook
//! for analysts. Renderers format; they never compute or query.

pub mod bar;
mod columns;
mod csv_out;
pub use csv_out::{from_spreadsheet_safe, spreadsheet_safe};
mod html_out;
pub mod iati;
mod json_out;
mod svg;
mod table_out;
pub use table_out::group_thousands;
pub use table_out::set_wide;
mod xlsx_out;
pub use xlsx_out::XlsxBook;

pub use svg::BurnChart;

use std::borrow::Cow;
use std::io::Write;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::Quote;
use crate::domain::money::ROUNDING;
use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for reading in a terminal or printing.
    Table,
    /// Comma-separated values with one header row, for spreadsheets.
    Csv,
    /// One JSON document; numbers are strings of exact decimals.
    Json,
    /// One self-contained HTML page laid out for A4 (inline CSS and SVG charts, no scripts).
    Html,
    /// An Excel workbook, one sheet per table, numbers and dates typed, set up for A4; with --out.
    Xlsx,
}

/// One value of a report. Amounts carry the number of decimals of their currency.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Amount {
        value: Decimal,
        decimals: u32,
    },
    /// A plain exact number such as an exchange rate, shown as stored (9.2580 stays 9.2580).
    Number(Decimal),
    /// A percentage, shown with one decimal.
    Percent(Decimal),
    /// An exchange rate: the bare rate in CSV and JSON (with its direction in other columns),
    /// "1 USD = 9.0235 MAD" for people, since a bare 9.0235 beside a 0.11 says nothing.
    Rate(Quote),
    /// A JSON text (audit values), embedded as JSON in JSON output rather than as a string.
    Json(String),
    Int(i64),
    Date(NaiveDate),
    /// A judgement such as a burn status or a line's flag; its tone may colour it on a terminal,
    /// but the words alone must carry the meaning.
    Status(String, Tone),
    /// A grant's spend against its time as a bar (see [`bar`]): only in views for people,
    /// since the two percentages are columns of their own in CSV and JSON.
    Bar {
        used_pct: Decimal,
        elapsed_pct: Decimal,
    },
    Empty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Calm,
    Warning,
    Alarm,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn amount(value: Decimal, currency: &crate::domain::Currency) -> Cell {
        Cell::Amount {
            value,
            decimals: currency.minor_units,
        }
    }

    /// A count of rows: they fit an i64 with room to spare (a ledger is far smaller than 2^63).
    pub fn count(n: u64) -> Cell {
        Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }

    pub fn optional<T>(value: Option<T>, make: impl FnOnce(T) -> Cell) -> Cell {
        value.map_or(Cell::Empty, make)
    }

    /// The machine-readable text (CSV, JSON): no separators, `.` decimal, ISO dates.
    pub fn plain(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Amount { value, decimals } => fixed(*value, *decimals),
            Cell::Number(n) => n.to_string(),
            Cell::Percent(p) => fixed(p.round_dp_with_strategy(1, ROUNDING), 1),
            Cell::Rate(q) => q.rate.to_string(),
            Cell::Json(text) => text.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Status(text, _) => text.clone(),
            Cell::Bar {
                used_pct,
                elapsed_pct,
            } => bar::spent_vs_time(*used_pct, *elapsed_pct, bar::CELLS, bar::Glyphs::Ascii),
            Cell::Empty => String::new(),
        }
    }

    fn is_numeric(&self) -> bool {
        matches!(
            self,
            Cell::Amount { .. } | Cell::Number(_) | Cell::Percent(_) | Cell::Int(_)
        )
    }
}

fn fixed(value: Decimal, decimals: u32) -> String {
    let mut v = value.round_dp_with_strategy(decimals, ROUNDING);
    v.rescale(decimals);
    v.to_string()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Field name in CSV headers and JSON: snake_case, stable. Owned only where the columns
    /// come from data (one per budget line in the monthly report).
    pub key: Cow<'static, str>,
    /// Heading for people.
    pub title: Cow<'static, str>,
    /// Long detail (descriptions, audit values) that CSV and JSON carry but a terminal table
    /// leaves out to stay readable.
    pub detail: bool,
    /// Free text (names, payees, reasons) that may wrap on a narrow terminal; every other
    /// column keeps its width, so an amount or a date is never cut in two.
    pub prose: bool,
    /// Left out of a terminal table that would not fit the screen with it (`--wide` shows
    /// it): the lower the number, the sooner; 0 is always shown. CSV and JSON always carry it.
    pub spare: u8,
    /// Shown, on a terminal too narrow for the whole table, in tables of their own after it,
    /// each led by the first column, rather than left out (see [`Table::apart`]).
    pub apart: bool,
}

const fn column(key: &'static str, title: &'static str, detail: bool, prose: bool) -> Column {
    Column {
        key: Cow::Borrowed(key),
        title: Cow::Borrowed(title),
        detail,
        prose,
        spare: 0,
        apart: false,
    }
}

pub const fn col(key: &'static str, title: &'static str) -> Column {
    column(key, title, false, false)
}

/// A column of free text, which a narrow terminal may wrap.
pub const fn prose(key: &'static str, title: &'static str) -> Column {
    column(key, title, false, true)
}

/// A column only CSV and JSON show.
pub const fn detail(key: &'static str, title: &'static str) -> Column {
    column(key, title, true, true)
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// A total under the rows, for people reading a terminal table; CSV and JSON carry only
    /// the rows, which are the data.
    pub total: Option<Vec<Cell>>,
    /// The heading of the tables a narrow terminal shows the [`Column::apart`] ones in.
    pub apart_title: String,
}

impl Table {
    pub fn new(columns: &[Column]) -> Table {
        Table {
            columns: columns.to_vec(),
            rows: Vec::new(),
            total: None,
            apart_title: String::new(),
        }
    }

    /// On a screen too narrow for them all, leave out these columns, the first first (see
    /// [`Column::spare`]).
    pub fn spare(mut self, keys: &[&str]) -> Table {
        for (rank, key) in keys.iter().enumerate() {
            for column in self.columns.iter_mut().filter(|c| c.key == *key) {
                column.spare = u8::try_from(rank + 1).unwrap_or(u8::MAX);
            }
        }
        self
    }

    /// Always show the column `key`, however narrow the screen (it was spare).
    pub fn keep(mut self, key: &str) -> Table {
        for column in self.columns.iter_mut().filter(|c| c.key == key) {
            column.spare = 0;
        }
        self
    }

    /// Leave the column `key` out of every format when no row has a value in it (a ledger
    /// without offices lists no office column).
    pub fn without_empty(mut self, key: &str) -> Table {
        if let Some(at) = self.columns.iter().position(|c| c.key == key)
            && self.rows.iter().all(|row| row[at] == Cell::Empty)
        {
            self.columns.remove(at);
            for row in self.rows.iter_mut().chain(self.total.iter_mut()) {
                row.remove(at);
            }
        }
        self
    }

    /// Leave the column `key` to CSV and JSON, where a narrower table must fit a page.
    pub fn hide(mut self, key: &str) -> Table {
        for column in self.columns.iter_mut().filter(|c| c.key == key) {
            column.detail = true;
        }
        self
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(
            row.len(),
            self.columns.len(),
            "row width must match the columns"
        );
        self.rows.push(row);
    }
}

/// One thing shown field by field (what `show` and every mutation print).
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub fields: Vec<(Column, Cell)>,
}

impl Record {
    pub fn field(mut self, key: &'static str, title: &'static str, cell: Cell) -> Record {
        self.fields.push((col(key, title), cell));
        self
    }

    /// A field only CSV and JSON show.
    pub fn detail(mut self, key: &'static str, title: &'static str, cell: Cell) -> Record {
        self.fields.push((detail(key, title), cell));
        self
    }
}

#[derive(Debug, Clone)]
pub enum Block {
    Record(Record),
    Table(Table),
    /// Lines of explanation for people (a legend, what a flag means). CSV and JSON leave them
    /// out: every fact in a note is also in a table or record.
    Note(Vec<String>),
    /// A burn-down chart for people, drawn in HTML only; its figures are in the tables.
    Chart(BurnChart),
}

#[derive(Debug, Clone)]
pub struct Section {
    /// The section's key in JSON when a document has several.
    pub key: String,
    pub title: String,
    pub block: Block,
    /// A view for people of figures that CSV and JSON already carry elsewhere (so that a wide
    /// table can be read in two narrower ones); CSV and JSON leave it out.
    pub people_only: bool,
}

impl Section {
    /// Whether CSV and JSON carry this section.
    pub fn is_data(&self) -> bool {
        !self.people_only && !matches!(self.block, Block::Note(_) | Block::Chart(_))
    }
}

/// What a command prints: one or more titled sections.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub sections: Vec<Section>,
    /// Who issues the document, named in a printed page's running header (the organisation
    /// that reports to its donor); grantbook where nobody is named.
    pub issuer: Option<String>,
}

impl Document {
    pub fn issued_by(mut self, issuer: &str) -> Document {
        self.issuer = Some(issuer.to_string()).filter(|i| !i.trim().is_empty());
        self
    }

    pub fn table(key: &str, title: impl Into<String>, table: Table) -> Document {
        Document::default().with(key, title, Block::Table(table))
    }

    pub fn record(key: &str, title: impl Into<String>, record: Record) -> Document {
        Document::default().with(key, title, Block::Record(record))
    }

    pub fn with(mut self, key: &str, title: impl Into<String>, block: Block) -> Document {
        self.sections.push(Section {
            key: key.to_string(),
            title: title.into(),
            block,
            people_only: false,
        });
        self
    }

    /// The document as `add` continues it: sections a builder adds only in some cases, in
    /// the middle of a chain of [`Document::with`].
    pub fn then(self, add: impl FnOnce(Document) -> Document) -> Document {
        add(self)
    }

    /// A chart placed after the section keyed `after`, or at the end.
    pub fn with_chart(
        mut self,
        after: Option<&str>,
        title: impl Into<String>,
        chart: BurnChart,
    ) -> Document {
        let at = after
            .and_then(|key| self.sections.iter().position(|s| s.key == key))
            .map_or(self.sections.len(), |i| i + 1);
        self.sections.insert(
            at,
            Section {
                key: String::new(),
                title: title.into(),
                block: Block::Chart(chart),
                people_only: true,
            },
        );
        self
    }

    /// A section only the table format prints: see [`Section::people_only`].
    pub fn with_view(mut self, title: impl Into<String>, table: Table) -> Document {
        self.sections.push(Section {
            key: String::new(),
            title: title.into(),
            block: Block::Table(table),
            people_only: true,
        });
        self
    }

    /// A signature block for a printed report (names, dates, lines to sign on): for people
    /// only, since CSV and JSON are not signed.
    pub fn with_signatures(mut self, record: Record) -> Document {
        self.sections.push(Section {
            key: String::new(),
            title: "Certification".into(),
            block: Block::Record(record),
            people_only: true,
        });
        self
    }
}

impl Format {
    /// Whether this format draws charts, which a report need only gather data for then.
    pub fn draws_charts(self) -> bool {
        self == Format::Html
    }

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
        }
    }
}

/// Write `doc`; `colour` lets a table colour its judgements (only on a terminal without
/// `NO_COLOR`, which the caller knows and a renderer must not guess).
pub fn write(doc: &Document, format: Format, colour: bool, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Table => table_out::write(doc, colour, out),
        Format::Csv => csv_out::write(doc, out),
        Format::Json => json_out::write(doc, out),
        Format::Html => html_out::write(doc, out),
        Format::Xlsx => xlsx_out::write(doc, out),
    }
}
