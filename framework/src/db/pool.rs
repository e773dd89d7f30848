//! The project's pool of database connections, and the async API handlers query through.
//!
//! ```
//! use diesel::prelude::*;
//! use pony::db::{pool::Db, url::DatabaseUrl};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> pony::Result<()> {
//! let dir = tempfile::tempdir()?;
//! let db = Db::connect(&DatabaseUrl::parse("sqlite://blog.db", dir.path())?)?;
//! db.run(|conn| {
//!     diesel::sql_query("CREATE TABLE post (id INTEGER PRIMARY KEY, title TEXT)").execute(conn)?;
//!     Ok(())
//! })
//! .await?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::r2d2::{self, CustomizeConnection, HandleError, ManageConnection, R2D2Connection};

use crate::db::connection::{Connection, configure, establish, establish_unconfigured};
use crate::db::url::{Backend, DatabaseUrl};
use crate::error::{Error, PanicReport, Result};

/// How long a caller waits for a free connection (or for a new one to open).
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection borrowed from a [`Db`]; it goes back to the pool when dropped.
///
/// It dereferences to [`Connection`] and is itself a diesel connection.
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// The project's database: a pool of [`Connection`]s. Cloning is cheap and shares the pool.
///
/// SQLite gets at most 8 connections (it has one writer at a time anyway), the servers 16; an
/// in-memory SQLite database exactly one, since each connection would see a database of its
/// own. A caller waits at most 5 s for a connection.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> pony::Result<()> {
/// use pony::db::{pool::Db, url::{Backend, DatabaseUrl}};
///
/// let db = Db::connect(&DatabaseUrl::sqlite_memory())?;
/// assert_eq!(db.backend(), Backend::Sqlite);
/// let answer = db.run(|conn| Ok(conn.backend().to_string())).await?;
/// assert_eq!(answer, "SQLite");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<ConnectionManager>,
    backend: Backend,
    /// The URL with its password masked, for messages.
    shown: Arc<str>,
}

impl Db {
    /// Opens the pool. One connection is established at once, so a wrong `DATABASE_URL`, a
    /// server that is down or a bad password fails here, at start-up, with the reason.
    ///
    /// This blocks while it connects: call it before serving (or from `spawn_blocking`).
    ///
    /// ```
    /// use pony::db::{pool::Db, url::DatabaseUrl};
    ///
    /// let url = DatabaseUrl::parse("postgres://app:pw@127.0.0.1:1/shop", "/".as_ref())?;
    /// let err = Db::connect(&url).unwrap_err().to_string();
    /// assert!(err.starts_with("cannot connect to PostgreSQL at postgres://app:****"));
    /// # Ok::<(), pony::Error>(())
    /// ```
    pub fn connect(url: &DatabaseUrl) -> Result<Db> {
        // The eager connection reports the engine's own reason; the pool opens its own
        // connections afterwards (in the background), so this one is simply dropped.
        drop(establish(url)?);

        let in_memory = url.backend == Backend::Sqlite && url.url == ":memory:";
        let max_size = match url.backend {
            _ if in_memory => 1,
            Backend::Sqlite => 8,
            Backend::Postgres | Backend::Mysql => 16,
        };
        let mut builder = r2d2::Pool::builder()
            .max_size(max_size)
            // Open connections as requests need them rather than 16 at once at start-up.
            .min_idle(Some(1))
            .connection_timeout(CONNECTION_TIMEOUT)
            .error_handler(Box::new(LogErrors));
        if url.backend == Backend::Sqlite {
            builder = builder.connection_customizer(Box::new(SqlitePragmas { url: url.clone() }));
        }
        if in_memory {
            // The database lives as long as its one connection: never close it for idleness.
            builder = builder.idle_timeout(None).max_lifetime(None);
        }
        let pool = builder.build_unchecked(ConnectionManager { url: url.clone() });
        Ok(Db {
            pool,
            backend: url.backend,
            shown: url.display().into(),
        })
    }

