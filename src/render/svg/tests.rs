use super::*;
use rust_decimal_macros::dec;

#[test]
fn a_grant_of_nothing_or_of_one_day_still_draws() {
    let day = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap_or_default();
    let chart = BurnChart {
        reference: "R&D <1>".into(),
        currency: Currency::new("JPY", 0),
        budget: Decimal::ZERO,
        start: day,
        end: day,
        as_of: day,
        spent: vec![(day, Decimal::ZERO)],
        projection: None,
        exhaustion: None,
    };
    let svg = burn_chart(&chart);
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
    assert!(svg.contains("R&amp;D &lt;1&gt;"));
    assert!(svg.contains("Budget 0 JPY"));
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

/// USD 100,000.00 over 2024, 7,000 spent each month up to `as_of` (a month end).
fn hundred_thousand(as_of: &str) -> BurnChart {
    let as_of = date(as_of);
    let mut spent = vec![(date("2024-01-01"), Decimal::ZERO)];
    let mut month = date("2024-02-01");
    while let Some(end) = month.pred_opt().filter(|d| *d <= as_of) {
        spent.push((end, dec!(7000.00) * Decimal::from(spent.len())));
        month = month + Months::new(1);
    }
    let done = spent.last().map_or(Decimal::ZERO, |(_, a)| *a);
    BurnChart {
        reference: "G1".into(),
        currency: Currency::new("USD", 2),
        budget: dec!(100000.00),
        start: date("2024-01-01"),
        end: date("2024-12-31"),
        as_of,
        projection: Some((
            date("2024-12-31"),
            done + dec!(7000.00) * Decimal::from(12 - spent.len() + 1),
        )),
        spent,
        exhaustion: None,
    }
}

/// The value of `attr` in the first element of `svg` that starts with `start`.
fn attr(svg: &str, start: &str, attr: &str) -> f64 {
    let from = svg
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {svg}"));
    let element = &svg[from..from + svg[from..].find('>').unwrap_or(0)];
    let key = format!(" {attr}=\"");
    let at = element
        .find(&key)
        .unwrap_or_else(|| panic!("no {attr} in {element}"))
        + key.len();
    let value = &element[at..at + element[at..].find('"').unwrap_or(0)];
    value.parse().unwrap_or_else(|e| panic!("{value}: {e}"))
}

#[test]
fn a_budget_on_a_round_figure_leaves_headroom_and_no_label_lies_on_its_line() {
    // The reviewer's case: budget 100,000 was the top tick, the budget line the plot's top
    // edge (y = 40), and the as-of label (baseline 44) struck through by it.
    let svg = burn_chart(&hundred_thousand("2024-05-31"));
    // Steps of 20,000 up to 120,000: y(a) = 336 - a / 120,000 * 296; y(100,000) = 89.33.
    assert!(svg.contains(">120,000</text>"), "{svg}");
    assert!(!svg.contains(">140,000</text>"));
    assert!(
        svg.contains(r#"<line class="budget" x1="96.0" y1="89.3" x2="936.0" y2="89.3"/>"#),
        "{svg}"
    );
    let budget_y = attr(&svg, r#"<line class="budget""#, "y1");
    // 12 px type: a label covers from 12 px above its baseline to 4 px below.
    let covers = |baseline: f64, y: f64| (baseline - 12.0..=baseline + 4.0).contains(&y);
    let asof_y = attr(&svg, r#"<text class="note asof-text""#, "y");
    assert_eq!(asof_y, 28.0);
    assert!(
        !covers(asof_y, budget_y),
        "as-of label at {asof_y}, budget at {budget_y}"
    );
    let budget_label_y = attr(&svg, r#"<text class="note" "#, "y");
    assert_eq!(budget_label_y, 83.3);
    assert!(!covers(budget_label_y, budget_y));
    // Early in the grant the as-of label starts at the left, where the budget label is:
    // they stand one above the other, apart.
    let early = burn_chart(&hundred_thousand("2024-01-31"));
    let asof_y = attr(&early, r#"<text class="note asof-text""#, "y");
    let budget_label_y = attr(&early, r#"<text class="note" "#, "y");
    assert!(attr(&early, r#"<text class="note asof-text""#, "x") < 300.0);
    assert!(
        budget_label_y - 12.0 > asof_y + 4.0,
        "{asof_y} vs {budget_label_y}"
    );
}

#[test]
fn a_grant_of_one_day_spans_the_whole_axis() {
    // Start = end: the axis is that one day, from its start (x = 96) to its end (x = 936).
    let day = date("2024-05-01");
    let chart = BurnChart {
        reference: "ONE-DAY".into(),
        currency: Currency::new("USD", 2),
        budget: dec!(1000.00),
        start: day,
        end: day,
        as_of: day,
        spent: vec![(day, Decimal::ZERO), (day, dec!(400.00))],
        projection: None,
        exhaustion: None,
    };
    let svg = burn_chart(&chart);
    // Steps of 200 up to 1,200: y(a) = 336 - a / 1,200 * 296; y(400) = 237.33,
    // y(1,000) = 89.33.
    assert!(
        svg.contains(r#"<polyline class="spent" points="96.0,336.0 936.0,237.3"/>"#),
        "{svg}"
    );
    assert!(svg.contains(r#"<circle class="dot" cx="936.0" cy="237.3" r="3"/>"#));
    assert!(svg.contains(r#"<line class="plan" x1="96.0" y1="336.0" x2="936.0" y2="89.3"/>"#));
    assert!(svg.contains(r#"<line class="budget" x1="96.0" y1="89.3" x2="936.0" y2="89.3"/>"#));
    assert!(svg.contains(r#"<line class="axis" x1="96.0" y1="336.0" x2="936.0" y2="336.0"/>"#));
    // The as-of line at the day's end, its label set to the left of it.
    assert!(svg.contains(r#"<line class="asof" x1="936.0""#), "{svg}");
    assert!(svg.contains(r#"text-anchor="end" x="931.0""#));
}

#[test]
fn month_ends_stand_where_the_next_month_begins() {
    // 2024 has 366 days over 840 px; spend to 31 January is drawn at the start of
    // 1 February: 96 + 31 / 366 * 840 = 167.15.
    let svg = burn_chart(&hundred_thousand("2024-01-31"));
    assert!(svg.contains(r#"<line class="tick" x1="167.1""#), "{svg}");
    // 7,000 of a 120,000 axis: 336 - 7,000 / 120,000 * 296 = 318.73.
    assert!(svg.contains(r#"points="96.0,336.0 167.1,318.7""#), "{svg}");
    assert!(svg.contains(r#"<line class="plan" x1="96.0" y1="336.0" x2="936.0""#));
}

#[test]
fn ticks_are_round_and_reach_half_a_step_past_the_top() {
    let steps: Vec<Decimal> = (0..=7).map(|i| Decimal::from(i * 20_000)).collect();
    assert_eq!(ticks(dec!(123762.00)), steps);
    // A round figure on a step gets one more step above it; half a step short of one, too.
    assert_eq!(ticks(dec!(1000)).last(), Some(&dec!(1200)));
    assert_eq!(ticks(dec!(100000.00)).last(), Some(&dec!(120000)));
    assert_eq!(ticks(dec!(90000.01)).last(), Some(&dec!(120000)));
    assert_eq!(ticks(dec!(90000.00)).last(), Some(&dec!(100000)));
    assert_eq!(ticks(dec!(7.5)).last(), Some(&dec!(8)));
    assert_eq!(ticks(Decimal::ZERO), [Decimal::ZERO, Decimal::ONE]);
}
