//! Cross Site Request Forgery protection, compatible with Django's `CsrfViewMiddleware`.
//!
//! Every POST, PUT, PATCH and DELETE to a view must prove it comes from one of the site's own
//! pages: the browser sends the `csrftoken` cookie, and the page sends the same secret back in
//! the form field `csrfmiddlewaretoken` (or the `X-CSRFToken` header, for JavaScript). Another
//! site can make the browser send the cookie but cannot read it, so it cannot send the token.
//!
//! In a template, put the hidden field inside every POST form:
//!
//! ```html
//! <form method="post">{{ csrf_input() }} … </form>
//! ```
//!
//! `{{ csrf_token() }}` (or Django's `{{ csrf_token }}`) is the bare token, for JavaScript.
//! A view that must accept posts from elsewhere (a webhook) is wrapped in [`csrf_exempt`];
//! a login view calls [`rotate_token`].
//!
//! The checks, in Django's order: the `Origin` header, when sent, must be this site or one of
//! `CSRF_TRUSTED_ORIGINS`; over HTTPS without `Origin`, the `Referer` must be present and
//! same-origin or trusted; the cookie must exist; the token must match it. A refused request
//! gets Django's 403 page, with the reason when DEBUG is on.

mod exempt;
mod failure;
mod origin;
mod token;

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use minijinja::value::{Object, ObjectRepr, Value};

use crate::conf::CsrfSettings;
use crate::core::HasExtensions;
use crate::core::SiteState;
use crate::core::body::{self, BodyLimits, ParsedForm};
use crate::error::Error;
use crate::templates::Context;

pub use exempt::{CsrfExempt, csrf_exempt};

/// The form field that carries the token.
pub const FORM_FIELD: &str = "csrfmiddlewaretoken";

/// Django's `get_token()`: a fresh masked token for this request (64 characters, different
/// on every call), which also makes the response set the `csrftoken` cookie. `None` when
/// the CSRF middleware did not see the request.
///
/// Templates get the same through `{{ csrf_token() }}`; call this to hand the token to
/// JavaScript some other way.
///
/// ```no_run
/// use pony::prelude::*;
///
/// async fn api_token(request: Request) -> String {
///     pony::csrf::get_token(&request).unwrap_or_default()
/// }
/// ```
pub fn get_token(request: &impl HasExtensions) -> Option<String> {
    Some(request.extensions().get::<RequestToken>()?.masked())
}

/// Django's `rotate_token()`: a new secret for this browser, sent in the response's cookie.
/// Login calls it, so a token an attacker planted before login is worthless afterwards.
///
/// ```no_run
/// use pony::prelude::*;
///
/// async fn login(request: Request) -> pony::Result<Response> {
///     // … check the password, put the user in the session …
///     pony::csrf::rotate_token(&request);
///     redirect("articles:index")
/// }
/// ```
pub fn rotate_token(request: &impl HasExtensions) {
    match request.extensions().get::<RequestToken>() {
        Some(state) => state.rotate(),
        None => {
            tracing::warn!("rotate_token() called on a request the CSRF middleware did not see")
        }
    }
}

/// The CSRF state of one request: the browser's secret and whether the response must set the
/// cookie. Shared between the middleware, the view and its templates.
#[derive(Debug, Clone, Default)]
struct RequestToken(Arc<Mutex<TokenState>>);

#[derive(Debug, Default)]
struct TokenState {
    /// The secret from the cookie, or a new one once a page needed a token.
    secret: Option<String>,
    /// A token was handed out: the response sets (and renews) the cookie.
    used: bool,
    /// The cookie must be replaced (rotated, or it was malformed).
    reset: bool,
}

impl RequestToken {
    fn new(secret: Option<String>, reset: bool) -> Self {
        RequestToken(Arc::new(Mutex::new(TokenState {
            secret,
            used: reset,
            reset,
        })))
    }

