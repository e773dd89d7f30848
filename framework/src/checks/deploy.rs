//! `manage check --deploy`: Django's deployment warnings (`django/core/checks/security/`), for
//! the settings pony has, with Django's ids and wording.
//!
//! pony's security, CSRF and (with the sessions app) session middleware are always in the
//! stack, so the warnings Django gives when one of them is missing (`security.W001`, `W003`,
//! `W010`/`W011`, `W013`/`W014`) have no pony counterpart, and where Django words a warning for
//! "the app and the middleware" it is its combined form (`W012`, `W015`). `X_FRAME_OPTIONS =
//! false` (no header) is pony's way of leaving out Django's `XFrameOptionsMiddleware`: `W002`.
//! Settings are TOML, so "set to true" where Django writes `True`.

use std::collections::BTreeSet;

use super::{CheckMessage, Level};
use crate::conf::{DEV_SECRET_KEY_FILE, Settings};

/// Django's `SECRET_KEY_MIN_LENGTH` and `SECRET_KEY_MIN_UNIQUE_CHARACTERS`.
const SECRET_KEY_MIN_LENGTH: usize = 50;
const SECRET_KEY_MIN_UNIQUE_CHARACTERS: usize = 5;

fn warning(id: &'static str, message: &str) -> CheckMessage {
    CheckMessage::new(Level::Warning, id, "?", message)
}

/// The deployment warnings for `settings`; `sessions_installed` says whether the project has
/// the sessions app (and so its middleware).
pub(crate) fn warnings(settings: &Settings, sessions_installed: bool) -> Vec<CheckMessage> {
    let mut out = Vec::new();
    let secure = &settings.secure;
    if secure.hsts_seconds == 0 {
        out.push(warning(
            "security.W004",
            "You have not set a value for the SECURE_HSTS_SECONDS setting. If your entire site \
             is served only over SSL, you may want to consider setting a value and enabling HTTP \
             Strict Transport Security. Be sure to read the documentation first; enabling HSTS \
             carelessly can cause serious, irreversible problems.",
        ));
    } else {
        if !secure.hsts_include_subdomains {
            out.push(warning(
                "security.W005",
                "You have not set the SECURE_HSTS_INCLUDE_SUBDOMAINS setting to true. Without \
                 this, your site is potentially vulnerable to attack via an insecure connection \
                 to a subdomain. Only set this to true if you are certain that all subdomains of \
                 your domain should be served exclusively via SSL.",
            ));
        }
        if !secure.hsts_preload {
            out.push(warning(
                "security.W021",
                "You have not set the SECURE_HSTS_PRELOAD setting to true. Without this, your \
                 site cannot be submitted to the browser preload list.",
            ));
        }
    }
    if !secure.content_type_nosniff {
        out.push(warning(
            "security.W006",
            "Your SECURE_CONTENT_TYPE_NOSNIFF setting is not set to true, so your pages will not \
             be served with an 'X-Content-Type-Options: nosniff' header. You should consider \
             enabling this header to prevent the browser from identifying content types \
             incorrectly.",
        ));
    }
    if !secure.ssl_redirect {
        out.push(warning(
            "security.W008",
            "Your SECURE_SSL_REDIRECT setting is not set to true. Unless your site should be \
             available over both SSL and non-SSL connections, you may want to either set this \
             setting true or configure a load balancer or reverse-proxy server to redirect all \
             connections to HTTPS.",
        ));
    }
    if !strong_secret_key(settings) {
        out.push(warning(
            "security.W009",
            "Your SECRET_KEY has less than 50 characters, less than 5 unique characters, or it's \
             the key pony generated automatically for development (.secret_key), or it's \
             missing. Please generate a long and random value, otherwise many of pony's \
             security-critical features will be vulnerable to attack.",
        ));
    }
    if sessions_installed && !settings.session.cookie_secure {
        out.push(warning(
            "security.W012",
            "SESSION_COOKIE_SECURE is not set to true. Using a secure-only session cookie makes \
             it more difficult for network traffic sniffers to hijack user sessions.",
        ));
    }
    if sessions_installed && !settings.session.cookie_httponly {
        out.push(warning(
            "security.W015",
            "SESSION_COOKIE_HTTPONLY is not set to true. Using an HttpOnly session cookie makes \
             it more difficult for cross-site scripting attacks to hijack user sessions.",
        ));
    }
    if !settings.csrf.cookie_secure {
        out.push(warning(
            "security.W016",
            "You have pony's CSRF protection on, but you have not set CSRF_COOKIE_SECURE to \
             true. Using a secure-only CSRF cookie makes it more difficult for network traffic \
             sniffers to steal the CSRF token.",
        ));
    }
    if settings.debug {
        out.push(warning(
            "security.W018",
            "You should not have DEBUG set to true in deployment.",
        ));
    }
    match secure.x_frame_options.as_deref() {
        // Django compares exactly: 'deny' is not 'DENY'.
        Some("DENY") => {}
        Some(_) => out.push(warning(
            "security.W019",
            "X_FRAME_OPTIONS is not set to 'DENY'. Unless there is a good reason for your site \
             to serve other parts of itself in a frame, you should change it to 'DENY'.",
        )),
        None => out.push(warning(
            "security.W002",
            "X_FRAME_OPTIONS is set to false, so your pages will not be served with an \
             'x-frame-options' header. Unless there is a good reason for your site to be served \
             in a frame, you should consider enabling this header to help prevent clickjacking \
             attacks.",
        )),
    }
    if settings.allowed_hosts.is_empty() {
        out.push(warning(
            "security.W020",
            "ALLOWED_HOSTS must not be empty in deployment.",
        ));
    }
    if secure.referrer_policy.is_none() {
        out.push(warning(
            "security.W022",
            "You have not set the SECURE_REFERRER_POLICY setting. Without this, your site will \
             not send a Referrer-Policy header. You should consider enabling this header to \
             protect user privacy.",
        ));
    }
    out
}

