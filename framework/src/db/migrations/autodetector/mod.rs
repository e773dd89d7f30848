//! Compares two project states and writes the operations between them (Django's
//! `MigrationAutodetector`), asking a [`Questioner`] what it cannot decide.
//!
//! The operations are generated in Django's order (renames, then removals of indexes and
//! `unique_together`, created models, removed, added and altered fields, deleted models,
//! then new indexes, `unique_together` and options) and replayed onto a copy of `from` as
//! they are made; at the end each app's operations are replayed in dependency order and
//! must give `to` exactly. Anything that cannot be expressed is an error asking for a
//! hand-written migration, never a guess.

mod fields;
mod models;

use std::collections::{BTreeMap, BTreeSet};

use super::error::{BY_HAND, MigrationError, Result};
use super::graph::LATEST;
use super::operations::Operation;
use super::questioner::Questioner;
use super::state::ProjectState;
use crate::db::models::ModelMeta;

/// The new migrations, per app.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// App label → its new migration's contents; apps without changes are absent.
    pub per_app: BTreeMap<String, AppChanges>,
}

/// One app's new migration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppChanges {
    /// The operations, in order.
    pub operations: Vec<Operation>,
    /// Other apps' migrations that must run first, as `(app, name)`. The name is
    /// [`LATEST`] (`"__latest__"`): the caller replaces it by that app's latest migration
    /// once this run's new migrations are numbered (so a dependency on an app that also
    /// gets a migration now points at the new one). The app's own previous migration is
    /// not listed: the graph implies it.
    pub dependencies: Vec<(String, String)>,
}

impl Changes {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.per_app.is_empty()
    }

    /// The operations of one app (empty if it has none).
    pub fn operations(&self, app: &str) -> &[Operation] {
        self.per_app
            .get(app)
            .map(|c| c.operations.as_slice())
            .unwrap_or_default()
    }
}

/// The operations turning `from` (the migrations' state) into `to` (the models as
/// compiled), per app, with their dependencies. Both states should hold the same apps: a
/// model missing from `to` is deleted.
pub fn changes(
    from: &ProjectState,
    to: &ProjectState,
    questioner: &mut dyn Questioner,
) -> Result<Changes> {
    check_target_state(to)?;
    let mut detector = Detector {
        current: from.clone(),
        to,
        questioner,
        operations: Vec::new(),
        delete_after: Vec::new(),
        after_renames: ProjectState::new(),
    };
    detector.generate()?;
    let Detector {
        current,
        operations,
        delete_after,
        ..
    } = detector;
    check_same(&current, to)?;
    let changes = group(operations, &delete_after);
    let order = app_order(&changes)?;
    let mut replayed = from.clone();
    for app in order {
        for operation in changes.operations(&app) {
            replayed
                .apply(&app, operation)
                .map_err(|e| by_hand(&format!("The changes to app {app}"), e.message()))?;
        }
    }
    check_same(&replayed, to)?;
    Ok(changes)
}

/// The error for anything the autodetector cannot express.
fn by_hand(subject: &str, detail: &str) -> MigrationError {
    MigrationError::unsupported(format!("{subject} {BY_HAND} ({detail})"))
}

/// Every foreign key of the compiled models points at an installed model with a key.
fn check_target_state(to: &ProjectState) -> Result<()> {
    for (key, model) in &to.models {
        if model.fields.iter().filter(|f| f.primary_key).count() != 1 {
            return Err(MigrationError::unsupported(format!(
                "Model {key} needs exactly one primary key"
            )));
        }
        for field in &model.fields {
            if let Some(target) = field.field_type.related_model()
                && to.get_key(target).is_none()
            {
                return Err(MigrationError::unsupported(format!(
                    "Field {key}.{} refers to {target}, which is not an installed model",
                    field.name
                )));
            }
        }
    }
    Ok(())
}

/// A model with order-insensitive parts sorted, for comparison.
fn normalized(model: &ModelMeta) -> ModelMeta {
    let mut model = model.clone();
    model.fields.sort_by(|a, b| a.name.cmp(&b.name));
    model.unique_together.sort();
    model.unique_together.dedup();
    model.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    model
}

