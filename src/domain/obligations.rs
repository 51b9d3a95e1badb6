//! Money a grant is bound to but has not spent: cash advanced to a partner until its reported
//! expenses liquidate it, contracts signed on a line until they are paid, and shared costs split
//! between grants by a dated key. The arithmetic here is the one every listing and report uses.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::fx::{Quote, convert};
use super::model::Void;
use super::money::Currency;
use crate::error::{Error, Result};

/// An advance to be recorded (`advance add`).
#[derive(Debug, Clone)]
pub struct NewAdvance {
    pub grant: String,
    pub partner: String,
    pub reference: String,
    pub date: NaiveDate,
    pub amount: Decimal,
    /// The grant's currency when not given.
    pub currency: Option<String>,
    /// "1 grant currency = rate advance currency", given by hand instead of the stored rates.
    pub rate: Option<Decimal>,
    /// The currency `rate` counts one of, when not the grant's (a ledger's export read back).
    pub rate_base: Option<String>,
    pub description: String,
    /// The office that recorded it, when an export read back says; else the recording officer's.
    pub office: Option<String>,
}

/// Cash advanced to an implementing partner, with what has become of it up to a day.
#[derive(Debug, Clone, Serialize)]
pub struct Advance {
    pub id: i64,
    pub grant: String,
    pub partner: String,
    pub reference: String,
    pub date: NaiveDate,
    pub currency: Currency,
    pub amount: Decimal,
    pub rate: Option<Quote>,
    pub grant_currency: Currency,
    pub grant_amount: Decimal,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    pub recorded_at: String,
    pub void: Option<Void>,
    /// The partner's reported expenses that liquidated it, net of their refunds, in its currency.
    pub liquidated: Decimal,
    /// What the partner gave back, in its currency.
    pub returned: Decimal,
}

impl Advance {
    /// What the partner still has to account for, in the advance's currency.
    pub fn outstanding(&self) -> Decimal {
        if self.void.is_some() {
            return Decimal::ZERO;
        }
        (self.amount - self.liquidated - self.returned).max(Decimal::ZERO)
    }

    /// The outstanding balance in the grant's currency, at the advance's own rate (the rate its
    /// liquidations are converted at).
    pub fn outstanding_in_grant(&self) -> Result<Decimal> {
        in_grant(
            self.outstanding(),
            &self.currency,
            self.rate.as_ref(),
            &self.grant_currency,
        )
    }

    /// Days from the advance to `as_of`.
    pub fn age(&self, as_of: NaiveDate) -> i64 {
        (as_of - self.date).num_days().max(0)
    }

    /// Outstanding for longer than `limit_days` on `as_of`.
    pub fn overdue(&self, as_of: NaiveDate, limit_days: i64) -> bool {
        !self.outstanding().is_zero() && self.age(as_of) > limit_days
    }

    /// Refuse liquidating or taking back `amount` more when it would account for more than was
    /// advanced; `what` says which ("liquidate", "take back").
    pub fn check_room(&self, amount: Decimal, what: &str) -> Result<()> {
        let left = self.outstanding();
        if amount <= left {
            return Ok(());
        }
        let c = &self.currency;
        Err(Error::invalid(format!(
            "advance {} to {} is {} {}, of which {} is liquidated and {} returned, so {} {} is \
             outstanding; it cannot {what} {} {}: {}",
            self.reference,
            self.partner,
            c.plain(self.amount),
            c.code,
            c.plain(self.liquidated),
            c.plain(self.returned),
            c.plain(left),
            c.code,
            c.plain(amount),
            c.code,
            if what == "liquidate" {
                "record the rest as an expense of the grant's own (without --advance), or check \
                 the amount"
            } else {
                "check the amount; what the partner spent beyond the advance is not a return"
            }
        )))
    }
}

/// A commitment to be recorded (`commitment add`).
#[derive(Debug, Clone)]
pub struct NewCommitment {
    pub grant: String,
    pub line: String,
    pub vendor: String,
    pub reference: String,
    pub date: NaiveDate,
    pub amount: Decimal,
    pub currency: Option<String>,
    pub rate: Option<Decimal>,
    pub rate_base: Option<String>,
    pub description: String,
    /// Why it may take its line beyond what is available (`--over-commit REASON`).
    pub over_commit: Option<String>,
    /// The office that recorded it, when an export read back says; else the recording officer's.
    pub office: Option<String>,
}

/// A signed contract or purchase order on a line, with what has been paid of it up to a day.
#[derive(Debug, Clone, Serialize)]
pub struct Commitment {
    pub id: i64,
    pub grant: String,
    pub line: String,
    pub vendor: String,
    pub reference: String,
    pub date: NaiveDate,
    pub currency: Currency,
    pub amount: Decimal,
    pub rate: Option<Quote>,
    pub grant_currency: Currency,
    pub grant_amount: Decimal,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub over_commit_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    pub recorded_at: String,
    /// Closed (nothing more due) on this day, if it was by the day the figures are for.
    pub closed_on: Option<NaiveDate>,
    pub close_reason: Option<String>,
    /// Paid by the expenses that name it, net of their refunds, in its currency.
    pub paid: Decimal,
    /// The same payments in the grant's currency, as each was converted.
    pub paid_in_grant: Decimal,
}

