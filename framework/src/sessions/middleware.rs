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
//!   session writes are dropped; an expiry the view set with `session.set_expiry` is stored
//!   with the session and decides the store's expiry date and the cookie's `Max-Age`, on this
//!   request and later ones (see [`expiry`](super::expiry));
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
use tower_sessions::{Session, SessionStore};

use super::cookie::{delete_cookie, set_cookie};
use super::db_store::DatabaseStore;
use super::expiry;
use super::key::{cookie_value, parse_cookie_value};
use super::request_store::RequestStore;
use super::{INTERRUPTED, SESSION_INTERRUPTED};
use crate::conf::SessionSettings;
use crate::core::DebugRecord;
use crate::core::{request_cookie, vary_on_cookie};
use crate::error::{Error, ErrorSlot};

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
    let session = Session::new(id, store.clone(), Some(expiry::initial(&state.settings)));
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
    let accessed = modified || store.was_loaded() || record_touched(session);
    if session.expiry() != Some(expiry::initial(settings)) {
        keep_expiry_set_by_view(session, store).await?;
    }
    let empty = session.is_empty().await;
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
    let custom = expiry::stored_expiry(session).await?;
    session.set_expiry(Some(expiry::for_store(settings, custom)));
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
    let cookie = set_cookie(
        settings,
        &cookie_value(&id),
        expiry::max_age(settings, custom),
    );
    let value = HeaderValue::from_str(&cookie)
        .map_err(|_| Error::other("The session cookie is not a valid header value"))?;
    response.headers_mut().append(SET_COOKIE, value);
    Ok(())
}

/// Stores the expiry the view set with `session.set_expiry` in the session (Django's
/// `set_expiry` writes `_session_expiry`), or removes the stored one for `None`. A session the
/// view flushed keeps nothing: its data is gone, the expiry with it.
async fn keep_expiry_set_by_view(session: &Session, store: &RequestStore) -> Result<(), Error> {
    match session.expiry() {
        None => {
            session.remove_value(expiry::EXPIRY_KEY).await?;
        }
        Some(_) if store.was_deleted() && session.is_empty().await => {}
        Some(chosen) => {
            session
                .insert_value(expiry::EXPIRY_KEY, expiry::encode(chosen))
                .await?;
        }
    }
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
    use tower_sessions::cookie::time::{Duration, OffsetDateTime};
    use tower_sessions::session::{Expiry, Id};

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

    /// One request on `state`'s store: the view's `act` on the session with key `id`, then the
    /// middleware's work; the `Set-Cookie` it sent, and the key the session ended with.
    async fn request<F, Fut>(
        state: &SessionLayerState,
        id: Option<Id>,
        act: F,
    ) -> (Option<String>, Option<Id>)
    where
        F: FnOnce(Session) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let store = Arc::new(RequestStore::new(state.store.clone()));
        let session = Session::new(id, store.clone(), Some(expiry::initial(&state.settings)));
        act(session.clone()).await;
        let mut response = Response::new(axum::body::Body::empty());
        finish(state, &session, &store, id.is_some(), &mut response)
            .await
            .unwrap();
        let cookie = response
            .headers()
            .get(SET_COOKIE)
            .map(|value| value.to_str().unwrap().to_owned());
        (cookie, session.id())
    }

    /// The seconds until the stored session with key `id` expires.
    async fn expires_in(state: &SessionLayerState, id: Id) -> i64 {
        let record = state.store.load(&id).await.unwrap().unwrap();
        (record.expiry_date - OffsetDateTime::now_utc()).whole_seconds()
    }

    #[tokio::test]
    async fn an_expiry_set_by_a_view_holds_on_later_requests() {
        let mut state = state("");
        state.store = Arc::new(super::super::db_store::tests::sqlite_store().await);
        let two_weeks = 1_209_600;

        // set_expiry(0) alone saves the session: a browser-session cookie, two weeks on the server.
        let (cookie, id) = request(&state, None, |session| async move {
            session.set_expiry(Some(Expiry::OnSessionEnd));
        })
        .await;
        let cookie = cookie.unwrap();
        assert!(
            !cookie.contains("Max-Age") && !cookie.contains("expires"),
            "{cookie}"
        );
        let id = id.unwrap();
        assert!((two_weeks - 2..=two_weeks).contains(&expires_in(&state, id).await));

        // A later request that only writes data keeps it.
        let (cookie, _) = request(&state, Some(id), |session| async move {
            session.insert("n", 1).await.unwrap();
        })
        .await;
        assert!(!cookie.unwrap().contains("Max-Age"));

        // Seconds of inactivity: the cookie and the store agree, now and later.
        let (cookie, _) = request(&state, Some(id), |session| async move {
            session.set_expiry(Some(Expiry::OnInactivity(Duration::seconds(60))));
        })
        .await;
        assert!(cookie.unwrap().contains("; Max-Age=60;"));
        let (cookie, _) = request(&state, Some(id), |session| async move {
            session.insert("n", 2).await.unwrap();
            let stored = expiry::stored_expiry(&session).await.unwrap();
            assert_eq!(stored, Some(Expiry::OnInactivity(Duration::seconds(60))));
        })
        .await;
        assert!(cookie.unwrap().contains("; Max-Age=60;"));
        assert!((58..=60).contains(&expires_in(&state, id).await));

        // None: back to the settings.
        let (cookie, _) = request(&state, Some(id), |session| async move {
            session.set_expiry(None);
        })
        .await;
        assert!(cookie.unwrap().contains("; Max-Age=1209600;"));
        let record = state.store.load(&id).await.unwrap().unwrap();
        assert!(!record.data.contains_key(expiry::EXPIRY_KEY));
        assert_eq!(record.data["n"], 2);

        // A view that sets an expiry and then flushes leaves nothing behind.
        let (cookie, id) = request(&state, Some(id), |session| async move {
            session.set_expiry(Some(Expiry::OnSessionEnd));
            session.flush().await.unwrap();
        })
        .await;
        assert!(cookie.unwrap().contains("Max-Age=0"));
        assert_eq!(id, None);
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
        let session = Session::new(
            Some(record.id),
            store.clone(),
            Some(expiry::initial(&state.settings)),
        );
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
