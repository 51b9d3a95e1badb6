//! grantbook: a grant and budget ledger for migrant-health projects on an embedded SQLite
//! database. See DESIGN.md for the map: `cli` -> `db`/`domain` -> `report` -> `render`.

pub mod cli;
pub mod db;
pub mod domain;
pub mod error;
pub mod render;
pub mod report;
