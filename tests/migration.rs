//! A database created at schema version 1 opens under the current code, is upgraded in place,
//! and keeps every row.

mod common;

use common::{TestDb, field};
use grantbook::db::migrate;
use grantbook::db::sql::Conn;
use rusqlite::Connection;

#[test]
fn a_version_1_database_is_upgraded_with_its_data_intact() {
    let db = TestDb::uninitialised();
    let conn = Conn::sqlite(Connection::open(&db.path).unwrap());
    migrate::migrate_to(&conn, 1).unwrap();
    assert_eq!(migrate::version_of(&conn).unwrap(), 1);
    // Rows as a version-1 grantbook would have written them.
    conn.execute_batch(
        "INSERT INTO donor (code, name, kind, country) VALUES ('JP-GOV', 'Government of Japan', 'government', 'JP');
         INSERT INTO project (code, title, organisation, start_date, end_date, status)
             VALUES ('MA-MHPSS', 'MHPSS for migrants in Morocco', 'IOM Morocco', '2021-03-01', '2022-03-31', 'closed');
         INSERT INTO project_country VALUES (1, 'MA');
         INSERT INTO grant_agreement (reference, donor_id, project_id, currency, amount_minor, start_date,
                 end_date, indirect_rate, status)
             VALUES ('JP-MA-MHPSS-2021', 1, 1, 'USD', 12376200, '2021-03-01', '2022-03-31', '7', 'active');
         INSERT INTO budget_line (grant_id, code, name, category) VALUES (1, 'TRAIN', 'Training', 'training');
         INSERT INTO budget_revision (grant_id, number, effective_date, reason, recorded_at)
             VALUES (1, 1, '2021-03-01', 'original budget', '2021-03-01T09:00:00Z');
         INSERT INTO budget_amount VALUES (1, 1, 1, 12376200);
         INSERT INTO expense (grant_id, line_id, kind, date, currency, amount_minor, fx_base, fx_quote,
                 fx_rate, grant_amount_minor, payee, voucher, country, description, recorded_at)
             VALUES (1, 1, 'expenditure', '2021-04-15', 'MAD', 1250000, 'USD', 'MAD', '8.9874', 139084,
                 'Hotel Rabat', 'MA-2021-0002', 'MA', 'Training venue', '2021-04-16T10:00:00Z');",
    )
    .unwrap();
    drop(conn);
    let before = db.dump();

    let expenses = db.csv_sh("expense list");
    assert_eq!(expenses.len(), 1);
    assert_eq!(field(&expenses[0], "grant_amount"), "1390.84");
    assert_eq!(field(&expenses[0], "rate"), "8.9874");
    let grants = db.csv_sh("grant list");
    assert_eq!(field(&grants[0], "spent"), "1390.84");

    let conn = Connection::open(&db.path).unwrap();
    assert_eq!(migrate::version(&conn).unwrap(), migrate::latest_version());
    drop(conn);
    // Every row that was there is still there, unchanged; only the schema grew.
    let after = db.dump();
    let rows = |dump: &[String]| -> Vec<String> {
        dump.iter()
            .filter(|l| !l.starts_with("CREATE") && !l.starts_with("user_version"))
            .cloned()
            .collect()
    };
    // Later migrations add columns at the end of a row (new links, a donor reference), so
    // each row after the upgrade begins with the row as it was.
    let (after, before) = (rows(&after), rows(&before));
    assert_eq!(after.len(), before.len());
    for (now, was) in after.iter().zip(&before) {
        assert!(
            now == was || now.starts_with(&format!("{was} | ")),
            "{was}\nbecame\n{now}"
        );
    }

    // And the upgraded database takes new work.
    db.ok_sh(
        "expense add --grant JP-MA-MHPSS-2021 --line TRAIN --date 2021-05-01 --amount 10.00 \
         --payee Stationery --voucher MA-2021-0003",
    );
}

#[test]
fn a_backup_made_by_a_version_1_grantbook_restores_upgraded_and_checks_clean() {
    let old = TestDb::uninitialised();
    let conn = Conn::sqlite(Connection::open(&old.path).unwrap());
    migrate::migrate_to(&conn, 1).unwrap();
    conn.execute_batch(
        "INSERT INTO donor (code, name, kind, country) VALUES ('JP-GOV', 'Government of Japan', 'government', 'JP');
         INSERT INTO audit_log (at, actor, action, entity, entity_key, before, after)
             VALUES ('2021-03-01T09:00:00Z', 'amina', 'add', 'donor', 'JP-GOV', NULL, '{\"code\":\"JP-GOV\"}');",
    )
    .unwrap();
    drop(conn);
    let fresh = TestDb::uninitialised();
    fresh.ok(&["restore", old.path.to_str().unwrap()]);
    fresh.ok(&["check"]);
    let verified = fresh.ok(&["audit", "verify"]);
    assert!(verified.contains("intact"), "{verified}");
    assert_eq!(fresh.csv_sh("donor list").len(), 1);
    // The backup itself is read, never upgraded.
    let conn = Connection::open(&old.path).unwrap();
    assert_eq!(migrate::version(&conn).unwrap(), 1);
}

#[test]
fn a_backup_with_pages_of_another_size_restores_over_a_ledger_with_the_backups_size() {
    // A ledger made before new ledgers had 8 KiB pages: SQLite's default of 4 KiB.
    let old = TestDb::uninitialised();
    let conn = Conn::sqlite(Connection::open(&old.path).unwrap());
    migrate::migrate_to(&conn, migrate::latest_version()).unwrap();
    drop(conn);
    old.ok_sh(
        "donor add --code JP-GOV --name 'Government of Japan' --kind government --country JP",
    );
    let backup = old.dir.path().join("old.backup.db");
    old.ok(&["backup", backup.to_str().unwrap()]);
    let page_size = |path: &std::path::Path| -> i64 {
        let conn = Connection::open(path).unwrap();
        conn.query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(page_size(&backup), 4096);

    let ledger = TestDb::new();
    assert_eq!(page_size(&ledger.path), 8192);
    // With another process holding the ledger open it is refused (src/db/backup.rs's tests).
    ledger.ok(&["restore", "--force", backup.to_str().unwrap()]);
    assert_eq!(ledger.csv_sh("donor list").len(), 1);
    assert_eq!(page_size(&ledger.path), 4096);
    let conn = Connection::open(&ledger.path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(conn);
    ledger.ok(&["check"]);
}
