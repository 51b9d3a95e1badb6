//! What a ledger knows for publishing to IATI beyond its money: registered organisations, each
//! donor's identifier and defaults, each project's sectors, scope and humanitarian flag, and
//! the donor's activity identifier of a grant. Set by `organisation set`, `donor iati`,
//! `project iati` and `grant iati`; read by `export iati`.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

/// An organisation as projects and payees name it, with what IATI publishes of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct RegisteredOrganisation {
    pub name: String,
    /// Registered identifier (`XM-DAC-47066`), when it has one.
    pub iati_id: Option<String>,
    /// OrganisationType code.
    pub org_type: String,
    pub email: String,
    pub telephone: String,
    pub website: String,
    pub address: String,
}

/// A donor's registered identifier and the codes its grants are published with by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct DonorPublishing {
    pub iati_id: Option<String>,
    pub aid_type: Option<String>,
    pub finance_type: Option<String>,
    pub flow_type: Option<String>,
    pub collaboration_type: Option<String>,
}

/// A project's sectors (DAC 5-digit code and percentage, adding up to 100), ActivityScope code
/// and humanitarian flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ProjectPublishing {
    pub sectors: Vec<(String, Decimal)>,
    pub scope: Option<String>,
    pub humanitarian: Option<bool>,
}

/// Everything `export iati` needs beyond the grants' records, read in the same snapshot.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Publishing {
    /// By name.
    pub organisations: BTreeMap<String, RegisteredOrganisation>,
    /// By donor code.
    pub donors: BTreeMap<String, DonorPublishing>,
    /// By project code.
    pub projects: BTreeMap<String, ProjectPublishing>,
    /// The donor's IATI activity identifier, by grant reference.
    pub donor_activity_ids: BTreeMap<String, String>,
    /// When the ledger last changed (its newest audit entry, UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    pub last_change: Option<String>,
}
