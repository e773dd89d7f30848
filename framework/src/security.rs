//! Request checks that protect every view: `ALLOWED_HOSTS`.
//!
//! A request whose `Host` is not allowed is refused with 400 before any view runs, as in
//! Django: a forged Host would otherwise poison absolute URLs (password-reset links, caches).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::Error;
use crate::project::SiteState;

/// Refuses requests for hosts not in `ALLOWED_HOSTS` (Django's `DisallowedHost`, a 400).
pub(crate) async fn validate_host(
    State(site): State<Arc<SiteState>>,
    request: Request,
    next: Next,
) -> Response {
    let raw = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| request.uri().authority().map(|a| a.as_str().to_owned()))
        .unwrap_or_default();
    match check_host(&raw, site.settings.allowed_host_patterns()) {
        Ok(()) => next.run(request).await,
        Err(message) => Error::DisallowedHost(message).into_response(),
    }
}

/// Checks a `Host` header value against allowed patterns, with Django's messages.
fn check_host<'a>(raw: &str, allowed: impl Iterator<Item = &'a str>) -> Result<(), String> {
    let Some(domain) = split_domain_port(raw) else {
        return Err(format!(
            "Invalid HTTP_HOST header: '{raw}'. The domain name provided is not valid according to RFC 1034/1035."
        ));
    };
    let mut allowed = allowed;
    if allowed.any(|pattern| host_matches(&domain, pattern)) {
        Ok(())
    } else {
        Err(format!(
            "Invalid HTTP_HOST header: '{raw}'. You may need to add '{domain}' to ALLOWED_HOSTS."
        ))
    }
}

/// The lower-cased domain of `host[:port]`, or `None` if it is not a valid host.
fn split_domain_port(host: &str) -> Option<String> {
    let host = host.to_ascii_lowercase();
    let domain = if host.starts_with('[') {
        let end = host.find(']')?;
        let (domain, rest) = host.split_at(end + 1);
        if !(rest.is_empty() || valid_port(rest.strip_prefix(':')?)) {
            return None;
        }
        domain.to_owned()
    } else {
        let (domain, port) = host.rsplit_once(':').unwrap_or((&host, ""));
        if host.contains(':') && !valid_port(port) {
            return None;
        }
        domain.trim_end_matches('.').to_owned()
    };
    let valid = !domain.is_empty()
        && domain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'[' | b']' | b':'));
    valid.then_some(domain)
}

fn valid_port(port: &str) -> bool {
    !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
}

/// Django's `is_same_domain`: exact, `*`, or `.example.com` for the domain and its subdomains.
fn host_matches(domain: &str, pattern: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    if pattern == "*" || pattern == domain {
        return true;
    }
    pattern.starts_with('.') && (domain.ends_with(&pattern) || domain == &pattern[1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_match_like_django() {
        let allowed = ["example.com", ".example.org", "[::1]"];
        for ok in [
            "example.com",
            "EXAMPLE.com:8000",
            "example.org",
            "a.b.example.org",
            "[::1]:80",
        ] {
            assert!(check_host(ok, allowed.iter().copied()).is_ok(), "{ok}");
        }
        for bad in ["evil.com", "example.com.evil.com", "notexample.org", ""] {
            assert!(check_host(bad, allowed.iter().copied()).is_err(), "{bad}");
        }
        assert_eq!(
            check_host("evil.com:80", allowed.iter().copied()).unwrap_err(),
            "Invalid HTTP_HOST header: 'evil.com:80'. You may need to add 'evil.com' to ALLOWED_HOSTS."
        );
        assert!(
            check_host("bad host", ["*"].into_iter())
                .unwrap_err()
                .contains("RFC 1034/1035")
        );
        assert!(check_host("anything.test", ["*"].into_iter()).is_ok());
    }
}
