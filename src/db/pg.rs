//! The PostgreSQL half of the executor (`sql.rs`): statements prepared once per connection, `?N`
//! placeholders turned into `$N`, parameters typed by the server, and result columns read back as
//! the same [`CellValue`]s SQLite gives.

use std::collections::HashMap;
use std::error::Error as StdError;

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, NoTls, Statement};
use rust_decimal::Decimal;

use super::sql::{CellValue, Value};
use crate::error::{Error, Result};

/// SQLSTATEs of "could not determine data type of parameter $N" (the server gives either).
const UNTYPED_PARAMETER: [&str; 2] = ["42P18", "42P08"];

pub struct PgClient {
    client: Client,
    /// Prepared statements by their text and which of their parameters were NULL.
    statements: HashMap<(String, Vec<bool>), Statement>,
    /// Whether a transaction is open (see [`super::sql::Conn::begin_write`]).
    pub in_transaction: bool,
}

impl PgClient {
    pub fn connect(url: &str) -> Result<PgClient> {
        let client = Client::connect(url, NoTls).map_err(|e| {
            Error::runtime(format!(
                "cannot reach the PostgreSQL ledger at {}: {}; check that the server runs and \
                 that the URL's user, password and database are right",
                redact(url),
                super::pg::describe(&e)
            ))
        })?;
        Ok(PgClient {
            client,
            statements: HashMap::new(),
            in_transaction: false,
        })
    }

    pub fn client(&mut self) -> &mut Client {
        &mut self.client
    }

    pub fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.client.batch_execute(sql)?)
    }

    /// The prepared statement for `sql` with these values, prepared on first use, and the
    /// values it takes. A parameter bound to NULL is written into the text as `NULL` (so `?1 IS
    /// NULL OR id = ?1` needs no type for it); the server infers every other parameter's type
    /// from where it stands, and where nothing tells it, the value's own type decides.
    fn statement<'v>(
        &mut self,
        sql: &str,
        values: &'v [Value<'v>],
    ) -> Result<(Statement, Vec<&'v Value<'v>>)> {
        let nulls: Vec<bool> = values.iter().map(|v| *v == Value::Null).collect();
        let bound: Vec<&Value> = values.iter().filter(|v| **v != Value::Null).collect();
        let key = (sql.to_string(), nulls);
        if let Some(statement) = self.statements.get(&key) {
            return Ok((statement.clone(), bound));
        }
        let text = postgres_text(sql, &key.1);
        // A statement the server refuses to prepare ends the transaction it was prepared in,
        // so inside one the first try is made under a savepoint.
        let guarded = self.in_transaction;
        if guarded {
            self.client.batch_execute("SAVEPOINT grantbook_prepare")?;
        }
        let statement = match self.client.prepare(&text) {
            Ok(statement) => statement,
            Err(e)
                if e.code()
                    .is_some_and(|c| UNTYPED_PARAMETER.contains(&c.code())) =>
            {
                if guarded {
                    self.client
                        .batch_execute("ROLLBACK TO SAVEPOINT grantbook_prepare")?;
                }
                let types: Vec<Type> = bound
                    .iter()
                    .map(|v| match v {
                        Value::Int(_) => Type::INT8,
                        Value::Text(_) | Value::Null => Type::TEXT,
                    })
                    .collect();
                self.client.prepare_typed(&text, &types)?
            }
            Err(e) => return Err(e.into()),
        };
        if guarded {
            self.client
                .batch_execute("RELEASE SAVEPOINT grantbook_prepare")?;
        }
        self.statements.insert(key, statement.clone());
        Ok((statement, bound))
    }

    pub fn execute(&mut self, sql: &str, values: &[Value]) -> Result<usize> {
        let (statement, bound) = self.statement(sql, values)?;
        let params: Vec<&(dyn ToSql + Sync)> =
            bound.iter().map(|v| *v as &(dyn ToSql + Sync)).collect();
        let changed = self.client.execute(&statement, &params)?;
        Ok(usize::try_from(changed).unwrap_or(usize::MAX))
    }

    pub fn for_each(
        &mut self,
        sql: &str,
        values: &[Value],
        mut read: impl FnMut(&postgres::Row) -> Result<()>,
    ) -> Result<()> {
        let (statement, bound) = self.statement(sql, values)?;
        let mut rows = self.client.query_raw(&statement, bound)?;
        while let Some(row) = rows.next()? {
            read(&row)?;
        }
        Ok(())
    }
}

/// The statement as PostgreSQL reads it: `?N` numbered again as `$M` over the parameters that
/// are not NULL, `NULL` for those that are (`nulls[N - 1]`), outside quoted text and comments;
/// and no SQLite planner hints.
fn postgres_text(sql: &str, nulls: &[bool]) -> String {
    const IS_NULL: &str = " IS NULL";
    // The number each parameter that is not NULL takes, `?1` first.
    let mut numbers = Vec::with_capacity(nulls.len());
    let mut next = 0;
    for null in nulls {
        numbers.push((!null).then(|| {
            next += 1;
            next
        }));
    }
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                for inner in chars.by_ref() {
                    out.push(inner);
                    if inner == c {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                out.push(c);
                for inner in chars.by_ref() {
                    out.push(inner);
                    if inner == '\n' {
                        break;
                    }
                }
            }
            '?' if chars.peek().is_some_and(|d| d.is_ascii_digit()) => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                let n: usize = digits.parse().unwrap_or(0);
                // The server cannot type a parameter from `$1 IS NULL`, and does not look
                // further on for it: a value that is there is known not to be NULL.
                let rest: String = chars.clone().take(IS_NULL.len()).collect();
                let tested = rest.eq_ignore_ascii_case(IS_NULL);
                match numbers.get(n.wrapping_sub(1)) {
                    Some(Some(_)) if tested => {
                        out.push_str("FALSE");
                        chars.nth(IS_NULL.len() - 1);
                    }
                    Some(Some(m)) => out.push_str(&format!("${m}")),
                    Some(None) => out.push_str("NULL"),
                    // A placeholder without a value: the server says so.
                    None => out.push_str(&format!("${n}")),
                }
            }
            _ => out.push(c),
        }
    }
    out.replace(" NOT INDEXED", "")
}