    /// The engine behind this pool.
    ///
    /// ```
    /// # use pony::db::{pool::Db, url::{Backend, DatabaseUrl}};
    /// let db = Db::connect(&DatabaseUrl::sqlite_memory())?;
    /// assert_eq!(db.backend(), Backend::Sqlite);
    /// # Ok::<(), pony::Error>(())
    /// ```
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Borrows a connection, blocking (up to 5 s) until one is free: for commands, tests and
    /// code already on a blocking thread. Handlers use [`Db::run`].
    ///
    /// ```
    /// use diesel::connection::SimpleConnection;
    /// # use pony::db::{pool::Db, url::DatabaseUrl};
    ///
    /// let db = Db::connect(&DatabaseUrl::sqlite_memory())?;
    /// db.get()?.batch_execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")?;
    /// # Ok::<(), pony::Error>(())
    /// ```
    pub fn get(&self) -> Result<PooledConnection> {
        self.pool.get().map_err(|error| self.timeout_error(&error))
    }

    /// Runs `f` with a pooled connection on tokio's blocking thread pool, so a slow query
    /// never stalls the runtime. A panic in `f` comes back as [`Error::Panic`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> pony::Result<()> {
    /// use diesel::prelude::*;
    /// # use pony::db::{pool::Db, url::DatabaseUrl};
    /// # let db = Db::connect(&DatabaseUrl::sqlite_memory())?;
    ///
    /// let n: i64 = db
    ///     .run(|conn| Ok(diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>("40 + 2")).get_result(conn)?))
    ///     .await?;
    /// assert_eq!(n, 42);
    /// # Ok(()) }
    /// ```
    pub async fn run<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        match tokio::task::spawn_blocking(move || f(&mut db.get()?)).await {
            Ok(result) => result,
            Err(error) => Err(join_error(error)),
        }
    }

    /// As [`Db::run`], inside a transaction (Django's `atomic`): committed when `f` returns
    /// `Ok`, rolled back when it returns `Err` or panics. See [`atomic`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> pony::Result<()> {
    /// use diesel::connection::SimpleConnection;
    /// # use pony::db::{pool::Db, url::DatabaseUrl};
    /// # let db = Db::connect(&DatabaseUrl::sqlite_memory())?;
    ///
    /// db.run(|conn| Ok(conn.batch_execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")?)).await?;
    /// let failed: pony::Result<()> = db
    ///     .transaction(|conn| {
    ///         conn.batch_execute("INSERT INTO t VALUES (1)")?;
    ///         Err(pony::Error::other("changed my mind"))
    ///     })
    ///     .await;
    /// assert!(failed.is_err()); // and the row is not there
    /// # Ok(()) }
    /// ```
    pub async fn transaction<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        self.run(move |conn| atomic(conn, f)).await
    }

    /// "the database did not answer within 5 s (WHY)", from r2d2's timeout.
    fn timeout_error(&self, error: &r2d2::Error) -> Error {
        // r2d2's only error is the timeout; its text ends with the last connection error
        // (already a pony message, password masked), if any.
        let text = error.to_string();
        let last = text
            .strip_prefix("timed out waiting for connection")
            .map(|rest| rest.trim_start_matches(':').trim())
            .filter(|rest| !rest.is_empty());
        let reason = match last {
            Some(last) => last.to_owned(),
            None => format!(
                "all {} connections to {} stayed busy",
                self.pool.max_size(),
                self.shown
            ),
        };
        Error::other(format!(
            "the database did not answer within {} s ({reason})",
            CONNECTION_TIMEOUT.as_secs()
        ))
    }
}

