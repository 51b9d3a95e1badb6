//! The reports on the Japan fixture, checked figure by figure against numbers worked out by
//! hand from the fixture CSVs (each MAD expense divided by the USD->MAD rate in force on its
//! date, rounded half up to the cent, the voided duplicate left out), in all three formats.
//!
//! The grant runs 2021-03-01 to 2022-03-31: 396 days. By 2021-09-30, 214 days are gone
//! (31 + 30 + 31 + 30 + 31 + 31 + 30), so the plan expects 123,762 x 214 / 396 =
//! 66,881.4848... -> 66,881.48 and the time gone is 54.04 %.

mod common;

use common::{JAPAN, TestDb, field, parse_csv};

/// Each section of a multi-section CSV output, parsed; sections are separated by a blank line.
fn csv_sections(text: &str) -> Vec<Vec<Vec<(String, String)>>> {
    text.split("\n\n").map(parse_csv).collect()
}

/// The table a person would read; off a terminal it never carries colour codes.
fn run_table(db: &TestDb, line: &str) -> String {
    let table = db.ok(&common::sh(&format!("{line} --format table")));
    assert!(
        !table.contains('\u{1b}'),
        "colour codes off a terminal:\n{table}"
    );
    table
}

#[test]
fn burn_of_the_japan_grant_at_the_end_of_2021_q3() {
    let db = TestDb::demo();
    let line = format!("report burn --grant {JAPAN} --as-of 2021-09-30");
    let csv = db.csv_sh(&line);
    assert_eq!(csv.len(), 1, "one grant");
    let row = &csv[0];
    // Spent to 30 September (all lines): 58,566.33, of which 25,279.60 in July-September.
    let by_hand = [
        ("budget", "123762.00"),
        ("received", "123762.00"),
        ("spent", "58566.33"),
        // 58,566.33 / 123,762 = 47.32 %; 214 / 396 = 54.04 %
        ("utilisation_pct", "47.3"),
        ("elapsed_pct", "54.0"),
        ("expected", "66881.48"),
        // 58,566.33 - 66,881.48 = -8,315.15, which is -6.72 % of the budget: on track
        ("variance", "-8315.15"),
        ("variance_pct", "-6.7"),
        // 58,566.33 over seven calendar months (March to September)
        ("burn_per_month", "8366.62"),
        // 25,279.60 over July, August, September
        ("burn_per_month_3m", "8426.53"),
        // 65,195.67 left / 8,426.5333 = 7.737 months, shown rounded down
        ("runway_months", "7.7"),
        // seven months from 1 October is 1 May 2022 (23 May), after the grant's end: the money
        // outlasts the grant at this pace, so no exhaustion date
        ("exhaustion_date", ""),
        // six months left at 8,426.5333 a month: 58,566.33 + 50,559.20
        ("projected_at_end", "109125.53"),
        ("status", "on track"),
    ];
    for (key, want) in by_hand {
        assert_eq!(field(row, key), want, "{key}");
    }

    let json = db.json_sh(&line);
    for (key, want) in by_hand {
        // an absent value is an empty CSV cell and a JSON null
        let want = match want {
            "" => serde_json::Value::Null,
            text => text.into(),
        };
        assert_eq!(json[0][key], want, "JSON {key}");
    }

    let table = run_table(&db, &line);
    for shown in [
        "123,762.00",
        "58,566.33",
        "47.3 %",
        "54.0 %",
        "8,426.53",
        "7.7",
        "on track",
    ] {
        assert!(table.contains(shown), "{shown} missing from:\n{table}");
    }
}

