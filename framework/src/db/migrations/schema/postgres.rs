//! PostgreSQL specifics: constraints renamed in place, `ALTER COLUMN … TYPE`, deferred
//! foreign keys made immediate before they are dropped.

use super::Backend;
use super::derived::{Derived, Kind};
use super::server::ColumnChange;

const PG: Backend = Backend::Postgres;

fn q(name: &str) -> String {
    PG.quote(name)
}

/// Drops an index or constraint of `table`.
pub(super) fn drop(table: &str, d: &Derived) -> Vec<String> {
    match &d.kind {
        Kind::Index { .. } => vec![format!("DROP INDEX {}", q(&d.name))],
        Kind::Unique => vec![format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            q(table),
            q(&d.name)
        )],
        // Pending deferred checks would otherwise block the ALTER TABLE.
        Kind::ForeignKey(_) => vec![
            format!("SET CONSTRAINTS {} IMMEDIATE", q(&d.name)),
            format!("ALTER TABLE {} DROP CONSTRAINT {}", q(table), q(&d.name)),
        ],
    }
}

/// Renames an index or constraint of `table`.
pub(super) fn rename(table: &str, old: &Derived, new: &Derived) -> Vec<String> {
    vec![match &new.kind {
        Kind::Index { .. } => format!("ALTER INDEX {} RENAME TO {}", q(&old.name), q(&new.name)),
        Kind::Unique | Kind::ForeignKey(_) => format!(
            "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
            q(table),
            q(&old.name),
            q(&new.name)
        ),
    }]
}

/// `ALTER COLUMN … TYPE`, `SET NOT NULL` (after filling NULLs) or `DROP NOT NULL`.
pub(super) fn alter_column(change: &ColumnChange<'_>) -> Vec<String> {
    let (table, column) = (q(change.table), q(change.column));
    let mut sql = Vec::new();
    if change.old_type != change.new_type {
        sql.push(format!(
            "ALTER TABLE {table} ALTER COLUMN {column} TYPE {ty} USING {column}::{ty}",
            ty = change.new_type
        ));
    }
    if change.old_null && !change.new_null {
        let mut immediate = false;
        if let Some(fill) = change.fill {
            sql.push(format!(
                "UPDATE {table} SET {column} = {} WHERE {column} IS NULL",
                fill.sql()
            ));
            immediate = change.foreign_key;
        }
        if immediate {
            sql.push("SET CONSTRAINTS ALL IMMEDIATE".to_owned());
        }
        sql.push(format!(
            "ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL"
        ));
        if immediate {
            sql.push("SET CONSTRAINTS ALL DEFERRED".to_owned());
        }
    } else if !change.old_null && change.new_null {
        sql.push(format!(
            "ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL"
        ));
    }
    sql
}
