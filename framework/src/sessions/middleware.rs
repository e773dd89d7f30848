//! The session middleware, Django's `SessionMiddleware` on tower-sessions' types.
//!
//! Per request: the cookie's key (only a well-formed one, see [`key`](super::key)) becomes a
//! lazy [`Session`] in the request's extensions; nothing is read from the store until a
//! handler touches the session. After the handler, as Django's `process_response`:
//!
//! - the request had a session cookie and the session is now empty (flushed, or its key was
//!   unknown and nothing was written): the cookie is deleted;
//! - otherwise, when the session was modified (or `SESSION_SAVE_EVERY_REQUEST`) and is not
//!   empty, it is saved and the cookie (re)sent — unless the response is a 5xx, whose
//!   session writes are dropped;
//! - `Vary: Cookie` whenever the session was accessed.
//!
//! A key the store does not know (invented by a client, expired, deleted) is never adopted:
//! tower-sessions forgets it on load, and saving creates a key of the store's own making. That
//! is what defeats session fixation.

use std::sync::{Arc, Once};

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::SET_COOKIE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::cookie::time::{Duration, OffsetDateTime};
use tower_sessions::session::Expiry;
use tower_sessions::{Session, SessionStore};

use super::cookie::{delete_cookie, request_cookie, set_cookie, vary_on_cookie};
use super::db_store::DatabaseStore;
use super::key::{cookie_value, parse_cookie_value};
use super::request_store::RequestStore;
use super::{INTERRUPTED, SESSION_INTERRUPTED};
use crate::conf::SessionSettings;
use crate::error::{Error, ErrorSlot};
use crate::http::DebugRecord;

/// How often the server deletes expired sessions from the database.
pub const CLEANUP_PERIOD: std::time::Duration = std::time::Duration::from_secs(3600);

/// What the middleware needs: the store, the settings, and the hourly clean-up.
pub(crate) struct SessionLayerState {
    pub(crate) store: Arc<dyn SessionStore>,
    pub(crate) settings: SessionSettings,
    pub(crate) debug: bool,
    /// The database store, whose expired rows the server deletes every hour.
    pub(crate) cleanup: Option<DatabaseStore>,
    pub(crate) cleanup_started: Once,
}

impl SessionLayerState {
    /// The expiry every session starts with: `SESSION_COOKIE_AGE` after its last save.
    fn default_expiry(&self) -> Expiry {
        Expiry::OnInactivity(Duration::seconds(self.settings.cookie_age))
    }

    /// Starts the hourly deletion of expired sessions, once, on the server's runtime (the
    /// first request is the first moment pony is sure to run inside it).
    fn start_cleanup(&self) {
        let Some(store) = self.cleanup.clone() else {
            return;
        };
        self.cleanup_started.call_once(|| {
            tokio::spawn(async move {
                let mut every_hour = tokio::time::interval(CLEANUP_PERIOD);
                every_hour.tick().await; // the first tick is now
                loop {
                    every_hour.tick().await;
                    match store.clear_expired().await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!("Deleted {n} expired session(s)."),
                        Err(error) => {
                            tracing::error!("Deleting expired sessions failed: {error}");
                        }
                    }
                }
            });
        });
    }

    /// The cookie's `Max-Age` for `session`, `None` for a browser-session cookie.
    fn max_age(&self, session: &Session) -> Option<i64> {
        match session.expiry() {
            Some(expiry) if expiry == self.default_expiry() => {
                (!self.settings.expire_at_browser_close).then_some(self.settings.cookie_age)
            }
            Some(Expiry::OnSessionEnd) | None => None,
            Some(Expiry::OnInactivity(duration)) => Some(duration.whole_seconds().max(0)),
            Some(Expiry::AtDateTime(at)) => {
                Some((at - OffsetDateTime::now_utc()).whole_seconds().max(0))
            }
        }
    }
}

/// The middleware function (see the module's documentation).
pub(crate) async fn sessions(
    State(state): State<Arc<SessionLayerState>>,
    mut request: Request,
    next: Next,
) -> Response {
    state.start_cleanup();
    let cookie = request_cookie(request.headers(), &state.settings.cookie_name);
    let id = cookie.as_deref().and_then(parse_cookie_value);
    let store = Arc::new(RequestStore::new(state.store.clone()));
    let session = Session::new(id, store.clone(), Some(state.default_expiry()));
    request.extensions_mut().insert(session.clone());
    let debug_record = request.extensions().get::<DebugRecord>().cloned();

    let mut response = next.run(request).await;
    if let Err(error) = finish(&state, &session, &store, cookie.is_some(), &mut response).await {
        return error.into_response();
    }
    if state.debug
        && response.extensions().get::<ErrorSlot>().is_some()
        && let Some(record) = debug_record
    {
        let pairs = session_pairs(&session, &store).await;
        record.update(|data| data.session = Some(pairs));
    }
    response
}

/// Django's `SessionMiddleware.process_response`.
async fn finish(
    state: &SessionLayerState,
    session: &Session,
    store: &RequestStore,
    had_cookie: bool,
    response: &mut Response,
) -> Result<(), Error> {
    let settings = &state.settings;
    let modified = session.is_modified();
    let empty = session.is_empty().await;
    let accessed = modified || store.was_loaded() || record_touched(session);
    if had_cookie && empty {
        if let Ok(value) = HeaderValue::from_str(&delete_cookie(settings)) {
            response.headers_mut().append(SET_COOKIE, value);
        }
        vary_on_cookie(response.headers_mut());
        return Ok(());
    }
    if accessed {
        vary_on_cookie(response.headers_mut());
    }
    let wanted = modified || settings.save_every_request;
    if !wanted || empty || response.status().is_server_error() {
        return Ok(());
    }
    if let Err(error) = session.save().await {
        if error.to_string() == INTERRUPTED {
            return Err(Error::BadRequest(SESSION_INTERRUPTED.to_owned()));
        }
        return Err(Error::other(format!(
            "The session could not be saved: {error}"
        )));
    }
    let Some(id) = session.id() else {
        return Err(Error::other(
            "The session store saved the session without a key",
        ));
    };
    let cookie = set_cookie(settings, &cookie_value(&id), state.max_age(session));
    let value = HeaderValue::from_str(&cookie)
        .map_err(|_| Error::other("The session cookie is not a valid header value"))?;
    response.headers_mut().append(SET_COOKIE, value);
    Ok(())
}

