//! Where the database file is, and guards around it: never written over by an output file, and
//! named when others can write it.

use std::path::{Path, PathBuf};

use super::note;
use crate::db::Ledger;
use crate::error::{Error, Result};

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
