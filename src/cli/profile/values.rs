//! How an accounting system writes amounts and dates, read into grantbook's own terms: a
//! decimal with a point and no grouping (`1234.50`), an ISO date (`2024-07-15`), and whether the
//! amount is a credit. Pure functions, tested on hand-worked values.

use serde::Deserialize;

use crate::error::{Error, Result};

/// The order of day, month and year in a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
pub enum DateOrder {
    #[default]
    #[serde(rename = "YMD")]
    Ymd,
    #[serde(rename = "DMY")]
    Dmy,
    #[serde(rename = "MDY")]
    Mdy,
}

/// How a credit (money that came back) is written in the amount column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum CreditMark {
    /// `-12.50`
    #[default]
    Minus,
    /// `12.50-`
    TrailingMinus,
    /// `(12.50)`
    Parentheses,
    /// `12.50 CR` (and `12.50 DR` for a debit, or no suffix)
    Cr,
    /// A column of its own holds credits; the amount column holds debits.
    Column,
}

/// How numbers are written: the decimal mark and the thousands separator (none: "").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberStyle {
    pub decimal: char,
    pub thousands: Option<char>,
}

impl Default for NumberStyle {
    fn default() -> Self {
        NumberStyle {
            decimal: '.',
            thousands: None,
        }
    }
}

/// An amount as the file writes it: its size as grantbook reads decimals (`1234.50`), and
/// whether it is a credit. Empty text is None.
pub fn amount(text: &str, style: &NumberStyle, mark: CreditMark) -> Result<Option<(String, bool)>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let (number, credit) = match mark {
        CreditMark::Minus | CreditMark::Column => match text.strip_prefix('-') {
            Some(rest) => (rest, true),
            None => (text, false),
        },
        CreditMark::TrailingMinus => match text.strip_suffix('-') {
            Some(rest) => (rest, true),
            None => (text, false),
        },
        CreditMark::Parentheses => match text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
            Some(rest) => (rest, true),
            None => (text, false),
        },
        CreditMark::Cr => {
            let upper = text.to_ascii_uppercase();
            match (upper.strip_suffix("CR"), upper.strip_suffix("DR")) {
                (Some(_), _) => (text[..text.len() - 2].trim_end(), true),
                (_, Some(_)) => (text[..text.len() - 2].trim_end(), false),
                _ => (text, false),
            }
        }
    };
    Ok(Some((plain_number(number.trim(), style)?, credit)))
}

