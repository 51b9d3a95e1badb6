//! One error type for the whole program. Its kind decides the exit code: what the user typed or
//! loaded is wrong (2, nothing written), or the machine failed us (1).

use std::fmt;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad input, unknown code, a rule of the ledger refused it. Exit code 2.
    Invalid,
    /// Disk, database or I/O failure. Exit code 1.
    Runtime,
    /// SQLite said another process holds the database (SQLITE_BUSY): worth trying again, which
    /// the database layer does for a while before it turns this into a runtime error. Exit code 1.
    Busy,
    /// The reader of our output went away (`grantbook ... | head`): not a failure.
    BrokenPipe,
    /// The disk under a database failed SQLite (full, an I/O error, a journal file it could not
    /// create): a runtime failure, exit code 1, whose message does not name the file yet;
    /// [`Error::in_file`] does.
    Disk,
    /// SQLite found a database file damaged ("malformed"): exit code 1 for the ledger itself,
    /// while `restore` refuses such a copy as bad input. [`Error::in_file`] names the file.
    Damaged,
}

#[derive(Debug)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// The input field the problem is in (`amount`, `date`...), when known, so that an import
    /// can point at the CSV column.
    pub field: Option<&'static str>,
    /// Other problems found in the same input (the other bad fields of a row), each naming
    /// its field: an import reports them all at once.
    pub also: Vec<Error>,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn invalid(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Invalid,
            message: message.into(),
            field: None,
            also: Vec::new(),
        }
    }

    pub fn runtime(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Runtime,
            message: message.into(),
            field: None,
            also: Vec::new(),
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self.kind {
            ErrorKind::Invalid => 2,
            ErrorKind::Runtime | ErrorKind::Busy | ErrorKind::Disk | ErrorKind::Damaged => 1,
            ErrorKind::BrokenPipe => 0,
        }
    }

    /// Prefix the message with where the problem is (a file and line, a field).
    pub fn at(self, place: impl fmt::Display) -> Self {
        Error {
            message: format!("{place}: {}", self.message),
            ..self
        }
    }

    /// Name the database file a disk failure or damage was met in (a runtime error from then
    /// on); any other error is returned as it is.
    pub fn in_file(self, file: &Path) -> Self {
        let message = match self.kind {
            ErrorKind::Disk => format!("{}: {}", file.display(), self.message),
            ErrorKind::Damaged => format!(
                "{}: {}; bring back a backup with `grantbook restore --force BACKUP`",
                file.display(),
                self.message
            ),
            _ => return self,
        };
        Error {
            kind: ErrorKind::Runtime,
            message,
            ..self
        }
    }

    /// Writing a database's bytes failed: a full disk says so as SQLite's would.
    pub fn writing(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                disk(format!("the disk is full ({e})"))
            }
            _ => e.into(),
        }
    }

    /// This problem and the others found with it, one by one.
    pub fn all(mut self) -> Vec<Error> {
        let mut all = vec![];
        let also = std::mem::take(&mut self.also);
        all.push(self);
        all.extend(also);
        all
    }

    /// Say which input field the problem is in, unless a closer look already said so.
    pub fn in_field(self, field: &'static str) -> Self {
        Error {
            field: self.field.or(Some(field)),
            ..self
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        // grantbook validates before it writes, so a constraint firing means a value slipped past
        // that validation: still the input's fault, and SQLite rolled the statement back.
        if let rusqlite::Error::SqliteFailure(code, msg) = &e
            && code.code == rusqlite::ErrorCode::ConstraintViolation
        {
            let detail = msg.clone().unwrap_or_else(|| e.to_string());
            return Error::invalid(format!("the database refused the change: {detail}"));
        }
        let (code, extended) = match &e {
            rusqlite::Error::SqliteFailure(code, _) => (code.code, code.extended_code),
            _ => return Error::runtime(format!("database error: {e}")),
        };
        let kind = |kind, message| Error {
            kind,
            message,
            field: None,
            also: Vec::new(),
        };
        match code {
            rusqlite::ErrorCode::DatabaseBusy => {
                kind(ErrorKind::Busy, format!("database error: {e}"))
            }
            rusqlite::ErrorCode::DiskFull => disk(format!("the disk is full ({e})")),
            rusqlite::ErrorCode::SystemIoFailure => disk(format!(
                "the disk could not be read or written ({e}, SQLite code {extended}): it is full, \
                 read-only or failing"
            )),
            // The database file itself was opened before (`Ledger::open`): this is a file SQLite
            // keeps beside it, or a temporary one.
            rusqlite::ErrorCode::CannotOpen => disk(format!(
                "SQLite could not create the files it keeps beside the database (its -wal and \
                 -shm journals) or a temporary file ({e}): the disk is full, or the directory \
                 is not writable"
            )),
            rusqlite::ErrorCode::DatabaseCorrupt => {
                kind(ErrorKind::Damaged, format!("the database is damaged ({e})"))
            }
            _ => Error::runtime(format!("database error: {e}")),
        }
    }
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        let Some(db) = e.as_db_error() else {
            return Error::runtime(format!(
                "lost the PostgreSQL server: {}; check that it runs and try again",
                crate::db::describe_pg_error(&e)
            ));
        };
        let code = db.code().code();
        let kind = |kind, message| Error {
            kind,
            message,
            field: None,
            also: Vec::new(),
        };
        match code {
            // Another transaction's writes conflicted with this one's: worth trying again.
            "40001" | "40P01" | "55P03" => {
                kind(ErrorKind::Busy, format!("database error: {}", db.message()))
            }
            // As SQLite's constraints: a value slipped past grantbook's own validation.
            _ if code.starts_with("23") => {
                Error::invalid(format!("the database refused the change: {}", db.message()))
            }
            // Row-level security: an officer's entry for an office that is not theirs.
            "42501" if db.message().contains("row-level security") => Error::invalid(format!(
                "the database refused the entry ({}): your database role records only for its \
                 own offices; set GRANTBOOK_OFFICE to one of them",
                db.message()
            )),
            "42501" => Error::invalid(format!(
                "the database refused: {}. Your database role may not make this change; a \
                 manager's may (`grantbook admin roles` lists what each role may do)",
                db.message()
            )),
            "53100" => disk(format!("the server's disk is full ({})", db.message())),
            "XX001" | "XX002" => kind(
                ErrorKind::Damaged,
                format!("the database is damaged ({})", db.message()),
            ),
            _ => Error::runtime(format!("database error: {}", db.message())),
        }
    }
}

