//! A one-line bar of a grant's spend against its time, for people reading a table:
//! `######|.....` fills with the share of the budget spent and `|` stands at the share of the
//! time gone, so a fill that runs past the mark is spending ahead of plan.
//!
//! The bar has [`CELLS`] cells, each 1/12 of the budget (8⅓ %). The fill is rounded half away
//! from zero to a whole cell (ASCII, `#`) or to an eighth of one (Unicode blocks `▏`…`█`), but
//! never shows nothing when something was spent, nor a full bar when less than all of it was.
//! The mark is not a cell: it is put between the two cells nearest the time gone (also rounded
//! half away from zero), so it never hides the fill. More than the budget spent fills every
//! cell and ends the bar with `>`.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::domain::money::ROUNDING;

/// Cells of the bar as the burn report draws it: with its mark, as wide as the heading
/// "Spent vs time".
pub const CELLS: u32 = 12;

/// The mark at the time gone, and the end of a bar spent past its budget; the same in both
/// glyph sets, so one legend explains both.
pub const MARK: char = '|';
pub const OVER: char = '>';

/// Which characters draw the bar: block elements on a terminal, plain ASCII for files, pipes
/// and printers (where a font or a code page may lack them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Glyphs {
    Unicode,
    Ascii,
}

impl Glyphs {
    /// Steps a cell is filled in: eighths with block elements, whole cells in ASCII.
    fn steps(self) -> u32 {
        match self {
            Glyphs::Unicode => 8,
            Glyphs::Ascii => 1,
        }
    }

    /// The cell filled `eighths` of `steps()`: 0 is empty, `steps()` full.
    fn cell(self, filled: u32) -> char {
        const PARTS: [char; 9] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
        match self {
            Glyphs::Unicode if filled == 0 => '·',
            Glyphs::Unicode => PARTS[filled.min(8) as usize],
            Glyphs::Ascii if filled == 0 => '.',
            Glyphs::Ascii => '#',
        }
    }
}

/// The bar of `cells` cells for `used_pct` % of the budget spent when `elapsed_pct` % of the
/// time has gone (both as the burn figures give them, 0 to 100 and more).
pub fn spent_vs_time(
    used_pct: Decimal,
    elapsed_pct: Decimal,
    cells: u32,
    glyphs: Glyphs,
) -> String {
    let hundred = Decimal::ONE_HUNDRED;
    let steps = glyphs.steps();
    let full = cells * steps;
    let used = used_pct.max(Decimal::ZERO);
    let mut filled = scale(used, full);
    if used > Decimal::ZERO {
        filled = filled.max(1);
    }
    if used < hundred {
        filled = filled.min(full.saturating_sub(1));
    }
    let mark = scale(elapsed_pct.clamp(Decimal::ZERO, hundred), cells);

    let mut bar = String::with_capacity(4 * (cells as usize + 2));
    for i in 0..cells {
        if i == mark {
            bar.push(MARK);
        }
        bar.push(glyphs.cell(filled.saturating_sub(i * steps).min(steps)));
    }
    if mark >= cells {
        bar.push(MARK);
    }
    if used > hundred {
        bar.push(OVER);
    }
    bar
}

