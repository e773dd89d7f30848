//! Django's `SECURE_*` settings and `X_FRAME_OPTIONS`.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

use super::{FileSettings, header_name_from_meta};
use crate::error::{Error, Result};

/// Django's `SECURE_*` settings (and `X_FRAME_OPTIONS`), with Django's defaults.
///
/// ```toml
/// SECURE_SSL_REDIRECT = true
/// SECURE_PROXY_SSL_HEADER = ["HTTP_X_FORWARDED_PROTO", "https"]
/// SECURE_HSTS_SECONDS = 31536000
/// ```
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let settings = pony::Settings::load_from(dir.path(), |_| None).unwrap();
/// assert_eq!(settings.secure.referrer_policy.as_deref(), Some("same-origin"));
/// assert_eq!(settings.secure.x_frame_options.as_deref(), Some("DENY"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
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
    #[serde(deserialize_with = "proxy_ssl_header")]
    pub proxy_ssl_header: Option<(String, String)>,
    /// `SECURE_CONTENT_TYPE_NOSNIFF`: `X-Content-Type-Options: nosniff`.
    pub content_type_nosniff: bool,
    /// `SECURE_REFERRER_POLICY` (`"same-origin"`; `false` for none).
    #[serde(deserialize_with = "referrer_policy")]
    pub referrer_policy: Option<String>,
    /// `SECURE_CROSS_ORIGIN_OPENER_POLICY` (`"same-origin"`; `false` for none).
    #[serde(deserialize_with = "cross_origin_opener_policy")]
    pub cross_origin_opener_policy: Option<String>,
    /// `X_FRAME_OPTIONS` (`"DENY"`; `false` for none).
    #[serde(skip)]
    pub x_frame_options: Option<String>,
}

impl Default for SecureSettings {
    fn default() -> Self {
        SecureSettings {
            hsts_seconds: 0,
            hsts_include_subdomains: false,
            hsts_preload: false,
            ssl_redirect: false,
            ssl_host: None,
            proxy_ssl_header: None,
            content_type_nosniff: true,
            referrer_policy: Some("same-origin".to_owned()),
            cross_origin_opener_policy: Some("same-origin".to_owned()),
            x_frame_options: Some("DENY".to_owned()),
        }
    }
}

impl SecureSettings {
    pub(super) fn load(file: &FileSettings<'_>) -> Result<Self> {
        let mut settings: SecureSettings = file.group("SECURE_")?;
        if let Some(value) = file.table.get("X_FRAME_OPTIONS") {
            settings.x_frame_options =
                header_value("X_FRAME_OPTIONS", value.clone()).map_err(|problem| {
                    Error::ImproperlyConfigured(format!("{}: {problem}", file.path.display()))
                })?;
        }
        Ok(settings)
    }
}

fn proxy_ssl_header<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<(String, String)>, D::Error> {
    match Vec::<String>::deserialize(deserializer)?.as_slice() {
        [name, value] => Ok(Some((header_name_from_meta(name), value.clone()))),
        _ => Err(D::Error::custom(
            "SECURE_PROXY_SSL_HEADER must be a list of two strings: \
             [\"HTTP_X_FORWARDED_PROTO\", \"https\"].",
        )),
    }
}

fn referrer_policy<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    header_value("SECURE_REFERRER_POLICY", toml::Value::deserialize(d)?).map_err(D::Error::custom)
}

fn cross_origin_opener_policy<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    header_value(
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
        toml::Value::deserialize(d)?,
    )
    .map_err(D::Error::custom)
}

/// A setting that is a header value: a string, a list of strings (joined with commas, as
/// Django does for `SECURE_REFERRER_POLICY`), or `false` for no header.
fn header_value(key: &str, value: toml::Value) -> Result<Option<String>, String> {
    let text = |item: &toml::Value| item.as_str().map(str::to_owned);
    match value {
        toml::Value::Boolean(false) => Ok(None),
        toml::Value::String(value) => Ok(Some(value)),
        toml::Value::Array(items) if items.iter().all(|item| item.is_str()) => Ok(Some(
            items.iter().filter_map(text).collect::<Vec<_>>().join(","),
        )),
        other => Err(format!(
            "{key} must be a string, a list of strings or false, not {other}"
        )),
    }
}
