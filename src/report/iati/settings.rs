//! What must be set before a grant can be published, and who reports it: grantbook invents no
//! identifier, so a project's organisation, the donor and the project's sectors must be known.

use std::collections::BTreeMap;

use crate::domain::{GrantRecord, Publishing, RegisteredOrganisation};

/// The registered organisation that reports `record`'s grant: its project's organisation, when
/// it is registered with an identifier.
pub fn reporting_org<'a>(
    record: &GrantRecord,
    publishing: &'a Publishing,
) -> Option<&'a RegisteredOrganisation> {
    publishing
        .organisations
        .get(&record.project.organisation)
        .filter(|o| o.iati_id.is_some())
}

/// The grants of `records` by the identifier of the organisation that reports them (those
/// whose organisation is not registered are left out: [`missing`] names them).
pub fn by_reporting_org<'a>(
    records: &'a [GrantRecord],
    publishing: &Publishing,
) -> BTreeMap<String, Vec<&'a GrantRecord>> {
    let mut out: BTreeMap<String, Vec<&GrantRecord>> = BTreeMap::new();
    for r in records {
        if let Some(id) = reporting_org(r, publishing).and_then(|o| o.iati_id.clone()) {
            out.entry(id).or_default().push(r);
        }
    }
    out
}

/// What is missing to publish `records`, one sentence each with the command that sets it; empty
/// when everything is known.
pub fn missing(records: &[GrantRecord], publishing: &Publishing) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |line: String| {
        if !out.contains(&line) {
            out.push(line);
        }
    };
    for r in records {
        let organisation = &r.project.organisation;
        match publishing.organisations.get(organisation) {
            Some(o) if o.iati_id.is_some() => {}
            held => push(format!(
                "the registered identifier of {organisation:?}, which implements project {} and \
                 so reports grant {}: `grantbook organisation set {} --iati-id AGENCY-NUMBER \
                 --type {}` (IOM: XM-DAC-47066, type 40)",
                r.project.code,
                r.grant.reference,
                quoted(organisation),
                held.map_or("CODE", |o| o.org_type.as_str())
            )),
        }
        let donor = &r.donor.code;
        if publishing
            .donors
            .get(donor)
            .and_then(|d| d.iati_id.as_ref())
            .is_none()
        {
            push(format!(
                "the registered identifier of donor {donor} ({}): `grantbook donor iati {donor} \
                 --iati-id AGENCY-NUMBER` (Japan: XM-DAC-701)",
                r.donor.name
            ));
        }
        let project = &r.project.code;
        if publishing
            .projects
            .get(project)
            .is_none_or(|p| p.sectors.is_empty())
        {
            push(format!(
                "the DAC sectors of project {project}: `grantbook project iati {project} --sector \
                 CODE:PERCENT ...` (e.g. --sector 12220:100 for basic health care)"
            ));
        }
    }
    out
}

/// `text` as a shell would take it as one word.
fn quoted(text: &str) -> String {
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}
