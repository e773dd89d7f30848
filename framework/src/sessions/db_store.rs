//! The database session store (Django's `django.contrib.sessions.backends.db`): the
//! `pony_session` table, on the project's pool, for SQLite, PostgreSQL and MySQL alike.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use tower_sessions::ExpiredDeletion;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use super::key::cookie_value;
use super::models::session;
use super::time::{from_database, to_database};
use super::{INTERRUPTED, backend_error};
use crate::db::Db;
use crate::error::{Error, Result};

/// How many fresh keys [`DatabaseStore`]'s `create` tries before giving up. Two random 128-bit
/// keys colliding is all but impossible; a run of collisions means something else is wrong.
const CREATE_ATTEMPTS: usize = 8;

/// Sessions in the `pony_session` table (created by the sessions app's migration).
///
/// Queries run on the blocking pool through [`Db::run`]. `create` inserts and never
/// overwrites: a key already taken gets a new one. `save` only updates: a session deleted
/// meanwhile (a logout in another tab) is not brought back, and the request fails as Django's
/// `SessionInterrupted` does. Expired rows are never loaded.
///
/// ```no_run
/// # async fn demo(db: pony::db::Db) -> pony::Result<()> {
/// use pony::sessions::DatabaseStore;
///
/// let store = DatabaseStore::new(db);
/// let removed = store.clear_expired().await?; // what `manage clearsessions` does
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct DatabaseStore {
    db: Db,
}

impl std::fmt::Debug for DatabaseStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseStore({})", self.db.backend())
    }
}

impl DatabaseStore {
    /// A store on `db`'s `pony_session` table.
    pub fn new(db: Db) -> Self {
        DatabaseStore { db }
    }

    /// Deletes every expired session (Django's `clearsessions`); how many rows went.
    pub async fn clear_expired(&self) -> Result<usize> {
        self.db.run(clear_expired).await
    }
}

/// Deletes the expired rows through `conn`; how many went.
pub fn clear_expired(conn: &mut crate::db::Connection) -> Result<usize> {
    let now = crate::db::now();
    Ok(diesel::delete(session::table.filter(session::expire_date.lt(now))).execute(conn)?)
}

/// Inserts a session under a fresh key from `next_id`, never over an existing row: a key
/// already taken is skipped for the next one. The key used.
fn insert_new(
    conn: &mut crate::db::Connection,
    data: &str,
    expire: crate::db::DateTime,
    mut next_id: impl FnMut() -> Id,
) -> Result<Id> {
    for _ in 0..CREATE_ATTEMPTS {
        // Always a key of our own making, whatever id the record came with.
        let id = next_id();
        let inserted = diesel::insert_into(session::table)
            .values((
                session::session_key.eq(cookie_value(&id)),
                session::session_data.eq(data),
                session::expire_date.eq(expire),
            ))
            .execute(conn);
        match inserted {
            Ok(_) => return Ok(id),
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => continue,
            Err(error) => return Err(Error::from(error)),
        }
    }
    Err(Error::other(format!(
        "{CREATE_ATTEMPTS} new session keys in a row were already taken"
    )))
}

fn encode(record: &Record) -> session_store::Result<String> {
    serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))
}

#[async_trait]
impl SessionStore for DatabaseStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = encode(record)?;
        let expire = to_database(record.expiry_date);
        let key = self
            .db
            .run(move |conn| insert_new(conn, &data, expire, Id::default))
            .await
            .map_err(backend_error)?;
        record.id = key;
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = encode(record)?;
        let expire = to_database(record.expiry_date);
        let key = cookie_value(&record.id);
        let updated = self
            .db
            .run(move |conn| {
                Ok(diesel::update(session::table.find(key))
                    .set((
                        session::session_data.eq(data),
                        session::expire_date.eq(expire),
                    ))
                    .execute(conn)?)
            })
            .await
            .map_err(backend_error)?;
        if updated == 0 {
            return Err(session_store::Error::Backend(INTERRUPTED.to_owned()));
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let key = cookie_value(id);
        let row: Option<(String, crate::db::DateTime)> = self
            .db
            .run(move |conn| {
                Ok(session::table
                    .find(key)
                    .filter(session::expire_date.gt(crate::db::now()))
                    .select((session::session_data, session::expire_date))
                    .first(conn)
                    .optional()?)
            })
            .await
            .map_err(backend_error)?;
        let Some((data, expire)) = row else {
            return Ok(None);
        };
        // Data that no longer decodes (edited by hand, written by something else) is an empty
        // session, as in Django, rather than an error page on every request.
        let Ok(data) = serde_json::from_str(&data) else {
            tracing::warn!("Session data corrupted");
            return Ok(None);
        };
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: from_database(expire),
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let key = cookie_value(id);
        self.db
            .run(move |conn| {
                diesel::delete(session::table.find(key)).execute(conn)?;
                Ok(())
            })
            .await
            .map_err(backend_error)
    }
}

