//! MySQL / MariaDB specifics: indexes renamed in place, foreign keys dropped and re-added
//! (they cannot be renamed), `MODIFY` for type and nullability.

use super::Backend;
use super::derived::{Derived, Kind};
use super::server::ColumnChange;

const MY: Backend = Backend::Mysql;

fn q(name: &str) -> String {
    MY.quote(name)
}

/// Drops an index or constraint of `table`.
pub(super) fn drop(table: &str, d: &Derived) -> Vec<String> {
    vec![match &d.kind {
        Kind::Index { .. } | Kind::Unique => format!("DROP INDEX {} ON {}", q(&d.name), q(table)),
        Kind::ForeignKey(_) => format!("ALTER TABLE {} DROP FOREIGN KEY {}", q(table), q(&d.name)),
    }]
}

/// Renames an index or constraint of `table`.
pub(super) fn rename(table: &str, old: &Derived, new: &Derived) -> Vec<String> {
    match &new.kind {
        Kind::Index { .. } | Kind::Unique => vec![format!(
            "ALTER TABLE {} RENAME INDEX {} TO {}",
            q(table),
            q(&old.name),
            q(&new.name)
        )],
        Kind::ForeignKey(_) => {
            let mut sql = drop(table, old);
            sql.extend(super::server::create_derived(MY, table, new));
            sql
        }
    }
}

/// `MODIFY` for a new type or nullability (after filling NULLs).
pub(super) fn alter_column(change: &ColumnChange<'_>) -> Vec<String> {
    let (table, column) = (q(change.table), q(change.column));
    let mut sql = Vec::new();
    let not_null = change.old_null && !change.new_null;
    if let Some(fill) = change.fill.filter(|_| not_null) {
        sql.push(format!(
            "UPDATE {table} SET {column} = {} WHERE {column} IS NULL",
            fill.sql()
        ));
    }
    if change.old_type != change.new_type || change.old_null != change.new_null {
        sql.push(format!("ALTER TABLE {table} MODIFY {}", change.definition));
    }
    sql
}
