//! Reads `#[model(...)]` and `#[field(...)]` into a model definition, with compile errors
//! that say what to write instead.

use proc_macro2::Span;
use quote::format_ident;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{DeriveInput, FieldsNamed, Ident, Lit, LitStr, Type};

use super::types::{RustKind, UNSUPPORTED, foreign_key_target, many_to_many_target, option_inner};
use crate::suggest::unknown_option;

/// A parsed model.
pub(crate) struct ModelDef {
    pub(crate) ident: Ident,
    pub(crate) app: String,
    pub(crate) db_table: String,
    /// The diesel table module (`article`).
    pub(crate) module: Ident,
    pub(crate) ordering: Vec<String>,
    pub(crate) verbose_name: Option<String>,
    pub(crate) verbose_name_plural: Option<String>,
    /// Groups of field names unique together.
    pub(crate) unique_together: Vec<Vec<String>>,
    /// Named indexes: (name, field names, unique).
    pub(crate) indexes: Vec<(String, Vec<String>, bool)>,
    /// The fields with a column, in declaration order.
    pub(crate) fields: Vec<FieldDef>,
    /// The `ManyToMany<Target>` fields, kept in link tables.
    pub(crate) many_to_many: Vec<ManyToManyDef>,
    /// What `Model::display` (Django's `__str__`) shows.
    pub(crate) display: Display,
}

/// `#[model(display = "title")]`, `#[model(display)]` or neither.
pub(crate) enum Display {
    /// Django's default: `"Article object (3)"`.
    Default,
    /// One field's value.
    Field(Ident),
    /// The type's own `Display` impl.
    Impl,
}

