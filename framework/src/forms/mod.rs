//! Forms, as in Django: declare the fields once, bind submitted data, validate, show errors,
//! render.
//!
//! A Django form and its view:
//!
//! ```python
//! class ContactForm(forms.Form):
//!     name = forms.CharField(max_length=100, label="Your name")
//!     email = forms.EmailField()
//!     age = forms.IntegerField(required=False)
//!
//!     def clean(self):
//!         if self.cleaned_data.get("name") == "root":
//!             raise ValidationError("Nice try.")
//!
//! def contact(request):
//!     form = ContactForm(request.POST) if request.method == "POST" else ContactForm()
//!     if form.is_valid():
//!         send(form.cleaned_data)
//!         return redirect("thanks")
//!     return render(request, "contact.html", {"form": form})
//! ```
//!
//! The same in pony: the form is a struct, each field's type says what it cleans to.
//!
//! ```
//! use pony::prelude::*;
//! use pony::forms::{FormErrors, Partial};
//!
//! #[derive(Form, Debug)]
//! #[form(clean = Self::check)]
//! pub struct ContactForm {
//!     #[field(max_length = 100, label = "Your name")]
//!     pub name: String,
//!     #[field(email)]
//!     pub email: String,
//!     pub age: Option<i64>, // an Option is not required
//! }
//!
//! impl ContactForm {
//!     // Runs after the fields, with the ones that cleaned (`None` for the others).
//!     fn check(data: &Partial<Self>, errors: &mut FormErrors) {
//!         if data.name.as_deref() == Some("root") {
//!             errors.add(None, "Nice try.");
//!         }
//!     }
//! }
//!
//! async fn contact(request: Request) -> pony::Result<Response> {
//!     let form = ContactForm::bind(&request); // ContactForm(request.POST or None)
//!     if let Some(contact) = form.cleaned_data() {
//!         // send(contact) …
//!         return redirect("/thanks/");
//!     }
//!     render(&request, "contact.html", context! { form })
//! }
//!
//! let form = ContactForm::bind_data(&pony::http::QueryDict::parse(b"name=root&email=x"));
//! assert!(!form.is_valid());
//! assert_eq!(form.errors().get("email"), ["Enter a valid email address."]);
//! assert_eq!(form.non_field_errors(), ["Nice try."], "the hook runs despite the bad email");
//! ```
//!
//! The template shows it as Django's would: `{{ form }}` (or `{{ form.as_p() }}`,
//! `as_table()`, `as_ul()`), or field by field with `{{ form.name.label_tag() }}`,
//! `{{ form.name }}`, `{{ form.name.errors }}`.
//!
//! Field types: `String` (`CharField`), `i64`/`i32` (`IntegerField`), `bool`
//! (`BooleanField`, not required), `chrono::NaiveDate` (`DateField`), and `Option` of these (not
//! required). Options: `label`, `help_text`, `required`, `max_length`, `min_length`,
//! `initial`, `widget` (`text`, `textarea`, `password`, `email`, `number`, `checkbox`,
//! `select`, `date`, `hidden`), `choices = "value:Label, …"`, `email`, and
//! `clean = path::to::hook` (`fn(T) -> Result<T, ValidationError>`, Django's
//! `clean_<field>`).
//!
//! The whole-form hook, `#[form(clean = Self::check)]`, is Django's `Form.clean`: a
//! `fn(&Partial<Self>, &mut FormErrors)`. It runs after every field, valid or not, and reads
//! what cleaned from [`Partial<Self>`](Partial), the form's fields as `Option`s (Django's
//! `self.cleaned_data.get("name")`). An error it adds to a field takes that field out of the
//! cleaned data, and the form is invalid; `form.cleaned_data()` is the whole struct only when
//! every field and the hook passed.
//!
//! A ModelForm names the model and a subset of its fields; labels, lengths and requiredness
//! come from the model:
//!
//! ```ignore
//! #[derive(pony::Form)]
//! #[form(model = Article)]
//! pub struct ArticleForm {
//!     pub title: String,
//!     #[field(widget = "textarea")]
//!     pub content: String,
//! }
//!
//! let form = ArticleForm::bind(&request);
//! if form.is_valid() {
//!     let mut article = form.save_without_commit(Article::default())?; // save(commit=False)
//!     article.author_id = user.id;
//!     db.run(move |conn| article.save(conn)).await?;
//! }
//! let edit = ArticleForm::from_instance(&article); // an update view's GET
//! ```

mod clean;
mod email;
mod errors;
mod fields;
mod form;
pub mod messages;
mod render;
mod template;
mod values;

pub use clean::{clean_field, clean_with_hook};
/// The data a form is bound to: Django's `QueryDict` — `request.post()`, `request.query()`,
/// or [`QueryDict::from_pairs`](crate::core::QueryDict::from_pairs).
pub type FormData = crate::core::QueryDict;
pub use email::is_valid_email;
pub use errors::{FormErrors, ValidationError};
pub use fields::{FieldKind, FieldSpec, Widget, pretty_name};
pub use form::{BoundForm, Form, ModelForm, Partial};
pub use template::is_safe_html;
pub use values::FormValue;

#[cfg(test)]
mod tests;
