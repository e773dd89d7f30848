//! `manage migrate [app] [target]`: brings the database's schema up (or back) to date.

use std::io::Write;
use std::process::ExitCode;

use pony::Project;
use pony::db::migrate::{self, Direction, Event, Target};
use pony::db::migrations::{MigrationGraph, MigrationKey, graph::ZERO};

use super::{CommandError, CommandResult};
use crate::style::Style;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// App label of an application to synchronize the state.
    app_label: Option<String>,
    /// Database state will be brought to the state after that migration. Use the name "zero"
    /// to unapply all migrations.
    migration_name: Option<String>,
    /// Mark migrations as run without actually running them.
    #[arg(long)]
    fake: bool,
    /// Shows a list of the migration actions that will be performed.
    #[arg(long)]
    plan: bool,
    /// Do NOT prompt the user for input of any kind.
    #[arg(long)]
    noinput: bool,
}

pub(crate) fn run(project: Project, args: Args) -> CommandResult {
    let settings = project.load_settings()?;
    let graph = migrate::load(project.installed_apps())?;
    let target = target(&graph, &args)?;
    let mut conn = super::connect(&settings)?;

    if args.plan {
        let applied = migrate::applied(&mut conn)?;
        print_plan(&graph, &migrate::plan(&graph, &applied, &target)?);
        return Ok(ExitCode::SUCCESS);
    }

    println!("{}", Style::Heading.out("Operations to perform:"));
    println!("  {}", describe_target(&graph, &target));
    println!("{}", Style::Heading.out("Running migrations:"));
    let mut progress = |event: Event<'_>| match event {
        Event::Started(key, Direction::Apply) => {
            print!("  Applying {key}...");
            let _ = std::io::stdout().flush();
        }
        Event::Started(key, Direction::Unapply) => {
            print!("  Unapplying {key}...");
            let _ = std::io::stdout().flush();
        }
        Event::Finished(..) => println!(
            "{}",
            Style::Success.out(if args.fake { " FAKED" } else { " OK" })
        ),
    };
    let steps = migrate::migrate(&mut conn, &graph, &target, args.fake, &mut progress).map_err(
        |error| {
            println!();
            CommandError::new(error.to_string())
        },
    )?;
    if steps.is_empty() {
        println!("  No migrations to apply.");
    }
    post_migrate(&project, &mut conn)?;
    warn_about_unmigrated_changes(&project, &graph);
    Ok(ExitCode::SUCCESS)
}

/// Django's `post_migrate` signal: each app whose migrations are all applied gets to set up
/// its data (the auth app creates permissions).
fn post_migrate(project: &Project, conn: &mut pony::db::Connection) -> Result<(), CommandError> {
    let applied = migrate::applied(conn)?;
    let apps = project.installed_apps();
    for app in apps {
        let migrated = app.migrations().iter().all(|(name, _)| {
            applied
                .iter()
                .any(|key| key.app == app.label() && key.name == *name)
        });
        if migrated {
            app.post_migrate(conn, apps)?;
        }
    }
    Ok(())
}

/// The target from the arguments; a migration name may be given by its unique prefix.
fn target(graph: &MigrationGraph, args: &Args) -> Result<Target, CommandError> {
    let Some(app) = &args.app_label else {
        return Ok(Target::All);
    };
    if !graph.apps().iter().any(|a| a == app) {
        return Err(CommandError::new(format!(
            "App '{app}' does not have migrations."
        )));
    }
    let Some(name) = &args.migration_name else {
        return Ok(Target::App(app.clone()));
    };
    if name == ZERO {
        return Ok(Target::Zero(app.clone()));
    }
    Ok(Target::To(migrate::find(graph, app, name)?))
}

fn describe_target(graph: &MigrationGraph, target: &Target) -> String {
    match target {
        Target::All => format!(
            "{} {}",
            Style::Label.out("Apply all migrations:"),
            graph.apps().join(", ")
        ),
        Target::App(app) => format!("{} {app}", Style::Label.out("Apply all migrations:")),
        Target::To(key) => format!(
            "{} {}, from {}",
            Style::Label.out("Target specific migration:"),
            key.name,
            key.app
        ),
        Target::Zero(app) => format!("{} {app}", Style::Label.out("Unapply all migrations:")),
    }
}

fn print_plan(graph: &MigrationGraph, steps: &[(MigrationKey, Direction)]) {
    println!("{}", Style::Heading.out("Planned operations:"));
    if steps.is_empty() {
        println!("  No planned migration operations.");
    }
    for (key, direction) in steps {
        let undo = if *direction == Direction::Unapply {
            "Undo "
        } else {
            ""
        };
        println!("{key}");
        for operation in graph
            .file(key)
            .map(|f| f.operations.as_slice())
            .unwrap_or_default()
        {
            println!("    {undo}{}", operation.describe());
        }
    }
}

/// Django's reminder when the models have changes no migration records yet.
fn warn_about_unmigrated_changes(project: &Project, graph: &MigrationGraph) {
    let mut questioner = pony::db::migrations::NonInteractive;
    let Ok(changes) = migrate::unmigrated_changes(project.installed_apps(), graph, &mut questioner)
    else {
        return;
    };
    if changes.is_empty() {
        return;
    }
    let apps: Vec<String> = changes.per_app.keys().map(|a| format!("'{a}'")).collect();
    println!(
        "{}",
        Style::Notice.out(&format!(
            "  Your models in app(s): {} have changes that are not yet reflected in a migration, and so won't be applied.\n  Run 'cargo manage makemigrations' to make new migrations, and then re-run 'cargo manage migrate' to apply them.",
            apps.join(", ")
        ))
    );
}
