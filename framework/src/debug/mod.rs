//! Error pages: Django's technical 404 and 500 pages in DEBUG, plain pages (or the project's
//! `404.html`, `500.html`, `403.html`, `400.html`) otherwise.
//!
//! The technical pages show what a Django user would reach for an embedded shell to see: the
//! error and its causes, where a panic happened, the request (method, path, headers, cookies,
//! GET and POST), `request.user` and the session once those apps are installed, and every
//! setting with secrets masked.

use std::sync::OnceLock;

use axum::extract::Request;
use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::Html;
use minijinja::{Environment, context};

use crate::conf::{MASK, is_hidden_setting};
use crate::core::SiteState;
use crate::core::{DebugData, QueryDict};
use crate::error::{Error, PanicReport};

/// The head of a request, kept before the handler consumes it.
#[derive(Debug)]
pub(crate) struct RequestHead {
    pub(crate) method: Method,
    pub(crate) uri: Uri,
    pub(crate) headers: HeaderMap,
}

impl RequestHead {
    /// The request's method and URI, and in DEBUG (where the error page shows them) its
    /// headers: copying every request's headers in production would be wasted work.
    pub(crate) fn capture(request: &Request, debug: bool) -> Self {
        RequestHead {
            method: request.method().clone(),
            uri: request.uri().clone(),
            headers: if debug {
                request.headers().clone()
            } else {
                HeaderMap::new()
            },
        }
    }

    fn url(&self) -> String {
        let host = crate::security::request_host(&self.headers, &self.uri);
        format!(
            "http://{host}{}",
            self.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
        )
    }

    /// Request headers, with secret-looking ones (cookies, authorization) masked.
    fn meta(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(name, value)| {
                // Django hides HTTP_COOKIE too: it carries the session id (cookies are listed,
                // masked where secret, in their own section).
                let secret = name == header::AUTHORIZATION || name == header::COOKIE;
                let shown = if secret || is_hidden_setting(name.as_str()) {
                    MASK.to_owned()
                } else {
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                };
                (name.as_str().to_owned(), shown)
            })
            .collect()
    }

    /// The cookies, the session's (whatever `SESSION_COOKIE_NAME` calls it) and secret-looking
    /// ones masked.
    fn cookies(&self, session_cookie: &str) -> Vec<(String, String)> {
        crate::core::request_cookies(&self.headers)
            .into_iter()
            .map(|(name, value)| {
                let secret = is_hidden_setting(&name) || name == session_cookie;
                let shown = masked_if(secret, &value);
                (name, shown)
            })
            .collect()
    }

    fn query(&self) -> Vec<(String, String)> {
        QueryDict::parse(self.uri.query().unwrap_or("").as_bytes())
            .pairs()
            .to_vec()
    }
}

fn masked_if(secret: bool, value: &str) -> String {
    if secret {
        MASK.to_owned()
    } else {
        value.to_owned()
    }
}

/// The POST values, masked where the view declared them sensitive or their names look secret
/// (Django's `get_post_parameters`).
fn post_pairs(data: &DebugData) -> Vec<(String, String)> {
    let Some(post) = &data.post else {
        return Vec::new();
    };
    post.iter()
        .map(|(name, value)| {
            let secret = data.sensitive_post.covers(name) || is_hidden_setting(name);
            (name.to_owned(), masked_if(secret, value))
        })
        .collect()
}

/// The session's data, with secret-looking keys (`_auth_user_hash`, …) masked.
fn session_pairs(data: &DebugData) -> Option<Vec<(String, String)>> {
    data.session.as_ref().map(|pairs| {
        pairs
            .iter()
            .map(|(key, value)| (key.clone(), masked_if(is_hidden_setting(key), value)))
            .collect()
    })
}

/// The page for `error`, as the settings want it.
pub(crate) fn error_page(
    site: &SiteState,
    head: &RequestHead,
    data: &DebugData,
    error: &Error,
) -> Html<String> {
    let rendered = if site.settings.debug {
        technical_page(site, head, data, error)
    } else {
        project_page(site, head, error)
    };
    Html(rendered.unwrap_or_else(|_| plain_page(error)))
}

