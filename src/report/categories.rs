//! Budget against actuals by the donor's reporting categories (`report donor --by category`,
//! `report budget --by category`): each category the sum of the lines mapped to it, with the
//! same exact sums as the line table, so its total is the line table's to the cent.

use rust_decimal::Decimal;

use super::actuals::{Actuals, LineActual, UNALLOCATED, flag};
use super::budget_table::lines_table;
use crate::domain::categories::{DonorCategory, LineMapping};
use crate::error::{Error, Result};
use crate::render::{Block, Cell, Document, Section, Table, col, detail, prose};

/// `a` with its lines summed into `categories` (each of the donor's, in its order, those no
/// line reports under at zero, as the donor's form lists them), and the money no line holds
/// still its own row; the total is `a`'s own. Refused, naming them and the command that maps
/// them, when a line of the report is in no category: a donor's form has no heading for it,
/// and a report by category that left money out, or filed it under a heading of our own,
/// would not add up to the grant the donor funded.
pub fn category_actuals(
    a: &Actuals,
    donor: &str,
    categories: &[DonorCategory],
    mappings: &[LineMapping],
) -> Result<Actuals> {
    let category_of = |line: &LineActual| {
        mappings
            .iter()
            .find(|m| m.line == line.code)
            .and_then(|m| m.category.as_deref())
    };
    let reported = a.lines.iter().filter(|l| l.code != UNALLOCATED);
    let unmapped: Vec<&LineActual> = reported.filter(|l| category_of(l).is_none()).collect();
    if !unmapped.is_empty() || categories.is_empty() {
        return Err(unmapped_error(a, donor, categories, &unmapped));
    }
    let mut rows: Vec<LineActual> = categories
        .iter()
        .map(|c| {
            let members = a.lines.iter().filter(|l| category_of(l) == Some(&c.code));
            let mut row = sum_of(members, &c.code, &c.name);
            row.flag = flag(&row, a.plan_pct, a.threshold);
            row
        })
        .collect();
    rows.extend(a.lines.iter().filter(|l| l.code == UNALLOCATED).cloned());
    Ok(Actuals {
        lines: rows,
        ..a.clone()
    })
}

/// One category's row: its lines' figures added up, exactly as the total adds them.
fn sum_of<'a>(lines: impl Iterator<Item = &'a LineActual>, code: &str, name: &str) -> LineActual {
    let mut row = LineActual {
        code: code.to_string(),
        name: name.to_string(),
        category: None,
        budget: Decimal::ZERO,
        period: Decimal::ZERO,
        to_date: Decimal::ZERO,
        expected: Decimal::ZERO,
        flag: None,
        committed: Decimal::ZERO,
    };
    for line in lines {
        row.budget += line.budget;
        row.period += line.period;
        row.to_date += line.to_date;
        row.expected += line.expected;
        row.committed += line.committed;
    }
    row
}

fn unmapped_error(
    a: &Actuals,
    donor: &str,
    categories: &[DonorCategory],
    unmapped: &[&LineActual],
) -> Error {
    let grant = &a.grant.reference;
    if categories.is_empty() {
        return Error::invalid(format!(
            "donor {donor} has no reporting categories, so grant {grant}'s report cannot be \
             printed by category; add them (`grantbook donor category add --donor {donor} \
             --code a --name Personnel`), map the grant's lines (`grantbook budget map --grant \
             {grant} LINE:CATEGORY ...`), or print it by line (`--by line`)"
        ));
    }
    let named: Vec<String> = unmapped
        .iter()
        .map(|l| format!("{} ({})", l.code, l.name))
        .collect();
    let example = categories.first().map_or("CATEGORY", |c| c.code.as_str());
    let pairs: Vec<String> = unmapped
        .iter()
        .map(|l| format!("{}:{example}", l.code))
        .collect();
    Error::invalid(format!(
        "grant {grant} has budget lines in none of donor {donor}'s categories: {}; map each to \
         one (`grantbook budget map --grant {grant} {}`, with the right category for each; \
         `grantbook donor category list --donor {donor}` lists them), or print the report by \
         line (`--by line`)",
        named.join(", "),
        pairs.join(" ")
    ))
}

