//! Static guard (issue 5): text from users is always a bound parameter, never formatted into
//! SQL. Every `format!` in src/ whose literal is SQL may interpolate only constants (SQL
//! fragments in UPPER_CASE) and the few locals listed below, each built from integers or a
//! constant; a positional `{}` is refused outright.

use std::fs;
use std::path::Path;

/// Locals allowed inside formatted SQL, and why they are safe.
const SAFE_LOCALS: &[(&str, &str)] = &[
    (
        "condition",
        "src/db/commitments.rs commitments_where: a &'static str, one of the module's constant \
         conditions; values are parameters",
    ),
    (
        "i",
        "src/db/reports.rs line_spend: the index of a date range, an integer",
    ),
    (
        "from",
        "src/db/reports.rs line_spend: a parameter number ?N, an integer",
    ),
    (
        "to",
        "src/db/reports.rs line_spend: a parameter number ?N, an integer",
    ),
    (
        "sums",
        "src/db/reports.rs line_spend: built only from the integers above",
    ),
    (
        "totals",
        "src/db/reports.rs line_spend: built only from the integers above",
    ),
    (
        "table",
        "src/db/copy.rs: a name from the constant list of the ledger's tables",
    ),
    (
        "list",
        "src/db/copy.rs: the table's column names, read from the database's own catalogue",
    ),
    (
        "placeholders",
        "src/db/copy.rs: ?1..?N, built from integers",
    ),
];

const SQL_WORDS: &[&str] = &[
    "SELECT ", "INSERT ", "UPDATE ", "DELETE ", "DROP ", "CREATE ", "ALTER ", "PRAGMA ", " WHERE ",
];

/// The string literal starting at `text` (just after its opening quote), unescaped enough to
/// find its placeholders: returns its content.
fn literal(text: &str) -> &str {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() && bytes[i] != b'"' {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    &text[..i.min(text.len())]
}

/// The names in `{name}` / `{name:fmt}` placeholders of a format string (`{{` is a brace).
fn placeholders(format: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = format;
    while let Some(open) = rest.find('{') {
        if rest[open..].starts_with("{{") {
            rest = &rest[open + 2..];
            continue;
        }
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        let inner = &rest[open + 1..close];
        names.push(inner.split(':').next().unwrap_or("").trim().to_string());
        rest = &rest[(close + 1).min(rest.len())..];
    }
    names
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_user_text_is_formatted_into_sql() {
    let mut files = Vec::new();
    rust_files(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut files,
    );
    let mut checked = 0;
    let mut problems = Vec::new();
    for file in &files {
        let source = fs::read_to_string(file).unwrap();
        for (at, _) in source.match_indices("format!(") {
            let after = source[at + 8..].trim_start();
            let Some(body) = after.strip_prefix('"') else {
                continue;
            };
            let format = literal(body);
            if !SQL_WORDS.iter().any(|w| format.contains(w)) {
                continue;
            }
            checked += 1;
            for name in placeholders(format) {
                let constant = !name.is_empty()
                    && name.starts_with(|c: char| c.is_ascii_uppercase())
                    && name
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                if !constant && !SAFE_LOCALS.iter().any(|(safe, _)| *safe == name) {
                    let line = source[..at].lines().count();
                    problems.push(format!("{}:{line}: {{{name}}} in SQL", file.display()));
                }
            }
        }
    }
    assert!(
        checked >= 10,
        "only {checked} SQL format! calls found: is the scan broken?"
    );
    assert!(
        problems.is_empty(),
        "SQL built from non-constant text:\n{}",
        problems.join("\n")
    );
}

/// What an import suspends (triggers, the reports' index) is dropped by statements written out
/// in full, never built at run time.
#[test]
fn suspended_objects_are_dropped_by_literal_statements() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/db/expense_import/tuning.rs"
    );
    let source = fs::read_to_string(path).unwrap();
    let drops: Vec<&str> = source
        .match_indices("\"DROP ")
        .map(|(at, _)| literal(&source[at + 1..]))
        .collect();
    assert!(drops.len() >= 3, "{drops:?}");
    for drop in drops {
        let words: Vec<&str> = drop.split_whitespace().collect();
        assert!(
            matches!(words.as_slice(), ["DROP", "TRIGGER" | "INDEX", name]
                if name.chars().all(|c| c.is_ascii_lowercase() || c == '_')),
            "{drop:?}"
        );
    }
    assert!(!source.contains("format!(\"DROP"));
}

#[test]
fn the_scanner_sees_placeholders() {
    assert_eq!(placeholders("SELECT {A} {{x}} {b:?} {}"), ["A", "b", ""]);
    assert_eq!(literal(r#"a \" b" rest"#), r#"a \" b"#);
}