fn technical_page(
    site: &SiteState,
    head: &RequestHead,
    data: &DebugData,
    error: &Error,
) -> Result<String, Error> {
    let env = debug_environment();
    let view = data.view.as_deref();
    if let Error::Http404(reason) = error {
        // The router's fallback has no view: list what was tried, as Django does.
        let patterns: Vec<_> = match view {
            None => site
                .resolver
                .patterns()
                .iter()
                .map(|p| context! { pattern => p.route.clone(), name => p.name.clone() })
                .collect(),
            Some(_) => Vec::new(),
        };
        let reason = reason
            .clone()
            .or_else(|| view.map(|_| "Not Found".to_owned()));
        return Ok(env.get_template("technical_404.html")?.render(context! {
            css => DEBUG_CSS,
            method => head.method.as_str(),
            url => head.url(),
            path => head.uri.path(),
            urlconf => site.settings.base_dir.join("src/urls.rs").display().to_string(),
            patterns,
            reason,
            raised_by => view,
            pony_version => env!("CARGO_PKG_VERSION"),
        })?);
    }
    let (location, backtrace) = match error {
        Error::Panic(PanicReport {
            location,
            backtrace,
            ..
        }) => (location.clone(), backtrace.clone()),
        _ => (None, None),
    };
    Ok(env.get_template("technical_500.html")?.render(context! {
        css => DEBUG_CSS,
        status => error.status().as_u16(),
        exception_type => error.kind_name(),
        exception_value => error.to_string(),
        exception_location => location,
        raised_during => view,
        error_chain => error.chain(),
        backtrace,
        method => head.method.as_str(),
        url => head.url(),
        path => head.uri.path(),
        pony_version => env!("CARGO_PKG_VERSION"),
        server_time => chrono::Local::now().format("%a, %d %b %Y %H:%M:%S %z").to_string(),
        user => data.user.clone(),
        get => head.query(),
        post => post_pairs(data),
        cookies => head.cookies(&site.settings.session.cookie_name),
        session => session_pairs(data),
        meta => head.meta(),
        settings_file => site.settings.settings_file.display().to_string(),
        settings => site.settings.display_pairs(),
    })?)
}

/// The project's own `<status>.html`, as Django's `handler404` & co. render it.
fn project_page(site: &SiteState, head: &RequestHead, error: &Error) -> Result<String, Error> {
    let name = format!("{}.html", error.status().as_u16());
    if !site.templates.exists(&name) {
        return Ok(plain_page(error));
    }
    let exception = match error {
        Error::Http404(Some(reason)) => reason.clone(),
        _ => String::new(),
    };
    site.templates.render(
        &name,
        context! { request_path => head.uri.path(), exception },
    )
}

/// Django's default pages, word for word.
fn plain_page(error: &Error) -> String {
    let (title, body) = match error.status().as_u16() {
        404 => (
            "Not Found",
            "<h1>Not Found</h1><p>The requested resource was not found on this server.</p>",
        ),
        403 => ("403 Forbidden", "<h1>403 Forbidden</h1>"),
        400 => ("Bad Request (400)", "<h1>Bad Request (400)</h1>"),
        413 => (
            "Payload Too Large (413)",
            "<h1>Payload Too Large (413)</h1>",
        ),
        408 => ("Request Timeout (408)", "<h1>Request Timeout (408)</h1>"),
        _ => ("Server Error (500)", "<h1>Server Error (500)</h1>"),
    };
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>{title}</title>\n</head>\n<body>\n  {body}\n</body>\n</html>\n"
    )
}

const DEBUG_CSS: &str = include_str!("templates/debug.css");

fn debug_environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        env.set_formatter(crate::templates::django_escape_formatter);
        for (name, source) in [
            (
                "technical_404.html",
                include_str!("templates/technical_404.html"),
            ),
            (
                "technical_500.html",
                include_str!("templates/technical_500.html"),
            ),
        ] {
            if let Err(error) = env.add_template(name, source) {
                tracing::error!("pony's {name} does not compile: {error}");
            }
        }
        env
    })
}
