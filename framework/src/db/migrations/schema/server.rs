//! The operations of the client-server backends, PostgreSQL and MySQL, which alter tables
//! in place; `postgres.rs` and `mysql.rs` supply the statements that differ.

use super::columns::{Fill, column_def, data_type, fill, on_delete_sql};
use super::derived::{Derived, Diff, Kind, Renames, derived};
use super::editor::{Change, Editor, renames};
use super::{Backend, mysql, postgres};
use crate::db::migrations::error::Result;
use crate::db::models::{FieldMeta, FieldType, ModelMeta};

/// A column's type and nullability, as they change.
#[derive(Debug)]
pub(super) struct ColumnChange<'a> {
    pub table: &'a str,
    pub column: &'a str,
    pub old_type: &'a str,
    pub new_type: &'a str,
    pub old_null: bool,
    pub new_null: bool,
    /// Replaces NULLs when the column becomes NOT NULL.
    pub fill: Option<&'a Fill>,
    /// The column has a (deferred) foreign key constraint.
    pub foreign_key: bool,
    /// The new column definition (MySQL's `MODIFY` restates it whole).
    pub definition: String,
}

/// Creates an index or constraint of `table` (the same SQL on PostgreSQL and MySQL, except
/// that PostgreSQL's foreign keys are deferred to the end of the transaction, as Django's).
pub(super) fn create_derived(backend: Backend, table: &str, d: &Derived) -> Vec<String> {
    let q = |name: &str| backend.quote(name);
    let columns = backend.quote_all(&d.columns);
    vec![match &d.kind {
        Kind::Index { unique } => format!(
            "CREATE {}INDEX {} ON {} ({columns})",
            if *unique { "UNIQUE " } else { "" },
            q(&d.name),
            q(table)
        ),
        Kind::Unique => format!(
            "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({columns})",
            q(table),
            q(&d.name)
        ),
        Kind::ForeignKey(target) => {
            let deferred = if backend == Backend::Postgres {
                " DEFERRABLE INITIALLY DEFERRED"
            } else {
                ""
            };
            format!(
                "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({columns}) REFERENCES {} ({}) {}{deferred}",
                q(table),
                q(&d.name),
                q(&target.table),
                q(&target.column),
                on_delete_sql(target.on_delete)
            )
        }
    }]
}

/// PostgreSQL or MySQL.
#[derive(Debug)]
pub(super) struct Server(pub Backend);

impl Server {
    fn q(&self, name: &str) -> String {
        self.0.quote(name)
    }

    fn create(&self, table: &str, d: &Derived) -> Vec<String> {
        create_derived(self.0, table, d)
    }

    fn drop(&self, table: &str, d: &Derived) -> Vec<String> {
        match self.0 {
            Backend::Mysql => mysql::drop(table, d),
            _ => postgres::drop(table, d),
        }
    }

    fn drops(&self, table: &str, diff: &Diff) -> Vec<String> {
        diff.drop.iter().flat_map(|d| self.drop(table, d)).collect()
    }

    /// Renames, then creations (foreign keys last).
    fn renames_and_creates(&self, table: &str, diff: &Diff) -> Vec<String> {
        let mut sql: Vec<String> = diff
            .rename
            .iter()
            .flat_map(|(old, new)| match self.0 {
                Backend::Mysql => mysql::rename(table, old, new),
                _ => postgres::rename(table, old, new),
            })
            .collect();
        sql.extend(diff.create.iter().flat_map(|d| self.create(table, d)));
        sql
    }
}

impl Editor for Server {
    fn create_model(&self, c: &Change<'_>, model: &ModelMeta) -> Result<Vec<String>> {
        let backend = self.0;
        let table = model.db_table.as_str();
        let mut definitions = Vec::new();
        for field in &model.fields {
            definitions.push(column_def(backend, c.after, field, None)?);
        }
        let objects = derived(backend, c.after, model)?;
        let (inline, later): (Vec<&Derived>, Vec<&Derived>) =
            objects.iter().partition(|d| d.kind == Kind::Unique);
        for d in inline {
            definitions.push(format!(
                "CONSTRAINT {} UNIQUE ({})",
                self.q(&d.name),
                backend.quote_all(&d.columns)
            ));
        }
        let mut sql = vec![format!(
            "CREATE TABLE {} ({})",
            self.q(table),
            definitions.join(", ")
        )];
        sql.extend(later.into_iter().flat_map(|d| self.create(table, d)));
        Ok(sql)
    }

