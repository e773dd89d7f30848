//! Cleaning one field in Django's order: parse (`to_python`), `validate` (required, choices),
//! the validators (email, lengths, all run, all reported), then the field's `clean` hook.

use super::FormData;
use super::email::is_valid_email;
use super::errors::{FormErrors, ValidationError};
use super::fields::FieldSpec;
use super::messages;
use super::values::FormValue;

/// Cleans the submitted value of `field` into a `T`, or gives every message about it.
///
/// ```
/// use pony::forms::{FieldSpec, FormData, clean_field};
///
/// let data = FormData::from_pairs([("name", "  Ada  "), ("age", "x")]);
/// let name = FieldSpec::of::<String>("name").max_length(2);
/// assert_eq!(
///     clean_field::<String>(&data, &name),
///     Err(vec!["Ensure this value has at most 2 characters (it has 3).".to_owned()])
/// );
/// let age = FieldSpec::of::<Option<i64>>("age");
/// assert_eq!(clean_field::<Option<i64>>(&data, &age), Err(vec!["Enter a whole number.".to_owned()]));
/// ```
pub fn clean_field<T: FormValue>(data: &FormData, field: &FieldSpec) -> Result<T, Vec<String>> {
    if data.is_undecodable(field.name) {
        return Err(vec![messages::INVALID_VALUE.to_owned()]);
    }
    let raw = data.get(field.name).unwrap_or("");
    let text = if field.strips() { raw.trim() } else { raw };
    // validate(): an empty value is fine only for an optional field of a type that has one.
    if T::is_empty_input(text) {
        return match T::empty() {
            Some(empty) if !field.required => Ok(empty),
            _ => Err(vec![messages::REQUIRED.to_owned()]),
        };
    }
    // to_python()
    let value = T::parse(text).map_err(|message| vec![message])?;
    // validate(): ChoiceField's valid_value.
    if !field.choices.is_empty() && !field.choices.iter().any(|(v, _)| v == text) {
        return Err(vec![messages::invalid_choice(text)]);
    }
    // run_validators(): EmailField's, then CharField's min_length and max_length.
    let mut errors = Vec::new();
    if field.email && !is_valid_email(text) {
        errors.push(messages::INVALID_EMAIL.to_owned());
    }
    let length = text.chars().count();
    if let Some(min) = field.min_length.filter(|min| length < *min) {
        errors.push(messages::min_length(min, length));
    }
    if let Some(max) = field.max_length.filter(|max| length > *max) {
        errors.push(messages::max_length(max, length));
    }
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(errors)
    }
}

