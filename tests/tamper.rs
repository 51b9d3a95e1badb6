//! Edits made behind grantbook's back, with SQL as the sqlite3 shell would run it: `check` and
//! `audit verify` must find each one and name the row it concerns.

mod common;

use common::{JAPAN, TestDb, field};
use rusqlite::Connection;

/// Run `sql` on the database directly, as someone with the sqlite3 shell would.
fn behind_the_back(db: &TestDb, sql: &str) {
    let conn = Connection::open(&db.path).unwrap();
    conn.execute_batch(sql).unwrap();
}

/// `check --format csv`'s findings as (check, row, problem); exit 1 expected when any.
fn findings(db: &TestDb) -> Vec<(String, String, String)> {
    let out = db.run(&["check", "--format", "csv"]);
    let text = String::from_utf8(out.stdout).unwrap();
    // Two CSV blocks: the checks, then the findings.
    let Some((_, findings)) = text.split_once("\n\n") else {
        assert_eq!(out.status.code(), Some(0), "{text}");
        return Vec::new();
    };
    assert_eq!(out.status.code(), Some(1), "check must exit 1 on findings");
    common::parse_csv(findings)
        .iter()
        .map(|r| {
            (
                field(r, "check").to_string(),
                field(r, "place").to_string(),
                field(r, "problem").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_ledger_grantbook_wrote_passes_every_check() {
    let db = TestDb::demo();
    let out = db.ok(&["check"]);
    for check in [
        "integrity",
        "foreign_keys",
        "schema",
        "grant_dates",
        "line_grants",
        "conversion",
        "stored_rates",
        "receipt_references",
        "closed_periods",
        "audit_totals",
        "audit_chain",
    ] {
        let line = out
            .lines()
            .find(|l| l.starts_with(check))
            .unwrap_or_else(|| panic!("no {check} in\n{out}"));
        assert!(line.trim_end().ends_with("ok"), "{line}");
    }
    assert!(findings(&db).is_empty());
    let verified = db.ok(&["audit", "verify"]);
    assert!(verified.contains("intact"), "{verified}");
}

#[test]
fn each_edit_behind_the_back_is_found_with_its_row() {
    let db = TestDb::demo();
    // Expense 5 is in MAD on the USD Japan grant; 6 and 7 are on the same grant.
    let (currency, grant): (String, String) = Connection::open(&db.path)
        .unwrap()
        .query_row(
            "SELECT e.currency, g.reference FROM expense e JOIN grant_agreement g
             ON g.id = e.grant_id WHERE e.id = 5",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((currency.as_str(), grant.as_str()), ("MAD", JAPAN));
    behind_the_back(
        &db,
        "DROP TRIGGER expense_only_voided;
         UPDATE expense SET grant_amount_minor = grant_amount_minor + 1 WHERE id = 5;
         UPDATE expense SET date = '2019-01-01' WHERE id = 6;
         PRAGMA foreign_keys = OFF;
         UPDATE expense SET line_id = 9999 WHERE id = 7;
         UPDATE period SET status = 'open' WHERE code = '2021-Q1';",
    );
    let found = findings(&db);
    let has = |check: &str, place: &str, words: &str| {
        assert!(
            found
                .iter()
                .any(|(c, p, m)| c == check && p == place && m.contains(words)),
            "no {check} finding for {place} saying {words:?} in {found:#?}"
        );
    };
    has("schema", "trigger expense_only_voided", "is missing");
    has("conversion", "expense #5", "MAD converts to");
    has(
        "grant_dates",
        "expense #6",
        "dated 2019-01-01, outside grant",
    );
    has(
        "foreign_keys",
        "expense #7",
        "budget_line row that does not exist",
    );
    has(
        "line_grants",
        "expense #7",
        "budget line that does not exist",
    );
    has(
        "closed_periods",
        &format!("period {JAPAN} 2021-Q1"),
        "is open, but the audit log says it was last closed",
    );
    // Moved to 2019, expense 6 is before the first USD/MAD rate it was converted at.
    has(
        "stored_rates",
        "expense #6",
        "holds no rate between MAD and USD in force then",
    );
    // The cent added to expense 5 no longer adds up to what the audit log recorded: 114,780.38
    // before the Japan part of the shared Rabat rent, + 1,166.56.
    has(
        "audit_totals",
        &format!("grant {JAPAN}"),
        "totalling 115946.95 USD; the audit log recorded 48 totalling 115946.94 USD",
    );
    assert_eq!(found.len(), 8, "{found:#?}");
}

/// An `expense import` leaves the CHECK constraints to its book, which makes every value it
/// writes from a checked one (src/db/expense_import.rs): `check` is what would find a value
/// that breaks one, and it does, with SQLite's integrity check, naming the table.
#[test]
fn a_value_that_breaks_a_check_constraint_is_found() {
    let db = TestDb::demo();
    behind_the_back(
        &db,
        "DROP TRIGGER expense_only_voided;
         PRAGMA ignore_check_constraints = ON;
         UPDATE expense SET payee = '   ' WHERE id = 3;",
    );
    let found = findings(&db);
    assert!(
        found
            .iter()
            .any(|(c, _, m)| c == "integrity" && m.contains("CHECK constraint failed in expense")),
        "{found:#?}"
    );
}

#[test]
fn an_expense_re_priced_consistently_with_its_rate_still_disagrees_with_the_audit_log() {
    let db = TestDb::demo();
    // Amount and converted amount both doubled, so the conversion check passes, and the
    // trigger put back exactly as it was, so the schema check passes too.
    let trigger: String = Connection::open(&db.path)
        .unwrap()
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'expense_only_voided'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    behind_the_back(
        &db,
        &format!(
            "DROP TRIGGER expense_only_voided;
             UPDATE expense SET amount_minor = amount_minor * 2,
                                grant_amount_minor = grant_amount_minor * 2 WHERE id = 12;
             {trigger};"
        ),
    );
    let found = findings(&db);
    assert_eq!(found.len(), 1, "{found:#?}");
    let (check, place, problem) = &found[0];
    assert_eq!(
        (check.as_str(), place.as_str()),
        ("audit_totals", "grant JP-MA-MHPSS-2021")
    );
    assert!(problem.contains("holds 48 expenses"), "{problem}");
}

#[test]
fn an_expense_slipped_into_a_closed_period_is_found() {
    let db = TestDb::demo();
    // The shell can drop the trigger that guards closed periods and insert a copy of an
    // expense dated in 2021-Q2 (closed), recorded after the closing.
    behind_the_back(
        &db,
        "DROP TRIGGER expense_not_in_closed_period;
         INSERT INTO expense (grant_id, line_id, kind, date, currency, amount_minor, fx_base,
             fx_quote, fx_rate, grant_amount_minor, payee, voucher, country, description,
             recorded_at)
         SELECT grant_id, line_id, kind, '2021-05-03', currency, amount_minor, fx_base,
             fx_quote, fx_rate, grant_amount_minor, payee, 'LATE-1', country, description,
             '2999-01-01T00:00:00Z'
         FROM expense WHERE id = 5;",
    );
    let found = findings(&db);
    let late: Vec<_> = found.iter().filter(|f| f.0 == "closed_periods").collect();
    assert_eq!(late.len(), 1, "{found:#?}");
    assert!(
        late[0]
            .2
            .contains("dated 2021-05-03 in period JP-MA-MHPSS-2021 2021-Q2")
    );
    assert!(
        found
            .iter()
            .any(|f| f.1 == "trigger expense_not_in_closed_period")
    );
}

#[test]
fn voids_contributions_and_receipts_slipped_into_a_closed_period_are_found() {
    let db = TestDb::demo();
    // All of the Japan grant's 2021 quarters are closed in the demo. Behind grantbook's back:
    // an expense of 2021-Q2 voided, a contribution dated in it recorded, the first tranche
    // (2021-Q1) voided, all long after the closings; and a receipt dated in 2021-Q2 added with
    // an audit entry of its own after the closing (its seal forged).
    let seal = "a".repeat(64);
    behind_the_back(
        &db,
        &format!(
            "UPDATE expense SET voided_at = '2999-01-01T00:00:00Z', void_reason = 'late'
              WHERE id = 6;
             INSERT INTO contribution (grant_id, line_id, contributor, kind, reference, date,
                 currency, amount_minor, grant_amount_minor, basis, recorded_at)
             SELECT grant_id, line_id, contributor, kind, 'LATE-C', '2021-05-20', currency,
                 amount_minor, grant_amount_minor, basis, '2999-01-01T00:00:00Z'
             FROM contribution WHERE id = 1;
             UPDATE receipt SET voided_at = '2999-01-02T00:00:00Z', void_reason = 'late'
              WHERE id = 1;
             INSERT INTO receipt (grant_id, date, amount_minor, reference)
             VALUES (1, '2021-05-21', 100, 'LATE-R');
             INSERT INTO audit_log (at, actor, action, entity, entity_key, after, seal)
             VALUES ('2999-01-03T00:00:00Z', 'mallory', 'add', 'receipt',
                 (SELECT max(id) FROM receipt),
                 '{{\"grant\":\"{JAPAN}\",\"date\":\"2021-05-21\"}}', '{seal}');"
        ),
    );
    let found = findings(&db);
    let late: Vec<(&str, &str)> = found
        .iter()
        .filter(|f| f.0 == "closed_periods")
        .map(|f| (f.1.as_str(), f.2.as_str()))
        .collect();
    let receipt = format!("receipt #{}", 5);
    let q2 = format!("in period {JAPAN} 2021-Q2");
    let q1 = format!("in period {JAPAN} 2021-Q1");
    for (place, words) in [
        (
            "expense #6",
            format!("dated 2021-04-30 {q2}, voided 2999-01-01T00:00:00Z"),
        ),
        (
            "contribution LATE-C",
            format!("dated 2021-05-20 {q2}, recorded 2999-01-01"),
        ),
        (
            "receipt #1",
            format!("dated 2021-03-15 {q1}, voided 2999-01-02T00:00:00Z"),
        ),
        (
            &receipt,
            format!("dated 2021-05-21 {q2}, recorded 2999-01-03T00:00:00Z"),
        ),
    ] {
        assert!(
            late.iter().any(|(p, m)| *p == place
                && m.contains(&words)
                && m.contains("after the period was closed at")),
            "no closed_periods finding for {place} saying {words:?} in {late:#?}"
        );
    }
    assert_eq!(late.len(), 4, "{late:#?}");
}

#[test]
fn audit_verify_names_a_changed_and_a_deleted_entry() {
    let db = TestDb::demo();
    let head = db.csv(&["audit", "verify"]);
    let (head_id, head_seal) = (
        field(&head[0], "head_id").to_string(),
        field(&head[0], "head_seal").to_string(),
    );
    behind_the_back(
        &db,
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
         UPDATE audit_log SET actor = 'mallory' WHERE id = 10;
         DELETE FROM audit_log WHERE id IN (20, 21);",
    );
    let err = db.fails(&["audit", "verify"], 1);
    assert!(err.contains("2 breaks"), "{err}");
    let out = db.run(&["audit", "verify"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("entry #10 ("), "{text}");
    assert!(text.contains("mallory"), "{text}");
    assert!(
        text.contains("entries #20 to #21 (2) are missing"),
        "{text}"
    );
    // The newest entry still carries the seal kept earlier: its own link is intact.
    let pin = format!("{head_id}:{}", &head_seal[..12]);
    db.fails(&["audit", "verify", "--head", &pin], 1);
}

#[test]
fn a_log_rewritten_with_fresh_seals_is_caught_by_a_kept_head() {
    let db = TestDb::demo();
    let head = db.csv(&["audit", "verify"]);
    let pin = format!(
        "{}:{}",
        field(&head[0], "head_id"),
        field(&head[0], "head_seal")
    );
    // Someone drops the newest entry: the chain itself still verifies...
    behind_the_back(
        &db,
        "DROP TRIGGER audit_log_no_delete;
         DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log);",
    );
    db.ok(&["audit", "verify"]);
    // ...but not against the head kept before.
    let err = db.fails(&["audit", "verify", "--head", &pin], 1);
    assert!(err.contains("1 break"), "{err}");
    let out = String::from_utf8(db.run(&["audit", "verify", "--head", &pin]).stdout).unwrap();
    assert!(out.contains("no longer exists"), "{out}");
    db.fails(&["audit", "verify", "--head", "12"], 2);
    db.fails(&["audit", "verify", "--head", "12:xyz"], 2);
}

#[test]
fn an_import_is_one_audit_entry_with_its_row_count_and_the_file_s_sha256() {
    let db = common::japan_grant();
    let file = db.dir.path().join("vouchers.csv");
    let text = "grant,line,date,amount,currency,payee,voucher\n\
                JP-MA-MHPSS-2021,TRAIN,2021-06-14,12500.00,MAD,Hotel Rabat,V-1\n\
                JP-MA-MHPSS-2021,STAFF,2021-06-30,3000.00,USD,Payroll,V-2\n";
    std::fs::write(&file, text).unwrap();
    db.ok(&["expense", "import", file.to_str().unwrap()]);
    let entries = db.json(&["audit", "--limit", "1"]);
    let entry = &entries[0];
    assert_eq!(entry["action"], "import");
    assert_eq!(entry["entity"], "expense");
    assert_eq!(entry["after"]["recorded"], 2);
    // sha256sum of the file's bytes, computed here apart from grantbook.
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    let expected: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(entry["after"]["sha256"], expected.as_str());
}

#[test]
fn an_entry_forged_with_the_largest_number_is_named_and_refuses_further_changes_plainly() {
    let db = TestDb::demo();
    let seal = "a".repeat(64);
    behind_the_back(
        &db,
        &format!(
            "INSERT INTO audit_log (id, at, actor, action, entity, entity_key, seal)
             VALUES ({}, '2024-01-01T00:00:00Z', 'mallory', 'add', 'donor', 'X', '{seal}');",
            i64::MAX
        ),
    );
    let out = String::from_utf8(db.run(&["audit", "verify"]).stdout).unwrap();
    assert!(out.contains("are missing"), "{out}");
    // The next change cannot be numbered: a clear refusal, not a crash.
    let err = db.fails_sh("donor add --code ZZ --name Zed --kind other", 1);
    assert!(err.contains("largest number"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn import_dir_records_every_file_it_read_with_its_sha256() {
    let db = TestDb::demo();
    let dir = db.dir.path().join("export");
    db.ok(&["export", "--all", "--out", dir.to_str().unwrap()]);
    let copy = TestDb::uninitialised();
    copy.ok(&["init"]);
    copy.ok(&["import", dir.to_str().unwrap()]);
    use sha2::Digest;
    for (entity, file) in [
        ("donor", "donors.csv"),
        ("fx_rate", "fx_rates.csv"),
        ("receipt", "receipts.csv"),
        ("period", "periods.csv"),
        ("expense", "voids.csv"),
    ] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let digest = sha2::Sha256::digest(&bytes);
        let expected: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        let entries = copy.json(&["audit", "--entity", entity, "--limit", "100000"]);
        let entry = entries
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == "import" && e["key"].as_str().unwrap().ends_with(file))
            .unwrap_or_else(|| panic!("no import entry for {file}"));
        assert_eq!(entry["after"]["sha256"], expected.as_str(), "{file}");
    }
    copy.ok(&["check"]);
}

#[test]
fn a_dropped_audit_log_is_a_finding_and_the_other_checks_still_run() {
    let db = TestDb::demo();
    behind_the_back(&db, "DROP TABLE audit_log;");
    let found = findings(&db);
    let has = |check: &str, text: &str| {
        found.iter().any(|(c, place, problem)| {
            c == check && (place.contains(text) || problem.contains(text))
        })
    };
    assert!(has("schema", "table audit_log"), "{found:?}");
    assert!(has("audit_chain", "no such table: audit_log"), "{found:?}");
    // The books themselves were still examined.
    let out = db.run(&["check"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let conversion = text.lines().find(|l| l.starts_with("conversion")).unwrap();
    assert!(conversion.contains("98"), "{conversion}");
}
