//! What `grantbook check` found: one outcome per check, each with the rows it concerns.

use serde::Serialize;

/// How many findings of one check are kept to show; the rest are only counted, so a check of a
/// million damaged rows neither floods the screen nor fills memory.
pub const FINDINGS_KEPT: usize = 100;

/// One problem, and the row it concerns ("expense #42", "audit entry #7").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub place: String,
    pub problem: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckOutcome {
    /// Short name, as in the output's `check` column.
    pub name: &'static str,
    /// What the check makes sure of, for people.
    pub title: &'static str,
    /// How many rows (or pages, or entries) it looked at.
    pub examined: u64,
    /// How many problems it found, kept or not.
    pub found: u64,
    /// The first [`FINDINGS_KEPT`] of them.
    pub findings: Vec<Finding>,
}

impl CheckOutcome {
    pub fn new(name: &'static str, title: &'static str) -> CheckOutcome {
        CheckOutcome {
            name,
            title,
            examined: 0,
            found: 0,
            findings: Vec::new(),
        }
    }

    pub fn add(&mut self, place: impl Into<String>, problem: impl Into<String>) {
        self.found += 1;
        if self.findings.len() < FINDINGS_KEPT {
            self.findings.push(Finding {
                place: place.into(),
                problem: problem.into(),
            });
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub checks: Vec<CheckOutcome>,
}

impl CheckReport {
    /// Problems found by all checks together.
    pub fn problems(&self) -> u64 {
        self.checks.iter().map(|c| c.found).sum()
    }
}

/// What a copy of the ledger (a backup, a restore) holds, to tell the user and to tick off
/// against the ledger.
#[derive(Debug, Clone, Serialize)]
pub struct CopySummary {
    pub bytes: u64,
    pub expenses: i64,
    pub audit_entries: i64,
    /// The newest audit entry's number and seal: the copy's fingerprint for people.
    pub audit_head: Option<(i64, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_findings_and_counts_them_all() {
        let mut outcome = CheckOutcome::new("conversion", "converted amounts");
        for id in 1..=(FINDINGS_KEPT as i64 + 5) {
            outcome.add(format!("expense #{id}"), "off by a cent");
        }
        assert_eq!(outcome.found, FINDINGS_KEPT as u64 + 5);
        assert_eq!(outcome.findings.len(), FINDINGS_KEPT);
        assert_eq!(outcome.findings[0].place, "expense #1");
        let report = CheckReport {
            checks: vec![outcome, CheckOutcome::new("integrity", "pages")],
        };
        assert_eq!(report.problems(), FINDINGS_KEPT as u64 + 5);
    }
}
