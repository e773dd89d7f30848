//! Login throttling, which Django leaves to third-party apps.
//!
//! Every login attempt is counted as a failure the moment it is let through and forgiven when
//! its password turns out right, so a burst of parallel attempts is counted as it arrives.
//! Failures are counted over a sliding window (`LOGIN_THROTTLE_WINDOW` seconds, default 900)
//! per **client** — its [network](crate::core::network_key) (an IPv4 address or an IPv6 /64,
//! from the peer or a [trusted proxy header](crate::core::ClientIpSettings)) — per
//! **username** (case-insensitive), and per **device** (see below):
//!
//! - **one username from one client**: after `LOGIN_THROTTLE_LIMIT` failures (default 5) that
//!   client is refused for that username until the window has passed;
//! - **one client, any usernames** (password spraying): after four times the limit, that
//!   client is refused for every username;
//! - **one username, from anywhere** (the username is under attack): after the limit, password
//!   checks for it are serialised: at most one starts per `LOGIN_THROTTLE_DELAY` seconds
//!   (default 1; fractions allowed), each attempt waiting for its turn, and an attempt whose
//!   turn is more than `LOGIN_THROTTLE_MAX_WAIT` seconds away (default 10) is refused.
//!
//! **Devices.** A successful login gives the browser a device cookie (`logindevice`, signed
//! with `SECRET_KEY`, bound to the username, HttpOnly, `SameSite=Lax`, `Secure` when the
//! session cookie is, kept `LOGIN_THROTTLE_DEVICE_COOKIE_AGE` seconds, default one year; see
//! [`device`]). An attempt presenting a valid device cookie for its username is judged by that
//! device's own failures only: after the limit the device is refused until the window has
//! passed; nothing any other client does slows or refuses it.
//!
//! **What is promised.** An attacker can never lock a victim out of a browser the victim has
//! logged in with before (within the device cookie's lifetime): from there, the victim's
//! logins are never slowed or refused by anyone else's failures, whatever address the attacker
//! shares. Without a device cookie a victim can be made to wait up to `LOGIN_THROTTLE_MAX_WAIT`,
//! or be refused while the attacker keeps the username's queue full (the price of not letting
//! parallel guesses through), or be refused with everyone sharing their address (one NAT, or a
//! proxy without `CLIENT_IP_HEADER`). A refusal never checks the password. A client whose
//! address is unknown (a server without `ConnectInfo`, such as plain `axum::serve`) has no
//! client counts: only the username's serialisation and device counts apply to it.
//!
//! **Where counts live.** With `SESSION_ENGINE = "redis"` the counts and the queues are in
//! that Redis (`SESSION_REDIS_URL`), shared by every server process, under keys starting with
//! `LOGIN_THROTTLE_REDIS_PREFIX` (default `"pony:throttle:"`); each key expires with the window
//! and holds at most four times the limit entries. A Redis that cannot be reached fails the
//! login with an error page (logged), never lets it through unthrottled. Otherwise the counts
//! are in the server's memory, per process, swept as they expire.
//!
//! ```
//! use std::time::Duration;
//! use pony::auth::throttle::{Attempt, LoginThrottle, ThrottleConfig, Verdict};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let throttle = LoginThrottle::new(ThrottleConfig { limit: 2, ..ThrottleConfig::default() });
//! let attacker = Attempt { username: "alice", client: Some("203.0.113.9"), device: None };
//! for _ in 0..2 {
//!     let decision = throttle.begin(&attacker).await.unwrap();
//!     assert_eq!(decision.verdict, Verdict::Allow); // …and the password was wrong.
//! }
//! assert!(matches!(throttle.begin(&attacker).await.unwrap().verdict, Verdict::Refuse { .. }));
//! // Another client waits for its turn; alice's own browser does not.
//! let other = Attempt { client: Some("198.51.100.7"), ..attacker };
//! assert_eq!(throttle.begin(&other).await.unwrap().verdict, Verdict::Allow);
//! let queued = throttle.begin(&other).await.unwrap().verdict;
//! assert!(matches!(queued, Verdict::Wait(wait) if wait > Duration::from_millis(900)));
//! let alice = Attempt { device: Some("a1b2c3"), ..other };
//! assert_eq!(throttle.begin(&alice).await.unwrap().verdict, Verdict::Allow);
//! # });
//! ```

