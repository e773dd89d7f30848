//! Django's `CSRF_*` settings.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

use super::{FileSettings, header_name_from_meta};
use crate::error::{Error, Result};

/// Django's `CSRF_*` settings, with Django's defaults.
///
/// ```toml
/// CSRF_TRUSTED_ORIGINS = ["https://*.example.com"]
/// CSRF_COOKIE_SECURE = true
/// ```
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let settings = pony::Settings::load_from(dir.path(), |_| None).unwrap();
/// assert_eq!(settings.csrf.cookie_name, "csrftoken");
/// assert_eq!(settings.csrf.header_name, "x-csrftoken");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
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
    #[serde(deserialize_with = "same_site")]
    pub cookie_samesite: Option<String>,
    /// `CSRF_TRUSTED_ORIGINS`: other origins allowed to post (`https://*.example.com`).
    pub trusted_origins: Vec<String>,
    /// `CSRF_HEADER_NAME`, as an HTTP header name (`HTTP_X_CSRFTOKEN` → `x-csrftoken`).
    #[serde(deserialize_with = "header_name")]
    pub header_name: String,
}

impl Default for CsrfSettings {
    fn default() -> Self {
        CsrfSettings {
            cookie_name: "csrftoken".to_owned(),
            cookie_age: 31_449_600,
            cookie_secure: false,
            cookie_httponly: false,
            cookie_samesite: Some("Lax".to_owned()),
            trusted_origins: Vec::new(),
            header_name: "x-csrftoken".to_owned(),
        }
    }
}

fn same_site<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    match toml::Value::deserialize(deserializer)? {
        toml::Value::Boolean(false) => Ok(None),
        toml::Value::String(value)
            if ["lax", "strict", "none"].contains(&value.to_ascii_lowercase().as_str()) =>
        {
            Ok(Some(value))
        }
        other => Err(D::Error::custom(format!(
            "CSRF_COOKIE_SAMESITE must be \"Lax\", \"Strict\", \"None\" or false, not {other}"
        ))),
    }
}

fn header_name<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(header_name_from_meta(&String::deserialize(deserializer)?))
}

impl CsrfSettings {
    pub(super) fn load(file: &FileSettings<'_>) -> Result<Self> {
        let settings: CsrfSettings = file.group("CSRF_")?;
        if let Some(bad) = settings.trusted_origins.iter().find(|o| !o.contains("://")) {
            return Err(Error::ImproperlyConfigured(format!(
                "The values in the CSRF_TRUSTED_ORIGINS setting must start with a scheme \
                 (usually http:// or https://) but found {bad}."
            )));
        }
        Ok(settings)
    }
}
