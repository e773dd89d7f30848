//! `startproject`: a new project's directory.

use std::fs;
use std::path::{Path, PathBuf};

use super::{ScaffoldError, render, validate_identifier, write_files};

/// What `startproject` needs to know about where pony lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PonySource {
    /// The pony workspace root (it has `framework/` and `cli/`): path dependencies.
    Path(PathBuf),
    /// A crates.io version of `pony` and `pony-cli`.
    Version(String),
}

/// Crate names a project cannot take: its own dependencies, the standard crates, and cargo's
/// directories under `target/<profile>/` (where the project's binary is written).
const RESERVED_PROJECT_NAMES: &[&str] = &[
    "pony",
    "pony_cli",
    "pony_macros",
    "std",
    "core",
    "alloc",
    "proc_macro",
    "test",
    "build",
    "deps",
    "examples",
    "incremental",
];

/// The project's files: (path relative to the project, template).
const TEMPLATES: &[(&str, &str)] = &[
    (
        "Cargo.toml",
        include_str!("templates/project/Cargo.toml-tpl"),
    ),
    (
        ".cargo/config.toml",
        include_str!("templates/project/cargo-config.toml-tpl"),
    ),
    (
        ".gitignore",
        include_str!("templates/project/gitignore-tpl"),
    ),
    (
        "settings.toml",
        include_str!("templates/project/settings.toml-tpl"),
    ),
    (
        "src/main.rs",
        include_str!("templates/project/src/main.rs-tpl"),
    ),
    (
        "src/urls.rs",
        include_str!("templates/project/src/urls.rs-tpl"),
    ),
    (
        "templates/base.html",
        include_str!("templates/project/templates/base.html-tpl"),
    ),
    (
        "static/css/site.css",
        include_str!("templates/project/static/css/site.css-tpl"),
    ),
];

/// Writes a new project `name` into `target` (must not exist, or be an empty dir). Returns the
/// files written (relative to `target`), sorted.
pub fn start_project(
    name: &str,
    target: &Path,
    pony: &PonySource,
) -> Result<Vec<PathBuf>, ScaffoldError> {
    validate_identifier(name, "project")?;
    if RESERVED_PROJECT_NAMES.contains(&name) {
        return Err(ScaffoldError(format!(
            "'{name}' conflicts with the name of an existing Rust crate and cannot be used as a \
             project name. Please try another name."
        )));
    }
    check_target(target)?;
    let (pony_dependency, pony_cli_dependency) = dependencies(pony)?;

    let substitutions = [
        ("__PROJECT_NAME__", name),
        ("__PONY_DEPENDENCY__", pony_dependency.as_str()),
        ("__PONY_CLI_DEPENDENCY__", pony_cli_dependency.as_str()),
    ];
    let files: Vec<(PathBuf, String)> = TEMPLATES
        .iter()
        .map(|(path, template)| (PathBuf::from(path), render(template, &substitutions)))
        .collect();

    let existed = target.exists();
    let result = write_files(target, &files);
    if result.is_err() && !existed {
        // write_files removed its files and subdirectories; the target itself was new too.
        let _ = fs::remove_dir(target);
    }
    result
}

/// `target` must not exist, or be an empty directory.
fn check_target(target: &Path) -> Result<(), ScaffoldError> {
    let already_exists = || ScaffoldError(format!("'{}' already exists", target.display()));
    match fs::symlink_metadata(target) {
        Err(_) => Ok(()),
        Ok(meta) if meta.is_dir() => {
            let mut entries = fs::read_dir(target)
                .map_err(|err| ScaffoldError::io("read directory", target, &err))?;
            if entries.next().is_some() {
                Err(already_exists())
            } else {
                Ok(())
            }
        }
        Ok(_) => Err(already_exists()),
    }
}

/// The TOML values of the `pony` and `pony-cli` dependencies.
fn dependencies(pony: &PonySource) -> Result<(String, String), ScaffoldError> {
    match pony {
        PonySource::Path(root) => {
            let root = std::path::absolute(root)
                .map_err(|err| ScaffoldError::io("resolve pony's path", root, &err))?;
            let path_of = |crate_dir: &str| -> Result<String, ScaffoldError> {
                let dir = root.join(crate_dir);
                let text = dir.to_str().ok_or_else(|| {
                    ScaffoldError(format!(
                        "pony's path '{}' is not valid UTF-8",
                        dir.display()
                    ))
                })?;
                let text = if cfg!(windows) {
                    text.replace('\\', "/")
                } else {
                    text.to_owned()
                };
                Ok(format!("{{ path = {} }}", toml_string(&text)))
            };
            Ok((path_of("framework")?, path_of("cli")?))
        }
        PonySource::Version(version) => Ok((toml_string(version), toml_string(version))),
    }
}

