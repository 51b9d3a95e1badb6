//! Where `report --out` may write: never over the ledger itself, and a missing directory is
//! named as such.

mod common;

use common::TestDb;

#[test]
fn out_refuses_the_ledgers_own_database_even_with_force() {
    if common::server::on_postgres() {
        return; // A ledger on a server has no file of its own to guard.
    }
    let db = TestDb::demo();
    let before = db.dump();
    let own = db.path.to_str().unwrap().to_string();
    for target in [own.clone(), format!("{own}-wal")] {
        let err = db.fails(
            &[
                "report", "burn", "--format", "html", "--out", &target, "--force",
            ],
            2,
        );
        assert!(err.contains("is the ledger's own database"), "{err}");
    }
    assert_eq!(db.dump(), before);
}

#[test]
fn out_into_a_missing_directory_says_so() {
    let db = TestDb::demo();
    let target = db.dir.path().join("no-such-dir").join("burn.html");
    let err = db.fails(
        &[
            "report",
            "burn",
            "--format",
            "html",
            "--out",
            target.to_str().unwrap(),
        ],
        2,
    );
    assert!(err.contains("does not exist; create it first"), "{err}");
}
