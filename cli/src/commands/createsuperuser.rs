//! `manage createsuperuser [--username U] [--email E] [--noinput]`: creates a staff user with
//! every permission, asking at the terminal as Django does, or from `PONY_SUPERUSER_*`
//! environment variables with `--noinput`.

use std::process::ExitCode;

use pony::Project;
use pony::auth::User;
use pony::auth::models::normalize_username;
use pony::auth::validators::{UserAttributes, validate_password};
use pony::db::Connection;

use super::users::{self, clean_email, clean_username};
use super::{CommandError, CommandResult};
use crate::prompt::{self, Stop};
use crate::style::Style;

/// Django's `DJANGO_SUPERUSER_USERNAME`.
const USERNAME_ENV: &str = "PONY_SUPERUSER_USERNAME";
/// Django's `DJANGO_SUPERUSER_EMAIL`.
const EMAIL_ENV: &str = "PONY_SUPERUSER_EMAIL";
/// Django's `DJANGO_SUPERUSER_PASSWORD`.
const PASSWORD_ENV: &str = "PONY_SUPERUSER_PASSWORD";

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Specifies the login for the superuser.
    #[arg(long)]
    username: Option<String>,
    /// Specifies the email for the superuser.
    #[arg(long)]
    email: Option<String>,
    /// Tells pony to NOT prompt the user for input of any kind. You must use --username with
    /// --noinput (or PONY_SUPERUSER_USERNAME), along with --email (or PONY_SUPERUSER_EMAIL).
    /// The password is PONY_SUPERUSER_PASSWORD; without it, the superuser will not be able to
    /// log in until they're given a valid password.
    #[arg(long, visible_alias = "no-input")]
    noinput: bool,
}

/// The new superuser. Deliberately not `Debug`: it holds the password.
struct NewSuperuser {
    username: String,
    email: String,
    /// Empty for an unusable password.
    password: String,
}

pub(crate) fn run(project: Project, args: Args) -> CommandResult {
    users::require_auth_app(&project, "createsuperuser")?;
    let settings = project.load_settings()?;
    let mut conn = super::connect(&settings)?;
    users::warn_about_unapplied_migrations(&project, &mut conn);
    let new = if args.noinput {
        from_environment(&mut conn, args)?
    } else {
        match ask(&mut conn, &settings, args) {
            Ok(new) => new,
            Err(Abort::Cancelled) => {
                eprintln!("{}", Style::Error.err("\nOperation cancelled."));
                return Ok(ExitCode::FAILURE);
            }
            Err(Abort::Error(error)) => return Err(error),
        }
    };
    User::create_superuser(&mut conn, &new.username, &new.email, &new.password)?;
    println!("Superuser created successfully.");
    Ok(ExitCode::SUCCESS)
}

/// Why the questions stopped.
enum Abort {
    /// Ctrl-C or the end of input (Django's `KeyboardInterrupt`).
    Cancelled,
    Error(CommandError),
}

impl From<Stop> for Abort {
    fn from(stop: Stop) -> Self {
        match stop {
            Stop::Interrupted | Stop::EndOfInput => Abort::Cancelled,
            Stop::Failed(error) => Abort::Error(error.into()),
        }
    }
}

impl From<CommandError> for Abort {
    fn from(error: CommandError) -> Self {
        Abort::Error(error)
    }
}

impl From<pony::Error> for Abort {
    fn from(error: pony::Error) -> Self {
        Abort::Error(error.into())
    }
}

/// Prints a problem on standard error, as Django's `self.stderr.write`.
fn complain(message: &str) {
    eprintln!("{}", Style::Error.err(message));
}

/// Django's `_validate_username`: the reason `username` cannot be used, if any.
///
/// Django looks the username up exactly; pony refuses it case-insensitively, as its sign-up
/// form does, so that "Admin" cannot sit beside "admin".
fn username_problem(conn: &mut Connection, username: &str) -> Result<Option<String>, CommandError> {
    if User::username_taken(conn, &normalize_username(username))? {
        return Ok(Some("Error: That username is already taken.".to_owned()));
    }
    if username.is_empty() {
        return Ok(Some("Username cannot be blank.".to_owned()));
    }
    Ok(clean_username(username).err())
}

