//! Session keys: the cookie's 32 characters ↔ tower-sessions' [`Id`].
//!
//! Django's session keys are 32 characters of `[a-z0-9]`. pony's are the 128 random bits of an
//! [`Id`] written as 32 lowercase hexadecimal digits, which fit that alphabet. Anything else in
//! the cookie (another length, capitals, base64 from tower-sessions' own `Display`) is not a
//! key: the request is treated as having no session, and a fresh key is made when one is saved.

use tower_sessions::session::Id;

/// How many characters a session key has (Django's as well).
pub const KEY_LENGTH: usize = 32;

/// The cookie value of a session id: 32 lowercase hex digits.
///
/// ```
/// use pony::sessions::key::{cookie_value, parse_cookie_value};
/// use tower_sessions::session::Id;
///
/// let id = Id(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
/// let value = cookie_value(&id);
/// assert_eq!(value, "0123456789abcdef0123456789abcdef");
/// assert_eq!(parse_cookie_value(&value), Some(id));
/// ```
pub fn cookie_value(id: &Id) -> String {
    // The bits as unsigned, so a negative i128 is no special case.
    format!("{:032x}", id.0.cast_unsigned())
}

/// The session id a cookie value names, or `None` when it is not exactly 32 characters of
/// `[0-9a-f]`.
///
/// ```
/// use pony::sessions::key::parse_cookie_value;
///
/// assert!(parse_cookie_value("0123456789abcdef0123456789abcdef").is_some());
/// assert!(parse_cookie_value("0123456789ABCDEF0123456789ABCDEF").is_none());
/// assert!(parse_cookie_value("not-a-session-key").is_none());
/// ```
pub fn parse_cookie_value(value: &str) -> Option<Id> {
    let well_formed = value.len() == KEY_LENGTH
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !well_formed {
        return None;
    }
    u128::from_str_radix(value, 16)
        .ok()
        .map(|bits| Id(bits.cast_signed()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_round_trips_through_its_cookie_value() {
        for bits in [0_i128, 1, -1, i128::MIN, i128::MAX, 0x7f3a_5c01] {
            let id = Id(bits);
            let value = cookie_value(&id);
            assert_eq!(value.len(), KEY_LENGTH, "{value}");
            assert!(
                value
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()),
                "{value}"
            );
            assert_eq!(parse_cookie_value(&value), Some(id));
        }
        let random = Id::default();
        assert_eq!(parse_cookie_value(&cookie_value(&random)), Some(random));
    }

    #[test]
    fn anything_but_32_lowercase_hex_digits_is_rejected() {
        let good = "00000000000000000000000000000001";
        assert!(parse_cookie_value(good).is_some());
        for bad in [
            "",
            "0000000000000000000000000000001",   // 31
            "000000000000000000000000000000001", // 33
            "0000000000000000000000000000000A",  // capital
            "0000000000000000000000000000000g",  // Django's alphabet, not ours
            "+0000000000000000000000000000001",  // from_str_radix would take the sign
            "0000000000000000000000000000000 ",
            "ééééééééééééééää", // 32 bytes, not 32 digits
            &Id(5).to_string(), // tower-sessions' own base64 form
        ] {
            assert_eq!(parse_cookie_value(bad), None, "{bad:?}");
        }
    }
}
