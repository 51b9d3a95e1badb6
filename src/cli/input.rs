//! Reading what users give: optional flags, CSV cells and dates, with errors that say where.

use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::dates::{not_after, parse_date};
use crate::domain::text;
use crate::error::{Error, Result};

/// clap's own refusal of an argument, with what was typed in it (a value, an unknown flag or
/// subcommand) escaped as grantbook's own messages show it: clap quotes it as typed.
pub fn typed_escaped(mut error: clap::Error) -> clap::Error {
    use clap::error::{ContextKind, ContextValue};
    for kind in [
        ContextKind::InvalidValue,
        ContextKind::InvalidArg,
        ContextKind::InvalidSubcommand,
    ] {
        if let Some(ContextValue::String(typed)) = error.get(kind) {
            let shown = text::escaped(typed);
            error.insert(kind, ContextValue::String(shown));
        }
    }
    error
}

/// The value of an optional field, treating an empty CSV cell like an absent flag.
pub fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Today in the user's time zone, read once: an import of a million rows asks for it a
/// million times, and all of them must agree even if the import runs past midnight.
pub fn today() -> NaiveDate {
    static TODAY: OnceLock<NaiveDate> = OnceLock::new();
    *TODAY.get_or_init(|| chrono::Local::now().date_naive())
}

/// A date that has already happened (money paid or received).
pub fn past_date(what: &str, text: &str) -> Result<NaiveDate> {
    let date = parse_date(what, text)?;
    not_after(what, date, today())?;
    Ok(date)
}

/// A date that has come, for a decision or a change on record: one in the future is refused
/// with `when`, which says when to record it (e.g. "once it has taken effect").
pub fn not_future(what: &str, text: &str, when: &str) -> Result<NaiveDate> {
    let date = parse_date(what, text)?;
    if date > today() {
        return Err(Error::invalid(format!(
            "{what} {date} is in the future (today is {}); record it {when}",
            today()
        )));
    }
    Ok(date)
}

/// A moment as the ledger stores it (UTC, `YYYY-MM-DDTHH:MM:SSZ`) from RFC 3339 text such as
/// an export's `voided_at`; empty means none given.
pub fn given_timestamp(text: &str) -> Result<Option<String>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let moment = chrono::DateTime::parse_from_rfc3339(text).map_err(|e| {
        Error::invalid(format!(
            "{text:?} is not a date and time ({e}); write it as 2024-03-31T14:05:00Z"
        ))
    })?;
    let utc = moment.with_timezone(&chrono::Utc);
    if utc > chrono::Utc::now() {
        return Err(Error::invalid(format!("{text} is in the future")));
    }
    Ok(Some(utc.format("%Y-%m-%dT%H:%M:%SZ").to_string()))
}

/// A yes/no CSV cell: `true`/`false`, `yes`/`no`, `1`/`0`, or empty for no.
pub fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<bool, D::Error> {
    let text = String::deserialize(d)?;
    match text.trim().to_lowercase().as_str() {
        "" | "false" | "no" | "0" => Ok(false),
        "true" | "yes" | "1" => Ok(true),
        other => Err(serde::de::Error::custom(format!(
            "{other:?} is not a yes/no value; use true or false"
        ))),
    }
}
