//! Column types, literals and column definitions, as Django's schema editors write them.

use chrono::DateTime;

use super::Backend;
use crate::db::migrations::error::{MigrationError, Result};
use crate::db::migrations::state::ProjectState;
use crate::db::models::{DefaultValue, FieldMeta, FieldType, OnDelete};

/// Where a foreign key points: the target's table and primary key column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ForeignKey {
    pub table: String,
    pub column: String,
    pub on_delete: OnDelete,
}

/// The target of a foreign key field, looked up in `state`.
pub(crate) fn foreign_key(state: &ProjectState, field: &FieldMeta) -> Result<Option<ForeignKey>> {
    let FieldType::ForeignKey { to, on_delete } = &field.field_type else {
        return Ok(None);
    };
    let target = target_pk(state, field, to)?;
    let table = state
        .get_key(to)
        .map(|m| m.db_table.clone())
        .unwrap_or_default();
    Ok(Some(ForeignKey {
        table,
        column: target.column.clone(),
        on_delete: *on_delete,
    }))
}

fn target_pk<'a>(state: &'a ProjectState, field: &FieldMeta, to: &str) -> Result<&'a FieldMeta> {
    state.get_key(to).and_then(|m| m.pk()).ok_or_else(|| {
        MigrationError::history(format!(
            "field {} refers to {to}, which does not exist or has no primary key",
            field.name
        ))
    })
}

/// The column's data type (`varchar(200)`; a foreign key takes its target's key type).
pub(crate) fn data_type(
    backend: Backend,
    state: &ProjectState,
    field: &FieldMeta,
) -> Result<String> {
    let mut field = field;
    // A foreign key may point at a model whose primary key is itself a foreign key.
    for _ in 0..8 {
        let FieldType::ForeignKey { to, .. } = &field.field_type else {
            return Ok(plain_type(backend, &field.field_type));
        };
        field = target_pk(state, field, to)?;
        if field.is_auto() {
            // A reference to an auto-increment key is a plain integer column.
            return Ok(match field.field_type {
                FieldType::AutoField => "integer".to_owned(),
                _ => "bigint".to_owned(),
            });
        }
    }
    Err(MigrationError::unsupported(format!(
        "the foreign keys leading from {} go round in circles",
        field.name
    )))
}

fn plain_type(backend: Backend, field_type: &FieldType) -> String {
    use Backend::{Mysql, Postgres, Sqlite};
    match (field_type, backend) {
        (FieldType::AutoField | FieldType::IntegerField, _) => "integer".to_owned(),
        (FieldType::BigAutoField, Sqlite) => "integer".to_owned(),
        (FieldType::BigAutoField | FieldType::BigIntegerField, _) => "bigint".to_owned(),
        (FieldType::BooleanField, Postgres) => "boolean".to_owned(),
        (FieldType::BooleanField, _) => "bool".to_owned(),
        (FieldType::FloatField, Sqlite) => "real".to_owned(),
        (FieldType::FloatField, _) => "double precision".to_owned(),
        (FieldType::CharField { max_length } | FieldType::EmailField { max_length }, _) => {
            format!("varchar({max_length})")
        }
        (FieldType::TextField, Mysql) => "longtext".to_owned(),
        (FieldType::TextField, _) => "text".to_owned(),
        (FieldType::DateField, _) => "date".to_owned(),
        (FieldType::DateTimeField, Sqlite) => "datetime".to_owned(),
        (FieldType::DateTimeField, Postgres) => "timestamp".to_owned(),
        (FieldType::DateTimeField, Mysql) => "datetime(6)".to_owned(),
        // Not reached: `data_type` follows foreign keys to their target's type, and
        // many-to-many fields have no column (their link table has foreign keys).
        (FieldType::ForeignKey { .. } | FieldType::ManyToManyField { .. }, _) => {
            "bigint".to_owned()
        }
    }
}

/// `ON DELETE …` of a foreign key.
pub(crate) fn on_delete_sql(on_delete: OnDelete) -> &'static str {
    match on_delete {
        OnDelete::Cascade => "ON DELETE CASCADE",
        OnDelete::Protect => "ON DELETE RESTRICT",
        OnDelete::SetNull => "ON DELETE SET NULL",
    }
}

