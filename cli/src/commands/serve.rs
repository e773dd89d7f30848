//! `manage serve [ADDR:PORT]`: the production server.
//!
//! DEBUG is off unless the environment's `DEBUG` turns it on, so a missing `SECRET_KEY` or an
//! empty `ALLOWED_HOSTS` stops it at start-up. On SIGTERM (or Ctrl-C) it stops accepting
//! connections and exits once the requests in flight are answered.

use std::process::ExitCode;

use pony::{Project, Settings};

use super::{CommandError, CommandResult};
use crate::addrport::AddrPort;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Port number, or ipaddr:port (default 127.0.0.1:8000; use 0.0.0.0:PORT behind a proxy).
    addrport: Option<String>,
}

pub(crate) fn run(project: Project, args: Args) -> CommandResult {
    let addrport = match &args.addrport {
        Some(text) => AddrPort::parse(text).map_err(CommandError::new)?,
        None => AddrPort::default_dev(),
    };
    super::init_logging(false);
    let settings = Settings::load_from(project.base_dir(), |name| {
        let value = std::env::var(name).ok();
        if name == "DEBUG" {
            value.or_else(|| Some("false".to_owned()))
        } else {
            value
        }
    })?;
    settings.validate()?;
    let site = project.build(settings)?;
    let errors: Vec<String> = pony::checks::run(&site, false)
        .into_iter()
        .filter(|m| m.level == pony::checks::Level::Error)
        .map(|m| format!("({}) {}", m.id, m.message))
        .collect();
    if !errors.is_empty() {
        return Err(CommandError::new(format!(
            "System check failed:\n{}",
            errors.join("\n")
        )));
    }
    let socket = super::runserver::bind(&addrport)?;
    let debug_on = site.settings().debug;
    super::runtime()?.block_on(async move {
        socket.set_nonblocking(true)?;
        let socket = tokio::net::TcpListener::from_std(socket)?;
        tracing::info!(
            "Serving at {} (DEBUG {})",
            addrport.url(),
            if debug_on { "on" } else { "off" }
        );
        let shutdown = async {
            super::shutdown_signal().await;
            tracing::info!("Shutting down: finishing the requests in flight.");
        };
        site.serve(socket, shutdown).await
    })?;
    tracing::info!("Stopped.");
    Ok(ExitCode::SUCCESS)
}
