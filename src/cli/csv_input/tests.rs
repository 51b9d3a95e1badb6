use serde::Deserialize;

use super::problems::shown_value;
use super::*;

#[test]
fn the_delimiter_is_the_one_the_header_uses_most_outside_quotes() {
    assert_eq!(detect_delimiter(b"grant;line;date\nA,B;C;D"), b';');
    assert_eq!(detect_delimiter(b"grant,line,date\n"), b',');
    assert_eq!(detect_delimiter(b"grant\tline\tdate"), b'\t');
    assert_eq!(detect_delimiter(b"\"a;b;c\",d,e\n"), b',');
    assert_eq!(detect_delimiter(b"\xEF\xBB\xBFgrant;line\n"), b';');
    // One column: nothing to go by, so the comma.
    assert_eq!(detect_delimiter(b"voucher\nV-1;V-2"), b',');
}

#[derive(Debug, Deserialize)]
struct Row {
    voucher_no: String,
    #[serde(default)]
    amount: String,
}

impl CsvRow for Row {
    const REQUIRED: &'static [&'static str] = &["voucher_no"];
    const OPTIONAL: &'static [&'static str] = &["amount"];
}

fn input(text: &'static str) -> Result<CsvInput> {
    CsvInput::new("test.csv", Box::new(text.as_bytes()), None, None)
}

fn read(text: &'static str) -> Result<Vec<(String, String, u64)>> {
    let mut rows = Vec::new();
    input(text)?.rows(|row: Row, place| {
        rows.push((row.voucher_no, row.amount, place.line));
        Ok(())
    })?;
    Ok(rows)
}

#[test]
fn headers_are_matched_whatever_their_case_and_spacing() {
    let rows =
        read("\u{feff}Amount; Voucher No \r\n12.50;V-1\r\n\"1;5\";\"V\r\n2\"\r\n\r\n").unwrap();
    assert_eq!(
        rows,
        vec![
            ("V-1".into(), "12.50".into(), 2),
            ("V\r\n2".into(), "1;5".into(), 3)
        ]
    );
}

#[test]
fn unknown_duplicate_and_missing_columns_are_refused_with_their_place() {
    let unknown = read("voucher_no,amont\nV-1,1\n").unwrap_err().message;
    assert!(
        unknown.starts_with("test.csv:1:2: unknown column \"amont\""),
        "{unknown}"
    );
    let twice = read("voucher_no,amount,amount\n").unwrap_err().message;
    assert!(
        twice.starts_with("test.csv:1:3: column \"amount\" appears twice"),
        "{twice}"
    );
    let missing = read("amount\n1\n").unwrap_err().message;
    assert!(
        missing.starts_with("test.csv:1: missing column voucher_no"),
        "{missing}"
    );
    let empty = read("").unwrap_err().message;
    assert!(empty.contains("is empty"), "{empty}");
}

#[test]
fn bad_rows_are_counted_and_the_first_twenty_shown() {
    let mut text = String::from("voucher_no,amount\n");
    for i in 0..25 {
        text.push_str(&format!("V-{i},{i}\n"));
    }
    let text: &'static str = text.leak();
    let error = input(text)
        .unwrap()
        .rows(|row: Row, _| Err(Error::invalid(format!("no {}", row.amount)).in_field("amount")))
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Invalid);
    let lines: Vec<&str> = error.message.lines().collect();
    assert_eq!(
        lines[0],
        "test.csv: 25 of 25 rows refused, so nothing was written"
    );
    assert_eq!(lines[1], "  test.csv:2:2 (amount = \"0\"): no 0");
    assert_eq!(lines[20], "  test.csv:21:2 (amount = \"19\"): no 19");
    assert_eq!(lines[21], "  ... and 5 more");
}

#[test]
fn a_failure_of_the_machine_stops_at_once() {
    let mut seen = 0;
    let error = input("voucher_no\nV-1\nV-2\n")
        .unwrap()
        .rows(|_: Row, _| {
            seen += 1;
            Err(Error::runtime("disk full"))
        })
        .unwrap_err();
    assert_eq!(seen, 1);
    assert_eq!(error.message, "disk full");
}

#[test]
fn long_values_are_cut_short_in_messages() {
    assert_eq!(shown_value("12,50"), "\"12,50\"");
    let long = "x".repeat(100);
    assert_eq!(shown_value(&long), format!("\"{}\"...", "x".repeat(60)));
}

