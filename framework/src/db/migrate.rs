//! Applying migrations to a database (what `migrate` does).
//!
//! The plan comes from the apps' migration files ([`MigrationGraph`]); what is applied is
//! recorded by diesel_migrations' `MigrationHarness` in `__diesel_schema_migrations` (as
//! `app.name`). Every run holds a lock, so two `migrate` processes started together apply each
//! migration once: PostgreSQL's advisory lock, MySQL's `GET_LOCK`, and on SQLite one
//! `BEGIN IMMEDIATE` transaction around the whole run. Each migration runs in a transaction
//! where the database can roll DDL back (PostgreSQL, SQLite), so a migration killed half-way
//! is neither half-applied nor recorded; MySQL commits DDL as it goes, as in Django.

use std::collections::BTreeSet;
use std::fmt;

use diesel::RunQueryDsl;
use diesel::backend::Backend as DieselBackend;
use diesel::connection::{BoxableConnection, SimpleConnection};
use diesel::migration::{Migration, MigrationMetadata, MigrationName, MigrationVersion};
use diesel_migrations::MigrationHarness;

use crate::core::App;
use crate::db::connection::Connection;
use crate::db::migrations::{
    Changes, MigrationFile, MigrationGraph, MigrationKey, ProjectState, Questioner, autodetector,
    schema,
};
use crate::db::url::Backend;
use crate::error::{Error, Result};

/// Runs `$body` with `$c` bound to the concrete diesel connection inside a [`Connection`]
/// (diesel_migrations' harness works on concrete connections).
macro_rules! on_each_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            Connection::Sqlite($c) => $body,
            #[cfg(feature = "postgres")]
            Connection::Postgres($c) => $body,
            #[cfg(feature = "mysql")]
            Connection::Mysql($c) => $body,
        }
    };
}

/// diesel's record table, created by pony first with room for `app.migration_name` versions
/// (diesel's own definition allows only 50 characters).
const RECORD_TABLE: &str = "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (\
    version VARCHAR(255) PRIMARY KEY NOT NULL, \
    run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)";

/// Every installed app's migrations as one graph.
pub fn load(apps: &[Box<dyn App>]) -> Result<MigrationGraph> {
    let mut migrations = Vec::new();
    for app in apps {
        for (name, text) in app.migrations() {
            let file = MigrationFile::parse(name, text)
                .map_err(|e| Error::ImproperlyConfigured(format!("{}: {e}", app.label())))?;
            migrations.push((app.label().to_owned(), (*name).to_owned(), file));
        }
    }
    MigrationGraph::new(migrations).map_err(|e| Error::ImproperlyConfigured(e.to_string()))
}

/// The migrations recorded as applied.
pub fn applied(conn: &mut Connection) -> Result<BTreeSet<MigrationKey>> {
    conn.batch_execute(RECORD_TABLE)?;
    let versions = on_each_backend!(conn, |c| MigrationHarness::applied_migrations(c))
        .map_err(Error::Other)?;
    Ok(versions
        .into_iter()
        .filter_map(|version| {
            let text = version.to_string();
            let (app, name) = text.split_once('.')?;
            Some(MigrationKey::new(app, name))
        })
        .collect())
}

/// The SQL of one migration, forwards or backwards, for `backend`.
pub fn sql_for(
    graph: &MigrationGraph,
    key: &MigrationKey,
    backend: Backend,
    backwards: bool,
) -> Result<Vec<String>> {
    let file = graph
        .file(key)
        .ok_or_else(|| Error::ImproperlyConfigured(format!("No migration {key}")))?;
    let mut before = state_before(graph, key)?;
    let result = if backwards {
        schema::migration_backwards(backend, &before, &key.app, file)
    } else {
        schema::migration_forwards(backend, &mut before, &key.app, file)
    };
    result.map_err(|e| Error::ImproperlyConfigured(format!("{key}: {e}")))
}

/// The models just before `key`: everything it depends on, applied.
pub fn state_before(graph: &MigrationGraph, key: &MigrationKey) -> Result<ProjectState> {
    let plan = graph
        .plan(std::slice::from_ref(key))
        .map_err(|e| Error::other(e.to_string()))?;
    let before: Vec<MigrationKey> = plan.into_iter().filter(|k| k != key).collect();
    graph
        .project_state(&before)
        .map_err(|e| Error::other(e.to_string()))
}

