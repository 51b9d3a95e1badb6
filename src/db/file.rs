//! The database file itself: the paths SQLite can open, and a new ledger's bytes.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, MAIN_DB};

use super::sql::Conn;
use super::{Ledger, prepare};
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
