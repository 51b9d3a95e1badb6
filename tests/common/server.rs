//! The end-to-end suite on PostgreSQL: each test gets a schema of its own in one test database
//! on the server that `GRANTBOOK_TEST_PG` names (a URL of a role that may create databases and
//! roles), dropped when it ends.
//! Which backend a test binary runs on is its name's: `tests/postgres.rs` builds the suite
//! again as the binary `postgres`.

use postgres::{Client, NoTls};

const SERVER: &str = "GRANTBOOK_TEST_PG";

/// Whether this test binary runs the suite on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.file_name().map(|n| n.to_string_lossy().into_owned()))
        .is_some_and(|name| name.starts_with("postgres"))
}

/// The server's URL. Without one the PostgreSQL half of the suite cannot run: it says how to
/// run it, once, and ends this test binary as passed; CI sets the variable, so there a server
/// that cannot be reached fails every test instead.
fn admin_url() -> String {
    match std::env::var(SERVER) {
        Ok(url) if !url.trim().is_empty() => url,
        _ => {
            // Straight to the terminal: the test harness captures `eprintln!`, and the binary
            // ends before it would show it.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "PostgreSQL tests skipped: set {SERVER}=postgres://USER:PASSWORD@localhost/postgres \
                 (a role that may create databases and roles) to run the end-to-end suite on \
                 PostgreSQL; .ci/run starts a server and sets it"
            );
            std::process::exit(0);
        }
    }
}

fn admin() -> Client {
    let url = admin_url();
    Client::connect(&url, NoTls)
        .unwrap_or_else(|e| panic!("cannot reach the PostgreSQL server of {SERVER} ({url}): {e}"))
}

/// The database every test's ledger lives in, each in a schema of its own: making a schema
/// takes milliseconds where making a database took most of a second.
const SHARED: &str = "grantbook_tests";

pub struct Database {
    /// The test's own schema, which holds its ledger (and prefixes the login roles it makes).
    pub name: String,
    /// The database the schema is in, which names the roles `admin roles` makes.
    pub database: String,
    pub url: String,
}

/// The shared test database, made on first use (by whichever test gets there first).
fn shared() -> String {
    let url = admin_url();
    let base = url.rsplit_once('/').map_or(url.as_str(), |(base, _)| base);
    static MADE: std::sync::Once = std::sync::Once::new();
    MADE.call_once(|| {
        let made = admin().batch_execute(&format!(
            "CREATE DATABASE {SHARED} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'"
        ));
        // Another test binary may have made it meanwhile: that is as good.
        if let Err(e) = made
            && e.code().map(|c| c.code()) != Some("42P04")
            && e.code().map(|c| c.code()) != Some("23505")
        {
            panic!("cannot create the test database {SHARED}: {e:?}");
        }
    });
    format!("{base}/{SHARED}")
}

impl Database {
    /// A new, empty ledger place: a schema of its own in the shared test database, named
    /// after `tag` (the test's own temporary directory, unique on this machine).
    pub fn new(tag: &str) -> Database {
        let tag: String = tag
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        let name = format!("t{}_{tag}", std::process::id());
        let database = shared();
        Client::connect(&database, NoTls)
            .and_then(|mut c| c.batch_execute(&format!("CREATE SCHEMA {name}")))
            .unwrap_or_else(|e| panic!("cannot create the test schema {name}: {e:?}"));
        Database {
            url: format!("{database}?options=-c%20search_path%3D{name}"),
            database: SHARED.to_string(),
            name,
        }
    }

    /// A login role of this test's own, `who`, member of `roles` (the roles `grantbook admin
    /// roles` made, named without the database's prefix: "officer", "office_rabat"); the URL
    /// it connects with. Dropped with the schema.
    pub fn login(&self, who: &str, roles: &[&str]) -> String {
        let name = format!("{}_{who}", self.name);
        let mut admin = admin();
        admin
            .batch_execute(&format!("CREATE ROLE {name} LOGIN PASSWORD 'test'"))
            .unwrap_or_else(|e| panic!("cannot create the role {name}: {e:?}"));
        for role in roles {
            admin
                .batch_execute(&format!("GRANT {}_{role} TO {name}", self.database))
                .unwrap_or_else(|e| panic!("cannot grant {role} to {name}: {e:?}"));
        }
        let base = self.url.split_once("://").map_or("", |(_, rest)| rest);
        let host = base.split_once('@').map_or(base, |(_, host)| host);
        format!("postgres://{name}:test@{host}")
    }

    fn client(&self) -> Client {
        Client::connect(&self.url, NoTls).expect("connect to the test database")
    }

    /// The schema version, each table's columns and every row, as text, tables in order and
    /// rows sorted: equal dumps mean the database holds exactly the same data.
    pub fn dump(&self) -> Vec<String> {
        let mut client = self.client();
        let mut lines = Vec::new();
        let version: i64 = client
            .query_one("SELECT version FROM grantbook_schema", &[])
            .map(|r| r.get(0))
            .unwrap_or(0);
        lines.push(format!("version={version}"));
        let tables: Vec<String> = client
            .query(
                "SELECT table_name::text FROM information_schema.tables
                 WHERE table_schema = current_schema() ORDER BY table_name",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        for table in tables {
            let columns: Vec<String> = client
                .query(
                    "SELECT column_name::text || ' ' || data_type FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name = $1
                     ORDER BY ordinal_position",
                    &[&table],
                )
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            lines.push(format!("{table} ({})", columns.join(", ")));
            let mut rows: Vec<String> = client
                .query(
                    &format!("SELECT row_to_json(t)::text FROM \"{table}\" t"),
                    &[],
                )
                .unwrap()
                .iter()
                .map(|r| format!("{table}: {}", r.get::<_, String>(0)))
                .collect();
            rows.sort();
            lines.extend(rows);
        }
        lines
    }

    pub fn count(&self, table: &str) -> i64 {
        self.client()
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .unwrap()
            .get(0)
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Ok(mut client) = Client::connect(&shared(), NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
        let mut admin = admin();
        // Roles are the server's, not the database's: those made for it go with it.
        let prefix = format!("{}_", self.name);
        if let Ok(rows) = admin.query(
            "SELECT rolname::text FROM pg_roles WHERE starts_with(rolname, $1)",
            &[&prefix],
        ) {
            for row in rows {
                let role: String = row.get(0);
                let _ = admin.batch_execute(&format!("DROP ROLE IF EXISTS \"{role}\""));
            }
        }
    }
}
