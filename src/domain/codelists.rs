//! The IATI codelists grantbook checks codes against when they are set (schemas/iati/codelists/,
//! the files the validator in tests/iati_validate.py reads too), so a code the standard does not
//! know is refused when it is typed, not found by the registry after publication.

use std::sync::OnceLock;

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::error::{Error, Result};

/// One of the bundled codelists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codelist {
    Sector,
    AidType,
    FinanceType,
    FlowType,
    CollaborationType,
    ActivityScope,
    OrganisationType,
    OrganisationRegistrationAgency,
}

impl Codelist {
    pub fn name(self) -> &'static str {
        match self {
            Codelist::Sector => "Sector (DAC 5-digit)",
            Codelist::AidType => "AidType",
            Codelist::FinanceType => "FinanceType",
            Codelist::FlowType => "FlowType",
            Codelist::CollaborationType => "CollaborationType",
            Codelist::ActivityScope => "ActivityScope",
            Codelist::OrganisationType => "OrganisationType",
            Codelist::OrganisationRegistrationAgency => "OrganisationRegistrationAgency",
        }
    }

    fn xml(self) -> &'static str {
        macro_rules! list {
            ($file:literal) => {
                include_str!(concat!("../../schemas/iati/codelists/", $file, ".xml"))
            };
        }
        match self {
            Codelist::Sector => list!("Sector"),
            Codelist::AidType => list!("AidType"),
            Codelist::FinanceType => list!("FinanceType"),
            Codelist::FlowType => list!("FlowType"),
            Codelist::CollaborationType => list!("CollaborationType"),
            Codelist::ActivityScope => list!("ActivityScope"),
            Codelist::OrganisationType => list!("OrganisationType"),
            Codelist::OrganisationRegistrationAgency => list!("OrganisationRegistrationAgency"),
        }
    }

    /// The list's codes in use, with their English names; withdrawn codes are left out. Read
    /// once per run: a load of many projects checks every sector against the same list.
    pub fn codes(self) -> &'static [(String, String)] {
        static READ: [OnceLock<Vec<(String, String)>>; 8] = [const { OnceLock::new() }; 8];
        READ[self as usize].get_or_init(|| self.read())
    }

    fn read(self) -> Vec<(String, String)> {
        let mut reader = Reader::from_str(self.xml());
        reader.config_mut().trim_text(true);
        let mut codes = Vec::new();
        let (mut withdrawn, mut code, mut name) = (false, String::new(), String::new());
        let mut path: Vec<String> = Vec::new();
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) => {
                    if e.name().as_ref() == "codelist-item" {
                        withdrawn = e
                            .attributes()
                            .flatten()
                            .any(|a| a.key.as_ref() == "status" && a.value.as_ref() == "withdrawn");
                        code.clear();
                        name.clear();
                    }
                    // Only the English narrative (the one without xml:lang) names the code.
                    let foreign = e
                        .attributes()
                        .flatten()
                        .any(|a| a.key.as_ref() == "xml:lang");
                    let mut tag = e.name().as_ref().to_string();
                    if foreign {
                        tag.push('*');
                    }
                    path.push(tag);
                }
                Ok(Event::Text(t)) => {
                    let text = t.to_string();
                    let here: Vec<&str> = path.iter().rev().take(2).map(String::as_str).collect();
                    match here.as_slice() {
                        ["code", "codelist-item"] => code = text,
                        ["narrative", "name"] if name.is_empty() => name = text,
                        _ => {}
                    }
                }
                Ok(Event::End(e)) => {
                    path.pop();
                    if e.name().as_ref() == "codelist-item" && !withdrawn && !code.is_empty() {
                        codes.push((code.clone(), name.clone()));
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
        codes
    }

    /// `code` (trimmed) if the list holds it, else an error naming the option, the list and a
    /// few of its codes.
    pub fn check(self, what: &str, code: &str) -> Result<String> {
        let code = code.trim();
        let codes = self.codes();
        if codes.iter().any(|(c, _)| c == code) {
            return Ok(code.to_string());
        }
        let shown: Vec<String> = match codes.len() {
            0..=20 => codes.iter().map(|(c, n)| format!("{c} {n}")).collect(),
            _ => {
                // A long list (sectors): the codes that share the most leading characters.
                let near = |c: &str| {
                    c.chars()
                        .zip(code.chars())
                        .take_while(|(a, b)| a == b)
                        .count()
                };
                let best = codes.iter().map(|(c, _)| near(c)).max().unwrap_or(0);
                codes
                    .iter()
                    .filter(|(c, _)| near(c) == best)
                    .take(8)
                    .map(|(c, n)| format!("{c} {n}"))
                    .collect()
            }
        };
        Err(Error::invalid(format!(
            "{what} {code:?} is not on IATI's {} codelist (schemas/iati/codelists/); e.g. {}",
            self.name(),
            shown.join("; ")
        )))
    }
}

