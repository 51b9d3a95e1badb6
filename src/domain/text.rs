//! Codes and free text as typed by users: trimmed, bounded, free of control characters.

use crate::error::{Error, Result};

/// A short identifier: donor, project and line codes, grant references, period codes.
/// Letters, digits and `. _ - /`, starting with a letter or digit, at most 60 characters.
/// Spaces around it are dropped; any other character is refused, wherever it is, so a code
/// is stored as typed or not at all (a tab or vertical tab at its end is not quietly cut off).
pub fn code(what: &str, text: &str) -> Result<String> {
    let s = text.trim_matches(' ');
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/');
    let valid = !s.is_empty()
        && s.len() <= 60
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars().all(ok_char);
    if !valid {
        return Err(Error::invalid(format!(
            "{what} {text:?}: use 1 to 60 letters, digits, '.', '_', '-' or '/', starting with a \
             letter or digit, e.g. JP-MA-MHPSS-2021"
        )));
    }
    Ok(s.to_string())
}

/// Words the reports print in a code's column ("TOTAL" rows, the "unallocated" budget row):
/// a line or grant named so would be read as one of those rows.
const RESERVED: &[&str] = &["TOTAL", "unallocated"];

/// A code that becomes a row of a report (a budget line code, a grant reference): a [`code`],
/// and none of the words the reports use for their own rows, in any case.
pub fn row_code(what: &str, text: &str) -> Result<String> {
    let code = code(what, text)?;
    match RESERVED.iter().find(|r| r.eq_ignore_ascii_case(&code)) {
        Some(word) => Err(Error::invalid(format!(
            "{what} {code:?} is the word the reports use for their {word} row, so it would be \
             read as one; choose another, e.g. {code}-1"
        ))),
        None => Ok(code),
    }
}

/// Required one-line text (names, titles, payees, reasons), at most `max` characters.
pub fn required(what: &str, text: &str, max: usize) -> Result<String> {
    let s = bounded(what, text, max, false)?;
    if s.is_empty() {
        return Err(Error::invalid(format!("{what} is empty; it is required")));
    }
    Ok(s)
}

/// Free text that may be empty and span lines (descriptions), at most `max` characters.
pub fn optional(what: &str, text: &str, max: usize) -> Result<String> {
    bounded(what, text, max, true)
}

/// Text is stored as typed but for white space at either end: every Unicode white-space
/// character there (spaces, tabs, no-break and ideographic spaces, line breaks, line and
/// paragraph separators, vertical tab, form feed) is dropped, in every command and every
/// importer alike. Inside, control characters are refused, and so are line and paragraph
/// separators in one-line text; a description may hold line breaks and tabs.
fn bounded(what: &str, text: &str, max: usize, multiline: bool) -> Result<String> {
    let s = text.trim();
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if let Some(c) = s.chars().find(|&c| c.is_control() && !allowed(c)) {
        return Err(Error::invalid(format!(
            "{what} contains a control character (U+{:04X}); remove it",
            c as u32
        )));
    }
    if let Some(c) = s
        .chars()
        .find(|&c| !multiline && matches!(c, '\u{2028}' | '\u{2029}'))
    {
        return Err(Error::invalid(format!(
            "{what} contains a line break (U+{:04X}); it is one line of text",
            c as u32
        )));
    }
    if s.chars().count() > max {
        return Err(Error::invalid(format!(
            "{what} is {} characters long; at most {max} are allowed",
            s.chars().count()
        )));
    }
    Ok(s.to_string())
}

/// `text` as a message shows what was typed: every character `{:?}` escapes (control
/// characters such as tab, carriage return, form feed and NEL, line and paragraph separators,
/// the right-to-left override and the other invisible format characters) escaped as it
/// escapes them, quotes and backslashes left alone, so that a value quoted by whoever wrote
/// the message is not quoted twice. A raw control character in a terminal can move the cursor
/// or turn the rest of the line round, so that the message no longer says what it says.
pub fn escaped(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['\\', '\'', '"']) {
        shown.extend(rest[..at].escape_debug());
        shown.push_str(&rest[at..at + 1]);
        rest = &rest[at + 1..];
    }
    shown.extend(rest.escape_debug());
    shown
}

