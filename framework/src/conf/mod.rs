//! Settings: the project's `settings.toml`, overridden by the environment.
//!
//! Django keeps settings in `settings.py`; pony keeps them in `settings.toml` next to the
//! project's `Cargo.toml`, with Django's names:
//!
//! ```toml
//! DEBUG = true
//! ALLOWED_HOSTS = ["example.com", ".example.org"]
//! DATABASE_URL = "sqlite://db.sqlite3"
//! STATIC_URL = "/static/"
//! STATIC_ROOT = "staticfiles"
//! ```
//!
//! The environment wins over the file for `DEBUG` (`1/true/on` or `0/false/off`), `SECRET_KEY`,
//! `ALLOWED_HOSTS` (comma-separated) and `DATABASE_URL`, so production secrets never need to be
//! in a file. In DEBUG without a `SECRET_KEY`, a random one is generated once and kept in the
//! git-ignored `.secret_key`; with DEBUG off, a missing `SECRET_KEY` or an empty `ALLOWED_HOSTS`
//! stops the server at start-up instead of falling back to something unsafe.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

mod csrf;
mod display;
mod secure;
mod session;

pub use csrf::CsrfSettings;
pub use display::cleanse_setting;
pub(crate) use display::{MASK, is_hidden_setting};
use display::{group_pairs, mask_url_password};
pub use secure::SecureSettings;
pub use session::{SessionEngine, SessionSettings};

/// The settings file's name, in the project's base directory.
pub const SETTINGS_FILE: &str = "settings.toml";
/// Where the generated development secret key is kept, in the base directory.
pub const DEV_SECRET_KEY_FILE: &str = ".secret_key";
/// Hosts allowed in DEBUG when `ALLOWED_HOSTS` is empty, as in Django.
const DEBUG_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];
/// The project's settings, loaded once at start-up.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("settings.toml"), "DEBUG = true\nGREETING = 'hi'\n").unwrap();
/// let settings = pony::Settings::load_from(dir.path(), |_| None).unwrap();
/// assert!(settings.debug);
/// assert_eq!(settings.get::<String>("GREETING").unwrap().as_deref(), Some("hi"));
/// ```
#[derive(Clone)]
pub struct Settings {
    /// Django's `BASE_DIR`.
    pub base_dir: PathBuf,
    /// `DEBUG`: detailed error pages, template reloading, static files served by `runserver`.
    pub debug: bool,
    /// `SECRET_KEY`: signs sessions and tokens. Never printed.
    pub secret_key: Option<SecretKey>,
    /// `ALLOWED_HOSTS`: the `Host` values this site answers; `.example.com` matches subdomains.
    pub allowed_hosts: Vec<String>,
    /// `DATABASE_URL`: `sqlite://…`, `postgres://…` or `mysql://…`.
    pub database_url: String,
    /// `APPEND_SLASH`: redirect `/articles` to `/articles/` when only the latter exists.
    pub append_slash: bool,
    /// `STATIC_URL`: the URL prefix of static files.
    pub static_url: String,
    /// `STATIC_ROOT`: where `collectstatic` copies static files for production.
    pub static_root: PathBuf,
    /// `TEMPLATES_DIR`: the project's own templates, which override apps' templates.
    pub templates_dir: PathBuf,
    /// `STATICFILES_DIR`: the project's own static files.
    pub staticfiles_dir: PathBuf,
    /// `DATA_UPLOAD_MAX_MEMORY_SIZE`: the largest request body accepted (Django: 2.5 MiB).
    pub data_upload_max_memory_size: usize,
    /// `DATA_UPLOAD_MAX_NUMBER_FIELDS`: the most GET or POST fields a request may send (Django:
    /// 1000; `false` in the file for no limit).
    pub data_upload_max_number_fields: Option<usize>,
    /// `DATA_UPLOAD_MAX_NUMBER_FILES`: the most files a multipart body may send (Django: 100;
    /// `false` for no limit).
    pub data_upload_max_number_files: Option<usize>,
    /// `REQUEST_BODY_TIMEOUT`: seconds a client may take to send a whole request body, else
    /// 408 (30).
    pub request_body_timeout: std::time::Duration,
    /// The `SESSION_*` settings.
    pub session: SessionSettings,
    /// Django's `CSRF_*` settings.
    pub csrf: CsrfSettings,
    /// Django's `SECURE_*` settings (security headers, HSTS, HTTPS redirect).
    pub secure: SecureSettings,
    /// Where the settings came from, for messages.
    pub settings_file: PathBuf,
    /// Every key of the settings file, for the project's own settings.
    table: toml::Table,
}

