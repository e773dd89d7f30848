//! Field, index, `unique_together` and option changes of kept models.

use super::{Detector, by_hand};
use crate::db::migrations::error::{ErrorKind, MigrationError, Result};
use crate::db::migrations::operations::Operation;
use crate::db::migrations::options::ModelOptions;
use crate::db::migrations::questioner::NotNullAnswer;
use crate::db::models::{DefaultValue, FieldMeta, FieldType, ModelMeta};

/// The definition without name and column, to spot renames.
fn definition(field: &FieldMeta) -> FieldMeta {
    let mut field = field.clone();
    field.name = String::new();
    field.column = String::new();
    field
}

/// Whether existing rows need a value from the user: NOT NULL, no default, and none of
/// Django's implicit ones (`''` for blank text, now for `auto_now`/`auto_now_add` dates).
fn needs_default(field: &FieldMeta) -> bool {
    let text = matches!(
        field.field_type,
        FieldType::CharField { .. } | FieldType::EmailField { .. } | FieldType::TextField
    );
    let date = matches!(
        field.field_type,
        FieldType::DateField | FieldType::DateTimeField
    );
    field.has_column()
        && !field.null
        && field.default.is_none()
        && !(field.blank && text)
        && !(date && (field.auto_now || field.auto_now_add))
}

fn sorted(groups: &[Vec<String>]) -> Vec<Vec<String>> {
    let mut groups = groups.to_vec();
    groups.sort();
    groups.dedup();
    groups
}

fn lower(model: &ModelMeta) -> String {
    model.name.to_lowercase()
}

