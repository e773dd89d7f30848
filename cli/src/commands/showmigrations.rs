//! `manage showmigrations [app…]`: every migration, `[X]` when applied.

use std::process::ExitCode;

use pony::Project;
use pony::db::migrations::MigrationKey;

use super::CommandResult;
use crate::style::Style;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Only these apps.
    app_label: Vec<String>,
}

pub(crate) fn run(project: Project, args: Args) -> CommandResult {
    let settings = project.load_settings()?;
    let graph = pony::db::migrate::load(project.installed_apps())?;
    let mut conn = super::connect(&settings)?;
    let applied = pony::db::migrate::applied(&mut conn)?;
    for app in project.installed_apps().iter().map(|a| a.label()) {
        if !args.app_label.is_empty() && !args.app_label.iter().any(|a| a == app) {
            continue;
        }
        println!("{}", Style::Label.out(app));
        let names = graph.names(app);
        if names.is_empty() {
            println!(" (no migrations)");
        }
        for name in names {
            let done = applied.contains(&MigrationKey::new(app, name.as_str()));
            println!(" [{}] {name}", if done { "X" } else { " " });
        }
    }
    Ok(ExitCode::SUCCESS)
}