/// A secret that never shows in `Debug` output, logs or error pages.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(String);

impl SecretKey {
    /// The secret's bytes, for signing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(********************)")
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (key, value) in self.display_pairs() {
            map.entry(&key, &value);
        }
        map.finish()
    }
}

impl Settings {
    /// Loads `settings.toml` from `base_dir`, then applies the process environment.
    pub fn load(base_dir: &Path) -> Result<Self> {
        Self::load_from(base_dir, |name| std::env::var(name).ok())
    }

    /// Like [`Settings::load`], reading environment variables through `env` (for tests).
    pub fn load_from(base_dir: &Path, env: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let settings_file = base_dir.join(SETTINGS_FILE);
        let table = read_table(&settings_file)?;
        let file = FileSettings {
            table: &table,
            path: &settings_file,
        };

        let debug = match env("DEBUG") {
            Some(value) => parse_bool("DEBUG", &value)?,
            None => file.get("DEBUG")?.unwrap_or(false),
        };
        let allowed_hosts = match env("ALLOWED_HOSTS") {
            Some(value) => split_list(&value),
            None => file.get("ALLOWED_HOSTS")?.unwrap_or_default(),
        };
        let secret = env("SECRET_KEY").or(file.get::<String>("SECRET_KEY")?);
        let secret_key = match secret.filter(|key| !key.is_empty()) {
            Some(key) => Some(SecretKey(key)),
            None if debug => Some(SecretKey(development_secret_key(base_dir)?)),
            None => None,
        };
        let path_setting = |key: &str, default: &str| -> Result<PathBuf> {
            let value: String = file.get(key)?.unwrap_or_else(|| default.to_owned());
            Ok(base_dir.join(value))
        };
        let mut static_url: String = file.get("STATIC_URL")?.unwrap_or_else(|| "/static/".into());
        if !static_url.starts_with('/') {
            static_url.insert(0, '/');
        }
        if !static_url.ends_with('/') {
            static_url.push('/');
        }
        if static_url == "/" {
            return Err(Error::ImproperlyConfigured(
                "STATIC_URL must name a path of its own, such as \"/static/\", not \"/\"."
                    .to_owned(),
            ));
        }

        Ok(Settings {
            base_dir: base_dir.to_path_buf(),
            debug,
            secret_key,
            allowed_hosts,
            database_url: env("DATABASE_URL")
                .or(file.get("DATABASE_URL")?)
                .unwrap_or_else(|| "sqlite://db.sqlite3".into()),
            append_slash: file.get("APPEND_SLASH")?.unwrap_or(true),
            static_url,
            static_root: path_setting("STATIC_ROOT", "staticfiles")?,
            templates_dir: path_setting("TEMPLATES_DIR", "templates")?,
            staticfiles_dir: path_setting("STATICFILES_DIR", "static")?,
            data_upload_max_memory_size: file
                .get("DATA_UPLOAD_MAX_MEMORY_SIZE")?
                .unwrap_or(2_621_440),
            data_upload_max_number_fields: file
                .limit("DATA_UPLOAD_MAX_NUMBER_FIELDS")?
                .unwrap_or(Some(1000)),
            data_upload_max_number_files: file
                .limit("DATA_UPLOAD_MAX_NUMBER_FILES")?
                .unwrap_or(Some(100)),
            request_body_timeout: std::time::Duration::from_secs(
                file.get("REQUEST_BODY_TIMEOUT")?.unwrap_or(30),
            ),
            session: SessionSettings::load(&file, &env)?,
            csrf: CsrfSettings::load(&file)?,
            secure: SecureSettings::load(&file)?,
            settings_file,
            table,
        })
    }