/// Django's field kinds as the derive decides them.
pub(crate) enum Kind {
    Auto,
    BigAuto,
    Boolean,
    Integer,
    BigInteger,
    Float,
    Char(u32),
    Text,
    Email(u32),
    Date,
    DateTime,
    ForeignKey { to: Target, on_delete: &'static str },
}

/// Where a foreign key points.
pub(crate) enum Target {
    /// `#[field(foreign_key = "auth.User")]` on an `author_id: i64`: by key only.
    Key(String),
    /// `author: ForeignKey<User>`: the model type, which diesel can join.
    Model(Box<Type>),
}

/// A parsed field.
pub(crate) struct FieldDef {
    pub(crate) ident: Ident,
    /// The diesel column (`article::title`): the field's name, with `_` appended when it is
    /// the table module's name too (diesel forbids a column named like its table).
    pub(crate) column: Ident,
    /// The column's name in the database (`author_id`).
    pub(crate) db_column: String,
    pub(crate) ty: Type,
    pub(crate) rust: RustKind,
    pub(crate) null: bool,
    /// Django's field name (`author` for the column `author_id`).
    pub(crate) name: String,
    pub(crate) kind: Kind,
    pub(crate) primary_key: bool,
    pub(crate) unique: bool,
    pub(crate) db_index: bool,
    pub(crate) blank: bool,
    pub(crate) auto_now: bool,
    pub(crate) auto_now_add: bool,
    pub(crate) default: Option<Lit>,
    pub(crate) verbose_name: Option<String>,
    pub(crate) help_text: Option<String>,
    pub(crate) choices: Vec<(String, String)>,
    /// The reverse accessor's name on the target (`article_set`), for `ForeignKey` fields.
    pub(crate) related_name: Option<String>,
}

/// A `tags: ManyToMany<Tag>` field.
pub(crate) struct ManyToManyDef {
    pub(crate) ident: Ident,
    /// Django's field name (`tags`).
    pub(crate) name: String,
    pub(crate) target: Type,
    /// A link table other than Django's `<table>_<field>`.
    pub(crate) db_table: Option<String>,
    pub(crate) blank: bool,
    pub(crate) verbose_name: Option<String>,
    pub(crate) help_text: Option<String>,
}

impl FieldDef {
    /// Whether the database assigns this column (auto-increment primary key).
    pub(crate) fn is_auto(&self) -> bool {
        matches!(self.kind, Kind::Auto | Kind::BigAuto)
    }
}

impl ModelDef {
    /// The primary key field (parsing made sure there is exactly one).
    pub(crate) fn pk(&self) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.primary_key)
    }

    /// A field by Django name (`author`) or Rust name (`author_id`).
    pub(crate) fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields
            .iter()
            .find(|f| f.name == name || f.ident == name)
    }

    pub(crate) fn parse(
        input: &DeriveInput,
        fields: &FieldsNamed,
        app_from_path: Option<String>,
    ) -> syn::Result<Self> {
        let ident = input.ident.clone();
        let mut app = app_from_path;
        let mut db_table = None;
        let mut ordering = Vec::new();
        let mut ordering_span = ident.span();
        let mut verbose_name = None;
        let mut verbose_name_plural = None;
        let mut unique_together = Vec::new();
        let mut indexes = Vec::new();
        let mut groups_span = ident.span();
        let mut display_field: Option<LitStr> = None;
        let mut display_impl = false;
        for attr in input.attrs.iter().filter(|a| a.path().is_ident("model")) {
            attr.parse_nested_meta(|meta| {
                let key = meta
                    .path
                    .get_ident()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                match key.as_str() {
                    "app" => app = Some(meta.value()?.parse::<LitStr>()?.value()),
                    "db_table" => db_table = Some(meta.value()?.parse::<LitStr>()?.value()),
                    "ordering" => {
                        let text = meta.value()?.parse::<LitStr>()?;
                        ordering_span = text.span();
                        ordering = text
                            .value()
                            .split(',')
                            .map(|s| s.trim().to_owned())
                            .filter(|s| !s.is_empty())
                            .collect()
                    }
                    "verbose_name" => verbose_name = Some(meta.value()?.parse::<LitStr>()?.value()),
                    // display = "title" (a field), or display alone (the type's Display impl)
                    "display" => {
                        if meta.input.peek(syn::Token![=]) {
                            display_field = Some(meta.value()?.parse::<LitStr>()?);
                        } else {
                            display_impl = true;
                        }
                    }
                    "verbose_name_plural" => {
                        verbose_name_plural = Some(meta.value()?.parse::<LitStr>()?.value())
                    }
                    // unique_together = "author, title"
                    "unique_together" => {
                        let text = meta.value()?.parse::<LitStr>()?;
                        groups_span = text.span();
                        unique_together.push(split_names(&text.value()));
                    }
                    // index = "article_title_idx: title, created_at" (unique_index likewise)
                    "index" | "unique_index" => {
                        let text = meta.value()?.parse::<LitStr>()?;
                        groups_span = text.span();
                        let value = text.value();
                        let Some((name, names)) = value.split_once(':') else {
                            return Err(syn::Error::new(
                                text.span(),
                                format!("write {key} = \"<index name>: field, field\""),
                            ));
                        };
                        indexes.push((
                            name.trim().to_owned(),
                            split_names(names),
                            key == "unique_index",
                        ));
                    }
                    _ => return Err(unknown_option(&meta, "model", MODEL_OPTIONS)),
                }
                Ok(())
            })?;
        }
        let Some(app) = app else {
            return Err(syn::Error::new_spanned(
                &ident,
                "cannot tell which app this model belongs to: declare it in src/<app>/models.rs, or write #[model(app = \"<app>\")]",
            ));
        };
        let lower = ident.to_string().to_ascii_lowercase();
        let db_table = db_table.unwrap_or_else(|| format!("{app}_{lower}"));
        let module = module_ident(&snake_case(&ident.unraw().to_string()));

        let (links, columns): (Vec<&syn::Field>, Vec<&syn::Field>) = fields
            .named
            .iter()
            .partition(|f| many_to_many_target(&f.ty).is_some());
        let many_to_many = links
            .into_iter()
            .map(parse_many_to_many)
            .collect::<syn::Result<Vec<_>>>()?;
        let mut fields = columns
            .into_iter()
            .map(parse_field)
            .collect::<syn::Result<Vec<_>>>()?;
        for field in &mut fields {
            if field.column == module {
                field.column = format_ident!("{}_", field.column);
            }
        }
        let primary_keys = fields.iter().filter(|f| f.primary_key).count();
        if primary_keys != 1 {
            let message = if primary_keys == 0 {
                "a model needs a primary key: an `id: i64` field (Django's automatic id) or one field marked #[field(primary_key)]"
            } else {
                "a model has exactly one primary key; more than one field is marked as one"
            };
            return Err(syn::Error::new_spanned(&ident, message));
        }
        for order in &ordering {
            let name = order.trim_start_matches('-');
            if !fields.iter().any(|f| f.name == name || f.ident == name) {
                let known: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
                return Err(syn::Error::new(
                    ordering_span,
                    format!(
                        "ordering refers to the unknown field `{name}`; the fields are {}",
                        known.join(", ")
                    ),
                ));
            }
        }
        let grouped = unique_together
            .iter()
            .chain(indexes.iter().map(|(_, names, _)| names));
        for name in grouped.flatten() {
            if !fields.iter().any(|f| f.name == *name) {
                let known: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
                return Err(syn::Error::new(
                    groups_span,
                    format!(
                        "unknown field `{name}`; the fields are {}",
                        known.join(", ")
                    ),
                ));
            }
        }
        let display = match (display_field, display_impl) {
            (Some(name), _) => {
                let Some(field) = fields
                    .iter()
                    .find(|f| f.name == name.value() || f.ident == name.value())
                else {
                    let known: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
                    return Err(syn::Error::new(
                        name.span(),
                        format!(
                            "display refers to the unknown field `{}`; the fields are {}",
                            name.value(),
                            known.join(", ")
                        ),
                    ));
                };
                Display::Field(field.ident.clone())
            }
            (None, true) => Display::Impl,
            (None, false) => Display::Default,
        };
        Ok(ModelDef {
            display,
            unique_together,
            indexes,
            ident,
            app,
            db_table,
            module,
            ordering,
            verbose_name,
            verbose_name_plural,
            fields,
            many_to_many,
        })
    }
}

