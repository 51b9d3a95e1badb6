//! What crosses the seam: the values bound to placeholders ([`Value`], [`Param`], `params!`)
//! and the columns read back ([`CellValue`], [`FromColumn`]), the same on both backends.

/// A value bound to a placeholder. There is no float: money is whole minor units and rates
/// are exact decimal text.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Text(std::borrow::Cow<'a, str>),
}

/// A value read from a result column, borrowed from the row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellValue<'a> {
    Null,
    Int(i64),
    /// A floating-point number, which the schema allows nowhere (a row changed behind
    /// grantbook's back): its readers refuse it rather than read it.
    Float,
    Text(&'a str),
    Blob(&'a [u8]),
}

/// Something that can be bound to a placeholder.
pub trait Param {
    fn value(&self) -> Value<'_>;
}

impl<T: Param + ?Sized> Param for &T {
    fn value(&self) -> Value<'_> {
        (**self).value()
    }
}

impl<T: Param> Param for Option<T> {
    fn value(&self) -> Value<'_> {
        match self {
            Some(v) => v.value(),
            None => Value::Null,
        }
    }
}

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl Param for $t {
            fn value(&self) -> Value<'_> {
                Value::Int(*self as i64)
            }
        }
    )*};
}
int_param!(i64, i32, u32, u16, u8, usize, u64);

impl Param for bool {
    fn value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}

impl Param for str {
    fn value(&self) -> Value<'_> {
        Value::Text(self.into())
    }
}

impl Param for std::borrow::Cow<'_, str> {
    fn value(&self) -> Value<'_> {
        Value::Text(self.as_ref().into())
    }
}

impl Param for String {
    fn value(&self) -> Value<'_> {
        Value::Text(self.as_str().into())
    }
}

impl Param for chrono::NaiveDate {
    fn value(&self) -> Value<'_> {
        Value::Text(self.format("%Y-%m-%d").to_string().into())
    }
}

impl Param for Value<'_> {
    fn value(&self) -> Value<'_> {
        self.clone()
    }
}

/// The values of one statement's placeholders, `?1` first.
pub trait Params {
    fn values(&self) -> Vec<Value<'_>>;
}

impl<T: Param> Params for &[T] {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(|p| p.value()).collect()
    }
}

impl<T: Param, const N: usize> Params for &[T; N] {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(|p| p.value()).collect()
    }
}

/// `[]`: no parameters.
impl Params for [&dyn Param; 0] {
    fn values(&self) -> Vec<Value<'_>> {
        Vec::new()
    }
}

macro_rules! array_params {
    ($($n:literal)*) => {$(
        impl<T: Param> Params for [T; $n] {
            fn values(&self) -> Vec<Value<'_>> {
                self.iter().map(|p| p.value()).collect()
            }
        }
    )*};
}
array_params!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);

/// Values gathered at run time ([`params_from_iter`]).
pub struct ParamList<'a>(Vec<Value<'a>>);

impl Params for ParamList<'_> {
    fn values(&self) -> Vec<Value<'_>> {
        self.0.clone()
    }
}

pub fn params_from_iter<'a, T: Param + 'a>(values: impl IntoIterator<Item = T>) -> ParamList<'a> {
    ParamList(
        values
            .into_iter()
            .map(|v| match v.value() {
                Value::Null => Value::Null,
                Value::Int(n) => Value::Int(n),
                Value::Text(t) => Value::Text(t.into_owned().into()),
            })
            .collect(),
    )
}

/// `params![a, b]`: the placeholders' values, in order, as rusqlite's macro of the same name.
#[macro_export]
macro_rules! params {
    () => { &[] as &[&dyn $crate::db::sql::Param] };
    ($($value:expr),+ $(,)?) => {
        &[$(&$value as &dyn $crate::db::sql::Param),+] as &[&dyn $crate::db::sql::Param]
    };
}
pub use params;

/// A column of a result, read into a Rust type.
pub trait FromColumn: Sized {
    fn from_cell(cell: CellValue<'_>) -> std::result::Result<Self, String>;
}

impl FromColumn for i64 {
    fn from_cell(cell: CellValue<'_>) -> std::result::Result<Self, String> {
        match cell {
            CellValue::Int(n) => Ok(n),
            CellValue::Text(t) => t
                .parse()
                .map_err(|_| format!("{t:?} is not a whole number")),
            other => Err(format!("expected a whole number, found {other:?}")),
        }
    }
}

macro_rules! narrow_int_column {
    ($($t:ty),*) => {$(
        impl FromColumn for $t {
            fn from_cell(cell: CellValue<'_>) -> std::result::Result<Self, String> {
                let n = i64::from_cell(cell)?;
                <$t>::try_from(n).map_err(|_| format!("{n} is out of range"))
            }
        }
    )*};
}
narrow_int_column!(i32, u32, u16, u8, usize, u64);

impl FromColumn for bool {
    fn from_cell(cell: CellValue<'_>) -> std::result::Result<Self, String> {
        Ok(i64::from_cell(cell)? != 0)
    }
}

impl FromColumn for String {
    fn from_cell(cell: CellValue<'_>) -> std::result::Result<Self, String> {
        match cell {
            CellValue::Text(t) => Ok(t.to_string()),
            CellValue::Int(n) => Ok(n.to_string()),
            CellValue::Blob(b) => String::from_utf8(b.to_vec()).map_err(|e| e.to_string()),
            other => Err(format!("expected text, found {other:?}")),
        }
    }
}

impl FromColumn for chrono::NaiveDate {
    fn from_cell(cell: CellValue<'_>) -> std::result::Result<Self, String> {
        let text = String::from_cell(cell)?;
        chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|e| format!("{text:?} is not a date: {e}"))
    }
}

impl FromColumn for Vec<u8> {
    fn from_cell(cell: CellValue<'_>) -> std::result::Result<Self, String> {
        match cell {
            CellValue::Blob(b) => Ok(b.to_vec()),
            CellValue::Text(t) => Ok(t.as_bytes().to_vec()),
            other => Err(format!("expected bytes, found {other:?}")),
        }
    }
}

impl<T: FromColumn> FromColumn for Option<T> {
    fn from_cell(cell: CellValue<'_>) -> std::result::Result<Self, String> {
        match cell {
            CellValue::Null => Ok(None),
            other => T::from_cell(other).map(Some),
        }
    }
}

/// A column's position in a row. (A trait, as rusqlite's, so `r.get::<_, T>(i)` reads the same.)
pub trait ColumnIndex: Copy + std::fmt::Display {
    fn index(self) -> usize;
}

impl ColumnIndex for usize {
    fn index(self) -> usize {
        self
    }
}

/// rusqlite binds our values without copying them.
impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(n) => ValueRef::Integer(*n),
            Value::Text(t) => ValueRef::Text(t.as_bytes()),
        }))
    }
}