    /// A project's own setting from `settings.toml` (`Ok(None)` when absent).
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        FileSettings {
            table: &self.table,
            path: &self.settings_file,
        }
        .get(key)
    }

    /// A group of settings, every key starting with `prefix`, deserialized into `T` (a struct
    /// with `#[serde(rename_all = "SCREAMING_SNAKE_CASE")]`). A wrong type, or a key of the
    /// group that `T` does not know when it denies unknown fields (a typo), is an
    /// `ImproperlyConfigured` error naming the file.
    ///
    /// ```
    /// #[derive(serde::Deserialize, Default)]
    /// #[serde(rename_all = "SCREAMING_SNAKE_CASE", deny_unknown_fields, default)]
    /// struct Greeting { text: String }
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(dir.path().join("settings.toml"), "GREETING_TEXT = 'hi'\n").unwrap();
    /// let settings = pony::Settings::load_from(dir.path(), |_| None).unwrap();
    /// let group: Greeting = settings.group("GREETING_").unwrap();
    /// assert_eq!(group.text, "hi");
    /// ```
    pub fn group<T: DeserializeOwned>(&self, prefix: &str) -> Result<T> {
        FileSettings {
            table: &self.table,
            path: &self.settings_file,
        }
        .group(prefix)
    }

    /// The problems that stop a server from starting: with DEBUG off, `SECRET_KEY` and
    /// `ALLOWED_HOSTS` must be set.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !self.debug && self.secret_key.is_none() {
            problems.push(
                "The SECRET_KEY setting must not be empty when DEBUG is off. Set SECRET_KEY in \
                 the environment (or in settings.toml)."
                    .to_owned(),
            );
        }
        if !self.debug && self.allowed_hosts.is_empty() {
            problems.push(
                "ALLOWED_HOSTS must not be empty when DEBUG is off. Set ALLOWED_HOSTS in the \
                 environment (comma-separated) or in settings.toml."
                    .to_owned(),
            );
        }
        problems
    }

    /// Fails with every start-up problem at once (see [`Settings::problems`]).
    pub fn validate(&self) -> Result<()> {
        let problems = self.problems();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::ImproperlyConfigured(problems.join("\n")))
        }
    }

    /// The host patterns accepted: `ALLOWED_HOSTS`, or Django's local defaults in DEBUG.
    pub fn allowed_host_patterns(&self) -> impl Iterator<Item = &str> {
        let defaults: &[&str] = if self.allowed_hosts.is_empty() && self.debug {
            &DEBUG_HOSTS
        } else {
            &[]
        };
        self.allowed_hosts
            .iter()
            .map(String::as_str)
            .chain(defaults.iter().copied())
    }

    /// Every setting as text, with secrets masked, for the DEBUG page and `Debug`.
    pub fn display_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = vec![
            ("BASE_DIR".to_owned(), self.base_dir.display().to_string()),
            ("DEBUG".to_owned(), self.debug.to_string()),
            ("SECRET_KEY".to_owned(), MASK.to_owned()),
            (
                "ALLOWED_HOSTS".to_owned(),
                format!("{:?}", self.allowed_hosts),
            ),
            (
                "DATABASE_URL".to_owned(),
                mask_url_password(&self.database_url),
            ),
            ("APPEND_SLASH".to_owned(), self.append_slash.to_string()),
            ("STATIC_URL".to_owned(), self.static_url.clone()),
            (
                "STATIC_ROOT".to_owned(),
                self.static_root.display().to_string(),
            ),
            (
                "TEMPLATES_DIR".to_owned(),
                self.templates_dir.display().to_string(),
            ),
            (
                "STATICFILES_DIR".to_owned(),
                self.staticfiles_dir.display().to_string(),
            ),
        ];
        pairs.extend(group_pairs("SESSION_", &self.session));
        pairs.extend(group_pairs("CSRF_", &self.csrf));
        pairs.extend(group_pairs("SECURE_", &self.secure));
        for (key, value) in &self.table {
            if pairs.iter().any(|(known, _)| known == key) {
                continue;
            }
            pairs.push((key.clone(), cleanse_setting(key, value).to_string()));
        }
        pairs.sort();
        pairs
    }
}

struct FileSettings<'a> {
    table: &'a toml::Table,
    path: &'a Path,
}

