//! A change committed stands even when its confirmation cannot be printed (`> /dev/full`): the
//! command says on stderr what it recorded and exits 0, so a script never runs it again and
//! records it twice. A listing that cannot be written is still a failure, and one whose reader
//! went away (`| head`) is still a clean exit.

mod common;

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{JAPAN, TestDb, explain_unless, japan_grant, sh};

fn grantbook() -> Command {
    Command::new(env!("CARGO_BIN_EXE_grantbook"))
}

/// Run `line` on `db` with its standard output going to /dev/full.
fn to_full_device(db: &TestDb, line: &str) -> Output {
    let full = OpenOptions::new().write(true).open("/dev/full").unwrap();
    grantbook()
        .env_remove("GRANTBOOK_DB")
        .env("NO_COLOR", "1")
        .arg("--db")
        .arg(db.target())
        .args(sh(line))
        .stdout(full)
        .output()
        .unwrap()
}

/// Whether /dev/full is here; if not, say so on the test's own stderr (seen when captured).
fn have_full_device() -> bool {
    let here = Path::new("/dev/full").exists();
    if !here {
        let _ = writeln!(std::io::stderr(), "SKIPPED confirmation: no /dev/full here");
    }
    here
}

/// Exit 0, and stderr says what was recorded and that the confirmation could not be written.
fn assert_recorded_anyway(db: &TestDb, line: &str, said: &str) {
    let out = to_full_device(db, line);
    explain_unless(&out, 0, &[line]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(said), "{line}:\n{err}");
    assert!(
        err.contains("could not write the confirmation: I/O error: No space left on device"),
        "{err}"
    );
    assert!(err.contains("do not run the command again"), "{err}");
    assert!(
        !err.contains("grantbook: error"),
        "not reported as an error:\n{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_committed_change_whose_confirmation_cannot_be_written_succeeds_saying_so() {
    if !have_full_device() {
        return;
    }
    let db = japan_grant();
    let add = format!(
        "expense add --grant {JAPAN} --line TRAIN --date 2021-04-15 --amount 12500.00 \
         --currency MAD --payee 'Hotel Rabat' --voucher MA-2021-0101"
    );
    assert_recorded_anyway(
        &db,
        &add,
        &format!("grantbook: recorded as expense #1 {JAPAN} MA-2021-0101 (audit entry #"),
    );
    assert_eq!(db.count("expense"), 1, "recorded once");
    // Running it again, as a script that saw exit 1 would, is refused as a duplicate.
    let err = db.fails_sh(&add, 2);
    assert!(err.contains("MA-2021-0101"), "{err}");
    assert_eq!(db.count("expense"), 1);

    assert_recorded_anyway(
        &db,
        "expense void 1 --reason 'Entered twice'",
        &format!("grantbook: recorded: void expense #1 {JAPAN} MA-2021-0101"),
    );
    assert_recorded_anyway(
        &db,
        &format!("period close --grant {JAPAN} 2021-Q1"),
        &format!("grantbook: recorded: close period {JAPAN} 2021-Q1"),
    );
    let audit = db.csv(&["audit", "--limit", "3"]);
    assert_eq!(audit.len(), 3, "each change audited once");
}

#[test]
fn output_that_cannot_be_written_with_nothing_recorded_is_still_a_failure() {
    if !have_full_device() {
        return;
    }
    let db = japan_grant();
    let before = db.dump();
    let out = to_full_device(&db, "grant list");
    explain_unless(&out, 1, &["grant list > /dev/full"]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("No space left on device"), "{err}");
    // A refused change prints no confirmation and says nothing was recorded.
    let out = to_full_device(&db, "expense void 99 --reason x");
    explain_unless(&out, 2, &["expense void 99 > /dev/full"]);
    assert_eq!(db.dump(), before);
}

#[test]
fn a_reader_that_goes_away_is_a_clean_exit() {
    let db = japan_grant();
    let mut child = grantbook()
        .env_remove("GRANTBOOK_DB")
        .arg("--db")
        .arg(db.target())
        .args(["budget", "list", "--grant", JAPAN])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    explain_unless(&out, 0, &["budget list | (closed)"]);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
