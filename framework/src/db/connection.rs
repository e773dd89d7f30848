//! One connection to the project's database, whichever engine `DATABASE_URL` names.
//!
//! diesel is synchronous: a query holds its thread until the database answers. An async
//! handler that queried on the runtime's own worker threads would stall every other request
//! scheduled there for as long as one slow query takes, so pony never does: handlers go through
//! [`Db::run`](crate::db::pool::Db::run) and [`Db::transaction`](crate::db::pool::Db::transaction),
//! which take a pooled [`Connection`] and run the closure on tokio's blocking thread pool, and
//! only the request that asked waits for the answer. Commands and tests, which have no runtime
//! to protect, use [`establish`] or [`Db::get`](crate::db::pool::Db::get) directly.

#[cfg(feature = "mysql")]
use diesel::MysqlConnection;
use diesel::connection::SimpleConnection;
use diesel::{Connection as _, ConnectionError, PgConnection, SqliteConnection};

use crate::db::url::{Backend, DatabaseUrl};
use crate::error::{Error, Result};

/// A connection to SQLite, PostgreSQL or (with pony's `mysql` feature) MySQL/MariaDB.
///
/// It is a diesel connection like any other (`diesel::MultiConnection`): queries built with
/// diesel's DSL run on it, and `match` reaches the engine's own connection when a query needs
/// engine-specific SQL.
///
/// Do not call diesel's `Connection::establish` on it: the derived version tries every engine
/// in turn and reports only "Invalid connection url for multiconnection". Use [`establish`].
///
/// ```
/// use diesel::prelude::*;
/// use pony::db::connection::{Connection, establish};
/// use pony::db::url::{Backend, DatabaseUrl};
///
/// let mut conn = establish(&DatabaseUrl::sqlite_memory())?;
/// assert_eq!(conn.backend(), Backend::Sqlite);
/// diesel::sql_query("CREATE TABLE t (id INTEGER PRIMARY KEY)").execute(&mut conn)?;
/// # Ok::<(), pony::Error>(())
/// ```
#[derive(diesel::MultiConnection)]
pub enum Connection {
    /// A SQLite database file (or `:memory:`).
    Sqlite(SqliteConnection),
    /// A PostgreSQL server.
    Postgres(PgConnection),
    /// A MySQL or MariaDB server.
    #[cfg(feature = "mysql")]
    Mysql(MysqlConnection),
}

impl Connection {
    /// The engine this connection talks to.
    ///
    /// ```
    /// # use pony::db::{connection::establish, url::{Backend, DatabaseUrl}};
    /// let conn = establish(&DatabaseUrl::sqlite_memory())?;
    /// assert_eq!(conn.backend(), Backend::Sqlite);
    /// # Ok::<(), pony::Error>(())
    /// ```
    pub fn backend(&self) -> Backend {
        match self {
            Connection::Sqlite(_) => Backend::Sqlite,
            Connection::Postgres(_) => Backend::Postgres,
            #[cfg(feature = "mysql")]
            Connection::Mysql(_) => Backend::Mysql,
        }
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Connection({})", self.backend())
    }
}

/// The settings every SQLite connection gets: WAL lets readers work while one writer writes,
/// `busy_timeout` makes a writer wait (up to 5 s) for another instead of failing with
/// "database is locked", foreign keys are enforced as on the servers, and `NORMAL` sync is safe
/// with WAL and much faster than `FULL`.
///
/// `busy_timeout` comes first so that switching to WAL, which needs a moment's exclusive
/// access, also waits for a connection that is busy at that instant.
pub const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                                  PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

/// Opens a connection; on SQLite it also creates the file (and its directory) and applies
/// [`SQLITE_PRAGMAS`].
///
/// The error says which database and why, with the password masked:
///
/// ```
/// # use pony::db::{connection::establish, url::DatabaseUrl};
/// let url = DatabaseUrl::parse("postgres://u:pw@127.0.0.1:1/x", "/".as_ref())?;
/// let err = establish(&url).unwrap_err().to_string();
/// assert!(err.starts_with("cannot connect to PostgreSQL at postgres://u:********************@"));
/// # Ok::<(), pony::Error>(())
/// ```
pub fn establish(url: &DatabaseUrl) -> Result<Connection> {
    let mut conn = establish_unconfigured(url)?;
    configure(&mut conn, url)?;
    Ok(conn)
}

