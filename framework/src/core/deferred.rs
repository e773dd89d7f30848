//! Work a layer defers until a view takes the [`Request`](super::Request).
//!
//! Some per-request state is costly to read and often unneeded: the messages stored in the
//! session, say. The layer that owns it registers a load with [`defer_until_request`]; the
//! `Request` extractor runs every load before the view, so a view that never takes the request
//! never pays for them (its response does not even vary by cookie).

use std::sync::{Arc, Mutex, PoisonError};

use axum::http::Extensions;
use futures_util::future::BoxFuture;

type Load = Box<dyn FnOnce() -> BoxFuture<'static, ()> + Send>;

/// The loads registered on one request.
#[derive(Clone, Default)]
pub(crate) struct DeferredLoads(Arc<Mutex<Vec<Load>>>);

impl std::fmt::Debug for DeferredLoads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeferredLoads")
    }
}

impl DeferredLoads {
    /// Runs (and forgets) every load, in the order they were registered.
    pub(crate) async fn run(&self) {
        let loads = std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner));
        for load in loads {
            load().await;
        }
    }
}

/// Registers `load` to run once, when a view takes the request.
///
/// ```
/// let mut extensions = axum::http::Extensions::new();
/// pony::core::defer_until_request(&mut extensions, || Box::pin(async { /* read a store */ }));
/// ```
pub fn defer_until_request(
    extensions: &mut Extensions,
    load: impl FnOnce() -> BoxFuture<'static, ()> + Send + 'static,
) {
    let loads = extensions.get_or_insert_default::<DeferredLoads>();
    loads
        .0
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(Box::new(load));
}
