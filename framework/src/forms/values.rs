//! The Rust types a form field may have and how each parses submitted text (Django's
//! `to_python`) and shows a value again (`format_value`).

use chrono::NaiveDate;

use super::fields::FieldKind;
use super::messages;

/// A type a form field may have: `String`, `i64`, `i32`, `bool`, `chrono::NaiveDate`, or an
/// `Option` of one of these (an optional field).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a form field",
    label = "not a form field type",
    note = "form fields are String, i64, i32, bool, chrono::NaiveDate, or an Option of these"
)]
pub trait FormValue: Sized {
    /// What the value cleans to.
    const KIND: FieldKind;
    /// Whether the field is required unless the form says otherwise.
    const REQUIRED: bool = true;

    /// The value of a field left empty, when the type has one (`""`, `false`, `None`).
    fn empty() -> Option<Self>;

    /// Whether submitted (already stripped) text counts as empty.
    fn is_empty_input(text: &str) -> bool {
        text.is_empty()
    }

    /// Parses non-empty submitted text, or says why it is invalid (Django's message).
    fn parse(text: &str) -> Result<Self, String>;

    /// The value as a widget shows it (`None`: nothing to show).
    fn display(&self) -> Option<String>;
}

impl FormValue for String {
    const KIND: FieldKind = FieldKind::Char;

    fn empty() -> Option<Self> {
        Some(String::new())
    }

    fn parse(text: &str) -> Result<Self, String> {
        Ok(text.to_owned())
    }

    fn display(&self) -> Option<String> {
        Some(self.clone())
    }
}

impl FormValue for i64 {
    const KIND: FieldKind = FieldKind::Integer {
        min: i64::MIN,
        max: i64::MAX,
    };

    fn empty() -> Option<Self> {
        None
    }

    fn parse(text: &str) -> Result<Self, String> {
        parse_integer(text, i64::MIN, i64::MAX)
    }

