//! What a form knows about each field: Django's `Field` options (label, required, lengths,
//! choices, …) and its widget. `#[derive(Form)]` builds one [`FieldSpec`] per struct field.

use crate::db::models::{DefaultValue, FieldType, ModelMeta};

use super::values::FormValue;

/// How a field is drawn, Django's widget classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Widget {
    /// `TextInput`: `<input type="text">`.
    Text,
    /// `Textarea`: `<textarea cols="40" rows="10">`.
    Textarea,
    /// `PasswordInput`: `<input type="password">`, never re-filled with the submitted value.
    Password,
    /// `EmailInput`: `<input type="email">`.
    Email,
    /// `NumberInput`: `<input type="number">`.
    Number,
    /// `CheckboxInput`: `<input type="checkbox">`.
    Checkbox,
    /// `Select`: `<select>` with one `<option>` per choice.
    Select,
    /// `DateInput`: `<input type="date">`.
    Date,
    /// `HiddenInput`: `<input type="hidden">`, drawn without a label.
    Hidden,
}

impl Widget {
    /// The widget for `#[field(widget = "…")]`.
    ///
    /// ```
    /// use pony::forms::Widget;
    /// assert_eq!(Widget::from_name("textarea"), Some(Widget::Textarea));
    /// assert_eq!(Widget::from_name("radio"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Widget> {
        Some(match name {
            "text" => Widget::Text,
            "textarea" => Widget::Textarea,
            "password" => Widget::Password,
            "email" => Widget::Email,
            "number" => Widget::Number,
            "checkbox" => Widget::Checkbox,
            "select" => Widget::Select,
            "date" => Widget::Date,
            "hidden" => Widget::Hidden,
            _ => return None,
        })
    }

    /// The names [`Widget::from_name`] accepts.
    pub const NAMES: &'static [&'static str] = &[
        "text", "textarea", "password", "email", "number", "checkbox", "select", "date", "hidden",
    ];

    /// Whether the widget is hidden (no label, no `required`, errors shown at the top).
    pub fn is_hidden(self) -> bool {
        self == Widget::Hidden
    }
}

/// The kind of value a field cleans to, from its Rust type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// `String`: Django's `CharField`.
    Char,
    /// `i32`/`i64`: Django's `IntegerField`, within the type's range.
    Integer {
        /// The smallest value the type holds.
        min: i64,
        /// The largest value the type holds.
        max: i64,
    },
    /// `bool`: Django's `BooleanField`.
    Boolean,
    /// `chrono::NaiveDate`: Django's `DateField`.
    Date,
}

impl FieldKind {
    /// Django's default widget for the kind.
    pub fn default_widget(self) -> Widget {
        match self {
            FieldKind::Char => Widget::Text,
            FieldKind::Integer { .. } => Widget::Number,
            FieldKind::Boolean => Widget::Checkbox,
            FieldKind::Date => Widget::Date,
        }
    }
}

/// One form field: its name, label, widget and validation options (Django's `forms.Field`).
///
/// ```
/// use pony::forms::{FieldSpec, Widget};
///
/// let name = FieldSpec::of::<String>("first_name").max_length(30);
/// assert_eq!(name.label, "First name");
/// assert!(name.required);
/// let age = FieldSpec::of::<Option<i64>>("age");
/// assert_eq!((age.widget, age.required), (Widget::Number, false));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSpec {
    /// The field's name, also the HTML `name` (`first_name`).
    pub name: &'static str,
    /// The label (`First name`); empty draws no `<label>`.
    pub label: String,
    /// What the value cleans to.
    pub kind: FieldKind,
    /// How it is drawn.
    pub widget: Widget,
    /// Whether an empty value is an error ("This field is required.").
    pub required: bool,
    /// Most characters allowed (and the `maxlength` attribute).
    pub max_length: Option<usize>,
    /// Fewest characters allowed (and the `minlength` attribute).
    pub min_length: Option<usize>,
    /// Help shown beside the field; HTML, not escaped (as in Django, it comes from the code).
    pub help_text: String,
    /// The value shown in an unbound form that has no instance.
    pub initial: Option<String>,
    /// Allowed values as `(value, label)`; empty means any value.
    pub choices: Vec<(String, String)>,
    /// Validated as an email address.
    pub email: bool,
}

