//! `backup` and `restore`: copies that are whole, private, taken safely while others write, and
//! restored only when they pass `check`.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::{JAPAN, TestDb, field, run_raw};
use rusqlite::Connection;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn reports(db: &TestDb) -> String {
    db.ok(&["report", "burn", "--as-of", "2024-12-31", "--format", "csv"])
}

#[test]
fn a_backup_is_private_whole_and_reports_the_same() {
    let db = TestDb::demo();
    assert_eq!(mode(&db.path), 0o600, "the database itself");
    let copy = db.dir.path().join("copy.db");
    let out = db.csv(&["backup", copy.to_str().unwrap()]);
    assert_eq!(mode(&copy), 0o600);
    assert!(!db.dir.path().join("copy.db-wal").exists(), "one file");
    assert_eq!(field(&out[0], "expenses"), "98"); // 97 rows, one the shared rent in two parts
    // As a person reads it: the seal to write down stays whole on one line of 80 columns.
    let again = db.dir.path().join("again.db");
    let table = db.ok(&["backup", again.to_str().unwrap()]);
    let seal = field(&out[0], "audit_head_seal");
    assert!(table.lines().any(|l| l.contains(seal)), "{table}");
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
    let copy_db = TestDb {
        dir: tempfile::tempdir().unwrap(),
        path: copy.clone(),
        server: None,
    };
    assert_eq!(reports(&copy_db), reports(&db));
    copy_db.ok(&["check"]);
    // Never over an existing file without --force, nor over the ledger itself.
    let err = db.fails(&["backup", copy.to_str().unwrap()], 2);
    assert!(err.contains("--force"), "{err}");
    db.ok(&["backup", "--force", copy.to_str().unwrap()]);
    let err = db.fails(&["backup", "--force", db.path.to_str().unwrap()], 2);
    assert!(err.contains("own database"), "{err}");
    assert!(!err.contains("--out"), "backup takes no --out: {err}");
    let wal = format!("{}-wal", db.path.display());
    db.fails(&["backup", "--force", &wal], 2);
    // A folder: the message suggests a backup file in it, not an XML report.
    let dir = db.dir.path().to_str().unwrap();
    let err = db.fails(&["backup", dir], 2);
    assert!(err.contains("is a folder") && err.contains(".db"), "{err}");
}

