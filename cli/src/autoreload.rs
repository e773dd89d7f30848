//! `runserver`'s reloader: rebuild on source changes and swap server processes without ever
//! closing the port.
//!
//! This process binds the socket and supervises. Each server is a child process (the project's
//! binary, `runserver` again) that inherits the socket and reports when it is ready. When a
//! Rust source, `Cargo.toml` or a migration changes, cargo rebuilds the binary; if that works, a
//! new server starts on the same socket, and only once it is ready is the old one asked to stop
//! (it finishes its requests in flight). If the build fails, cargo's errors are printed and the
//! last good server keeps answering. A change to `settings.toml` restarts the server without a
//! build. Templates and static files are re-read by the running server and need no restart
//! (a template edit restarts only a server that failed its start-up checks).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, SystemTime};

use crate::commands::CommandResult;
use crate::listener;
use crate::style::Style;

const POLL_INTERVAL: Duration = Duration::from_millis(400);
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// Supervises server processes on `socket` until Ctrl-C or SIGTERM.
pub(crate) fn supervise(base_dir: &Path, socket: TcpListener) -> CommandResult {
    let mut supervisor = Supervisor {
        exe: std::env::current_exe()?,
        args: std::env::args_os().skip(1).collect(),
        socket,
        current: None,
        retiring: Vec::new(),
    };
    println!("Watching for file changes with pony's reloader");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let shutdown = crate::commands::shutdown_signal();
        tokio::pin!(shutdown);
        if !supervisor.restart().await {
            println!("{}", Style::Error.out("The server did not start; fix the error above and save."));
        }
        let mut snapshot = Snapshot::take(base_dir);
        loop {
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(POLL_INTERVAL) => {}
            }
            supervisor.reap();
            let Some(change) = snapshot.changed(base_dir) else { continue };
            // Let a burst of saves settle, then start from what is on disk now.
            tokio::time::sleep(Duration::from_millis(150)).await;
            snapshot = Snapshot::take(base_dir);
            match change {
                Change::Code(path) => {
                    println!("{} changed, rebuilding.", path.display());
                    let built = tokio::select! {
                        () = &mut shutdown => break,
                        built = rebuild(base_dir, &supervisor.exe) => built,
                    };
                    let Some(new_exe) = built else {
                        println!("{}", Style::Error.out(
                            "Build failed; the last good build is still serving. Fix the error and save again."
                        ));
                        continue;
                    };
                    supervisor.exe = new_exe;
                }
                Change::Settings(path) => println!("{} changed, restarting.", path.display()),
                // A running server re-reads templates by itself; restart only one that
                // failed to start (a template error caught by the system checks).
                Change::Template(_) if supervisor.current.is_some() => continue,
                Change::Template(path) => println!("{} changed, restarting.", path.display()),
            }
            if !supervisor.restart().await {
                println!("{}", Style::Error.out(if supervisor.current.is_some() {
                    "The new server did not start; the last good one is still serving."
                } else {
                    "The server did not start; fix the error above and save."
                }));
            }
        }
        supervisor.stop_all();
    });
    Ok(ExitCode::SUCCESS)
}

/// The server processes: the one serving, and old ones finishing their requests.
struct Supervisor {
    exe: PathBuf,
    args: Vec<OsString>,
    socket: TcpListener,
    current: Option<Child>,
    retiring: Vec<Child>,
}

impl Supervisor {
    /// Starts a server from `exe`; once it is ready, asks the previous one to stop.
    async fn restart(&mut self) -> bool {
        let Some(server) = start_server(&self.exe, &self.args, &self.socket).await else {
            return false;
        };
        if let Some(old) = self.current.replace(server) {
            listener::terminate(&old);
            self.retiring.push(old);
        }
        true
    }

    /// Forgets processes that exited, and says so if the serving one died.
    fn reap(&mut self) {
        self.retiring
            .retain_mut(|child| matches!(child.try_wait(), Ok(None)));
        if let Some(server) = self.current.as_mut()
            && let Ok(Some(status)) = server.try_wait()
        {
            let message = format!("The server stopped ({status}). Waiting for changes…");
            println!("{}", Style::Error.out(&message));
            self.current = None;
        }
    }

    /// Stops every server and waits for them (they finish their requests in flight).
    fn stop_all(self) {
        for child in self.current.iter().chain(self.retiring.iter()) {
            listener::terminate(child);
        }
        for mut child in self.current.into_iter().chain(self.retiring) {
            let _ = child.wait();
        }
    }
}

/// Starts a server process on the shared socket and waits until it accepts connections.
async fn start_server(exe: &Path, args: &[OsString], socket: &TcpListener) -> Option<Child> {
    let (mut ready_reader, ready_writer) = std::io::pipe().ok()?;
    let mut command = Command::new(exe);
    command.args(args).stdin(Stdio::null());
    listener::pass_to(&mut command, socket, &ready_writer);
    let spawned = command.spawn();
    drop(ready_writer); // only the child holds the write end now: EOF means it died
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) => {
            eprintln!(
                "{}",
                Style::Error.err(&format!("Could not start {}: {error}", exe.display()))
            );
            return None;
        }
    };
    let ready = tokio::task::spawn_blocking(move || {
        let mut byte = [0u8; 1];
        matches!(ready_reader.read(&mut byte), Ok(1))
    });
    match tokio::time::timeout(READY_TIMEOUT, ready).await {
        Ok(Ok(true)) => Some(child),
        _ => {
            let _ = child.kill();
            let _ = child.wait();
            None
        }
    }
}

