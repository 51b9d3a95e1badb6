//! JSON for programs: a table is an array of objects, a record an object, and a document of
//! several sections an object keyed by section. Numbers are strings of exact decimals, so no
//! reader turns 0.1 into 0.1000000000000000055.

use std::io::Write;

use serde_json::{Map, Value};

use super::{Block, Cell, Column, Document};
use crate::error::Result;

pub fn write(doc: &Document, out: &mut dyn Write) -> Result<()> {
    let data: Vec<_> = doc
        .sections
        .iter()
        .filter(|s| s.is_data())
        .filter_map(|s| block(&s.block).map(|value| (s.key.clone(), value)))
        .collect();
    let value = match <[_; 1]>::try_from(data) {
        Ok([(_, only)]) => only,
        Err(sections) => Value::Object(sections.into_iter().collect()),
    };
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)?;
    Ok(())
}

fn block(block: &Block) -> Option<Value> {
    match block {
        Block::Table(table) => Some(Value::Array(
            table
                .rows
                .iter()
                .map(|row| object(table.columns.iter().zip(row)))
                .collect(),
        )),
        Block::Record(record) => Some(object(record.fields.iter().map(|(c, v)| (c, v)))),
        Block::Note(_) | Block::Chart(_) => None,
    }
}

fn object<'a>(fields: impl Iterator<Item = (&'a Column, &'a Cell)>) -> Value {
    let map: Map<String, Value> = fields
        .map(|(column, cell)| {
            let value = match cell {
                Cell::Empty => Value::Null,
                Cell::Json(text) => {
                    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()))
                }
                other => Value::String(other.plain()),
            };
            (column.key.to_string(), value)
        })
        .collect();
    Value::Object(map)
}
