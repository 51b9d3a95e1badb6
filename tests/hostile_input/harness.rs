//! Running the real binary on a copy of one pristine demo database per test binary, and
//! checking the outcome: no panic; exit 2 with a message and the database unchanged, or exit 0
//! with the value read back and nothing else changed.

use std::cell::Cell;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rusqlite::Connection;
use tempfile::TempDir;

use super::{Val, Verdict};
use crate::common::{TestDb, run_raw};

/// The grant with no budget and no periods that `budget set` and `period add` work on.
pub const EMPTY_GRANT: &str = "ZZ-NOBUDGET";

struct Pristine {
    db: TestDb,
    dump: Vec<String>,
}

/// `grantbook demo` plus a grant without budget or periods, built once per test binary.
fn pristine() -> &'static Pristine {
    static PRISTINE: OnceLock<Pristine> = OnceLock::new();
    PRISTINE.get_or_init(|| {
        let db = TestDb::demo();
        db.ok(&[
            "grant",
            "add",
            "--reference",
            EMPTY_GRANT,
            "--donor",
            "REG-DONOR",
            "--project",
            "NA-MIGHEALTH",
            "--currency",
            "EUR",
            "--amount",
            "100000.00",
            "--start",
            "2024-01-01",
            "--end",
            "2025-12-31",
            "--indirect-rate",
            "7",
        ]);
        let dump = db.dump();
        Pristine { db, dump }
    })
}

/// A private copy of the pristine database for one case.
pub struct Case {
    _dir: TempDir,
    pub path: PathBuf,
}

impl Case {
    pub fn new() -> Case {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grantbook.db");
        std::fs::copy(&pristine().db.path, &path).unwrap();
        Case { _dir: dir, path }
    }

    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self._dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    pub fn conn(&self) -> Connection {
        Connection::open(&self.path).unwrap()
    }

    /// Run grantbook on this copy with raw (possibly non-UTF-8) arguments.
    pub fn run(&self, args: &[OsString]) -> Output {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("grantbook"));
        cmd.env_remove("GRANTBOOK_DB")
            .env("NO_COLOR", "1")
            .env("USER", "tester")
            .arg("--db")
            .arg(&self.path)
            .args(args);
        cmd.output().expect("run grantbook")
    }

    fn dump(&self) -> Vec<String> {
        let db = TestDb {
            dir: tempfile::tempdir().unwrap(),
            path: self.path.clone(),
            server: None,
        };
        db.dump()
    }
}

/// `--name=value` as one OsString argument, whatever the bytes: the `=` form keeps a value
/// starting with `-` a value.
pub fn opt(name: &str, value: &Val) -> OsString {
    let mut arg = format!("--{name}=").into_bytes();
    arg.extend_from_slice(&value.bytes);
    OsStr::from_bytes(&arg).to_os_string()
}

pub fn word(s: &str) -> OsString {
    OsString::from(s)
}

pub fn raw(bytes: &[u8]) -> OsString {
    OsStr::from_bytes(bytes).to_os_string()
}

/// What the verdicts of a case's fields say must happen.
pub fn expected(vals: &[&Val]) -> Verdict {
    if vals.iter().any(|v| v.verdict == Verdict::Refuse) {
        Verdict::Refuse
    } else if vals.iter().all(|v| v.verdict == Verdict::Ok) {
        Verdict::Ok
    } else {
        Verdict::Either
    }
}

/// How a case ended.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Stored,
    Refused,
}

/// Check a finished command: no panic; exit 2 with `grantbook: error: ...` (or clap's
/// `error: ...` for arguments clap itself refuses, such as invalid UTF-8) and the database
/// exactly as before; or exit 0, `verify` reading the value back, `tables` growing by `rows`
/// rows in all, and every other table (but the audit log) unchanged.
pub fn check(
    case: &Case,
    out: &Output,
    expect: Verdict,
    tables: &[&str],
    rows: i64,
    verify: impl FnOnce(&Connection) -> Result<(), TestCaseError>,
) -> Result<Outcome, TestCaseError> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    let story = format!("exit {code:?}\n--- stderr\n{}", cut(&stderr));
    prop_assert!(!stderr.contains("panicked"), "panic: {}", story);
    prop_assert!(
        code == Some(0) || code == Some(2),
        "neither 0 nor 2: {}",
        story
    );
    if code == Some(2) {
        prop_assert!(expect != Verdict::Ok, "valid input refused: {}", story);
        let message = stderr
            .strip_prefix("grantbook: error: ")
            .or_else(|| stderr.strip_prefix("error: "));
        prop_assert!(
            message.is_some_and(|m| !m.trim().is_empty()),
            "no error message: {}",
            story
        );
        prop_assert!(
            !stderr.chars().any(|c| c != '\n' && invisible(c)),
            "a control or invisible character printed raw: {}",
            story.escape_debug()
        );
        prop_assert!(
            case.dump() == pristine().dump,
            "refused but changed: {}",
            story
        );
        return Ok(Outcome::Refused);
    }
    prop_assert!(expect != Verdict::Refuse, "invalid input taken: {}", story);
    let conn = case.conn();
    let count = |t: &str| -> i64 {
        conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    };
    let before: i64 = tables.iter().map(|t| count_in(&pristine().db, t)).sum();
    let after: i64 = tables.iter().map(|t| count(t)).sum();
    prop_assert_eq!(after - before, rows, "rows added to {:?}", tables);
    verify(&conn)?;
    let untouched = |dump: &[String]| -> Vec<String> {
        dump.iter()
            .filter(|l| {
                !l.starts_with("audit_log: ")
                    && !tables.iter().any(|t| l.starts_with(&format!("{t}: ")))
            })
            .cloned()
            .collect()
    };
    prop_assert!(
        untouched(&case.dump()) == untouched(&pristine().dump),
        "other tables changed"
    );
    Ok(Outcome::Stored)
}

/// A character that a terminal does not show as itself: a control character (tab, carriage
/// return, escape...), a line or paragraph separator, or an invisible format character such
/// as the right-to-left override. Messages show them escaped (`\u{202e}`).
pub fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}')
        || matches!(c, '\u{feff}' | '\u{61c}' | '\u{180e}')
}

fn count_in(db: &TestDb, table: &str) -> i64 {
    db.count(table)
}

fn cut(s: &str) -> String {
    s.chars().take(600).collect()
}

pub const CASES: u32 = 64;

/// Run `body` on `cases` values of `strategy` and print how many cases ran and how they ended.
pub fn hostile_cases<S: Strategy>(
    command: &str,
    cases: u32,
    strategy: S,
    body: impl Fn(S::Value) -> Result<Outcome, TestCaseError>,
) {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let (stored, refused) = (Cell::new(0), Cell::new(0));
    let result = TestRunner::new(config).run(&strategy, |value| {
        match body(value)? {
            Outcome::Stored => stored.set(stored.get() + 1),
            Outcome::Refused => refused.set(refused.get() + 1),
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{command}: {e}");
    }
    eprintln!(
        "hostile input: {command}: {} cases ({} stored and read back, {} refused with exit 2)",
        stored.get() + refused.get(),
        stored.get(),
        refused.get()
    );
}

/// Run a whole command line given as text through the common helper (for pinned cases).
pub fn plain(path: &Path, args: &[&str]) -> Output {
    run_raw(args, Some(&path.to_path_buf()))
}