impl Commitment {
    /// What is still due: committed − paid, nothing once closed or paid in full.
    pub fn open(&self) -> Decimal {
        match self.closed_on {
            Some(_) => Decimal::ZERO,
            None => (self.amount - self.paid).max(Decimal::ZERO),
        }
    }

    /// The open amount in the grant's currency, at the commitment's own rate.
    pub fn open_in_grant(&self) -> Result<Decimal> {
        in_grant(
            self.open(),
            &self.currency,
            self.rate.as_ref(),
            &self.grant_currency,
        )
    }
}

/// `amount` of `currency` in the grant's currency at `rate` (none: it is the grant's currency).
fn in_grant(
    amount: Decimal,
    currency: &Currency,
    rate: Option<&Quote>,
    grant: &Currency,
) -> Result<Decimal> {
    match rate {
        Some(q) if !amount.is_zero() => convert(amount, currency, q, grant),
        _ => Ok(amount),
    }
}

/// One grant line's share of a shared-cost key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Share {
    pub grant: String,
    pub line: String,
    pub percent: Decimal,
}

/// Refuse a key version whose shares do not add up to exactly 100 %, or that names a grant
/// twice or a share of nothing.
pub fn check_shares(shares: &[Share]) -> Result<()> {
    if shares.is_empty() {
        return Err(Error::invalid(
            "an allocation key needs at least one --share GRANT:LINE:PERCENT",
        ));
    }
    for (i, s) in shares.iter().enumerate() {
        if s.percent <= Decimal::ZERO || s.percent > Decimal::ONE_HUNDRED {
            return Err(Error::invalid(format!(
                "share {}:{} is {} %; a share is more than 0 and at most 100",
                s.grant, s.line, s.percent
            )));
        }
        // A voucher is held once per grant, and each part carries the voucher.
        if shares[..i].iter().any(|o| o.grant == s.grant) {
            return Err(Error::invalid(format!(
                "grant {} is named twice; a key gives each grant one share (on one line), as \
                 each part of a voucher is an expense of its grant under the voucher's number",
                s.grant
            )));
        }
    }
    let total: Decimal = shares.iter().map(|s| s.percent).sum();
    if total != Decimal::ONE_HUNDRED {
        return Err(Error::invalid(format!(
            "the shares add up to {} %, not 100 %; {} the shares so that they add up exactly",
            total.normalize(),
            if total < Decimal::ONE_HUNDRED {
                "raise"
            } else {
                "lower"
            }
        )));
    }
    Ok(())
}

