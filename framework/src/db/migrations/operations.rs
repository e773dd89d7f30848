//! The operations a migration is made of, as Django names them.
//!
//! Model names, as Django writes them: `CreateModel`, `DeleteModel` and `RenameModel` carry
//! the model's name as written (`Article`); the other operations carry it in lower case
//! (`article`). Lookups ignore case either way.

use serde::{Deserialize, Serialize};

use super::options::ModelOptions;
use crate::db::models::{FieldMeta, IndexMeta};

/// One step of a migration (written as a `[[operations]]` table with `type = "…"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum Operation {
    /// Creates a model and its table.
    CreateModel {
        /// The model's name (`Article`).
        name: String,
        /// Its fields, in order.
        fields: Vec<FieldMeta>,
        /// Its options, defaults left out.
        #[serde(default, skip_serializing_if = "ModelOptions::is_empty")]
        options: ModelOptions,
    },
    /// Drops a model and its table.
    DeleteModel {
        /// The model's name.
        name: String,
    },
    /// Renames a model (and its table, unless the table name is custom).
    RenameModel {
        /// The current name.
        old_name: String,
        /// The new name.
        new_name: String,
    },
    /// Changes options that do not touch the database (ordering, verbose names).
    AlterModelOptions {
        /// The model's name.
        name: String,
        /// The new ordering.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ordering: Vec<String>,
        /// The new verbose name; empty for the default.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        verbose_name: String,
        /// The new plural verbose name; empty for the default.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        verbose_name_plural: String,
    },
    /// Renames a model's table (a custom `db_table`).
    AlterModelTable {
        /// The model's name.
        name: String,
        /// The new table; empty for the default `<app>_<model>`.
        #[serde(default)]
        table: String,
    },
    /// Adds a field (a column).
    AddField {
        /// The model, in lower case.
        model_name: String,
        /// The new field.
        field: FieldMeta,
        /// `false` when `field.default` is a one-off value for existing rows only.
        #[serde(default = "yes", skip_serializing_if = "is_true")]
        preserve_default: bool,
    },
    /// Removes a field (drops its column).
    RemoveField {
        /// The model, in lower case.
        model_name: String,
        /// The field's name.
        name: String,
    },
    /// Changes a field's definition.
    AlterField {
        /// The model, in lower case.
        model_name: String,
        /// The field's name.
        name: String,
        /// The new definition.
        field: FieldMeta,
        /// `false` when `field.default` is a one-off value for existing NULL rows only.
        #[serde(default = "yes", skip_serializing_if = "is_true")]
        preserve_default: bool,
    },
    /// Renames a field (and its column, unless the column name is custom).
    RenameField {
        /// The model, in lower case.
        model_name: String,
        /// The current name.
        old_name: String,
        /// The new name.
        new_name: String,
    },
    /// Creates a named index.
    AddIndex {
        /// The model, in lower case.
        model_name: String,
        /// The index.
        index: IndexMeta,
    },
    /// Drops a named index.
    RemoveIndex {
        /// The model, in lower case.
        model_name: String,
        /// The index's name.
        name: String,
    },
    /// Sets a model's `unique_together` (replacing the previous groups).
    AlterUniqueTogether {
        /// The model, in lower case.
        name: String,
        /// The new groups.
        #[serde(default)]
        unique_together: Vec<Vec<String>>,
    },
    /// Raw SQL, per backend (Django's `RunSQL`).
    #[serde(rename = "RunSQL")]
    RunSql(RunSql),
}

