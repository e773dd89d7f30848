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

pub mod body;
mod client_ip;
mod debug_record;
mod query_dict;
mod request;
mod shortcuts;

/// URL parameters: `Path(pk): Path<i64>` for a route `<int:pk>/` (axum's extractor).
pub use axum::extract::Path;

pub use client_ip::{ClientIpSettings, network_key, peer_address};
pub use debug_record::{DebugData, DebugRecord, SensitivePost, sensitive_post_parameters};
pub use query_dict::QueryDict;
pub use request::Request;
pub(crate) use shortcuts::found;
pub use shortcuts::{get_object_or_404, redirect, redirect_to, redirect_to_url, render};