/// Django's `_check_secret_key`. The key pony writes to `.secret_key` when DEBUG is on and
/// SECRET_KEY is not set is random, but it lives beside the code and was never chosen for
/// production: it counts as weak, as Django's `django-insecure-` keys do.
fn strong_secret_key(settings: &Settings) -> bool {
    let development_key = std::fs::read_to_string(settings.base_dir.join(DEV_SECRET_KEY_FILE))
        .map(|key| key.trim().to_owned())
        .unwrap_or_default();
    settings.secret_key.as_ref().is_some_and(|key| {
        let key = key.expose();
        let unique: BTreeSet<char> = key.chars().collect();
        key.chars().count() >= SECRET_KEY_MIN_LENGTH
            && unique.len() >= SECRET_KEY_MIN_UNIQUE_CHARACTERS
            && !key.starts_with("django-insecure-")
            && key != development_key
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Settings in the project directory they were loaded from (where the development key is
    /// read back from), which lives as long as they do.
    struct Loaded {
        settings: Settings,
        _dir: tempfile::TempDir,
    }

    impl std::ops::Deref for Loaded {
        type Target = Settings;
        fn deref(&self) -> &Settings {
            &self.settings
        }
    }

    fn settings(toml: &str, env: &[(&str, &str)]) -> Loaded {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("settings.toml"), toml).unwrap();
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let settings = Settings::load_from(dir.path(), |name| {
            env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
        .unwrap();
        Loaded {
            settings,
            _dir: dir,
        }
    }

    fn ids(messages: &[CheckMessage]) -> Vec<&'static str> {
        messages.iter().map(|m| m.id).collect()
    }

    const STRONG_KEY: &str = "k8#Qz!v2@Lm9$Wp4%Rt7^Yx1&Bn6*Hc3(Jd5)Fg0-Su8+Ae2=Oi";

    #[test]
    fn a_development_project_gets_every_warning_django_would_give() {
        let settings = settings("DEBUG = true\n", &[]);
        assert_eq!(
            ids(&warnings(&settings, true)),
            [
                "security.W004",
                "security.W008",
                "security.W009",
                "security.W012",
                "security.W016",
                "security.W018",
                "security.W020",
            ]
        );
        // Without the sessions app there is no session cookie to warn about.
        assert!(!ids(&warnings(&settings, false)).contains(&"security.W012"));
    }

    #[test]
    fn a_hardened_project_gets_none() {
        let toml = format!(
            "DEBUG = false\nSECRET_KEY = '{STRONG_KEY}'\nALLOWED_HOSTS = ['example.com']\n\
             SECURE_HSTS_SECONDS = 31536000\nSECURE_HSTS_INCLUDE_SUBDOMAINS = true\n\
             SECURE_HSTS_PRELOAD = true\nSECURE_SSL_REDIRECT = true\n\
             SESSION_COOKIE_SECURE = true\nCSRF_COOKIE_SECURE = true\n"
        );
        let settings = settings(&toml, &[]);
        assert_eq!(warnings(&settings, true), []);
    }

    #[test]
    fn each_setting_has_its_warning() {
        let base = format!(
            "DEBUG = false\nSECRET_KEY = '{STRONG_KEY}'\nALLOWED_HOSTS = ['example.com']\n\
             SECURE_SSL_REDIRECT = true\nSESSION_COOKIE_SECURE = true\nCSRF_COOKIE_SECURE = true\n"
        );
        let only = |extra: &str| ids(&warnings(&settings(&format!("{base}{extra}"), &[]), true));
        assert_eq!(
            only("SECURE_HSTS_SECONDS = 3600\n"),
            ["security.W005", "security.W021"]
        );
        assert_eq!(
            only("SECURE_HSTS_SECONDS = 3600\nSECURE_HSTS_INCLUDE_SUBDOMAINS = true\n"),
            ["security.W021"]
        );
        let hsts = "SECURE_HSTS_SECONDS = 3600\nSECURE_HSTS_INCLUDE_SUBDOMAINS = true\n\
                    SECURE_HSTS_PRELOAD = true\n";
        let with = |extra: &str| only(&format!("{hsts}{extra}"));
        assert_eq!(with(""), Vec::<&str>::new());
        assert_eq!(
            with("SECURE_CONTENT_TYPE_NOSNIFF = false\n"),
            ["security.W006"]
        );
        assert_eq!(with("SESSION_COOKIE_HTTPONLY = false\n"), ["security.W015"]);
        assert_eq!(with("X_FRAME_OPTIONS = 'SAMEORIGIN'\n"), ["security.W019"]);
        assert_eq!(with("X_FRAME_OPTIONS = 'deny'\n"), ["security.W019"]);
        assert_eq!(with("X_FRAME_OPTIONS = false\n"), ["security.W002"]);
        assert_eq!(with("SECURE_REFERRER_POLICY = false\n"), ["security.W022"]);
        let insecure = (
            "SECRET_KEY",
            "django-insecure-0123456789abcdefghijklmnopqrstuvwxyz",
        );
        let toml = format!("{base}{hsts}");
        assert_eq!(
            ids(&warnings(&settings(&toml, &[insecure]), true)),
            ["security.W009"]
        );
    }

    #[test]
    fn short_or_repetitive_secret_keys_are_weak() {
        let key = |value: &str| {
            strong_secret_key(&settings(
                &format!("DEBUG = true\nSECRET_KEY = '{value}'\n"),
                &[],
            ))
        };
        assert!(key(STRONG_KEY));
        assert!(!key(&STRONG_KEY[..49]));
        assert!(!key(&"abcd".repeat(20)));
        assert!(key(&"abcde".repeat(10)));
        // The development key is random, 50 characters long, and still not for deployment.
        let development = settings("DEBUG = true\n", &[]);
        let generated = development.secret_key.as_ref().unwrap().expose();
        assert_eq!(generated.chars().count(), 50);
        assert!(!strong_secret_key(&development));
        assert!(key(generated));
    }

    #[test]
    fn the_messages_are_djangos() {
        let settings = settings("DEBUG = true\nSESSION_COOKIE_HTTPONLY = false\n", &[]);
        let messages = warnings(&settings, true);
        let text = |id: &str| {
            messages
                .iter()
                .find(|m| m.id == id)
                .map(|m| m.message.clone())
                .unwrap()
        };
        assert_eq!(
            text("security.W012"),
            "SESSION_COOKIE_SECURE is not set to true. Using a secure-only session cookie makes \
             it more difficult for network traffic sniffers to hijack user sessions."
        );
        assert_eq!(
            text("security.W015"),
            "SESSION_COOKIE_HTTPONLY is not set to true. Using an HttpOnly session cookie makes \
             it more difficult for cross-site scripting attacks to hijack user sessions."
        );
        assert!(messages.iter().all(|m| m.level == Level::Warning));
        assert!(messages.iter().all(|m| m.object == "?" && m.hint.is_none()));
    }
}
