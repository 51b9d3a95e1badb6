//! The closed vocabularies of the ledger. Each is stored as its lowercase word, which the schema's
//! CHECK constraints list too.

use crate::error::{Error, Result};

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const WORDS: &'static [&'static str] = &[$($word),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }

            /// The word in any case; compared in place, as an import parses one per row.
            pub fn parse(text: &str) -> Result<Self> {
                let word = text.trim();
                $(if word.eq_ignore_ascii_case($word) {
                    return Ok($name::$variant);
                })+
                Err(Error::invalid(format!(
                    "{} {:?}: must be one of {}",
                    $what,
                    text,
                    Self::WORDS.join(", ")
                )))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

vocabulary!(DonorKind, "donor kind" {
    Government => "government",
    Multilateral => "multilateral",
    Foundation => "foundation",
    Private => "private",
    Other => "other",
});

vocabulary!(
    /// IATI ActivityStatus 1–6, in words.
    ProjectStatus, "project status" {
    Pipeline => "pipeline",
    Implementation => "implementation",
    Finalisation => "finalisation",
    Closed => "closed",
    Cancelled => "cancelled",
    Suspended => "suspended",
});

vocabulary!(GrantStatus, "grant status" {
    Active => "active",
    Closed => "closed",
    Suspended => "suspended",
});

vocabulary!(LineCategory, "budget category" {
    Staff => "staff",
    Activities => "activities",
    Training => "training",
    Equipment => "equipment",
    Travel => "travel",
    Indirect => "indirect",
    Other => "other",
});

vocabulary!(
    /// IATI TransactionType 4 (expenditure) or 3 (disbursement to a partner).
    /// What an entry of the expense table is: money paid out (IATI 4 or 3), or money that
    /// came back (a refund or credit note), which nets spend on the day it came back.
    ExpenseKind, "expense kind" {
    Expenditure => "expenditure",
    Disbursement => "disbursement",
    Refund => "refund",
});

impl ExpenseKind {
    /// +1 for money paid out, -1 for money that came back: what a sum of spend multiplies by.
    pub fn sign(self) -> rust_decimal::Decimal {
        match self {
            ExpenseKind::Refund => rust_decimal::Decimal::NEGATIVE_ONE,
            _ => rust_decimal::Decimal::ONE,
        }
    }

    /// "refund amount": how messages name the entry's amount (constant, so an import row
    /// does not format it).
    pub fn amount_label(self) -> &'static str {
        match self {
            ExpenseKind::Expenditure => "expenditure amount",
            ExpenseKind::Disbursement => "disbursement amount",
            ExpenseKind::Refund => "refund amount",
        }
    }

    /// "refund date", as [`ExpenseKind::amount_label`].
    pub fn date_label(self) -> &'static str {
        match self {
            ExpenseKind::Expenditure => "expenditure date",
            ExpenseKind::Disbursement => "disbursement date",
            ExpenseKind::Refund => "refund date",
        }
    }
}

vocabulary!(PeriodStatus, "period status" {
    Open => "open",
    Closed => "closed",
});

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn words_round_trip_and_unknown_words_list_the_choices() -> TestResult {
        for word in LineCategory::WORDS {
            assert_eq!(LineCategory::parse(word)?.as_str(), *word);
        }
        assert_eq!(
            ExpenseKind::parse(" Disbursement ")?,
            ExpenseKind::Disbursement
        );
        for kind in [
            ExpenseKind::Expenditure,
            ExpenseKind::Disbursement,
            ExpenseKind::Refund,
        ] {
            assert_eq!(kind.amount_label(), format!("{kind} amount"));
            assert_eq!(kind.date_label(), format!("{kind} date"));
        }
        let err = DonorKind::parse("goverment").unwrap_err();
        assert!(
            err.message.contains("government, multilateral"),
            "{}",
            err.message
        );
        Ok(())
    }
}

vocabulary!(
    /// What money received on a grant is: the donor's tranche, interest its money earned, or
    /// other income (a rebate, an asset sold). Only tranches count against the grant's amount.
    ReceiptKind, "receipt kind" {
    Tranche => "tranche",
    Interest => "interest",
    Other => "other",
});