/// A registered organisation identifier: a registration agency's code on IATI's
/// OrganisationRegistrationAgency list, `-`, and the identifier that agency gave
/// (`XM-DAC-47066`, `GB-CHC-202918`). Refused: anything else, and `/ & | ?` or spaces, which
/// IATI identifiers may not hold.
pub fn organisation_identifier(what: &str, id: &str) -> Result<String> {
    let id = id.trim();
    if let Some(c) = id.chars().find(|c| "/&|? ".contains(*c) || c.is_control()) {
        return Err(Error::invalid(format!(
            "{what} {id:?} holds {c:?}, which an IATI identifier may not hold"
        )));
    }
    let agencies = Codelist::OrganisationRegistrationAgency.codes();
    let agency = agencies.iter().find(|(agency, _)| {
        id.strip_prefix(agency.as_str())
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|number| !number.is_empty())
    });
    match agency {
        Some(_) => Ok(id.to_string()),
        None => Err(Error::invalid(format!(
            "{what} {id:?} is not a registered organisation identifier: it begins with a \
             registration agency's code from IATI's OrganisationRegistrationAgency list, then \
             `-` and the identifier that agency gave, e.g. XM-DAC-47066 (IOM, by the OECD DAC), \
             XM-DAC-701 (Japan), GB-CHC-202918 (a charity registered in England); look the \
             organisation up on the IATI registry or org-id.guide"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_codes_and_english_names_and_drops_withdrawn_ones() {
        let sectors = Codelist::Sector.codes();
        let basic = sectors.iter().find(|(c, _)| c == "12220").unwrap();
        assert_eq!(basic.1, "Basic health care");
        // 15120 is withdrawn in the 2.03 list.
        assert!(!sectors.iter().any(|(c, _)| c == "15120"));
        let scopes = Codelist::ActivityScope.codes();
        assert_eq!(scopes.len(), 8);
        assert!(Codelist::OrganisationType.check("--type", " 40 ").is_ok());
    }

    #[test]
    fn unknown_codes_are_refused_with_neighbours() {
        let err = Codelist::Sector
            .check("--sector", "12299")
            .unwrap_err()
            .to_string();
        assert!(err.contains("12220 Basic health care"), "{err}");
        let err = Codelist::FlowType
            .check("--flow-type", "99")
            .unwrap_err()
            .to_string();
        assert!(err.contains("10 ODA"), "{err}");
    }

    #[test]
    fn organisation_identifiers_need_a_registration_agency() {
        assert_eq!(
            organisation_identifier("--iati-id", " XM-DAC-47066 ").unwrap(),
            "XM-DAC-47066"
        );
        assert!(organisation_identifier("--iati-id", "GB-CHC-202918").is_ok());
        for bad in [
            "IOM",
            "JP-GOV",
            "XM-DAC",
            "XM-DAC-",
            "XM-DAC-1/2",
            "ZZ-XX-1",
        ] {
            assert!(organisation_identifier("--iati-id", bad).is_err(), "{bad}");
        }
    }
}
