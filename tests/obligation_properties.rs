//! Invariants of money bound but not spent (issue 15), over generated amounts, through the CLI
//! on the Japan grant's SERV line (USD 24,000.00): available + spent + open commitments =
//! budget, and liquidated + returned + outstanding = advanced, whatever is refused on the way.

mod common;

use common::{JAPAN as G, field, japan_grant};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn cents(minor: i64) -> String {
    Decimal::new(minor, 2).to_string()
}

fn amount(value: &serde_json::Value) -> Decimal {
    value.as_str().unwrap_or("0").parse().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn available_spent_and_committed_add_up_to_the_budget(
        committed in 1i64..3_000_000,
        payments in prop::collection::vec(1i64..1_200_000, 0..4),
        closed in any::<bool>(),
    ) {
        let db = japan_grant();
        db.ok_sh(&format!(
            "commitment add --grant {G} --line SERV --vendor V --reference PO --amount {} \
             --date 2021-04-01 --over-commit 'generated'",
            cents(committed)
        ));
        for (i, minor) in payments.iter().enumerate() {
            db.ok_sh(&format!(
                "expense add --grant {G} --line SERV --date 2021-05-0{} --amount {} --payee V \
                 --voucher P-{i} --commitment PO",
                i + 1,
                cents(*minor)
            ));
        }
        if closed {
            db.ok_sh(&format!("commitment close PO --grant {G} --date 2021-06-30 --reason done"));
        }
        let paid: i64 = payments.iter().sum();
        let open = if closed { 0 } else { (committed - paid).max(0) };
        let report = db.json_sh(&format!("report budget --grant {G} --as-of 2022-03-31"));
        let lines = report["lines"].as_array().unwrap();
        for row in lines.iter().filter(|r| r["line"] == "SERV" || r["line"] == "TOTAL") {
            let (budget, spent) = (amount(&row["budget"]), amount(&row["spent_to_date"]));
            prop_assert_eq!(spent, Decimal::new(paid, 2));
            if open == 0 {
                prop_assert!(row["committed"].is_null());
                continue;
            }
            let (held, available) = (amount(&row["committed"]), amount(&row["available"]));
            prop_assert_eq!(held, Decimal::new(open, 2));
            prop_assert_eq!(available + spent + held, budget);
        }
    }

    #[test]
    fn liquidated_returned_and_outstanding_add_up_to_the_advance(
        advanced in 1i64..2_000_000,
        moves in prop::collection::vec((any::<bool>(), 1i64..900_000), 1..5),
    ) {
        let db = japan_grant();
        db.ok_sh(&format!(
            "advance add --grant {G} --partner P --reference A --amount {} --date 2021-04-01",
            cents(advanced)
        ));
        let mut accounted = 0;
        for (i, (is_return, minor)) in moves.iter().enumerate() {
            let line = if *is_return {
                format!("advance return A --grant {G} --amount {} --date 2021-05-0{}", cents(*minor), i + 1)
            } else {
                format!(
                    "expense add --grant {G} --line SERV --date 2021-05-0{} --amount {} \
                     --payee P --voucher L-{i} --advance A",
                    i + 1,
                    cents(*minor)
                )
            };
            if accounted + minor <= advanced {
                db.ok_sh(&line);
                accounted += minor;
            } else {
                let before = db.dump();
                db.fails_sh(&line, 2);
                prop_assert_eq!(db.dump(), before);
            }
        }
        let row = db.csv_sh(&format!("advance list --grant {G} --as-of 2022-03-31")).remove(0);
        let get = |key: &str| field(&row, key).parse::<Decimal>().unwrap();
        prop_assert_eq!(
            get("liquidated") + get("returned") + get("outstanding"),
            Decimal::new(advanced, 2)
        );
        prop_assert_eq!(get("outstanding"), Decimal::new(advanced - accounted, 2));
    }
}
