//! Login throttling, which Django leaves to third-party apps.
//!
//! Failed logins are counted over a sliding window (`LOGIN_THROTTLE_WINDOW` seconds, default
//! 900) in three ways, each with its own consequence:
//!
//! - **one username from one client** — after `LOGIN_THROTTLE_LIMIT` failures (default 5) that
//!   client is refused for that username until the window has passed;
//! - **one client, any usernames** (password spraying) — after four times the limit the client
//!   is refused for every username;
//! - **one username, from anywhere** — after the limit, each further attempt is slowed by
//!   `LOGIN_THROTTLE_DELAY` seconds (default 1), but never refused.
//!
//! So an attacker can slow a victim's logins a little but can never lock the victim out: a
//! refusal only ever applies to the client that failed, and it ends with the window. A
//! successful login clears that client's failures for the username. Counts live in the
//! server's memory (each server process counts its own clients).
//!
//! ```
//! use std::time::Duration;
//! use pony::auth::throttle::{Throttle, ThrottleConfig, Verdict};
//!
//! let throttle = Throttle::new(ThrottleConfig { limit: 2, ..ThrottleConfig::default() });
//! let client = "203.0.113.9";
//! assert_eq!(throttle.check("alice", client), Verdict::Allow);
//! throttle.record_failure("alice", client);
//! throttle.record_failure("alice", client);
//! assert!(matches!(throttle.check("alice", client), Verdict::Refuse { .. }));
//! // Another client is slowed, never refused.
//! assert_eq!(throttle.check("alice", "198.51.100.7"), Verdict::Delay(Duration::from_secs(1)));
//! ```

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::conf::Settings;

/// How strict the throttle is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleConfig {
    /// Failures in the window before throttling starts (`LOGIN_THROTTLE_LIMIT`, 0 = off).
    pub limit: usize,
    /// The sliding window (`LOGIN_THROTTLE_WINDOW`, seconds).
    pub window: Duration,
    /// The slow-down per attempt on a username under attack (`LOGIN_THROTTLE_DELAY`, seconds).
    pub delay: Duration,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            limit: 5,
            window: Duration::from_secs(900),
            delay: Duration::from_secs(1),
        }
    }
}

impl ThrottleConfig {
    /// The configuration from `LOGIN_THROTTLE_*` settings.
    pub fn from_settings(settings: &Settings) -> Self {
        let default = ThrottleConfig::default();
        let number = |key: &str| settings.get::<u64>(key).ok().flatten();
        ThrottleConfig {
            limit: number("LOGIN_THROTTLE_LIMIT").map_or(default.limit, |n| n as usize),
            window: number("LOGIN_THROTTLE_WINDOW").map_or(default.window, Duration::from_secs),
            delay: number("LOGIN_THROTTLE_DELAY").map_or(default.delay, Duration::from_secs),
        }
    }
}

/// What to do with a login attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Go ahead.
    Allow,
    /// Go ahead after waiting this long.
    Delay(Duration),
    /// Refuse without checking the password; the client may retry after `retry_after`.
    Refuse {
        /// When the oldest counted failure leaves the window.
        retry_after: Duration,
    },
}

