//! The as-of undo, worked by hand: a grant topped up twice, its indirect rate raised, a
//! donor's reference added and its end extended twice; a project that grew a country.

use chrono::NaiveDate;
use rust_decimal_macros::dec;

use super::*;
use crate::domain::{Currency, GrantStatus, ProjectStatus};

fn d(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn amendment(entity: Entity, field: &str, effective: &str, before: &str, after: &str) -> Amendment {
    Amendment {
        entity,
        code: "X".into(),
        field: field.into(),
        effective: d(effective),
        before: before.into(),
        after: after.into(),
        reason: "addendum".into(),
        recorded_at: "2022-07-01T00:00:00Z".into(),
    }
}

/// The grant as its row holds it now, after everything below.
fn grant_now() -> Grant {
    Grant {
        id: 1,
        reference: "G".into(),
        donor: "D".into(),
        project: "P".into(),
        currency: Currency::new("USD", 2),
        amount: dec!(150000.00),
        start: d("2021-03-01"),
        end: d("2022-09-30"),
        indirect_rate: dec!(8),
        status: GrantStatus::Active,
        donor_reference: "JP-45".into(),
    }
}

fn grant_amendments() -> Vec<Amendment> {
    let g = Entity::Grant;
    vec![
        amendment(g, "amount", "2021-07-01", "123762.00", "140000.00"),
        amendment(g, "indirect_rate", "2021-09-01", "7", "8"),
        amendment(g, "amount", "2021-10-01", "140000.00", "150000.00"),
        amendment(g, "donor_reference", "2021-10-01", "", "JP-45"),
    ]
}

fn extension(previous: &str, new: &str, decided: Option<&str>) -> Extension {
    Extension {
        previous_end: d(previous),
        new_end: d(new),
        reason: "delays".into(),
        recorded_at: "2022-07-01T00:00:00Z".into(),
        decided: decided.map(d),
    }
}

fn extensions() -> Vec<Extension> {
    vec![
        extension("2022-03-31", "2022-06-30", Some("2022-02-10")),
        extension("2022-06-30", "2022-09-30", Some("2022-06-01")),
    ]
}

/// (amount, indirect rate, donor reference, end) of the grant as of `day`.
fn grant_on(day: &str) -> (String, String, String, NaiveDate) {
    let g = grant_as_of(&grant_now(), &grant_amendments(), &extensions(), d(day)).unwrap();
    (
        g.currency.plain(g.amount),
        g.indirect_rate.to_string(),
        g.donor_reference,
        g.end,
    )
}

#[test]
fn a_grant_reads_as_it_stood_on_each_day() {
    let on = |amount: &str, rate: &str, reference: &str, end: &str| {
        (
            amount.to_string(),
            rate.to_string(),
            reference.to_string(),
            d(end),
        )
    };
    // Before any amendment: the agreement as signed.
    assert_eq!(
        grant_on("2021-03-01"),
        on("123762.00", "7", "", "2022-03-31")
    );
    assert_eq!(
        grant_on("2021-06-30"),
        on("123762.00", "7", "", "2022-03-31")
    );
    // An amendment holds from its effective day on.
    assert_eq!(
        grant_on("2021-07-01"),
        on("140000.00", "7", "", "2022-03-31")
    );
    assert_eq!(
        grant_on("2021-09-01"),
        on("140000.00", "8", "", "2022-03-31")
    );
    assert_eq!(
        grant_on("2021-10-01"),
        on("150000.00", "8", "JP-45", "2022-03-31")
    );
    // An extension holds from the day it was decided.
    assert_eq!(
        grant_on("2022-02-09"),
        on("150000.00", "8", "JP-45", "2022-03-31")
    );
    assert_eq!(
        grant_on("2022-02-10"),
        on("150000.00", "8", "JP-45", "2022-06-30")
    );
    assert_eq!(
        grant_on("2022-05-31"),
        on("150000.00", "8", "JP-45", "2022-06-30")
    );
    assert_eq!(
        grant_on("2022-06-01"),
        on("150000.00", "8", "JP-45", "2022-09-30")
    );
    assert_eq!(
        grant_on("2030-01-01"),
        on("150000.00", "8", "JP-45", "2022-09-30")
    );
}

#[test]
fn an_extension_recorded_before_decisions_were_dated_is_always_in_force() {
    let end = d("2022-09-30");
    let older = vec![
        extension("2022-03-31", "2022-06-30", None),
        extension("2022-06-30", "2022-09-30", Some("2022-06-01")),
    ];
    assert_eq!(end_as_of(end, &older, d("2021-01-01")), d("2022-06-30"));
    assert_eq!(end_as_of(end, &older, d("2022-06-01")), d("2022-09-30"));
    let all_old = vec![extension("2022-03-31", "2022-09-30", None)];
    assert_eq!(end_as_of(end, &all_old, d("2021-01-01")), end);
    assert_eq!(end_as_of(end, &[], d("2021-01-01")), end);
}

#[test]
fn undoing_goes_newest_first_so_two_changes_of_one_field_after_the_day_give_the_first_before() {
    let g = Entity::Grant;
    let amendments = vec![
        amendment(g, "amount", "2021-07-01", "100.00", "80.00"),
        amendment(g, "amount", "2021-07-01", "80.00", "90.00"),
    ];
    let mut now = grant_now();
    now.amount = dec!(90.00);
    let then = as_of(&now, &amendments, d("2021-06-30")).unwrap();
    assert_eq!(then.amount, dec!(100.00));
    let same_day = as_of(&now, &amendments, d("2021-07-01")).unwrap();
    assert_eq!(same_day.amount, dec!(90.00));
}

fn project_now() -> Project {
    Project {
        code: "NA".into(),
        title: "Health of migrants in North Africa".into(),
        organisation: "IOM".into(),
        countries: vec!["EG".into(), "MA".into(), "TN".into()],
        start: d("2022-01-01"),
        end: d("2025-12-31"),
        status: ProjectStatus::Implementation,
    }
}

#[test]
fn a_project_reads_its_title_and_countries_as_they_were() {
    let p = Entity::Project;
    let amendments = vec![
        amendment(p, "countries", "2022-07-01", "EG;MA", "EG;MA;TN"),
        amendment(
            p,
            "title",
            "2023-01-01",
            "Migrant health",
            "Health of migrants in North Africa",
        ),
        amendment(p, "end", "2023-01-01", "2024-12-31", "2025-12-31"),
    ];
    let then = as_of(&project_now(), &amendments, d("2022-06-30")).unwrap();
    assert_eq!(then.countries, ["EG", "MA"]);
    assert_eq!(then.title, "Migrant health");
    assert_eq!(then.end, d("2024-12-31"));
    let later = as_of(&project_now(), &amendments, d("2022-12-31")).unwrap();
    assert_eq!(later.countries, ["EG", "MA", "TN"]);
    assert_eq!(later.title, "Migrant health");
}

#[test]
fn a_donor_without_a_country_is_read_back_without_one() {
    let donor = Donor {
        code: "F".into(),
        name: "Fund".into(),
        kind: DonorKind::Foundation,
        country: Some("CH".into()),
    };
    let amendments = vec![
        amendment(Entity::Donor, "country", "2022-01-01", "", "CH"),
        amendment(Entity::Donor, "kind", "2022-01-01", "private", "foundation"),
    ];
    let then = as_of(&donor, &amendments, d("2021-12-31")).unwrap();
    assert_eq!(then.country, None);
    assert_eq!(then.kind, DonorKind::Private);
}

#[test]
fn differences_list_only_the_fields_that_change_in_their_order() {
    let now = grant_now();
    let changes = GrantChanges {
        amount: Some(dec!(150000)),
        indirect_rate: Some(dec!(7.50)),
        donor_reference: Some("JP-46".into()),
    };
    assert_eq!(
        differences(&now, &changes.apply(&now)),
        [
            ("indirect_rate", "8".to_string(), "7.5".to_string()),
            ("donor_reference", "JP-45".to_string(), "JP-46".to_string()),
        ]
    );
    assert!(differences(&now, &GrantChanges::default().apply(&now)).is_empty());
}

#[test]
fn project_changes_refuse_what_makes_no_sense() {
    let p = project_now();
    let add = |c: &str| ProjectChanges {
        add_countries: vec![c.into()],
        ..Default::default()
    };
    let remove = |list: &[&str]| ProjectChanges {
        remove_countries: list.iter().map(|c| c.to_string()).collect(),
        ..Default::default()
    };
    assert_eq!(
        add("LY").apply(&p).unwrap().countries,
        ["EG", "LY", "MA", "TN"]
    );
    let err = add("MA").apply(&p).unwrap_err().message;
    assert!(err.contains("already works in MA"), "{err}");
    let err = remove(&["SD"]).apply(&p).unwrap_err().message;
    assert!(
        err.contains("does not work in SD (its countries: EG, MA, TN)"),
        "{err}"
    );
    let err = remove(&["EG", "MA", "TN"]).apply(&p).unwrap_err().message;
    assert!(err.contains("no country left"), "{err}");
    let backwards = ProjectChanges {
        end: Some(d("2021-12-31")),
        ..Default::default()
    };
    assert!(backwards.apply(&p).is_err());
}

#[test]
fn a_field_no_record_has_is_refused() {
    let mut g = grant_now();
    let err = g.set("end", "2023-01-01").unwrap_err().message;
    assert!(
        err.contains("a grant has no field \"end\"") && err.contains("amount, indirect_rate"),
        "{err}"
    );
}
