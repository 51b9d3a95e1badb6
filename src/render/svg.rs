//! A burn-down chart as inline SVG: cumulative spend by month against the linear plan and the
//! budget ceiling, the as-of date and the projected exhaustion date marked. A few polylines and
//! labelled axes need no plotting library and no fonts: the page's own font draws the text.

use std::fmt::Write;

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::html_out::escape;
use super::table_out::group_thousands;
use crate::domain::Currency;

/// What a burn-down chart shows of one grant; every amount in the grant's currency.
#[derive(Debug, Clone, PartialEq)]
pub struct BurnChart {
    pub reference: String,
    pub currency: Currency,
    pub budget: Decimal,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The day the figures run to.
    pub as_of: NaiveDate,
    /// Cumulative non-void spend: the start at nothing, then the end of each month (the last
    /// one cut at the as-of date).
    pub spent: Vec<(NaiveDate, Decimal)>,
    /// Where the pace of the last three months leads: the budget on the exhaustion date, or
    /// the projected spend at the end date. None once the grant has ended.
    pub projection: Option<(NaiveDate, Decimal)>,
    /// The day that pace spends the budget, when it comes before the end.
    pub exhaustion: Option<NaiveDate>,
}

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 380.0;
const LEFT: f64 = 96.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 44.0;
/// At most this many steps up the amount axis to reach the highest figure (one more may follow,
/// for headroom).
const Y_STEPS: i64 = 8;
/// The baseline of the as-of label: above the plot (whose top is [`TOP`]), clear of the budget
/// line and its label, which half a step of headroom keeps at least 16 px below `TOP`.
const ASOF_LABEL_Y: f64 = TOP - 12.0;

pub fn burn_chart(chart: &BurnChart) -> String {
    let c = &chart.currency;
    let highest = chart
        .spent
        .iter()
        .chain(&chart.projection)
        .map(|(_, amount)| *amount)
        .fold(chart.budget, Decimal::max);
    // The axis runs at least half a step past the highest figure, so the budget line never lies
    // on the plot's top edge and its label has room above it.
    let ticks = ticks(highest);
    let top = ticks.last().copied().unwrap_or(Decimal::ONE);
    // Pixel coordinates are the one place a float appears: a position on screen, never money.
    // The time axis runs from the start of the first day to the end of the last, so even a grant
    // of one day has width. `x` is where a day begins; a figure as of a day (spend to a month
    // end, the as-of date, the projection) stands where that day ends, `x_end`, as the burn
    // figures count both ends.
    let after = chart.end.succ_opt().unwrap_or(chart.end);
    let days = (after - chart.start).num_days().max(1) as f64;
    let x = |d: NaiveDate| {
        let d = d.clamp(chart.start, after);
        LEFT + (d - chart.start).num_days() as f64 / days * (WIDTH - LEFT - RIGHT)
    };
    let x_end = |d: NaiveDate| x(d.succ_opt().unwrap_or(d));
    let y = |a: Decimal| {
        let share = (a / top).to_f64().unwrap_or(0.0);
        HEIGHT - BOTTOM - share * (HEIGHT - TOP - BOTTOM)
    };
    let (x0, x1, y0) = (x(chart.start), x(after), y(Decimal::ZERO));
    let mut s = String::new();
    let label = format!(
        "Cumulative spend of {} against the linear plan and the budget",
        chart.reference
    );
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}">"#,
        escape(&label)
    );
    for t in &ticks {
        let ty = y(*t);
        let _ = write!(
            s,
            r#"<line class="grid" x1="{x0:.1}" y1="{ty:.1}" x2="{x1:.1}" y2="{ty:.1}"/><text class="ylab" x="{:.1}" y="{:.1}">{}</text>"#,
            x0 - 6.0,
            ty + 4.0,
            escape(&group_thousands(&t.normalize().to_string()))
        );
    }
    let months = months_between(chart.start, chart.end);
    let every = months.len().div_ceil(12).max(1);
    for (i, m) in months.iter().enumerate() {
        let mx = x(*m);
        let _ = write!(
            s,
            r#"<line class="tick" x1="{mx:.1}" y1="{y0:.1}" x2="{mx:.1}" y2="{:.1}"/>"#,
            y0 + 5.0
        );
        if i % every == 0 {
            let _ = write!(
                s,
                r#"<text class="xlab" x="{mx:.1}" y="{:.1}">{}</text>"#,
                y0 + 20.0,
                m.format("%b %Y")
            );
        }
    }
    let _ = write!(
        s,
        r#"<line class="axis" x1="{x0:.1}" y1="{y0:.1}" x2="{x1:.1}" y2="{y0:.1}"/><line class="axis" x1="{x0:.1}" y1="{:.1}" x2="{x0:.1}" y2="{y0:.1}"/>"#,
        TOP - 8.0
    );
    let _ = write!(
        s,
        r#"<text class="ylab" x="{:.1}" y="{:.1}">{}</text>"#,
        x0 - 6.0,
        TOP - 14.0,
        escape(&c.code)
    );
    let by = y(chart.budget);
    let _ = write!(
        s,
        r#"<line class="budget" x1="{x0:.1}" y1="{by:.1}" x2="{x1:.1}" y2="{by:.1}"/><text class="note" x="{:.1}" y="{:.1}">Budget {} {}</text>"#,
        x0 + 6.0,
        by - 6.0,
        escape(&group_thousands(&fixed(chart.budget, c))),
        escape(&c.code)
    );
    let _ = write!(
        s,
        r#"<line class="plan" x1="{x0:.1}" y1="{y0:.1}" x2="{x1:.1}" y2="{by:.1}"/>"#
    );
    if let Some((day, amount)) = chart.projection
        && let Some((from_day, from)) = chart.spent.last()
    {
        let _ = write!(
            s,
            r#"<line class="projection" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/>"#,
            x_end(*from_day),
            y(*from),
            x_end(day),
            y(amount)
        );
    }
    let points: Vec<String> = chart
        .spent
        .iter()
        .enumerate()
        .map(|(i, (d, a))| {
            // The first point is the nothing spent as the first day begins; the others, month ends.
            let px = if i == 0 { x(*d) } else { x_end(*d) };
            format!("{px:.1},{:.1}", y(*a))
        })
        .collect();
    let _ = write!(
        s,
        r#"<polyline class="spent" points="{}"/>"#,
        points.join(" ")
    );
    for p in points.iter().skip(1) {
        let (px, py) = p.split_once(',').unwrap_or(("0", "0"));
        let _ = write!(s, r#"<circle class="dot" cx="{px}" cy="{py}" r="3"/>"#);
    }
    // The as-of label sits above the plot, in a band no line crosses but its own marker; the
    // exhaustion label at the foot, where spend on its way up to the budget leaves room.
    let mut marker = |class: &str, day: NaiveDate, text: String, label_y: f64| {
        let mx = x_end(day);
        // Labels near the right edge are set to the left of their line.
        let (anchor, dx) = if mx > WIDTH - 220.0 {
            ("end", -5.0)
        } else {
            ("start", 5.0)
        };
        let _ = write!(
            s,
            r#"<line class="{class}" x1="{mx:.1}" y1="{:.1}" x2="{mx:.1}" y2="{y0:.1}"/><text class="note {class}-text" text-anchor="{anchor}" x="{:.1}" y="{:.1}">{}</text>"#,
            (TOP - 8.0).min(label_y - 12.0),
            mx + dx,
            label_y,
            escape(&text)
        );
    };
    let spent = chart.spent.last().map_or(Decimal::ZERO, |(_, a)| *a);
    marker(
        "asof",
        chart.as_of.min(chart.end),
        format!(
            "as of {}: {} spent",
            chart.as_of,
            group_thousands(&fixed(spent, c))
        ),
        ASOF_LABEL_Y,
    );
    if let Some(day) = chart.exhaustion {
        marker("exhaustion", day, format!("runs out {day}"), y0 - 8.0);
    }
    s.push_str("</svg>");
    s
}

