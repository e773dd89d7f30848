//! `csrf_exempt`: Django's `@csrf_exempt` for a pony view.
//!
//! The CSRF check runs in middleware before the router picks a view, so the exemption is found
//! by matching the request path against the project's routes: a route whose view was wrapped
//! in [`csrf_exempt`] is not checked. Wrapping records the wrapper's type, which is the name
//! [`Urls::path`](crate::urls::Urls::path) gives the route.

use std::collections::BTreeSet;
use std::sync::{Mutex, PoisonError};

use axum::extract::Request;
use axum::handler::Handler;

use crate::urls::Resolver;

/// Views marked exempt (the type names of their [`CsrfExempt`] wrappers).
static EXEMPT_VIEWS: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// Exempts a view from the CSRF check, like Django's `@csrf_exempt`: for webhooks and APIs
/// that authenticate in another way (a signature, a token header), never for views a browser
/// posts a form to.
///
/// Register the wrapped view with [`Urls::path`](crate::urls::Urls::path): the exemption is
/// found through the route, and a view inside a method router (`post(csrf_exempt(view))`) is
/// still checked (a warning at start-up says so).
///
/// ```
/// use pony::prelude::*;
/// use pony::csrf::csrf_exempt;
///
/// async fn payment_webhook(request: Request) -> &'static str { "ok" }
///
/// let urls = Urls::app("billing").path("webhook/", csrf_exempt(payment_webhook), "webhook");
/// # let _ = urls;
/// ```
pub fn csrf_exempt<H, T>(view: H) -> CsrfExempt<H>
where
    H: Handler<T, ()>,
    T: 'static,
{
    EXEMPT_VIEWS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(std::any::type_name::<CsrfExempt<H>>().to_owned());
    CsrfExempt(view)
}

/// A view exempt from the CSRF check; see [`csrf_exempt`].
#[derive(Debug, Clone, Copy)]
pub struct CsrfExempt<H>(H);

impl<H, T, S> Handler<T, S> for CsrfExempt<H>
where
    H: Handler<T, S>,
    S: Send + 'static,
{
    type Future = H::Future;

    fn call(self, request: Request, state: S) -> Self::Future {
        self.0.call(request, state)
    }
}

/// Which request paths lead to an exempt view, matched exactly as the router matches them.
#[derive(Debug)]
pub(crate) struct ExemptRoutes {
    /// Every route (so that a more specific, protected route wins over an exempt one),
    /// mapped to whether it is exempt.
    routes: matchit::Router<bool>,
    any: bool,
}

impl ExemptRoutes {
    pub(crate) fn new(resolver: &Resolver) -> Self {
        let exempt = EXEMPT_VIEWS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let mut routes = matchit::Router::new();
        let mut any = false;
        for pattern in resolver.patterns() {
            let is_exempt = exempt.contains(&pattern.view_name);
            any |= is_exempt;
            // The resolver already refused conflicting routes, so this cannot fail.
            let _ = routes.insert(pattern.axum_path(), is_exempt);
        }
        for name in &exempt {
            if !resolver.patterns().iter().any(|p| &p.view_name == name) {
                tracing::warn!(
                    "{name} is not the view of any route added with Urls::path, so no route is \
                     exempt from CSRF through it (a view inside a method router such as \
                     post(csrf_exempt(view)) is still checked)."
                );
            }
        }
        ExemptRoutes { routes, any }
    }

    /// Whether `path` is served by an exempt view.
    pub(crate) fn is_exempt(&self, path: &str) -> bool {
        self.any && self.routes.at(path).is_ok_and(|found| *found.value)
    }

    /// Whether `path` is served by a view at all (unrouted paths only reach the 404 page or
    /// static files, which Django does not check either).
    pub(crate) fn is_routed(&self, path: &str) -> bool {
        self.routes.at(path).is_ok()
    }
}
