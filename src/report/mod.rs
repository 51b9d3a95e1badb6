//! Reports: pure functions from domain values to [`Document`]s. No database, no printing.
//!
//! [`Document`]: crate::render::Document

pub mod burn;
pub mod grants;
pub mod listing;
pub mod summary;