/// Line by line for 2021-Q3: (code, budget, this quarter, to date, balance, plan to date).
/// Each plan is the line's budget x 214 / 396 cut to the cent (STAFF 24,858.5858... -> 24,858.58);
/// the four cents the cuts lose against the total's 66,881.48 go to the largest remainders
/// (COMM .0096, TRAIN .0087, SERV .0070, MON .0060), so COMM is 5,295.96, TRAIN 11,618.69,
/// SERV 12,969.70 and MON 4,412.63.
#[rustfmt::skip]
const Q3_LINES: [(&str, &str, &str, &str, &str, &str); 8] = [
    ("STAFF", "46000.00", "10530.89", "23139.98", "22860.02", "24858.58"),
    ("TRAIN", "21500.00", "3474.27", "10695.32", "10804.68", "11618.69"),
    ("SERV", "24000.00", "5423.70", "10896.78", "13103.22", "12969.70"),
    ("COMM", "9800.00", "2786.76", "4844.65", "4955.35", "5295.96"),
    ("TRAV", "6200.00", "1410.17", "2746.15", "3453.85", "3350.50"),
    ("MON", "8165.42", "0.00", "2412.00", "5753.42", "4412.63"),
    ("IND", "8096.58", "1653.81", "3831.45", "4265.13", "4375.42"),
    // the sums of the lines above; the plan is the grant's, 66,881.48, as in `report burn`
    ("TOTAL", "123762.00", "25279.60", "58566.33", "65195.67", "66881.48"),
];

