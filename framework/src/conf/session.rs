//! Django's `SESSION_*` settings.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

use super::{FileSettings, parse_bool};
use crate::error::{Error, Result};

/// Where sessions are kept (`SESSION_ENGINE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SessionEngine {
    /// `"db"` (the default): the `pony_session` table, through the project's database.
    #[serde(rename = "db")]
    Database,
    /// `"redis"`: a Redis server shared by every app server, at `SESSION_REDIS_URL`.
    #[serde(rename = "redis")]
    Redis,
}

impl SessionEngine {
    fn parse(name: &str) -> Result<Self, String> {
        match name.trim() {
            "db" => Ok(SessionEngine::Database),
            "redis" => Ok(SessionEngine::Redis),
            other => Err(format!(
                "SESSION_ENGINE must be \"db\" or \"redis\", not {other:?}"
            )),
        }
    }
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
pub struct SessionSettings {
    /// `SESSION_ENGINE`: `"db"` or `"redis"`.
    #[serde(deserialize_with = "engine")]
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
    #[serde(deserialize_with = "same_site")]
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

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            engine: SessionEngine::Database,
            redis_url: "redis://127.0.0.1:6379/0".to_owned(),
            cookie_name: "sessionid".to_owned(),
            cookie_age: 1_209_600,
            cookie_secure: false,
            cookie_httponly: true,
            cookie_samesite: Some("Lax".to_owned()),
            cookie_path: "/".to_owned(),
            cookie_domain: None,
            expire_at_browser_close: false,
            save_every_request: false,
        }
    }
}

fn engine<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SessionEngine, D::Error> {
    SessionEngine::parse(&String::deserialize(deserializer)?).map_err(D::Error::custom)
}

fn same_site<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    match toml::Value::deserialize(deserializer)? {
        toml::Value::Boolean(false) => Ok(None),
        toml::Value::String(value) if ["Lax", "Strict", "None"].contains(&value.as_str()) => {
            Ok(Some(value))
        }
        other => Err(D::Error::custom(format!(
            "SESSION_COOKIE_SAMESITE must be \"Lax\", \"Strict\", \"None\" or false, not {other}"
        ))),
    }
}

impl SessionSettings {
    /// The file's `SESSION_*` settings, the environment's overrides, then the checks.
    pub(super) fn load(
        file: &FileSettings<'_>,
        env: &impl Fn(&str) -> Option<String>,
    ) -> Result<Self> {
        let mut settings: SessionSettings = file.group("SESSION_")?;
        if let Some(name) = env("SESSION_ENGINE") {
            settings.engine = SessionEngine::parse(&name).map_err(Error::ImproperlyConfigured)?;
        }
        if let Some(url) = env("SESSION_REDIS_URL") {
            settings.redis_url = url;
        }
        if let Some(value) = env("SESSION_COOKIE_SECURE") {
            settings.cookie_secure = parse_bool("SESSION_COOKIE_SECURE", &value)?;
        }
        settings.cookie_domain = settings.cookie_domain.filter(|domain| !domain.is_empty());
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> Result<()> {
        let problem = |text: String| Err(Error::ImproperlyConfigured(text));
        if !["redis://", "redis+unix://", "unix://"]
            .iter()
            .any(|scheme| self.redis_url.starts_with(scheme))
        {
            return problem(format!(
                "SESSION_REDIS_URL must start with redis:// (or unix:// for a socket), not {:?}",
                super::display::mask_url_password(&self.redis_url)
            ));
        }
        if self.cookie_age <= 0 {
            return problem(format!(
                "SESSION_COOKIE_AGE must be a positive number of seconds, not {}",
                self.cookie_age
            ));
        }
        let is_token = |text: &str| {
            !text.is_empty()
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        };
        if !is_token(&self.cookie_name) {
            return problem(format!(
                "SESSION_COOKIE_NAME {:?} is not a valid cookie name",
                self.cookie_name
            ));
        }
        // Path and domain go into the Set-Cookie header as they are: no separators there.
        for (key, value) in [
            ("SESSION_COOKIE_PATH", Some(&self.cookie_path)),
            ("SESSION_COOKIE_DOMAIN", self.cookie_domain.as_ref()),
        ] {
            if let Some(value) = value
                && value.bytes().any(|b| b == b';' || b.is_ascii_control())
            {
                return problem(format!(
                    "{key} must not contain ';' or control characters: {value:?}"
                ));
            }
        }
        Ok(())
    }
}
