//! What a Django view gets from `request` and `django.shortcuts`: [`Request`], [`render`],
//! [`redirect`]. (They live in [`core`](crate::core) and [`shortcuts`](crate::shortcuts);
//! this module gathers them under Django's names.)
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

/// URL parameters: `Path(pk): Path<i64>` for a route `<int:pk>/` (axum's extractor).
pub use axum::extract::Path;

pub use crate::core::{
    ClientIpSettings, DebugData, DebugRecord, QueryDict, Request, SensitivePost, body, network_key,
    peer_address, sensitive_post_parameters,
};
pub use crate::shortcuts::{get_object_or_404, redirect, redirect_to, redirect_to_url, render};
