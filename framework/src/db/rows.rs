//! Rows of any model, by its key alone: [`ModelHandle`], which the registry keeps for every
//! model, and the [`RowQuery`] that pages, orders, filters and searches them.
//!
//! The admin, `dumpdata` or a generic view know a model only as `"articles.article"`; the
//! handle, built once in pony from the model's typed [`Model`] methods, does the
//! rest. Every value reaches the database as a bound parameter: field names are matched to
//! columns by the model's generated code, never put into SQL text.
//!
//! ```no_run
//! use pony::db::{RowQuery, Value, registry};
//!
//! # fn demo(conn: &mut pony::db::Connection) -> pony::Result<()> {
//! let articles = registry::handle("articles.article").expect("installed");
//! let query = RowQuery::new()
//!     .search(&["title", "content"], "rust web")
//!     .filter("author", Value::BigInt(1))
//!     .order_by("-created_at")
//!     .page(2, 20);
//! let total = articles.count(conn, &query)?;
//! for row in articles.list(conn, &query)? {
//!     println!("{} {}", row.pk, row.display);
//! }
//! # let _ = total; Ok(()) }
//! ```

use std::marker::PhantomData;

use super::{Connection, Model, ModelMeta, Value};
use crate::error::Result;

/// Which rows, in which order: filters (AND), a search (each word must match one of the
/// fields, case-insensitively, as Django admin's `search_fields`), ordering, a page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowQuery {
    /// `field = value` conditions, all required; `Value::Null` matches NULL.
    pub filters: Vec<(String, Value)>,
    /// `field IN (values)` conditions, all required (an empty list matches no row).
    pub filters_in: Vec<(String, Vec<Value>)>,
    /// The text fields searched, and the words.
    pub search: Option<(Vec<String>, String)>,
    /// Django-style ordering (`["-created_at", "title"]`); the model's `ordering` when empty.
    pub order: Vec<String>,
    /// Rows skipped.
    pub offset: i64,
    /// The most rows returned (`None`: all).
    pub limit: Option<i64>,
}

impl RowQuery {
    /// Every row, in the model's default ordering.
    pub fn new() -> Self {
        RowQuery::default()
    }

    /// Only rows whose `field` equals `value`.
    pub fn filter(mut self, field: &str, value: Value) -> Self {
        self.filters.push((field.to_owned(), value));
        self
    }

    /// Only rows whose `field` is one of `values` (Django's `field__in`).
    pub fn filter_in(mut self, field: &str, values: Vec<Value>) -> Self {
        self.filters_in.push((field.to_owned(), values));
        self
    }

    /// Only rows where each word of `terms` is in one of `fields` (any case).
    pub fn search(mut self, fields: &[&str], terms: &str) -> Self {
        let fields = fields.iter().map(|f| (*f).to_owned()).collect();
        self.search = Some((fields, terms.to_owned()));
        self
    }

    /// Orders by `field` (`-field` for descending), after any earlier ordering.
    pub fn order_by(mut self, field: &str) -> Self {
        self.order.push(field.to_owned());
        self
    }

    /// Page `number` (from 1) of `size` rows.
    pub fn page(mut self, number: i64, size: i64) -> Self {
        self.offset = (number.max(1) - 1).saturating_mul(size);
        self.limit = Some(size);
        self
    }

    /// The words of the search, for the generated code.
    pub fn search_terms(&self) -> Vec<String> {
        self.search
            .as_ref()
            .map(|(_, terms)| terms.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default()
    }
}

/// One row as generic code sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The primary key.
    pub pk: Value,
    /// Django's `__str__` of the row.
    pub display: String,
    /// Every field's value, in the model's field order, by Django's field name.
    pub values: Vec<(String, Value)>,
}

impl Row {
    /// The row of `model`.
    pub fn of<M: Model>(model: &M) -> Row {
        Row {
            pk: super::FieldValue::to_value(&model.pk()),
            display: model.display(),
            values: M::meta()
                .fields
                .iter()
                .map(|field| {
                    let value = model.value(&field.name).unwrap_or(Value::Null);
                    (field.name.clone(), value)
                })
                .collect(),
        }
    }

    /// The value of `field`.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.values
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, value)| value)
    }
}

/// What code that has only a model's key can do with its rows (see the
/// [module](self)). Get one with [`registry::handle`](super::registry::handle).
pub trait ModelHandle: Send + Sync {
    /// The model's metadata.
    fn meta(&self) -> &'static ModelMeta;
    /// How many rows match.
    fn count(&self, conn: &mut Connection, query: &RowQuery) -> Result<i64>;
    /// The matching rows, ordered and paged.
    fn list(&self, conn: &mut Connection, query: &RowQuery) -> Result<Vec<Row>>;
    /// The row with primary key `pk` (a 404 when there is none).
    fn get(&self, conn: &mut Connection, pk: Value) -> Result<Row>;
    /// A new row from a blank instance with `values` set; returns it as saved.
    fn create(&self, conn: &mut Connection, values: Vec<(String, Value)>) -> Result<Row>;
    /// Sets `values` on the row `pk` and saves it.
    fn update(&self, conn: &mut Connection, pk: Value, values: Vec<(String, Value)>)
    -> Result<Row>;
    /// Deletes the row `pk`.
    fn delete(&self, conn: &mut Connection, pk: Value) -> Result<()>;
}

/// The [`ModelHandle`] of `M`, made of its typed methods.
pub struct Handle<M>(PhantomData<fn() -> M>);

impl<M: Model> std::fmt::Debug for Handle<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Handle({})", M::meta().key())
    }
}

impl<M> Handle<M> {
    /// The handle (a zero-sized value; the registry keeps a `&'static` one).
    pub const NEW: Handle<M> = Handle(PhantomData);
}

impl<M: Model> ModelHandle for Handle<M> {
    fn meta(&self) -> &'static ModelMeta {
        M::meta()
    }

    fn count(&self, conn: &mut Connection, query: &RowQuery) -> Result<i64> {
        M::count_matching(conn, query)
    }

    fn list(&self, conn: &mut Connection, query: &RowQuery) -> Result<Vec<Row>> {
        Ok(M::select(conn, query)?.iter().map(Row::of).collect())
    }

    fn get(&self, conn: &mut Connection, pk: Value) -> Result<Row> {
        Ok(Row::of(&M::get(conn, pk_of::<M>(pk)?)?))
    }

    fn create(&self, conn: &mut Connection, values: Vec<(String, Value)>) -> Result<Row> {
        let mut row = M::blank();
        for (name, value) in values {
            row.set_value(&name, value)?;
        }
        Ok(Row::of(&row.save(conn)?))
    }

    fn update(
        &self,
        conn: &mut Connection,
        pk: Value,
        values: Vec<(String, Value)>,
    ) -> Result<Row> {
        let mut row = M::get(conn, pk_of::<M>(pk)?)?;
        for (name, value) in values {
            row.set_value(&name, value)?;
        }
        Ok(Row::of(&row.save(conn)?))
    }

    fn delete(&self, conn: &mut Connection, pk: Value) -> Result<()> {
        M::get(conn, pk_of::<M>(pk)?)?.delete(conn)
    }
}

/// A primary key of `M` from a value (a path parameter, say); the wrong kind is a 404, as a
/// URL naming no row is.
fn pk_of<M: Model>(pk: Value) -> Result<M::Pk> {
    <M::Pk as super::FieldValue>::from_value(pk).map_err(|_| {
        crate::Error::not_found(format!("No {} matches the given query.", M::meta().name))
    })
}
