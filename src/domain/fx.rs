//! Conversion of an amount into a grant's currency with a stored quote.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::FxRate;
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

/// How far (in percent, either way) a rate typed by hand may stray from the stored rate in force
/// before it needs `--force-rate`. Most months move less; a devaluation between two stored rates
/// (EGP lost half its value in March 2024) is exactly when the officer should confirm the rate.
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

    /// Whether `other` is the same rate, as a decimal (9.0235 is 9.02350), whichever way round
    /// either is quoted: 1 TND = 0.5 EUR is 1 EUR = 2 TND.
    pub fn same_rate(&self, other: &Quote) -> bool {
        if self.base == other.base && self.quote == other.quote {
            self.rate == other.rate
        } else if self.base == other.quote && self.quote == other.base {
            self.rate.checked_mul(other.rate) == Some(Decimal::ONE)
        } else {
            false
        }
    }
}

/// The stored rate a new rate of its pair is held against: the one in force on its valid-from
/// date (either way round), or when it comes before them all the first after it. `history` is
/// the pair's rates oldest first; the rate it replaces (same pair, same date) is left out, as
/// replacing is how a typo is corrected.
pub fn neighbour<'h>(history: &'h [FxRate], rate: &FxRate) -> Option<&'h FxRate> {
    let others = || {
        history.iter().filter(|h| {
            (h.base.as_str(), h.quote.as_str(), h.valid_from)
                != (rate.base.as_str(), rate.quote.as_str(), rate.valid_from)
        })
    };
    others()
        .rfind(|h| h.valid_from <= rate.valid_from)
        .or_else(|| others().find(|h| h.valid_from > rate.valid_from))
}

/// A live expense converted at a stored rate that has just been replaced: it keeps the old
/// quote (and grant amount) until it is converted again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleConversion {
    pub id: i64,
    pub voucher: String,
    pub date: NaiveDate,
    pub grant: String,
    pub grant_currency: Currency,
    /// The amount in grant currency as stored, at the old rate.
    pub now: Decimal,
    /// What the replacing rate gives.
    pub corrected: Decimal,
}

/// A rate as `fx set` or `fx import` stored it, with what it replaced.
#[derive(Debug, Clone)]
pub struct StoredRate {
    pub rate: FxRate,
    /// The rate it replaced (same pair and date), if any.
    pub replaced: Option<FxRate>,
    /// Live expenses still converted at the replaced rate, by date.
    pub stale: Vec<StaleConversion>,
}

/// Each grant's stale conversions as (grant, first date, last date), in the order the grants
/// first appear: the span to convert again.
pub fn stale_spans(stale: &[StaleConversion]) -> Vec<(&str, NaiveDate, NaiveDate)> {
    let mut spans: Vec<(&str, NaiveDate, NaiveDate)> = Vec::new();
    for s in stale {
        match spans.iter_mut().find(|(grant, ..)| *grant == s.grant) {
            Some((_, from, to)) => {
                *from = (*from).min(s.date);
                *to = (*to).max(s.date);
            }
            None => spans.push((&s.grant, s.date, s.date)),
        }
    }
    spans
}

/// How many times larger or smaller `rate` is than `reference` (1 when equal).
fn factor(rate: Decimal, reference: Decimal) -> Option<Decimal> {
    Some(
        rate.checked_div(reference)?
            .max(reference.checked_div(rate)?),
    )
}

/// The inverse of a rate, to ten significant digits: what to type instead of an upside-down rate.
pub fn inverse(rate: Decimal) -> Option<Decimal> {
    Decimal::ONE
        .checked_div(rate)
        .and_then(|r| r.round_sf(10))
        .map(|r| r.normalize())
}