impl FileSettings<'_> {
    fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        let Some(value) = self.table.get(key) else {
            return Ok(None);
        };
        value.clone().try_into().map(Some).map_err(|error| {
            Error::ImproperlyConfigured(format!(
                "{}: the setting {key} has the wrong type: {error}",
                self.path.display()
            ))
        })
    }
}

impl FileSettings<'_> {
    /// The settings named `PREFIX…` as one serde struct, fields named without the prefix
    /// (`SESSION_COOKIE_AGE` → `COOKIE_AGE`); a wrong type or value is an error naming the file.
    fn group<T: DeserializeOwned>(&self, prefix: &str) -> Result<T> {
        let keys: toml::Table = self
            .table
            .iter()
            .filter_map(|(key, value)| Some((key.strip_prefix(prefix)?.to_owned(), value.clone())))
            .collect();
        toml::Value::Table(keys).try_into().map_err(|error| {
            Error::ImproperlyConfigured(format!(
                "{}: the {prefix}* settings are wrong: {}",
                self.path.display(),
                with_prefix(&error.to_string(), prefix)
            ))
        })
    }

    /// A count limit: a number, or `false` for none (Django's `None`).
    fn limit(&self, key: &str) -> Result<Option<Option<usize>>> {
        match self.table.get(key) {
            None => Ok(None),
            Some(toml::Value::Boolean(false)) => Ok(Some(None)),
            Some(_) => Ok(Some(self.get::<usize>(key)?)),
        }
    }
}

/// serde names a group's fields without their prefix (`` unknown field `LIMT` ``): put it back
/// on every quoted setting name, so the message names what the user wrote.
fn with_prefix(message: &str, prefix: &str) -> String {
    message
        .split('`')
        .enumerate()
        .map(|(index, part)| {
            let name = index % 2 == 1
                && !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            if name {
                format!("{prefix}{part}")
            } else {
                part.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("`")
}

fn read_table(path: &Path) -> Result<toml::Table> {
    match std::fs::read_to_string(path) {
        Ok(text) => text.parse::<toml::Table>().map_err(|error| {
            Error::ImproperlyConfigured(format!("{} is not valid TOML: {error}", path.display()))
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(toml::Table::new()),
        Err(error) => Err(Error::ImproperlyConfigured(format!(
            "cannot read {}: {error}",
            path.display()
        ))),
    }
}

/// Parses Django-style booleans from the environment.
///
/// ```
/// assert_eq!(pony::conf::parse_bool("DEBUG", "on").unwrap(), true);
/// assert_eq!(pony::conf::parse_bool("DEBUG", "0").unwrap(), false);
/// assert!(pony::conf::parse_bool("DEBUG", "maybe").is_err());
/// ```
pub fn parse_bool(name: &str, value: &str) -> Result<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "on" | "yes" => Ok(true),
        "0" | "false" | "off" | "no" | "" => Ok(false),
        other => Err(Error::ImproperlyConfigured(format!(
            "{name} must be one of 1/true/on or 0/false/off, not {other:?}"
        ))),
    }
}

fn split_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Reads the development secret key, generating it on first use.
fn development_secret_key(base_dir: &Path) -> Result<String> {
    let path = base_dir.join(DEV_SECRET_KEY_FILE);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim();
        if !existing.is_empty() {
            return Ok(existing.to_owned());
        }
    }
    let key = random_secret(50);
    write_private(&path, &key).map_err(|error| {
        Error::ImproperlyConfigured(format!(
            "DEBUG is on and SECRET_KEY is not set, and the development key could not be \
             written to {}: {error}",
            path.display()
        ))
    })?;
    Ok(key)
}

/// A random string from Django's secret-key alphabet.
pub fn random_secret(length: usize) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)";
    let mut rng = rand::rng();
    (0..length)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Writes a file readable only by its owner (a secret must not be world-readable).
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents.as_bytes())
}

/// See [`base_dir!`](crate::base_dir).
pub fn resolve_base_dir(compile_time_dir: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os("PONY_BASE_DIR") {
        return PathBuf::from(dir);
    }
    let dir = PathBuf::from(compile_time_dir);
    if dir.is_dir() {
        dir
    } else {
        std::env::current_dir().unwrap_or(dir)
    }
}

