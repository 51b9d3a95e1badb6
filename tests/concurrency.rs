//! Several `grantbook` processes writing one database at once from two offices, with readers
//! alongside: every expense lands exactly once with its one audit entry and its writer's
//! office, no command fails because another held the database, and the ledger stays sound.
//! `cargo test` runs 8 writers of 250 `expense add` each (of 50 on PostgreSQL, in
//! tests/postgres.rs); `GRANTBOOK_CONCURRENCY=8x1000` (bench/concurrency.sh) runs the issue's
//! 8 x 1,000, and each prints how long the writers waited for the write lock.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Instant;

use common::TestDb;
use rusqlite::Connection;

/// Writer processes running at once, and `expense add` commands each runs one after another,
/// unless `GRANTBOOK_CONCURRENCY` says otherwise (`8x1000`).
const WRITERS: usize = 8;
const ADDS: usize = 250;

/// What a command says on stderr, with `GRANTBOOK_TRACE_BUSY` set, when it had to try again,
/// and how long it waited for the write lock.
const RETRIES: &str = "grantbook: busy retries: ";
const WAITED: &str = "grantbook: waited for the write lock: ";

/// (writers, adds each): `GRANTBOOK_CONCURRENCY=WxN`, else [`WRITERS`] x [`ADDS`].
fn size() -> (usize, usize) {
    std::env::var("GRANTBOOK_CONCURRENCY")
        .ok()
        .and_then(|s| {
            let (w, n) = s.split_once('x')?;
            Some((w.trim().parse().ok()?, n.trim().parse().ok()?))
        })
        .unwrap_or(match common::server::on_postgres() {
            // Each add is a process with its own server connection: a tenth as fast.
            true => (WRITERS, ADDS / 5),
            false => (WRITERS, ADDS),
        })
}

const LINES: [&str; 3] = ["STAFF", "TRAV", "ACT"];

/// One finished command: its arguments, exit code and output, for the failure message.
struct Run {
    args: Vec<String>,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Failed, or said the database was locked or busy (other than counting its retries).
    fn failed(&self) -> bool {
        let said = format!("{}{}", self.stdout, self.stderr)
            .lines()
            .filter(|l| !l.starts_with(RETRIES) && !l.starts_with(WAITED))
            .collect::<Vec<_>>()
            .join("\n")
            .to_lowercase();
        self.code != Some(0) || said.contains("locked") || said.contains("busy")
    }

