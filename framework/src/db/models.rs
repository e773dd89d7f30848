//! Model metadata: what `#[derive(Model)]` knows about a model.
//!
//! The same types describe a model as compiled (from the derive) and as replayed from
//! migration files, so `makemigrations` can diff the two; forms and the admin read them too.
//! They serialise to the compact TOML of migration files: defaults are left out.
//!
//! ```
//! use pony::db::models::{FieldMeta, FieldType, ModelMeta};
//!
//! let article = ModelMeta::new("articles", "Article")
//!     .field(FieldMeta::new("id", FieldType::BigAutoField).primary_key())
//!     .field(FieldMeta::new("title", FieldType::CharField { max_length: 200 }));
//! assert_eq!(article.db_table, "articles_article");
//! assert_eq!(article.key(), "articles.article");
//! assert_eq!(article.pk().map(|f| f.name.as_str()), Some("id"));
//! ```

use serde::{Deserialize, Serialize};

use super::Connection;
use super::rows::RowQuery;
use super::value::{FieldValue, Value};
use crate::error::Result;

/// A model: its app, name, table, options and fields (Django's `Model._meta`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelMeta {
    /// The app's label (`articles`).
    pub app_label: String,
    /// The model's name as written (`Article`, Django's `object_name`).
    pub name: String,
    /// The table (`articles_article`).
    pub db_table: String,
    /// `article`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub verbose_name: String,
    /// `articles`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub verbose_name_plural: String,
    /// Default ordering, Django style: `["-created_at", "title"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ordering: Vec<String>,
    /// The fields in declaration order.
    pub fields: Vec<FieldMeta>,
    /// Groups of fields unique together.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unique_together: Vec<Vec<String>>,
    /// Named indexes over one or more fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<IndexMeta>,
}

impl ModelMeta {
    /// A model with Django's defaults: table `<app>_<model>`, verbose names from the name.
    pub fn new(app_label: &str, name: &str) -> Self {
        let lower = name.to_ascii_lowercase();
        let verbose_name = camel_to_words(name);
        ModelMeta {
            app_label: app_label.to_owned(),
            name: name.to_owned(),
            db_table: format!("{app_label}_{lower}"),
            verbose_name_plural: format!("{verbose_name}s"),
            verbose_name,
            ordering: Vec::new(),
            fields: Vec::new(),
            unique_together: Vec::new(),
            indexes: Vec::new(),
        }
    }

    /// Adds a field (builder style).
    pub fn field(mut self, field: FieldMeta) -> Self {
        self.fields.push(field);
        self
    }

    /// `app.model` in lower case, Django's model key (`articles.article`).
    pub fn key(&self) -> String {
        format!("{}.{}", self.app_label, self.name.to_ascii_lowercase())
    }

    /// The primary key field.
    pub fn pk(&self) -> Option<&FieldMeta> {
        self.fields.iter().find(|f| f.primary_key)
    }

    /// A field by name.
    pub fn get_field(&self, name: &str) -> Option<&FieldMeta> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The link table of the many-to-many field `field` of this model (`None` for other
    /// fields), named as Django names its auto-created `through` model's.
    ///
    /// ```
    /// use pony::db::models::{FieldMeta, FieldType, ModelMeta};
    ///
    /// let user = ModelMeta::new("auth", "User");
    /// let groups = FieldMeta::new(
    ///     "groups",
    ///     FieldType::ManyToManyField { to: "auth.group".into(), db_table: String::new() },
    /// );
    /// let link = user.link(&groups).unwrap();
    /// assert_eq!(link.db_table, "auth_user_groups");
    /// assert_eq!((link.source_column(), link.target_column()), ("user_id".into(), "group_id".into()));
    /// ```
    pub fn link(&self, field: &FieldMeta) -> Option<Link> {
        let FieldType::ManyToManyField { to, db_table } = &field.field_type else {
            return None;
        };
        let source = self.name.to_ascii_lowercase();
        let target = to.rsplit('.').next().unwrap_or(to).to_ascii_lowercase();
        let (source, target) = if to.eq_ignore_ascii_case(&self.key()) {
            (format!("from_{source}"), format!("to_{target}"))
        } else {
            (source, target)
        };
        let db_table = if db_table.is_empty() {
            format!("{}_{}", self.db_table, field.name)
        } else {
            db_table.clone()
        };
        Some(Link {
            db_table,
            source,
            target,
        })
    }
}

/// The link table of a many-to-many field: one row `(id, <source>_id, <target>_id)` per
/// linked pair, unique together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The table (`auth_user_groups`).
    pub db_table: String,
    /// The field naming the row that holds the many-to-many field (`user`; `from_user` when a
    /// model links to itself).
    pub source: String,
    /// The field naming the linked row (`group`; `to_user` when a model links to itself).
    pub target: String,
}

