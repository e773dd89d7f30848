//! The [`Form`] trait `#[derive(Form)]` implements, and [`BoundForm`]: a form with its data,
//! its errors once validated, and its cleaned value.

use std::fmt;
use std::sync::OnceLock;

use crate::core::{QueryDict, Request};
use crate::error::{Error, Result};

use super::FormData;
use super::errors::FormErrors;
use super::fields::FieldSpec;
use super::render::{FieldView, FormView};

/// A form class: a struct whose fields are the form's fields. Implemented by
/// `#[derive(Form)]`; see [the module](crate::forms) for an example.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a pony form",
    label = "`{Self}` is not a form",
    note = "add #[derive(pony::Form)] to the struct"
)]
pub trait Form: Sized + Send + Sync + 'static {
    /// The fields, in declaration order.
    fn fields() -> &'static [FieldSpec];

    /// The companion struct `#[derive(Form)]` generates: every field as an `Option`, `None`
    /// when that field did not clean. Named [`Partial<Self>`](Partial) in hooks.
    type Partial: Send + Sync + 'static;

    /// Cleans every field (parse, validate, validators, the field's hook), recording
    /// failures in `errors`; the fields that cleaned.
    fn clean_fields(data: &FormData, errors: &mut FormErrors) -> Self::Partial;

    /// The whole-form hook (Django's `Form.clean`), run after the fields whether they cleaned
    /// or not, with the ones that did: add non-field errors with `errors.add(None, …)` or
    /// field errors with `errors.add(Some(…), …)`.
    fn clean(data: &Self::Partial, errors: &mut FormErrors) {
        let _ = (data, errors);
    }

    /// The form, when every field cleaned.
    fn from_partial(partial: Self::Partial) -> Option<Self>;

    /// The value each field shows for this instance (in field order), for unbound forms.
    fn initial_values(&self) -> Vec<Option<String>>;

    /// Django's `Form(request.POST or None)`: bound to the request's POST body (urlencoded
    /// or multipart) when it is a POST, else unbound — so one line serves both:
    ///
    /// ```no_run
    /// use pony::prelude::*;
    /// # #[derive(pony::Form, Debug)] pub struct ContactForm { pub name: String }
    ///
    /// async fn contact(request: Request) -> pony::Result<Response> {
    ///     let form = ContactForm::bind(&request);
    ///     if let Some(contact) = form.cleaned_data() {    // only for a valid POST
    ///         return redirect("/thanks/");
    ///     }
    ///     render(&request, "contact.html", context! { form }) // a GET shows no errors
    /// }
    /// ```
    ///
    /// The values of password fields never show on the DEBUG error page (see
    /// [`sensitive_post_parameters`](crate::core::sensitive_post_parameters)).
    fn bind(request: &Request) -> BoundForm<Self> {
        if !request.is_post() {
            return Self::unbound();
        }
        let passwords: Vec<&str> = Self::fields()
            .iter()
            .filter(|field| field.widget == super::Widget::Password)
            .map(|field| field.name)
            .collect();
        if !passwords.is_empty() {
            crate::core::sensitive_post_parameters(request, &passwords);
        }
        BoundForm::bound(request.post().clone())
    }

    /// A form bound to a [`QueryDict`] (`request.query()` for a search form).
    fn bind_data(data: &QueryDict) -> BoundForm<Self> {
        BoundForm::bound(data.clone())
    }

    /// An empty form, Django's `Form()` for a GET.
    fn unbound() -> BoundForm<Self> {
        BoundForm::new(None, None)
    }

    /// An unbound form showing `instance`'s values (Django's `initial=`).
    fn with_initial(instance: Self) -> BoundForm<Self> {
        BoundForm::new(None, Some(instance))
    }
}

