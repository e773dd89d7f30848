//! `manage runserver [ADDR:PORT]`: the development server.
//!
//! With autoreload (the default), this process only watches and rebuilds; each server runs in
//! a child process that inherits the listening socket (see `autoreload`). `--noreload` serves
//! in this process.

use std::net::TcpListener;
use std::process::ExitCode;

use pony::Project;

use super::{CommandError, CommandResult};
use crate::addrport::AddrPort;
use crate::style::Style;
use crate::{autoreload, listener};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Optional port number, or ipaddr:port (default 127.0.0.1:8000).
    addrport: Option<String>,
    /// Tells pony to NOT use the auto-reloader.
    #[arg(long)]
    noreload: bool,
}

pub(crate) fn run(project: Project, args: Args) -> CommandResult {
    let addrport = match &args.addrport {
        Some(text) => AddrPort::parse(text).map_err(CommandError::new)?,
        None => AddrPort::default_dev(),
    };
    super::init_logging(true);
    if let Some(inherited) = listener::inherited() {
        return serve(project, inherited, &addrport);
    }
    if args.noreload {
        let socket = bind(&addrport)?;
        return serve(project, socket, &addrport);
    }
    autoreload::supervise(project.base_dir(), bind(&addrport)?)
}

/// Binds the port, with Django's messages for the usual failures.
pub(crate) fn bind(addrport: &AddrPort) -> Result<TcpListener, CommandError> {
    TcpListener::bind(addrport.addr).map_err(|error| match error.kind() {
        std::io::ErrorKind::AddrInUse => CommandError::plain("That port is already in use."),
        std::io::ErrorKind::PermissionDenied => {
            CommandError::plain("You don't have permission to access that port.")
        }
        std::io::ErrorKind::AddrNotAvailable => {
            CommandError::plain("That IP address can't be assigned to.")
        }
        _ => CommandError::plain(error.to_string()),
    })
}

/// Checks the project, prints Django's banner and serves until Ctrl-C or SIGTERM.
fn serve(project: Project, socket: TcpListener, addrport: &AddrPort) -> CommandResult {
    println!("Performing system checks...\n");
    let settings = project.load_settings()?;
    if !settings.debug && settings.allowed_hosts.is_empty() {
        return Err(CommandError::new(
            "You must set settings.ALLOWED_HOSTS if DEBUG is False.",
        ));
    }
    let site = project.build(settings)?;
    let messages = pony::checks::run(&site, false);
    print!("{}", super::check::report(&messages));
    if messages
        .iter()
        .any(|m| m.level == pony::checks::Level::Error)
    {
        return Err(CommandError::new(
            "System check identified some issues; fix them and save.",
        ));
    }
    warn_about_unapplied_migrations(&site);
    println!("{}", chrono::Local::now().format("%B %d, %Y - %X"));
    println!(
        "pony version {}, using settings '{}'",
        env!("CARGO_PKG_VERSION"),
        site.settings().settings_file.display()
    );
    println!("Starting development server at {}", addrport.url());
    println!("Quit the server with CONTROL-C.\n");

    super::runtime()?.block_on(async move {
        socket.set_nonblocking(true)?;
        let socket = tokio::net::TcpListener::from_std(socket)?;
        listener::notify_ready();
        site.serve(socket, super::shutdown_signal()).await
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Django's start-up reminder: "You have N unapplied migration(s)…".
fn warn_about_unapplied_migrations(site: &pony::Site) {
    let Some(db) = site.db() else { return };
    let notice = db
        .get()
        .and_then(|mut conn| super::unapplied_migrations_notice(site.apps(), &mut conn));
    match notice {
        Ok(Some(notice)) => println!("{}", Style::Notice.out(&format!("{notice}\n"))),
        Ok(None) => {}
        Err(error) => println!(
            "{}",
            Style::Notice.out(&format!("Could not check migrations: {error}\n"))
        ),
    }
}
