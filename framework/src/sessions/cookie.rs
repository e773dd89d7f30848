//! The session cookie on the wire, exactly as Django writes it: `Set-Cookie` with the
//! attributes in Django's order. (Reading `Cookie` and `Vary` are the core's.)

use crate::conf::SessionSettings;

/// `Set-Cookie` for a saved session: `max_age` seconds, or a browser-session cookie (no
/// `expires`, no `Max-Age`) when `None`.
///
/// `sessionid=KEY; expires=Thu, 10 Dec 2026 10:00:00 GMT; HttpOnly; Max-Age=1209600; Path=/;
/// SameSite=Lax` — Django's (Python's) order: attributes sorted by name.
pub(crate) fn set_cookie(settings: &SessionSettings, key: &str, max_age: Option<i64>) -> String {
    let mut cookie = format!("{}={key}", settings.cookie_name);
    if let Some(domain) = &settings.cookie_domain {
        cookie.push_str(&format!("; Domain={domain}"));
    }
    if let Some(max_age) = max_age {
        let expires = chrono::Utc::now() + chrono::TimeDelta::seconds(max_age);
        cookie.push_str(&format!("; expires={}", http_date(expires)));
    }
    if settings.cookie_httponly {
        cookie.push_str("; HttpOnly");
    }
    if let Some(max_age) = max_age {
        cookie.push_str(&format!("; Max-Age={max_age}"));
    }
    cookie.push_str(&format!("; Path={}", settings.cookie_path));
    if let Some(same_site) = &settings.cookie_samesite {
        cookie.push_str(&format!("; SameSite={same_site}"));
    }
    if settings.cookie_secure {
        cookie.push_str("; Secure");
    }
    cookie
}

/// `Set-Cookie` that deletes the session cookie, as Django's `delete_cookie`:
/// `sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax`.
pub(crate) fn delete_cookie(settings: &SessionSettings) -> String {
    let mut cookie = format!("{}=\"\"", settings.cookie_name);
    if let Some(domain) = &settings.cookie_domain {
        cookie.push_str(&format!("; Domain={domain}"));
    }
    cookie.push_str("; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0");
    cookie.push_str(&format!("; Path={}", settings.cookie_path));
    if let Some(same_site) = &settings.cookie_samesite {
        cookie.push_str(&format!("; SameSite={same_site}"));
    }
    // Browsers refuse a SameSite=None cookie without Secure, even to delete it.
    let same_site_none = settings
        .cookie_samesite
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("none"));
    if same_site_none || settings.cookie_name.starts_with("__Secure-") {
        cookie.push_str("; Secure");
    }
    cookie
}

/// Django's `http_date`: `Thu, 10 Dec 2026 10:00:00 GMT`.
fn http_date(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> SessionSettings {
        let dir = tempfile::tempdir().unwrap();
        crate::Settings::load_from(dir.path(), |_| None)
            .unwrap()
            .session
    }

    #[test]
    fn set_cookie_has_djangos_attributes_in_djangos_order() {
        let mut settings = settings();
        let cookie = set_cookie(&settings, "k", Some(1_209_600));
        let (start, rest) = cookie.split_once("; expires=").unwrap();
        assert_eq!(start, "sessionid=k");
        let (date, rest) = rest.split_once(';').unwrap();
        let expires = chrono::NaiveDateTime::parse_from_str(date, "%a, %d %b %Y %H:%M:%S GMT")
            .unwrap()
            .and_utc();
        let ahead = (expires - chrono::Utc::now()).num_seconds();
        assert!((1_209_590..=1_209_600).contains(&ahead), "{date}");
        assert_eq!(rest, " HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax");

        settings.cookie_secure = true;
        settings.cookie_httponly = false;
        settings.cookie_domain = Some(".example.com".into());
        settings.cookie_samesite = None;
        assert_eq!(
            set_cookie(&settings, "k", None),
            "sessionid=k; Domain=.example.com; Path=/; Secure"
        );
    }

    #[test]
    fn delete_cookie_matches_django() {
        let mut settings = settings();
        assert_eq!(
            delete_cookie(&settings),
            "sessionid=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax"
        );
        settings.cookie_samesite = Some("None".into());
        assert!(delete_cookie(&settings).ends_with("SameSite=None; Secure"));
    }
}
