//! Donors' reporting categories and the lines mapped to them, as `export --all` writes them
//! (`donor_categories`, `line_categories`) and the demo's fixtures hold them.

use serde::Deserialize;

use super::super::csv_input::CsvRow;
use super::{FileRead, Tables};
use crate::db::Ledger;
use crate::domain::text;
use crate::error::{Error, Result, field};

#[derive(Debug, Deserialize)]
struct CategoryRow {
    donor: String,
    code: String,
    name: String,
    position: String,
}

impl CsvRow for CategoryRow {
    const REQUIRED: &'static [&'static str] = &["donor", "code", "name", "position"];
    const OPTIONAL: &'static [&'static str] = &[];
}

#[derive(Debug, Deserialize)]
struct MappingRow {
    grant: String,
    line: String,
    category: String,
}

impl CsvRow for MappingRow {
    const REQUIRED: &'static [&'static str] = &["grant", "line", "category"];
    const OPTIONAL: &'static [&'static str] = &[];
}

/// Donors' reporting categories, then the lines mapped to them (every line exists by now,
/// those added by revisions too), through the checks of `donor category add` and `budget
/// map`. A ledger exported before categories has none.
pub(super) fn load_categories(
    ledger: &mut Ledger,
    tables: &Tables,
) -> Result<[Option<FileRead>; 2]> {
    let categories = tables.each("donor_categories", |r: CategoryRow| {
        let code = text::row_code("category code", &r.code).map_err(field("code"))?;
        let name = text::required("category name", &r.name, 200).map_err(field("name"))?;
        let position = r.position.trim().parse::<i64>().ok().filter(|p| *p >= 1);
        let position = position.ok_or_else(|| {
            Error::invalid(format!("position {:?}: write 1, 2, 3...", r.position))
                .in_field("position")
        })?;
        ledger
            .add_category(r.donor.trim(), &code, &name, Some(position))
            .map(drop)
    })?;
    let mappings = tables.each("line_categories", |r: MappingRow| {
        let pair = crate::domain::categories::parse_mapping(&format!("{}:{}", r.line, r.category))?;
        ledger.map_lines(r.grant.trim(), &[pair], &[]).map(drop)
    })?;
    Ok([categories, mappings])
}
