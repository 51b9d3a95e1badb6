//! Hostile input through every `add` command (issue 5): each field gets a mix of valid values
//! and hostile ones (see tests/hostile_input), passed as raw OsStr arguments. Whatever comes,
//! grantbook must not panic, and either refuse with exit 2, a message and the database unchanged,
//! or store the value and read it back verbatim (trimmed, as src/domain/text.rs documents),
//! changing nothing else. Each case runs the binary on a copy of one pristine demo database.
//! The budget commands are in hostile_budget.rs, the CSV importers in hostile_import.rs.

mod common;
mod hostile_input;

use hostile_input::fields::*;
use hostile_input::harness::{
    CASES, Case, EMPTY_GRANT, check, expected, hostile_cases, opt, raw, word,
};
use hostile_input::{Kind, classify, decimal};
use proptest::prelude::*;

#[test]
fn donor_add() {
    let kinds = &["government", " Foundation ", "OTHER", "multilateral"];
    let s = (code("H"), line(200), pick(Kind::Other, kinds));
    let s = (
        s,
        prop::option::of(optional(Kind::Country, &["MA", " tn ", "jp"])),
    );
    hostile_cases("donor add", CASES, s, |((code, name, kind), country)| {
        let case = Case::new();
        let mut args = vec![opt("code", &code), opt("name", &name), opt("kind", &kind)];
        args.extend(country.as_ref().map(|c| opt("country", c)));
        let out = run(&case, &["donor", "add"], args);
        let mut vals = vec![&code, &name, &kind];
        vals.extend(country.as_ref());
        check(&case, &out, expected(&vals), &["donor"], 1, |conn| {
            let sql = "SELECT name, kind, coalesce(country, '') FROM donor WHERE code = ?1";
            let got = text_of(conn, sql, &code.trimmed());
            let want_country = country
                .map(|c| c.trimmed().to_uppercase())
                .unwrap_or_default();
            prop_assert_eq!(&got[0], &name.trimmed());
            prop_assert_eq!(&got[1], &kind.trimmed().to_lowercase());
            prop_assert_eq!(&got[2], &want_country);
            let shown = json(&case, &["donor", "show", &code.trimmed()]);
            prop_assert_eq!(
                shown["donor"]["name"].as_str().unwrap_or_default(),
                name.trimmed()
            );
            Ok(())
        })
    });
}

#[test]
fn project_add() {
    let countries = &["MA", "ma,TN", "EG; LY", " SD "];
    let s = (code("H"), line(300), line(200));
    let s = (
        s,
        pick(Kind::Other, countries),
        date("2000-01-01", 3650),
        date("2010-01-01", 3650),
    );
    hostile_cases(
        "project add",
        CASES,
        s,
        |((code, title, org), countries, start, end)| {
            let case = Case::new();
            let args = vec![
                opt("code", &code),
                opt("title", &title),
                opt("organisation", &org),
                opt("countries", &countries),
                opt("start", &start),
                opt("end", &end),
            ];
            let out = run(&case, &["project", "add"], args);
            let vals = [&code, &title, &org, &countries, &start, &end];
            // Once stored, every country was valid: one row each, duplicates once.
            let mut listed: Vec<String> = String::from_utf8_lossy(&countries.bytes)
                .split([',', ';'])
                .map(|c| c.trim().to_uppercase())
                .filter(|c| !c.is_empty())
                .collect();
            listed.sort();
            listed.dedup();
            let rows = 1 + listed.len() as i64;
            let tables = ["project", "project_country"];
            check(&case, &out, expected(&vals), &tables, rows, |conn| {
                let sql = "SELECT title, organisation, start_date, end_date, \
                       (SELECT group_concat(country) FROM (SELECT country FROM project_country \
                        WHERE project_id = p.id ORDER BY country)) FROM project p WHERE code = ?1";
                let got = text_of(conn, sql, &code.trimmed());
                prop_assert_eq!(&got[0], &title.trimmed());
                prop_assert_eq!(&got[1], &org.trimmed());
                prop_assert_eq!(&got[2], &start.trimmed());
                prop_assert_eq!(&got[3], &end.trimmed());
                prop_assert_eq!(&got[4], &listed.join(","));
                Ok(())
            })
        },
    );
}

