//! Drawing a form as HTML with Django 5.2's markup: the widgets (`<input>`, `<textarea>`,
//! `<select>`), labels, help text, error lists, and the four layouts (`as_div`, `as_p`,
//! `as_table`, `as_ul`), whose templates are Django's own, whitespace included.
//!
//! Security: every value that came from a user (submitted data, instance values, error
//! messages, which may quote the submitted value) is HTML-escaped here; the layout templates
//! receive only escaped fragments, marked safe. Help text is the developer's HTML, as in
//! Django. Password widgets never show a value.

use std::sync::OnceLock;

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment};

use super::fields::{FieldSpec, Widget};
use super::messages;
use crate::templates::escape;

/// A form's fields with their current values and errors, ready to draw.
#[derive(Debug, Clone)]
pub(crate) struct FormView {
    pub(crate) is_bound: bool,
    pub(crate) fields: Vec<FieldView>,
    pub(crate) non_field_errors: Vec<String>,
}

/// One field ready to draw (Django's `BoundField`).
#[derive(Debug, Clone)]
pub(crate) struct FieldView {
    pub(crate) spec: &'static FieldSpec,
    /// The submitted value (bound form) or the initial one (unbound).
    pub(crate) value: Option<String>,
    pub(crate) errors: Vec<String>,
}

/// `<ul class="errorlist" id="id_name_error"><li>…</li></ul>`, or nothing without errors.
pub(crate) fn error_list(errors: &[String], class: &str, field_id: Option<&str>) -> String {
    if errors.is_empty() {
        return String::new();
    }
    let id = field_id
        .map(|id| format!(" id=\"{}_error\"", escape(id)))
        .unwrap_or_default();
    let items: String = errors
        .iter()
        .map(|e| format!("<li>{}</li>", escape(e)))
        .collect();
    format!("<ul class=\"{class}\"{id}>{items}</ul>")
}

impl FieldView {
    pub(crate) fn name(&self) -> &'static str {
        self.spec.name
    }

    pub(crate) fn auto_id(&self) -> String {
        self.spec.auto_id()
    }

    pub(crate) fn is_hidden(&self) -> bool {
        self.spec.widget.is_hidden()
    }

    /// The field's error list, with its id for `aria-describedby`.
    pub(crate) fn errors_html(&self) -> String {
        error_list(&self.errors, "errorlist", Some(&self.auto_id()))
    }

    /// `<label for="id_name">Name:</label>` (Django's `label_tag`), empty without a label.
    pub(crate) fn label_tag(&self) -> String {
        let label = &self.spec.label;
        if label.is_empty() {
            return String::new();
        }
        // Django's label_suffix is added unless the label ends in punctuation.
        let suffix = if label.ends_with([':', '?', '.', '!']) {
            ""
        } else {
            ":"
        };
        format!(
            "<label for=\"{}\">{}{suffix}</label>",
            escape(&self.auto_id()),
            escape(label)
        )
    }

    /// Whether the browser should insist on a value (Django's `use_required_attribute`).
    fn required_attribute(&self) -> bool {
        let spec = self.spec;
        spec.required
            && match spec.widget {
                Widget::Hidden => false,
                // A select is required only if its first option is the empty one.
                Widget::Select => spec.choices.first().is_some_and(|(v, _)| v.is_empty()),
                _ => true,
            }
    }

    /// The widget's attributes in Django's order: the widget's own, the field's
    /// (`maxlength`, `minlength`), then `required`, `aria-invalid`, `aria-describedby`, `id`.
    fn attributes(&self) -> Vec<(&'static str, Option<String>)> {
        let spec = self.spec;
        let mut attrs: Vec<(&'static str, Option<String>)> = Vec::new();
        if spec.widget == Widget::Textarea {
            attrs.push(("cols", Some("40".into())));
            attrs.push(("rows", Some("10".into())));
        }
        if !self.is_hidden() {
            if let Some(max) = spec.max_length {
                attrs.push(("maxlength", Some(max.to_string())));
            }
            if let Some(min) = spec.min_length {
                attrs.push(("minlength", Some(min.to_string())));
            }
        }
        if self.required_attribute() {
            attrs.push(("required", None));
        }
        if !self.is_hidden() {
            if !self.errors.is_empty() {
                attrs.push(("aria-invalid", Some("true".into())));
            }
            let mut described_by = Vec::new();
            if !spec.help_text.is_empty() {
                described_by.push(format!("{}_helptext", self.auto_id()));
            }
            if !self.errors.is_empty() {
                described_by.push(format!("{}_error", self.auto_id()));
            }
            if !described_by.is_empty() {
                attrs.push(("aria-describedby", Some(described_by.join(" "))));
            }
        }
        attrs.push(("id", Some(self.auto_id())));
        attrs
    }

    /// The widget's HTML (Django's `{{ field }}`).
    pub(crate) fn widget_html(&self) -> String {
        let spec = self.spec;
        let name = escape(spec.name);
        let mut attrs = self.attributes();
        // Widget.format_value: an empty string shows as nothing.
        let value = self.value.as_deref().filter(|v| !v.is_empty());
        match spec.widget {
            Widget::Textarea => format!(
                "<textarea name=\"{name}\"{}>\n{}</textarea>",
                render_attrs(&attrs),
                value.map(escape).unwrap_or_default()
            ),
            Widget::Select => {
                let options: String = spec
                    .choices
                    .iter()
                    .map(|(option, label)| {
                        let selected = if value.unwrap_or("") == option {
                            " selected"
                        } else {
                            ""
                        };
                        format!(
                            "\n  <option value=\"{}\"{selected}>{}</option>\n",
                            escape(option),
                            escape(label)
                        )
                    })
                    .collect();
                format!(
                    "<select name=\"{name}\"{}>{options}\n</select>",
                    render_attrs(&attrs)
                )
            }
            Widget::Checkbox => {
                // CheckboxInput: checked unless empty or "false"; never a value attribute.
                if value.is_some_and(|v| !v.eq_ignore_ascii_case("false")) {
                    attrs.push(("checked", None));
                }
                format!(
                    "<input type=\"checkbox\" name=\"{name}\"{}>",
                    render_attrs(&attrs)
                )
            }
            widget => {
                let input_type = match widget {
                    Widget::Password => "password",
                    Widget::Email => "email",
                    Widget::Number => "number",
                    Widget::Date => "date",
                    Widget::Hidden => "hidden",
                    _ => "text",
                };
                // PasswordInput(render_value=False): a password is never sent back.
                let value = match (widget, value) {
                    (Widget::Password, _) | (_, None) => String::new(),
                    (_, Some(value)) => format!(" value=\"{}\"", escape(value)),
                };
                format!(
                    "<input type=\"{input_type}\" name=\"{name}\"{value}{}>",
                    render_attrs(&attrs)
                )
            }
        }
    }

    /// The field for the layout templates.
    fn layout_value(&self) -> Value {
        let field = minijinja::context! {
            label => self.spec.label.clone(),
            label_tag => Value::from_safe_string(self.label_tag()),
            help_text => Value::from_safe_string(self.spec.help_text.clone()),
            auto_id => self.auto_id(),
            css_classes => "",
            use_fieldset => false,
            errors => Value::from_safe_string(self.errors_html()),
            widget => Value::from_safe_string(self.widget_html()),
        };
        // Django 5.2's div layout draws each field with field.html (`as_field_group`).
        let group = render_template("field.html", minijinja::context! { field => field.clone() });
        minijinja::context! {
            as_field_group => Value::from_safe_string(group),
            ..field
        }
    }
}