/// A string literal: quotes doubled (and backslashes, on MySQL).
pub(crate) fn quote_text(backend: Backend, text: &str) -> String {
    let mut escaped = text.replace('\'', "''");
    if backend == Backend::Mysql {
        escaped = escaped.replace('\\', "\\\\");
    }
    format!("'{escaped}'")
}

/// A default value as an SQL literal for `field`'s column.
pub(crate) fn literal(backend: Backend, field: &FieldMeta, value: &DefaultValue) -> Result<String> {
    Ok(match value {
        DefaultValue::Bool(b) => match (backend, b) {
            (Backend::Postgres, true) => "true".to_owned(),
            (Backend::Postgres, false) => "false".to_owned(),
            (_, b) => u8::from(*b).to_string(),
        },
        DefaultValue::Int(n) => n.to_string(),
        DefaultValue::Float(x) if x.is_finite() => x.to_string(),
        DefaultValue::Float(x) => {
            return Err(MigrationError::unsupported(format!(
                "the default {x} of field {} cannot be written in SQL",
                field.name
            )));
        }
        DefaultValue::Str(text) => {
            let text = match field.field_type {
                FieldType::DateTimeField => utc_datetime(text),
                _ => text.clone(),
            };
            quote_text(backend, &text)
        }
    })
}

/// An RFC 3339 datetime as naive UTC (`2026-11-26 01:30:00`); other text unchanged.
fn utc_datetime(text: &str) -> String {
    match DateTime::parse_from_rfc3339(text) {
        Ok(moment) => moment
            .naive_utc()
            .format("%Y-%m-%d %H:%M:%S%.f")
            .to_string(),
        Err(_) => text.to_owned(),
    }
}

/// What fills a column's existing rows: a literal, or an SQL expression for "now".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fill {
    Literal(String),
    Expression(String),
}

impl Fill {
    pub(crate) fn sql(&self) -> &str {
        match self {
            Fill::Literal(sql) | Fill::Expression(sql) => sql,
        }
    }
}

/// Django's `effective_default`: the field's default; `''` for blank text; now for
/// `auto_now`/`auto_now_add` dates; else nothing.
pub(crate) fn fill(backend: Backend, field: &FieldMeta) -> Result<Option<Fill>> {
    if let Some(value) = &field.default {
        return Ok(Some(Fill::Literal(literal(backend, field, value)?)));
    }
    let text = matches!(
        field.field_type,
        FieldType::CharField { .. } | FieldType::EmailField { .. } | FieldType::TextField
    );
    if !field.null && field.blank && text {
        return Ok(Some(Fill::Literal("''".to_owned())));
    }
    if field.auto_now || field.auto_now_add {
        return Ok(now(backend, &field.field_type).map(|sql| Fill::Expression(sql.to_owned())));
    }
    Ok(None)
}

/// The current UTC date or time, for date and datetime columns.
fn now(backend: Backend, field_type: &FieldType) -> Option<&'static str> {
    Some(match (field_type, backend) {
        (FieldType::DateTimeField, Backend::Sqlite) => "CURRENT_TIMESTAMP",
        (FieldType::DateTimeField, Backend::Postgres) => "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')",
        (FieldType::DateTimeField, Backend::Mysql) => "UTC_TIMESTAMP(6)",
        (FieldType::DateField, Backend::Sqlite) => "CURRENT_DATE",
        (FieldType::DateField, Backend::Postgres) => {
            "((CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date)"
        }
        (FieldType::DateField, Backend::Mysql) => "UTC_DATE()",
        _ => return None,
    })
}

