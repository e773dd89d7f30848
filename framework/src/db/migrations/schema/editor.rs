//! What each backend implements, and how operations map onto it.

use super::Backend;
use super::columns;
use super::derived::{Derived, Diff, Renames, derived, diff};
use super::links::{LinkChanges, columns_only};
use crate::db::migrations::error::{BY_HAND, MigrationError, Result};
use crate::db::migrations::operations::Operation;
use crate::db::migrations::state::ProjectState;
use crate::db::models::{FieldMeta, ModelMeta};

/// The field and column renames between two versions of a field.
pub(crate) fn renames<'a>(old: &'a FieldMeta, new: &'a FieldMeta) -> Renames<'a> {
    Renames {
        field: (old.name != new.name).then_some((old.name.as_str(), new.name.as_str())),
        column: (old.column != new.column).then_some((old.column.as_str(), new.column.as_str())),
    }
}

/// One operation's context: the backend and the models before and after it.
pub(crate) struct Change<'a> {
    pub backend: Backend,
    pub app: &'a str,
    pub before: &'a ProjectState,
    pub after: &'a ProjectState,
}

/// What each backend implements; `Change::run` maps operations onto it.
pub(crate) trait Editor {
    fn create_model(&self, c: &Change<'_>, model: &ModelMeta) -> Result<Vec<String>>;
    fn rename_table(
        &self,
        c: &Change<'_>,
        before: &ModelMeta,
        after: &ModelMeta,
    ) -> Result<Vec<String>>;
    fn add_field(
        &self,
        c: &Change<'_>,
        before: &ModelMeta,
        after: &ModelMeta,
        field: &FieldMeta,
    ) -> Result<Vec<String>>;
    fn remove_field(
        &self,
        c: &Change<'_>,
        before: &ModelMeta,
        after: &ModelMeta,
        field: &FieldMeta,
    ) -> Result<Vec<String>>;
    /// `new` is the operation's field: its default may be a one-off value for NULL rows.
    fn alter_field(
        &self,
        c: &Change<'_>,
        before: &ModelMeta,
        after: &ModelMeta,
        old: &FieldMeta,
        new: &FieldMeta,
    ) -> Result<Vec<String>>;
    /// Indexes and constraints only (`AddIndex`, `RemoveIndex`, `AlterUniqueTogether`).
    fn sync_derived(
        &self,
        c: &Change<'_>,
        before: &ModelMeta,
        after: &ModelMeta,
    ) -> Result<Vec<String>>;
}

impl Change<'_> {
    /// The SQL of `operation`: its tables' changes, and its link tables' (dropped first,
    /// created and altered last, so foreign keys always have a table to point at).
    pub(super) fn run(&self, editor: &dyn Editor, operation: &Operation) -> Result<Vec<String>> {
        let links = LinkChanges::new(self.before, self.after, self.app, operation);
        let mut sql: Vec<String> = links.dropped.iter().map(|l| self.drop_table(l)).collect();
        sql.extend(self.run_tables(editor, operation)?);
        for link in &links.created {
            sql.extend(editor.create_model(self, link)?);
        }
        for (old, new) in &links.changed {
            sql.extend(self.alter_link(editor, old, new)?);
        }
        Ok(sql)
    }

    fn drop_table(&self, model: &ModelMeta) -> String {
        format!("DROP TABLE {}", self.backend.quote(&model.db_table))
    }

