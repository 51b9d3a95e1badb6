use super::*;
use rust_decimal_macros::dec;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

fn date(s: &str) -> std::result::Result<NaiveDate, chrono::ParseError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
}

fn usd() -> Currency {
    Currency::new("USD", 2)
}

/// A 12-month grant of USD 123,762.00 from 2021-04-01 to 2022-03-31: 365 days.
fn twelve_months(
    as_of: &str,
    spent: Decimal,
    trailing: Decimal,
) -> std::result::Result<Burn, Box<dyn std::error::Error>> {
    let usd = usd();
    Ok(burn(&BurnInput {
        currency: &usd,
        budget: dec!(123762.00),
        dates: DateRange::new("grant", date("2021-04-01")?, date("2022-03-31")?)?,
        as_of: date(as_of)?,
        spent,
        trailing_spent: trailing,
        committed: dec!(0),
        threshold: DEFAULT_THRESHOLD,
    }))
}

#[test]
fn before_the_start_nothing_is_expected() -> TestResult {
    let b = twelve_months("2021-03-31", dec!(0), dec!(0))?;
    assert_eq!(b.elapsed_pct, dec!(0));
    assert_eq!(b.expected, dec!(0.00));
    assert_eq!(b.monthly, None);
    assert_eq!(b.monthly_trailing, None);
    assert_eq!(b.runway_months, None);
    assert_eq!(b.status, BurnStatus::NotStarted);
    Ok(())
}

#[test]
fn day_zero_is_one_day_of_365() -> TestResult {
    // 123,762 / 365 = 339.0739... -> 339.07; nothing spent: Used 0.0 %, Time 1/365 = 0.274 %
    // shown 0.3, so Var % = 0.0 - 0.3 = -0.3, on track
    let b = twelve_months("2021-04-01", dec!(0), dec!(0))?;
    assert_eq!(b.expected, dec!(339.07));
    assert_eq!(b.variance, dec!(-339.07));
    assert_eq!(b.variance_pct, Some(dec!(-0.3)));
    assert_eq!(b.status, BurnStatus::OnTrack);
    assert_eq!(b.monthly, Some(dec!(0.00)));
    assert_eq!(b.runway_months, None, "no pace, no runway");
    assert_eq!(b.projected_at_end, dec!(0));
    Ok(())
}

#[test]
fn mid_way_by_hand() -> TestResult {
    // 30 September: 183 of 365 days (April 30 + May 31 + June 30 + July 31 + August 31 +
    // September 30). E = 123,762 x 183 / 365 = 22,648,446 / 365 = 62,050.5369... -> 62,050.54
    let b = twelve_months("2021-09-30", dec!(55000.00), dec!(30000.00))?;
    assert_eq!(b.elapsed_pct.round_dp(3), dec!(50.137));
    assert_eq!(b.expected, dec!(62050.54));
    assert_eq!(b.variance, dec!(-7050.54));
    // Used 55,000 / 123,762 = 44.440 % shown 44.4; Time 50.137 % shown 50.1; Var % = 44.4 -
    // 50.1 = -5.7 (the exact -7,050.54 / 123,762 = -5.697 % shows the same): on track
    assert_eq!(b.variance_pct, Some(dec!(-5.7)));
    assert_eq!(b.status, BurnStatus::OnTrack);
    assert_eq!(b.utilisation_pct.map(|p| p.round_dp(2)), Some(dec!(44.44)));
    // 55,000 over six calendar months; 30,000 over July to September
    assert_eq!(b.monthly, Some(dec!(9166.67)));
    assert_eq!(b.monthly_trailing, Some(dec!(10000.00)));
    // 68,762 left at 10,000 a month: 6.8762 months, shown 6.8; six months from 1 October
    // is 1 April 2022, after the end on 31 March: the money outlasts the grant
    assert_eq!(b.runway_months, Some(dec!(6.8)));
    assert_eq!(b.exhaustion, None);
    // six more months at 10,000
    assert_eq!(b.projected_at_end, dec!(115000.00));
    Ok(())
}

