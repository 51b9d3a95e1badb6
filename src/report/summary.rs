//! The few figures listings show beside stored values: what is left and how much is used.

use rust_decimal::Decimal;

use crate::domain::Budget;

/// What is left of `budget` after `spent`; negative when overspent.
pub fn balance(budget: Decimal, spent: Decimal) -> Decimal {
    budget - spent
}

/// What of a grant's amount no budget line holds yet.
pub fn unallocated(grant_amount: Decimal, budget: &Budget) -> Decimal {
    grant_amount - budget.lines.iter().map(|l| l.amount).sum::<Decimal>()
}

/// `part` as a percentage of `whole`, exact (rounded only when shown); none of nothing.
pub fn percent(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    part.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;
    use rust_decimal_macros::dec;

    #[test]
    fn balance_and_percent_by_hand() -> TestResult {
        // Japan grant: USD 123,762.00 budget, 111,398.14 spent -> 12,363.86 left, 90.0100... %
        assert_eq!(balance(dec!(123762.00), dec!(111398.14)), dec!(12363.86));
        let used = percent(dec!(111398.14), dec!(123762.00)).ok_or("no percentage")?;
        assert_eq!(used.round_dp(4), dec!(90.0100));
        // overspent line: 5,250.00 of 5,000.00 -> -250.00 left, 105 %
        assert_eq!(balance(dec!(5000.00), dec!(5250.00)), dec!(-250.00));
        assert_eq!(percent(dec!(5250.00), dec!(5000.00)), Some(dec!(105)));
        // a line with no budget has no percentage rather than a division by zero
        assert_eq!(percent(dec!(10.00), dec!(0.00)), None);
        Ok(())
    }
}