impl Link {
    /// `user_id`.
    pub fn source_column(&self) -> String {
        format!("{}_id", self.source)
    }

    /// `group_id`.
    pub fn target_column(&self) -> String {
        format!("{}_id", self.target)
    }
}

/// Django's default `verbose_name`: `BlogPost` → `blog post`.
pub fn camel_to_words(name: &str) -> String {
    let mut words = String::new();
    for (index, c) in name.chars().enumerate() {
        if c.is_uppercase() && index > 0 {
            words.push(' ');
        }
        words.extend(c.to_lowercase());
    }
    words
}

/// One field of a model (Django's `Field`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldMeta {
    /// The attribute name (`title`, `author`).
    pub name: String,
    /// The column (`title`, `author_id` for a foreign key); empty for a many-to-many field,
    /// which lives in a link table instead.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub column: String,
    /// The kind of field and its type-specific options.
    #[serde(flatten)]
    pub field_type: FieldType,
    /// `NULL` allowed (an `Option` field).
    #[serde(default, skip_serializing_if = "is_false")]
    pub null: bool,
    /// May be left empty in forms.
    #[serde(default, skip_serializing_if = "is_false")]
    pub blank: bool,
    /// A unique constraint on the column.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// An index on the column.
    #[serde(default, skip_serializing_if = "is_false")]
    pub db_index: bool,
    /// The primary key.
    #[serde(default, skip_serializing_if = "is_false")]
    pub primary_key: bool,
    /// The default for new rows (and for existing rows when the field is added).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<DefaultValue>,
    /// Allowed values as `(value, label)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<(String, String)>,
    /// Set to now on every save (`updated_at`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub auto_now: bool,
    /// Set to now when created (`created_at`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub auto_now_add: bool,
    /// The label in forms and the admin; empty means derived from the name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub verbose_name: String,
    /// Help shown beside the form field.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help_text: String,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl FieldMeta {
    /// A field with Django's defaults (not null, not blank, no index); a foreign key's column
    /// gets the `_id` suffix, a many-to-many field has none.
    pub fn new(name: &str, field_type: FieldType) -> Self {
        FieldMeta {
            name: name.to_owned(),
            column: field_type.default_column(name),
            field_type,
            null: false,
            blank: false,
            unique: false,
            db_index: false,
            primary_key: false,
            default: None,
            choices: Vec::new(),
            auto_now: false,
            auto_now_add: false,
            verbose_name: String::new(),
            help_text: String::new(),
        }
    }

    /// Marks the field as the primary key.
    pub fn primary_key(mut self) -> Self {
        self.primary_key = true;
        self
    }

    /// Allows NULL (and blank).
    pub fn null(mut self) -> Self {
        self.null = true;
        self
    }

    /// Sets a default.
    pub fn default(mut self, value: DefaultValue) -> Self {
        self.default = Some(value);
        self
    }

    /// The label: `verbose_name`, or the name with underscores as spaces.
    pub fn label(&self) -> String {
        if self.verbose_name.is_empty() {
            self.name.replace('_', " ")
        } else {
            self.verbose_name.clone()
        }
    }

    /// Whether the database fills this column (auto-increment primary keys).
    pub fn is_auto(&self) -> bool {
        matches!(
            self.field_type,
            FieldType::AutoField | FieldType::BigAutoField
        )
    }

    /// Whether the field is a column of its model's table (all but many-to-many fields).
    pub fn has_column(&self) -> bool {
        !matches!(self.field_type, FieldType::ManyToManyField { .. })
    }

    /// The max length of text fields.
    pub fn max_length(&self) -> Option<u32> {
        match self.field_type {
            FieldType::CharField { max_length } | FieldType::EmailField { max_length } => {
                Some(max_length)
            }
            _ => None,
        }
    }
}

