//! Static files: found in the project's `static/` and each app's `static/` (Django's
//! finders), served by `runserver` in DEBUG and copied to `STATIC_ROOT` by `collectstatic`.

use std::path::{Component, Path, PathBuf};

use axum::Router;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::error::Error;

/// Looks static files up in directories, first match wins (project before apps).
#[derive(Debug, Clone)]
pub struct StaticFinder {
    dirs: Vec<PathBuf>,
}

impl StaticFinder {
    /// A finder over `dirs`, in order.
    pub fn new(dirs: Vec<PathBuf>) -> Self {
        StaticFinder { dirs }
    }

    /// The directories searched.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// The file serving `relative` (`css/site.css`), refusing anything that climbs out of the
    /// static directories (`..`, absolute paths).
    ///
    /// ```
    /// let finder = pony::static_files::StaticFinder::new(vec!["/srv/static".into()]);
    /// assert_eq!(finder.find("../../etc/passwd"), None);
    /// ```
    pub fn find(&self, relative: &str) -> Option<PathBuf> {
        let relative = Path::new(relative);
        if !relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
        {
            return None;
        }
        self.dirs
            .iter()
            .map(|dir| dir.join(relative))
            .find(|path| path.is_file())
    }

    /// Every static file as `(relative path, source)`, the first of each name only.
    pub fn list(&self) -> Vec<(PathBuf, PathBuf)> {
        let mut seen = std::collections::BTreeMap::new();
        for dir in &self.dirs {
            let mut stack = vec![dir.clone()];
            while let Some(current) = stack.pop() {
                let Ok(entries) = std::fs::read_dir(&current) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if let Ok(relative) = path.strip_prefix(dir) {
                        seen.entry(relative.to_path_buf()).or_insert(path);
                    }
                }
            }
        }
        seen.into_iter().collect()
    }

    /// A service answering `GET /<path>` from these directories (mounted at `STATIC_URL`).
    pub fn service(&self) -> Router {
        let finder = self.clone();
        Router::new().route(
            "/{*path}",
            get(
                move |axum::extract::Path(path): axum::extract::Path<String>, request: Request| {
                    let finder = finder.clone();
                    async move { finder.serve(&path, request).await }
                },
            ),
        )
    }

    async fn serve(&self, path: &str, request: Request) -> Response {
        let Some(file) = self.find(path) else {
            return Error::not_found(format!("“{path}” could not be found")).into_response();
        };
        match ServeFile::new(file).oneshot(request).await {
            Ok(response) => response.into_response(),
            Err(error) => Error::other(error).into_response(),
        }
    }
}

/// Copies every static file to `root`; returns `(copied, unmodified)` counts like Django's
/// `collectstatic`. A file whose size and modification time match is left alone.
pub fn collect(finder: &StaticFinder, root: &Path) -> std::io::Result<(usize, usize)> {
    let (mut copied, mut unmodified) = (0, 0);
    for (relative, source) in finder.list() {
        let target = root.join(&relative);
        if same_file_contents(&source, &target) {
            unmodified += 1;
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(&source, &target)?;
        copied += 1;
    }
    Ok((copied, unmodified))
}

fn same_file_contents(source: &Path, target: &Path) -> bool {
    match (std::fs::metadata(source), std::fs::metadata(target)) {
        (Ok(a), Ok(b)) => {
            a.len() == b.len()
                && matches!((a.modified(), b.modified()), (Ok(ma), Ok(mb)) if mb >= ma)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_files_shadow_app_files_and_collect_copies_once() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("static");
        let app = dir.path().join("app/static");
        for (base, name, body) in [
            (&project, "site.css", "p"),
            (&app, "site.css", "a"),
            (&app, "app/x.js", "x"),
        ] {
            let path = base.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, body).unwrap();
        }
        let finder = StaticFinder::new(vec![project.clone(), app]);
        assert_eq!(finder.find("site.css"), Some(project.join("site.css")));
        let root = dir.path().join("collected");
        assert_eq!(collect(&finder, &root).unwrap(), (2, 0));
        assert_eq!(std::fs::read_to_string(root.join("site.css")).unwrap(), "p");
        assert_eq!(collect(&finder, &root).unwrap(), (0, 2));
    }
}
