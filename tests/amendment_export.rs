//! Amendments and extension decisions through `export --all` and `import DIR`: a copy with the
//! same reports on every day, exports that read back byte for byte, and an export from before
//! them that still loads.

mod common;

use std::fs;

use common::TestDb;

#[test]
fn an_export_carries_amendments_and_decisions_into_a_copy_with_the_same_reports() {
    let db = TestDb::demo();
    // A reduction that needed a revision first, and a top-up a later revision spends. The cut
    // is PROT's (300,000.00 to 200,000.00, above the 194,594.17 it spent): STAFF has spent
    // 559,026.58, and a line is not cut below its spend (issue 16).
    db.ok_sh(
        "budget revise --grant REG-NA-2022 --date 2024-01-10 --reason 'Close-out plan' \
         --line PROT=200000.00",
    );
    db.ok_sh("grant amend REG-NA-2022 --amount 1750000.00 --date 2024-01-10 --reason 'Reduction'");
    db.ok_sh(
        "grant amend REG-NA-2022 --amount 1800000.00 --donor-reference RHD/22/7 --date \
         2024-02-01 --reason 'Top-up'",
    );
    db.ok_sh(
        "budget revise --grant REG-NA-2022 --date 2024-02-01 --reason 'Top-up spent' \
         --line PROT=250000.00",
    );
    db.ok_sh(
        "grant extend REG-NA-2022 --end 2025-06-30 --decided 2024-03-01 --reason 'Second \
         extension'",
    );
    db.ok_sh("project amend NA-MIGHEALTH --add-country MR --date 2024-03-01 --reason 'Mauritania'");
    db.ok_sh("donor amend REG-DONOR --name 'Regional Health Fund' --date 2024-03-01 --reason x");
    for format in ["csv", "json"] {
        let out = db.dir.path().join(format!("export-{format}"));
        let dir = out.to_str().unwrap();
        db.ok(&["export", "--all", "--out", dir, "--format", format]);
        let copy = TestDb::new();
        copy.ok(&["import", dir]);
        for line in [
            "grant show REG-NA-2022 --format json",
            "project show NA-MIGHEALTH --format json",
            "donor show REG-DONOR --format json",
            "report burn --as-of 2024-01-31 --format csv",
            "report burn --as-of 2024-02-29 --format csv",
            "report burn --as-of 2024-06-30 --format csv",
            "report donor --grant REG-NA-2022 --period 2024-Q1 --format csv",
            "budget list --grant REG-NA-2022 --format csv",
        ] {
            // Recorded times differ: the copy was made now.
            let strip = |text: String| {
                text.lines()
                    .filter(|l| !l.contains("recorded_at"))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            assert_eq!(
                strip(db.ok_sh(line)),
                strip(copy.ok_sh(line)),
                "{line} ({format})"
            );
        }
        let again = copy.dir.path().join("again");
        copy.ok(&[
            "export",
            "--all",
            "--out",
            again.to_str().unwrap(),
            "--format",
            format,
        ]);
        for table in ["donors", "projects", "grants", "extensions", "amendments"] {
            let name = format!("{table}.{format}");
            assert_eq!(
                fs::read(out.join(&name)).unwrap(),
                fs::read(again.join(&name)).unwrap(),
                "{name}"
            );
        }
    }
    // The files hold the records as first recorded, and the changes on their own.
    let out = db.dir.path().join("export-csv");
    let grants = fs::read_to_string(out.join("grants.csv")).unwrap();
    assert!(
        grants.contains("REG-NA-2022,REG-DONOR,NA-MIGHEALTH,EUR,1850000.00,"),
        "{grants}"
    );
    let extensions = fs::read_to_string(out.join("extensions.csv")).unwrap();
    assert!(
        extensions.starts_with("grant,new_end,reason,decided\n"),
        "{extensions}"
    );
    assert!(
        extensions.contains(",2025-06-30,Second extension,2024-03-01"),
        "{extensions}"
    );
    let amendments = fs::read_to_string(out.join("amendments.csv")).unwrap();
    assert!(
        amendments.contains("grant,REG-NA-2022,amount,2024-01-10,1850000.00,1750000.00,Reduction"),
        "{amendments}"
    );

    // An export from before amendments and decisions: no amendments file, no decided column.
    fs::remove_file(out.join("amendments.csv")).unwrap();
    let old: Vec<&str> = extensions
        .lines()
        .map(|l| l.rsplit_once(',').unwrap().0)
        .collect();
    fs::write(out.join("extensions.csv"), old.join("\n") + "\n").unwrap();
    let copy = TestDb::new();
    copy.ok(&["import", out.to_str().unwrap()]);
    let shown = copy.json_sh("grant show REG-NA-2022");
    assert_eq!(shown["grant"]["amount"], "1850000.00");
    assert_eq!(shown["amendments"].as_array().unwrap().len(), 0);
    assert_eq!(shown["extensions"][1]["decided"], serde_json::Value::Null);
}