/// `value` as a TOML basic string, quoted and escaped.
fn toml_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPECTED_FILES: &[&str] = &[
        ".cargo/config.toml",
        ".gitignore",
        "Cargo.toml",
        "settings.toml",
        "src/main.rs",
        "src/urls.rs",
        "static/css/site.css",
        "templates/base.html",
    ];

    /// Every file under `dir`, relative and sorted.
    fn tree(dir: &Path) -> Vec<PathBuf> {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(root, &path, out);
                } else {
                    out.push(path.strip_prefix(root).unwrap().to_path_buf());
                }
            }
        }
        let mut out = Vec::new();
        walk(dir, dir, &mut out);
        out.sort();
        out
    }

    fn expected() -> Vec<PathBuf> {
        EXPECTED_FILES.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn writes_the_project_with_path_dependencies() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("mysite");
        let root = PathBuf::from("/opt/pony \"src\"");
        let written = start_project("mysite", &target, &PonySource::Path(root)).unwrap();
        assert_eq!(written, expected());
        assert_eq!(tree(&target), expected());

        let cargo_toml = fs::read_to_string(target.join("Cargo.toml")).unwrap();
        assert!(
            cargo_toml.starts_with("[package]\nname = \"mysite\"\n"),
            "{cargo_toml}"
        );
        assert!(
            cargo_toml.contains(
                "\n[dependencies]\npony = { path = \"/opt/pony \\\"src\\\"/framework\" }\n\
                 pony-cli = { path = \"/opt/pony \\\"src\\\"/cli\" }\n"
            ),
            "{cargo_toml}"
        );
        assert!(cargo_toml.contains("\n[workspace]\n"));
        assert!(cargo_toml.contains("[profile.dev.package.argon2]\nopt-level = 3\n"));

        let main_rs = fs::read_to_string(target.join("src/main.rs")).unwrap();
        assert!(
            main_rs.starts_with("//! mysite — a pony project.\n"),
            "{main_rs}"
        );
        assert!(main_rs.contains(
            "\npony::installed_apps![\n    pony::sessions::SessionsConfig,\n    pony::auth::AuthConfig,\n];\n"
        ));
        let settings = fs::read_to_string(target.join("settings.toml")).unwrap();
        assert!(settings.starts_with("# Settings for mysite. The environment"));
        let base = fs::read_to_string(target.join("templates/base.html")).unwrap();
        assert!(base.contains("<title>{% block title %}mysite{% endblock %}</title>"));
        assert!(base.contains("<link rel=\"stylesheet\" href=\"{{ static('css/site.css') }}\">"));
        let config = fs::read_to_string(target.join(".cargo/config.toml")).unwrap();
        assert!(config.ends_with("[alias]\nmanage = \"run --quiet --\"\n"));
        let gitignore = fs::read_to_string(target.join(".gitignore")).unwrap();
        assert_eq!(
            gitignore,
            "/target\n.secret_key\ndb.sqlite3\ndb.sqlite3-*\n/staticfiles\n"
        );

        for file in expected() {
            let text = fs::read_to_string(target.join(&file)).unwrap();
            assert!(!text.contains("__PROJECT_NAME__") && !text.contains("_DEPENDENCY__"));
        }
    }

    #[test]
    fn relative_pony_path_becomes_absolute() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site");
        start_project("site", &target, &PonySource::Path(PathBuf::from("pony"))).unwrap();
        let cargo_toml = fs::read_to_string(target.join("Cargo.toml")).unwrap();
        let cwd = std::env::current_dir().unwrap();
        let framework = cwd.join("pony").join("framework");
        let framework = toml_string(framework.to_str().unwrap());
        assert!(
            cargo_toml.contains(&format!("pony = {{ path = {framework} }}")),
            "{cargo_toml}"
        );
    }

    #[test]
    fn version_dependencies_and_empty_target() {
        let dir = tempfile::tempdir().unwrap();
        let version = PonySource::Version("0.3.1".into());
        let written = start_project("blog", dir.path(), &version).unwrap();
        assert_eq!(written, expected());
        let cargo_toml = fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
        assert!(
            cargo_toml.contains("\npony = \"0.3.1\"\npony-cli = \"0.3.1\"\n"),
            "{cargo_toml}"
        );
    }

    #[test]
    fn existing_target() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("file"), "").unwrap();
        let version = PonySource::Version("1".into());
        let err = start_project("mysite", dir.path(), &version).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("'{}' already exists", dir.path().display())
        );
        let file = dir.path().join("file");
        let err = start_project("mysite", &file, &version).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("'{}' already exists", file.display())
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn invalid_names() {
        let dir = tempfile::tempdir().unwrap();
        let version = PonySource::Version("1".into());
        for name in ["my-site", "MySite", "1site", "struct", ""] {
            let err = start_project(name, &dir.path().join("x"), &version).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "'{name}' is not a valid project name. Please make sure the name is a valid \
                     identifier."
                )
            );
        }
        for name in ["pony", "std", "pony_cli"] {
            let err = start_project(name, &dir.path().join("x"), &version).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "'{name}' conflicts with the name of an existing Rust crate and cannot be \
                     used as a project name. Please try another name."
                )
            );
        }
        assert!(!dir.path().join("x").exists());
    }

    #[test]
    fn toml_strings() {
        assert_eq!(toml_string(r#"a\b"c"#), r#""a\\b\"c""#);
        assert_eq!(toml_string("x\u{1}"), r#""x\u0001""#);
    }
}
