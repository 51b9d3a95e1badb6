//! Where the database file is, and guards around it: a path that names a file, a new one
//! created whole or not at all, never written over by an output file, and named when others
//! can write it.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::note;
use super::output::create_new_atomically;
use crate::db::{Ledger, check_path_length, redact_url};
use crate::error::{Error, Result};

/// The database's path: `given` by `--db` or by `GRANTBOOK_DB` (`from_env`), else the default.
/// A blank value or `-` is refused, naming where it came from: a database is a file, and
/// `-` (standard input) cannot hold one.
pub fn database_path(given: Option<PathBuf>, from_env: bool) -> Result<PathBuf> {
    let Some(path) = given else {
        return default_db_path();
    };
    let (source, fix) = match from_env {
        true => (
            "the GRANTBOOK_DB variable",
            "set it to the database file's path (export GRANTBOOK_DB=~/office.db), or unset it \
             to use the default",
        ),
        false => ("--db", "give the database file's path, e.g. --db office.db"),
    };
    let text = path.to_string_lossy();
    if server_url(&path).is_some() {
        return Err(Error::invalid(format!(
            "{source} names a PostgreSQL server ({}), but this needs a ledger file; give the \
             path of one",
            redact_url(&text)
        )));
    }
    let what = if text.trim().is_empty() {
        format!("is {}", if text.is_empty() { "empty" } else { "blank" })
    } else if text == "-" {
        "is `-`: a database is a file, not standard input or output".to_string()
    } else {
        return Ok(path);
    };
    Err(Error::invalid(format!("{source} {what}; {fix}")))
}

/// The PostgreSQL URL `given` names, if it names a server rather than a file.
pub fn server_url(given: &Path) -> Option<&str> {
    given
        .to_str()
        .filter(|text| text.starts_with("postgres://") || text.starts_with("postgresql://"))
}

/// `init`: the directories on the way to `path` (the default one is in the data directory),
/// then a new ledger there.
pub fn init(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| match e.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                Error::writing(e).in_file(dir)
            }
            _ => Error::invalid(format!(
                "cannot create the directory {} for the ledger ({e}); give --db a path in a \
                 directory you can write",
                dir.display()
            )),
        })?;
    }
    create(path)?;
    note(&format!("created {}", path.display()));
    Ok(())
}

/// Create a new, empty ledger at `path`, readable and writable by its owner only, whole or
/// not at all: it is written under a temporary name beside `path` and renamed into place, never
/// over a file that is there, or that appears meanwhile. A failure leaves nothing behind.
pub fn create(path: &Path) -> Result<()> {
    let exists = || {
        Error::invalid(format!(
            "{} already exists; grantbook never overwrites a database. Choose another path, \
             or remove the file if you really mean to start over",
            path.display()
        ))
    };
    if path.exists() {
        return Err(exists());
    }
    check_path_length(path)?;
    let bytes = Ledger::new_file()?;
    create_new_atomically(path, &exists, |_, file| {
        file.write_all(&bytes).map_err(Error::writing)
    })
    .map_err(|e| e.in_file(path))
}

/// Refuse an output file that is the ledger's own database (or its journal): `--force` would
/// otherwise replace the ledger with a report.
pub fn refuse_database(out: &Path, ledger: &Ledger) -> Result<()> {
    let Some(database) = ledger.file() else {
        return Ok(());
    };
    let Ok(out_dir) = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .canonicalize()
    else {
        return Ok(()); // A directory that does not exist holds no database.
    };
    let out = out_dir.join(out.file_name().unwrap_or_default());
    let database = database.canonicalize()?;
    let journals = ["", "-wal", "-shm", "-journal"].map(|suffix| {
        let mut name = database.clone().into_os_string();
        name.push(suffix);
        PathBuf::from(name)
    });
    if journals.contains(&out) {
        return Err(Error::invalid(format!(
            "{} is the ledger's own database (or one of its journal files); choose another file",
            out.display()
        )));
    }
    Ok(())
}

/// Anyone who can write the database file can rewrite the books (and, with them, the audit
/// log's chain): say so every time it is opened. grantbook creates it for its owner only.
pub fn warn_if_others_can_write(db: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(db)
            && meta.permissions().mode() & 0o022 != 0
        {
            note(&format!(
                "warning: {} can be written by other users (mode {:o}); anyone who can write it \
                 can change the books. Make it yours alone: chmod 600 {}",
                db.display(),
                meta.permissions().mode() & 0o777,
                db.display()
            ));
        }
    }
}

pub fn default_db_path() -> Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join("grantbook").join("grantbook.db"))
        .ok_or_else(|| {
            Error::invalid("cannot find your data directory; give the database with --db PATH")
        })
}
