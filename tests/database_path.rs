//! Where the ledger is: a blank path or `-` is refused naming where it came from, a path too
//! long for SQLite is refused with its length, and `init` makes one private file or nothing.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use common::{TestDb, explain_unless};

/// Run grantbook in `dir` with `GRANTBOOK_DB` set to `env` (or unset) and `args`.
fn run_in(dir: &Path, env: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::cargo_bin("grantbook").unwrap();
    cmd.current_dir(dir)
        .env_remove("GRANTBOOK_DB")
        .env("NO_COLOR", "1");
    if let Some(value) = env {
        cmd.env("GRANTBOOK_DB", value);
    }
    cmd.args(args).output().unwrap()
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_blank_path_or_a_dash_is_refused_naming_where_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let from_env = "the GRANTBOOK_DB variable";
    let cases: [(Option<&str>, &[&str], &str, &str); 7] = [
        (Some(""), &["grant", "list"], from_env, "is empty"),
        (Some(" "), &["init"], from_env, "is blank"),
        (Some("-"), &["init"], from_env, "is `-`"),
        (None, &["--db", "", "init"], "--db", "is empty"),
        (None, &["--db", " \t", "init"], "--db", "is blank"),
        (None, &["--db", "-", "init"], "--db", "is `-`"),
        // The flag wins over the variable, and is named, wherever it stands.
        (
            Some("ok.db"),
            &["grant", "list", "--db", "-"],
            "--db",
            "is `-`",
        ),
    ];
    for (env, args, source, what) in cases {
        let out = run_in(dir.path(), env, args);
        explain_unless(&out, 2, args);
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.starts_with(&format!("grantbook: error: {source} {what}")),
            "{env:?} {args:?}:\n{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            names(dir.path()).is_empty(),
            "{args:?} wrote {:?}",
            names(dir.path())
        );
    }
}

/// A directory under `root` deep enough that its full path is `length` bytes long.
fn deep_dir(root: &Path, length: usize) -> PathBuf {
    let mut dir = root.canonicalize().unwrap();
    while dir.as_os_str().len() + 101 < length {
        dir.push("d".repeat(100));
    }
    let last = length - dir.as_os_str().len() - 1;
    dir.push("d".repeat(last));
    std::fs::create_dir_all(&dir).unwrap();
    assert_eq!(dir.as_os_str().len(), length);
    dir
}

#[test]
fn a_path_longer_than_sqlite_opens_is_refused_with_its_length() {
    let root = tempfile::tempdir().unwrap();
    // 504 bytes in all, SQLite's most: the ledger's name fills what the directory leaves.
    let dir = deep_dir(root.path(), 480);
    let longest = dir.join("x".repeat(504 - 481));
    let db = TestDb {
        dir: tempfile::tempdir().unwrap(),
        path: longest.clone(),
        server: None,
    };
    db.ok(&["init"]);
    db.ok(&["grant", "list"]);
    let db = TestDb {
        dir: tempfile::tempdir().unwrap(),
        path: dir.join("x".repeat(504 - 480)),
        server: None,
    };
    let err = db.fails(&["init"], 2);
    assert!(err.contains("its full path is 505 bytes long"), "{err}");
    assert!(err.contains("at most 504 bytes"), "{err}");
    assert!(err.contains("move it to a shorter path"), "{err}");
    assert_eq!(
        names(&dir),
        [longest.file_name().unwrap().to_string_lossy()]
    );
    // A ledger copied there is refused the same way, not as an obscure failure to open.
    std::fs::copy(&longest, &db.path).unwrap();
    let err = db.fails(&["grant", "list"], 2);
    assert!(err.contains("its full path is 505 bytes long"), "{err}");
}

#[test]
fn init_makes_one_private_file_and_never_replaces_one() {
    let db = TestDb::uninitialised();
    db.ok(&["init"]);
    assert_eq!(
        names(db.dir.path()),
        ["grantbook.db"],
        "no temporary file left"
    );
    let mode = std::fs::metadata(&db.path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let before = db.dump();
    let err = db.fails(&["init"], 2);
    assert!(
        err.contains("already exists; grantbook never overwrites"),
        "{err}"
    );
    assert_eq!(db.dump(), before);
    db.ok(&["check"]);

    // A directory in the way: refused, and nothing made.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, "").unwrap();
    let db = TestDb {
        dir,
        path: file.join("grantbook.db"),
        server: None,
    };
    let err = db.fails(&["init"], 2);
    assert!(err.contains("cannot create the directory"), "{err}");
    assert_eq!(names(db.dir.path()), ["file"]);
}
