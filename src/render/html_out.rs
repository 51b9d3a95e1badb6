//! One self-contained HTML page for printing on A4 or filing: inline CSS and SVG, no script and
//! nothing fetched. The same sections as the table format, figures formatted the same way, a
//! header repeated on every printed page, and each grant's chart on a page of its own when a
//! report has several.

use std::io::Write;

use super::bar::Glyphs;
use super::svg::{BurnChart, burn_chart};
use super::table_out::human;
use super::{Block, Cell, Document, Record, Section, Table, Tone};
use crate::error::Result;

/// Columns a table may have and still print on a portrait page; beyond, the pages turn.
const PORTRAIT_COLUMNS: usize = 10;
/// Columns beyond which a table's type is set smaller, to fit even a landscape page.
const DENSE_COLUMNS: usize = 14;

/// Records with more fields than this are laid out two fields to a row.
const LONG_RECORD: usize = 8;

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
    if widest > PORTRAIT_COLUMNS {
        html.push_str("@page { size: A4 landscape; }\nbody { max-width: 271mm; }\n");
    }
    html.push_str(&format!(
        "@page {{ @bottom-left {{ content: {}; }} }}\n</style>\n</head>\n<body>\n",
        css_string(title)
    ));
    let running = format!(
        "<thead><tr><td><div class=\"running\"><span>{}</span><span>grantbook</span></div>\
         </td></tr></thead>\n",
        escape(title)
    );
    for (i, page) in pages(doc).into_iter().enumerate() {
        html.push_str("<table class=\"page\">\n");
        html.push_str(&running);
        html.push_str("<tbody><tr><td>\n");
        let mut j = 0;
        while j < page.len() {
            let heading = if i == 0 && j == 0 { "h1" } else { "h2" };
            // Two short records in a row (indirect costs, cash position) stand side by side.
            if j > 0 && short_record(page[j]) && page.get(j + 1).is_some_and(|s| short_record(s)) {
                html.push_str("<div class=\"side\">\n");
                html.push_str(&render_section(page[j], heading));
                html.push_str(&render_section(page[j + 1], heading));
                html.push_str("</div>\n");
                j += 2;
                continue;
            }
            html.push_str(&render_section(page[j], heading));
            j += 1;
        }
        html.push_str("</td></tr></tbody>\n</table>\n");
    }
    html.push_str("</body>\n</html>\n");
    out.write_all(html.as_bytes())?;
    Ok(())
}

/// Sections grouped into printed pages: a report with several charts (one per grant) starts a
/// page at each chart; otherwise it flows as one.
fn pages(doc: &Document) -> Vec<Vec<&Section>> {
    let charts = doc
        .sections
        .iter()
        .filter(|s| matches!(s.block, Block::Chart(_)))
        .count();
    let mut pages: Vec<Vec<&Section>> = vec![Vec::new()];
    for section in &doc.sections {
        let breaks = charts > 1 && matches!(section.block, Block::Chart(_));
        if breaks && pages.last().is_some_and(|p| !p.is_empty()) {
            pages.push(Vec::new());
        }
        if let Some(page) = pages.last_mut() {
            page.push(section);
        }
    }
    pages
}

fn short_record(section: &Section) -> bool {
    let shown = |r: &Record| r.fields.iter().filter(|(c, _)| !c.detail).count();
    matches!(&section.block, Block::Record(r) if shown(r) <= LONG_RECORD)
}

fn render_section(section: &Section, heading: &str) -> String {
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
        Block::Table(table) => s.push_str(&render_table(table)),
        Block::Record(record) => s.push_str(&render_record(record)),
        Block::Chart(chart) => s.push_str(&render_chart(chart)),
    }
    s.push_str("</section>\n");
    s
}

