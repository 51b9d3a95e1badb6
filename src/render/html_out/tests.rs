use super::*;
use crate::render::col;

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
    assert_eq!(
        shortened("Burn as of 2024-06-30", 150),
        "Burn as of 2024-06-30"
    );
    let long = "Grants running on 2026-11-30 or ended and not yet closed, by donor";
    assert_eq!(
        shortened(long, 40),
        "Grants running on 2026-11-30 or ended…"
    );
    assert!(shortened(&"word ".repeat(100), 150).chars().count() <= 150);
}
