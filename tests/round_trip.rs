//! Property: whatever text and amounts an accounting export holds, importing it and then
//! exporting the ledger and importing that into a fresh database (CSV or JSON) keeps every
//! expense exactly, and the text is stored as written (trimmed).

mod common;

use std::fs;

use common::{JAPAN, TestDb, field, japan_grant};
use grantbook::render::from_spreadsheet_safe;
use proptest::prelude::*;

/// One expense: line, minor units, paid in MAD or USD, day of the grant, payee, description.
type Row = (usize, i64, bool, u64, String, String);

const LINES: [&str; 3] = ["STAFF", "TRAIN", "SERV"];

fn row() -> impl Strategy<Value = Row> {
    (
        0..LINES.len(),
        100i64..1_000_000_000,
        any::<bool>(),
        0u64..396,
        // A payee is one line; quotes, delimiters, formula signs, accents, CJK and emoji.
        "[A-Za-z=@+\"'][A-Za-z0-9 ,;\"'=+@\\-éü中😀]{0,30}",
        // A description may span lines, with either line end, and tabs.
        "[A-Za-z0-9 ,;\"'\n\r\t=é😀]{0,60}",
    )
}

fn csv_of(rows: &[Row]) -> String {
    let start = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "grant",
            "line",
            "date",
            "amount",
            "currency",
            "payee",
            "voucher",
            "description",
        ])
        .unwrap();
    for (i, (line, minor, mad, day, payee, description)) in rows.iter().enumerate() {
        let amount = format!("{}.{:02}", minor / 100, minor % 100);
        writer
            .write_record([
                JAPAN,
                LINES[*line],
                &(start + chrono::Days::new(*day)).to_string(),
                &amount,
                if *mad { "MAD" } else { "USD" },
                payee,
                &format!("P-{i}"),
                description,
            ])
            .unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn import_export_import_keeps_every_expense(
        rows in prop::collection::vec(row(), 1..8),
        json in any::<bool>(),
    ) {
        let db = japan_grant();
        let file = db.dir.path().join("in.csv");
        fs::write(&file, csv_of(&rows)).unwrap();
        db.ok(&["expense", "import", file.to_str().unwrap()]);
        let listed = db.csv_sh(&format!("expense list --grant {JAPAN}"));
        prop_assert_eq!(listed.len(), rows.len());
        for stored in &listed {
            // Listed by date; the voucher says which row it was.
            let index: usize = field(stored, "voucher")[2..].parse().unwrap();
            let row = &rows[index];
            // CSV, written and read, marks formula-like text with a leading ' for spreadsheets:
            // the import takes it off the file's cells, the listing puts it on again.
            let payee = from_spreadsheet_safe(field(stored, "payee"));
            prop_assert_eq!(payee, from_spreadsheet_safe(&row.4).trim());
            let description = from_spreadsheet_safe(field(stored, "description"));
            prop_assert_eq!(description, from_spreadsheet_safe(&row.5).trim());
        }

        let out = db.dir.path().join("export");
        let format = if json { "json" } else { "csv" };
        db.ok(&["export", "--all", "--out", out.to_str().unwrap(), "--format", format]);
        let copy = TestDb::new();
        copy.ok(&["import", out.to_str().unwrap()]);
        prop_assert_eq!(copy.csv_sh(&format!("expense list --grant {JAPAN}")), listed);
        prop_assert_eq!(
            copy.ok_sh("report burn --as-of 2022-03-31 --format json"),
            db.ok_sh("report burn --as-of 2022-03-31 --format json")
        );
    }
}
