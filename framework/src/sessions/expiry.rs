//! A session's own expiry, kept with the session as Django keeps it.
//!
//! A view calls tower-sessions' `session.set_expiry(…)`; the middleware stores the choice in
//! the session's data under Django's reserved key `_session_expiry`, so it holds on every
//! later request (the store's expiry date and the cookie agree), until a view sets another:
//!
//! | `set_expiry(…)`                      | stored | cookie                 | the store forgets it       |
//! |--------------------------------------|--------|------------------------|----------------------------|
//! | `Some(Expiry::OnSessionEnd)`         | `0`    | no `Max-Age`/`expires` | `SESSION_COOKIE_AGE` after the last save |
//! | `Some(Expiry::OnInactivity(d))`      | seconds | `Max-Age` = `d`       | `d` after the last save    |
//! | `Some(Expiry::AtDateTime(t))`        | RFC 3339 date | until `t`       | at `t`                     |
//! | `None`                               | removed | `SESSION_COOKIE_AGE`, or none with `SESSION_EXPIRE_AT_BROWSER_CLOSE` | `SESSION_COOKIE_AGE` after the last save |
//!
//! ```
//! use pony::sessions::{Duration, Expiry, Session};
//!
//! async fn log_in(session: Session, remember_me: bool) -> pony::Result<()> {
//!     session.set_expiry(Some(if remember_me {
//!         Expiry::OnInactivity(Duration::days(30)) // set_expiry(30 * 86400)
//!     } else {
//!         Expiry::OnSessionEnd // set_expiry(0)
//!     }));
//!     Ok(())
//! }
//! ```
//!
//! During a request, `session.expiry()` only shows what the view itself set;
//! [`stored_expiry`] reads the choice an earlier request stored.

use serde_json::Value;
use tower_sessions::Session;
use tower_sessions::cookie::time::format_description::well_known::Rfc3339;
use tower_sessions::cookie::time::{Duration, OffsetDateTime};
use tower_sessions::session::Expiry;

use crate::conf::SessionSettings;

/// The session key under which a custom expiry is stored (Django's).
pub const EXPIRY_KEY: &str = "_session_expiry";

/// The custom expiry stored in `session`, if any (a value pony did not write counts as none).
///
/// ```
/// # async fn view(session: pony::sessions::Session) -> pony::Result<()> {
/// use pony::sessions::{Expiry, expiry::stored_expiry};
/// let closes_with_the_browser = stored_expiry(&session).await? == Some(Expiry::OnSessionEnd);
/// # let _ = closes_with_the_browser; Ok(()) }
/// ```
///
/// # Errors
///
/// The store could not load the session.
pub async fn stored_expiry(
    session: &Session,
) -> Result<Option<Expiry>, tower_sessions::session::Error> {
    Ok(session
        .get_value(EXPIRY_KEY)
        .await?
        .as_ref()
        .and_then(decode))
}

/// The expiry as Django stores it: `0` for the end of the browser session, seconds of
/// inactivity, or an RFC 3339 date. A duration that is not positive is a date (now plus it), as
/// Django turns a `timedelta` into a date: stored as `0` it would mean "at browser close".
pub(crate) fn encode(expiry: Expiry) -> Value {
    let at = |date: OffsetDateTime| date.format(&Rfc3339).map_or(Value::Null, Value::String);
    match expiry {
        Expiry::OnSessionEnd => Value::from(0),
        Expiry::OnInactivity(duration) if duration <= Duration::ZERO => {
            at(OffsetDateTime::now_utc().saturating_add(duration))
        }
        Expiry::OnInactivity(duration) if duration.subsec_nanoseconds() == 0 => {
            Value::from(duration.whole_seconds())
        }
        Expiry::OnInactivity(duration) => Value::from(duration.as_seconds_f64()),
        Expiry::AtDateTime(date) => at(date),
    }
}

/// The expiry a stored value stands for; `None` for anything else (the global policy applies).
pub(crate) fn decode(value: &Value) -> Option<Expiry> {
    match value {
        Value::Number(number) => {
            let seconds = match number.as_i64() {
                Some(0) => return Some(Expiry::OnSessionEnd),
                Some(whole) => Duration::seconds(whole),
                None => Duration::checked_seconds_f64(number.as_f64()?)?,
            };
            Some(if seconds.is_zero() {
                Expiry::OnSessionEnd
            } else {
                Expiry::OnInactivity(seconds)
            })
        }
        Value::String(date) => OffsetDateTime::parse(date, &Rfc3339)
            .ok()
            .map(Expiry::AtDateTime),
        _ => None,
    }
}

/// The expiry each request's session starts with: `SESSION_COOKIE_AGE`, plus one nanosecond
/// so that the middleware can tell it from any expiry a view sets (even
/// `OnInactivity(SESSION_COOKIE_AGE)`, which differs from the default when
/// `SESSION_EXPIRE_AT_BROWSER_CLOSE` is on). A nanosecond never shows: dates are stored to
/// the microsecond, cookies to the second.
pub(crate) fn initial(settings: &SessionSettings) -> Expiry {
    Expiry::OnInactivity(Duration::new(settings.cookie_age, 1))
}

