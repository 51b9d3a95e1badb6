//! The header row: columns found by name, renamed by an import profile, and a file refused when
//! it lacks a column or has one nobody asked for.

use super::CsvInput;
use crate::error::{Error, Result};

/// A header as columns are compared: trimmed, lower case, `_` for spaces and dashes (`Voucher
/// No` is `voucher_no`).
pub fn normalized_header(header: &str) -> String {
    header.trim().to_lowercase().replace([' ', '-'], "_")
}

impl CsvInput {
    /// Read column `from` as `to` (another name for the same field), unless the file has both.
    pub fn alias(&mut self, from: &str, to: &str) {
        if self.headers.iter().any(|h| h == to) {
            return;
        }
        self.rename(|h| {
            if h == from {
                to.to_string()
            } else {
                h.to_string()
            }
        });
    }

    /// Read every column as the field an import profile (`label`) maps it to, "" for one it
    /// leaves out; a column the profile does not name is refused, as a plain import refuses
    /// one it does not know.
    pub fn read_through(&mut self, columns: &[(String, String)], label: &str) -> Result<()> {
        for (i, header) in self.headers.iter().enumerate() {
            if !header.is_empty() && !columns.iter().any(|(c, _)| c == header) {
                return Err(Error::invalid(format!(
                    "{}:1:{}: the profile {label} does not name column {header:?}; add it under \
                     [columns], as the field it holds or \"\" to leave it out",
                    self.label,
                    i + 1
                )));
            }
        }
        self.left_out = (self.headers.iter().enumerate())
            .filter(|(_, h)| columns.iter().any(|(c, f)| c == h && f.is_empty()))
            .map(|(i, _)| i)
            .collect();
        self.rename(|h| {
            let field = columns.iter().find(|(c, _)| c == h).map(|(_, f)| f);
            field.map_or_else(|| h.to_string(), Clone::clone)
        });
        Ok(())
    }

    fn rename(&mut self, name: impl Fn(&str) -> String) {
        self.headers = self.headers.iter().map(name).collect();
        let reader = self.reader.get_mut().unwrap_or_else(|e| e.into_inner());
        reader.set_headers(self.headers.clone());
        let left_out = &self.left_out;
        self.has_unnamed_columns =
            (self.headers.iter().enumerate()).any(|(i, h)| h.is_empty() && !left_out.contains(&i));
    }

    /// Refuse a file whose header lacks a required column or has one grantbook does not know
    /// (a misspelt column would otherwise be silently ignored).
    pub(super) fn check_columns(&self, required: &[&str], optional: &[&str]) -> Result<()> {
        let known = || [required, optional].concat().join(", ");
        for (i, name) in self.headers.iter().enumerate() {
            // Spreadsheets save empty columns after the last one; rows() checks they stay empty.
            if name.is_empty() {
                continue;
            }
            if !required.contains(&name) && !optional.contains(&name) {
                return Err(Error::invalid(format!(
                    "{}:1:{}: unknown column {name:?}; the columns are {}",
                    self.label,
                    i + 1,
                    known()
                )));
            }
            if self.headers.iter().take(i).any(|h| h == name) {
                return Err(Error::invalid(format!(
                    "{}:1:{}: column {name:?} appears twice",
                    self.label,
                    i + 1
                )));
            }
        }
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| !self.headers.iter().any(|h| h == *c))
            .collect();
        if !missing.is_empty() {
            return Err(Error::invalid(format!(
                "{}:1: missing column{} {}; the header must name {} (and may name {})",
                self.label,
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", "),
                required.join(", "),
                if optional.is_empty() {
                    "no others".to_string()
                } else {
                    optional.join(", ")
                }
            )));
        }
        Ok(())
    }
}