/// The table module's name: `r#type` for a keyword, `crate_` for the few that cannot be raw.
pub(crate) fn module_ident(name: &str) -> Ident {
    if syn::parse_str::<Ident>(name).is_ok() {
        Ident::new(name, Span::call_site())
    } else if matches!(name, "self" | "super" | "crate") {
        format_ident!("{name}_")
    } else {
        Ident::new_raw(name, Span::call_site())
    }
}

/// `"a, b"` → `["a", "b"]`.
fn split_names(text: &str) -> Vec<String> {
    text.split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// `BlogPost` → `blog_post`.
pub(crate) fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (index, c) in name.chars().enumerate() {
        if c.is_uppercase() && index > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// The options `#[model(...)]` accepts.
const MODEL_OPTIONS: &[&str] = &[
    "app",
    "display",
    "db_table",
    "ordering",
    "verbose_name",
    "verbose_name_plural",
    "unique_together",
    "index",
    "unique_index",
];

/// The options `#[field(...)]` accepts.
const FIELD_OPTIONS: &[&str] = &[
    "max_length",
    "email",
    "foreign_key",
    "on_delete",
    "related_name",
    "primary_key",
    "unique",
    "db_index",
    "blank",
    "auto_now",
    "auto_now_add",
    "default",
    "verbose_name",
    "help_text",
    "choices",
    "db_table",
];

/// The options a `ManyToMany` field accepts.
const MANY_TO_MANY_OPTIONS: &[&str] = &["db_table", "blank", "verbose_name", "help_text"];

#[derive(Default)]
struct FieldOptions {
    max_length: Option<u32>,
    email: bool,
    foreign_key: Option<String>,
    on_delete: Option<String>,
    related_name: Option<String>,
    primary_key: bool,
    unique: bool,
    db_index: bool,
    blank: bool,
    auto_now: bool,
    auto_now_add: bool,
    default: Option<Lit>,
    verbose_name: Option<String>,
    help_text: Option<String>,
    choices: Vec<(String, String)>,
    db_table: Option<String>,
    /// Where each option was written, for errors about it.
    spans: Vec<(String, Span)>,
}

impl FieldOptions {
    /// The span of the first of `keys` that was written.
    fn span(&self, keys: &[&str]) -> Option<Span> {
        self.spans
            .iter()
            .find(|(key, _)| keys.contains(&key.as_str()))
            .map(|(_, span)| *span)
    }
}

fn parse_options(field: &syn::Field) -> syn::Result<FieldOptions> {
    let mut options = FieldOptions::default();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("field")) {
        attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            options.spans.push((key.clone(), meta.path.span()));
            match key.as_str() {
                "max_length" => {
                    options.max_length = Some(meta.value()?.parse::<syn::LitInt>()?.base10_parse()?)
                }
                "email" => options.email = true,
                "foreign_key" => {
                    options.foreign_key = Some(meta.value()?.parse::<LitStr>()?.value())
                }
                "on_delete" => options.on_delete = Some(meta.value()?.parse::<LitStr>()?.value()),
                "related_name" => {
                    options.related_name = Some(meta.value()?.parse::<LitStr>()?.value())
                }
                "primary_key" => options.primary_key = true,
                "unique" => options.unique = true,
                "db_index" => options.db_index = true,
                "blank" => options.blank = true,
                "auto_now" => options.auto_now = true,
                "auto_now_add" => options.auto_now_add = true,
                "default" => options.default = Some(meta.value()?.parse::<Lit>()?),
                "verbose_name" => {
                    options.verbose_name = Some(meta.value()?.parse::<LitStr>()?.value())
                }
                "help_text" => options.help_text = Some(meta.value()?.parse::<LitStr>()?.value()),
                "db_table" => options.db_table = Some(meta.value()?.parse::<LitStr>()?.value()),
                "choices" => {
                    // choices = "draft:Draft, published:Published"
                    let text = meta.value()?.parse::<LitStr>()?.value();
                    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                        let (value, label) = pair.split_once(':').unwrap_or((pair, pair));
                        options
                            .choices
                            .push((value.trim().to_owned(), label.trim().to_owned()));
                    }
                }
                _ => return Err(unknown_option(&meta, "field", FIELD_OPTIONS)),
            }
            Ok(())
        })?;
    }
    Ok(options)
}

