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

/// The settings file's name, in the project's base directory.
pub const SETTINGS_FILE: &str = "settings.toml";
/// Where the generated development secret key is kept, in the base directory.
pub const DEV_SECRET_KEY_FILE: &str = ".secret_key";
/// Hosts allowed in DEBUG when `ALLOWED_HOSTS` is empty, as in Django.
const DEBUG_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];
/// Names whose values are masked wherever settings are displayed (Django's `HIDDEN_SETTINGS`).
const HIDDEN_SETTING_WORDS: [&str; 8] = [
    "API",
    "AUTH",
    "TOKEN",
    "KEY",
    "SECRET",
    "PASS",
    "SIGNATURE",
    "HTTP_COOKIE",
];

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
    /// struct Greeting { greeting_text: String }
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(dir.path().join("settings.toml"), "GREETING_TEXT = 'hi'\n").unwrap();
    /// let settings = pony::Settings::load_from(dir.path(), |_| None).unwrap();
    /// let group: Greeting = settings.group("GREETING_").unwrap();
    /// assert_eq!(group.greeting_text, "hi");
    /// ```
    pub fn group<T: DeserializeOwned>(&self, prefix: &str) -> Result<T> {
        let keys: toml::Table = self
            .table
            .iter()
            .filter(|(key, _)| key.starts_with(prefix))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        toml::Value::Table(keys).try_into().map_err(|error| {
            Error::ImproperlyConfigured(format!(
                "{}: the {prefix}* settings are wrong: {error}",
                self.settings_file.display()
            ))
        })
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
        pairs.extend(self.session.display_pairs());
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

/// Where sessions are kept (`SESSION_ENGINE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEngine {
    /// `"db"` (the default): the `pony_session` table, through the project's database.
    Database,
    /// `"redis"`: a Redis server shared by every app server, at `SESSION_REDIS_URL`.
    Redis,
}

/// Django's `SESSION_*` settings, with Django's defaults.
///
/// ```toml
/// SESSION_ENGINE = "redis"               # or "db" (the default)
/// SESSION_REDIS_URL = "redis://127.0.0.1:6379/0"
/// SESSION_COOKIE_AGE = 1209600           # two weeks, in seconds
/// SESSION_COOKIE_SECURE = true           # send the cookie over HTTPS only
/// SESSION_COOKIE_SAMESITE = "Strict"     # "Lax" (default), "Strict", "None", or false
/// ```
///
/// `SESSION_ENGINE`, `SESSION_REDIS_URL` and `SESSION_COOKIE_SECURE` can also come from the
/// environment, which wins over the file.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let settings = pony::Settings::load_from(dir.path(), |_| None).unwrap();
/// assert_eq!(settings.session.cookie_name, "sessionid");
/// assert_eq!(settings.session.cookie_age, 1_209_600);
/// assert_eq!(settings.session.engine, pony::conf::SessionEngine::Database);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSettings {
    /// `SESSION_ENGINE`: `"db"` or `"redis"`.
    pub engine: SessionEngine,
    /// `SESSION_REDIS_URL`: the Redis server of the `"redis"` engine.
    pub redis_url: String,
    /// `SESSION_COOKIE_NAME` (`"sessionid"`).
    pub cookie_name: String,
    /// `SESSION_COOKIE_AGE`: seconds a session lasts without being saved again (two weeks).
    pub cookie_age: i64,
    /// `SESSION_COOKIE_SECURE`: mark the cookie `Secure` (false).
    pub cookie_secure: bool,
    /// `SESSION_COOKIE_HTTPONLY`: hide the cookie from JavaScript (true).
    pub cookie_httponly: bool,
    /// `SESSION_COOKIE_SAMESITE`: `Some("Lax")` (default), `"Strict"`, `"None"`, or `None`
    /// (`false` in the file) for no attribute.
    pub cookie_samesite: Option<String>,
    /// `SESSION_COOKIE_PATH` (`"/"`).
    pub cookie_path: String,
    /// `SESSION_COOKIE_DOMAIN`: `None` for the request's host only.
    pub cookie_domain: Option<String>,
    /// `SESSION_EXPIRE_AT_BROWSER_CLOSE`: a cookie without `Max-Age`, gone when the browser
    /// closes (false).
    pub expire_at_browser_close: bool,
    /// `SESSION_SAVE_EVERY_REQUEST`: save (and resend the cookie) on every request that has a
    /// session, not only when it changed (false).
    pub save_every_request: bool,
}