/// Rebuilds the project's binary with cargo; the new executable's path on success.
async fn rebuild(base_dir: &Path, exe: &Path) -> Option<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let bin = exe.file_name()?.to_string_lossy().into_owned();
    let mut command = tokio::process::Command::new(cargo);
    command
        .arg("build")
        .arg("--message-format=json-render-diagnostics")
        .arg("--manifest-path")
        .arg(base_dir.join("Cargo.toml"))
        .args(["--bin", &bin])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    // Build into the same target directory and profile as the running binary.
    if let Some(profile_dir) = exe.parent() {
        if profile_dir
            .file_name()
            .is_some_and(|name| name == "release")
        {
            command.arg("--release");
        }
        if let Some(target_dir) = profile_dir.parent() {
            command.arg("--target-dir").arg(target_dir);
        }
    }
    let output = command.output().await.ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| {
            let message: serde_json::Value = serde_json::from_str(line).ok()?;
            (message["reason"] == "compiler-artifact" && message["target"]["name"] == bin.as_str())
                .then(|| message["executable"].as_str().map(PathBuf::from))
                .flatten()
        })
}

/// What kind of file changed, most significant first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// Rust sources, `Cargo.toml`, migrations: rebuild, then restart.
    Code,
    /// `settings.toml`: restart.
    Settings,
    /// Templates: re-read by a running server.
    Template,
}

/// A change found by [`Snapshot::changed`].
#[derive(Debug)]
enum Change {
    Code(PathBuf),
    Settings(PathBuf),
    Template(PathBuf),
}

/// Modification times of the project's files, by kind.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot(BTreeMap<PathBuf, (Kind, SystemTime, u64)>);

impl Snapshot {
    fn take(base_dir: &Path) -> Self {
        let mut files = BTreeMap::new();
        record(&base_dir.join("Cargo.toml"), Kind::Code, &mut files);
        record(&base_dir.join("build.rs"), Kind::Code, &mut files);
        record(&base_dir.join("settings.toml"), Kind::Settings, &mut files);
        walk(&base_dir.join("templates"), Kind::Template, &mut files);
        walk(&base_dir.join("src"), Kind::Code, &mut files);
        Snapshot(files)
    }

    /// The most significant file added, removed or modified since this snapshot.
    fn changed(&self, base_dir: &Path) -> Option<Change> {
        let now = Snapshot::take(base_dir);
        let modified = now
            .0
            .iter()
            .filter(|(path, stamp)| self.0.get(*path) != Some(stamp));
        let removed = self.0.iter().filter(|(path, _)| !now.0.contains_key(*path));
        let (path, (kind, ..)) = modified
            .chain(removed)
            .min_by_key(|(_, (kind, ..))| *kind)?;
        let path = path.clone();
        Some(match kind {
            Kind::Code => Change::Code(path),
            Kind::Settings => Change::Settings(path),
            Kind::Template => Change::Template(path),
        })
    }
}

/// Records every file under `dir`; inside `src/`, an app's `templates/` holds templates and its
/// `static/` is not watched at all (static files are served fresh from disk).
fn walk(dir: &Path, kind: Kind, files: &mut BTreeMap<PathBuf, (Kind, SystemTime, u64)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "static" {
            continue;
        }
        if path.is_dir() {
            let kind = if name == "templates" {
                Kind::Template
            } else {
                kind
            };
            walk(&path, kind, files);
        } else {
            record(&path, kind, files);
        }
    }
}

fn record(path: &Path, kind: Kind, files: &mut BTreeMap<PathBuf, (Kind, SystemTime, u64)>) {
    if let Ok(metadata) = std::fs::metadata(path)
        && let Ok(modified) = metadata.modified()
    {
        files.insert(path.to_path_buf(), (kind, modified, metadata.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_classified() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path();
        for file in [
            "src/main.rs",
            "src/polls/templates/polls/a.html",
            "src/polls/static/x.css",
            "templates/base.html",
            "settings.toml",
        ] {
            let path = base.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "1").unwrap();
        }
        let snapshot = Snapshot::take(base);
        assert!(snapshot.changed(base).is_none());
        std::fs::write(base.join("src/polls/static/x.css"), "22").unwrap();
        assert!(
            snapshot.changed(base).is_none(),
            "static files are not watched"
        );
        std::fs::write(base.join("src/polls/templates/polls/a.html"), "22").unwrap();
        assert!(matches!(snapshot.changed(base), Some(Change::Template(_))));
        std::fs::write(base.join("settings.toml"), "22").unwrap();
        assert!(matches!(snapshot.changed(base), Some(Change::Settings(_))));
        std::fs::remove_file(base.join("src/main.rs")).unwrap();
        assert!(matches!(snapshot.changed(base), Some(Change::Code(_))));
    }
}