/// `pct` % of `units`, rounded half away from zero, at most `units`.
fn scale(pct: Decimal, units: u32) -> u32 {
    let scaled = (pct * Decimal::from(units) / Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(0, ROUNDING)
        .min(Decimal::from(units));
    scaled.to_u32().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn ascii(used: Decimal, elapsed: Decimal) -> String {
        spent_vs_time(used, elapsed, CELLS, Glyphs::Ascii)
    }

    fn blocks(used: Decimal, elapsed: Decimal) -> String {
        spent_vs_time(used, elapsed, CELLS, Glyphs::Unicode)
    }

    #[test]
    fn nothing_spent_at_the_start() {
        assert_eq!(ascii(dec!(0), dec!(0)), "|............");
        assert_eq!(blocks(dec!(0), dec!(0)), "|············");
    }

    #[test]
    fn half_spent_at_a_quarter_of_the_time() {
        // 50 % of 12 cells = 6 filled; 25 % of 12 = 3: the mark after the third cell.
        assert_eq!(ascii(dec!(50), dec!(25)), "###|###......");
        assert_eq!(blocks(dec!(50), dec!(25)), "███|███······");
    }

    #[test]
    fn on_plan_fills_up_to_the_mark() {
        assert_eq!(ascii(dec!(50), dec!(50)), "######|......");
        assert_eq!(ascii(dec!(100), dec!(100)), "############|");
        assert_eq!(blocks(dec!(100), dec!(100)), "████████████|");
    }

    #[test]
    fn over_budget_fills_everything_and_says_so() {
        // 120 % at 80 % of the time: 80 % of 12 = 9.6, the mark after the tenth cell.
        assert_eq!(ascii(dec!(120), dec!(80)), "##########|##>");
        assert_eq!(blocks(dec!(120), dec!(80)), "██████████|██>");
        // Past the end too: the mark stays at the end, after the last cell.
        assert_eq!(ascii(dec!(100.1), dec!(100)), "############|>");
    }

    #[test]
    fn fill_rounds_half_away_from_zero_to_a_cell_or_an_eighth() {
        // A cell is 8⅓ %: 12.5 % is 1.5 cells, 12 eighths.
        assert_eq!(ascii(dec!(12.5), dec!(0)), "|##..........");
        assert_eq!(blocks(dec!(12.5), dec!(0)), "|█▌··········");
        // Just under and just over half a cell (4 1/6 %).
        assert_eq!(ascii(dec!(4.1), dec!(0)), "|#...........");
        assert_eq!(ascii(dec!(4.2), dec!(0)), "|#...........");
        assert_eq!(ascii(dec!(12.4), dec!(0)), "|#...........");
        // One eighth of a cell is 1.0416… %: 1 % rounds to one eighth, 3 % (2.88) to three.
        assert_eq!(blocks(dec!(1), dec!(0)), "|▏···········");
        assert_eq!(blocks(dec!(3), dec!(0)), "|▍···········");
        // 75 % is 9 cells exactly; 79.2 % is 9 cells and 4.03 eighths.
        assert_eq!(blocks(dec!(75), dec!(0)), "|█████████···");
        assert_eq!(blocks(dec!(79.2), dec!(0)), "|█████████▌··");
    }

    #[test]
    fn a_little_spent_shows_and_nearly_all_is_not_all() {
        // 0.1 % rounds to no cell at all, but something was spent.
        assert_eq!(ascii(dec!(0.1), dec!(0)), "|#...........");
        assert_eq!(blocks(dec!(0.1), dec!(0)), "|▏···········");
        // 99.9 % rounds to a full bar, but not all was spent.
        assert_eq!(ascii(dec!(99.9), dec!(100)), "###########.|");
        assert_eq!(blocks(dec!(99.9), dec!(100)), "███████████▉|");
        // A negative spend (reversals) draws as nothing spent.
        assert_eq!(ascii(dec!(-5), dec!(0)), "|............");
    }

    #[test]
    fn mark_goes_to_the_nearest_boundary() {
        // 1/24 of the time is half a cell: rounds up to after the first cell.
        assert_eq!(ascii(dec!(0), dec!(4.17)), ".|...........");
        assert_eq!(ascii(dec!(0), dec!(4.16)), "|............");
        // The regional grant mid-way: 49.8 % of 12 = 5.976, after the sixth cell;
        // 42.5 % of 12 = 5.1 cells: five filled.
        assert_eq!(ascii(dec!(42.5), dec!(49.8)), "#####.|......");
        // Beyond 100 % of the time (never from burn figures) stays at the end.
        assert_eq!(ascii(dec!(0), dec!(130)), "............|");
    }

    #[test]
    fn width_is_the_cells_and_the_mark() {
        for (used, elapsed) in [
            (dec!(0), dec!(0)),
            (dec!(37.3), dec!(61.2)),
            (dec!(100), dec!(3)),
        ] {
            assert_eq!(ascii(used, elapsed).chars().count(), 13);
            assert_eq!(blocks(used, elapsed).chars().count(), 13);
        }
        assert_eq!(ascii(dec!(250), dec!(3)).chars().count(), 14);
        assert_eq!(
            spent_vs_time(dec!(50), dec!(50), 10, Glyphs::Ascii),
            "#####|....."
        );
    }
}
