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
