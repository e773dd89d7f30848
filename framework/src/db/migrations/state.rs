//! The models as the migrations describe them, and how each operation changes them.

use std::collections::BTreeMap;

use super::error::{MigrationError, Result};
use super::operations::Operation;
use super::options::{DisplayNames, default_table};
use crate::db::models::{FieldMeta, IndexMeta, ModelMeta};

/// Every model of the project at one point of the migration history (Django's
/// `ProjectState`), keyed by `app.model` in lower case.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectState {
    /// The models by key (`articles.article`).
    pub models: BTreeMap<String, ModelMeta>,
}

/// `app.model` in lower case.
pub fn model_key(app_label: &str, model_name: &str) -> String {
    format!("{app_label}.{}", model_name.to_lowercase())
}

impl ProjectState {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// A state holding these models (typically the compiled ones).
    pub fn from_models(models: impl IntoIterator<Item = ModelMeta>) -> Self {
        ProjectState {
            models: models.into_iter().map(|m| (m.key(), m)).collect(),
        }
    }

    /// A model by app and name (any case).
    pub fn get(&self, app_label: &str, model_name: &str) -> Option<&ModelMeta> {
        self.models.get(&model_key(app_label, model_name))
    }

    /// A model by key (`auth.user`, any case).
    pub fn get_key(&self, key: &str) -> Option<&ModelMeta> {
        self.models.get(&key.to_lowercase())
    }

    /// The models of one app.
    pub fn app_models<'a>(&'a self, app_label: &'a str) -> impl Iterator<Item = &'a ModelMeta> {
        self.models
            .values()
            .filter(move |m| m.app_label == app_label)
    }

    /// Replays `operation` of app `app_label` onto this state; an error (and an unchanged
    /// state) when it does not fit, e.g. "cannot alter field article.nope: no such field".
    pub fn apply(&mut self, app_label: &str, operation: &Operation) -> Result<()> {
        let mut next = self.clone();
        next.apply_in_place(app_label, operation)?;
        *self = next;
        Ok(())
    }

