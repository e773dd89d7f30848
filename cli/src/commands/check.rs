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

/// `OBJECT: (ID) MESSAGE`, and the hint on its own line.
fn format_message(message: &CheckMessage) -> String {
    let mut line = format!("{}: ({}) {}", message.object, message.id, message.message);
    if let Some(hint) = &message.hint {
        line.push_str(&format!("\n\tHINT: {hint}"));
    }
    line
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
        // Django sorts each section's formatted lines.
        let mut lines: Vec<String> = section.into_iter().map(format_message).collect();
        lines.sort();
        for line in lines {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn warning(id: &'static str, message: &str) -> CheckMessage {
        CheckMessage {
            level: Level::Warning,
            id,
            message: message.to_owned(),
            hint: None,
            object: "?".to_owned(),
        }
    }

    #[test]
    fn each_section_is_sorted_as_django_sorts_it() {
        let messages = [
            warning("security.W018", "DEBUG."),
            warning("security.W004", "HSTS."),
            CheckMessage {
                level: Level::Error,
                hint: Some("Fix it.".to_owned()),
                ..warning("urls.E007", "Bad name.")
            },
        ];
        if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            return; // colours would be in the way
        }
        assert_eq!(
            report(&messages),
            "System check identified some issues:\n\nERRORS:\n?: (urls.E007) Bad name.\n\
             \tHINT: Fix it.\n\nWARNINGS:\n?: (security.W004) HSTS.\n?: (security.W018) DEBUG.\n\n\
             System check identified 3 issues (0 silenced).\n"
        );
    }
}
