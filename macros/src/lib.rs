//! Procedural macros for pony, re-exported by the `pony` crate: user code writes
//! `#[derive(pony::Model)]`, never this crate's name.

mod form;
mod model;
mod suggest;

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
///     #[field(on_delete = "cascade")]
///     pub author: pony::db::ForeignKey<User>, // the column `author_id`
///     #[field(auto_now_add)]
///     pub created_at: pony::db::DateTime,
///     #[field(auto_now)]
///     pub updated_at: pony::db::DateTime,
/// }
/// ```
///
/// The app is the directory the model is declared in (`src/articles/models.rs` → `articles`)
/// unless `#[model(app = "…")]` says otherwise; the table is `<app>_<model>`, and its diesel
/// `table!` is the module `article` (the model's name in snake case).
///
/// A `ForeignKey<User>` field also gets diesel's `joinable!` (the target's table module,
/// `user`, must be in scope), Django's `select_related` as `Article::select_related_author(conn,
/// query)`, and the reverse accessor `user.article_set(conn)` through the trait `ArticleSet`
/// (`#[field(related_name = "articles")]` names it `articles`, the trait `Articles`).
///
/// The generated methods all take `&mut pony::db::Connection` (in a handler:
/// `db.run(move |conn| Article::get(conn, pk)).await?`):
///
/// ```ignore
/// use diesel::prelude::*;
///
/// let article = Article::get(conn, 1)?; // a missing row is Error::Http404
/// let recent: Vec<Article> = Article::objects() // default ordering applied
///     .filter(article::author_id.eq(7))
///     .limit(10)
///     .load(conn)?;
/// let saved = Article { id: 0, ..draft }.save(conn)?; // id 0: INSERT; saved.id is set
/// let (all, n) = (Article::all(conn)?, Article::count(conn)?);
/// saved.delete(conn)?;
/// ```
///
/// `save` updates the row when the primary key is set (inserting it if there is none), sets
/// `auto_now` fields on every save and `auto_now_add` ones on insert only.
#[proc_macro_derive(Model, attributes(model, field))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let app_from_path = model::app_from_source_path(&proc_macro::Span::call_site().file());
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    model::expand(input, app_from_path)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Makes a struct a form (Django's `forms.Form`): each field is a form field whose type says
/// what it cleans to (`String`, `i64`, `i32`, `bool`, `chrono::NaiveDate`, `Option` of these).
///
/// ```ignore
/// #[derive(pony::Form, Debug)]
/// #[form(clean = Self::check)] // optional: fn(&pony::forms::Partial<Self>, &mut pony::forms::FormErrors)
/// pub struct SignupForm {
///     #[field(max_length = 150, help_text = "Letters, digits and @/./+/-/_ only.")]
///     pub username: String,
///     #[field(email, required = false)]
///     pub email: String,
///     #[field(widget = "password", min_length = 8, clean = check_password)]
///     pub password: String,
/// }
/// ```
///
/// Field options: `label`, `help_text`, `required`, `max_length`, `min_length`, `initial`,
/// `widget` (`text`, `textarea`, `password`, `email`, `number`, `checkbox`, `select`, `date`,
/// `hidden`), `choices = "value:Label, …"`, `email`, `clean = path` (a
/// `fn(T) -> Result<T, pony::forms::ValidationError>`, Django's `clean_<field>`).
///
/// `#[form(model = Article)]` makes a ModelForm over some of the model's fields: labels,
/// lengths and requiredness come from the model, and `ArticleForm::from_instance(&article)`,
/// `form.save_without_commit(article)` and `form.apply_to(&mut article)` are available.
#[proc_macro_derive(Form, attributes(form, field))]
pub fn derive_form(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    form::expand(input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