/// A disk failure: what happened, that nothing was written, and what to free.
fn disk(what: String) -> Error {
    Error {
        kind: ErrorKind::Disk,
        message: format!(
            "{what}. Nothing was written: the ledger is as it was before this command. Free \
             space on that disk (`df -h` shows what is left) and run the command again"
        ),
        field: None,
        also: Vec::new(),
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Error {
                kind: ErrorKind::BrokenPipe,
                message: e.to_string(),
                field: None,
                also: Vec::new(),
            };
        }
        // Raised by readers that check what they read (an exported JSON table read as CSV).
        if e.kind() == std::io::ErrorKind::InvalidData {
            return Error::invalid(e.to_string());
        }
        Error::runtime(format!("I/O error: {e}"))
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        match e.kind() {
            csv::ErrorKind::Io(_) => match e.into_kind() {
                csv::ErrorKind::Io(io) => io.into(),
                other => Error::runtime(format!("I/O error: {other:?}")),
            },
            // csv's own message already starts with "CSV error".
            _ => Error::invalid(e.to_string()),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        if let Some(kind) = e.io_error_kind() {
            return std::io::Error::from(kind).into();
        }
        Error::runtime(format!("JSON error: {e}"))
    }
}

/// The problems of one input (a row of a file, a command's flags), gathered field by field so
/// that all of them are reported at once, not only the first.
#[derive(Default)]
pub struct Gather(Vec<Error>);

impl Gather {
    /// The value, or None with its problem kept, named after `field`.
    pub fn take<T>(&mut self, field: &'static str, value: Result<T>) -> Option<T> {
        value.map_err(|e| self.0.push(e.in_field(field))).ok()
    }

    pub fn push(&mut self, problem: Error) {
        self.0.push(problem);
    }

    /// Every problem gathered, as one error: the first, with the others in `also`.
    pub fn finish(self) -> Result<()> {
        let mut problems = self.0.into_iter();
        match problems.next() {
            None => Ok(()),
            Some(first) => Err(Error {
                also: problems.collect(),
                ..first
            }),
        }
    }
}

/// `map_err` shorthand: `parse(x).map_err(field("amount"))`.
pub fn field(name: &'static str) -> impl Fn(Error) -> Error {
    move |e| e.in_field(name)
}
