use super::*;
use crate::render::col;

#[test]
fn columns_are_shared_out_evenly_among_the_fewest_tables_that_fit() {
    // 35 columns after the month, 20 mm each, the month 15 mm, on 271 mm and at most 14 to a
    // table: two tables would need 18 columns each; three take 12, 12 and 11 after the
    // month (15 + 12 * 20 = 255 mm).
    let mut widths = vec![15.0];
    widths.extend([20.0; 35]);
    let parts = column_parts(&widths, 271.0, 14);
    let expect = |from: usize, to: usize| std::iter::once(0).chain(from..=to).collect();
    let wanted: Vec<Vec<usize>> = vec![expect(1, 12), expect(13, 24), expect(25, 35)];
    assert_eq!(parts, wanted);
    // Width decides when the columns are wide: 20 + 30 n <= 100 takes n = 2, five tables.
    let mut widths = vec![20.0];
    widths.extend([30.0; 10]);
    let parts = column_parts(&widths, 100.0, 14);
    assert_eq!(parts.len(), 5);
    assert!(parts.iter().all(|p| p.len() == 3 && p[0] == 0));
    // What fits stays whole; a column too wide for the page alone still gets a table.
    assert_eq!(
        column_parts(&[10.0, 20.0, 30.0], 271.0, 14),
        [vec![0, 1, 2]]
    );
    assert_eq!(column_parts(&[10.0, 500.0], 100.0, 14), [vec![0, 1]]);
    assert_eq!(column_parts(&[10.0], 100.0, 14), [vec![0]]);
}

#[test]
fn a_wide_table_on_a_landscape_page_repeats_its_first_column_in_each_part() {
    let columns: Vec<_> = std::iter::once(col("month", "Month"))
        .chain((0..20).map(|_| col("line", "Line")))
        .collect();
    let mut t = Table::new(&columns);
    let mut row = vec![Cell::text("2024-01")];
    row.extend((0..20).map(|i| Cell::text(format!("v{i:02}"))));
    t.push(row);
    let html = render_table(&t, true);
    // 21 columns: two tables, the month and 10 lines in each.
    assert_eq!(
        html.matches("<table class=\"data dense\">").count(),
        2,
        "{html}"
    );
    assert_eq!(html.matches("<th>Month</th>").count(), 2);
    assert_eq!(html.matches("<caption>continued</caption>").count(), 1);
    assert_eq!(html.matches(">2024-01</td>").count(), 2);
    for i in 0..20 {
        assert_eq!(html.matches(&format!(">v{i:02}</td>")).count(), 1);
    }
    // A portrait page's tables stay whole.
    assert_eq!(render_table(&t, false).matches("<table").count(), 1);
}

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
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;"));
    assert!(html.contains("<title>R&amp;D &lt;report&gt;</title>"));
    assert!(
        html.contains(r#"content: "R\26 D \3c report\3e ";"#),
        "{html}"
    );
}

#[test]
fn a_long_title_is_cut_at_a_word_for_the_footer() {
    assert_eq!(shortened("Burn as of 2024-06-30", 150), "Burn as of 2024-06-30");
    let long = "Grants running on 2026-11-30 or ended and not yet closed, by donor";
    assert_eq!(shortened(long, 40), "Grants running on 2026-11-30 or ended…");
    assert!(shortened(&"word ".repeat(100), 150).chars().count() <= 150);
}