impl Detector<'_> {
    /// A removed and an added field with the same definition may be a rename: ask. One that
    /// keeps its column (`author_id: BigIntegerField` becoming the foreign key `author`, column
    /// `author_id`) is the same data under a new name: renamed without asking, and then altered,
    /// never dropped and re-added.
    pub(super) fn renamed_fields(&mut self) -> Result<()> {
        for key in self.kept() {
            let Some((old, new)) = self.pair(&key) else {
                continue;
            };
            let mut removed: Vec<&FieldMeta> = old
                .fields
                .iter()
                .filter(|f| new.get_field(&f.name).is_none())
                .collect();
            for added in new
                .fields
                .iter()
                .filter(|f| old.get_field(&f.name).is_none())
            {
                let found = removed.iter().position(|candidate| {
                    candidate.has_column() && candidate.column == added.column
                        || definition(candidate) == definition(added)
                            && self.questioner.ask_rename(
                                &lower(&new),
                                &candidate.name,
                                &added.name,
                                added.field_type.name(),
                            )
                });
                if let Some(found) = found {
                    let candidate = removed.remove(found);
                    let rename = Operation::RenameField {
                        model_name: lower(&new),
                        old_name: candidate.name.clone(),
                        new_name: added.name.clone(),
                    };
                    self.emit(&new.app_label, rename)?;
                }
            }
        }
        Ok(())
    }

    /// Indexes that go or change, and `unique_together` groups that go, before fields do.
    pub(super) fn removed_indexes_and_together(&mut self) -> Result<()> {
        for key in self.kept() {
            let Some((old, new)) = self.pair(&key) else {
                continue;
            };
            for index in &old.indexes {
                if !new.indexes.contains(index) {
                    let remove = Operation::RemoveIndex {
                        model_name: lower(&new),
                        name: index.name.clone(),
                    };
                    self.emit(&new.app_label, remove)?;
                }
            }
            let kept: Vec<Vec<String>> = old
                .unique_together
                .iter()
                .filter(|g| new.unique_together.contains(g))
                .cloned()
                .collect();
            if sorted(&kept) != sorted(&old.unique_together) {
                let alter = Operation::AlterUniqueTogether {
                    name: lower(&new),
                    unique_together: kept,
                };
                self.emit(&new.app_label, alter)?;
            }
        }
        Ok(())
    }

    pub(super) fn removed_fields(&mut self) -> Result<()> {
        for key in self.kept() {
            let Some((old, new)) = self.pair(&key) else {
                continue;
            };
            for field in old
                .fields
                .iter()
                .filter(|f| new.get_field(&f.name).is_none())
            {
                if field.primary_key {
                    return Err(by_hand(
                        &format!("Changing the primary key of {key}"),
                        &format!("{} is removed", field.name),
                    ));
                }
                let remove = Operation::RemoveField {
                    model_name: lower(&new),
                    name: field.name.clone(),
                };
                self.emit(&new.app_label, remove)?;
            }
        }
        Ok(())
    }

    pub(super) fn added_fields(&mut self) -> Result<()> {
        for key in self.kept() {
            let Some((old, new)) = self.pair(&key) else {
                continue;
            };
            for field in new
                .fields
                .iter()
                .filter(|f| old.get_field(&f.name).is_none())
            {
                if field.primary_key {
                    return Err(by_hand(
                        &format!("Changing the primary key of {key}"),
                        &format!("{} is added", field.name),
                    ));
                }
                let mut field = field.clone();
                let mut preserve_default = true;
                if needs_default(&field) {
                    let answer = self
                        .questioner
                        .ask_not_null_addition(&lower(&new), &field.name)?;
                    let message = format!(
                        "Stopped: the new non-nullable field '{}' on {} needs a value for existing rows. Give it a default or make it nullable (an `Option`), then run makemigrations again.",
                        field.name,
                        lower(&new)
                    );
                    field.default = Some(provided(answer, message)?);
                    preserve_default = false;
                }
                let add = Operation::AddField {
                    model_name: lower(&new),
                    field,
                    preserve_default,
                };
                self.emit(&new.app_label, add)?;
            }
        }
        Ok(())
    }

    pub(super) fn altered_fields(&mut self) -> Result<()> {
        for key in self.kept() {
            let Some((old, new)) = self.pair(&key) else {
                continue;
            };
            for field in &new.fields {
                let Some(before) = old.get_field(&field.name) else {
                    continue;
                };
                if before == field {
                    continue;
                }
                if before.primary_key != field.primary_key
                    || (field.primary_key && before.field_type != field.field_type)
                {
                    return Err(by_hand(
                        &format!("Changing the primary key of {key}"),
                        &format!(
                            "field {} changes from {} to {}",
                            field.name,
                            before.field_type.name(),
                            field.field_type.name()
                        ),
                    ));
                }
                let mut field = field.clone();
                let mut preserve_default = true;
                if before.null && needs_default(&field) {
                    let answer = self
                        .questioner
                        .ask_not_null_alteration(&lower(&new), &field.name)?;
                    let message = format!(
                        "Stopped: field '{}' on {} becomes non-nullable and needs a value for existing NULL rows. Give it a default or keep it nullable, then run makemigrations again.",
                        field.name,
                        lower(&new)
                    );
                    field.default = Some(provided(answer, message)?);
                    preserve_default = false;
                }
                let alter = Operation::AlterField {
                    model_name: lower(&new),
                    name: field.name.clone(),
                    field,
                    preserve_default,
                };
                self.emit(&new.app_label, alter)?;
            }
        }
        Ok(())
    }

    /// New `unique_together`, new or changed indexes, options and table names.
    pub(super) fn added_indexes_together_and_options(&mut self) -> Result<()> {
        for key in self.to.models.keys().cloned().collect::<Vec<_>>() {
            let Some((old, new)) = self.pair(&key) else {
                continue;
            };
            let (app, name) = (new.app_label.clone(), lower(&new));
            if sorted(&old.unique_together) != sorted(&new.unique_together) {
                let alter = Operation::AlterUniqueTogether {
                    name: name.clone(),
                    unique_together: new.unique_together.clone(),
                };
                self.emit(&app, alter)?;
            }
            for index in new.indexes.iter().filter(|i| !old.indexes.contains(i)) {
                let add = Operation::AddIndex {
                    model_name: name.clone(),
                    index: index.clone(),
                };
                self.emit(&app, add)?;
            }
            let (was, is) = (ModelOptions::from_meta(&old), ModelOptions::from_meta(&new));
            let display = |o: &ModelOptions| {
                (
                    o.ordering.clone(),
                    o.verbose_name.clone(),
                    o.verbose_name_plural.clone(),
                )
            };
            if display(&was) != display(&is) {
                let alter = Operation::AlterModelOptions {
                    name: name.clone(),
                    ordering: is.ordering.clone(),
                    verbose_name: is.verbose_name.clone(),
                    verbose_name_plural: is.verbose_name_plural.clone(),
                };
                self.emit(&app, alter)?;
            }
            if old.db_table != new.db_table {
                let alter = Operation::AlterModelTable {
                    name: name.clone(),
                    table: is.db_table,
                };
                self.emit(&app, alter)?;
            }
        }
        Ok(())
    }
}

/// The user's one-off default, or the error for quitting.
fn provided(answer: NotNullAnswer, message: String) -> Result<DefaultValue> {
    match answer {
        NotNullAnswer::ProvideDefault(value) => Ok(value),
        NotNullAnswer::Quit => Err(MigrationError::new(ErrorKind::Aborted, message)),
    }
}
