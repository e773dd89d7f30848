//! What a Django view gets from `request` and `django.shortcuts`: [`Request`], [`render`],
//! [`redirect`].
//!
//! ```no_run
//! use pony::prelude::*;
//!
//! async fn index(request: Request) -> pony::Result<Response> {
//!     let page = request.query().get("page").unwrap_or("1").to_owned();
//!     render(&request, "articles/index.html", context! { page })
//! }
//!
//! async fn home() -> pony::Result<Response> {
//!     redirect("articles:index")
//! }
//! ```

use std::sync::{Arc, Mutex};

/// URL parameters: `Path(pk): Path<i64>` for a route `<int:pk>/` (axum's extractor).
pub use axum::extract::Path;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use http_body_util::BodyExt;
use minijinja::value::Value;
use serde::Serialize;

use crate::conf::Settings;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::project::SiteState;
use crate::templates::Context;

/// The current request, as a Django view sees it: method, path, headers, query and body.
///
/// It reads the whole body (up to `DATA_UPLOAD_MAX_MEMORY_SIZE`, else 413), so it is the last
/// argument of a handler; path parameters and other parts-extractors come before it.
#[derive(Debug)]
pub struct Request {
    /// `request.method`.
    pub method: Method,
    /// The request URI (path and query).
    pub uri: Uri,
    /// `request.headers`.
    pub headers: HeaderMap,
    /// What middleware attached to the request (the session, the user, …).
    pub extensions: axum::http::Extensions,
    /// `request.body`.
    pub body: Bytes,
    site: Arc<SiteState>,
}

impl Request {
    /// `request.path`.
    pub fn path(&self) -> &str {
        self.uri.path()
    }

    /// `request.get_full_path()`: the path with its query string.
    pub fn full_path(&self) -> &str {
        self.uri
            .path_and_query()
            .map(|pq| pq.as_str())
            .unwrap_or("/")
    }

    /// `request.GET`.
    pub fn query(&self) -> QueryDict {
        QueryDict::parse(self.uri.query().unwrap_or("").as_bytes())
    }

    /// `request.POST`: the urlencoded form body (empty for other content types).
    pub fn post(&self) -> QueryDict {
        if is_urlencoded(&self.headers) {
            QueryDict::parse(&self.body)
        } else {
            QueryDict::default()
        }
    }

    /// Whether this is a POST, like `request.method == "POST"`.
    pub fn is_post(&self) -> bool {
        self.method == Method::POST
    }

    /// `request.user`: who is logged in, or the anonymous user.
    pub fn user(&self) -> crate::auth::CurrentUser {
        crate::auth::CurrentUser::of(&self.extensions)
    }

    /// The project's settings.
    pub fn settings(&self) -> &Settings {
        &self.site.settings
    }

    pub(crate) fn site(&self) -> &Arc<SiteState> {
        &self.site
    }

    /// The template variable `request` (method, path, full_path, GET).
    fn template_value(&self) -> Value {
        let get: std::collections::BTreeMap<String, String> =
            self.query().pairs.into_iter().rev().collect();
        let mut context = Context::new();
        context.insert("method", self.method.as_str());
        context.insert("path", self.path());
        context.insert("full_path", self.full_path());
        context.insert("GET", &get);
        context.into_value()
    }
}

fn is_urlencoded(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

impl<S: Send + Sync> FromRequest<S> for Request {
    type Rejection = Error;

    async fn from_request(request: axum::extract::Request, _: &S) -> Result<Self> {
        let (parts, body) = request.into_parts();
        let site = parts
            .extensions
            .get::<Arc<SiteState>>()
            .cloned()
            .ok_or_else(|| {
                Error::ImproperlyConfigured(
                    "pony::Request used outside a pony project's router".to_owned(),
                )
            })?;
        let limit = site.settings.data_upload_max_memory_size;
        let body = match http_body_util::Limited::new(body, limit).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(error) if error.is::<http_body_util::LengthLimitError>() => {
                return Err(Error::RequestDataTooBig(limit));
            }
            Err(error) => {
                return Err(Error::BadRequest(format!(
                    "The request body could not be read: {error}"
                )));
            }
        };
        crate::messages::load(&parts.extensions).await;
        let request = Request {
            method: parts.method,
            uri: parts.uri,
            headers: parts.headers,
            extensions: parts.extensions,
            body,
            site,
        };
        if let Some(record) = request.extensions.get::<DebugRecord>() {
            record.set_post(request.post().pairs);
        }
        Ok(request)
    }
}

/// The database in a handler: `async fn index(db: Db, request: Request)`, then
/// `db.run(|conn| Article::all(conn)).await?` — the query runs on the blocking pool.
impl<S: Send + Sync> FromRequestParts<S> for Db {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self> {
        parts
            .extensions
            .get::<Arc<SiteState>>()
            .and_then(|site| site.db.clone())
            .ok_or_else(|| {
                Error::ImproperlyConfigured(
                    "this project has no database: no installed app declares a model".to_owned(),
                )
            })
    }
}

/// Django's `QueryDict`: form or query parameters, a key possibly repeated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryDict {
    pairs: Vec<(String, String)>,
}

impl QueryDict {
    /// Parses `a=1&b=2` (invalid UTF-8 is replaced, never an error).
    ///
    /// ```
    /// let q = pony::http::QueryDict::parse(b"tag=a&tag=b&q=x+y");
    /// assert_eq!(q.get("q"), Some("x y"));
    /// assert_eq!(q.get("tag"), Some("b"));
    /// assert_eq!(q.get_list("tag"), ["a", "b"]);
    /// ```
    pub fn parse(input: &[u8]) -> Self {
        QueryDict {
            pairs: form_urlencoded::parse(input).into_owned().collect(),
        }
    }

    /// The last value for `key`, like Django's `QueryDict.get`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value for `key`, like Django's `getlist`.
    pub fn get_list(&self, key: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// All pairs in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// Whether there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

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

/// What the DEBUG 500 page shows about the request beyond its head: the POST data, and
/// later the user and session. Middleware puts an empty one on each request.
#[derive(Debug, Clone, Default)]
pub struct DebugRecord(Arc<Mutex<DebugData>>);

/// The data a [`DebugRecord`] holds.
#[derive(Debug, Clone, Default)]
pub struct DebugData {
    /// The parsed POST body, once a view read it.
    pub post: Vec<(String, String)>,
    /// The handler that answered (its Rust path), once routing chose it.
    pub view: Option<String>,
    /// How `request.user` reads (`AnonymousUser` or a username), once auth knows.
    pub user: Option<String>,
    /// The session's data, once sessions know.
    pub session: Option<Vec<(String, String)>>,
}

impl DebugRecord {
    fn set_post(&self, post: Vec<(String, String)>) {
        if let Ok(mut data) = self.0.lock() {
            data.post = post;
        }
    }

    /// Lets a later layer fill in what it knows (the user, the session).
    pub fn update(&self, change: impl FnOnce(&mut DebugData)) {
        if let Ok(mut data) = self.0.lock() {
            change(&mut data);
        }
    }

    /// A copy of what was recorded.
    pub fn snapshot(&self) -> DebugData {
        self.0.lock().map(|data| data.clone()).unwrap_or_default()
    }
}
