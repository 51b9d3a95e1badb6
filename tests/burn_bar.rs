//! `report burn`'s bar of spend against time: in the table for people only, in ASCII off a
//! terminal (as these tests run), never in CSV or JSON, which carry the two percentages.

mod common;

use common::TestDb;

#[test]
fn burn_table_draws_spent_against_time() {
    let db = TestDb::demo();
    let out = db.ok_sh("report burn --as-of 2023-06-30");
    assert!(out.contains("Spent vs time"), "{out}");
    // Japan: 112,236.34 of 123,762.00 = 90.7 %, all the time gone: 10.9 of 12 cells, rounded
    // to 11 and the mark at the end. Regional: 42.5 % = 5.1 cells, 49.8 % = 5.98: mark after 6.
    let japan = out
        .lines()
        .find(|l| l.contains("JP-MA-MHPSS-2021") && l.contains('|'))
        .expect("a bar for the Japanese grant");
    assert!(japan.contains(" ###########.| "), "{japan}");
    let regional = out
        .lines()
        .find(|l| l.contains("REG-NA-2022") && l.contains('|'))
        .expect("a bar for the regional grant");
    assert!(regional.contains(" #####.|...... "), "{regional}");
    // Off a terminal, no block elements.
    assert!(!out.contains('█') && !out.contains('·'), "{out}");
    // The legend says how to read it.
    assert!(
        out.contains("Spent vs time: the bar fills with Used %"),
        "{out}"
    );
}

#[test]
fn overspending_grant_ends_its_bar_with_the_overflow_mark() {
    let db = TestDb::new();
    for line in [
        "donor add --code D --name Donor --kind foundation",
        "project add --code P --title Project --organisation Org --countries MA \
         --start 2024-01-01 --end 2024-12-31",
        "grant add --reference G --donor D --project P --currency USD --amount 1000.00 \
         --start 2024-01-01 --end 2024-12-31 --indirect-rate 0",
        "budget set --grant G --line 'A:staff:1000.00:Staff'",
        "expense add --grant G --line A --date 2024-03-01 --amount 1200.00 --payee P --voucher V1",
    ] {
        db.ok_sh(line);
    }
    let out = db.ok_sh("report burn --as-of 2024-03-31");
    // 120 % spent at 91 of 366 days (24.9 %, 2.98 cells): the mark after the third cell.
    let row = out
        .lines()
        .find(|l| l.starts_with("G ") && l.contains('|'))
        .expect("a bar");
    assert!(row.contains(" ###|#########> "), "{row}");
}

#[test]
fn csv_and_json_have_no_bar() {
    let db = TestDb::demo();
    let csv = db.ok_sh("report burn --as-of 2023-06-30 --format csv");
    let json = db.ok_sh("report burn --as-of 2023-06-30 --format json");
    for (format, text) in [("csv", &csv), ("json", &json)] {
        assert!(!text.contains("spent_vs_time"), "{format}: {text}");
        assert!(!text.contains("Spent vs time"), "{format}: {text}");
        assert!(!text.contains(".|"), "{format}: {text}");
        assert!(!text.contains("##"), "{format}: {text}");
    }
    // The numbers the bar draws are there.
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .contains("utilisation_pct,elapsed_pct")
    );
}
