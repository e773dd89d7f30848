//! The database layer: model metadata, connections, migrations.
//!
//! Nothing here knows about HTTP.

pub mod models;

pub use models::{FieldMeta, FieldType, Model, ModelMeta};
