//! Every kind of bad input: one clear line on stderr naming the value, exit code 2, and the
//! database exactly as it was (compared row by row before and after).

mod common;

use common::{JAPAN, TestDb, japan_grant};

/// (what is wrong, the command, a phrase the message must contain)
type Case = (&'static str, Vec<&'static str>, &'static str);

type Flags = [(&'static str, &'static str)];

/// `command` with `defaults` flags, each replaced or joined by `overrides`.
fn with_flags(
    command: [&'static str; 2],
    defaults: &Flags,
    overrides: &Flags,
) -> Vec<&'static str> {
    let mut fields = defaults.to_vec();
    for &(flag, value) in overrides {
        match fields.iter_mut().find(|(f, _)| *f == flag) {
            Some(slot) => slot.1 = value,
            None => fields.push((flag, value)),
        }
    }
    let mut args = command.to_vec();
    for (flag, value) in fields {
        args.push(flag);
        // An empty value marks a flag that takes none.
        if !value.is_empty() {
            args.push(value);
        }
    }
    args
}

/// A valid expense of the Japan grant, but for `overrides`.
fn expense(overrides: &Flags) -> Vec<&'static str> {
    let defaults = [
        ("--grant", JAPAN),
        ("--line", "TRAIN"),
        ("--date", "2021-04-15"),
        ("--amount", "12500.00"),
        ("--currency", "MAD"),
        ("--payee", "Hotel Rabat"),
        ("--voucher", "MA-2021-0999"),
    ];
    with_flags(["expense", "add"], &defaults, overrides)
}

/// A valid new grant, but for `overrides`.
fn grant(overrides: &Flags) -> Vec<&'static str> {
    let defaults = [
        ("--reference", "JP-MA-2023"),
        ("--donor", "JP-GOV"),
        ("--project", "MA-MHPSS"),
        ("--currency", "USD"),
        ("--amount", "50000.00"),
        ("--start", "2023-01-01"),
        ("--end", "2023-12-31"),
    ];
    with_flags(["grant", "add"], &defaults, overrides)
}

