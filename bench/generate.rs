//! Writes the benchmark's synthetic ledger: 50 grants of 20 budget lines each, running over five
//! years (2020-2024), and N expenses (default 1,000,000) paid in three currencies (USD, EUR,
//! MAD). The output is a directory in `export`'s format: `setup/` holds everything but the
//! expenses (for `grantbook import`), `expenses.csv` the expenses (for `expense import` and for
//! the sqlite3 shell's `.import`). The same N always gives the same bytes: a fixed-seed
//! generator, no clock.
//!
//!     cargo run --release --example bench-data -- DIR [N]

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

const GRANTS: u64 = 50;
const LINES: u64 = 20;
const PROJECTS: u64 = 10;
const FIRST_YEAR: i32 = 2020;
const YEARS: i32 = 5;
const CATEGORIES: [&str; 6] = [
    "staff",
    "activities",
    "training",
    "equipment",
    "travel",
    "other",
];

/// xorshift64*: tiny, fast and the same on every machine.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: bench-data DIR [EXPENSES]");
    let expenses: u64 = args
        .next()
        .map_or(1_000_000, |n| n.parse().expect("a count"));
    let dir = Path::new(&dir);
    let setup = dir.join("setup");
    fs::create_dir_all(&setup)?;
    write_setup(&setup)?;
    write_expenses(&dir.join("expenses.csv"), expenses)?;
    Ok(())
}

fn grant_ref(g: u64) -> String {
    format!("BENCH-G{g:02}")
}

/// Grants alternate between USD and EUR; each runs the whole five years.
fn grant_currency(g: u64) -> &'static str {
    if g.is_multiple_of(2) { "USD" } else { "EUR" }
}

fn write_setup(dir: &Path) -> std::io::Result<()> {
    let mut text = String::from("code,name,kind,country\n");
    for d in 0..5 {
        writeln!(text, "BENCH-D{d},Benchmark donor {d},government,").unwrap();
    }
    fs::write(dir.join("donors.csv"), &text)?;

    text = String::from("code,title,organisation,countries,start,end,status\n");
    for p in 0..PROJECTS {
        writeln!(
            text,
            "BENCH-P{p},Benchmark project {p},Benchmark office,MA;TN,2019-01-01,2025-12-31,implementation"
        )
        .unwrap();
    }
    fs::write(dir.join("projects.csv"), &text)?;

    text = String::from("reference,donor,project,currency,amount,start,end,indirect_rate,status\n");
    for g in 0..GRANTS {
        writeln!(
            text,
            "{},BENCH-D{},BENCH-P{},{},{}.00,2020-01-01,2024-12-31,0,active",
            grant_ref(g),
            g % 5,
            g % PROJECTS,
            grant_currency(g),
            LINES * 5_000_000
        )
        .unwrap();
    }
    fs::write(dir.join("grants.csv"), &text)?;

    text = String::from("grant,code,name,category,amount\n");
    for g in 0..GRANTS {
        for l in 0..LINES {
            let category = CATEGORIES[(l as usize) % CATEGORIES.len()];
            writeln!(
                text,
                "{},L{l:02},Line {l},{category},5000000.00",
                grant_ref(g)
            )
            .unwrap();
        }
    }
    fs::write(dir.join("budget_lines.csv"), &text)?;

    text = String::from("grant,code,start,end,status\n");
    for g in 0..GRANTS {
        for year in FIRST_YEAR..FIRST_YEAR + YEARS {
            for (q, (start, end)) in ["01-01", "04-01", "07-01", "10-01"]
                .iter()
                .zip(["03-31", "06-30", "09-30", "12-31"])
                .enumerate()
            {
                writeln!(
                    text,
                    "{},{year}-Q{},{year}-{start},{year}-{end},open",
                    grant_ref(g),
                    q + 1
                )
                .unwrap();
            }
        }
    }
    fs::write(dir.join("periods.csv"), &text)?;

    // Monthly rates for the three pairs the expenses need: USD→MAD, EUR→MAD, EUR→USD.
    text = String::from("from,to,rate,valid_from,source\n");
    let mut random = Random(0x5EED_F00D);
    for year in FIRST_YEAR..FIRST_YEAR + YEARS {
        for month in 1..=12 {
            let wiggle = random.below(400);
            writeln!(
                text,
                "USD,MAD,{}.{:04},{year}-{month:02}-01,bench",
                9,
                8000 + wiggle
            )
            .unwrap();
            writeln!(
                text,
                "EUR,MAD,{}.{:04},{year}-{month:02}-01,bench",
                10,
                6000 + wiggle
            )
            .unwrap();
            writeln!(
                text,
                "EUR,USD,1.{:04},{year}-{month:02}-01,bench",
                800 + wiggle
            )
            .unwrap();
        }
    }
    fs::write(dir.join("fx_rates.csv"), &text)?;
    // `import` wants every table of an export; the ledger starts with none of these rows.
    for table in [
        "extensions",
        "budget_revisions",
        "receipts",
        "expenses",
        "voids",
    ] {
        let columns = grantbook::db::table_columns(table).expect("a table export writes");
        fs::write(dir.join(format!("{table}.csv")), columns.join(",") + "\n")?;
    }
    Ok(())
}

fn write_expenses(path: &Path, count: u64) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    out.write_all(b"grant,line,date,amount,currency,payee,voucher,country,description,kind\n")?;
    let mut random = Random(0x0B0E_5EED);
    let days = days_in_span();
    let mut line = String::with_capacity(200);
    for n in 0..count {
        let grant = random.below(GRANTS);
        let budget_line = random.below(LINES);
        let (year, month, day) = days[random.below(days.len() as u64) as usize];
        let currency = ["USD", "EUR", "MAD"][random.below(3) as usize];
        let amount = 1_000 + random.below(500_000);
        let country = ["MA", "TN"][random.below(2) as usize];
        line.clear();
        writeln!(
            line,
            "{},L{budget_line:02},{year}-{month:02}-{day:02},{}.{:02},{currency},\
             Supplier {},V{n:07},{country},\"Synthetic expense {n}, line {budget_line}\",expenditure",
            grant_ref(grant),
            amount / 100,
            amount % 100,
            random.below(1000),
        )
        .unwrap();
        out.write_all(line.as_bytes())?;
    }
    out.flush()
}

/// Every day of the five years, as (year, month, day).
fn days_in_span() -> Vec<(i32, u32, u32)> {
    let mut days = Vec::new();
    for year in FIRST_YEAR..FIRST_YEAR + YEARS {
        for month in 1..=12u32 {
            let leap = year % 4 == 0;
            let last = match month {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            for day in 1..=last {
                days.push((year, month, day));
            }
        }
    }
    days
}