    fn apply_in_place(&mut self, app: &str, operation: &Operation) -> Result<()> {
        match operation {
            Operation::CreateModel {
                name,
                fields,
                options,
            } => {
                let action = format!("cannot create model {app}.{name}");
                let key = model_key(app, name);
                if self.models.contains_key(&key) {
                    return Err(fail(&action, "it already exists"));
                }
                let mut model = ModelMeta::new(app, name);
                model.fields = fields.clone();
                options.apply_to(&mut model);
                check_model(&model).map_err(|e| fail(&action, &e))?;
                self.models.insert(key, model);
                for field in fields {
                    self.check_target(&action, field)?;
                }
            }
            Operation::DeleteModel { name } => {
                let key = model_key(app, name);
                let action = format!("cannot delete model {app}.{name}");
                self.model(app, name, &action)?;
                if let Some(user) = self.referrers(&key).into_iter().find(|r| r.0 != key) {
                    let why = format!("{}.{} still refers to it", user.0, user.1);
                    return Err(fail(&action, &why));
                }
                self.models.remove(&key);
            }
            Operation::RenameModel { old_name, new_name } => {
                self.rename_model(app, old_name, new_name)?;
            }
            Operation::AlterModelOptions {
                name,
                ordering,
                verbose_name,
                verbose_name_plural,
            } => {
                let model = self.model_mut(app, name, &format!("cannot alter {app}.{name}"))?;
                model.ordering = ordering.clone();
                DisplayNames {
                    db_table: model.db_table.clone(),
                    verbose_name: verbose_name.clone(),
                    verbose_name_plural: verbose_name_plural.clone(),
                }
                .apply_to(model);
            }
            Operation::AlterModelTable { name, table } => {
                let action = format!("cannot alter the table of {app}.{name}");
                let model = self.model_mut(app, name, &action)?;
                model.db_table = if table.is_empty() {
                    default_table(app, &model.name)
                } else {
                    table.clone()
                };
            }
            Operation::AddField {
                model_name,
                field,
                preserve_default,
            } => {
                let action = format!("cannot add field {}.{}", lower(model_name), field.name);
                let model = self.model_mut(app, model_name, &action)?;
                if model.get_field(&field.name).is_some() {
                    return Err(fail(&action, "it already exists"));
                }
                let mut field = field.clone();
                if !preserve_default {
                    field.default = None;
                }
                model.fields.push(field.clone());
                check_model(model).map_err(|e| fail(&action, &e))?;
                self.check_target(&action, &field)?;
            }
            Operation::RemoveField { model_name, name } => {
                let action = format!("cannot remove field {}.{name}", lower(model_name));
                let model = self.model_mut(app, model_name, &action)?;
                let field = field_of(model, name, &action)?;
                if field.primary_key {
                    return Err(fail(&action, "it is the primary key"));
                }
                if let Some(why) = used_by(model, name) {
                    return Err(fail(&action, &why));
                }
                model.fields.retain(|f| f.name != *name);
            }
            Operation::AlterField {
                model_name,
                name,
                field,
                preserve_default,
            } => {
                let action = format!("cannot alter field {}.{name}", lower(model_name));
                let model = self.model_mut(app, model_name, &action)?;
                field_of(model, name, &action)?;
                if field.name != *name {
                    let why = format!(
                        "the new definition is named {} (use RenameField to rename)",
                        field.name
                    );
                    return Err(fail(&action, &why));
                }
                let mut field = field.clone();
                if !preserve_default {
                    field.default = None;
                }
                if let Some(slot) = model.fields.iter_mut().find(|f| f.name == *name) {
                    *slot = field.clone();
                }
                check_model(model).map_err(|e| fail(&action, &e))?;
                self.check_target(&action, &field)?;
            }
            Operation::RenameField {
                model_name,
                old_name,
                new_name,
            } => {
                let action = format!("cannot rename field {}.{old_name}", lower(model_name));
                let model = self.model_mut(app, model_name, &action)?;
                field_of(model, old_name, &action)?;
                if old_name != new_name && model.get_field(new_name).is_some() {
                    return Err(fail(&action, &format!("{new_name} already exists")));
                }
                rename_field(model, old_name, new_name);
                check_model(model).map_err(|e| fail(&action, &e))?;
            }
            Operation::AddIndex { model_name, index } => {
                let action = format!("cannot add index {} to {}", index.name, lower(model_name));
                if let Some(other) = self.index_owner(&index.name) {
                    return Err(fail(
                        &action,
                        &format!("{other} already has an index of that name"),
                    ));
                }
                let model = self.model_mut(app, model_name, &action)?;
                model.indexes.push(index.clone());
                check_model(model).map_err(|e| fail(&action, &e))?;
            }
            Operation::RemoveIndex { model_name, name } => {
                let action = format!("cannot remove index {name} from {}", lower(model_name));
                let model = self.model_mut(app, model_name, &action)?;
                if !model.indexes.iter().any(|i| i.name == *name) {
                    return Err(fail(&action, "no such index"));
                }
                model.indexes.retain(|i| i.name != *name);
            }
            Operation::AlterUniqueTogether {
                name,
                unique_together,
            } => {
                let action = format!("cannot alter unique_together of {}", lower(name));
                let model = self.model_mut(app, name, &action)?;
                model.unique_together = unique_together.clone();
                check_model(model).map_err(|e| fail(&action, &e))?;
            }
            Operation::RunSql(run) => {
                for operation in &run.state_operations {
                    self.apply_in_place(app, operation)?;
                }
            }
        }
        Ok(())
    }

    fn rename_model(&mut self, app: &str, old_name: &str, new_name: &str) -> Result<()> {
        let action = format!("cannot rename model {app}.{old_name}");
        let old_key = model_key(app, old_name);
        let new_key = model_key(app, new_name);
        let mut model = self.model(app, old_name, &action)?.clone();
        if old_key != new_key && self.models.contains_key(&new_key) {
            return Err(fail(&action, &format!("{app}.{new_name} already exists")));
        }
        self.models.remove(&old_key);
        let names = DisplayNames::from_meta(&model);
        model.name = new_name.to_owned();
        names.apply_to(&mut model);
        self.models.insert(new_key.clone(), model);
        for other in self.models.values_mut() {
            for field in &mut other.fields {
                if let Some(to) = field.field_type.related_model_mut()
                    && to.to_lowercase() == old_key
                {
                    *to = new_key.clone();
                }
            }
        }
        Ok(())
    }

    fn model(&self, app: &str, name: &str, action: &str) -> Result<&ModelMeta> {
        self.get(app, name)
            .ok_or_else(|| fail(action, &format!("no such model {}", model_key(app, name))))
    }

    fn model_mut(&mut self, app: &str, name: &str, action: &str) -> Result<&mut ModelMeta> {
        let key = model_key(app, name);
        self.models
            .get_mut(&key)
            .ok_or_else(|| fail(action, &format!("no such model {key}")))
    }