impl FieldSpec {
    /// A field for a value of type `T` with Django's defaults: label from the name, the
    /// type's widget, required unless `T` is an `Option` or `bool`.
    pub fn of<T: FormValue>(name: &'static str) -> Self {
        FieldSpec {
            name,
            label: pretty_name(name),
            kind: T::KIND,
            widget: T::KIND.default_widget(),
            required: T::REQUIRED,
            max_length: None,
            min_length: None,
            help_text: String::new(),
            initial: None,
            choices: Vec::new(),
            email: false,
        }
    }

    /// Takes label, help text, requiredness, length, email and choices from a model field
    /// (a ModelForm field); options written on the form field are applied after this.
    pub fn from_model_field(mut self, meta: &ModelMeta, name: &str) -> Self {
        let Some(field) = meta
            .fields
            .iter()
            .find(|f| f.name == name || f.column == name)
        else {
            return self;
        };
        self.label = capfirst(&field.label());
        self.help_text = field.help_text.clone();
        if self.kind != FieldKind::Boolean {
            self.required = !field.blank && !field.null;
        }
        self.max_length = field.max_length().map(|n| n as usize);
        match field.field_type {
            FieldType::EmailField { .. } => {
                self.email = true;
                self.widget = Widget::Email;
            }
            FieldType::TextField => self.widget = Widget::Textarea,
            _ => {}
        }
        // An unbound ModelForm shows the model's default.
        self.initial = field.default.as_ref().map(|default| match default {
            DefaultValue::Bool(value) => value.to_string(),
            DefaultValue::Int(value) => value.to_string(),
            DefaultValue::Float(value) => value.to_string(),
            DefaultValue::Str(value) => value.clone(),
        });
        if !field.choices.is_empty() {
            // Django offers an empty choice unless a value is guaranteed.
            self.choices = Vec::new();
            if field.blank || field.default.is_none() {
                self.choices.push((String::new(), "---------".to_owned()));
            }
            self.choices.extend(field.choices.iter().cloned());
            self.widget = Widget::Select;
        }
        self
    }

    /// Sets the label.
    pub fn label(mut self, label: &str) -> Self {
        self.label = label.to_owned();
        self
    }

    /// Sets the help text.
    pub fn help_text(mut self, help_text: &str) -> Self {
        self.help_text = help_text.to_owned();
        self
    }

    /// Sets whether the field is required.
    pub fn required(mut self, required: bool) -> Self {
        self.required = required;
        self
    }

    /// Sets the maximum length in characters.
    pub fn max_length(mut self, max_length: usize) -> Self {
        self.max_length = Some(max_length);
        self
    }

    /// Sets the minimum length in characters.
    pub fn min_length(mut self, min_length: usize) -> Self {
        self.min_length = Some(min_length);
        self
    }

    /// Sets the value an unbound form shows.
    pub fn initial(mut self, initial: &str) -> Self {
        self.initial = Some(initial.to_owned());
        self
    }

    /// Sets the widget.
    pub fn widget(mut self, widget: Widget) -> Self {
        self.widget = widget;
        self
    }

    /// Validates the value as an email address and draws an `<input type="email">`; the
    /// maximum length is 320 unless set (Django's `EmailField`, after RFC 3696).
    pub fn email(mut self) -> Self {
        self.email = true;
        self.widget = Widget::Email;
        self.max_length = self.max_length.or(Some(320));
        self
    }

    /// Restricts the value to choices written `"value:Label, value:Label"` (a choice without
    /// `:` is its own label) and draws a `<select>`.
    ///
    /// ```
    /// let fruit = pony::forms::FieldSpec::of::<String>("fruit").choices("a:Apple, b:Banana");
    /// assert_eq!(fruit.choices[1], ("b".to_owned(), "Banana".to_owned()));
    /// ```
    pub fn choices(mut self, choices: &str) -> Self {
        self.choices = parse_choices(choices);
        self.widget = Widget::Select;
        self
    }

    /// The HTML id, Django's `auto_id` (`id_<name>`).
    pub fn auto_id(&self) -> String {
        format!("id_{}", self.name)
    }