#[test]
fn donor_report_of_2021_q3_figure_by_figure_in_three_formats() {
    let db = TestDb::demo();
    let line = format!("report donor --grant {JAPAN} --period 2021-Q3");
    let out = db.ok(&common::sh(&format!("{line} --format csv")));
    let sections = csv_sections(&out);
    let [
        head,
        receipts,
        lines,
        indirect,
        cash,
        cost_share,
        contributions,
        refunds,
        voids,
        rates,
    ] = sections.as_slice()
    else {
        panic!("ten CSV sections expected:\n{out}");
    };
    // The demo's match (issue 16): 10 % of 123,762.00 is 12,376.20; by the end of Q3 only the
    // office space given in April, MAD 43,200.00 / 8.9874 = 4,806.73, is provided; the cash
    // comes in October.
    for (key, want) in [
        ("required", "12376.20"),
        ("provided_in_kind", "4806.73"),
        ("provided_cash", "0.00"),
        ("remaining", "7569.47"),
        ("provided_period", "0.00"),
    ] {
        assert_eq!(field(&cost_share[0], key), want, "cost share {key}");
    }
    assert_eq!(contributions.len(), 1);
    assert_eq!(field(&head[0], "donor"), "Government of Japan");
    // the country by name for the donor, its code beside it for programs (issue 16)
    assert_eq!(field(&head[0], "countries"), "Morocco");
    assert_eq!(field(&head[0], "country_codes"), "MA");
    assert_eq!(field(&head[0], "period_start"), "2021-07-01");
    assert_eq!(field(&head[0], "period_end"), "2021-09-30");
    assert_eq!(field(&head[0], "budget_revision"), "1");
    assert_eq!(receipts.len(), 1);
    assert_eq!(field(&receipts[0], "amount"), "123762.00");

    let json = db.json_sh(&line);
    assert_eq!(lines.len(), Q3_LINES.len());
    for (row, (code, budget, period, to_date, balance, plan)) in lines.iter().zip(Q3_LINES) {
        for (key, want) in [
            ("line", code),
            ("budget", budget),
            ("spent_period", period),
            ("spent_to_date", to_date),
            ("balance", balance),
            ("expected_to_date", plan),
        ] {
            assert_eq!(field(row, key), want, "{code} {key}");
        }
        // JSON carries the very same strings, row for row
        let same = json["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["line"] == code)
            .unwrap_or_else(|| panic!("{code} missing from JSON"));
        for (key, value) in row {
            let got = same[key].as_str().unwrap_or("");
            assert_eq!(got, value, "{code} {key}: CSV and JSON differ");
        }
    }
    // MON: 2,412.00 of a 4,412.63 plan is -2,000.63, 24.5 % of its 8,165.42 behind
    let mon = &lines[5];
    assert_eq!(field(mon, "variance"), "-2000.63");
    assert_eq!(field(mon, "variance_pct"), "-24.5");
    assert_eq!(field(mon, "flag"), "behind");
    assert_eq!(field(&lines[0], "flag"), "", "STAFF is within 10 %");

    // Indirect: 7 % of direct spend (all lines but IND) against what IND booked.
    // Direct this quarter: 25,279.60 - 1,653.81 = 23,625.79 -> 1,653.8053 -> 1,653.81.
    // Direct to date: 58,566.33 - 3,831.45 = 54,734.88 -> 3,831.4416 -> 3,831.44.
    let i = &indirect[0];
    assert_eq!(field(i, "direct_period"), "23625.79");
    assert_eq!(field(i, "allowed_period"), "1653.81");
    assert_eq!(field(i, "booked_period"), "1653.81");
    assert_eq!(field(i, "allowed_to_date"), "3831.44");
    assert_eq!(field(i, "booked_minus_allowed"), "0.01");

    // Cash: the single tranche of 123,762.00 less 58,566.33 spent.
    let c = &cash[0];
    assert_eq!(field(c, "received_period"), "0.00");
    assert_eq!(field(c, "spent_period"), "25279.60");
    assert_eq!(field(c, "cash_balance"), "65195.67");
    assert_eq!(json["cash"]["cash_balance"], "65195.67");

    // The duplicate transport list of 29 September was voided.
    assert!(
        refunds.is_empty(),
        "no refund in the demo's Q3: {refunds:?}"
    );
    assert_eq!(voids.len(), 1);
    assert_eq!(field(&voids[0], "voucher"), "MA-2021-0023");
    // The MAD rate moved on 1 July, 1 August and 1 September (fixtures/fx_rates.csv).
    let froms: Vec<&str> = rates.iter().map(|r| field(r, "valid_from")).collect();
    assert_eq!(froms, ["2021-07-01", "2021-08-01", "2021-09-01"]);
    // 8.9351 against 8.9067 before: +0.319 %
    assert_eq!(field(&rates[0], "rate"), "8.9351");
    assert_eq!(field(&rates[0], "previous"), "8.9067");
    assert_eq!(field(&rates[0], "change_pct"), "0.3");

    let table = run_table(&db, &line);
    for shown in [
        "Government of Japan",
        "10,530.89",
        "23,139.98",
        "65,195.67",
        "123,762.00",
        "behind",
        "MA-2021-0023",
        "1 USD = 8.9351 MAD",
    ] {
        assert!(table.contains(shown), "{shown} missing from:\n{table}");
    }
}

#[test]
fn donor_reports_fit_eighty_columns_on_paper() {
    let db = TestDb::demo();
    for (grant, period) in [(JAPAN, "2021-Q3"), ("REG-NA-2022", "2023-Q1")] {
        let table = run_table(
            &db,
            &format!("report donor --grant {grant} --period {period}"),
        );
        for line in table.lines() {
            assert!(
                line.chars().count() <= 80,
                "{} columns: {line:?}",
                line.chars().count()
            );
        }
    }
}

#[test]
fn budget_report_and_burn_report_agree_with_each_other() {
    let db = TestDb::demo();
    let out = db.ok(&common::sh(&format!(
        "report budget --grant {JAPAN} --as-of 2021-09-30 --format csv"
    )));
    let sections = csv_sections(&out);
    let budget = &sections[1];
    let burn = db.csv_sh(&format!("report burn --grant {JAPAN} --as-of 2021-09-30"));
    let total = budget
        .iter()
        .find(|r| field(r, "line") == "TOTAL")
        .expect("a TOTAL row");
    assert_eq!(field(total, "spent_to_date"), field(&burn[0], "spent"));
    for (budget_key, burn_key) in [
        ("budget", "budget"),
        ("expected_to_date", "expected"),
        ("variance", "variance"),
        ("variance_pct", "variance_pct"),
    ] {
        assert_eq!(
            field(total, budget_key),
            field(&burn[0], burn_key),
            "{budget_key}"
        );
    }
    // without --period the window runs from the grant's start to the as-of date
    assert_eq!(field(total, "spent_period"), "58566.33");
    let months = db.csv_sh(&format!(
        "report monthly --grant {JAPAN} --as-of 2021-09-30"
    ));
    assert_eq!(months.len(), 7, "March to September");
    let september = &months[6];
    assert_eq!(field(september, "month"), "2021-09");
    assert_eq!(field(september, "cumulative"), "58566.33");
    // the plan at 30 September is the grant-level 66,881.48
    assert_eq!(field(september, "plan"), "66881.48");
    let line_sum: rust_decimal::Decimal = months
        .iter()
        .flat_map(|m| m.iter().filter(|(k, _)| k.starts_with("line_")))
        .map(|(_, v)| v.parse::<rust_decimal::Decimal>().unwrap())
        .sum();
    assert_eq!(line_sum.to_string(), "58566.33");
}

#[test]
fn converting_grants_needs_a_rate_and_then_shows_it() {
    let db = TestDb::demo();
    let refused = db.fails_sh("report burn --as-of 2023-06-30 --in CHF", 2);
    assert!(
        refused.contains("CHF") && refused.contains("fx set"),
        "{refused}"
    );
    // The fixtures quote EUR->USD once a year; on 30 June 2023 the rate in force is 1.0705
    // from 1 January, six months old, which stderr points out.
    let out = db.run(&common::sh(
        "report burn --as-of 2023-06-30 --in USD --format csv",
    ));
    common::explain_unless(&out, 0, &["report burn --in USD"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("2023-01-01, 180 days"), "{stderr}");
    // the first CSV section is the burn table; the converted one follows a blank line
    let converted = &csv_sections(&String::from_utf8(out.stdout).unwrap())[1];
    let japan = &converted[0];
    assert_eq!(field(japan, "rate"), "", "USD needs no rate");
    let regional = &converted[1];
    assert_eq!(field(regional, "rate"), "1.0705");
    assert_eq!(field(regional, "rate_date"), "2023-01-01");
    // 1,850,000.00 EUR x 1.0705 = 1,980,425.00 USD; spent 785,561.45 + 686.53 (its 40 % of the
    // shared Rabat rent) = 786,247.98 x 1.0705 = 841,678.46 (841,678.4625...)
    assert_eq!(field(regional, "budget"), "1980425.00");
    assert_eq!(field(regional, "spent"), "841678.46");
    let total = &converted[2];
    assert_eq!(field(total, "reference"), "TOTAL");
    // 123,762.00 + 1,980,425.00 and 112,236.34 + 841,678.46
    assert_eq!(field(total, "budget"), "2104187.00");
    assert_eq!(field(total, "spent"), "953914.80");
}

#[test]
fn reports_refuse_bad_requests_with_exit_code_2() {
    let db = TestDb::demo();
    for (line, says) in [
        ("report burn --grant NOPE", "unknown grant"),
        ("report burn --country XX", "country"),
        ("report burn --as-of 2021-13-01", "--as-of"),
        ("report burn --threshold 150", "--threshold"),
        ("report burn --in ZZZ", "ZZZ"),
        (
            "report budget --grant JP-MA-MHPSS-2021 --from 2021-09-30 --to 2021-07-01",
            "before",
        ),
        (
            "report donor --grant JP-MA-MHPSS-2021 --period 2030-Q1",
            "2030-Q1",
        ),
        (
            "report donor --grant JP-MA-MHPSS-2021 --period 2021-Q3 --as-of 2021-06-30",
            "--as-of",
        ),
    ] {
        let err = db.fails_sh(line, 2);
        assert!(err.contains(says), "{line}: {err}");
    }
    // clap refuses a period together with a window
    db.fails_sh(
        "report budget --grant JP-MA-MHPSS-2021 --period 2021-Q3 --from 2021-07-01",
        2,
    );
}

#[test]
fn text_that_a_spreadsheet_would_run_is_neutralised_in_report_csv() {
    let db = common::japan_grant();
    db.ok_sh(&format!(
        "budget revise --grant {JAPAN} --date 2021-03-02 --reason '+cmd|calc' --line MON=8164.42 \
         --new-line 'X:other:1.00:=HYPERLINK(\"http://x\",\"pay\")'"
    ));
    db.ok_sh(&format!(
        "expense add --grant {JAPAN} --line STAFF --date 2021-03-31 --amount 100.00 \
         --payee '@SUM(A1)' --voucher V1"
    ));
    db.ok_sh("expense void 1 --reason='-2+3 typed twice'");
    let out = db.ok(&common::sh(&format!(
        "report donor --grant {JAPAN} --period 2021-Q1 --format csv"
    )));
    assert!(out.contains("'=HYPERLINK"), "line name neutralised:\n{out}");
    assert!(
        out.contains("'+cmd|calc"),
        "revision reason neutralised:\n{out}"
    );
    assert!(
        out.contains("'-2+3 typed twice"),
        "void reason neutralised:\n{out}"
    );
    for line in out.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '@']),
                "formula-like cell {cell:?} in {line}"
            );
        }
    }
}

