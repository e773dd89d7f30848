//! Settings as the DEBUG page and `Debug` show them: Django's `SafeExceptionReporterFilter`,
//! which masks every value whose name looks secret, at any depth, and the password of every
//! URL.

use serde::Serialize;

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
pub(crate) fn mask_url_password(url: &str) -> String {
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

/// A settings group as `(NAME, shown value)` pairs: each field's serialized name after
/// `prefix` (`COOKIE_AGE` → `SESSION_COOKIE_AGE`), secrets and URL passwords masked. Every
/// setting of a group is thus shown once, from the struct that reads it.
pub(crate) fn group_pairs(prefix: &str, group: &impl Serialize) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(group) else {
        return Vec::new();
    };
    fields
        .into_iter()
        .map(|(field, value)| {
            let name = format!("{prefix}{field}");
            let shown = match value {
                _ if is_hidden_setting(&name) => MASK.to_owned(),
                serde_json::Value::Null => "None".to_owned(),
                serde_json::Value::String(text) => mask_url_password(&text),
                other => other.to_string(),
            };
            (name, shown)
        })
        .collect()
}