/// The category table in the line table's columns and formats, from [`category_actuals`]:
/// the category's code and name lead, `lines` (CSV and JSON) names the lines in it.
pub fn categories_table(by_category: &Actuals, mappings: &[LineMapping]) -> Table {
    let mut table = lines_table(by_category);
    let at = |key: &str| table.columns.iter().position(|c| c.key == key);
    let (code, name, kind) = (at("line"), at("name"), at("category"));
    if let Some(i) = code {
        table.columns[i] = col("category", "Category");
    }
    if let Some(i) = name {
        table.columns[i] = prose("name", "Name");
    }
    if let Some(i) = kind {
        table.columns[i] = detail("lines", "Lines");
        for row in &mut table.rows {
            let code = row[0].plain();
            let members: Vec<&str> = mappings
                .iter()
                .filter(|m| m.category.as_deref() == Some(code.as_str()))
                .map(|m| m.line.as_str())
                .collect();
            row[i] = Cell::text(members.join(" "));
        }
    }
    // On paper the flag says what Var % says, and the names need the balance's room (as in
    // the donor report's line table); CSV and JSON keep both.
    table.hide("variance_pct").spare(&["balance"])
}

/// `doc` (a budget or donor report) with its line table replaced by `table`, the same figures
/// by the donor's categories, and a note of which lines each category holds.
pub fn by_category(mut doc: Document, table: Table, mappings: &[LineMapping]) -> Document {
    let mut noted = None;
    for (at, section) in doc.sections.iter_mut().enumerate() {
        if section.key == "lines" {
            noted = variance_notes(&section.block).map(|notes| (at + 1, notes));
            section.key = "categories".into();
            section.title = "Budget against expenditure by the donor's categories".into();
            section.block = Block::Table(table.clone());
        }
        if let Block::Note(notes) = &mut section.block
            && section.key == "notes"
        {
            notes.insert(0, membership_note(&table, mappings));
        }
    }
    // The period's variance notes explain lines, which the categories sum: they follow the
    // categories, each under its line's code.
    if let Some((at, notes)) = noted {
        let section = Section {
            key: "variance_notes".into(),
            title: "Variance notes, by budget line".into(),
            block: Block::Table(notes),
            people_only: false,
        };
        doc.sections.insert(at, section);
    }
    doc
}

/// The lines table's variance notes (the `note` column the donor report adds), the noted lines
/// only; None when no line has one.
fn variance_notes(lines: &Block) -> Option<Table> {
    let Block::Table(lines) = lines else {
        return None;
    };
    let at = lines.columns.iter().position(|c| c.key == "note")?;
    let mut notes = Table::new(&[col("line", "Line"), prose("note", "Variance note")]);
    for row in lines.rows.iter().filter(|row| row[at] != Cell::Empty) {
        notes.push(vec![row[0].clone(), row[at].clone()]);
    }
    Some(notes).filter(|n| !n.rows.is_empty())
}

fn membership_note(table: &Table, mappings: &[LineMapping]) -> String {
    let held: Vec<String> = table
        .rows
        .iter()
        .map(|row| row[0].plain())
        .filter_map(|code| {
            let lines: Vec<&str> = mappings
                .iter()
                .filter(|m| m.category.as_deref() == Some(code.as_str()))
                .map(|m| m.line.as_str())
                .collect();
            (!lines.is_empty()).then(|| format!("{code} = {}", lines.join(" + ")))
        })
        .collect();
    format!("Budget lines in each category: {}.", held.join("; "))
}

/// `donor category list`: a donor's categories in its order.
pub fn categories_list(donor: &str, categories: &[DonorCategory]) -> Document {
    let mut t = Table::new(&[
        col("position", "Position"),
        col("code", "Code"),
        prose("name", "Name"),
    ]);
    for c in categories {
        t.push(vec![
            Cell::Int(c.position),
            Cell::text(&c.code),
            Cell::text(&c.name),
        ]);
    }
    Document::table(
        "categories",
        format!("Reporting categories of donor {donor}"),
        t,
    )
}

/// `budget map`: each line of a grant and the donor's category it reports under.
pub fn mappings_list(grant: &str, donor: &str, mappings: &[LineMapping]) -> Document {
    let mut t = Table::new(&[
        col("line", "Line"),
        prose("name", "Name"),
        col("category", "Category"),
    ]);
    for m in mappings {
        t.push(vec![
            Cell::text(&m.line),
            Cell::text(&m.name),
            Cell::text(m.category.as_deref().unwrap_or("(not mapped)")),
        ]);
    }
    Document::table(
        "lines",
        format!("Budget lines of {grant} by the categories of donor {donor}"),
        t,
    )
}

#[cfg(test)]
#[path = "categories/tests.rs"]
mod tests;
