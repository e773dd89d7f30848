//! Logging in and out: Django's `authenticate()`, `login()` and `logout()`, and the middleware
//! that turns the session back into `request.user` on every request.
//!
//! ```no_run
//! use pony::auth::{self, Credentials};
//! use pony::prelude::*;
//!
//! async fn login_view(request: Request) -> pony::Result<Response> {
//!     let post = request.post();
//!     let credentials = Credentials {
//!         username: post.get("username").unwrap_or(""),
//!         password: post.get("password").unwrap_or(""),
//!     };
//!     match auth::authenticate(&request, credentials).await? {
//!         Ok(user) => {
//!             auth::login(&request, &user).await?;
//!             redirect("articles:index")
//!         }
//!         Err(refusal) => Ok(refusal.to_string().into_response()),
//!     }
//! }
//! ```

use std::sync::Arc;

use axum::http::Extensions;
use diesel::prelude::*;
use tower_sessions::Session;

use super::blocking::{dummy_verify, hash_password, verify_password};
use super::current_user::CurrentUser;
use super::hashers::must_update;
use super::models::{User, user};
use super::session_hash::{session_auth_hash, verify_session_auth_hash};
use super::throttle::device::{self, PendingCookie};
use super::throttle::{Attempt, LoginThrottle, Verdict, refusal_message};
use crate::core::SiteState;
use crate::core::{DebugRecord, Request, network_key, peer_address};
use crate::db::Db;
use crate::error::{Error, Result};

/// Session key of the logged-in user's id (a string, as Django stores it).
pub const SESSION_KEY: &str = "_auth_user_id";
/// Session key of the backend that authenticated the user (Django compatibility).
pub const BACKEND_SESSION_KEY: &str = "_auth_user_backend";
/// Session key of the [session auth hash](super::session_hash).
pub const HASH_SESSION_KEY: &str = "_auth_user_hash";
const BACKEND: &str = "django.contrib.auth.backends.ModelBackend";

/// What a login form submits.
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    /// The username as typed.
    pub username: &'a str,
    /// The password as typed.
    pub password: &'a str,
}

/// Why [`authenticate`] found no user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginRefused {
    /// Unknown username, wrong password or inactive user: deliberately indistinguishable.
    InvalidLogin,
    /// Too many recent failures from this client (see [`super::throttle`]).
    Throttled(std::time::Duration),
}

impl std::fmt::Display for LoginRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoginRefused::InvalidLogin => f.write_str(
                "Please enter a correct username and password. Note that both fields may be \
                 case-sensitive.",
            ),
            LoginRefused::Throttled(retry_after) => f.write_str(&refusal_message(*retry_after)),
        }
    }
}

/// Django's `authenticate(request, username=…, password=…)` with `ModelBackend`'s rules, plus
/// throttling (see [`super::throttle`]: the client is the one `CLIENT_IP_*` settings name,
/// and a device cookie from an earlier login spares it other clients' failures).
///
/// Unknown users cost a dummy hash so timing does not reveal which usernames exist; inactive
/// users fail like a wrong password; a correct password stored with an older algorithm or
/// weaker parameters (say a Django `pbkdf2_sha256$…` hash) is re-hashed to the current default
/// and saved. A failed login changes nothing in the database.
pub async fn authenticate(
    request: &Request,
    credentials: Credentials<'_>,
) -> Result<std::result::Result<User, LoginRefused>> {
    let site = request.site().clone();
    let db = database(&site)?;
    let secret = secret_key(&site)?;
    let throttle = login_throttle(&site)?;
    let peer = peer_address(&request.extensions);
    let client = site
        .client_ip
        .client_ip(&request.headers, peer)
        .map(network_key);
    let username = super::models::normalize_username(credentials.username);
    let device = device::presented(&request.headers, &username, secret);
    let attempt = Attempt {
        username: &username,
        client: client.as_deref(),
        device: device.as_deref(),
    };
    let decision = throttle.begin(&attempt).await?;
    match decision.verdict {
        Verdict::Refuse { retry_after } => return Ok(Err(LoginRefused::Throttled(retry_after))),
        Verdict::Wait(wait) => tokio::time::sleep(wait).await,
        Verdict::Allow => {}
    }
    let found = {
        let username = username.clone();
        db.run(move |conn| User::by_username(conn, &username))
            .await?
    };
    let password = credentials.password;
    let authenticated = match found {
        Some(user) => {
            let correct = verify_password(password, &user.password).await;
            (correct && user.is_active).then_some(user)
        }
        None => {
            dummy_verify(password).await;
            None
        }
    };
    // A failure was counted when the attempt began; a success takes it back.
    let Some(user) = authenticated else {
        return Ok(Err(LoginRefused::InvalidLogin));
    };
    throttle.succeeded(&decision).await?;
    let user = upgrade_hash(&db, user, password).await?;
    Ok(Ok(user))
}

