//! `makemigrations`' questions at the terminal, worded as Django asks them.

use std::io::{BufRead, Write};

use pony::db::migrations::error::{ErrorKind, MigrationError};
use pony::db::migrations::{NotNullAnswer, Questioner};
use pony::db::models::{DefaultValue, ModelMeta};

/// Asks on standard output and reads answers from standard input; end of input answers
/// "no" (and "quit" where a value is needed).
#[derive(Debug, Default)]
pub(crate) struct Interactive;

impl Interactive {
    fn read_line(&self) -> Option<String> {
        let _ = std::io::stdout().flush();
        let mut line = String::new();
        match std::io::stdin().lock().read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(line.trim().to_owned()),
        }
    }

    fn yes_no(&self, question: &str) -> bool {
        loop {
            print!("{question} [y/N] ");
            match self
                .read_line()
                .as_deref()
                .map(str::to_ascii_lowercase)
                .as_deref()
            {
                None | Some("" | "n" | "no") => return false,
                Some("y" | "yes") => return true,
                Some(_) => println!("Please answer yes or no."),
            }
        }
    }

    fn not_null(&self, problem: String, field: &str) -> Result<NotNullAnswer, MigrationError> {
        println!("{problem}");
        println!("Please select a fix:");
        println!(
            " 1) Provide a one-off default now (will be set on all existing rows with a null value for this column)"
        );
        println!(" 2) Quit and manually define a default value in models.rs.");
        loop {
            print!("Select an option: ");
            match self.read_line().as_deref() {
                Some("1") => return Ok(self.one_off_default(field)),
                None | Some("2") => {
                    return Err(MigrationError::new(
                        ErrorKind::Aborted,
                        "Aborted: no migration was written.",
                    ));
                }
                Some(_) => println!("Please select a valid option: 1 or 2."),
            }
        }
    }

    fn one_off_default(&self, field: &str) -> NotNullAnswer {
        println!(
            "Please enter the default value for {field} as a TOML value (0, 1.5, true, \"text\")."
        );
        loop {
            print!(">>> ");
            let Some(text) = self.read_line() else {
                return NotNullAnswer::Quit;
            };
            match parse_default(&text) {
                Some(value) => return NotNullAnswer::ProvideDefault(value),
                None => println!("Please enter a number, true/false, or a quoted string."),
            }
        }
    }
}

/// `0` / `1.5` / `true` / `"text"` as a default value.
fn parse_default(text: &str) -> Option<DefaultValue> {
    let document: toml::Table = format!("value = {text}").parse().ok()?;
    match document.get("value")? {
        toml::Value::Boolean(value) => Some(DefaultValue::Bool(*value)),
        toml::Value::Integer(value) => Some(DefaultValue::Int(*value)),
        toml::Value::Float(value) => Some(DefaultValue::Float(*value)),
        toml::Value::String(value) => Some(DefaultValue::Str(value.clone())),
        _ => None,
    }
}

impl Questioner for Interactive {
    fn ask_rename_model(&mut self, old: &ModelMeta, new: &ModelMeta) -> bool {
        self.yes_no(&format!(
            "Was the model {}.{} renamed to {}?",
            old.app_label, old.name, new.name
        ))
    }

    fn ask_rename(
        &mut self,
        model: &str,
        old_name: &str,
        new_name: &str,
        field_type: &str,
    ) -> bool {
        self.yes_no(&format!(
            "Was {model}.{old_name} renamed to {model}.{new_name} (a {field_type})?"
        ))
    }

    fn ask_not_null_addition(
        &mut self,
        model: &str,
        field: &str,
    ) -> Result<NotNullAnswer, MigrationError> {
        self.not_null(
            format!(
                "It is impossible to add a non-nullable field '{field}' to {model} without specifying a default. This is because the database needs something to populate existing rows."
            ),
            field,
        )
    }

    fn ask_not_null_alteration(
        &mut self,
        model: &str,
        field: &str,
    ) -> Result<NotNullAnswer, MigrationError> {
        self.not_null(
            format!(
                "It is impossible to change a nullable field '{field}' on {model} to non-nullable without providing a default. This is because the database needs something to populate existing rows."
            ),
            field,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_as_toml_values() {
        assert_eq!(parse_default("0"), Some(DefaultValue::Int(0)));
        assert_eq!(
            parse_default("\"hi\""),
            Some(DefaultValue::Str("hi".into()))
        );
        assert_eq!(parse_default("true"), Some(DefaultValue::Bool(true)));
        assert_eq!(parse_default("hi"), None);
    }
}
