//! A model's options as `CreateModel` records them: only what differs from Django's defaults.

use serde::{Deserialize, Serialize};

use crate::db::models::{IndexMeta, ModelMeta, camel_to_words};

/// `Meta` options of a created model (Django's `CreateModel(options=…)`).
///
/// Empty strings mean the default: table `<app>_<model>`, verbose name from the model's
/// name, plural = verbose name + `s`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelOptions {
    /// A custom table name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub db_table: String,
    /// A custom verbose name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub verbose_name: String,
    /// A custom plural verbose name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub verbose_name_plural: String,
    /// Default ordering.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ordering: Vec<String>,
    /// Groups of fields unique together.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unique_together: Vec<Vec<String>>,
    /// Named indexes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<IndexMeta>,
}

impl ModelOptions {
    /// The options of `meta`, leaving out defaults.
    pub fn from_meta(meta: &ModelMeta) -> Self {
        let names = DisplayNames::from_meta(meta);
        ModelOptions {
            db_table: names.db_table,
            verbose_name: names.verbose_name,
            verbose_name_plural: names.verbose_name_plural,
            ordering: meta.ordering.clone(),
            unique_together: meta.unique_together.clone(),
            indexes: meta.indexes.clone(),
        }
    }

    /// Whether every option is the default (so `options` can be left out of a file).
    pub fn is_empty(&self) -> bool {
        *self == ModelOptions::default()
    }

    /// Sets these options on `meta`, filling defaults for the empty ones.
    pub fn apply_to(&self, meta: &mut ModelMeta) {
        DisplayNames {
            db_table: self.db_table.clone(),
            verbose_name: self.verbose_name.clone(),
            verbose_name_plural: self.verbose_name_plural.clone(),
        }
        .apply_to(meta);
        meta.ordering = self.ordering.clone();
        meta.unique_together = self.unique_together.clone();
        meta.indexes = self.indexes.clone();
    }
}

/// Table and verbose names, empty where they are the default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct DisplayNames {
    pub db_table: String,
    pub verbose_name: String,
    pub verbose_name_plural: String,
}

impl DisplayNames {
    pub(crate) fn from_meta(meta: &ModelMeta) -> Self {
        let keep = |value: &str, default: String| {
            if value == default {
                String::new()
            } else {
                value.to_owned()
            }
        };
        DisplayNames {
            db_table: keep(&meta.db_table, default_table(&meta.app_label, &meta.name)),
            verbose_name: keep(&meta.verbose_name, camel_to_words(&meta.name)),
            verbose_name_plural: keep(&meta.verbose_name_plural, format!("{}s", meta.verbose_name)),
        }
    }

    pub(crate) fn apply_to(&self, meta: &mut ModelMeta) {
        meta.db_table = or_default(&self.db_table, || {
            default_table(&meta.app_label, &meta.name)
        });
        meta.verbose_name = or_default(&self.verbose_name, || camel_to_words(&meta.name));
        meta.verbose_name_plural = or_default(&self.verbose_name_plural, || {
            format!("{}s", meta.verbose_name)
        });
    }
}

fn or_default(value: &str, default: impl FnOnce() -> String) -> String {
    if value.is_empty() {
        default()
    } else {
        value.to_owned()
    }
}

/// Django's default table name: `<app>_<model in lower case>`.
pub fn default_table(app_label: &str, model_name: &str) -> String {
    format!("{app_label}_{}", model_name.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_left_out_and_restored() {
        let meta = ModelMeta::new("blog", "BlogPost");
        let options = ModelOptions::from_meta(&meta);
        assert!(options.is_empty());
        let mut back = ModelMeta::new("blog", "BlogPost");
        back.db_table = String::new();
        options.apply_to(&mut back);
        assert_eq!(back, meta);
    }

    #[test]
    fn custom_names_are_kept() {
        let mut meta = ModelMeta::new("blog", "BlogPost");
        meta.db_table = "posts".into();
        meta.verbose_name = "entry".into();
        meta.verbose_name_plural = "entrys".into();
        meta.ordering = vec!["-id".into()];
        let options = ModelOptions::from_meta(&meta);
        assert_eq!(options.db_table, "posts");
        assert_eq!(options.verbose_name, "entry");
        assert_eq!(options.verbose_name_plural, "");
        let mut back = ModelMeta::new("blog", "BlogPost");
        options.apply_to(&mut back);
        assert_eq!(back, meta);
    }
}
