//! Amounts, currencies and the one rounding rule.
//!
//! Amounts are `Decimal` in Rust and integer minor units in the database (see schema.sql). Input
//! is parsed strictly: digits, an optional `.` and decimals, nothing else. `12,5` could mean 12.5
//! or 125 depending on who typed it, and `1e3` is a spreadsheet artefact, so both are refused
//! rather than guessed.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::error::{Error, Result};

/// The rounding used wherever an amount must fit its currency (conversion to grant currency,
/// the indirect-cost line): half away from zero, as a spreadsheet's ROUND does, so that figures
/// match the workbooks finance officers reconcile against.
pub const ROUNDING: RoundingStrategy = RoundingStrategy::MidpointAwayFromZero;

/// The largest amount accepted: a thousand billion, far above any grant, and small enough that
/// minor units of any currency (up to 4 decimals) fit an i64.
const MAX_INTEGER_DIGITS: usize = 12;

/// An ISO 4217 currency with its number of minor units (USD 2, TND 3, JPY 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Currency {
    pub code: String,
    pub minor_units: u32,
}

impl Currency {
    pub fn new(code: &str, minor_units: u32) -> Self {
        Currency {
            code: code.to_string(),
            minor_units,
        }
    }

    /// An amount of this currency from integer minor units as stored.
    pub fn from_minor(&self, minor: i64) -> Decimal {
        Decimal::new(minor, self.minor_units)
    }

    /// Integer minor units of an amount that already fits this currency (checked by
    /// `check_amount` or produced by `round`).
    pub fn to_minor(&self, amount: Decimal) -> Result<i64> {
        let mut scaled = amount;
        scaled.rescale(self.minor_units);
        if scaled != amount {
            return Err(Error::invalid(format!(
                "{amount} has more decimals than {} allows ({})",
                self.code, self.minor_units
            )));
        }
        i64::try_from(scaled.mantissa())
            .map_err(|_| Error::invalid(format!("amount {amount} {} is too large", self.code)))
    }

    /// Round to this currency's minor units: the one place rounding of money happens.
    pub fn round(&self, amount: Decimal) -> Decimal {
        let mut rounded = amount.round_dp_with_strategy(self.minor_units, ROUNDING);
        rounded.rescale(self.minor_units);
        rounded
    }

    /// Parts that add up to `total` exactly, each near its `exact` share: every share is cut to
    /// the minor unit, and the units the cuts lost go one each to the parts that lost most
    /// (the earlier part on a tie). The largest-remainder method, as budgets are apportioned.
    pub fn largest_remainder(&self, exact: &[Decimal], total: Decimal) -> Vec<Decimal> {
        let mut parts: Vec<Decimal> = exact
            .iter()
            .map(|e| e.round_dp_with_strategy(self.minor_units, RoundingStrategy::ToZero))
            .collect();
        let mut order: Vec<usize> = (0..parts.len()).collect();
        // A stable sort: equal remainders keep their order.
        order.sort_by(|&a, &b| (exact[b] - parts[b]).cmp(&(exact[a] - parts[a])));
        let unit = self.from_minor(1);
        let mut left = total - parts.iter().sum::<Decimal>();
        for i in order {
            if left < unit {
                break;
            }
            parts[i] += unit;
            left -= unit;
        }
        parts.into_iter().map(|p| self.round(p)).collect()
    }

    /// Refuse an amount with more decimals than this currency has; `what` names the field.
    pub fn check_amount(&self, what: &str, amount: Decimal) -> Result<()> {
        if amount.normalize().scale() > self.minor_units {
            let rounded = self.round(amount);
            let example = if rounded.is_zero() {
                String::new()
            } else {
                format!(" (e.g. {rounded})")
            };
            return Err(Error::invalid(format!(
                "{what} {amount}: {} has {} decimal{}; round it yourself{example} so nothing is \
                 rounded silently",
                self.code,
                self.minor_units,
                if self.minor_units == 1 { "" } else { "s" }
            )));
        }
        check_within_limit(what, amount)
    }

    /// Text with exactly this currency's decimals, e.g. `123762.00`, `1250.500`, `15000`.
    pub fn plain(&self, amount: Decimal) -> String {
        let mut shown = amount;
        shown.rescale(self.minor_units);
        shown.to_string()
    }
}

/// A currency shows as its code in JSON and the audit log.
impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.code)
    }
}

