//! `manage collectstatic`: copies every app's and the project's static files to STATIC_ROOT.

use std::process::ExitCode;

use pony::Project;

use super::{CommandError, CommandResult};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Do NOT prompt the user for input of any kind.
    #[arg(long)]
    noinput: bool,
    /// Clear the existing files in STATIC_ROOT before copying.
    #[arg(long)]
    clear: bool,
}

pub(crate) fn run(project: Project, args: Args) -> CommandResult {
    let settings = project.load_settings()?;
    let site = project.build(settings)?;
    let root = site.settings().static_root.clone();
    if !args.noinput {
        let action = if args.clear {
            "This will DELETE ALL FILES in this location!\nAre you sure you want to do this?"
        } else {
            "This will overwrite existing files!\nAre you sure you want to do this?"
        };
        println!(
            "\nYou have requested to collect static files at the destination\nlocation as specified in your settings:\n\n    {}\n\n{action}\n",
            root.display()
        );
        print!("Type 'yes' to continue, or 'no' to cancel: ");
        std::io::Write::flush(&mut std::io::stdout())?;
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if answer.trim() != "yes" {
            return Err(CommandError::new("Collecting static files cancelled."));
        }
    }
    let deleted = if args.clear && root.is_dir() {
        let count = site.static_finder().list().len();
        std::fs::remove_dir_all(&root)?;
        count
    } else {
        0
    };
    let (copied, unmodified) = pony::static_files::collect(site.static_finder(), &root)?;
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut summary = format!(
        "{copied} static file{} copied to '{}'",
        plural(copied),
        root.display()
    );
    if unmodified > 0 {
        summary.push_str(&format!(", {unmodified} unmodified"));
    }
    if deleted > 0 {
        summary = format!("{deleted} deleted, {summary}");
    }
    println!("\n{summary}.");
    Ok(ExitCode::SUCCESS)
}