#[test]
fn money_no_line_holds_is_a_row_and_the_reports_still_agree() {
    let db = TestDb::new();
    db.ok_sh("donor add --code D --name Donor --kind foundation");
    db.ok_sh(
        "project add --code P --title Project --organisation Org --countries TN \
         --start 2024-01-01 --end 2024-12-31",
    );
    db.ok_sh(
        "grant add --reference G --donor D --project P --currency TND --amount 1000.000 \
         --start 2024-01-01 --end 2024-12-31 --indirect-rate 0",
    );
    db.ok_sh("budget set --grant G --line 'A:staff:600.000:Staff'");
    db.ok_sh(
        "expense add --grant G --line A --date 2024-02-10 --amount 450.000 --payee P --voucher V1",
    );
    // 29 February 2024 is day 60 of 366: the grant's plan is 1,000 x 60 / 366 = 163.934...
    // -> 163.934; line A's exact share 98.36065... is cut to 98.360 and the unallocated 400's
    // 65.57377... to 65.573, and the lost millime goes to the larger remainder (.00077 against
    // A's .00065)
    let out = db.ok(&common::sh(
        "report budget --grant G --as-of 2024-02-29 --format csv",
    ));
    let lines = &csv_sections(&out)[1];
    let plans: Vec<(&str, &str, &str)> = lines
        .iter()
        .map(|l| {
            (
                field(l, "line"),
                field(l, "budget"),
                field(l, "expected_to_date"),
            )
        })
        .collect();
    assert_eq!(
        plans,
        [
            ("A", "600.000", "98.360"),
            ("unallocated", "400.000", "65.574"),
            ("TOTAL", "1000.000", "163.934"),
        ]
    );
    let burn = db.csv_sh("report burn --grant G --as-of 2024-02-29");
    assert_eq!(field(&burn[0], "expected"), "163.934");
    // 450 - 163.934 = 286.066, 28.6 % of the grant: ahead in both reports
    assert_eq!(field(&lines[2], "variance"), field(&burn[0], "variance"));
    assert_eq!(field(&lines[2], "variance_pct"), "28.6");
    assert_eq!(field(&burn[0], "status"), "overspending");
    assert_eq!(
        field(&lines[1], "flag"),
        "",
        "unallocated money is never flagged"
    );
}

