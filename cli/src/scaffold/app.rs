//! `startapp`: a new app's directory in a project, registered in `installed_apps!`.

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::{ScaffoldError, render, validate_identifier, write_files};

/// What `start_app` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppCreated {
    /// The app's files, relative to the project directory, sorted.
    pub files: Vec<PathBuf>,
    /// Whether the app was added to `installed_apps!`.
    pub registration: Registration,
}

/// How the new app got into the project's `installed_apps!` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registration {
    /// The line was added to `installed_apps!` in src/main.rs (or was already there).
    Written {
        /// The edited file, relative to the project directory (`src/main.rs`).
        file: PathBuf,
        /// The entry, without indentation (`polls::PollsConfig,`).
        line: String,
    },
    /// The project has no standard `installed_apps!` list: the user must add this line themselves.
    Manual {
        /// What to do, as a sentence.
        instruction: String,
    },
}

/// Module names an app cannot take: crates and items every project's `main.rs` refers to.
const RESERVED_APP_NAMES: &[&str] = &[
    "pony",
    "pony_cli",
    "pony_macros",
    "std",
    "core",
    "alloc",
    "proc_macro",
    "crate",
    "self",
    "super",
    "main",
    "urls",
    "tests",
];

/// The app's files: (path relative to `src/<name>/`, template).
const TEMPLATES: &[(&str, &str)] = &[
    ("mod.rs", include_str!("templates/app/mod.rs-tpl")),
    ("models.rs", include_str!("templates/app/models.rs-tpl")),
    ("views.rs", include_str!("templates/app/views.rs-tpl")),
    ("urls.rs", include_str!("templates/app/urls.rs-tpl")),
    ("forms.rs", include_str!("templates/app/forms.rs-tpl")),
    ("admin.rs", include_str!("templates/app/admin.rs-tpl")),
    ("tests.rs", include_str!("templates/app/tests.rs-tpl")),
    (
        "migrations/mod.rs",
        include_str!("templates/app/migrations-mod.rs-tpl"),
    ),
    (
        "templates/__APP_NAME__/index.html",
        include_str!("templates/app/index.html-tpl"),
    ),
    ("static/__APP_NAME__/.gitkeep", ""),
];

/// Writes app `name` into the project at `project_dir` (`src/<name>/…`) and registers it in
/// src/main.rs when the project has the standard shape.
pub fn start_app(name: &str, project_dir: &Path) -> Result<AppCreated, ScaffoldError> {
    validate_identifier(name, "app")?;
    if !project_dir.is_dir() {
        return Err(ScaffoldError(format!(
            "Destination directory '{}' does not exist, please create it first.",
            project_dir.display()
        )));
    }
    let src = project_dir.join("src");
    let exists = |path: PathBuf| fs::symlink_metadata(path).is_ok();
    if RESERVED_APP_NAMES.contains(&name)
        || exists(src.join(name))
        || exists(src.join(format!("{name}.rs")))
    {
        return Err(ScaffoldError(format!(
            "'{name}' conflicts with the name of an existing Rust module and cannot be used as an \
             app name. Please try another name."
        )));
    }

    let config = config_name(name);
    let substitutions = [("__APP_NAME__", name), ("__APP_CONFIG__", config.as_str())];
    let app_dir = Path::new("src").join(name);
    let files: Vec<(PathBuf, String)> = TEMPLATES
        .iter()
        .map(|(path, template)| {
            (
                app_dir.join(render(path, &substitutions)),
                render(template, &substitutions),
            )
        })
        .collect();
    let files = write_files(project_dir, &files)?;

    let entry = format!("{name}::{config}");
    let registration = match register(&src.join("main.rs"), &entry) {
        Ok(()) => Registration::Written {
            file: PathBuf::from("src/main.rs"),
            line: format!("{entry},"),
        },
        Err(()) => Registration::Manual {
            instruction: format!(
                "Add `{entry},` to the installed_apps! list in src/main.rs (and `mod {name};` if \
                 your project declares modules itself)."
            ),
        },
    };
    Ok(AppCreated {
        files,
        registration,
    })
}