#[test]
fn spending_fast_or_slow_beyond_the_threshold_is_flagged() -> TestResult {
    // 80,000 against 62,050.54 expected: +17,949.46 = +14.50 % of the budget
    let fast = twelve_months("2021-09-30", dec!(80000.00), dec!(40000.00))?;
    assert_eq!(fast.variance, dec!(17949.46));
    assert_eq!(fast.status, BurnStatus::Overspending);
    // 100,000 spent, 45,000 in the last quarter: 23,762 left at 15,000 a month lasts
    // 1.5841 months from 1 October: 1 November plus 0.5841 of November's 30 days = 17.5,
    // so the 18th; at that pace the end would see 100,000 + 6 x 15,000
    let faster = twelve_months("2021-09-30", dec!(100000.00), dec!(45000.00))?;
    assert_eq!(faster.runway_months, Some(dec!(1.5)));
    assert_eq!(faster.exhaustion, Some(date("2021-11-18")?));
    assert_eq!(faster.projected_at_end, dec!(190000.00));
    // a grant with no spend at mid-way is 50.1 % behind
    let idle = twelve_months("2021-09-30", dec!(0), dec!(0))?;
    assert_eq!(idle.status, BurnStatus::Underspending);
    assert_eq!(idle.monthly, Some(dec!(0.00)));
    assert_eq!(idle.runway_months, None);
    assert_eq!(idle.exhaustion, None);
    assert_eq!(idle.projected_at_end, dec!(0));
    // judged as shown: -6.72 shows as -6.7, not beyond a threshold of 6.7
    assert_eq!(
        BurnStatus::of_variance(Some(dec!(-6.72)), dec!(6.7)),
        BurnStatus::OnTrack
    );
    assert_eq!(
        BurnStatus::of_variance(Some(dec!(-6.75)), dec!(6.7)),
        BurnStatus::Underspending
    );
    // exactly at the threshold is not beyond it
    assert_eq!(
        BurnStatus::of_variance(Some(dec!(-10)), DEFAULT_THRESHOLD),
        BurnStatus::OnTrack
    );
    Ok(())
}

#[test]
fn last_day_and_after_the_end() -> TestResult {
    let last = twelve_months("2022-03-31", dec!(120000.00), dec!(31000.00))?;
    assert_eq!(last.elapsed_pct, dec!(100));
    assert_eq!(last.expected, dec!(123762.00));
    assert_eq!(last.variance, dec!(-3762.00));
    assert_eq!(last.status, BurnStatus::OnTrack);
    assert_eq!(last.runway_months, None, "no time left to run");
    assert_eq!(last.projected_at_end, dec!(120000.00));
    assert_eq!(last.monthly, Some(dec!(10000.00)));
    let after = twelve_months("2022-06-30", dec!(120000.00), dec!(31000.00))?;
    assert_eq!(after.elapsed_pct, dec!(100));
    assert_eq!(after.expected, dec!(123762.00));
    assert_eq!(after.status, BurnStatus::Ended);
    // the pace is still that of the grant's last three months
    assert_eq!(after.monthly_trailing, Some(dec!(10333.33)));
    assert_eq!(after.projected_at_end, dec!(120000.00));
    Ok(())
}

#[test]
fn exhausted_before_the_end() -> TestResult {
    let b = twelve_months("2021-12-31", dec!(123762.00), dec!(50000.00))?;
    assert_eq!(b.status, BurnStatus::Exhausted);
    assert_eq!(b.utilisation_pct, Some(dec!(100)));
    assert_eq!(b.runway_months, None);
    assert_eq!(b.exhaustion, None);
    // still spending 16,666.67 a month would reach 173,762 by the end: a warning in itself
    assert_eq!(b.projected_at_end, dec!(173762.00));
    Ok(())
}

#[test]
fn leap_year_grant() -> TestResult {
    // 2024 has 366 days; 29 February is day 60, so 36,600 x 60 / 366 = 6,000.00 exactly
    let usd = usd();
    let b = burn(&BurnInput {
        currency: &usd,
        budget: dec!(36600.00),
        dates: DateRange::new("grant", date("2024-01-01")?, date("2024-12-31")?)?,
        as_of: date("2024-02-29")?,
        spent: dec!(6000.00),
        trailing_spent: dec!(6000.00),
        committed: dec!(0),
        threshold: DEFAULT_THRESHOLD,
    });
    assert_eq!(b.expected, dec!(6000.00));
    assert_eq!(b.variance, dec!(0.00));
    // two whole months so far, January and February
    assert_eq!(b.monthly, Some(dec!(3000.00)));
    assert_eq!(b.monthly_trailing, Some(dec!(3000.00)));
    // 30,600 left at 3,000 a month: 10.2 months from 1 March, i.e. 1 January 2025 plus
    // 0.2 of January's 31 days: 7 January 2025, after the end on 31 December
    assert_eq!(b.runway_months, Some(dec!(10.2)));
    assert_eq!(b.exhaustion, None);
    assert_eq!(b.projected_at_end, dec!(36000.00));
    Ok(())
}