/// Opens a connection without the per-connection setup (the pool applies it in its customizer).
pub(crate) fn establish_unconfigured(url: &DatabaseUrl) -> Result<Connection> {
    // Each engine is asked directly, never through the derived `Connection::establish`, which
    // throws the engine's own error away.
    let connected = match url.backend {
        Backend::Sqlite => {
            prepare_sqlite_file(url)?;
            SqliteConnection::establish(&url.url).map(Connection::Sqlite)
        }
        Backend::Postgres => {
            PgConnection::establish(&with_pg_connect_timeout(&url.url)).map(Connection::Postgres)
        }
        #[cfg(feature = "mysql")]
        Backend::Mysql => MysqlConnection::establish(&url.url).map(Connection::Mysql),
        #[cfg(not(feature = "mysql"))]
        Backend::Mysql => {
            return Err(Error::ImproperlyConfigured(
                "this binary was built without MySQL support; rebuild with the `mysql` feature \
                 of pony"
                    .to_owned(),
            ));
        }
    };
    connected.map_err(|error| connection_error(url, error))
}

/// Applies the per-connection setup ([`SQLITE_PRAGMAS`] on SQLite; nothing elsewhere).
pub(crate) fn configure(conn: &mut Connection, url: &DatabaseUrl) -> Result<()> {
    if let Connection::Sqlite(sqlite) = conn {
        sqlite.batch_execute(SQLITE_PRAGMAS).map_err(|error| {
            Error::other(format!(
                "cannot set up SQLite at {}: {error}",
                url.display()
            ))
        })?;
    }
    Ok(())
}

/// libpq waits for the operating system's TCP timeout (about two minutes) on a host that does
/// not answer; pony gives up after 5 s, as the pool does, unless the URL says otherwise.
fn with_pg_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&connect_timeout=5")
    } else {
        format!("{url}?connect_timeout=5")
    }
}

/// Creates the directory of a SQLite database file, and the file itself readable by its owner
/// only.
///
/// Security: the database holds password hashes and session keys, so a file pony creates is
/// `0600` (SQLite gives its `-wal` and `-shm` files the same mode). An existing file is left as
/// it is.
fn prepare_sqlite_file(url: &DatabaseUrl) -> Result<()> {
    if url.url == ":memory:" || url.url.starts_with("file:") {
        return Ok(());
    }
    let path = std::path::Path::new(&url.url);
    let cannot = |what: &str, error: std::io::Error| {
        Error::other(format!(
            "cannot create the SQLite database at {}: {what}: {error}",
            url.display()
        ))
    };
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| cannot("cannot create its directory", e))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(cannot("cannot create the file", error)),
    }
}

/// "cannot connect to ENGINE at MASKED-URL: REASON", with the reason made readable.
fn connection_error(url: &DatabaseUrl, error: ConnectionError) -> Error {
    let reason = match &error {
        ConnectionError::BadConnection(message) => explain(url.backend, message),
        ConnectionError::InvalidConnectionUrl(message) => {
            format!("the URL is not valid: {}", message.trim())
        }
        other => other.to_string(),
    };
    // Security: clients may quote part of the URL they could not use, password included.
    let reason = url.redact(&reason);
    let message = format!(
        "cannot connect to {} at {}: {reason}",
        url.backend,
        url.display()
    );
    match error {
        ConnectionError::InvalidConnectionUrl(_) => Error::ImproperlyConfigured(message),
        _ => Error::other(message),
    }
}

/// Turns a client library's message into one line that says what went wrong.
fn explain(backend: Backend, message: &str) -> String {
    // libpq: `connection to server at "h", port 5432 failed: FATAL:  database "x" does not
    // exist` plus a tab-indented hint line; the address is already in pony's message.
    let lines: Vec<String> = message
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect();
    let mut text = lines.join(" ");
    if backend == Backend::Postgres
        && lines.len() <= 2
        && text.starts_with("connection to server at ")
        && let Some((_, rest)) = text.split_once(" failed: ")
    {
        text = rest.to_owned();
    }
    if backend == Backend::Mysql {
        // libmysqlclient reports a refused or unanswered port as `Can't connect to server on
        // 'h' (115)`: an errno, and often EINPROGRESS rather than ECONNREFUSED.
        if text.starts_with("Can't connect to") {
            text.push_str(
                " — nothing accepted the connection: is the MySQL/MariaDB server running and \
                 listening on that host and port?",
            );
        } else if text.starts_with("Unknown server host") {
            text.push_str(" — the host name does not resolve");
        }
    }
    if text.is_empty() {
        "the server gave no reason".to_owned()
    } else {
        text
    }
}

