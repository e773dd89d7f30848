//! `manage check [--deploy]`: Django's system check framework.

use std::process::ExitCode;

use pony::Project;
use pony::checks::{self, CheckMessage, Level};

use super::CommandResult;
use crate::style::Style;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Check deployment settings too.
    #[arg(long)]
    deploy: bool,
}

pub(crate) fn run(project: Project, args: Args) -> CommandResult {
    let settings = project.load_settings()?;
    let site = project.build(settings)?;
    let messages = checks::run(&site, args.deploy);
    print!("{}", report(&messages));
    let failed = messages.iter().any(|m| m.level == Level::Error);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Django's check report: `ERRORS:` and `WARNINGS:` sections, then the count line.
pub(crate) fn report(messages: &[CheckMessage]) -> String {
    if messages.is_empty() {
        return "System check identified no issues (0 silenced).\n".to_owned();
    }
    let mut out = String::from("System check identified some issues:\n");
    for (level, heading, style) in [
        (Level::Error, "ERRORS:", Style::Error),
        (Level::Warning, "WARNINGS:", Style::Warning),
    ] {
        let section: Vec<&CheckMessage> = messages.iter().filter(|m| m.level == level).collect();
        if section.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{}\n", style.out(heading)));
        for message in section {
            let mut line = format!("{}: ({}) {}", message.object, message.id, message.message);
            if let Some(hint) = &message.hint {
                line.push_str(&format!("\n\tHINT: {hint}"));
            }
            out.push_str(&style.out(&line));
            out.push('\n');
        }
    }
    let count = messages.len();
    let plural = if count == 1 { "issue" } else { "issues" };
    out.push_str(&format!(
        "\nSystem check identified {count} {plural} (0 silenced).\n"
    ));
    out
}
