//! Device cookies (OWASP's defence against lockouts): a browser that logged in as a user
//! before proves it with a cookie, and its attempts are judged by its own failures only.
//!
//! The cookie `logindevice` holds `NONCE:HMAC`, where the HMAC (Django's `salted_hmac` with
//! SHA-256 and `SECRET_KEY`) binds the random nonce to the lower-cased username, so it cannot be
//! forged, moved to another username, or read for the username it belongs to. One browser holds
//! one device cookie: the last user who logged in there.
//!
//! ```
//! use pony::auth::throttle::device;
//!
//! let value = device::sign("alice", "0123456789abcdef0123456789abcdef", "secret");
//! assert_eq!(device::verify(&value, "Alice", "secret"), Some("0123456789abcdef0123456789abcdef"));
//! assert_eq!(device::verify(&value, "bob", "secret"), None);
//! assert_eq!(device::verify(&value, "alice", "other secret"), None);
//! ```

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue};
use subtle::ConstantTimeEq;
use tower_sessions::cookie::{Cookie, SameSite};

use crate::auth::session_hash::salted_hmac;

/// The device cookie's name.
pub const COOKIE_NAME: &str = "logindevice";
const KEY_SALT: &str = "pony.auth.throttle.device";

/// The cookie value binding `nonce` to `username`.
pub fn sign(username: &str, nonce: &str, secret_key: &str) -> String {
    let signature = salted_hmac(KEY_SALT, &payload(username, nonce), secret_key);
    format!("{nonce}:{signature}")
}

/// The nonce of `value` when it is a device cookie signed for `username` (compared in
/// constant time).
pub fn verify<'a>(value: &'a str, username: &str, secret_key: &str) -> Option<&'a str> {
    let (nonce, signature) = value.split_once(':')?;
    let valid_nonce = !nonce.is_empty() && nonce.bytes().all(|b| b.is_ascii_hexdigit());
    let expected = salted_hmac(KEY_SALT, &payload(username, nonce), secret_key);
    let matches: bool = signature.as_bytes().ct_eq(expected.as_bytes()).into();
    (valid_nonce && matches).then_some(nonce)
}

fn payload(username: &str, nonce: &str) -> String {
    format!("{}:{nonce}", username.to_lowercase())
}

/// The nonce of the request's device cookie, when it is valid for `username`.
///
/// ```
/// use pony::auth::throttle::device;
///
/// let mut headers = axum::http::HeaderMap::new();
/// let value = device::sign("alice", "abc123", "secret");
/// headers.insert("cookie", format!("csrftoken=x; logindevice={value}").parse().unwrap());
/// assert_eq!(device::presented(&headers, "alice", "secret").as_deref(), Some("abc123"));
/// assert_eq!(device::presented(&headers, "mallory", "secret"), None);
/// ```
pub fn presented(headers: &HeaderMap, username: &str, secret_key: &str) -> Option<String> {
    crate::core::request_cookies(headers)
        .iter()
        .filter(|(name, _)| name == COOKIE_NAME)
        .find_map(|(_, value)| verify(value, username, secret_key))
        .map(str::to_owned)
}

/// A new device cookie for `username`: `Set-Cookie` text, `Secure` when `secure`.
pub fn set_cookie(username: &str, secret_key: &str, max_age: Duration, secure: bool) -> String {
    let nonce = format!("{:032x}", rand::random::<u128>());
    let age = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
    Cookie::build((COOKIE_NAME, sign(username, &nonce, secret_key)))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(tower_sessions::cookie::time::Duration::seconds(age))
        .build()
        .to_string()
}

/// The device cookie a response should set, filled in by `login()` during the request.
#[derive(Debug, Clone, Default)]
pub(crate) struct PendingCookie(Arc<Mutex<Option<String>>>);

impl PendingCookie {
    pub(crate) fn set(&self, cookie: String) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(cookie);
    }

    /// Adds the cookie, if one was set, to `headers`.
    pub(crate) fn apply(&self, headers: &mut HeaderMap) {
        let pending = self.0.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(value) = pending.and_then(|c| HeaderValue::from_str(&c).ok()) {
            headers.append(SET_COOKIE, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_bound_to_username_and_secret() {
        let cookie = set_cookie("Alice", "s3cr3t", Duration::from_secs(60), true);
        let value = cookie
            .strip_prefix("logindevice=")
            .and_then(|rest| rest.split(';').next())
            .unwrap();
        let nonce = verify(value, "alice", "s3cr3t").unwrap();
        assert_eq!(nonce.len(), 32);
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
        assert!(cookie.contains("Secure") && cookie.contains("Max-Age=60"));
        assert!(cookie.contains("Path=/"));
        assert!(!set_cookie("a", "s", Duration::from_secs(1), false).contains("Secure"));
        // Tampering with either half, or another user's name, fails.
        let (nonce, signature) = value.split_once(':').unwrap();
        assert_eq!(
            verify(&format!("{nonce}0:{signature}"), "alice", "s3cr3t"),
            None
        );
        assert_eq!(verify(&format!("{nonce}:{nonce}"), "alice", "s3cr3t"), None);
        assert_eq!(verify(value, "alicia", "s3cr3t"), None);
        for junk in ["", ":", "nonce", "zz:zz", &format!(":{signature}")] {
            assert_eq!(verify(junk, "alice", "s3cr3t"), None, "{junk}");
        }
    }
}