/// `amount` split by `shares` in `currency`'s minor units, the parts adding up to it exactly
/// (largest remainder: the cents the cuts lose go to the parts that lost most, the earlier part
/// on a tie).
pub fn split(amount: Decimal, currency: &Currency, shares: &[Share]) -> Vec<Decimal> {
    let exact: Vec<Decimal> = shares
        .iter()
        .map(|s| amount * s.percent / Decimal::ONE_HUNDRED)
        .collect();
    currency.largest_remainder(&exact, amount)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn share(grant: &str, percent: Decimal) -> Share {
        Share {
            grant: grant.into(),
            line: "OFFICE".into(),
            percent,
        }
    }

    fn advance(amount: Decimal, liquidated: Decimal, returned: Decimal) -> Advance {
        Advance {
            id: 1,
            grant: "G".into(),
            partner: "Partner NGO".into(),
            reference: "ADV-1".into(),
            date: NaiveDate::from_ymd_opt(2022, 1, 10).unwrap(),
            currency: Currency::new("EUR", 2),
            amount,
            rate: None,
            grant_currency: Currency::new("EUR", 2),
            grant_amount: amount,
            description: String::new(),
            office: None,
            recorded_at: String::new(),
            void: None,
            liquidated,
            returned,
        }
    }

    #[test]
    fn a_third_each_of_a_hundred_still_adds_up_to_a_hundred() {
        let usd = Currency::new("USD", 2);
        let shares = [
            share("A", dec!(33.33)),
            share("B", dec!(33.33)),
            share("C", dec!(33.34)),
        ];
        check_shares(&shares).unwrap();
        // 33.33, 33.33 and 33.34 of 100.00 are exact: no cent to place.
        assert_eq!(
            split(dec!(100.00), &usd, &shares),
            [dec!(33.33), dec!(33.33), dec!(33.34)]
        );
        // Of 100.01: 33.333333, 33.333333, 33.343334 cut to 33.33, 33.33, 33.34 = 100.00; the one
        // cent left goes to the largest remainder, C's 0.003334.
        assert_eq!(
            split(dec!(100.01), &usd, &shares),
            [dec!(33.33), dec!(33.33), dec!(33.35)]
        );
    }

    #[test]
    fn sixty_forty_of_a_payslip_in_dirhams() {
        let mad = Currency::new("MAD", 2);
        let shares = [share("JP", dec!(60)), share("REG", dec!(40))];
        // 12,345.67 × 0.6 = 7,407.402 and × 0.4 = 4,938.268: cut to 7,407.40 + 4,938.26 =
        // 12,345.66; the cent left goes to REG (0.008 lost against 0.002).
        assert_eq!(
            split(dec!(12345.67), &mad, &shares),
            [dec!(7407.40), dec!(4938.27)]
        );
    }

    #[test]
    fn shares_must_add_up_to_exactly_a_hundred() {
        let short = [share("A", dec!(60)), share("B", dec!(39.99))];
        let err = check_shares(&short).unwrap_err().to_string();
        assert!(err.contains("99.99 %"), "{err}");
        let twice = [share("A", dec!(50)), share("A", dec!(50))];
        assert!(
            check_shares(&twice)
                .unwrap_err()
                .to_string()
                .contains("named twice")
        );
        assert!(check_shares(&twice).is_err());
        assert!(check_shares(&[share("A", dec!(0)), share("B", dec!(100))]).is_err());
        assert!(check_shares(&[share("A", dec!(100))]).is_ok());
    }

    #[test]
    fn an_advance_liquidated_and_returned_is_accounted_for() {
        // 10,000 advanced; 7,250 liquidated and 2,750 returned: nothing outstanding.
        let a = advance(dec!(10000), dec!(7250), dec!(2750));
        assert_eq!(a.outstanding(), dec!(0));
        assert_eq!(a.liquidated + a.returned + a.outstanding(), a.amount);
        let partly = advance(dec!(10000), dec!(7250), dec!(0));
        assert_eq!(partly.outstanding(), dec!(2750));
        assert!(partly.check_room(dec!(2750), "return").is_ok());
        assert!(partly.check_room(dec!(2750.01), "return").is_err());
    }

    #[test]
    fn an_advance_is_overdue_only_while_something_is_outstanding() {
        let a = advance(dec!(10000), dec!(7250), dec!(0));
        let day = |m, d| NaiveDate::from_ymd_opt(2022, m, d).unwrap();
        // 2022-01-10 + 180 days = 2022-07-09.
        assert_eq!(a.age(day(7, 9)), 180);
        assert!(!a.overdue(day(7, 9), 180));
        assert!(a.overdue(day(7, 10), 180));
        let settled = advance(dec!(10000), dec!(7250), dec!(2750));
        assert!(!settled.overdue(day(12, 31), 180));
    }

    #[test]
    fn a_commitment_is_open_until_paid_or_closed() {
        let eur = Currency::new("EUR", 2);
        let mut c = Commitment {
            id: 1,
            grant: "G".into(),
            line: "ACT".into(),
            vendor: "Printer".into(),
            reference: "PO-1".into(),
            date: NaiveDate::from_ymd_opt(2022, 1, 10).unwrap(),
            currency: eur.clone(),
            amount: dec!(9000),
            rate: None,
            grant_currency: eur,
            grant_amount: dec!(9000),
            description: String::new(),
            over_commit_reason: None,
            office: None,
            recorded_at: String::new(),
            closed_on: None,
            close_reason: None,
            // Three payments: 2,500 + 3,000 + 1,250.
            paid: dec!(6750),
            paid_in_grant: dec!(6750),
        };
        assert_eq!(c.open(), dec!(2250));
        c.paid = dec!(9100);
        assert_eq!(c.open(), dec!(0), "paid beyond it leaves nothing open");
        c.paid = dec!(6750);
        c.closed_on = c.date.succ_opt();
        assert_eq!(c.open(), dec!(0));
    }

    proptest::proptest! {
        #[test]
        fn the_parts_of_a_split_always_add_up_to_the_voucher(
            hundredths in proptest::collection::vec(1u32..5_000, 1..6),
            minor in 1i64..1_000_000_000,
            units in 0u32..=3,
        ) {
            // Shares scaled to add up to exactly 100.00 %: the last takes what the others leave.
            let total: u32 = hundredths.iter().sum();
            let mut percents: Vec<Decimal> = hundredths
                .iter()
                .map(|h| Decimal::from(h * 10_000 / total) / Decimal::ONE_HUNDRED)
                .collect();
            let others: Decimal = percents[..percents.len() - 1].iter().sum();
            *percents.last_mut().unwrap() = Decimal::ONE_HUNDRED - others;
            proptest::prop_assume!(percents.iter().all(|p| *p > Decimal::ZERO));
            let shares: Vec<Share> = percents
                .iter()
                .enumerate()
                .map(|(i, p)| share(&format!("G{i}"), *p))
                .collect();
            check_shares(&shares).unwrap();
            let currency = Currency::new("XXX", units);
            let amount = currency.from_minor(minor);
            let parts = split(amount, &currency, &shares);
            proptest::prop_assert_eq!(parts.iter().copied().sum::<Decimal>(), amount);
            let unit = currency.from_minor(1);
            for (part, s) in parts.iter().zip(&shares) {
                let exact = amount * s.percent / Decimal::ONE_HUNDRED;
                proptest::prop_assert!((*part - exact).abs() < unit, "{part} against {exact}");
            }
        }
    }
}
