//! Conversions between the `spin:postgres` WIT values and tokio-postgres.

use std::error::Error as StdError;

use bytes::BytesMut;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use postgres_range::{BoundSided, BoundType, Normalizable, Range, RangeBound};
use rust_decimal::Decimal;
use tokio_postgres::Row;
use tokio_postgres::types::{FromSql, IsNull, Kind, ToSql, Type, to_sql_checked};

use crate::bindings::spin::postgres::postgres::{
    DbDataType, DbValue, Interval, ParameterValue, RangeBoundKind,
};

type BoxError = Box<dyn StdError + Sync + Send>;

/// A parameter ready to bind.
pub type Param = Box<dyn ToSql + Send + Sync>;

/// Turns the guest's parameters into bindable values, or names the one that is bad.
pub fn params(values: Vec<ParameterValue>) -> Result<Vec<Param>, String> {
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| param(v).map_err(|e| format!("parameter ${}: {e}", i + 1)))
        .collect()
}

fn param(value: ParameterValue) -> Result<Param, String> {
    Ok(match value {
        ParameterValue::Boolean(v) => Box::new(v),
        ParameterValue::Int8(v) => Box::new(v),
        ParameterValue::Int16(v) => Box::new(v),
        ParameterValue::Int32(v) => Box::new(v),
        ParameterValue::Int64(v) => Box::new(v),
        ParameterValue::Floating32(v) => Box::new(v),
        ParameterValue::Floating64(v) => Box::new(v),
        ParameterValue::Str(v) => Box::new(v),
        ParameterValue::Binary(v) => Box::new(v),
        ParameterValue::Date((y, m, d)) => Box::new(date(y, m, d)?),
        ParameterValue::Time((h, mi, s, ns)) => Box::new(time(h, mi, s, ns)?),
        ParameterValue::Datetime((y, mo, d, h, mi, s, ns)) => Box::new(UtcDateTime(
            NaiveDateTime::new(date(y, mo, d)?, time(h, mi, s, ns)?),
        )),
        ParameterValue::Timestamp(secs) => Box::new(UtcDateTime(
            DateTime::from_timestamp(secs, 0)
                .ok_or("timestamp out of range")?
                .naive_utc(),
        )),
        ParameterValue::Uuid(v) => {
            Box::new(uuid::Uuid::parse_str(&v).map_err(|e| format!("invalid uuid: {e}"))?)
        }
        ParameterValue::Jsonb(v) => Box::new(
            serde_json::from_slice::<serde_json::Value>(&v)
                .map_err(|e| format!("invalid JSON: {e}"))?,
        ),
        ParameterValue::Decimal(v) => Box::new(decimal(&v)?),
        ParameterValue::RangeInt32((lo, hi)) => Box::new(int_range(lo, hi, i32::MAX)?),
        ParameterValue::RangeInt64((lo, hi)) => Box::new(int_range(lo, hi, i64::MAX)?),
        ParameterValue::RangeDecimal((lo, hi)) => {
            let num = |b: Option<(String, RangeBoundKind)>| {
                b.map(|(v, k)| decimal(&v).map(|d| (Num(d), k))).transpose()
            };
            Box::new(range(num(lo)?, num(hi)?))
        }
        ParameterValue::ArrayInt32(v) => Box::new(v),
        ParameterValue::ArrayInt64(v) => Box::new(v),
        ParameterValue::ArrayDecimal(v) => Box::new(
            v.iter()
                .map(|d| d.as_deref().map(decimal).transpose())
                .collect::<Result<Vec<_>, _>>()?,
        ),
        ParameterValue::ArrayStr(v) => Box::new(v),
        ParameterValue::Interval(v) => Box::new(PgInterval(v)),
        ParameterValue::DbNull => Box::new(Null),
    })
}

fn date(y: i32, m: u8, d: u8) -> Result<NaiveDate, String> {
    NaiveDate::from_ymd_opt(y, m.into(), d.into())
        .ok_or_else(|| format!("invalid date {y}-{m}-{d}"))
}

fn time(h: u8, m: u8, s: u8, ns: u32) -> Result<NaiveTime, String> {
    NaiveTime::from_hms_nano_opt(h.into(), m.into(), s.into(), ns)
        .ok_or_else(|| format!("invalid time {h}:{m}:{s}.{ns}"))
}

fn decimal(v: &str) -> Result<Decimal, String> {
    v.parse::<Decimal>()
        .or_else(|_| Decimal::from_scientific(v))
        .map_err(|e| format!("invalid decimal {v:?}: {e}"))
}

/// An integer range; a bound at the type's maximum cannot be normalised, so it is refused.
fn int_range<T: PartialOrd + Normalizable + Copy>(
    lo: Option<(T, RangeBoundKind)>,
    hi: Option<(T, RangeBoundKind)>,
    max: T,
) -> Result<Range<T>, String> {
    if lo.iter().chain(hi.iter()).any(|(v, _)| *v == max) {
        return Err("range bound at the integer maximum".to_string());
    }
    Ok(range(lo, hi))
}

