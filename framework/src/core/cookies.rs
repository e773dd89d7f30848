//! Reading the `Cookie` request header, once, for every feature that keeps a cookie (sessions,
//! CSRF, the login throttle's device cookie) and for the DEBUG page.
//!
//! Each header is split by the [`cookie`] crate; as in Django's `parse_cookie`, a value in
//! double quotes is unquoted, a malformed pair is skipped, and when a name is sent twice the
//! last value wins.
//!
//! ```
//! use axum::http::{HeaderMap, HeaderValue, header};
//!
//! let mut headers = HeaderMap::new();
//! headers.insert(header::COOKIE, HeaderValue::from_static("a=1; sessionid=\"x\"; a=2"));
//! assert_eq!(pony::core::request_cookie(&headers, "a").as_deref(), Some("2"));
//! assert_eq!(pony::core::request_cookie(&headers, "sessionid").as_deref(), Some("x"));
//! assert_eq!(pony::core::request_cookie(&headers, "missing"), None);
//! ```

use axum::http::{HeaderMap, header};
use cookie::Cookie;

/// Every cookie the request sent, in order, as `(name, value)`.
pub fn request_cookies(headers: &HeaderMap) -> Vec<(String, String)> {
    parsed(headers)
        .map(|cookie| (cookie.name().to_owned(), cookie.value_trimmed().to_owned()))
        .collect()
}

/// The value of the cookie `name`, the last one when it was sent more than once.
pub fn request_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    parsed(headers)
        .filter(|cookie| cookie.name() == name)
        .last()
        .map(|cookie| cookie.value_trimmed().to_owned())
}

/// The well-formed pairs of every `Cookie` header, borrowed from the headers.
fn parsed(headers: &HeaderMap) -> impl Iterator<Item = Cookie<'_>> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn every_cookie_header_is_read_and_bad_pairs_skipped() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; junk; b = 2 "),
        );
        headers.append(header::COOKIE, HeaderValue::from_static("c=; a=3"));
        assert_eq!(
            request_cookies(&headers),
            [("a", "1"), ("b", "2"), ("c", ""), ("a", "3")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert_eq!(request_cookie(&headers, "a").as_deref(), Some("3"));
        assert_eq!(request_cookie(&headers, "c").as_deref(), Some(""));
    }
}