pub mod device;
mod memory;
mod redis;

use std::time::Duration;

use serde::Deserialize;

use crate::conf::{SessionEngine, Settings};
use crate::error::{Error, Result};

/// How strict the throttle is: the `LOGIN_THROTTLE_*` settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ThrottleConfig {
    /// Failures in the window before throttling starts (`LOGIN_THROTTLE_LIMIT`, 0 = off).
    pub limit: usize,
    /// The sliding window (`LOGIN_THROTTLE_WINDOW`, seconds).
    pub window: Duration,
    /// The spacing of password checks for a username under attack (`LOGIN_THROTTLE_DELAY`).
    pub delay: Duration,
    /// The longest an attempt waits for its turn before it is refused
    /// (`LOGIN_THROTTLE_MAX_WAIT`).
    pub max_wait: Duration,
    /// How long a device cookie lasts (`LOGIN_THROTTLE_DEVICE_COOKIE_AGE`, seconds).
    pub device_cookie_age: Duration,
    /// What the Redis keys start with (`LOGIN_THROTTLE_REDIS_PREFIX`).
    pub redis_prefix: String,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            limit: 5,
            window: Duration::from_secs(900),
            delay: Duration::from_secs(1),
            max_wait: Duration::from_secs(10),
            device_cookie_age: Duration::from_secs(31_449_600),
            redis_prefix: "pony:throttle:".to_owned(),
        }
    }
}

/// The `LOGIN_THROTTLE_*` settings as written in `settings.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", deny_unknown_fields, default)]
struct FileSettings {
    limit: Option<usize>,
    window: Option<u64>,
    delay: Option<f64>,
    max_wait: Option<f64>,
    device_cookie_age: Option<u64>,
    redis_prefix: Option<String>,
}

impl ThrottleConfig {
    /// The configuration from the `LOGIN_THROTTLE_*` settings; a wrong type, an unknown
    /// `LOGIN_THROTTLE_` key or a negative duration is an `ImproperlyConfigured` error.
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(dir.path().join("settings.toml"), "LOGIN_THROTTLE_DELAY = 0.25").unwrap();
    /// let settings = pony::Settings::load_from(dir.path(), |_| None).unwrap();
    /// let config = pony::auth::throttle::ThrottleConfig::from_settings(&settings).unwrap();
    /// assert_eq!(config.delay, std::time::Duration::from_millis(250));
    /// ```
    pub fn from_settings(settings: &Settings) -> Result<Self> {
        let file: FileSettings = settings.group("LOGIN_THROTTLE_")?;
        let default = ThrottleConfig::default();
        let seconds = |key: &str, value: Option<f64>, default: Duration| match value {
            None => Ok(default),
            Some(value) => Duration::try_from_secs_f64(value).map_err(|_| {
                Error::ImproperlyConfigured(format!(
                    "{key} must be a number of seconds (0 or more), not {value}"
                ))
            }),
        };
        let window = file.window.map_or(default.window, Duration::from_secs);
        if window.is_zero() {
            return Err(Error::ImproperlyConfigured(
                "LOGIN_THROTTLE_WINDOW must be at least 1 second".to_owned(),
            ));
        }
        Ok(ThrottleConfig {
            limit: file.limit.unwrap_or(default.limit),
            window,
            delay: seconds("LOGIN_THROTTLE_DELAY", file.delay, default.delay)?,
            max_wait: seconds("LOGIN_THROTTLE_MAX_WAIT", file.max_wait, default.max_wait)?,
            device_cookie_age: file
                .device_cookie_age
                .map_or(default.device_cookie_age, Duration::from_secs),
            redis_prefix: file.redis_prefix.unwrap_or(default.redis_prefix),
        })
    }
}

/// What to do with a login attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Go ahead.
    Allow,
    /// Go ahead after waiting this long (the username is under attack: its turn comes then).
    Wait(Duration),
    /// Refuse without checking the password; the client may retry after `retry_after`.
    Refuse {
        /// When the oldest counted failure leaves the window (or the queue has room).
        retry_after: Duration,
    },
}

/// Who is trying to log in.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    /// The username as normalised (compared case-insensitively).
    pub username: &'a str,
    /// The client's network ([`network_key`](crate::core::network_key)), when known.
    pub client: Option<&'a str>,
    /// The nonce of a valid device cookie for this username ([`device::presented`]).
    pub device: Option<&'a str>,
}

