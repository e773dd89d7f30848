//! The project: installed apps and root URLs, built into a [`Site`] that serves. This is the
//! one module that knows every feature: it assembles them, in Django's order, around the
//! project's routes.
//!
//! ```no_run
//! use pony::prelude::*;
//!
//! async fn index() -> &'static str { "hello" }
//!
//! # async fn run() -> pony::Result<()> {
//! let project = Project::new(pony::base_dir!()).urls(Urls::new().path("", index, "index"));
//! let settings = project.load_settings()?;
//! let site = project.build(settings)?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
//! site.serve(listener, std::future::pending()).await?;
//! # Ok(()) }
//! ```

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;

use crate::conf::Settings;
pub use crate::core::SiteState;
use crate::core::{App, AppState, ContextProcessor};
use crate::db::{DatabaseUrl, Db};
use crate::error::{Error, Result};
use crate::middleware;
use crate::static_files::StaticFinder;
use crate::templates::{TemplateDirs, Templates};
use crate::urls::{Resolver, Urls};

/// A project before it is built: its base directory, apps, root URLs and own middleware.
#[derive(Debug)]
pub struct Project {
    base_dir: PathBuf,
    apps: Vec<Box<dyn App>>,
    urls: Urls,
    layers: Vec<ProjectLayer>,
}

/// One of the project's own layers, applied to the router when the site is built.
struct ProjectLayer(Box<dyn FnOnce(Router) -> Router + Send>);

impl std::fmt::Debug for ProjectLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProjectLayer")
    }
}

impl Project {
    /// A project rooted at `base_dir` (see [`base_dir!`](crate::base_dir)).
    pub fn new(base_dir: impl Into<PathBuf>) -> Self {
        Project {
            base_dir: base_dir.into(),
            apps: Vec::new(),
            urls: Urls::new(),
            layers: Vec::new(),
        }
    }

    /// Installs one app.
    pub fn app(mut self, app: impl App) -> Self {
        self.apps.push(Box::new(app));
        self
    }

    /// Installs apps in order (from [`installed_apps!`](crate::installed_apps)).
    pub fn apps(mut self, apps: Vec<Box<dyn App>>) -> Self {
        self.apps.extend(apps);
        self
    }

    /// The root URLs (Django's `ROOT_URLCONF`); apps' URLs are added at their prefixes.
    pub fn urls(mut self, urls: Urls) -> Self {
        self.urls = urls;
        self
    }

    /// Adds the project's own middleware (a tower layer, as for axum's `Router::layer`), like
    /// an entry at the end of Django's `MIDDLEWARE`: it runs after pony's (the session, the
    /// user and CSRF are known) and just before the view. Layers added later run closer to
    /// the view. Shared state goes in the same way, as axum's `Extension`:
    ///
    /// ```no_run
    /// use axum::Extension;
    /// use pony::prelude::*;
    ///
    /// #[derive(Clone)]
    /// struct Mailer { from: &'static str }
    ///
    /// async fn contact(Extension(mailer): Extension<Mailer>) -> String {
    ///     format!("mail comes from {}", mailer.from)
    /// }
    ///
    /// let project = Project::new(pony::base_dir!())
    ///     .urls(Urls::new().path("contact/", contact, "contact"))
    ///     .layer(Extension(Mailer { from: "board@example.com" }))
    ///     .layer(axum::middleware::from_fn(|request: axum::extract::Request, next: axum::middleware::Next| async move {
    ///         tracing::info!("serving {}", request.uri());
    ///         next.run(request).await
    ///     }));
    /// # let _ = project;
    /// ```
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: tower::Layer<axum::routing::Route> + Clone + Send + Sync + 'static,
        L::Service: tower::Service<axum::extract::Request> + Clone + Send + Sync + 'static,
        <L::Service as tower::Service<axum::extract::Request>>::Response:
            axum::response::IntoResponse + 'static,
        <L::Service as tower::Service<axum::extract::Request>>::Error:
            Into<std::convert::Infallible> + 'static,
        <L::Service as tower::Service<axum::extract::Request>>::Future: Send + 'static,
    {
        self.layers
            .push(ProjectLayer(Box::new(move |router: Router| {
                router.layer(layer)
            })));
        self
    }

    /// The base directory.
    pub fn base_dir(&self) -> &Path {
        &self.base_dir
    }

    /// The installed apps.
    pub fn installed_apps(&self) -> &[Box<dyn App>] {
        &self.apps
    }

    /// Loads `settings.toml` and the environment.
    pub fn load_settings(&self) -> Result<Settings> {
        Settings::load(&self.base_dir)
    }

