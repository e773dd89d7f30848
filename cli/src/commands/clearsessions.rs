//! `manage clearsessions`: deletes expired sessions from the database, like Django's (and,
//! like it, prints nothing when all went well). With `SESSION_ENGINE = "redis"` there is
//! nothing to do: Redis drops expired sessions by itself.

use std::process::ExitCode;

use pony::Project;
use pony::conf::SessionEngine;

use super::{CommandError, CommandResult};

pub(crate) fn run(project: Project) -> CommandResult {
    let installed = project
        .installed_apps()
        .iter()
        .any(|app| app.label() == pony::sessions::LABEL);
    if !installed {
        return Err(CommandError::new(
            "The sessions app is not installed: add pony::sessions::SessionsConfig to the \
             project's apps.",
        ));
    }
    let settings = project.load_settings()?;
    if settings.session.engine == SessionEngine::Redis {
        return Ok(ExitCode::SUCCESS);
    }
    let mut conn = super::connect(&settings)?;
    pony::sessions::db_store::clear_expired(&mut conn)?;
    Ok(ExitCode::SUCCESS)
}
