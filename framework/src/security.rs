//! Request checks and response headers that protect every view (Django's
//! `SecurityMiddleware`, `XFrameOptionsMiddleware` and `ALLOWED_HOSTS`).
//!
//! A request whose `Host` is not allowed is refused with 400 before any view runs, as in
//! Django: a forged Host would otherwise poison absolute URLs (password-reset links, caches).
//! Every response carries `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`,
//! `Cross-Origin-Opener-Policy: same-origin` and `X-Frame-Options: DENY` unless the view set
//! its own; HSTS (`SECURE_HSTS_SECONDS`) and the HTTPS redirect (`SECURE_SSL_REDIRECT`) are
//! opt-in. Behind a proxy that terminates TLS, `SECURE_PROXY_SSL_HEADER` names the header
//! that says the original request was HTTPS.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::conf::Settings;
use crate::core::SiteState;
use crate::error::Error;

/// The longest request target and header line accepted (gunicorn's `limit_request_line` and
/// `limit_request_field_size`, which sit in front of most Django deployments).
pub(crate) const MAX_LINE_BYTES: usize = 8190;

/// Refuses a request whose target is over [`MAX_LINE_BYTES`] (414) or with a header line over
/// it (431), before any other work: pony's server already caps the whole head, this keeps
/// any one value (a cookie, a query string) to what a real client sends.
pub(crate) async fn limit_request_head(request: Request, next: Next) -> Response {
    let target = request
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if target > MAX_LINE_BYTES {
        return (StatusCode::URI_TOO_LONG, "Request-URI Too Long").into_response();
    }
    let longest_header = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + 2 + value.len())
        .max()
        .unwrap_or(0);
    if longest_header > MAX_LINE_BYTES {
        return (
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "Request Header Fields Too Large",
        )
            .into_response();
    }
    next.run(request).await
}

/// Refuses requests for hosts not in `ALLOWED_HOSTS` (Django's `DisallowedHost`, a 400).
pub(crate) async fn validate_host(
    State(site): State<Arc<SiteState>>,
    request: Request,
    next: Next,
) -> Response {
    let raw = request_host(request.headers(), request.uri());
    match check_host(raw, site.settings.allowed_host_patterns()) {
        Ok(()) => next.run(request).await,
        Err(message) => Error::DisallowedHost(message).into_response(),
    }
}

/// The host a request is for, as the client sent it (Django's `get_host` before validation):
/// the `Host` header, else the URI's authority, else empty. Past [`validate_host`] it is one of
/// `ALLOWED_HOSTS`.
pub(crate) fn request_host<'a>(headers: &'a HeaderMap, uri: &'a Uri) -> &'a str {
    headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()))
        .unwrap_or_default()
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

/// Django's `request.is_secure()`: HTTPS, as told by `SECURE_PROXY_SSL_HEADER` when that is
/// set and the proxy sent the header, else by the request URI.
///
/// Only set `SECURE_PROXY_SSL_HEADER` behind a proxy that always sets (or strips) that header:
/// otherwise any client could claim HTTPS.
pub(crate) fn is_secure(headers: &HeaderMap, uri: &Uri, settings: &Settings) -> bool {
    let proxy = &settings.secure.proxy_ssl_header;
    if let Some((secure_value, value)) = proxy
        .as_ref()
        .and_then(|(name, secure_value)| Some((secure_value, headers.get(name.as_str())?)))
    {
        let value = String::from_utf8_lossy(value.as_bytes());
        let first = value.split(',').next().unwrap_or("").trim();
        return first == secure_value;
    }
    uri.scheme_str() == Some("https")
}

/// Adds the security headers to every response (error pages included), unless the view set
/// its own, and HSTS to HTTPS responses when `SECURE_HSTS_SECONDS` is set.
pub(crate) async fn security_headers(
    State(site): State<Arc<SiteState>>,
    request: Request,
    next: Next,
) -> Response {
    let secure = is_secure(request.headers(), request.uri(), &site.settings);
    let mut response = next.run(request).await;
    let settings = &site.settings.secure;
    let headers = response.headers_mut();
    if settings.hsts_seconds > 0 && secure {
        let mut value = format!("max-age={}", settings.hsts_seconds);
        if settings.hsts_include_subdomains {
            value.push_str("; includeSubDomains");
        }
        if settings.hsts_preload {
            value.push_str("; preload");
        }
        set_default(headers, header::STRICT_TRANSPORT_SECURITY, Some(&value));
    }
    if settings.content_type_nosniff {
        set_default(headers, header::X_CONTENT_TYPE_OPTIONS, Some("nosniff"));
    }
    set_default(
        headers,
        header::REFERRER_POLICY,
        settings.referrer_policy.as_deref(),
    );
    set_default(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        settings.cross_origin_opener_policy.as_deref(),
    );
    set_default(
        headers,
        header::X_FRAME_OPTIONS,
        settings.x_frame_options.as_deref(),
    );
    response
}

/// Sets a header unless the response already has it.
fn set_default(headers: &mut HeaderMap, name: HeaderName, value: Option<&str>) {
    let Some(value) = value.and_then(|v| HeaderValue::from_str(v).ok()) else {
        return;
    };
    headers.entry(name).or_insert(value);
}

/// `SECURE_SSL_REDIRECT`: a plain-HTTP request is answered with a 301 to the same URL over
/// HTTPS (on `SECURE_SSL_HOST` when set). Runs after the `ALLOWED_HOSTS` check, so the
/// redirect never points at a forged host.
pub(crate) async fn ssl_redirect(
    State(site): State<Arc<SiteState>>,
    request: Request,
    next: Next,
) -> Response {
    let settings = &site.settings;
    if !settings.secure.ssl_redirect || is_secure(request.headers(), request.uri(), settings) {
        return next.run(request).await;
    }
    let host = settings
        .secure
        .ssl_host
        .as_deref()
        .unwrap_or_else(|| request_host(request.headers(), request.uri()));
    let path = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
    // Written (IRI-encoded) where every redirect's `Location` is; then made permanent.
    let mut response = crate::core::found(&format!("https://{host}{path}"));
    *response.status_mut() = StatusCode::MOVED_PERMANENTLY;
    response
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
    fn settings(toml: &str) -> Settings {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("settings.toml"), toml).unwrap();
        Settings::load_from(dir.path(), |_| None).unwrap()
    }

    #[test]
    fn https_is_recognised_only_through_the_configured_proxy_header() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https, http"));
        let plain: Uri = "/path".parse().unwrap();
        assert!(!is_secure(&headers, &plain, &settings("")));
        let behind_proxy =
            settings("SECURE_PROXY_SSL_HEADER = ['HTTP_X_FORWARDED_PROTO', 'https']");
        assert!(is_secure(&headers, &plain, &behind_proxy));
        headers.insert("x-forwarded-proto", HeaderValue::from_static("http"));
        assert!(!is_secure(&headers, &plain, &behind_proxy));
        let absolute: Uri = "https://example.com/".parse().unwrap();
        assert!(is_secure(&HeaderMap::new(), &absolute, &settings("")));
    }
}
