//! `DATABASE_URL`: which database a project talks to, like Django's `DATABASES['default']`.
//!
//! ```
//! use pony::db::url::{Backend, DatabaseUrl};
//!
//! let url = DatabaseUrl::parse("postgres://app:s3cret@db:5432/shop", "/srv/shop".as_ref())?;
//! assert_eq!(url.backend, Backend::Postgres);
//! assert_eq!(url.display(), "postgres://app:********************@db:5432/shop");
//! # Ok::<(), pony::Error>(())
//! ```

use std::fmt;
use std::path::Path;

use crate::error::{Error, Result};

/// What every masked password is shown as: a fixed width, so the mask leaks not even its length.
pub(crate) const PASSWORD_MASK: &str = "********************";

/// The database engine behind a [`DatabaseUrl`].
///
/// ```
/// assert_eq!(pony::db::url::Backend::Postgres.to_string(), "PostgreSQL");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// SQLite, a file next to the project (or in memory).
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB (needs pony's `mysql` feature to connect).
    Mysql,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
            Backend::Mysql => "MySQL",
        })
    }
}

/// A parsed `DATABASE_URL`, ready to hand to diesel.
///
/// `url` is what diesel connects with: for SQLite the absolute file path (or `:memory:`), for
/// the servers the URL itself (`mariadb://` rewritten to `mysql://`). It may hold a password:
/// show [`DatabaseUrl::display`] to people, never `url` (`Debug` and `Display` mask it too).
///
/// ```
/// use pony::db::url::{Backend, DatabaseUrl};
///
/// let url = DatabaseUrl::parse("sqlite://db.sqlite3", "/srv/blog".as_ref())?;
/// assert_eq!(url.backend, Backend::Sqlite);
/// assert_eq!(url.url, "/srv/blog/db.sqlite3");
/// # Ok::<(), pony::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    /// The engine.
    pub backend: Backend,
    /// The connection string for diesel (may contain a password).
    pub url: String,
}

const SCHEMES_HINT: &str = "use sqlite://, postgres:// or mysql://";

impl DatabaseUrl {
    /// Parses a `DATABASE_URL`; a relative SQLite path is taken relative to `base_dir`.
    ///
    /// Accepted: `sqlite://relative/path.db`, `sqlite:///absolute/path.db`, `sqlite::memory:`,
    /// `postgres://…`, `postgresql://…`, `mysql://…` and `mariadb://…`.
    ///
    /// ```
    /// use pony::db::url::DatabaseUrl;
    ///
    /// let err = DatabaseUrl::parse("redis://cache", "/srv".as_ref()).unwrap_err();
    /// assert!(err.to_string().contains("unknown scheme 'redis'"));
    /// ```
    pub fn parse(raw: &str, base_dir: &Path) -> Result<DatabaseUrl> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(Error::ImproperlyConfigured(format!(
                "DATABASE_URL is empty; {SCHEMES_HINT}"
            )));
        }
        // Security: error messages quote the scheme only, never the rest of the URL, which may
        // hold a password.
        let Some((scheme, rest)) = raw.split_once(':') else {
            return Err(Error::ImproperlyConfigured(format!(
                "DATABASE_URL has no scheme; {SCHEMES_HINT}"
            )));
        };
        if !is_scheme(scheme) {
            return Err(Error::ImproperlyConfigured(format!(
                "DATABASE_URL has no valid scheme; {SCHEMES_HINT}"
            )));
        }
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => parse_sqlite(rest, base_dir),
            "postgres" | "postgresql" => Ok(DatabaseUrl {
                backend: Backend::Postgres,
                url: raw.to_owned(),
            }),
            // diesel's MySQL client accepts only `mysql://`; MariaDB speaks the same protocol.
            "mysql" | "mariadb" => Ok(DatabaseUrl {
                backend: Backend::Mysql,
                url: format!("mysql:{rest}"),
            }),
            _ => Err(Error::ImproperlyConfigured(format!(
                "DATABASE_URL has an unknown scheme '{scheme}'; {SCHEMES_HINT}"
            ))),
        }
    }

    /// An in-memory SQLite database (each connection sees its own; the pool keeps one).
    ///
    /// ```
    /// assert_eq!(pony::db::url::DatabaseUrl::sqlite_memory().url, ":memory:");
    /// ```
    pub fn sqlite_memory() -> DatabaseUrl {
        DatabaseUrl {
            backend: Backend::Sqlite,
            url: ":memory:".to_owned(),
        }
    }

    /// The URL with its password replaced by asterisks, for messages and logs.
    ///
    /// ```
    /// use pony::db::url::DatabaseUrl;
    ///
    /// let url = DatabaseUrl::parse("mariadb://root:pw@127.0.0.1/test", "/".as_ref())?;
    /// assert_eq!(url.display(), "mysql://root:********************@127.0.0.1/test");
    /// # Ok::<(), pony::Error>(())
    /// ```
    pub fn display(&self) -> String {
        if self.backend == Backend::Sqlite {
            return self.url.clone();
        }
        let Some((start, userinfo)) = self.userinfo() else {
            return mask_query_password(&self.url);
        };
        let masked_userinfo = match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:{PASSWORD_MASK}"),
            None => userinfo.to_owned(),
        };
        let after = start + userinfo.len();
        mask_query_password(&format!(
            "{}{masked_userinfo}{}",
            &self.url[..start],
            &self.url[after..]
        ))
    }

    /// The password written in the URL (percent-encoded as written), if any.
    pub(crate) fn password(&self) -> Option<&str> {
        let (_, userinfo) = self.userinfo()?;
        let (_, password) = userinfo.split_once(':')?;
        (!password.is_empty()).then_some(password)
    }

    /// The user name written in the URL, if any.
    pub(crate) fn user(&self) -> Option<&str> {
        let (_, userinfo) = self.userinfo()?;
        Some(userinfo.split_once(':').map_or(userinfo, |(user, _)| user))
    }

    /// Removes the password from a message that a database client wrote about this URL.
    ///
    /// Security: client libraries sometimes quote the part of a URL they could not parse (libpq
    /// quotes a bad percent-encoded token, which may be the password). The masked URL already
    /// shows the user name, so a password equal to it reveals nothing more and is left alone.
    pub(crate) fn redact(&self, message: &str) -> String {
        let mut message = message.to_owned();
        if let Some(password) = self.password()
            && Some(password) != self.user()
        {
            let decoded = percent_encoding::percent_decode_str(password).decode_utf8_lossy();
            for secret in [password, decoded.as_ref()] {
                if !secret.is_empty() {
                    message = message.replace(secret, PASSWORD_MASK);
                }
            }
        }
        message
    }

    /// `(byte offset, text)` of the `user:password` part of a server URL, if it has one.
    fn userinfo(&self) -> Option<(usize, &str)> {
        let start = self.url.find("://")? + 3;
        let authority_len = self.url[start..]
            .find(['/', '?', '#'])
            .unwrap_or(self.url.len() - start);
        let authority = &self.url[start..start + authority_len];
        // The last `@` ends the userinfo: a password may itself contain `@` if not encoded.
        let at = authority.rfind('@')?;
        Some((start, &authority[..at]))
    }
}

