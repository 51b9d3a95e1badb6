//! The end-to-end suite again, on PostgreSQL: every file below runs here as it runs on its own,
//! with each test's ledger in a schema of its own on the server `GRANTBOOK_TEST_PG` names
//! (see `common/server.rs`). The files left out open the SQLite file itself (its pages, its
//! journal, its permissions), or run thousands of hostile inputs on copies of one file, and so
//! test only that backend.

// Each file below brings `common` along, as it does when it runs alone.
#![allow(clippy::duplicate_mod)]

#[path = "amendment_export.rs"]
mod amendment_export;
#[path = "amendments.rs"]
mod amendments;
#[path = "as_of.rs"]
mod as_of;
#[path = "budget_file.rs"]
mod budget_file;
#[path = "bulk_import.rs"]
mod bulk_import;
#[path = "burn_bar.rs"]
mod burn_bar;
#[path = "concurrency.rs"]
mod concurrency;
#[path = "confirmation.rs"]
mod confirmation;
#[path = "copy.rs"]
mod copy;
#[path = "cost_share.rs"]
mod cost_share;
#[path = "donor_categories.rs"]
mod donor_categories;
#[path = "donor_report.rs"]
mod donor_report;
#[path = "donor_rules.rs"]
mod donor_rules;
#[path = "fit.rs"]
mod fit;
#[path = "frictions.rs"]
mod frictions;
#[path = "fx_rates.rs"]
mod fx_rates;
#[path = "hostile_messages.rs"]
mod hostile_messages;
#[path = "html_report.rs"]
mod html_report;
#[path = "iati.rs"]
mod iati;
#[path = "iati_registry.rs"]
mod iati_registry;
#[path = "import_export.rs"]
mod import_export;
#[path = "import_faults.rs"]
mod import_faults;
#[path = "import_profiles.rs"]
mod import_profiles;
#[path = "obligations.rs"]
mod obligations;
#[path = "offices.rs"]
mod offices;
#[path = "receipt_void.rs"]
mod receipt_void;
#[path = "refunds.rs"]
mod refunds;
#[path = "report_calendar.rs"]
mod report_calendar;
#[path = "report_out.rs"]
mod report_out;
#[path = "reports.rs"]
mod reports;
#[path = "roles.rs"]
mod roles;
#[path = "round_trip.rs"]
mod round_trip;
#[path = "spreadsheet_safe.rs"]
mod spreadsheet_safe;
#[path = "text_and_codes.rs"]
mod text_and_codes;
#[path = "xlsx_listing.rs"]
mod xlsx_listing;
#[path = "xlsx_report.rs"]
mod xlsx_report;
