//! The database file itself: the paths SQLite can open, a new ledger's bytes, and what every
//! connection checks of the file and sets on it as it opens.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, MAIN_DB};

use super::sql::Conn;
use super::{Ledger, migrate};
use crate::error::{Error, Result};

/// The longest full path SQLite opens a database at, in bytes: its limit is 512, and it needs
/// room for the name of the database's journal (the path and `-journal`).
pub const LONGEST_PATH: usize = 512 - "-journal".len();

/// Refuse a database path SQLite could not open, saying why, before anything is written:
/// SQLite makes the path absolute and resolves symbolic links, and then counts its bytes.
pub fn check_path_length(path: &Path) -> Result<()> {
    let length = full_path(path).as_os_str().len();
    if length <= LONGEST_PATH {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "{}: its full path is {length} bytes long, and SQLite opens a database only at a path \
         of at most {LONGEST_PATH} bytes (512, less room for its journal's name); move it to \
         a shorter path",
        path.display()
    )))
}

/// `path` as SQLite will see it: absolute, with the symbolic links of its directory resolved.
fn full_path(path: &Path) -> PathBuf {
    if let Ok(full) = path.canonicalize() {
        return full;
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    match (
        parent.unwrap_or(Path::new(".")).canonicalize(),
        path.file_name(),
    ) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    }
}

/// The page size of a new ledger; a ledger keeps the size it was made with. A million-row
/// import into a new ledger took 6 % less time than with SQLite's default of 4,096 bytes
/// (fewer pages to find, fill, split and write for the same rows), and 16 KiB no less than
/// 8, while SQLite's integrity check, the longest part of `check`, took 11 % more with 8 KiB
/// pages and 46 % more with 16.
const PAGE_SIZE: i64 = 8192;

/// Check that `conn` holds a grantbook database (or nothing yet), set the pragmas and upgrade
/// the schema. It may run again whole when SQLite says busy: the checks only read, the pragmas
/// can be repeated, and an upgrade is one transaction that commits all or nothing.
pub(super) fn prepare(ledger: &Conn, path: &Path) -> Result<()> {
    let Some(conn) = ledger.as_sqlite() else {
        return migrate::migrate(ledger);
    };
    // Only a file SQLite does not recognise is the wrong file; a full disk, an I/O error or a
    // damaged ledger is a failure of the machine, said as such (error.rs).
    let not_ours = |e: rusqlite::Error| {
        if e.sqlite_error_code() != Some(ErrorCode::NotADatabase) {
            return Error::from(e);
        }
        Error::invalid(format!(
            "{} is not a grantbook database ({e}); check the --db path",
            path.display()
        ))
    };
    let application_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(not_ours)?;
    let has_tables: bool = conn
        .query_row("SELECT count(*) > 0 FROM sqlite_schema", [], |r| r.get(0))
        .map_err(not_ours)?;
    if has_tables && application_id != migrate::APPLICATION_ID {
        return Err(Error::invalid(format!(
            "{} is an SQLite database but not a grantbook one; check the --db path",
            path.display()
        )));
    }
    if !has_tables {
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    }
    // WAL lets readers work while an officer writes; FULL sync because a committed expense
    // must survive a power cut, and the cost is one fsync per command.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Statement journals and sorts stay off the disk. Set here, before any transaction: SQLite
    // refuses to change it once a transaction has used temporary storage.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    migrate::migrate(ledger)
}

impl Ledger {
    /// The bytes of a new, empty ledger's file: the whole schema, built in memory. The caller
    /// writes them where they belong, so that a failed `init` leaves no file of SQLite's
    /// making behind (the command line writes them under a temporary name and renames it).
    pub fn new_file() -> Result<Vec<u8>> {
        let mut conn = Conn::sqlite(Connection::open_in_memory()?);
        prepare(&conn, Path::new(":memory:"))?;
        let sqlite = conn
            .as_sqlite_mut()
            .ok_or_else(|| Error::runtime("not SQLite"))?;
        Ok(sqlite.serialize(MAIN_DB)?.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_longer_than_sqlite_opens_is_refused_with_its_length() {
        let dir = tempfile::tempdir().unwrap();
        let room = LONGEST_PATH - full_path(dir.path()).as_os_str().len() - 1;
        let fits = dir.path().join("x".repeat(room));
        check_path_length(&fits).unwrap();
        let long = dir.path().join("x".repeat(room + 1));
        let e = check_path_length(&long).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let said = format!("is {} bytes long", LONGEST_PATH + 1);
        assert!(e.message.contains(&said), "{}", e.message);
        assert!(e.message.contains("at most 504 bytes"), "{}", e.message);
    }

    #[test]
    fn a_new_file_opens_as_an_empty_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        std::fs::write(&path, Ledger::new_file().unwrap()).unwrap();
        let ledger = Ledger::open(&path).unwrap();
        assert!(ledger.is_empty().unwrap());
        assert_eq!(ledger.check(false).unwrap().problems(), 0);
    }
}