#[test]
fn the_portfolio_holds_the_grants_live_on_the_day() {
    let db = TestDb::demo();
    let on = |date: &str| -> Vec<String> {
        db.csv_sh(&format!("report portfolio --as-of {date}"))
            .iter()
            .map(|r| field(r, "reference").to_string())
            .collect()
    };
    // in 2021 only the Japan grant ran (it is closed now, but was running then)
    assert_eq!(on("2021-09-30"), ["JP-MA-MHPSS-2021"]);
    // mid-2023 the regional grant; Japan had ended and was closed
    assert_eq!(on("2023-06-30"), ["REG-NA-2022"]);
    // the regional grant ended in 2024 but is still active: it stays until closed
    assert_eq!(on("2026-01-01"), ["REG-NA-2022"]);
    let by_country = db.csv_sh("report portfolio --as-of 2023-06-30 --by country");
    let countries: Vec<&str> = by_country.iter().map(|r| field(r, "group")).collect();
    assert_eq!(countries, ["EG", "LY", "MA", "SD", "TN", "YE"]);
}

#[test]
fn a_closed_period_keeps_its_report() {
    let db = common::japan_grant();
    db.ok_sh(&format!(
        "expense add --grant {JAPAN} --line STAFF --date 2021-05-10 --amount 3000.00 \
         --currency USD --payee Payroll --voucher P-1"
    ));
    db.ok_sh(&format!("period close --grant {JAPAN} 2021-Q2"));
    let report = format!("report donor --grant {JAPAN} --period 2021-Q2 --format json");
    let before = db.ok_sh(&report);
    let refusals = [
        // a receipt dated inside it
        format!("receipt add --grant {JAPAN} --date 2021-05-01 --amount 1.00"),
        // a revision that would take effect inside it, or before it
        format!(
            "budget revise --grant {JAPAN} --date 2021-05-01 --reason x --line STAFF=45000.00 \
             --line MON=9165.42"
        ),
        format!(
            "budget revise --grant {JAPAN} --date 2021-03-15 --reason x --line STAFF=45000.00 \
             --line MON=9165.42"
        ),
    ];
    for line in &refusals {
        let err = db.fails_sh(line, 2);
        assert!(
            err.contains("2021-Q2") && err.contains("reopen"),
            "{line}: {err}"
        );
    }
    assert_eq!(
        db.ok_sh(&report),
        before,
        "the closed quarter's report is unchanged"
    );
    // after the closed quarter a revision is fine, and the quarter still reports revision 1
    db.ok_sh(&format!(
        "budget revise --grant {JAPAN} --date 2021-07-01 --reason 'Mid-term' \
         --line STAFF=45000.00 --line MON=9165.42"
    ));
    assert_eq!(db.ok_sh(&report), before);
    // closing the last quarter freezes the final budget: a close-out revision after the end
    // would change that quarter's report
    db.ok_sh(&format!("period close --grant {JAPAN} 2022-Q1"));
    let err = db.fails_sh(
        &format!(
            "budget revise --grant {JAPAN} --date 2022-05-15 --reason 'Close-out' \
             --line STAFF=44000.00 --line MON=10165.42"
        ),
        2,
    );
    assert!(err.contains("2022-Q1"), "{err}");
}