/// What the store's expiry date follows for a session whose custom expiry is `custom`.
pub(crate) fn for_store(settings: &SessionSettings, custom: Option<Expiry>) -> Expiry {
    match custom {
        Some(expiry @ (Expiry::OnInactivity(_) | Expiry::AtDateTime(_))) => expiry,
        // Django keeps a browser-session session on the server for SESSION_COOKIE_AGE.
        Some(Expiry::OnSessionEnd) | None => {
            Expiry::OnInactivity(Duration::seconds(settings.cookie_age))
        }
    }
}

/// The cookie's `Max-Age` for a session whose custom expiry is `custom`; `None` for a
/// browser-session cookie. Django's `get_expire_at_browser_close` and `get_expiry_age`.
pub(crate) fn max_age(settings: &SessionSettings, custom: Option<Expiry>) -> Option<i64> {
    match custom {
        None => (!settings.expire_at_browser_close).then_some(settings.cookie_age),
        Some(Expiry::OnSessionEnd) => None,
        Some(Expiry::OnInactivity(duration)) => Some(duration.whole_seconds().max(0)),
        Some(Expiry::AtDateTime(at)) => {
            Some((at - OffsetDateTime::now_utc()).whole_seconds().max(0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(toml: &str) -> SessionSettings {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("settings.toml"), toml).unwrap();
        crate::Settings::load_from(dir.path(), |_| None)
            .unwrap()
            .session
    }

    #[test]
    fn every_expiry_survives_being_stored() {
        let noon = OffsetDateTime::parse("2030-06-01T12:00:00.123456789Z", &Rfc3339).unwrap();
        for expiry in [
            Expiry::OnSessionEnd,
            Expiry::OnInactivity(Duration::seconds(300)),
            Expiry::OnInactivity(Duration::milliseconds(1500)),
            Expiry::AtDateTime(noon),
        ] {
            assert_eq!(decode(&encode(expiry)), Some(expiry), "{expiry:?}");
        }
        assert_eq!(encode(Expiry::OnSessionEnd), Value::from(0));
        assert_eq!(
            encode(Expiry::OnInactivity(Duration::seconds(300))),
            Value::from(300)
        );
        assert_eq!(
            encode(Expiry::AtDateTime(noon)),
            Value::from("2030-06-01T12:00:00.123456789Z")
        );
    }

    #[test]
    fn a_duration_that_is_not_positive_is_stored_as_now_not_as_browser_close() {
        let stored = decode(&encode(Expiry::OnInactivity(Duration::ZERO)));
        let Some(Expiry::AtDateTime(at)) = stored else {
            panic!("{stored:?}");
        };
        assert!((OffsetDateTime::now_utc() - at).whole_seconds().abs() <= 1);
    }

    #[test]
    fn what_pony_did_not_write_is_no_expiry() {
        for value in [
            Value::Null,
            Value::Bool(true),
            Value::from("tomorrow"),
            Value::from(f64::MAX),
            serde_json::json!([1]),
        ] {
            assert_eq!(decode(&value), None, "{value}");
        }
        assert_eq!(decode(&Value::from(0.0)), Some(Expiry::OnSessionEnd));
        // Django's own forms: seconds and isoformat().
        assert_eq!(
            decode(&Value::from(60)),
            Some(Expiry::OnInactivity(Duration::seconds(60)))
        );
        assert!(matches!(
            decode(&Value::from("2030-06-01T12:00:00.123456+00:00")),
            Some(Expiry::AtDateTime(_))
        ));
    }

    #[test]
    fn the_cookie_and_the_store_follow_the_custom_expiry_or_the_settings() {
        let two_weeks = settings("");
        let default = Expiry::OnInactivity(Duration::seconds(1_209_600));
        assert_ne!(initial(&two_weeks), default);
        assert_eq!(max_age(&two_weeks, None), Some(1_209_600));
        assert_eq!(for_store(&two_weeks, None), default);
        assert_eq!(max_age(&two_weeks, Some(Expiry::OnSessionEnd)), None);
        assert_eq!(for_store(&two_weeks, Some(Expiry::OnSessionEnd)), default);
        let minute = Expiry::OnInactivity(Duration::seconds(60));
        assert_eq!(max_age(&two_weeks, Some(minute)), Some(60));
        assert_eq!(for_store(&two_weeks, Some(minute)), minute);
        let in_an_hour = Expiry::AtDateTime(OffsetDateTime::now_utc() + Duration::hours(1));
        let age = max_age(&two_weeks, Some(in_an_hour)).unwrap();
        assert!((3598..=3600).contains(&age), "{age}");
        assert_eq!(for_store(&two_weeks, Some(in_an_hour)), in_an_hour);
        let past = Expiry::AtDateTime(OffsetDateTime::now_utc() - Duration::hours(1));
        assert_eq!(max_age(&two_weeks, Some(past)), Some(0));

        // A custom duration beats SESSION_EXPIRE_AT_BROWSER_CLOSE, as in Django.
        let browser = settings("SESSION_EXPIRE_AT_BROWSER_CLOSE = true\nSESSION_COOKIE_AGE = 300");
        assert_eq!(max_age(&browser, None), None);
        assert_eq!(
            for_store(&browser, None),
            Expiry::OnInactivity(Duration::seconds(300))
        );
        assert_eq!(max_age(&browser, Some(minute)), Some(60));
    }
}
