//! Procedural macros for pony, re-exported by the `pony` crate: user code writes
//! `#[derive(pony::Model)]`, never this crate's name.

mod model;

use proc_macro::TokenStream;

/// Makes a struct a model: its diesel table, diesel's `Queryable`/`Selectable`, pony's
/// [`ModelMeta`](../pony/db/models/struct.ModelMeta.html) and Django's conveniences (`get`,
/// `all`, `save`, `delete`, `count`).
///
/// ```ignore
/// #[derive(pony::Model, Debug, Clone, serde::Serialize)]
/// #[model(ordering = "-created_at")]
/// pub struct Article {
///     pub id: i64,
///     #[field(max_length = 200)]
///     pub title: String,
///     pub content: String,
///     #[field(foreign_key = "auth.User")]
///     pub author_id: i64,
///     #[field(auto_now_add)]
///     pub created_at: pony::db::DateTime,
///     #[field(auto_now)]
///     pub updated_at: pony::db::DateTime,
/// }
/// ```
///
/// The app is the directory the model is declared in (`src/articles/models.rs` → `articles`)
/// unless `#[model(app = "…")]` says otherwise; the table is `<app>_<model>`.
#[proc_macro_derive(Model, attributes(model, field))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let app_from_path = model::app_from_source_path(&proc_macro::Span::call_site().file());
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    model::expand(input, app_from_path)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