    /// The operation's SQL on its model's own table, which holds no many-to-many field.
    fn run_tables(&self, editor: &dyn Editor, operation: &Operation) -> Result<Vec<String>> {
        let before = |name: &str| self.model(self.before, name).map(columns_only);
        let after = |name: &str| self.model(self.after, name).map(columns_only);
        match operation {
            Operation::CreateModel { name, .. } => editor.create_model(self, &after(name)?),
            Operation::DeleteModel { name } => Ok(vec![self.drop_table(&before(name)?)]),
            Operation::RenameModel { old_name, new_name } => {
                editor.rename_table(self, &before(old_name)?, &after(new_name)?)
            }
            Operation::AlterModelTable { name, .. } => {
                editor.rename_table(self, &before(name)?, &after(name)?)
            }
            Operation::AlterModelOptions { .. } | Operation::RunSql(_) => Ok(Vec::new()),
            Operation::AddField { field, .. } if !field.has_column() => Ok(Vec::new()),
            Operation::AddField {
                model_name, field, ..
            } => {
                if field.primary_key {
                    let what = format!(
                        "Adding primary key {}.{}",
                        model_name.to_lowercase(),
                        field.name
                    );
                    return Err(MigrationError::unsupported(format!("{what} {BY_HAND}")));
                }
                editor.add_field(self, &before(model_name)?, &after(model_name)?, field)
            }
            Operation::RemoveField { model_name, name } => {
                let model = self.model(self.before, model_name)?;
                let field = self.field(model, name)?;
                if !field.has_column() {
                    return Ok(Vec::new());
                }
                editor.remove_field(self, &columns_only(model), &after(model_name)?, field)
            }
            Operation::AlterField {
                model_name,
                name,
                field,
                ..
            } => {
                let model = self.model(self.before, model_name)?;
                let old = self.field(model, name)?;
                self.check_alter(model, old, field)?;
                if !field.has_column() {
                    return Ok(Vec::new());
                }
                editor.alter_field(self, &columns_only(model), &after(model_name)?, old, field)
            }
            Operation::RenameField {
                model_name,
                old_name,
                new_name,
            } => {
                if !self
                    .field(self.model(self.before, model_name)?, old_name)?
                    .has_column()
                {
                    return Ok(Vec::new()); // only its link table moves
                }
                let (model, new_model) = (before(model_name)?, after(model_name)?);
                let old = self.field(&model, old_name)?;
                let new = self.field(&new_model, new_name)?;
                editor.alter_field(self, &model, &new_model, old, new)
            }
            Operation::AddIndex { model_name, .. } | Operation::RemoveIndex { model_name, .. } => {
                editor.sync_derived(self, &before(model_name)?, &after(model_name)?)
            }
            Operation::AlterUniqueTogether { name, .. } => {
                editor.sync_derived(self, &before(name)?, &after(name)?)
            }
        }
    }

    /// Renames a kept link table and its columns (a renamed field or model). Each step runs
    /// against the models of both sides, so a foreign key to a renamed model resolves whichever
    /// name it carries at that step.
    fn alter_link(
        &self,
        editor: &dyn Editor,
        old: &ModelMeta,
        new: &ModelMeta,
    ) -> Result<Vec<String>> {
        let mut both = self.after.clone();
        for (key, model) in &self.before.models {
            both.models
                .entry(key.clone())
                .or_insert_with(|| model.clone());
        }
        let step = Change {
            backend: self.backend,
            app: self.app,
            before: &both,
            after: &both,
        };
        let mut sql = Vec::new();
        let mut current = old.clone();
        if old.db_table != new.db_table {
            current.db_table = new.db_table.clone();
            sql.extend(editor.rename_table(&step, old, &current)?);
        }
        for (index, field) in new.fields.iter().enumerate() {
            let previous = current.fields[index].clone();
            if previous == *field {
                continue;
            }
            let mut next = current.clone();
            next.fields[index] = field.clone();
            next.unique_together = vec![next.fields[1..].iter().map(|f| f.name.clone()).collect()];
            sql.extend(editor.alter_field(&step, &current, &next, &previous, field)?);
            current = next;
        }
        Ok(sql)
    }

    fn model<'s>(&self, state: &'s ProjectState, name: &str) -> Result<&'s ModelMeta> {
        state.get(self.app, name).ok_or_else(|| {
            MigrationError::history(format!(
                "no such model {}.{}",
                self.app,
                name.to_lowercase()
            ))
        })
    }

    fn field<'m>(&self, model: &'m ModelMeta, name: &str) -> Result<&'m FieldMeta> {
        model
            .get_field(name)
            .ok_or_else(|| MigrationError::history(format!("no such field {}.{name}", model.key())))
    }

    /// Primary key changes need data moves pony does not generate, and so does turning a
    /// column into a many-to-many field or back.
    fn check_alter(&self, model: &ModelMeta, old: &FieldMeta, new: &FieldMeta) -> Result<()> {
        let what = if old.has_column() != new.has_column() {
            Some(format!(
                "Changing {}.{} between a column and a many-to-many field",
                model.key(),
                old.name
            ))
        } else if !old.has_column() {
            None
        } else if old.primary_key != new.primary_key {
            Some(format!(
                "Changing which field is the primary key of {}",
                model.key()
            ))
        } else if old.primary_key
            && (columns::data_type(self.backend, self.before, old)?
                != columns::data_type(self.backend, self.after, new)?
                || old.is_auto() != new.is_auto())
        {
            Some(format!(
                "Changing the type of primary key {}.{}",
                model.key(),
                old.name
            ))
        } else {
            None
        };
        match what {
            Some(what) => Err(MigrationError::unsupported(format!("{what} {BY_HAND}"))),
            None => Ok(()),
        }
    }

    /// The objects of both versions of a model, and what changes between them.
    pub(crate) fn diff(
        &self,
        before: &ModelMeta,
        after: &ModelMeta,
        renames: Renames<'_>,
    ) -> Result<Diff> {
        let old: Vec<Derived> = derived(self.backend, self.before, before)?;
        let new: Vec<Derived> = derived(self.backend, self.after, after)?;
        Ok(diff(&old, &new, renames))
    }
}
