//! The Redis session store, for several app servers sharing sessions: one key per session,
//! expiring by itself (`SET … EX`).

use async_trait::async_trait;
use redis::aio::ConnectionManager;
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use super::INTERRUPTED;
use super::key::cookie_value;
use crate::redis_connection::RedisConnection;

/// What each session's Redis key starts with.
const KEY_PREFIX: &str = "pony_session:";
/// How many fresh keys `create` tries (see the database store).
const CREATE_ATTEMPTS: usize = 8;

/// Sessions in Redis at `SESSION_REDIS_URL`.
///
/// Each session is the key `pony_session:<session key>` holding the record as JSON, with a TTL
/// until its expiry date, so Redis drops expired sessions itself. `create` uses `SET … NX` and
/// never overwrites (a key taken gets a new one); `save` uses `SET … XX` and never brings back
/// a session deleted meanwhile (Django's `SessionInterrupted`).
///
/// The connection is opened on first use and shared by all requests (commands are
/// multiplexed); a lost connection is re-established on the next command, and a command that
/// fails meanwhile is a clear error, not a hang (5 s time-out).
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use pony::sessions::{RedisStore, SessionStore};
///
/// let store = RedisStore::open("redis://127.0.0.1:6379/0")?;
/// let missing = store.load(&Default::default()).await?;
/// assert!(missing.is_none());
/// # Ok(()) }
/// ```
pub struct RedisStore {
    server: RedisConnection,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RedisStore({})", self.server.shown())
    }
}

impl RedisStore {
    /// A store on the Redis server at `url` (`redis://[:password@]host[:port][/db]`). Nothing
    /// is connected yet.
    pub fn open(url: &str) -> Result<Self, redis::RedisError> {
        Ok(RedisStore {
            server: RedisConnection::open(url)?,
        })
    }

    async fn connection(&self) -> session_store::Result<ConnectionManager> {
        self.server.get().await.map_err(|e| self.error(&e))
    }

    fn error(&self, error: &redis::RedisError) -> session_store::Error {
        session_store::Error::Backend(format!("Redis at {}: {error}", self.server.shown()))
    }

    /// `SET key value EX ttl (NX|XX)`: whether it was set.
    async fn set(&self, record: &Record, condition: &str) -> session_store::Result<bool> {
        let value = serde_json::to_string(record)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let mut connection = self.connection().await?;
        let reply: Option<String> = redis::cmd("SET")
            .arg(redis_key(&record.id))
            .arg(value)
            .arg("EX")
            .arg(ttl_seconds(record.expiry_date))
            .arg(condition)
            .query_async(&mut connection)
            .await
            .map_err(|e| self.error(&e))?;
        Ok(reply.is_some())
    }
}

impl RedisStore {
    /// Stores `record` under a fresh key from `next_id`, never over an existing session: a
    /// key already taken is skipped for the next one.
    async fn create_with(
        &self,
        record: &mut Record,
        mut next_id: impl FnMut() -> Id + Send,
    ) -> session_store::Result<()> {
        for _ in 0..CREATE_ATTEMPTS {
            // Always a key of our own making, whatever id the record came with.
            record.id = next_id();
            if self.set(record, "NX").await? {
                return Ok(());
            }
        }
        Err(session_store::Error::Backend(format!(
            "{CREATE_ATTEMPTS} new session keys in a row were already taken"
        )))
    }
}

/// The Redis key of a session.
fn redis_key(id: &Id) -> String {
    format!("{KEY_PREFIX}{}", cookie_value(id))
}

/// Seconds from now until `expiry` (at least 1: `EX 0` is an error in Redis).
fn ttl_seconds(expiry: OffsetDateTime) -> i64 {
    (expiry - OffsetDateTime::now_utc()).whole_seconds().max(1)
}

