//! The `Origin` and `Referer` checks, Django's `_origin_verified` and `_check_referer`.
//!
//! A browser names the page a request comes from; a forged cross-site form post names the
//! attacker's site. `Origin` is checked whenever it is sent. Over HTTPS a missing `Origin`
//! makes the `Referer` mandatory, because a man-in-the-middle on plain HTTP could otherwise
//! plant a cookie and a matching token and post to the HTTPS site.

/// `CSRF_TRUSTED_ORIGINS`, prepared for matching (`https://*.example.com` trusts subdomains).
#[derive(Debug, Clone, Default)]
pub(crate) struct TrustedOrigins {
    /// Origins without a wildcard, matched exactly.
    exact: Vec<String>,
    /// `(scheme, ".example.com")` for each wildcard origin.
    subdomains: Vec<(String, String)>,
    /// Every origin's host (wildcard stripped), for the `Referer` check.
    hosts: Vec<String>,
}

impl TrustedOrigins {
    pub(crate) fn new(origins: &[String]) -> Self {
        let mut trusted = TrustedOrigins::default();
        for origin in origins {
            let (scheme, netloc) = split_url(origin).unwrap_or_default();
            let host = netloc.trim_start_matches('*').to_owned();
            if origin.contains('*') {
                trusted.subdomains.push((scheme.to_owned(), host.clone()));
            } else {
                trusted.exact.push(origin.clone());
            }
            trusted.hosts.push(host);
        }
        trusted
    }
}

/// What the request itself is: its scheme and `Host` (already validated against
/// `ALLOWED_HOSTS`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Site<'a> {
    pub(crate) secure: bool,
    pub(crate) host: &'a str,
}

/// Django's `_origin_verified`: the request's own origin, an exact trusted origin, or a
/// subdomain of a wildcard trusted origin with the same scheme.
pub(crate) fn origin_verified(origin: &str, site: Site<'_>, trusted: &TrustedOrigins) -> bool {
    let scheme = if site.secure { "https" } else { "http" };
    if !site.host.is_empty() && origin == format!("{scheme}://{}", site.host) {
        return true;
    }
    if trusted.exact.iter().any(|exact| exact == origin) {
        return true;
    }
    let Some((scheme, netloc)) = split_url(origin) else {
        return false;
    };
    trusted
        .subdomains
        .iter()
        .any(|(s, host)| s.eq_ignore_ascii_case(scheme) && is_same_domain(netloc, host))
}

/// Django's `_check_referer` (HTTPS only): the `Referer` must be an HTTPS URL on this host or
/// a trusted origin's host. The error is Django's reason, word for word.
pub(crate) fn check_referer(
    referer: Option<&str>,
    site: Site<'_>,
    trusted: &TrustedOrigins,
) -> Result<(), String> {
    let Some(referer) = referer else {
        return Err(REASON_NO_REFERER.to_owned());
    };
    let Some((scheme, netloc)) = split_url(referer).filter(|(s, n)| !s.is_empty() && !n.is_empty())
    else {
        return Err("Referer checking failed - Referer is malformed.".to_owned());
    };
    if !scheme.eq_ignore_ascii_case("https") {
        return Err(
            "Referer checking failed - Referer is insecure while host is secure.".to_owned(),
        );
    }
    if trusted
        .hosts
        .iter()
        .any(|host| is_same_domain(netloc, host))
    {
        return Ok(());
    }
    if is_same_domain(netloc, site.host) {
        return Ok(());
    }
    Err(format!(
        "Referer checking failed - {referer} does not match any trusted origins."
    ))
}

/// Django's reason when an HTTPS request has neither `Origin` nor `Referer`.
pub(crate) const REASON_NO_REFERER: &str = "Referer checking failed - no Referer.";