/// The interactive questions, in Django's order and words.
fn ask(
    conn: &mut Connection,
    settings: &pony::Settings,
    args: Args,
) -> Result<NewSuperuser, Abort> {
    let validators = pony::auth::validators::from_settings(settings)?;
    let system_username = users::system_username();
    let default = users::default_username(system_username.as_deref(), |name| {
        Ok(User::username_taken(conn, name)?)
    })?;

    let mut username = args.username;
    match username.as_deref() {
        Some("") => return Err(CommandError::new("Username cannot be blank.").into()),
        Some(given) => {
            if let Some(problem) = username_problem(conn, given)? {
                complain(&problem);
                username = None;
            }
        }
        None => {}
    }
    let username = match username {
        Some(username) => username,
        None => loop {
            let question = if default.is_empty() {
                "Username: ".to_owned()
            } else {
                format!("Username (leave blank to use '{default}'): ")
            };
            let mut answer = prompt::input(&question)?;
            if answer.is_empty() && !default.is_empty() {
                answer = default.clone();
            }
            if let Err(message) = clean_username(&answer) {
                complain(&format!("Error: {message}"));
                continue;
            }
            match username_problem(conn, &answer)? {
                Some(problem) => complain(&problem),
                None => break answer,
            }
        },
    };

    let email = match args.email {
        Some(email) => {
            clean_email(&email).map_err(CommandError::new)?;
            email
        }
        None => loop {
            let answer = prompt::input("Email address: ")?;
            match clean_email(&answer) {
                Ok(()) => break answer,
                Err(message) => complain(&format!("Error: {message}")),
            }
        },
    };

    let attributes = UserAttributes {
        username: &username,
        email: &email,
        ..UserAttributes::default()
    };
    let password = loop {
        let password = prompt::password("Password: ")?;
        let again = prompt::password("Password (again): ")?;
        if password != again {
            complain("Error: Your passwords didn't match.");
            continue;
        }
        if is_blank(&password) {
            complain("Error: Blank passwords aren't allowed.");
            continue;
        }
        if let Err(errors) = validate_password(&again, Some(&attributes), &validators) {
            complain(&errors.join("\n"));
            let answer =
                prompt::input("Bypass password validation and create user anyway? [y/N]: ")?;
            if answer.to_lowercase() != "y" {
                continue;
            }
        }
        break password;
    };
    Ok(NewSuperuser {
        username,
        email,
        password,
    })
}

/// Python's `password.strip() == ""`: empty or only whitespace (Python counts the
/// information separators U+001C–U+001F as whitespace too).
fn is_blank(password: &str) -> bool {
    password
        .chars()
        .all(|c| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// `--noinput`: everything from the options and the `PONY_SUPERUSER_*` variables.
fn from_environment(conn: &mut Connection, args: Args) -> Result<NewSuperuser, CommandError> {
    // No password variable: an unusable password, as Django does.
    let password = env(PASSWORD_ENV)?.unwrap_or_default();
    let username = match args.username {
        Some(username) => username,
        None => env(USERNAME_ENV)?.ok_or_else(|| {
            CommandError::new(format!(
                "You must use --username with --noinput (or set {USERNAME_ENV})."
            ))
        })?,
    };
    if let Some(problem) = username_problem(conn, &username)? {
        return Err(CommandError::new(problem));
    }
    // Django: `options["email"] or os.environ.get(...)`; blank is allowed only when given.
    let option = args.email;
    let variable = env(EMAIL_ENV)?;
    let email = match (option.as_deref(), variable.as_deref()) {
        (Some(value), _) if !value.is_empty() => value.to_owned(),
        (_, Some(value)) if !value.is_empty() => value.to_owned(),
        (Some(""), _) | (_, Some("")) => String::new(),
        _ => {
            return Err(CommandError::new(format!(
                "You must use --email with --noinput (or set {EMAIL_ENV})."
            )));
        }
    };
    clean_email(&email).map_err(CommandError::new)?;
    Ok(NewSuperuser {
        username,
        email,
        password,
    })
}

/// An environment variable, if set; an error (never showing the value) if not UTF-8.
fn env(name: &str) -> Result<Option<String>, CommandError> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(CommandError::new(format!("{name} is not valid UTF-8.")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_passwords_are_whitespace_only() {
        for blank in ["", " ", "\t \u{3000}", "\u{1c}\u{1f}"] {
            assert!(is_blank(blank), "{blank:?}");
        }
        for not_blank in [" a ", "x", "\u{200b}"] {
            assert!(!is_blank(not_blank), "{not_blank:?}");
        }
    }
}
