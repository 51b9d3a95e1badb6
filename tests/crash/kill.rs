//! Killing a command at chosen points of its progress, and judging the database it leaves.

use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Instant;

use rusqlite::Connection;

use crate::common::{TestDb, field, parse_csv};
use crate::points::{
    KillWhen, Run, Sample, checkpoint, follow, journal_exists, kill_points, sweep, wal_bytes,
};
use crate::timeless::timeless_dump;

/// How one killed run ended.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    /// Killed, and the database is exactly as before the command.
    NoneStored,
    /// Killed after its commit (flushing, printing, closing), and all its work is there.
    AllStored,
    /// The command finished before the kill; all its work is there.
    Exited,
}

/// The command under test, run on copies of one pristine database.
pub struct Scenario {
    pub name: &'static str,
    /// How many points to kill it at, at least (see [`kill_points`]); the environment's
    /// `GRANTBOOK_CRASH_POINTS` raises it for a denser sweep.
    pub points: usize,
    /// Holds the pristine database and any input file the command reads.
    pub pristine: TestDb,
    pub args: Vec<String>,
    /// A query giving one number the command changes (e.g. the count of expenses), checked and
    /// shown for each kill on top of the comparison of whole databases.
    pub measure: &'static str,
    /// How the command is to write: through the WAL, as every write does, or through a
    /// rollback journal, as an import that loads a ledger does. Checked on the uninterrupted
    /// run, so that each scenario tests the path it names.
    pub journal: Journal,
}

/// The journal a command writes through.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Journal {
    Wal,
    Rollback,
}

/// The state before the command and after it, as a killed run must show exactly one of them.
struct States {
    before: Vec<String>,
    after: Vec<String>,
    audit_before: i64,
    /// One entry more or several (a budget from a file: the budget and the file; a reprice:
    /// one per expense converted again).
    audit_after: i64,
    measure_before: i64,
    measure_after: i64,
    /// What `grantbook check` says of each: nothing for most, but the ledger a reprice starts
    /// from holds the expenses it converts again, which `check` lists.
    check_before: Checked,
    check_after: Checked,
}

/// `grantbook check`'s exit code, each check's result (not the counts examined, which follow
/// the file's pages) and the findings, each a line of CSV.
type Checked = (Option<i32>, Vec<String>);

fn checked(db: &TestDb) -> Checked {
    let out = db.run(&["check", "--format", "csv"]);
    let text = String::from_utf8_lossy(&out.stdout);
    // The checks, then (after a blank line) the findings if there are any.
    let (checks, findings) = text.split_once("\n\n").unwrap_or((&text, ""));
    let results = parse_csv(checks)
        .iter()
        .map(|r| format!("{}: {}", field(r, "check"), field(r, "result")))
        .chain(findings.lines().map(String::from))
        .collect();
    (out.status.code(), results)
}