#[test]
fn a_close_out_revision_after_the_end_is_the_final_reports_budget() {
    let db = common::japan_grant();
    db.ok_sh(&format!(
        "budget revise --grant {JAPAN} --date 2022-05-15 --reason 'Close-out' \
         --line STAFF=44000.00 --line MON=10165.42"
    ));
    let last = db.ok(&common::sh(&format!(
        "report budget --grant {JAPAN} --period 2022-Q1 --format csv"
    )));
    let head = &csv_sections(&last)[0][0];
    assert_eq!(field(head, "budget_revision"), "2");
    let earlier = db.ok(&common::sh(&format!(
        "report budget --grant {JAPAN} --period 2021-Q4 --format csv"
    )));
    assert_eq!(field(&csv_sections(&earlier)[0][0], "budget_revision"), "1");
}

#[test]
fn report_options_are_checked_with_messages() {
    let db = TestDb::demo();
    let err = db.fails_sh("report burn --threshold -1", 2);
    assert!(err.contains("between 0 and 100"), "{err}");
    let err = db.fails_sh(
        &format!("report budget --grant {JAPAN} --as-of 2021-01-01"),
        2,
    );
    assert!(err.contains("nothing to report yet"), "{err}");
}

#[test]
fn the_donor_report_is_headed_by_the_registered_organisation_s_address() {
    let db = TestDb::demo();
    let report = db.json_sh("report donor --grant JP-MA-MHPSS-2021 --period 2021-Q3");
    // fixtures/organisations.csv registers "IOM Morocco", the project's organisation.
    assert_eq!(report["report"]["organisation"], "IOM Morocco");
    assert_eq!(report["report"]["address"], "Rabat, Morocco (illustrative)");
    // An organisation registered without an address heads the report with its name alone.
    db.ok_sh("organisation set 'IOM Morocco' --type 40 --address ''");
    let report = db.json_sh("report donor --grant JP-MA-MHPSS-2021 --period 2021-Q3");
    assert!(
        report["report"]["address"].is_null(),
        "{}",
        report["report"]
    );
}