    /// `(model key, field name)` of every relation (foreign key or many-to-many) pointing at
    /// `key`.
    pub fn referrers(&self, key: &str) -> Vec<(String, String)> {
        let mut found = Vec::new();
        for (model_key, model) in &self.models {
            for field in &model.fields {
                if let Some(to) = field.field_type.related_model()
                    && to.to_lowercase() == key
                {
                    found.push((model_key.clone(), field.name.clone()));
                }
            }
        }
        found
    }

    fn check_target(&self, action: &str, field: &FieldMeta) -> Result<()> {
        if let Some(to) = field.field_type.related_model() {
            let Some(target) = self.get_key(to) else {
                let why = format!(
                    "{} refers to {to}, which does not exist (is a dependency on its app missing?)",
                    field.name
                );
                return Err(fail(action, &why));
            };
            if target.pk().is_none() {
                return Err(fail(action, &format!("{to} has no primary key")));
            }
        }
        Ok(())
    }

    fn index_owner(&self, name: &str) -> Option<String> {
        self.models
            .iter()
            .find(|(_, m)| m.indexes.iter().any(|i| i.name == name))
            .map(|(key, _)| key.clone())
    }
}

fn lower(name: &str) -> String {
    name.to_lowercase()
}

fn fail(action: &str, why: &str) -> MigrationError {
    MigrationError::history(format!("{action}: {why}"))
}

fn field_of<'a>(model: &'a ModelMeta, name: &str, action: &str) -> Result<&'a FieldMeta> {
    model
        .get_field(name)
        .ok_or_else(|| fail(action, "no such field"))
}

/// Why a field cannot be removed: an index or `unique_together` still uses it.
fn used_by(model: &ModelMeta, name: &str) -> Option<String> {
    if let Some(index) = model
        .indexes
        .iter()
        .find(|i| i.fields.iter().any(|f| f == name))
    {
        return Some(format!(
            "index {} uses it (remove the index first)",
            index.name
        ));
    }
    if model.unique_together.iter().flatten().any(|f| f == name) {
        return Some("unique_together uses it (alter unique_together first)".to_owned());
    }
    None
}

/// Renames a field and every reference to it inside its model.
fn rename_field(model: &mut ModelMeta, old_name: &str, new_name: &str) {
    let rename = |name: &mut String| {
        if name == old_name {
            *name = new_name.to_owned();
        }
    };
    for field in &mut model.fields {
        if field.name == old_name {
            if field.column == field.field_type.default_column(old_name) {
                field.column = field.field_type.default_column(new_name);
            }
            field.name = new_name.to_owned();
        }
    }
    model.unique_together.iter_mut().flatten().for_each(rename);
    model
        .indexes
        .iter_mut()
        .flat_map(|i: &mut IndexMeta| i.fields.iter_mut())
        .for_each(rename);
    for entry in &mut model.ordering {
        let (sign, rest) = match entry.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", entry.as_str()),
        };
        let (head, tail) = match rest.split_once("__") {
            Some((head, tail)) => (head, format!("__{tail}")),
            None => (rest, String::new()),
        };
        if head == old_name {
            *entry = format!("{sign}{new_name}{tail}");
        }
    }
}

/// Internal consistency of one model: unique names and columns, one primary key, indexed
/// fields that exist.
fn check_model(model: &ModelMeta) -> std::result::Result<(), String> {
    for (index, field) in model.fields.iter().enumerate() {
        let earlier = &model.fields[..index];
        if earlier.iter().any(|f| f.name == field.name) {
            return Err(format!("two fields are named {}", field.name));
        }
        if field.has_column() && earlier.iter().any(|f| f.column == field.column) {
            return Err(format!("two fields use column {}", field.column));
        }
    }
    match model.fields.iter().filter(|f| f.primary_key).count() {
        1 => {}
        0 => return Err(format!("{} has no primary key", model.key())),
        _ => return Err(format!("{} has more than one primary key", model.key())),
    }
    let groups = model
        .unique_together
        .iter()
        .map(|g| ("unique_together", g))
        .chain(model.indexes.iter().map(|i| ("an index", &i.fields)));
    for (what, fields) in groups {
        if fields.is_empty() {
            return Err(format!("{what} has no fields"));
        }
        if let Some(missing) = fields.iter().find(|f| model.get_field(f).is_none()) {
            return Err(format!("{what} names {missing}, which is not a field"));
        }
        if let Some(link) = fields
            .iter()
            .find(|f| model.get_field(f).is_some_and(|f| !f.has_column()))
        {
            return Err(format!("{what} names {link}, a many-to-many field"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