/// Check a hand-typed rate against the stored one in force. A rate nearer the stored one when
/// turned upside down is refused outright (no flag makes an inverted rate right); one more than
/// [`RATE_TOLERANCE_PCT`] away is refused unless `force` is set.
pub fn check_against_stored(given: &Quote, stored: &Quote, force: bool) -> Result<()> {
    let Some(reference) = stored.rate_as(&given.base, &given.quote) else {
        return Ok(());
    };
    let direct = factor(given.rate, reference);
    let upside_down = inverse(given.rate).and_then(|inv| factor(inv, reference));
    let stated = format!(
        "--rate {} (1 {} = {} {})",
        given.rate, given.base, given.rate, given.quote
    );
    if let (Some(direct), Some(upside_down)) = (direct, upside_down)
        && upside_down < direct
    {
        return Err(Error::invalid(format!(
            "{stated} looks upside down: the stored rate is {}; the rate is always 1 {} = RATE {}, \
             so give about --rate {}",
            stored.describe(),
            given.base,
            given.quote,
            reference.round_sf(6).unwrap_or(reference).normalize()
        )));
    }
    let limit = Decimal::ONE + Decimal::from(RATE_TOLERANCE_PCT) / Decimal::ONE_HUNDRED;
    if !force && direct.is_none_or(|d| d > limit) {
        return Err(Error::invalid(format!(
            "{stated} is more than {RATE_TOLERANCE_PCT} % away from the stored rate {}; if the \
             rate is right (a devaluation, a negotiated rate), add --force-rate",
            stored.describe()
        )));
    }
    Ok(())
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
        let check = |rate, force| check_against_stored(&quote("USD", "MAD", rate), &stored, force);
        // 8.5 is 5.8 % below 9.0235: plausible
        assert!(check(dec!(8.5), false).is_ok());
        // 11 is 21.9 % above: refused unless forced
        let err = check(dec!(11), false).unwrap_err();
        assert!(err.message.contains("--force-rate"), "{}", err.message);
        assert!(check(dec!(11), true).is_ok());
        // 0.1108 is about 1/9.025: upside down, refused even when forced, with the right figure
        let err = check(dec!(0.1108), true).unwrap_err();
        assert!(err.message.contains("upside down"), "{}", err.message);
        assert!(err.message.contains("--rate 9.0235"), "{}", err.message);
        // a stored rate quoted the other way (1 MAD = 0.11 USD, i.e. 1 USD = 9.0909 MAD)
        let inverse_stored = quote("MAD", "USD", dec!(0.11));
        let usd_mad = |rate| quote("USD", "MAD", rate);
        assert!(check_against_stored(&usd_mad(dec!(9.1)), &inverse_stored, false).is_ok());
        assert!(check_against_stored(&usd_mad(dec!(0.11)), &inverse_stored, true).is_err());
        Ok(())
    }

    #[test]
    fn a_devaluation_is_confirmed_but_an_inverted_rate_never_passes() -> TestResult {
        // 1 EUR = 33.4218 EGP stored; the pound then halves: 51.0 is 53 % away, allowed when
        // forced. 0.0196 is 1/51: upside down even against the old rate, refused when forced.
        let stored = quote("EUR", "EGP", dec!(33.4218));
        let given = |rate| quote("EUR", "EGP", rate);
        assert!(check_against_stored(&given(dec!(51.0)), &stored, false).is_err());
        assert!(check_against_stored(&given(dec!(51.0)), &stored, true).is_ok());
        let err = check_against_stored(&given(dec!(0.0196)), &stored, true).unwrap_err();
        assert!(err.message.contains("upside down"), "{}", err.message);
        // Near 1 both ways (EUR/USD): 0.92 for 1 EUR = 1.08 USD is the inverse, 1.05 is not.
        let stored = quote("EUR", "USD", dec!(1.08));
        assert!(check_against_stored(&quote("EUR", "USD", dec!(0.92)), &stored, true).is_err());
        assert!(check_against_stored(&quote("EUR", "USD", dec!(1.05)), &stored, false).is_ok());
        Ok(())
    }

    fn stored(base: &str, q: &str, valid_from: &str, rate: Decimal) -> FxRate {
        FxRate {
            base: base.into(),
            quote: q.into(),
            valid_from: crate::domain::parse_date("date", valid_from).unwrap(),
            rate,
            source: String::new(),
        }
    }

    #[test]
    fn a_new_rate_is_held_against_the_one_in_force_on_its_date_or_the_next() {
        let history = [
            stored("EUR", "TND", "2024-01-01", dec!(3.412)),
            stored("EUR", "TND", "2024-03-01", dec!(3.38)),
        ];
        let new = |date, rate| stored("EUR", "TND", date, rate);
        let rate_of = |r: Option<&FxRate>| r.map(|r| r.rate);
        // In force on its date: the rate before it.
        assert_eq!(
            rate_of(neighbour(&history, &new("2024-02-01", dec!(34.35)))),
            Some(dec!(3.412))
        );
        assert_eq!(
            rate_of(neighbour(&history, &new("2024-04-01", dec!(3.4)))),
            Some(dec!(3.38))
        );
        // Before them all: the first after it.
        assert_eq!(
            rate_of(neighbour(&history, &new("2023-12-01", dec!(3.4)))),
            Some(dec!(3.412))
        );
        // Replacing: the one replaced is left out, so the typo is not the yardstick.
        assert_eq!(
            rate_of(neighbour(&history, &new("2024-03-01", dec!(3.39)))),
            Some(dec!(3.412))
        );
        assert_eq!(
            rate_of(neighbour(&history[..1], &new("2024-01-01", dec!(3.4)))),
            None
        );
        // The first rate of a pair has nothing to be held against.
        assert!(neighbour(&[], &new("2024-01-01", dec!(3.4))).is_none());
    }

    #[test]
    fn the_same_rate_either_way_round() {
        let eur_tnd = quote("EUR", "TND", dec!(2));
        assert!(eur_tnd.same_rate(&quote("EUR", "TND", dec!(2.000))));
        assert!(eur_tnd.same_rate(&quote("TND", "EUR", dec!(0.5))));
        assert!(!eur_tnd.same_rate(&quote("TND", "EUR", dec!(0.4999))));
        assert!(!eur_tnd.same_rate(&quote("EUR", "TND", dec!(2.001))));
        assert!(!eur_tnd.same_rate(&quote("EUR", "MAD", dec!(2))));
    }

    #[test]
    fn stale_conversions_are_spanned_per_grant() {
        let stale = |grant: &str, date| StaleConversion {
            id: 1,
            voucher: "V".into(),
            date: crate::domain::parse_date("date", date).unwrap(),
            grant: grant.into(),
            grant_currency: Currency::new("EUR", 2),
            now: dec!(1),
            corrected: dec!(1),
        };
        let all = [
            stale("A", "2024-01-05"),
            stale("B", "2024-01-09"),
            stale("A", "2024-01-20"),
        ];
        let spans: Vec<String> = stale_spans(&all)
            .iter()
            .map(|(g, from, to)| format!("{g} {from} {to}"))
            .collect();
        assert_eq!(
            spans,
            ["A 2024-01-05 2024-01-20", "B 2024-01-09 2024-01-09"]
        );
    }

    #[test]
    fn inverses_keep_ten_significant_digits() {
        assert_eq!(inverse(dec!(89500)), Some(dec!(0.00001117318436)));
        assert_eq!(inverse(dec!(8)), Some(dec!(0.125)));
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
