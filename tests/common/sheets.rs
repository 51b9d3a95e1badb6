//! Reading back the xlsx workbooks grantbook writes: sheet by sheet and cell by cell against
//! the same output's CSV (calamine), and the print setup in the sheets' own XML.

use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::{Days, NaiveDate};

/// Each section of a multi-section CSV output as rows of cells, header first.
pub fn csv_sections(text: &str) -> Vec<Vec<Vec<String>>> {
    text.trim_start_matches('\u{feff}')
        .split("\n\n")
        .map(|section| {
            csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(section.as_bytes())
                .records()
                .map(|r| r.expect("CSV row").iter().map(String::from).collect())
                .collect()
        })
        .collect()
}

/// A sheet cell as CSV would print it: a number with the decimals the CSV cell has, text as
/// CSV makes it spreadsheet-safe (a leading ' before a formula).
pub fn as_csv(cell: &Data, csv: &str) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => grantbook::render::spreadsheet_safe(s).into_owned(),
        Data::Float(f) => {
            let decimals = csv.split_once('.').map_or(0, |(_, frac)| frac.len());
            format!("{f:.decimals$}")
        }
        Data::Int(i) => i.to_string(),
        Data::DateTime(d) => {
            // Excel counts days from 1899-12-30.
            let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("epoch");
            let days = u64::try_from(d.as_f64() as i64).expect("a date after 1900");
            epoch
                .checked_add_days(Days::new(days))
                .expect("a date")
                .to_string()
        }
        other => panic!("unexpected cell {other:?}"),
    }
}

/// Every sheet of `file` equals the CSV sections of the same output, cell for cell, with the
/// sheets named `sheets`; figures are numbers, dates are dates, and text that looks like a
/// number (a voucher 000123) is still text.
pub fn same_as_csv(file: &Path, csv: &str, sheets: &[&str]) {
    let mut book: Xlsx<_> = open_workbook(file).expect("a workbook calamine reads");
    assert_eq!(book.sheet_names(), sheets);
    let sections = csv_sections(csv);
    assert_eq!(sections.len(), sheets.len());
    for (name, section) in sheets.iter().zip(&sections) {
        let range = book.worksheet_range(name).expect("the sheet");
        let rows: Vec<&[Data]> = range.rows().collect();
        // A section with no rows is a header alone in both.
        assert_eq!(rows.len(), section.len(), "rows of sheet {name}");
        for (r, (row, csv_row)) in rows.iter().zip(section).enumerate() {
            assert_eq!(row.len(), csv_row.len(), "{name} row {r}");
            for (c, (cell, text)) in row.iter().zip(csv_row).enumerate() {
                assert_eq!(&as_csv(cell, text), text, "sheet {name} row {r} column {c}");
                let numeric = !text.is_empty() && text.parse::<f64>().is_ok();
                let date = text.len() == 10 && NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok();
                if r > 0 && numeric && !matches!(cell, Data::String(_)) {
                    assert!(matches!(cell, Data::Float(_)), "{name} {r},{c}: {cell:?}");
                }
                if r > 0 && date {
                    assert!(
                        matches!(cell, Data::DateTime(_)),
                        "{name} {r},{c}: a date as {cell:?}"
                    );
                }
            }
        }
        // Not one formula anywhere.
        let formulas = book.worksheet_formula(name).expect("the sheet's formulas");
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "sheet {name} holds a formula"
        );
    }
}

/// The XML of every worksheet and the workbook's in `file`, by name inside the package.
pub fn parts(file: &Path) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file).expect("the workbook"))
        .expect("an xlsx is a zip");
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).expect("a part");
        let name = part.name().expect("a part's name").to_string();
        if name.starts_with("xl/worksheets/") || name == "xl/workbook.xml" {
            let mut xml = String::new();
            part.read_to_string(&mut xml).expect("XML");
            parts.push((name, xml));
        }
    }
    parts
}

/// Every sheet of `file` prints on A4, fitted to the page's width, its header row on every
/// page, a title above and the page number below; `title` is in the first sheet's header.
pub fn printable(file: &Path, title: &str) {
    let parts = parts(file);
    let sheets: Vec<&(String, String)> = parts
        .iter()
        .filter(|(name, _)| name.starts_with("xl/worksheets/sheet"))
        .collect();
    assert!(!sheets.is_empty(), "no sheet in {}", file.display());
    for (name, xml) in &sheets {
        assert!(
            xml.contains("paperSize=\"9\""),
            "{name} is not A4: {xml:.600}"
        );
        assert!(xml.contains("fitToPage=\"1\""), "{name} is not fitted");
        assert!(
            xml.contains("fitToHeight=\"0\""),
            "{name}: fitted to one page high"
        );
        assert!(
            xml.contains("<oddFooter>") && xml.contains("Page &amp;P of &amp;N"),
            "{name} has no page number"
        );
        assert!(!xml.contains("<f>"), "{name} holds a formula");
    }
    assert!(
        sheets[0]
            .1
            .contains(&format!("\"{}", title.replace('&', "&amp;&amp;"))),
        "the title {title:?} is not in the header"
    );
    let workbook = &parts
        .iter()
        .find(|(name, _)| name == "xl/workbook.xml")
        .expect("xl/workbook.xml")
        .1;
    assert_eq!(
        workbook.matches("_xlnm.Print_Titles").count(),
        sheets.len(),
        "each sheet repeats its header row: {workbook}"
    );
}
