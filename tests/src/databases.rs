//! The databases a test project can run on, set up and inspected through their own command
//! line clients (`sqlite3`, `psql`, `mysql`), independent of pony.
//!
//! SQLite always runs; PostgreSQL runs when `PONY_TEST_POSTGRES_URL` is set (e.g.
//! `postgres://postgres@127.0.0.1:5432/test`) and MariaDB when `PONY_TEST_MYSQL_URL` is set
//! (e.g. `mysql://root@127.0.0.1:3306/test`). CI sets both; locally a missing one is skipped
//! with a message.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh, empty database for one test project.
#[derive(Debug)]
pub enum TestDatabase {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database created for the test (dropped afterwards).
    Postgres { server: String, name: String },
    /// A MariaDB database created for the test (dropped afterwards).
    Mysql { server: String, name: String },
}

/// Every database this run can test on, each named after `name`.
pub fn available(name: &str, project_dir: &Path) -> Vec<TestDatabase> {
    let mut databases = vec![TestDatabase::Sqlite(project_dir.join("db.sqlite3"))];
    match std::env::var("PONY_TEST_POSTGRES_URL") {
        Ok(url) => databases.push(TestDatabase::postgres(&url, name)),
        Err(_) => eprintln!("skipped PostgreSQL: set PONY_TEST_POSTGRES_URL to run"),
    }
    match std::env::var("PONY_TEST_MYSQL_URL") {
        Ok(url) => databases.push(TestDatabase::mysql(&url, name)),
        Err(_) => eprintln!("skipped MariaDB: set PONY_TEST_MYSQL_URL to run"),
    }
    databases
}

/// `scheme://credentials@host:port` of a URL, without its database.
fn server_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split('/').next().unwrap_or(rest);
    format!("{scheme}://{authority}")
}

impl TestDatabase {
    /// A fresh PostgreSQL database `pony_<name>` on the server of `url`.
    pub fn postgres(url: &str, name: &str) -> Self {
        let database = TestDatabase::Postgres {
            server: server_of(url),
            name: format!("pony_{name}"),
        };
        database.admin(&format!("DROP DATABASE IF EXISTS pony_{name}"));
        database.admin(&format!("CREATE DATABASE pony_{name}"));
        database
    }

    /// A fresh MariaDB database `pony_<name>` on the server of `url`.
    pub fn mysql(url: &str, name: &str) -> Self {
        let database = TestDatabase::Mysql {
            server: server_of(url),
            name: format!("pony_{name}"),
        };
        database.admin(&format!("DROP DATABASE IF EXISTS pony_{name}"));
        database.admin(&format!("CREATE DATABASE pony_{name}"));
        database
    }

    /// A short label for messages (`sqlite`, `postgres`, `mysql`).
    pub fn label(&self) -> &'static str {
        match self {
            TestDatabase::Sqlite(_) => "sqlite",
            TestDatabase::Postgres { .. } => "postgres",
            TestDatabase::Mysql { .. } => "mysql",
        }
    }

    /// The `DATABASE_URL` a project uses for it.
    pub fn url(&self) -> String {
        match self {
            TestDatabase::Sqlite(path) => format!("sqlite://{}", path.display()),
            TestDatabase::Postgres { server, name } | TestDatabase::Mysql { server, name } => {
                format!("{server}/{name}")
            }
        }
    }

    /// Runs SQL in the test database; its output rows, tab-separated, one per line.
    pub fn query(&self, sql: &str) -> Result<String, String> {
        let mut command = match self {
            TestDatabase::Sqlite(path) => {
                let mut c = Command::new("sqlite3");
                c.arg("-batch")
                    .arg("-separator")
                    .arg("\t")
                    .arg(path)
                    .arg(sql);
                c
            }
            TestDatabase::Postgres { server, name } => {
                let mut c = Command::new("psql");
                c.arg(format!("{server}/{name}")).args([
                    "-X",
                    "-q",
                    "-t",
                    "-A",
                    "-F",
                    "\t",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-c",
                    sql,
                ]);
                c
            }
            TestDatabase::Mysql { .. } => self.mysql_command(Some(sql)),
        };
        let output = command.output().map_err(|e| e.to_string())?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }

    fn mysql_command(&self, sql: Option<&str>) -> Command {
        let TestDatabase::Mysql { server, name } = self else {
            return Command::new("false");
        };
        let authority = server.trim_start_matches("mysql://");
        let (user, host) = authority.rsplit_once('@').unwrap_or(("root", authority));
        let (host, port) = host.split_once(':').unwrap_or((host, "3306"));
        let mut c = Command::new("mysql");
        c.args(["-h", host, "-P", port, "-u", user, "-N", "-B"]);
        if let Some(sql) = sql {
            c.arg(name.as_str()).args(["-e", sql]);
        }
        c
    }

    /// Runs a statement on the server itself (creating or dropping the database).
    fn admin(&self, sql: &str) {
        let output = match self {
            TestDatabase::Sqlite(_) => return,
            TestDatabase::Postgres { server, .. } => Command::new("psql")
                .arg(format!("{server}/postgres"))
                .args(["-X", "-q", "-c", sql])
                .output(),
            TestDatabase::Mysql { .. } => self.mysql_command(None).args(["-e", sql]).output(),
        };
        match output {
            Ok(output) if output.status.success() => {}
            Ok(output) => panic!("{sql}: {}", String::from_utf8_lossy(&output.stderr)),
            Err(error) => panic!("{sql}: {error}"),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { name, .. } | TestDatabase::Mysql { name, .. } = self {
            let sql = format!("DROP DATABASE IF EXISTS {name}");
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.admin(&sql)));
        }
    }
}
