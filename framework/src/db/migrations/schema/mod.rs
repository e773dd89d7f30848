//! SQL for operations, per backend (Django's schema editors), computed from the models
//! alone: no database is consulted.
//!
//! Statements come without a trailing `;`. Raw SQL (`RunSQL`) comes as one string that may
//! hold several statements.
//!
//! SQLite: run migrations with `PRAGMA foreign_keys = OFF` (set outside the transaction)
//! and check `PRAGMA foreign_key_check` before committing, as Django does: its table
//! rebuilds drop and recreate tables that other tables refer to.
//!
//! PostgreSQL: foreign keys are `DEFERRABLE INITIALLY DEFERRED`, so (as with Django) a
//! migration that changes rows and then alters the same table fails with "pending trigger
//! events": keep data changes and schema changes of a table in separate migrations.

mod columns;
mod derived;
mod editor;
mod inverse;
mod links;
mod mysql;
mod names;
mod postgres;
mod server;
mod sqlite;

use self::editor::{Change, Editor};
use self::inverse::inverse;
use super::error::{ErrorKind, MigrationError, Result};
use super::file::MigrationFile;
use super::operations::{Operation, RunSql};
use super::state::ProjectState;

pub use crate::db::url::Backend;

impl Backend {
    /// Every backend.
    pub const ALL: [Backend; 3] = [Backend::Sqlite, Backend::Postgres, Backend::Mysql];

    /// Django's vendor name, also the key of the backend's SQL in `RunSQL`.
    pub fn vendor(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
            Backend::Mysql => "mysql",
        }
    }

    /// A quoted identifier: `"name"`, or `` `name` `` on MySQL.
    pub fn quote(self, name: &str) -> String {
        match self {
            Backend::Mysql => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    fn quote_all(self, names: &[String]) -> String {
        let quoted: Vec<String> = names.iter().map(|n| self.quote(n)).collect();
        quoted.join(", ")
    }
}

/// The SQL applying `operation` (of app `app_label`) to a database whose models are
/// `state_before`.
pub fn forwards(
    backend: Backend,
    state_before: &ProjectState,
    app_label: &str,
    operation: &Operation,
) -> Result<Vec<String>> {
    if let Operation::RunSql(run) = operation {
        return raw_sql(backend, run, false);
    }
    let mut state_after = state_before.clone();
    state_after.apply(app_label, operation)?;
    let change = Change {
        backend,
        app: app_label,
        before: state_before,
        after: &state_after,
    };
    let server = server::Server(backend);
    let editor: &dyn Editor = match backend {
        Backend::Sqlite => &sqlite::Sqlite,
        _ => &server,
    };
    change.run(editor, operation)
}

/// The SQL undoing `operation`, given the models BEFORE it (as for [`forwards`]); raw SQL
/// without reverse SQL for this backend is an [`ErrorKind::Irreversible`] error.
pub fn backwards(
    backend: Backend,
    state_before: &ProjectState,
    app_label: &str,
    operation: &Operation,
) -> Result<Vec<String>> {
    if let Operation::RunSql(run) = operation {
        return raw_sql(backend, run, true);
    }
    let mut state_after = state_before.clone();
    state_after.apply(app_label, operation)?;
    let inverse = inverse(state_before, app_label, operation)?;
    forwards(backend, &state_after, app_label, &inverse)
}

/// The SQL applying a whole migration; advances `state` past it.
pub fn migration_forwards(
    backend: Backend,
    state: &mut ProjectState,
    app_label: &str,
    file: &MigrationFile,
) -> Result<Vec<String>> {
    let mut sql = Vec::new();
    for operation in &file.operations {
        sql.extend(forwards(backend, state, app_label, operation)?);
        state.apply(app_label, operation)?;
    }
    Ok(sql)
}

/// The SQL unapplying a whole migration (its operations undone last to first), given the
/// models before the migration.
pub fn migration_backwards(
    backend: Backend,
    state_before: &ProjectState,
    app_label: &str,
    file: &MigrationFile,
) -> Result<Vec<String>> {
    let mut states = vec![state_before.clone()];
    let mut state = state_before.clone();
    for operation in &file.operations {
        state.apply(app_label, operation)?;
        states.push(state.clone());
    }
    let mut sql = Vec::new();
    for (operation, before) in file.operations.iter().zip(&states).rev() {
        sql.extend(backwards(backend, before, app_label, operation)?);
    }
    Ok(sql)
}

fn raw_sql(backend: Backend, run: &RunSql, reverse: bool) -> Result<Vec<String>> {
    let forwards = [&run.sqlite, &run.postgresql, &run.mysql];
    let reverses = [
        &run.reverse_sqlite,
        &run.reverse_postgresql,
        &run.reverse_mysql,
    ];
    let index = match backend {
        Backend::Sqlite => 0,
        Backend::Postgres => 1,
        Backend::Mysql => 2,
    };
    let state_only = forwards.iter().chain(&reverses).all(|sql| sql.is_none());
    let (chosen, key) = if reverse {
        (reverses[index], format!("reverse_{}", backend.vendor()))
    } else {
        (forwards[index], backend.vendor().to_owned())
    };
    match chosen {
        Some(sql) if sql.trim().is_empty() => Ok(Vec::new()),
        Some(sql) => Ok(vec![sql.clone()]),
        None if state_only => Ok(Vec::new()),
        None if reverse => Err(MigrationError::new(
            ErrorKind::Irreversible,
            format!("Raw SQL operation is irreversible: it has no `{key}` SQL"),
        )),
        None => Err(MigrationError::unsupported(format!(
            "Raw SQL operation has no `{key}` SQL; set `{key} = \"\"` to skip it on {backend}"
        ))),
    }
}

#[cfg(test)]
mod tests;
