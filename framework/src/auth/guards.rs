//! Django's access decorators as route layers, for views that do not take the user as an
//! argument: wrap the route's method router.
//!
//! | Django | pony |
//! |---|---|
//! | `@login_required` | `.layer(login_required())` |
//! | `@permission_required("articles.add_article")` | `.layer(permission_required("articles.add_article"))` |
//! | `@staff_member_required` | `.layer(staff_member_required())` |
//!
//! Anonymous visitors are sent to `LOGIN_URL?next=<path>`. A logged-in user who lacks the
//! permission gets 403 — where Django's `permission_required` sends them back to the login
//! page they just used, unless `raise_exception=True`.
//!
//! ```
//! use pony::auth::guards::permission_required;
//! use pony::prelude::*;
//!
//! async fn publish() -> &'static str { "published" }
//!
//! let urls = Urls::app("articles").route(
//!     "publish/",
//!     post(publish).layer(permission_required("articles.add_article")),
//!     "publish",
//! );
//! # let _ = urls;
//! ```

use std::convert::Infallible;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use futures_util::future::BoxFuture;
use tower::{Layer, Service};

use super::current_user::CurrentUser;
use super::required::login_redirect;
use crate::error::Error;

/// What a guarded route requires.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Rule {
    LoggedIn,
    Staff,
    Permissions(Vec<&'static str>),
}

/// A layer that lets a request through only when its user passes (see the module docs).
#[derive(Debug, Clone)]
pub struct GuardLayer {
    rule: Rule,
}

/// Django's `@login_required` as a layer.
pub fn login_required() -> GuardLayer {
    GuardLayer {
        rule: Rule::LoggedIn,
    }
}

/// Django's `@permission_required(perm)` as a layer; 403 for a logged-in user without it.
pub fn permission_required(perm: &'static str) -> GuardLayer {
    permissions_required([perm])
}

/// `@permission_required([...])`: every one of the permissions.
pub fn permissions_required(perms: impl IntoIterator<Item = &'static str>) -> GuardLayer {
    GuardLayer {
        rule: Rule::Permissions(perms.into_iter().collect()),
    }
}

/// Django's `@staff_member_required`, answering 403 to logged-in users who are not staff.
pub fn staff_member_required() -> GuardLayer {
    GuardLayer { rule: Rule::Staff }
}

impl<S> Layer<S> for GuardLayer {
    type Service = Guard<S>;

    fn layer(&self, inner: S) -> Guard<S> {
        Guard {
            inner,
            rule: self.rule.clone(),
        }
    }
}

/// The service a [`GuardLayer`] wraps around a route.
#[derive(Debug, Clone)]
pub struct Guard<S> {
    inner: S,
    rule: Rule,
}

impl Rule {
    /// `None` to let the request through, else the refusal.
    fn refusal(&self, request: &Request) -> Option<Response> {
        let user = CurrentUser::of(request.extensions());
        if user.is_anonymous() {
            return Some(login_redirect(request.extensions(), request.uri()));
        }
        let allowed = match self {
            Rule::LoggedIn => true,
            Rule::Staff => user.is_active() && user.is_staff(),
            Rule::Permissions(perms) => user.has_perms(perms.iter().copied()),
        };
        (!allowed).then(|| Error::permission_denied("").into_response())
    }
}

impl<S> Service<Request> for Guard<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match self.rule.refusal(&request) {
            Some(refusal) => Box::pin(std::future::ready(Ok(refusal))),
            None => Box::pin(self.inner.call(request)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use axum::Router;
    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;
    use crate::auth::models::User;

    /// A router whose requests carry the user named by the `x-user` header: `staff`,
    /// `editor` (holds articles.add_article), `plain`, or nobody.
    fn app(layer: GuardLayer) -> Router {
        Router::new()
            .route("/guarded/", get(|| async { "inside" }).layer(layer))
            .layer(axum::middleware::from_fn(
                |mut request: Request, next: axum::middleware::Next| async move {
                    let name = request
                        .headers()
                        .get("x-user")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    if let Some(name) = name {
                        let mut user = User::new(&name, "");
                        user.id = 1;
                        user.is_staff = name == "staff";
                        let perms: BTreeSet<String> = if name == "editor" {
                            ["articles.add_article".to_owned()].into()
                        } else {
                            BTreeSet::new()
                        };
                        request
                            .extensions_mut()
                            .insert(CurrentUser::authenticated(user, perms));
                    }
                    next.run(request).await
                },
            ))
    }

    async fn status(layer: GuardLayer, user: Option<&str>) -> (StatusCode, Option<String>) {
        let mut request = Request::builder().uri("/guarded/?page=2");
        if let Some(user) = user {
            request = request.header("x-user", user);
        }
        let response = app(layer)
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        (response.status(), location)
    }

    #[tokio::test]
    async fn anonymous_visitors_go_to_the_login_page() {
        for layer in [
            login_required(),
            staff_member_required(),
            permission_required("a.b"),
        ] {
            let (code, location) = status(layer, None).await;
            assert_eq!(code, StatusCode::FOUND);
            assert_eq!(
                location.as_deref(),
                Some("/accounts/login/?next=/guarded/%3Fpage%3D2")
            );
        }
    }

    #[tokio::test]
    async fn logged_in_users_pass_or_get_403() {
        let add = || permission_required("articles.add_article");
        assert_eq!(
            status(login_required(), Some("plain")).await.0,
            StatusCode::OK
        );
        assert_eq!(status(add(), Some("editor")).await.0, StatusCode::OK);
        assert_eq!(status(add(), Some("plain")).await.0, StatusCode::FORBIDDEN);
        assert_eq!(
            status(staff_member_required(), Some("staff")).await.0,
            StatusCode::OK
        );
        assert_eq!(
            status(staff_member_required(), Some("editor")).await.0,
            StatusCode::FORBIDDEN
        );
        let both = permissions_required(["articles.add_article", "articles.delete_article"]);
        assert_eq!(status(both, Some("editor")).await.0, StatusCode::FORBIDDEN);
    }
}
