//! `request.user`: the logged-in [`User`] or Django's `AnonymousUser`, as a handler argument
//! and as `user` in every template.
//!
//! ```
//! use pony::auth::CurrentUser;
//! use pony::prelude::*;
//!
//! async fn whoami(user: CurrentUser) -> String {
//!     if user.is_authenticated() {
//!         format!("Hello, {}", user.username())
//!     } else {
//!         "Hello, stranger".to_owned()
//!     }
//! }
//!
//! let anonymous = CurrentUser::anonymous();
//! assert!(anonymous.is_anonymous());
//! assert_eq!(anonymous.username(), "");
//! assert!(!anonymous.has_perm("articles.add_article"));
//! ```

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::Serialize;

use super::models::User;
use crate::error::{Error, Result};

/// `request.user()`, as Django's `request.user`: who is logged in, or the anonymous user.
/// In the prelude, so views write `request.user()`.
///
/// ```no_run
/// use pony::prelude::*;
///
/// async fn whoami(request: Request) -> String {
///     request.user().username().to_owned()
/// }
/// ```
pub trait RequestUser {
    /// Who is logged in, or the anonymous user.
    fn user(&self) -> CurrentUser;
}

impl RequestUser for crate::core::Request {
    fn user(&self) -> CurrentUser {
        CurrentUser::of(&self.extensions)
    }
}

/// Who is making the request. Put there by the authentication middleware; anonymous when
/// nobody is logged in (or the auth app is not installed).
#[derive(Debug, Clone, Default)]
pub struct CurrentUser {
    user: Option<Arc<User>>,
    permissions: Arc<BTreeSet<String>>,
}

impl CurrentUser {
    /// Django's `AnonymousUser`.
    pub fn anonymous() -> Self {
        CurrentUser::default()
    }

    /// The user the authentication middleware put on a request (anonymous if none).
    pub fn of(extensions: &axum::http::Extensions) -> Self {
        extensions.get::<CurrentUser>().cloned().unwrap_or_default()
    }

    /// A logged-in user and the permissions they hold (`app_label.codename`).
    pub fn authenticated(user: User, permissions: BTreeSet<String>) -> Self {
        CurrentUser {
            user: Some(Arc::new(user)),
            permissions: Arc::new(permissions),
        }
    }

    /// The user row, when logged in.
    pub fn user(&self) -> Option<&User> {
        self.user.as_deref()
    }

    /// `user.is_authenticated`.
    pub fn is_authenticated(&self) -> bool {
        self.user.is_some()
    }

    /// `user.is_anonymous`.
    pub fn is_anonymous(&self) -> bool {
        self.user.is_none()
    }

    /// `user.pk`: `None` for the anonymous user.
    pub fn id(&self) -> Option<i64> {
        self.user.as_ref().map(|user| user.id)
    }

    /// `user.username` (`""` for the anonymous user).
    pub fn username(&self) -> &str {
        self.user.as_ref().map_or("", |user| user.username.as_str())
    }

    /// `user.is_staff`.
    pub fn is_staff(&self) -> bool {
        self.user.as_ref().is_some_and(|user| user.is_staff)
    }

    /// `user.is_superuser`.
    pub fn is_superuser(&self) -> bool {
        self.user.as_ref().is_some_and(|user| user.is_superuser)
    }

    /// `user.is_active`.
    pub fn is_active(&self) -> bool {
        self.user.as_ref().is_some_and(|user| user.is_active)
    }

    /// `user.has_perm("articles.change_article")`: active superusers have every permission.
    pub fn has_perm(&self, perm: &str) -> bool {
        match &self.user {
            Some(user) if user.is_active => user.is_superuser || self.permissions.contains(perm),
            _ => false,
        }
    }

    /// `user.has_perms([...])`: every one of them.
    pub fn has_perms<'a>(&self, perms: impl IntoIterator<Item = &'a str>) -> bool {
        perms.into_iter().all(|perm| self.has_perm(perm))
    }

    /// `user.has_module_perms("articles")`: any permission in the app.
    pub fn has_module_perms(&self, app_label: &str) -> bool {
        match &self.user {
            Some(user) if user.is_active => {
                user.is_superuser
                    || self.permissions.iter().any(|perm| {
                        perm.split_once('.')
                            .is_some_and(|(app, _)| app == app_label)
                    })
            }
            _ => false,
        }
    }

    /// Django's `@permission_required(perm, raise_exception=True)` inside a handler: a 403
    /// unless the user has `perm`.
    pub fn require_perm(&self, perm: &str) -> Result<()> {
        if self.has_perm(perm) {
            Ok(())
        } else {
            Err(Error::permission_denied(""))
        }
    }

    /// How the DEBUG page names the user.
    pub(crate) fn describe(&self) -> String {
        match &self.user {
            Some(user) => user.username.clone(),
            None => "AnonymousUser".to_owned(),
        }
    }
}

/// The template variable `user`: `{{ user.username }}`, `{% if user.is_authenticated %}`.
impl Serialize for CurrentUser {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &self.id())?;
        map.serialize_entry("pk", &self.id())?;
        map.serialize_entry("username", self.username())?;
        map.serialize_entry("is_authenticated", &self.is_authenticated())?;
        map.serialize_entry("is_anonymous", &self.is_anonymous())?;
        map.serialize_entry("is_staff", &self.is_staff())?;
        map.serialize_entry("is_superuser", &self.is_superuser())?;
        map.serialize_entry("is_active", &self.is_active())?;
        let user = self.user();
        map.serialize_entry("first_name", user.map_or("", |u| u.first_name.as_str()))?;
        map.serialize_entry("last_name", user.map_or("", |u| u.last_name.as_str()))?;
        map.serialize_entry("email", user.map_or("", |u| u.email.as_str()))?;
        map.serialize_entry(
            "full_name",
            &user.map(User::get_full_name).unwrap_or_default(),
        )?;
        map.end()
    }
}

impl std::fmt::Display for CurrentUser {
    /// `{{ user }}` prints the username, or `AnonymousUser`, as in Django.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &S,
    ) -> std::result::Result<Self, Self::Rejection> {
        Ok(CurrentUser::of(&parts.extensions))
    }
}
