//! Shared helpers for end-to-end tests: a fresh database per test, commands that explain
//! themselves when they fail, and a logical dump to prove a database did not change.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Output;

use assert_cmd::Command;
use rusqlite::Connection;
use tempfile::TempDir;

pub struct TestDb {
    /// A directory of the test's own, for the files it writes and reads.
    pub dir: TempDir,
    /// The ledger file (on SQLite; on PostgreSQL, a path that is never made).
    pub path: PathBuf,
    /// The test's own PostgreSQL database, when the suite runs on PostgreSQL (see [`server`]).
    pub server: Option<server::Database>,
}

impl TestDb {
    /// A new, initialised, empty database.
    pub fn new() -> TestDb {
        let db = TestDb::uninitialised();
        db.ok(&["init"]);
        db
    }

    /// A place for a ledger, with nothing in it yet: a file path that does not exist, or an
    /// empty PostgreSQL database.
    pub fn uninitialised() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("grantbook.db");
        let tag = dir
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        TestDb {
            dir,
            path,
            server: server::on_postgres().then(|| server::Database::new(&tag)),
        }
    }

    /// What `--db` names: the file, or the server database's URL.
    pub fn target(&self) -> PathBuf {
        match &self.server {
            Some(database) => PathBuf::from(&database.url),
            None => self.path.clone(),
        }
    }

    /// The ledger opened through the library, as the command line opens it.
    pub fn ledger(&self) -> grantbook::db::Ledger {
        match &self.server {
            Some(database) => grantbook::db::Ledger::open_server(&database.url),
            None => grantbook::db::Ledger::open(&self.path),
        }
        .expect("open the test ledger")
    }

    /// A database loaded with the fixtures by `grantbook demo`.
    pub fn demo() -> TestDb {
        let db = TestDb::uninitialised();
        let out = run_raw(&["demo", db.target().to_str().unwrap()], None);
        explain_unless(&out, 0, &["demo"]);
        db
    }

    pub fn run(&self, args: &[impl AsRef<str>]) -> Output {
        run_raw(args, Some(&self.target()))
    }

    /// Run as an officer of `office` (GRANTBOOK_OFFICE), requiring exit `code`; returns
    /// stdout and stderr.
    pub fn in_office(&self, office: &str, line: &str, code: i32) -> (String, String) {
        let target = self.target();
        self.as_role(&target.to_string_lossy(), Some(office), line, code)
    }

    /// Run on the ledger reached at `url` (another role's login), as an officer of `office`
    /// when given, requiring exit `code`; returns stdout and stderr.
    pub fn as_role(
        &self,
        url: &str,
        office: Option<&str>,
        line: &str,
        code: i32,
    ) -> (String, String) {
        let args = sh(line);
        let mut cmd = Command::cargo_bin("grantbook").expect("binary built");
        cmd.env_remove("GRANTBOOK_DB")
            .env_remove("GRANTBOOK_OFFICE")
            .env("NO_COLOR", "1")
            .env("USER", "tester");
        if let Some(office) = office {
            cmd.env("GRANTBOOK_OFFICE", office);
        }
        let out = cmd
            .arg("--db")
            .arg(url)
            .args(&args)
            .output()
            .expect("run grantbook");
        explain_unless(&out, code, &args);
        (
            String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        )
    }

    /// Run and require success; returns stdout.
    pub fn ok(&self, args: &[impl AsRef<str>]) -> String {
        let out = self.run(args);
        explain_unless(&out, 0, args);
        String::from_utf8(out.stdout).expect("stdout is UTF-8")
    }

    /// Run and require exit `code`; returns stderr.
    pub fn fails(&self, args: &[impl AsRef<str>], code: i32) -> String {
        let out = self.run(args);
        explain_unless(&out, code, args);
        String::from_utf8(out.stderr).expect("stderr is UTF-8")
    }

    /// Run with `--format csv` and parse the output into rows of (header -> value).
    pub fn csv(&self, args: &[impl AsRef<str>]) -> Vec<Vec<(String, String)>> {
        let mut all: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
        all.extend(["--format", "csv"]);
        parse_csv(&self.ok(&all))
    }

    /// Run with `--format json` and parse.
    pub fn json(&self, args: &[impl AsRef<str>]) -> serde_json::Value {
        let mut all: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
        all.extend(["--format", "json"]);
        serde_json::from_str(&self.ok(&all)).expect("valid JSON")
    }

    /// [`TestDb::ok`] with the arguments written as one shell-like line (see [`sh`]).
    pub fn ok_sh(&self, line: &str) -> String {
        self.ok(&sh(line))
    }

    /// [`TestDb::fails`] with the arguments written as one shell-like line (see [`sh`]).
    pub fn fails_sh(&self, line: &str, code: i32) -> String {
        self.fails(&sh(line), code)
    }

    /// [`TestDb::csv`] with the arguments written as one shell-like line (see [`sh`]).
    pub fn csv_sh(&self, line: &str) -> Vec<Vec<(String, String)>> {
        self.csv(&sh(line))
    }

    /// [`TestDb::json`] with the arguments written as one shell-like line (see [`sh`]).
    pub fn json_sh(&self, line: &str) -> serde_json::Value {
        self.json(&sh(line))
    }

    /// Every row of every table, the schema and the user_version, as text: equal dumps mean
    /// the database holds exactly the same data.
    pub fn dump(&self) -> Vec<String> {
        if let Some(database) = &self.server {
            return database.dump();
        }
        let conn = Connection::open(&self.path).expect("open for dump");
        let mut lines = Vec::new();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        lines.push(format!("user_version={version}"));
        let mut stmt = conn
            .prepare("SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")
            .unwrap();
        let objects: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        for (name, sql) in &objects {
            lines.push(sql.clone());
            if !sql.starts_with("CREATE TABLE") {
                continue;
            }
            let mut rows = conn.prepare(&format!("SELECT * FROM \"{name}\"")).unwrap();
            let width = rows.column_count();
            let mut table: Vec<String> = rows
                .query_map([], |r| {
                    let cells: Vec<String> = (0..width)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect();
                    Ok(format!("{name}: {}", cells.join(" | ")))
                })
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            table.sort();
            lines.extend(table);
        }
        lines
    }

    pub fn count(&self, table: &str) -> i64 {
        if let Some(database) = &self.server {
            return database.count(table);
        }
        let conn = Connection::open(&self.path).unwrap();
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }
}