/// `1.234,50` (decimal comma, point thousands) as `1234.50`; the grouping must be regular
/// (groups of three after the first), so that a misread style is refused, not guessed.
fn plain_number(text: &str, style: &NumberStyle) -> Result<String> {
    let wrong = |why: &str| {
        Error::invalid(format!(
            "{text:?} is not an amount as the profile writes them (decimal mark {:?}{}): {why}",
            style.decimal,
            match style.thousands {
                Some(t) => format!(", thousands separator {t:?}"),
                None => ", no thousands separator".to_string(),
            }
        ))
    };
    let (whole, fraction) = match text.split_once(style.decimal) {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let whole = match style.thousands {
        Some(sep) if whole.contains(sep) => {
            let groups: Vec<&str> = whole.split(sep).collect();
            let regular = groups[0].len() <= 3
                && digits(groups[0])
                && groups[1..].iter().all(|g| g.len() == 3 && digits(g));
            if !regular {
                return Err(wrong("its digits are not grouped by three"));
            }
            groups.concat()
        }
        _ => whole.to_string(),
    };
    if !digits(&whole) || fraction.is_some_and(|f| !digits(f)) {
        return Err(wrong(
            "it holds something other than digits and those marks",
        ));
    }
    Ok(match fraction {
        Some(f) => format!("{whole}.{f}"),
        None => whole,
    })
}

/// A date in `order`, its parts separated by `/`, `-` or `.`, as `YYYY-MM-DD` (whether the day
/// exists is checked where every date is). Two-digit years are refused: 24 could be 1924.
pub fn date(text: &str, order: DateOrder) -> Result<String> {
    let text = text.trim();
    let parts: Vec<&str> = text.split(['/', '-', '.']).collect();
    let wrong = || {
        let shape = match order {
            DateOrder::Ymd => "YYYY-MM-DD",
            DateOrder::Dmy => "DD/MM/YYYY",
            DateOrder::Mdy => "MM/DD/YYYY",
        };
        Error::invalid(format!(
            "{text:?} is not a date as the profile writes them ({shape}, with / - or . between \
             the parts, a four-digit year)"
        ))
    };
    let [a, b, c] = parts[..] else {
        return Err(wrong());
    };
    let (year, month, day) = match order {
        DateOrder::Ymd => (a, b, c),
        DateOrder::Dmy => (c, b, a),
        DateOrder::Mdy => (c, a, b),
    };
    let number = |s: &str, width: usize| {
        (s.len() <= width && !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    match (number(year, 4), number(month, 2), number(day, 2)) {
        (Some(y), Some(m), Some(d)) if year.len() == 4 => Ok(format!("{y:04}-{m:02}-{d:02}")),
        _ => Err(wrong()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(decimal: char, thousands: Option<char>) -> NumberStyle {
        NumberStyle { decimal, thousands }
    }

    #[test]
    fn amounts_read_in_each_style() {
        let fr = style(',', Some(' '));
        let de = style(',', Some('.'));
        let us = style('.', Some(','));
        let read = |t, s: &NumberStyle, m| amount(t, s, m).unwrap().unwrap();
        assert_eq!(
            read("1 234,50", &fr, CreditMark::Minus),
            ("1234.50".into(), false)
        );
        assert_eq!(
            read("-1 234,5", &fr, CreditMark::Minus),
            ("1234.5".into(), true)
        );
        assert_eq!(
            read("12.345.678,901", &de, CreditMark::Minus),
            ("12345678.901".into(), false)
        );
        assert_eq!(
            read("1,234.50-", &us, CreditMark::TrailingMinus),
            ("1234.50".into(), true)
        );
        assert_eq!(
            read("(1,234.50)", &us, CreditMark::Parentheses),
            ("1234.50".into(), true)
        );
        assert_eq!(
            read("80.00 CR", &us, CreditMark::Cr),
            ("80.00".into(), true)
        );
        assert_eq!(
            read("80.00 dr", &us, CreditMark::Cr),
            ("80.00".into(), false)
        );
        assert_eq!(read("80", &us, CreditMark::Cr), ("80".into(), false));
        assert_eq!(amount("  ", &us, CreditMark::Minus).unwrap(), None);
    }

    #[test]
    fn a_number_in_another_style_is_refused_not_guessed() {
        let fr = style(',', Some(' '));
        let us = style('.', Some(','));
        // 1.234,50 read with a comma for thousands: the groups are not of three.
        assert!(amount("1.234,50", &us, CreditMark::Minus).is_err());
        assert!(amount("1,2345.00", &us, CreditMark::Minus).is_err());
        assert!(amount("12.50", &fr, CreditMark::Minus).is_err());
        assert!(amount("12,5a", &fr, CreditMark::Minus).is_err());
        // A minus where the profile writes credits in parentheses is not a number.
        assert!(amount("-12.50", &us, CreditMark::Parentheses).is_err());
    }

    #[test]
    fn dates_read_in_each_order() {
        assert_eq!(date("15/07/2024", DateOrder::Dmy).unwrap(), "2024-07-15");
        assert_eq!(date("5.7.2024", DateOrder::Dmy).unwrap(), "2024-07-05");
        assert_eq!(date("07/15/2024", DateOrder::Mdy).unwrap(), "2024-07-15");
        assert_eq!(date("2024-07-15", DateOrder::Ymd).unwrap(), "2024-07-15");
        assert!(date("15/07/24", DateOrder::Dmy).is_err());
        assert!(date("2024-07", DateOrder::Ymd).is_err());
        assert!(date("15/July/2024", DateOrder::Dmy).is_err());
    }
}
