//! Reports: pure functions from domain values to [`Document`]s. No database, no printing.
//!
//! [`Document`]: crate::render::Document

pub mod actuals;
pub mod budget_table;
pub mod burn;
pub mod burn_report;
pub mod calendar;
pub mod categories;
pub mod chart;
pub mod cost_share;
pub mod donor;
pub mod grants;
pub mod iati;
pub mod imported;
pub mod listing;
pub mod monthly;
pub mod obligations;
pub mod offices;
pub mod portfolio;
pub mod rules;
pub mod safety;
pub mod summary;