#[test]
fn grant_add() {
    let rates = &["7", "6.5", "0", "7%", " 12.5 % "];
    let s = (code("H"), pick(Kind::Code, &["REG-DONOR", " JP-GOV "]));
    let s = (
        s,
        pick(Kind::Code, &["NA-MIGHEALTH"]),
        pick(Kind::Currency, &["EUR", "usd"]),
    );
    let s = (
        s,
        money(2, false),
        date("2016-01-01", 1000),
        date("2019-01-01", 1000),
    );
    let s = (s, pick(Kind::Other, rates));
    hostile_cases(
        "grant add",
        CASES,
        s,
        |((((reference, donor), project, cur), amount, start, end), rate)| {
            let case = Case::new();
            let args = vec![
                opt("reference", &reference),
                opt("donor", &donor),
                opt("project", &project),
                opt("currency", &cur),
                opt("amount", &amount),
                opt("start", &start),
                opt("end", &end),
                opt("indirect-rate", &rate),
            ];
            let out = run(&case, &["grant", "add"], args);
            let vals = [
                &reference, &donor, &project, &cur, &amount, &start, &end, &rate,
            ];
            check(
                &case,
                &out,
                expected(&vals),
                &["grant_agreement", "grant_extension"],
                1,
                |conn| {
                    let sql = "SELECT currency, CAST(amount_minor AS TEXT), start_date, end_date, \
                       indirect_rate FROM grant_agreement WHERE reference = ?1";
                    let got = text_of(conn, sql, &reference.trimmed());
                    prop_assert_eq!(&got[0], &cur.trimmed().to_uppercase());
                    prop_assert_eq!(&got[1], &minor(&amount, 2).to_string());
                    prop_assert_eq!(&got[2], &start.trimmed());
                    prop_assert_eq!(&got[3], &end.trimmed());
                    let typed = rate.trimmed().trim_end_matches('%').trim().to_string();
                    prop_assert_eq!(decimal(&got[4]), decimal(&typed));
                    Ok(())
                },
            )
        },
    );
}

#[test]
fn period_add() {
    let s = (code("P"), date("2024-01-01", 300), date("2024-11-01", 60));
    hostile_cases("period add", CASES, s, |(code, start, end)| {
        let case = Case::new();
        let args = vec![
            word("--grant"),
            word(EMPTY_GRANT),
            opt("start", &start),
            opt("end", &end),
        ];
        let mut args = args;
        args.extend([word("--"), raw(&code.bytes)]);
        let out = run(&case, &["period", "add"], args);
        check(
            &case,
            &out,
            expected(&[&code, &start, &end]),
            &["period"],
            1,
            |conn| {
                let sql = "SELECT start_date, end_date, status FROM period WHERE code = ?1";
                let got = text_of(conn, sql, &code.trimmed());
                prop_assert_eq!(&got[0], &start.trimmed());
                prop_assert_eq!(&got[1], &end.trimmed());
                prop_assert_eq!(&got[2], "open");
                Ok(())
            },
        )
    });
}

#[test]
fn fx_set() {
    let s = (
        pick(Kind::Currency, &["GBP", " chf "]),
        pick(Kind::Currency, &["NOK", "dkk"]),
    );
    let s = (s, money(12, false), date("2020-01-01", 2000), free(200));
    hostile_cases(
        "fx set",
        CASES,
        s,
        |((from, to), rate, valid_from, source)| {
            let case = Case::new();
            let args = vec![
                opt("from", &from),
                opt("to", &to),
                opt("rate", &rate),
                opt("valid-from", &valid_from),
                opt("source", &source),
            ];
            let out = run(&case, &["fx", "set"], args);
            let vals = [&from, &to, &rate, &valid_from, &source];
            check(&case, &out, expected(&vals), &["fx_rate"], 1, |conn| {
                let sql = "SELECT base, quote, valid_from, rate, source FROM fx_rate
                       WHERE id = (SELECT max(id) FROM fx_rate) AND ?1 = ?1";
                let got = text_of(conn, sql, "");
                prop_assert_eq!(&got[0], &from.trimmed().to_uppercase());
                prop_assert_eq!(&got[1], &to.trimmed().to_uppercase());
                prop_assert_eq!(&got[2], &valid_from.trimmed());
                prop_assert_eq!(decimal(&got[3]), decimal(&rate.trimmed()));
                prop_assert_eq!(&got[4], &source.trimmed());
                Ok(())
            })
        },
    );
}

