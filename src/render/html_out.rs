//! One self-contained HTML page for printing on A4 or filing: inline CSS and SVG, no script and
//! nothing fetched. The same sections as the table format, figures formatted the same way, a
//! header repeated on every printed page, and a report's charts (one per grant) three to an A4
//! page when it has several.

use std::io::Write;

use super::bar::Glyphs;
use super::columns::column_parts;
use super::svg::{BurnChart, burn_chart};
use super::table_out::human;
use super::{Block, Cell, Document, Record, Section, Table, Tone};
use crate::error::Result;

/// Columns a table may have and still print on a portrait page; beyond, the pages turn.
const PORTRAIT_COLUMNS: usize = 10;
/// Columns beyond which a table's type is set smaller, to fit even a landscape page.
const DENSE_COLUMNS: usize = 14;
/// At most this many columns to a printed table: a wider one (report monthly's column per budget
/// line) is split into several, each repeating the first column, so no column is lost off the
/// paper's edge.
const MAX_COLUMNS: usize = 14;
/// The width of a landscape A4 page inside the margins of [`STYLE`], in millimetres.
const LANDSCAPE_MM: f64 = 271.0;
/// A cell's left and right padding together, in millimetres (`table.data td` in [`STYLE`]).
const CELL_PADDING_MM: f64 = 3.2;
const MM_PER_PT: f64 = 25.4 / 72.0;

/// Records with more fields than this are laid out two fields to a row.
const LONG_RECORD: usize = 8;
/// The most of a title the page footer holds: two lines of its box (see [`STYLE`]), so that
/// it never reaches the page number beside it nor the paper's edge below.
const FOOTER_TITLE_MAX: usize = 150;