/// Cleans a field and runs its hook (Django's `clean_<field>`) on success; failures are
/// recorded in `errors` under the field's name. What `#[derive(Form)]` calls per field.
pub fn clean_with_hook<T: FormValue>(
    data: &FormData,
    field: &FieldSpec,
    errors: &mut FormErrors,
    hook: impl FnOnce(T) -> Result<T, ValidationError>,
) -> Option<T> {
    let outcome = clean_field::<T>(data, field)
        .map_err(ValidationError::many)
        .and_then(hook);
    match outcome {
        Ok(value) => Some(value),
        Err(error) => {
            errors.add_all(Some(field.name), error);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn errors_of<T: FormValue + std::fmt::Debug>(spec: &FieldSpec, value: &str) -> Vec<String> {
        let data = FormData::from_pairs([(spec.name, value)]);
        clean_field::<T>(&data, spec).unwrap_err()
    }

    fn one(message: &str) -> Vec<String> {
        vec![message.to_owned()]
    }

    #[test]
    fn every_message_matches_django() {
        let name = FieldSpec::of::<String>("name").max_length(5).min_length(3);
        assert_eq!(
            errors_of::<String>(&name, "   "),
            one("This field is required.")
        );
        assert_eq!(
            errors_of::<String>(&name, "abcdef"),
            one("Ensure this value has at most 5 characters (it has 6).")
        );
        assert_eq!(
            errors_of::<String>(&name, "ab"),
            one("Ensure this value has at least 3 characters (it has 2).")
        );
        let age = FieldSpec::of::<i64>("age");
        assert_eq!(errors_of::<i64>(&age, "1.5"), one("Enter a whole number."));
        assert_eq!(errors_of::<i64>(&age, ""), one("This field is required."));
        let day = FieldSpec::of::<NaiveDate>("day");
        assert_eq!(
            errors_of::<NaiveDate>(&day, "soon"),
            one("Enter a valid date.")
        );
        let email = FieldSpec::of::<String>("email").email();
        assert_eq!(
            errors_of::<String>(&email, "nope"),
            one("Enter a valid email address.")
        );
        let fruit = FieldSpec::of::<String>("fruit").choices("a:Apple");
        assert_eq!(
            errors_of::<String>(&fruit, "<b>"),
            one("Select a valid choice. <b> is not one of the available choices.")
        );
    }

    #[test]
    fn validators_all_run_after_parsing() {
        let email = FieldSpec::of::<String>("email")
            .email()
            .max_length(3)
            .min_length(1);
        assert_eq!(
            errors_of::<String>(&email, "abcd"),
            [
                "Enter a valid email address.",
                "Ensure this value has at most 3 characters (it has 4)."
            ]
        );
        // An invalid choice stops before the validators, as Django's validate() does.
        let fruit = FieldSpec::of::<String>("fruit").choices("a").max_length(1);
        assert_eq!(errors_of::<String>(&fruit, "bb").len(), 1);
    }

    #[test]
    fn empty_values_of_optional_fields() {
        let empty = FormData::default();
        let note = FieldSpec::of::<String>("note").required(false);
        assert_eq!(clean_field::<String>(&empty, &note), Ok(String::new()));
        let age = FieldSpec::of::<Option<i64>>("age");
        assert_eq!(clean_field::<Option<i64>>(&empty, &age), Ok(None));
        // Required although the type is optional.
        let age = age.required(true);
        assert_eq!(
            clean_field::<Option<i64>>(&empty, &age),
            Err(one("This field is required."))
        );
        // An i64 has no empty value: required whatever the spec says.
        let count = FieldSpec::of::<i64>("count").required(false);
        assert_eq!(
            clean_field::<i64>(&empty, &count),
            Err(one("This field is required."))
        );
        // Optional choices accept nothing chosen.
        let fruit = FieldSpec::of::<Option<String>>("fruit").choices("a");
        assert_eq!(clean_field::<Option<String>>(&empty, &fruit), Ok(None));
    }

    #[test]
    fn booleans_follow_booleanfield() {
        let subscribe = FieldSpec::of::<bool>("subscribe");
        for (value, expected) in [("on", true), ("false", false), ("0", false), ("", false)] {
            let data = FormData::from_pairs([("subscribe", value)]);
            assert_eq!(
                clean_field::<bool>(&data, &subscribe),
                Ok(expected),
                "{value}"
            );
        }
        assert_eq!(
            clean_field::<bool>(&FormData::default(), &subscribe),
            Ok(false)
        );
        let terms = FieldSpec::of::<bool>("terms").required(true);
        assert_eq!(
            errors_of::<bool>(&terms, "false"),
            one("This field is required.")
        );
    }

    #[test]
    fn text_is_stripped_except_passwords() {
        let data = FormData::from_pairs([("a", " x "), ("p", " secret ")]);
        let a = FieldSpec::of::<String>("a");
        assert_eq!(clean_field::<String>(&data, &a), Ok("x".to_owned()));
        let p = FieldSpec::of::<String>("p").widget(super::super::Widget::Password);
        assert_eq!(clean_field::<String>(&data, &p), Ok(" secret ".to_owned()));
    }

    #[test]
    fn undecodable_values_are_field_errors() {
        let data = FormData::parse(b"name=%FF");
        let name = FieldSpec::of::<String>("name");
        assert_eq!(
            clean_field::<String>(&data, &name),
            Err(one("Enter a valid value."))
        );
    }

    #[test]
    fn hooks_run_only_on_clean_values() {
        let data = FormData::from_pairs([("n", "5"), ("bad", "x")]);
        let mut errors = FormErrors::for_fields(&["n", "bad"]);
        let n = FieldSpec::of::<i64>("n");
        let doubled = clean_with_hook::<i64>(&data, &n, &mut errors, |v| Ok(v * 2));
        assert_eq!(doubled, Some(10));
        let rejected = clean_with_hook::<i64>(&data, &n, &mut errors, |_| Err("Too big.".into()));
        assert_eq!(rejected, None);
        let bad = FieldSpec::of::<i64>("bad");
        let mut ran = false;
        let none = clean_with_hook::<i64>(&data, &bad, &mut errors, |v| {
            ran = true;
            Ok(v)
        });
        assert!(none.is_none() && !ran);
        assert_eq!(errors.get("n"), ["Too big."]);
        assert_eq!(errors.get("bad"), ["Enter a whole number."]);
    }
}
