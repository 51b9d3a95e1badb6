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
mod tests {
    use super::*;
    use crate::domain::{Currency, DateRange};
    use crate::report::iati::{ActivityDate, Budget};
    use chrono::{NaiveDate, TimeZone, Utc};
    use rust_decimal_macros::dec;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn org(reference: &str, kind: Option<&str>, name: &str) -> Organisation {
        Organisation {
            reference: reference.into(),
            kind: kind.map(String::from),
            name: name.into(),
        }
    }

    fn file() -> IatiFile {
        let us = org("XM-DAC-47066", Some("40"), "IOM Morocco");
        let funding = org("XM-DAC-701", Some("10"), "Government of Japan");
        IatiFile {
            generated: Utc.with_ymd_and_hms(2026, 11, 30, 2, 45, 0).unwrap(),
            activities: vec![Activity {
                identifier: "XM-DAC-47066-G-1".into(),
                currency: Currency::new("TND", 3),
                last_updated: Some("2026-11-01T08:00:00Z".into()),
                humanitarian: Some(false),
                reporting_org: us.clone(),
                title: "Health & \"protection\" <for> migrants".into(),
                description: "Grant G-1\u{1}.".into(),
                participants: vec![(funding.clone(), "1"), (us.clone(), "2")],
                status: "2",
                dates: vec![
                    ActivityDate {
                        kind: "1",
                        date: d("2021-01-01"),
                        note: None,
                    },
                    ActivityDate {
                        kind: "3",
                        date: d("2021-12-31"),
                        note: Some("Extended".into()),
                    },
                ],
                contact: Some(Contact {
                    organisation: "IOM Morocco".into(),
                    email: "a@b.org".into(),
                    ..Contact::default()
                }),
                scope: Some("3".into()),
                countries: vec![("MA".into(), dec!(50.00)), ("TN".into(), dec!(50.00))],
                sectors: vec![("12220".into(), dec!(100))],
                collaboration_type: None,
                flow_type: Some("10".into()),
                finance_type: None,
                aid_type: Some("C01".into()),
                budgets: vec![Budget {
                    kind: "2",
                    dates: DateRange {
                        start: d("2021-01-01"),
                        end: d("2021-12-31"),
                    },
                    value: dec!(1000),
                }],
                transactions: vec![
                    Transaction {
                        reference: "T1".into(),
                        kind: "1",
                        date: d("2021-01-05"),
                        value: dec!(1000),
                        description: "Funds".into(),
                        provider: Some(funding),
                        provider_activity: Some("XM-DAC-701-1".into()),
                        receiver: Some(us.clone()),
                        receiver_activity: Some("XM-DAC-47066-G-1".into()),
                    },
                    Transaction {
                        reference: String::new(),
                        kind: "3",
                        date: d("2021-02-01"),
                        value: dec!(12.5),
                        description: "Transfer to partner's <office>".into(),
                        provider: Some(us),
                        provider_activity: None,
                        receiver: None,
                        receiver_activity: None,
                    },
                ],
            }],
        }
    }

    #[test]
    fn writes_the_schema_order_escaped_and_exact() {
        let mut out = Vec::new();
        write_iati(&file(), &mut out).unwrap();
        let xml = String::from_utf8(out).unwrap();
        let expected = r#"<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03" generated-datetime="2026-11-30T02:45:00Z">
  <iati-activity last-updated-datetime="2026-11-01T08:00:00Z" xml:lang="en" default-currency="TND" humanitarian="0">
    <iati-identifier>XM-DAC-47066-G-1</iati-identifier>
    <reporting-org ref="XM-DAC-47066" type="40">
      <narrative>IOM Morocco</narrative>
    </reporting-org>
    <title>
      <narrative>Health &amp; &quot;protection&quot; &lt;for&gt; migrants</narrative>
    </title>
    <description type="1">
      <narrative>Grant G-1 .</narrative>
    </description>
    <participating-org ref="XM-DAC-701" type="10" role="1">
      <narrative>Government of Japan</narrative>
    </participating-org>
    <participating-org ref="XM-DAC-47066" type="40" role="2">
      <narrative>IOM Morocco</narrative>
    </participating-org>
    <activity-status code="2"/>
    <activity-date type="1" iso-date="2021-01-01"/>
    <activity-date type="3" iso-date="2021-12-31">
      <narrative>Extended</narrative>
    </activity-date>
    <contact-info type="1">
      <organisation>
        <narrative>IOM Morocco</narrative>
      </organisation>
      <email>a@b.org</email>
    </contact-info>
    <activity-scope code="3"/>
    <recipient-country code="MA" percentage="50.00"/>
    <recipient-country code="TN" percentage="50.00"/>
    <sector vocabulary="1" code="12220" percentage="100"/>
    <default-flow-type code="10"/>
    <default-aid-type code="C01"/>
    <budget type="2" status="2">
      <period-start iso-date="2021-01-01"/>
      <period-end iso-date="2021-12-31"/>
      <value currency="TND" value-date="2021-01-01">1000.000</value>
    </budget>
    <transaction ref="T1">
      <transaction-type code="1"/>
      <transaction-date iso-date="2021-01-05"/>
      <value currency="TND" value-date="2021-01-05">1000.000</value>
      <description>
        <narrative>Funds</narrative>
      </description>
      <provider-org ref="XM-DAC-701" provider-activity-id="XM-DAC-701-1" type="10">
        <narrative>Government of Japan</narrative>
      </provider-org>
      <receiver-org ref="XM-DAC-47066" receiver-activity-id="XM-DAC-47066-G-1" type="40">
        <narrative>IOM Morocco</narrative>
      </receiver-org>
    </transaction>
    <transaction>
      <transaction-type code="3"/>
      <transaction-date iso-date="2021-02-01"/>
      <value currency="TND" value-date="2021-02-01">12.500</value>
      <description>
        <narrative>Transfer to partner&apos;s &lt;office&gt;</narrative>
      </description>
      <provider-org ref="XM-DAC-47066" type="40">
        <narrative>IOM Morocco</narrative>
      </provider-org>
    </transaction>
  </iati-activity>
</iati-activities>
"#;
        assert_eq!(xml, expected);
    }
}