fn parse_many_to_many(field: &syn::Field) -> syn::Result<ManyToManyDef> {
    let Some(ident) = field.ident.clone() else {
        return Err(syn::Error::new_spanned(field, "model fields must be named"));
    };
    let options = parse_options(field)?;
    if let Some((key, span)) = options
        .spans
        .iter()
        .find(|(key, _)| !MANY_TO_MANY_OPTIONS.contains(&key.as_str()))
    {
        return Err(syn::Error::new(
            *span,
            format!(
                "{key} does not apply to a ManyToMany field, which has no column; it takes {}",
                MANY_TO_MANY_OPTIONS.join(", ")
            ),
        ));
    }
    let Some(target) = many_to_many_target(&field.ty).cloned() else {
        return Err(syn::Error::new_spanned(&field.ty, UNSUPPORTED));
    };
    Ok(ManyToManyDef {
        name: ident.unraw().to_string(),
        ident,
        target,
        db_table: options.db_table,
        blank: options.blank,
        verbose_name: options.verbose_name,
        help_text: options.help_text,
    })
}

fn parse_field(field: &syn::Field) -> syn::Result<FieldDef> {
    let Some(ident) = field.ident.clone() else {
        return Err(syn::Error::new_spanned(field, "model fields must be named"));
    };
    let options = parse_options(field)?;
    if options.db_table.is_some() {
        return Err(syn::Error::new(
            options.span(&["db_table"]).unwrap_or_else(|| ident.span()),
            "db_table applies to ManyToMany fields (their link table) and to models: \
             #[model(db_table = \"…\")]",
        ));
    }
    let (inner, null) = match option_inner(&field.ty) {
        Some(inner) => (inner, true),
        None => (&field.ty, false),
    };
    let related = foreign_key_target(inner);
    let rust = match (&related, RustKind::of(inner)) {
        (Some(_), _) => RustKind::I64,
        (None, Some(rust)) => rust,
        (None, None) => return Err(syn::Error::new_spanned(&field.ty, unsupported(inner))),
    };
    let ty = &field.ty;
    let ty_text = quote::quote!(#ty).to_string().replace(' ', "");
    // An error at the option that caused it (or at the field's name).
    let error_at = |keys: &[&str], message: String| {
        let span = options.span(keys).unwrap_or_else(|| ident.span());
        Err(syn::Error::new(span, message))
    };
    let is_id = ident == "id";
    let mut name = ident.unraw().to_string();
    let mut db_column = name.clone();
    let target = match (&related, &options.foreign_key) {
        (Some(_), Some(_)) => {
            return error_at(
                &["foreign_key"],
                format!(
                    "`{ident}` is a ForeignKey already: leave out foreign_key = \"…\", the type names the target"
                ),
            );
        }
        (Some(model), None) => {
            if name.ends_with("_id") {
                return Err(syn::Error::new_spanned(
                    &ident,
                    format!(
                        "a ForeignKey field is named after the relation, as in Django: call it `{}` \
                         (its column is then `{name}`)",
                        name.trim_end_matches("_id")
                    ),
                ));
            }
            db_column = format!("{name}_id");
            Some(Target::Model(Box::new((*model).clone())))
        }
        (None, Some(target)) => {
            if !matches!(rust, RustKind::I64 | RustKind::I32) {
                return Err(syn::Error::new_spanned(
                    &field.ty,
                    format!(
                        "a foreign key holds the target's id: give `{ident}` the type i64 \
                         (or Option<i64>), not {ty_text}"
                    ),
                ));
            }
            let Some(stripped) = name.strip_suffix("_id").filter(|s| !s.is_empty()) else {
                return Err(syn::Error::new_spanned(
                    &ident,
                    format!(
                        "a foreign key is named after its column: call it `{name}_id` \
                         (the field is then `{name}`, as in Django)"
                    ),
                ));
            };
            if !target.contains('.') {
                return error_at(
                    &["foreign_key"],
                    format!(
                        "foreign_key names the target as \"app.Model\", e.g. \"auth.User\", not \"{target}\""
                    ),
                );
            }
            name = stripped.to_owned();
            Some(Target::Key(target.to_ascii_lowercase()))
        }
        (None, None) => None,
    };
    let kind = if let Some(target) = target {
        let on_delete = match options
            .on_delete
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("cascade") => "Cascade",
            Some("protect") => "Protect",
            Some("set_null") => {
                if !null {
                    return error_at(
                        &["on_delete"],
                        "on_delete = \"set_null\" needs a nullable field: Option<…>".to_owned(),
                    );
                }
                "SetNull"
            }
            Some(_) => {
                return error_at(
                    &["on_delete"],
                    "on_delete is one of \"cascade\", \"protect\" or \"set_null\"".to_owned(),
                );
            }
        };
        Kind::ForeignKey {
            to: target,
            on_delete,
        }
    } else {
        if options.on_delete.is_some() {
            return error_at(
                &["on_delete"],
                "on_delete applies to foreign keys only: make the field a pony::db::ForeignKey<Model>"
                    .to_owned(),
            );
        }
        match rust {
            RustKind::I64 if is_id => Kind::BigAuto,
            RustKind::I32 if is_id => Kind::Auto,
            RustKind::Bool => Kind::Boolean,
            RustKind::I32 => Kind::Integer,
            RustKind::I64 => Kind::BigInteger,
            RustKind::F64 => Kind::Float,
            RustKind::String if options.email => Kind::Email(options.max_length.unwrap_or(254)),
            RustKind::String => match options.max_length {
                Some(length) => Kind::Char(length),
                None => Kind::Text,
            },
            RustKind::Date => Kind::Date,
            RustKind::DateTime => Kind::DateTime,
        }
    };
    if options.max_length.is_some() && rust != RustKind::String {
        return error_at(
            &["max_length"],
            format!("max_length applies to String fields only, and `{ident}` is {ty_text}"),
        );
    }
    if options.email && rust != RustKind::String {
        return error_at(
            &["email"],
            format!("email applies to String fields only, and `{ident}` is {ty_text}"),
        );
    }
    if (options.auto_now || options.auto_now_add) && rust != RustKind::DateTime {
        let option = if options.auto_now {
            "auto_now"
        } else {
            "auto_now_add"
        };
        return error_at(
            &["auto_now", "auto_now_add"],
            format!(
                "{option} applies to DateTime fields only (pony::db::DateTime), and `{ident}` is {ty_text}"
            ),
        );
    }
    if options.auto_now && options.auto_now_add {
        return error_at(
            &["auto_now_add"],
            "auto_now and auto_now_add exclude each other: auto_now_add sets the time of creation, \
             auto_now the time of every save"
                .to_owned(),
        );
    }
    if options.related_name.is_some() && related.is_none() {
        return error_at(
            &["related_name"],
            "related_name applies to ForeignKey fields only (pony::db::ForeignKey<Model>)"
                .to_owned(),
        );
    }
    let primary_key = options.primary_key || is_id;
    if primary_key && null {
        return Err(syn::Error::new_spanned(
            &field.ty,
            "a primary key cannot be an Option",
        ));
    }
    let column = if db_column == name {
        ident.clone()
    } else {
        format_ident!("{db_column}")
    };
    Ok(FieldDef {
        column,
        db_column,
        ident,
        ty: field.ty.clone(),
        rust,
        null,
        name,
        kind,
        primary_key,
        unique: options.unique,
        db_index: options.db_index,
        blank: options.blank || null,
        auto_now: options.auto_now,
        auto_now_add: options.auto_now_add,
        default: options.default,
        verbose_name: options.verbose_name,
        help_text: options.help_text,
        choices: options.choices,
        related_name: options.related_name,
    })
}

/// What to write instead of a type pony cannot store.
fn unsupported(ty: &Type) -> String {
    let hint = match RustKind::last_segment(ty).as_deref() {
        Some("u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i128" | "isize") => {
            " (use i32 or i64)"
        }
        Some("f32") => " (use f64)",
        Some("str" | "char") => " (use String)",
        Some("DateTime") => " (use pony::db::DateTime, a UTC time without an offset)",
        _ => "",
    };
    format!("{UNSUPPORTED}{hint}")
}

#[cfg(test)]
mod tests {
    use super::FIELD_OPTIONS;
    use crate::suggest::closest;

    #[test]
    fn typos_get_a_suggestion() {
        assert_eq!(closest("max_len", FIELD_OPTIONS), Some("max_length"));
        assert_eq!(closest("autonow", FIELD_OPTIONS), Some("auto_now"));
        assert_eq!(closest("table", super::MODEL_OPTIONS), Some("db_table"));
        assert_eq!(closest("nullable", FIELD_OPTIONS), None);
        assert_eq!(closest("null", FIELD_OPTIONS), None);
    }
}
