//! `check`, `audit verify`, `backup` and `restore`: is the ledger sound, was its history
//! changed, and copies of it that can be trusted.

use std::path::{Path, PathBuf};

use super::fingerprint::sha256_file;
use super::output::create_atomically;
use super::{Context, database_file, note, refuse_database};
use crate::db::{Ledger, check_path_length};
use crate::domain::seal::ChainBreak;
use crate::error::{Error, ErrorKind, Result};
use crate::render::Format;
use crate::report::safety;

pub const CHECK_HELP: &str = "\
Checks, in order: SQLite's integrity check; foreign keys; tables, indexes and triggers as
grantbook made them; every expense within its grant's dates and on a line of its grant; every
converted amount equal to amount x stored rate, rounded; no expense added to a period after it
was closed; each grant's expenses adding up to what the audit log recorded; the audit log's hash
chain. Exit status 1 if anything is found.

Example:
  grantbook check
  grantbook check --quick     # a large ledger: pages and rows, not index against table
  grantbook check --format csv > findings.csv";

pub const BACKUP_HELP: &str = "\
Safe while others are recording: the copy is the ledger as of one instant. It is one file,
readable by you only, checked page by page once written.

Example:
  grantbook backup backups/office-2024-06-30.db";

pub const RESTORE_HELP: &str = "\
The copy is checked first (as `grantbook check` does) and refused if anything is wrong with it.
A ledger already at --db is kept as DB.before-restore-TIME before it is replaced (--force).

Example:
  grantbook --db office.db restore --force backups/office-2024-06-30.db";

/// `check`: every finding, and exit 1 if there is any.
pub fn check(quick: bool, ctx: &Context) -> Result<()> {
    let report = ctx.ledger.check(quick)?;
    ctx.show(&safety::check(&report))?;
    match report.problems() {
        0 => Ok(()),
        n => Err(Error::runtime(format!(
            "check found {n} problem{}; each is listed above with the row it concerns",
            if n == 1 { "" } else { "s" }
        ))),
    }
}

/// `audit verify [--head ID:SEAL]`.
pub fn verify(head: Option<&str>, ctx: &Context) -> Result<()> {
    let mut report = ctx.ledger.verify_audit()?;
    if let Some(pin) = head {
        let (id, seal) = parse_pin(pin)?;
        let problem = match ctx.ledger.audit_seal(id)? {
            None => Some(format!(
                "entry #{id}, whose seal you kept, no longer exists: the log was cut short"
            )),
            Some(stored) if !stored.starts_with(&seal) => Some(format!(
                "entry #{id} no longer has the seal you kept ({seal}; now {stored}): the log was \
                 rewritten at or before that entry"
            )),
            Some(_) => None,
        };
        if let Some(problem) = problem {
            report.breaks.push(ChainBreak { id, problem });
        }
    }
    ctx.show(&safety::chain(&report))?;
    match report.breaks.len() {
        0 => Ok(()),
        n => Err(Error::runtime(format!(
            "the audit log was changed behind grantbook's back: {n} break{} in its chain",
            if n == 1 { "" } else { "s" }
        ))),
    }
}

/// `ID:SEAL`, the seal at least 8 hex digits (the start of it is enough to compare by eye).
fn parse_pin(pin: &str) -> Result<(i64, String)> {
    let bad = || {
        Error::invalid(format!(
            "--head {pin:?}: give the entry number and its seal (or at least its first 8 \
             digits) as `audit verify` printed them, e.g. --head 812:3fa9c1d2"
        ))
    };
    let (id, seal) = pin.split_once(':').ok_or_else(bad)?;
    let id: i64 = id.trim().parse().map_err(|_| bad())?;
    let seal = seal.trim().to_ascii_lowercase();
    if seal.len() < 8 || seal.len() > 64 || !seal.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    Ok((id, seal))
}

/// `backup FILE`.
pub fn backup(file: &Path, force: bool, ctx: &Context) -> Result<()> {
    refuse_database(file, &ctx.ledger)?;
    if file.is_dir() {
        let day = chrono::Utc::now().format("%Y-%m-%d");
        return Err(Error::invalid(format!(
            "{} is a folder; give the name of the backup file to write in it, e.g. {}",
            file.display(),
            file.join(format!("grantbook-{day}.db")).display()
        )));
    }
    check_path_length(file)?;
    // A full disk there is the copy's disk, said with its name (the ledger is not touched).
    let summary = match ctx.ledger.file() {
        Some(_) => create_atomically(file, force, |path, _| ctx.ledger.backup_into(path))
            .map_err(|e| e.in_file(file))?,
        // A server's ledger is backed up as the same self-contained file, row by row.
        None => super::moving::copy_to_file(&ctx.ledger, file, force, &ctx.ledger.place())?,
    };
    note(&format!("backed up to {}", file.display()));
    ctx.show(&safety::copied("backup", file, &summary, None))
}