    fn with<R>(&self, change: impl FnOnce(&mut TokenState) -> R) -> R {
        change(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// A masked token, creating the secret if this browser has none yet.
    fn masked(&self) -> String {
        self.with(|state| {
            state.used = true;
            token::mask(state.secret.get_or_insert_with(token::new_secret))
        })
    }

    fn rotate(&self) {
        self.with(|state| {
            state.secret = Some(token::new_secret());
            state.used = true;
            state.reset = true;
        });
    }

    /// Sets the cookie on the response when a token was used or the secret changed.
    fn set_cookie(&self, response: &mut Response, settings: &CsrfSettings) {
        let Some(secret) = self.with(|state| {
            (state.used || state.reset)
                .then(|| state.secret.clone())
                .flatten()
        }) else {
            return;
        };
        if let Ok(value) = HeaderValue::from_str(&cookie_header(&secret, settings)) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        crate::core::vary_on_cookie(response.headers_mut());
    }
}

/// `csrftoken=…; expires=…; Max-Age=31449600; Path=/; SameSite=Lax`, as Django sends it.
fn cookie_header(secret: &str, settings: &CsrfSettings) -> String {
    let age = i64::try_from(settings.cookie_age).unwrap_or(i64::MAX);
    let expires = chrono::Utc::now()
        .checked_add_signed(chrono::TimeDelta::try_seconds(age).unwrap_or(chrono::TimeDelta::MAX))
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .format("%a, %d %b %Y %H:%M:%S GMT");
    let mut cookie = format!(
        "{}={secret}; expires={expires}; Max-Age={}; Path=/",
        settings.cookie_name, settings.cookie_age
    );
    if let Some(same_site) = &settings.cookie_samesite {
        cookie.push_str(&format!("; SameSite={same_site}"));
    }
    if settings.cookie_secure {
        cookie.push_str("; Secure");
    }
    if settings.cookie_httponly {
        cookie.push_str("; HttpOnly");
    }
    cookie
}

/// What the middleware needs, prepared once when the site is built.
#[derive(Debug)]
pub(crate) struct CsrfLayer {
    site: Arc<SiteState>,
    trusted: origin::TrustedOrigins,
    routes: exempt::ExemptRoutes,
}

impl CsrfLayer {
    pub(crate) fn new(site: &Arc<SiteState>) -> Arc<Self> {
        Arc::new(CsrfLayer {
            site: site.clone(),
            trusted: origin::TrustedOrigins::new(&site.settings.csrf.trusted_origins),
            routes: exempt::ExemptRoutes::new(&site.resolver),
        })
    }
}

/// Where the submitted token came from, for Django's messages.
#[derive(Debug, Clone, Copy)]
enum TokenSource {
    Post,
    Header,
}

/// Why a request is not let through.
enum Refusal {
    /// A CSRF failure: the 403 page with this reason.
    Forbidden(String),
    /// Another error (a body over the size limit).
    Error(Error),
}

impl From<String> for Refusal {
    fn from(reason: String) -> Self {
        Refusal::Forbidden(reason)
    }
}

/// The CSRF middleware (Django's `CsrfViewMiddleware`).
pub(crate) async fn middleware(
    State(layer): State<Arc<CsrfLayer>>,
    mut request: Request,
    next: Next,
) -> Response {
    let settings = &layer.site.settings.csrf;
    let cookie = crate::core::request_cookie(request.headers(), &settings.cookie_name);
    let parsed = cookie.as_deref().map(token::secret_from_cookie);
    let state = match &parsed {
        Some(Ok(secret)) => RequestToken::new(Some(secret.clone()), false),
        // A malformed cookie is replaced by a new secret (the check below still fails).
        Some(Err(_)) => RequestToken::new(Some(token::new_secret()), true),
        None => RequestToken::new(None, false),
    };
    request.extensions_mut().insert(state.clone());

    let path = request.uri().path().to_owned();
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    if !safe && layer.routes.is_routed(&path) && !layer.routes.is_exempt(&path) {
        match check(&layer, request, parsed).await {
            Ok(checked) => request = checked,
            Err(Refusal::Forbidden(reason)) => {
                let mut response = failure::reject(&layer.site, &path, &reason);
                state.set_cookie(&mut response, settings);
                return response;
            }
            Err(Refusal::Error(error)) => return error.into_response(),
        }
    }
    let mut response = next.run(request).await;
    state.set_cookie(&mut response, settings);
    response
}

/// Django's `process_view` checks, in order; gives the request back (its body re-attached).
async fn check(
    layer: &CsrfLayer,
    request: Request,
    cookie: Option<Result<String, token::InvalidFormat>>,
) -> Result<Request, Refusal> {
    let settings = &layer.site.settings;
    let headers = request.headers();
    let host = crate::security::request_host(headers, request.uri());
    let site = origin::Site {
        secure: crate::security::is_secure(headers, request.uri(), settings),
        host,
    };
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = String::from_utf8_lossy(origin.as_bytes());
        if !origin::origin_verified(&origin, site, &layer.trusted) {
            return Err(format!(
                "Origin checking failed - {origin} does not match any trusted origins."
            )
            .into());
        }
    } else if site.secure {
        let referer = headers
            .get(header::REFERER)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        origin::check_referer(referer.as_deref(), site, &layer.trusted)?;
    }

    let secret = match cookie {
        None => return Err(failure::REASON_NO_CSRF_COOKIE.to_owned().into()),
        Some(Err(invalid)) => return Err(format!("CSRF cookie {}.", invalid.reason()).into()),
        Some(Ok(secret)) => secret,
    };

    // Django reads `request.POST` here: the body is read and parsed once, with Django's
    // limits, by the parser every other reader uses (linear in the body's size, so it may
    // run on this worker), and handed on to the view in the request's extensions.
    let (request, posted) = if request.method() == Method::POST && body::is_form(request.headers())
    {
        let (mut parts, bytes) = request.into_parts();
        let limits = BodyLimits::of(settings);
        let bytes = body::read(bytes, &limits).await.map_err(Refusal::Error)?;
        let post = body::parse_form(&parts.headers, &bytes, &limits).map_err(Refusal::Error)?;
        let posted = post.get(FORM_FIELD).map(str::to_owned);
        parts.extensions.insert(ParsedForm(Arc::new(post)));
        (Request::from_parts(parts, Body::from(bytes)), posted)
    } else {
        (request, None)
    };
    let (submitted, source) = match posted.filter(|t| !t.is_empty()) {
        Some(token) => (token, TokenSource::Post),
        None => match request.headers().get(settings.csrf.header_name.as_str()) {
            Some(value) => (
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
                TokenSource::Header,
            ),
            None => return Err(failure::REASON_CSRF_TOKEN_MISSING.to_owned().into()),
        },
    };
    let header_name = &settings.csrf.header_name;
    if let Err(invalid) = token::check_format(&submitted) {
        return Err(bad_token_message(invalid.reason(), source, header_name).into());
    }
    if !token::token_matches(&submitted, &secret) {
        return Err(bad_token_message("incorrect", source, header_name).into());
    }
    Ok(request)
}

/// Django's `_bad_token_message`: "CSRF token from POST has incorrect length." or
/// "CSRF token from the 'X-Csrftoken' HTTP header incorrect."
fn bad_token_message(reason: &str, source: TokenSource, header_name: &str) -> String {
    match source {
        TokenSource::Post => format!("CSRF token from POST {reason}."),
        TokenSource::Header => format!(
            "CSRF token from the '{}' HTTP header {reason}.",
            title_case(header_name)
        ),
    }
}

/// Python's `str.title()` on a header name: `x-csrftoken` → `X-Csrftoken`.
fn title_case(name: &str) -> String {
    let mut previous_is_letter = false;
    name.chars()
        .map(|c| {
            let out = if previous_is_letter {
                c.to_ascii_lowercase()
            } else {
                c.to_ascii_uppercase()
            };
            previous_is_letter = c.is_ascii_alphabetic();
            out
        })
        .collect()
}

/// Django's `csrf` context processor: a rendered page's `csrf_token` (one masked token per
/// render, created on first use).
pub(crate) fn context_processor(request: &crate::core::Request, context: &mut Context) {
    if let Some(state) = request.extensions.get::<RequestToken>() {
        context.insert_value(
            "csrf_token",
            Value::from_object(TemplateToken {
                state: state.clone(),
                token: OnceLock::new(),
            }),
        );
    }
}

/// `{{ csrf_token }}` / `{{ csrf_token() }}` in a template.
#[derive(Debug)]
struct TemplateToken {
    state: RequestToken,
    token: OnceLock<String>,
}

impl TemplateToken {
    fn token(&self) -> &str {
        self.token.get_or_init(|| self.state.masked())
    }
}

impl Object for TemplateToken {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn call(
        self: &Arc<Self>,
        _state: &mut minijinja::State<'_, '_>,
        args: &[Value],
    ) -> Result<Value, minijinja::Error> {
        if !args.is_empty() {
            return Err(minijinja::Error::new(
                minijinja::ErrorKind::TooManyArguments,
                "csrf_token() takes no arguments",
            ));
        }
        Ok(Value::from(self.token()))
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.token())
    }
}

