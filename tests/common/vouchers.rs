//! Files of many valid expenses on the Japan grant ([`super::japan_grant`]), for imports that
//! must be large: crash points, loading a ledger.

use std::fs;
use std::path::{Path, PathBuf};

/// `count` valid expenses on the Japan grant as `vouchers.csv` in `dir`: dates across the
/// grant, USD and MAD, every budget line, each description `padding` characters longer (a
/// file larger in bytes for the same rows). Only validity matters, not the spread
/// `import_export` needs.
pub fn csv(dir: &Path, count: usize, padding: usize) -> PathBuf {
    const LINES: [&str; 7] = ["STAFF", "TRAIN", "SERV", "COMM", "TRAV", "MON", "IND"];
    let start = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let pad = "x".repeat(padding);
    let mut text = String::from("voucher,grant,line,date,amount,currency,payee,description\n");
    for i in 0..count {
        let date = start + chrono::Days::new((i * 7 % 396) as u64);
        let currency = if i % 3 == 0 { "MAD" } else { "USD" };
        text += &format!(
            "CR-{i:06},{},{},{date},{}.{:02},{currency},Supplier {},Crash test expense {i}{pad}\n",
            super::JAPAN,
            LINES[i % 7],
            1 + i % 20,
            i % 100,
            i % 40
        );
    }
    let path = dir.join("vouchers.csv");
    fs::write(&path, text).unwrap();
    path
}