/// The app's config struct: UpperCamelCase(name) + "Config" (`blog_posts` → `BlogPostsConfig`).
fn config_name(name: &str) -> String {
    let mut camel: String = name
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    if !camel.starts_with(|c: char| c.is_ascii_alphabetic()) {
        // `_2fa` would give `2faConfig`, which is not an identifier.
        camel.insert_str(0, "App");
    }
    camel + "Config"
}

/// Adds `entry` to the `installed_apps!` list of `main_rs`; `Err` when there is none, or the file
/// cannot be read or written.
fn register(main_rs: &Path, entry: &str) -> Result<(), ()> {
    let source = fs::read_to_string(main_rs).map_err(|_| ())?;
    let Some(edited) = add_entry(&source, entry) else {
        return Err(());
    };
    if edited == source {
        return Ok(());
    }
    write_replacing(main_rs, &edited).map_err(|_| ())
}

/// Replaces `path`'s contents through a temporary file and a rename, keeping its permissions.
fn write_replacing(path: &Path, contents: &str) -> std::io::Result<()> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{file_name}.startapp-{}", std::process::id()));
    let result = (|| {
        fs::write(&temp, contents)?;
        fs::set_permissions(&temp, fs::metadata(path)?.permissions())?;
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// `source` with `entry` (`polls::PollsConfig`) added as the last line of its `installed_apps!`
/// list; `source` itself when the entry is already listed; `None` without such a list.
fn add_entry(source: &str, entry: &str) -> Option<String> {
    let code = code_mask(source);
    let list = find_list(source, &code)?;
    let bytes = source.as_bytes();
    let content = list.start + 1..list.end;

    // The entries, with comments blanked out and whitespace removed.
    let significant: String = content
        .clone()
        .filter(|&i| code[i] && !bytes[i].is_ascii_whitespace())
        .map(|i| char::from(bytes[i]))
        .collect();
    if significant.split(',').any(|listed| listed == entry) {
        return Some(source.to_owned());
    }

    let newline = if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let last = content
        .clone()
        .rev()
        .find(|&i| code[i] && !bytes[i].is_ascii_whitespace());
    let missing_comma = last.filter(|&i| bytes[i] != b',');

    let close_line = line_start(source, list.end);
    let open_line = line_start(source, list.start);
    let open_indent = indentation(&source[open_line..]);
    let (at, insertion) =
        if close_line > list.start && source[close_line..list.end].trim().is_empty() {
            // The closing delimiter starts its line: a new line just before it, indented like the
            // last entry when that one starts its own line.
            let indent = match last.map(|i| line_start(source, i)) {
                Some(entry_line) if entry_line > list.start => indentation(&source[entry_line..]),
                _ => format!("{}    ", &source[close_line..list.end]),
            };
            (close_line, format!("{indent}{entry},{newline}"))
        } else {
            (
                list.end,
                format!("{newline}{open_indent}    {entry},{newline}{open_indent}"),
            )
        };

    let mut edited = source.to_owned();
    edited.insert_str(at, &insertion);
    if let Some(i) = missing_comma {
        edited.insert(i + 1, ',');
    }
    Some(edited)
}

/// The byte offset where the line holding `at` starts.
fn line_start(source: &str, at: usize) -> usize {
    source[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The leading spaces and tabs of `line`.
fn indentation(line: &str) -> String {
    line.chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// The span from the opening to the closing delimiter (both included) of the first
/// `installed_apps!` invocation in code (not in a comment or string).
fn find_list(source: &str, code: &[bool]) -> Option<Range<usize>> {
    const NAME: &str = "installed_apps";
    let bytes = source.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let skip_blank = |mut i: usize| {
        while i < bytes.len() && (!code[i] || bytes[i].is_ascii_whitespace()) {
            i += 1;
        }
        i
    };
    for (start, _) in source.match_indices(NAME) {
        let end = start + NAME.len();
        if !code[start] || (start > 0 && is_ident(bytes[start - 1])) {
            continue;
        }
        if end < bytes.len() && is_ident(bytes[end]) {
            continue;
        }
        let bang = skip_blank(end);
        if bytes.get(bang) != Some(&b'!') {
            continue;
        }
        let open = skip_blank(bang + 1);
        if !matches!(bytes.get(open), Some(b'[' | b'(' | b'{')) {
            continue;
        }
        let close = matching_delimiter(bytes, code, open)?;
        return Some(open..close);
    }
    None
}

/// The index of the delimiter closing the one at `open`, counting only code.
fn matching_delimiter(bytes: &[u8], code: &[bool], open: usize) -> Option<usize> {
    let mut stack = Vec::new();
    for i in open..bytes.len() {
        if !code[i] {
            continue;
        }
        match bytes[i] {
            b'[' => stack.push(b']'),
            b'(' => stack.push(b')'),
            b'{' => stack.push(b'}'),
            b @ (b']' | b')' | b'}') => {
                if stack.pop() != Some(b) {
                    return None;
                }
                if stack.is_empty() {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// For each byte of `source`, whether it is code rather than part of a comment or a string or
/// character literal.
fn code_mask(source: &str) -> Vec<bool> {
    let bytes = source.as_bytes();
    let mut code = vec![true; bytes.len()];
    let mut blank = |range: Range<usize>| {
        for flag in &mut code[range] {
            *flag = false;
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let start = i;
        if rest.starts_with(b"//") {
            i += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            blank(start..i);
        } else if rest.starts_with(b"/*") {
            let mut depth = 0usize;
            while i < bytes.len() {
                if bytes[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if bytes[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            blank(start..i);
        } else if let Some(hashes) = (bytes[i] == b'r' && starts_token(bytes, i))
            .then(|| raw_string_hashes(&rest[1..]))
            .flatten()
        {
            let mut closing = vec![b'"'];
            closing.extend(std::iter::repeat_n(b'#', hashes));
            i += 2 + hashes;
            while i < bytes.len() && !bytes[i..].starts_with(&closing) {
                i += 1;
            }
            i = (i + closing.len()).min(bytes.len());
            blank(start..i);
        } else if bytes[i] == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(bytes.len());
            blank(start..i);
        } else if bytes[i] == b'\'' {
            // A character literal ('x', '\n', '\u{..}'); otherwise a lifetime or label.
            let end = if rest.get(1) == Some(&b'\\') {
                rest.iter().skip(3).position(|&b| b == b'\'').map(|p| p + 4)
            } else {
                source[i + 1..]
                    .chars()
                    .next()
                    .map(|c| 1 + c.len_utf8())
                    .filter(|&len| rest.get(len) == Some(&b'\''))
                    .map(|len| len + 1)
            };
            match end {
                Some(len) => {
                    i += len;
                    blank(start..i);
                }
                None => i += 1,
            }
        } else {
            i += 1;
        }
    }
    code
}

/// Whether the `r` at `i` starts a token: no identifier before it, except a `b` or `c` prefix
/// (`br"…"`, `cr"…"`).
fn starts_token(bytes: &[u8], i: usize) -> bool {
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    match i.checked_sub(1).map(|j| bytes[j]) {
        None => true,
        Some(b'b' | b'c') => i < 2 || !is_ident(bytes[i - 2]),
        Some(before) => !is_ident(before),
    }
}

/// For text following an `r`, the number of `#` of a raw string opening (`"`, `#"`, `##"`…).
fn raw_string_hashes(after_r: &[u8]) -> Option<usize> {
    let hashes = after_r.iter().take_while(|&&b| b == b'#').count();
    (after_r.get(hashes) == Some(&b'"')).then_some(hashes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STANDARD_MAIN: &str = "\
//! mysite — a pony project.

mod urls;

// Django's INSTALLED_APPS: one line per app (`cargo manage startapp NAME` adds it).
pony::installed_apps![
];

fn main() -> std::process::ExitCode {
    pony_cli::execute_from_command_line(project())
}
";

    fn project(main_rs: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("src")).unwrap();
        fs::write(dir.path().join("src/main.rs"), main_rs).unwrap();
        dir
    }

    fn written(line: &str) -> Registration {
        Registration::Written {
            file: PathBuf::from("src/main.rs"),
            line: line.to_owned(),
        }
    }

    #[test]
    fn writes_and_registers_apps() {
        let dir = project(STANDARD_MAIN);
        let created = start_app("polls", dir.path()).unwrap();
        let expected: Vec<PathBuf> = [
            "src/polls/admin.rs",
            "src/polls/forms.rs",
            "src/polls/migrations/mod.rs",
            "src/polls/mod.rs",
            "src/polls/models.rs",
            "src/polls/static/polls/.gitkeep",
            "src/polls/templates/polls/index.html",
            "src/polls/tests.rs",
            "src/polls/urls.rs",
            "src/polls/views.rs",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        assert_eq!(created.files, expected);
        assert_eq!(created.registration, written("polls::PollsConfig,"));
        for file in &expected {
            let text = fs::read_to_string(dir.path().join(file)).unwrap();
            assert!(!text.contains("__APP_"), "{}", file.display());
        }

        let mod_rs = fs::read_to_string(dir.path().join("src/polls/mod.rs")).unwrap();
        assert!(mod_rs.starts_with("//! The polls app.\n\npub mod admin;\n"));
        assert!(mod_rs.contains(
            "/// The polls app's configuration (Django's `PollsConfig` in apps.py).\n\
             pub struct PollsConfig;\n\nimpl pony::App for PollsConfig {\n    \
             fn label(&self) -> &'static str {\n        \"polls\"\n    }\n"
        ));
        let urls = fs::read_to_string(dir.path().join("src/polls/urls.rs")).unwrap();
        assert!(urls.contains("    Urls::app(\"polls\").path(\"\", views::index, \"index\")\n"));
        let views = fs::read_to_string(dir.path().join("src/polls/views.rs")).unwrap();
        assert!(views.contains("render(&request, \"polls/index.html\", context! {})"));
        let tests = fs::read_to_string(dir.path().join("src/polls/tests.rs")).unwrap();
        assert!(
            tests.contains("assert_eq!(super::PollsConfig.urls().namespace(), Some(\"polls\"));")
        );
        let index =
            fs::read_to_string(dir.path().join("src/polls/templates/polls/index.html")).unwrap();
        assert!(index.starts_with("{% extends \"base.html\" %}"));
        assert!(index.contains("<h1>polls</h1>"));
        assert_eq!(
            fs::read_to_string(dir.path().join("src/polls/forms.rs")).unwrap(),
            "//! Forms of polls.\n"
        );

        let second = start_app("blog_posts", dir.path()).unwrap();
        assert_eq!(second.registration, written("blog_posts::BlogPostsConfig,"));
        let mod_rs = fs::read_to_string(dir.path().join("src/blog_posts/mod.rs")).unwrap();
        assert!(mod_rs.contains("pub struct BlogPostsConfig;"));
        let main_rs = fs::read_to_string(dir.path().join("src/main.rs")).unwrap();
        assert_eq!(
            main_rs,
            STANDARD_MAIN.replace(
                "pony::installed_apps![\n];",
                "pony::installed_apps![\n    polls::PollsConfig,\n    blog_posts::BlogPostsConfig,\n];"
            )
        );
    }

    #[test]
    fn adds_a_missing_trailing_comma() {
        let main = STANDARD_MAIN.replace(
            "pony::installed_apps![\n];",
            "pony::installed_apps![\n    accounts::AccountsConfig // the users\n];",
        );
        let dir = project(&main);
        start_app("polls", dir.path()).unwrap();
        let main_rs = fs::read_to_string(dir.path().join("src/main.rs")).unwrap();
        assert!(main_rs.contains(
            "pony::installed_apps![\n    accounts::AccountsConfig, // the users\n    \
             polls::PollsConfig,\n];\n"
        ));
    }

    #[test]
    fn does_not_duplicate_a_registered_app() {
        let main = STANDARD_MAIN.replace(
            "pony::installed_apps![\n];",
            "pony::installed_apps![\n    polls :: PollsConfig\n];",
        );
        let dir = project(&main);
        let created = start_app("polls", dir.path()).unwrap();
        assert_eq!(created.registration, written("polls::PollsConfig,"));
        assert_eq!(
            fs::read_to_string(dir.path().join("src/main.rs")).unwrap(),
            main
        );
    }

    #[test]
    fn other_list_shapes() {
        let cases = [
            (
                "pony::installed_apps![];\n",
                "pony::installed_apps![\n    polls::PollsConfig,\n];\n",
            ),
            (
                "installed_apps!(a::AConfig);\n",
                "installed_apps!(a::AConfig,\n    polls::PollsConfig,\n);\n",
            ),
            (
                "mod x {\n  pony::installed_apps! {\n    a::AConfig,\n  }\n}\n",
                "mod x {\n  pony::installed_apps! {\n    a::AConfig,\n    polls::PollsConfig,\n  }\n}\n",
            ),
            (
                "// see `installed_apps![]` below\nconst S: &str = \"installed_apps![]\";\nconst C: char = ']';\n\
                 fn f<'a>(_: &'a str) {}\npony::installed_apps![\r\n  a::A, /* ] */\r\n];\r\n",
                "// see `installed_apps![]` below\nconst S: &str = \"installed_apps![]\";\nconst C: char = ']';\n\
                 fn f<'a>(_: &'a str) {}\npony::installed_apps![\r\n  a::A, /* ] */\r\n  polls::PollsConfig,\r\n];\r\n",
            ),
        ];
        for (before, after) in cases {
            assert_eq!(
                add_entry(before, "polls::PollsConfig").as_deref(),
                Some(after),
                "{before}"
            );
        }
        assert_eq!(
            add_entry("macro_rules! installed_apps { () => {} }", "a::A"),
            None
        );
        assert_eq!(add_entry("let s = r#\"installed_apps![]\"#;", "a::A"), None);
    }

    #[test]
    fn manual_registration_without_the_macro() {
        let dir = project("fn main() {}\n");
        let created = start_app("polls", dir.path()).unwrap();
        assert_eq!(
            created.registration,
            Registration::Manual {
                instruction: "Add `polls::PollsConfig,` to the installed_apps! list in \
                              src/main.rs (and `mod polls;` if your project declares modules \
                              itself)."
                    .to_owned()
            }
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("src/main.rs")).unwrap(),
            "fn main() {}\n"
        );

        // No main.rs at all: the files are still written.
        let empty = tempfile::tempdir().unwrap();
        let created = start_app("polls", empty.path()).unwrap();
        assert!(matches!(created.registration, Registration::Manual { .. }));
        assert!(empty.path().join("src/polls/mod.rs").is_file());
    }

    #[test]
    fn invalid_and_conflicting_names() {
        let dir = project(STANDARD_MAIN);
        fs::create_dir(dir.path().join("src/blog")).unwrap();
        fs::write(dir.path().join("src/helpers.rs"), "").unwrap();
        for name in ["Polls", "my-app", "9lives", "fn", "_", ""] {
            let err = start_app(name, dir.path()).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "'{name}' is not a valid app name. Please make sure the name is a valid \
                     identifier."
                )
            );
        }
        for name in ["pony", "std", "main", "urls", "tests", "blog", "helpers"] {
            let err = start_app(name, dir.path()).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "'{name}' conflicts with the name of an existing Rust module and cannot be \
                     used as an app name. Please try another name."
                )
            );
        }
        assert_eq!(
            fs::read_to_string(dir.path().join("src/main.rs")).unwrap(),
            STANDARD_MAIN
        );
        let missing = dir.path().join("nope");
        let err = start_app("polls", &missing).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "Destination directory '{}' does not exist, please create it first.",
                missing.display()
            )
        );
    }

    #[test]
    fn config_names() {
        assert_eq!(config_name("polls"), "PollsConfig");
        assert_eq!(config_name("blog_posts"), "BlogPostsConfig");
        assert_eq!(config_name("_private__x2"), "PrivateX2Config");
        assert_eq!(config_name("_2fa"), "App2faConfig");
    }
}
