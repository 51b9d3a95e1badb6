//! The offices a project records from.

use crate::domain::Office;
use crate::render::{Cell, Document, Table, col, prose};

pub fn offices(offices: &[Office], title: &str) -> Document {
    let mut t = Table::new(&[
        col("project", "Project"),
        col("code", "Code"),
        prose("name", "Name"),
        col("country", "Country"),
    ]);
    for o in offices {
        t.push(vec![
            Cell::text(&o.project),
            Cell::text(&o.code),
            Cell::text(&o.name),
            Cell::text(&o.country),
        ]);
    }
    Document::table("offices", title, t)
}
