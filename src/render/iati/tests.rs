//! The XML as written, byte for byte: element order, escaping, exact decimals.
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