#[test]
fn three_decimal_dinar() -> TestResult {
    // TND 10,000.000 over 2021: by 10 January, 10/365 = 273.97260... -> 273.973
    let tnd = Currency::new("TND", 3);
    let b = burn(&BurnInput {
        currency: &tnd,
        budget: dec!(10000.000),
        dates: DateRange::new("grant", date("2021-01-01")?, date("2021-12-31")?)?,
        as_of: date("2021-01-10")?,
        spent: dec!(100.000),
        trailing_spent: dec!(100.000),
        committed: dec!(0),
        threshold: DEFAULT_THRESHOLD,
    });
    assert_eq!(b.expected, dec!(273.973));
    assert_eq!(b.variance, dec!(-173.973));
    // 100 in 10 days is not extrapolated to 310 a month: under a month counts as one
    assert_eq!(b.monthly, Some(dec!(100.000)));
    assert_eq!(b.monthly_trailing, Some(dec!(100.000)));
    Ok(())
}

#[test]
fn parts_of_a_plan_add_up_to_the_plan_of_their_total() -> TestResult {
    // Three lines of 100.00 over 3 of 7 days: each is 42.857142..., the total's plan is
    // 300 x 3 / 7 = 128.571428... -> 128.57. Cut to 42.85 each (128.55), the two cents
    // left go to the first two lines (equal remainders keep their order).
    let usd = usd();
    let dates = DateRange::new("grant", date("2021-01-01")?, date("2021-01-07")?)?;
    let parts = expected_parts(
        &[dec!(100.00), dec!(100.00), dec!(100.00)],
        &usd,
        dates,
        date("2021-01-03")?,
    );
    assert_eq!(parts, [dec!(42.86), dec!(42.86), dec!(42.85)]);
    // each rounded alone they would be 42.86 three times, 128.58: a cent over the total
    assert_eq!(
        expected(dec!(100.00), &usd, dates, date("2021-01-03")?),
        dec!(42.86)
    );
    // the largest remainder wins the cent: 10.00 x 3/7 = 4.2857 (.0057 cut), 50.00 x 3/7 =
    // 21.4285 (.0085 cut); total 60 x 3/7 = 25.714 -> 25.71 = 4.28 + 21.42 + 0.01
    let parts = expected_parts(
        &[dec!(10.00), dec!(50.00)],
        &usd,
        dates,
        date("2021-01-03")?,
    );
    assert_eq!(parts, [dec!(4.28), dec!(21.43)]);
    Ok(())
}

#[test]
fn trailing_window_is_three_calendar_months_within_the_grant() -> TestResult {
    let dates = DateRange::new("grant", date("2021-04-01")?, date("2022-03-31")?)?;
    let w = trailing_window(dates, date("2021-09-15")?).ok_or("no window")?;
    assert_eq!((w.start, w.end), (date("2021-06-16")?, date("2021-09-15")?));
    let young = trailing_window(dates, date("2021-05-10")?).ok_or("no window")?;
    assert_eq!(young.start, date("2021-04-01")?);
    let late = trailing_window(dates, date("2023-01-01")?).ok_or("no window")?;
    assert_eq!(
        (late.start, late.end),
        (date("2022-01-01")?, date("2022-03-31")?)
    );
    assert_eq!(trailing_window(dates, date("2021-03-01")?), None);
    Ok(())
}

#[test]
fn the_projection_holds_at_least_what_is_committed() -> TestResult {
    // The leap-year grant of USD 36,600.00 on 29 February 2024 with 6,000.00 spent at 3,000.00 a
    // month projects 6,000 + 3,000 x 10 months = 36,000.00. With 31,500.00 of contracts still to
    // pay, the projection is 6,000 + 31,500 = 37,500.00 whatever the pace.
    let usd = usd();
    let input = |committed| BurnInput {
        currency: &usd,
        budget: dec!(36600.00),
        dates: DateRange::new(
            "grant",
            date("2024-01-01").unwrap(),
            date("2024-12-31").unwrap(),
        )
        .unwrap(),
        as_of: date("2024-02-29").unwrap(),
        spent: dec!(6000.00),
        trailing_spent: dec!(6000.00),
        committed,
        threshold: DEFAULT_THRESHOLD,
    };
    assert_eq!(
        burn(&input(dec!(31500.00))).projected_at_end,
        dec!(37500.00)
    );
    // 20,000.00 committed is less than the pace projects: the pace's 36,000.00 stands.
    assert_eq!(
        burn(&input(dec!(20000.00))).projected_at_end,
        dec!(36000.00)
    );
    Ok(())
}

