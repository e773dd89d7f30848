//! The operation that undoes another, given the models before it.

use crate::db::migrations::error::{MigrationError, Result};
use crate::db::migrations::operations::Operation;
use crate::db::migrations::options::ModelOptions;
use crate::db::migrations::state::ProjectState;
use crate::db::models::FieldMeta;

/// The operation undoing `operation`, given the models before it.
pub(super) fn inverse(
    before: &ProjectState,
    app: &str,
    operation: &Operation,
) -> Result<Operation> {
    let model = |name: &str| {
        before.get(app, name).ok_or_else(|| {
            MigrationError::history(format!("no such model {app}.{}", name.to_lowercase()))
        })
    };
    let field = |model_name: &str, name: &str| -> Result<FieldMeta> {
        model(model_name)?.get_field(name).cloned().ok_or_else(|| {
            MigrationError::history(format!(
                "no such field {}.{name}",
                model_name.to_lowercase()
            ))
        })
    };
    Ok(match operation {
        Operation::CreateModel { name, .. } => Operation::DeleteModel { name: name.clone() },
        Operation::DeleteModel { name } => {
            let model = model(name)?;
            Operation::CreateModel {
                name: model.name.clone(),
                fields: model.fields.clone(),
                options: ModelOptions::from_meta(model),
            }
        }
        Operation::RenameModel { old_name, new_name } => Operation::RenameModel {
            old_name: new_name.clone(),
            new_name: old_name.clone(),
        },
        Operation::AlterModelOptions { name, .. } => {
            let model = model(name)?;
            let options = ModelOptions::from_meta(model);
            Operation::AlterModelOptions {
                name: name.clone(),
                ordering: options.ordering,
                verbose_name: options.verbose_name,
                verbose_name_plural: options.verbose_name_plural,
            }
        }
        Operation::AlterModelTable { name, .. } => Operation::AlterModelTable {
            name: name.clone(),
            table: model(name)?.db_table.clone(),
        },
        Operation::AddField {
            model_name, field, ..
        } => Operation::RemoveField {
            model_name: model_name.clone(),
            name: field.name.clone(),
        },
        Operation::RemoveField { model_name, name } => Operation::AddField {
            model_name: model_name.clone(),
            field: field(model_name, name)?,
            preserve_default: true,
        },
        Operation::AlterField {
            model_name, name, ..
        } => Operation::AlterField {
            model_name: model_name.clone(),
            name: name.clone(),
            field: field(model_name, name)?,
            preserve_default: true,
        },
        Operation::RenameField {
            model_name,
            old_name,
            new_name,
        } => Operation::RenameField {
            model_name: model_name.clone(),
            old_name: new_name.clone(),
            new_name: old_name.clone(),
        },
        Operation::AddIndex { model_name, index } => Operation::RemoveIndex {
            model_name: model_name.clone(),
            name: index.name.clone(),
        },
        Operation::RemoveIndex { model_name, name } => {
            let index = model(model_name)?.indexes.iter().find(|i| i.name == *name);
            let index = index.cloned().ok_or_else(|| {
                MigrationError::history(format!("no index {name} on {model_name}"))
            })?;
            Operation::AddIndex {
                model_name: model_name.clone(),
                index,
            }
        }
        Operation::AlterUniqueTogether { name, .. } => Operation::AlterUniqueTogether {
            name: name.clone(),
            unique_together: model(name)?.unique_together.clone(),
        },
        Operation::RunSql(run) => Operation::RunSql(run.clone()),
    })
}
