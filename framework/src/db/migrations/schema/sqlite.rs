//! SQLite: `ADD COLUMN` / `RENAME COLUMN` / `RENAME TO` where its ALTER TABLE suffices, else
//! Django's table rebuild (create `new__<table>`, copy, drop, rename, recreate indexes).

use super::Backend;
use super::columns::{Fill, column_def, fill};
use super::derived::{Derived, Diff, Kind, Renames, derived};
use super::editor::{Change, Editor, renames};
use crate::db::migrations::error::Result;
use crate::db::models::{FieldMeta, ModelMeta};

const LITE: Backend = Backend::Sqlite;

fn q(name: &str) -> String {
    LITE.quote(name)
}

/// The SQLite editor.
#[derive(Debug)]
pub(super) struct Sqlite;

fn create_index(table: &str, d: &Derived) -> String {
    let unique = matches!(d.kind, Kind::Index { unique: true });
    format!(
        "CREATE {}INDEX {} ON {} ({})",
        if unique { "UNIQUE " } else { "" },
        q(&d.name),
        q(table),
        LITE.quote_all(&d.columns)
    )
}

fn drop_index(d: &Derived) -> String {
    format!("DROP INDEX {}", q(&d.name))
}

/// Indexes cannot be renamed: drop and recreate them.
fn apply_diff(table: &str, diff: &Diff) -> Vec<String> {
    let mut sql: Vec<String> = diff.drop.iter().map(drop_index).collect();
    for (old, new) in &diff.rename {
        sql.push(drop_index(old));
        sql.push(create_index(table, new));
    }
    sql.extend(diff.create.iter().map(|d| create_index(table, d)));
    sql
}

fn create_table(c: &Change<'_>, table: &str, model: &ModelMeta) -> Result<String> {
    let mut definitions = Vec::new();
    for field in &model.fields {
        definitions.push(column_def(LITE, c.after, field, None)?);
    }
    Ok(format!(
        "CREATE TABLE {} ({})",
        q(table),
        definitions.join(", ")
    ))
}

/// Rebuilds the table as `after`; `source` gives the SQL filling each new column from the
/// old table (`None`: NULL).
fn rebuild(
    c: &Change<'_>,
    before: &ModelMeta,
    after: &ModelMeta,
    source: impl Fn(&FieldMeta) -> Result<Option<String>>,
) -> Result<Vec<String>> {
    let temporary = format!("new__{}", after.db_table);
    let mut columns = Vec::new();
    let mut values = Vec::new();
    for field in &after.fields {
        columns.push(q(&field.column));
        values.push(source(field)?.unwrap_or_else(|| "NULL".to_owned()));
    }
    let mut sql = vec![
        create_table(c, &temporary, after)?,
        format!(
            "INSERT INTO {} ({}) SELECT {} FROM {}",
            q(&temporary),
            columns.join(", "),
            values.join(", "),
            q(&before.db_table)
        ),
        format!("DROP TABLE {}", q(&before.db_table)),
        format!(
            "ALTER TABLE {} RENAME TO {}",
            q(&temporary),
            q(&after.db_table)
        ),
    ];
    for d in derived(LITE, c.after, after)? {
        sql.push(create_index(&after.db_table, &d));
    }
    Ok(sql)
}

/// The old column feeding a field kept under the same name.
fn same_column(before: &ModelMeta, field: &FieldMeta) -> Option<String> {
    before.get_field(&field.name).map(|f| q(&f.column))
}

impl Editor for Sqlite {
    fn create_model(&self, c: &Change<'_>, model: &ModelMeta) -> Result<Vec<String>> {
        let mut sql = vec![create_table(c, &model.db_table, model)?];
        for d in derived(LITE, c.after, model)? {
            sql.push(create_index(&model.db_table, &d));
        }
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
                q(&before.db_table),
                q(&after.db_table)
            ));
        }
        sql.extend(apply_diff(
            &after.db_table,
            &c.diff(before, after, Renames::default())?,
        ));
        Ok(sql)
    }

    fn add_field(
        &self,
        c: &Change<'_>,
        before: &ModelMeta,
        after: &ModelMeta,
        field: &FieldMeta,
    ) -> Result<Vec<String>> {
        let fill = fill(LITE, field)?;
        if field.null && fill.is_none() && !field.unique {
            let mut sql = vec![format!(
                "ALTER TABLE {} ADD COLUMN {}",
                q(&after.db_table),
                column_def(LITE, c.after, field, None)?
            )];
            sql.extend(apply_diff(
                &after.db_table,
                &c.diff(before, after, Renames::default())?,
            ));
            return Ok(sql);
        }
        rebuild(c, before, after, |f| {
            Ok(if f.name == field.name {
                fill.as_ref().map(|fill| fill.sql().to_owned())
            } else {
                same_column(before, f)
            })
        })
    }

    fn remove_field(
        &self,
        c: &Change<'_>,
        before: &ModelMeta,
        after: &ModelMeta,
        _: &FieldMeta,
    ) -> Result<Vec<String>> {
        rebuild(c, before, after, |f| Ok(same_column(before, f)))
    }

    fn alter_field(
        &self,
        c: &Change<'_>,
        before: &ModelMeta,
        after: &ModelMeta,
        old: &FieldMeta,
        new: &FieldMeta,
    ) -> Result<Vec<String>> {
        let mut renamed = old.clone();
        renamed.column = new.column.clone();
        let same_definition =
            column_def(LITE, c.before, &renamed, None)? == column_def(LITE, c.after, new, None)?;
        if same_definition {
            let mut sql = Vec::new();
            if old.column != new.column {
                sql.push(format!(
                    "ALTER TABLE {} RENAME COLUMN {} TO {}",
                    q(&after.db_table),
                    q(&old.column),
                    q(&new.column)
                ));
            }
            sql.extend(apply_diff(
                &after.db_table,
                &c.diff(before, after, renames(old, new))?,
            ));
            return Ok(sql);
        }
        let fill = fill(LITE, new)?;
        rebuild(c, before, after, |f| {
            if f.name != new.name {
                return Ok(same_column(before, f));
            }
            let column = q(&old.column);
            Ok(Some(match &fill {
                Some(fill) if old.null && !new.null => coalesce(&column, fill),
                _ => column,
            }))
        })
    }

    fn sync_derived(
        &self,
        c: &Change<'_>,
        before: &ModelMeta,
        after: &ModelMeta,
    ) -> Result<Vec<String>> {
        Ok(apply_diff(
            &after.db_table,
            &c.diff(before, after, Renames::default())?,
        ))
    }
}

fn coalesce(column: &str, fill: &Fill) -> String {
    format!("coalesce({column}, {})", fill.sql())
}