/// An HTTP header name from Django's `request.META` spelling: `HTTP_X_CSRFTOKEN` →
/// `x-csrftoken`. A plain header name (`X-CSRFToken`) is accepted too.
///
/// ```
/// assert_eq!(pony::conf::header_name_from_meta("HTTP_X_FORWARDED_PROTO"), "x-forwarded-proto");
/// assert_eq!(pony::conf::header_name_from_meta("X-CSRFToken"), "x-csrftoken");
/// ```
pub fn header_name_from_meta(name: &str) -> String {
    name.strip_prefix("HTTP_")
        .unwrap_or(name)
        .replace('_', "-")
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(toml: &str, env: &[(&str, &str)]) -> Result<Settings> {
        let dir = tempfile::tempdir().map_err(Error::from)?;
        std::fs::write(dir.path().join(SETTINGS_FILE), toml)?;
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::load_from(dir.path(), move |name| {
            env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn environment_overrides_file() {
        let settings = load(
            "DEBUG = true\nALLOWED_HOSTS = ['a']",
            &[("DEBUG", "off"), ("ALLOWED_HOSTS", "x, y")],
        )
        .unwrap();
        assert!(!settings.debug);
        assert_eq!(settings.allowed_hosts, ["x", "y"]);
    }

    #[test]
    fn production_without_secret_or_hosts_is_refused() {
        let settings = load("DEBUG = false", &[]).unwrap();
        let problems = settings.problems();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("SECRET_KEY"));
        assert!(problems[1].contains("ALLOWED_HOSTS"));
    }

    #[test]
    fn debug_generates_and_keeps_a_secret_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(SETTINGS_FILE), "DEBUG = true").unwrap();
        let first = Settings::load_from(dir.path(), |_| None).unwrap();
        let second = Settings::load_from(dir.path(), |_| None).unwrap();
        assert_eq!(first.secret_key, second.secret_key);
        assert_eq!(first.secret_key.unwrap().expose().len(), 50);
    }

    #[test]
    fn secrets_are_masked_everywhere() {
        let settings = load(
            "SECRET_KEY = 'hunter2hunter2'\nSTRIPE_API_TOKEN = 'tok'\nDATABASE_URL = 'postgres://u:pw@h/db'",
            &[],
        )
        .unwrap();
        let shown = format!("{settings:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("tok\"") && !shown.contains(":pw@"));
        assert!(shown.contains("postgres://u:********************@h/db"));
    }

    #[test]
    fn session_settings_have_djangos_defaults_and_overrides() {
        let defaults = load("", &[]).unwrap().session;
        assert_eq!(defaults.engine, SessionEngine::Database);
        assert_eq!(defaults.redis_url, "redis://127.0.0.1:6379/0");
        assert_eq!(defaults.cookie_name, "sessionid");
        assert_eq!(defaults.cookie_age, 1_209_600);
        assert!(!defaults.cookie_secure && defaults.cookie_httponly);
        assert_eq!(defaults.cookie_samesite.as_deref(), Some("Lax"));
        assert_eq!(defaults.cookie_path, "/");
        assert_eq!(defaults.cookie_domain, None);
        assert!(!defaults.expire_at_browser_close && !defaults.save_every_request);

        let custom = load(
            "SESSION_ENGINE = 'db'\nSESSION_COOKIE_SAMESITE = false\nSESSION_COOKIE_AGE = 60\n\
             SESSION_REDIS_URL = 'redis://file:pw@h/1'",
            &[("SESSION_ENGINE", "redis"), ("SESSION_COOKIE_SECURE", "on")],
        )
        .unwrap();
        let session = &custom.session;
        assert_eq!(session.engine, SessionEngine::Redis);
        assert!(session.cookie_secure);
        assert_eq!(session.cookie_samesite, None);
        assert_eq!(session.cookie_age, 60);
        let shown = format!("{custom:?}");
        assert!(
            shown.contains("redis://file:********************@h/1"),
            "{shown}"
        );
        assert!(!shown.contains(":pw@"), "{shown}");
    }

    #[test]
    fn bad_session_settings_are_clear_errors() {
        for (toml, expected) in [
            ("SESSION_ENGINE = 'cache'", "SESSION_ENGINE must be"),
            (
                "SESSION_REDIS_URL = 'http://x'",
                "SESSION_REDIS_URL must start",
            ),
            (
                "SESSION_COOKIE_AGE = 0",
                "SESSION_COOKIE_AGE must be a positive",
            ),
            (
                "SESSION_COOKIE_SAMESITE = 'lax'",
                "SESSION_COOKIE_SAMESITE must be",
            ),
            ("SESSION_COOKIE_NAME = 'a b'", "is not a valid cookie name"),
            (
                "SESSION_COOKIE_PATH = '/;x'",
                "SESSION_COOKIE_PATH must not",
            ),
        ] {
            let err = load(toml, &[]).unwrap_err().to_string();
            assert!(err.contains(expected), "{toml}: {err}");
        }
    }

    #[test]
    fn bad_values_are_clear_errors() {
        let err = load("DEBUG = 'yes please'", &[]).unwrap_err().to_string();
        assert!(err.contains("DEBUG has the wrong type"), "{err}");
        let err = load("", &[("DEBUG", "maybe")]).unwrap_err().to_string();
        assert!(err.contains("DEBUG must be one of"), "{err}");
    }
}

