//! Many-to-many link tables (Django's auto-created `through` models).
//!
//! A `ManyToManyField` has no column: it is a table of `(id, <model>_id, <target>_id)`
//! whose two foreign keys cascade and are unique together. The editors only ever see
//! columns; after each operation, [`LinkChanges`] compares the link tables implied by the
//! models before and after it and creates, drops, renames or alters them to match — so
//! `CreateModel`, `DeleteModel`, `AddField`, `RemoveField`, `RenameField` and `RenameModel`
//! all carry their link tables along.

use std::collections::BTreeMap;

use crate::db::migrations::operations::Operation;
use crate::db::migrations::state::{ProjectState, model_key};
use crate::db::models::{FieldMeta, FieldType, ModelMeta, OnDelete};

/// The model without its many-to-many fields: what its own table holds.
pub(crate) fn columns_only(model: &ModelMeta) -> ModelMeta {
    let mut model = model.clone();
    model.fields.retain(FieldMeta::has_column);
    model
}

/// The link table of `source.field` as a model the editors can create.
pub(crate) fn link_model(source: &ModelMeta, field: &FieldMeta) -> Option<ModelMeta> {
    let to = field.field_type.related_model()?;
    let link = source.link(field)?;
    let mut model = ModelMeta::new(
        &source.app_label,
        &format!("{}_{}", source.name, field.name),
    );
    model.db_table = link.db_table;
    let foreign_key = |name: &str, to: &str| {
        FieldMeta::new(
            name,
            FieldType::ForeignKey {
                to: to.to_lowercase(),
                on_delete: OnDelete::Cascade,
            },
        )
    };
    model.fields = vec![
        FieldMeta::new("id", FieldType::BigAutoField).primary_key(),
        foreign_key(&link.source, &source.key()),
        foreign_key(&link.target, to),
    ];
    model.unique_together = vec![vec![link.source, link.target]];
    Some(model)
}

/// `(source model key, field name)` → link model, for every many-to-many field in `state`.
type Links = BTreeMap<(String, String), ModelMeta>;

fn links(state: &ProjectState) -> Links {
    let mut found = Links::new();
    for (key, model) in &state.models {
        for field in &model.fields {
            if let Some(link) = link_model(model, field) {
                found.insert((key.clone(), field.name.clone()), link);
            }
        }
    }
    found
}

/// How one operation changes the link tables.
pub(crate) struct LinkChanges {
    /// Link tables that go, dropped before the operation's own SQL.
    pub dropped: Vec<ModelMeta>,
    /// Link tables that come, created after it.
    pub created: Vec<ModelMeta>,
    /// Link tables kept under another name or with other columns: `(before, after)`.
    pub changed: Vec<(ModelMeta, ModelMeta)>,
}

impl LinkChanges {
    /// Compares the link tables before and after `operation` (of app `app`), following its
    /// renames of models and fields.
    pub fn new(
        before: &ProjectState,
        after: &ProjectState,
        app: &str,
        operation: &Operation,
    ) -> Self {
        let mut old: Links = links(before)
            .into_iter()
            .map(|((key, field), link)| (renamed(app, operation, key, field), link))
            .collect();
        let mut changes = LinkChanges {
            dropped: Vec::new(),
            created: Vec::new(),
            changed: Vec::new(),
        };
        for (id, new) in links(after) {
            match old.remove(&id) {
                None => changes.created.push(new),
                Some(old) if old != new => changes.changed.push((old, new)),
                Some(_) => {}
            }
        }
        changes.dropped = old.into_values().collect();
        changes
    }
}

/// The identity a link of `key.field` has after `operation`.
fn renamed(app: &str, operation: &Operation, key: String, field: String) -> (String, String) {
    match operation {
        Operation::RenameModel { old_name, new_name } if key == model_key(app, old_name) => {
            (model_key(app, new_name), field)
        }
        Operation::RenameField {
            model_name,
            old_name,
            new_name,
        } if key == model_key(app, model_name) && field == *old_name => (key, new_name.clone()),
        _ => (key, field),
    }
}