/// Django's `{% csrf_token %}` as template functions: `csrf_input()` (the hidden form field)
/// and `csrf_token()` (the bare token), each rendering nothing on a page drawn without a
/// request.
pub(crate) fn template_functions(env: &mut minijinja::Environment<'static>) {
    env.add_function("csrf_token", |state: &minijinja::State<'_, '_>| {
        token_in_template(state)
    });
    env.add_function("csrf_input", |state: &minijinja::State<'_, '_>| {
        Value::from_safe_string(hidden_input(&token_in_template(state)))
    });
}

/// The token for the `csrf_input()`/`csrf_token()` template functions: the page's
/// `csrf_token` variable, or an empty string when the page was rendered without a request
/// (as Django's `{% csrf_token %}` renders nothing then).
fn token_in_template(state: &minijinja::State<'_, '_>) -> String {
    match state.lookup("csrf_token") {
        Some(value) => match value.downcast_object_ref::<TemplateToken>() {
            Some(token) => token.token().to_owned(),
            None => value.as_str().unwrap_or_default().to_owned(),
        },
        None => String::new(),
    }
}

/// The hidden form field Django's `{% csrf_token %}` renders.
fn hidden_input(token: &str) -> String {
    if token.is_empty() {
        return String::new();
    }
    format!(r#"<input type="hidden" name="{FORM_FIELD}" value="{token}">"#)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_read_like_djangos_messages() {
        assert_eq!(title_case("x-csrftoken"), "X-Csrftoken");
        assert_eq!(
            bad_token_message("incorrect", TokenSource::Header, "x-csrftoken"),
            "CSRF token from the 'X-Csrftoken' HTTP header incorrect."
        );
        assert_eq!(
            bad_token_message("has incorrect length", TokenSource::Post, "x-csrftoken"),
            "CSRF token from POST has incorrect length."
        );
    }

    #[test]
    fn cookies_are_set_like_django() {
        let settings = CsrfSettings {
            cookie_name: "csrftoken".into(),
            cookie_age: 31_449_600,
            cookie_secure: true,
            cookie_httponly: false,
            cookie_samesite: Some("Lax".into()),
            trusted_origins: vec![],
            header_name: "x-csrftoken".into(),
        };
        let cookie = cookie_header("S3cret", &settings);
        assert!(cookie.starts_with("csrftoken=S3cret; expires="), "{cookie}");
        assert!(
            cookie.ends_with(" GMT; Max-Age=31449600; Path=/; SameSite=Lax; Secure"),
            "{cookie}"
        );
    }

    #[test]
    fn tokens_are_fresh_per_use_and_rotation_resets() {
        let state = RequestToken::new(None, false);
        let (a, b) = (state.masked(), state.masked());
        assert_ne!(a, b);
        assert_eq!(token::unmask(&a), token::unmask(&b));
        let before = token::unmask(&a);
        state.rotate();
        assert_ne!(token::unmask(&state.masked()), before);
        assert!(state.with(|s| s.reset && s.used));
    }
}