impl SessionSettings {
    fn load(file: &FileSettings<'_>, env: &impl Fn(&str) -> Option<String>) -> Result<Self> {
        let engine_name = match env("SESSION_ENGINE") {
            Some(value) => value,
            None => file
                .get("SESSION_ENGINE")?
                .unwrap_or_else(|| "db".to_owned()),
        };
        let engine = match engine_name.trim() {
            "db" => SessionEngine::Database,
            "redis" => SessionEngine::Redis,
            other => {
                return Err(Error::ImproperlyConfigured(format!(
                    "SESSION_ENGINE must be \"db\" or \"redis\", not {other:?}"
                )));
            }
        };
        let redis_url = env("SESSION_REDIS_URL")
            .or(file.get("SESSION_REDIS_URL")?)
            .unwrap_or_else(|| "redis://127.0.0.1:6379/0".to_owned());
        if !["redis://", "redis+unix://", "unix://"]
            .iter()
            .any(|scheme| redis_url.starts_with(scheme))
        {
            return Err(Error::ImproperlyConfigured(format!(
                "SESSION_REDIS_URL must start with redis:// (or unix:// for a socket), not {:?}",
                mask_url_password(&redis_url)
            )));
        }
        let cookie_age: i64 = file.get("SESSION_COOKIE_AGE")?.unwrap_or(1_209_600);
        if cookie_age <= 0 {
            return Err(Error::ImproperlyConfigured(format!(
                "SESSION_COOKIE_AGE must be a positive number of seconds, not {cookie_age}"
            )));
        }
        let cookie_secure = match env("SESSION_COOKIE_SECURE") {
            Some(value) => parse_bool("SESSION_COOKIE_SECURE", &value)?,
            None => file.get("SESSION_COOKIE_SECURE")?.unwrap_or(false),
        };
        let cookie_samesite = match file.get::<toml::Value>("SESSION_COOKIE_SAMESITE")? {
            None => Some("Lax".to_owned()),
            Some(toml::Value::Boolean(false)) => None,
            Some(toml::Value::String(value))
                if ["Lax", "Strict", "None"].contains(&value.as_str()) =>
            {
                Some(value)
            }
            Some(other) => {
                return Err(Error::ImproperlyConfigured(format!(
                    "SESSION_COOKIE_SAMESITE must be \"Lax\", \"Strict\", \"None\" or false, not {other}"
                )));
            }
        };
        let cookie_name: String = file
            .get("SESSION_COOKIE_NAME")?
            .unwrap_or_else(|| "sessionid".to_owned());
        let is_token = |text: &str| {
            !text.is_empty()
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        };
        if !is_token(&cookie_name) {
            return Err(Error::ImproperlyConfigured(format!(
                "SESSION_COOKIE_NAME {cookie_name:?} is not a valid cookie name"
            )));
        }
        // Path and domain go into the Set-Cookie header as they are: no separators there.
        let attribute_safe = |key: &str, value: &str| -> Result<()> {
            if value.bytes().any(|b| b == b';' || b.is_ascii_control()) {
                return Err(Error::ImproperlyConfigured(format!(
                    "{key} must not contain ';' or control characters: {value:?}"
                )));
            }
            Ok(())
        };
        let cookie_path: String = file
            .get("SESSION_COOKIE_PATH")?
            .unwrap_or_else(|| "/".to_owned());
        attribute_safe("SESSION_COOKIE_PATH", &cookie_path)?;
        let cookie_domain: Option<String> = file
            .get::<String>("SESSION_COOKIE_DOMAIN")?
            .filter(|domain| !domain.is_empty());
        if let Some(domain) = &cookie_domain {
            attribute_safe("SESSION_COOKIE_DOMAIN", domain)?;
        }
        Ok(SessionSettings {
            engine,
            redis_url,
            cookie_name,
            cookie_age,
            cookie_secure,
            cookie_httponly: file.get("SESSION_COOKIE_HTTPONLY")?.unwrap_or(true),
            cookie_samesite,
            cookie_path,
            cookie_domain,
            expire_at_browser_close: file
                .get("SESSION_EXPIRE_AT_BROWSER_CLOSE")?
                .unwrap_or(false),
            save_every_request: file.get("SESSION_SAVE_EVERY_REQUEST")?.unwrap_or(false),
        })
    }