impl Scenario {
    /// Run the command uninterrupted on a copy, to learn its progress at the commit and the
    /// state it leaves; then kill it on fresh copies at each of [`kill_points`]. Panics on any
    /// database that is corrupt, does not reopen, or is neither before nor after.
    pub fn kill_at_many_points(&self) {
        checkpoint(&self.pristine.path);
        let reference = self.copy();
        let run = self.run_to_the_end(&reference.path);
        let states = States {
            before: self.pristine.dump(),
            after: timeless_dump(&reference.path),
            audit_before: self.pristine.count("audit_log"),
            audit_after: reference.count("audit_log"),
            measure_before: self.measure(&self.pristine.path),
            measure_after: self.measure(&reference.path),
            check_before: checked(&self.pristine),
            check_after: checked(&reference),
        };
        assert_eq!(
            states.check_after.0,
            Some(0),
            "{}: check after the command: {:?}",
            self.name,
            states.check_after.1
        );
        assert!(
            states.audit_after > states.audit_before,
            "{}: {} audit entries before, {} after",
            self.name,
            states.audit_before,
            states.audit_after
        );
        assert_ne!(
            states.measure_before, states.measure_after,
            "{}",
            self.measure
        );

        let through = match run.journal_seen {
            true => Journal::Rollback,
            false => Journal::Wal,
        };
        assert_eq!(
            through, self.journal,
            "{}: the journal written through",
            self.name
        );
        assert_eq!(
            run.wal_max == 0,
            self.journal == Journal::Rollback,
            "{}: {} bytes of WAL",
            self.name,
            run.wal_max
        );

        let wanted = self.points.max(sweep());
        let points = kill_points(&run, wanted);
        eprintln!(
            "crash {}: uninterrupted run {} ms; the commit starts at {} ms, after {} CPU ticks, \
             and writes {} bytes of WAL; the database file grows from {} to {} bytes; {:?} goes \
             from {} to {}; {} kill points",
            self.name,
            run.took.as_millis(),
            run.commit.elapsed.as_millis(),
            run.commit.cpu_ticks,
            run.wal_max,
            run.db_start,
            run.db_max,
            self.measure,
            states.measure_before,
            states.measure_after,
            points.len()
        );
        let mut outcomes = Vec::new();
        for when in points {
            let db = self.copy();
            let started = Instant::now();
            let mut child = self.spawn(&db.path);
            let (mut at_kill, mut journal_was) = (None, false);
            follow(&mut child, &db.path, started, |s| {
                let journal_gone = journal_was && !s.journal;
                journal_was |= s.journal;
                let due = match when {
                    KillWhen::After(d) => s.elapsed >= d,
                    KillWhen::CpuTicks(t) => s.cpu_ticks >= t,
                    KillWhen::WalBytes(b) => s.wal_bytes >= b,
                    KillWhen::DbWritten => s.db_written,
                    KillWhen::DbBytes(b) => s.db_bytes >= b,
                    KillWhen::JournalGone => journal_gone,
                };
                at_kill = due.then_some(*s);
                due
            });
            // `Child::kill` is "equivalent to sending a SIGKILL on Unix platforms" (std docs),
            // and returns Ok if the child has already exited. SIGKILL cannot be caught: the
            // process gets no chance to roll back or close. (The kernel still writes out what
            // the process wrote, so this tests the process dying, not the power failing.)
            child.kill().expect("kill");
            let status = child.wait().expect("wait");
            let wal_left = wal_bytes(&db.path);
            let hot_journal = journal_exists(&db.path);
            let (outcome, measured) = self.judge(&db, &states, status);
            let seen = at_kill.map_or("exited before the kill".to_string(), |s| {
                format!(
                    "killed at {:.1} ms, {} CPU ticks, WAL {} bytes, database file {} ({} bytes)",
                    s.elapsed.as_secs_f64() * 1000.0,
                    s.cpu_ticks,
                    s.wal_bytes,
                    if s.db_written { "written" } else { "as before" },
                    s.db_bytes
                )
            });
            eprintln!(
                "crash {}: {when:?}: {seen}; {wal_left} WAL bytes left{}: {outcome:?} \
                 ({measured})",
                self.name,
                if hot_journal { ", a hot journal" } else { "" }
            );
            outcomes.push((outcome, wal_left, hot_journal));
        }
        let count = |o: Outcome| outcomes.iter().filter(|&&(x, _, _)| x == o).count();
        // A WAL holding frames, or a hot journal, but none stored: the kill landed while the
        // transaction was writing, the moment that matters most.
        let mid_commit = outcomes
            .iter()
            .filter(|&&(o, wal, hot)| o == Outcome::NoneStored && (wal > 0 || hot))
            .count();
        eprintln!(
            "crash {}: {} kill points, {} none ({mid_commit} with a WAL or journal written but \
             not committed), {} all, {} after exit, 0 partial",
            self.name,
            outcomes.len(),
            count(Outcome::NoneStored),
            count(Outcome::AllStored),
            count(Outcome::Exited)
        );
        assert!(
            outcomes.len() >= wanted,
            "{}: at least {wanted} kill points",
            self.name
        );
        assert!(
            count(Outcome::NoneStored) > 0,
            "{}: no kill landed before the commit, so nothing was tested",
            self.name
        );
    }

