//! Publishing settings as listings and records: registered organisations, and what `donor
//! iati`, `project iati` and `grant iati` hold.

use crate::domain::{DonorPublishing, ProjectPublishing, RegisteredOrganisation};
use crate::render::{Cell, Document, Record, Table, col, prose};

pub fn organisations(organisations: &[RegisteredOrganisation]) -> Document {
    let mut t = Table::new(&[
        prose("name", "Name"),
        col("iati_id", "IATI identifier"),
        col("type", "Type"),
        prose("contact", "Contact"),
    ]);
    for o in organisations {
        let contact: Vec<&str> = [&o.email, &o.telephone, &o.website, &o.address]
            .into_iter()
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .collect();
        t.push(vec![
            Cell::text(&o.name),
            Cell::optional(o.iati_id.as_ref(), Cell::text),
            Cell::text(&o.org_type),
            Cell::text(contact.join("; ")),
        ]);
    }
    Document::table("organisations", "", t)
}

fn optional(r: Record, key: &'static str, label: &'static str, value: &Option<String>) -> Record {
    r.field(key, label, Cell::optional(value.as_ref(), Cell::text))
}

pub fn donor(code: &str, p: &DonorPublishing) -> Document {
    let r = Record::default().field("donor", "Donor", Cell::text(code));
    let r = optional(r, "iati_id", "IATI identifier", &p.iati_id);
    let r = optional(r, "aid_type", "Default aid type", &p.aid_type);
    let r = optional(r, "finance_type", "Default finance type", &p.finance_type);
    let r = optional(r, "flow_type", "Default flow type", &p.flow_type);
    let r = optional(
        r,
        "collaboration_type",
        "Collaboration type",
        &p.collaboration_type,
    );
    Document::record("donor_publishing", "Published to IATI with", r)
}

pub fn project(code: &str, p: &ProjectPublishing) -> Document {
    let sectors: Vec<String> = p
        .sectors
        .iter()
        .map(|(c, pc)| format!("{c}:{pc}"))
        .collect();
    let r = Record::default()
        .field("project", "Project", Cell::text(code))
        .field("sectors", "Sectors (DAC:%)", Cell::text(sectors.join(" ")));
    let r = optional(r, "scope", "Activity scope", &p.scope);
    let humanitarian = p
        .humanitarian
        .map(|h| if h { "yes" } else { "no" }.to_string());
    let r = optional(r, "humanitarian", "Humanitarian", &humanitarian);
    Document::record("project_publishing", "Published to IATI with", r)
}