#[async_trait]
impl SessionStore for RedisStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        self.create_with(record, Id::default).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        if self.set(record, "XX").await? {
            Ok(())
        } else {
            Err(session_store::Error::Backend(INTERRUPTED.to_owned()))
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let mut connection = self.connection().await?;
        let value: Option<String> = redis::cmd("GET")
            .arg(redis_key(id))
            .query_async(&mut connection)
            .await
            .map_err(|e| self.error(&e))?;
        let Some(value) = value else {
            return Ok(None);
        };
        match serde_json::from_str::<Record>(&value) {
            // A record filed under another key than its own is not this session.
            Ok(record) if record.id == *id => Ok(Some(record)),
            _ => {
                tracing::warn!("Session data corrupted");
                Ok(None)
            }
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let mut connection = self.connection().await?;
        let _: i64 = redis::cmd("DEL")
            .arg(redis_key(id))
            .query_async(&mut connection)
            .await
            .map_err(|e| self.error(&e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use tower_sessions::cookie::time::Duration as TimeDuration;

    use super::*;

    fn record() -> Record {
        let mut data = HashMap::new();
        data.insert("n".to_owned(), serde_json::json!(1));
        Record {
            id: Id::default(),
            data,
            expiry_date: OffsetDateTime::now_utc() + TimeDuration::hours(1),
        }
    }

    #[test]
    fn keys_and_ttls() {
        let id = Id(1);
        assert_eq!(
            redis_key(&id),
            "pony_session:00000000000000000000000000000001"
        );
        let in_an_hour = OffsetDateTime::now_utc() + TimeDuration::hours(1);
        assert!((3598..=3600).contains(&ttl_seconds(in_an_hour)));
        assert_eq!(
            ttl_seconds(OffsetDateTime::now_utc() - TimeDuration::hours(1)),
            1
        );
    }

    #[tokio::test]
    async fn a_server_that_is_down_is_an_error_not_a_hang() {
        // Port 1 on loopback: nothing listens there.
        let store = RedisStore::open("redis://127.0.0.1:1/0").unwrap();
        let started = std::time::Instant::now();
        let err = store.load(&Id::default()).await.unwrap_err().to_string();
        assert!(err.starts_with("Redis at 127.0.0.1:1: "), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(30));
    }

    #[tokio::test]
    async fn redis_store_behaves_like_djangos_cache_store() {
        let Ok(url) = std::env::var("PONY_TEST_REDIS_URL") else {
            eprintln!("skipped the Redis session store: set PONY_TEST_REDIS_URL to run");
            return;
        };
        let store = RedisStore::open(&url).unwrap();

        let mut first = record();
        let offered = first.id;
        store.create(&mut first).await.unwrap();
        assert_ne!(first.id, offered);
        assert_eq!(store.load(&first.id).await.unwrap(), Some(first.clone()));

        first.data.insert("n".to_owned(), serde_json::json!(2));
        store.save(&first).await.unwrap();
        assert_eq!(store.load(&first.id).await.unwrap(), Some(first.clone()));

        // A key already taken is skipped, the taken session untouched.
        let fresh = Id::default();
        let mut ids = [first.id, fresh].into_iter();
        let mut second = record();
        store
            .create_with(&mut second, move || ids.next().unwrap_or_default())
            .await
            .unwrap();
        assert_eq!(second.id, fresh);
        assert_eq!(store.load(&first.id).await.unwrap(), Some(first.clone()));

        // The key expires with the session.
        let mut connection = store.connection().await.unwrap();
        let ttl: i64 = redis::cmd("TTL")
            .arg(redis_key(&first.id))
            .query_async(&mut connection)
            .await
            .unwrap();
        assert!((3590..=3600).contains(&ttl), "{ttl}");

        // Deleted: gone, and a late save does not bring it back.
        store.delete(&second.id).await.unwrap();
        assert_eq!(store.load(&second.id).await.unwrap(), None);
        let err = store.save(&second).await.unwrap_err().to_string();
        assert_eq!(err, INTERRUPTED);
        assert_eq!(store.load(&second.id).await.unwrap(), None);

        // Unknown keys and foreign data load nothing.
        assert_eq!(store.load(&Id::default()).await.unwrap(), None);
        let stray = Id::default();
        let _: () = redis::cmd("SET")
            .arg(redis_key(&stray))
            .arg(serde_json::to_string(&first).unwrap())
            .arg("EX")
            .arg(60)
            .query_async(&mut connection)
            .await
            .unwrap();
        assert_eq!(store.load(&stray).await.unwrap(), None);
        store.delete(&stray).await.unwrap();
        store.delete(&first.id).await.unwrap();
    }
}
