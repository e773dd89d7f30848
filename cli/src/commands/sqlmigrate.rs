//! `manage sqlmigrate app name [--backwards]`: the SQL a migration runs on this project's
//! database (`DATABASE_URL`), without running it.

use std::process::ExitCode;

use pony::Project;
use pony::db::migrations::schema;
use pony::db::{Backend, DatabaseUrl};

use super::{CommandError, CommandResult};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// App label of the application containing the migration.
    app_label: String,
    /// Migration name to print the SQL for (a unique prefix is enough).
    migration_name: String,
    /// Creates SQL to unapply the migration, rather than to apply it.
    #[arg(long)]
    backwards: bool,
}

pub(crate) fn run(project: Project, args: Args) -> CommandResult {
    let settings = project.load_settings()?;
    let backend = DatabaseUrl::parse(&settings.database_url, &settings.base_dir)?.backend;
    let graph = pony::db::migrate::load(project.installed_apps())?;
    let app = &args.app_label;
    if !graph.apps().iter().any(|a| a == app) {
        return Err(CommandError::new(format!(
            "App '{app}' does not have migrations"
        )));
    }
    let key = pony::db::migrate::find(&graph, app, &args.migration_name)?;
    let file = graph
        .file(&key)
        .ok_or_else(|| CommandError::new(format!("No migration {key}")))?;
    let mut state = pony::db::migrate::state_before(&graph, &key)?;

    let transactional = backend != Backend::Mysql;
    if transactional {
        println!("BEGIN;");
    }
    let mut states = vec![state.clone()];
    for operation in &file.operations {
        state
            .apply(app, operation)
            .map_err(|e| CommandError::new(e.to_string()))?;
        states.push(state.clone());
    }
    let steps: Vec<(usize, &pony::db::migrations::Operation)> = if args.backwards {
        file.operations.iter().enumerate().rev().collect()
    } else {
        file.operations.iter().enumerate().collect()
    };
    for (index, operation) in steps {
        let before = &states[index];
        let sql = if args.backwards {
            schema::backwards(backend, before, app, operation)
        } else {
            schema::forwards(backend, before, app, operation)
        }
        .map_err(|e| CommandError::new(e.to_string()))?;
        let undo = if args.backwards { "Undo " } else { "" };
        println!("--\n-- {undo}{}\n--", operation.describe());
        for statement in sql {
            println!("{statement};");
        }
    }
    if transactional {
        println!("COMMIT;");
    }
    Ok(ExitCode::SUCCESS)
}
