//! Migrations: Django's migration engine, backend-neutral and free of I/O.
//!
//! - [`Operation`]s (in [`MigrationFile`]s, TOML) describe changes to the models;
//! - [`ProjectState`] replays them into the models they describe;
//! - [`MigrationGraph`] orders the migrations of all apps and plans what to apply;
//! - [`autodetector::changes`] compares two states and writes the operations between them,
//!   asking a [`Questioner`] what it cannot decide;
//! - [`schema`] turns an operation into SQL for SQLite, PostgreSQL or MySQL;
//! - [`writer`] names new migrations and renders an app's `migrations/mod.rs`.

pub mod error;
pub mod file;
pub mod operations;
pub mod options;
pub mod questioner;
pub mod state;
mod toml_render;

#[cfg(test)]
mod fixtures;

pub use error::{ErrorKind, MigrationError};
pub use file::MigrationFile;
pub use operations::{Operation, RunSql};
pub use options::ModelOptions;
pub use questioner::{NonInteractive, NotNullAnswer, Questioner};
pub use state::ProjectState;
