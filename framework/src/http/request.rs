//! [`Request`]: what a Django view gets as `request`, and the [`Db`] extractor.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, Uri, header};
use http_body_util::BodyExt;
use minijinja::value::Value;

use super::{DebugRecord, QueryDict};
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
    pub(super) fn template_value(&self) -> Value {
        let get: std::collections::BTreeMap<String, String> =
            self.query().pairs().iter().rev().cloned().collect();
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
            record.set_post(request.post().pairs().to_vec());
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
