//! `export iati`: the demo ledger as an IATI activity file, validated against the official
//! schema (schemas/iati/, standard 2.03) by xmllint, and its figures checked against
//! `report burn`: what the file says was received and spent is what the ledger says.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use common::{JAPAN, TestDb};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use rust_decimal::Decimal;

const REGIONAL: &str = "REG-NA-2022";

fn schema() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/iati/iati-activities-schema.xsd")
}

fn has_xmllint() -> bool {
    Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// xmllint is there, or installed here when we may (root with apt-get); else why not.
fn xmllint() -> Result<(), String> {
    if has_xmllint() {
        return Ok(());
    }
    let apt = Command::new("apt-get").arg("--version").output();
    if !is_root() || !apt.is_ok_and(|o| o.status.success()) {
        return Err(
            "xmllint is not installed (package libxml2-utils), and this is not root \
                    with apt-get to install it"
                .into(),
        );
    }
    let install = || {
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "libxml2-utils"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|s| s.success())
    };
    if !install() {
        // A fresh machine may have no package lists yet.
        let _ = Command::new("apt-get").args(["update", "-qq"]).status();
        install();
    }
    if has_xmllint() {
        Ok(())
    } else {
        Err("xmllint is not installed and `apt-get install libxml2-utils` failed".into())
    }
}

/// Validate `file` against the IATI schema; Err(xmllint's complaint) if it does not.
fn validate(file: &Path) -> Result<(), String> {
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema())
        .arg(file)
        .output()
        .expect("run xmllint");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

macro_rules! require_xmllint {
    () => {
        if let Err(why) = xmllint() {
            eprintln!("SKIPPED: {why}");
            return;
        }
    };
}

#[derive(Debug, Default)]
struct Transaction {
    reference: String,
    kind: String,
    value: Decimal,
    currency: String,
    value_date: String,
    date: String,
}

#[derive(Debug, Default)]
struct Activity {
    identifier: String,
    currency: String,
    status: String,
    /// ActivityDateType code -> ISO date.
    dates: BTreeMap<String, String>,
    countries: Vec<(String, Decimal)>,
    budgets: Vec<Decimal>,
    /// BudgetType of each budget.
    budget_types: Vec<String>,
    transactions: Vec<Transaction>,
}

impl Activity {
    /// The budgets in force: the revised ones (type 2) if any, else the original ones.
    fn budget_in_force(&self) -> Decimal {
        let latest = self.budget_types.iter().max().cloned().unwrap_or_default();
        self.budgets
            .iter()
            .zip(&self.budget_types)
            .filter(|(_, t)| **t == latest)
            .map(|(v, _)| *v)
            .sum()
    }

    fn sum(&self, kinds: &[&str]) -> Decimal {
        self.transactions
            .iter()
            .filter(|t| kinds.contains(&t.kind.as_str()))
            .map(|t| t.value)
            .sum()
    }
}

fn attr(e: &BytesStart, name: &str) -> String {
    e.attributes()
        .map(|a| a.expect("well-formed attribute"))
        .find(|a| a.key.as_ref() == name)
        .map(|a| {
            a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                .expect("escaped value")
                .into_owned()
        })
        .unwrap_or_default()
}