/// What a form's fields cleaned to, each an `Option` (`None` when that field failed): what
/// the whole-form hook reads, Django's `self.cleaned_data.get("password1")`.
///
/// ```
/// use pony::prelude::*;
/// use pony::forms::{FormErrors, Partial};
///
/// #[derive(Form, Debug)]
/// #[form(clean = Self::check)]
/// pub struct SignupForm {
///     #[field(min_length = 3)]
///     pub username: String,
///     #[field(widget = "password")]
///     pub password1: String,
///     #[field(widget = "password")]
///     pub password2: String,
/// }
///
/// impl SignupForm {
///     fn check(data: &Partial<Self>, errors: &mut FormErrors) {
///         if let (Some(a), Some(b)) = (&data.password1, &data.password2)
///             && a != b
///         {
///             errors.add(Some("password2"), "The two password fields didn’t match.");
///         }
///     }
/// }
///
/// let post = pony::http::QueryDict::parse(b"username=x&password1=a&password2=b");
/// let form = SignupForm::bind_data(&post);
/// // As in Django, both the field's error and the hook's are shown.
/// assert_eq!(form.errors().get("username"), ["Ensure this value has at least 3 characters (it has 1)."]);
/// assert_eq!(form.errors().get("password2"), ["The two password fields didn’t match."]);
/// ```
pub type Partial<F> = <F as Form>::Partial;

/// A form backed by a model, `#[form(model = Article)]` (Django's `ModelForm`).
pub trait ModelForm: Form {
    /// The model the form edits.
    type Model;

    /// The form's values taken from an instance.
    fn from_model(instance: &Self::Model) -> Self;

    /// Copies the form's fields onto an instance (same-named fields).
    fn apply_to(&self, instance: &mut Self::Model);
}

/// What validation produced: the errors, and the value when every field cleaned.
#[derive(Debug)]
struct Outcome<F> {
    cleaned: Option<F>,
    errors: FormErrors,
}

/// A form instance: unbound (for a GET), or bound to submitted data.
///
/// Validation runs once, on the first call that needs it ([`is_valid`](Self::is_valid),
/// [`errors`](Self::errors), rendering), in Django's order: each field, then the form's
/// `clean` hook (which sees the fields that cleaned, whatever the others did).
///
/// In templates (`context! { form }`): `{{ form }}` (the `as_div` markup), `{{ form.as_p() }}`,
/// `{{ form.non_field_errors() }}`, `{{ form.username }}`, `{{ form.username.errors }}`,
/// `{{ form.username.label_tag() }}`, `{% for field in form %}`, `form.errors`.
pub struct BoundForm<F: Form> {
    data: Option<FormData>,
    initial: Option<F>,
    outcome: OnceLock<Outcome<F>>,
}

impl<F: Form> fmt::Debug for BoundForm<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundForm")
            .field("form", &std::any::type_name::<F>())
            .field("is_bound", &self.is_bound())
            .field("errors", &self.outcome.get().map(|o| &o.errors))
            .finish()
    }
}

impl<F: Form> BoundForm<F> {
    fn new(data: Option<FormData>, initial: Option<F>) -> Self {
        BoundForm {
            data,
            initial,
            outcome: OnceLock::new(),
        }
    }

    /// A form bound to `data`.
    pub fn bound(data: FormData) -> Self {
        Self::new(Some(data), None)
    }

    /// Whether the form has data (Django's `form.is_bound`).
    pub fn is_bound(&self) -> bool {
        self.data.is_some()
    }

    fn outcome(&self) -> &Outcome<F> {
        self.outcome.get_or_init(|| self.full_clean())
    }

    /// Django's `full_clean`: each field, then the whole-form hook with the fields that
    /// cleaned. The form is complete only without any error: an error the hook adds to a
    /// field takes that field out of the cleaned data, as Django's `add_error` does.
    fn full_clean(&self) -> Outcome<F> {
        let names: Vec<&'static str> = F::fields().iter().map(|f| f.name).collect();
        let mut errors = FormErrors::for_fields(&names);
        let Some(data) = &self.data else {
            return Outcome {
                cleaned: None,
                errors,
            };
        };
        let partial = F::clean_fields(data, &mut errors);
        F::clean(&partial, &mut errors);
        let cleaned = if errors.is_empty() {
            F::from_partial(partial)
        } else {
            None
        };
        Outcome { cleaned, errors }
    }

