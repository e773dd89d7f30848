//! `manage changepassword [username]`: sets a user's password, asked twice at the terminal and
//! checked by the password validators, as Django's command does.

use std::process::ExitCode;

use pony::Project;
use pony::auth::User;
use pony::auth::validators::{UserAttributes, validate_password};

use super::users;
use super::{CommandError, CommandResult};
use crate::prompt::{self, Stop};
use crate::style::Style;

/// Django's `MAX_TRIES`.
const MAX_TRIES: usize = 3;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Username to change password for; by default, it's the current username.
    username: Option<String>,
}

pub(crate) fn run(project: Project, args: Args) -> CommandResult {
    users::require_auth_app(&project, "changepassword")?;
    let settings = project.load_settings()?;
    let validators = pony::auth::validators::from_settings(&settings)?;
    let username = match args.username.filter(|name| !name.is_empty()) {
        Some(username) => username,
        None => users::system_username().ok_or_else(|| {
            CommandError::new("Cannot tell the current user's name: give a username.")
        })?,
    };
    let mut conn = super::connect(&settings)?;
    users::warn_about_unapplied_migrations(&project, &mut conn);
    let Some(mut user) = User::by_username(&mut conn, &username)? else {
        return Err(CommandError::new(format!(
            "user '{username}' does not exist"
        )));
    };
    println!("Changing password for user '{}'", user.username);

    let mut count = 0;
    let password = loop {
        if count == MAX_TRIES {
            return Err(CommandError::new(format!(
                "Aborting password change for user '{}' after {count} attempts",
                user.username
            )));
        }
        let first = match ask("Password: ") {
            Ok(answer) => answer,
            Err(outcome) => return outcome,
        };
        let second = match ask("Password (again): ") {
            Ok(answer) => answer,
            Err(outcome) => return outcome,
        };
        if first != second {
            println!("Passwords do not match. Please try again.");
            count += 1;
            // Passwords that do not match are not validated.
            continue;
        }
        let attributes = UserAttributes {
            username: &user.username,
            first_name: &user.first_name,
            last_name: &user.last_name,
            email: &user.email,
        };
        match validate_password(&second, Some(&attributes), &validators) {
            Ok(()) => break second,
            Err(errors) => {
                eprintln!("{}", Style::Error.err(&errors.join("\n")));
                count += 1;
            }
        }
    };

    user.set_password(&password)?;
    let user = user.save(&mut conn)?;
    println!("Password changed successfully for user '{}'", user.username);
    Ok(ExitCode::SUCCESS)
}

/// One password question. An empty answer (or the end of input) aborts, as Django's
/// `_get_pass`; Ctrl-C cancels.
fn ask(question: &str) -> Result<String, CommandResult> {
    match prompt::password(question) {
        Ok(answer) if !answer.is_empty() => Ok(answer),
        Ok(_) | Err(Stop::EndOfInput) => Err(Err(CommandError::new("aborted"))),
        Err(Stop::Interrupted) => {
            eprintln!("{}", Style::Error.err("\nOperation cancelled."));
            Err(Ok(ExitCode::FAILURE))
        }
        Err(Stop::Failed(error)) => Err(Err(error.into())),
    }
}
