//! [`HasExtensions`]: where middleware leaves per-request state, whatever form the request
//! takes in a handler.

use axum::extract::Request;
use axum::http::Extensions;
use axum::http::request::Parts;

/// Anything that carries a request's extensions, where middleware leaves per-request state:
/// pony's [`Request`](super::Request), axum's request or its [`Parts`].
pub trait HasExtensions {
    /// The request's extensions.
    fn extensions(&self) -> &Extensions;
}

impl HasExtensions for super::Request {
    fn extensions(&self) -> &Extensions {
        &self.extensions
    }
}

impl HasExtensions for Request {
    fn extensions(&self) -> &Extensions {
        Request::extensions(self)
    }
}

impl HasExtensions for Parts {
    fn extensions(&self) -> &Extensions {
        &self.extensions
    }
}

impl HasExtensions for Extensions {
    fn extensions(&self) -> &Extensions {
        self
    }
}
