//! What every handler needs (the ledger, the output format, where output goes) and the one
//! place output is written: stdout or the `--out` file, and messages for people on stderr.

use std::io::Write;
use std::path::PathBuf;

use super::{output, refuse_database};
use crate::db::Ledger;
use crate::error::Result;
use crate::render::{self, Document, Format};

/// What every handler needs: the database and where output goes.
pub struct Context {
    pub ledger: Ledger,
    pub format: Format,
    /// A file to write instead of stdout (`report --out`).
    pub out: Option<OutFile>,
}

/// Where `--out` sends a report, and whether it may replace a file already there.
pub struct OutFile {
    pub path: PathBuf,
    pub force: bool,
}

impl Context {
    /// Print a document on stdout in the chosen format, or write it to the `--out` file.
    pub fn show(&self, doc: &Document) -> Result<()> {
        match &self.out {
            Some(file) => {
                refuse_database(&file.path, &self.ledger)?;
                write_file(doc, self.format, file)
            }
            None => show(doc, self.format),
        }
    }
}

/// Write `doc` to `file`, whole or not at all, never over an existing file without `--force`.
fn write_file(doc: &Document, format: Format, file: &OutFile) -> Result<()> {
    output::write_atomically(&file.path, file.force, |out| {
        render::write(doc, format, false, out)
    })?;
    note(&format!("wrote {}", file.path.display()));
    Ok(())
}

pub fn show(doc: &Document, format: Format) -> Result<()> {
    use std::io::IsTerminal;
    let stdout = std::io::stdout();
    // https://no-color.org: any non-empty NO_COLOR turns colour off.
    let colour = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut out = std::io::BufWriter::new(stdout.lock());
    render::write(doc, format, colour, &mut out)?;
    out.flush()?;
    Ok(())
}

/// A message for people (warnings, where the demo database is): stderr, never mixed with data.
pub fn note(message: &str) {
    eprintln!("grantbook: {message}");
}
