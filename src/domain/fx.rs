//! Conversion of an amount into a grant's currency with a stored quote.

use rust_decimal::Decimal;

use super::money::Currency;
use crate::error::{Error, Result};

/// 1 unit of `base` = `rate` units of `quote`, as published (e.g. the UN operational rate
/// "1 USD = 9.35 MAD" is base USD, quote MAD). Kept as published rather than inverted, so the
/// stored figure is the one on the rate sheet and no precision is lost to a division.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Quote {
    pub base: String,
    pub quote: String,
    pub rate: Decimal,
}

impl Quote {
    /// "1 USD = 9.35 MAD"
    pub fn describe(&self) -> String {
        format!("1 {} = {} {}", self.base, self.rate, self.quote)
    }
}

/// How far (in percent) a rate typed by hand may stray from the stored rate in force before it
/// is taken for a typo, typically a rate written the other way round. Wide enough for a month's
/// devaluation between two monthly rates.
pub const RATE_TOLERANCE_PCT: u32 = 20;

impl Quote {
    /// This quote's rate expressed as "1 `base` = r `quote`", inverting it if need be.
    pub fn rate_as(&self, base: &str, quote: &str) -> Option<Decimal> {
        if self.base == base && self.quote == quote {
            Some(self.rate)
        } else if self.base == quote && self.quote == base {
            Decimal::ONE.checked_div(self.rate)
        } else {
            None
        }
    }
}

/// Refuse a hand-typed rate more than [`RATE_TOLERANCE_PCT`] away from the stored one, saying
/// whether it looks inverted.
pub fn check_against_stored(given: &Quote, stored: &Quote) -> Result<()> {
    let Some(reference) = stored.rate_as(&given.base, &given.quote) else {
        return Ok(());
    };
    let tolerance = Decimal::from(RATE_TOLERANCE_PCT) / Decimal::ONE_HUNDRED;
    let strays = |rate: Decimal| (rate - reference).abs() > reference * tolerance;
    if !strays(given.rate) {
        return Ok(());
    }
    let inverted = Decimal::ONE
        .checked_div(given.rate)
        .is_some_and(|r| !strays(r));
    let hint = if inverted {
        format!(
            "; it looks like the rate the other way round: for 1 {} = {} {} give --rate {}",
            given.base,
            reference.round_dp(4).normalize(),
            given.quote,
            reference.round_dp(4).normalize()
        )
    } else {
        String::new()
    };
    Err(Error::invalid(format!(
        "--rate {} (1 {} = {} {}) is more than {RATE_TOLERANCE_PCT} % away from the stored rate \
         {}{hint}; if the rate is right, add --force-rate",
        given.rate,
        given.base,
        given.rate,
        given.quote,
        stored.describe()
    )))
}

/// Convert `amount` of `from` into `to` with `quote` (in either direction), rounded once, to
/// `to`'s minor units.
pub fn convert(amount: Decimal, from: &Currency, quote: &Quote, to: &Currency) -> Result<Decimal> {
    let overflow = || Error::invalid(format!("converting {amount} {} overflows", from.code));
    let exact = if quote.base == from.code && quote.quote == to.code {
        amount.checked_mul(quote.rate).ok_or_else(overflow)?
    } else if quote.base == to.code && quote.quote == from.code {
        amount.checked_div(quote.rate).ok_or_else(overflow)?
    } else {
        return Err(Error::invalid(format!(
            "the rate {} does not convert {} to {}",
            quote.describe(),
            from.code,
            to.code
        )));
    };
    Ok(to.round(exact))
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;
    use rust_decimal_macros::dec;

    fn quote(base: &str, q: &str, rate: Decimal) -> Quote {
        Quote {
            base: base.into(),
            quote: q.into(),
            rate,
        }
    }

    #[test]
    fn divides_when_the_grant_currency_is_the_base() -> TestResult {
        // 1 USD = 8.9500 MAD; MAD 10,000.00 / 8.95 = 1,117.31843... -> USD 1,117.32
        let usd = Currency::new("USD", 2);
        let mad = Currency::new("MAD", 2);
        let q = quote("USD", "MAD", dec!(8.9500));
        assert_eq!(convert(dec!(10000.00), &mad, &q, &usd)?, dec!(1117.32));
        Ok(())
    }

    #[test]
    fn multiplies_when_the_expense_currency_is_the_base() -> TestResult {
        // 1 EUR = 3.3125 TND; EUR 100.00 -> TND 331.250 (three decimals)
        let eur = Currency::new("EUR", 2);
        let tnd = Currency::new("TND", 3);
        let q = quote("EUR", "TND", dec!(3.3125));
        let converted = convert(dec!(100.00), &eur, &q, &tnd)?;
        assert_eq!(converted.to_string(), "331.250");
        // and back: TND 1,000.000 / 3.3125 = 301.8867... -> EUR 301.89
        assert_eq!(convert(dec!(1000.000), &tnd, &q, &eur)?, dec!(301.89));
        Ok(())
    }

    #[test]
    fn rounds_midpoints_away_from_zero() -> TestResult {
        // JPY 125 * 0.0068 = 0.85 USD exactly; JPY 1 * 0.0065 = 0.0065 -> 0.01
        let usd = Currency::new("USD", 2);
        let jpy = Currency::new("JPY", 0);
        let q = quote("JPY", "USD", dec!(0.0065));
        assert_eq!(convert(dec!(1), &jpy, &q, &usd)?, dec!(0.01));
        // USD 10.00 at 1 USD = 150.5 JPY -> 1505 yen, no decimals
        let q = quote("USD", "JPY", dec!(150.5));
        assert_eq!(convert(dec!(10.00), &usd, &q, &jpy)?.to_string(), "1505");
        Ok(())
    }

    #[test]
    fn a_hand_typed_rate_is_checked_against_the_stored_one() -> TestResult {
        let stored = quote("USD", "MAD", dec!(9.0235));
        // 8.5 is 5.8 % below 9.0235: plausible
        assert!(check_against_stored(&quote("USD", "MAD", dec!(8.5)), &stored).is_ok());
        // 11 is 21.9 % above: refused, not inverted
        let err = check_against_stored(&quote("USD", "MAD", dec!(11)), &stored).unwrap_err();
        assert!(!err.message.contains("other way round"), "{}", err.message);
        // 0.1108 is 1/9.0253: the inverse, and the message gives the right figure
        let err = check_against_stored(&quote("USD", "MAD", dec!(0.1108)), &stored).unwrap_err();
        assert!(err.message.contains("other way round"), "{}", err.message);
        assert!(err.message.contains("--rate 9.0235"), "{}", err.message);
        // a stored rate quoted the other way (1 MAD = 0.11 USD, i.e. 1 USD = 9.0909 MAD)
        let inverse = quote("MAD", "USD", dec!(0.11));
        assert!(check_against_stored(&quote("USD", "MAD", dec!(9.1)), &inverse).is_ok());
        assert!(check_against_stored(&quote("USD", "MAD", dec!(0.11)), &inverse).is_err());
        Ok(())
    }

    #[test]
    fn refuses_a_quote_for_other_currencies() -> TestResult {
        let usd = Currency::new("USD", 2);
        let mad = Currency::new("MAD", 2);
        let q = quote("EUR", "MAD", dec!(10.8));
        assert!(convert(dec!(1), &mad, &q, &usd).is_err());
        Ok(())
    }
}