pub mod browser;
pub mod donor;
pub mod server;
pub mod sheets;
pub mod vouchers;

/// The arguments of a command written as one line, split as a POSIX shell would (quotes and
/// backslashes; no variables, globs or pipes): `sh("expense void 4 --reason 'Wrong line'")`.
pub fn sh(line: &str) -> Vec<String> {
    shell_words::split(line).unwrap_or_else(|e| panic!("cannot split {line:?}: {e}"))
}

pub fn run_raw(args: &[impl AsRef<str>], db: Option<&PathBuf>) -> Output {
    let mut cmd = Command::cargo_bin("grantbook").expect("binary built");
    cmd.env_remove("GRANTBOOK_DB")
        .env_remove("GRANTBOOK_OFFICE")
        .env("NO_COLOR", "1")
        .env("USER", "tester");
    if let Some(path) = db {
        cmd.arg("--db").arg(path);
    }
    cmd.args(args.iter().map(AsRef::as_ref))
        .output()
        .expect("run grantbook")
}

/// Fail with the whole story: the command, its exit code, stdout and stderr.
pub fn explain_unless(out: &Output, code: i32, args: &[impl AsRef<str>]) {
    let got = out.status.code();
    let args: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
    assert_eq!(
        got,
        Some(code),
        "\n$ grantbook {}\nexit: {got:?} (wanted {code})\n--- stdout\n{}\n--- stderr\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn parse_csv(text: &str) -> Vec<Vec<(String, String)>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("CSV headers").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("CSV row");
            headers
                .iter()
                .map(String::from)
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// The value of `key` in a parsed CSV row.
pub fn field<'a>(row: &'a [(String, String)], key: &str) -> &'a str {
    row.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no column {key} in {row:?}"))
}

/// The Japan grant's reference.
pub const JAPAN: &str = "JP-MA-MHPSS-2021";
const G: &str = JAPAN;

/// A database holding the Japan grant set up through the CLI: donor, project, grant, seven
/// budget lines, five quarters, two USD->MAD rates and the single tranche; no expenses yet.
pub fn japan_grant() -> TestDb {
    let db = TestDb::new();
    db.ok_sh("donor add --code JP-GOV --name 'Government of Japan' --kind government --country JP");
    db.ok_sh(concat!(
        "project add --code MA-MHPSS --title 'Strengthening mental health and psychosocial ",
        "support services and their access for migrants in Morocco' --organisation 'IOM Morocco' ",
        "--countries MA --start 2021-03-01 --end 2022-03-31",
    ));
    db.ok_sh(&format!(
        "grant add --reference {G} --donor JP-GOV --project MA-MHPSS --currency USD \
         --amount 123762.00 --start 2021-03-01 --end 2022-03-31 --indirect-rate 7"
    ));
    db.ok_sh(&format!(
        "budget set --grant {G} \
         --line 'STAFF:staff:46000.00:Psychologists and social workers' \
         --line 'TRAIN:training:21500.00:Training of health workers in MHPSS' \
         --line 'SERV:activities:24000.00:Psychosocial services and referrals' \
         --line 'COMM:activities:9800.00:Awareness materials' \
         --line 'TRAV:travel:6200.00:Travel and field visits' \
         --line 'MON:other:8165.42:Monitoring and evaluation' \
         --line 'IND:indirect:8096.58:Indirect support costs (7 %)'"
    ));
    db.ok_sh(&format!("period generate --grant {G} --every quarter"));
    // What publishing it to IATI needs (export iati invents no identifier).
    db.ok_sh("organisation set 'IOM Morocco' --iati-id XM-DAC-47066 --type 40");
    db.ok_sh("donor iati JP-GOV --iati-id XM-DAC-701");
    db.ok_sh("project iati MA-MHPSS --sector 12220:100");
    db.ok_sh("fx set --from USD --to MAD --rate 9.0235 --valid-from 2021-03-01");
    db.ok_sh("fx set --from USD --to MAD --rate 8.9874 --valid-from 2021-04-01");
    db.ok_sh(&format!(
        "receipt add --grant {G} --date 2021-03-15 --amount 123762.00 --reference T1"
    ));
    db
}
