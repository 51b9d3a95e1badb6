//! When to kill a running command: where it is in its work (its CPU time, its WAL's size,
//! whether the database file changed), and the points to kill it at.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus};
use std::thread::sleep;
use std::time::{Duration, Instant};

use rusqlite::Connection;

/// How often a running command is looked at (its CPU time, its WAL's size).
const POLL: Duration = Duration::from_micros(250);

/// When to kill a running command.
#[derive(Debug, Clone, Copy)]
pub enum KillWhen {
    /// This long after starting it.
    After(Duration),
    /// Once it has used this many clock ticks of CPU time: the same point of its work however
    /// busy the machine is.
    CpuTicks(u64),
    /// Once its WAL file holds this many bytes: the commit is being written.
    WalBytes(u64),
    /// Once the database file itself changes: in WAL mode only a checkpoint writes it, which
    /// grantbook's connection runs as it closes, after the commit.
    DbWritten,
    /// Once the database file has grown to this many bytes: an import that loads a ledger
    /// through a rollback journal writes its new pages there as its page cache spills, and
    /// the rest at its commit.
    DbBytes(u64),
    /// Once the rollback journal, seen before, is gone: the commit has just happened, and the
    /// command is returning to WAL, printing and exiting.
    JournalGone,
}

/// One look at a running command.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample {
    pub elapsed: Duration,
    pub cpu_ticks: u64,
    pub wal_bytes: u64,
    pub db_written: bool,
    pub db_bytes: u64,
    /// The rollback journal exists: a transaction is writing the database file itself.
    pub journal: bool,
}

/// What an uninterrupted run showed: how long it took, and its progress when its WAL was first
/// written (the commit starting), or when its rollback journal was last seen (the commit is
/// the journal's deletion); the last sample if neither was caught.
pub struct Run {
    pub took: Duration,
    pub commit: Sample,
    pub wal_max: u64,
    /// The database file's size before the command, and its largest while it ran.
    pub db_start: u64,
    pub db_max: u64,
    /// Whether a rollback journal was seen: the command wrote through one, not the WAL.
    pub journal_seen: bool,
}

/// Look at `child` every [`POLL`] until it exits (its status) or `stop` says to kill it now
/// (None: it is still running).
pub fn follow(
    child: &mut Child,
    db: &Path,
    started: Instant,
    mut stop: impl FnMut(&Sample) -> bool,
) -> Option<ExitStatus> {
    let stamp = |db: &Path| fs::metadata(db).map(|m| (m.len(), m.modified().ok())).ok();
    let db_at_start = stamp(db);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return Some(status);
        }
        let now = stamp(db);
        let sample = Sample {
            elapsed: started.elapsed(),
            cpu_ticks: cpu_ticks(child.id()),
            wal_bytes: wal_bytes(db),
            db_written: now != db_at_start,
            db_bytes: now.map_or(0, |(len, _)| len),
            journal: journal_exists(db),
        };
        if stop(&sample) {
            return None;
        }
        sleep(POLL);
    }
}

/// User plus system CPU time of process `pid`, in clock ticks (fields 14 and 15 of
/// /proc/PID/stat, counted after the command name, which may hold spaces); 0 if it is gone or
/// there is no /proc, and then [`kill_points`] places the kills by the clock instead.
fn cpu_ticks(pid: u32) -> u64 {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0;
    };
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    field(11) + field(12)
}

/// Kill points asked for by the environment (`GRANTBOOK_CRASH_POINTS=300` for a denser sweep
/// than `cargo test`'s, bench/crash-sweep.sh), else 0.
pub fn sweep() -> usize {
    std::env::var("GRANTBOOK_CRASH_POINTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Where to kill, `n` points or a few more: twice while the command starts (loading, opening
/// the database); at n/2 points of its work before the commit, by CPU time when that is long
/// enough to measure in ticks, else by the clock; at n/4 points of the WAL filling up during
/// the commit (from its first byte to its full size), or of the database file growing for a
/// command that writes through a rollback journal; at n/5 points from the commit to the exit
/// (syncing, printing); as the checkpoint starts writing the database file; once after the
/// exit.
pub fn kill_points(run: &Run, n: usize) -> Vec<KillWhen> {
    use KillWhen::{After, CpuTicks, DbBytes, DbWritten, JournalGone, WalBytes};
    let (work, wal, closing) = (n / 2, n / 4, n / 5);
    // Evenly to just before the commit, where a kill is most telling.
    let fractions: Vec<f64> = (1..=work).map(|i| 0.99 * i as f64 / work as f64).collect();
    let mut points = vec![
        After(Duration::from_millis(1)),
        After(Duration::from_millis(5)),
    ];
    if run.commit.cpu_ticks >= 20 {
        let ticks = run.commit.cpu_ticks as f64;
        points.extend(fractions.iter().map(|f| CpuTicks((ticks * f) as u64)));
    } else {
        points.extend(
            fractions
                .iter()
                .map(|f| After(run.commit.elapsed.mul_f64(*f))),
        );
    }
    if run.wal_max > 0 {
        points.push(WalBytes(1));
        points.extend((1..=wal as u64).map(|k| WalBytes(run.wal_max * k / wal as u64)));
    } else {
        // No WAL: the command wrote the database file through a rollback journal, from its
        // first spilled page to its commit.
        let grown = run.db_max.saturating_sub(run.db_start);
        points.push(DbBytes(run.db_start + 1));
        points.extend((1..=wal as u64).map(|k| DbBytes(run.db_start + grown * k / wal as u64)));
        // The moments after the commit are a few milliseconds: caught as they come.
        points.extend((0..closing).map(|_| JournalGone));
    }
    let after_commit = run.took.saturating_sub(run.commit.elapsed);
    points.extend(
        (1..=closing as u32)
            .map(|k| After(run.commit.elapsed + after_commit * k / (closing as u32 + 1))),
    );
    points.extend([DbWritten, After(run.took.mul_f64(1.5))]);
    points
}

/// Fold the write-ahead log into the database file and leave it one file, so that a plain
/// file copy is the whole database.
pub fn checkpoint(path: &Path) {
    let conn = Connection::open(path).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(conn);
    assert_eq!(wal_bytes(path), 0, "the pristine database is one file");
}

/// Whether `db`'s rollback journal exists (a transaction writing through it, or a hot journal
/// left by a killed one).
pub fn journal_exists(db: &Path) -> bool {
    let mut journal = db.as_os_str().to_owned();
    journal.push("-journal");
    PathBuf::from(journal).exists()
}

pub fn wal_bytes(db: &Path) -> u64 {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    fs::metadata(PathBuf::from(wal)).map_or(0, |m| m.len())
}
