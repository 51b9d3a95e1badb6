//! Issue 17, item 6: the small frictions a new user meets.

mod common;

use common::{JAPAN as G, TestDb, field, japan_grant, run_raw};

#[test]
fn the_demo_builds_where_db_says() {
    let dir = tempfile::tempdir().unwrap();
    let here = dir.path().join("demo.db");
    let out = run_raw(&["--db", here.to_str().unwrap(), "demo"], None);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(here.exists(), "the demo was built where --db pointed");
    let elsewhere = dir.path().join("other.db");
    let out = run_raw(
        &[
            "--db",
            here.to_str().unwrap(),
            "demo",
            elsewhere.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("two places"));
}

#[test]
fn grant_extend_takes_grant_as_every_command_does() {
    let db = japan_grant();
    db.ok_sh(&format!(
        "grant extend --grant {G} --end 2022-06-30 --reason 'No-cost extension' --decided 2022-03-01"
    ));
    let grant = db.csv_sh("grant list");
    assert_eq!(field(&grant[0], "end"), "2022-06-30");
    // The positional form still works.
    db.ok_sh(&format!(
        "grant extend {G} --end 2022-07-31 --reason 'Second extension' --decided 2022-06-01"
    ));
}

#[test]
fn periods_are_listed_for_every_grant_and_found_whatever_their_case() {
    let db = japan_grant();
    let all = db.csv_sh("period list");
    assert_eq!(all.len(), 5, "the Japan grant's five quarters");
    db.ok_sh(&format!("period close --grant {G} 2021-q1"));
    let closed = db.csv_sh(&format!("period list --grant {G}"));
    assert_eq!(field(&closed[0], "status"), "closed");
    db.ok_sh(&format!(
        "report donor --grant {G} --period 2021-q1 --as-of 2021-12-31"
    ));
}

#[test]
fn an_unreachable_postgres_server_is_said_without_its_password_or_any_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_grantbook"))
        .current_dir(dir.path())
        .args([
            "--db",
            "postgres://officer:secret@db.example/ledger",
            "init",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot reach the PostgreSQL ledger"), "{err}");
    assert!(!err.contains("secret"), "the password is not echoed: {err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn grant_period_and_reason_are_explained_in_every_help() {
    let db = TestDb::new();
    for command in [
        "period close",
        "period reopen",
        "budget revise",
        "expense list",
        "receipt add",
        "report donor",
        "report budget",
        "grant status",
        "expense void",
    ] {
        let mut args: Vec<&str> = command.split(' ').collect();
        args.push("--help");
        let help = db.ok(&args);
        let lines: Vec<&str> = help.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let option = line.trim_start();
            let named = ["--grant <", "--period <", "--reason <"]
                .iter()
                .any(|o| option.starts_with(o));
            if named {
                let next = lines.get(i + 1).map_or("", |l| l.trim());
                assert!(!next.is_empty(), "{command}: {option} has no help");
            }
        }
    }
}

#[test]
fn an_expense_is_shown_by_its_voucher_and_listed_by_voucher_or_payee() {
    let db = japan_grant();
    for (voucher, payee) in [
        ("MA-2021-0101", "Hôtel Rabat"),
        ("MA-2021-0102", "Taxi Oujda"),
    ] {
        db.ok(&[
            "expense",
            "add",
            "--grant",
            G,
            "--line",
            "TRAV",
            "--date",
            "2021-04-15",
            "--amount",
            "10.00",
            "--payee",
            payee,
            "--voucher",
            voucher,
        ]);
    }
    let shown = db.json_sh("expense show MA-2021-0102");
    assert_eq!(shown["payee"], "Taxi Oujda");
    let shown = db.json_sh(&format!("expense show MA-2021-0101 --grant {G}"));
    assert_eq!(shown["id"], "1");
    let err = db.fails_sh("expense show TN-2024-0019", 2);
    assert!(err.contains("no expense has the id or voucher"), "{err}");

    let by_voucher = db.csv_sh("expense list --voucher MA-2021-0102");
    assert_eq!(by_voucher.len(), 1);
    let by_payee = db.csv_sh("expense list --payee rabat");
    assert_eq!(by_payee.len(), 1);
    assert_eq!(field(&by_payee[0], "voucher"), "MA-2021-0101");
}
