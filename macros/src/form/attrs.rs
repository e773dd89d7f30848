//! Reads `#[form(...)]` and `#[field(...)]` into a form definition, with compile errors that
//! say what to write instead.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{DeriveInput, FieldsNamed, Ident, Lit, LitStr, Path, Type, Visibility};

use crate::model::option_inner;
use crate::suggest::{closest, unknown_option};

/// The options `#[form(...)]` accepts.
const FORM_OPTIONS: &[&str] = &["clean", "model"];

/// The options `#[field(...)]` accepts on a form field.
const FIELD_OPTIONS: &[&str] = &[
    "label",
    "help_text",
    "required",
    "max_length",
    "min_length",
    "initial",
    "widget",
    "choices",
    "email",
    "clean",
];

/// The widgets `widget = "…"` names (pony::forms::Widget::NAMES).
const WIDGETS: &[&str] = &[
    "text", "textarea", "password", "email", "number", "checkbox", "select", "date", "hidden",
];

/// A parsed form.
pub(crate) struct FormDef {
    pub(crate) ident: Ident,
    /// The struct's visibility, which its `Partial` companion shares.
    pub(crate) vis: Visibility,
    /// `#[form(clean = path)]`: `fn(&Partial<Self>, &mut FormErrors)`.
    pub(crate) clean: Option<Path>,
    /// `#[form(model = Type)]`.
    pub(crate) model: Option<Type>,
    pub(crate) fields: Vec<FieldDef>,
}

/// A parsed field.
pub(crate) struct FieldDef {
    pub(crate) ident: Ident,
    /// The field's visibility, which the same field of `Partial` shares.
    pub(crate) vis: Visibility,
    pub(crate) ty: Type,
    pub(crate) label: Option<String>,
    pub(crate) help_text: Option<String>,
    pub(crate) required: Option<bool>,
    pub(crate) max_length: Option<usize>,
    pub(crate) min_length: Option<usize>,
    pub(crate) initial: Option<String>,
    /// The widget's name, already checked.
    pub(crate) widget: Option<String>,
    pub(crate) choices: Option<String>,
    pub(crate) email: bool,
    /// `clean = path`: `fn(T) -> Result<T, ValidationError>`.
    pub(crate) clean: Option<Path>,
}

impl FormDef {
    pub(crate) fn parse(input: &DeriveInput, fields: &FieldsNamed) -> syn::Result<Self> {
        let mut clean = None;
        let mut model = None;
        for attr in input.attrs.iter().filter(|a| a.path().is_ident("form")) {
            attr.parse_nested_meta(|meta| {
                let key = meta
                    .path
                    .get_ident()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                match key.as_str() {
                    "clean" => clean = Some(meta.value()?.parse::<Path>()?),
                    "model" => model = Some(meta.value()?.parse::<Type>()?),
                    _ => return Err(unknown_option(&meta, "form", FORM_OPTIONS)),
                }
                Ok(())
            })?;
        }
        let fields = fields
            .named
            .iter()
            .map(parse_field)
            .collect::<syn::Result<Vec<_>>>()?;
        if fields.is_empty() {
            return Err(syn::Error::new_spanned(
                &input.ident,
                "a form needs at least one field",
            ));
        }
        Ok(FormDef {
            ident: input.ident.clone(),
            vis: input.vis.clone(),
            clean,
            model,
            fields,
        })
    }
}

/// The last path segment of a type (`String`, `i64`, `NaiveDate`).
fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn parse_field(field: &syn::Field) -> syn::Result<FieldDef> {
    let Some(ident) = field.ident.clone() else {
        return Err(syn::Error::new_spanned(field, "form fields must be named"));
    };
    let mut def = FieldDef {
        ident: ident.clone(),
        vis: field.vis.clone(),
        ty: field.ty.clone(),
        label: None,
        help_text: None,
        required: None,
        max_length: None,
        min_length: None,
        initial: None,
        widget: None,
        choices: None,
        email: false,
        clean: None,
    };
    // Where each option was written, for errors about it.
    let mut spans: Vec<(&'static str, Span)> = Vec::new();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("field")) {
        attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let Some(known) = FIELD_OPTIONS.iter().find(|k| **k == key) else {
                return Err(unknown_option(&meta, "field", FIELD_OPTIONS));
            };
            spans.push((known, meta.path.span()));
            match key.as_str() {
                "label" => def.label = Some(meta.value()?.parse::<LitStr>()?.value()),
                "help_text" => def.help_text = Some(meta.value()?.parse::<LitStr>()?.value()),
                "required" => def.required = Some(meta.value()?.parse::<syn::LitBool>()?.value),
                "max_length" => {
                    def.max_length = Some(meta.value()?.parse::<syn::LitInt>()?.base10_parse()?)
                }
                "min_length" => {
                    def.min_length = Some(meta.value()?.parse::<syn::LitInt>()?.base10_parse()?)
                }
                "initial" => {
                    def.initial = Some(match meta.value()?.parse::<Lit>()? {
                        Lit::Str(s) => s.value(),
                        Lit::Int(i) => i.base10_digits().to_owned(),
                        Lit::Bool(b) => b.value.to_string(),
                        other => {
                            return Err(syn::Error::new_spanned(
                                other,
                                "initial is a string, a whole number or a bool",
                            ));
                        }
                    })
                }
                "widget" => {
                    let name = meta.value()?.parse::<LitStr>()?;
                    let value = name.value();
                    if !WIDGETS.contains(&value.as_str()) {
                        let hint = match closest(&value, WIDGETS) {
                            Some(guess) => format!("did you mean \"{guess}\"?"),
                            None => format!("expected one of: {}", WIDGETS.join(", ")),
                        };
                        return Err(syn::Error::new(
                            name.span(),
                            format!("unknown widget \"{value}\"; {hint}"),
                        ));
                    }
                    def.widget = Some(value);
                }
                "choices" => def.choices = Some(meta.value()?.parse::<LitStr>()?.value()),
                "email" => def.email = true,
                "clean" => def.clean = Some(meta.value()?.parse::<Path>()?),
                _ => return Err(unknown_option(&meta, "field", FIELD_OPTIONS)),
            }
            Ok(())
        })?;
    }
    check_types(&def, &spans)?;
    Ok(def)
}