/// A message of several lines as [`escaped`] shows text: its line breaks kept, every other
/// character escaped that `{:?}` escapes. The last guard before a message reaches the
/// terminal, whatever it quotes and however.
pub fn escaped_lines(message: &str) -> String {
    message
        .split('\n')
        .map(escaped)
        .collect::<Vec<_>>()
        .join("\n")
}

/// An ISO 3166-1 alpha-2 country code, upper-cased (`ma` -> `MA`). Whether the code exists is
/// the database's country table's call.
pub fn country(text: &str) -> Result<String> {
    let s = text.trim().to_ascii_uppercase();
    if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Error::invalid(format!(
            "country {text:?}: use the two-letter ISO 3166 code, e.g. MA for Morocco"
        )));
    }
    Ok(s)
}

/// A list of country codes separated by `;` or `,` (`MA;TN`), each as [`country`] reads it;
/// a code that is not one is refused naming the list, `what` it is, and the code.
pub fn countries(what: &str, text: &str) -> Result<Vec<String>> {
    text.split([';', ','])
        .filter(|c| !c.trim().is_empty())
        .map(|c| {
            country(c).map_err(|_| {
                Error::invalid(format!(
                    "{what} {text:?}: {c:?} is not a country code; give two-letter ISO 3166 \
                     codes separated by ';' or ',', e.g. MA;TN"
                ))
            })
        })
        .collect()
}

/// An ISO 4217 currency code, upper-cased.
pub fn currency(text: &str) -> Result<String> {
    let s = text.trim().to_ascii_uppercase();
    if s.len() != 3 || !s.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Error::invalid(format!(
            "currency {text:?}: use the three-letter ISO 4217 code, e.g. USD or MAD"
        )));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn codes() -> TestResult {
        assert_eq!(code("grant", " JP-MA-MHPSS-2021 ")?, "JP-MA-MHPSS-2021");
        assert!(code("grant", "").is_err());
        assert!(code("grant", "-x").is_err());
        assert!(code("grant", "a b").is_err());
        assert!(code("grant", "x'; DROP TABLE expense; --").is_err());
        assert!(code("grant", &"a".repeat(61)).is_err());
        for invisible in [
            "vt\x0b", "\tvt", "vt\x0c", "vt\u{85}", "vt\u{a0}", "vt\r", "vt\n",
        ] {
            assert!(code("donor code", invisible).is_err(), "{invisible:?}");
        }
        Ok(())
    }

    #[test]
    fn free_text() -> TestResult {
        assert_eq!(
            required("payee", "  École Nationale de Santé Publique ", 200)?,
            "École Nationale de Santé Publique"
        );
        assert!(required("payee", "   ", 200).is_err());
        assert!(required("payee", "a\0b", 200).is_err());
        assert!(required("payee", "line\nbreak", 200).is_err());
        assert_eq!(optional("description", "line\nbreak", 200)?, "line\nbreak");
        assert!(optional("description", "bell\u{7}", 200).is_err());
        assert_eq!(optional("description", "", 200)?, "");
        assert!(optional("description", &"é".repeat(201), 200).is_err());
        Ok(())
    }

    #[test]
    fn what_was_typed_is_shown_with_its_invisible_characters_escaped() {
        assert_eq!(
            escaped("q\u{202e}uarter\t\r\u{c}\u{85}"),
            "q\\u{202e}uarter\\t\\r\\u{c}\\u{85}"
        );
        assert_eq!(escaped("l'été \"中\" \\ 😀"), "l'été \"中\" \\ 😀");
        assert_eq!(
            escaped_lines("a\u{1b}[2J\n  b\u{2028}c"),
            "a\\u{1b}[2J\n  b\\u{2028}c"
        );
    }

    #[test]
    fn country_and_currency_codes() -> TestResult {
        assert_eq!(country("ma")?, "MA");
        assert_eq!(countries("countries", "ma; TN,,eg")?, ["MA", "TN", "EG"]);
        let refused = countries("countries", "1,000.00.0").unwrap_err().message;
        assert!(
            refused.starts_with("countries \"1,000.00.0\": \"1\" is not"),
            "{refused}"
        );
        assert!(country("MAR").is_err());
        assert_eq!(currency("mad")?, "MAD");
        assert!(currency("US$").is_err());
        Ok(())
    }
}