#[test]
fn receipt_add() {
    let s = (
        date("2024-01-01", 366),
        money(2, false),
        prop::option::of(optional(Kind::Currency, &["EUR", " eur "])),
    );
    let s = (s, free(100), free(1000));
    hostile_cases(
        "receipt add",
        CASES,
        s,
        |((date, amount, cur), reference, description)| {
            let case = Case::new();
            let mut args = vec![
                word("--grant"),
                word(REG),
                opt("date", &date),
                opt("amount", &amount),
            ];
            args.extend(cur.as_ref().map(|c| opt("currency", c)));
            args.extend([
                opt("reference", &reference),
                opt("description", &description),
            ]);
            let out = run(&case, &["receipt", "add"], args);
            let mut vals = vec![&date, &amount, &reference, &description];
            vals.extend(cur.as_ref());
            check(&case, &out, expected(&vals), &["receipt"], 1, |conn| {
                let sql =
                    "SELECT date, CAST(amount_minor AS TEXT), reference, description FROM receipt
                       WHERE id = (SELECT max(id) FROM receipt) AND ?1 = ?1";
                let got = text_of(conn, sql, "");
                prop_assert_eq!(&got[0], &date.trimmed());
                prop_assert_eq!(&got[1], &minor(&amount, 2).to_string());
                prop_assert_eq!(&got[2], &reference.trimmed());
                prop_assert_eq!(&got[3], &description.trimmed());
                Ok(())
            })
        },
    );
}

#[test]
fn expense_add() {
    let s = (
        pick(Kind::Code, &["PROT", " HEALTH "]),
        date("2024-01-01", 366),
        money(2, false),
    );
    let s = (
        s,
        line(200),
        line(55),
        optional(Kind::Country, &["MA", " tn ", "eg"]),
    );
    let s = (
        s,
        free(2000),
        pick(Kind::Other, &["expenditure", " Disbursement "]),
    );
    hostile_cases(
        "expense add",
        CASES,
        s,
        |(((l, date, amount), payee, voucher, country), description, kind)| {
            let case = Case::new();
            let mut voucher = voucher;
            voucher.bytes.splice(0..0, *b"HV-");
            // The prefix keeps it unique; leading padding becomes inner text, so judge anew.
            voucher.verdict = classify(VOUCHER, &voucher.bytes);
            let args = vec![
                word("--grant"),
                word(REG),
                opt("line", &l),
                opt("date", &date),
                opt("amount", &amount),
                word("--currency=EUR"),
                opt("payee", &payee),
                opt("voucher", &voucher),
                opt("country", &country),
                opt("description", &description),
                opt("kind", &kind),
            ];
            let out = run(&case, &["expense", "add"], args);
            let vals = [
                &l,
                &date,
                &amount,
                &payee,
                &voucher,
                &country,
                &description,
                &kind,
            ];
            check(&case, &out, expected(&vals), &["expense"], 1, |conn| {
                let sql =
                    "SELECT date, CAST(amount_minor AS TEXT), payee, description, country, kind
                       FROM expense WHERE voucher = ?1";
                let got = text_of(conn, sql, &voucher.trimmed());
                prop_assert_eq!(&got[0], &date.trimmed());
                prop_assert_eq!(&got[1], &minor(&amount, 2).to_string());
                prop_assert_eq!(&got[2], &payee.trimmed());
                prop_assert_eq!(&got[3], &description.trimmed());
                if !country.trimmed().is_empty() {
                    prop_assert_eq!(&got[4], &country.trimmed().to_uppercase());
                }
                let kind = match kind.trimmed().to_lowercase() {
                    blank if blank.is_empty() => "expenditure".to_string(),
                    kind => kind,
                };
                prop_assert_eq!(&got[5], &kind);
                let listed = json(&case, &["expense", "list", "--grant", REG]);
                let shown = (listed.as_array().unwrap().iter())
                    .find(|e| e["voucher"].as_str() == Some(voucher.trimmed().as_str()))
                    .expect("listed");
                prop_assert_eq!(shown["payee"].as_str().unwrap_or_default(), payee.trimmed());
                let description = description.trimmed();
                prop_assert_eq!(shown["description"].as_str(), Some(description.as_str()));
                let listed_amount = decimal(shown["amount"].as_str().unwrap());
                prop_assert_eq!(listed_amount, decimal(&amount.trimmed()));
                Ok(())
            })
        },
    );
}