/// Parse an unsigned decimal written the one way grantbook accepts: `1234`, `1234.5`, `0.25`.
pub fn parse_decimal(what: &str, text: &str) -> Result<Decimal> {
    let s = text.trim();
    let refuse = |how: &str| Err(Error::invalid(format!("{what} {text:?}: {how}")));
    if s.is_empty() {
        return refuse("is empty; give a number such as 1250.00");
    }
    if s.starts_with('-') {
        return refuse("must not be negative; to undo an expense, void it");
    }
    if s.contains(',') {
        return refuse("use '.' for decimals and no thousands separators, e.g. 12.50 or 1250.00");
    }
    if s.contains(['e', 'E']) {
        return refuse("write the number in full, without an exponent, e.g. 1000");
    }
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int_part) || frac_part.is_some_and(|f| !all_digits(f)) {
        return refuse(
            "is not a number; use digits with an optional '.' and decimals, e.g. 1250.00",
        );
    }
    let significant = int_part.trim_start_matches('0');
    if significant.len() > MAX_INTEGER_DIGITS {
        return refuse("is too large (at most 12 digits before the decimal point)");
    }
    if frac_part.is_some_and(|f| f.len() > 12) {
        return refuse("has too many decimals (at most 12)");
    }
    s.parse::<Decimal>().or_else(|_| refuse("is not a number"))
}

/// A positive amount in `currency`, with no more decimals than the currency has.
pub fn parse_amount(what: &str, text: &str, currency: &Currency) -> Result<Decimal> {
    let amount = parse_decimal(what, text)?;
    check_positive(what, amount)?;
    currency.check_amount(what, amount)?;
    Ok(amount)
}

/// Refuse an amount of more than [`MAX_INTEGER_DIGITS`] digits before the point, typed or
/// computed (a conversion at a mistyped rate can grow an amount a thousandfold).
pub fn check_within_limit(what: &str, amount: Decimal) -> Result<()> {
    if !within_limit(amount) {
        return Err(Error::invalid(format!(
            "{what} {amount} is too large (at most {MAX_INTEGER_DIGITS} digits before the \
             decimal point); check the amount and the rate"
        )));
    }
    Ok(())
}

/// Whether `amount` has at most [`MAX_INTEGER_DIGITS`] digits before the decimal point.
pub fn within_limit(amount: Decimal) -> bool {
    amount.abs() < Decimal::from(10_i64.pow(MAX_INTEGER_DIGITS as u32))
}

pub fn check_positive(what: &str, amount: Decimal) -> Result<()> {
    if amount.is_zero() {
        return Err(Error::invalid(format!("{what} must be more than zero")));
    }
    Ok(())
}

