//! `django.shortcuts`: [`render`], [`redirect`], [`get_object_or_404`]; and Django's
//! `HttpResponseRedirect` as [`redirect_to_url`].
//!
//! The shortcuts sit above every feature and name none of them: what a page gets from CSRF,
//! messages or auth arrives through the site's context processors.

use axum::response::{Html, IntoResponse, Response};
use minijinja::value::Value;
use serde::Serialize;

use crate::core::{Request, found};
use crate::error::{Error, Result};
use crate::templates::Context;

/// Django's `render()`: a template rendered with `context` plus what the site's
/// [context processors](crate::core::ContextProcessor) add (`request`, `csrf_token`,
/// `messages`, `user`, …), as an HTML response.
pub fn render(request: &Request, template: &str, context: impl Serialize) -> Result<Response> {
    let site = request.site();
    let mut common = Context::new();
    for processor in &site.context_processors {
        processor(request, &mut common);
    }
    // The view's own variables win over the common ones, as in Django.
    let context = minijinja::value::merge_maps([
        Value::from(minijinja::value::Serde(context)),
        common.into_value(),
    ]);
    let html = site.templates.render(template, context)?;
    Ok(Html(html).into_response())
}

/// Django's `redirect()`: a 302 to a route name (`"articles:index"`) or a URL (`"/articles/"`).
///
/// A name that does not resolve is an error (shown on the DEBUG page), never an empty link; so is
/// a value without `/` or `.` that is not a route name (`"foo"`), as in Django. To redirect to a
/// value that is a URL (a `next` parameter, a path from [`reverse`](crate::reverse)), use
/// [`redirect_to_url`], which never looks the value up as a name.
///
/// ```no_run
/// use pony::prelude::*;
///
/// async fn home() -> pony::Result<Response> {
///     redirect("articles:index")
/// }
/// ```
pub fn redirect(to: &str) -> Result<Response> {
    let location = resolve_url(to)?;
    Ok(found(&location))
}

/// Django's `resolve_url`: a route name, else something that looks like a URL.
fn resolve_url(to: &str) -> Result<String> {
    match crate::urls::installed().and_then(|r| r.reverse(to, &[], &[])) {
        Ok(path) => Ok(path),
        Err(_) if to.contains('/') || to.contains('.') => Ok(to.to_owned()),
        Err(error) => Err(error),
    }
}

/// Django's `HttpResponseRedirect(url)`: a 302 to `url` as given, never reversed as a route
/// name, so `"foo"`, `"?tab=2"` and `"#top"` are relative links as a browser reads them.
///
/// The `Location` is IRI-encoded like Django's (`/é` → `/%C3%A9`), so it is always sent.
///
/// ```
/// let response = pony::http::redirect_to_url("/é?tab=2");
/// assert_eq!(response.status(), 302);
/// assert_eq!(response.headers()["location"], "/%C3%A9?tab=2");
/// ```
pub fn redirect_to_url(url: &str) -> Response {
    found(url)
}

/// A view that redirects to a route name or URL, like Django's `RedirectView`: for the root
/// URLs, `Urls::new().path("", redirect_to("articles:index"), "home")`.
pub fn redirect_to(
    to: &'static str,
) -> impl Fn() -> std::future::Ready<Result<Response>> + Clone + Send + Sync + 'static {
    move || std::future::ready(redirect(to))
}

/// Converts "no such row" into a 404, like Django's `get_object_or_404`.
///
/// ```
/// let article: Option<&str> = None;
/// let err = pony::http::get_object_or_404(article, "Article").unwrap_err();
/// assert_eq!(err.to_string(), "No Article matches the given query.");
/// ```
pub fn get_object_or_404<T>(found: Option<T>, model: &str) -> Result<T> {
    found.ok_or_else(|| Error::not_found(format!("No {model} matches the given query.")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{StatusCode, header};

    fn location(response: &Response) -> Option<&str> {
        response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }

    #[test]
    fn url_redirects_never_reverse_and_keep_their_header() {
        for (url, expected) in [
            ("foo", "foo"),
            ("?tab=2", "?tab=2"),
            ("#top", "#top"),
            ("/é", "/%C3%A9"),
            ("/a b/\t\"<>", "/a%20b/%09%22%3C%3E"),
            ("https://board.example/x?y=1", "https://board.example/x?y=1"),
        ] {
            let response = redirect_to_url(url);
            assert_eq!(response.status(), StatusCode::FOUND, "{url}");
            assert_eq!(location(&response), Some(expected), "{url}");
        }
    }

    #[test]
    fn every_location_is_a_valid_header() {
        let every_char: String = (0..=0x2FFF_u32).filter_map(char::from_u32).collect();
        for chunk in every_char.as_bytes().chunks(4096) {
            let text = String::from_utf8_lossy(chunk);
            assert!(location(&found(&text)).is_some(), "{text:?}");
        }
    }
}
