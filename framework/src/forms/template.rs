//! Forms in templates: a [`BoundForm`] put in a context (`context! { form }`) becomes a
//! minijinja object, so templates use it the way Django templates do.
//!
//! `{{ form }}`, `{{ form.as_p() }}`, `{{ form.non_field_errors() }}`, `{{ form.errors }}`,
//! `{{ form.username }}` (the widget), `{{ form.username.errors }}`,
//! `{{ form.username.label_tag() }}`, `{{ form.username.id_for_label }}`,
//! `{{ form.username.help_text }}`, `{% for field in form %}…{% endfor %}`.
//!
//! Their markup is already escaped, so the template engine must print these objects as they
//! are: [`is_safe_html`] tells it which values those are.

use std::sync::Arc;

use minijinja::value::{Enumerator, Object, ObjectRepr, Value};
use minijinja::{Error, ErrorKind, State};
use serde::{Serialize, Serializer};

use super::form::{BoundForm, Form};
use super::render::{FieldView, FormView, error_list};

/// Whether a template value is form markup that is already escaped (a form, a field, an
/// error list): the template engine's formatter prints these without escaping them again.
///
/// ```
/// use minijinja::value::Value;
/// assert!(!pony::forms::is_safe_html(&Value::from("<b>")));
/// ```
pub fn is_safe_html(value: &Value) -> bool {
    value.downcast_object_ref::<FormObject>().is_some()
        || value.downcast_object_ref::<FieldObject>().is_some()
        || value.downcast_object_ref::<ErrorListObject>().is_some()
        || value.downcast_object_ref::<ErrorDictObject>().is_some()
}

/// A form keeps its type when serialized into a template context (minijinja passes
/// its own values through serde untouched); elsewhere it serializes as its fields.
impl<F: Form> Serialize for BoundForm<F> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Value::from(self).serialize(serializer)
    }
}

impl<F: Form> From<&BoundForm<F>> for Value {
    fn from(form: &BoundForm<F>) -> Value {
        Value::from_object(FormObject(Arc::new(form.view())))
    }
}

#[derive(Debug)]
struct FormObject(Arc<FormView>);

impl FormObject {
    fn field(&self, name: &str) -> Option<Value> {
        let index = self.0.fields.iter().position(|f| f.name() == name)?;
        Some(Value::from_object(FieldObject {
            form: self.0.clone(),
            index,
        }))
    }

    fn fields(&self, keep: impl Fn(&FieldView) -> bool) -> Vec<Value> {
        self.0
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| keep(f))
            .map(|(index, _)| {
                Value::from_object(FieldObject {
                    form: self.0.clone(),
                    index,
                })
            })
            .collect()
    }
}

impl Object for FormObject {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Iterable
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let key = key.as_str()?;
        match key {
            "errors" => Some(Value::from_object(ErrorDictObject(self.0.clone()))),
            "is_bound" => Some(Value::from(self.0.is_bound)),
            _ => self.field(key),
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.fields(|_| true))
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.0.fields.len())
    }

    fn is_true(self: &Arc<Self>) -> bool {
        true
    }

    fn call_method(
        self: &Arc<Self>,
        _state: &mut State<'_, '_>,
        method: &str,
        args: &[Value],
    ) -> Result<Value, Error> {
        no_arguments(method, args)?;
        Ok(match method {
            "as_div" => Value::from_safe_string(self.0.as_div()),
            "as_p" => Value::from_safe_string(self.0.as_p()),
            "as_table" => Value::from_safe_string(self.0.as_table()),
            "as_ul" => Value::from_safe_string(self.0.as_ul()),
            "non_field_errors" => Value::from_object(ErrorListObject {
                errors: self.0.non_field_errors.clone(),
                class: "errorlist nonfield",
                field_id: None,
            }),
            "hidden_fields" => Value::from(self.fields(FieldView::is_hidden)),
            "visible_fields" => Value::from(self.fields(|f| !f.is_hidden())),
            _ => return Err(Error::from(ErrorKind::UnknownMethod)),
        })
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.as_div())
    }
}