/// Masks a `password=` query parameter (libpq accepts one), keeping everything else.
fn mask_query_password(url: &str) -> String {
    let Some((head, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let (query, fragment) = match query.split_once('#') {
        Some((query, fragment)) => (query, Some(fragment)),
        None => (query, None),
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                format!("{key}={PASSWORD_MASK}")
            }
            _ => pair.to_owned(),
        })
        .collect();
    let mut masked = format!("{head}?{}", pairs.join("&"));
    if let Some(fragment) = fragment {
        masked.push('#');
        masked.push_str(fragment);
    }
    masked
}

/// RFC 3986: `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
fn is_scheme(scheme: &str) -> bool {
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn parse_sqlite(rest: &str, base_dir: &Path) -> Result<DatabaseUrl> {
    if rest == ":memory:" || rest == "//:memory:" {
        return Ok(DatabaseUrl::sqlite_memory());
    }
    let Some(path) = rest.strip_prefix("//") else {
        return Err(Error::ImproperlyConfigured(
            "a SQLite DATABASE_URL is sqlite://relative/path.db, sqlite:///absolute/path.db \
             or sqlite::memory:"
                .to_owned(),
        ));
    };
    // A query string (`?mode=ro`) would be taken as part of the file name by SQLite; refuse it
    // rather than silently create a file with a `?` in its name.
    if path.is_empty() || path.contains(['?', '#']) {
        return Err(Error::ImproperlyConfigured(
            "a SQLite DATABASE_URL needs a file path and nothing else, e.g. sqlite://db.sqlite3"
                .to_owned(),
        ));
    }
    // `sqlite:///abs/path.db` leaves `/abs/path.db`, which `join` keeps as it is.
    let path = base_dir.join(path);
    let url = path.to_str().map(str::to_owned).ok_or_else(|| {
        Error::ImproperlyConfigured(format!(
            "the SQLite database path {} is not valid UTF-8",
            path.display()
        ))
    })?;
    Ok(DatabaseUrl {
        backend: Backend::Sqlite,
        url,
    })
}

impl fmt::Display for DatabaseUrl {
    /// The masked URL, as [`DatabaseUrl::display`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

impl fmt::Debug for DatabaseUrl {
    /// Masked too: a `{:?}` in a log line must not leak the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseUrl")
            .field("backend", &self.backend)
            .field("url", &self.display())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<DatabaseUrl> {
        DatabaseUrl::parse(raw, Path::new("/srv/project"))
    }

    #[test]
    fn sqlite_paths_resolve_against_the_base_dir() {
        let url = parse("sqlite://db.sqlite3").unwrap();
        assert_eq!(url.backend, Backend::Sqlite);
        assert_eq!(url.url, "/srv/project/db.sqlite3");
        assert_eq!(
            parse("sqlite://data/app.db").unwrap().url,
            "/srv/project/data/app.db"
        );
        assert_eq!(
            parse("sqlite:///var/lib/app.db").unwrap().url,
            "/var/lib/app.db"
        );
        assert_eq!(parse("sqlite::memory:").unwrap().url, ":memory:");
        assert_eq!(parse("SQLITE://x.db").unwrap().url, "/srv/project/x.db");
    }

    #[test]
    fn bad_sqlite_urls_are_explained() {
        for raw in ["sqlite://", "sqlite:db.sqlite3", "sqlite://x.db?mode=ro"] {
            let err = parse(raw).unwrap_err();
            assert!(
                matches!(err, Error::ImproperlyConfigured(_)),
                "{raw}: {err}"
            );
        }
    }

    #[test]
    fn server_schemes() {
        let pg = parse("postgres://u:p@h:5432/x").unwrap();
        assert_eq!(pg.backend, Backend::Postgres);
        assert_eq!(pg.url, "postgres://u:p@h:5432/x");
        assert_eq!(
            parse("postgresql://h/x").unwrap().backend,
            Backend::Postgres
        );
        let my = parse("mysql://root@127.0.0.1:3306/test").unwrap();
        assert_eq!(my.backend, Backend::Mysql);
        let maria = parse("mariadb://root@127.0.0.1:3306/test").unwrap();
        assert_eq!(maria.backend, Backend::Mysql);
        assert_eq!(maria.url, "mysql://root@127.0.0.1:3306/test");
    }

    #[test]
    fn unknown_scheme_names_only_the_scheme() {
        let err = parse("redis://user:hunter2@cache/0").unwrap_err();
        assert!(matches!(err, Error::ImproperlyConfigured(_)));
        assert_eq!(
            err.to_string(),
            "DATABASE_URL has an unknown scheme 'redis'; use sqlite://, postgres:// or mysql://"
        );
        for raw in [
            "",
            "db.sqlite3",
            "pg user:hunter2@host",
            "user:hunter2@host/db",
        ] {
            let err = parse(raw).unwrap_err();
            assert!(matches!(err, Error::ImproperlyConfigured(_)), "{raw}");
            assert!(!err.to_string().contains("hunter2"), "{err}");
        }
    }

    #[test]
    fn display_masks_the_password() {
        let url = parse("postgres://u:s3cr%40t@127.0.0.1:5432/x").unwrap();
        assert_eq!(
            url.display(),
            "postgres://u:********************@127.0.0.1:5432/x"
        );
        assert_eq!(url.to_string(), url.display());
        assert!(!format!("{url:?}").contains("s3cr"));
        // An unencoded `@` in the password: the last `@` ends the userinfo.
        let url = parse("mysql://root:p@ss@db/test").unwrap();
        assert_eq!(url.display(), "mysql://root:********************@db/test");
        // No password, no mask; a password in the query is masked too.
        let url = parse("postgres://u@h/x?sslmode=disable").unwrap();
        assert_eq!(url.display(), "postgres://u@h/x?sslmode=disable");
        let url = parse("postgres://h/x?user=u&password=hunter2&sslmode=require").unwrap();
        assert_eq!(
            url.display(),
            "postgres://h/x?user=u&password=********************&sslmode=require"
        );
    }

    #[test]
    fn redact_removes_raw_and_decoded_passwords() {
        let url = parse("postgres://u:s3cr%40t@h/x").unwrap();
        assert_eq!(
            url.redact("bad token \"s3cr%40t\" or s3cr@t"),
            "bad token \"********************\" or ********************"
        );
        let same = parse("postgres://postgres:postgres@h/x").unwrap();
        assert_eq!(
            same.redact("authentication failed for user \"postgres\""),
            "authentication failed for user \"postgres\""
        );
    }

    #[test]
    fn backend_names() {
        assert_eq!(Backend::Sqlite.to_string(), "SQLite");
        assert_eq!(Backend::Postgres.to_string(), "PostgreSQL");
        assert_eq!(Backend::Mysql.to_string(), "MySQL");
    }
}