/// A percentage between 0 and 100, written `7`, `6.5` or `7%`.
pub fn parse_percent(what: &str, text: &str) -> Result<Decimal> {
    let trimmed = text.trim();
    let bare = trimmed.strip_suffix('%').unwrap_or(trimmed).trim_end();
    if bare.starts_with('-') {
        return Err(Error::invalid(format!(
            "{what} {text:?}: a percentage must be between 0 and 100, e.g. 7 for 7 %"
        )));
    }
    let pct = parse_decimal(what, bare)?;
    if pct > Decimal::ONE_HUNDRED {
        return Err(Error::invalid(format!(
            "{what} {text:?}: a percentage must be between 0 and 100, e.g. 7 for 7 %"
        )));
    }
    Ok(pct.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;
    use rust_decimal_macros::dec;

    #[test]
    fn largest_remainder_parts_add_up_to_the_total() {
        // 100.00 in three equal shares: 33.33 each loses 0.00333..., the first gets the cent.
        let third = dec!(100) / dec!(3);
        assert_eq!(
            usd().largest_remainder(&[third, third, third], dec!(100.00)),
            [dec!(33.34), dec!(33.33), dec!(33.33)]
        );
        // 10.000 TND as 1:2:4: 1.428571..., 2.857142..., 5.714285...; cut to 1.428, 2.857,
        // 5.714 (9.999); the largest remainder (0.000571 of the first) takes the millime.
        let seventh = dec!(10) / dec!(7);
        let exact = [seventh, seventh * dec!(2), seventh * dec!(4)];
        assert_eq!(
            tnd().largest_remainder(&exact, dec!(10.000)),
            [dec!(1.429), dec!(2.857), dec!(5.714)]
        );
    }

    fn usd() -> Currency {
        Currency::new("USD", 2)
    }
    fn tnd() -> Currency {
        Currency::new("TND", 3)
    }
    fn jpy() -> Currency {
        Currency::new("JPY", 0)
    }

    #[test]
    fn parses_plain_decimals() -> TestResult {
        assert_eq!(parse_decimal("amount", "123762")?, dec!(123762));
        assert_eq!(parse_decimal("amount", " 12.50 ")?, dec!(12.50));
        assert_eq!(parse_decimal("amount", "0.125")?, dec!(0.125));
        Ok(())
    }

    #[test]
    fn refuses_ambiguous_or_foreign_notations() -> TestResult {
        for bad in [
            "12,5", "1,250.00", "1e3", "1E3", "-5", "", "abc", "1.2.3", ".5", "5.", "+5", "٣",
        ] {
            let err = parse_decimal("amount", bad).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad}");
            assert!(err.message.contains("amount"), "{bad}: {}", err.message);
        }
        assert!(
            parse_decimal("amount", "12,5")
                .unwrap_err()
                .message
                .contains("'.' for decimals")
        );
        assert!(
            parse_decimal("amount", "-5")
                .unwrap_err()
                .message
                .contains("negative")
        );
        assert!(
            parse_decimal("amount", "1e3")
                .unwrap_err()
                .message
                .contains("exponent")
        );
        Ok(())
    }

    #[test]
    fn refuses_huge_numbers_instead_of_overflowing() -> TestResult {
        assert!(parse_decimal("amount", "999999999999.99").is_ok());
        assert!(parse_decimal("amount", "1000000000000").is_err());
        assert!(parse_decimal("amount", &"9".repeat(40)).is_err());
        assert!(parse_decimal("amount", &format!("1.{}", "1".repeat(40))).is_err());
        Ok(())
    }

    #[test]
    fn decimals_per_currency() -> TestResult {
        assert!(parse_amount("amount", "10.25", &usd()).is_ok());
        assert!(
            parse_amount("amount", "10.250", &usd()).is_ok(),
            "trailing zero is harmless"
        );
        assert!(parse_amount("amount", "10.255", &usd()).is_err());
        assert!(parse_amount("amount", "10.255", &tnd()).is_ok());
        assert!(parse_amount("amount", "10.2555", &tnd()).is_err());
        assert!(parse_amount("amount", "15000", &jpy()).is_ok());
        assert!(parse_amount("amount", "15000.5", &jpy()).is_err());
        assert!(parse_amount("amount", "0", &usd()).is_err());
        Ok(())
    }

    #[test]
    fn minor_units_round_trip() -> TestResult {
        assert_eq!(usd().to_minor(dec!(123762.00))?, 12_376_200);
        assert_eq!(usd().to_minor(dec!(0.5))?, 50);
        assert_eq!(tnd().to_minor(dec!(1.5))?, 1_500);
        assert_eq!(jpy().to_minor(dec!(15000))?, 15_000);
        assert_eq!(usd().from_minor(12_376_200), dec!(123762.00));
        assert_eq!(tnd().from_minor(1_500).to_string(), "1.500");
        assert!(usd().to_minor(dec!(0.005)).is_err());
        assert!(usd().check_amount("x", dec!(999999999999.99)).is_ok());
        assert!(usd().check_amount("x", dec!(1000000000000.00)).is_err());
        Ok(())
    }

    #[test]
    fn rounds_half_away_from_zero_to_the_currency() -> TestResult {
        assert_eq!(usd().round(dec!(8096.5794)), dec!(8096.58));
        assert_eq!(usd().round(dec!(0.125)), dec!(0.13));
        assert_eq!(usd().round(dec!(0.135)), dec!(0.14));
        assert_eq!(usd().round(dec!(0.124999)), dec!(0.12));
        assert_eq!(tnd().round(dec!(2.0005)), dec!(2.001));
        assert_eq!(jpy().round(dec!(1499.5)), dec!(1500));
        assert_eq!(usd().round(dec!(7)).to_string(), "7.00");
        Ok(())
    }

    #[test]
    fn plain_text_has_the_currency_decimals() -> TestResult {
        assert_eq!(usd().plain(dec!(5)), "5.00");
        assert_eq!(tnd().plain(dec!(1250.5)), "1250.500");
        assert_eq!(jpy().plain(dec!(15000)), "15000");
        Ok(())
    }

    #[test]
    fn percentages() -> TestResult {
        assert_eq!(parse_percent("rate", "7")?, dec!(7));
        assert_eq!(parse_percent("rate", "6.50%")?, dec!(6.5));
        assert!(parse_percent("rate", "101").is_err());
        assert!(parse_percent("rate", "-1").is_err());
        assert!(parse_percent("rate", "7%%").is_err());
        Ok(())
    }
}
