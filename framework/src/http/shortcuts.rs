//! `django.shortcuts`: [`render`], [`redirect`], [`get_object_or_404`].

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::value::Value;
use serde::Serialize;

use super::Request;
use crate::error::{Error, Result};
use crate::templates::Context;

/// Django's `render()`: a template rendered with the request's context (the `request` variable
/// and whatever installed apps add, such as `user`) plus `context`, as an HTML response.
pub fn render(request: &Request, template: &str, context: impl Serialize) -> Result<Response> {
    let site = request.site();
    let mut common = Context::new();
    common.insert_value("request", request.template_value());
    crate::csrf::template_context(request, &mut common);
    crate::messages::template_context(request, &mut common);
    for app in &site.apps {
        app.template_context(request, &mut common);
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
/// A name that does not resolve is an error (shown on the DEBUG page), never an empty link.
/// For a route with arguments, pass the path from [`reverse`](crate::reverse):
/// `redirect(&reverse("articles:detail", [pk])?)`.
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

/// A bare 302 response to `location`.
pub(crate) fn found(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = location.parse() {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
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
