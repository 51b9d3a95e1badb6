use super::*;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

fn date(s: &str) -> std::result::Result<NaiveDate, chrono::ParseError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
}

/// A grant from 15 February 2023 to 31 December 2023: quarterly reports 30 days after each
/// quarter, an interim report on 31 July, the final 90 days after the end.
fn calendar() -> std::result::Result<Vec<Owed>, Box<dyn std::error::Error>> {
    let dates = DateRange {
        start: date("2023-02-15")?,
        end: date("2023-12-31")?,
    };
    Ok(owed(
        dates,
        &Schedule {
            quarterly_days: Some(30),
            final_days: Some(90),
            interim: vec![date("2023-07-31")?],
        },
    ))
}

#[test]
fn quarters_interim_and_final_by_hand() -> TestResult {
    let all = calendar()?;
    let keys: Vec<(&str, NaiveDate)> = all.iter().map(|o| (o.report.as_str(), o.due)).collect();
    // Q1 (15 Feb..31 Mar) + 30 days = 30 April; Q2 (..30 Jun) + 30 = 30 July; interim 31 July;
    // Q3 (..30 Sep) + 30 = 30 October; Q4 (..31 Dec) + 30 = 30 January 2024; final 31 Dec + 90
    // = 30 March 2024 (January 31 + February 29 + 30 days of March).
    assert_eq!(
        keys,
        [
            ("2023-Q1", date("2023-04-30")?),
            ("2023-Q2", date("2023-07-30")?),
            ("interim 2023-07-31", date("2023-07-31")?),
            ("2023-Q3", date("2023-10-30")?),
            ("2023-Q4", date("2024-01-30")?),
            ("final", date("2024-03-30")?),
        ]
    );
    assert_eq!(all[0].covers.start, date("2023-02-15")?);
    Ok(())
}

#[test]
fn due_and_overdue_across_a_quarter_end() -> TestResult {
    let all = calendar()?;
    let q1 = &all[0];
    let q2 = &all[1];
    let sent = [Submission {
        report: "2023-Q1".into(),
        submitted_on: date("2023-04-28")?,
        reference: "EU/FR/1".into(),
    }];
    // 29 June: Q2 runs until tomorrow, so it is upcoming; Q1 was sent
    assert_eq!(standing(q2, &sent, date("2023-06-29")?), Standing::Upcoming);
    assert_eq!(
        standing(q1, &sent, date("2023-06-29")?).as_str(),
        "submitted"
    );
    // 30 June, the quarter's last day: due in 30 days; 30 July: due today (0 days)
    assert_eq!(standing(q2, &sent, date("2023-06-30")?), Standing::Due(30));
    assert_eq!(standing(q2, &sent, date("2023-07-30")?), Standing::Due(0));
    // 31 July: a day late; unsent Q1 would have been 92 days late by then
    assert_eq!(
        standing(q2, &sent, date("2023-07-31")?),
        Standing::Overdue(1)
    );
    assert_eq!(
        standing(q1, &[], date("2023-07-31")?),
        Standing::Overdue(92)
    );
    // the next due is the first not sent
    assert_eq!(
        next_due(&all, &sent).map(|o| o.report.as_str()),
        Some("2023-Q2")
    );
    Ok(())
}