/// The kinds of fields, with Django's names (written as `type = "CharField"` in migrations).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum FieldType {
    /// 32-bit auto-increment primary key.
    AutoField,
    /// 64-bit auto-increment primary key (Django's default `id`).
    BigAutoField,
    /// `bool`.
    BooleanField,
    /// `i32`.
    IntegerField,
    /// `i64`.
    BigIntegerField,
    /// `f64`.
    FloatField,
    /// `String` with a maximum length (VARCHAR).
    CharField {
        /// Maximum length in characters.
        max_length: u32,
    },
    /// `String` without a limit (TEXT).
    TextField,
    /// An email address (VARCHAR, validated in forms).
    EmailField {
        /// Maximum length in characters (Django: 254).
        max_length: u32,
    },
    /// A calendar date.
    DateField,
    /// A point in time, stored in UTC.
    DateTimeField,
    /// A reference to another model's primary key.
    ForeignKey {
        /// The target model's key, `app.model` (`auth.user`).
        to: String,
        /// What deleting the target does to this row.
        on_delete: OnDelete,
    },
    /// Links to any number of another model's rows, through a link table of
    /// `(id, <model>_id, <target>_id)` (Django's auto-created `through` model).
    ManyToManyField {
        /// The target model's key (`auth.group`).
        to: String,
        /// The link table; empty for Django's `<table>_<field>` (`auth_user_groups`).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        db_table: String,
    },
}

impl FieldType {
    /// Django's class name (`CharField`), for messages such as "(a CharField)".
    pub fn name(&self) -> &'static str {
        match self {
            FieldType::AutoField => "AutoField",
            FieldType::BigAutoField => "BigAutoField",
            FieldType::BooleanField => "BooleanField",
            FieldType::IntegerField => "IntegerField",
            FieldType::BigIntegerField => "BigIntegerField",
            FieldType::FloatField => "FloatField",
            FieldType::CharField { .. } => "CharField",
            FieldType::TextField => "TextField",
            FieldType::EmailField { .. } => "EmailField",
            FieldType::DateField => "DateField",
            FieldType::DateTimeField => "DateTimeField",
            FieldType::ForeignKey { .. } => "ForeignKey",
            FieldType::ManyToManyField { .. } => "ManyToManyField",
        }
    }

    /// The column a field of this type gets when none is given: the name, plus `_id` for a
    /// foreign key; none (empty) for a many-to-many field.
    pub fn default_column(&self, name: &str) -> String {
        match self {
            FieldType::ForeignKey { .. } => format!("{name}_id"),
            FieldType::ManyToManyField { .. } => String::new(),
            _ => name.to_owned(),
        }
    }

    /// The key of the model a relation points at (foreign keys and many-to-many fields).
    pub fn related_model(&self) -> Option<&str> {
        match self {
            FieldType::ForeignKey { to, .. } | FieldType::ManyToManyField { to, .. } => Some(to),
            _ => None,
        }
    }

    /// The related model's key, to rewrite it (a renamed model).
    pub fn related_model_mut(&mut self) -> Option<&mut String> {
        match self {
            FieldType::ForeignKey { to, .. } | FieldType::ManyToManyField { to, .. } => Some(to),
            _ => None,
        }
    }
}

/// Django's `on_delete` choices that pony supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OnDelete {
    /// Delete the rows that point at the deleted row.
    Cascade,
    /// Refuse to delete a row that others point at.
    Protect,
    /// Set the pointing column to NULL (the field must be nullable).
    SetNull,
}

/// A constant default value (written plainly in migrations: `default = 0`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DefaultValue {
    /// `true` / `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A float.
    Float(f64),
    /// Text (also dates and datetimes in ISO 8601).
    Str(String),
}

/// A named index (Django's `Meta.indexes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexMeta {
    /// The index's name.
    pub name: String,
    /// The indexed fields, in order.
    pub fields: Vec<String>,
    /// A unique index.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
}

