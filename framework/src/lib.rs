//! # pony
//!
//! Django's way of building web applications, in Rust: a project made of apps, named URLs,
//! templates with Django's filters, settings from a file and the environment, helpful error
//! pages in development, and a `manage` command line (see the `pony-cli` crate).
//!
//! The crate is layered, dependencies pointing one way: the foundations (`conf`, `db`, `urls`,
//! `templates`, `forms`) and the request [`core`] (the site, apps, the request and its body,
//! context processors); above them the features (`security`, [`sessions`], [`auth`],
//! [`csrf`], [`messages`], the error pages); above those the [`shortcuts`] (`render`,
//! `redirect`); and [`project`], which assembles everything. `tests/layering.rs` checks it.
//!
//! ```no_run
//! use pony::prelude::*;
//!
//! async fn index(request: Request) -> pony::Result<Response> {
//!     render(&request, "polls/index.html", context! { greeting => "Hello" })
//! }
//!
//! let urls = Urls::app("polls").path("", index, "index");
//! let project = Project::new(pony::base_dir!()).urls(urls);
//! # let _ = project;
//! ```

// Built for SQLite alone, `Connection` has a single variant and its matches look redundant.
#![cfg_attr(
    not(any(feature = "postgres", feature = "mysql")),
    allow(irrefutable_let_patterns, unreachable_patterns)
)]

// Lets the derives' `::pony::…` paths work inside pony too (for its own apps' models).
#[allow(unused_extern_crates)]
extern crate self as pony;

pub mod auth;
pub mod checks;
pub mod conf;
pub mod core;
pub mod csrf;
pub mod db;
mod debug;
pub mod encoding;
mod error;
pub mod forms;
pub mod http;
pub mod messages;
mod middleware;
pub mod paginator;
pub mod project;
mod redis_connection;
mod security;
mod server;
pub mod sessions;
pub mod shortcuts;
pub mod static_files;
pub mod templates;
pub mod urls;

pub use crate::core::App;
pub use conf::Settings;
pub use error::{Error, Result};
pub use http::{Request, redirect, render};
pub use project::{Project, Site};
pub use urls::{Urls, reverse};

pub use forms::{BoundForm, Form};
pub use pony_macros::{Form, Model};

/// Re-exports of the libraries pony is built on, so a project needs no extra dependency lines.
pub mod reexports {
    pub use axum;
    pub use inventory;
    pub use minijinja;
    pub use serde;
    pub use tokio;
    pub use tower_sessions;
    pub use tracing;
}

/// Everything a view module usually needs: `use pony::prelude::*;`.
pub mod prelude {
    pub use crate::auth::{CurrentUser, LoginRequired, RequestUser};
    pub use crate::context;
    pub use crate::core::App;
    pub use crate::db::{Db, Model};
    pub use crate::error::{Error, Result};
    pub use crate::forms::{BoundForm, Form};
    pub use crate::http::{Request, get_object_or_404, redirect, redirect_to_url, render};
    pub use crate::project::Project;
    pub use crate::urls::{Urls, reverse};
    pub use axum::http::{Method, StatusCode};
    pub use axum::response::{IntoResponse, Response};
    pub use axum::routing::{delete, get, post};
    pub use pony_macros::{Form, Model};
}

/// The project's base directory, like Django's `BASE_DIR`: where `settings.toml`, `templates/`
/// and `static/` live.
///
/// It is the directory of the calling crate's `Cargo.toml`, unless `PONY_BASE_DIR` is set (for a
/// binary deployed away from its sources) or that directory no longer exists (then the current
/// directory).
///
/// ```
/// let base_dir = pony::base_dir!();
/// assert!(base_dir.is_absolute());
/// ```
#[macro_export]
macro_rules! base_dir {
    () => {
        $crate::conf::resolve_base_dir(env!("CARGO_MANIFEST_DIR"))
    };
}

/// Declares the project's apps, like Django's `INSTALLED_APPS`: one line per app.
///
/// An entry `module::AppConfig` is one of the project's apps: the macro declares the module
/// (`mod module;`). An entry `pony::module::AppConfig` is one of pony's own apps
/// (`django.contrib.*`). The macro defines `fn installed_apps() -> Vec<Box<dyn pony::App>>`,
/// in order.
///
/// ```ignore
/// pony::installed_apps![
///     pony::sessions::SessionsConfig,
///     pony::auth::AuthConfig,
///     accounts::AccountsConfig,
///     articles::ArticlesConfig,
/// ];
///
/// let project = pony::Project::new(pony::base_dir!()).apps(installed_apps());
/// ```
#[macro_export]
macro_rules! installed_apps {
    ($($entries:tt)*) => {
        $crate::__installed_apps!(@parse [] [] $($entries)*);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __installed_apps {
    // One of pony's own apps: nothing to declare.
    (@parse [$($modules:ident)*] [$($apps:path),*] pony :: $module:ident :: $config:ident $(, $($rest:tt)*)?) => {
        $crate::__installed_apps!(@parse [$($modules)*] [$($apps,)* $crate::$module::$config] $($($rest)*)?);
    };
    // One of the project's apps: its module is declared here.
    (@parse [$($modules:ident)*] [$($apps:path),*] $module:ident :: $config:ident $(, $($rest:tt)*)?) => {
        $crate::__installed_apps!(@parse [$($modules)* $module] [$($apps,)* $module::$config] $($($rest)*)?);
    };
    (@parse [$($modules:ident)*] [$($apps:path),*]) => {
        $(mod $modules;)*

        /// The project's apps in order, like Django's `INSTALLED_APPS`.
        fn installed_apps() -> ::std::vec::Vec<::std::boxed::Box<dyn $crate::App>> {
            ::std::vec![$(::std::boxed::Box::new($apps) as ::std::boxed::Box<dyn $crate::App>),*]
        }
    };
}

/// Builds a template context from variables, each converted with serde.
///
/// `context! { form, title => "Sign up" }` is the `{'form': form, 'title': 'Sign up'}` of a
/// Django view.
///
/// ```
/// #[derive(serde::Serialize)]
/// struct Article { title: String }
///
/// let article = Article { title: "Hi".into() };
/// let ctx = pony::context! { article, page => 2 };
/// assert_eq!(ctx.get_attr("page").unwrap().as_i64(), Some(2));
/// ```
#[macro_export]
macro_rules! context {
    () => { $crate::templates::Context::new().into_value() };
    ($($key:ident $(=> $value:expr)?),* $(,)?) => {{
        let mut context = $crate::templates::Context::new();
        $( $crate::__context_insert!(context, $key $(=> $value)?); )*
        context.into_value()
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __context_insert {
    ($context:ident, $key:ident) => {
        $context.insert(stringify!($key), &$key)
    };
    ($context:ident, $key:ident => $value:expr) => {
        $context.insert(stringify!($key), &$value)
    };
}