/// A pipe that delivers one byte per read.
struct Trickle(&'static [u8]);

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((byte, rest)), Some(slot)) => {
                *slot = *byte;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

#[test]
fn the_bom_and_delimiter_are_found_however_a_pipe_delivers_the_header() {
    let source = Trickle("\u{feff}Voucher No;Amount\nV-1;1,50\n".as_bytes());
    let mut rows = Vec::new();
    CsvInput::new("<stdin>", Box::new(source), None, None)
        .unwrap()
        .rows(|row: Row, place| {
            rows.push((row.voucher_no, row.amount, place.line));
            Ok(())
        })
        .unwrap();
    assert_eq!(rows, vec![("V-1".into(), "1,50".into(), 2)]);
}

#[test]
fn a_quote_left_open_is_one_refused_row_with_whatever_else_it_broke() {
    // The open quote swallows the next line, so the row also has too few values: one row.
    let short = read("voucher_no,amount\n\"V-1,5\nV-2,6\n")
        .unwrap_err()
        .message;
    let lines: Vec<&str> = short.lines().collect();
    assert_eq!(
        lines[0],
        "test.csv: 1 of 1 row refused, so nothing was written"
    );
    assert!(
        lines[1]
            .trim_start()
            .starts_with("test.csv:2: a quoted value opens here and is never closed"),
        "{short}"
    );
    assert_eq!(lines.len(), 3, "{short}");
    // A row read whole before the quote opened is not refused for it.
    let later = read("voucher_no,amount\nV-1,5\nV-2,\"6\n")
        .unwrap_err()
        .message;
    assert!(
        later.starts_with("test.csv: 1 of 2 rows refused")
            && later.contains("test.csv:3: a quoted"),
        "{later}"
    );
    // Past the first twenty refused rows, the open quote is still shown, and counted once.
    let mut text = String::from("voucher_no,amount\n");
    for i in 0..25 {
        text.push_str(&format!("V-{i},{i},extra\n"));
    }
    text.push_str("\"V-25,1\n");
    let many = read(text.leak()).unwrap_err().message;
    assert!(
        many.starts_with("test.csv: 26 of 26 rows refused"),
        "{many}"
    );
    assert!(
        many.contains("test.csv:27: a quoted value opens here"),
        "{many}"
    );
    assert!(many.contains("... and 5 more"), "{many}");
}

/// Rows through [`CsvInput::rows_parsed`], refused on the reading thread when `amount` is
/// "parse" and on this one when it is "each": the rows taken, and the error.
fn read_in_parallel(text: &'static str) -> (Vec<(String, u64)>, Result<u64>) {
    let mut rows = Vec::new();
    let parse = |row: Row| match row.amount.as_str() {
        "parse" => Err(Error::invalid("refused while read").in_field("amount")),
        _ => Ok(row),
    };
    let read = input(text).unwrap().rows_parsed(parse, |row, place| {
        if row.amount == "each" {
            return Err(Error::invalid("refused when taken").in_field("voucher_no"));
        }
        rows.push((row.voucher_no.clone(), place.line));
        Ok(())
    });
    (rows, read)
}

#[test]
fn rows_parsed_on_a_second_thread_come_in_order_and_are_refused_as_rows_refuses_them() {
    let mut text = String::from("voucher_no,amount\n");
    for i in 0..1300 {
        let amount = match i {
            7 => "parse",
            600 => "each",
            _ => "1",
        };
        text.push_str(&format!("V-{i},{amount}\n"));
        if i == 1000 {
            text.push_str("too,many,values\n");
        }
    }
    let (rows, read) = read_in_parallel(text.leak());
    assert_eq!(rows.len(), 1298);
    assert!(rows.iter().zip(&rows[1..]).all(|(a, b)| a.1 < b.1));
    assert_eq!(rows[0], ("V-0".to_string(), 2));
    assert_eq!(rows[1297], ("V-1299".to_string(), 1302));
    let message = read.unwrap_err().message;
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(
        lines[..4],
        [
            "test.csv: 3 of 1301 rows refused, so nothing was written",
            "  test.csv:9:2 (amount = \"parse\"): refused while read",
            "  test.csv:602:1 (voucher_no = \"V-600\"): refused when taken",
            "  test.csv:1003: the row has 3 values where the header has 2 columns; a value \
             holding the delimiter must be in double quotes",
        ]
    );
    let (rows, read) = read_in_parallel("voucher_no,amount\nV-1,1\nV-2,2\n");
    assert_eq!(rows, [("V-1".to_string(), 2), ("V-2".to_string(), 3)]);
    assert_eq!(read.unwrap(), 2);
}

#[test]
fn a_failure_of_the_machine_stops_the_reading_thread_too() {
    let mut text = String::from("voucher_no\n");
    for i in 0..100_000 {
        text.push_str(&format!("V-{i}\n"));
    }
    let mut seen = 0;
    let error = input(text.leak())
        .unwrap()
        .rows_parsed(Ok, |_: &Row, _| {
            seen += 1;
            Err(Error::runtime("disk full"))
        })
        .unwrap_err();
    assert_eq!(seen, 1);
    assert_eq!(error.message, "disk full");
    let error = input("voucher_no\nV-1\nV-2\n")
        .unwrap()
        .rows_parsed(
            |_: Row| Err::<Row, _>(Error::runtime("no memory")),
            |_, _| Ok(()),
        )
        .unwrap_err();
    assert_eq!(error.message, "no memory");
}
