//! The one place a redirect's `Location` is written.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A bare 302 response to `location`, always encoded with
/// [`iri_to_uri`](crate::encoding::iri_to_uri) (so it is always a valid header).
pub(crate) fn found(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = crate::encoding::iri_to_uri(location).parse() {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}