/// An app's migration named by a unique prefix (`0001` for `0001_initial`), as `migrate` and
/// `sqlmigrate` accept it, with Django's messages.
pub fn find(graph: &MigrationGraph, app: &str, prefix: &str) -> Result<MigrationKey> {
    let matches: Vec<&String> = graph
        .names(app)
        .iter()
        .filter(|n| n.starts_with(prefix))
        .collect();
    match matches.as_slice() {
        [one] => Ok(MigrationKey::new(app, one.as_str())),
        [] => Err(Error::ImproperlyConfigured(format!(
            "Cannot find a migration matching '{prefix}' from app '{app}'."
        ))),
        _ => Err(Error::ImproperlyConfigured(format!(
            "More than one migration matches '{prefix}' in app '{app}'. Please be more specific."
        ))),
    }
}

/// The model changes that no migration records yet: the installed apps' compiled models
/// against the state the migrations replay to, with `questioner` settling ambiguities.
pub fn unmigrated_changes(
    apps: &[Box<dyn App>],
    graph: &MigrationGraph,
    questioner: &mut dyn Questioner,
) -> Result<Changes> {
    let migrated = graph
        .project_state(graph.full_plan())
        .map_err(|e| Error::other(e.to_string()))?;
    let compiled = ProjectState::from_models(apps.iter().flat_map(|app| app.models()).cloned());
    autodetector::changes(&migrated, &compiled, questioner).map_err(|e| Error::other(e.to_string()))
}

/// One migration as diesel's harness runs and records it.
struct Step {
    version: String,
    forwards: Vec<String>,
    backwards: Vec<String>,
    transactional: bool,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.version)
    }
}

impl MigrationName for Step {
    fn version(&self) -> MigrationVersion<'_> {
        MigrationVersion::from(self.version.as_str())
    }
}

impl MigrationMetadata for Step {
    fn run_in_transaction(&self) -> bool {
        self.transactional
    }
}

impl<DB: DieselBackend> Migration<DB> for Step {
    fn run(&self, conn: &mut dyn BoxableConnection<DB>) -> diesel::migration::Result<()> {
        for statement in &self.forwards {
            conn.batch_execute(statement)?;
        }
        Ok(())
    }

    fn revert(&self, conn: &mut dyn BoxableConnection<DB>) -> diesel::migration::Result<()> {
        for statement in &self.backwards {
            conn.batch_execute(statement)?;
        }
        Ok(())
    }

    fn metadata(&self) -> &dyn MigrationMetadata {
        self
    }

    fn name(&self) -> &dyn MigrationName {
        self
    }
}

/// What to migrate to (the `migrate [app] [target]` arguments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Every migration of every app.
    All,
    /// Every migration of one app (and what it depends on).
    App(String),
    /// One app to a named migration: applying up to it, or unapplying what follows it.
    To(MigrationKey),
    /// One app with all its migrations unapplied (`migrate app zero`).
    Zero(String),
}

/// Whether a step applies or unapplies its migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Forwards.
    Apply,
    /// Backwards.
    Unapply,
}

/// What `migrate` will do, in order, given what is applied.
pub fn plan(
    graph: &MigrationGraph,
    applied: &BTreeSet<MigrationKey>,
    target: &Target,
) -> Result<Vec<(MigrationKey, Direction)>> {
    let graph_error =
        |e: crate::db::migrations::MigrationError| Error::ImproperlyConfigured(e.to_string());
    let forwards = |keys: Vec<MigrationKey>| -> Result<Vec<(MigrationKey, Direction)>> {
        Ok(graph
            .plan(&keys)
            .map_err(graph_error)?
            .into_iter()
            .filter(|key| !applied.contains(key))
            .map(|key| (key, Direction::Apply))
            .collect())
    };
    let backwards = |app: &str, name: &str| -> Result<Vec<(MigrationKey, Direction)>> {
        Ok(graph
            .backwards_plan(app, name)
            .map_err(graph_error)?
            .into_iter()
            .filter(|key| applied.contains(key))
            .map(|key| (key, Direction::Unapply))
            .collect())
    };
    match target {
        Target::All => forwards(graph.leaves()),
        Target::App(app) => {
            if !graph.apps().iter().any(|a| a == app) {
                return Err(Error::ImproperlyConfigured(format!(
                    "App '{app}' does not have migrations."
                )));
            }
            forwards(graph.leaf(app).into_iter().collect())
        }
        Target::To(key) if applied.contains(key) => backwards(&key.app, &key.name),
        Target::To(key) => forwards(vec![key.clone()]),
        Target::Zero(app) => backwards(app, crate::db::migrations::graph::ZERO),
    }
}

