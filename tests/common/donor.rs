//! A donor report with everything beside its figures, for the tests of its content
//! (tests/donor_report.rs) and of its print (tests/print.rs): the Japan grant's 2021-Q3 with
//! interest received, two variance notes, and books reopened and changed after closing.

use super::{TestDb, field, japan_grant};

pub const G: &str = "JP-MA-MHPSS-2021";
pub const MON_NOTE: &str = "Baseline survey moved to October: the field team was recruited late";
pub const SERV_NOTE: &str = "More sessions than planned after the summer arrivals";

fn expense(db: &TestDb, line: &str, date: &str, amount: &str, voucher: &str) {
    db.ok_sh(&format!(
        "expense add --grant {G} --line {line} --date {date} --amount {amount} \
         --payee 'Centre Rabat' --voucher {voucher}"
    ));
}

fn expense_id(db: &TestDb, voucher: &str) -> String {
    let rows = db.csv_sh(&format!("expense list --grant {G}"));
    let row = rows
        .iter()
        .find(|r| field(r, "voucher") == voucher)
        .unwrap_or_else(|| panic!("no expense {voucher}"));
    field(row, "id").to_string()
}

/// 2021-Q3 of the Japan grant: SERV 5,000.00 (V-301) and COMM 310.40 (V-302); closed; reopened
/// for a late invoice: COMM 1,250.00 (V-303) recorded, V-302 voided, interest of 41.27
/// received; closed again; notes on MON and SERV (the second replacing a draft).
pub fn reopened_quarter() -> TestDb {
    let db = japan_grant();
    expense(&db, "SERV", "2021-08-12", "5000.00", "V-301");
    expense(&db, "COMM", "2021-09-10", "310.40", "V-302");
    db.ok_sh(&format!("period close --grant {G} 2021-Q3"));

    // Closed: no receipt dated in it, of any kind.
    let before = db.dump();
    let interest = format!(
        "receipt add --grant {G} --kind interest --date 2021-09-30 --amount 41.27 \
         --reference INT-2021-09 --description 'Bank interest, Q3'"
    );
    let err = db.fails_sh(&interest, 2);
    assert!(err.contains("2021-Q3") && err.contains("closed"), "{err}");
    assert_eq!(db.dump(), before, "nothing written");

    db.ok_sh(&format!(
        "period reopen --grant {G} 2021-Q3 --reason 'Late invoice from the printer'"
    ));
    // The grant is received in full, but interest is not the donor's tranche: it fits.
    db.ok_sh(&interest);
    let err = db.fails_sh(
        &format!("receipt add --grant {G} --date 2021-09-30 --amount 0.01 --reference T9"),
        2,
    );
    assert!(
        err.contains("123762.01"),
        "a tranche still may not pass the grant: {err}"
    );
    expense(&db, "COMM", "2021-09-28", "1250.00", "V-303");
    let id = expense_id(&db, "V-302");
    db.ok_sh(&format!(
        "expense void {id} --reason 'Entered on the wrong grant'"
    ));
    db.ok_sh(&format!("period close --grant {G} 2021-Q3"));

    db.ok_sh(&format!(
        "period note --grant {G} 2021-Q3 --line MON --text '{MON_NOTE}'"
    ));
    db.ok_sh(&format!(
        "period note --grant {G} 2021-Q3 --line SERV --text 'Draft'"
    ));
    db.ok_sh(&format!(
        "period note --grant {G} 2021-Q3 --line SERV --text '{SERV_NOTE}'"
    ));
    db
}