/// A URL with its password hidden, to be shown in messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// What the server said, without the crate's "db error:" prefix.
pub fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => match e.source() {
            Some(source) => format!("{e}: {source}"),
            None => e.to_string(),
        },
    }
}

/// A result column as a [`CellValue`], whatever its PostgreSQL type.
pub fn cell(row: &postgres::Row, index: usize) -> Result<CellValue<'_>> {
    let ty = row
        .columns()
        .get(index)
        .ok_or_else(|| Error::runtime(format!("database error: no column {index}")))?
        .type_()
        .clone();
    let unexpected =
        |e: postgres::Error| Error::runtime(format!("database error: column {index}: {e}"));
    let cell = match ty {
        Type::INT8 => int(row.try_get::<_, Option<i64>>(index).map_err(unexpected)?),
        Type::INT4 => int(row.try_get::<_, Option<i32>>(index).map_err(unexpected)?),
        Type::INT2 => int(row.try_get::<_, Option<i16>>(index).map_err(unexpected)?),
        Type::BOOL => int(row.try_get::<_, Option<bool>>(index).map_err(unexpected)?),
        Type::NUMERIC => match row
            .try_get::<_, Option<Decimal>>(index)
            .map_err(unexpected)?
        {
            None => CellValue::Null,
            Some(d) if d.fract().is_zero() => CellValue::Int(
                i64::try_from(d)
                    .map_err(|e| Error::runtime(format!("database error: column {index}: {e}")))?,
            ),
            Some(d) => {
                return Err(Error::runtime(format!(
                    "database error: column {index} holds {d}, not a whole number"
                )));
            }
        },
        // Read as a marker, never as a number (see CellValue::Float).
        Type::FLOAT4 | Type::FLOAT8 => {
            match row.try_get::<_, Option<Raw>>(index).map_err(unexpected)? {
                None => CellValue::Null,
                Some(Raw) => CellValue::Float,
            }
        }
        Type::BYTEA => match row.try_get::<_, Option<&[u8]>>(index).map_err(unexpected)? {
            None => CellValue::Null,
            Some(b) => CellValue::Blob(b),
        },
        _ => match row.try_get::<_, Option<&str>>(index).map_err(unexpected)? {
            None => CellValue::Null,
            Some(t) => CellValue::Text(t),
        },
    };
    Ok(cell)
}

/// A column's bytes, whatever its type: enough to tell NULL from a value.
struct Raw;

impl<'a> postgres::types::FromSql<'a> for Raw {
    fn from_sql(
        _: &Type,
        _: &'a [u8],
    ) -> std::result::Result<Self, Box<dyn StdError + Sync + Send>> {
        Ok(Raw)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

fn int<T: Into<i64>>(value: Option<T>) -> CellValue<'static> {
    value.map_or(CellValue::Null, |v| CellValue::Int(v.into()))
}

/// Our values take the type the server gave their placeholder, as SQLite's affinity would.
impl ToSql for Value<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn StdError + Sync + Send>> {
        let whole = |n: i64, out: &mut bytes::BytesMut| match *ty {
            Type::INT8 => n.to_sql(ty, out),
            Type::INT4 => i32::try_from(n)?.to_sql(ty, out),
            Type::INT2 => i16::try_from(n)?.to_sql(ty, out),
            Type::BOOL => (n != 0).to_sql(ty, out),
            Type::NUMERIC => Decimal::from(n).to_sql(ty, out),
            _ => n.to_string().as_str().to_sql(&Type::TEXT, out),
        };
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(n) => whole(*n, out),
            Value::Text(t) => match *ty {
                Type::INT8 | Type::INT4 | Type::INT2 | Type::BOOL | Type::NUMERIC => {
                    whole(t.trim().parse::<i64>()?, out)
                }
                Type::BYTEA => t.as_bytes().to_sql(ty, out),
                _ => t.as_ref().to_sql(&Type::TEXT, out),
            },
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_outside_quotes_and_comments() {
        let nulls = [false; 12];
        assert_eq!(
            postgres_text(
                "SELECT '?1', \"a?2\" -- ?3\n FROM t WHERE a = ?1 AND b = ?12",
                &nulls
            ),
            "SELECT '?1', \"a?2\" -- ?3\n FROM t WHERE a = $1 AND b = $12"
        );
    }

    #[test]
    fn a_null_parameter_is_written_in_and_the_others_numbered_again() {
        assert_eq!(
            postgres_text(
                "WHERE (?1 IS NULL OR g = ?1) AND (?2 IS NULL OR d = ?2) AND e = ?3",
                &[true, false, false]
            ),
            "WHERE (NULL IS NULL OR g = NULL) AND (FALSE OR d = $1) AND e = $2"
        );
        assert_eq!(
            postgres_text("FROM expense NOT INDEXED", &[]),
            "FROM expense"
        );
    }

    #[test]
    fn a_password_is_never_shown() {
        assert_eq!(
            redact("postgres://amina:s3cret@db.example.org/ledger"),
            "postgres://amina:***@db.example.org/ledger"
        );
        assert_eq!(redact("postgres://amina@h/l"), "postgres://amina@h/l");
    }
}