#[async_trait]
impl ExpiredDeletion for DatabaseStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        self.clear_expired().await.map(drop).map_err(backend_error)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use tower_sessions::cookie::time::{Duration, OffsetDateTime};

    use super::*;
    use crate::db::migrate::{self, Target};
    use crate::db::url::DatabaseUrl;
    use crate::sessions::SessionsConfig;

    /// A store on `url` with the sessions app migrated (and its table emptied).
    pub(crate) fn migrated_store(url: &DatabaseUrl) -> DatabaseStore {
        let db = Db::connect(url).unwrap();
        let apps: Vec<Box<dyn crate::App>> = vec![Box::new(SessionsConfig)];
        let graph = migrate::load(&apps).unwrap();
        let mut conn = db.get().unwrap();
        migrate::migrate(&mut conn, &graph, &Target::All, false, &mut |_| {}).unwrap();
        diesel::delete(session::table).execute(&mut *conn).unwrap();
        drop(conn);
        DatabaseStore::new(db)
    }

    /// A store on a fresh in-memory SQLite database.
    pub(crate) async fn sqlite_store() -> DatabaseStore {
        migrated_store(&DatabaseUrl::sqlite_memory())
    }

    fn record(expires_in: Duration) -> Record {
        let mut data = std::collections::HashMap::new();
        data.insert("n".to_owned(), serde_json::json!(1));
        Record {
            id: Id::default(),
            data,
            expiry_date: OffsetDateTime::now_utc() + expires_in,
        }
    }

    fn rows(store: &DatabaseStore) -> i64 {
        use diesel::dsl::count_star;
        session::table
            .select(count_star())
            .first(&mut *store.db.get().unwrap())
            .unwrap()
    }

    /// The behaviour every backend must have.
    pub(crate) async fn behaves_like_djangos_db_store(store: &DatabaseStore) {
        // create: a key of the store's making, never the one the record came with.
        let mut first = record(Duration::hours(1));
        let offered = first.id;
        store.create(&mut first).await.unwrap();
        assert_ne!(first.id, offered);
        let loaded = store.load(&first.id).await.unwrap().unwrap();
        assert_eq!(loaded.data, first.data);
        assert!((loaded.expiry_date - first.expiry_date).abs() < Duration::milliseconds(1));

        // save updates in place.
        first.data.insert("n".to_owned(), serde_json::json!(2));
        store.save(&first).await.unwrap();
        assert_eq!(
            store.load(&first.id).await.unwrap().unwrap().data["n"],
            serde_json::json!(2)
        );

        // A collision is a new key, never an overwrite.
        let taken = first.id;
        let fresh = Id::default();
        let mut ids = [taken, fresh].into_iter();
        let key = store
            .db
            .run(move |conn| {
                insert_new(conn, "{}", crate::db::now(), move || {
                    ids.next().unwrap_or_default()
                })
            })
            .await
            .unwrap();
        assert_eq!(key, fresh);
        assert_eq!(
            store.load(&first.id).await.unwrap().unwrap().data["n"],
            serde_json::json!(2)
        );
        store.delete(&fresh).await.unwrap();
        let mut second = record(Duration::hours(1));
        store.create(&mut second).await.unwrap();

        // Unknown and expired keys load nothing.
        assert!(store.load(&Id::default()).await.unwrap().is_none());
        let mut expired = record(-Duration::minutes(1));
        store.create(&mut expired).await.unwrap();
        assert!(store.load(&expired.id).await.unwrap().is_none());

        // save never resurrects a deleted session (Django's SessionInterrupted).
        store.delete(&second.id).await.unwrap();
        let err = store.save(&second).await.unwrap_err().to_string();
        assert_eq!(err, INTERRUPTED);
        assert!(store.load(&second.id).await.unwrap().is_none());

        // clearsessions: only the expired row goes.
        assert_eq!(rows(store), 2);
        assert_eq!(store.clear_expired().await.unwrap(), 1);
        assert_eq!(rows(store), 1);
        assert!(store.load(&first.id).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn sqlite_store_behaves_like_djangos() {
        behaves_like_djangos_db_store(&sqlite_store().await).await;
    }

    #[tokio::test]
    async fn create_gives_up_when_every_key_is_taken() {
        let store = sqlite_store().await;
        let mut record = record(Duration::hours(1));
        store.create(&mut record).await.unwrap();
        let taken = record.id;
        let err = store
            .db
            .run(move |conn| insert_new(conn, "{}", crate::db::now(), move || taken))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("already taken"), "{err}");
    }

    #[tokio::test]
    async fn corrupted_data_is_an_empty_session() {
        let store = sqlite_store().await;
        let id = Id::default();
        let key = cookie_value(&id);
        store
            .db
            .run(move |conn| {
                diesel::insert_into(session::table)
                    .values((
                        session::session_key.eq(key),
                        session::session_data.eq("not json"),
                        session::expire_date.eq(crate::db::now() + chrono::TimeDelta::hours(1)),
                    ))
                    .execute(conn)?;
                Ok(())
            })
            .await
            .unwrap();
        assert!(store.load(&id).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn server_databases_behave_like_sqlite() {
        for (variable, scheme) in [
            ("PONY_TEST_POSTGRES_URL", "postgres"),
            ("PONY_TEST_MYSQL_URL", "mysql"),
        ] {
            let Ok(url) = std::env::var(variable) else {
                eprintln!("skipped the {scheme} session store: set {variable} to run");
                continue;
            };
            if !cfg!(feature = "postgres") && scheme == "postgres"
                || !cfg!(feature = "mysql") && scheme == "mysql"
            {
                eprintln!("skipped the {scheme} session store: pony built without `{scheme}`");
                continue;
            }
            let url = DatabaseUrl::parse(&url, std::path::Path::new("/")).unwrap();
            let store = tokio::task::spawn_blocking(move || migrated_store(&url))
                .await
                .unwrap();
            behaves_like_djangos_db_store(&store).await;
        }
    }

    #[test]
    fn the_migration_matches_the_model() {
        let apps: Vec<Box<dyn crate::App>> = vec![Box::new(SessionsConfig)];
        let graph = migrate::load(&apps).unwrap();
        let changes = migrate::unmigrated_changes(
            &apps,
            &graph,
            &mut crate::db::migrations::questioner::NonInteractive,
        )
        .unwrap();
        assert!(changes.is_empty(), "{changes:?}");
    }
}
