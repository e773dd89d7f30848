//! The CSRF secret and its masked tokens, with Django's exact algorithm so that tokens made by
//! Django and by pony are interchangeable.
//!
//! The cookie holds a 32-character secret. Each rendered form gets a 64-character token: a
//! fresh random mask followed by the secret "added" to the mask character by character over the
//! alphabet `[a-zA-Z0-9]`. The token therefore changes on every render (so a compressed
//! response cannot leak it through BREACH), while unmasking always gives the secret back.

use rand::Rng;
use subtle::ConstantTimeEq;

/// The characters of secrets, masks and tokens (Django's `CSRF_ALLOWED_CHARS`).
const ALLOWED_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/// The length of the secret kept in the cookie (Django's `CSRF_SECRET_LENGTH`).
pub const SECRET_LENGTH: usize = 32;
/// The length of a masked token (Django's `CSRF_TOKEN_LENGTH`).
pub const TOKEN_LENGTH: usize = 2 * SECRET_LENGTH;

/// Why a cookie or a submitted token was refused, in Django's words (a phrase without a
/// subject: "CSRF cookie has incorrect length.").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InvalidFormat {
    /// Neither 32 nor 64 characters.
    IncorrectLength,
    /// A character outside `[a-zA-Z0-9]`.
    InvalidCharacters,
}

impl InvalidFormat {
    pub(crate) fn reason(self) -> &'static str {
        match self {
            InvalidFormat::IncorrectLength => "has incorrect length",
            InvalidFormat::InvalidCharacters => "has invalid characters",
        }
    }
}

/// A new random secret: 32 characters of `[a-zA-Z0-9]` from the OS-seeded CSPRNG.
pub(crate) fn new_secret() -> String {
    let mut rng = rand::rng();
    (0..SECRET_LENGTH)
        .map(|_| char::from(ALLOWED_CHARS[rng.random_range(0..ALLOWED_CHARS.len())]))
        .collect()
}

/// The position of an allowed character in the alphabet.
fn index(byte: u8) -> usize {
    ALLOWED_CHARS.iter().position(|&c| c == byte).unwrap_or(0)
}

/// Django's `_mask_cipher_secret`: a fresh mask, then the secret shifted by it.
pub(crate) fn mask(secret: &str) -> String {
    mask_with(secret, &new_secret())
}

fn mask_with(secret: &str, mask: &str) -> String {
    let n = ALLOWED_CHARS.len();
    let cipher: String = secret
        .bytes()
        .zip(mask.bytes())
        .map(|(s, m)| char::from(ALLOWED_CHARS[(index(s) + index(m)) % n]))
        .collect();
    format!("{mask}{cipher}")
}

/// Django's `_unmask_cipher_token`: the secret inside a 64-character token.
///
/// The token must already have passed [`check_format`].
pub(crate) fn unmask(token: &str) -> String {
    let n = ALLOWED_CHARS.len();
    let (mask, cipher) = token.as_bytes().split_at(SECRET_LENGTH.min(token.len()));
    cipher
        .iter()
        .zip(mask)
        .map(|(&c, &m)| char::from(ALLOWED_CHARS[(index(c) + n - index(m)) % n]))
        .collect()
}

/// Django's `_check_token_format`: 32 or 64 characters of `[a-zA-Z0-9]`.
pub(crate) fn check_format(token: &str) -> Result<(), InvalidFormat> {
    if token.len() != SECRET_LENGTH && token.len() != TOKEN_LENGTH {
        return Err(InvalidFormat::IncorrectLength);
    }
    if !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(InvalidFormat::InvalidCharacters);
    }
    Ok(())
}

/// The secret a cookie holds: 32 characters as they are, or a 64-character masked token
/// (what Django before 4.1 stored) unmasked.
pub(crate) fn secret_from_cookie(cookie: &str) -> Result<String, InvalidFormat> {
    check_format(cookie)?;
    Ok(if cookie.len() == TOKEN_LENGTH {
        unmask(cookie)
    } else {
        cookie.to_owned()
    })
}

/// Django's `_does_token_match`: whether a well-formed submitted token (masked or not) carries
/// `secret`. The comparison takes the same time wherever the first difference is, so a
/// network attacker cannot guess the secret one character at a time.
pub(crate) fn token_matches(token: &str, secret: &str) -> bool {
    let candidate = if token.len() == TOKEN_LENGTH {
        unmask(token)
    } else {
        token.to_owned()
    };
    constant_time_eq(&candidate, secret)
}

/// Compares two strings in time that depends only on their lengths.
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Django's own test vectors (tests/csrf_tests/tests.py): one secret, two masked tokens.
    const TEST_SECRET: &str = "lcccccccX2kcccccccY2jcccccccssIC";
    const MASKED_TEST_SECRET1: &str =
        "1bcdefghij2bcdefghij3bcdefghij4bcdefghij5bcdefghij6bcdefghijABCD";
    const MASKED_TEST_SECRET2: &str =
        "2JgchWvM1tpxT2lfz9aydoXW9yT1DN3NdLiejYxOOlzzV4nhBbYqmqZYbAV3V5Bf";

    #[test]
    fn django_tokens_unmask_to_django_secret() {
        assert_eq!(unmask(MASKED_TEST_SECRET1), TEST_SECRET);
        assert_eq!(unmask(MASKED_TEST_SECRET2), TEST_SECRET);
        assert!(token_matches(MASKED_TEST_SECRET1, TEST_SECRET));
        assert!(token_matches(TEST_SECRET, TEST_SECRET));
    }

    #[test]
    fn masking_with_djangos_mask_gives_djangos_token() {
        let (mask, _) = MASKED_TEST_SECRET1.split_at(SECRET_LENGTH);
        assert_eq!(mask_with(TEST_SECRET, mask), MASKED_TEST_SECRET1);
        let (mask, _) = MASKED_TEST_SECRET2.split_at(SECRET_LENGTH);
        assert_eq!(mask_with(TEST_SECRET, mask), MASKED_TEST_SECRET2);
    }

    #[test]
    fn fresh_masks_round_trip_and_differ() {
        let secret = new_secret();
        assert_eq!(secret.len(), SECRET_LENGTH);
        assert!(check_format(&secret).is_ok());
        let (a, b) = (mask(&secret), mask(&secret));
        assert_ne!(a, b);
        for token in [&a, &b] {
            assert_eq!(token.len(), TOKEN_LENGTH);
            assert!(check_format(token).is_ok());
            assert_eq!(unmask(token), secret);
        }
        assert!(!token_matches(&a, &new_secret()));
    }

    #[test]
    fn formats_are_checked_like_django() {
        assert_eq!(check_format("abc"), Err(InvalidFormat::IncorrectLength));
        assert_eq!(
            check_format(&"a".repeat(33)),
            Err(InvalidFormat::IncorrectLength)
        );
        assert_eq!(
            check_format(&format!("{}!", "a".repeat(31))),
            Err(InvalidFormat::InvalidCharacters)
        );
        assert_eq!(
            secret_from_cookie(MASKED_TEST_SECRET2).as_deref(),
            Ok(TEST_SECRET)
        );
        assert_eq!(secret_from_cookie(TEST_SECRET).as_deref(), Ok(TEST_SECRET));
    }

    #[test]
    fn constant_time_compare_is_equality() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
        assert!(constant_time_eq("", ""));
    }
}
