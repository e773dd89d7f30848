//! Sessions, like `django.contrib.sessions`: per-visitor data kept on the server, found again
//! through the `sessionid` cookie.
//!
//! Install the app, apply its migration (`manage migrate` creates `pony_session`), and
//! handlers take tower-sessions' [`Session`] as an extractor:
//!
//! ```no_run
//! use pony::prelude::*;
//! use pony::sessions::Session;
//!
//! async fn counter(session: Session) -> pony::Result<String> {
//!     let visits: i64 = session.get("visits").await?.unwrap_or(0) + 1;
//!     session.insert("visits", visits).await?;
//!     Ok(format!("{visits} visits"))
//! }
//!
//! let project = Project::new(pony::base_dir!())
//!     .app(pony::sessions::SessionsConfig) // 'django.contrib.sessions' in INSTALLED_APPS
//!     .urls(Urls::new().path("", counter, "counter"));
//! # let _ = project;
//! ```
//!
//! What Django users rely on holds: the cookie (`SESSION_COOKIE_*` settings, see
//! [`SessionSettings`](crate::conf::SessionSettings)) is sent only when the session changed;
//! a key the server did not issue is never adopted; `session.cycle_id()` gives a new key and
//! keeps the data (login), `session.flush()` empties the session and deletes the cookie
//! (logout); a response with a 5xx status does not save the session; `Vary: Cookie` is set
//! when the session was used; `session.set_expiry(…)` holds on later requests, as Django's
//! (see [`expiry`]). See [`middleware`] for the details.
//!
//! Two stores (`SESSION_ENGINE`): the database (`"db"`, the default: [`DatabaseStore`]) and
//! Redis (`"redis"`: [`RedisStore`], for several app servers). Expired database rows are
//! deleted by `manage clearsessions` and, while the server runs, every hour by the server
//! itself ([`middleware::CLEANUP_PERIOD`]); Redis expires sessions by itself.

mod cookie;
pub mod db_store;
pub mod expiry;
pub mod key;
pub mod middleware;
pub mod migrations;
pub mod models;
pub mod redis_store;
mod request_store;
mod time;

use std::sync::{Arc, Once};

use axum::Router;
use axum::middleware::from_fn_with_state;
use tower_sessions::session::Id;

use crate::conf::SessionEngine;
use crate::core::App;
use crate::core::SiteState;
use crate::db::ModelMeta;

pub use db_store::DatabaseStore;
pub use redis_store::RedisStore;
/// The `time` types an [`Expiry`] is made of.
pub use tower_sessions::cookie::time::{Duration, OffsetDateTime};
pub use tower_sessions::session::{Expiry, Id as SessionId, Record};
pub use tower_sessions::{Session, SessionStore};

/// The sessions app's label.
pub const LABEL: &str = "sessions";

/// What a store answers when `save` finds its session gone (deleted by a concurrent request).
pub(crate) const INTERRUPTED: &str = "the session was deleted before the request completed";

/// Django's `SessionInterrupted` message (answered with 400).
pub(crate) const SESSION_INTERRUPTED: &str = "The request’s session was deleted before the \
    request completed. The user may have logged out in a concurrent request, for example.";

/// The sessions app (Django's `django.contrib.sessions`): its `pony_session` table and the
/// session middleware. Install it with `Project::app(pony::sessions::SessionsConfig)`.
///
/// ```
/// use pony::App;
/// assert_eq!(pony::sessions::SessionsConfig.label(), "sessions");
/// assert_eq!(pony::sessions::SessionsConfig.migrations()[0].0, "0001_initial");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SessionsConfig;

impl App for SessionsConfig {
    fn label(&self) -> &'static str {
        LABEL
    }

    fn url_prefix(&self) -> Option<String> {
        None
    }

    fn models(&self) -> Vec<&'static ModelMeta> {
        crate::db::registry::models_of(LABEL)
    }

    fn migrations(&self) -> &'static [(&'static str, &'static str)] {
        migrations::MIGRATIONS
    }

    /// The session on every request (Django's `SessionMiddleware`).
    fn layer(&self, router: Router, site: &Arc<SiteState>) -> Router {
        install(router, site)
    }
}

impl From<tower_sessions::session::Error> for crate::Error {
    /// A session that cannot be read or written (the store is down, a value does not
    /// deserialize) is a 500 with the reason, never a panic.
    fn from(error: tower_sessions::session::Error) -> Self {
        crate::Error::other(format!("Session error: {error}"))
    }
}

/// A store failure as tower-sessions reports it.
pub(crate) fn backend_error(error: crate::Error) -> tower_sessions::session_store::Error {
    tower_sessions::session_store::Error::Backend(error.to_string())
}

/// A store that fails every call with `reason` (a misconfigured engine), so each request that
/// uses the session gets a clear error page.
#[derive(Debug)]
struct UnavailableStore {
    reason: String,
}

#[async_trait::async_trait]
impl SessionStore for UnavailableStore {
    async fn save(&self, _: &Record) -> tower_sessions::session_store::Result<()> {
        Err(self.error())
    }
    async fn create(&self, _: &mut Record) -> tower_sessions::session_store::Result<()> {
        Err(self.error())
    }
    async fn load(&self, _: &Id) -> tower_sessions::session_store::Result<Option<Record>> {
        Err(self.error())
    }
    async fn delete(&self, _: &Id) -> tower_sessions::session_store::Result<()> {
        Err(self.error())
    }
}

impl UnavailableStore {
    fn error(&self) -> tower_sessions::session_store::Error {
        tower_sessions::session_store::Error::Backend(self.reason.clone())
    }
}

/// Adds the session middleware to `router` when the sessions app is installed.
fn install(router: Router, site: &Arc<SiteState>) -> Router {
    let settings = site.settings.session.clone();
    let unavailable = |reason: String| -> Arc<dyn SessionStore> {
        tracing::error!("{reason}");
        Arc::new(UnavailableStore { reason })
    };
    let (store, cleanup): (Arc<dyn SessionStore>, _) = match settings.engine {
        SessionEngine::Database => match &site.db {
            Some(db) => {
                let store = DatabaseStore::new(db.clone());
                (Arc::new(store.clone()), Some(store))
            }
            None => (
                unavailable("SESSION_ENGINE \"db\" needs a database".to_owned()),
                None,
            ),
        },
        SessionEngine::Redis => match RedisStore::open(&settings.redis_url) {
            Ok(store) => (Arc::new(store), None),
            Err(error) => (unavailable(format!("SESSION_REDIS_URL: {error}")), None),
        },
    };
    let state = middleware::SessionLayerState {
        store,
        settings,
        debug: site.settings.debug,
        cleanup,
        cleanup_started: Once::new(),
    };
    router.layer(from_fn_with_state(Arc::new(state), middleware::sessions))
}