impl From<diesel::result::Error> for Error {
    /// A query's failure; `NotFound` (from `.first()`, `.get_result()`, `find(pk)`) becomes a
    /// 404, as Django's `get_object_or_404`.
    fn from(error: diesel::result::Error) -> Self {
        match error {
            diesel::result::Error::NotFound => Error::Http404(None),
            other => Error::Other(Box::new(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::{BigInt, Text};

    use super::*;

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

    fn sqlite_url(dir: &std::path::Path, path: &str) -> DatabaseUrl {
        DatabaseUrl::parse(&format!("sqlite://{path}"), dir).unwrap()
    }

    #[test]
    fn sqlite_creates_file_and_directory_and_applies_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        let url = sqlite_url(dir.path(), "nested/dir/db.sqlite3");
        let mut conn = establish(&url).unwrap();
        assert_eq!(conn.backend(), Backend::Sqlite);
        assert!(dir.path().join("nested/dir/db.sqlite3").is_file());
        let Connection::Sqlite(sqlite) = &mut conn else {
            panic!("not SQLite")
        };
        let mode: Mode = diesel::sql_query("PRAGMA journal_mode").get_result(sqlite).unwrap();
        assert_eq!(mode.journal_mode, "wal");
        let fk: Flag = diesel::sql_query("PRAGMA foreign_keys").get_result(sqlite).unwrap();
        assert_eq!(fk.foreign_keys, 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(dir.path().join("nested/dir/db.sqlite3")).unwrap();
            assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn sqlite_enforces_foreign_keys() {
        let mut conn = establish(&DatabaseUrl::sqlite_memory()).unwrap();
        conn.batch_execute(
            "CREATE TABLE parent (id INTEGER PRIMARY KEY);
             CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id));",
        )
        .unwrap();
        let err = conn
            .batch_execute("INSERT INTO child (id, parent_id) VALUES (1, 42)")
            .unwrap_err();
        assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
    }

    #[test]
    fn sqlite_unopenable_path_says_why() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where the file should be.
        std::fs::create_dir(dir.path().join("taken.db")).unwrap();
        let url = sqlite_url(dir.path(), "taken.db");
        let err = establish(&url).unwrap_err().to_string();
        assert!(err.starts_with("cannot connect to SQLite at "), "{err}");
        assert!(err.contains("taken.db"), "{err}");
    }

    #[test]
    fn not_found_is_a_404() {
        let err = Error::from(diesel::result::Error::NotFound);
        assert!(matches!(err, Error::Http404(None)));
        let err = Error::from(diesel::result::Error::RollbackTransaction);
        assert!(matches!(err, Error::Other(_)));
    }

    #[test]
    fn explain_strips_libpq_address_prefix() {
        let raw = "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  database \"x\" does not exist\n";
        assert_eq!(
            explain(Backend::Postgres, raw),
            "FATAL: database \"x\" does not exist"
        );
        let raw = "connection to server at \"127.0.0.1\", port 1 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?\n";
        assert_eq!(
            explain(Backend::Postgres, raw),
            "Connection refused Is the server running on that host and accepting TCP/IP connections?"
        );
    }

    #[test]
    fn pg_connect_timeout_is_added_once() {
        assert_eq!(
            with_pg_connect_timeout("postgres://h/x"),
            "postgres://h/x?connect_timeout=5"
        );
        assert_eq!(
            with_pg_connect_timeout("postgres://h/x?sslmode=disable"),
            "postgres://h/x?sslmode=disable&connect_timeout=5"
        );
        assert_eq!(
            with_pg_connect_timeout("postgres://h/x?connect_timeout=1"),
            "postgres://h/x?connect_timeout=1"
        );
    }

    #[cfg(not(feature = "mysql"))]
    #[test]
    fn mysql_without_the_feature_is_improperly_configured() {
        let url = DatabaseUrl::parse("mysql://root@127.0.0.1:3306/test", "/".as_ref()).unwrap();
        let err = establish(&url).unwrap_err();
        assert!(matches!(err, Error::ImproperlyConfigured(_)), "{err:?}");
        assert_eq!(
            err.to_string(),
            "this binary was built without MySQL support; rebuild with the `mysql` feature of pony"
        );
    }

    /// The URL of a real PostgreSQL server, or `None` after saying how to run the test.
    pub(crate) fn postgres_url() -> Option<DatabaseUrl> {
        match std::env::var("PONY_TEST_POSTGRES_URL") {
            Ok(raw) if !raw.is_empty() => Some(DatabaseUrl::parse(&raw, "/".as_ref()).unwrap()),
            _ => {
                println!("skipped: set PONY_TEST_POSTGRES_URL to run");
                None
            }
        }
    }

    /// The URL of a real MySQL/MariaDB server, or `None` after saying how to run the test.
    #[cfg(feature = "mysql")]
    pub(crate) fn mysql_url() -> Option<DatabaseUrl> {
        match std::env::var("PONY_TEST_MYSQL_URL") {
            Ok(raw) if !raw.is_empty() => Some(DatabaseUrl::parse(&raw, "/".as_ref()).unwrap()),
            _ => {
                println!("skipped: set PONY_TEST_MYSQL_URL to run");
                None
            }
        }
    }

    /// `url` with its path (database name) or port replaced.
    fn with_database(url: &DatabaseUrl, database: &str) -> DatabaseUrl {
        let base = url.url.split(['?', '#']).next().unwrap_or(&url.url);
        let (prefix, _) = base.rsplit_once('/').unwrap();
        DatabaseUrl {
            backend: url.backend,
            url: format!("{prefix}/{database}"),
        }
    }

    #[test]
    fn postgres_connects() {
        let Some(url) = postgres_url() else { return };
        let mut conn = establish(&url).unwrap();
        assert_eq!(conn.backend(), Backend::Postgres);
        conn.batch_execute("SELECT 1").unwrap();
    }

    #[test]
    fn postgres_wrong_database_says_so() {
        let Some(url) = postgres_url() else { return };
        let url = with_database(&url, "pony_no_such_db");
        let err = establish(&url).unwrap_err().to_string();
        assert!(err.starts_with("cannot connect to PostgreSQL at "), "{err}");
        assert!(
            err.ends_with(": FATAL: database \"pony_no_such_db\" does not exist"),
            "{err}"
        );
    }

    #[test]
    fn postgres_refused_port_and_masked_password() {
        // Port 1 on the loopback: refused at once, no server needed.
        let url = DatabaseUrl::parse("postgres://u:hunter2@127.0.0.1:1/x", "/".as_ref()).unwrap();
        let err = establish(&url).unwrap_err().to_string();
        assert_eq!(
            err,
            "cannot connect to PostgreSQL at postgres://u:********************@127.0.0.1:1/x: \
             Connection refused Is the server running on that host and accepting TCP/IP \
             connections?"
        );
    }

    #[test]
    fn postgres_client_quoting_the_password_is_redacted() {
        // libpq quotes a bad percent-encoded token verbatim, which here is the password.
        let url = DatabaseUrl::parse("postgres://u:hun%zzter2@127.0.0.1:1/x", "/".as_ref()).unwrap();
        let err = establish(&url).unwrap_err().to_string();
        assert!(!err.contains("hun%zzter2"), "{err}");
        assert!(err.contains("invalid percent-encoded token"), "{err}");
    }

    #[cfg(feature = "mysql")]
    #[test]
    fn mysql_connects_and_explains_failures() {
        let Some(url) = mysql_url() else { return };
        let mut conn = establish(&url).unwrap();
        assert_eq!(conn.backend(), Backend::Mysql);
        conn.batch_execute("SELECT 1").unwrap();

        // Wrong password: diesel's MultiConnection would say only "Invalid connection url".
        let wrong = DatabaseUrl {
            backend: Backend::Mysql,
            url: url.url.replacen("://root@", "://root:pony-wrong-pw@", 1),
        };
        let err = establish(&wrong).unwrap_err().to_string();
        assert!(err.starts_with("cannot connect to MySQL at mysql://root:********************@"), "{err}");
        assert!(err.contains("Access denied for user 'root'"), "{err}");
        assert!(!err.contains("pony-wrong-pw"), "{err}");

        let err = establish(&with_database(&url, "pony_no_such_db")).unwrap_err().to_string();
        assert!(err.ends_with(": Unknown database 'pony_no_such_db'"), "{err}");

        let refused = DatabaseUrl::parse("mysql://root@127.0.0.1:1/test", "/".as_ref()).unwrap();
        let err = establish(&refused).unwrap_err().to_string();
        assert!(err.contains("Can't connect to"), "{err}");
        assert!(err.contains("is the MySQL/MariaDB server running"), "{err}");
    }
}