/// Re-hashes a correct password whose stored hash is not the current default, saving only
/// the password column.
async fn upgrade_hash(db: &Db, mut user: User, raw: &str) -> Result<User> {
    if !must_update(&user.password) {
        return Ok(user);
    }
    let encoded = hash_password(raw).await?;
    let (id, new) = (user.id, encoded.clone());
    db.run(move |conn| {
        diesel::update(user::table.filter(user::id.eq(id)))
            .set(user::password.eq(new))
            .execute(conn)?;
        Ok(())
    })
    .await?;
    user.password = encoded;
    Ok(user)
}

/// Django's `login(request, user)`: the session gets a new key (its data kept, unless it
/// belonged to another user: then it starts empty), the user's id and auth hash; the CSRF
/// token is rotated and `last_login` set. Rotating the key defeats session fixation: an id
/// planted before login is worthless after it. The response also gives the browser a
/// [device cookie](super::throttle::device) for the user.
pub async fn login(request: &Request, user: &User) -> Result<()> {
    let site = request.site();
    let session = session(&request.extensions)?;
    let secret = secret_key(site)?;
    let hash = session_auth_hash(&user.password, secret);
    let previous: Option<String> = session.get(SESSION_KEY).await.map_err(session_error)?;
    match previous {
        Some(id) => {
            let stored: String = session
                .get(HASH_SESSION_KEY)
                .await
                .map_err(session_error)?
                .unwrap_or_default();
            if id != user.id.to_string()
                || !verify_session_auth_hash(&stored, &user.password, secret)
            {
                session.flush().await.map_err(session_error)?;
            } else {
                session.cycle_id().await.map_err(session_error)?;
            }
        }
        None => session.cycle_id().await.map_err(session_error)?,
    }
    session
        .insert(SESSION_KEY, user.id.to_string())
        .await
        .map_err(session_error)?;
    session
        .insert(BACKEND_SESSION_KEY, BACKEND)
        .await
        .map_err(session_error)?;
    session
        .insert(HASH_SESSION_KEY, hash)
        .await
        .map_err(session_error)?;
    crate::csrf::rotate_token(request);
    issue_device_cookie(request, &user.username, secret);
    let db = database(site)?;
    let id = user.id;
    db.run(move |conn| {
        diesel::update(user::table.filter(user::id.eq(id)))
            .set(user::last_login.eq(Some(crate::db::now())))
            .execute(conn)?;
        Ok(())
    })
    .await
}

/// Has the response set a new device cookie for `username` (see the authentication
/// middleware, which adds it).
fn issue_device_cookie(request: &Request, username: &str, secret: &str) {
    let Some(pending) = request.extensions.get::<PendingCookie>() else {
        tracing::warn!("login() called on a request the authentication middleware did not see");
        return;
    };
    let site = request.site();
    let Ok(throttle) = login_throttle(site) else {
        return;
    };
    pending.set(device::set_cookie(
        username,
        secret,
        throttle.config().device_cookie_age,
        site.settings.session.cookie_secure,
    ));
}

/// The throttle the auth app built in [`App::ready`](crate::core::App::ready).
fn login_throttle(site: &SiteState) -> Result<&LoginThrottle> {
    site.app_state::<Arc<LoginThrottle>>()
        .map(|throttle| &**throttle)
        .ok_or_else(|| {
            Error::ImproperlyConfigured(
                "login() needs the auth app: add pony::auth::AuthConfig to installed_apps!"
                    .to_owned(),
            )
        })
}

