//! What an import says about rows whose key the ledger already holds (an expense's voucher, a
//! receipt's reference): with `--skip-duplicates`, how many rows it skipped and which of them
//! differ from what is recorded; without it, when such rows are refused, that the flag records
//! only a file's new rows.

use super::csv_input::{ERRORS_SHOWN, Place};
use super::note;
use crate::error::Error;

/// The rows an import skipped, as it reads them.
pub struct Skipped {
    /// The key as messages name it: "voucher", "reference".
    key: &'static str,
    /// How to change what is recorded, for rows that differ from it.
    change: &'static str,
    count: u64,
    /// The first rows that differ from what is recorded, and how many there are in all.
    differing: Vec<String>,
    differing_count: usize,
}

impl Skipped {
    pub fn new(key: &'static str, change: &'static str) -> Skipped {
        Skipped {
            key,
            change,
            count: 0,
            differing: Vec::new(),
            differing_count: 0,
        }
    }

    /// The row at `place` of file `label` was skipped; `differs` says how it differs from
    /// the entry recorded under its key, if it does.
    pub fn row(&mut self, label: &str, place: Place, differs: Option<String>) {
        self.count += 1;
        if let Some(how) = differs {
            self.differing_count += 1;
            if self.differing.len() < ERRORS_SHOWN {
                self.differing
                    .push(format!("{label}:{}: {how}", place.line));
            }
        }
    }

    /// Say on stderr how many rows were skipped, and name those that differ.
    pub fn report(&self) {
        if self.count > 0 {
            note(&format!(
                "skipped {} row{} whose {} was already recorded",
                self.count,
                if self.count == 1 { "" } else { "s" },
                self.key
            ));
        }
        if self.differing_count > 0 {
            note(&format!(
                "{} of them differ from what is recorded; the ledger keeps its figures ({}):",
                self.differing_count, self.change
            ));
            for how in &self.differing {
                eprintln!("  {how}");
            }
            if self.differing_count > self.differing.len() {
                eprintln!(
                    "  ... and {} more",
                    self.differing_count - self.differing.len()
                );
            }
        }
    }

    /// The refusal of an import, `e`, advising `--skip-duplicates` when `already` of its
    /// refused rows hold a key the ledger held before the import began.
    pub fn advise(&self, mut e: Error, already: u64) -> Error {
        if already > 0 {
            e.message.push_str(&format!(
                "\n{already} of the refused rows have {}s the ledger already holds: if this file \
                 was imported before, add --skip-duplicates to record only its new rows.",
                self.key
            ));
        }
        e
    }
}
