//! Donor rules (issue 16): a reallocation limit set per donor and overridden per grant, the
//! donor's approval a revision beyond it needs, a line never cut below its spend, a revision
//! always dated, and indirect costs flagged above the donor's cap. Figures worked by hand.
//!
//! The grant: EUR 480,000.00 from 2023-01-01 to 2024-12-31, indirect rate 7 %, lines
//! STAFF 160,000.00 + ACT 96,000.00 + TRAIN 96,378.63 + TRAVEL 23,621.37 + EQUIP 73,000.00
//! (direct 449,000.00) + IND 31,000.00 (6.9 % of direct) = 480,000.00.

mod common;

use common::{TestDb, field};

const G: &str = "EU-MA-2023";

fn eu_grant() -> TestDb {
    let db = TestDb::new();
    db.ok_sh("donor add --code EU --name 'European Union' --kind multilateral");
    db.ok_sh(
        "project add --code MA-HEALTH --title 'Migrant health in Morocco' \
         --organisation 'IOM Morocco' --countries MA --start 2023-01-01 --end 2024-12-31",
    );
    db.ok_sh(&format!(
        "grant add --reference {G} --donor EU --project MA-HEALTH --currency EUR \
         --amount 480000.00 --start 2023-01-01 --end 2024-12-31 --indirect-rate 7"
    ));
    db.ok_sh(&format!(
        "budget set --grant {G} --line STAFF:staff:160000.00:Staff \
         --line ACT:activities:96000.00:Activities --line TRAIN:training:96378.63:Training \
         --line TRAVEL:travel:23621.37:Travel --line EQUIP:equipment:73000.00:Equipment \
         --line IND:indirect:31000.00:Indirect"
    ));
    db.ok_sh(&format!("period generate --grant {G} --every quarter"));
    db.ok_sh(&format!(
        "expense add --grant {G} --line TRAVEL --date 2023-03-10 --amount 16378.63 \
         --payee 'Royal Air Maroc' --voucher T-1"
    ));
    db
}

/// Moving EUR 60,000 from STAFF to ACT: 60,000 / 480,000 = 12.5 % of the grant; STAFF
/// -60,000 / 160,000 = -37.5 %, ACT +60,000 / 96,000 = +62.5 %.
const SIXTY: &str = "--line STAFF=100000.00 --line ACT=156000.00";

fn revisions(db: &TestDb) -> Vec<Vec<(String, String)>> {
    db.csv_sh(&format!("budget list --grant {G} --revisions"))
}

#[test]
fn beyond_the_donors_limit_a_revision_needs_its_approval() {
    let db = eu_grant();
    db.ok_sh("donor rules EU --reallocation-limit 10 --basis total --indirect-cap 7");
    let before = db.dump();
    let err = db.fails_sh(
        &format!("budget revise --grant {G} --date 2023-06-01 --reason 'Shift' {SIXTY}"),
        2,
    );
    assert!(err.contains("12.5 % of the grant"), "{err}");
    assert!(err.contains("--approved-by"), "{err}");
    assert_eq!(db.dump(), before, "nothing written");

    // With the donor's letter the same revision is stored, and keeps the approval.
    let out = db.ok_sh(&format!(
        "budget revise --grant {G} --date 2023-06-01 --reason 'Shift' {SIXTY} \
         --approved-by 'EU letter 2023/114'"
    ));
    assert!(out.contains("Shift"), "{out}");
    let revs = revisions(&db);
    assert_eq!(field(&revs[1], "approved_by"), "EU letter 2023/114");
    // The donor report names it beside the revision it uses.
    let report = db.json_sh(&format!("report budget --grant {G} --as-of 2023-06-30"));
    assert_eq!(report["report"]["approved_by"], "EU letter 2023/114");
    let donor = db.ok_sh(&format!("report donor --grant {G} --period 2023-Q2"));
    assert!(donor.contains("EU letter 2023/114"), "{donor}");

    // Counted from that approved revision: 40,000 more (8.3 %) passes, then 10,000 more
    // adds up to 50,000 since the approval, 10.4 %: refused again.
    db.ok_sh(&format!(
        "budget revise --grant {G} --date 2023-07-01 --reason 'More activities' \
         --line STAFF=60000.00 --line ACT=196000.00"
    ));
    let err = db.fails_sh(
        &format!(
            "budget revise --grant {G} --date 2023-08-01 --reason 'Yet more' \
             --line STAFF=50000.00 --line ACT=206000.00"
        ),
        2,
    );
    assert!(err.contains("10.4 % of the grant"), "{err}");
}

#[test]
fn a_grant_overrides_its_donors_rules() {
    let db = eu_grant();
    db.ok_sh("donor rules EU --reallocation-limit 10");
    // This agreement allows 25 % per line (an EU heading), so each line's change counts:
    // STAFF -37.5 % and ACT +62.5 % are both beyond it.
    db.ok_sh(&format!(
        "grant rules {G} --reallocation-limit 25 --basis line"
    ));
    let shown = db.csv_sh(&format!("grant rules {G}"));
    assert_eq!(field(&shown[0], "reallocation_limit_pct"), "25");
    let err = db.fails_sh(
        &format!("budget revise --grant {G} --date 2023-06-01 --reason 'Shift' {SIXTY}"),
        2,
    );
    assert!(err.contains("-37.5 %") && err.contains("62.5 %"), "{err}");
    // 20,000 from TRAIN to ACT: -20.8 % and +20.8 %, within 25 % a line; at the donor's
    // 10 % of the total it would be 4.2 %, within too.
    db.ok_sh(&format!(
        "budget revise --grant {G} --date 2023-06-01 --reason 'Within the heading' \
         --line TRAIN=76378.63 --line ACT=116000.00"
    ));
    assert_eq!(field(&revisions(&db)[1], "approved_by"), "");
}