/// Failure counts by key, each a queue of failure times inside the window.
#[derive(Debug)]
pub struct Throttle {
    config: ThrottleConfig,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Above this many keys, expired ones are swept on the next failure (bounded memory).
const SWEEP_ABOVE: usize = 10_000;

impl Throttle {
    /// An empty throttle.
    pub fn new(config: ThrottleConfig) -> Self {
        Throttle {
            config,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// The verdict for `username` from `client` (an IP address).
    pub fn check(&self, username: &str, client: &str) -> Verdict {
        if self.config.limit == 0 {
            return Verdict::Allow;
        }
        let now = Instant::now();
        let Ok(mut failures) = self.failures.lock() else {
            return Verdict::Allow;
        };
        let mut refuse_for = |key: String, limit: usize| {
            let times = failures.get_mut(&key)?;
            expire(times, now, self.config.window);
            (times.len() >= limit).then(|| {
                let oldest = times[times.len() - limit];
                self.config.window.saturating_sub(now - oldest)
            })
        };
        let refusal = refuse_for(pair_key(username, client), self.config.limit)
            .or_else(|| refuse_for(client_key(client), self.config.limit.saturating_mul(4)));
        if let Some(retry_after) = refusal {
            return Verdict::Refuse { retry_after };
        }
        let attacked = refuse_for(user_key(username), self.config.limit).is_some();
        if attacked {
            Verdict::Delay(self.config.delay)
        } else {
            Verdict::Allow
        }
    }

    /// Counts a failed login.
    pub fn record_failure(&self, username: &str, client: &str) {
        if self.config.limit == 0 {
            return;
        }
        let now = Instant::now();
        let Ok(mut failures) = self.failures.lock() else {
            return;
        };
        if failures.len() > SWEEP_ABOVE {
            let window = self.config.window;
            failures.retain(|_, times| {
                expire(times, now, window);
                !times.is_empty()
            });
        }
        for key in [
            pair_key(username, client),
            client_key(client),
            user_key(username),
        ] {
            let times = failures.entry(key).or_default();
            times.push_back(now);
            // Only the newest `4 × limit` matter for any verdict.
            while times.len() > self.config.limit.saturating_mul(4) {
                times.pop_front();
            }
        }
    }

    /// Forgets this client's failures for `username` after a successful login.
    pub fn record_success(&self, username: &str, client: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(&pair_key(username, client));
        }
    }
}

fn expire(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while times
        .front()
        .is_some_and(|&t| now.duration_since(t) >= window)
    {
        times.pop_front();
    }
}

/// Usernames are compared case-insensitively, so `Alice` and `alice` share one count.
fn user_key(username: &str) -> String {
    format!("u:{}", username.to_lowercase())
}

fn client_key(client: &str) -> String {
    format!("c:{client}")
}

fn pair_key(username: &str, client: &str) -> String {
    format!("p:{client}:{}", username.to_lowercase())
}

/// "Too many failed login attempts. Please try again in 3 minutes."
pub fn refusal_message(retry_after: Duration) -> String {
    let minutes = retry_after.as_secs().div_ceil(60).max(1);
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    format!("Too many failed login attempts. Please try again in {minutes} {unit}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle(limit: usize) -> Throttle {
        Throttle::new(ThrottleConfig {
            limit,
            window: Duration::from_secs(60),
            delay: Duration::from_millis(10),
        })
    }

    #[test]
    fn refuses_the_failing_client_only() {
        let t = throttle(3);
        for _ in 0..2 {
            t.record_failure("Bob", "1.1.1.1");
        }
        assert_eq!(t.check("bob", "1.1.1.1"), Verdict::Allow);
        t.record_failure("bob", "1.1.1.1");
        let Verdict::Refuse { retry_after } = t.check("BOB", "1.1.1.1") else {
            panic!("expected a refusal")
        };
        assert!(retry_after <= Duration::from_secs(60) && retry_after > Duration::from_secs(50));
        assert_eq!(
            t.check("bob", "2.2.2.2"),
            Verdict::Delay(Duration::from_millis(10))
        );
        assert_eq!(t.check("carol", "2.2.2.2"), Verdict::Allow);
    }

    #[test]
    fn spraying_many_usernames_refuses_the_client() {
        let t = throttle(2);
        for n in 0..8 {
            t.record_failure(&format!("user{n}"), "9.9.9.9");
        }
        assert!(matches!(
            t.check("fresh", "9.9.9.9"),
            Verdict::Refuse { .. }
        ));
        assert_eq!(t.check("fresh", "8.8.8.8"), Verdict::Allow);
    }

    #[test]
    fn success_clears_the_pair_and_the_window_expires() {
        let t = Throttle::new(ThrottleConfig {
            limit: 1,
            window: Duration::from_millis(50),
            delay: Duration::ZERO,
        });
        t.record_failure("a", "c");
        assert!(matches!(t.check("a", "c"), Verdict::Refuse { .. }));
        t.record_success("a", "c");
        assert!(!matches!(t.check("a", "c"), Verdict::Refuse { .. }));
        t.record_failure("a", "c");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(t.check("a", "c"), Verdict::Allow);
    }

    #[test]
    fn limit_zero_disables() {
        let t = throttle(0);
        t.record_failure("a", "c");
        assert_eq!(t.check("a", "c"), Verdict::Allow);
    }

    #[test]
    fn messages() {
        assert_eq!(
            refusal_message(Duration::from_secs(30)),
            "Too many failed login attempts. Please try again in 1 minute."
        );
        assert_eq!(
            refusal_message(Duration::from_secs(150)),
            "Too many failed login attempts. Please try again in 3 minutes."
        );
    }
}