    /// Validates the form (once) and says whether it is bound and without errors.
    pub fn is_valid(&self) -> bool {
        self.is_bound() && self.outcome().errors.is_empty() && self.outcome().cleaned.is_some()
    }

    /// The cleaned values, when the form is valid (Django's `form.cleaned_data`).
    pub fn cleaned_data(&self) -> Option<&F> {
        if self.is_valid() {
            self.outcome().cleaned.as_ref()
        } else {
            None
        }
    }

    /// The cleaned values by value, when the form is valid.
    pub fn into_cleaned(self) -> Option<F> {
        let valid = self.is_valid();
        let outcome = self.outcome.into_inner()?;
        if valid { outcome.cleaned } else { None }
    }

    /// The errors (validating first); empty for an unbound form.
    pub fn errors(&self) -> &FormErrors {
        &self.outcome().errors
    }

    /// The errors not tied to a field.
    pub fn non_field_errors(&self) -> &[String] {
        self.outcome().errors.non_field_errors()
    }

    /// The submitted value of field `name` when that field passed its own checks (whatever
    /// the rest of the form did): for checks that need the database, such as a free
    /// username, which should be reported alongside the other errors.
    pub fn clean_value(&self, name: &str) -> Option<String> {
        let data = self.data.as_ref()?;
        let errors = self.outcome().errors.get(name);
        if errors.is_empty() {
            data.get(name).map(str::to_owned)
        } else {
            None
        }
    }

    /// Adds an error after validation (Django's `form.add_error`), making the form invalid:
    /// `form.add_error(Some("username"), "A user with that username already exists.")`.
    pub fn add_error(&mut self, field: Option<&str>, message: impl Into<String>) {
        self.outcome();
        if let Some(outcome) = self.outcome.get_mut() {
            outcome.errors.add(field, message);
        }
    }

    /// Everything rendering needs, without the type parameter.
    pub(crate) fn view(&self) -> FormView {
        let outcome = self.outcome();
        let initial = self.initial.as_ref().map(F::initial_values);
        let fields = F::fields()
            .iter()
            .enumerate()
            .map(|(index, spec)| {
                let value = match &self.data {
                    Some(data) => data.get(spec.name).map(str::to_owned),
                    None => match &initial {
                        Some(values) => values.get(index).cloned().flatten(),
                        None => spec.initial.clone(),
                    },
                };
                FieldView {
                    spec,
                    value,
                    errors: outcome.errors.get(spec.name).to_vec(),
                }
            })
            .collect();
        FormView {
            is_bound: self.is_bound(),
            fields,
            non_field_errors: outcome.errors.non_field_errors().to_vec(),
        }
    }

    /// The form as `<div>`s, Django's default rendering (also `{{ form }}`).
    pub fn as_div(&self) -> String {
        self.view().as_div()
    }

    /// The form as `<p>`s.
    pub fn as_p(&self) -> String {
        self.view().as_p()
    }

    /// The form as table rows (wrap it in `<table>`).
    pub fn as_table(&self) -> String {
        self.view().as_table()
    }

    /// The form as `<li>`s (wrap it in `<ul>`).
    pub fn as_ul(&self) -> String {
        self.view().as_ul()
    }
}

impl<F: ModelForm> BoundForm<F> {
    /// Django's `form.save(commit=False)`: the instance with the cleaned fields copied onto
    /// it, for the caller to complete and save. An invalid form is an error (Django raises
    /// `ValueError`), so check [`is_valid`](Self::is_valid) first.
    pub fn save_without_commit(&self, mut instance: F::Model) -> Result<F::Model> {
        self.apply_to(&mut instance)?;
        Ok(instance)
    }

    /// Copies the cleaned fields onto `instance`; an error if the form is not valid.
    pub fn apply_to(&self, instance: &mut F::Model) -> Result<()> {
        let form = self.cleaned_data().ok_or_else(|| {
            Error::ImproperlyConfigured(format!(
                "{} could not be applied because the data didn't validate",
                std::any::type_name::<F>()
            ))
        })?;
        form.apply_to(instance);
        Ok(())
    }
}

impl<F: Form> fmt::Display for BoundForm<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_div())
    }
}
