//! pony's management commands, like Django's `manage.py`.
//!
//! A project's `main` hands its [`Project`] over, and every command works through the project's
//! own binary (`cargo run -- migrate`, or `cargo manage migrate` with the alias that
//! `startproject` writes):
//!
//! ```no_run
//! fn project() -> pony::Project {
//!     pony::Project::new(pony::base_dir!())
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     pony_cli::execute_from_command_line(project())
//! }
//! ```

mod addrport;
mod autoreload;
mod commands;
mod listener;
mod prompt;
mod questioner;
pub mod scaffold;
mod style;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use pony::Project;

pub use commands::CommandError;

/// The commands a project's binary understands.
#[derive(Debug, Parser)]
#[command(
    name = "manage",
    about = "Management commands for this pony project.",
    after_help = "Run `manage help <command>` for help on a specific command.",
    disable_version_flag = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Starts a lightweight web server for development, reloading on changes.
    Runserver(commands::runserver::Args),
    /// Serves the project in production: no reloading, DEBUG off unless the environment says
    /// otherwise, graceful shutdown on SIGTERM.
    Serve(commands::serve::Args),
    /// Checks the entire project for potential problems.
    Check(commands::check::Args),
    /// Used to create a superuser.
    Createsuperuser(commands::createsuperuser::Args),
    /// Change a user's password for pony's auth app.
    Changepassword(commands::changepassword::Args),
    /// Lists every URL pattern with its view and name.
    Showurls,
    /// Creates new migration(s) for apps whose models changed.
    Makemigrations(commands::makemigrations::Args),
    /// Updates the database schema: applies (or unapplies) migrations.
    Migrate(commands::migrate::Args),
    /// Shows all migrations of the project, [X] when applied.
    Showmigrations(commands::showmigrations::Args),
    /// Prints the SQL statements of a migration.
    Sqlmigrate(commands::sqlmigrate::Args),
    /// Deletes expired sessions from the database (Redis expires them by itself).
    Clearsessions,
    /// Collects static files from the project and its apps into STATIC_ROOT.
    Collectstatic(commands::collectstatic::Args),
    /// Creates an app's directory structure in this project and registers it.
    Startapp(commands::startapp::Args),
}

/// Runs the command named on the command line against `project`; the process's exit code.
pub fn execute_from_command_line(project: Project) -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Runserver(args) => commands::runserver::run(project, args),
        Command::Serve(args) => commands::serve::run(project, args),
        Command::Check(args) => commands::check::run(project, args),
        Command::Createsuperuser(args) => commands::createsuperuser::run(project, args),
        Command::Changepassword(args) => commands::changepassword::run(project, args),
        Command::Showurls => commands::showurls::run(project),
        Command::Makemigrations(args) => commands::makemigrations::run(project, args),
        Command::Migrate(args) => commands::migrate::run(project, args),
        Command::Showmigrations(args) => commands::showmigrations::run(project, args),
        Command::Sqlmigrate(args) => commands::sqlmigrate::run(project, args),
        Command::Clearsessions => commands::clearsessions::run(project),
        Command::Collectstatic(args) => commands::collectstatic::run(project, args),
        Command::Startapp(args) => commands::startapp::run(project.base_dir(), args),
    };
    commands::finish(result)
}
