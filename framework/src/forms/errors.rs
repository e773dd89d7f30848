//! Validation errors: one field's messages ([`ValidationError`]) and a whole form's
//! ([`FormErrors`], Django's `form.errors`).

use std::fmt;

/// A field's validation failure, Django's `ValidationError`: one or more messages.
///
/// A per-field `clean` hook returns it:
///
/// ```
/// use pony::forms::ValidationError;
///
/// fn check_username(value: String) -> Result<String, ValidationError> {
///     if value == "admin" {
///         return Err(ValidationError::new("This username is reserved."));
///     }
///     Ok(value)
/// }
/// assert_eq!(check_username("admin".into()).unwrap_err().messages(), ["This username is reserved."]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    messages: Vec<String>,
}

impl ValidationError {
    /// An error with one message.
    pub fn new(message: impl Into<String>) -> Self {
        ValidationError {
            messages: vec![message.into()],
        }
    }

    /// An error with several messages (shown together, in order).
    pub fn many<I: IntoIterator<Item = S>, S: Into<String>>(messages: I) -> Self {
        ValidationError {
            messages: messages.into_iter().map(Into::into).collect(),
        }
    }

    /// The messages, in order.
    pub fn messages(&self) -> &[String] {
        &self.messages
    }

    pub(crate) fn into_messages(self) -> Vec<String> {
        self.messages
    }
}

impl From<&str> for ValidationError {
    fn from(message: &str) -> Self {
        ValidationError::new(message)
    }
}

impl From<String> for ValidationError {
    fn from(message: String) -> Self {
        ValidationError::new(message)
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.messages.join(" "))
    }
}

impl std::error::Error for ValidationError {}

/// A form's errors, Django's `form.errors`: messages by field name, plus the non-field errors
/// (`None`, Django's `__all__`) that a whole-form `clean` adds.
///
/// ```
/// use pony::forms::FormErrors;
///
/// let mut errors = FormErrors::for_fields(&["password1", "password2"]);
/// errors.add(Some("password2"), "The two password fields didn’t match.");
/// errors.add(None, "Please try again.");
/// assert_eq!(errors.get("password2"), ["The two password fields didn’t match."]);
/// assert_eq!(errors.non_field_errors(), ["Please try again."]);
/// assert!(errors.has_error("password2") && !errors.has_error("password1"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors {
    /// The form's field names, so an error for an unknown name is not lost.
    fields: Vec<&'static str>,
    /// `(field, messages)` in the order errors were first added.
    by_field: Vec<(String, Vec<String>)>,
    non_field: Vec<String>,
}

impl FormErrors {
    /// No errors yet, for a form with these fields.
    pub fn for_fields(fields: &[&'static str]) -> Self {
        FormErrors {
            fields: fields.to_vec(),
            ..FormErrors::default()
        }
    }

    /// Adds a message to `field`, or to the non-field errors when `field` is `None`.
    ///
    /// A name the form does not have becomes a non-field error (Django raises `ValueError`
    /// there; showing the message is kinder than a 500 and loses nothing).
    pub fn add(&mut self, field: Option<&str>, message: impl Into<String>) {
        let message = message.into();
        match field.filter(|name| self.fields.contains(name)) {
            Some(name) => match self.by_field.iter_mut().find(|(n, _)| n == name) {
                Some((_, messages)) => messages.push(message),
                None => self.by_field.push((name.to_owned(), vec![message])),
            },
            None => self.non_field.push(message),
        }
    }

    /// Adds every message of a [`ValidationError`].
    pub fn add_all(&mut self, field: Option<&str>, error: ValidationError) {
        for message in error.into_messages() {
            self.add(field, message);
        }
    }

    /// The messages of one field (empty when it has none).
    pub fn get(&self, field: &str) -> &[String] {
        self.by_field
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, messages)| messages.as_slice())
            .unwrap_or(&[])
    }

    /// Whether `field` has an error.
    pub fn has_error(&self, field: &str) -> bool {
        !self.get(field).is_empty()
    }

    /// The errors not tied to one field (Django's `form.non_field_errors()`).
    pub fn non_field_errors(&self) -> &[String] {
        &self.non_field
    }

    /// The fields with errors and their messages, in order.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.by_field
            .iter()
            .map(|(name, messages)| (name.as_str(), messages.as_slice()))
    }

    /// Whether there are no errors at all.
    pub fn is_empty(&self) -> bool {
        self.non_field.is_empty() && self.by_field.is_empty()
    }

    /// The number of fields with errors, plus one if there are non-field errors.
    pub fn len(&self) -> usize {
        self.by_field.len() + usize::from(!self.non_field.is_empty())
    }
}
