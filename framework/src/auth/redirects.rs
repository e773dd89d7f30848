//! Where to go after logging in: a `next` URL is followed only when it stays on this site
//! (Django's `url_has_allowed_host_and_scheme`), else the default.
//!
//! ```
//! use pony::auth::redirects::url_has_allowed_host_and_scheme as safe;
//!
//! let hosts = ["board.example"];
//! assert!(safe("/articles/?page=2", &hosts, false));
//! assert!(safe("https://board.example/x", &hosts, false));
//! for evil in ["https://evil", "//evil", "/\\evil", "///x", "javascript:alert(1)", "\x08/evil"] {
//!     assert!(!safe(evil, &hosts, false), "{evil}");
//! }
//! ```

use crate::core::Request;

/// Whether `url` is safe to redirect to: relative, or absolute on one of `allowed_hosts`
/// with an http(s) scheme (https only when `require_https`).
///
/// Browsers read `\` as `/`, so the URL must also be safe with backslashes turned into
/// slashes: `/\evil.example` is `//evil.example` to them.
pub fn url_has_allowed_host_and_scheme(
    url: &str,
    allowed_hosts: &[&str],
    require_https: bool,
) -> bool {
    let url = url.trim();
    if url.is_empty() {
        return false;
    }
    allowed(url, allowed_hosts, require_https)
        && allowed(&url.replace('\\', "/"), allowed_hosts, require_https)
}

fn allowed(url: &str, allowed_hosts: &[&str], require_https: bool) -> bool {
    if url.starts_with("///") {
        return false;
    }
    // A leading control character is dropped by browsers, turning "\x08//evil" into "//evil".
    if url.chars().next().is_some_and(char::is_control) {
        return false;
    }
    let parts = split(url);
    if parts.netloc.is_empty() && !parts.scheme.is_empty() {
        return false; // "javascript:…", "mailto:…"
    }
    let scheme = if parts.scheme.is_empty() && !parts.netloc.is_empty() {
        "http".to_owned()
    } else {
        parts.scheme
    };
    let valid_scheme = match scheme.as_str() {
        "" => true,
        "https" => true,
        "http" => !require_https,
        _ => false,
    };
    (parts.netloc.is_empty() || allowed_hosts.contains(&parts.netloc.as_str())) && valid_scheme
}

struct Parts {
    scheme: String,
    netloc: String,
}

/// The scheme and host parts as Python's `urlsplit` finds them (tabs and newlines removed,
/// as browsers and Python both do).
fn split(url: &str) -> Parts {
    let cleaned: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\r' | '\n'))
        .collect();
    let mut rest = cleaned.as_str();
    let mut scheme = String::new();
    if let Some((candidate, after)) = rest.split_once(':') {
        let valid = candidate
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && candidate
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if valid {
            scheme = candidate.to_ascii_lowercase();
            rest = after;
        }
    }
    let netloc = match rest.strip_prefix("//") {
        Some(after) => after
            .split(['/', '?', '#'])
            .next()
            .unwrap_or_default()
            .to_owned(),
        None => String::new(),
    };
    Parts { scheme, netloc }
}

/// The `next` to follow after login: the submitted (or query) `next` if it is safe for this
/// request's host, else `None` (use `LOGIN_REDIRECT_URL`).
pub fn safe_next(request: &Request, next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let host = crate::security::request_host(&request.headers, &request.uri);
    let secure = crate::security::is_secure(&request.headers, &request.uri, request.settings());
    url_has_allowed_host_and_scheme(next, &[host], secure).then(|| next.to_owned())
}

#[cfg(test)]
mod tests {
    use super::url_has_allowed_host_and_scheme as safe;

    // Django's tests/utils_tests/test_http.py, bad and good URLs with host testserver.
    #[test]
    fn djangos_cases() {
        let hosts = ["testserver"];
        let bad = [
            "http://example.com",
            "http:///example.com",
            "https://example.com",
            "ftp://example.com",
            r"\\example.com",
            r"\\\example.com",
            r"/\\/example.com",
            r"\\\example.com",
            r"\\example.com",
            r"\\//example.com",
            r"/\/example.com",
            r"\/example.com",
            r"/\example.com",
            "http:///example.com",
            r"http:/\//example.com",
            r"http:\/example.com",
            r"http:/\example.com",
            "javascript:alert(\"XSS\")",
            "\njavascript:alert(x)",
            "java\nscript:alert(x)",
            "\x08//example.com",
            "http://otherserver\\@example.com",
            r"http:\\testserver\@example.com",
            r"http://testserver\me:pass@example.com",
            r"http://testserver\@example.com",
            r"http:\\testserver\confirm\me@example.com",
            "http:999999999",
            "ftp:9999999999",
            "\n",
            "http://[2001:cdba:0000:0000:0000:0000:3257:9652/",
            "http://2001:cdba:0000:0000:0000:0000:3257:9652]/",
        ];
        for url in bad {
            assert!(!safe(url, &hosts, false), "{url:?} should be blocked");
        }
        let good = [
            "/view/?param=http://example.com",
            "/view/?param=https://example.com",
            "/view?param=ftp://example.com",
            "view/?param=//example.com",
            "https://testserver/",
            "HTTPS://testserver/",
            "//testserver/",
            "http://testserver/confirm?email=me@example.com",
            "/url%20with%20spaces/",
            "path/http:2222222222",
        ];
        for url in good {
            assert!(safe(url, &hosts, false), "{url:?} should be allowed");
        }
        assert!(!safe("http://testserver/", &hosts, true));
        assert!(safe("https://testserver/", &hosts, true));
    }
}