#[cfg(test)]
mod csrf_and_secure_settings_tests {
    use super::*;

    fn load(toml: &str) -> Result<Settings> {
        let dir = tempfile::tempdir().map_err(Error::from)?;
        std::fs::write(dir.path().join(SETTINGS_FILE), toml)?;
        Settings::load_from(dir.path(), |_| None)
    }

    #[test]
    fn csrf_and_secure_settings_have_djangos_defaults() {
        let settings = load("").unwrap();
        assert_eq!(settings.csrf.cookie_name, "csrftoken");
        assert_eq!(settings.csrf.cookie_age, 31_449_600);
        assert_eq!(settings.csrf.cookie_samesite.as_deref(), Some("Lax"));
        assert_eq!(settings.csrf.header_name, "x-csrftoken");
        assert!(!settings.csrf.cookie_httponly && !settings.csrf.cookie_secure);
        assert_eq!(settings.secure.hsts_seconds, 0);
        assert_eq!(
            settings.secure.referrer_policy.as_deref(),
            Some("same-origin")
        );
        assert_eq!(settings.secure.x_frame_options.as_deref(), Some("DENY"));
        assert!(settings.secure.proxy_ssl_header.is_none());

        let settings = load(
            "CSRF_COOKIE_SAMESITE = false\nX_FRAME_OPTIONS = 'SAMEORIGIN'\n\
             SECURE_PROXY_SSL_HEADER = ['HTTP_X_FORWARDED_PROTO', 'https']\n\
             SECURE_REFERRER_POLICY = ['same-origin', 'strict-origin']",
        )
        .unwrap();
        assert_eq!(settings.csrf.cookie_samesite, None);
        assert_eq!(
            settings.secure.x_frame_options.as_deref(),
            Some("SAMEORIGIN")
        );
        assert_eq!(
            settings.secure.proxy_ssl_header,
            Some(("x-forwarded-proto".to_owned(), "https".to_owned()))
        );
        assert_eq!(
            settings.secure.referrer_policy.as_deref(),
            Some("same-origin,strict-origin")
        );
    }

    #[test]
    fn bad_csrf_and_secure_settings_are_clear_errors() {
        let err = load("CSRF_TRUSTED_ORIGINS = ['example.com']")
            .unwrap_err()
            .to_string();
        assert!(err.contains("must start with a scheme"), "{err}");
        assert!(err.contains("found example.com."), "{err}");
        let err = load("CSRF_COOKIE_SAMESITE = 'sometimes'")
            .unwrap_err()
            .to_string();
        assert!(err.contains("CSRF_COOKIE_SAMESITE must be"), "{err}");
        let err = load("SECURE_PROXY_SSL_HEADER = ['x']")
            .unwrap_err()
            .to_string();
        assert!(err.contains("list of two strings"), "{err}");
    }
}
