//! Budget against actuals, line by line: the figures `report budget` prints and the donor
//! report embeds (laid out in `budget_table`). Indirect costs are compared, not added: what the grant's rate allows on direct spend
//! beside what is booked on its indirect lines, so nothing is counted twice.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::burn::{BurnStatus, elapsed_pct, expected, expected_parts, variance_pct};
use super::summary::balance;
use crate::domain::rules::{IndirectCosts, indirect_cap_findings};
use crate::domain::{Budget, DateRange, Grant, LineCategory, LineSpend};
use crate::render::Tone;

/// The row of the grant's money that no budget line holds.
pub const UNALLOCATED: &str = "unallocated";

/// Why a line needs a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineFlag {
    /// Spent more than its budget.
    Over,
    /// Ahead of the linear plan by more than the threshold.
    Ahead,
    /// Behind the linear plan by more than the threshold.
    Behind,
}

impl LineFlag {
    pub fn as_str(self) -> &'static str {
        match self {
            LineFlag::Over => "over",
            LineFlag::Ahead => "ahead",
            LineFlag::Behind => "behind",
        }
    }

    pub fn tone(self) -> Tone {
        match self {
            LineFlag::Over => Tone::Alarm,
            LineFlag::Ahead | LineFlag::Behind => Tone::Warning,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LineActual {
    pub code: String,
    pub name: String,
    pub category: Option<LineCategory>,
    pub budget: Decimal,
    pub period: Decimal,
    pub to_date: Decimal,
    pub expected: Decimal,
    pub flag: Option<LineFlag>,
    /// Open commitments on the line at the end of the window: signed, not yet paid.
    pub committed: Decimal,
}

impl LineActual {
    /// What the line can still take on: budget − spent − open commitments.
    pub fn available(&self) -> Decimal {
        self.budget - self.to_date - self.committed
    }

    pub fn balance(&self) -> Decimal {
        balance(self.budget, self.to_date)
    }

    pub fn variance(&self) -> Decimal {
        self.to_date - self.expected
    }

    /// Var % as shown: Spent % − `time_pct` (the grant's Time % at the window's end).
    pub fn variance_pct(&self, time_pct: Decimal) -> Option<Decimal> {
        variance_pct(self.to_date, self.budget, time_pct)
    }
}

/// Indirect costs: what the grant's rate allows on direct spend, and what is booked.
#[derive(Debug, Clone, PartialEq)]
pub struct Indirect {
    pub rate: Decimal,
    pub direct_period: Decimal,
    pub direct_to_date: Decimal,
    /// `rate` % of direct spend, rounded to the currency (the named rounding of this line).
    pub allowed_period: Decimal,
    pub allowed_to_date: Decimal,
    pub booked_period: Decimal,
    pub booked_to_date: Decimal,
    pub direct_budget: Decimal,
    pub indirect_budget: Decimal,
}

#[derive(Debug, Clone)]
pub struct Actuals {
    pub grant: Grant,
    pub revision: i64,
    pub revision_date: NaiveDate,
    pub revision_reason: String,
    /// The donor's approval the revision was made under, if any.
    pub revision_approved_by: Option<String>,
    /// The donor's cap on indirect costs, in percent of direct costs, if it has one.
    pub indirect_cap: Option<Decimal>,
    pub window: DateRange,
    /// Percentage of the grant's time gone by the end of the window.
    pub plan_pct: Decimal,
    pub threshold: Decimal,
    pub lines: Vec<LineActual>,
    pub total: LineActual,
    pub indirect: Indirect,
}

/// Budget against actuals of `grant` over `window`, with `budget` the revision in force and
/// `spend` every line's spend as `[inside window, grant start to window end]`.
pub fn actuals(
    grant: &Grant,
    budget: &Budget,
    spend: &[LineSpend],
    window: DateRange,
    threshold: Decimal,
) -> Actuals {
    let c = &grant.currency;
    let mut lines = Vec::new();
    for s in spend {
        let planned = budget.lines.iter().find(|l| l.code == s.code);
        let (period, to_date) = (s.amounts[0], s.amounts[1]);
        // A line added by a later revision has no budget here; it shows only if money moved.
        if planned.is_none() && to_date.is_zero() {
            continue;
        }
        lines.push(LineActual {
            code: s.code.clone(),
            name: s.name.clone(),
            category: Some(s.category),
            budget: planned.map_or(Decimal::ZERO, |l| l.amount),
            period,
            to_date,
            expected: Decimal::ZERO,
            flag: None,
            committed: Decimal::ZERO,
        });
    }
    // Money of the grant that no line holds yet is a row of its own, so that the total is the
    // grant's amount and agrees with `report burn`.
    let allocated: Decimal = lines.iter().map(|l| l.budget).sum();
    if allocated < grant.amount {
        lines.push(LineActual {
            code: UNALLOCATED.into(),
            name: "not yet allocated to a budget line".into(),
            category: None,
            budget: grant.amount - allocated,
            period: Decimal::ZERO,
            to_date: Decimal::ZERO,
            expected: Decimal::ZERO,
            flag: None,
            committed: Decimal::ZERO,
        });
    }
    let budgets: Vec<Decimal> = lines.iter().map(|l| l.budget).collect();
    let plans = expected_parts(&budgets, c, grant.dates(), window.end);
    let plan_pct = elapsed_pct(grant.dates(), window.end);
    for (line, plan) in lines.iter_mut().zip(plans) {
        line.expected = plan;
        if line.category.is_some() {
            line.flag = flag(line, plan_pct, threshold);
        }
    }
    let sum = |f: fn(&LineActual) -> Decimal, only: &dyn Fn(&LineActual) -> bool| {
        lines.iter().filter(|l| only(l)).map(f).sum::<Decimal>()
    };
    let all = |_: &LineActual| true;
    let total_budget = sum(|l| l.budget, &all);
    let mut total = LineActual {
        code: "TOTAL".into(),
        name: String::new(),
        category: None,
        budget: total_budget,
        period: sum(|l| l.period, &all),
        to_date: sum(|l| l.to_date, &all),
        expected: expected(total_budget, c, grant.dates(), window.end),
        flag: None,
        committed: Decimal::ZERO,
    };
    total.flag = flag(&total, plan_pct, threshold);
    let is_indirect = |l: &LineActual| l.category == Some(LineCategory::Indirect);
    let is_direct = |l: &LineActual| l.category.is_some() && !is_indirect(l);
    let share = |amount: Decimal| c.round(amount * grant.indirect_rate / Decimal::ONE_HUNDRED);
    let direct_period = sum(|l| l.period, &is_direct);
    let direct_to_date = sum(|l| l.to_date, &is_direct);
    let indirect = Indirect {
        rate: grant.indirect_rate,
        direct_period,
        direct_to_date,
        allowed_period: share(direct_period),
        allowed_to_date: share(direct_to_date),
        booked_period: sum(|l| l.period, &is_indirect),
        booked_to_date: sum(|l| l.to_date, &is_indirect),
        direct_budget: sum(|l| l.budget, &is_direct),
        indirect_budget: sum(|l| l.budget, &is_indirect),
    };
    Actuals {
        grant: grant.clone(),
        revision: budget.revision.number,
        revision_date: budget.revision.effective_date,
        revision_reason: budget.revision.reason.clone(),
        revision_approved_by: budget.revision.approved_by.clone(),
        indirect_cap: None,
        window,
        plan_pct,
        threshold,
        lines,
        total,
        indirect,
    }
}

impl Actuals {
    /// The same figures with each line's open commitments (by line code, in the grant's
    /// currency) and their total.
    pub fn with_commitments(mut self, open: &[(String, Decimal)]) -> Actuals {
        for line in &mut self.lines {
            line.committed = open
                .iter()
                .filter(|(code, _)| *code == line.code)
                .map(|(_, amount)| *amount)
                .sum();
        }
        self.total.committed = self.lines.iter().map(|l| l.committed).sum();
        self
    }

    /// The same figures judged against the donor's cap on indirect costs.
    pub fn with_indirect_cap(mut self, cap: Option<Decimal>) -> Actuals {
        self.indirect_cap = cap;
        self
    }

    /// What breaks the donor's indirect-cost cap, budgeted and spent to date, in words.
    pub fn indirect_cap_findings(&self) -> Vec<String> {
        let i = &self.indirect;
        let costs = IndirectCosts {
            direct_budget: i.direct_budget,
            indirect_budget: i.indirect_budget,
            direct_spent: i.direct_to_date,
            indirect_spent: i.booked_to_date,
        };
        self.indirect_cap
            .map(|cap| indirect_cap_findings(&costs, cap))
            .unwrap_or_default()
    }

    /// Whether any line holds an open commitment.
    pub fn has_commitments(&self) -> bool {
        !self.total.committed.is_zero()
    }
}

pub(super) fn flag(line: &LineActual, plan_pct: Decimal, threshold: Decimal) -> Option<LineFlag> {
    if line.to_date > line.budget {
        return Some(LineFlag::Over);
    }
    match BurnStatus::of_variance(line.variance_pct(plan_pct), threshold) {
        BurnStatus::Overspending => Some(LineFlag::Ahead),
        BurnStatus::Underspending => Some(LineFlag::Behind),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{BudgetLine, Currency, GrantStatus, Revision};
    use rust_decimal_macros::dec;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    fn date(s: &str) -> std::result::Result<NaiveDate, chrono::ParseError> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
    }

    /// USD 10,000.00 over 2021 (365 days), 7 % indirect, three lines.
    fn setting() -> std::result::Result<(Grant, Budget), Box<dyn std::error::Error>> {
        let usd = Currency::new("USD", 2);
        let grant = Grant {
            id: 1,
            reference: "G".into(),
            donor: "D".into(),
            project: "P".into(),
            currency: usd.clone(),
            amount: dec!(10000.00),
            start: date("2021-01-01")?,
            end: date("2021-12-31")?,
            indirect_rate: dec!(7),
            status: GrantStatus::Active,
            donor_reference: String::new(),
        };
        let line = |code: &str, category, amount| BudgetLine {
            code: code.into(),
            name: format!("{code} name"),
            category,
            amount,
            spent: Decimal::ZERO,
        };
        let budget = Budget {
            grant: "G".into(),
            currency: usd,
            revision: Revision {
                number: 1,
                effective_date: date("2021-01-01")?,
                reason: "original budget".into(),
                recorded_at: String::new(),
                approved_by: None,
            },
            lines: vec![
                line("STAFF", LineCategory::Staff, dec!(6000.00)),
                line("TRAIN", LineCategory::Training, dec!(3000.00)),
                line("IND", LineCategory::Indirect, dec!(630.00)),
            ],
        };
        Ok((grant, budget))
    }

    fn spend(code: &str, category: LineCategory, period: Decimal, to_date: Decimal) -> LineSpend {
        LineSpend {
            code: code.into(),
            name: format!("{code} name"),
            category,
            amounts: vec![period, to_date],
        }
    }

    #[test]
    fn second_quarter_by_hand() -> TestResult {
        let (grant, budget) = setting()?;
        // Q2 2021 ends on 30 June, day 181 of 365: the plan of STAFF is 6,000 x 181 / 365 =
        // 2,975.34 (2,975.342...), of TRAIN 1,487.67 (1,487.671...), of IND 312.41 (312.410...)
        let window = DateRange::new("q2", date("2021-04-01")?, date("2021-06-30")?)?;
        let lines = [
            spend("STAFF", LineCategory::Staff, dec!(1500.00), dec!(3000.00)),
            spend(
                "TRAIN",
                LineCategory::Training,
                dec!(3100.00),
                dec!(3100.00),
            ),
            spend("IND", LineCategory::Indirect, dec!(322.00), dec!(427.00)),
            // a line of a later revision, never used: left out
            spend("NEW", LineCategory::Other, dec!(0), dec!(0)),
        ];
        let a = actuals(&grant, &budget, &lines, window, dec!(10));
        assert_eq!(a.lines.len(), 4, "three lines and what no line holds");
        let staff = &a.lines[0];
        assert_eq!(staff.expected, dec!(2975.34));
        assert_eq!(staff.balance(), dec!(3000.00));
        // 3,000 - 2,975.34 = 24.66, 0.41 % of 6,000: no flag
        assert_eq!(staff.variance(), dec!(24.66));
        assert_eq!(staff.flag, None);
        // TRAIN spent 3,100 of 3,000: over its budget
        let train = &a.lines[1];
        assert_eq!(train.balance(), dec!(-100.00));
        assert_eq!(train.flag, Some(LineFlag::Over));
        // IND 427 against 312.41 planned: +114.59, 18.19 % of 630: ahead of plan
        let ind = &a.lines[2];
        assert_eq!(ind.expected, dec!(312.41));
        assert_eq!(ind.flag, Some(LineFlag::Ahead));
        // the lines hold 9,630 of the grant's 10,000: 370 unallocated, planned 370 x 181 / 365
        // = 183.479..., cut to 183.47 but given the cent the cuts lost (its .0094 is the
        // largest remainder), so the plans add up to the total's
        let rest = &a.lines[3];
        assert_eq!(
            (rest.code.as_str(), rest.budget),
            (UNALLOCATED, dec!(370.00))
        );
        assert_eq!((rest.expected, rest.flag), (dec!(183.48), None));
        // totals: the grant's 10,000; 4,922 this quarter; 6,527 to date; plan 10,000 x 181 /
        // 365 = 4,958.904... -> 4,958.90, the sum of the four plans
        assert_eq!(a.total.budget, dec!(10000.00));
        assert_eq!(a.total.period, dec!(4922.00));
        assert_eq!(a.total.to_date, dec!(6527.00));
        assert_eq!(a.total.expected, dec!(4958.90));
        let plans: Decimal = a.lines.iter().map(|l| l.expected).sum();
        assert_eq!(plans, a.total.expected);
        // 6,527 - 4,958.90 = 1,568.10 = 15.7 % of 10,000: ahead
        assert_eq!(a.total.flag, Some(LineFlag::Ahead));
        // indirect: direct 4,600 this quarter -> 322.00 allowed; 6,100 to date -> 427.00
        let i = &a.indirect;
        assert_eq!(
            (i.direct_period, i.allowed_period),
            (dec!(4600.00), dec!(322.00))
        );
        assert_eq!(
            (i.direct_to_date, i.allowed_to_date),
            (dec!(6100.00), dec!(427.00))
        );
        assert_eq!(
            (i.booked_period, i.booked_to_date),
            (dec!(322.00), dec!(427.00))
        );
        assert_eq!(
            (i.direct_budget, i.indirect_budget),
            (dec!(9000.00), dec!(630.00))
        );
        assert_eq!(a.plan_pct.round_dp(2), dec!(49.59));
        Ok(())
    }

    #[test]
    fn indirect_share_rounds_once_to_the_currency() -> TestResult {
        let (mut grant, budget) = setting()?;
        grant.indirect_rate = dec!(6.5);
        let window = DateRange::new("q1", date("2021-01-01")?, date("2021-03-31")?)?;
        // 6.5 % of 1,234.57 = 80.24705 -> 80.25
        let lines = [spend(
            "STAFF",
            LineCategory::Staff,
            dec!(1234.57),
            dec!(1234.57),
        )];
        let a = actuals(&grant, &budget, &lines, window, dec!(10));
        assert_eq!(a.indirect.allowed_to_date, dec!(80.25));
        assert_eq!(a.indirect.booked_to_date, dec!(0));
        Ok(())
    }
}
