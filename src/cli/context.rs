//! What every handler needs (the ledger, the output format, where output goes) and the one
//! place output is written: stdout or the `--out` file, and messages for people on stderr.

use std::io::Write;
use std::path::PathBuf;

use super::{output, refuse_database};
use crate::db::{Ledger, Recorded};
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
    ///
    /// Once the command has committed a change, the document is its confirmation, and failing
    /// to print it (a full disk, `> /dev/full`, a closed pipe) does not undo the change: the
    /// command says on stderr what it recorded and succeeds, so that a non-zero exit always
    /// means the ledger is as it was, and running the command again is always safe.
    pub fn show(&self, doc: &Document) -> Result<()> {
        let shown = match &self.out {
            Some(file) => refuse_database(&file.path, &self.ledger)
                .and_then(|()| write_file(doc, self.format, file)),
            None => show(doc, self.format),
        };
        let recorded = self.ledger.recorded();
        match shown {
            Err(e) if !recorded.is_empty() => {
                note(&format!(
                    "{}; could not write the confirmation: {e}. The change stands: do not run \
                     the command again (`grantbook audit --limit {}` shows it)",
                    what_was_recorded(recorded),
                    recorded.len()
                ));
                Ok(())
            }
            shown => shown,
        }
    }
}

/// The changes a command committed, as its audit entries name them.
fn what_was_recorded(recorded: &[Recorded]) -> String {
    match recorded {
        [one] if one.action == "add" => format!(
            "recorded as {} {} (audit entry #{})",
            one.entity, one.key, one.audit_id
        ),
        [one] => format!(
            "recorded: {} {} {} (audit entry #{})",
            one.action, one.entity, one.key, one.audit_id
        ),
        [first, .., last] => format!(
            "recorded {} changes (audit entries #{} to #{})",
            recorded.len(),
            first.audit_id,
            last.audit_id
        ),
        [] => "recorded nothing".to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(audit_id: i64, action: &str, key: &str) -> Recorded {
        Recorded {
            audit_id,
            action: action.into(),
            entity: "expense".into(),
            key: key.into(),
        }
    }

    #[test]
    fn says_what_was_recorded() {
        let add = entry(40, "add", "#17 G-1 V-1");
        assert_eq!(
            what_was_recorded(std::slice::from_ref(&add)),
            "recorded as expense #17 G-1 V-1 (audit entry #40)"
        );
        let void = entry(41, "void", "#17 G-1 V-1");
        assert_eq!(
            what_was_recorded(std::slice::from_ref(&void)),
            "recorded: void expense #17 G-1 V-1 (audit entry #41)"
        );
        assert_eq!(
            what_was_recorded(&[add, void, entry(42, "correct", "#18 G-1 V-1")]),
            "recorded 3 changes (audit entries #40 to #42)"
        );
    }
}
