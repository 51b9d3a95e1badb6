//! `--format html`: the demo's donor and burn reports as one self-contained page, with the same
//! figures as the tables, and the same figures again in what headless Chromium reads of it.

mod common;

use std::path::Path;
use std::process::Command;

use common::TestDb;
use common::browser::{chromium, run_chromium};

const JAPAN: &str = "JP-MA-MHPSS-2021";

/// `1234567.50` -> `1,234,567.50`, as the table format shows amounts.
fn thousands(plain: &str) -> String {
    let (sign, digits) = plain
        .strip_prefix('-')
        .map_or(("", plain), |rest| ("-", rest));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// The donor report's key figures as the table format shows them: the TOTAL row's budget,
/// spend and balance, and the cash position.
fn donor_figures(db: &TestDb, args: &[&str]) -> Vec<String> {
    let json = db.json(args);
    let total = json["lines"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["line"] == "TOTAL"))
        .expect("a TOTAL row");
    let mut figures: Vec<String> = ["budget", "spent_period", "spent_to_date", "balance"]
        .iter()
        .map(|k| thousands(total[*k].as_str().expect("an amount")))
        .collect();
    let cash = json["cash"].as_object().expect("cash record");
    figures.extend(
        cash.values()
            .map(|v| thousands(v.as_str().expect("amount"))),
    );
    figures
}

fn donor_args() -> Vec<&'static str> {
    vec!["report", "donor", "--grant", JAPAN, "--period", "2021-Q3"]
}

fn self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..80]);
    for banned in [
        "<script", "src=", "href=", "url(", "@import", "http:", "https:",
    ] {
        assert!(!html.contains(banned), "the page holds {banned:?}");
    }
    assert!(html.contains("size: A4"));
    assert!(
        html.contains("@bottom-right"),
        "a page number on every printed page"
    );
}

#[test]
fn donor_report_as_html_has_the_tables_figures_and_a_chart() {
    let db = TestDb::demo();
    let file = db.dir.path().join("donor.html");
    let mut args = donor_args();
    let path = file.to_str().unwrap();
    args.extend(["--format", "html", "--out", path]);
    let stdout = db.ok(&args);
    assert!(stdout.is_empty(), "--out leaves stdout empty: {stdout}");
    let html = std::fs::read_to_string(&file).unwrap();
    self_contained(&html);
    let figures = donor_figures(&db, &donor_args());
    assert!(figures.contains(&"123,762.00".to_string()), "{figures:?}");
    for figure in &figures {
        assert!(
            html.contains(&format!(">{figure}</td>")),
            "{figure} not in HTML"
        );
    }
    // The table format shows the same strings.
    let table = db.ok(&donor_args());
    for figure in &figures {
        assert!(table.contains(figure.as_str()), "{figure} not in the table");
    }
    assert_eq!(html.matches("<svg").count(), 1, "one burn-down chart");
    assert!(html.contains("class=\"spent\""));
    assert!(html.contains("as of 2021-09-30"));
    assert!(html.contains("Government of Japan"));

    // Never over an existing file without --force; with it, replaced.
    let err = db.fails(&args, 2);
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    std::fs::write(&file, "old").unwrap();
    args.push("--force");
    db.ok(&args);
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .starts_with("<!DOCTYPE")
    );
    let err = db.fails(&["report", "burn", "--force"], 2);
    assert!(err.contains("--out"), "{err}");

    match chromium() {
        Ok(chromium) => {
            let text = rendered_text(&chromium, &file, db.dir.path());
            for figure in &figures {
                assert!(text.contains(figure.as_str()), "{figure} not in the page");
            }
            assert!(text.contains("FINANCIAL REPORT JP-MA-MHPSS-2021"));
            let pdf = db.dir.path().join("donor.pdf");
            run_chromium(
                &chromium,
                db.dir.path(),
                &[&format!("--print-to-pdf={}", pdf.display())],
                &file,
            );
            let bytes = std::fs::read(&pdf).expect("Chromium printed a PDF");
            assert!(bytes.starts_with(b"%PDF"));
        }
        Err(reason) => eprintln!("SKIPPED the check in headless Chromium: {reason}"),
    }
}

#[test]
fn burn_report_as_html_has_a_chart_per_grant_after_its_tables() {
    let db = TestDb::demo();
    let args = ["report", "burn", "--as-of", "2023-06-30"];
    let mut html_args = args.to_vec();
    html_args.extend(["--format", "html"]);
    let html = db.ok(&html_args);
    self_contained(&html);
    assert_eq!(html.matches("<svg").count(), 2, "one chart per grant");
    // One flow (tests/print.rs counts the pages): the tables, then the charts, smaller, three
    // to a page.
    assert_eq!(html.matches("<table class=\"page\">").count(), 1);
    assert!(html.contains("<body class=\"charts\">"));
    assert!(
        html.contains("runs out 2024-12-15"),
        "REG-NA-2022's exhaustion"
    );
    // One data section: the JSON is the burn table's rows.
    for row in db.json(&args).as_array().expect("burn rows") {
        for key in ["budget", "spent"] {
            let figure = thousands(row[key].as_str().expect("an amount"));
            assert!(html.contains(&format!(">{figure}</td>")), "{key} {figure}");
        }
    }
}

