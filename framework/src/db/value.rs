//! A model field's value as generic code sees it: [`Value`], and [`FieldValue`], which turns
//! each Rust field type into one and back.
//!
//! Code that knows a model only through [`Model`](super::Model) — the admin, a generic view —
//! reads every field of a row with [`Model::value`](super::Model::value) and sets a field from
//! a cleaned form value with [`Model::set_value`](super::Model::set_value).
//!
//! ```
//! use pony::db::{FieldValue, Value};
//!
//! assert_eq!(Some(3_i64).to_value(), Value::BigInt(3));
//! assert_eq!(None::<i64>.to_value(), Value::Null);
//! assert_eq!(String::from_value(Value::Text("hi".into())).unwrap(), "hi");
//! assert!(i32::from_value(Value::Text("hi".into())).is_err());
//! ```

use std::fmt;

use serde::Serialize;

use super::{Date, DateTime};

/// One field's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// SQL `NULL` (an `Option` field that is `None`).
    Null,
    /// A `BooleanField`.
    Bool(bool),
    /// An `IntegerField` or `AutoField`.
    Int(i32),
    /// A `BigIntegerField`, `BigAutoField` or a foreign key's column.
    BigInt(i64),
    /// A `FloatField`.
    Float(f64),
    /// A `CharField`, `TextField` or `EmailField`.
    Text(String),
    /// A `DateField`.
    Date(Date),
    /// A `DateTimeField` (UTC).
    DateTime(DateTime),
}

impl Value {
    /// The kind of value, for messages: `"a whole number"`, `"text"`, …
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing (NULL)",
            Value::Bool(_) => "true or false",
            Value::Int(_) | Value::BigInt(_) => "a whole number",
            Value::Float(_) => "a number",
            Value::Text(_) => "text",
            Value::Date(_) => "a date",
            Value::DateTime(_) => "a date and time",
        }
    }
}

/// How a value reads on a page: `NULL` reads as nothing, a date as `2026-12-03`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => Ok(()),
            Value::Bool(value) => write!(f, "{value}"),
            Value::Int(value) => write!(f, "{value}"),
            Value::BigInt(value) => write!(f, "{value}"),
            Value::Float(value) => write!(f, "{value}"),
            Value::Text(value) => f.write_str(value),
            Value::Date(value) => write!(f, "{value}"),
            Value::DateTime(value) => write!(f, "{}", value.format("%Y-%m-%d %H:%M:%S")),
        }
    }
}

/// Why a value cannot go into a field: it is of another kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrongKind {
    /// What the field holds.
    pub expected: &'static str,
    /// What was given.
    pub found: &'static str,
}

impl fmt::Display for WrongKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {}, not {}", self.expected, self.found)
    }
}

impl std::error::Error for WrongKind {}

/// A Rust type a model field can have, with its [`Value`] both ways.
pub trait FieldValue: Sized {
    /// The value of this field.
    fn to_value(&self) -> Value;
    /// The field's new value; a value of another kind is an error, never a panic.
    fn from_value(value: Value) -> Result<Self, WrongKind>;
}

macro_rules! field_value {
    ($($ty:ty => $variant:ident, $kind:literal;)*) => {$(
        impl FieldValue for $ty {
            fn to_value(&self) -> Value {
                Value::$variant(self.clone())
            }

            fn from_value(value: Value) -> Result<Self, WrongKind> {
                match value {
                    Value::$variant(inner) => Ok(inner),
                    other => Err(WrongKind { expected: $kind, found: other.kind() }),
                }
            }
        }
    )*};
}

field_value! {
    bool => Bool, "true or false";
    f64 => Float, "a number";
    String => Text, "text";
    Date => Date, "a date";
    DateTime => DateTime, "a date and time";
}

impl FieldValue for i32 {
    fn to_value(&self) -> Value {
        Value::Int(*self)
    }

    fn from_value(value: Value) -> Result<Self, WrongKind> {
        let wrong = |found| WrongKind {
            expected: "a whole number from -2147483648 to 2147483647",
            found,
        };
        match value {
            Value::Int(inner) => Ok(inner),
            Value::BigInt(inner) => i32::try_from(inner).map_err(|_| wrong("a larger number")),
            other => Err(wrong(other.kind())),
        }
    }
}

impl FieldValue for i64 {
    fn to_value(&self) -> Value {
        Value::BigInt(*self)
    }

    fn from_value(value: Value) -> Result<Self, WrongKind> {
        match value {
            Value::BigInt(inner) => Ok(inner),
            Value::Int(inner) => Ok(i64::from(inner)),
            other => Err(WrongKind {
                expected: "a whole number",
                found: other.kind(),
            }),
        }
    }
}

impl<T: FieldValue> FieldValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, FieldValue::to_value)
    }

    fn from_value(value: Value) -> Result<Self, WrongKind> {
        match value {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_kinds_are_checked() {
        let date = Date::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(Date::from_value(date.to_value()).unwrap(), date);
        assert_eq!(i32::from_value(Value::BigInt(7)).unwrap(), 7);
        assert!(i32::from_value(Value::BigInt(i64::MAX)).is_err());
        assert_eq!(i64::from_value(Value::Int(7)).unwrap(), 7);
        assert_eq!(Option::<String>::from_value(Value::Null).unwrap(), None);
        let error = bool::from_value(Value::Text("yes".into())).unwrap_err();
        assert_eq!(error.to_string(), "expected true or false, not text");
        assert_eq!(Value::Null.to_string(), "");
        assert_eq!(Value::Text("x".into()).to_string(), "x");
    }
}
