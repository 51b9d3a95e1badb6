//! `budget set --file` and `budget revise --file`: the small CSV a finance officer keeps.

mod common;

use common::{TestDb, field, sh};

const G: &str = "JP-MA-2023";

fn grant_without_budget() -> TestDb {
    let db = TestDb::new();
    db.ok_sh("donor add --code JP-GOV --name 'Government of Japan'");
    db.ok_sh(
        "project add --code MA-MHPSS --title MHPSS --organisation 'IOM Morocco' --countries MA \
         --start 2023-01-01 --end 2023-12-31",
    );
    db.ok_sh(&format!(
        "grant add --reference {G} --donor JP-GOV --project MA-MHPSS --currency TND \
         --amount 10000.000 --start 2023-01-01 --end 2023-12-31"
    ));
    db
}

/// Write `text` to the file `name` in the test's directory; returns its path, quoted for a
/// command line.
fn write(db: &TestDb, name: &str, text: &str) -> String {
    let path = db.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    shell_words::quote(path.to_str().unwrap()).into_owned()
}

#[test]
fn a_budget_from_a_file_with_three_decimal_dinars() {
    let db = grant_without_budget();
    let file = write(
        &db,
        "lines.csv",
        "code,name,category,amount\n\
        STAFF,\"Psychologists, social workers\",staff,6000.500\n\
        TRAIN,Training,training,3000\n",
    );
    let out = db.run(&sh(&format!("budget set --grant {G} --file {file}")));
    common::explain_unless(&out, 0, &["budget", "set", "--file"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    // 10,000.000 - 6,000.500 - 3,000.000 = 999.500 not allocated
    assert!(
        stderr.contains("999.500 TND of grant JP-MA-2023 is not allocated"),
        "{stderr}"
    );
    let lines = db.csv_sh(&format!("budget list --grant {G}"));
    assert_eq!(field(&lines[0], "name"), "Psychologists, social workers");
    assert_eq!(field(&lines[0], "budget"), "6000.500");
    assert_eq!(field(&lines[1], "budget"), "3000.000");
    assert_eq!(field(&lines[2], "budget"), "9000.500");

    let revision = write(
        &db,
        "revision.csv",
        "code,amount,name,category\n\
        TRAIN,2000.000,,\n\
        TRAV,1999.500,Travel,travel\n",
    );
    db.ok_sh(&format!(
        "budget revise --grant {G} --date 2023-06-01 --reason 'Mid-term review' --file {revision}"
    ));
    let lines = db.csv_sh(&format!("budget list --grant {G}"));
    let codes: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| (field(l, "line"), field(l, "budget")))
        .collect();
    assert_eq!(
        codes,
        [
            ("STAFF", "6000.500"),
            ("TRAIN", "2000.000"),
            ("TRAV", "1999.500"),
            ("TOTAL", "10000.000")
        ]
    );
}

#[test]
fn a_bad_row_names_the_file_and_line_and_writes_nothing() {
    let db = grant_without_budget();
    let file = write(
        &db,
        "lines.csv",
        "code,name,category,amount\n\
        STAFF,Staff,staff,6000.500\n\
        TRAIN,Training,training,\"3000,5\"\n",
    );
    let before = db.dump();
    let err = db.fails_sh(&format!("budget set --grant {G} --file {file}"), 2);
    assert!(
        err.contains("lines.csv:3:") && err.contains("'.' for decimals"),
        "{err}"
    );
    assert_eq!(db.dump(), before);

    let file = write(
        &db,
        "four.csv",
        "code,name,category,amount\nSTAFF,Staff,staff,6000.5005\n",
    );
    let err = db.fails_sh(&format!("budget set --grant {G} --file {file}"), 2);
    assert!(err.contains("TND has 3 decimals"), "{err}");
    let err = db.fails_sh(
        &format!("budget set --grant {G} --file /nonexistent/lines.csv"),
        2,
    );
    assert!(err.contains("cannot read /nonexistent/lines.csv"), "{err}");
    assert_eq!(db.dump(), before);
}

#[test]
fn a_budget_file_is_audited_with_its_sha256_in_the_same_change() {
    let db = grant_without_budget();
    let text =
        "code,name,category,amount\nSTAFF,Staff,staff,6000.500\nTRAIN,Training,training,3000\n";
    let file = write(&db, "lines.csv", text);
    db.ok_sh(&format!("budget set --grant {G} --file {file}"));
    let revised = "code,amount\nTRAIN,3500\n";
    let file = write(&db, "revision.csv", revised);
    db.ok_sh(&format!(
        "budget revise --grant {G} --date 2023-06-01 --reason 'More training' --file {file}"
    ));
    let entries = db.json(&["audit", "--entity", "budget", "--limit", "10"]);
    let imports: Vec<_> = entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "import")
        .collect();
    use sha2::Digest;
    let sha = |t: &str| -> String {
        let digest = sha2::Sha256::digest(t.as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    };
    // Newest first: the revision's file, then the original budget's.
    assert_eq!(imports.len(), 2, "{entries}");
    assert_eq!(imports[0]["after"]["sha256"], sha(revised).as_str());
    assert_eq!(imports[0]["after"]["rows"], 1);
    assert_eq!(imports[1]["after"]["sha256"], sha(text).as_str());
    assert_eq!(imports[1]["after"]["rows"], 2);
    // A budget from --line flags alone reads no file and audits none.
    db.ok_sh(&format!(
        "budget revise --grant {G} --date 2023-07-01 --reason 'Less' --line TRAIN=3400"
    ));
    let entries = db.json(&["audit", "--entity", "budget", "--limit", "1"]);
    assert_eq!(entries[0]["action"], "revise");
}

#[test]
fn every_refused_line_of_a_budget_file_names_its_file_line_and_column() {
    let db = grant_without_budget();
    let before = db.dump();
    let file = write(
        &db,
        "lines.csv",
        "code,name,category,amount\n\
        STAFF,Staff,staff,6000.500\n\
        TRAIN,Training,training,1.0001\n\
        STAFF,Staff,staff,20\n\
        TRAV,,,5\n\
        MON,Monitoring,other,10\n",
    );
    let err = db.fails_sh(
        &format!("budget set --grant {G} --file {file} --line MON:other:10:Monitoring"),
        2,
    );
    for expected in [
        "lines.csv: 4 of 5 rows refused, so nothing was written",
        "lines.csv:3:4 (amount = \"1.0001\"): amount of budget line TRAIN 1.0001: TND has 3 \
         decimals",
        "lines.csv:4:1 (code = \"STAFF\"): budget line STAFF is given twice in this file \
         (first at line 2); give it once",
        "lines.csv:5:2 (name = \"\"): budget line TRAV: a new budget needs name and category",
        "lines.csv:6:1 (code = \"MON\"): budget line MON is given on the command line too; give it once",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
    assert_eq!(db.dump(), before);

    db.ok_sh(&format!(
        "budget set --grant {G} --line STAFF:staff:6000:Staff --line TRAIN:training:3000:Training"
    ));
    let before = db.dump();
    let revision = write(
        &db,
        "revision.csv",
        "code,amount,name,category\n\
        STAF,5,,\n\
        TRAIN,2500,Trainings,training\n\
        STAFF,5000,,\n\
        STAFF,5500,,\n",
    );
    let err = db.fails_sh(
        &format!("budget revise --grant {G} --date 2023-06-01 --reason Review --file {revision}"),
        2,
    );
    for expected in [
        "revision.csv: 3 of 4 rows refused",
        "revision.csv:2:1 (code = \"STAF\"): grant JP-MA-2023 has no budget line \"STAF\"",
        "revision.csv:3:3 (name = \"Trainings\"): grant JP-MA-2023 already has a budget line \
         \"TRAIN\" named \"Training\"",
        "revision.csv:5:1 (code = \"STAFF\"): budget line STAFF is given twice in this file \
         (first at line 4)",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
    assert_eq!(db.dump(), before);
}

#[test]
fn import_dir_names_the_row_that_gives_a_budget_line_twice() {
    let db = grant_without_budget();
    db.ok_sh(&format!(
        "budget set --grant {G} --line STAFF:staff:6000:Staff --line TRAIN:training:3000:Training"
    ));
    let out = db.dir.path().join("export");
    db.ok(&["export", "--all", "--out", out.to_str().unwrap()]);
    let lines = out.join("budget_lines.csv");
    let mut text = std::fs::read_to_string(&lines).unwrap();
    let staff = text.lines().nth(1).unwrap().to_string();
    text.push_str(&staff);
    text.push('\n');
    std::fs::write(&lines, text).unwrap();
    let copy = TestDb::new();
    let before = copy.dump();
    let err = copy.fails(&["import", out.to_str().unwrap()], 2);
    assert!(
        err.contains(&format!(
            "budget_lines.csv:4:2 (code = \"STAFF\"): line STAFF of grant {G} is given twice in \
             this file (first at "
        )),
        "{err}"
    );
    assert!(err.contains("budget_lines.csv:2)"), "{err}");
    assert_eq!(copy.dump(), before);
}
