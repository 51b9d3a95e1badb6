//! An [`IatiFile`] written as IATI activity XML (standard 2.03), with quick-xml's writer: every
//! text and attribute is escaped by the writer, elements come in the order the schema's
//! sequences demand (schemas/iati/iati-activities-schema.xsd), money is exact decimal text
//! with the currency's decimals, dates are ISO.

use std::io::Write;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::error::Result;
use crate::report::iati::{Activity, Contact, IatiFile, Organisation, Transaction};

type Xml<W> = Writer<W>;
type XmlResult = std::io::Result<()>;

/// Write `file` as an XML document, indented by two spaces, ending with a newline.
pub fn write_iati(file: &IatiFile, out: &mut dyn Write) -> Result<()> {
    let mut xml = Writer::new_with_indent(out, b' ', 2);
    document(&mut xml, file)?;
    xml.get_mut().write_all(b"\n")?;
    Ok(())
}

fn document<W: Write>(xml: &mut Xml<W>, file: &IatiFile) -> XmlResult {
    xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let generated = file.generated.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    xml.create_element("iati-activities")
        .with_attribute(("version", crate::report::iati::IATI_VERSION))
        .with_attribute(("generated-datetime", generated.as_str()))
        .write_inner_content(|xml| {
            for a in &file.activities {
                activity(xml, a, &generated)?;
            }
            Ok(())
        })?;
    Ok(())
}

fn activity<W: Write>(xml: &mut Xml<W>, a: &Activity, generated: &str) -> XmlResult {
    let plain = |v| a.currency.plain(v);
    let mut element = xml
        .create_element("iati-activity")
        .with_attribute((
            "last-updated-datetime",
            a.last_updated.as_deref().unwrap_or(generated),
        ))
        .with_attribute(("xml:lang", "en"))
        .with_attribute(("default-currency", a.currency.code.as_str()));
    if let Some(humanitarian) = a.humanitarian {
        element = element.with_attribute(("humanitarian", if humanitarian { "1" } else { "0" }));
    }
    element.write_inner_content(|xml| {
        text_element(xml, "iati-identifier", &a.identifier)?;
        xml.create_element("reporting-org")
            .with_attribute(("ref", a.reporting_org.reference.as_str()))
            .with_attribute(("type", a.reporting_org.kind.as_deref().unwrap_or_default()))
            .write_inner_content(|xml| narrative(xml, &a.reporting_org.name))?;
        xml.create_element("title")
            .write_inner_content(|xml| narrative(xml, &a.title))?;
        xml.create_element("description")
            .with_attribute(("type", "1"))
            .write_inner_content(|xml| narrative(xml, &a.description))?;
        for (o, role) in &a.participants {
            participating(xml, o, role)?;
        }
        code_element(xml, "activity-status", a.status)?;
        for date in &a.dates {
            let iso = date.date.to_string();
            let element = xml
                .create_element("activity-date")
                .with_attribute(("type", date.kind))
                .with_attribute(("iso-date", iso.as_str()));
            match &date.note {
                Some(note) => element.write_inner_content(|xml| narrative(xml, note))?,
                None => element.write_empty()?,
            };
        }
        if let Some(c) = &a.contact {
            contact(xml, c)?;
        }
        if let Some(scope) = &a.scope {
            code_element(xml, "activity-scope", scope)?;
        }
        for (code, percentage) in &a.countries {
            let percentage = percentage.to_string();
            xml.create_element("recipient-country")
                .with_attribute(("code", code.as_str()))
                .with_attribute(("percentage", percentage.as_str()))
                .write_empty()?;
        }
        for (code, percentage) in &a.sectors {
            let percentage = percentage.to_string();
            xml.create_element("sector")
                .with_attribute(("vocabulary", "1"))
                .with_attribute(("code", code.as_str()))
                .with_attribute(("percentage", percentage.as_str()))
                .write_empty()?;
        }
        let defaults = [
            ("collaboration-type", &a.collaboration_type),
            ("default-flow-type", &a.flow_type),
            ("default-finance-type", &a.finance_type),
            ("default-aid-type", &a.aid_type),
        ];
        for (name, code) in defaults {
            if let Some(code) = code {
                code_element(xml, name, code)?;
            }
        }
        for budget in &a.budgets {
            let (start, end) = (budget.dates.start.to_string(), budget.dates.end.to_string());
            xml.create_element("budget")
                .with_attribute(("type", budget.kind))
                .with_attribute(("status", "2"))
                .write_inner_content(|xml| {
                    xml.create_element("period-start")
                        .with_attribute(("iso-date", start.as_str()))
                        .write_empty()?;
                    xml.create_element("period-end")
                        .with_attribute(("iso-date", end.as_str()))
                        .write_empty()?;
                    value(xml, &plain(budget.value), &a.currency.code, &start)
                })?;
        }
        for t in &a.transactions {
            transaction(xml, t, &plain(t.value), &a.currency.code)?;
        }
        Ok(())
    })?;
    Ok(())
}

