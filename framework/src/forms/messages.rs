//! Django's form error messages, word for word (`django.forms.fields` and `validators`).

/// A required field left empty.
pub const REQUIRED: &str = "This field is required.";
/// `IntegerField` given something else.
pub const INVALID_INTEGER: &str = "Enter a whole number.";
/// `EmailField` given something else.
pub const INVALID_EMAIL: &str = "Enter a valid email address.";
/// `DateField` given something else.
pub const INVALID_DATE: &str = "Enter a valid date.";
/// Submitted bytes that are not UTF-8 text (Django's generic validator message).
pub const INVALID_VALUE: &str = "Enter a valid value.";

/// "Select a valid choice. X is not one of the available choices."
pub fn invalid_choice(value: &str) -> String {
    format!("Select a valid choice. {value} is not one of the available choices.")
}

/// Django's `MaxLengthValidator` (ngettext: "character" when the limit is 1).
pub fn max_length(limit: usize, length: usize) -> String {
    format!(
        "Ensure this value has at most {limit} {} (it has {length}).",
        characters(limit)
    )
}

/// Django's `MinLengthValidator`.
pub fn min_length(limit: usize, length: usize) -> String {
    format!(
        "Ensure this value has at least {limit} {} (it has {length}).",
        characters(limit)
    )
}

/// Django's `MaxValueValidator`.
pub fn max_value(limit: i64) -> String {
    format!("Ensure this value is less than or equal to {limit}.")
}

/// Django's `MinValueValidator`.
pub fn min_value(limit: i64) -> String {
    format!("Ensure this value is greater than or equal to {limit}.")
}

/// "(Hidden field next) This field is required." — a hidden field's error, shown at the top.
pub fn hidden_field(name: &str, error: &str) -> String {
    format!("(Hidden field {name}) {error}")
}

fn characters(limit: usize) -> &'static str {
    if limit == 1 {
        "character"
    } else {
        "characters"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_pluralise_on_the_limit() {
        assert_eq!(
            max_length(150, 151),
            "Ensure this value has at most 150 characters (it has 151)."
        );
        assert_eq!(
            max_length(1, 2),
            "Ensure this value has at most 1 character (it has 2)."
        );
        assert_eq!(
            min_length(8, 3),
            "Ensure this value has at least 8 characters (it has 3)."
        );
        assert_eq!(
            min_length(1, 0),
            "Ensure this value has at least 1 character (it has 0)."
        );
        assert_eq!(
            invalid_choice("c"),
            "Select a valid choice. c is not one of the available choices."
        );
    }
}
