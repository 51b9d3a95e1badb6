//! Tables too wide for a page or a screen, cut into narrower ones by their columns, each led
//! by the first column so that every row can still be read across.

/// The columns (positions in `widths`) of each table a table of columns `widths` wide is split
/// into so that each fits `page` (hundredths of a millimetre on paper, characters on a screen:
/// whole units, so that a width never rounds one way here and another there) and has at most
/// `max` columns: the first column in every part, the others shared out in order, as evenly as
/// the fewest parts allow. A column too wide for the page on its own still gets a part.
pub(super) fn column_parts(widths: &[u32], page: u32, max: usize) -> Vec<Vec<usize>> {
    let Some((&first, rest)) = widths.split_first() else {
        return vec![Vec::new()];
    };
    let others = rest.len();
    for count in 1..=others.max(1) {
        let (size, extra) = (others / count, others % count);
        let mut parts = Vec::with_capacity(count);
        let mut next = 1;
        for k in 0..count {
            let take = size + usize::from(k < extra);
            parts.push(
                std::iter::once(0)
                    .chain(next..next + take)
                    .collect::<Vec<usize>>(),
            );
            next += take;
        }
        let fits = |part: &Vec<usize>| {
            part.len() <= max.max(2)
                && first + part[1..].iter().map(|&j| widths[j]).sum::<u32>() <= page
        };
        if count == others.max(1) || parts.iter().all(fits) {
            return parts;
        }
    }
    vec![(0..widths.len()).collect()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_shared_out_evenly_among_the_fewest_tables_that_fit() {
        // 35 columns after the month, 20 mm each, the month 15 mm, on 271 mm and at most 14 to a
        // table: two tables would need 18 columns each; three take 12, 12 and 11 after the
        // month (15 + 12 * 20 = 255 mm).
        let mut widths = vec![15];
        widths.extend([20; 35]);
        let parts = column_parts(&widths, 271, 14);
        let expect = |from: usize, to: usize| std::iter::once(0).chain(from..=to).collect();
        let wanted: Vec<Vec<usize>> = vec![expect(1, 12), expect(13, 24), expect(25, 35)];
        assert_eq!(parts, wanted);
        // Width decides when the columns are wide: 20 + 30 n <= 100 takes n = 2, five tables.
        let mut widths = vec![20];
        widths.extend([30; 10]);
        let parts = column_parts(&widths, 100, 14);
        assert_eq!(parts.len(), 5);
        assert!(parts.iter().all(|p| p.len() == 3 && p[0] == 0));
        // What fits stays whole; a column too wide for the page alone still gets a table.
        assert_eq!(column_parts(&[10, 20, 30], 271, 14), [vec![0, 1, 2]]);
        assert_eq!(column_parts(&[10, 500], 100, 14), [vec![0, 1]]);
        assert_eq!(column_parts(&[10], 100, 14), [vec![0]]);
    }
}