    fn display(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl FormValue for i32 {
    const KIND: FieldKind = FieldKind::Integer {
        min: i32::MIN as i64,
        max: i32::MAX as i64,
    };

    fn empty() -> Option<Self> {
        None
    }

    fn parse(text: &str) -> Result<Self, String> {
        let value = parse_integer(text, i32::MIN.into(), i32::MAX.into())?;
        i32::try_from(value).map_err(|_| messages::INVALID_INTEGER.to_owned())
    }

    fn display(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl FormValue for bool {
    const KIND: FieldKind = FieldKind::Boolean;
    const REQUIRED: bool = false;

    fn empty() -> Option<Self> {
        Some(false)
    }

    /// Django's `BooleanField`: unchecked (absent), `"false"` and `"0"` are false.
    fn is_empty_input(text: &str) -> bool {
        text.is_empty() || text.eq_ignore_ascii_case("false") || text == "0"
    }

    fn parse(_: &str) -> Result<Self, String> {
        Ok(true)
    }

    fn display(&self) -> Option<String> {
        self.then(|| "true".to_owned())
    }
}

impl FormValue for NaiveDate {
    const KIND: FieldKind = FieldKind::Date;

    fn empty() -> Option<Self> {
        None
    }

    /// The first three of Django's `DATE_INPUT_FORMATS`: `2006-10-25`, `10/25/2006`, `10/25/06`.
    fn parse(text: &str) -> Result<Self, String> {
        // Python's %Y takes exactly four digits and %y two; chrono's are laxer.
        let year_digits = |year: &str| year.bytes().filter(u8::is_ascii_digit).count();
        let format = match (text.split_once('-'), text.rsplit_once('/')) {
            (Some((year, _)), _) if year_digits(year) == 4 && year.len() == 4 => "%Y-%m-%d",
            (_, Some((_, year))) if year.len() == 4 && year_digits(year) == 4 => "%m/%d/%Y",
            (_, Some((_, year))) if year.len() == 2 && year_digits(year) == 2 => "%m/%d/%y",
            _ => return Err(messages::INVALID_DATE.to_owned()),
        };
        NaiveDate::parse_from_str(text, format).map_err(|_| messages::INVALID_DATE.to_owned())
    }

    fn display(&self) -> Option<String> {
        Some(self.format("%Y-%m-%d").to_string())
    }
}

impl<T: FormValue> FormValue for Option<T> {
    const KIND: FieldKind = T::KIND;
    const REQUIRED: bool = false;

    fn empty() -> Option<Self> {
        Some(None)
    }

    fn is_empty_input(text: &str) -> bool {
        T::is_empty_input(text)
    }

    fn parse(text: &str) -> Result<Self, String> {
        T::parse(text).map(Some)
    }

    fn display(&self) -> Option<String> {
        self.as_ref().and_then(T::display)
    }
}

/// Django's `IntegerField.to_python`: an optional sign and digits, a trailing `.0` allowed;
/// outside `min..=max` is a range error like Django's model integer fields give.
fn parse_integer(text: &str, min: i64, max: i64) -> Result<i64, String> {
    let trimmed = text.trim_end();
    // Django strips a decimal point followed only by zeros ("3.0" is 3).
    let digits = match trimmed.split_once('.') {
        Some((whole, zeros)) if zeros.chars().all(|c| c == '0') => whole,
        Some(_) => return Err(messages::INVALID_INTEGER.to_owned()),
        None => trimmed,
    };
    let (negative, unsigned) = match digits.as_bytes().first() {
        Some(b'-') => (true, &digits[1..]),
        Some(b'+') => (false, &digits[1..]),
        _ => (false, digits),
    };
    if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return Err(messages::INVALID_INTEGER.to_owned());
    }
    let value = format!("{}{unsigned}", if negative { "-" } else { "" })
        .parse::<i128>()
        .unwrap_or(if negative { i128::MIN } else { i128::MAX });
    if value > i128::from(max) {
        return Err(messages::max_value(max));
    }
    if value < i128::from(min) {
        return Err(messages::min_value(min));
    }
    i64::try_from(value).map_err(|_| messages::INVALID_INTEGER.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_parse_like_django() {
        assert_eq!(i64::parse("42"), Ok(42));
        assert_eq!(i64::parse("-7"), Ok(-7));
        assert_eq!(i64::parse("+7"), Ok(7));
        assert_eq!(i64::parse("3.000"), Ok(3));
        for bad in ["3.5", "abc", "-", "1e3", "٣", "1 2", ""] {
            assert_eq!(
                i64::parse(bad),
                Err("Enter a whole number.".to_owned()),
                "{bad}"
            );
        }
        assert_eq!(
            i32::parse("2147483648"),
            Err("Ensure this value is less than or equal to 2147483647.".to_owned())
        );
        assert_eq!(
            i32::parse("-2147483649"),
            Err("Ensure this value is greater than or equal to -2147483648.".to_owned())
        );
        assert_eq!(
            i64::parse("99999999999999999999999999999999999999999999"),
            Err("Ensure this value is less than or equal to 9223372036854775807.".to_owned())
        );
        assert_eq!(i32::parse("2147483647"), Ok(i32::MAX));
    }

    #[test]
    fn dates_accept_django_formats() {
        let day = NaiveDate::from_ymd_opt(2006, 10, 25).unwrap();
        for text in ["2006-10-25", "10/25/2006", "10/25/06"] {
            assert_eq!(NaiveDate::parse(text), Ok(day), "{text}");
        }
        for bad in [
            "2006-13-01",
            "25/10/2006",
            "yesterday",
            "06-10-25",
            "10/25/006",
            "-2006-1-1",
        ] {
            assert_eq!(NaiveDate::parse(bad), Err("Enter a valid date.".to_owned()));
        }
        assert_eq!(day.display().as_deref(), Some("2006-10-25"));
    }

    #[test]
    fn booleans_and_options() {
        assert!(bool::is_empty_input("False") && bool::is_empty_input("0"));
        assert!(!bool::is_empty_input("on"));
        assert_eq!(false.display(), None);
        assert_eq!(Option::<i64>::parse("5"), Ok(Some(5)));
        assert_eq!(Option::<i64>::empty(), Some(None));
        assert_eq!(None::<i64>.display(), None);
    }
}