pub fn write(doc: &Document, out: &mut dyn Write) -> Result<()> {
    let title = doc
        .sections
        .iter()
        .map(|s| s.title.as_str())
        .find(|t| !t.is_empty())
        .unwrap_or("grantbook report");
    let mut html = String::new();
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str(&format!("<title>{}</title>\n<style>\n", escape(title)));
    html.push_str(STYLE);
    // A table wider than a portrait page holds (report monthly's column per budget line) turns
    // the pages to landscape.
    let widest = doc
        .sections
        .iter()
        .filter_map(|s| match &s.block {
            Block::Table(t) => Some(t.columns.iter().filter(|c| !c.detail).count()),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let landscape = widest > PORTRAIT_COLUMNS;
    if landscape {
        html.push_str("@page { size: A4 landscape; }\nbody { max-width: 271mm; }\n");
    }
    html.push_str(&format!(
        "@page {{ @bottom-left {{ content: {}; }} }}\n</style>\n</head>\n",
        css_string(&shortened(title, FOOTER_TITLE_MAX))
    ));
    // Several charts (one per grant) are drawn smaller, three to a page, after the tables.
    let charts = doc
        .sections
        .iter()
        .filter(|s| matches!(s.block, Block::Chart(_)))
        .count();
    html.push_str(if charts > 1 {
        "<body class=\"charts\">\n"
    } else {
        "<body>\n"
    });
    let running = format!(
        "<thead><tr><td><div class=\"running\"><span>{}</span><span>{}</span></div>\
         </td></tr></thead>\n",
        escape(title),
        escape(doc.issuer.as_deref().unwrap_or("grantbook"))
    );
    // One table whose head is the running header: a browser repeats it on every printed page.
    html.push_str("<table class=\"page\">\n");
    html.push_str(&running);
    html.push_str("<tbody><tr><td>\n");
    let sections: Vec<&Section> = doc.sections.iter().collect();
    let mut j = 0;
    while j < sections.len() {
        let heading = if j == 0 { "h1" } else { "h2" };
        // Two short records in a row (indirect costs, cash position) stand side by side.
        if j > 0
            && short_record(sections[j])
            && sections.get(j + 1).is_some_and(|s| short_record(s))
        {
            html.push_str("<div class=\"side\">\n");
            html.push_str(&render_section(sections[j], heading, landscape));
            html.push_str(&render_section(sections[j + 1], heading, landscape));
            html.push_str("</div>\n");
            j += 2;
            continue;
        }
        html.push_str(&render_section(sections[j], heading, landscape));
        j += 1;
    }
    html.push_str("</td></tr></tbody>\n</table>\n</body>\n</html>\n");
    out.write_all(html.as_bytes())?;
    Ok(())
}

fn short_record(section: &Section) -> bool {
    let shown = |r: &Record| r.fields.iter().filter(|(c, _)| !c.detail).count();
    matches!(&section.block, Block::Record(r) if shown(r) <= LONG_RECORD)
}

fn render_section(section: &Section, heading: &str, landscape: bool) -> String {
    let mut s = String::from("<section>\n");
    if !section.title.is_empty() {
        s.push_str(&format!(
            "<{heading}>{}</{heading}>\n",
            escape(&section.title)
        ));
    }
    match &section.block {
        Block::Note(lines) => {
            s.push_str("<div class=\"notes\">\n");
            for line in lines {
                s.push_str(&format!("<p>{}</p>\n", escape(line)));
            }
            s.push_str("</div>\n");
        }
        Block::Table(table) => s.push_str(&render_table(table, landscape)),
        Block::Record(record) => s.push_str(&render_record(record)),
        Block::Chart(chart) => s.push_str(&render_chart(chart)),
    }
    s.push_str("</section>\n");
    s
}

/// `table` as one HTML table, or, on a `landscape` page, as several when its columns would not
/// fit the page (or number more than [`MAX_COLUMNS`]): each of those repeats the first column
/// and takes its share of the rest, in order.
fn render_table(table: &Table, landscape: bool) -> String {
    if table.rows.is_empty() {
        return "<p class=\"none\">(none)</p>\n".to_string();
    }
    let shown: Vec<usize> = (0..table.columns.len())
        .filter(|&i| !table.columns[i].detail)
        .collect();
    let dense = shown.len() > DENSE_COLUMNS;
    let font_pt = if dense { 6.6 } else { 8.3 };
    let widths: Vec<f64> = shown
        .iter()
        .map(|&i| {
            let column = &table.columns[i];
            // Free text and headings wrap: their column can narrow to their longest word.
            let em = |text: &str, bold: bool, wraps: bool| {
                if wraps {
                    text.split_whitespace()
                        .map(|word| text_em(word, bold))
                        .fold(0.0, f64::max)
                } else {
                    text_em(text, bold)
                }
            };
            let widest = table
                .rows
                .iter()
                .map(|row| {
                    em(
                        &human(&row[i], Glyphs::Unicode),
                        is_total(row),
                        column.prose,
                    )
                })
                .chain([em(&column.title, true, true)])
                .fold(0.0, f64::max);
            widest * font_pt * MM_PER_PT + CELL_PADDING_MM
        })
        .collect();
    // Only a landscape page's tables are split: a portrait page's have few enough columns.
    let parts = if landscape {
        // In hundredths of a millimetre: the split compares whole units.
        let hundredths = |mm: f64| (mm * 100.0).ceil() as u32;
        let widths: Vec<u32> = widths.iter().map(|&w| hundredths(w)).collect();
        column_parts(&widths, hundredths(LANDSCAPE_MM), MAX_COLUMNS)
    } else {
        vec![(0..shown.len()).collect()]
    };
    let mut s = String::new();
    for (n, part) in parts.iter().enumerate() {
        let columns: Vec<usize> = part.iter().map(|&j| shown[j]).collect();
        s.push_str(&table_part(table, &columns, dense, n > 0));
    }
    s
}

/// The HTML table of `table`'s columns `shown`; `continued` for the second and later parts of a split.
fn table_part(table: &Table, shown: &[usize], dense: bool, continued: bool) -> String {
    let numeric: Vec<bool> = shown
        .iter()
        .map(|&i| table.rows.iter().any(|row| row[i].is_numeric()))
        .collect();
    // Only free text wraps: a date, a code or an amount is never cut in two.
    let keep: Vec<&str> = shown
        .iter()
        .map(|&i| if table.columns[i].prose { "" } else { "nw" })
        .collect();
    let dense = if dense { " dense" } else { "" };
    let mut s = format!("<table class=\"data{dense}\">\n");
    if continued {
        s.push_str("<caption>continued</caption>\n");
    }
    s.push_str("<thead><tr>");
    for (&i, &num) in shown.iter().zip(&numeric) {
        let class = if num { " class=\"num\"" } else { "" };
        s.push_str(&format!(
            "<th{class}>{}</th>",
            escape(&table.columns[i].title)
        ));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        s.push_str(if is_total(row) {
            "<tr class=\"total\">"
        } else {
            "<tr>"
        });
        for ((&i, &num), nw) in shown.iter().zip(&numeric).zip(&keep) {
            s.push_str(&cell(&row[i], num, "", nw));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
    s
}

/// What a character is taken to need, in ems, in the widest of the fonts the style names
/// (DejaVu Sans, whose digits are 0.636 em), rounded up a little; headings and total rows are
/// bold, wider by a tenth. Anything else (block glyphs, accents) is reckoned wide.
fn char_em(ch: char, bold: bool) -> f64 {
    let em = match ch {
        '0'..='9' => 0.64,
        'I' | 'J' | 'i' | 'j' | 'l' => 0.3,
        'f' | 't' | 'r' => 0.42,
        ',' | '.' | ' ' | '-' | ':' | ';' | '/' | '\'' | '(' | ')' | '|' => 0.38,
        'm' | 'w' | 'M' | 'W' | '%' => 1.0,
        'A'..='Z' => 0.74,
        'a'..='z' => 0.64,
        _ => 0.8,
    };
    if bold { em * 1.1 } else { em }
}

/// How wide `text` is set, in ems.
fn text_em(text: &str, bold: bool) -> f64 {
    text.chars().map(|ch| char_em(ch, bold)).sum()
}
/// A TOTAL row, set in bold.
fn is_total(row: &[Cell]) -> bool {
    matches!(row.first(), Some(Cell::Text(t)) if t == "TOTAL")
}

fn render_record(record: &Record) -> String {
    let fields: Vec<_> = record.fields.iter().filter(|(c, _)| !c.detail).collect();
    let per_row = if fields.len() > LONG_RECORD { 2 } else { 1 };
    let mut s = format!("<table class=\"record cols{per_row}\">\n<tbody>\n");
    for pair in fields.chunks(per_row) {
        s.push_str("<tr>");
        for (column, value) in pair {
            s.push_str(&format!("<th>{}</th>", escape(&column.title)));
            // Short values stay on one line; titles and names wrap.
            let nw = if human(value, Glyphs::Unicode).chars().count() <= 24 {
                "nw"
            } else {
                ""
            };
            s.push_str(&cell(value, value.is_numeric(), "—", nw));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
    s
}

fn cell(value: &Cell, numeric: bool, empty: &str, extra: &'static str) -> String {
    let mut classes = Vec::new();
    if !extra.is_empty() {
        classes.push(extra);
    }
    if numeric {
        classes.push("num");
    }
    if let Cell::Status(_, tone) = value {
        classes.push(match tone {
            Tone::Calm => "calm",
            Tone::Warning => "warning",
            Tone::Alarm => "alarm",
        });
    }
    let text = match value {
        Cell::Empty => empty.to_string(),
        other => human(other, Glyphs::Unicode),
    };
    let class = if classes.is_empty() {
        String::new()
    } else {
        format!(" class=\"{}\"", classes.join(" "))
    };
    format!("<td{class}>{}</td>", escape(&text))
}

fn render_chart(chart: &BurnChart) -> String {
    let mut s = String::from("<figure>\n");
    s.push_str(&burn_chart(chart));
    s.push_str(
        "\n<figcaption>\
         <span class=\"item\"><span class=\"key spent\"></span>Spent, cumulative by month</span>\
         <span class=\"item\"><span class=\"key plan\"></span>Plan: budget spread evenly</span>\
         <span class=\"item\"><span class=\"key budget\"></span>Budget</span>\
         <span class=\"item\"><span class=\"key projection\"></span>At the last three months&#39; \
         pace</span></figcaption>\n</figure>\n",
    );
    s
}

/// Text made safe inside HTML and SVG, in elements and in quoted attributes.
pub fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            other => s.push(other),
        }
    }
    s
}

/// `text` cut at a word to at most `max` characters, with an ellipsis where it was cut.
fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    if let Some(space) = cut.rfind(' ') {
        cut.truncate(space);
    }
    cut.trim_end_matches([',', ';', '.', ' ']).to_string() + "…"
}

/// A quoted CSS string: anything but letters, digits and a few marks as a hex escape, so no text
/// can close the string or the style element.
fn css_string(text: &str) -> String {
    let mut s = String::from("\"");
    for ch in text.chars() {
        if ch.is_alphanumeric() || " -.,:()".contains(ch) {
            s.push(ch);
        } else {
            s.push_str(&format!("\\{:x} ", u32::from(ch)));
        }
    }
    s.push('"');
    s
}

/// The page's style sheet, inlined into every page (a report file stands alone).
const STYLE: &str = include_str!("html_out/style.css");

#[cfg(test)]
mod tests;
