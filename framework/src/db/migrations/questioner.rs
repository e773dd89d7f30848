//! What `makemigrations` asks the user when the model changes are ambiguous.

use super::error::{ErrorKind, MigrationError, Result};
use crate::db::models::{DefaultValue, ModelMeta};

/// The answer to "this NOT NULL field needs a value for existing rows".
#[derive(Debug, Clone, PartialEq)]
pub enum NotNullAnswer {
    /// Fill existing rows with this value (a one-off default, not kept in the model).
    ProvideDefault(DefaultValue),
    /// Stop: the user will change the model instead.
    Quit,
}

/// Answers the autodetector's questions (Django's `MigrationQuestioner`).
pub trait Questioner {
    /// Was model `old` renamed to `new`? (Same app, same fields.)
    fn ask_rename_model(&mut self, old: &ModelMeta, new: &ModelMeta) -> bool;

    /// Was field `old_name` of `model` renamed to `new_name` (a `field_type`)?
    fn ask_rename(&mut self, model: &str, old_name: &str, new_name: &str, field_type: &str)
    -> bool;

    /// A NOT NULL field without default is added to `model`: what goes in existing rows?
    fn ask_not_null_addition(&mut self, model: &str, field: &str) -> Result<NotNullAnswer>;

    /// A nullable field of `model` becomes NOT NULL: what replaces existing NULLs?
    fn ask_not_null_alteration(&mut self, model: &str, field: &str) -> Result<NotNullAnswer>;
}

/// Django's message for a NOT NULL field added without default.
pub fn not_null_addition_message(model: &str, field: &str) -> String {
    format!(
        "It is impossible to add a non-nullable field '{field}' to {model} without specifying a default. This is because the database needs something to populate existing rows. Please either give the field a default, make it nullable (an `Option`), or run makemigrations interactively to provide a one-off default."
    )
}

/// Django's message for a nullable field made NOT NULL without default.
pub fn not_null_alteration_message(model: &str, field: &str) -> String {
    format!(
        "It is impossible to change a nullable field '{field}' on {model} to non-nullable without providing a default. This is because the database needs something to populate existing rows. Please either give the field a default, keep it nullable, or run makemigrations interactively to provide a one-off default."
    )
}

/// For runs without a terminal: never assumes a rename, refuses to invent defaults.
#[derive(Debug, Clone, Copy, Default)]
pub struct NonInteractive;

impl Questioner for NonInteractive {
    fn ask_rename_model(&mut self, _old: &ModelMeta, _new: &ModelMeta) -> bool {
        false
    }

    fn ask_rename(&mut self, _: &str, _: &str, _: &str, _: &str) -> bool {
        false
    }

    fn ask_not_null_addition(&mut self, model: &str, field: &str) -> Result<NotNullAnswer> {
        let message = not_null_addition_message(model, field);
        Err(MigrationError::new(ErrorKind::Aborted, message))
    }

    fn ask_not_null_alteration(&mut self, model: &str, field: &str) -> Result<NotNullAnswer> {
        let message = not_null_alteration_message(model, field);
        Err(MigrationError::new(ErrorKind::Aborted, message))
    }
}

/// Fixed answers, recording every question asked (for tests).
#[derive(Debug, Clone, Default)]
pub struct FixedAnswers {
    /// The answer to every rename question (models and fields).
    pub renames: bool,
    /// The answer to not-null questions; `None` answers `Quit`.
    pub default: Option<DefaultValue>,
    /// The questions asked, one line each (`rename field article.title -> headline`).
    pub asked: Vec<String>,
}

impl Questioner for FixedAnswers {
    fn ask_rename_model(&mut self, old: &ModelMeta, new: &ModelMeta) -> bool {
        self.asked
            .push(format!("rename model {} -> {}", old.key(), new.name));
        self.renames
    }

    fn ask_rename(&mut self, model: &str, old_name: &str, new_name: &str, kind: &str) -> bool {
        self.asked.push(format!(
            "rename field {model}.{old_name} -> {new_name} ({kind})"
        ));
        self.renames
    }

    fn ask_not_null_addition(&mut self, model: &str, field: &str) -> Result<NotNullAnswer> {
        self.asked
            .push(format!("not null addition {model}.{field}"));
        Ok(self.answer())
    }

    fn ask_not_null_alteration(&mut self, model: &str, field: &str) -> Result<NotNullAnswer> {
        self.asked
            .push(format!("not null alteration {model}.{field}"));
        Ok(self.answer())
    }
}

impl FixedAnswers {
    fn answer(&self) -> NotNullAnswer {
        match &self.default {
            Some(value) => NotNullAnswer::ProvideDefault(value.clone()),
            None => NotNullAnswer::Quit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_interactive_refuses_with_djangos_message() {
        let error = NonInteractive
            .ask_not_null_addition("article", "slug")
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Aborted);
        assert!(error.message().starts_with(
            "It is impossible to add a non-nullable field 'slug' to article without specifying a default."
        ));
        assert!(!NonInteractive.ask_rename("article", "a", "b", "CharField"));
    }

    #[test]
    fn fixed_answers_record_questions() {
        let mut answers = FixedAnswers {
            renames: true,
            default: Some(DefaultValue::Int(0)),
            asked: Vec::new(),
        };
        assert!(answers.ask_rename("article", "title", "headline", "CharField"));
        assert_eq!(
            answers.ask_not_null_addition("article", "views").unwrap(),
            NotNullAnswer::ProvideDefault(DefaultValue::Int(0))
        );
        assert_eq!(
            answers.asked,
            [
                "rename field article.title -> headline (CharField)",
                "not null addition article.views"
            ]
        );
    }
}
