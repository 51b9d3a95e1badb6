//! Issue 18, item 5: the few hostile values that got through. A code is stored as typed or
//! refused, never changed (a vertical tab at its end used to be cut off and the rest stored);
//! what was typed is shown escaped in every message, clap's included; and a refusal names the
//! field and the value it is about.

mod common;

use common::{JAPAN as G, TestDb, japan_grant};

/// White space other than spaces, and control characters, at either end of a code.
const INVISIBLE: &[&str] = &[
    "\u{b}", "\t", "\u{c}", "\r", "\n", "\u{85}", "\u{a0}", "\u{1}",
];

/// `args` must be refused with exit 2, the database unchanged and the message free of raw
/// control and invisible characters; returns the message.
fn refused(db: &TestDb, args: &[String]) -> String {
    let before = db.dump();
    let message = db.fails(args, 2);
    assert_eq!(db.dump(), before, "{args:?} changed the database");
    assert!(
        !message.chars().any(|c| c != '\n' && invisible(c)),
        "{args:?}: printed raw: {message:?}"
    );
    message
}

fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}')
}

/// A command line with `code` in place of `CODE`.
fn with_code(line: &str, code: &str) -> Vec<String> {
    line.split(' ').map(|w| w.replace("CODE", code)).collect()
}

#[test]
fn a_code_with_a_control_or_white_space_character_is_refused_not_cut() {
    let db = japan_grant();
    let commands = [
        "donor add --code CODE --name N --kind other".to_string(),
        "project add --code CODE --title T --organisation O --countries MA --start 2021-01-01 \
         --end 2021-12-31"
            .to_string(),
        "grant add --reference CODE --donor JP-GOV --project MA-MHPSS --currency USD \
         --amount 10.00 --start 2021-03-01 --end 2022-03-31 --indirect-rate 7"
            .to_string(),
        format!(
            "budget revise --grant {G} --date 2021-06-01 --reason r --new-line CODE:other:1.00:x"
        ),
        format!("period add --grant {G} CODE --start 2022-04-01 --end 2022-04-30"),
    ];
    for c in INVISIBLE {
        for code in [format!("VT{c}"), format!("{c}VT")] {
            let shown = format!("{code:?}");
            for command in &commands {
                let args = with_code(command, &code);
                let message = refused(&db, &args);
                assert!(
                    message.contains(shown.trim_matches('"')),
                    "{args:?}: {message}"
                );
            }
        }
    }
    // Spaces around a code are all it loses.
    db.ok(&with_code(&commands[0], " VT "));
    db.ok(&["donor", "show", "VT"]);
}

#[test]
fn what_was_typed_is_shown_escaped_in_every_message() {
    let db = japan_grant();
    let every = "q\u{202e}uarter\t\r\u{85}\u{c}";
    let message = refused(
        &db,
        &with_code(&format!("period generate --grant {G} --every CODE"), every),
    );
    assert!(
        message.contains(r"q\u{202e}uarter\t\r\u{85}\u{c}"),
        "{message}"
    );
    // An unknown flag or subcommand is typed too.
    let message = refused(&db, &with_code("expense list --fo\u{1b}[2J", ""));
    assert!(message.contains(r"--fo\u{1b}[2J"), "{message}");
    let message = refused(&db, &with_code("expense li\u{202e}st", ""));
    assert!(message.contains(r"li\u{202e}st"), "{message}");
    // grantbook's own messages: a payee with a control character in an import.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rows.csv");
    std::fs::write(
        &file,
        format!(
            "grant,line,date,amount,payee,voucher\n{G},TRAIN,2021-04-15,1.00,P\u{1}\u{202e}x,V1\n"
        ),
    )
    .unwrap();
    let message = refused(
        &db,
        &with_code("expense import CODE", file.to_str().unwrap()),
    );
    assert!(
        message.contains(r#"(payee = "P\u{1}\u{202e}x")"#),
        "{message}"
    );
}

#[test]
fn a_refusal_names_the_field_and_the_value() {
    let db = japan_grant();
    let message = refused(
        &db,
        &with_code(
            "project add --code PX --title T --organisation O --countries CODE \
             --start 2021-01-01 --end 2021-12-31",
            "1,000.00.0",
        ),
    );
    assert!(
        message.contains("countries \"1,000.00.0\": \"1\" is not a country code"),
        "{message}"
    );
    let message = refused(
        &db,
        &with_code(
            &format!("budget revise --grant {G} --date 2021-06-01 --reason r --new-line CODE"),
            "NEWL:other:20210203:...",
        ),
    );
    assert!(
        message.contains("with new line \"NEWL\" of 20210203.00, the budget lines would total"),
        "{message}"
    );
}
