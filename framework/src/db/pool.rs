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
    /// use diesel::{dsl::sql, sql_types::BigInt};
    ///
    /// let n: i64 = db
    ///     .run(|conn| Ok(diesel::select(sql::<BigInt>("40 + 2")).get_result(conn)?))
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
        match tokio::task::spawn_blocking(move || f(&mut *db.get()?)).await {
            Ok(result) => result,
            Err(error) => Err(join_error(error)),
        }
    }

    /// As [`Db::run`], inside a transaction (Django's `atomic`): committed when `f` returns
    /// `Ok`, rolled back when it returns `Err` or panics. See [`atomic`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> pony::Result<()> {
    /// use diesel::{connection::SimpleConnection, prelude::*, sql_types::BigInt};
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
    /// assert!(failed.is_err());
    /// let count = diesel::dsl::sql::<BigInt>("(SELECT COUNT(*) FROM t)");
    /// let rows: i64 = db.run(|conn| Ok(diesel::select(count).get_result(conn)?)).await?;
    /// assert_eq!(rows, 0); // rolled back
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
    fn timeout_error(&self, error: &r2d2::PoolError) -> Error {
        // r2d2's only error is the timeout; its text ends with the last connection error
        // (already a pony message, password masked), if any.
        let text = error.to_string();
        let last = text
            .strip_prefix("timed out waiting for connection")
            .map(|rest| rest.trim_start_matches(':').trim())
            .filter(|rest| !rest.is_empty());
        let reason = match (last, self.pool.max_size()) {
            (Some(last), _) => last.to_owned(),
            (None, 1) => format!("its only connection to {} stayed in use", self.shown),
            (None, n) => format!("all {n} connections to {} stayed in use", self.shown),
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
    type Transactions = <Connection as diesel::Connection>::TransactionManager;
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
        Transactions::begin_transaction(conn)?;
    }
    match f(conn) {
        Ok(value) => {
            Transactions::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            // The caller's error says what went wrong; a failed rollback leaves the
            // connection marked broken, and the pool discards it.
            if let Err(rollback) = Transactions::rollback_transaction(conn) {
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
        crate::db::query_log::unlogged(conn, |conn| conn.ping()).map_err(|error| {
            Error::other(format!(
                "the connection to {} is broken: {}",
                self.url.display(),
                self.url.redact(&error.to_string())
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

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel::sql_types::{BigInt, Text};

    use super::*;
    // Explicit: diesel's prelude glob-imports its own `Connection` trait.
    use crate::db::connection::Connection;

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        count: i64,
    }

    #[derive(QueryableByName)]
    struct Mode {
        #[diesel(sql_type = Text)]
        journal_mode: String,
    }

    #[derive(QueryableByName)]
    struct Flag {
        #[diesel(sql_type = BigInt)]
        foreign_keys: i64,
    }

    fn count(conn: &mut Connection, table: &str) -> Result<i64> {
        let row: Count =
            diesel::sql_query(format!("SELECT COUNT(*) AS count FROM {table}")).get_result(conn)?;
        Ok(row.count)
    }

    fn sqlite_db(dir: &tempfile::TempDir) -> Db {
        Db::connect(&DatabaseUrl::parse("sqlite://data/app.db", dir.path()).unwrap()).unwrap()
    }

    /// What every backend must do: concurrent writes, commit and rollback, savepoints, 404s,
    /// panics. `table` must be unique to this test run.
    async fn exercise(db: &Db, table: &'static str) {
        db.run(move |conn| {
            conn.batch_execute(&format!("DROP TABLE IF EXISTS {table}"))?;
            conn.batch_execute(&format!(
                "CREATE TABLE {table} (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"
            ))?;
            Ok(())
        })
        .await
        .unwrap();

        // 50 concurrent inserts, each on whichever pooled connection is free.
        let tasks: Vec<_> = (0..50)
            .map(|i| {
                let db = db.clone();
                tokio::spawn(async move {
                    db.run(move |conn| {
                        conn.batch_execute(&format!(
                            "INSERT INTO {table} (id, n) VALUES ({i}, {i})"
                        ))?;
                        Ok(())
                    })
                    .await
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(db.run(move |c| count(c, table)).await.unwrap(), 50);

        // 20 concurrent read-then-write transactions: each reads the count, then inserts.
        let tasks: Vec<_> = (0..20)
            .map(|i| {
                let db = db.clone();
                tokio::spawn(async move {
                    db.transaction(move |conn| {
                        let before = count(conn, table)?;
                        conn.batch_execute(&format!(
                            "INSERT INTO {table} (id, n) VALUES ({}, {before})",
                            1000 + i
                        ))?;
                        Ok(())
                    })
                    .await
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(db.run(move |c| count(c, table)).await.unwrap(), 70);

        // Err rolls back.
        let failed: Result<()> = db
            .transaction(move |conn| {
                conn.batch_execute(&format!("INSERT INTO {table} (id, n) VALUES (2000, 0)"))?;
                Err(Error::other("changed my mind"))
            })
            .await;
        assert_eq!(failed.unwrap_err().to_string(), "changed my mind");
        assert_eq!(db.run(move |c| count(c, table)).await.unwrap(), 70);

        // A nested atomic is a savepoint: its failure leaves the outer work in place.
        db.transaction(move |conn| {
            conn.batch_execute(&format!("INSERT INTO {table} (id, n) VALUES (3000, 0)"))?;
            let inner: Result<()> = atomic(conn, |conn| {
                conn.batch_execute(&format!("INSERT INTO {table} (id, n) VALUES (3001, 0)"))?;
                Err(Error::other("inner"))
            });
            assert!(inner.is_err());
            Ok(())
        })
        .await
        .unwrap();
        assert_eq!(db.run(move |c| count(c, table)).await.unwrap(), 71);

        // A panic comes back as an error, rolls back, and the pool keeps working.
        let panicked: Result<()> = db
            .transaction(move |conn| {
                conn.batch_execute(&format!("INSERT INTO {table} (id, n) VALUES (4000, 0)"))?;
                panic!("boom in the closure");
            })
            .await;
        match panicked {
            Err(Error::Panic(report)) => assert!(report.message.contains("boom in the closure")),
            other => panic!("expected Error::Panic, got {other:?}"),
        }
        assert_eq!(db.run(move |c| count(c, table)).await.unwrap(), 71);

        // No row is a 404; a bad query is a plain error.
        let missing = db
            .run(move |conn| {
                let row: Count =
                    diesel::sql_query(format!("SELECT n AS count FROM {table} WHERE id = -1"))
                        .get_result(conn)?;
                Ok(row.count)
            })
            .await;
        assert!(matches!(missing, Err(Error::Http404(None))), "{missing:?}");
        let bad = db.run(|conn| count(conn, "pony_no_such_table")).await;
        assert!(matches!(bad, Err(Error::Other(_))), "{bad:?}");

        db.run(move |conn| Ok(conn.batch_execute(&format!("DROP TABLE {table}"))?))
            .await
            .unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_pool_does_everything() {
        let dir = tempfile::tempdir().unwrap();
        let db = sqlite_db(&dir);
        assert_eq!(db.backend(), Backend::Sqlite);
        assert!(dir.path().join("data/app.db").is_file());
        exercise(&db, "pony_pool_test").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_pool_connections_have_the_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        let db = sqlite_db(&dir);
        // Hold several connections at once so more than one pooled connection is checked.
        let conns: Vec<PooledConnection> = (0..4).map(|_| db.get().unwrap()).collect();
        for mut conn in conns {
            let Connection::Sqlite(sqlite) = &mut *conn else {
                panic!("not SQLite")
            };
            let mode: Mode = diesel::sql_query("PRAGMA journal_mode")
                .get_result(sqlite)
                .unwrap();
            assert_eq!(mode.journal_mode, "wal");
            let fk: Flag = diesel::sql_query("PRAGMA foreign_keys")
                .get_result(sqlite)
                .unwrap();
            assert_eq!(fk.foreign_keys, 1);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn fifty_concurrent_sqlite_writers_never_see_database_is_locked() {
        let dir = tempfile::tempdir().unwrap();
        let db = sqlite_db(&dir);
        db.run(
            |conn| Ok(conn.batch_execute("CREATE TABLE hit (id INTEGER PRIMARY KEY, at TEXT)")?),
        )
        .await
        .unwrap();
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move {
                    db.run(|conn| {
                        for _ in 0..10 {
                            conn.batch_execute("INSERT INTO hit (at) VALUES (datetime('now'))")?;
                        }
                        Ok(())
                    })
                    .await
                })
            })
            .collect();
        for task in tasks {
            if let Err(error) = task.await.unwrap() {
                panic!("a writer failed: {error}");
            }
        }
        assert_eq!(db.run(|c| count(c, "hit")).await.unwrap(), 500);
    }

    #[tokio::test]
    async fn in_memory_sqlite_keeps_one_shared_connection() {
        let db = Db::connect(&DatabaseUrl::sqlite_memory()).unwrap();
        db.run(|conn| Ok(conn.batch_execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")?))
            .await
            .unwrap();
        // Another call sees the table: the same (only) connection.
        assert_eq!(db.run(|c| count(c, "t")).await.unwrap(), 0);
    }

    #[test]
    fn an_exhausted_pool_times_out_with_a_reason() {
        let db = Db::connect(&DatabaseUrl::sqlite_memory()).unwrap();
        let _held = db.get().unwrap();
        let started = std::time::Instant::now();
        let err = db.get().unwrap_err().to_string();
        assert!(started.elapsed() >= CONNECTION_TIMEOUT);
        assert_eq!(
            err,
            "the database did not answer within 5 s (its only connection to :memory: stayed in use)"
        );
    }

    #[test]
    fn connect_fails_at_once_with_the_reason() {
        let url = DatabaseUrl::parse("postgres://u:hunter2@127.0.0.1:1/x", "/".as_ref()).unwrap();
        let started = std::time::Instant::now();
        let err = Db::connect(&url).unwrap_err().to_string();
        assert!(started.elapsed() < CONNECTION_TIMEOUT, "{err}");
        assert!(
            err.starts_with(
                "cannot connect to PostgreSQL at postgres://u:********************@127.0.0.1:1/x: \
                 Connection refused"
            ),
            "{err}"
        );
        let unknown = DatabaseUrl::parse("redis://x", "/".as_ref()).unwrap_err();
        assert!(matches!(unknown, Error::ImproperlyConfigured(_)));
    }

    #[test]
    fn debug_never_shows_the_password() {
        let dir = tempfile::tempdir().unwrap();
        let db = sqlite_db(&dir);
        assert!(format!("{db:?}").starts_with("Db { backend: Sqlite, url: "));
        let manager = ConnectionManager {
            url: DatabaseUrl::parse("postgres://u:hunter2@h/x", "/".as_ref()).unwrap(),
        };
        assert!(!format!("{manager:?}").contains("hunter2"));
    }

    fn server_db(url: Option<DatabaseUrl>) -> Option<Db> {
        Some(Db::connect(&url?).unwrap())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_pool_does_everything() {
        let Some(db) = server_db(crate::db::connection::tests::postgres_url()) else {
            return;
        };
        assert_eq!(db.backend(), Backend::Postgres);
        let table: &'static str = format!("pony_pool_test_{}", std::process::id()).leak();
        exercise(&db, table).await;
    }

    #[cfg(feature = "mysql")]
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn mysql_pool_does_everything() {
        let Some(db) = server_db(crate::db::connection::tests::mysql_url()) else {
            return;
        };
        assert_eq!(db.backend(), Backend::Mysql);
        let table: &'static str = format!("pony_pool_test_{}", std::process::id()).leak();
        exercise(&db, table).await;
    }
}