/// The scheme (lower-cased) and network location of a URL, like Python's `urlparse`;
/// `None` when it has no `scheme://` part or an unbalanced IPv6 bracket.
pub(crate) fn split_url(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let valid_scheme = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !valid_scheme {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let netloc = &rest[..end];
    if netloc.contains('[') != netloc.contains(']') {
        return None;
    }
    Some((scheme, netloc))
}

/// Django's `is_same_domain`: `pattern` is the host itself, or `.example.com` for the domain
/// and all its subdomains. Only the pattern is lower-cased, as in Django.
pub(crate) fn is_same_domain(host: &str, pattern: &str) -> bool {
    if pattern.is_empty() {
        return false;
    }
    let pattern = pattern.to_ascii_lowercase();
    (pattern.starts_with('.') && (host.ends_with(&pattern) || host == &pattern[1..]))
        || pattern == host
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted(origins: &[&str]) -> TrustedOrigins {
        TrustedOrigins::new(&origins.iter().map(|o| (*o).to_owned()).collect::<Vec<_>>())
    }

    const HTTP: Site<'static> = Site {
        secure: false,
        host: "www.example.com",
    };
    const HTTPS: Site<'static> = Site {
        secure: true,
        host: "www.example.com",
    };

    #[test]
    fn urls_split_like_urlparse() {
        assert_eq!(
            split_url("https://a.example:8000/x?y"),
            Some(("https", "a.example:8000"))
        );
        assert_eq!(split_url("http://[::1]:80"), Some(("http", "[::1]:80")));
        assert_eq!(split_url("https://[::1/"), None);
        assert_eq!(split_url("null"), None);
        assert_eq!(split_url("//host/path"), None);
        assert_eq!(split_url("https:///path"), Some(("https", "")));
    }

    #[test]
    fn origins_match_the_site_or_trusted_origins() {
        let none = trusted(&[]);
        assert!(origin_verified("http://www.example.com", HTTP, &none));
        assert!(!origin_verified("https://www.example.com", HTTP, &none));
        assert!(!origin_verified("http://www.example.com", HTTPS, &none));
        assert!(!origin_verified("https://evil.example", HTTPS, &none));
        assert!(!origin_verified("null", HTTPS, &none));

        let some = trusted(&["https://pay.example.net", "https://*.example.org"]);
        assert!(origin_verified("https://pay.example.net", HTTPS, &some));
        assert!(!origin_verified("http://pay.example.net", HTTPS, &some));
        assert!(origin_verified("https://a.b.example.org", HTTPS, &some));
        assert!(origin_verified("https://example.org", HTTPS, &some));
        assert!(!origin_verified("http://a.example.org", HTTPS, &some));
        assert!(!origin_verified("https://notexample.org", HTTPS, &some));
    }

    #[test]
    fn referers_are_checked_with_djangos_reasons() {
        let none = trusted(&[]);
        assert_eq!(
            check_referer(None, HTTPS, &none).unwrap_err(),
            "Referer checking failed - no Referer."
        );
        assert_eq!(
            check_referer(Some("not a url"), HTTPS, &none).unwrap_err(),
            "Referer checking failed - Referer is malformed."
        );
        assert_eq!(
            check_referer(Some("http://www.example.com/"), HTTPS, &none).unwrap_err(),
            "Referer checking failed - Referer is insecure while host is secure."
        );
        assert_eq!(
            check_referer(Some("https://evil.example/form/"), HTTPS, &none).unwrap_err(),
            "Referer checking failed - https://evil.example/form/ does not match any trusted origins."
        );
        assert!(check_referer(Some("https://www.example.com/form/"), HTTPS, &none).is_ok());
        let some = trusted(&["https://*.example.org"]);
        assert!(check_referer(Some("https://a.example.org/"), HTTPS, &some).is_ok());
    }

    #[test]
    fn same_domain_like_django() {
        assert!(is_same_domain("example.com", "example.com"));
        assert!(is_same_domain("example.com", "EXAMPLE.com"));
        assert!(is_same_domain("a.example.com", ".example.com"));
        assert!(is_same_domain("example.com", ".example.com"));
        assert!(!is_same_domain("badexample.com", ".example.com"));
        assert!(!is_same_domain("example.com", ""));
        assert!(!is_same_domain("example.com:8000", "example.com"));
    }
}