#[test]
fn var_pct_is_used_pct_less_time_pct_as_shown() -> TestResult {
    // 55,024.59 of 123,762 by 30 September: Used = 44.46000... % shown 44.5; Time = 183/365 =
    // 50.137 % shown 50.1. The exact variance, 55,024.59 - 62,050.54 = -7,025.95, is -5.677 %
    // of the budget and would show -5.7 beside 44.5 and 50.1; as shown it is 44.5 - 50.1 = -5.6.
    let b = twelve_months("2021-09-30", dec!(55024.59), dec!(30000.00))?;
    assert_eq!(b.variance, dec!(-7025.95));
    assert_eq!(b.utilisation_pct.map(shown_pct), Some(dec!(44.5)));
    assert_eq!(shown_pct(b.elapsed_pct), dec!(50.1));
    assert_eq!(b.variance_pct, Some(dec!(-5.6)));
    // and the status is judged on that figure: at a threshold of 5.6 the grant is on track
    assert_eq!(
        BurnStatus::of_variance(b.variance_pct, dec!(5.6)),
        BurnStatus::OnTrack
    );
    // nothing budgeted, nothing to compare
    assert_eq!(variance_pct(dec!(10), dec!(0), dec!(50)), None);
    Ok(())
}

#[test]
fn a_quarters_spend_is_a_third_of_it_a_month_on_every_month_end() -> TestResult {
    // USD 12,000.00 over 2023, 3,000.00 spent in April and nothing since. As of 27, 28, 29, 30
    // and 31 May the trailing window is 28 Feb..27 May, 28 Feb..28/29/30 May (there is no 29
    // Feb in 2023), then 1 Mar..31 May: each is "the last three months", and each pace is
    // 3,000 / 3 = 1,000.00 (it was 3,000 / 3.032 = 989.36, / 3.065 = 978.95, / 3.097 = 968.75
    // on the 28th to 30th, counting the extra days of a month). 9,000 left at 1,000 a month is
    // a runway of 9.0 months on every one of the five days.
    let usd = usd();
    let year = DateRange::new("grant", date("2023-01-01")?, date("2023-12-31")?)?;
    let at = |dates, day: &str| -> std::result::Result<Burn, Box<dyn std::error::Error>> {
        Ok(burn(&BurnInput {
            currency: &usd,
            budget: dec!(12000.00),
            dates,
            as_of: date(day)?,
            spent: dec!(3000.00),
            trailing_spent: dec!(3000.00),
            committed: dec!(0),
            threshold: DEFAULT_THRESHOLD,
        }))
    };
    for day in [
        "2023-05-27",
        "2023-05-28",
        "2023-05-29",
        "2023-05-30",
        "2023-05-31",
    ] {
        let b = at(year, day)?;
        assert_eq!(b.monthly_trailing, Some(dec!(1000.00)), "{day}");
        assert_eq!(b.runway_months, Some(dec!(9.0)), "{day}");
    }
    // 31 May: June to December is 7 months at 1,000: 3,000 + 7,000
    assert_eq!(at(year, "2023-05-31")?.projected_at_end, dec!(10000.00));
    // 30 April: 1 Feb..30 Apr is a full quarter too, /3 = 1,000.00
    assert_eq!(
        at(year, "2023-04-30")?.monthly_trailing,
        Some(dec!(1000.00))
    );
    // a grant younger than three months divides by its months: from 1 April to 15 May is
    // 1 month and 15 of May's 31 days = 1.48387 months; 3,000 / 1.48387 = 2,021.74
    let april = DateRange::new("grant", date("2023-04-01")?, date("2023-12-31")?)?;
    let young = at(april, "2023-05-15")?;
    assert_eq!(young.monthly_trailing, Some(dec!(2021.74)));
    Ok(())
}