/// Progress of a run, for the command's output.
#[derive(Debug)]
pub enum Event<'a> {
    /// A migration starts (`Applying articles.0001_initial...`).
    Started(&'a MigrationKey, Direction),
    /// It finished (` OK`).
    Finished(&'a MigrationKey, Direction),
}

/// Applies or unapplies migrations to reach `target`, under the migration lock; reports each
/// step to `progress`. With `fake`, only records them. Returns the steps taken.
pub fn migrate(
    conn: &mut Connection,
    graph: &MigrationGraph,
    target: &Target,
    fake: bool,
    progress: &mut dyn FnMut(Event<'_>),
) -> Result<Vec<(MigrationKey, Direction)>> {
    with_lock(conn, |conn| {
        // Planned under the lock: a concurrent run may have applied some meanwhile.
        let steps = plan(graph, &applied(conn)?, target)?;
        let backend = conn.backend();
        for (key, direction) in &steps {
            progress(Event::Started(key, *direction));
            let (forwards, backwards) = match (fake, direction) {
                (true, _) => (Vec::new(), Vec::new()),
                (false, Direction::Apply) => (sql_for(graph, key, backend, false)?, Vec::new()),
                (false, Direction::Unapply) => (Vec::new(), sql_for(graph, key, backend, true)?),
            };
            let step = Step {
                version: key.to_string(),
                forwards,
                backwards,
                transactional: backend != Backend::Mysql,
            };
            let result = on_each_backend!(&mut *conn, |c| match direction {
                Direction::Apply => MigrationHarness::run_migration(c, &step),
                Direction::Unapply => MigrationHarness::revert_migration(c, &step),
            });
            result.map_err(|error| Error::other(format!("{key}: {error}")))?;
            progress(Event::Finished(key, *direction));
        }
        Ok(steps)
    })
}

/// Runs `f` holding the migration lock of the database.
fn with_lock<T>(conn: &mut Connection, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
    match conn.backend() {
        Backend::Sqlite => {
            // Table rebuilds need foreign keys off, which SQLite only allows outside a
            // transaction; they are checked before committing instead. A concurrent run waits
            // for the write lock rather than failing after the usual 5 s.
            conn.batch_execute("PRAGMA foreign_keys = OFF; PRAGMA busy_timeout = 600000")?;
            let result = crate::db::pool::atomic(conn, |conn| {
                let value = f(conn)?;
                check_sqlite_foreign_keys(conn)?;
                Ok(value)
            });
            conn.batch_execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000")?;
            result
        }
        Backend::Postgres => {
            conn.batch_execute("SELECT pg_advisory_lock(7034431926)")?;
            let result = f(conn);
            conn.batch_execute("SELECT pg_advisory_unlock(7034431926)")?;
            result
        }
        Backend::Mysql => {
            // SELECT … INTO: no result set, so it runs as a plain statement.
            conn.batch_execute("SELECT GET_LOCK('pony_migrate', 3600) INTO @pony_migrate_lock")?;
            let result = f(conn);
            conn.batch_execute("SELECT RELEASE_LOCK('pony_migrate') INTO @pony_migrate_lock")?;
            result
        }
    }
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn check_sqlite_foreign_keys(conn: &mut Connection) -> Result<()> {
    let Connection::Sqlite(sqlite) = conn else {
        return Ok(());
    };
    let broken: Count = diesel::sql_query("SELECT COUNT(*) AS n FROM pragma_foreign_key_check")
        .get_result(sqlite)?;
    if broken.n > 0 {
        return Err(Error::other(format!(
            "the migration left {} row(s) pointing at rows that do not exist; nothing was applied",
            broken.n
        )));
    }
    Ok(())
}
