//! The framework's layers, checked on its source: dependencies point one way.
//!
//! 1. **Core** — the request core and the foundations it stands on (`core`, `conf`, `error`,
//!    `db`, `urls`, `templates`, `forms`, …) — names no feature, no shortcut, no project.
//! 2. **Features** (`security`, `sessions`, `auth`, `csrf`, `messages`, the error pages, the
//!    server) use the core and one another, never the shortcuts or the project.
//! 3. **Shortcuts** (`render`, `redirect`, …, and the `http` module that gathers them) name no
//!    feature: what a page gets from CSRF, messages or auth comes through context processors.
//! 4. **Top**: only `project` (which assembles the features), `checks` (which inspects a built
//!    project) and `lib` may name `project`.
//!
//! A reference is any `crate::<module>` outside a comment.

use std::path::{Path, PathBuf};

const CORE: &[&str] = &[
    "conf",
    "core",
    "db",
    "encoding",
    "error",
    "forms",
    "paginator",
    "redis_connection",
    "static_files",
    "templates",
    "urls",
];
const FEATURES: &[&str] = &[
    "auth",
    "csrf",
    "debug",
    "messages",
    "middleware",
    "security",
    "server",
    "sessions",
];
const SHORTCUTS: &[&str] = &["shortcuts", "http"];
const TOP: &[&str] = &["project", "checks", "lib"];

fn layer(module: &str) -> Option<usize> {
    [CORE, FEATURES, SHORTCUTS, TOP]
        .iter()
        .position(|layer| layer.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("the source directory is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to: `auth/login.rs` → `auth`, `security.rs` →
/// `security`.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("a file under src");
    let first = relative
        .components()
        .next()
        .expect("a path")
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

/// Every `crate::<module>` a line names, outside comments.
fn referenced_modules(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or("");
    code.match_indices("crate::")
        .map(|(at, _)| {
            code[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect()
        })
        .collect()
}

#[test]
fn dependencies_point_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = Vec::new();
    for file in &files {
        let module = module_of(&src, file);
        let Some(own) = layer(&module) else {
            violations.push(format!(
                "{}: module {module} is in no layer",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("a readable source file");
        for (number, line) in text.lines().enumerate() {
            for target in referenced_modules(line) {
                let Some(theirs) = layer(&target) else {
                    continue; // `crate::Error` and other root re-exports
                };
                let allowed = match (own, theirs) {
                    (_, 3) => TOP.contains(&module.as_str()),
                    (0, t) => t == 0,
                    (1, t) => t <= 1,
                    (2, t) => t != 1,
                    _ => true,
                };
                if !allowed && target != module {
                    violations.push(format!(
                        "{}:{}: {module} must not name {target}: {}",
                        file.display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "layering violations:\n{}",
        violations.join("\n")
    );
    assert!(files.len() > 50, "the scan found the sources");
}

#[test]
fn the_scan_sees_references_but_not_comments() {
    assert_eq!(
        referenced_modules("use crate::project::Site; // crate::csrf"),
        ["project"]
    );
    assert!(referenced_modules("/// see crate::csrf").is_empty());
    assert_eq!(layer("csrf"), Some(1));
    assert_eq!(layer("project"), Some(3));
}
