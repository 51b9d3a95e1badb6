//! A dump of a whole database that two runs of one command agree on, whatever the clock said.

use std::path::Path;

use rusqlite::Connection;
use rusqlite::types::ValueRef;

/// Every row of every table and the schema, as text, with each `YYYY-MM-DDTHH:MM:SSZ`
/// timestamp (and the audit seals, which hash them) masked: two runs of one command on one database give equal dumps, whatever second
/// the clock said when each recorded its rows.
pub fn timeless_dump(path: &Path) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let mut lines = Vec::new();
    let mut stmt = conn
        .prepare("SELECT name, type, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")
        .unwrap();
    let objects: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (name, kind, sql) in objects {
        lines.push(sql);
        if kind != "table" {
            continue;
        }
        let mut rows = conn.prepare(&format!("SELECT * FROM \"{name}\"")).unwrap();
        let width = rows.column_count();
        // An audit entry's seal hashes its time with the rest, so it differs with the clock too.
        let seal = (name == "audit_log")
            .then(|| rows.column_index("seal").ok())
            .flatten();
        let mut table: Vec<String> = rows
            .query_map([], |r| {
                let cells: Vec<String> = (0..width)
                    .map(|i| match r.get_ref(i).unwrap() {
                        ValueRef::Text(_) if Some(i) == seal => "<seal>".to_string(),
                        ValueRef::Text(t) => mask_times(&String::from_utf8_lossy(t)),
                        other => format!("{other:?}"),
                    })
                    .collect();
                Ok(format!("{name}: {}", cells.join(" | ")))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        table.sort();
        lines.extend(table);
    }
    lines
}

/// `text` with every timestamp in grantbook's recording format replaced by `<time>`.
fn mask_times(text: &str) -> String {
    const SHAPE: &[u8] = b"dddd-dd-ddTdd:dd:ddZ";
    let bytes = text.as_bytes();
    let fits = |at: usize| {
        bytes.len() >= at + SHAPE.len()
            && SHAPE.iter().zip(&bytes[at..]).all(|(&s, &b)| {
                if s == b'd' {
                    b.is_ascii_digit()
                } else {
                    s == b
                }
            })
    };
    let (mut out, mut i) = (String::new(), 0);
    while i < bytes.len() {
        if fits(i) {
            out.push_str("<time>");
            i += SHAPE.len();
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

#[test]
fn timestamps_are_masked_and_nothing_else() {
    assert_eq!(
        mask_times(r#"{"at":"2026-11-30T03:25:51Z","date":"2021-10-01","n":"12:00:00Z"}"#),
        r#"{"at":"<time>","date":"2021-10-01","n":"12:00:00Z"}"#
    );
    assert_eq!(mask_times("é 2021-03-01T00:00:00Z"), "é <time>");
}
