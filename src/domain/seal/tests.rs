//! Expected seals were computed independently of this code, with Python's hashlib over the
//! same length-prefixed encoding (8-byte big-endian lengths, u64::MAX for an absent value).

use super::*;

fn added() -> Sealed<'static> {
    Sealed {
        id: 1,
        at: "2021-06-14T09:00:00Z",
        actor: "amina",
        action: "add",
        entity: "expense",
        key: "42",
        before: None,
        after: Some(r#"{"amount":"12500.00"}"#),
    }
}

#[test]
fn first_entry_chains_from_genesis() {
    assert_eq!(
        added().seal(GENESIS),
        "2034c67d36043f878558d8b8434b9ccf5308e678a48e49950ed0c40a34958908"
    );
}

#[test]
fn second_entry_chains_from_the_first() {
    let voided = Sealed {
        id: 2,
        at: "2021-06-15T10:30:00Z",
        actor: "amina",
        action: "void",
        entity: "expense",
        key: "42",
        before: Some(r#"{"voided_at":null}"#),
        after: Some(r#"{"voided_at":"2021-06-15"}"#),
    };
    let first = added().seal(GENESIS);
    assert_eq!(
        voided.seal(&first),
        "64a5d9e949d01c39faf8829e0c92b206d86e3dac60f98cba43d788e17b81bffd"
    );
}

#[test]
fn an_empty_value_is_not_an_absent_one() {
    let empty_before = Sealed {
        before: Some(""),
        ..added()
    };
    assert_eq!(
        empty_before.seal(GENESIS),
        "54c9625d24b8276b70d577b2395fdac58d0ff863527384522b97f55bea5c199e"
    );
    assert_ne!(empty_before.seal(GENESIS), added().seal(GENESIS));
}

#[test]
fn moving_text_between_fields_changes_the_seal() {
    let shifted = Sealed {
        actor: "amin",
        action: "aadd",
        ..added()
    };
    assert_ne!(shifted.seal(GENESIS), added().seal(GENESIS));
}

#[test]
fn hex_is_lower_case_two_digits_a_byte() {
    assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
    assert_eq!(
        hex(&Sha256::digest(b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

/// A log of `n` entries sealed in order, as grantbook writes it.
fn log(n: i64) -> Vec<AuditEntry> {
    let mut previous = GENESIS.to_string();
    (1..=n)
        .map(|id| {
            let mut entry = AuditEntry {
                id,
                at: format!("2021-06-{:02}T09:00:00Z", id),
                actor: "amina".into(),
                action: "add".into(),
                entity: "expense".into(),
                key: id.to_string(),
                before: None,
                after: Some(format!(r#"{{"amount":"{id}00.00"}}"#)),
                seal: None,
            };
            let seal = entry.sealed().seal(&previous);
            entry.seal = Some(seal.clone());
            previous = seal;
            entry
        })
        .collect()
}

fn walk(entries: &[AuditEntry]) -> ChainReport {
    let mut walk = ChainWalk::default();
    for e in entries {
        walk.step(e);
    }
    walk.finish()
}

fn broken_ids(report: &ChainReport) -> Vec<i64> {
    report.breaks.iter().map(|b| b.id).collect()
}

#[test]
fn an_untouched_log_verifies_and_gives_its_head() {
    let entries = log(5);
    let report = walk(&entries);
    assert!(report.breaks.is_empty(), "{:?}", report.breaks);
    assert_eq!(report.entries, 5);
    assert_eq!(report.head, Some((5, entries[4].seal.clone().unwrap())));
}

#[test]
fn an_empty_log_has_no_head() {
    let report = walk(&[]);
    assert_eq!((report.entries, report.head), (0, None));
}

#[test]
fn a_changed_entry_is_named_alone() {
    let mut entries = log(5);
    entries[2].after = Some(r#"{"amount":"1.00"}"#.into());
    let report = walk(&entries);
    assert_eq!(broken_ids(&report), vec![3]);
    assert!(report.breaks[0].problem.contains("entry #3 (2021-06-03"));
    assert!(report.breaks[0].problem.contains("does not match its seal"));
}

#[test]
fn a_resealed_entry_breaks_the_next_one() {
    let mut entries = log(5);
    entries[2].actor = "mallory".into();
    entries[2].seal = Some(entries[2].sealed().seal(entries[1].seal.as_ref().unwrap()));
    assert_eq!(broken_ids(&walk(&entries)), vec![4]);
}

#[test]
fn deleted_entries_are_named_by_number() {
    let mut entries = log(6);
    entries.drain(1..3);
    let report = walk(&entries);
    assert_eq!(broken_ids(&report), vec![4]);
    assert!(
        report.breaks[0]
            .problem
            .contains("entries #2 to #3 (2) are missing")
    );

    let mut entries = log(3);
    entries.remove(0);
    let report = walk(&entries);
    assert_eq!(broken_ids(&report), vec![2]);
    assert!(report.breaks[0].problem.contains("entry #1 is missing"));
}

#[test]
fn an_unsealed_entry_is_named() {
    let mut entries = log(3);
    entries[1].seal = None;
    let report = walk(&entries);
    // The entry after it cannot follow a missing seal either.
    assert_eq!(broken_ids(&report), vec![2, 3]);
    assert!(report.breaks[0].problem.contains("has no seal"));
}

#[test]
fn entry_numbers_at_the_ends_of_the_range_are_named_without_overflow() {
    let mut entries = log(2);
    entries[0].id = i64::MIN;
    entries[1].id = i64::MAX;
    let report = walk(&entries);
    assert_eq!(broken_ids(&report), vec![i64::MIN, i64::MAX]);
    assert!(
        report.breaks[1].problem.contains(&format!(
            "entries #{} to #{} ({}) are missing",
            i64::MIN + 1,
            i64::MAX - 1,
            u64::MAX - 1
        )),
        "{}",
        report.breaks[1].problem
    );
}

#[test]
fn an_entry_added_with_a_number_out_of_turn_is_named_with_its_author() {
    let mut entries = log(3);
    let mut forged = entries[2].clone();
    forged.id = 1000;
    forged.actor = "mallory".into();
    forged.seal = Some(forged.sealed().seal(entries[2].seal.as_ref().unwrap()));
    entries.push(forged);
    let report = walk(&entries);
    assert_eq!(broken_ids(&report), vec![1000]);
    let problem = &report.breaks[0].problem;
    assert!(
        problem.contains("entries #4 to #999 (996) are missing"),
        "{problem}"
    );
    assert!(problem.contains("or entry #1000 ("), "{problem}");
    assert!(problem.contains("by mallory"), "{problem}");
}