    fn run_to_the_end(&self, db: &Path) -> Run {
        let started = Instant::now();
        let mut child = self.spawn(db);
        let db_start = fs::metadata(db).map_or(0, |m| m.len());
        let (mut commit, mut last, mut wal_max) = (None, Sample::default(), 0);
        let (mut db_max, mut journal_seen, mut last_journal) = (db_start, false, None);
        let status = follow(&mut child, db, started, |s| {
            if s.wal_bytes > 0 && commit.is_none() {
                commit = Some(*s);
            }
            if s.journal {
                last_journal = Some(*s);
            }
            wal_max = wal_max.max(s.wal_bytes);
            db_max = db_max.max(s.db_bytes);
            journal_seen |= s.journal;
            last = *s;
            false
        });
        assert!(
            status.is_some_and(|s| s.success()),
            "{}: uninterrupted run failed",
            self.name
        );
        Run {
            took: started.elapsed(),
            // Through a rollback journal, the commit is the journal's deletion.
            commit: commit.or(last_journal).unwrap_or(last),
            wal_max,
            db_start,
            db_max,
            journal_seen,
        }
    }

    /// Integrity, reopening, and exactly-before-or-after of one killed run; and the measure.
    fn judge(&self, db: &TestDb, states: &States, status: ExitStatus) -> (Outcome, i64) {
        // Checked first, by a plain SQLite connection that recovers the WAL as any reader would.
        let conn = Connection::open(&db.path).expect("killed database opens");
        let integrity: Vec<String> = conn
            .prepare("PRAGMA integrity_check")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(integrity, ["ok"], "{}: integrity after kill", self.name);
        drop(conn);

        // The audit log says which state to expect; the measure and then the whole database
        // must be that state.
        let (audit, measured) = (db.count("audit_log"), self.measure(&db.path));
        let partial = |what: String, got: &[String], want: &[String]| {
            let diff: Vec<_> = got.iter().filter(|l| !want.contains(l)).take(5).collect();
            panic!(
                "{}: PARTIAL ({status:?}): {what}; rows: {diff:#?}",
                self.name
            );
        };
        let measure = &self.measure;
        let outcome = if audit == states.audit_before {
            let got = db.dump();
            if measured != states.measure_before || got != states.before {
                let what = format!("no audit entry, yet {measure:?} is {measured}");
                partial(what, &got, &states.before);
            }
            Outcome::NoneStored
        } else {
            let got = timeless_dump(&db.path);
            if audit != states.audit_after
                || measured != states.measure_after
                || got != states.after
            {
                let what = format!("{audit} audit entries, {measure:?} is {measured}");
                partial(what, &got, &states.after);
            }
            if status.signal().is_some() {
                Outcome::AllStored
            } else {
                assert!(status.success(), "{}: finished but failed", self.name);
                Outcome::Exited
            }
        };
        // And grantbook itself opens it, `check` says of it what it says of that state (nothing
        // wrong, but for what a reprice is there to convert again), and it reads every
        // grant's figures.
        let want = match outcome {
            Outcome::NoneStored => &states.check_before,
            _ => &states.check_after,
        };
        assert_eq!(&checked(db), want, "{}: check after the kill", self.name);
        db.ok(&["report", "burn", "--as-of", "2022-03-31"]);
        (outcome, measured)
    }

    fn measure(&self, db: &Path) -> i64 {
        let conn = Connection::open(db).unwrap();
        conn.query_row(self.measure, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{}: {e}", self.measure))
    }

    /// A fresh database holding the pristine one, in its own directory.
    fn copy(&self) -> TestDb {
        let db = TestDb::uninitialised();
        fs::copy(&self.pristine.path, &db.path).expect("copy the pristine database");
        db
    }

    /// Start the command on `db`, as the shared helpers run it but without waiting for it.
    fn spawn(&self, db: &Path) -> Child {
        Command::new(assert_cmd::cargo::cargo_bin("grantbook"))
            .env_remove("GRANTBOOK_DB")
            .env("NO_COLOR", "1")
            .env("USER", "tester")
            .arg("--db")
            .arg(db)
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start grantbook")
    }
}