fn check_same(got: &ProjectState, want: &ProjectState) -> Result<()> {
    let keys: BTreeSet<&String> = got.models.keys().chain(want.models.keys()).collect();
    for key in keys {
        let (a, b) = (got.models.get(key), want.models.get(key));
        if a.map(normalized) != b.map(normalized) {
            return Err(by_hand(
                &format!("The change to model {key}"),
                "the generated operations do not reproduce it",
            ));
        }
    }
    Ok(())
}

/// Per-app operations and dependencies: foreign keys to other apps, and apps whose
/// references must go before a model they point at is deleted.
fn group(operations: Vec<(String, Operation)>, delete_after: &[(String, String)]) -> Changes {
    let mut changes = Changes::default();
    for (app, operation) in operations {
        let entry = changes.per_app.entry(app.clone()).or_default();
        for target_app in referenced_apps(&operation) {
            if target_app != app {
                entry.dependencies.push((target_app, LATEST.to_owned()));
            }
        }
        entry.operations.push(operation);
    }
    for (app, other) in delete_after {
        if changes.per_app.contains_key(other)
            && let Some(entry) = changes.per_app.get_mut(app)
        {
            entry.dependencies.push((other.clone(), LATEST.to_owned()));
        }
    }
    for entry in changes.per_app.values_mut() {
        entry.dependencies.sort();
        entry.dependencies.dedup();
    }
    changes
}

/// The apps of the models an operation's foreign keys point at.
fn referenced_apps(operation: &Operation) -> Vec<String> {
    let fields = match operation {
        Operation::CreateModel { fields, .. } => fields.iter().collect(),
        Operation::AddField { field, .. } | Operation::AlterField { field, .. } => vec![field],
        _ => Vec::new(),
    };
    fields
        .into_iter()
        .filter_map(|f| f.field_type.related_model())
        .filter_map(|to| to.split_once('.').map(|(app, _)| app.to_owned()))
        .collect()
}

/// The apps with changes, each after those it depends on; a cycle is an error.
fn app_order(changes: &Changes) -> Result<Vec<String>> {
    let mut order: Vec<String> = Vec::new();
    let mut left: Vec<&String> = changes.per_app.keys().collect();
    while !left.is_empty() {
        let ready = left.iter().position(|app| {
            let dependencies = changes.per_app.get(*app).map(|c| c.dependencies.as_slice());
            dependencies
                .unwrap_or_default()
                .iter()
                .all(|(dep, _)| !left.contains(&dep) || dep == *app)
        });
        let Some(ready) = ready else {
            let apps: Vec<&str> = left.iter().map(|a| a.as_str()).collect();
            return Err(by_hand(
                &format!("The changes to apps {}", apps.join(", ")),
                "their new migrations would depend on each other",
            ));
        };
        order.push(left.remove(ready).clone());
    }
    Ok(order)
}

/// The state of one run.
struct Detector<'a> {
    /// `from`, with the operations generated so far applied.
    current: ProjectState,
    to: &'a ProjectState,
    questioner: &'a mut dyn Questioner,
    operations: Vec<(String, Operation)>,
    /// `(app, other app)`: app deletes a model other app referred to.
    delete_after: Vec<(String, String)>,
    /// `from` with model renames applied: who referred to what before this run.
    after_renames: ProjectState,
}

impl Detector<'_> {
    fn generate(&mut self) -> Result<()> {
        self.renamed_models()?;
        self.after_renames = self.current.clone();
        self.renamed_fields()?;
        self.removed_indexes_and_together()?;
        self.created_models()?;
        self.removed_fields()?;
        self.added_fields()?;
        self.altered_fields()?;
        self.deleted_models()?;
        self.added_indexes_together_and_options()
    }

    /// Records an operation and applies it to `current`.
    fn emit(&mut self, app: &str, operation: Operation) -> Result<()> {
        self.current.apply(app, &operation).map_err(|e| {
            by_hand(
                &format!("The change \"{}\"", operation.describe()),
                e.message(),
            )
        })?;
        self.operations.push((app.to_owned(), operation));
        Ok(())
    }

    /// Keys of models in both states.
    fn kept(&self) -> Vec<String> {
        self.to
            .models
            .keys()
            .filter(|k| self.current.models.contains_key(*k))
            .cloned()
            .collect()
    }

    /// `(current, target)` versions of a kept model.
    fn pair(&self, key: &str) -> Option<(ModelMeta, ModelMeta)> {
        Some((
            self.current.models.get(key)?.clone(),
            self.to.models.get(key)?.clone(),
        ))
    }
}

#[cfg(test)]
mod tests;