/// The activities of an IATI file, read with an XML parser (not by looking at lines).
fn parse(xml: &str) -> Vec<Activity> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<String> = Vec::new();
    let mut activities: Vec<Activity> = Vec::new();
    let mut value_attrs: (String, String) = Default::default();
    loop {
        let event = reader.read_event().expect("well-formed XML");
        let (e, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = e {
            let name = e.name().as_ref().to_string();
            match name.as_str() {
                "iati-activity" => activities.push(Activity {
                    currency: attr(e, "default-currency"),
                    ..Activity::default()
                }),
                "activity-status" => activities.last_mut().unwrap().status = attr(e, "code"),
                "budget" => activities
                    .last_mut()
                    .unwrap()
                    .budget_types
                    .push(attr(e, "type")),
                "activity-date" => {
                    activities
                        .last_mut()
                        .unwrap()
                        .dates
                        .insert(attr(e, "type"), attr(e, "iso-date"));
                }
                "recipient-country" => activities.last_mut().unwrap().countries.push((
                    attr(e, "code"),
                    Decimal::from_str(&attr(e, "percentage")).unwrap(),
                )),
                "transaction" => activities
                    .last_mut()
                    .unwrap()
                    .transactions
                    .push(Transaction {
                        reference: attr(e, "ref"),
                        ..Transaction::default()
                    }),
                "transaction-type" => {
                    let a = activities.last_mut().unwrap();
                    a.transactions.last_mut().unwrap().kind = attr(e, "code");
                }
                "transaction-date" => {
                    let a = activities.last_mut().unwrap();
                    a.transactions.last_mut().unwrap().date = attr(e, "iso-date");
                }
                "value" => value_attrs = (attr(e, "currency"), attr(e, "value-date")),
                _ => {}
            }
            if !empty {
                stack.push(name);
            }
            continue;
        }
        match event {
            Event::End(_) => {
                stack.pop();
            }
            Event::Text(t) => {
                let text = t.to_string();
                let here = stack.last().map(String::as_str);
                let parent = stack.len().checked_sub(2).map(|i| stack[i].as_str());
                let a = activities.last_mut();
                match (here, parent, a) {
                    (Some("iati-identifier"), _, Some(a)) => a.identifier = text,
                    (Some("value"), Some("budget"), Some(a)) => {
                        assert_eq!(value_attrs.0, a.currency, "budget in the grant's currency");
                        a.budgets.push(Decimal::from_str(&text).unwrap());
                    }
                    (Some("value"), Some("transaction"), Some(a)) => {
                        let t = a.transactions.last_mut().unwrap();
                        t.value = Decimal::from_str(&text).expect("an exact decimal");
                        t.currency = value_attrs.0.clone();
                        t.value_date = value_attrs.1.clone();
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    activities
}

/// `report burn` of one grant as JSON: (received, spent, budget).
/// Received, paid out (spent, and advanced to partners not yet accounted for: IATI's
/// disbursements include cash a partner holds) and budget, as `report burn` has them.
fn burn(db: &TestDb, grant: &str, as_of: &str) -> (Decimal, Decimal, Decimal) {
    let report = db.json(&["report", "burn", "--grant", grant, "--as-of", as_of]);
    let row = &report.as_array().expect("an array")[0];
    let figure = |key: &str| {
        row[key]
            .as_str()
            .map_or(Decimal::ZERO, |v| v.parse().unwrap())
    };
    let paid_out = figure("spent") + figure("advanced");
    (figure("received"), paid_out, figure("budget"))
}

fn today() -> String {
    chrono::Local::now().date_naive().to_string()
}

#[test]
fn the_demo_ledger_validates_against_the_official_iati_schema() {
    require_xmllint!();
    let db = TestDb::demo();
    let file = db.dir.path().join("f.xml");
    db.ok(&["export", "iati", "--all", "--out", file.to_str().unwrap()]);
    if let Err(complaint) = validate(&file) {
        panic!("the IATI file does not validate:\n{complaint}");
    }

    // The check has teeth: the same file with one required element taken out is refused.
    let xml = std::fs::read_to_string(&file).unwrap();
    let broken: String = xml
        .lines()
        .filter(|l| !l.contains("<activity-status "))
        .collect::<Vec<_>>()
        .join("\n");
    let broken_file = db.dir.path().join("broken.xml");
    std::fs::write(&broken_file, broken).unwrap();
    let complaint = validate(&broken_file).expect_err("a file without activity-status is invalid");
    assert!(complaint.contains("activity-date"), "{complaint}");
}

#[test]
fn one_grant_mid_way_validates_too() {
    require_xmllint!();
    let db = TestDb::demo();
    let file = db.dir.path().join("regional.xml");
    let f = file.to_str().unwrap();
    db.ok(&[
        "export",
        "iati",
        "--grant",
        REGIONAL,
        "--as-of",
        "2023-06-30",
        "--out",
        f,
    ]);
    validate(&file).unwrap_or_else(|c| panic!("does not validate:\n{c}"));
}

#[test]
fn receipts_and_spend_in_the_file_are_the_burn_report_s() {
    let db = TestDb::demo();
    let xml = db.ok(&["export", "iati", "--all", "--transactions", "voucher"]);
    let activities = parse(&xml);
    assert_eq!(activities.len(), 2);
    let today = today();
    for (grant, activity) in [JAPAN, REGIONAL].iter().zip(&activities) {
        assert!(
            activity.identifier.ends_with(&format!("-{grant}")),
            "{}",
            activity.identifier
        );
        let (received, spent, budget) = burn(&db, grant, &today);
        assert_eq!(activity.sum(&["1"]), received, "{grant} received");
        assert_eq!(activity.sum(&["3", "4"]), spent, "{grant} spent");
        assert_eq!(
            activity.budget_in_force(),
            budget,
            "{grant}: budgets add up to the grant"
        );
        for t in &activity.transactions {
            assert_eq!(t.currency, activity.currency, "{grant} {}", t.reference);
            assert_eq!(t.value_date, t.date, "{grant} {}", t.reference);
            // Refunds are published negative; nothing is published as zero.
            assert_ne!(t.value, Decimal::ZERO, "{grant} {}", t.reference);
        }
        let percent: Decimal = activity.countries.iter().map(|c| c.1).sum();
        assert_eq!(percent, Decimal::ONE_HUNDRED, "{grant} countries");
        // Both grants have ended: actual start and actual end are there.
        assert_eq!(
            activity.dates.keys().collect::<Vec<_>>(),
            ["1", "2", "3", "4"]
        );
    }

    let japan = &activities[0];
    assert_eq!(japan.currency, "USD");
    assert_eq!(japan.status, "4", "the Japan grant is closed");
    assert_eq!(japan.countries, [("MA".to_string(), Decimal::ONE_HUNDRED)]);
    // The grant itself (type 11), 45 live expenses (one the Japan part of the shared Rabat
    // rent), the refund and one receipt; the voided duplicate and the mistyped entry its
    // correction voided are left out.
    assert_eq!(japan.transactions.len(), 48);
    assert!(
        japan
            .transactions
            .iter()
            .all(|t| t.reference != "MA-2021-0023")
    );
    assert!(
        japan
            .transactions
            .iter()
            .any(|t| t.reference == "MA-2021-0022")
    );
    assert_eq!(japan.sum(&["3", "4"]).to_string(), "112236.34");
    // Five quarters of reporting periods, five budgets, all original (never amended in amount).
    assert_eq!(japan.budget_types, ["1"; 5]);

    let regional = &activities[1];
    assert_eq!(regional.currency, "EUR");
    assert_eq!(regional.status, "3", "ended but not closed: finalisation");
    assert_eq!(regional.countries.len(), 6);
    // Extended to 2024-12-31: the planned and actual end are the end in force.
    assert_eq!(regional.dates["3"], "2024-12-31");
    assert_eq!(regional.dates["4"], "2024-12-31");
    // Transfers to partners are disbursements: the fixtures' expenses of that kind, and what
    // the Yemen partner still holds of advance FACE-YE-2024-01 (EUR 40,000.00 − 31,750.00
    // liquidated = 8,250.00), dated the advance, 2024-02-15, before the liquidation.
    let mut fixtures =
        csv::Reader::from_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/expenses.csv"))
            .unwrap();
    let headers = fixtures.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (grant, voucher, kind) = (column("grant"), column("voucher"), column("kind"));
    let expected: Vec<String> = fixtures
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[grant] == REGIONAL && &r[kind] == "disbursement")
        .map(|r| r[voucher].to_string())
        .collect();
    assert!(expected.len() >= 2, "{expected:?}");
    let at = expected.len() - 1;
    let mut expected = expected;
    expected.insert(at, "FACE-YE-2024-01".to_string());
    let disbursements: Vec<&str> = regional
        .transactions
        .iter()
        .filter(|t| t.kind == "3")
        .map(|t| t.reference.as_str())
        .collect();
    assert_eq!(disbursements, expected);
    assert_eq!(regional.sum(&["1"]).to_string(), "1740000.00");
}

#[test]
fn as_of_cuts_transactions_and_dates_as_the_burn_report_does() {
    let db = TestDb::demo();
    let as_of = "2023-06-30";
    let xml = db.ok(&["export", "iati", "--grant", REGIONAL, "--as-of", as_of]);
    let activities = parse(&xml);
    assert_eq!(activities.len(), 1);
    let a = &activities[0];
    let (received, spent, _) = burn(&db, REGIONAL, as_of);
    assert_eq!(a.sum(&["1"]), received);
    assert_eq!(a.sum(&["3", "4"]), spent);
    assert!(a.transactions.iter().all(|t| t.date.as_str() <= as_of));
    assert_eq!(a.status, "2", "running on {as_of}");
    assert_eq!(a.dates.keys().collect::<Vec<_>>(), ["1", "2", "3"]);
}

#[test]
fn text_is_escaped_and_the_file_still_validates() {
    let db = TestDb::demo();
    db.ok_sh(r#"donor add --code F-AB --name 'Fund "A" & <B>' --kind foundation"#);
    db.ok_sh(
        "project add --code P-ESC --title 'Clinics <north> & south' \
         --organisation 'Santé & Co' --countries MA --start 2024-01-01 --end 2024-12-31",
    );
    db.ok_sh(
        "grant add --reference G-ESC --donor F-AB --project P-ESC --currency MAD \
         --amount 1000.00 --start 2024-01-01 --end 2024-12-31 --indirect-rate 0",
    );
    db.ok_sh(
        r#"receipt add --grant G-ESC --date 2024-02-01 --amount 400.00 --reference 'T<1>&"x"'"#,
    );
    db.ok_sh("organisation set 'Santé & Co' --iati-id XI-IATI-SANTE --type 22");
    db.ok_sh("donor iati F-AB --iati-id XI-IATI-FAB");
    db.ok_sh("project iati P-ESC --sector 12220:100");
    let xml = db.ok(&[
        "export",
        "iati",
        "--grant",
        "G-ESC",
        "--as-of",
        "2024-06-30",
    ]);
    assert!(
        xml.contains("<narrative>Fund &quot;A&quot; &amp; &lt;B&gt;</narrative>"),
        "{xml}"
    );
    assert!(
        xml.contains("<narrative>Clinics &lt;north&gt; &amp; south</narrative>"),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<participating-org ref="XI-IATI-FAB" type="60" role="1">"#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<transaction ref="T&lt;1&gt;&amp;&quot;x&quot;">"#),
        "{xml}"
    );
    assert!(
        xml.contains("<iati-identifier>XI-IATI-SANTE-G-ESC</iati-identifier>"),
        "{xml}"
    );
    // No periods: the budget is per calendar year.
    assert!(xml.contains(r#"<value currency="MAD" value-date="2024-01-01">1000.00</value>"#));
    let activities = parse(&xml);
    // The grant's own commitment (type 11), then the receipt.
    assert_eq!(activities[0].transactions.len(), 2);
    assert_eq!(activities[0].transactions[1].reference, r#"T<1>&"x""#);
    if xmllint().is_ok() {
        let file = db.dir.path().join("esc.xml");
        std::fs::write(&file, &xml).unwrap();
        validate(&file).unwrap_or_else(|c| panic!("does not validate:\n{c}"));
    }
}

#[test]
fn bad_requests_are_usage_errors_and_export_tables_still_work() {
    let db = TestDb::demo();
    let file = db.dir.path().join("out.xml");
    let f = file.to_str().unwrap();
    db.ok(&["export", "iati", "--grant", JAPAN, "--out", f]);
    let stderr = db.fails(&["export", "iati", "--grant", JAPAN, "--out", f], 2);
    assert!(stderr.contains("--force"), "{stderr}");
    db.ok(&["export", "iati", "--all", "--out", f, "--force"]);
    assert_eq!(parse(&std::fs::read_to_string(&file).unwrap()).len(), 2);

    db.fails(&["export", "iati"], 2);
    db.fails(&["export", "iati", "--grant", JAPAN, "--all"], 2);
    db.fails(&["export", "iati", "--table", "donors"], 2);
    db.fails(&["export", "--table", "donors", "iati", "--all"], 2);
    let stderr = db.fails(&["export", "iati", "--grant", "NO-SUCH"], 2);
    assert!(stderr.contains("NO-SUCH"), "{stderr}");
    let stderr = db.fails(&["export", "iati", "--all", "--transactions", "week"], 2);
    assert!(stderr.contains("month, quarter or voucher"), "{stderr}");
    let stderr = db.fails(
        &["export", "iati", "--all", "--reporting-org", "XM-DAC-1"],
        2,
    );
    assert!(
        stderr.contains("XM-DAC-47066: JP-MA-MHPSS-2021, REG-NA-2022"),
        "{stderr}"
    );
    db.fails(&["export", "iati", "--all", "--format", "json"], 2);
    let xml = db.ok(&["export", "iati", "--all", "--reporting-org", "XM-DAC-47066"]);
    assert!(xml.contains(r#"<reporting-org ref="XM-DAC-47066" type="40">"#));

    let donors = db.ok(&["export", "--table", "donors"]);
    assert!(donors.starts_with("code,name,kind,country"), "{donors}");

    let help = db.ok(&["export", "iati", "--help"]);
    assert!(help.contains("grantbook export iati --all --out"), "{help}");
    let help = db.ok(&["export", "--help"]);
    assert!(help.contains("iati"), "{help}");
}

#[test]
fn an_empty_ledger_has_nothing_to_publish() {
    let db = TestDb::new();
    let stderr = db.fails(&["export", "iati", "--all"], 2);
    assert!(stderr.contains("no grant"), "{stderr}");
}

#[test]
fn two_grants_of_one_identifier_are_refused_and_nothing_is_written() {
    let db = TestDb::new();
    db.ok_sh("donor add --code D --name Donor --kind foundation");
    db.ok_sh("donor iati D --iati-id XI-IATI-D");
    db.ok_sh("organisation set A --iati-id XI-IATI-A --type 21");
    db.ok_sh(
        "project add --code P-1 --title T --organisation A --countries MA \
         --start 2024-01-01 --end 2024-12-31",
    );
    db.ok_sh("project iati P-1 --sector 12220:100");
    for grant in ["B/C", "B-C"] {
        db.ok_sh(&format!(
            "grant add --reference {grant} --donor D --project P-1 --currency MAD \
             --amount 1000.00 --start 2024-01-01 --end 2024-12-31 --indirect-rate 0"
        ));
    }
    let file = db.dir.path().join("pub.xml");
    let stderr = db.fails(
        &["export", "iati", "--all", "--out", file.to_str().unwrap()],
        2,
    );
    assert!(
        stderr.contains("grants B-C and B/C would both have the IATI identifier XI-IATI-A-B-C"),
        "{stderr}"
    );
    assert!(!file.exists());
    // Each alone is one activity: nothing to tell apart.
    let xml = db.ok(&["export", "iati", "--grant", "B-C"]);
    assert!(
        xml.contains("<iati-identifier>XI-IATI-A-B-C</iati-identifier>"),
        "{xml}"
    );
}

#[test]
fn a_closed_grant_was_running_before_its_end() {
    let db = TestDb::demo();
    let status = |as_of: &str| {
        let xml = db.ok(&["export", "iati", "--grant", JAPAN, "--as-of", as_of]);
        let activities = parse(&xml);
        assert_eq!(activities.len(), 1);
        activities[0].status.clone()
    };
    // The Japan grant (2021-03-01 to 2022-03-31) is closed now; mid-way it was running.
    assert_eq!(status("2021-09-30"), "2", "implementation on 2021-09-30");
    assert_eq!(status("2021-02-01"), "1", "pipeline before its start");
    assert_eq!(status("2022-03-31"), "4", "closed from its end on");
    assert_eq!(status(&today()), "4", "closed today");
}

#[test]
fn out_leaves_a_users_partial_file_alone() {
    let db = TestDb::demo();
    let dir = db.dir.path().join("pub");
    std::fs::create_dir(&dir).unwrap();
    let file = dir.join("pub.xml");
    let partial = dir.join("pub.xml.partial");
    std::fs::write(&partial, "mine").unwrap();
    let f = file.to_str().unwrap();
    db.ok(&["export", "iati", "--grant", JAPAN, "--out", f]);
    db.ok(&["export", "iati", "--all", "--out", f, "--force"]);
    assert_eq!(std::fs::read_to_string(&partial).unwrap(), "mine");
    assert_eq!(parse(&std::fs::read_to_string(&file).unwrap()).len(), 2);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["pub.xml", "pub.xml.partial"]);
    // Refused without --force: the file is kept, nothing else is left.
    let stderr = db.fails(&["export", "iati", "--all", "--out", f], 2);
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
}

#[test]
fn out_in_a_missing_directory_says_so() {
    let db = TestDb::demo();
    let missing = db.dir.path().join("nodir").join("x.xml");
    let stderr = db.fails(
        &[
            "export",
            "iati",
            "--all",
            "--out",
            missing.to_str().unwrap(),
        ],
        2,
    );
    assert!(
        stderr.contains("nodir does not exist"),
        "the message names the missing directory: {stderr}"
    );
    assert!(!db.dir.path().join("nodir").exists());
}

#[test]
fn commitments_and_advances_are_published_as_their_own_transactions() {
    let db = TestDb::demo();
    let xml = db.ok(&["export", "iati", "--grant", REGIONAL]);
    let activities = parse(&xml);
    let regional = &activities[0];
    let of_kind = |kind: &str| -> Vec<(String, Decimal)> {
        regional
            .transactions
            .iter()
            .filter(|t| t.kind == kind)
            .map(|t| (t.reference.clone(), t.value))
            .collect()
    };
    // The grant itself, the donor's commitment: EUR 1,850,000.00.
    assert_eq!(
        of_kind("11"),
        [(
            REGIONAL.to_string(),
            Decimal::from_str("1850000.00").unwrap()
        )]
    );
    // The evaluation contract, EUR 46,000.00 when signed (36,800.00 of it paid since).
    assert_eq!(
        of_kind("2"),
        [(
            "EVAL-2024".to_string(),
            Decimal::from_str("46000.00").unwrap()
        )]
    );
    // The Yemen partner holds 40,000.00 − 31,750.00 = 8,250.00 of its advance.
    assert!(
        of_kind("3").contains(&(
            "FACE-YE-2024-01".to_string(),
            Decimal::from_str("8250.00").unwrap()
        )),
        "{:?}",
        of_kind("3")
    );
}
