//! Faults of the importers found by issue 19: how refused rows are counted, what `import DIR`
//! does with a file that is not a regular file, duplicate keys in a JSON row, and budget files
//! whose errors name their file and line. Each refusal exits 2 and leaves the database as it
//! was.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{JAPAN, TestDb, japan_grant};

fn write(db: &TestDb, name: &str, text: &str) -> PathBuf {
    let path = db.dir.path().join(name);
    fs::write(&path, text).unwrap();
    path
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn a_quote_left_open_is_counted_as_the_one_row_it_spoils() {
    let db = japan_grant();
    let before = db.dump();
    // The quote opened in row 2 swallows row 3, so row 2 also has too few values.
    let file = write(
        &db,
        "tranches.csv",
        &format!(
            "grant,date,amount,reference\n\
             {JAPAN},2021-03-15,\"1000.00\n\
             {JAPAN},2021-03-16,1000.00,T9\n"
        ),
    );
    let err = db.fails(&["receipt", "import", arg(&file)], 2);
    assert!(
        err.contains("tranches.csv: 1 of 1 row refused, so nothing was written"),
        "{err}"
    );
    assert!(
        err.contains("tranches.csv:2: a quoted value opens here and is never closed"),
        "{err}"
    );
    assert!(!err.contains("values where the header has"), "{err}");
    assert_eq!(db.dump(), before);
}

/// Run grantbook on `db`, stopped after 60 s: a command that hangs fails the test instead of
/// hanging it.
fn run_timed(db: &TestDb, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("grantbook")
        .unwrap()
        .env_remove("GRANTBOOK_DB")
        .env("NO_COLOR", "1")
        .arg("--db")
        .arg(db.target())
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn import_dir_refuses_a_named_pipe_or_a_directory_in_place_of_a_table_file() {
    let demo = japan_grant();
    let out = demo.dir.path().join("export");
    demo.ok(&["export", "--all", "--out", arg(&out)]);
    // A FIFO where receipts.csv was: opening it to read would wait for a writer forever.
    fs::remove_file(out.join("receipts.csv")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(out.join("receipts.csv"))
        .status()
        .unwrap();
    assert!(made.success());
    let copy = TestDb::new();
    let before = copy.dump();
    let ran = run_timed(&copy, &["import", arg(&out)]);
    assert_eq!(ran.status.code(), Some(2), "{ran:?}");
    let err = String::from_utf8(ran.stderr).unwrap();
    assert!(
        err.contains("receipts.csv is a named pipe (FIFO), not a regular file"),
        "{err}"
    );
    assert_eq!(copy.dump(), before);

    // A directory named like a table file.
    fs::remove_file(out.join("receipts.csv")).unwrap();
    fs::create_dir(out.join("receipts.csv")).unwrap();
    let err = copy.fails(&["import", arg(&out)], 2);
    assert!(
        err.contains("receipts.csv is a directory, not a regular file"),
        "{err}"
    );
    assert_eq!(copy.dump(), before);
}

#[test]
fn a_json_row_giving_a_key_twice_is_refused_naming_the_key_object_and_line() {
    let db = japan_grant();
    let out = db.dir.path().join("export");
    db.ok(&["export", "--all", "--out", arg(&out), "--format", "json"]);
    let receipts = out.join("receipts.json");
    let text = fs::read_to_string(&receipts).unwrap();
    // Which amount would count? A JSON reader keeps the last without a word.
    let twice = text.replacen(
        "\"amount\":\"123762.00\"",
        "\"amount\":\"123762.00\",\"amount\":\"12376.20\"",
        1,
    );
    assert_ne!(twice, text);
    fs::write(&receipts, twice).unwrap();
    let copy = TestDb::new();
    let before = copy.dump();
    let err = copy.fails(&["import", arg(&out)], 2);
    assert!(
        err.contains("receipts.json: not an exported table (object 1 gives \"amount\" twice"),
        "{err}"
    );
    assert!(err.contains("the second at line 2 column"), "{err}");
    assert_eq!(copy.dump(), before);
}
