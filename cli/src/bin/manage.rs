//! The `manage` command: `startproject` anywhere; inside a project, `startapp` and every other
//! command (run through the project's own binary, like `python manage.py`).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use pony_cli::scaffold::{self, PonySource};

const USAGE: &str = "\
Usage: manage <command> [options]

Commands available anywhere:
  startproject NAME [DIRECTORY]   Create a new pony project
  help                            Show this help

Inside a project (a directory with Cargo.toml and settings.toml), every other command runs
through the project's binary: startapp, runserver, serve, check, showurls, collectstatic, …
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("startproject") => start_project(&args[1..]),
        None | Some("help" | "--help" | "-h") if find_project().is_none() => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(_) | None => match find_project() {
            Some(project) if args.first().map(String::as_str) == Some("startapp") => {
                run_startapp(&project, &args[1..])
            }
            Some(project) => forward(&project, &args),
            None => fail(&format!(
                "Unknown command: '{}'. Outside a project only startproject is available; run it inside a project directory for the others.",
                args.first().map(String::as_str).unwrap_or_default()
            )),
        },
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("CommandError: {message}");
    ExitCode::FAILURE
}

fn start_project(args: &[String]) -> ExitCode {
    let Some(name) = args.first() else {
        return fail("Error: the following arguments are required: name");
    };
    let target = match args.get(1) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(name),
    };
    match scaffold::start_project(name, &target, &pony_source()) {
        Ok(_) => {
            println!("Created project '{name}' in {}.", target.display());
            println!("Next: cd {} && cargo manage runserver", target.display());
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error.to_string()),
    }
}

fn run_startapp(project: &Path, args: &[String]) -> ExitCode {
    let Some(name) = args.first() else {
        return fail("Error: the following arguments are required: name");
    };
    match scaffold::start_app(name, project) {
        Ok(created) => {
            match created.registration {
                scaffold::Registration::Written { file, line } => println!(
                    "Created app '{name}' and added `{}` to {}.",
                    line.trim(),
                    file.display()
                ),
                scaffold::Registration::Manual { instruction } => {
                    println!("Created app '{name}'.\n{instruction}")
                }
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error.to_string()),
    }
}

/// Runs `cargo run --quiet -- ARGS` in the project.
fn forward(project: &Path, args: &[String]) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["run", "--quiet", "--manifest-path"])
        .arg(project.join("Cargo.toml"))
        .arg("--")
        .args(args)
        .status();
    match status {
        Ok(status) => ExitCode::from(
            status
                .code()
                .and_then(|c| u8::try_from(c).ok())
                .unwrap_or(1),
        ),
        Err(error) => fail(&format!("could not run cargo: {error}")),
    }
}

/// The nearest directory at or above the current one that holds a pony project.
fn find_project() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .find(|dir| dir.join("Cargo.toml").is_file() && dir.join("settings.toml").is_file())
        .map(Path::to_path_buf)
}

/// Where new projects get pony from: this checkout when it is still there, else crates.io.
fn pony_source() -> PonySource {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf);
    match workspace {
        Some(root) if root.join("framework/Cargo.toml").is_file() => PonySource::Path(root),
        _ => PonySource::Version(env!("CARGO_PKG_VERSION").to_owned()),
    }
}