/// A model class, as `#[derive(Model)]` implements it: what code generic over any model (the
/// admin, a generic view) can call. The derive also writes these as inherent methods, so
/// `Article::get(conn, 1)` needs no import.
///
/// ```
/// use pony::db::{Connection, Model, Value};
///
/// /// Renames any model's row whose `title` field is `old`, knowing nothing else of it.
/// fn retitle<M: Model>(conn: &mut Connection, pk: M::Pk, title: &str) -> pony::Result<String> {
///     let mut row = M::get(conn, pk)?;
///     row.set_value("title", Value::Text(title.to_owned()))?;
///     Ok(row.save(conn)?.display())
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a pony model",
    label = "`{Self}` is not a model",
    note = "add #[derive(pony::Model)] to the struct"
)]
pub trait Model: Sized + Send + 'static {
    /// The primary key's type (`i64` for Django's default `id`).
    type Pk: FieldValue + Clone + std::fmt::Display + Send + Sync + 'static;

    /// Django's `label_lower`: `"articles.article"`, the key of the registry and of foreign
    /// keys' targets in migrations.
    const KEY: &'static str;

    /// The model's metadata (Django's `_meta`).
    fn meta() -> &'static ModelMeta;

    /// This row's primary key (Django's `pk`).
    fn pk(&self) -> Self::Pk;

    /// The row with primary key `pk`; a missing row is `Error::Http404` ("No Article matches
    /// the given query.").
    fn get(conn: &mut Connection, pk: Self::Pk) -> Result<Self>;

    /// Every row, in the model's default ordering.
    fn all(conn: &mut Connection) -> Result<Vec<Self>>;

    /// How many rows there are.
    fn count(conn: &mut Connection) -> Result<i64>;

    /// Django's `save()`: inserts a new row (and sets its automatic key) or updates this one.
    fn save(self, conn: &mut Connection) -> Result<Self>;

    /// Deletes this row.
    fn delete(self, conn: &mut Connection) -> Result<()>;

    /// Django's `__str__`: the field named by `#[model(display = "title")]`, the type's
    /// `Display` with `#[model(display)]`, else `"Article object (3)"`.
    fn display(&self) -> String {
        format!("{} object ({})", Self::meta().name, self.pk())
    }

    /// The value of the field `name` (Django's field name, or the Rust attribute for a
    /// foreign key's `author_id`), `None` when the model has no such field.
    fn value(&self, name: &str) -> Option<Value>;

    /// Sets the field `name` from `value` (a cleaned form value, say); an unknown field or a
    /// value of another kind is an error, never a panic.
    fn set_value(&mut self, name: &str, value: Value) -> Result<()>;

    /// A new, unsaved instance with each field's default (Django's `Article()`): the
    /// `#[field(default = …)]` value, else zero, empty or `None`.
    fn blank() -> Self;

    /// The rows `query` asks for (see [`RowQuery`]); unknown fields are errors.
    fn select(conn: &mut Connection, query: &RowQuery) -> Result<Vec<Self>>;

    /// How many rows `query`'s filters and search match (its order and page aside).
    fn count_matching(conn: &mut Connection, query: &RowQuery) -> Result<i64>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_serialise_compactly_and_round_trip() {
        let field = FieldMeta::new(
            "author",
            FieldType::ForeignKey {
                to: "auth.user".into(),
                on_delete: OnDelete::Cascade,
            },
        );
        let text = toml::to_string(&field).unwrap();
        assert_eq!(
            text,
            "name = \"author\"\ncolumn = \"author_id\"\ntype = \"ForeignKey\"\nto = \"auth.user\"\non_delete = \"CASCADE\"\n"
        );
        let back: FieldMeta = toml::from_str(&text).unwrap();
        assert_eq!(back, field);
        let title = FieldMeta::new("title", FieldType::CharField { max_length: 200 })
            .default(DefaultValue::Str(String::new()));
        let back: FieldMeta = toml::from_str(&toml::to_string(&title).unwrap()).unwrap();
        assert_eq!(back, title);
    }

    #[test]
    fn verbose_names_follow_django() {
        let meta = ModelMeta::new("blog", "BlogPost");
        assert_eq!(
            (
                meta.verbose_name.as_str(),
                meta.verbose_name_plural.as_str()
            ),
            ("blog post", "blog posts")
        );
        assert_eq!(meta.db_table, "blog_blogpost");
    }
}
