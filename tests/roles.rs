//! Roles on the server: officers record and void in their own offices, managers also close
//! periods, auditors only read; the audit log names who did it. On a ledger file there is one
//! user, and `admin roles` says so.

mod common;

use common::{TestDb, field};

const TAXI: &str = "expense add --grant REG-NA-2022 --line TRAV --date 2024-06-20 \
    --amount 100.00 --currency EUR --country MA --payee Taxi --voucher AM-1";

#[test]
fn officers_record_in_their_offices_and_only_managers_close_periods() {
    let db = TestDb::demo();
    let Some(server) = &db.server else {
        let err = db.fails_sh("admin roles", 2);
        assert!(err.contains("roles are a PostgreSQL ledger's"), "{err}");
        return;
    };
    db.ok_sh("office add --project NA-MIGHEALTH --code RABAT --name 'Rabat office' --country MA");
    db.ok_sh("office add --project NA-MIGHEALTH --code TUNIS --name 'Tunis office' --country TN");
    let roles = db.csv_sh("admin roles");
    let names: Vec<String> = roles.iter().map(|r| field(r, "role").to_string()).collect();
    for role in [
        "auditor",
        "manager",
        "office_rabat",
        "office_tunis",
        "officer",
    ] {
        assert!(
            names.contains(&format!("{}_{role}", server.database)),
            "{role} missing from {names:?}"
        );
    }
    let officer = server.login("amina", &["officer", "office_rabat"]);
    let manager = server.login("karim", &["manager"]);
    let auditor = server.login("sara", &["auditor"]);

    let before = db.dump();
    let (_, err) = db.as_role(
        &officer,
        Some("RABAT"),
        "period close --grant REG-NA-2022 2024-Q2",
        2,
    );
    assert!(err.contains("permission denied for table period"), "{err}");
    assert!(err.contains("a manager's may"), "{err}");
    let (_, err) = db.as_role(&officer, Some("TUNIS"), TAXI, 2);
    assert!(err.contains("records only for its own offices"), "{err}");
    let (_, err) = db.as_role(&auditor, Some("RABAT"), TAXI, 2);
    assert!(err.contains("permission denied for table expense"), "{err}");
    assert_eq!(db.dump(), before, "refused changes write nothing");

    db.as_role(&officer, Some("RABAT"), TAXI, 0);
    let (listed, _) = db.as_role(
        &auditor,
        None,
        "expense list --voucher AM-1 --format csv",
        0,
    );
    assert!(listed.contains("AM-1"), "an auditor reads: {listed}");
    db.as_role(
        &manager,
        None,
        "period close --grant REG-NA-2022 2024-Q2",
        0,
    );
    let log = db.csv_sh("audit --limit 2");
    let who: Vec<&str> = log.iter().map(|e| field(e, "actor")).collect();
    assert_eq!(
        who,
        [
            format!("{}_karim", server.name),
            format!("{}_amina", server.name)
        ]
    );
    assert!(db.ok_sh("audit verify").contains("intact"));
    // Donors' categories and the lines' mapping are a manager's, as the budget is.
    let remap = "budget map --grant JP-MA-MHPSS-2021 MON:1";
    let (_, err) = db.as_role(&officer, Some("RABAT"), remap, 2);
    assert!(
        err.contains("permission denied for table line_category"),
        "{err}"
    );
    db.as_role(&manager, None, remap, 0);
    db.as_role(
        &manager,
        None,
        "donor category add --donor REG-DONOR --code 1 --name 'Human resources'",
        0,
    );
}
