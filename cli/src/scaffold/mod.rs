//! File generation for `startproject` and `startapp`, like Django's `django.core.management.templates`.
//!
//! Templates live next to this module (`templates/project/…`, `templates/app/…`), are embedded
//! with `include_str!` and carry a `-tpl` suffix (Django's `.py-tpl`), so that cargo never
//! mistakes them for a nested package, a `.gitignore` or a module. Placeholders look like
//! `__PROJECT_NAME__` and are replaced in a single pass, so a substituted value is never
//! scanned again.

mod app;
mod project;

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub use app::{AppCreated, Registration, start_app};
pub use project::{PonySource, start_project};

/// A scaffolding failure, worded like Django's `CommandError` messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaffoldError(pub String);

impl fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScaffoldError {}

impl ScaffoldError {
    fn io(action: &str, path: &Path, err: &io::Error) -> Self {
        Self(format!("Could not {action} '{}': {err}", path.display()))
    }
}

/// Rust's strict and reserved keywords (edition 2024): never usable as a crate or module name.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Checks that `name` is a snake_case ASCII Rust identifier (`[a-z_][a-z0-9_]*`, not `_`, not
/// a keyword); `kind` is "project" or "app" for the message.
fn validate_identifier(name: &str, kind: &str) -> Result<(), ScaffoldError> {
    let mut chars = name.chars();
    let valid = match chars.next() {
        Some(first) => {
            (first.is_ascii_lowercase() || first == '_')
                && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        }
        None => false,
    };
    if !valid || name == "_" || KEYWORDS.contains(&name) {
        return Err(ScaffoldError(format!(
            "'{name}' is not a valid {kind} name. Please make sure the name is a valid identifier."
        )));
    }
    Ok(())
}

/// Replaces each `(placeholder, value)` in `template` in one left-to-right pass.
fn render(template: &str, substitutions: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    'scan: while !rest.is_empty() {
        for (placeholder, value) in substitutions {
            if let Some(after) = rest.strip_prefix(placeholder) {
                out.push_str(value);
                rest = after;
                continue 'scan;
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

/// Writes `files` (relative path, contents) under `root`, never overwriting an existing file.
/// On failure, removes what it created (files, then directories it made, deepest first) and
/// returns the error; on success, returns the relative paths, sorted.
fn write_files(root: &Path, files: &[(PathBuf, String)]) -> Result<Vec<PathBuf>, ScaffoldError> {
    let mut created_files: Vec<PathBuf> = Vec::new();
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    let result = (|| {
        for (relative, contents) in files {
            let path = root.join(relative);
            if let Some(parent) = path.parent() {
                create_dirs(parent, &mut created_dirs)?;
            }
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .map_err(|err| ScaffoldError::io("create", &path, &err))?;
            created_files.push(path.clone());
            io::Write::write_all(&mut file, contents.as_bytes())
                .map_err(|err| ScaffoldError::io("write", &path, &err))?;
        }
        Ok(())
    })();
    if let Err(err) = result {
        for file in created_files.iter().rev() {
            let _ = fs::remove_file(file);
        }
        for dir in created_dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
        return Err(err);
    }
    let mut written: Vec<PathBuf> = files.iter().map(|(relative, _)| relative.clone()).collect();
    written.sort();
    Ok(written)
}

/// `fs::create_dir_all`, remembering each directory it created (parents first).
fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> Result<(), ScaffoldError> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_dirs(parent, created)?;
    }
    match fs::create_dir(dir) {
        Ok(()) => {
            created.push(dir.to_path_buf());
            Ok(())
        }
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        Err(err) => Err(ScaffoldError::io("create directory", dir, &err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        for name in ["polls", "blog_posts", "_private", "app2", "a"] {
            assert_eq!(validate_identifier(name, "app"), Ok(()), "{name}");
        }
        for name in [
            "", "_", "Polls", "2fast", "my-site", "café", "fn", "self", "gen", "a b",
        ] {
            assert_eq!(
                validate_identifier(name, "project"),
                Err(ScaffoldError(format!(
                    "'{name}' is not a valid project name. Please make sure the name is a valid \
                     identifier."
                ))),
            );
        }
    }

    #[test]
    fn render_is_single_pass() {
        let subs = [("__A__", "__B__"), ("__B__", "b")];
        assert_eq!(render("x __A__ __B__ é", &subs), "x __B__ b é");
    }

    #[test]
    fn write_files_rolls_back() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("keep")).unwrap();
        fs::write(dir.path().join("keep/taken"), "old").unwrap();
        let files = [
            (PathBuf::from("new/a/one"), "1".to_owned()),
            (PathBuf::from("keep/two"), "2".to_owned()),
            (PathBuf::from("keep/taken"), "3".to_owned()),
        ];
        let err = write_files(dir.path(), &files).unwrap_err();
        assert!(err.0.starts_with("Could not create '"), "{err}");
        assert!(!dir.path().join("new").exists());
        assert!(!dir.path().join("keep/two").exists());
        assert_eq!(
            fs::read_to_string(dir.path().join("keep/taken")).unwrap(),
            "old"
        );
    }
}