/// `restore FILE`: check a copy of FILE, keep the ledger it replaces, then restore.
pub fn restore(file: &Path, db: &Path, force: bool, format: Format) -> Result<()> {
    if !file.is_file() {
        return Err(not_a_backup(file));
    }
    if db.exists() && same_file(file, db) {
        return Err(Error::invalid(format!(
            "{} is the ledger itself; give a backup of it",
            file.display()
        )));
    }
    let dir = db
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(Error::invalid(format!(
            "cannot restore into {}: the directory {} does not exist; create it first, or give \
             --db a path in an existing directory",
            db.display(),
            dir.display()
        )));
    }
    let (scratch, sha256) = checked_backup(file, dir, format)?;
    let (mut ledger, kept) = if db.exists() {
        let ledger = Ledger::open(db)?;
        let kept = keep_current(&ledger, db, force)?;
        (ledger, kept)
    } else {
        database_file::create(db)?;
        (Ledger::open(db)?, None)
    };
    let summary = ledger.restore_from(
        scratch.path(),
        &file.display().to_string(),
        &sha256,
        kept.as_deref(),
    )?;
    restored(
        ledger,
        &db.display().to_string(),
        file,
        kept,
        &summary,
        &sha256,
        format,
    )
}

/// `restore FILE` onto a PostgreSQL server: the backup checked as for a file, the server's
/// ledger kept in a file first (with --force), then replaced by the backup's, row for row.
pub fn restore_on_server(file: &Path, url: &str, force: bool, format: Format) -> Result<()> {
    if !file.is_file() {
        return Err(not_a_backup(file));
    }
    let (scratch, sha256) = checked_backup(file, &std::env::temp_dir(), format)?;
    let mut server = Ledger::open_or_create_on_server(url)?;
    let place = server.place();
    // The server's ledger is kept beside the backup that replaces it.
    let beside = file.with_file_name("server-ledger");
    let kept = keep_current(&server, &beside, force)?;
    let backup = Ledger::open(scratch.path())?;
    let from = format!("{} (SHA-256 {sha256})", file.display());
    let summary = backup.copy_into(&mut server, "restore", &from, true)?;
    restored(server, &place, file, kept, &summary, &sha256, format)
}

fn not_a_backup(file: &Path) -> Error {
    let what = if file.is_dir() {
        "is a folder, not a backup file"
    } else if file.exists() {
        "is not a regular file (a device, a pipe or a socket), so not a grantbook ledger"
    } else {
        "does not exist"
    };
    Error::invalid(format!(
        "{} {what}; give the path of a backup `grantbook backup` wrote",
        file.display()
    ))
}

/// Say what was restored, and where the ledger it replaced is kept.
fn restored(
    ledger: Ledger,
    place: &str,
    file: &Path,
    kept: Option<PathBuf>,
    summary: &crate::domain::check::CopySummary,
    sha256: &str,
    format: Format,
) -> Result<()> {
    note(&format!("restored {place} from {}", file.display()));
    if let Some(kept) = &kept {
        note(&format!(
            "the ledger it replaced is kept in {}",
            kept.display()
        ));
    }
    let ctx = Context {
        ledger,
        format,
        out: None,
    };
    ctx.show(&safety::copied("restore", file, summary, Some(sha256)))
}

/// FILE's SHA-256, and a copy of it in `dir` that passed `check`: what is restored is exactly
/// what was checked, even if FILE changes meanwhile.
fn checked_backup(
    file: &Path,
    dir: &Path,
    format: Format,
) -> Result<(tempfile::NamedTempFile, String)> {
    let sha256 = sha256_file(file)?;
    let scratch = tempfile::Builder::new()
        .prefix(".grantbook-restore.")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::runtime(format!("cannot write in {}: {e}", dir.display())))?;
    // A copy SQLite finds damaged is refused like one that fails the check: it is the input
    // that is wrong, and nothing is restored.
    let damaged = |e: Error| match e.kind {
        ErrorKind::Damaged => Error::invalid(format!(
            "{}: {}; it cannot be restored: give another backup `grantbook backup` wrote",
            file.display(),
            e.message
        )),
        _ => e,
    };
    let candidate = Ledger::open_copy(file, scratch.path()).map_err(damaged)?;
    let report = candidate.check(false).map_err(damaged)?;
    drop(candidate);
    if report.problems() > 0 {
        super::show(&safety::check(&report), format)?;
        return Err(Error::invalid(format!(
            "{} fails the check ({} problem{}, listed above); nothing was restored",
            file.display(),
            report.problems(),
            if report.problems() == 1 { "" } else { "s" }
        )));
    }
    Ok((scratch, sha256))
}

/// Before a restore replaces a ledger that holds anything, copy it aside (with `--force`).
fn keep_current(ledger: &Ledger, db: &Path, force: bool) -> Result<Option<PathBuf>> {
    if ledger.is_empty()? {
        return Ok(None);
    }
    if !force {
        return Err(Error::invalid(format!(
            "{} already holds a ledger; restoring replaces it. Add --force to go on (the \
             current ledger is kept beside it as {}.before-restore-TIME)",
            db.display(),
            db.display()
        )));
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    // Two restores in one second (a script) must not trip over each other's kept copy.
    let kept = (1..)
        .map(|n| {
            let mut name = db.as_os_str().to_owned();
            name.push(format!(".before-restore-{stamp}"));
            if n > 1 {
                name.push(format!("-{n}"));
            }
            PathBuf::from(name)
        })
        .find(|name| !name.exists())
        .unwrap_or_default();
    match ledger.file() {
        Some(_) => create_atomically(&kept, false, |path, _| ledger.backup_into(path))?,
        None => super::moving::copy_to_file(ledger, &kept, false, &ledger.place())?,
    };
    Ok(Some(kept))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