    fn rename_table(
        &self,
        c: &Change<'_>,
        before: &ModelMeta,
        after: &ModelMeta,
    ) -> Result<Vec<String>> {
        let mut sql = Vec::new();
        if before.db_table != after.db_table {
            sql.push(format!(
                "ALTER TABLE {} RENAME TO {}",
                self.q(&before.db_table),
                self.q(&after.db_table)
            ));
        }
        let diff = c.diff(before, after, Renames::default())?;
        sql.extend(self.drops(&after.db_table, &diff));
        sql.extend(self.renames_and_creates(&after.db_table, &diff));
        Ok(sql)
    }

    fn add_field(
        &self,
        c: &Change<'_>,
        before: &ModelMeta,
        after: &ModelMeta,
        field: &FieldMeta,
    ) -> Result<Vec<String>> {
        let backend = self.0;
        let table = self.q(&after.db_table);
        let column = self.q(&field.column);
        let fill = fill(backend, field)?;
        let definition = |default: Option<&str>, null: bool| {
            let mut field = field.clone();
            field.null = null;
            column_def(backend, c.after, &field, default)
        };
        let add = |definition: String| format!("ALTER TABLE {table} ADD COLUMN {definition}");
        let drop_default = format!("ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT");
        let text = matches!(field.field_type, FieldType::TextField);
        let mut sql = match (&fill, backend) {
            (None, _) => vec![add(definition(None, field.null)?)],
            (Some(fill), Backend::Postgres | Backend::Sqlite) => {
                vec![add(definition(Some(fill.sql()), field.null)?), drop_default]
            }
            (Some(Fill::Literal(literal)), Backend::Mysql) if !text => {
                vec![add(definition(Some(literal), field.null)?), drop_default]
            }
            // MySQL: no literal defaults on text before 8.0.13, no expression defaults.
            (Some(fill), Backend::Mysql) => {
                let mut sql = vec![
                    add(definition(None, true)?),
                    format!("UPDATE {table} SET {column} = {}", fill.sql()),
                ];
                if !field.null {
                    sql.push(format!(
                        "ALTER TABLE {table} MODIFY {}",
                        definition(None, false)?
                    ));
                }
                sql
            }
        };
        let diff = c.diff(before, after, Renames::default())?;
        sql.extend(self.renames_and_creates(&after.db_table, &diff));
        Ok(sql)
    }

    fn remove_field(
        &self,
        c: &Change<'_>,
        before: &ModelMeta,
        after: &ModelMeta,
        field: &FieldMeta,
    ) -> Result<Vec<String>> {
        let diff = c.diff(before, after, Renames::default())?;
        let mut sql = self.drops(&before.db_table, &diff);
        sql.push(format!(
            "ALTER TABLE {} DROP COLUMN {}",
            self.q(&before.db_table),
            self.q(&field.column)
        ));
        sql.extend(self.renames_and_creates(&after.db_table, &diff));
        Ok(sql)
    }

    fn alter_field(
        &self,
        c: &Change<'_>,
        before: &ModelMeta,
        after: &ModelMeta,
        old: &FieldMeta,
        new: &FieldMeta,
    ) -> Result<Vec<String>> {
        let backend = self.0;
        let table = after.db_table.as_str();
        let diff = c.diff(before, after, renames(old, new))?;
        let mut sql = self.drops(table, &diff);
        if old.column != new.column {
            sql.push(format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                self.q(table),
                self.q(&old.column),
                self.q(&new.column)
            ));
        }
        let old_type = data_type(backend, c.before, old)?;
        let new_type = data_type(backend, c.after, new)?;
        let fill = fill(backend, new)?;
        let change = ColumnChange {
            table,
            column: &new.column,
            old_type: &old_type,
            new_type: &new_type,
            old_null: old.null,
            new_null: new.null,
            fill: fill.as_ref(),
            foreign_key: matches!(new.field_type, FieldType::ForeignKey { .. }),
            definition: column_def(backend, c.after, new, None)?,
        };
        sql.extend(match backend {
            Backend::Mysql => mysql::alter_column(&change),
            _ => postgres::alter_column(&change),
        });
        sql.extend(self.renames_and_creates(table, &diff));
        Ok(sql)
    }

    fn sync_derived(
        &self,
        c: &Change<'_>,
        before: &ModelMeta,
        after: &ModelMeta,
    ) -> Result<Vec<String>> {
        let diff = c.diff(before, after, Renames::default())?;
        let mut sql = self.drops(&after.db_table, &diff);
        sql.extend(self.renames_and_creates(&after.db_table, &diff));
        Ok(sql)
    }
}