fn range<T: PartialOrd + Normalizable>(
    lo: Option<(T, RangeBoundKind)>,
    hi: Option<(T, RangeBoundKind)>,
) -> Range<T> {
    let bound = |k: RangeBoundKind| match k {
        RangeBoundKind::Inclusive => BoundType::Inclusive,
        RangeBoundKind::Exclusive => BoundType::Exclusive,
    };
    Range::new(
        lo.map(|(v, k)| RangeBound::new(v, bound(k))),
        hi.map(|(v, k)| RangeBound::new(v, bound(k))),
    )
}

/// A `numeric` range element: continuous, so normalising leaves bounds as they are.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
struct Num(Decimal);

impl Normalizable for Num {
    fn normalize<S: BoundSided>(bound: RangeBound<S, Self>) -> RangeBound<S, Self> {
        bound
    }
}

impl ToSql for Num {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        self.0.to_sql(ty, out)
    }
    fn accepts(ty: &Type) -> bool {
        <Decimal as ToSql>::accepts(ty)
    }
    to_sql_checked!();
}

impl<'a> FromSql<'a> for Num {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Decimal::from_sql(ty, raw).map(Num)
    }
    fn accepts(ty: &Type) -> bool {
        <Decimal as FromSql>::accepts(ty)
    }
}

/// SQL NULL of whatever type the statement expects.
#[derive(Debug)]
struct Null;

impl ToSql for Null {
    fn to_sql(&self, _: &Type, _: &mut BytesMut) -> Result<IsNull, BoxError> {
        Ok(IsNull::Yes)
    }
    fn accepts(_: &Type) -> bool {
        true
    }
    to_sql_checked!();
}

/// A UTC date-time that binds to both `timestamp` and `timestamptz`.
#[derive(Debug)]
struct UtcDateTime(NaiveDateTime);

impl ToSql for UtcDateTime {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        if *ty == Type::TIMESTAMPTZ {
            DateTime::<Utc>::from_naive_utc_and_offset(self.0, Utc).to_sql(ty, out)
        } else {
            self.0.to_sql(ty, out)
        }
    }
    fn accepts(ty: &Type) -> bool {
        *ty == Type::TIMESTAMP || *ty == Type::TIMESTAMPTZ
    }
    to_sql_checked!();
}

/// Postgres `interval`: microseconds, days and months, as the wire format has them.
#[derive(Debug)]
struct PgInterval(Interval);

impl ToSql for PgInterval {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        out.extend_from_slice(&self.0.micros.to_be_bytes());
        out.extend_from_slice(&self.0.days.to_be_bytes());
        out.extend_from_slice(&self.0.months.to_be_bytes());
        Ok(IsNull::No)
    }
    fn accepts(ty: &Type) -> bool {
        *ty == Type::INTERVAL
    }
    to_sql_checked!();
}

impl<'a> FromSql<'a> for PgInterval {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        let raw: &[u8; 16] = raw.try_into().map_err(|_| "interval must be 16 bytes")?;
        let micros = i64::from_be_bytes(raw[0..8].try_into()?);
        let days = i32::from_be_bytes(raw[8..12].try_into()?);
        let months = i32::from_be_bytes(raw[12..16].try_into()?);
        Ok(PgInterval(Interval {
            micros,
            days,
            months,
        }))
    }
    fn accepts(ty: &Type) -> bool {
        *ty == Type::INTERVAL
    }
}

/// The raw wire bytes of a column of a type the WIT has no variant for.
struct Raw(Vec<u8>);

impl<'a> FromSql<'a> for Raw {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(Raw(raw.to_vec()))
    }
    fn accepts(_: &Type) -> bool {
        true
    }
}

/// The WIT data type of a Postgres column type.
pub fn data_type(ty: &Type) -> DbDataType {
    match *ty {
        Type::BOOL => DbDataType::Boolean,
        Type::CHAR => DbDataType::Int8,
        Type::INT2 => DbDataType::Int16,
        Type::INT4 => DbDataType::Int32,
        Type::INT8 => DbDataType::Int64,
        Type::FLOAT4 => DbDataType::Floating32,
        Type::FLOAT8 => DbDataType::Floating64,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => DbDataType::Str,
        Type::BYTEA => DbDataType::Binary,
        Type::DATE => DbDataType::Date,
        Type::TIME => DbDataType::Time,
        Type::TIMESTAMP => DbDataType::Datetime,
        Type::TIMESTAMPTZ => DbDataType::Timestamp,
        Type::UUID => DbDataType::Uuid,
        Type::JSONB | Type::JSON => DbDataType::Jsonb,
        Type::NUMERIC => DbDataType::Decimal,
        Type::INT4_RANGE => DbDataType::RangeInt32,
        Type::INT8_RANGE => DbDataType::RangeInt64,
        Type::NUM_RANGE => DbDataType::RangeDecimal,
        Type::INT4_ARRAY => DbDataType::ArrayInt32,
        Type::INT8_ARRAY => DbDataType::ArrayInt64,
        Type::NUMERIC_ARRAY => DbDataType::ArrayDecimal,
        Type::TEXT_ARRAY | Type::VARCHAR_ARRAY | Type::BPCHAR_ARRAY => DbDataType::ArrayStr,
        Type::INTERVAL => DbDataType::Interval,
        _ => DbDataType::Other(ty.name().to_string()),
    }
}

