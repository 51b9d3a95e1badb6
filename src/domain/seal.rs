//! The audit log's hash chain. Each entry is sealed with the SHA-256 of the seal before it and
//! of its own content, so changing, removing or reordering an entry after the fact breaks the
//! chain at that entry.
//!
//! A seal proves the log was not edited by someone who did not also recompute every later
//! seal; the chain has no secret. What pins it against a full rewrite is the head: whoever
//! writes down the newest entry's number and seal (`grantbook audit verify` prints them) can
//! later show that the log still leads to them.

use sha2::{Digest, Sha256};

use super::AuditEntry;

/// The seal before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an audit entry says, in the order it is sealed.
pub struct Sealed<'a> {
    pub id: i64,
    pub at: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub key: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

impl Sealed<'_> {
    /// The seal of this entry following the entry sealed with `previous`, as 64 hex digits.
    ///
    /// Every field is written with its length first, so that no two different entries give
    /// the same bytes ("ab" + "c" is not "a" + "bc"), and an absent value is told apart from
    /// an empty one.
    pub fn seal(&self, previous: &str) -> String {
        let mut hash = Sha256::new();
        let fields = [
            Some(previous),
            Some(&*self.id.to_string()),
            Some(self.at),
            Some(self.actor),
            Some(self.action),
            Some(self.entity),
            Some(self.key),
            self.before,
            self.after,
        ];
        for field in fields {
            match field {
                Some(text) => {
                    hash.update((text.len() as u64).to_be_bytes());
                    hash.update(text.as_bytes());
                }
                None => hash.update(u64::MAX.to_be_bytes()),
            }
        }
        hex(&hash.finalize())
    }
}

/// An entry that breaks the chain, and how.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainBreak {
    /// The entry at which the chain breaks.
    pub id: i64,
    pub problem: String,
}

/// What a walk along the whole log found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ChainReport {
    pub entries: u64,
    /// The newest entry's number and seal: write them down to pin the log as it is now.
    pub head: Option<(i64, String)>,
    pub breaks: Vec<ChainBreak>,
}

/// Checks the log entry by entry, in the order of their numbers. Each entry is checked against
/// the seal stored on the entry before it, so one changed entry is named alone and the entries
/// after it still verify.
#[derive(Debug, Default)]
pub struct ChainWalk {
    entries: u64,
    last: Option<(i64, Option<String>)>,
    breaks: Vec<ChainBreak>,
}

impl ChainWalk {
    pub fn step(&mut self, entry: &AuditEntry) {
        self.entries += 1;
        let (last_id, previous) = match &self.last {
            Some((id, seal)) => (*id, seal.as_deref().unwrap_or(GENESIS)),
            None => (0, GENESIS),
        };
        let what = format!(
            "entry #{} ({} by {}: {} {} {})",
            entry.id, entry.at, entry.actor, entry.action, entry.entity, entry.key
        );
        // In i128: entry numbers written behind grantbook's back may be anywhere in i64.
        let skipped = i128::from(entry.id) - i128::from(last_id) - 1;
        let problem = if skipped > 0 {
            Some(match skipped {
                1 => format!(
                    "entry #{} is missing: it was deleted after it was recorded, or {what} was \
                     added behind grantbook's back with a number out of turn",
                    i128::from(last_id) + 1,
                ),
                n => format!(
                    "entries #{} to #{} ({n}) are missing: they were deleted after they were \
                     recorded, or {what} was added behind grantbook's back with a number out of \
                     turn",
                    i128::from(last_id) + 1,
                    i128::from(entry.id) - 1,
                ),
            })
        } else {
            match &entry.seal {
                None => Some(format!(
                    "{what} has no seal: it was written behind grantbook's back"
                )),
                Some(seal) if *seal != entry.sealed().seal(previous) => Some(format!(
                    "{what} does not match its seal: it, or the seal of the entry before it, \
                     was changed after it was recorded"
                )),
                Some(_) => None,
            }
        };
        if let Some(problem) = problem {
            self.breaks.push(ChainBreak {
                id: entry.id,
                problem,
            });
        }
        self.last = Some((entry.id, entry.seal.clone()));
    }

    pub fn finish(self) -> ChainReport {
        ChainReport {
            entries: self.entries,
            head: self
                .last
                .map(|(id, seal)| (id, seal.unwrap_or_else(|| GENESIS.to_string()))),
            breaks: self.breaks,
        }
    }
}

/// Lower-case hexadecimal, as `sha256sum` prints digests.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xF)] as char);
    }
    out
}

#[cfg(test)]
mod tests;
