//! `runserver`'s reloader: rebuild on source changes and swap server processes without ever
//! closing the port.
//!
//! This process binds the socket and supervises. Each server is a child process (the project's
//! binary, `runserver` again) that inherits the socket and reports when it is ready. When a
//! Rust source, `Cargo.toml` or a migration changes, cargo rebuilds the binary; if that works, a
//! new server starts on the same socket, and only once it is ready is the old one asked to stop
//! (it finishes its requests in flight). If the build fails, cargo's errors are printed and the
//! last good server keeps answering. Templates and static files are re-read by the running
//! server and need no restart, so changes under `templates/` and `static/` are ignored here.

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
    let exe = std::env::current_exe()?;
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    println!("Watching for file changes with pony's reloader");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut current = start_server(&exe, &args, &socket).await;
        let mut retiring: Vec<Child> = Vec::new();
        let mut snapshot = Snapshot::take(base_dir);
        let shutdown = crate::commands::shutdown_signal();
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(POLL_INTERVAL) => {}
            }
            retiring.retain_mut(|child| matches!(child.try_wait(), Ok(None)));
            if let Some(server) = current.as_mut()
                && let Ok(Some(status)) = server.try_wait()
            {
                println!("{}", Style::Error.out(&format!("The server stopped ({status}). Waiting for changes…")));
                current = None;
            }
            let Some(changed) = snapshot.changed(base_dir) else { continue };
            // Let a burst of saves settle, then start from what is on disk now.
            tokio::time::sleep(Duration::from_millis(150)).await;
            snapshot = Snapshot::take(base_dir);
            println!("{} changed, rebuilding.", changed.display());
            let built = tokio::select! {
                () = &mut shutdown => break,
                built = rebuild(base_dir, &exe) => built,
            };
            let Some(new_exe) = built else {
                println!("{}", Style::Error.out(
                    "Build failed; the last good build is still serving. Fix the error and save again."
                ));
                continue;
            };
            match start_server(&new_exe, &args, &socket).await {
                Some(server) => {
                    if let Some(old) = current.replace(server) {
                        listener::terminate(&old);
                        retiring.push(old);
                    }
                }
                None => println!("{}", Style::Error.out(
                    "The new build did not start; the last good build is still serving."
                )),
            }
        }
        for child in current.iter().chain(retiring.iter()) {
            listener::terminate(child);
        }
        for mut child in current.into_iter().chain(retiring) {
            let _ = child.wait();
        }
    });
    Ok(ExitCode::SUCCESS)
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

/// Modification times of the files whose change needs a rebuild.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot(BTreeMap<PathBuf, (SystemTime, u64)>);

impl Snapshot {
    fn take(base_dir: &Path) -> Self {
        let mut files = BTreeMap::new();
        for name in ["Cargo.toml", "build.rs"] {
            record(&base_dir.join(name), &mut files);
        }
        let mut stack = vec![base_dir.join("src")];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if name.starts_with('.') || name == "templates" || name == "static" {
                    continue;
                }
                if path.is_dir() {
                    stack.push(path);
                } else {
                    record(&path, &mut files);
                }
            }
        }
        Snapshot(files)
    }

    /// The first file added, removed or modified since this snapshot.
    fn changed(&self, base_dir: &Path) -> Option<PathBuf> {
        let now = Snapshot::take(base_dir);
        let modified = now
            .0
            .iter()
            .find(|(path, stamp)| self.0.get(*path) != Some(stamp));
        let removed = || self.0.keys().find(|path| !now.0.contains_key(*path));
        modified
            .map(|(path, _)| path.clone())
            .or_else(|| removed().cloned())
    }
}

fn record(path: &Path, files: &mut BTreeMap<PathBuf, (SystemTime, u64)>) {
    if let Ok(metadata) = std::fs::metadata(path)
        && let Ok(modified) = metadata.modified()
    {
        files.insert(path.to_path_buf(), (modified, metadata.len()));
    }
}
