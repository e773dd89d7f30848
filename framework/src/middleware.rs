//! The middleware every request passes: the access log, error pages (panics included) and the
//! fallback that answers APPEND_SLASH redirects and 404s.

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Once};

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;

use crate::core::DebugRecord;
use crate::core::SiteState;
use crate::debug::{self, RequestHead};
use crate::error::{Error, ErrorSlot, PanicReport};

/// The log target of the access log; `runserver` prints its lines as they are.
pub const ACCESS_LOG: &str = "pony::server";

/// Logs each request like Django's development server:
/// `[26/Nov/2026 10:00:00] "GET /articles/ HTTP/1.1" 200 1234`.
pub(crate) async fn log_request(request: Request, next: Next) -> Response {
    let line = format!(
        "\"{} {} {:?}\"",
        request.method(),
        request.uri(),
        request.version()
    );
    let response = next.run(request).await;
    let size = axum::body::HttpBody::size_hint(response.body())
        .exact()
        .map_or_else(|| "-".to_owned(), |n| n.to_string());
    let time = chrono::Local::now().format("%d/%b/%Y %H:%M:%S");
    tracing::info!(target: ACCESS_LOG, "[{time}] {line} {} {size}", response.status().as_u16());
    response
}

tokio::task_local! {
    /// Set while a request's handler runs, so the panic hook knows the panic is ours to report.
    static IN_REQUEST: ();
}

thread_local! {
    /// The last panic of a request on this thread, taken by [`error_pages`].
    static LAST_PANIC: std::cell::RefCell<Option<PanicReport>> = const { std::cell::RefCell::new(None) };
}

/// Installs a panic hook that records panics inside requests (message, location, backtrace)
/// for the error page and the log; other panics go to the previous hook.
pub(crate) fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_REQUEST.try_with(|_| ()).is_err() {
                return previous(info);
            }
            let backtrace = std::backtrace::Backtrace::force_capture();
            let report = PanicReport {
                message: panic_message(info.payload()),
                location: info.location().map(ToString::to_string),
                backtrace: (backtrace.status() == std::backtrace::BacktraceStatus::Captured)
                    .then(|| from_the_panic(&backtrace.to_string())),
            };
            LAST_PANIC.with(|slot| *slot.borrow_mut() = Some(report));
        }));
    });
}

/// A backtrace without the frames of the panic machinery itself: it starts at the code that
/// panicked, as a Python traceback ends at the raising line.
fn from_the_panic(backtrace: &str) -> String {
    let lines: Vec<&str> = backtrace.lines().collect();
    let is_frame = |line: &str| {
        let line = line.trim_start();
        line.split_once(':')
            .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let machinery = [
        "std::panicking",
        "core::panicking",
        "rust_begin_unwind",
        "begin_panic",
    ];
    let frames: Vec<usize> = (0..lines.len()).filter(|&i| is_frame(lines[i])).collect();
    let unwind = frames
        .iter()
        .position(|&i| lines[i].contains("rust_begin_unwind"));
    let start = unwind
        .and_then(|first| {
            frames[first..]
                .iter()
                .find(|&&i| !machinery.iter().any(|m| lines[i].contains(m)))
        })
        .copied()
        .unwrap_or(0);
    lines[start..].join("\n")
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "Box<dyn Any>".to_owned())
}

/// Turns errors (and panics) into pages: technical ones in DEBUG, plain ones (or the project's
/// `404.html`, `500.html`, …) otherwise; logs 4xx as warnings and 5xx as errors.
pub(crate) async fn error_pages(
    State(site): State<Arc<SiteState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let record = DebugRecord::default();
    request.extensions_mut().insert(record.clone());
    let head = RequestHead::capture(&request, site.settings.debug);
    let outcome = IN_REQUEST
        .scope((), AssertUnwindSafe(next.run(request)).catch_unwind())
        .await;
    let response = match outcome {
        Ok(response) => response,
        Err(payload) => {
            let report = LAST_PANIC
                .with(|slot| slot.borrow_mut().take())
                .unwrap_or_else(|| PanicReport {
                    message: panic_message(&*payload),
                    location: None,
                    backtrace: None,
                });
            Error::Panic(report).into_response()
        }
    };
    let Some(error) = response
        .extensions()
        .get::<ErrorSlot>()
        .and_then(ErrorSlot::take)
    else {
        return response;
    };
    let data = record.snapshot();
    log_error(&head, &error, data.view.as_deref());
    let status = error.status();
    let page = debug::error_page(&site, &head, &data, &error);
    let mut page = (status, page).into_response();
    // The error page replaces the body, not what inner layers said about the response: the
    // allowed methods, and the session and CSRF cookies with their `Vary` (a 404 or 403 may
    // still carry a rotated token or a deleted session).
    for name in [header::ALLOW, header::SET_COOKIE, header::VARY] {
        for value in response.headers().get_all(&name) {
            page.headers_mut().append(name.clone(), value.clone());
        }
    }
    page
}