/// Whether a handler touched the session without it reaching the store (a request without a
/// session cookie whose handler read or wrote it).
///
/// tower-sessions keeps that to itself: its record is loaded lazily, and only its `Debug`
/// output shows whether the record exists yet (`record: Mutex { data: None }` until then).
/// This only runs when the cheaper signals (modified, loaded) said no, and then the record is
/// empty, so formatting it costs little. Should the format ever change, the answer is "yes":
/// an extra `Vary: Cookie` only costs cacheability, a missing one could leak a private page
/// through a shared cache. The unit tests pin the format.
fn record_touched(session: &Session) -> bool {
    let shown = format!("{session:?}");
    !shown.contains("record: Mutex { data: None }")
}

/// The session's variables for the DEBUG page, each value as JSON, sorted by name. Nothing
/// is persisted: the store only records what it is given from here on.
async fn session_pairs(session: &Session, store: &RequestStore) -> Vec<(String, String)> {
    store.stop_persisting();
    if session.save().await.is_err() {
        return Vec::new();
    }
    let mut pairs: Vec<(String, String)> = store
        .snapshot()
        .map(|record| {
            record
                .data
                .into_iter()
                .map(|(key, value)| (key, value.to_string()))
                .collect()
        })
        .unwrap_or_default();
    pairs.sort();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(toml: &str) -> SessionLayerState {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("settings.toml"), toml).unwrap();
        let settings = crate::Settings::load_from(dir.path(), |_| None).unwrap();
        SessionLayerState {
            store: Arc::new(super::super::UnavailableStore {
                reason: "unused".to_owned(),
            }),
            settings: settings.session,
            debug: false,
            cleanup: None,
            cleanup_started: Once::new(),
        }
    }

    #[test]
    fn the_cookie_lives_as_long_as_the_settings_or_the_session_say() {
        let two_weeks = state("");
        let session = Session::new(
            None,
            Arc::new(RequestStore::new(two_weeks.store.clone())),
            Some(two_weeks.default_expiry()),
        );
        assert_eq!(two_weeks.max_age(&session), Some(1_209_600));
        session.set_expiry(Some(Expiry::OnInactivity(Duration::seconds(60))));
        assert_eq!(two_weeks.max_age(&session), Some(60));
        session.set_expiry(Some(Expiry::OnSessionEnd));
        assert_eq!(two_weeks.max_age(&session), None);
        let in_an_hour = OffsetDateTime::now_utc() + Duration::hours(1);
        session.set_expiry(Some(Expiry::AtDateTime(in_an_hour)));
        let age = two_weeks.max_age(&session).unwrap();
        assert!((3598..=3600).contains(&age), "{age}");

        let browser = state("SESSION_EXPIRE_AT_BROWSER_CLOSE = true\nSESSION_COOKIE_AGE = 300");
        let session = Session::new(
            None,
            Arc::new(RequestStore::new(browser.store.clone())),
            Some(browser.default_expiry()),
        );
        assert_eq!(browser.max_age(&session), None);
        // The store still forgets it after SESSION_COOKIE_AGE.
        let expires_in = session.expiry_date() - OffsetDateTime::now_utc();
        assert!((299..=300).contains(&expires_in.whole_seconds()));
    }

    #[tokio::test]
    async fn an_untouched_session_is_told_from_a_touched_one() {
        let backend: Arc<dyn SessionStore> =
            Arc::new(super::super::db_store::tests::sqlite_store().await);
        let untouched = Session::new(None, Arc::new(RequestStore::new(backend.clone())), None);
        assert!(!record_touched(&untouched));
        let read = Session::new(None, Arc::new(RequestStore::new(backend.clone())), None);
        assert_eq!(read.get::<i64>("n").await.unwrap(), None);
        assert!(record_touched(&read));
        assert!(!read.is_modified());
    }

    #[tokio::test]
    async fn a_session_deleted_meanwhile_is_djangos_session_interrupted() {
        let backend = super::super::db_store::tests::sqlite_store().await;
        let mut state = state("");
        state.store = Arc::new(backend.clone());
        let mut record = tower_sessions::session::Record {
            id: Default::default(),
            data: Default::default(),
            expiry_date: OffsetDateTime::now_utc() + Duration::hours(1),
        };
        backend.create(&mut record).await.unwrap();

        let store = Arc::new(RequestStore::new(state.store.clone()));
        let session = Session::new(Some(record.id), store.clone(), Some(state.default_expiry()));
        assert_eq!(session.get::<i64>("n").await.unwrap(), None); // loaded: it exists
        backend.delete(&record.id).await.unwrap(); // a logout in another tab
        session.insert("n", 1).await.unwrap();
        let mut response = Response::new(axum::body::Body::empty());
        let error = finish(&state, &session, &store, true, &mut response)
            .await
            .unwrap_err();
        assert_eq!(error.status(), axum::http::StatusCode::BAD_REQUEST);
        assert_eq!(error.to_string(), SESSION_INTERRUPTED);
        assert!(backend.load(&record.id).await.unwrap().is_none());
    }
}