/// A column definition for `CREATE TABLE` / `ADD COLUMN`, with `default` if given. SQLite
/// also gets `UNIQUE` and `REFERENCES` inline; the other backends name those separately.
pub(crate) fn column_def(
    backend: Backend,
    state: &ProjectState,
    field: &FieldMeta,
    default: Option<&str>,
) -> Result<String> {
    let mut sql = format!(
        "{} {}",
        backend.quote(&field.column),
        data_type(backend, state, field)?
    );
    let auto = field.primary_key && field.is_auto();
    if auto && backend == Backend::Mysql {
        sql.push_str(" AUTO_INCREMENT");
    }
    if let Some(default) = default {
        sql.push_str(&format!(" DEFAULT {default}"));
    }
    sql.push_str(if field.null && !field.primary_key {
        " NULL"
    } else {
        " NOT NULL"
    });
    if field.primary_key {
        sql.push_str(" PRIMARY KEY");
        match backend {
            Backend::Sqlite if auto => sql.push_str(" AUTOINCREMENT"),
            Backend::Postgres if auto => sql.push_str(" GENERATED BY DEFAULT AS IDENTITY"),
            _ => {}
        }
    }
    if backend == Backend::Sqlite {
        if field.unique && !field.primary_key {
            sql.push_str(" UNIQUE");
        }
        if let Some(target) = foreign_key(state, field)? {
            sql.push_str(&format!(
                " REFERENCES {} ({}) {} DEFERRABLE INITIALLY DEFERRED",
                backend.quote(&target.table),
                backend.quote(&target.column),
                on_delete_sql(target.on_delete)
            ));
        }
    }
    Ok(sql)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::migrations::fixtures::{author, state};

    #[test]
    fn types_follow_django() {
        let state = state();
        let article = state.get("articles", "article").unwrap();
        let types = |backend| {
            article
                .fields
                .iter()
                .map(|f| data_type(backend, &state, f).unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            types(Backend::Sqlite),
            [
                "integer",
                "varchar(200)",
                "text",
                "bigint",
                "datetime",
                "datetime"
            ]
        );
        assert_eq!(
            types(Backend::Postgres),
            [
                "bigint",
                "varchar(200)",
                "text",
                "bigint",
                "timestamp",
                "timestamp"
            ]
        );
        assert_eq!(
            types(Backend::Mysql),
            [
                "bigint",
                "varchar(200)",
                "longtext",
                "bigint",
                "datetime(6)",
                "datetime(6)"
            ]
        );
    }

    #[test]
    fn column_definitions_follow_django() {
        let state = state();
        let id = &state.get("articles", "article").unwrap().fields[0];
        assert_eq!(
            column_def(Backend::Sqlite, &state, id, None).unwrap(),
            "\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT"
        );
        assert_eq!(
            column_def(Backend::Postgres, &state, id, None).unwrap(),
            "\"id\" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY"
        );
        assert_eq!(
            column_def(Backend::Mysql, &state, id, None).unwrap(),
            "`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY"
        );
        assert_eq!(
            column_def(Backend::Sqlite, &state, &author(), None).unwrap(),
            "\"author_id\" bigint NOT NULL REFERENCES \"auth_user\" (\"id\") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"
        );
    }

    #[test]
    fn literals_are_escaped_per_backend() {
        let text = FieldMeta::new("t", FieldType::TextField);
        let value = DefaultValue::Str("it's a \\ test".into());
        assert_eq!(
            literal(Backend::Postgres, &text, &value).unwrap(),
            "'it''s a \\ test'"
        );
        assert_eq!(
            literal(Backend::Mysql, &text, &value).unwrap(),
            "'it''s a \\\\ test'"
        );
        let flag = FieldMeta::new("f", FieldType::BooleanField);
        assert_eq!(
            literal(Backend::Postgres, &flag, &DefaultValue::Bool(true)).unwrap(),
            "true"
        );
        assert_eq!(
            literal(Backend::Sqlite, &flag, &DefaultValue::Bool(true)).unwrap(),
            "1"
        );
        let when = FieldMeta::new("w", FieldType::DateTimeField);
        let value = DefaultValue::Str("2026-11-26T02:30:00+01:00".into());
        assert_eq!(
            literal(Backend::Sqlite, &when, &value).unwrap(),
            "'2026-11-26 01:30:00'"
        );
        assert!(literal(Backend::Sqlite, &flag, &DefaultValue::Float(f64::NAN)).is_err());
    }
}