fn fixed(amount: Decimal, c: &Currency) -> String {
    let mut v = c.round(amount);
    v.rescale(c.minor_units);
    v.to_string()
}

/// Round steps of 1, 2 or 5 times a power of ten from nothing to at least half a step past
/// `highest` ([`Y_STEPS`] of them reach `highest`, one more may give the headroom): exact
/// decimals, so the labels are too.
fn ticks(highest: Decimal) -> Vec<Decimal> {
    if highest <= Decimal::ZERO {
        return vec![Decimal::ZERO, Decimal::ONE];
    }
    let mut unit = Decimal::ONE;
    while highest / unit > Decimal::from(10 * Y_STEPS) {
        unit *= Decimal::TEN;
    }
    while highest / unit < Decimal::from(Y_STEPS) && unit > Decimal::new(1, 6) {
        unit /= Decimal::TEN;
    }
    let step = [1, 2, 5, 10]
        .map(|m| unit * Decimal::from(m))
        .into_iter()
        .find(|step| highest / step <= Decimal::from(Y_STEPS))
        .unwrap_or(unit * Decimal::TEN);
    let count = ((highest + step / Decimal::TWO) / step)
        .ceil()
        .to_i64()
        .unwrap_or(Y_STEPS);
    (0..=count).map(|i| step * Decimal::from(i)).collect()
}

/// The first day of each month after `start` up to `end`.
fn months_between(start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    let mut first = start
        .with_day(1)
        .and_then(|d| d.checked_add_months(Months::new(1)));
    let mut months = Vec::new();
    while let Some(m) = first.filter(|m| *m <= end) {
        months.push(m);
        first = m.checked_add_months(Months::new(1));
    }
    months
}

#[cfg(test)]
mod tests;
