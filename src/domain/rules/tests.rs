use super::*;
use rust_decimal_macros::dec;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

fn line(code: &str, base: Decimal, new: Decimal, spent: Decimal) -> LineMove {
    LineMove {
        code: code.into(),
        base,
        new,
        spent,
    }
}

fn plain(d: Decimal) -> String {
    format!("{d:.2}")
}

/// EUR 480,000.00: STAFF 160,000 cut by 60,000 to 100,000 (-37.5 %), ACT 96,000 raised by
/// 60,000 to 156,000 (+62.5 %): 60,000 moved is 12.5 % of the grant.
fn sixty_thousand() -> Vec<LineMove> {
    vec![
        line("STAFF", dec!(160000), dec!(100000), dec!(40000)),
        line("ACT", dec!(96000), dec!(156000), dec!(0)),
        line("TRAIN", dec!(96378.63), dec!(96378.63), dec!(0)),
    ]
}

#[test]
fn moving_twelve_and_a_half_percent_of_the_total() -> TestResult {
    let lines = sixty_thousand();
    assert_eq!(moved(&lines), dec!(60000));
    let ten = Rules {
        reallocation_limit: Some(dec!(10)),
        ..Rules::default()
    };
    let v = judge_revision(&ten, dec!(480000), &lines, plain)?;
    assert_eq!(v.moved_pct, dec!(12.5));
    assert_eq!(v.needs_approval.len(), 1);
    assert!(
        v.needs_approval[0].contains("12.5 %"),
        "{:?}",
        v.needs_approval
    );
    // an EU contract's 25 % lets it through without approval
    let eu = Rules {
        reallocation_limit: Some(dec!(25)),
        ..Rules::default()
    };
    assert!(
        judge_revision(&eu, dec!(480000), &lines, plain)?
            .needs_approval
            .is_empty()
    );
    // no rules, nothing to approve
    let none = Rules::default();
    assert!(
        judge_revision(&none, dec!(480000), &lines, plain)?
            .needs_approval
            .is_empty()
    );
    Ok(())
}

#[test]
fn per_line_limits_see_each_lines_change() -> TestResult {
    // 20 % per line: STAFF -60,000 / 160,000 = -37.5 %, ACT +60,000 / 96,000 = +62.5 %; TRAIN
    // unchanged. Both lines need approval; 15 % of TRAIN alone would not.
    let face = Rules {
        reallocation_limit: Some(dec!(20)),
        basis: Some(Basis::Line),
        ..Rules::default()
    };
    let v = judge_revision(&face, dec!(480000), &sixty_thousand(), plain)?;
    assert_eq!(v.needs_approval.len(), 2);
    assert!(
        v.needs_approval[0].contains("-37.5 %"),
        "{:?}",
        v.needs_approval
    );
    assert!(
        v.needs_approval[1].contains("62.5 %"),
        "{:?}",
        v.needs_approval
    );
    let small = [
        line("TRAIN", dec!(100000), dec!(85000), dec!(0)),
        line("ACT", dec!(100000), dec!(115000), dec!(0)),
    ];
    assert!(
        judge_revision(&face, dec!(480000), &small, plain)?
            .needs_approval
            .is_empty()
    );
    // a new line has no approved budget to be a percentage of
    let new = [line("NEW", dec!(0), dec!(1000), dec!(0))];
    assert_eq!(
        judge_revision(&face, dec!(480000), &new, plain)?
            .needs_approval
            .len(),
        1
    );
    Ok(())
}

#[test]
fn every_revision_approved_when_the_donor_says_so() -> TestResult {
    let rules = Rules {
        revision_approval: Some(true),
        ..Rules::default()
    };
    let tiny = [line("ACT", dec!(1000), dec!(1001), dec!(0))];
    assert_eq!(
        judge_revision(&rules, dec!(480000), &tiny, plain)?
            .needs_approval
            .len(),
        1
    );
    Ok(())
}

#[test]
fn a_line_cut_below_its_spend_is_refused() {
    // TRAVEL of 23,621.37 has spent 16,378.63; cut to 10,000 it would be 6,378.63 overspent
    let cut = [line("TRAVEL", dec!(23621.37), dec!(10000), dec!(16378.63))];
    let err = judge_revision(&Rules::default(), dec!(480000), &cut, plain)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("16378.63") && err.contains("TRAVEL"), "{err}");
    // cut to what it spent is allowed; a line already overspent may be raised towards it
    let to_spent = [line(
        "TRAVEL",
        dec!(23621.37),
        dec!(16378.63),
        dec!(16378.63),
    )];
    assert!(judge_revision(&Rules::default(), dec!(480000), &to_spent, plain).is_ok());
    let raised = [line("TRAVEL", dec!(10000), dec!(12000), dec!(16378.63))];
    assert!(judge_revision(&Rules::default(), dec!(480000), &raised, plain).is_ok());
}

#[test]
fn grant_rules_override_the_donors_field_by_field() {
    let donor = Rules {
        reallocation_limit: Some(dec!(10)),
        basis: Some(Basis::Total),
        indirect_cap: Some(dec!(7)),
        revision_approval: None,
    };
    let grant = Rules {
        reallocation_limit: Some(dec!(25)),
        ..Rules::default()
    };
    let both = donor.overridden_by(&grant);
    assert_eq!(both.reallocation_limit, Some(dec!(25)));
    assert_eq!(both.indirect_cap, Some(dec!(7)));
    assert_eq!(both.basis(), Basis::Total);
}

#[test]
fn indirect_costs_against_a_cap() {
    // 31,000 on 449,000 direct = 6.904 %: under 7 %. 67,350 on 412,650 = 16.32 %: over.
    assert_eq!(indirect_over_cap(dec!(449000), dec!(31000), dec!(7)), None);
    let over = indirect_over_cap(dec!(412650), dec!(67350), dec!(7)).map(|p| p.round_dp(2));
    assert_eq!(over, Some(dec!(16.32)));
    // exactly at the cap is within it
    assert_eq!(indirect_over_cap(dec!(100), dec!(7), dec!(7)), None);
    assert_eq!(indirect_over_cap(dec!(0), dec!(7), dec!(7)), None);
}

#[test]
fn the_cap_is_judged_on_the_budget_and_on_spend() {
    // budget: 67,350 indirect on 412,650 direct = 16.3 %; spent: 3,000 on 50,000 = 6.0 %
    let costs = IndirectCosts {
        direct_budget: dec!(412650),
        indirect_budget: dec!(67350),
        direct_spent: dec!(50000),
        indirect_spent: dec!(3000),
    };
    let found = indirect_cap_findings(&costs, dec!(7));
    assert_eq!(found.len(), 1);
    assert!(
        found[0].contains("the budget sets indirect costs at 16.3 %"),
        "{found:?}"
    );
    // 4,000 on 50,000 spent = 8.0 %: both
    let spent_more = IndirectCosts {
        indirect_spent: dec!(4000),
        ..costs
    };
    let found = indirect_cap_findings(&spent_more, dec!(7));
    assert!(
        found[1].contains("spend to date puts indirect costs at 8.0 %"),
        "{found:?}"
    );
}