fn code_element<W: Write>(xml: &mut Xml<W>, name: &str, code: &str) -> XmlResult {
    xml.create_element(name)
        .with_attribute(("code", code))
        .write_empty()?;
    Ok(())
}

/// contact-info type 1 (general enquiries), in the schema's order of its parts.
fn contact<W: Write>(xml: &mut Xml<W>, c: &Contact) -> XmlResult {
    xml.create_element("contact-info")
        .with_attribute(("type", "1"))
        .write_inner_content(|xml| {
            xml.create_element("organisation")
                .write_inner_content(|xml| narrative(xml, &c.organisation))?;
            for (name, text) in [
                ("telephone", &c.telephone),
                ("email", &c.email),
                ("website", &c.website),
            ] {
                if !text.is_empty() {
                    text_element(xml, name, text)?;
                }
            }
            if !c.address.is_empty() {
                xml.create_element("mailing-address")
                    .write_inner_content(|xml| narrative(xml, &c.address))?;
            }
            Ok(())
        })?;
    Ok(())
}

fn transaction<W: Write>(
    xml: &mut Xml<W>,
    t: &Transaction,
    amount: &str,
    currency: &str,
) -> XmlResult {
    let date = t.date.to_string();
    let mut element = xml.create_element("transaction");
    if !t.reference.is_empty() {
        element = element.with_attribute(("ref", t.reference.as_str()));
    }
    element.write_inner_content(|xml| {
        code_element(xml, "transaction-type", t.kind)?;
        xml.create_element("transaction-date")
            .with_attribute(("iso-date", date.as_str()))
            .write_empty()?;
        value(xml, amount, currency, &date)?;
        xml.create_element("description")
            .write_inner_content(|xml| narrative(xml, &t.description))?;
        if let Some(o) = &t.provider {
            org(
                xml,
                "provider-org",
                o,
                ("provider-activity-id", &t.provider_activity),
            )?;
        }
        if let Some(o) = &t.receiver {
            org(
                xml,
                "receiver-org",
                o,
                ("receiver-activity-id", &t.receiver_activity),
            )?;
        }
        Ok(())
    })?;
    Ok(())
}

fn value<W: Write>(xml: &mut Xml<W>, amount: &str, currency: &str, date: &str) -> XmlResult {
    xml.create_element("value")
        .with_attribute(("currency", currency))
        .with_attribute(("value-date", date))
        .write_text_content(BytesText::new(amount))?;
    Ok(())
}

fn participating<W: Write>(xml: &mut Xml<W>, o: &Organisation, role: &str) -> XmlResult {
    let mut element = xml.create_element("participating-org");
    if !o.reference.is_empty() {
        element = element.with_attribute(("ref", o.reference.as_str()));
    }
    if let Some(kind) = &o.kind {
        element = element.with_attribute(("type", kind.as_str()));
    }
    element
        .with_attribute(("role", role))
        .write_inner_content(|xml| narrative(xml, &o.name))?;
    Ok(())
}

/// A transaction's provider or receiver: `ref`, its activity's identifier and `type` when
/// known, and its name.
fn org<W: Write>(
    xml: &mut Xml<W>,
    name: &str,
    o: &Organisation,
    (activity_attribute, activity): (&str, &Option<String>),
) -> XmlResult {
    let mut element = xml.create_element(name);
    if !o.reference.is_empty() {
        element = element.with_attribute(("ref", o.reference.as_str()));
    }
    if let Some(id) = activity {
        element = element.with_attribute((activity_attribute, id.as_str()));
    }
    if let Some(kind) = &o.kind {
        element = element.with_attribute(("type", kind.as_str()));
    }
    element.write_inner_content(|xml| narrative(xml, &o.name))?;
    Ok(())
}

fn narrative<W: Write>(xml: &mut Xml<W>, text: &str) -> XmlResult {
    text_element(xml, "narrative", text)
}

fn text_element<W: Write>(xml: &mut Xml<W>, name: &str, text: &str) -> XmlResult {
    let text = xml_chars(text);
    xml.create_element(name)
        .write_text_content(BytesText::new(&text))?;
    Ok(())
}

/// Text as XML 1.0 may hold it: the control characters it forbids (the ledger refuses them on
/// input, but a database may have been written by something else) become spaces.
fn xml_chars(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => ' ',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests;