/// Options that only make sense for some types.
fn check_types(def: &FieldDef, spans: &[(&'static str, Span)]) -> syn::Result<()> {
    let ident = &def.ident;
    let optional = option_inner(&def.ty).is_some();
    let inner = option_inner(&def.ty).unwrap_or(&def.ty);
    let inner_name = type_name(inner).unwrap_or_default();
    let span_of = |key: &str| {
        spans
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, span)| *span)
            .unwrap_or_else(|| ident.span())
    };
    for key in ["max_length", "min_length", "email", "choices"] {
        let written = spans.iter().any(|(k, _)| *k == key);
        if written && inner_name != "String" {
            return Err(syn::Error::new(
                span_of(key),
                format!("{key} applies to String fields only, and `{ident}` is not a String"),
            ));
        }
    }
    let can_be_empty = optional || matches!(inner_name.as_str(), "String" | "bool");
    if def.required == Some(false) && !can_be_empty {
        return Err(syn::Error::new(
            span_of("required"),
            format!(
                "`{ident}` has no empty value (it is {inner_name}): make it \
                 Option<{inner_name}> for required = false"
            ),
        ));
    }
    if def.widget.as_deref() == Some("checkbox") && inner_name != "bool" {
        return Err(syn::Error::new(
            span_of("widget"),
            format!("the checkbox widget is for bool fields, and `{ident}` is not a bool"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use syn::{Data, DeriveInput, Fields, parse_quote};

    use super::FormDef;

    fn error_of(input: DeriveInput) -> String {
        let Data::Struct(data) = &input.data else {
            panic!("a struct")
        };
        let Fields::Named(fields) = &data.fields else {
            panic!("named fields")
        };
        match FormDef::parse(&input, fields) {
            Ok(_) => String::from("no error"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn unknown_options_suggest_the_right_one() {
        let input = parse_quote! { struct F { #[field(max_len = 3)] a: String } };
        assert_eq!(
            error_of(input),
            "unknown #[field] option `max_len`; did you mean `max_length`?"
        );
        let input = parse_quote! { #[form(cleen = Self::x)] struct F { a: String } };
        assert_eq!(
            error_of(input),
            "unknown #[form] option `cleen`; did you mean `clean`?"
        );
        let input = parse_quote! { struct F { #[field(widget = "textare")] a: String } };
        assert_eq!(
            error_of(input),
            "unknown widget \"textare\"; did you mean \"textarea\"?"
        );
        let input = parse_quote! { struct F { #[field(widget = "radio")] a: String } };
        assert!(error_of(input).starts_with("unknown widget \"radio\"; expected one of: text,"));
    }

    #[test]
    fn options_must_fit_the_type() {
        let input = parse_quote! { struct F { #[field(max_length = 3)] a: i64 } };
        assert_eq!(
            error_of(input),
            "max_length applies to String fields only, and `a` is not a String"
        );
        let input = parse_quote! { struct F { #[field(required = false)] a: i64 } };
        assert_eq!(
            error_of(input),
            "`a` has no empty value (it is i64): make it Option<i64> for required = false"
        );
        let input = parse_quote! { struct F { #[field(widget = "checkbox")] a: String } };
        assert!(error_of(input).starts_with("the checkbox widget is for bool fields"));
        let ok = parse_quote! {
            #[form(clean = Self::check, model = Article)]
            struct F {
                #[field(email, max_length = 3, required = false, clean = check)] a: Option<String>,
                #[field(required = false, initial = true)] b: bool,
                #[field(initial = 5, label = "B", help_text = "h", min_length = 1)] c: String,
            }
        };
        assert_eq!(error_of(ok), "no error");
    }
}