/// Converts one row to WIT values; `Err` names the column that could not be read.
pub fn row(row: &Row) -> Result<Vec<DbValue>, String> {
    (0..row.len())
        .map(|i| value(row, i).map_err(|e| format!("column {:?}: {e}", row.columns()[i].name())))
        .collect()
}

fn value(row: &Row, i: usize) -> Result<DbValue, BoxError> {
    fn get<'a, T: FromSql<'a>>(
        row: &'a Row,
        i: usize,
        f: impl FnOnce(T) -> DbValue,
    ) -> Result<DbValue, BoxError> {
        Ok(row
            .try_get::<_, Option<T>>(i)?
            .map(f)
            .unwrap_or(DbValue::DbNull))
    }
    let ty = row.columns()[i].type_();
    match *ty {
        Type::BOOL => get(row, i, DbValue::Boolean),
        Type::CHAR => get(row, i, DbValue::Int8),
        Type::INT2 => get(row, i, DbValue::Int16),
        Type::INT4 => get(row, i, DbValue::Int32),
        Type::INT8 => get(row, i, DbValue::Int64),
        Type::FLOAT4 => get(row, i, DbValue::Floating32),
        Type::FLOAT8 => get(row, i, DbValue::Floating64),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => get(row, i, DbValue::Str),
        Type::BYTEA => get(row, i, DbValue::Binary),
        Type::DATE => get(row, i, |d: NaiveDate| {
            DbValue::Date((d.year(), d.month() as u8, d.day() as u8))
        }),
        Type::TIME => get(row, i, |t: NaiveTime| DbValue::Time(hms(t))),
        Type::TIMESTAMP => get(row, i, |dt: NaiveDateTime| datetime(dt)),
        Type::TIMESTAMPTZ => get(row, i, |dt: DateTime<Utc>| datetime(dt.naive_utc())),
        Type::UUID => get(row, i, |u: uuid::Uuid| DbValue::Uuid(u.to_string())),
        Type::JSONB | Type::JSON => get(row, i, |j: serde_json::Value| {
            DbValue::Jsonb(j.to_string().into_bytes())
        }),
        Type::NUMERIC => get(row, i, |d: Decimal| DbValue::Decimal(d.to_string())),
        Type::INT4_RANGE => get(row, i, |r: Range<i32>| {
            DbValue::RangeInt32(bounds(r, |v| v))
        }),
        Type::INT8_RANGE => get(row, i, |r: Range<i64>| {
            DbValue::RangeInt64(bounds(r, |v| v))
        }),
        Type::NUM_RANGE => get(row, i, |r: Range<Num>| {
            DbValue::RangeDecimal(bounds(r, |v| v.0.to_string()))
        }),
        Type::INT4_ARRAY => get(row, i, DbValue::ArrayInt32),
        Type::INT8_ARRAY => get(row, i, DbValue::ArrayInt64),
        Type::NUMERIC_ARRAY => get(row, i, |v: Vec<Option<Decimal>>| {
            DbValue::ArrayDecimal(v.into_iter().map(|d| d.map(|d| d.to_string())).collect())
        }),
        Type::TEXT_ARRAY | Type::VARCHAR_ARRAY | Type::BPCHAR_ARRAY => {
            get(row, i, DbValue::ArrayStr)
        }
        Type::INTERVAL => get(row, i, |v: PgInterval| DbValue::Interval(v.0)),
        _ if matches!(ty.kind(), Kind::Enum(_)) => get(row, i, |v: Raw| {
            DbValue::Str(String::from_utf8_lossy(&v.0).into_owned())
        }),
        _ => get(row, i, |v: Raw| DbValue::Unsupported(v.0)),
    }
}

fn hms(t: NaiveTime) -> (u8, u8, u8, u32) {
    (
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
        t.nanosecond(),
    )
}

fn datetime(dt: NaiveDateTime) -> DbValue {
    let (h, mi, s, ns) = hms(dt.time());
    DbValue::Datetime((dt.year(), dt.month() as u8, dt.day() as u8, h, mi, s, ns))
}

type Bound<V> = Option<(V, RangeBoundKind)>;

fn bounds<T: PartialOrd + Normalizable + Clone, V>(
    r: Range<T>,
    f: impl Fn(T) -> V + Copy,
) -> (Bound<V>, Bound<V>) {
    let kind = |t: BoundType| match t {
        BoundType::Inclusive => RangeBoundKind::Inclusive,
        BoundType::Exclusive => RangeBoundKind::Exclusive,
    };
    let lower = r.lower().map(|b| (f(b.value.clone()), kind(b.type_)));
    let upper = r.upper().map(|b| (f(b.value.clone()), kind(b.type_)));
    (lower, upper)
}