#[test]
fn every_revision_approved_when_the_donor_says_so() {
    let db = eu_grant();
    db.ok_sh("donor rules EU --revision-approval yes");
    let err = db.fails_sh(
        &format!(
            "budget revise --grant {G} --date 2023-06-01 --reason 'Tiny' \
             --line TRAIN=96378.00 --line ACT=96000.63"
        ),
        2,
    );
    assert!(err.contains("every budget revision"), "{err}");
    db.ok_sh(&format!(
        "budget revise --grant {G} --date 2023-06-01 --reason 'Tiny' --line TRAIN=96378.00 \
         --line ACT=96000.63 --approved-by 'email of 2023-05-30'"
    ));
}

#[test]
fn a_line_is_never_cut_below_its_spend_and_a_revision_is_dated() {
    let db = eu_grant();
    let before = db.dump();
    // TRAVEL spent 16,378.63; cut to 10,000.00 it would be 6,378.63 overspent.
    let err = db.fails_sh(
        &format!(
            "budget revise --grant {G} --date 2023-06-01 --reason 'Cut' --line TRAVEL=10000.00"
        ),
        2,
    );
    assert!(err.contains("16378.63") && err.contains("TRAVEL"), "{err}");
    // No --date: refused, where it used to date the revision today.
    let err = db.fails_sh(
        &format!("budget revise --grant {G} --reason 'Cut' --line TRAVEL=20000.00"),
        2,
    );
    assert!(err.contains("--date"), "{err}");
    assert_eq!(db.dump(), before, "nothing written");
    // Cut to 20,000.00 without rules: stored, and the 3,621.37 left unallocated is shown.
    let out = db.run(&common::sh(&format!(
        "budget revise --grant {G} --date 2023-06-01 --reason 'Cut' --line TRAVEL=20000.00"
    )));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("3621.37 EUR of grant"), "{said}");
    assert!(
        said.contains("moves 3621.37 EUR (0.8 % of the grant)"),
        "{said}"
    );
}

#[test]
fn indirect_costs_above_the_cap_are_flagged() {
    let db = eu_grant();
    db.ok_sh("donor rules EU --indirect-cap 7");
    // 6.9 % of direct costs: nothing to say.
    db.ok_sh("check");
    // IND raised by 36,350.00 to 67,350.00, EQUIP cut to 36,650.00: direct 412,650.00, and
    // 67,350 / 412,650 = 16.3 % of it. Moving 36,350 (7.6 %) needs no approval here.
    db.ok_sh(&format!(
        "budget revise --grant {G} --date 2023-06-01 --reason 'Overheads' \
         --line IND=67350.00 --line EQUIP=36650.00"
    ));
    let out = db.run(&["check"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("16.3 % of direct costs"), "{said}");
    let report = db.ok_sh(&format!("report budget --grant {G} --as-of 2023-06-30"));
    assert!(report.contains("16.3 % of direct"), "{report}");
    let json = db.json_sh(&format!("report budget --grant {G} --as-of 2023-06-30"));
    assert_eq!(json["indirect"]["cap_pct"], "7");
}

#[test]
fn the_donor_report_names_lines_and_countries_and_has_a_signature_block() {
    let db = eu_grant();
    let text = db.ok_sh(&format!(
        "report donor --grant {G} --period 2023-Q1 --prepared-by 'A. Benali, Finance Officer' \
         --approved-by 'Chief of Mission'"
    ));
    // each line's name beside its code, the country by name, and who signs
    assert!(
        text.lines()
            .any(|l| l.starts_with("TRAVEL") && l.contains("Travel") && l.contains("16,378.63")),
        "{text}"
    );
    assert!(text.contains("Countries           Morocco"), "{text}");
    assert!(
        text.contains("Prepared by  A. Benali, Finance Officer"),
        "{text}"
    );
    assert!(text.contains("Approved by  Chief of Mission"), "{text}");
    let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest <= 80, "{widest} columns:\n{text}");
    // CSV and JSON carry the figures, not the signatures
    let json = db.json_sh(&format!("report donor --grant {G} --period 2023-Q1"));
    assert_eq!(json["report"]["countries"], "Morocco");
    assert_eq!(json["lines"][3]["name"], "Travel");
    assert!(json.get("certification").is_none());
}

#[test]
fn on_a_server_a_manager_sets_rules_and_the_calendar_and_an_officer_may_not() {
    let db = eu_grant();
    let Some(server) = &db.server else {
        return;
    };
    db.ok_sh("admin roles");
    let officer = server.login("amina", &["officer"]);
    let manager = server.login("karim", &["manager"]);
    let (_, err) = db.as_role(&officer, None, "donor rules EU --reallocation-limit 10", 2);
    assert!(
        err.contains("permission denied for table donor_rule"),
        "{err}"
    );
    db.as_role(&manager, None, "donor rules EU --reallocation-limit 10", 0);
    db.as_role(&manager, None, "donor rules EU --indirect-cap 7", 0);
    db.as_role(
        &manager,
        None,
        &format!("grant calendar {G} --final-days 90"),
        0,
    );
    db.as_role(
        &manager,
        None,
        &format!("grant submitted {G} --report final --date 2025-03-01 --reference F"),
        0,
    );
}
