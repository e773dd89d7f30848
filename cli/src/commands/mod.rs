//! The management commands, one module each.

pub(crate) mod changepassword;
pub(crate) mod check;
pub(crate) mod clearsessions;
pub(crate) mod collectstatic;
pub(crate) mod createsuperuser;
pub(crate) mod makemigrations;
pub(crate) mod migrate;
pub(crate) mod runserver;
pub(crate) mod serve;
pub(crate) mod showmigrations;
pub(crate) mod showurls;
pub(crate) mod sqlmigrate;
pub(crate) mod startapp;
mod users;

use std::process::ExitCode;

use crate::style::Style;

/// A command failed in a way the user can fix; printed as Django prints `CommandError`.
#[derive(Debug)]
pub struct CommandError {
    message: String,
    /// Django's runserver prints some errors as `Error: …` rather than `CommandError: …`.
    plain: bool,
}

impl CommandError {
    /// An error shown as `CommandError: message`.
    pub fn new(message: impl Into<String>) -> Self {
        CommandError {
            message: message.into(),
            plain: false,
        }
    }

    /// An error shown as `Error: message`.
    pub(crate) fn plain(message: impl Into<String>) -> Self {
        CommandError {
            message: message.into(),
            plain: true,
        }
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CommandError {}

impl From<pony::Error> for CommandError {
    fn from(error: pony::Error) -> Self {
        CommandError::new(error.to_string())
    }
}

impl From<std::io::Error> for CommandError {
    fn from(error: std::io::Error) -> Self {
        CommandError::new(error.to_string())
    }
}

pub(crate) type CommandResult = Result<ExitCode, CommandError>;

/// Prints a failed command's error and picks the exit code.
pub(crate) fn finish(result: CommandResult) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(error) => {
            let label = if error.plain { "Error" } else { "CommandError" };
            eprintln!("{}", Style::Error.err(&format!("{label}: {error}")));
            ExitCode::FAILURE
        }
    }
}

/// A connection to the project's database, for commands.
pub(crate) fn connect(settings: &pony::Settings) -> Result<pony::db::Connection, CommandError> {
    let url = pony::db::DatabaseUrl::parse(&settings.database_url, &settings.base_dir)?;
    Ok(pony::db::connection::establish(&url)?)
}

/// Sets up logging: plain lines for the development server, timestamped ones for production.
pub(crate) fn init_logging(development: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if development {
        builder
            .without_time()
            .with_target(false)
            .with_level(false)
            .try_init()
    } else {
        builder.with_target(false).try_init()
    };
}

/// A multi-threaded runtime for the servers.
/// Django's reminder when migrations are unapplied: "You have N unapplied migration(s). …"
/// (without a final newline), or `None` when everything is applied.
pub(crate) fn unapplied_migrations_notice(
    apps: &[Box<dyn pony::App>],
    conn: &mut pony::db::Connection,
) -> pony::Result<Option<String>> {
    let graph = pony::db::migrate::load(apps)?;
    let applied = pony::db::migrate::applied(conn)?;
    let unapplied: Vec<_> = graph
        .full_plan()
        .iter()
        .filter(|key| !applied.contains(*key))
        .collect();
    if unapplied.is_empty() {
        return Ok(None);
    }
    let mut labels: Vec<&str> = Vec::new();
    for key in &unapplied {
        if !labels.contains(&key.app.as_str()) {
            labels.push(&key.app);
        }
    }
    Ok(Some(format!(
        "\nYou have {} unapplied migration(s). Your project may not work properly until you \
         apply the migrations for app(s): {}.\nRun 'cargo manage migrate' to apply them.",
        unapplied.len(),
        labels.join(", ")
    )))
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CommandError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| CommandError::new(format!("cannot start the async runtime: {error}")))
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub(crate) async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let terminate = async {
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        () = terminate => {},
    }
}