/// The SQL of a `RunSQL` operation.
///
/// A backend whose SQL is `None` cannot run the operation unless no backend has SQL (a pure
/// state change); `Some("")` does nothing there. Without reverse SQL the operation cannot
/// be unapplied. Each string is run as one batch, so it may hold several statements.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSql {
    /// SQL for SQLite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sqlite: Option<String>,
    /// SQL for PostgreSQL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postgresql: Option<String>,
    /// SQL for MySQL / MariaDB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mysql: Option<String>,
    /// SQL undoing `sqlite`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverse_sqlite: Option<String>,
    /// SQL undoing `postgresql`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverse_postgresql: Option<String>,
    /// SQL undoing `mysql`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverse_mysql: Option<String>,
    /// What the SQL changes in the models, for the migration state (Django's
    /// `state_operations`); they produce no SQL themselves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub state_operations: Vec<Operation>,
}

fn yes() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}

impl Operation {
    /// Django's one-line description, as `makemigrations` lists it.
    pub fn describe(&self) -> String {
        match self {
            Operation::CreateModel { name, .. } => format!("Create model {name}"),
            Operation::DeleteModel { name } => format!("Delete model {name}"),
            Operation::RenameModel { old_name, new_name } => {
                format!("Rename model {old_name} to {new_name}")
            }
            Operation::AlterModelOptions { name, .. } => format!("Change Meta options on {name}"),
            Operation::AlterModelTable { name, table } => {
                let table = if table.is_empty() { "(default)" } else { table };
                format!("Rename table for {name} to {table}")
            }
            Operation::AddField {
                model_name, field, ..
            } => format!("Add field {} to {model_name}", field.name),
            Operation::RemoveField { model_name, name } => {
                format!("Remove field {name} from {model_name}")
            }
            Operation::AlterField {
                model_name, name, ..
            } => format!("Alter field {name} on {model_name}"),
            Operation::RenameField {
                model_name,
                old_name,
                new_name,
            } => format!("Rename field {old_name} on {model_name} to {new_name}"),
            Operation::AddIndex { model_name, index } => format!(
                "Create index {} on field(s) {} of model {model_name}",
                index.name,
                index.fields.join(", ")
            ),
            Operation::RemoveIndex { model_name, name } => {
                format!("Remove index {name} from {model_name}")
            }
            Operation::AlterUniqueTogether {
                name,
                unique_together,
            } => format!(
                "Alter unique_together for {name} ({} constraint(s))",
                unique_together.len()
            ),
            Operation::RunSql(_) => "Raw SQL operation".to_owned(),
        }
    }

    /// The piece of an automatic migration name this operation suggests (Django's
    /// `migration_name_fragment`); `None` for raw SQL.
    pub fn migration_name_fragment(&self) -> Option<String> {
        let lower = |name: &str| name.to_lowercase();
        Some(match self {
            Operation::CreateModel { name, .. } => lower(name),
            Operation::DeleteModel { name } => format!("delete_{}", lower(name)),
            Operation::RenameModel { old_name, new_name } => {
                format!("rename_{}_{}", lower(old_name), lower(new_name))
            }
            Operation::AlterModelOptions { name, .. } => format!("alter_{}_options", lower(name)),
            Operation::AlterModelTable { name, .. } => format!("alter_{}_table", lower(name)),
            Operation::AddField {
                model_name, field, ..
            } => format!("{}_{}", lower(model_name), lower(&field.name)),
            Operation::RemoveField { model_name, name } => {
                format!("remove_{}_{}", lower(model_name), lower(name))
            }
            Operation::AlterField {
                model_name, name, ..
            } => format!("alter_{}_{}", lower(model_name), lower(name)),
            Operation::RenameField {
                model_name,
                old_name,
                new_name,
            } => format!(
                "rename_{}_{}_{}",
                lower(old_name),
                lower(model_name),
                lower(new_name)
            ),
            Operation::AddIndex { model_name, index } => {
                format!("{}_{}", lower(model_name), lower(&index.name))
            }
            Operation::RemoveIndex { model_name, name } => {
                format!("remove_{}_{}", lower(model_name), lower(name))
            }
            Operation::AlterUniqueTogether { name, .. } => {
                format!("alter_{}_unique_together", lower(name))
            }
            Operation::RunSql(_) => return None,
        })
    }

