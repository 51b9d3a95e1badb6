//! `export iati` against what a registry applies: IATI's 2.03 schema (xmllint), and its
//! codelists and standard ruleset as the PyPI package `pyiati` ships and applies them
//! (tests/iati_validate.py calls `iati.validator.full_validation`), on the demo and on a
//! generated ledger; and what the file names: no payee by default, registered organisations
//! only when asked, people never.

mod common;

use std::path::Path;
use std::process::Command;

use common::TestDb;

fn python() -> String {
    std::env::var("GRANTBOOK_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// pyiati's verdict on `file`: Ok(None) when pyiati is not installed here and this is not CI.
fn pyiati(file: &Path) -> Option<serde_json::Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/iati_validate.py");
    let out = Command::new(python()).arg(script).arg(file).output();
    let unavailable = |why: String| {
        // CI installs pyiati (.ci/run): there a missing validator is a failure, not a skip.
        assert!(
            std::env::var_os("CI").is_none(),
            "pyiati is needed in CI: {why}"
        );
        eprintln!("SKIPPED: pyiati is not installed ({why}); pip install --no-deps pyiati");
        None
    };
    let out = match out {
        Ok(out) => out,
        Err(why) => return unavailable(why.to_string()),
    };
    if out.status.code() == Some(3) {
        return unavailable(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    assert!(
        out.status.success(),
        "tests/iati_validate.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("the validator's JSON"))
}

/// The file passes the schema, the codelists and the ruleset with no error and no warning
/// (but the rules skipped because the file holds nothing they apply to), and every
/// organisation ref is registered.
fn assert_publishable(file: &Path) {
    if Command::new("xmllint").arg("--version").output().is_ok() {
        let schema =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/iati/iati-activities-schema.xsd");
        let out = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(schema)
            .arg(file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let Some(verdict) = pyiati(file) else {
        return;
    };
    let errors = verdict["errors"].as_array().unwrap();
    assert!(errors.is_empty(), "errors: {errors:#?}");
    let warnings = verdict["warnings"].as_array().unwrap();
    let skipped = warnings
        .iter()
        .filter(|w| w["name"] == "warn-rule-skipped")
        .count();
    let not_applicable = verdict["not_applicable"].as_u64().unwrap() as usize;
    assert_eq!(
        skipped, not_applicable,
        "a rule skipped on what the file holds"
    );
    assert_eq!(warnings.len(), skipped, "warnings: {warnings:#?}");
    let unregistered = verdict["unregistered_refs"].as_array().unwrap();
    assert!(
        unregistered.is_empty(),
        "unregistered refs: {unregistered:?}"
    );
}

fn export(db: &TestDb, name: &str, extra: &[&str]) -> (std::path::PathBuf, String) {
    let file = db.dir.path().join(name);
    let mut args = vec!["export", "iati", "--out", file.to_str().unwrap()];
    args.extend_from_slice(extra);
    db.ok(&args);
    let xml = std::fs::read_to_string(&file).unwrap();
    (file, xml)
}

#[test]
fn the_demo_passes_the_schema_codelists_and_ruleset() {
    let db = TestDb::demo();
    let (file, xml) = export(&db, "demo.xml", &["--all"]);
    assert_publishable(&file);
    // Registered identifiers, not made-up refs; sectors; no payee by default.
    assert!(xml.contains(r#"<reporting-org ref="XM-DAC-47066" type="40">"#));
    assert!(xml.contains(r#"<participating-org ref="XM-DAC-701" type="10" role="1">"#));
    assert!(xml.contains(r#"<sector vocabulary="1" code="12220" percentage="70"/>"#));
    assert!(xml.contains(r#"provider-activity-id="XM-DAC-701-8-ILLUSTRATIVE-MA-MHPSS""#));
    for payee in [
        "payroll",
        "Migrant beneficiaries",
        "Partner NGO",
        "consultant",
    ] {
        assert!(!xml.contains(payee), "{payee} is named");
    }
    assert!(!xml.contains("<receiver-org ref=\"\""));
    // The regional grant was extended: its original budgets and the revised ones.
    assert!(xml.contains(r#"<budget type="2" status="2">"#));
    // Mid-way, with the partners that are registered organisations named.
    let (file, xml) = export(
        &db,
        "regional.xml",
        &[
            "--grant",
            "REG-NA-2022",
            "--as-of",
            "2023-06-30",
            "--name-organisations",
        ],
    );
    assert_publishable(&file);
    assert!(
        xml.contains("Partner association, Tunisia (illustrative)"),
        "registered: named"
    );
    for person in [
        "payroll",
        "Migrant beneficiaries",
        "Partner NGO, Sudan",
        "participants",
    ] {
        assert!(!xml.contains(person), "{person} is named");
    }
}

#[test]
fn nothing_is_invented_and_one_organisation_reports_a_file() {
    let db = TestDb::demo();
    db.ok_sh(
        "project add --code P-X --title 'Another organisation' --organisation 'Other NGO' \
         --countries TN --start 2024-01-01 --end 2024-12-31",
    );
    db.ok_sh("donor add --code D-X --name 'New donor' --kind foundation");
    db.ok_sh(
        "grant add --reference G-X --donor D-X --project P-X --currency EUR --amount 1000.00 \
         --start 2024-01-01 --end 2024-12-31 --indirect-rate 0",
    );
    let stderr = db.fails(&["export", "iati", "--all"], 2);
    for needed in [
        "grantbook organisation set 'Other NGO' --iati-id",
        "grantbook donor iati D-X --iati-id",
        "grantbook project iati P-X --sector",
    ] {
        assert!(stderr.contains(needed), "{needed}: {stderr}");
    }
    db.ok_sh("organisation set 'Other NGO' --iati-id GB-CHC-123456 --type 21");
    db.ok_sh("donor iati D-X --iati-id XI-IATI-DX --flow-type 30 --finance-type 110");
    db.ok_sh("project iati P-X --sector 15160:50 --sector 16010:50 --scope 4");
    let stderr = db.fails(&["export", "iati", "--all"], 2);
    assert!(stderr.contains("one reporting organisation"), "{stderr}");
    let (file, xml) = export(
        &db,
        "other.xml",
        &["--all", "--reporting-org", "GB-CHC-123456"],
    );
    assert_publishable(&file);
    assert_eq!(xml.matches("<iati-activity ").count(), 1);
    // Bad codes are refused when they are set, naming the list.
    let stderr = db.fails_sh("project iati P-X --sector 12220:60 --sector 99999:40", 2);
    assert!(stderr.contains("Sector"), "{stderr}");
    let stderr = db.fails_sh("project iati P-X --sector 12220:60", 2);
    assert!(stderr.contains("add up to 60"), "{stderr}");
    let stderr = db.fails_sh("donor iati D-X --iati-id IOM", 2);
    assert!(stderr.contains("registration agency"), "{stderr}");
    let stderr = db.fails_sh("organisation set X --type 99", 2);
    assert!(stderr.contains("OrganisationType"), "{stderr}");
}

/// A deterministic ledger built with the CLI: three grants (one amended, one extended), a year
/// of expenses to people, registered and unregistered organisations, with refunds.
#[test]
fn a_generated_ledger_passes_too_and_names_no_person() {
    let db = TestDb::new();
    for line in [
        "donor add --code D-A --name 'Donor A' --kind government --country SE",
        "donor add --code D-B --name 'Donor B' --kind multilateral",
        "donor iati D-A --iati-id XM-DAC-10 --aid-type C01 --finance-type 110 --flow-type 10 \
         --collaboration-type 1",
        "donor iati D-B --iati-id XM-DAC-41114 --aid-type C01 --finance-type 110 --flow-type 10",
        "organisation set 'Country Office' --iati-id XM-DAC-47066 --type 40 --email a@b.org",
        "organisation set 'Registered Partner' --type 22",
        "project add --code P-1 --title 'Health for migrants' --organisation 'Country Office' \
         --countries MA;TN;EG --start 2022-01-01 --end 2024-12-31",
        "project iati P-1 --sector 12220:33.34 --sector 12261:33.33 --sector 16010:33.33 \
         --scope 3 --humanitarian yes",
    ] {
        db.ok_sh(line);
    }
    let grants = [
        ("G-1", "D-A", "USD"),
        ("G-2", "D-B", "EUR"),
        ("G-3", "D-A", "MAD"),
    ];
    let lines = db.dir.path().join("lines.csv");
    std::fs::write(
        &lines,
        "code,name,category,amount\nSTAFF,Staff,staff,40000.00\nACT,Activities,activities,50000.00\n\
         PART,Partners,activities,10000.00\n",
    )
    .unwrap();
    let header = "grant,line,date,amount,payee,voucher,kind,refund_of,country\n";
    let (mut csv, mut refunds) = (String::from(header), String::from(header));
    let countries = ["MA", "TN", "EG"];
    let payees = [
        "Staff member 7",
        "Registered Partner",
        "Unregistered supplier",
        "Jane Doe",
    ];
    let mut n = 0u64;
    for (grant, donor, currency) in grants {
        db.ok_sh(&format!(
            "grant add --reference {grant} --donor {donor} --project P-1 --currency {currency} \
             --amount 100000.00 --start 2022-01-01 --end 2023-12-31 --indirect-rate 7"
        ));
        db.ok_sh(&format!(
            "budget set --grant {grant} --file {}",
            lines.display()
        ));
        db.ok_sh(&format!("period generate --grant {grant} --every quarter"));
        db.ok_sh(&format!(
            "receipt add --grant {grant} --date 2022-01-10 --amount 50000.00 --reference {grant}-T1"
        ));
        for day in 0..300u64 {
            n = (n * 48271 + 12345 + day) % 1_000_003;
            let date =
                chrono::NaiveDate::from_ymd_opt(2022, 1, 15).unwrap() + chrono::Days::new(day * 2);
            let payee = payees[(n % 4) as usize];
            let (line, kind) = match payee {
                "Registered Partner" => ("PART", "disbursement"),
                "Staff member 7" => ("STAFF", "expenditure"),
                _ => ("ACT", "expenditure"),
            };
            let amount = format!("{}.{:02}", 10 + n % 90, n % 100);
            let country = countries[(n % 3) as usize];
            csv.push_str(&format!(
                "{grant},{line},{date},{amount},{payee},{grant}-V{day},{kind},,{country}\n"
            ));
            if day % 50 == 7 {
                refunds.push_str(&format!(
                    "{grant},,{date},1.00,,{grant}-R{day},refund,{grant}-V{day},\n"
                ));
            }
        }
    }
    for (name, rows) in [("expenses.csv", csv), ("refunds.csv", refunds)] {
        let file = db.dir.path().join(name);
        std::fs::write(&file, rows).unwrap();
        db.ok_sh(&format!("expense import {}", file.display()));
    }
    db.ok_sh("grant amend G-1 --amount 120000.00 --date 2022-06-01 --reason 'Top-up'");
    db.ok_sh("grant extend G-2 --end 2024-06-30 --decided 2023-11-01 --reason 'No-cost extension'");
    db.ok_sh("grant iati G-1 --donor-activity-id XM-DAC-10-1-G1");

    for (name, extra) in [
        ("month.xml", vec!["--all"]),
        ("quarter.xml", vec!["--all", "--transactions", "quarter"]),
        (
            "named.xml",
            vec!["--all", "--transactions", "voucher", "--name-organisations"],
        ),
        ("mid.xml", vec!["--all", "--as-of", "2022-09-30"]),
    ] {
        let (file, xml) = export(&db, name, &extra);
        assert_publishable(&file);
        for person in ["Staff member", "Jane Doe", "Unregistered supplier"] {
            assert!(!xml.contains(person), "{name}: {person} is named");
        }
        let named = xml.contains("Registered Partner");
        assert_eq!(named, name == "named.xml", "{name}: only with the opt-in");
    }
    let (_, xml) = export(&db, "all.xml", &["--all"]);
    // G-1 amended and G-2 extended have revised budgets; G-3 only its original ones.
    assert_eq!(xml.matches("<iati-activity ").count(), 3);
    assert!(xml.contains(r#"provider-activity-id="XM-DAC-10-1-G1""#));
    assert!(xml.contains(r#"humanitarian="1""#));
    assert!(xml.contains(r#"<budget type="2" status="2">"#));
}
