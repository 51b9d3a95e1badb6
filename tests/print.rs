//! Every HTML report printed on A4 in headless Chromium (issue 17): no more pages than it
//! needs (the burn report's charts three to a page, not one per page with two thirds blank),
//! each page's footer whole ("Page 2 of 3" on one line, never run into by a long title), and
//! no text past the paper's edge or out of its box.
//!
//! Overflow is measured on the page as Chromium lays it out, in a copy given a script (the
//! report itself has none): every element's box must lie within the body's, which is as wide
//! as the paper inside its margins (184 mm, 271 mm landscape) in a window wider than that;
//! no box may hold content wider than itself (what a cell that cannot wrap does in a table of
//! fixed width); and every word of a chart must lie inside the chart's drawing. Pages are
//! counted in the PDF Chromium prints (its `/Type /Page` objects), the footers read with
//! pdftotext. Without Chromium (or pdftotext, for the footers) the test says it skipped.

mod common;

use std::path::Path;
use std::process::Command;

use common::TestDb;
use common::browser::{chromium, run_chromium};
use common::donor::reopened_quarter;

/// Each report of the demo, and the most pages it may take.
const REPORTS: &[(&str, usize)] = &[
    // Today the regional grant holds a commitment and an advance: a third table, and its two
    // charts go on a second page.
    ("report burn", 2),
    ("report burn --as-of 2023-06-30 --in USD", 2),
    ("report portfolio", 1),
    ("report portfolio --as-of 2023-01-31 --by country", 1),
    ("report budget --grant REG-NA-2022 --period 2023-Q1", 1),
    // Its cost share and the contributions to date (issue 16) move the notes and the
    // certification onto a third page.
    ("report donor --grant JP-MA-MHPSS-2021 --period 2021-Q3", 3),
    ("report monthly --grant JP-MA-MHPSS-2021", 2),
    ("report monthly --grant REG-NA-2022", 3),
];