/// Runs `f` inside a transaction on `conn` (Django's `transaction.atomic`), for code that
/// already holds a connection; nested calls become savepoints.
///
/// On SQLite the outermost transaction starts with `BEGIN IMMEDIATE`, taking the write lock
/// at once: a plain `BEGIN` that reads and then writes cannot wait for another writer (SQLite
/// answers "database is locked" at once, whatever `busy_timeout` says).
///
/// ```
/// use diesel::connection::SimpleConnection;
/// use pony::db::{connection::establish, pool::atomic, url::DatabaseUrl};
///
/// let mut conn = establish(&DatabaseUrl::sqlite_memory())?;
/// let n = atomic(&mut conn, |conn| {
///     conn.batch_execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")?;
///     Ok(1)
/// })?;
/// assert_eq!(n, 1);
/// # Ok::<(), pony::Error>(())
/// ```
pub fn atomic<T, F>(conn: &mut Connection, f: F) -> Result<T>
where
    F: FnOnce(&mut Connection) -> Result<T>,
{
    type Manager = <Connection as diesel::Connection>::TransactionManager;
    let began_immediate = match conn {
        Connection::Sqlite(sqlite) => {
            match AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE") {
                // Already inside a transaction: this one becomes a savepoint below.
                Err(diesel::result::Error::AlreadyInTransaction) => false,
                other => {
                    other?;
                    true
                }
            }
        }
        _ => false,
    };
    if !began_immediate {
        Manager::begin_transaction(conn)?;
    }
    match f(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            // The caller's error says what went wrong; a failed rollback leaves the
            // connection marked broken, and the pool discards it.
            if let Err(rollback) = Manager::rollback_transaction(conn) {
                tracing::error!(error = %rollback, "rolling back a transaction failed");
            }
            Err(error)
        }
    }
}

fn join_error(error: tokio::task::JoinError) -> Error {
    if error.is_panic() {
        let payload = error.into_panic();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "Box<dyn Any>".to_owned());
        Error::Panic(PanicReport {
            message: format!("{message} (in a database closure)"),
            location: None,
            backtrace: None,
        })
    } else {
        Error::other(format!("a database task was cancelled: {error}"))
    }
}

/// Opens pony [`Connection`]s for r2d2.
///
/// diesel's own `r2d2::ConnectionManager` would open them through the derived
/// `Connection::establish`, which reports every failure as "Invalid connection url for
/// multiconnection"; this one asks the right engine directly and keeps its reason.
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ManageConnection for ConnectionManager {
    type Connection = Connection;
    type Error = Error;

    fn connect(&self) -> Result<Connection> {
        establish_unconfigured(&self.url)
    }

    fn is_valid(&self, conn: &mut Connection) -> Result<()> {
        conn.ping().map_err(|error| {
            Error::other(format!(
                "the connection to {} is broken: {error}",
                self.url.display()
            ))
        })
    }

    fn has_broken(&self, conn: &mut Connection) -> bool {
        // A connection dropped while its thread panics may hold an open transaction.
        std::thread::panicking() || conn.is_broken()
    }
}

impl fmt::Debug for ConnectionManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `DatabaseUrl`'s Debug masks the password.
        f.debug_struct("ConnectionManager")
            .field("url", &self.url)
            .finish()
    }
}

/// Applies [`SQLITE_PRAGMAS`](crate::db::connection::SQLITE_PRAGMAS) to each new SQLite
/// connection of the pool.
#[derive(Debug)]
struct SqlitePragmas {
    url: DatabaseUrl,
}

impl CustomizeConnection<Connection, Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut Connection) -> Result<()> {
        configure(conn, &self.url)
    }
}

/// Logs connections that the pool failed to open in the background through `tracing` (r2d2's
/// default logs through `log`, which a pony project may not collect). The messages are pony's,
/// with the password masked.
#[derive(Debug)]
struct LogErrors;

impl HandleError<Error> for LogErrors {
    fn handle_error(&self, error: Error) {
        tracing::warn!("{error}");
    }
}

impl fmt::Debug for Db {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.pool.state();
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .field("url", &self.shown)
            .field("connections", &state.connections)
            .field("idle_connections", &state.idle_connections)
            .finish()
    }
}