/// One field of a form in a template (Django's `BoundField`).
#[derive(Debug)]
struct FieldObject {
    form: Arc<FormView>,
    index: usize,
}

impl FieldObject {
    fn view(&self) -> Option<&FieldView> {
        self.form.fields.get(self.index)
    }
}

impl Object for FieldObject {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let field = self.view()?;
        let spec = field.spec;
        Some(match key.as_str()? {
            "name" | "html_name" => Value::from(spec.name),
            "label" => Value::from(spec.label.clone()),
            "help_text" => Value::from(spec.help_text.clone()),
            "id_for_label" | "auto_id" => Value::from(field.auto_id()),
            "value" => Value::from(field.value.clone()),
            "is_hidden" => Value::from(field.is_hidden()),
            "required" => Value::from(spec.required),
            "errors" => Value::from_object(ErrorListObject {
                errors: field.errors.clone(),
                class: "errorlist",
                field_id: Some(field.auto_id()),
            }),
            _ => return None,
        })
    }

    fn is_true(self: &Arc<Self>) -> bool {
        true
    }

    fn call_method(
        self: &Arc<Self>,
        _state: &mut State<'_, '_>,
        method: &str,
        args: &[Value],
    ) -> Result<Value, Error> {
        no_arguments(method, args)?;
        let field = self
            .view()
            .ok_or_else(|| Error::from(ErrorKind::UndefinedError))?;
        match method {
            "label_tag" => Ok(Value::from_safe_string(field.label_tag())),
            "as_widget" => Ok(Value::from_safe_string(field.widget_html())),
            _ => Err(Error::from(ErrorKind::UnknownMethod)),
        }
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.view() {
            Some(field) => f.write_str(&field.widget_html()),
            None => Ok(()),
        }
    }
}

/// A list of messages that prints as Django's `<ul class="errorlist">`.
#[derive(Debug)]
struct ErrorListObject {
    errors: Vec<String>,
    class: &'static str,
    field_id: Option<String>,
}

impl Object for ErrorListObject {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let index = key.as_usize()?;
        self.errors.get(index).map(|e| Value::from(e.clone()))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.errors.len())
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&error_list(
            &self.errors,
            self.class,
            self.field_id.as_deref(),
        ))
    }
}

/// `form.errors`: field name (`__all__` for non-field errors) → error list; prints as
/// Django's `ErrorDict.as_ul()`.
#[derive(Debug)]
struct ErrorDictObject(Arc<FormView>);

impl ErrorDictObject {
    fn entries(&self) -> Vec<(String, ErrorListObject)> {
        let mut entries: Vec<(String, ErrorListObject)> = self
            .0
            .fields
            .iter()
            .filter(|f| !f.errors.is_empty())
            .map(|f| {
                let list = ErrorListObject {
                    errors: f.errors.clone(),
                    class: "errorlist",
                    field_id: Some(f.auto_id()),
                };
                (f.name().to_owned(), list)
            })
            .collect();
        if !self.0.non_field_errors.is_empty() {
            let list = ErrorListObject {
                errors: self.0.non_field_errors.clone(),
                class: "errorlist nonfield",
                field_id: None,
            };
            entries.push(("__all__".to_owned(), list));
        }
        entries
    }
}

impl Object for ErrorDictObject {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let key = key.as_str()?;
        self.entries()
            .into_iter()
            .find(|(name, _)| name == key)
            .map(|(_, list)| Value::from_object(list))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let keys: Vec<Value> = self
            .entries()
            .into_iter()
            .map(|(k, _)| Value::from(k))
            .collect();
        Enumerator::Values(keys)
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries = self.entries();
        if entries.is_empty() {
            return Ok(());
        }
        f.write_str("<ul class=\"errorlist\">")?;
        for (name, list) in entries {
            let html = error_list(&list.errors, list.class, list.field_id.as_deref());
            write!(f, "<li>{}{html}</li>", crate::templates::escape(&name))?;
        }
        f.write_str("</ul>")
    }
}

fn no_arguments(method: &str, args: &[Value]) -> Result<(), Error> {
    if args.is_empty() {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::TooManyArguments,
            format!("{method}() takes no arguments"),
        ))
    }
}
