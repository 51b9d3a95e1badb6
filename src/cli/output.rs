//! Writing a file the user named (`export iati --out`, `export --all`) so that the name never
//! holds half a file: the content goes to a new temporary file of a unique name in the same
//! directory (created with `create_new`, so nothing of the user's is ever overwritten on the
//! way), which is renamed into place once whole, and removed if writing fails.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Write `target` with what `write` puts out, all or nothing. Without `force` an existing
/// `target` is refused (exit 2), and is not replaced either if it appears meanwhile.
pub fn write_atomically<T>(
    target: &Path,
    force: bool,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    let shown = target.display();
    create_atomically(target, force, |_, file| {
        let mut out = BufWriter::new(file);
        let value = write(&mut out)?;
        out.flush()
            .map_err(|e| Error::runtime(format!("cannot write {shown}: {e}")))?;
        Ok(value)
    })
}

/// Make `target` all or nothing: `fill` is given a new temporary file (its path and the open
/// file) in the same directory to fill, which is then renamed into place.
pub fn create_atomically<T>(
    target: &Path,
    force: bool,
    fill: impl FnOnce(&Path, &mut File) -> Result<T>,
) -> Result<T> {
    let exists = || {
        Error::invalid(format!(
            "{} already exists; choose another name, or add --force to replace it",
            target.display()
        ))
    };
    create(target, force, &exists, fill)
}

/// [`create_atomically`] for a file that is never replaced: when `target` exists, or appears
/// meanwhile, `exists` says why it is refused.
pub fn create_new_atomically<T>(
    target: &Path,
    exists: &dyn Fn() -> Error,
    fill: impl FnOnce(&Path, &mut File) -> Result<T>,
) -> Result<T> {
    create(target, false, exists, fill)
}

fn create<T>(
    target: &Path,
    force: bool,
    exists: &dyn Fn() -> Error,
    fill: impl FnOnce(&Path, &mut File) -> Result<T>,
) -> Result<T> {
    let shown = target.display();
    if target.is_dir() {
        return Err(Error::invalid(format!(
            "{shown} is a directory; give a file name, e.g. {}",
            target.join("out.xml").display()
        )));
    }
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        let why = if dir.exists() {
            format!("{} is not a directory", dir.display())
        } else {
            format!(
                "the directory {} does not exist; create it first, or write elsewhere",
                dir.display()
            )
        };
        return Err(Error::invalid(format!("cannot write {shown}: {why}")));
    }
    if !force && target.exists() {
        return Err(exists());
    }
    let prefix = format!(
        ".{}.",
        target
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    );
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // tempfile's own mode, 0600: every file grantbook writes (ledgers, backups, exports,
    // reports) holds staff names and amounts, readable by its owner only.
    let mut temp = builder
        .tempfile_in(dir)
        .map_err(|e| Error::invalid(format!("cannot write {shown}: {e}")))?;
    // From here an early return drops `temp`, which removes the temporary file.
    let path = temp.path().to_path_buf();
    let value = fill(&path, temp.as_file_mut())?;
    temp.as_file()
        .sync_all()
        .map_err(|e| Error::runtime(format!("cannot write {shown}: {e}")))?;
    let persisted = if force {
        temp.persist(target)
    } else {
        temp.persist_noclobber(target)
    };
    // A failed persist hands the temporary file back in the error, and dropping it removes it.
    persisted.map_err(|e| match e.error.kind() {
        std::io::ErrorKind::AlreadyExists => exists(),
        _ => Error::runtime(format!("cannot write {shown}: {}", e.error)),
    })?;
    // The new name is durable only once the directory holding it is on disk too.
    #[cfg(unix)]
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_whole_and_replaces_only_with_force() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("pub.xml");
        let n = write_atomically(&target, false, |w| Ok(w.write(b"one")?)).unwrap();
        assert_eq!(n, 3);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "one");
        let e = write_atomically(&target, false, |w| Ok(w.write_all(b"two")?)).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message.contains("--force"), "{}", e.message);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "one");
        write_atomically(&target, true, |w| Ok(w.write_all(b"two")?)).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "two");
        assert_eq!(names(dir.path()), ["pub.xml"]);
    }

    #[test]
    fn a_user_s_partial_file_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("pub.xml");
        let partial = dir.path().join("pub.xml.partial");
        std::fs::write(&partial, "mine").unwrap();
        write_atomically(&target, false, |w| Ok(w.write_all(b"new")?)).unwrap();
        assert_eq!(std::fs::read_to_string(&partial).unwrap(), "mine");
        assert_eq!(names(dir.path()), ["pub.xml", "pub.xml.partial"]);
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("pub.xml");
        let e = write_atomically(&target, false, |w| {
            w.write_all(&[b'x'; 100_000])?;
            Err::<(), _>(Error::runtime("disk full"))
        })
        .unwrap_err();
        assert_eq!(e.message, "disk full");
        assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
        // Nor does it touch the file already there with --force.
        std::fs::write(&target, "old").unwrap();
        write_atomically(&target, true, |_| Err::<(), _>(Error::runtime("disk full"))).unwrap_err();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(names(dir.path()), ["pub.xml"]);
    }

    #[test]
    fn a_new_file_never_replaces_one_that_appears_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("ledger.db");
        let exists = || Error::invalid("there already");
        let e = create_new_atomically(&target, &exists, |_, file| {
            file.write_all(b"new")?;
            std::fs::write(&target, "theirs")?;
            Ok(())
        })
        .unwrap_err();
        assert_eq!(e.message, "there already");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "theirs");
        assert_eq!(names(dir.path()), ["ledger.db"]);
    }

    #[test]
    fn a_missing_directory_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("nodir").join("x.xml");
        let e = write_atomically(&target, false, |_| Ok(())).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message.contains("nodir does not exist"), "{}", e.message);
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        let e = write_atomically(&file.join("x.xml"), false, |_| Ok(())).unwrap_err();
        assert!(e.message.contains("is not a directory"), "{}", e.message);
        let e = write_atomically(dir.path(), false, |_| Ok(())).unwrap_err();
        assert!(e.message.contains("is a directory"), "{}", e.message);
    }
}