#[test]
fn monthly_report_as_html_turns_landscape_for_its_column_per_line() {
    let db = TestDb::demo();
    let args = [
        "report",
        "monthly",
        "--grant",
        "REG-NA-2022",
        "--as-of",
        "2023-06-30",
    ];
    let mut html_args = args.to_vec();
    html_args.extend(["--format", "html"]);
    let html = db.ok(&html_args);
    self_contained(&html);
    assert!(html.contains("size: A4 landscape"));
    assert_eq!(html.matches("<svg").count(), 1);
    let csv = common::parse_csv(&db.ok(&[&args[..], &["--format", "csv"]].concat()));
    let last = csv.last().expect("a month");
    let cumulative = thousands(common::field(last, "cumulative"));
    assert!(
        html.contains(&format!(">{cumulative}</td>")),
        "{cumulative}"
    );
    assert!(
        html.contains(&format!("{cumulative} spent")),
        "the chart ends there"
    );
}

/// The page's text as Chromium lays it out: its DOM after loading, tags dropped.
fn rendered_text(chromium: &str, page: &Path, scratch: &Path) -> String {
    let dom = run_chromium(chromium, scratch, &["--dump-dom"], page);
    assert!(dom.contains("<body"), "Chromium gave no DOM: {dom:.200}");
    let mut text = String::new();
    let mut in_tag = false;
    for ch in dom.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// A grant of 30 budget lines: `report monthly` has 36 columns (month, a column per line, total,
/// cumulative, plan, variance, used %), more than a landscape page holds.
fn thirty_lines() -> TestDb {
    let db = TestDb::new();
    db.ok_sh("donor add --code D --name Donor --kind government --country US");
    db.ok_sh(
        "project add --code P --title Project --organisation Org --countries MA \
         --start 2024-01-01 --end 2024-12-31",
    );
    db.ok_sh(
        "grant add --reference WIDE --donor D --project P --currency USD --amount 30000000.00 \
         --start 2024-01-01 --end 2024-12-31 --indirect-rate 0",
    );
    let mut budget = String::from("budget set --grant WIDE");
    for i in 1..=30 {
        budget.push_str(&format!(" --line 'L{i:02}:activities:1000000.00:Line {i}'"));
    }
    db.ok_sh(&budget);
    // Wide figures where they are widest: seven-digit amounts in the first and last lines.
    for (i, line) in ["L01", "L15", "L30", "L30"].iter().enumerate() {
        db.ok_sh(&format!(
            "expense add --grant WIDE --line {line} --date 2024-0{}-10 --amount 987654.32 \
             --payee X --voucher V{i}",
            i + 1
        ));
    }
    db
}

#[test]
fn a_monthly_report_wider_than_the_page_is_split_into_tables_that_fit() {
    let db = thirty_lines();
    let file = db.dir.path().join("wide.html");
    db.ok(&[
        "report",
        "monthly",
        "--grant",
        "WIDE",
        "--as-of",
        "2024-06-30",
        "--format",
        "html",
        "--out",
        file.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&file).unwrap();
    self_contained(&html);
    assert!(html.contains("size: A4 landscape"));
    let codes: Vec<String> = (1..=30).map(|i| format!("L{i:02}")).collect();
    let titles: Vec<&str> = codes
        .iter()
        .map(String::as_str)
        .chain(["Total", "Cumulative", "Plan", "Variance", "Used %"])
        .collect();
    // Each table at most 14 columns, each led by the month; every column in one of them, once,
    // in order.
    let tables: Vec<&str> = html.split("<table class=\"data").skip(1).collect();
    assert!(tables.len() >= 3, "{} tables", tables.len());
    let mut seen = Vec::new();
    for table in &tables {
        let head = &table[..table.find("</thead>").expect("a head")];
        let mut cells: Vec<&str> = head
            .split("</th>")
            .map(|th| &th[th.rfind('>').map_or(0, |i| i + 1)..])
            .collect();
        cells.pop();
        assert!(cells.len() <= 14, "{} columns: {cells:?}", cells.len());
        assert_eq!(cells[0], "Month");
        seen.extend(cells[1..].iter().copied());
        // Every month's row in every part.
        assert_eq!(table.matches(">2024-0").count(), 6, "{table}");
    }
    assert_eq!(seen, titles);
    assert!(
        html.contains(">1,975,308.64</td>"),
        "L30's two expenses in Cumulative"
    );

    match chromium() {
        Ok(chromium) => {
            let pdf = db.dir.path().join("wide.pdf");
            run_chromium(
                &chromium,
                db.dir.path(),
                &[
                    &format!("--print-to-pdf={}", pdf.display()),
                    "--no-pdf-header-footer",
                ],
                &file,
            );
            let text = Command::new("pdftotext")
                .args(["-layout", pdf.to_str().unwrap(), "-"])
                .output();
            match text {
                Ok(out) if out.status.success() => {
                    let text = String::from_utf8_lossy(&out.stdout);
                    for title in &titles {
                        assert!(text.contains(title), "{title} is not on paper:\n{text}");
                    }
                    assert!(text.contains("3,950,617.28"), "the last cumulative figure");
                    // The chart whole: its last month and the as-of label.
                    assert!(text.contains("Dec 2024"), "{text}");
                    assert!(
                        text.contains("as of 2024-06-30: 3,950,617.28 spent"),
                        "{text}"
                    );
                }
                _ => eprintln!("SKIPPED the check of the printed text: no pdftotext"),
            }
        }
        Err(reason) => eprintln!("SKIPPED the check in headless Chromium: {reason}"),
    }
}
