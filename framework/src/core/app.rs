//! Apps: the units a project is made of, like Django's `AppConfig`.
//!
//! ```
//! use pony::prelude::*;
//!
//! async fn index() -> &'static str { "Hello from polls" }
//!
//! /// polls/mod.rs — Django's `PollsConfig`.
//! pub struct PollsConfig;
//!
//! impl App for PollsConfig {
//!     fn label(&self) -> &'static str { "polls" }
//!     fn urls(&self) -> Urls { Urls::app("polls").path("", index, "index") }
//! }
//!
//! assert_eq!(PollsConfig.url_prefix().as_deref(), Some("polls/"));
//! ```
//!
//! An app's URLs are mounted at [`App::url_prefix`] (`<label>/` unless overridden), so adding an
//! app to `installed_apps!` is all it takes to serve it. Its templates live in
//! `src/<label>/templates/` and its static files in `src/<label>/static/`.

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;

use super::{AppState, ContextProcessor, SiteState};
use crate::conf::Settings;
use crate::db::{Connection, ModelMeta};
use crate::error::Result;
use crate::urls::Urls;

/// An installed app (Django's `AppConfig`).
pub trait App: Send + Sync + 'static {
    /// The app's label (`"articles"`): its URL namespace, template folder and table prefix.
    fn label(&self) -> &'static str;

    /// A human-readable name (`"Articles"`), shown by the admin.
    fn verbose_name(&self) -> String {
        let label = self.label().replace('_', " ");
        let mut chars = label.chars();
        chars
            .next()
            .map(|first| first.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    }

    /// The app's URL patterns (its `urls.py`), usually `Urls::app(label)`.
    fn urls(&self) -> Urls {
        Urls::new()
    }

    /// Where the app's URLs are mounted (`Some("articles/")`); `None` leaves mounting to the
    /// project's root URLs (`Urls::include`).
    fn url_prefix(&self) -> Option<String> {
        Some(format!("{}/", self.label()))
    }

    /// The app's directory, relative to the project's base directory (`src/<label>`).
    fn dir(&self) -> PathBuf {
        PathBuf::from("src").join(self.label())
    }

    /// The app's models: every `#[derive(Model)]` declared in it (found automatically).
    fn models(&self) -> Vec<&'static ModelMeta> {
        crate::db::registry::models_of(self.label())
    }

    /// The app's migrations as `(name, TOML source)`, oldest first — the list that
    /// `makemigrations` keeps in `src/<label>/migrations/mod.rs`.
    fn migrations(&self) -> &'static [(&'static str, &'static str)] {
        &[]
    }

    /// Templates compiled into the app's crate as `(name, source)`, for apps shipped in a
    /// library (pony's own auth and admin); searched after every directory.
    fn embedded_templates(&self) -> Vec<(&'static str, &'static str)> {
        Vec::new()
    }

    /// Runs after `migrate` applied migrations (Django's `post_migrate` signal), with every
    /// installed app; the auth app creates the default permissions here.
    fn post_migrate(&self, conn: &mut Connection, apps: &[Box<dyn App>]) -> Result<()> {
        let _ = (conn, apps);
        Ok(())
    }

    /// Django's `AppConfig.ready()`: runs once when the site is built, with the settings; keep
    /// what the app shares across requests in `state` (read back with
    /// [`SiteState::app_state`]). An error here stops the server at start-up, so a bad setting
    /// is found before the first request.
    fn ready(&self, settings: &Settings, state: &mut AppState) -> Result<()> {
        let _ = (settings, state);
        Ok(())
    }

    /// The app's [context processors](super::context): variables every rendered page gets
    /// (the auth app adds `user` and `perms`).
    fn context_processors(&self) -> Vec<ContextProcessor> {
        Vec::new()
    }

    /// Wraps the router in the app's middleware (Django's `MIDDLEWARE` entries that come with
    /// an app): `router.layer(…)`. Apps' layers run in `installed_apps!` order, the first
    /// outermost, after pony's security checks and before CSRF and messages; the sessions app
    /// puts the session on the request here, and the auth app `request.user`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use axum::Router;
    /// use pony::core::SiteState;
    /// use pony::prelude::*;
    ///
    /// struct TimingConfig;
    ///
    /// impl App for TimingConfig {
    ///     fn label(&self) -> &'static str { "timing" }
    ///     fn layer(&self, router: Router, _site: &Arc<SiteState>) -> Router {
    ///         router.layer(axum::middleware::from_fn(
    ///             |request: axum::extract::Request, next: axum::middleware::Next| async move {
    ///                 let started = std::time::Instant::now();
    ///                 let response = next.run(request).await;
    ///                 tracing::debug!("answered in {:?}", started.elapsed());
    ///                 response
    ///             },
    ///         ))
    ///     }
    /// }
    /// ```
    fn layer(&self, router: Router, site: &Arc<SiteState>) -> Router {
        let _ = site;
        router
    }
}

impl std::fmt::Debug for dyn App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "App({})", self.label())
    }
}
