//! Renamed, created and deleted models.

use std::collections::BTreeSet;

use super::{Detector, by_hand};
use crate::db::migrations::error::Result;
use crate::db::migrations::operations::Operation;
use crate::db::migrations::options::ModelOptions;
use crate::db::models::{FieldMeta, ModelMeta};

/// The model's fields sorted by name, with references to itself made neutral, so a
/// renamed model compares equal to its old self.
fn comparable_fields(model: &ModelMeta) -> Vec<FieldMeta> {
    let key = model.key();
    let mut fields = model.fields.clone();
    for field in &mut fields {
        if let Some(to) = field.field_type.related_model_mut()
            && to.to_lowercase() == key
        {
            *to = "self".to_owned();
        }
    }
    fields.sort_by(|a, b| a.name.cmp(&b.name));
    fields
}

/// Relation targets of `model` other than itself.
fn targets(model: &ModelMeta) -> BTreeSet<String> {
    let key = model.key();
    model
        .fields
        .iter()
        .filter_map(|f| f.field_type.related_model())
        .map(str::to_lowercase)
        .filter(|to| *to != key)
        .collect()
}

impl Detector<'_> {
    /// A created and a deleted model of one app with the same fields may be a rename: ask.
    /// A change of case only is always a rename.
    pub(super) fn renamed_models(&mut self) -> Result<()> {
        for key in self.kept() {
            if let Some((old, new)) = self.pair(&key)
                && old.name != new.name
            {
                let rename = Operation::RenameModel {
                    old_name: old.name,
                    new_name: new.name,
                };
                self.emit(&new.app_label, rename)?;
            }
        }
        let created: Vec<ModelMeta> = self
            .created_keys()
            .iter()
            .filter_map(|k| self.to.models.get(k).cloned())
            .collect();
        for new in created {
            let candidates: Vec<ModelMeta> = self
                .current
                .models
                .iter()
                .filter(|(k, m)| !self.to.models.contains_key(*k) && m.app_label == new.app_label)
                .map(|(_, m)| m.clone())
                .collect();
            for old in candidates {
                if comparable_fields(&old) == comparable_fields(&new)
                    && self.questioner.ask_rename_model(&old, &new)
                {
                    let rename = Operation::RenameModel {
                        old_name: old.name.clone(),
                        new_name: new.name.clone(),
                    };
                    self.emit(&new.app_label, rename)?;
                    break;
                }
            }
        }
        Ok(())
    }

    fn created_keys(&self) -> Vec<String> {
        self.to
            .models
            .keys()
            .filter(|k| !self.current.models.contains_key(*k))
            .cloned()
            .collect()
    }

    /// Creates new models, those a foreign key points at first; in a circle of new
    /// models, one foreign key is left out and added once its target exists.
    pub(super) fn created_models(&mut self) -> Result<()> {
        let mut pending: Vec<String> = self.created_keys();
        let mut deferred: Vec<(String, String, FieldMeta)> = Vec::new();
        while !pending.is_empty() {
            let ready = pending.iter().position(|key| {
                self.to
                    .models
                    .get(key)
                    .is_some_and(|m| targets(m).iter().all(|t| !pending.contains(t)))
            });
            let key = pending.remove(ready.unwrap_or(0));
            let Some(mut model) = self.to.models.get(&key).cloned() else {
                continue;
            };
            let waiting: Vec<FieldMeta> = model
                .fields
                .iter()
                .filter(|f| {
                    f.field_type
                        .related_model()
                        .is_some_and(|to| pending.contains(&to.to_lowercase()))
                })
                .cloned()
                .collect();
            for field in &waiting {
                model.fields.retain(|f| f.name != field.name);
                model.unique_together.retain(|g| !g.contains(&field.name));
                model.indexes.retain(|i| !i.fields.contains(&field.name));
                deferred.push((
                    model.app_label.clone(),
                    model.name.to_lowercase(),
                    field.clone(),
                ));
            }
            let create = Operation::CreateModel {
                name: model.name.clone(),
                fields: model.fields.clone(),
                options: ModelOptions::from_meta(&model),
            };
            self.emit(&model.app_label, create)?;
        }
        for (app, model_name, field) in deferred {
            let add = Operation::AddField {
                model_name,
                field,
                preserve_default: true,
            };
            self.emit(&app, add)?;
        }
        Ok(())
    }

    /// Deletes removed models, those pointing at others first; in a circle, the foreign
    /// keys into the circle are removed first.
    pub(super) fn deleted_models(&mut self) -> Result<()> {
        let mut pending: Vec<String> = self
            .current
            .models
            .keys()
            .filter(|k| !self.to.models.contains_key(*k))
            .cloned()
            .collect();
        while !pending.is_empty() {
            let ready = pending.iter().position(|key| {
                self.current
                    .referrers(key)
                    .iter()
                    .all(|(from, _)| from == key)
            });
            let key = pending.remove(ready.unwrap_or(0));
            let Some(model) = self.current.models.get(&key).cloned() else {
                continue;
            };
            for (from, field) in self.current.referrers(&key) {
                if from == key {
                    continue;
                }
                let Some(referrer) = self.current.models.get(&from).cloned() else {
                    continue;
                };
                if !pending.contains(&from) {
                    return Err(by_hand(
                        &format!("Deleting model {key}"),
                        &format!("{from}.{field} still refers to it"),
                    ));
                }
                let remove = Operation::RemoveField {
                    model_name: referrer.name.to_lowercase(),
                    name: field,
                };
                self.emit(&referrer.app_label, remove)?;
            }
            for (from, _) in self.after_renames.referrers(&key) {
                let other = from.split_once('.').map(|(app, _)| app.to_owned());
                if let Some(other) = other.filter(|o| *o != model.app_label) {
                    self.delete_after.push((model.app_label.clone(), other));
                }
            }
            let delete = Operation::DeleteModel {
                name: model.name.clone(),
            };
            self.emit(&model.app_label, delete)?;
        }
        Ok(())
    }
}
