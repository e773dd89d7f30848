//! Relations between models: [`ForeignKey`], Django's `ForeignKey(User, on_delete=…)` as a
//! field type.
//!
//! A `ForeignKey<User>` field named `author` is stored in the column `author_id` and holds the
//! target's primary key; the target row itself is there once loaded — by the derive's
//! `select_related_author` (one joined query for a whole list) or by [`ForeignKey::load`].
//!
//! ```
//! use pony::auth::models::User;
//! use pony::db::ForeignKey;
//!
//! let mut author: ForeignKey<User> = ForeignKey::new(7);
//! assert_eq!(author.id(), 7); // Django's `article.author_id`
//! assert!(author.object().is_none()); // not loaded yet
//!
//! author.set(User { id: 8, username: "ada".into(), ..User::default() });
//! assert_eq!(author.id(), 8);
//! assert_eq!(author.object().map(|u| u.username.as_str()), Some("ada"));
//! ```
//!
//! In templates a loaded relation is the related object (`{{ article.author.username }}`),
//! one that is not loaded is its key.

use std::fmt;

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::AsExpression;
use diesel::internal::derives::as_expression::Bound;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{BigInt, Nullable};
use serde::{Serialize, Serializer};

use super::Connection;
use super::models::Model;
use super::value::{FieldValue, Value, WrongKind};
use crate::error::Result;

/// A foreign key to the model `M`: the key (`author_id`) and, once loaded, the row
/// (`author`). Two foreign keys are equal when they point at the same row.
pub struct ForeignKey<M> {
    id: i64,
    object: Option<Box<M>>,
}

impl<M> ForeignKey<M> {
    /// A foreign key to the row with primary key `id`, not loaded.
    pub fn new(id: i64) -> Self {
        ForeignKey { id, object: None }
    }

    /// The target's primary key (Django's `article.author_id`).
    pub fn id(&self) -> i64 {
        self.id
    }

    /// The target row, if it was loaded (Django's `article.author` after `select_related`).
    pub fn object(&self) -> Option<&M> {
        self.object.as_deref()
    }

    /// Points at `object` and keeps it loaded (Django's `article.author = user`).
    pub fn set(&mut self, object: M)
    where
        M: Model<Pk = i64>,
    {
        self.id = object.pk();
        self.object = Some(Box::new(object));
    }

    /// Keeps `object` as the loaded target, which the caller read for this key.
    #[doc(hidden)]
    pub fn fill(&mut self, object: M) {
        self.object = Some(Box::new(object));
    }

    /// The target row, read from the database on first use (Django's lazy `article.author`).
    pub fn load(&mut self, conn: &mut Connection) -> Result<&M>
    where
        M: Model<Pk = i64>,
    {
        let object = match self.object.take() {
            Some(object) => object,
            None => Box::new(M::get(conn, self.id)?),
        };
        Ok(self.object.insert(object))
    }
}

impl<M> Default for ForeignKey<M> {
    fn default() -> Self {
        ForeignKey::new(0)
    }
}

impl<M> From<i64> for ForeignKey<M> {
    fn from(id: i64) -> Self {
        ForeignKey::new(id)
    }
}

impl<M: Clone> Clone for ForeignKey<M> {
    fn clone(&self) -> Self {
        ForeignKey {
            id: self.id,
            object: self.object.clone(),
        }
    }
}

impl<M> PartialEq for ForeignKey<M> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

/// The key, and whether the row is loaded (the row itself need not be `Debug`).
impl<M> fmt::Debug for ForeignKey<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ForeignKey")
            .field("id", &self.id)
            .field("loaded", &self.object.is_some())
            .finish()
    }
}

/// The loaded row, else the key.
impl<M: Serialize> Serialize for ForeignKey<M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match &self.object {
            Some(object) => object.serialize(serializer),
            None => serializer.serialize_i64(self.id),
        }
    }
}

impl<M> FieldValue for ForeignKey<M> {
    fn to_value(&self) -> Value {
        Value::BigInt(self.id)
    }

    fn from_value(value: Value) -> std::result::Result<Self, WrongKind> {
        i64::from_value(value).map(ForeignKey::new)
    }
}

// diesel sees the key: a BIGINT column, read and written as the `i64` it is.

impl<M, DB> FromSql<BigInt, DB> for ForeignKey<M>
where
    DB: Backend,
    i64: FromSql<BigInt, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        i64::from_sql(bytes).map(ForeignKey::new)
    }
}

impl<M, DB> Queryable<BigInt, DB> for ForeignKey<M>
where
    DB: Backend,
    i64: FromSql<BigInt, DB>,
{
    type Row = i64;

    fn build(id: i64) -> deserialize::Result<Self> {
        Ok(ForeignKey::new(id))
    }
}

impl<M, DB> ToSql<BigInt, DB> for ForeignKey<M>
where
    DB: Backend,
    i64: ToSql<BigInt, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.id.to_sql(out)
    }
}

impl<M> AsExpression<BigInt> for ForeignKey<M> {
    type Expression = Bound<BigInt, Self>;

    fn as_expression(self) -> Self::Expression {
        Bound::new(self)
    }
}

impl<M> AsExpression<BigInt> for &ForeignKey<M> {
    type Expression = Bound<BigInt, Self>;

    fn as_expression(self) -> Self::Expression {
        Bound::new(self)
    }
}

impl<M> AsExpression<Nullable<BigInt>> for ForeignKey<M> {
    type Expression = Bound<Nullable<BigInt>, Self>;

    fn as_expression(self) -> Self::Expression {
        Bound::new(self)
    }
}

impl<M> AsExpression<Nullable<BigInt>> for &ForeignKey<M> {
    type Expression = Bound<Nullable<BigInt>, Self>;

    fn as_expression(self) -> Self::Expression {
        Bound::new(self)
    }
}

impl<M, DB> ToSql<Nullable<BigInt>, DB> for ForeignKey<M>
where
    DB: Backend,
    i64: ToSql<BigInt, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.id.to_sql(out)
    }
}
