//! A table exported as JSON (`export --format json`: one array of objects whose values are
//! strings) read back as CSV, so that every JSON row goes through the same streaming reader and
//! the same checks as a CSV row. The array is converted a row at a time on a second thread
//! writing into a pipe: a file of a million rows is never held in memory.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, PipeReader, Read, Write};
use std::path::Path;
use std::thread::JoinHandle;

use serde::Deserializer;
use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::fingerprint::Fingerprint;
use crate::error::{Error, Result};

/// The rows of the JSON file at `path` as CSV text with the table's `columns`: a header row,
/// then one record per object (a key it lacks is an empty cell). A JSON error, or a key that
/// is not a column, ends the text with an `InvalidData` read error naming the file and where.
/// `fingerprint` hashes the JSON file as it is read.
pub fn json_as_csv(
    path: &Path,
    columns: &[&str],
    fingerprint: &Fingerprint,
) -> Result<Box<dyn Read + Send>> {
    let file = File::open(path)
        .map_err(|e| Error::invalid(format!("cannot read {}: {e}", path.display())))?;
    let file = fingerprint.reader(file);
    let (reader, writer) = io::pipe()?;
    let label = path.display().to_string();
    let header: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    let converter = std::thread::spawn(move || {
        let mut json = serde_json::Deserializer::from_reader(BufReader::new(file));
        let mut rows = Rows {
            csv: csv::Writer::from_writer(BufWriter::new(writer)),
            header,
        };
        rows.csv
            .write_record(&rows.header)
            .map_err(|e| e.to_string())?;
        json.deserialize_seq(&mut rows)
            .and_then(|()| json.end())
            .map_err(|e| format!("{label}: not an exported table ({e})"))?;
        // A reader that stopped early (a bad row ends an import) closes the pipe: not our error.
        rows.csv.flush().or_else(ignore_closed_pipe)
    });
    Ok(Box::new(Converted {
        reader,
        converter: Some(converter),
    }))
}

fn ignore_closed_pipe(e: io::Error) -> std::result::Result<(), String> {
    match e.kind() {
        io::ErrorKind::BrokenPipe => Ok(()),
        _ => Err(e.to_string()),
    }
}

/// The CSV side of the pipe; at its end, the converter's verdict.
struct Converted {
    reader: PipeReader,
    converter: Option<JoinHandle<std::result::Result<(), String>>>,
}

impl Read for Converted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.reader.read(buf)?;
        if n == 0
            && !buf.is_empty()
            && let Some(converter) = self.converter.take()
        {
            match converter.join() {
                Ok(Ok(())) => {}
                Ok(Err(message)) => {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, message));
                }
                Err(_) => return Err(io::Error::other("the JSON reader stopped unexpectedly")),
            }
        }
        Ok(n)
    }
}

/// Writes each object of the array as a CSV record, its values in the header's order.
struct Rows<W: Write> {
    csv: csv::Writer<W>,
    header: Vec<String>,
}

impl<'de, W: Write> Visitor<'de> for &mut Rows<W> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of objects, as `grantbook export --format json` writes")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let write = |e: csv::Error| A::Error::custom(e);
        let mut number = 0;
        loop {
            number += 1;
            let Some(object) = seq.next_element_seed(Object { number })? else {
                break;
            };
            if let Some(unknown) = object.keys().find(|k| !self.header.contains(k)) {
                return Err(A::Error::custom(format!(
                    "unknown key {unknown:?}; the keys are {}",
                    self.header.join(", ")
                )));
            }
            let cells = self
                .header
                .iter()
                .map(|key| object.get(key).map_or(Ok(String::new()), |v| cell(key, v)))
                .collect::<std::result::Result<Vec<String>, String>>()
                .map_err(A::Error::custom)?;
            if let Err(e) = self.csv.write_record(cells) {
                // The import stopped reading; there is nobody left to write for.
                return match e.kind() {
                    csv::ErrorKind::Io(io) if io.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                    _ => Err(write(e)),
                };
            }
        }
        Ok(())
    }
}

/// The `number`th object of the array (from 1), read into a map. A key given twice is refused:
/// a JSON reader would keep one of the two values without a word.
struct Object {
    number: u64,
}

impl<'de> DeserializeSeed<'de> for Object {
    type Value = Map<String, Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Object {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "object {} of the array to be an object of text values",
            self.number
        )
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                // serde_json ends the message with where it is: just after the second key.
                return Err(A::Error::custom(format!(
                    "object {} gives {key:?} twice, so which value counts is unclear; remove \
                     the one you do not mean: the first, or the second",
                    self.number
                )));
            }
            let value = map.next_value()?;
            object.insert(key, value);
        }
        Ok(object)
    }
}

/// A value as its CSV cell: strings as they are, `null` empty, booleans as `true`/`false`.
/// A JSON number is refused: the JSON reader holds it as a binary float, which would change
/// the 15th digit of a rate or an amount without a word.
fn cell(key: &str, value: &Value) -> std::result::Result<String, String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Null => Ok(String::new()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Err(format!(
            "\"{key}\": {n} is a JSON number; write it as a string (\"{key}\": \"{n}\"), as \
             `export --format json` does, so that no digit is lost"
        )),
        other => Err(format!("\"{key}\": {other} is not a text value")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn converted(json: &str) -> std::result::Result<String, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("table.json");
        std::fs::write(&path, json).unwrap();
        let mut text = String::new();
        let fingerprint = Fingerprint::default();
        json_as_csv(&path, &["code", "name", "amount"], &fingerprint)
            .unwrap()
            .read_to_string(&mut text)
            .map_err(|e| e.to_string())?;
        // The digest is the JSON file's, not the CSV's it became.
        assert_eq!(
            fingerprint.sha256(),
            crate::cli::fingerprint::sha256_file(&path).unwrap()
        );
        Ok(text)
    }

    #[test]
    fn objects_become_records_in_the_tables_column_order() {
        let json = r#"[{"code":"JP","name":"Government of Japan, MOFA","amount":"1.50"},
                       {"name":"Say \"hi\"","code":"X","amount":null},
                       {"amount":"12.5","code":"Y"}]"#;
        assert_eq!(
            converted(json).unwrap(),
            "code,name,amount\nJP,\"Government of Japan, MOFA\",1.50\nX,\"Say \"\"hi\"\"\",\nY,,12.5\n"
        );
    }

    #[test]
    fn an_empty_array_is_a_table_without_rows() {
        assert_eq!(converted("[]\n").unwrap(), "code,name,amount\n");
    }

    #[test]
    fn a_broken_file_is_an_error_that_names_it() {
        let error = converted(r#"[{"code":"JP"}, {"code":"#).unwrap_err();
        assert!(
            error.contains("table.json: not an exported table"),
            "{error}"
        );
        let error = converted(r#"{"code":"JP"}"#).unwrap_err();
        assert!(error.contains("an array of objects"), "{error}");
        let error = converted(
            "[{\"code\":\"JP\"},\n {\"code\":\"X\",\"amount\":\"1\",\n  \"amount\":\"2\"}]",
        )
        .unwrap_err();
        assert!(
            error.contains(
                "table.json: not an exported table (object 2 gives \"amount\" twice, so which \
                 value counts is unclear; remove the one you do not mean: the first, or the \
                 second at line 3 column 11)"
            ),
            "{error}"
        );
        let error = converted(r#"[{"code":"JP"},{"kode":"X"}]"#).unwrap_err();
        assert!(
            error.contains("unknown key \"kode\"; the keys are code, name, amount"),
            "{error}"
        );
    }
}