/// The verdict on one attempt, to be reported back with [`LoginThrottle::succeeded`] when the
/// password was right (a wrong one needs no report: it was counted already).
#[derive(Debug)]
pub struct Decision {
    /// What to do.
    pub verdict: Verdict,
    ticket: Option<Ticket>,
}

/// What an attempt added to the counts, to take back on success.
#[derive(Debug)]
struct Ticket {
    member: u64,
    keys: Keys,
}

/// The store keys of one attempt.
#[derive(Debug, Clone)]
struct Keys {
    user: String,
    slot: String,
    client: Option<String>,
    pair: Option<String>,
    device: Option<String>,
}

impl Keys {
    fn new(prefix: &str, attempt: &Attempt<'_>) -> Keys {
        let user = attempt.username.to_lowercase();
        Keys {
            user: format!("{prefix}user:{user}"),
            slot: format!("{prefix}slot:{user}"),
            client: attempt.client.map(|c| format!("{prefix}client:{c}")),
            pair: attempt.client.map(|c| format!("{prefix}pair:{c}:{user}")),
            device: attempt.device.map(|d| format!("{prefix}device:{d}")),
        }
    }
}

/// The login throttle of a site, with its counts in memory or in Redis.
#[derive(Debug)]
pub struct LoginThrottle {
    config: ThrottleConfig,
    store: Store,
}

#[derive(Debug)]
enum Store {
    Memory(memory::MemoryStore),
    Redis(redis::RedisStore),
}

impl LoginThrottle {
    /// A throttle counting in this process's memory.
    pub fn new(config: ThrottleConfig) -> Self {
        LoginThrottle {
            config,
            store: Store::Memory(memory::MemoryStore::default()),
        }
    }

    /// A throttle counting in the Redis server at `url`, shared by every process using it.
    /// Nothing is connected yet.
    pub fn redis(config: ThrottleConfig, url: &str) -> Result<Self> {
        Ok(LoginThrottle {
            config,
            store: Store::Redis(redis::RedisStore::open(url)?),
        })
    }

    /// The site's throttle: in Redis with `SESSION_ENGINE = "redis"`, else in memory.
    pub fn from_settings(settings: &Settings) -> Result<Self> {
        let config = ThrottleConfig::from_settings(settings)?;
        match settings.session.engine {
            SessionEngine::Redis => Self::redis(config, &settings.session.redis_url),
            SessionEngine::Database => Ok(Self::new(config)),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ThrottleConfig {
        &self.config
    }

    /// Judges an attempt and, unless it is refused, counts it as a failure until
    /// [`succeeded`](Self::succeeded) says otherwise.
    pub async fn begin(&self, attempt: &Attempt<'_>) -> Result<Decision> {
        if self.config.limit == 0 {
            return Ok(Decision {
                verdict: Verdict::Allow,
                ticket: None,
            });
        }
        let keys = Keys::new(&self.config.redis_prefix, attempt);
        let member = rand::random::<u64>();
        let verdict = match &self.store {
            Store::Memory(store) => store.begin(&self.config, &keys, member),
            Store::Redis(store) => store.begin(&self.config, &keys, member).await?,
        };
        let ticket =
            (!matches!(verdict, Verdict::Refuse { .. })).then_some(Ticket { member, keys });
        Ok(Decision { verdict, ticket })
    }

    /// The password was right: the attempt is no failure, and the client's (or device's)
    /// failures for this username are forgotten.
    pub async fn succeeded(&self, decision: &Decision) -> Result<()> {
        let Some(ticket) = &decision.ticket else {
            return Ok(());
        };
        match &self.store {
            Store::Memory(store) => store.succeeded(&ticket.keys, ticket.member),
            Store::Redis(store) => store.succeeded(&ticket.keys, ticket.member).await?,
        }
        Ok(())
    }
}

/// "Too many failed login attempts. Please try again in 3 minutes."
pub fn refusal_message(retry_after: Duration) -> String {
    let minutes = retry_after.as_secs().div_ceil(60).max(1);
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    format!("Too many failed login attempts. Please try again in {minutes} {unit}.")
}

#[cfg(test)]
mod tests;