    /// The settings as text for the DEBUG page (the Redis password masked).
    fn display_pairs(&self) -> Vec<(String, String)> {
        let engine = match self.engine {
            SessionEngine::Database => "db",
            SessionEngine::Redis => "redis",
        };
        [
            ("SESSION_ENGINE", engine.to_owned()),
            ("SESSION_REDIS_URL", mask_url_password(&self.redis_url)),
            ("SESSION_COOKIE_NAME", self.cookie_name.clone()),
            ("SESSION_COOKIE_AGE", self.cookie_age.to_string()),
            ("SESSION_COOKIE_SECURE", self.cookie_secure.to_string()),
            ("SESSION_COOKIE_HTTPONLY", self.cookie_httponly.to_string()),
            (
                "SESSION_COOKIE_SAMESITE",
                self.cookie_samesite
                    .clone()
                    .unwrap_or_else(|| "false".to_owned()),
            ),
            ("SESSION_COOKIE_PATH", self.cookie_path.clone()),
            (
                "SESSION_COOKIE_DOMAIN",
                self.cookie_domain
                    .clone()
                    .unwrap_or_else(|| "None".to_owned()),
            ),
            (
                "SESSION_EXPIRE_AT_BROWSER_CLOSE",
                self.expire_at_browser_close.to_string(),
            ),
            (
                "SESSION_SAVE_EVERY_REQUEST",
                self.save_every_request.to_string(),
            ),
        ]
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
    }
}

/// What masked values look like, as in Django's debug page.
pub(crate) const MASK: &str = "********************";

/// Whether a setting's value must never be shown (its name mentions a secret).
pub(crate) fn is_hidden_setting(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    HIDDEN_SETTING_WORDS.iter().any(|word| upper.contains(word))
}