/// A command whose values have no spaces, written as one string.
fn words(line: &'static str) -> Vec<&'static str> {
    line.split_whitespace().collect()
}

fn cases() -> Vec<Case> {
    vec![
        (
            "unknown donor",
            grant(&[("--donor", "JP-GVO")]),
            "unknown donor \"JP-GVO\"",
        ),
        (
            "unknown project",
            grant(&[("--project", "MA-MHPPS")]),
            "unknown project",
        ),
        (
            "end before start",
            grant(&[("--start", "2023-12-31"), ("--end", "2023-01-01")]),
            "before it starts",
        ),
        (
            "unknown currency",
            grant(&[("--currency", "XYZ")]),
            "unknown currency \"XYZ\"",
        ),
        (
            "grant amount with a comma",
            grant(&[("--amount", "50.000,00")]),
            "'.' for decimals",
        ),
        (
            "grant amount too precise",
            grant(&[("--amount", "50000.001")]),
            "USD has 2 decimals",
        ),
        (
            "duplicate grant",
            grant(&[("--reference", JAPAN)]),
            "already exists",
        ),
        (
            "JPY amount with decimals",
            grant(&[("--currency", "JPY"), ("--amount", "1500.5")]),
            "JPY has 0 decimals",
        ),
        (
            "unknown grant",
            expense(&[("--grant", "JP-MA-MHPSS-2012")]),
            "unknown grant \"JP-MA-MHPSS-2012\"",
        ),
        (
            "unknown line",
            expense(&[("--line", "TRAINING")]),
            "no budget line \"TRAINING\"",
        ),
        (
            "impossible date",
            expense(&[("--date", "2021-02-30")]),
            "\"2021-02-30\" is not a calendar date",
        ),
        (
            "date in another format",
            expense(&[("--date", "15/04/2021")]),
            "YYYY-MM-DD",
        ),
        (
            "decimal comma",
            expense(&[("--amount", "12,5")]),
            "\"12,5\": use '.' for decimals",
        ),
        (
            "exponent",
            expense(&[("--amount", "1e3")]),
            "\"1e3\": write the number in full",
        ),
        (
            "negative amount",
            expense(&[("--amount", "-5")]),
            "\"-5\" is negative; money that came back is a refund",
        ),
        (
            "zero amount",
            expense(&[("--amount", "0.00")]),
            "more than zero",
        ),
        (
            "40-digit amount",
            expense(&[("--amount", "1234567890123456789012345678901234567890")]),
            "too large",
        ),
        (
            "too many decimals for MAD",
            expense(&[("--amount", "12.505")]),
            "MAD has 2 decimals",
        ),
        (
            "too many decimals for USD",
            expense(&[("--amount", "10.999"), ("--currency", "USD")]),
            "USD has 2 decimals",
        ),
        (
            "before the grant starts",
            expense(&[("--date", "2021-02-28")]),
            "outside grant JP-MA-MHPSS-2021",
        ),
        (
            "after the grant ends",
            expense(&[("--date", "2022-04-01")]),
            "outside grant",
        ),
        (
            "no rate for the currency",
            expense(&[("--currency", "EGP")]),
            "no exchange rate between EGP and USD",
        ),
        (
            "rate given for the grant's currency",
            expense(&[("--currency", "USD"), ("--rate", "1")]),
            "drop --rate",
        ),
        ("zero rate", expense(&[("--rate", "0")]), "more than zero"),
        (
            "unknown country",
            expense(&[("--country", "ZZ")]),
            "unknown country \"ZZ\"",
        ),
        (
            "country outside the project",
            expense(&[("--country", "TN")]),
            "not one of project MA-MHPSS's countries",
        ),
        (
            "bad country code",
            expense(&[("--country", "MAR")]),
            "two-letter",
        ),
        (
            "unknown kind",
            expense(&[("--kind", "expense")]),
            "expenditure, disbursement",
        ),
        (
            "empty payee",
            expense(&[("--payee", "  ")]),
            "payee is empty",
        ),
        (
            "control character",
            expense(&[("--payee", "Hotel\u{7}Rabat")]),
            "control character",
        ),
        (
            "SQL in a code",
            expense(&[("--line", "TRAIN'; DROP TABLE expense; --")]),
            "budget line code",
        ),
        (
            "line total above the grant",
            words(
                "budget revise --grant JP-MA-MHPSS-2021 --reason x --date 2021-10-01 --line STAFF=46000.01",
            ),
            "more than grant",
        ),
        (
            "revision of an unknown line",
            words(
                "budget revise --grant JP-MA-MHPSS-2021 --reason x --date 2021-10-01 --line NOPE=1.00",
            ),
            "no budget line \"NOPE\"",
        ),
        (
            "budget set twice",
            words("budget set --grant JP-MA-MHPSS-2021 --line X:staff:1.00:X"),
            "budget revise",
        ),
        (
            "receipts above the grant",
            words("receipt add --grant JP-MA-MHPSS-2021 --date 2021-06-01 --amount 0.01"),
            "more than the grant's",
        ),
        (
            "receipt in another currency",
            words(
                "receipt add --grant JP-MA-MHPSS-2021 --date 2021-06-01 --amount 1.00 --currency EUR",
            ),
            "grant's currency",
        ),
        (
            "overlapping period",
            words("period add --grant JP-MA-MHPSS-2021 X --start 2021-06-15 --end 2021-07-15"),
            "overlaps period 2021-Q2",
        ),
        (
            "period outside the grant",
            words("period add --grant JP-MA-MHPSS-2021 X --start 2022-04-01 --end 2022-06-30"),
            "not inside grant",
        ),
        (
            "closing an unknown period",
            words("period close --grant JP-MA-MHPSS-2021 2021-Q9"),
            "no period \"2021-Q9\"",
        ),
        (
            "rate already stored",
            words("fx set --from USD --to MAD --rate 9.1 --valid-from 2021-03-01"),
            "--replace",
        ),
        (
            "rate to the same currency",
            words("fx set --from USD --to USD --rate 1 --valid-from 2021-03-01"),
            "two different currencies",
        ),
        (
            "voiding a missing expense",
            words("expense void 99 --reason x"),
            "no expense #99",
        ),
        (
            "duplicate donor",
            words("donor add --code JP-GOV --name Japan"),
            "already exists",
        ),
        (
            "misspelt donor kind",
            words("donor add --code X --name X --kind goverment"),
            "government, multilateral",
        ),
        (
            "project without country",
            words(
                "project add --code P --title T --organisation O --countries ; --start 2021-01-01 --end 2021-12-31",
            ),
            "at least one country",
        ),
        (
            "rate typed the other way round",
            expense(&[("--rate", "0.1113")]),
            "looks upside down: the stored rate is 1 USD = 8.9874 MAD",
        ),
        (
            "upside-down rate, forced",
            expense(&[("--rate", "0.1113"), ("--force-rate", "")]),
            "give about --rate 8.9874",
        ),
        (
            "rate far from the stored one",
            expense(&[("--rate", "12")]),
            "--force-rate",
        ),
        (
            "amount that converts to nothing",
            expense(&[("--amount", "0.01")]),
            "less than the smallest amount of USD (0.01)",
        ),
        (
            // EGP has no stored rate, so only the limit stands between a slip and the ledger.
            "conversion past the limit",
            expense(&[
                ("--amount", "900000000000.00"),
                ("--currency", "EGP"),
                ("--rate", "0.00001"),
            ]),
            "too large",
        ),
        (
            "expense in the future",
            expense(&[("--date", "2199-01-01")]),
            "is in the future",
        ),
        (
            "receipt in the future",
            words("receipt add --grant JP-MA-MHPSS-2021 --date 2199-01-01 --amount 1.00"),
            "is in the future",
        ),
        (
            "revision dated outside the grant",
            words(
                "budget revise --grant JP-MA-MHPSS-2021 --reason x --date 2099-01-01 --line STAFF=1.00",
            ),
            "outside grant",
        ),
        (
            "rate for the reversed pair",
            words("fx set --from MAD --to USD --rate 0.11 --valid-from 2021-05-01"),
            "--from USD --to MAD --rate 9.090909",
        ),
        (
            "year 0000",
            expense(&[("--date", "0000-00-00")]),
            "0000-00-00",
        ),
        (
            "year 9999",
            expense(&[("--date", "9999-12-31")]),
            "year must be between",
        ),
        (
            "unknown flag",
            words("expense add --ammount 5"),
            "--ammount",
        ),
    ]
}

#[test]
fn bad_input_is_refused_with_one_line_and_nothing_written() {
    let db = japan_grant();
    // An expense whose voucher a duplicate can collide with.
    db.ok(&expense(&[("--voucher", "MA-2021-0001")]));
    let before = db.dump();
    let bytes = std::fs::read(&db.path).unwrap();
    let mut all = cases();
    all.push((
        "duplicate voucher",
        expense(&[("--voucher", "MA-2021-0001")]),
        "already recorded",
    ));
    for (what, args, expected) in all {
        let err = db.fails(&args, 2);
        assert!(
            err.contains(expected),
            "{what}: wanted {expected:?} in:\n{err}"
        );
        if !args.iter().any(|a| a.starts_with("--ammount")) {
            assert_eq!(
                err.trim_end().lines().count(),
                1,
                "{what}: one line, got:\n{err}"
            );
            assert!(err.starts_with("grantbook: error: "), "{what}: {err}");
        }
        assert_eq!(db.dump(), before, "{what}: the database changed");
        assert!(
            std::fs::read(&db.path).unwrap() == bytes,
            "{what}: the file changed"
        );
    }
}

#[test]
fn a_file_that_is_not_a_grantbook_database_is_refused_untouched() {
    let db = TestDb::uninitialised();
    std::fs::write(&db.path, "date,amount\n2021-03-01,5\n").unwrap();
    let err = db.fails_sh("grant list", 2);
    assert!(err.contains("not a grantbook database"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&db.path).unwrap(),
        "date,amount\n2021-03-01,5\n"
    );

    let other = TestDb::uninitialised();
    let conn = rusqlite::Connection::open(&other.path).unwrap();
    conn.execute_batch("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('keep me');")
        .unwrap();
    drop(conn);
    let err = other.fails_sh("expense list", 2);
    assert!(err.contains("not a grantbook one"), "{err}");
}

#[test]
fn commands_need_an_existing_database() {
    let db = TestDb::uninitialised();
    let err = db.fails_sh("grant list", 2);
    assert!(
        err.contains("no database at") && err.contains("init"),
        "{err}"
    );
    assert!(
        !db.path.exists(),
        "a typo in --db must not create an empty ledger"
    );
    db.ok_sh("init");
    let err = db.fails_sh("init", 2);
    assert!(err.contains("never overwrites"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_new_database_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let db = TestDb::new();
    let mode = std::fs::metadata(&db.path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn an_empty_file_is_not_turned_into_a_ledger() {
    let db = TestDb::uninitialised();
    std::fs::write(&db.path, "").unwrap();
    let err = db.fails_sh("donor list", 2);
    assert!(err.contains("empty file"), "{err}");
    assert_eq!(std::fs::metadata(&db.path).unwrap().len(), 0);
}
