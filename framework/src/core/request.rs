//! [`Request`]: what a Django view gets as `request`, and the [`Db`] extractor.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, Uri};
use minijinja::value::Value;

use super::body::{self, BodyLimits, ParsedForm};
use super::{DebugRecord, DeferredLoads, QueryDict, SiteState};
use crate::conf::Settings;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::templates::Context;

/// The current request, as a Django view sees it: method, path, headers, query and body.
///
/// It reads the whole body (up to `DATA_UPLOAD_MAX_MEMORY_SIZE`, else 413), so it is the last
/// argument of a handler; path parameters and other parts-extractors come before it. The
/// query string, and a POST's form body, are parsed once here with Django's limits (see
/// [`body`](super::body)): too many fields, or a malformed multipart body, are a 400 before
/// the view runs.
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
    query: QueryDict,
    post: Arc<QueryDict>,
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

    /// `request.GET`: the query string's parameters.
    pub fn query(&self) -> &QueryDict {
        &self.query
    }

    /// `request.POST`: the fields of a POST's urlencoded or multipart body; empty for other
    /// methods and content types, as in Django.
    pub fn post(&self) -> &QueryDict {
        &self.post
    }

    /// Whether this is a POST, like `request.method == "POST"`.
    pub fn is_post(&self) -> bool {
        self.method == Method::POST
    }

    /// The project's settings.
    pub fn settings(&self) -> &Settings {
        &self.site.settings
    }

    pub(crate) fn site(&self) -> &Arc<SiteState> {
        &self.site
    }

    /// The template variable `request` (method, path, full_path, GET).
    pub(super) fn template_value(&self) -> Value {
        // Collected in order, so a repeated name shows its last value, as `QueryDict` does.
        let get: std::collections::BTreeMap<&str, &str> = self.query.iter().collect();
        let mut context = Context::new();
        context.insert("method", self.method.as_str());
        context.insert("path", self.path());
        context.insert("full_path", self.full_path());
        context.insert("GET", &get);
        context.into_value()
    }
}

impl<S: Send + Sync> FromRequest<S> for Request {
    type Rejection = Error;

    async fn from_request(request: axum::extract::Request, _: &S) -> Result<Self> {
        let (mut parts, body) = request.into_parts();
        let site = parts
            .extensions
            .get::<Arc<SiteState>>()
            .cloned()
            .ok_or_else(|| {
                Error::ImproperlyConfigured(
                    "pony::Request used outside a pony project's router".to_owned(),
                )
            })?;
        let limits = BodyLimits::of(&site.settings);
        let query = body::parse_query(parts.uri.query().unwrap_or(""), &limits)?;
        let body = body::read(body, &limits).await?;
        let post = match parts.extensions.remove::<ParsedForm>() {
            // The CSRF check already parsed this body.
            Some(ParsedForm(post)) => post,
            None if parts.method == Method::POST => {
                Arc::new(body::parse_form(&parts.headers, &body, &limits)?)
            }
            None => Arc::default(),
        };
        if site.settings.debug
            && let Some(record) = parts.extensions.get::<DebugRecord>()
        {
            record.set_post(post.clone());
        }
        if let Some(loads) = parts.extensions.get::<DeferredLoads>() {
            loads.run().await;
        }
        Ok(Request {
            method: parts.method,
            uri: parts.uri,
            headers: parts.headers,
            extensions: parts.extensions,
            body,
            query,
            post,
            site,
        })
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
