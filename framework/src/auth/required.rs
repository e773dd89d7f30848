//! Django's access decorators as extractors: put one in a handler's arguments and the handler
//! only runs for users who pass.
//!
//! | Django | pony |
//! |---|---|
//! | `@login_required` | `LoginRequired(user): LoginRequired` — anonymous users get a 302 to `LOGIN_URL?next=<path>` |
//! | `@staff_member_required` (403 variant) | `StaffRequired(user): StaffRequired` — 403 unless active staff |
//! | `@permission_required("app.perm", raise_exception=True)` | `user.require_perm("app.perm")?` |
//!
//! The same rules as route layers, for views that do not take the user, are in
//! [`guards`](super::guards).
//!
//! ```
//! use pony::auth::LoginRequired;
//! use pony::prelude::*;
//!
//! async fn create(LoginRequired(user): LoginRequired, request: Request) -> pony::Result<Response> {
//!     render(&request, "articles/form.html", context! { author => user.username() })
//! }
//! ```

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Extensions, Uri};
use axum::response::Response;

use super::current_user::CurrentUser;
use crate::core::SiteState;
use crate::error::Error;

/// The default `LOGIN_URL`.
pub const DEFAULT_LOGIN_URL: &str = "/accounts/login/";

/// A handler argument that admits only logged-in users (Django's `@login_required`).
#[derive(Debug, Clone)]
pub struct LoginRequired(pub CurrentUser);

/// A handler argument that admits only active staff (others get 403).
#[derive(Debug, Clone)]
pub struct StaffRequired(pub CurrentUser);

impl<S: Send + Sync> FromRequestParts<S> for LoginRequired {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        let user = CurrentUser::of(&parts.extensions);
        if user.is_authenticated() {
            return Ok(LoginRequired(user));
        }
        Err(login_redirect(&parts.extensions, &parts.uri))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for StaffRequired {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Error> {
        let user = CurrentUser::of(&parts.extensions);
        if user.is_active() && user.is_staff() {
            Ok(StaffRequired(user))
        } else {
            Err(Error::permission_denied(""))
        }
    }
}

/// `LOGIN_URL` from the settings: a path, or a route name such as `"accounts:login"`.
pub fn login_url(settings: &crate::conf::Settings) -> String {
    let configured = settings
        .get::<String>("LOGIN_URL")
        .ok()
        .flatten()
        .unwrap_or_else(|| DEFAULT_LOGIN_URL.to_owned());
    crate::urls::installed()
        .and_then(|resolver| resolver.reverse(&configured, &[], &[]))
        .unwrap_or(configured)
}

/// The 302 that sends an anonymous visitor of `uri` to `LOGIN_URL?next=<uri>`.
pub(crate) fn login_redirect(extensions: &Extensions, uri: &Uri) -> Response {
    let login = extensions.get::<Arc<SiteState>>().map_or_else(
        || DEFAULT_LOGIN_URL.to_owned(),
        |site| login_url(&site.settings),
    );
    let next = uri.path_and_query().map_or("/", |pq| pq.as_str());
    redirect_to_login(next, &login)
}

/// Django's `redirect_to_login`: a 302 to `login_url?next=<next>` (`/` kept readable).
pub fn redirect_to_login(next: &str, login_url: &str) -> Response {
    const NEXT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    let next = percent_encoding::utf8_percent_encode(next, NEXT);
    let separator = if login_url.contains('?') { '&' } else { '?' };
    crate::core::found(&format!("{login_url}{separator}next={next}"))
}
