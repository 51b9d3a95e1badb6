//! A donor's reporting categories (issue 16): the headings its financial reports are written
//! in, and which one each budget line of its grants reports under.

use serde::Serialize;

use super::text;
use crate::error::{Error, Result};

/// One heading of a donor's reports, e.g. SF-424A's `a` Personnel, or an EU contract's `1`
/// Human resources; `position` orders them as the donor's form does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DonorCategory {
    pub code: String,
    pub name: String,
    pub position: i64,
}

/// A budget line of a grant and the donor's category it reports under, if it has one yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineMapping {
    pub line: String,
    pub name: String,
    pub category: Option<String>,
}

/// `LINE:CATEGORY` as `budget map` takes it: a line code and a category code, neither of
/// which may hold a colon.
pub fn parse_mapping(spec: &str) -> Result<(String, String)> {
    let Some((line, category)) = spec.split_once(':') else {
        return Err(Error::invalid(format!(
            "{spec:?}: write LINE:CATEGORY, a budget line's code and one of the donor's \
             category codes, e.g. STAFF:a"
        )));
    };
    Ok((
        text::code("budget line code", line)?,
        text::row_code("category code", category)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_is_a_line_and_a_category() {
        assert_eq!(
            parse_mapping("STAFF:a").ok(),
            Some(("STAFF".to_string(), "a".to_string()))
        );
        assert!(parse_mapping("STAFF").is_err());
        assert!(parse_mapping("STAFF:").is_err());
        assert!(parse_mapping("STAFF:TOTAL").is_err(), "a report's own row");
        assert!(parse_mapping("STAFF:a:b").is_err(), "a code holds no colon");
    }
}
