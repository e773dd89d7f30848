//! One lazily opened, shared connection to a Redis server, for the features that keep state
//! there (sessions, the login throttle).
//!
//! Commands from every request are multiplexed on it; a lost connection is re-established on
//! the next command, and a server that does not answer fails the command after
//! [`TIMEOUT`] instead of hanging the request. Only the host and port are ever shown (in
//! errors and `Debug`), never the URL's password.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::OnceCell;

/// A Redis server that does not answer within this fails the command.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(5);

/// The Redis server at one URL; connected on first use.
pub(crate) struct RedisConnection {
    client: redis::Client,
    connection: OnceCell<ConnectionManager>,
    shown: String,
}

impl std::fmt::Debug for RedisConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RedisConnection({})", self.shown)
    }
}

impl RedisConnection {
    /// The server at `url` (`redis://[:password@]host[:port][/db]`); nothing is connected yet.
    pub(crate) fn open(url: &str) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let shown = match client.get_connection_info().addr() {
            redis::ConnectionAddr::Tcp(host, port) => format!("{host}:{port}"),
            other => other.to_string(),
        };
        Ok(RedisConnection {
            client,
            connection: OnceCell::new(),
            shown,
        })
    }

    /// The server's address as it may be shown: `host:port`, or the socket's path.
    pub(crate) fn shown(&self) -> &str {
        &self.shown
    }

    /// The shared connection (cheap to clone; each clone multiplexes on the same socket).
    pub(crate) async fn get(&self) -> Result<ConnectionManager, redis::RedisError> {
        let connection = self
            .connection
            .get_or_try_init(|| async {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(TIMEOUT))
                    .set_response_timeout(Some(TIMEOUT))
                    .set_number_of_retries(2)
                    .set_max_delay(Duration::from_millis(500));
                ConnectionManager::new_lazy_with_config(self.client.clone(), config)
            })
            .await?;
        Ok(connection.clone())
    }
}
