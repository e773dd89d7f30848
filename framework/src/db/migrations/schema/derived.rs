//! The indexes and constraints a model implies besides its columns, and how two versions
//! of a model differ in them.

use super::Backend;
use super::columns::{ForeignKey, foreign_key};
use super::names::{FOREIGN_KEY, UNIQUE, index_name};
use crate::db::migrations::error::{MigrationError, Result};
use crate::db::migrations::state::ProjectState;
use crate::db::models::{FieldType, ModelMeta};

/// What kind of database object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `CREATE [UNIQUE] INDEX`.
    Index { unique: bool },
    /// A named `UNIQUE` constraint (PostgreSQL, MySQL).
    Unique,
    /// A named `FOREIGN KEY` constraint (PostgreSQL, MySQL).
    ForeignKey(ForeignKey),
}

/// Why the object exists, in terms of fields (so it survives renames).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// `db_index`, or the index Django puts on a foreign key.
    FieldIndex(String),
    /// `unique = true`.
    FieldUnique(String),
    /// The foreign key constraint of a field.
    FieldForeignKey(String),
    /// A `unique_together` group.
    Together(Vec<String>),
    /// A named index of `Meta.indexes`.
    Named(String),
}

/// An index or constraint of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Derived {
    pub origin: Origin,
    pub kind: Kind,
    pub name: String,
    pub columns: Vec<String>,
}

impl Derived {
    /// Foreign keys are created last and dropped first (MySQL needs their index).
    pub(crate) fn is_foreign_key(&self) -> bool {
        matches!(self.kind, Kind::ForeignKey(_))
    }
}

/// Every index and constraint of `model` on `backend`, foreign keys last. SQLite keeps
/// `unique` and foreign keys inline in the column definition, so they are not listed.
pub(crate) fn derived(
    backend: Backend,
    state: &ProjectState,
    model: &ModelMeta,
) -> Result<Vec<Derived>> {
    let table = model.db_table.as_str();
    let mut found = Vec::new();
    let mut foreign_keys = Vec::new();
    for field in model.fields.iter().filter(|f| !f.primary_key) {
        let column = field.column.as_str();
        let name = field.name.clone();
        if field.unique && backend != Backend::Sqlite {
            found.push(Derived {
                origin: Origin::FieldUnique(name.clone()),
                kind: Kind::Unique,
                name: index_name(table, &[column], UNIQUE),
                columns: vec![column.to_owned()],
            });
        }
        let target = foreign_key(state, field)?;
        let text = matches!(field.field_type, FieldType::TextField);
        let indexed = field.db_index || target.is_some();
        if indexed && !field.unique && !(text && backend == Backend::Mysql) {
            found.push(Derived {
                origin: Origin::FieldIndex(name.clone()),
                kind: Kind::Index { unique: false },
                name: index_name(table, &[column], ""),
                columns: vec![column.to_owned()],
            });
        }
        if let Some(target) = target.filter(|_| backend != Backend::Sqlite) {
            foreign_keys.push(Derived {
                origin: Origin::FieldForeignKey(name),
                kind: Kind::ForeignKey(target),
                name: index_name(table, &[column], FOREIGN_KEY),
                columns: vec![column.to_owned()],
            });
        }
    }
    for group in &model.unique_together {
        let columns = columns_of(model, group)?;
        let refs: Vec<&str> = columns.iter().map(String::as_str).collect();
        found.push(Derived {
            origin: Origin::Together(group.clone()),
            kind: match backend {
                Backend::Sqlite => Kind::Index { unique: true },
                _ => Kind::Unique,
            },
            name: index_name(table, &refs, UNIQUE),
            columns,
        });
    }
    for index in &model.indexes {
        found.push(Derived {
            origin: Origin::Named(index.name.clone()),
            kind: Kind::Index {
                unique: index.unique,
            },
            name: index.name.clone(),
            columns: columns_of(model, &index.fields)?,
        });
    }
    found.extend(foreign_keys);
    Ok(found)
}

fn columns_of(model: &ModelMeta, fields: &[String]) -> Result<Vec<String>> {
    fields
        .iter()
        .map(|name| {
            model
                .get_field(name)
                .map(|f| f.column.clone())
                .ok_or_else(|| {
                    MigrationError::history(format!("{} has no field {name}", model.key()))
                })
        })
        .collect()
}

