//! [`ManyToMany`], Django's `ManyToManyField(Tag)` as a field type.
//!
//! A `tags: ManyToMany<Tag>` field of `Article` is no column: it is the link table
//! `articles_article_tags` of `(id, article_id, tag_id)`, which `makemigrations` creates. A
//! row read from the database (or saved) knows its key, so the field works like Django's
//! related manager:
//!
//! ```no_run
//! # use pony::db::{Connection, ManyToMany, Model};
//! # #[derive(pony::Model, Clone, Debug)]
//! # #[model(app = "articles")]
//! # pub struct Tag { pub id: i64, #[field(max_length = 30)] pub name: String }
//! # #[derive(pony::Model, Clone, Debug)]
//! # #[model(app = "articles")]
//! # pub struct Article { pub id: i64, pub tags: ManyToMany<Tag> }
//! # fn demo(conn: &mut Connection, article: Article, rust: Tag, web: Tag) -> pony::Result<()> {
//! article.tags.add(conn, [&rust, &web])?;   // article.tags.add(rust, web)
//! article.tags.remove(conn, [&web])?;       // article.tags.remove(web)
//! article.tags.set(conn, [&rust])?;         // article.tags.set([rust])
//! let tags: Vec<Tag> = article.tags.all(conn)?;
//! article.tags.clear(conn)?;
//! # let _ = tags; Ok(()) }
//! ```
//!
//! Rows of the target are given as `&Tag` or as their key (`7_i64`). Every key reaches the
//! database as a bound parameter; only the table and column names, which come from the
//! models, are part of the SQL text.

use std::fmt;
use std::marker::PhantomData;

use diesel::RunQueryDsl;
use diesel::dsl::sql;
use diesel::sql_types::{BigInt, Untyped};
use serde::{Serialize, Serializer};

use super::models::{Link, Model, ModelMeta};
use super::rows::RowQuery;
use super::value::Value;
use super::{Connection, url::Backend};
use crate::error::{Error, Result};

/// The rows of `M` linked to one row (see the [module docs](self)).
pub struct ManyToMany<M> {
    owner: Option<Owner>,
    loaded: Option<Vec<M>>,
    target: PhantomData<fn() -> M>,
}

/// The row the field belongs to, and which of its model's fields it is.
#[derive(Clone, Copy)]
struct Owner {
    model: &'static ModelMeta,
    field: &'static str,
    pk: i64,
}

/// A row of `M` given to [`ManyToMany::add`] and the others: the row, or its key.
pub trait Related<M> {
    /// The row's primary key.
    fn related_pk(&self) -> i64;
}

impl<M: Model<Pk = i64>> Related<M> for &M {
    fn related_pk(&self) -> i64 {
        self.pk()
    }
}

impl<M> Related<M> for i64 {
    fn related_pk(&self) -> i64 {
        *self
    }
}

impl<M> ManyToMany<M> {
    /// Ties the field to the row with key `pk` of `model` (the derive calls this for rows it
    /// reads or saves).
    #[doc(hidden)]
    pub fn attach(&mut self, model: &'static ModelMeta, field: &'static str, pk: i64) {
        self.owner = Some(Owner { model, field, pk });
    }

    /// The rows [`load`](Self::load) read, if it ran.
    pub fn loaded(&self) -> Option<&[M]> {
        self.loaded.as_deref()
    }

    /// The link table and the owner's key; an unsaved row has none, as in Django.
    fn link(&self) -> Result<(Link, i64)> {
        let owner = self.owner.ok_or_else(|| {
            Error::other(
                "a row needs to be saved (to have a primary key) before its many-to-many \
                 relationship can be used",
            )
        })?;
        let link = owner
            .model
            .get_field(owner.field)
            .and_then(|field| owner.model.link(field))
            .ok_or_else(|| {
                Error::other(format!(
                    "{}.{} is not a many-to-many field",
                    owner.model.key(),
                    owner.field
                ))
            })?;
        Ok((link, owner.pk))
    }
}

/// `"table"`, `"source_id"`, `"target_id"`, quoted for `backend`.
struct Names {
    table: String,
    source: String,
    target: String,
}

impl Names {
    fn new(backend: Backend, link: &Link) -> Self {
        Names {
            table: backend.quote(&link.db_table),
            source: backend.quote(&link.source_column()),
            target: backend.quote(&link.target_column()),
        }
    }

    /// `DELETE FROM "table" WHERE "source_id" = `, for the owner's key to follow.
    fn delete_links(&self) -> String {
        format!("DELETE FROM {} WHERE {} = ", self.table, self.source)
    }
}

