//! One error type for the whole program. Its kind decides the exit code: what the user typed or
//! loaded is wrong (2, nothing written), or the machine failed us (1).

use std::fmt;

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
}

#[derive(Debug)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// The input field the problem is in (`amount`, `date`...), when known, so that an import
    /// can point at the CSV column.
    pub field: Option<&'static str>,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn invalid(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Invalid,
            message: message.into(),
            field: None,
        }
    }

    pub fn runtime(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Runtime,
            message: message.into(),
            field: None,
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self.kind {
            ErrorKind::Invalid => 2,
            ErrorKind::Runtime | ErrorKind::Busy => 1,
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
        let message = format!("database error: {e}");
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) {
            return Error {
                kind: ErrorKind::Busy,
                message,
                field: None,
            };
        }
        Error::runtime(message)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Error {
                kind: ErrorKind::BrokenPipe,
                message: e.to_string(),
                field: None,
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

/// `map_err` shorthand: `parse(x).map_err(field("amount"))`.
pub fn field(name: &'static str) -> impl Fn(Error) -> Error {
    move |e| e.in_field(name)
}
