//! The auth app itself: its migrations, its `post_migrate` step and the `user`/`perms`
//! template variables.

use std::sync::Arc;

use axum::Router;

use super::current_user::CurrentUser;
use super::throttle::LoginThrottle;
use crate::conf::Settings;
use crate::core::{App, AppState, ContextProcessor, Request, SiteState};
use crate::db::Connection;
use crate::error::Result;
use crate::templates::Context;

/// pony's `django.contrib.auth`, to list in `installed_apps!`.
#[derive(Debug, Clone, Copy)]
pub struct AuthConfig;

const MIGRATIONS: &[(&str, &str)] =
    &[("0001_initial", include_str!("migrations/0001_initial.toml"))];

impl App for AuthConfig {
    fn label(&self) -> &'static str {
        "auth"
    }

    fn verbose_name(&self) -> String {
        "Authentication and Authorization".to_owned()
    }

    fn url_prefix(&self) -> Option<String> {
        None
    }

    fn dir(&self) -> std::path::PathBuf {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/auth")
    }

    fn migrations(&self) -> &'static [(&'static str, &'static str)] {
        MIGRATIONS
    }

    fn post_migrate(&self, conn: &mut Connection, apps: &[Box<dyn App>]) -> Result<()> {
        super::permissions::create_permissions(conn, apps).map(|_| ())
    }

    /// The login throttle, built from the `LOGIN_THROTTLE_*` settings (a bad one stops the
    /// server at start-up).
    fn ready(&self, settings: &Settings, state: &mut AppState) -> Result<()> {
        state.insert(Arc::new(LoginThrottle::from_settings(settings)?));
        Ok(())
    }

    fn context_processors(&self) -> Vec<ContextProcessor> {
        vec![auth_context]
    }

    /// `request.user` on every request (Django's `AuthenticationMiddleware`).
    fn layer(&self, router: Router, _site: &Arc<SiteState>) -> Router {
        router.layer(axum::middleware::from_fn(
            super::login::authentication_middleware,
        ))
    }
}

/// `user` (Django's `auth` context processor) and `perms`: `{% if "articles.add_article" in
/// perms %}`.
fn auth_context(request: &Request, context: &mut Context) {
    let user = CurrentUser::of(&request.extensions);
    context.insert_value("perms", minijinja::Value::from_object(Perms(user.clone())));
    context.insert("user", &user);
}

/// The template variable `perms`: `{% if perms.articles.add_article %}` or
/// `{% if "articles.add_article" in perms %}`, as in Django.
#[derive(Debug)]
struct Perms(CurrentUser);

/// `perms.<app_label>`.
#[derive(Debug)]
struct AppPerms(CurrentUser, String);

impl minijinja::value::Object for Perms {
    fn get_value(self: &std::sync::Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        let key = key.as_str()?;
        if key.contains('.') {
            // `in` asks whether the key exists: only held permissions do.
            return self.0.has_perm(key).then(|| minijinja::Value::from(true));
        }
        Some(minijinja::Value::from_object(AppPerms(
            self.0.clone(),
            key.to_owned(),
        )))
    }
}

impl minijinja::value::Object for AppPerms {
    fn get_value(self: &std::sync::Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        let perm = format!("{}.{}", self.1, key.as_str()?);
        Some(minijinja::Value::from(self.0.has_perm(&perm)))
    }

    fn is_true(self: &std::sync::Arc<Self>) -> bool {
        self.0.has_module_perms(&self.1)
    }
}