fn log_error(head: &RequestHead, error: &Error, view: Option<&str>) {
    let path = head.uri.path();
    let status = error.status();
    if status.is_server_error() {
        let mut detail = error.to_string();
        for cause in error.chain() {
            detail.push_str(&format!("\n  caused by: {cause}"));
        }
        if let Error::Panic(PanicReport {
            location: Some(location),
            ..
        }) = error
        {
            detail.push_str(&format!("\n  at {location}"));
        }
        let view = view.unwrap_or("-");
        tracing::error!(
            "Internal Server Error: {path} ({} in {view}): {detail}",
            error.kind_name()
        );
    } else if status == StatusCode::NOT_FOUND {
        tracing::warn!("Not Found: {path}");
    } else {
        tracing::warn!(
            "{}: {path}: {error}",
            status.canonical_reason().unwrap_or("Error")
        );
    }
}

/// The router's fallback: Django's `APPEND_SLASH` redirect, else a 404.
pub(crate) async fn not_found(
    axum::Extension(site): axum::Extension<Arc<SiteState>>,
    request: Request,
) -> Response {
    let path = request.uri().path();
    if site.settings.append_slash
        && !path.ends_with('/')
        && site.resolver.matches(&format!("{path}/"))
    {
        let method = request.method();
        if site.settings.debug && ![Method::GET, Method::HEAD].contains(method) {
            return Error::other(format!(
                "You called this URL via {method}, but the URL doesn’t end in a slash and you have \
                 APPEND_SLASH set. pony can’t redirect to the slash URL while maintaining {method} \
                 data. Change your form to point to {path}/ (note the trailing slash), or set \
                 APPEND_SLASH = false in your settings."
            ))
            .into_response();
        }
        return permanent_redirect(&path_with_slash(path, request.uri().query()));
    }
    Error::Http404(None).into_response()
}

/// Django's `get_full_path_with_slash`: the path with `/` appended and the query kept, its
/// leading slashes escaped so that no browser reads it as another host (`//evil` → `/%2Fevil`;
/// the IRI-encoding of the `Location` turns the `\` of `/\evil` into `%5C`).
fn path_with_slash(path: &str, query: Option<&str>) -> String {
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    crate::encoding::escape_leading_slashes(&format!("{path}/{query}"))
}

/// A 301 to `location`, its `Location` written (IRI-encoded) where every redirect's is.
fn permanent_redirect(location: &str) -> Response {
    let mut response = crate::core::found(location);
    *response.status_mut() = StatusCode::MOVED_PERMANENTLY;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn append_slash_location(path: &str, query: Option<&str>) -> String {
        let response = permanent_redirect(&path_with_slash(path, query));
        assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY);
        let location = response.headers().get(header::LOCATION);
        location
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{path}: no Location"))
            .to_owned()
    }

    /// Django's `test_append_slash_leading_slashes`, and the backslash forms browsers read as
    /// slashes: none of them may start with `//` or `/\` (another host, to a browser).
    #[test]
    fn append_slash_never_redirects_to_another_host() {
        let cases = [
            ("/articles", None, "/articles/"),
            ("/lab/item/3", Some("x=1"), "/lab/item/3/?x=1"),
            (
                "//evil.example/security",
                None,
                "/%2Fevil.example/security/",
            ),
            (
                "//evil.example/security",
                Some("a=1"),
                "/%2Fevil.example/security/?a=1",
            ),
            ("///evil.example", None, "/%2F/evil.example/"),
            (
                "/\\evil.example/security",
                None,
                "/%5Cevil.example/security/",
            ),
            ("/\\\\evil.example", None, "/%5C%5Cevil.example/"),
            ("/\\/evil.example", None, "/%5C/evil.example/"),
            ("//\\evil.example", None, "/%2F%5Cevil.example/"),
            ("/é", None, "/%C3%A9/"),
        ];
        for (path, query, expected) in cases {
            let location = append_slash_location(path, query);
            assert_eq!(location, expected, "{path}");
            assert!(!location.starts_with("//") && !location.starts_with("/\\"));
        }
    }
}
