//! [`SiteState`]: what every request can reach.

use std::sync::Arc;

use super::{App, ClientIpSettings, ContextProcessor};
use crate::conf::Settings;
use crate::db::Db;
use crate::static_files::StaticFinder;
use crate::templates::Templates;
use crate::urls::Resolver;

/// What every request can reach: settings, templates, URLs, apps.
#[derive(Debug)]
pub struct SiteState {
    /// The settings the site was built with.
    pub settings: Settings,
    /// The template engine.
    pub templates: Templates,
    /// Every URL pattern.
    pub resolver: Arc<Resolver>,
    /// The installed apps.
    pub apps: Vec<Box<dyn App>>,
    /// Where static files are found.
    pub static_finder: StaticFinder,
    /// The database pool, when an installed app has models.
    pub db: Option<Db>,
    /// How to find the client's address (`CLIENT_IP_*`).
    pub client_ip: ClientIpSettings,
    /// What every page [`render`](crate::render) draws gets, in order (Django's
    /// `context_processors`): pony's own, then each app's.
    pub context_processors: Vec<ContextProcessor>,
    /// What apps prepared in [`App::ready`], by type.
    pub(crate) app_state: AppState,
}

impl SiteState {
    /// The state an app put aside in [`App::ready`] (the login throttle, say).
    pub fn app_state<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.app_state.get::<T>()
    }
}

/// Values apps keep for the site's lifetime, one per type (see [`App::ready`]).
#[derive(Debug, Default)]
pub struct AppState(axum::http::Extensions);

impl AppState {
    /// Keeps `value`, replacing any earlier value of its type.
    pub fn insert<T: Clone + Send + Sync + 'static>(&mut self, value: T) {
        self.0.insert(value);
    }

    /// The value of type `T`, if one was kept.
    pub fn get<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.0.get::<T>()
    }
}
