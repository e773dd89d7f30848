//! System checks, as `manage check` runs them: settings, apps, URLs and templates.
//!
//! Each problem is a [`CheckMessage`] with Django's shape: a level, an id such as
//! `urls.E001`, the message, and a hint. `--deploy` adds Django's deployment warnings
//! (`security.W004` …), with Django's ids and wording.

use std::collections::BTreeSet;
use std::path::Path;

use crate::project::Site;

mod deploy;

/// How serious a check message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Stops `check` (and the servers) with a failure.
    Error,
    /// Worth fixing; does not fail.
    Warning,
}

/// One problem found by a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckMessage {
    /// Error or warning.
    pub level: Level,
    /// Django-style id, e.g. `templates.E001`.
    pub id: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// What it is about (a template, a route); `?` when global.
    pub object: String,
}

impl CheckMessage {
    fn new(
        level: Level,
        id: &'static str,
        object: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        CheckMessage {
            level,
            id,
            message: message.into(),
            hint: None,
            object: object.into(),
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Runs every check; `deploy` adds Django's `--deploy` security checks.
pub fn run(site: &Site, deploy: bool) -> Vec<CheckMessage> {
    let mut messages = Vec::new();
    check_settings(site, &mut messages);
    check_apps(site, &mut messages);
    check_urls(site, &mut messages);
    check_templates(site, &mut messages);
    if deploy {
        let sessions = site
            .apps()
            .iter()
            .any(|app| app.label() == crate::sessions::LABEL);
        messages.extend(deploy::warnings(site.settings(), sessions));
    }
    messages.sort_by_key(|m| m.level);
    messages
}

fn check_settings(site: &Site, out: &mut Vec<CheckMessage>) {
    for (index, problem) in site.settings().problems().into_iter().enumerate() {
        let id = if index == 0 && problem.contains("SECRET_KEY") {
            "settings.E001"
        } else {
            "settings.E002"
        };
        out.push(CheckMessage::new(Level::Error, id, "?", problem));
    }
}

fn check_apps(site: &Site, out: &mut Vec<CheckMessage>) {
    let mut seen = BTreeSet::new();
    for app in site.apps() {
        if !seen.insert(app.label()) {
            out.push(
                CheckMessage::new(
                    Level::Error,
                    "apps.E001",
                    "?",
                    format!(
                        "Application labels aren't unique, duplicates: {}",
                        app.label()
                    ),
                )
                .hint("Give one of the apps another label()."),
            );
        }
    }
}

fn check_urls(site: &Site, out: &mut Vec<CheckMessage>) {
    for name in site.resolver().duplicate_names() {
        out.push(
            CheckMessage::new(
                Level::Warning,
                "urls.W005",
                "?",
                format!("URL name '{name}' is used by more than one route, so only the first can be reversed."),
            )
            .hint("Give each route its own name."),
        );
    }
}

/// Compiles every template and checks the route names its `url()` calls use.
fn check_templates(site: &Site, out: &mut Vec<CheckMessage>) {
    let templates = site.templates();
    let names: BTreeSet<String> = site
        .resolver()
        .patterns()
        .iter()
        .filter_map(|p| p.name.clone())
        .collect();
    for dir in &templates.sources().dirs {
        for (name, source) in template_files(dir) {
            if let Err(error) = templates
                .environment()
                .template_from_named_str(&name, &source)
            {
                out.push(CheckMessage::new(
                    Level::Error,
                    "templates.E001",
                    dir.join(&name).display().to_string(),
                    format!("Template {name:?} does not compile: {error}"),
                ));
                continue;
            }
            for (line, route) in url_names(&source) {
                if !names.contains(route) {
                    out.push(
                        CheckMessage::new(
                            Level::Error,
                            "urls.E007",
                            format!("{}:{line}", dir.join(&name).display()),
                            format!(
                                "Template {name:?} reverses '{route}', which is not a URL name."
                            ),
                        )
                        .hint("Run `manage showurls` to see the route names."),
                    );
                }
            }
        }
    }
}

/// Every template file under `dir` as `(name relative to dir, source)`.
fn template_files(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let hidden = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if hidden {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if let (Ok(relative), Ok(source)) =
                (path.strip_prefix(dir), std::fs::read_to_string(&path))
            {
                files.push((relative.to_string_lossy().replace('\\', "/"), source));
            }
        }
    }
    files.sort();
    files
}

/// The literal route names passed to `url('…')` in a template, with their line numbers.
fn url_names(source: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    for (index, line) in source.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("url(") {
            let preceded_by_word = rest[..start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
            let after = rest[start + 4..].trim_start();
            rest = &rest[start + 4..];
            if preceded_by_word {
                continue;
            }
            let Some(quote) = after.chars().next().filter(|c| *c == '\'' || *c == '"') else {
                continue;
            };
            if let Some(end) = after[1..].find(quote) {
                found.push((index + 1, &after[1..=end]));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_literal_url_names() {
        let source =
            "<a href=\"{{ url('articles:detail', a.id) }}\">\n{{ myurl('x') }} {{ url(\"home\") }}";
        assert_eq!(url_names(source), [(1, "articles:detail"), (2, "home")]);
    }
}
