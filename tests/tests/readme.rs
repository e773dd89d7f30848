//! Every Rust snippet in the README compiles where it says it lives.
//!
//! Each ```rust block is headed by the file it belongs to (a block may hold several files,
//! each under its own header):
//!
//! - `// src/…` — a file of the tour's project: the test makes it with `startproject` and
//!   `startapp polls`, puts the snippets in (a snippet that starts with `use` lines begins
//!   the file, a later one adds to it; a function replaces the generated one of that name;
//!   a `main.rs` snippet that declares nothing must already be there, as `startapp` wrote it),
//!   and builds the project;
//! - `// example_project/src/…` — an excerpt of the example, which must appear in that file as
//!   it is (whitespace, comments and trailing commas aside), so the README shows code that
//!   compiles and runs in the example.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use std::collections::BTreeMap;
use std::path::Path;

use pony_tests::{cargo_in, new_project, workspace_root};

/// `(header path, code)` for every section of every rust block, in README order.
fn snippets() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).unwrap();
    let mut sections = Vec::new();
    let mut in_rust = false;
    let mut current: Option<(String, String)> = None;
    for line in readme.lines() {
        if line.starts_with("```") {
            if in_rust {
                sections.extend(current.take());
            }
            in_rust = line.trim() == "```rust";
            continue;
        }
        if !in_rust {
            continue;
        }
        let header = line
            .strip_prefix("// ")
            .and_then(|rest| rest.split_whitespace().next())
            .filter(|path| path.ends_with(".rs") && path.contains("src/"));
        match (header, &mut current) {
            (Some(path), _) => {
                sections.extend(current.take());
                current = Some((path.to_owned(), String::new()));
            }
            (None, Some((_, code))) => {
                code.push_str(line);
                code.push('\n');
            }
            (None, None) if line.trim().is_empty() => {}
            (None, None) => panic!("a README rust block does not say which file it is: {line}"),
        }
    }
    sections
}

/// Code without comments, whitespace or trailing commas, to compare excerpts with files.
fn normalized(code: &str) -> String {
    let text: String = code
        .lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].ends_with(':') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    text.replace(",)", ")")
        .replace(",}", "}")
        .replace(",]", "]")
}

/// The name of each top-level `fn` a snippet defines.
fn functions(code: &str) -> Vec<String> {
    code.lines()
        .filter_map(|line| {
            let rest = line
                .strip_prefix("pub async fn ")
                .or_else(|| line.strip_prefix("pub fn "))
                .or_else(|| line.strip_prefix("async fn "))
                .or_else(|| line.strip_prefix("fn "))?;
            Some(rest.split('(').next()?.to_owned())
        })
        .collect()
}

/// `text` without the top-level function `name` (its signature to the first `}` line).
fn without_function(text: &str, name: &str) -> String {
    let mut out = Vec::new();
    let mut skipping = false;
    for line in text.lines() {
        let starts = functions(line).iter().any(|f| f == name);
        if starts {
            skipping = true;
        }
        if !skipping {
            out.push(line);
        }
        if skipping && line == "}" {
            skipping = false;
        }
    }
    out.join("\n") + "\n"
}

fn put_into(project: &Path, path: &str, snippets: &[String]) {
    let file = project.join(path);
    let mut text = std::fs::read_to_string(&file).unwrap_or_default();
    for (index, code) in snippets.iter().enumerate() {
        let starts_file = code.trim_start().starts_with("use ");
        if index == 0 && starts_file {
            text = String::new();
        }
        let defines = functions(code);
        if defines.is_empty() && !starts_file && path.ends_with("main.rs") {
            // A fragment of what startapp wrote (the installed apps): it must be there.
            assert!(
                normalized(&text).contains(&normalized(code)),
                "{path} as startapp writes it lacks the README's\n{code}\n---\n{text}"
            );
            continue;
        }
        for name in &defines {
            text = without_function(&text, name);
        }
        text.push('\n');
        text.push_str(code);
    }
    std::fs::write(&file, text).unwrap();
}

#[test]
fn the_readme_shows_code_that_compiles() {
    let sections = snippets();
    assert!(sections.len() >= 8, "{sections:?}");
    let mut tour: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, code) in sections {
        match path.strip_prefix("example_project/") {
            Some(relative) => {
                let file = workspace_root().join("example_project").join(relative);
                let source = normalized(&std::fs::read_to_string(&file).unwrap());
                for chunk in code.split("\n\n").filter(|c| !c.trim().is_empty()) {
                    assert!(
                        source.contains(&normalized(chunk)),
                        "the README shows code that is not in {}:\n{chunk}",
                        file.display()
                    );
                }
            }
            None => tour.entry(path).or_default().push(code),
        }
    }

    let (_dir, project) = new_project("readme_tour");
    let (code, out, err) = cargo_in(&project, &["manage", "startapp", "polls"]);
    assert_eq!(code, 0, "{out}{err}");
    for (path, snippets) in &tour {
        put_into(&project, path, snippets);
    }
    let (code, out, err) = cargo_in(&project, &["build", "--quiet"]);
    assert_eq!(code, 0, "the README's tour does not build:\n{out}{err}");
}

#[test]
fn excerpts_are_compared_without_layout() {
    assert_eq!(
        normalized("fn f(\n    a: i32, // the a\n) {}"),
        normalized("fn f(a: i32) {}")
    );
    assert_eq!(functions("pub async fn index(request: Request)"), ["index"]);
    assert_eq!(
        without_function("use x;\npub fn a() {\n    1\n}\nfn b() {}\n", "a"),
        "use x;\nfn b() {}\n"
    );
}
