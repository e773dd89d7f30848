//! `manage makemigrations [app…]`: writes a migration for each app whose models changed.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use pony::Project;
use pony::db::migrations::graph::LATEST;
use pony::db::migrations::{AppChanges, MigrationFile, NonInteractive, Questioner, writer};

use super::{CommandError, CommandResult};
use crate::questioner::Interactive;
use crate::style::Style;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Only these apps (by label).
    app_label: Vec<String>,
    /// Just show what migrations would be made; don't actually write them.
    #[arg(long)]
    dry_run: bool,
    /// Exit with a non-zero status if model changes are missing migrations; write nothing.
    #[arg(long)]
    check: bool,
    /// Create an empty migration (for hand-written operations such as RunSQL).
    #[arg(long)]
    empty: bool,
    /// Use this name for the migration file(s).
    #[arg(short, long)]
    name: Option<String>,
    /// Do NOT prompt the user for input of any kind.
    #[arg(long)]
    noinput: bool,
}

/// One migration to be written.
struct NewMigration {
    app: String,
    name: String,
    file: MigrationFile,
    dir: PathBuf,
}

pub(crate) fn run(project: Project, args: Args) -> CommandResult {
    let base_dir = project.base_dir().to_path_buf();
    let apps = project.installed_apps();
    for label in &args.app_label {
        if !apps.iter().any(|app| app.label() == label) {
            return Err(CommandError::new(format!(
                "App '{label}' could not be found. Is it in installed_apps!?"
            )));
        }
    }
    let wanted = |app: &str| args.app_label.is_empty() || args.app_label.iter().any(|a| a == app);
    let graph = pony::db::migrate::load(apps)?;

    let mut per_app: BTreeMap<String, AppChanges> = BTreeMap::new();
    if args.empty {
        if args.app_label.is_empty() {
            return Err(CommandError::new(
                "You must supply at least one app label when using --empty.",
            ));
        }
        for label in &args.app_label {
            per_app.insert(label.clone(), AppChanges::default());
        }
    } else {
        let mut questioner: Box<dyn Questioner> = if args.noinput || args.check {
            Box::new(NonInteractive)
        } else {
            Box::new(Interactive)
        };
        let changes = pony::db::migrate::unmigrated_changes(apps, &graph, questioner.as_mut())?;
        for (app, change) in changes.per_app {
            if wanted(&app) {
                per_app.insert(app, change);
            }
        }
    }

    if per_app.is_empty() {
        println!("{}", no_changes(&args.app_label));
        return Ok(ExitCode::SUCCESS);
    }

    // Name every new migration first: a dependency on an app that also gets one now points
    // at the new migration.
    let now = chrono::Local::now().naive_local();
    let mut names = BTreeMap::new();
    for (app, change) in &per_app {
        let name = writer::next_name(
            graph.names(app),
            &change.operations,
            args.name.as_deref(),
            now,
        );
        names.insert(app.clone(), name);
    }
    let mut new = Vec::new();
    for app in apps.iter().map(|a| a.label()) {
        let Some(AppChanges {
            operations,
            dependencies,
        }) = per_app.remove(app)
        else {
            continue;
        };
        let mut resolved = Vec::new();
        for (other, name) in dependencies {
            if other == app {
                continue;
            }
            let name = if name == LATEST {
                match names
                    .get(&other)
                    .cloned()
                    .or_else(|| graph.leaf(&other).map(|k| k.name))
                {
                    Some(name) => name,
                    None => {
                        return Err(CommandError::new(format!(
                            "{app} depends on app '{other}', which has no migrations. Run makemigrations for '{other}' too."
                        )));
                    }
                }
            } else {
                name
            };
            resolved.push((other, name));
        }
        let Some(dir) = apps
            .iter()
            .find(|a| a.label() == app)
            .map(|a| base_dir.join(a.dir()).join("migrations"))
        else {
            continue;
        };
        new.push(NewMigration {
            app: app.to_owned(),
            name: names.get(app).cloned().unwrap_or_default(),
            file: MigrationFile {
                initial: graph.names(app).is_empty(),
                dependencies: resolved,
                operations,
            },
            dir,
        });
    }

    for migration in &new {
        report(migration, &base_dir);
    }
    if args.check {
        return Ok(ExitCode::FAILURE);
    }
    if !args.dry_run {
        for migration in &new {
            write(migration, graph.names(&migration.app))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn no_changes(labels: &[String]) -> String {
    match labels {
        [] => "No changes detected".to_owned(),
        [one] => format!("No changes detected in app '{one}'"),
        many => {
            let quoted: Vec<String> = many.iter().map(|l| format!("'{l}'")).collect();
            format!("No changes detected in apps {}", quoted.join(", "))
        }
    }
}

/// Django's summary: the file, then one line per operation (`+` adds, `-` removes, `~` changes).
fn report(migration: &NewMigration, base_dir: &std::path::Path) {
    println!(
        "{}",
        Style::Heading.out(&format!("Migrations for '{}':", migration.app))
    );
    let path = migration.dir.join(format!("{}.toml", migration.name));
    let shown = path.strip_prefix(base_dir).unwrap_or(&path);
    println!("  {}", Style::Label.out(&shown.display().to_string()));
    for operation in &migration.file.operations {
        let description = operation.describe();
        let symbol = match description.split(' ').next() {
            Some("Create" | "Add") => "+",
            Some("Delete" | "Remove") => "-",
            _ => "~",
        };
        println!("    {symbol} {description}");
    }
}

/// Writes the migration file and the app's `migrations/mod.rs` listing.
fn write(migration: &NewMigration, existing: &[String]) -> Result<(), CommandError> {
    std::fs::create_dir_all(&migration.dir)?;
    let text = migration.file.render(
        env!("CARGO_PKG_VERSION"),
        chrono::Local::now().naive_local(),
    );
    let path = migration.dir.join(format!("{}.toml", migration.name));
    std::fs::write(&path, text)?;
    let mut names: Vec<&str> = existing.iter().map(String::as_str).collect();
    names.push(&migration.name);
    std::fs::write(migration.dir.join("mod.rs"), writer::render_index(&names))?;
    Ok(())
}