/// Keeps a session logged in after its user changed their password (Django's
/// `update_session_auth_hash`): the session gets a new key and the new hash, while every other
/// session of the user stops matching and is logged out.
pub async fn update_session_auth_hash(request: &Request, user: &User) -> Result<()> {
    let session = session(&request.extensions)?;
    let secret = secret_key(request.site())?;
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(HASH_SESSION_KEY, session_auth_hash(&user.password, secret))
        .await
        .map_err(session_error)
}

/// Django's `logout(request)`: the session is emptied and deleted (its cookie too), so
/// replaying the old cookie finds nobody.
pub async fn logout(request: &Request) -> Result<()> {
    let session = session(&request.extensions)?;
    session.flush().await.map_err(session_error)
}

/// The authentication middleware: reads the session and puts a [`CurrentUser`] on the
/// request (and, after a login, sets its device cookie). A session whose auth hash no longer
/// matches the user's password (changed elsewhere) or whose user is gone or inactive is
/// flushed: that browser is logged out.
pub async fn authentication_middleware(
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let user = match current_user(request.extensions()).await {
        Ok(user) => user,
        Err(error) => return axum::response::IntoResponse::into_response(error),
    };
    if let Some(record) = request.extensions().get::<DebugRecord>() {
        record.update(|data| data.user = Some(user.describe()));
    }
    request.extensions_mut().insert(user);
    let pending = PendingCookie::default();
    request.extensions_mut().insert(pending.clone());
    let mut response = next.run(request).await;
    pending.apply(response.headers_mut());
    response
}

async fn current_user(extensions: &Extensions) -> Result<CurrentUser> {
    let (Some(session), Some(site)) = (
        extensions.get::<Session>(),
        extensions.get::<Arc<SiteState>>(),
    ) else {
        return Ok(CurrentUser::anonymous());
    };
    let Some(id) = session
        .get::<String>(SESSION_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(CurrentUser::anonymous());
    };
    let stored_hash: String = session
        .get(HASH_SESSION_KEY)
        .await
        .map_err(session_error)?
        .unwrap_or_default();
    let Ok(id) = id.parse::<i64>() else {
        session.flush().await.map_err(session_error)?;
        return Ok(CurrentUser::anonymous());
    };
    let db = database(site)?;
    let loaded = db
        .run(move |conn| {
            let Some(user) = User::objects()
                .filter(user::id.eq(id))
                .first::<User>(conn)
                .optional()?
            else {
                return Ok(None);
            };
            // An active superuser has every permission without looking them up.
            let permissions = if user.is_superuser {
                Default::default()
            } else {
                user.get_all_permissions(conn)?
            };
            Ok(Some((user, permissions)))
        })
        .await?;
    let secret = secret_key(site)?;
    match loaded {
        Some((user, permissions))
            if user.is_active && verify_session_auth_hash(&stored_hash, &user.password, secret) =>
        {
            Ok(CurrentUser::authenticated(user, permissions))
        }
        _ => {
            session.flush().await.map_err(session_error)?;
            Ok(CurrentUser::anonymous())
        }
    }
}

fn session(extensions: &Extensions) -> Result<&Session> {
    extensions.get::<Session>().ok_or_else(|| {
        Error::ImproperlyConfigured(
            "login and logout need sessions: install pony's sessions app".to_owned(),
        )
    })
}

fn database(site: &SiteState) -> Result<Db> {
    site.db.clone().ok_or_else(|| {
        Error::ImproperlyConfigured("the auth app needs a database (DATABASE_URL)".to_owned())
    })
}

fn secret_key(site: &SiteState) -> Result<&str> {
    site.settings
        .secret_key
        .as_ref()
        .map(|key| key.expose())
        .ok_or_else(|| {
            Error::ImproperlyConfigured("the SECRET_KEY setting must not be empty".to_owned())
        })
}

fn session_error(error: tower_sessions::session::Error) -> Error {
    Error::other(format!("the session store failed: {error}"))
}