    fn story(&self) -> String {
        format!(
            "$ grantbook {}\nexit: {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        )
    }

    /// How many times the command said it waited for a busy database and tried again.
    fn retries(&self) -> usize {
        self.stderr
            .lines()
            .filter_map(|l| l.strip_prefix(RETRIES))
            .filter_map(|n| n.trim().parse::<usize>().ok())
            .sum()
    }

    /// How long the command said it waited for the write lock, in seconds.
    fn waited(&self) -> f64 {
        self.stderr
            .lines()
            .filter_map(|l| l.strip_prefix(WAITED)?.strip_suffix(" ms"))
            .filter_map(|ms| ms.trim().parse::<f64>().ok())
            .sum::<f64>()
            / 1000.0
    }
}

/// The offices the writers record from, half of them each.
const OFFICES: [&str; 2] = ["EAST", "WEST"];

fn run(db: &Path, args: Vec<String>) -> Run {
    run_in(db, args, None)
}

/// Run as an officer of `office`, when given.
fn run_in(db: &Path, args: Vec<String>, office: Option<&str>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_grantbook"));
    if let Some(office) = office {
        command.env("GRANTBOOK_OFFICE", office);
    }
    let out = command
        .env_remove("GRANTBOOK_DB")
        .env("NO_COLOR", "1")
        .env("USER", "tester")
        .env("GRANTBOOK_TRACE_BUSY", "1")
        .arg("--db")
        .arg(db)
        .args(&args)
        .output()
        .expect("run grantbook");
    Run {
        args,
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn words(line: &str) -> Vec<String> {
    common::sh(line)
}

/// A grant with three lines and no periods (so no date is refused), and nothing spent yet.
fn ledger() -> TestDb {
    let db = TestDb::new();
    for line in [
        "donor add --code D --name Donor --kind foundation",
        "project add --code P --title Project --organisation Org --countries MA \
         --start 2024-01-01 --end 2024-12-31",
        "grant add --reference G --donor D --project P --currency USD --amount 10000000.00 \
         --start 2024-01-01 --end 2024-12-31 --indirect-rate 0",
        "budget set --grant G --line 'STAFF:staff:5000000.00:Staff' \
         --line 'TRAV:travel:2000000.00:Travel' --line 'ACT:activities:3000000.00:Activities'",
        "office add --project P --code EAST --name 'East office' --country MA",
        "office add --project P --code WEST --name 'West office' --country MA",
    ] {
        db.ok_sh(line);
    }
    db
}

fn voucher(writer: usize, i: usize) -> String {
    format!("W{writer}-{i:04}")
}

fn add_args(writer: usize, i: usize) -> Vec<String> {
    words(&format!(
        "expense add --grant G --line {line} --date 2024-{month:02}-{day:02} --amount {amount}.{cents:02} \
         --payee 'Payee {writer}' --voucher {voucher} --description 'writer {writer} row {i}' \
         --format csv",
        line = LINES[(writer + i) % LINES.len()],
        month = 1 + i % 12,
        day = 1 + i % 28,
        amount = 1 + i % 97,
        cents = (writer * 7 + i) % 100,
        voucher = voucher(writer, i),
    ))
}

fn query_i64(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The `add` audit entries of expenses, by key (`#ID G VOUCHER`), counted.
fn audited_adds(db: &TestDb) -> HashMap<String, i64> {
    let mut adds = HashMap::new();
    for entry in db.csv_sh("audit --entity expense --limit 1000000") {
        if common::field(&entry, "action") == "add" {
            *adds
                .entry(common::field(&entry, "key").to_string())
                .or_default() += 1;
        }
    }
    adds
}

#[test]
fn writers_at_once_store_every_expense_exactly_once_and_readers_never_fail() {
    let db = ledger();
    let path: PathBuf = db.target();
    let audit_before = audited_adds(&db).len();

    let (writers, adds) = size();
    let writing = Arc::new(AtomicBool::new(true));
    let started = Instant::now();
    let writer_threads: Vec<_> = (0..writers)
        .map(|w| {
            let path = path.clone();
            thread::spawn(move || {
                (0..adds)
                    .map(|i| run_in(&path, add_args(w, i), Some(OFFICES[w % 2])))
                    .collect::<Vec<Run>>()
            })
        })
        .collect();
    let readers: Vec<_> = [
        "report burn --as-of 2024-06-30",
        "expense list --grant G --format csv",
    ]
    .into_iter()
    .map(|line| {
        let path = path.clone();
        let writing = Arc::clone(&writing);
        thread::spawn(move || {
            let mut runs = Vec::new();
            // At least once, even should the writers finish first.
            loop {
                runs.push(run(&path, words(line)));
                if !writing.load(Ordering::Relaxed) {
                    break;
                }
            }
            runs
        })
    })
    .collect();

    let by_writer: Vec<Vec<Run>> = writer_threads
        .into_iter()
        .map(|t| t.join().expect("writer thread"))
        .collect();
    let wall = started.elapsed();
    // The writer that waited longest for the others, in all and at once.
    let waits: Vec<f64> = by_writer
        .iter()
        .map(|runs| runs.iter().map(Run::waited).sum())
        .collect();
    let slowest = waits.iter().copied().fold(0.0, f64::max);
    let longest = by_writer
        .iter()
        .flatten()
        .map(Run::waited)
        .fold(0.0, f64::max);
    let written: Vec<Run> = by_writer.into_iter().flatten().collect();
    writing.store(false, Ordering::Relaxed);
    let read: Vec<Run> = readers
        .into_iter()
        .flat_map(|t| t.join().expect("reader thread"))
        .collect();

    let failed_writes: Vec<&Run> = written.iter().filter(|r| r.failed()).collect();
    let failed_reads: Vec<&Run> = read.iter().filter(|r| r.failed()).collect();
    let retries: usize = written.iter().chain(&read).map(Run::retries).sum();
    let rows = writers * adds;
    eprintln!(
        "concurrency: {writers} writers x {adds} adds = {rows} rows in {:.1} s ({:.0} rows/s), \
         {} reads alongside; {} failed writes, {} failed reads, {retries} busy retries; the \
         slowest writer waited {slowest:.1} s in all for the write lock ({:.0} % of the run), \
         the longest wait of one add was {:.0} ms",
        wall.as_secs_f64(),
        rows as f64 / wall.as_secs_f64(),
        read.len(),
        failed_writes.len(),
        failed_reads.len(),
        100.0 * slowest / wall.as_secs_f64(),
        longest * 1000.0,
    );
    assert!(
        failed_writes.is_empty() && failed_reads.is_empty(),
        "{} writes and {} reads failed; the first:\n{}",
        failed_writes.len(),
        failed_reads.len(),
        failed_writes
            .iter()
            .chain(&failed_reads)
            .next()
            .map(|r| r.story())
            .unwrap_or_default()
    );

    // The ledger sound (its store, its books, its audit chain), whatever the backend.
    db.ok_sh("check");
    assert!(db.ok_sh("audit verify").contains("intact"));

    // Every voucher exactly once, and nothing else.
    let mut counts: HashMap<String, i64> = HashMap::new();
    let mut keys = Vec::new();
    for expense in db.csv_sh("expense list --grant G") {
        let voucher = common::field(&expense, "voucher").to_string();
        keys.push(format!("#{} G {voucher}", common::field(&expense, "id")));
        *counts.entry(voucher).or_default() += 1;
    }
    let mut missing = Vec::new();
    for w in 0..writers {
        for i in 0..adds {
            match counts.get(&voucher(w, i)) {
                Some(1) => {}
                other => missing.push(format!("{}: {other:?}", voucher(w, i))),
            }
        }
    }
    assert!(missing.is_empty(), "vouchers not there once: {missing:?}");
    assert_eq!(counts.len(), rows, "expenses that no writer added");
    // Each writer's entries carry its office.
    for (i, office) in OFFICES.iter().enumerate() {
        let theirs = db.csv_sh(&format!("expense list --office {office}"));
        let writers_here = (0..writers).filter(|w| w % 2 == i).count();
        assert_eq!(
            theirs.len(),
            writers_here * adds,
            "entries of office {office}"
        );
    }

    // One `add` audit entry per expense, naming that expense's voucher.
    let audited = audited_adds(&db);
    assert_eq!(audited.len() - audit_before, rows);
    let unaudited: Vec<&String> = keys
        .iter()
        .filter(|key| audited.get(*key) != Some(&1))
        .collect();
    assert!(
        unaudited.is_empty(),
        "expenses without exactly one `add` audit entry: {unaudited:?}"
    );
}

#[test]
fn processes_opening_an_old_database_at_once_upgrade_it_once() {
    if common::server::on_postgres() {
        return; // A file's journal mode and user_version: SQLite's alone.
    }
    const ROUNDS: usize = 8;
    const PROCESSES: usize = 6;
    let mut retries = 0;
    for round in 0..ROUNDS {
        let db = TestDb::uninitialised();
        let conn = Connection::open(&db.path).unwrap();
        let ledger = grantbook::db::sql::Conn::sqlite(conn);
        grantbook::db::migrate::migrate_to(&ledger, 1).unwrap();
        let conn = ledger.as_sqlite().unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "delete");
        drop(ledger);
        let barrier = Arc::new(std::sync::Barrier::new(PROCESSES));
        let runs: Vec<Run> = (0..PROCESSES)
            .map(|p| {
                let path = db.path.clone();
                let barrier = Arc::clone(&barrier);
                thread::spawn(move || {
                    let args = if p % 2 == 0 {
                        words(&format!(
                            "donor add --code D{p} --name 'Donor {p}' --kind foundation"
                        ))
                    } else {
                        words("donor list --format csv")
                    };
                    barrier.wait();
                    run(&path, args)
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().expect("process thread"))
            .collect();
        retries += runs.iter().map(Run::retries).sum::<usize>();
        if let Some(failed) = runs.iter().find(|r| r.failed()) {
            panic!("round {round}:\n{}", failed.story());
        }
        let conn = Connection::open(&db.path).unwrap();
        assert_eq!(
            grantbook::db::migrate::version(&conn).unwrap(),
            grantbook::db::migrate::latest_version()
        );
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(
            query_i64(&conn, "SELECT count(*) FROM donor"),
            PROCESSES.div_ceil(2) as i64
        );
        assert_eq!(
            query_i64(
                &conn,
                "SELECT count(*) FROM audit_log WHERE entity = 'donor' AND action = 'add'"
            ),
            PROCESSES.div_ceil(2) as i64
        );
    }
    eprintln!(
        "concurrency: {ROUNDS} rounds of {PROCESSES} processes opening a version-1 database at \
         once; {retries} busy retries"
    );
}
