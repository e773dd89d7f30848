//! The throttle's counts in Redis, shared by every server process: one sorted set of failure
//! times per key, and one "next turn" value per username under attack, each expiring by itself.
//! Every attempt is judged and counted by one Lua script (`attempt.lua`), so concurrent
//! attempts on several servers see each other; times are the Redis server's.

use std::time::Duration;

use redis::aio::ConnectionManager;

use super::{Keys, ThrottleConfig, Verdict};
use crate::error::{Error, Result};
use crate::redis_connection::RedisConnection;

const ATTEMPT: &str = include_str!("attempt.lua");
/// The counts in the Redis server at one URL; connected on first use.
#[derive(Debug)]
pub(super) struct RedisStore {
    server: RedisConnection,
}

impl RedisStore {
    pub(super) fn open(url: &str) -> Result<Self> {
        let server = RedisConnection::open(url).map_err(|error| {
            Error::ImproperlyConfigured(format!("the login throttle's Redis URL: {error}"))
        })?;
        Ok(RedisStore { server })
    }

    async fn connection(&self) -> Result<ConnectionManager> {
        self.server.get().await.map_err(|e| self.error(&e))
    }

    /// A failure of the store: the login fails (a 500 page, logged) rather than go unthrottled.
    fn error(&self, error: &redis::RedisError) -> Error {
        Error::other(format!(
            "the login throttle could not use Redis at {}: {error}",
            self.server.shown()
        ))
    }

    pub(super) async fn begin(
        &self,
        config: &ThrottleConfig,
        keys: &Keys,
        member: u64,
    ) -> Result<Verdict> {
        let unused = || format!("{}unused", config.redis_prefix);
        let flag = |present: bool| if present { "1" } else { "0" };
        let mut connection = self.connection().await?;
        let (verdict, ms): (u8, u64) = redis::cmd("EVAL")
            .arg(ATTEMPT)
            .arg(5)
            .arg(&keys.user)
            .arg(&keys.slot)
            .arg(keys.client.clone().unwrap_or_else(unused))
            .arg(keys.pair.clone().unwrap_or_else(unused))
            .arg(keys.device.clone().unwrap_or_else(unused))
            .arg(millis(config.window))
            .arg(config.limit)
            .arg(millis(config.delay))
            .arg(millis(config.max_wait))
            .arg(member.to_string())
            .arg(flag(keys.client.is_some()))
            .arg(flag(keys.device.is_some()))
            .query_async(&mut connection)
            .await
            .map_err(|e| self.error(&e))?;
        let time = Duration::from_millis(ms);
        Ok(match verdict {
            0 => Verdict::Allow,
            1 => Verdict::Wait(time),
            _ => Verdict::Refuse { retry_after: time },
        })
    }

    pub(super) async fn succeeded(&self, keys: &Keys, member: u64) -> Result<()> {
        let member = member.to_string();
        let mut pipe = redis::pipe();
        pipe.atomic();
        for key in [Some(&keys.user), keys.client.as_ref()]
            .into_iter()
            .flatten()
        {
            pipe.cmd("ZREM").arg(key).arg(&member).ignore();
        }
        for key in [keys.pair.as_ref(), keys.device.as_ref()]
            .into_iter()
            .flatten()
        {
            pipe.cmd("DEL").arg(key).ignore();
        }
        let mut connection = self.connection().await?;
        pipe.query_async::<()>(&mut connection)
            .await
            .map_err(|e| self.error(&e))
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