/// Finds what runs over, and writes it into the page as JSON for `--dump-dom` to carry out.
const OVERFLOW_SCRIPT: &str = r#"<script>
(function () {
  var bad = [];
  var style = getComputedStyle(document.body);
  var page = document.body.getBoundingClientRect();
  var left = page.left + parseFloat(style.paddingLeft) - 1;
  var right = page.right - parseFloat(style.paddingRight) + 1;
  var said = function (el) { return el.tagName + ' "' + (el.textContent || '').trim().slice(0, 60) + '"'; };
  document.querySelectorAll('body *').forEach(function (el) {
    if (el.closest('svg') && el.tagName !== 'svg') return;
    var r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return;
    if (r.left < left || r.right > right) bad.push('past the paper: ' + said(el));
    if (getComputedStyle(el).display !== 'inline' && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
      bad.push('wider than its box: ' + said(el));
  });
  document.querySelectorAll('svg text').forEach(function (t) {
    var view = t.ownerSVGElement.viewBox.baseVal, b = t.getBBox();
    if (b.x < view.x - 0.5 || b.x + b.width > view.x + view.width + 0.5 ||
        b.y < view.y - 0.5 || b.y + b.height > view.y + view.height + 0.5)
      bad.push('cut off the chart: "' + t.textContent + '"');
  });
  var out = document.createElement('pre');
  out.id = 'overflow';
  out.textContent = JSON.stringify(bad);
  document.body.appendChild(out);
})();
</script>"#;

/// The pages of a PDF: its page objects (`/Type /Page`, not the `/Type /Pages` tree).
fn pages(pdf: &[u8]) -> usize {
    let needle = b"/Type /Page";
    pdf.windows(needle.len() + 1)
        .filter(|w| w.starts_with(needle) && w[needle.len()] != b's')
        .count()
}

/// What overflows in `page`, as the script above finds it.
fn overflow(chromium: &str, page: &Path, scratch: &Path) -> Vec<String> {
    let html = std::fs::read_to_string(page).unwrap();
    let probe = page.with_extension("probe.html");
    std::fs::write(
        &probe,
        html.replace("</body>", &format!("{OVERFLOW_SCRIPT}</body>")),
    )
    .unwrap();
    let dom = run_chromium(
        chromium,
        scratch,
        &["--dump-dom", "--window-size=1600,1200"],
        &probe,
    );
    let found = dom
        .split("<pre id=\"overflow\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_else(|| panic!("the script did not run on {}: {dom:.300}", page.display()));
    let found = found.replace("&quot;", "\"").replace("&amp;", "&");
    serde_json::from_str(&found).unwrap_or_else(|e| panic!("{e}: {found}"))
}

/// Each page's footer, "Page N of M" on one line, when pdftotext is there to read them.
fn footers_whole(pdf: &Path, count: usize) {
    let Ok(out) = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
    else {
        eprintln!("SKIPPED the check of the footers: no pdftotext");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let printed: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(printed.len(), count, "{}", pdf.display());
    for (i, page) in printed.iter().enumerate() {
        let footer = format!("Page {} of {count}", i + 1);
        assert!(
            page.lines().any(|l| l.trim_end().ends_with(&footer)),
            "{}: no whole \"{footer}\" at a line's end on its page:\n{page}",
            pdf.display()
        );
    }
}

/// Print `line`'s report as HTML to PDF; its page count, after checking it runs over nowhere.
fn print(db: &TestDb, chromium: &str, line: &str, name: &str) -> usize {
    let page = db.dir.path().join(format!("{name}.html"));
    db.ok_sh(&format!(
        "{line} --format html --out {}",
        page.to_str().unwrap()
    ));
    let over = overflow(chromium, &page, db.dir.path());
    assert!(over.is_empty(), "`{line}` runs over: {over:#?}");
    let pdf = db.dir.path().join(format!("{name}.pdf"));
    run_chromium(
        chromium,
        db.dir.path(),
        &[
            &format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer",
        ],
        &page,
    );
    let count = pages(&std::fs::read(&pdf).expect("Chromium printed a PDF"));
    assert!(count > 0, "{line}: no page in {}", pdf.display());
    footers_whole(&pdf, count);
    count
}

#[test]
fn every_report_prints_on_few_pages_and_nothing_runs_over() {
    let chromium = match chromium() {
        Ok(chromium) => chromium,
        Err(reason) => return eprintln!("SKIPPED printing in headless Chromium: {reason}"),
    };
    let db = TestDb::demo();
    for (n, (line, most)) in REPORTS.iter().enumerate() {
        let count = print(&db, &chromium, line, &format!("report{n}"));
        eprintln!("{line}: {count} pages");
        assert!(
            count <= *most,
            "`{line}` takes {count} pages, at most {most}"
        );
    }
}

/// The donor report with everything beside its figures (interest, variance notes beside their
/// lines, the notice of books reopened with its two tables, the signature block) prints on A4
/// portrait, nothing over, in one page more than the demo's (the notice and its tables push the
/// lines to the second page and the chart to the third), and names the organisation in its
/// running header.
#[test]
fn a_donor_report_with_notes_and_a_reopened_period_prints_on_a4() {
    let chromium = match chromium() {
        Ok(chromium) => chromium,
        Err(reason) => return eprintln!("SKIPPED printing in headless Chromium: {reason}"),
    };
    let db = reopened_quarter();
    let line = "report donor --grant JP-MA-MHPSS-2021 --period 2021-Q3 --prepared-by \
                'A. Benali, Finance Officer' --approved-by 'Chief of Mission'";
    let count = print(&db, &chromium, line, "donor");
    assert!(
        count <= 3,
        "the donor report takes {count} pages, at most 3"
    );
    let html = std::fs::read_to_string(db.dir.path().join("donor.html")).unwrap();
    assert!(html.contains("<span>IOM Morocco</span>"), "running header");
    assert!(!html.contains("size: A4 landscape"), "portrait");
}

/// A ledger of `grants` grants, each with a budget line and spend in two months, and a long
/// project title.
fn many_grants(grants: usize) -> TestDb {
    let db = TestDb::new();
    db.ok_sh("donor add --code D --name 'A donor with a rather long official name' --kind government --country US");
    db.ok_sh(
        "project add --code P --title 'Fostering the health and protection of vulnerable migrants \
         in Morocco, Tunisia, Libya, Egypt, Sudan and Yemen' --organisation Org --countries MA \
         --start 2024-01-01 --end 2025-12-31",
    );
    for g in 1..=grants {
        db.ok_sh(&format!(
            "grant add --reference G-{g:02} --donor D --project P --currency USD \
             --amount {g}00000.00 --start 2024-01-01 --end 2025-12-31 --indirect-rate 0"
        ));
        db.ok_sh(&format!(
            "budget set --grant G-{g:02} --line 'ACT:activities:{g}00000.00:Activities'"
        ));
        for (month, amount) in [("02", "1500.00"), ("05", "24000.00")] {
            db.ok_sh(&format!(
                "expense add --grant G-{g:02} --line ACT --date 2024-{month}-10 \
                 --amount {amount} --payee X --voucher V{month}"
            ));
        }
    }
    db
}

#[test]
fn a_burn_report_of_many_grants_prints_three_charts_to_a_page() {
    let chromium = match chromium() {
        Ok(chromium) => chromium,
        Err(reason) => return eprintln!("SKIPPED printing in headless Chromium: {reason}"),
    };
    let db = many_grants(7);
    let count = print(&db, &chromium, "report burn --as-of 2024-06-30", "burn");
    // Before: the table's page and a page per chart, 8. Now the tables share the first page
    // with a chart or two, and the other charts go three to a page.
    eprintln!("report burn, 7 grants: {count} pages");
    assert!(count <= 3, "7 charts on {count} pages");
}