    /// Whether surrounding whitespace is removed before cleaning: yes, as Django's
    /// `CharField(strip=True)`, except for passwords (Django's auth forms keep them as typed).
    pub(crate) fn strips(&self) -> bool {
        self.widget != Widget::Password
    }
}

/// `"a:Apple, b:Banana"` → `[("a", "Apple"), ("b", "Banana")]`.
pub(crate) fn parse_choices(text: &str) -> Vec<(String, String)> {
    text.split(',')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (value, label) = pair.split_once(':').unwrap_or((pair, pair));
            (value.trim().to_owned(), label.trim().to_owned())
        })
        .collect()
}

/// Django's `pretty_name`: `first_name` → `First name`.
///
/// ```
/// assert_eq!(pony::forms::pretty_name("first_name"), "First name");
/// ```
pub fn pretty_name(name: &str) -> String {
    // Python's str.capitalize(): first character upper, the rest lower.
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

/// Django's `capfirst`: only the first character upper-cased.
fn capfirst(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::models::FieldMeta;

    #[test]
    fn labels_follow_django() {
        assert_eq!(pretty_name("first_name"), "First name");
        assert_eq!(pretty_name("URL_path"), "Url path");
        assert_eq!(pretty_name(""), "");
        assert_eq!(capfirst("first Name"), "First Name");
    }

    #[test]
    fn types_choose_widgets_and_requiredness() {
        let cases = [
            (FieldSpec::of::<String>("a"), Widget::Text, true),
            (FieldSpec::of::<i32>("a"), Widget::Number, true),
            (FieldSpec::of::<bool>("a"), Widget::Checkbox, false),
            (FieldSpec::of::<chrono::NaiveDate>("a"), Widget::Date, true),
            (FieldSpec::of::<Option<String>>("a"), Widget::Text, false),
        ];
        for (spec, widget, required) in cases {
            assert_eq!((spec.widget, spec.required), (widget, required), "{spec:?}");
        }
    }

    #[test]
    fn model_fields_give_label_length_and_requiredness() {
        let mut status = FieldMeta::new("status", FieldType::CharField { max_length: 10 });
        status.choices = vec![("d".into(), "Draft".into())];
        status.verbose_name = "publication status".into();
        let mut email = FieldMeta::new("contact_email", FieldType::EmailField { max_length: 254 });
        email.blank = true;
        let mut with_default = FieldMeta::new("kind", FieldType::CharField { max_length: 5 })
            .default(DefaultValue::Str("a".into()));
        with_default.choices = vec![("a".into(), "A".into())];
        let meta = ModelMeta::new("blog", "Post")
            .field(status)
            .field(email)
            .field(with_default);
        let status = FieldSpec::of::<String>("status").from_model_field(&meta, "status");
        assert_eq!(status.label, "Publication status");
        assert_eq!((status.max_length, status.required), (Some(10), true));
        assert_eq!(status.widget, Widget::Select);
        assert_eq!(status.choices[0], (String::new(), "---------".into()));
        let email =
            FieldSpec::of::<String>("contact_email").from_model_field(&meta, "contact_email");
        assert_eq!(email.label, "Contact email");
        assert!(email.email && !email.required);
        assert_eq!(email.widget, Widget::Email);
        let kind = FieldSpec::of::<String>("kind").from_model_field(&meta, "kind");
        assert_eq!(kind.choices.len(), 1, "a default means no empty choice");
        assert_eq!(
            kind.initial.as_deref(),
            Some("a"),
            "the default is the initial value"
        );
        let meta =
            ModelMeta::new("blog", "Post").field(FieldMeta::new("body", FieldType::TextField));
        let body = FieldSpec::of::<String>("body").from_model_field(&meta, "body");
        assert_eq!((body.widget, body.max_length), (Widget::Textarea, None));
    }

    #[test]
    fn choices_parse_with_and_without_labels() {
        assert_eq!(
            parse_choices(" a:Apple , b ,, c: Cherry pie "),
            [
                ("a".to_owned(), "Apple".to_owned()),
                ("b".to_owned(), "b".to_owned()),
                ("c".to_owned(), "Cherry pie".to_owned())
            ]
        );
    }
}
