//! The database layer: model metadata, connections, migrations.
//!
//! Nothing here knows about HTTP.

pub mod connection;
pub mod many_to_many;
pub mod migrate;
pub mod migrations;
pub mod models;
pub mod pool;
pub mod query_log;
pub mod registry;
pub mod related;
pub mod rows;
#[doc(hidden)]
pub mod support;
pub mod url;
pub mod value;

pub use connection::Connection;
pub use many_to_many::ManyToMany;
pub use models::{FieldMeta, FieldType, Model, ModelMeta};
pub use pool::{Db, PooledConnection};
pub use related::ForeignKey;
pub use rows::{ModelHandle, Row, RowQuery};
pub use url::{Backend, DatabaseUrl};
pub use value::{FieldValue, Value};

/// A point in time as models store it: UTC, without an offset (Django's aware datetimes are
/// UTC in the database too).
pub type DateTime = chrono::NaiveDateTime;

/// A calendar date.
pub type Date = chrono::NaiveDate;

/// The current time in UTC to the microsecond — the precision PostgreSQL and MySQL store, so
/// a saved model equals the row read back. `auto_now` fields get it.
///
/// ```
/// use chrono::Timelike;
/// let before = pony::db::now();
/// assert!(pony::db::now() >= before);
/// assert_eq!(before.nanosecond() % 1000, 0);
/// ```
pub fn now() -> DateTime {
    use chrono::SubsecRound;
    chrono::Utc::now().naive_utc().trunc_subsecs(6)
}