/// Django's `cleanse_setting`: the value, masked when its name looks secret, with every
/// table inside it cleansed the same way, at any depth.
///
/// ```
/// let value: toml::Value = toml::from_str("DB = { NAME = 'x', PASSWORD = 'p', REPLICAS = [{ PASSWORD = 'q' }] }").unwrap();
/// let shown = pony::conf::cleanse_setting("DB", &value["DB"]).to_string();
/// assert!(!shown.contains("'p'") && !shown.contains("\"p\"") && !shown.contains("\"q\""), "{shown}");
/// assert!(shown.contains("NAME = \"x\""), "{shown}");
/// ```
pub fn cleanse_setting(key: &str, value: &toml::Value) -> toml::Value {
    if is_hidden_setting(key) {
        return toml::Value::String(MASK.to_owned());
    }
    match value {
        toml::Value::Table(table) => toml::Value::Table(
            table
                .iter()
                .map(|(key, value)| (key.clone(), cleanse_setting(key, value)))
                .collect(),
        ),
        toml::Value::Array(items) => {
            toml::Value::Array(items.iter().map(|v| cleanse_setting("", v)).collect())
        }
        other => other.clone(),
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:********************@host/db`.
fn mask_url_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:{MASK}@{host}"),
        None => url.to_owned(),
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
    /// A count limit: a number, or `false` for none (Django's `None`).
    fn limit(&self, key: &str) -> Result<Option<Option<usize>>> {
        match self.table.get(key) {
            None => Ok(None),
            Some(toml::Value::Boolean(false)) => Ok(Some(None)),
            Some(_) => Ok(Some(self.get::<usize>(key)?)),
        }
    }
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

// ---------------------------------------------------------------------------------------------
// CSRF and security-middleware settings (Django's CSRF_* and SECURE_*).
// ---------------------------------------------------------------------------------------------

/// Django's `CSRF_*` settings, with Django's defaults.
///
/// ```toml
/// CSRF_TRUSTED_ORIGINS = ["https://*.example.com"]
/// CSRF_COOKIE_SECURE = true
/// ```
#[derive(Debug, Clone)]
pub struct CsrfSettings {
    /// `CSRF_COOKIE_NAME` (`"csrftoken"`).
    pub cookie_name: String,
    /// `CSRF_COOKIE_AGE` in seconds (one year: `31449600`).
    pub cookie_age: u64,
    /// `CSRF_COOKIE_SECURE`: send the cookie over HTTPS only.
    pub cookie_secure: bool,
    /// `CSRF_COOKIE_HTTPONLY`: hide the cookie from JavaScript (off, as in Django).
    pub cookie_httponly: bool,
    /// `CSRF_COOKIE_SAMESITE`: `"Lax"`, `"Strict"`, `"None"`, or `false` for no attribute.
    pub cookie_samesite: Option<String>,
    /// `CSRF_TRUSTED_ORIGINS`: other origins allowed to post (`https://*.example.com`).
    pub trusted_origins: Vec<String>,
    /// `CSRF_HEADER_NAME`, as an HTTP header name (`HTTP_X_CSRFTOKEN` → `x-csrftoken`).
    pub header_name: String,
}

impl CsrfSettings {
    fn load(file: &FileSettings<'_>) -> Result<Self> {
        let trusted_origins: Vec<String> = file.get("CSRF_TRUSTED_ORIGINS")?.unwrap_or_default();
        if let Some(bad) = trusted_origins.iter().find(|o| !o.contains("://")) {
            return Err(Error::ImproperlyConfigured(format!(
                "The values in the CSRF_TRUSTED_ORIGINS setting must start with a scheme \
                 (usually http:// or https://) but found {bad}."
            )));
        }
        let cookie_samesite = match file.table.get("CSRF_COOKIE_SAMESITE") {
            None => Some("Lax".to_owned()),
            Some(toml::Value::Boolean(false)) => None,
            Some(toml::Value::String(value))
                if ["lax", "strict", "none"].contains(&value.to_ascii_lowercase().as_str()) =>
            {
                Some(value.clone())
            }
            Some(other) => {
                return Err(Error::ImproperlyConfigured(format!(
                    "{}: CSRF_COOKIE_SAMESITE must be \"Lax\", \"Strict\", \"None\" or false, \
                     not {other}",
                    file.path.display()
                )));
            }
        };
        let header: String = file
            .get("CSRF_HEADER_NAME")?
            .unwrap_or_else(|| "HTTP_X_CSRFTOKEN".to_owned());
        Ok(CsrfSettings {
            cookie_name: file
                .get("CSRF_COOKIE_NAME")?
                .unwrap_or_else(|| "csrftoken".to_owned()),
            cookie_age: file.get("CSRF_COOKIE_AGE")?.unwrap_or(31_449_600),
            cookie_secure: file.get("CSRF_COOKIE_SECURE")?.unwrap_or(false),
            cookie_httponly: file.get("CSRF_COOKIE_HTTPONLY")?.unwrap_or(false),
            cookie_samesite,
            trusted_origins,
            header_name: header_name_from_meta(&header),
        })
    }
}

/// Django's `SECURE_*` settings (and `X_FRAME_OPTIONS`), with Django's defaults.
///
/// ```toml
/// SECURE_SSL_REDIRECT = true
/// SECURE_PROXY_SSL_HEADER = ["HTTP_X_FORWARDED_PROTO", "https"]
/// SECURE_HSTS_SECONDS = 31536000
/// ```
#[derive(Debug, Clone)]
pub struct SecureSettings {
    /// `SECURE_HSTS_SECONDS`: `Strict-Transport-Security` on HTTPS responses when non-zero.
    pub hsts_seconds: u64,
    /// `SECURE_HSTS_INCLUDE_SUBDOMAINS`.
    pub hsts_include_subdomains: bool,
    /// `SECURE_HSTS_PRELOAD`.
    pub hsts_preload: bool,
    /// `SECURE_SSL_REDIRECT`: answer plain-HTTP requests with a 301 to HTTPS.
    pub ssl_redirect: bool,
    /// `SECURE_SSL_HOST`: the host HTTPS redirects go to (the request's own when unset).
    pub ssl_host: Option<String>,
    /// `SECURE_PROXY_SSL_HEADER`: `(header name, value)` a trusted proxy sets on HTTPS
    /// requests, e.g. `["HTTP_X_FORWARDED_PROTO", "https"]`.
    pub proxy_ssl_header: Option<(String, String)>,
    /// `SECURE_CONTENT_TYPE_NOSNIFF`: `X-Content-Type-Options: nosniff`.
    pub content_type_nosniff: bool,
    /// `SECURE_REFERRER_POLICY` (`"same-origin"`; `false` for none).
    pub referrer_policy: Option<String>,
    /// `SECURE_CROSS_ORIGIN_OPENER_POLICY` (`"same-origin"`; `false` for none).
    pub cross_origin_opener_policy: Option<String>,
    /// `X_FRAME_OPTIONS` (`"DENY"`; `false` for none).
    pub x_frame_options: Option<String>,
}

impl SecureSettings {
    fn load(file: &FileSettings<'_>) -> Result<Self> {
        let proxy_ssl_header = match file.get::<Vec<String>>("SECURE_PROXY_SSL_HEADER")? {
            None => None,
            Some(pair) => match pair.as_slice() {
                [name, value] => Some((header_name_from_meta(name), value.clone())),
                _ => {
                    return Err(Error::ImproperlyConfigured(
                        "SECURE_PROXY_SSL_HEADER must be a list of two strings: \
                         [\"HTTP_X_FORWARDED_PROTO\", \"https\"]."
                            .to_owned(),
                    ));
                }
            },
        };
        Ok(SecureSettings {
            hsts_seconds: file.get("SECURE_HSTS_SECONDS")?.unwrap_or(0),
            hsts_include_subdomains: file.get("SECURE_HSTS_INCLUDE_SUBDOMAINS")?.unwrap_or(false),
            hsts_preload: file.get("SECURE_HSTS_PRELOAD")?.unwrap_or(false),
            ssl_redirect: file.get("SECURE_SSL_REDIRECT")?.unwrap_or(false),
            ssl_host: file.get("SECURE_SSL_HOST")?,
            proxy_ssl_header,
            content_type_nosniff: file.get("SECURE_CONTENT_TYPE_NOSNIFF")?.unwrap_or(true),
            referrer_policy: header_setting(file, "SECURE_REFERRER_POLICY", "same-origin")?,
            cross_origin_opener_policy: header_setting(
                file,
                "SECURE_CROSS_ORIGIN_OPENER_POLICY",
                "same-origin",
            )?,
            x_frame_options: header_setting(file, "X_FRAME_OPTIONS", "DENY")?,
        })
    }
}

/// A setting that is a header value: a string, a list of strings (joined with commas, as
/// Django does for `SECURE_REFERRER_POLICY`), or `false` for no header.
fn header_setting(file: &FileSettings<'_>, key: &str, default: &str) -> Result<Option<String>> {
    let value = match file.table.get(key) {
        None => Some(default.to_owned()),
        Some(toml::Value::Boolean(false)) => None,
        Some(toml::Value::String(value)) => Some(value.clone()),
        Some(toml::Value::Array(_)) => file.get::<Vec<String>>(key)?.map(|v| v.join(",")),
        Some(other) => {
            return Err(Error::ImproperlyConfigured(format!(
                "{}: {key} must be a string, a list of strings or false, not {other}",
                file.path.display()
            )));
        }
    };
    Ok(value)
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
