//! `copy --to`: the whole ledger moved between a file and a PostgreSQL server, either way, with
//! its audit chain, and checked where it lands.

use std::io::Write;
use std::path::Path;

use super::database_file::server_url;
use super::output::create_atomically;
use super::{Context, note, refuse_database};
use crate::db::{Ledger, check_path_length, redact_url};
use crate::domain::check::CopySummary;
use crate::error::{Error, Result};
use crate::report::safety;

/// `copy --to TARGET`: a server URL (its database empty, or holding a ledger `--force`
/// replaces) or a new file (`--force` replaces an existing one, whole or not at all).
pub fn copy(to: &Path, force: bool, ctx: &Context) -> Result<()> {
    let from = ctx.ledger.place();
    let (summary, place) = match server_url(to) {
        Some(url) => {
            let mut target = Ledger::open_or_create_on_server(url)?;
            let summary = ctx.ledger.copy_into(&mut target, "copy", &from, force)?;
            check_copy(&target, &redact_url(url))?;
            (summary, redact_url(url))
        }
        None => {
            refuse_database(to, &ctx.ledger)?;
            let summary = copy_to_file(&ctx.ledger, to, force, &from)?;
            (summary, to.display().to_string())
        }
    };
    note(&format!(
        "copied the ledger to {place}; `check` finds it sound there"
    ));
    ctx.show(&safety::copied("copy", Path::new(&place), &summary, None))
}

/// Copy `ledger` into a new ledger file at `file`, written under a temporary name and renamed
/// into place once the copy checks sound.
pub fn copy_to_file(ledger: &Ledger, file: &Path, force: bool, from: &str) -> Result<CopySummary> {
    check_path_length(file)?;
    create_atomically(file, force, |path, out| {
        out.write_all(&Ledger::new_file()?)
            .map_err(Error::writing)?;
        out.sync_all().map_err(Error::writing)?;
        let mut target = Ledger::open(path)?;
        let summary = ledger.copy_into(&mut target, "copy", from, false)?;
        check_copy(&target, &file.display().to_string())?;
        Ok(summary)
    })
    .map_err(|e| e.in_file(file))
}

/// The copy must pass every check the ledger's own `check` runs.
fn check_copy(target: &Ledger, place: &str) -> Result<()> {
    let report = target.check(false)?;
    match report.problems() {
        0 => Ok(()),
        n => Err(Error::runtime(format!(
            "the copy in {place} fails {n} of `check`'s tests; run `grantbook --db {place} \
             check` to see them"
        ))),
    }
}
