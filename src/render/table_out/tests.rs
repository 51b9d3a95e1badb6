use super::*;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

#[test]
fn bars_are_blocks_on_a_terminal_and_ascii_on_paper() -> TestResult {
    let mut table = super::super::Table::new(&[
        super::super::col("reference", "Grant"),
        super::super::col("spent_vs_time", "Spent vs time"),
    ]);
    table.push(vec![
        Cell::text("G"),
        Cell::Bar {
            used_pct: dec!(50),
            elapsed_pct: dec!(25),
        },
    ]);
    let doc = Document::table("t", "", table);
    let shown = |glyphs| -> std::result::Result<String, Box<dyn std::error::Error>> {
        let look = Look {
            colour: false,
            width: 80,
            glyphs,
        };
        let mut out = Vec::new();
        write_with(&doc, look, &mut out)?;
        Ok(String::from_utf8(out)?)
    };
    let paper = shown(Glyphs::Ascii)?;
    assert!(paper.contains("G      ###|###......"), "{paper}");
    let screen = shown(Glyphs::Unicode)?;
    assert!(screen.contains("G      ███|███······"), "{screen}");
    Ok(())
}

#[test]
fn columns_set_apart_follow_in_tables_that_fit() -> TestResult {
    use super::super::{Column, Table, col};
    let mut columns = vec![col("month", "Month"), col("total", "Total")];
    columns.extend((1..=6).map(|_| Column {
        apart: true,
        ..col("line", "Line")
    }));
    let mut table = Table::new(&columns);
    table.apart_title = "By line".into();
    let mut row = vec![Cell::text("2024-01"), Cell::text("T")];
    row.extend((1..=6).map(|i| Cell::text(format!("value-{i}"))));
    table.push(row);
    let doc = Document::table("t", "", table);
    let shown = |width| -> std::result::Result<String, Box<dyn std::error::Error>> {
        let look = Look {
            colour: false,
            width,
            glyphs: Glyphs::Ascii,
        };
        let mut out = Vec::new();
        write_with(&doc, look, &mut out)?;
        Ok(String::from_utf8(out)?)
    };
    // 9 + 7 + 6 x 9 = 70 columns: whole on 80.
    let wide = shown(80)?;
    assert!(!wide.contains("By line"), "{wide}");
    // On 40, the month and total, then two tables of three lines each (9 + 3 x 9 = 36).
    let narrow = shown(40)?;
    assert!(narrow.lines().all(|l| l.chars().count() <= 40), "{narrow}");
    assert!(narrow.contains("By line (1 of 2)") && narrow.contains("By line (2 of 2)"));
    assert_eq!(narrow.matches("2024-01").count(), 3, "{narrow}");
    for i in 1..=6 {
        assert_eq!(narrow.matches(&format!("value-{i}")).count(), 1, "{narrow}");
    }
    Ok(())
}

#[test]
fn thousands() -> TestResult {
    assert_eq!(group_thousands("123762.00"), "123,762.00");
    assert_eq!(group_thousands("1234567.500"), "1,234,567.500");
    assert_eq!(group_thousands("-1234"), "-1,234");
    assert_eq!(group_thousands("999.99"), "999.99");
    assert_eq!(group_thousands("0.00"), "0.00");
    Ok(())
}

#[test]
fn amounts_keep_their_currency_decimals() -> TestResult {
    let tnd = Cell::Amount {
        value: dec!(1250.5),
        decimals: 3,
    };
    assert_eq!(human(&tnd, Glyphs::Ascii), "1,250.500");
    let jpy = Cell::Amount {
        value: Decimal::from(1_500_000),
        decimals: 0,
    };
    assert_eq!(human(&jpy, Glyphs::Ascii), "1,500,000");
    let pct = Cell::Percent(dec!(89.96));
    assert_eq!(human(&pct, Glyphs::Ascii), "90.0 %");
    Ok(())
}