fn render_table(table: &Table) -> String {
    if table.rows.is_empty() {
        return "<p class=\"none\">(none)</p>\n".to_string();
    }
    let shown: Vec<usize> = (0..table.columns.len())
        .filter(|&i| !table.columns[i].detail)
        .collect();
    let numeric: Vec<bool> = shown
        .iter()
        .map(|&i| table.rows.iter().any(|row| row[i].is_numeric()))
        .collect();
    // Only free text wraps: a date, a code or an amount is never cut in two.
    let keep: Vec<&str> = shown
        .iter()
        .map(|&i| if table.columns[i].prose { "" } else { "nw" })
        .collect();
    let dense = if shown.len() > DENSE_COLUMNS {
        " dense"
    } else {
        ""
    };
    let mut s = format!("<table class=\"data{dense}\">\n<thead><tr>");
    for (&i, &num) in shown.iter().zip(&numeric) {
        let class = if num { " class=\"num\"" } else { "" };
        s.push_str(&format!(
            "<th{class}>{}</th>",
            escape(&table.columns[i].title)
        ));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        let total = matches!(row.first(), Some(Cell::Text(t)) if t == "TOTAL");
        s.push_str(if total {
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

const STYLE: &str = r#"@page { size: A4; margin: 12mm 13mm 15mm;
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 7.5pt sans-serif; color: #555; }
  @bottom-left { font: 7.5pt sans-serif; color: #555; } }
html { background: #fff; }
body { font: 9pt/1.35 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #111; margin: 0 auto; max-width: 184mm; }
@media screen { body { padding: 10mm 13mm; } table.page + table.page { margin-top: 12mm; } }
@media print { table.page + table.page { break-before: page; } }
table.page { width: 100%; border-collapse: collapse; }
table.page > thead > tr > td, table.page > tbody > tr > td { padding: 0; }
.running { display: flex; justify-content: space-between; font-size: 7.5pt; color: #1f3b5a; border-bottom: 1.2pt solid #1f3b5a; padding-bottom: 1.5mm; margin-bottom: 4mm; letter-spacing: .02em; }
h1 { font-size: 13pt; margin: 0 0 3mm; color: #1f3b5a; }
h2 { font-size: 10.5pt; margin: 5mm 0 1.5mm; color: #1f3b5a; border-bottom: .5pt solid #b8c4d0; padding-bottom: .8mm; break-after: avoid; }
section { break-inside: avoid; }
.side { display: flex; gap: 8mm; }
.side > section { flex: 1 1 0; }
table.data { width: 100%; border-collapse: collapse; font-size: 8.3pt; }
table.data.dense { font-size: 6.6pt; }
table.data th { text-align: left; font-weight: 600; border-bottom: 1pt solid #333; padding: 1mm 1.6mm; vertical-align: bottom; }
table.data td { padding: .7mm 1.6mm; border-bottom: .3pt solid #ddd; vertical-align: top; }
table.data tbody tr:nth-child(even) td { background: #f5f7fa; }
.nw { white-space: nowrap; }
.num { text-align: right !important; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 700; border-top: 1pt solid #333; border-bottom: 1.2pt double #333; background: #fff !important; }
tr { break-inside: avoid; }
table.record { border-collapse: collapse; font-size: 8.6pt; width: 100%; }
table.record th { text-align: left; font-weight: 400; color: #445; padding: .6mm 2mm .6mm 0; white-space: nowrap; width: 1%; }
table.record td { padding: .6mm 6mm .6mm 0; font-weight: 600; }
table.record td.num { text-align: left !important; }
.warning { color: #9a5800; font-weight: 700; }
.alarm { color: #b00020; font-weight: 700; }
.notes p { font-size: 7.8pt; color: #333; margin: 0 0 1.2mm; }
p.none { color: #666; font-style: italic; margin: 0; }
figure { margin: 2mm 0 0; }
svg.chart { width: 100%; height: auto; max-height: 105mm; display: block; }
figcaption { font-size: 7.8pt; color: #333; margin-top: 1mm; }
.key { display: inline-block; width: 7mm; height: 0; vertical-align: middle; margin: 0 1.5mm 0 0; border-top: 2pt solid #1f5fa8; }
.item { white-space: nowrap; margin-right: 4mm; }
.key.plan { border-top: 1.5pt dotted #888; }
.key.budget { border-top: 1.5pt dashed #b00020; }
.key.projection { border-top: 1.5pt dashed #1f5fa8; }
svg .grid { stroke: #e6e9ee; stroke-width: 1; }
svg .axis, svg .tick { stroke: #333; stroke-width: 1; }
svg .ylab { text-anchor: end; font-size: 11px; fill: #444; }
svg .xlab { text-anchor: middle; font-size: 11px; fill: #444; }
svg .budget { stroke: #b00020; stroke-width: 1.6; stroke-dasharray: 7 4; }
svg .plan { stroke: #888; stroke-width: 1.6; stroke-dasharray: 2 3; }
svg .spent { fill: none; stroke: #1f5fa8; stroke-width: 2.6; stroke-linejoin: round; }
svg .dot { fill: #1f5fa8; }
svg .projection { stroke: #1f5fa8; stroke-width: 1.6; stroke-dasharray: 7 4; }
svg .asof { stroke: #333; stroke-width: 1; stroke-dasharray: 3 3; }
svg .exhaustion { stroke: #b00020; stroke-width: 1.4; }
svg .note { font-size: 12px; fill: #222; }
svg .exhaustion-text { fill: #b00020; font-weight: 700; }
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::col;

    #[test]
    fn text_is_escaped_everywhere() {
        let mut t = Table::new(&[col("payee", "Payee <b>")]);
        t.push(vec![Cell::text("<script>alert('x')</script> & \"co\"")]);
        let doc = Document::table("t", "R&D <report>", t);
        let mut out = Vec::new();
        write(&doc, &mut out).unwrap_or_else(|e| panic!("{e}"));
        let html = String::from_utf8(out).unwrap_or_default();
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>"));
        assert!(
            html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;")
        );
        assert!(html.contains("<title>R&amp;D &lt;report&gt;</title>"));
        assert!(
            html.contains(r#"content: "R\26 D \3c report\3e ";"#),
            "{html}"
        );
    }
}