    /// Resolves every route, sets up templates and static files, and assembles the router and
    /// middleware. Configuration mistakes (a bad route, a conflict) are errors here.
    pub fn build(self, settings: Settings) -> Result<Site> {
        let Project {
            base_dir,
            apps,
            urls: mut root,
            layers,
        } = self;
        for app in &apps {
            if let Some(prefix) = app.url_prefix() {
                root = root.include(&prefix, app.urls());
            }
        }
        let (resolver, routes) = Resolver::with_router(root)?;
        if resolver.overlaps(&settings.static_url) {
            return Err(Error::ImproperlyConfigured(format!(
                "A URL route lies under STATIC_URL ({}); move the route or change STATIC_URL.",
                settings.static_url
            )));
        }
        let resolver = Arc::new(resolver);
        crate::urls::install(resolver.clone());

        let app_dirs: Vec<PathBuf> = apps.iter().map(|app| base_dir.join(app.dir())).collect();
        let template_dirs = TemplateDirs {
            dirs: std::iter::once(settings.templates_dir.clone())
                .chain(app_dirs.iter().map(|dir| dir.join("templates")))
                .collect(),
            embedded: apps
                .iter()
                .flat_map(|app| app.embedded_templates())
                .collect(),
        };
        let templates = Templates::new(
            template_dirs,
            resolver.clone(),
            &settings.static_url,
            settings.debug,
            &[crate::csrf::template_functions],
        );
        let static_finder = StaticFinder::new(
            std::iter::once(settings.staticfiles_dir.clone())
                .chain(app_dirs.iter().map(|dir| dir.join("static")))
                .collect(),
        );

        let uses_database = apps
            .iter()
            .any(|app| !app.models().is_empty() || !app.migrations().is_empty());
        let db = if uses_database {
            Some(Db::connect(&DatabaseUrl::parse(
                &settings.database_url,
                &settings.base_dir,
            )?)?)
        } else {
            None
        };
        let client_ip = crate::core::ClientIpSettings::from_settings(&settings)?;
        let mut app_state = AppState::default();
        for app in &apps {
            app.ready(&settings, &mut app_state)?;
        }
        // pony's own processors first (Django's defaults), then each app's, in order.
        let own: [ContextProcessor; 3] = [
            crate::core::context::request,
            crate::csrf::context_processor,
            crate::messages::context_processor,
        ];
        let context_processors = own
            .into_iter()
            .chain(apps.iter().flat_map(|app| app.context_processors()))
            .collect();
        let state = Arc::new(SiteState {
            db,
            client_ip,
            context_processors,
            app_state,
            settings,
            templates,
            resolver,
            apps,
            static_finder,
        });
        let router = assemble(&state, routes, layers);
        Ok(Site { state, router })
    }
}

/// A built project, ready to serve.
#[derive(Debug, Clone)]
pub struct Site {
    state: Arc<SiteState>,
    router: Router,
}

/// One request's path through pony's middleware, outermost first: log → request-head limits →
/// security headers → error pages (and panics) → allowed hosts → HTTPS redirect → the apps'
/// layers in `installed_apps!` order (sessions, then authentication: `request.user`) → CSRF →
/// messages → the project's own layers → static files (DEBUG) → the project's routes, with
/// APPEND_SLASH and the 404 page as the fallback.
fn assemble(state: &Arc<SiteState>, mut router: Router, layers: Vec<ProjectLayer>) -> Router {
    if state.settings.debug {
        router = router.nest_service(
            state.settings.static_url.trim_end_matches('/'),
            state.static_finder.service(),
        );
    } else if state.settings.static_root.is_dir() {
        let root = StaticFinder::new(vec![state.settings.static_root.clone()]);
        router = router.nest_service(
            state.settings.static_url.trim_end_matches('/'),
            root.service(),
        );
    }
    // Layers wrap what is above them: the last added runs first.
    router = router.fallback(middleware::not_found);
    for ProjectLayer(apply) in layers.into_iter().rev() {
        router = apply(router);
    }
    router = router
        .layer(from_fn_with_state(
            crate::messages::MessagesConfig::new(&state.settings),
            crate::messages::middleware,
        ))
        .layer(from_fn_with_state(
            crate::csrf::CsrfLayer::new(state),
            crate::csrf::middleware,
        ));
    for app in state.apps.iter().rev() {
        router = app.layer(router, state);
    }
    router
        .layer(axum::Extension(state.clone()))
        .layer(from_fn_with_state(
            state.clone(),
            crate::security::ssl_redirect,
        ))
        .layer(from_fn_with_state(
            state.clone(),
            crate::security::validate_host,
        ))
        .layer(from_fn_with_state(state.clone(), middleware::error_pages))
        .layer(from_fn_with_state(
            state.clone(),
            crate::security::security_headers,
        ))
        .layer(axum::middleware::from_fn(
            crate::security::limit_request_head,
        ))
        .layer(axum::middleware::from_fn(middleware::log_request))
}

impl Site {
    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.state.settings
    }

    /// The URL patterns.
    pub fn resolver(&self) -> &Resolver {
        &self.state.resolver
    }

    /// The templates.
    pub fn templates(&self) -> &Templates {
        &self.state.templates
    }

    /// The installed apps.
    pub fn apps(&self) -> &[Box<dyn App>] {
        &self.state.apps
    }

    /// Where static files are found (project first, then apps).
    pub fn static_finder(&self) -> &StaticFinder {
        &self.state.static_finder
    }

    /// The database, when an installed app has models.
    pub fn db(&self) -> Option<&Db> {
        self.state.db.as_ref()
    }

    /// The complete axum router, middleware included (for tests or embedding).
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// Serves until `shutdown` completes, then stops accepting and finishes the requests in
    /// flight (graceful shutdown).
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        crate::middleware::install_panic_hook();
        crate::server::serve(listener, self.router, shutdown).await
    }
}