#[test]
fn a_backup_taken_while_another_process_writes_is_a_consistent_ledger() {
    let db = common::japan_grant();
    let path = db.path.clone();
    let writer = std::thread::spawn(move || {
        for i in 0..60 {
            let out = run_raw(
                &[
                    "expense",
                    "add",
                    "--grant",
                    JAPAN,
                    "--line",
                    "STAFF",
                    "--date",
                    "2021-05-10",
                    "--amount",
                    "10.00",
                    "--payee",
                    "Payroll",
                    "--voucher",
                    &format!("W-{i}"),
                ],
                Some(&path),
            );
            assert_eq!(out.status.code(), Some(0), "{out:?}");
        }
    });
    let mut copies = Vec::new();
    for i in 0..8 {
        let copy = db.dir.path().join(format!("during-{i}.db"));
        db.ok(&["backup", copy.to_str().unwrap()]);
        copies.push(copy);
    }
    writer.join().unwrap();
    for copy in copies {
        let conn = Connection::open(&copy).unwrap();
        let (expenses, audited): (i64, i64) = conn
            .query_row(
                "SELECT (SELECT count(*) FROM expense),
                        (SELECT count(*) FROM audit_log WHERE entity = 'expense')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        // Each expense and its audit entry are one transaction: a snapshot has both or neither.
        assert_eq!(expenses, audited, "{}", copy.display());
        let copy_db = TestDb {
            dir: tempfile::tempdir().unwrap(),
            path: copy,
            server: None,
        };
        copy_db.ok(&["check"]);
    }
}

#[test]
fn restore_brings_back_the_ledger_and_keeps_the_one_it_replaces() {
    let db = TestDb::demo();
    let before = reports(&db);
    let copy = db.dir.path().join("copy.db");
    db.ok(&["backup", copy.to_str().unwrap()]);
    db.ok(&["expense", "void", "90", "--reason", "Entered twice"]);
    assert_ne!(reports(&db), before);

    let err = db.fails(&["restore", copy.to_str().unwrap()], 2);
    assert!(err.contains("--force"), "{err}");
    let out = db.run(&["restore", "--force", copy.to_str().unwrap()]);
    common::explain_unless(&out, 0, &["restore", "--force"]);
    assert_eq!(reports(&db), before);
    db.ok(&["check"]);
    // The restore is the newest entry of the restored ledger's log, with the file's digest.
    let entries = db.json(&["audit", "--limit", "1"]);
    assert_eq!(entries[0]["action"], "restore");
    assert_eq!(entries[0]["after"]["sha256"].as_str().unwrap().len(), 64);
    // The ledger it replaced, void and all, is kept beside it, private.
    let stderr = String::from_utf8(out.stderr).unwrap();
    let kept = stderr
        .lines()
        .find_map(|l| {
            l.split_once("is kept in ")
                .map(|(_, p)| p.trim().to_string())
        })
        .unwrap_or_else(|| panic!("no kept copy named in {stderr}"));
    assert_eq!(mode(Path::new(&kept)), 0o600);
    let kept_db = TestDb {
        dir: tempfile::tempdir().unwrap(),
        path: kept.into(),
        server: None,
    };
    assert_ne!(reports(&kept_db), before);
}

#[test]
fn restore_into_a_new_path_needs_no_force() {
    let db = TestDb::demo();
    let copy = db.dir.path().join("copy.db");
    db.ok(&["backup", copy.to_str().unwrap()]);
    let fresh = TestDb::uninitialised();
    let out = fresh.csv(&["restore", copy.to_str().unwrap()]);
    // The size of the restored ledger, not of its file while the pages are still in the -wal.
    let size: u64 = field(&out[0], "bytes").parse().unwrap();
    assert!(size >= std::fs::metadata(&copy).unwrap().len(), "{size}");
    assert_eq!(mode(&fresh.path), 0o600);
    assert_eq!(reports(&fresh), reports(&db));
    // The scratch copy it was checked in is gone, with SQLite's journal files.
    let names: Vec<_> = std::fs::read_dir(fresh.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("grantbook.db"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
    // A --db in a directory that does not exist: a usage error that says so.
    let missing = fresh.dir.path().join("no-such-dir").join("office.db");
    let out = run_raw(&["restore", copy.to_str().unwrap()], Some(&missing));
    common::explain_unless(&out, 2, &["restore", "into a missing directory"]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("does not exist; create it first"), "{err}");
    // Restores in quick succession (a script) each keep the ledger they replace.
    for _ in 0..3 {
        fresh.ok(&["restore", "--force", copy.to_str().unwrap()]);
    }
    let kept = std::fs::read_dir(fresh.dir.path())
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            name.to_string_lossy().contains(".before-restore-")
        })
        .count();
    assert_eq!(kept, 3);
}

#[test]
fn restore_refuses_what_is_not_a_sound_grantbook_ledger() {
    let db = TestDb::demo();
    let before = db.dump();
    let dir = db.dir.path();

    let text = dir.join("notes.txt");
    std::fs::write(&text, "not a database at all, just some words").unwrap();
    let other = dir.join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    for file in [&text, &other] {
        let err = db.fails(&["restore", "--force", file.to_str().unwrap()], 2);
        assert!(err.contains("is not a grantbook database"), "{err}");
    }
    let err = db.fails(&["restore", "--force", "no-such-file.db"], 2);
    assert!(err.contains("no-such-file.db does not exist"), "{err}");
    let err = db.fails(&["restore", "--force", dir.to_str().unwrap()], 2);
    assert!(err.contains("is a folder, not a backup file"), "{err}");
    let err = db.fails(&["restore", "--force", "/dev/zero"], 2);
    assert!(
        err.contains("/dev/zero is not a regular file (a device, a pipe or a socket)"),
        "{err}"
    );

    // A backup whose pages SQLite cannot read: refused as bad input, naming it.
    let broken = dir.join("broken.db");
    db.ok(&["backup", broken.to_str().unwrap()]);
    let mut bytes = std::fs::read(&broken).unwrap();
    bytes[4096..4 * 4096].fill(0xab);
    std::fs::write(&broken, bytes).unwrap();
    let err = db.fails(&["restore", "--force", broken.to_str().unwrap()], 2);
    assert!(
        err.contains(&format!(
            "{}: the database is damaged (database disk image is malformed); it cannot be \
             restored",
            broken.display()
        )),
        "{err}"
    );
    // The same file as the ledger is a runtime failure, said with the way back.
    let as_ledger = TestDb {
        dir: tempfile::tempdir().unwrap(),
        path: broken.clone(),
        server: None,
    };
    let err = as_ledger.fails(&["grant", "list"], 1);
    assert!(err.contains("the database is damaged"), "{err}");
    assert!(err.contains("grantbook restore --force BACKUP"), "{err}");

    // A real backup, then damaged with the shell: refused, with the findings shown.
    let damaged = dir.join("damaged.db");
    db.ok(&["backup", damaged.to_str().unwrap()]);
    Connection::open(&damaged)
        .unwrap()
        .execute_batch(
            "DROP TRIGGER audit_log_no_update;
             UPDATE audit_log SET actor = 'mallory' WHERE id = 3;",
        )
        .unwrap();
    let out = db.run(&["restore", "--force", damaged.to_str().unwrap()]);
    common::explain_unless(&out, 2, &["restore", "damaged.db"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("audit entry #3"), "{stdout}");
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("fails the check")
    );
    assert_eq!(db.dump(), before, "nothing restored");
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("restore"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_database_others_can_write_is_named_on_every_open() {
    let db = TestDb::demo();
    std::fs::set_permissions(&db.path, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = db.run(&["grant", "list"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("can be written by other users"), "{stderr}");
    assert!(stderr.contains("chmod 600"), "{stderr}");
    std::fs::set_permissions(&db.path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = db.run(&["grant", "list"]);
    assert!(String::from_utf8(out.stderr).unwrap().is_empty());
}
