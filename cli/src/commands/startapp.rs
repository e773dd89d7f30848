//! `manage startapp NAME`: an app's files in this project, registered in `installed_apps!`.

use std::path::Path;
use std::process::ExitCode;

use super::{CommandError, CommandResult};
use crate::scaffold::{self, Registration};
use crate::style::Style;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Name of the application (a Rust identifier, e.g. polls).
    name: String,
}

/// Creates the app in the project at `project_dir`.
pub(crate) fn run(project_dir: &Path, args: Args) -> CommandResult {
    let created = scaffold::start_app(&args.name, project_dir)
        .map_err(|error| CommandError::new(error.to_string()))?;
    for file in &created.files {
        println!("  {}", file.display());
    }
    match created.registration {
        Registration::Written { file, line } => {
            println!(
                "{}",
                Style::Success.out(&format!(
                    "Created app '{}' and added `{}` to {}.",
                    args.name,
                    line.trim(),
                    file.display()
                ))
            );
        }
        Registration::Manual { instruction } => {
            println!("Created app '{}'.", args.name);
            println!("{}", Style::Notice.out(&instruction));
        }
    }
    Ok(ExitCode::SUCCESS)
}
