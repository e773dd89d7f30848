//! What `createsuperuser` and `changepassword` share: the auth app's presence and migrations,
//! the operating system's user name, and Django's checks of the username and email fields.

use pony::Project;
use pony::auth::validators::validate_username;
use pony::db::Connection;
use pony::forms::messages::{INVALID_EMAIL, max_length};
use unicode_normalization::UnicodeNormalization;

use super::CommandError;
use crate::style::Style;

/// The `max_length` of Django's `User.username`.
const USERNAME_MAX_LENGTH: usize = 150;

/// Refuses to run `command` in a project without the auth app (whose tables it needs).
pub(crate) fn require_auth_app(project: &Project, command: &str) -> Result<(), CommandError> {
    if project
        .installed_apps()
        .iter()
        .any(|app| app.label() == "auth")
    {
        Ok(())
    } else {
        Err(CommandError::new(format!(
            "{command} needs the auth app: add `.app(pony::auth::AuthConfig)` to the project."
        )))
    }
}

/// Django's `requires_migrations_checks`: a notice when migrations are unapplied (the auth
/// tables may not exist yet), before the command goes on.
pub(crate) fn warn_about_unapplied_migrations(project: &Project, conn: &mut Connection) {
    // A failed check is not the command's failure: its own queries report what is wrong.
    if let Ok(Some(notice)) = super::unapplied_migrations_notice(project.installed_apps(), conn) {
        println!("{}", Style::Notice.out(&notice));
    }
}

/// The operating system's name for the current user, as Python's `getpass.getuser()`: the
/// first non-empty of `LOGNAME`, `USER`, `LNAME`, `USERNAME`, else the password database.
pub(crate) fn system_username() -> Option<String> {
    ["LOGNAME", "USER", "LNAME", "USERNAME"]
        .into_iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.is_empty())
        .or_else(password_database_name)
}

#[allow(unsafe_code)] // getpwuid_r(3): std has no safe wrapper
fn password_database_name() -> Option<String> {
    let mut buffer = vec![0 as libc::c_char; 4096];
    // SAFETY: every pointer refers to a live, correctly sized local; `pw_name` is read only
    // when getpwuid_r reported success, and it points into `buffer`, which is still alive.
    unsafe {
        let mut entry: libc::passwd = std::mem::zeroed();
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        let status = libc::getpwuid_r(
            libc::getuid(),
            &mut entry,
            buffer.as_mut_ptr(),
            buffer.len(),
            &mut found,
        );
        if status != 0 || found.is_null() || entry.pw_name.is_null() {
            return None;
        }
        std::ffi::CStr::from_ptr(entry.pw_name)
            .to_str()
            .ok()
            .map(str::to_owned)
    }
}

/// Django's `get_default_username()`: the system user name reduced to ASCII (NFKD, accents
/// dropped), without spaces, lower-cased; empty when that is not a valid username or
/// `is_taken` says a user already has it.
pub(crate) fn default_username(
    system_username: Option<&str>,
    is_taken: impl FnOnce(&str) -> Result<bool, CommandError>,
) -> Result<String, CommandError> {
    let Some(name) = system_username else {
        return Ok(String::new());
    };
    let name: String = name
        .nfkd()
        .filter(|c| c.is_ascii() && *c != ' ')
        .collect::<String>()
        .to_lowercase();
    if clean_username(&name).is_err() || is_taken(&name)? {
        return Ok(String::new());
    }
    Ok(name)
}

/// Django's `User.username` field `clean()`: required, then every validator's message joined
/// with "; " (the characters, then the length).
pub(crate) fn clean_username(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("This field cannot be blank.".to_owned());
    }
    let characters = validate_username(value).err();
    joined([characters, too_long(value, USERNAME_MAX_LENGTH)])
}

/// Django's `User.email` field `clean()`: blank is allowed, anything else must pass Django's
/// `EmailValidator` and fit in 254 characters.
pub(crate) fn clean_email(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Ok(());
    }
    let invalid = (!pony::forms::is_valid_email(value)).then(|| INVALID_EMAIL.to_owned());
    joined([invalid, too_long(value, 254)])
}

/// Django's `MaxLengthValidator` message, when `value` is longer than `limit` characters.
fn too_long(value: &str, limit: usize) -> Option<String> {
    let length = value.chars().count();
    (length > limit).then(|| max_length(limit, length))
}

/// The messages as one `ValidationError` prints them: joined with "; ".
fn joined(messages: [Option<String>; 2]) -> Result<(), String> {
    let messages: Vec<String> = messages.into_iter().flatten().collect();
    if messages.is_empty() {
        Ok(())
    } else {
        Err(messages.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_username_follows_django() {
        let free = |_: &str| Ok(false);
        let pick = |name: &str| default_username(Some(name), free).unwrap_or_default();
        assert_eq!(pick("alice"), "alice");
        assert_eq!(pick("Zoë Smith"), "zoesmith");
        assert_eq!(pick("José"), "jose");
        assert_eq!(pick("名前"), "");
        assert_eq!(pick("bad!name"), "");
        assert_eq!(pick(&"a".repeat(151)), "");
        assert_eq!(default_username(None, free).unwrap_or_default(), "");
        let taken = |name: &str| Ok(name == "alice");
        assert_eq!(
            default_username(Some("alice"), taken).unwrap_or_default(),
            ""
        );
    }

    #[test]
    fn usernames_are_cleaned_as_the_model_field() {
        assert_eq!(clean_username("alice"), Ok(()));
        assert_eq!(
            clean_username(""),
            Err("This field cannot be blank.".to_owned())
        );
        let invalid = "Enter a valid username. This value may contain only letters, numbers, \
                       and @/./+/-/_ characters.";
        assert_eq!(clean_username("a b"), Err(invalid.to_owned()));
        assert_eq!(
            clean_username(&"a".repeat(151)),
            Err("Ensure this value has at most 150 characters (it has 151).".to_owned())
        );
        assert_eq!(
            clean_username(&" ".repeat(151)),
            Err(format!(
                "{invalid}; Ensure this value has at most 150 characters (it has 151)."
            ))
        );
        assert_eq!(clean_username(&"é".repeat(150)), Ok(()));
    }

    #[test]
    fn emails_are_cleaned_as_the_model_field() {
        for ok in [
            "",
            "alice@example.com",
            "a.b+tag@sub.example.co.uk",
            "root@localhost",
            "user@[192.0.2.1]",
        ] {
            assert_eq!(clean_email(ok), Ok(()), "{ok:?}");
        }
        for bad in [
            "alice",
            "alice@",
            "@example.com",
            "alice@example",
            "a b@example.com",
        ] {
            assert_eq!(
                clean_email(bad),
                Err("Enter a valid email address.".to_owned()),
                "{bad:?}"
            );
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(
            clean_email(&long),
            Err("Ensure this value has at most 254 characters (it has 262).".to_owned())
        );
    }
}