/// A field renamed and its column renamed, between two versions of a model.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Renames<'a> {
    pub field: Option<(&'a str, &'a str)>,
    pub column: Option<(&'a str, &'a str)>,
}

impl Renames<'_> {
    fn field(&self, name: &str) -> String {
        match self.field {
            Some((old, new)) if old == name => new.to_owned(),
            _ => name.to_owned(),
        }
    }

    fn column(&self, name: &str) -> String {
        match self.column {
            Some((old, new)) if old == name => new.to_owned(),
            _ => name.to_owned(),
        }
    }

    fn origin(&self, origin: &Origin) -> Origin {
        match origin {
            Origin::FieldIndex(f) => Origin::FieldIndex(self.field(f)),
            Origin::FieldUnique(f) => Origin::FieldUnique(self.field(f)),
            Origin::FieldForeignKey(f) => Origin::FieldForeignKey(self.field(f)),
            Origin::Together(g) => Origin::Together(g.iter().map(|f| self.field(f)).collect()),
            Origin::Named(n) => Origin::Named(n.clone()),
        }
    }
}

/// What to drop, rename and create to go from `before`'s objects to `after`'s. An object
/// that survives a column rename unchanged is renamed, not rebuilt.
#[derive(Debug, Clone, Default)]
pub(crate) struct Diff {
    /// Foreign keys first.
    pub drop: Vec<Derived>,
    /// `(before, after)`.
    pub rename: Vec<(Derived, Derived)>,
    /// Foreign keys last.
    pub create: Vec<Derived>,
}

pub(crate) fn diff(before: &[Derived], after: &[Derived], renames: Renames<'_>) -> Diff {
    let mut result = Diff::default();
    let mut matched = vec![false; after.len()];
    for old in before {
        let origin = renames.origin(&old.origin);
        let columns: Vec<String> = old.columns.iter().map(|c| renames.column(c)).collect();
        let same = after.iter().enumerate().find(|(i, new)| {
            !matched[*i] && new.origin == origin && new.kind == old.kind && new.columns == columns
        });
        match same {
            Some((i, new)) => {
                matched[i] = true;
                if new.name != old.name {
                    result.rename.push((old.clone(), new.clone()));
                }
            }
            None => result.drop.push(old.clone()),
        }
    }
    result.create = after
        .iter()
        .zip(&matched)
        .filter(|(_, m)| !**m)
        .map(|(d, _)| d.clone())
        .collect();
    result.drop.sort_by_key(|d| !d.is_foreign_key());
    result.create.sort_by_key(Derived::is_foreign_key);
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::migrations::fixtures::state;

    #[test]
    fn foreign_keys_get_an_index_and_a_constraint() {
        let state = state();
        let article = state.get("articles", "article").unwrap();
        let pg = derived(Backend::Postgres, &state, article).unwrap();
        let kinds: Vec<_> = pg
            .iter()
            .map(|d| (d.origin.clone(), d.columns.clone()))
            .collect();
        assert_eq!(
            kinds,
            [
                (
                    Origin::FieldIndex("author".into()),
                    vec!["author_id".to_owned()]
                ),
                (
                    Origin::FieldForeignKey("author".into()),
                    vec!["author_id".to_owned()]
                ),
            ]
        );
        assert!(
            pg[1].name.starts_with("articles_article_author_id_") && pg[1].name.ends_with("_fk")
        );
        let sqlite = derived(Backend::Sqlite, &state, article).unwrap();
        assert_eq!(sqlite.len(), 1);
    }

    #[test]
    fn renamed_columns_rename_their_objects() {
        let state = state();
        let before = state.get("articles", "article").unwrap().clone();
        let mut after = before.clone();
        after.fields[3].name = "writer".into();
        after.fields[3].column = "writer_id".into();
        let old = derived(Backend::Postgres, &state, &before).unwrap();
        let new = derived(Backend::Postgres, &state, &after).unwrap();
        let renames = Renames {
            field: Some(("author", "writer")),
            column: Some(("author_id", "writer_id")),
        };
        let diff = diff(&old, &new, renames);
        assert!(diff.drop.is_empty() && diff.create.is_empty());
        assert_eq!(diff.rename.len(), 2);
        let unrelated = super::diff(&old, &new, Renames::default());
        assert_eq!((unrelated.drop.len(), unrelated.create.len()), (2, 2));
        assert!(unrelated.drop[0].is_foreign_key() && unrelated.create[1].is_foreign_key());
    }
}