    /// The name of the model this operation changes, as written in the operation
    /// (`None` for raw SQL).
    pub fn model_name(&self) -> Option<&str> {
        match self {
            Operation::CreateModel { name, .. }
            | Operation::DeleteModel { name }
            | Operation::AlterModelOptions { name, .. }
            | Operation::AlterModelTable { name, .. }
            | Operation::AlterUniqueTogether { name, .. } => Some(name),
            Operation::RenameModel { old_name, .. } => Some(old_name),
            Operation::AddField { model_name, .. }
            | Operation::RemoveField { model_name, .. }
            | Operation::AlterField { model_name, .. }
            | Operation::RenameField { model_name, .. }
            | Operation::AddIndex { model_name, .. }
            | Operation::RemoveIndex { model_name, .. } => Some(model_name),
            Operation::RunSql(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::models::FieldType;

    fn all() -> Vec<Operation> {
        let headline = FieldMeta::new("headline", FieldType::CharField { max_length: 100 });
        vec![
            Operation::CreateModel {
                name: "Article".into(),
                fields: vec![],
                options: ModelOptions::default(),
            },
            Operation::AddField {
                model_name: "article".into(),
                field: headline.clone(),
                preserve_default: true,
            },
            Operation::AlterField {
                model_name: "article".into(),
                name: "title".into(),
                field: headline,
                preserve_default: true,
            },
            Operation::RenameField {
                model_name: "article".into(),
                old_name: "title".into(),
                new_name: "headline".into(),
            },
            Operation::RemoveField {
                model_name: "article".into(),
                name: "body".into(),
            },
            Operation::DeleteModel {
                name: "Article".into(),
            },
            Operation::RenameModel {
                old_name: "Post".into(),
                new_name: "Article".into(),
            },
            Operation::AddIndex {
                model_name: "article".into(),
                index: IndexMeta {
                    name: "name".into(),
                    fields: vec!["a".into(), "b".into()],
                    unique: false,
                },
            },
            Operation::RemoveIndex {
                model_name: "article".into(),
                name: "name".into(),
            },
            Operation::AlterUniqueTogether {
                name: "article".into(),
                unique_together: vec![vec!["a".into(), "b".into()]],
            },
            Operation::RunSql(RunSql::default()),
            Operation::AlterModelOptions {
                name: "article".into(),
                ordering: vec![],
                verbose_name: String::new(),
                verbose_name_plural: String::new(),
            },
            Operation::AlterModelTable {
                name: "article".into(),
                table: "news".into(),
            },
        ]
    }

    #[test]
    fn descriptions_follow_django() {
        let lines: Vec<String> = all().iter().map(Operation::describe).collect();
        assert_eq!(
            lines,
            [
                "Create model Article",
                "Add field headline to article",
                "Alter field title on article",
                "Rename field title on article to headline",
                "Remove field body from article",
                "Delete model Article",
                "Rename model Post to Article",
                "Create index name on field(s) a, b of model article",
                "Remove index name from article",
                "Alter unique_together for article (1 constraint(s))",
                "Raw SQL operation",
                "Change Meta options on article",
                "Rename table for article to news",
            ]
        );
    }

    #[test]
    fn name_fragments_follow_django() {
        let fragments: Vec<Option<String>> = all()
            .iter()
            .map(Operation::migration_name_fragment)
            .collect();
        let expected = [
            Some("article"),
            Some("article_headline"),
            Some("alter_article_title"),
            Some("rename_title_article_headline"),
            Some("remove_article_body"),
            Some("delete_article"),
            Some("rename_post_article"),
            Some("article_name"),
            Some("remove_article_name"),
            Some("alter_article_unique_together"),
            None,
            Some("alter_article_options"),
            Some("alter_article_table"),
        ];
        let expected: Vec<Option<String>> = expected.iter().map(|f| f.map(str::to_owned)).collect();
        assert_eq!(fragments, expected);
    }
}