/// ` name="value"` pairs, a `None` value written as a bare attribute (`required`).
fn render_attrs(attrs: &[(&'static str, Option<String>)]) -> String {
    attrs
        .iter()
        .map(|(name, value)| match value {
            Some(value) => format!(" {name}=\"{}\"", escape(value)),
            None => format!(" {name}"),
        })
        .collect()
}

/// The layout templates, adapted from Django's `django/forms/*.html` only where Jinja's
/// syntax differs (`loop.last`, `{{ field.widget }}`), so the markup and whitespace match.
fn layouts() -> &'static Environment<'static> {
    static LAYOUTS: OnceLock<Environment<'static>> = OnceLock::new();
    LAYOUTS.get_or_init(|| {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        let templates = [
            ("div.html", include_str!("templates/div.html")),
            ("field.html", include_str!("templates/field.html")),
            ("p.html", include_str!("templates/p.html")),
            ("table.html", include_str!("templates/table.html")),
            ("ul.html", include_str!("templates/ul.html")),
        ];
        for (name, source) in templates {
            if let Err(error) = env.add_template(name, source) {
                tracing::error!("pony's form layout {name} does not compile: {error}");
            }
        }
        env
    })
}

/// Renders one of the layout templates; like Django's renderer, the result is stripped.
fn render_template(template: &str, context: Value) -> String {
    let rendered = layouts()
        .get_template(template)
        .and_then(|t| t.render(context));
    match rendered {
        Ok(html) => html.trim().to_owned(),
        Err(error) => {
            tracing::error!("form layout {template} failed: {error}");
            String::new()
        }
    }
}

impl FormView {
    /// The errors shown above the fields: the non-field ones, then hidden fields' errors.
    fn top_errors(&self) -> Vec<String> {
        let mut errors = self.non_field_errors.clone();
        for field in self.fields.iter().filter(|f| f.is_hidden()) {
            errors.extend(
                field
                    .errors
                    .iter()
                    .map(|e| messages::hidden_field(field.name(), e)),
            );
        }
        errors
    }

    fn render_layout(&self, template: &str) -> String {
        let fields: Vec<Value> = self
            .fields
            .iter()
            .filter(|f| !f.is_hidden())
            .map(|f| {
                Value::from(vec![
                    f.layout_value(),
                    Value::from_safe_string(f.errors_html()),
                ])
            })
            .collect();
        let hidden: Vec<Value> = self
            .fields
            .iter()
            .filter(|f| f.is_hidden())
            .map(|f| Value::from_safe_string(f.widget_html()))
            .collect();
        let errors = error_list(&self.top_errors(), "errorlist nonfield", None);
        let context = minijinja::context! {
            errors => Value::from_safe_string(errors),
            fields => fields,
            hidden_fields => hidden,
        };
        render_template(template, context)
    }

    pub(crate) fn as_div(&self) -> String {
        self.render_layout("div.html")
    }

    pub(crate) fn as_p(&self) -> String {
        self.render_layout("p.html")
    }

    pub(crate) fn as_table(&self) -> String {
        self.render_layout("table.html")
    }

    pub(crate) fn as_ul(&self) -> String {
        self.render_layout("ul.html")
    }
}