impl<M: Model<Pk = i64>> ManyToMany<M> {
    /// The keys of the linked rows, in no particular order.
    pub fn ids(&self, conn: &mut Connection) -> Result<Vec<i64>> {
        let (link, owner) = self.link()?;
        let names = Names::new(conn.backend(), &link);
        let query = format!(
            "SELECT {target} FROM {table} WHERE {source} = ",
            target = names.target,
            table = names.table,
            source = names.source
        );
        Ok(sql::<BigInt>(&query)
            .bind::<BigInt, _>(owner)
            .load::<i64>(conn)?)
    }

    /// The linked rows, in `M`'s default ordering (Django's `article.tags.all()`).
    pub fn all(&self, conn: &mut Connection) -> Result<Vec<M>> {
        let ids = self.ids(conn)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let pk = M::meta()
            .pk()
            .map(|field| field.name.clone())
            .unwrap_or_default();
        let keys = ids.into_iter().map(Value::BigInt).collect();
        M::select(conn, &RowQuery::new().filter_in(&pk, keys))
    }

    /// Reads the linked rows once and keeps them, so templates see them
    /// (`{% for tag in article.tags %}`).
    pub fn load(&mut self, conn: &mut Connection) -> Result<&[M]> {
        let rows = self.all(conn)?;
        Ok(self.loaded.insert(rows))
    }

    /// Links `rows`; ones already linked are left as they are.
    pub fn add<R: Related<M>>(
        &self,
        conn: &mut Connection,
        rows: impl IntoIterator<Item = R>,
    ) -> Result<()> {
        let (link, owner) = self.link()?;
        let existing = self.ids(conn)?;
        let names = Names::new(conn.backend(), &link);
        let insert = format!(
            "INSERT INTO {} ({}, {}) VALUES (",
            names.table, names.source, names.target
        );
        let mut added = existing;
        for id in rows.into_iter().map(|row| row.related_pk()) {
            if added.contains(&id) {
                continue;
            }
            sql::<Untyped>(&insert)
                .bind::<BigInt, _>(owner)
                .sql(", ")
                .bind::<BigInt, _>(id)
                .sql(")")
                .execute(conn)?;
            added.push(id);
        }
        Ok(())
    }

    /// Unlinks `rows` (the rows themselves stay).
    pub fn remove<R: Related<M>>(
        &self,
        conn: &mut Connection,
        rows: impl IntoIterator<Item = R>,
    ) -> Result<()> {
        let (link, owner) = self.link()?;
        let names = Names::new(conn.backend(), &link);
        let delete = names.delete_links();
        let and_target = format!(" AND {} = ", names.target);
        for id in rows.into_iter().map(|row| row.related_pk()) {
            sql::<Untyped>(&delete)
                .bind::<BigInt, _>(owner)
                .sql(&and_target)
                .bind::<BigInt, _>(id)
                .execute(conn)?;
        }
        Ok(())
    }

    /// Links exactly `rows`: adds the missing, removes the others.
    pub fn set<R: Related<M>>(
        &self,
        conn: &mut Connection,
        rows: impl IntoIterator<Item = R>,
    ) -> Result<()> {
        let wanted: Vec<i64> = rows.into_iter().map(|row| row.related_pk()).collect();
        let stale: Vec<i64> = self
            .ids(conn)?
            .into_iter()
            .filter(|id| !wanted.contains(id))
            .collect();
        self.remove(conn, stale)?;
        self.add(conn, wanted)
    }

    /// Unlinks every row.
    pub fn clear(&self, conn: &mut Connection) -> Result<()> {
        let (link, owner) = self.link()?;
        let names = Names::new(conn.backend(), &link);
        let delete = names.delete_links();
        sql::<Untyped>(&delete)
            .bind::<BigInt, _>(owner)
            .execute(conn)?;
        Ok(())
    }
}

impl<M> Default for ManyToMany<M> {
    fn default() -> Self {
        ManyToMany {
            owner: None,
            loaded: None,
            target: PhantomData,
        }
    }
}

impl<M: Clone> Clone for ManyToMany<M> {
    fn clone(&self) -> Self {
        ManyToMany {
            owner: self.owner,
            loaded: self.loaded.clone(),
            target: PhantomData,
        }
    }
}

/// Two fields are equal when they belong to the same row: the links live in the database.
impl<M> PartialEq for ManyToMany<M> {
    fn eq(&self, other: &Self) -> bool {
        let key = |m: &Self| m.owner.map(|o| (o.model.db_table.as_str(), o.field, o.pk));
        key(self) == key(other)
    }
}

impl<M> fmt::Debug for ManyToMany<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManyToMany")
            .field("owner", &self.owner.map(|o| o.pk))
            .field("loaded", &self.loaded.as_ref().map(Vec::len))
            .finish()
    }
}

/// The loaded rows, else an empty list.
impl<M: Serialize> Serialize for ManyToMany<M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.loaded
            .as_deref()
            .unwrap_or_default()
            .serialize(serializer)
    }
}
