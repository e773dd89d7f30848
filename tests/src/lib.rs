//! Support for pony's end-to-end tests: real server processes on free ports, an HTTP client
//! with a cookie jar, and the CLI as a subprocess.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_debug_implementations
)]

pub mod board;
pub mod databases;

use std::io::{BufRead, BufReader, Read};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The workspace's root directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The target directory the tests were built in (shared by nested builds, so they are fast).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// The `cargo` that runs the tests.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.env("CARGO_TARGET_DIR", target_dir());
    command
}

/// Builds the workspace's binaries once per test process and returns the path of `name`.
pub fn workspace_bin(name: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let status = cargo()
            .args([
                "build",
                "--quiet",
                "-p",
                "example_project",
                "-p",
                "pony-cli",
            ])
            .current_dir(workspace_root())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the workspace binaries failed");
    });
    target_dir().join("debug").join(name)
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running server process, killed when dropped; its output is collected.
pub struct Server {
    pub child: Child,
    pub port: u16,
    output: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `command` (which must listen on `port`) and waits until the port answers.
    pub fn start(mut command: Command, port: u16) -> Server {
        use std::os::unix::process::CommandExt;
        // Its own process group, so that stopping it stops what it started (cargo's child,
        // the reloader's servers), as Ctrl-C in a terminal would.
        command
            .process_group(0)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(Stdio::null());
        let mut child = command.spawn().expect("server starts");
        let output = Arc::new(Mutex::new(String::new()));
        collect(child.stdout.take().unwrap(), output.clone());
        collect(child.stderr.take().unwrap(), output.clone());
        let server = Server {
            child,
            port,
            output,
        };
        server.wait_until_listening(Duration::from_secs(120));
        server
    }

    fn wait_until_listening(&self, limit: Duration) {
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                start.elapsed() < limit,
                "server did not listen on {}:\n{}",
                self.port,
                self.output()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Everything the server printed so far.
    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Waits until the output contains `text`.
    pub fn wait_for_output(&self, text: &str, limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if self.output().contains(text) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Sends SIGTERM to the server's process group.
    pub fn terminate(&self) {
        signal_group(&self.child, libc::SIGTERM);
    }
}

/// Sends `signal` to the process group led by `child` (see [`Server::start`]).
#[allow(unsafe_code)]
pub fn signal_group(child: &Child, signal: libc::c_int) {
    let Ok(pid) = libc::pid_t::try_from(child.id()) else {
        return;
    };
    if pid > 1 {
        // SAFETY: kill(2) with a negative pid signals only the group this test created.
        unsafe {
            libc::kill(-pid, signal);
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.terminate();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collect(stream: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let mut output = into.lock().unwrap();
            output.push_str(&line);
            output.push('\n');
        }
    });
}

/// An HTTP client that does not follow redirects and keeps cookies, like a browser session.
pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// Runs a command to completion; `(exit code, stdout, stderr)`.
pub fn run(command: &mut Command) -> (i32, String, String) {
    let output = command.stdin(Stdio::null()).output().expect("command runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Copies a directory tree (to run a project from a scratch location).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the test project (`tests/testsite`) at `base`, with `extra_settings` appended to
/// its `settings.toml`; serve it with `PONY_BASE_DIR=<base>`.
pub fn testsite_copy(base: &Path, extra_settings: &str) {
    copy_tree(&workspace_root().join("tests/testsite"), base);
    let file = base.join("settings.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}\n{extra_settings}")).unwrap();
}

/// Migrates and serves a testsite copy at `base` (see [`testsite_copy`]) with DEBUG on or
/// off, a production-strength `SECRET_KEY` and the local hosts allowed.
pub fn serve_testsite(bin: &str, base: &Path, debug: bool) -> Server {
    let base = base.display().to_string();
    migrate_and_serve(
        bin,
        &[
            ("PONY_BASE_DIR", &base),
            ("DEBUG", if debug { "1" } else { "0" }),
            (
                "SECRET_KEY",
                "a-test-secret-that-is-long-enough-0123456789-abcdefghijkl",
            ),
            ("ALLOWED_HOSTS", "127.0.0.1,localhost"),
        ],
    )
}

/// Runs the project binary `bin`'s `migrate`, then serves it with `runserver --noreload`, both
/// with the environment `env`.
pub fn migrate_and_serve(bin: &str, env: &[(&str, &str)]) -> Server {
    let (code, out, err) = run(Command::new(bin).arg("migrate").envs(env.iter().copied()));
    assert_eq!(code, 0, "migrate failed:\n{out}{err}");
    let port = free_port();
    let mut command = Command::new(bin);
    command
        .args(["runserver", "--noreload", &port.to_string()])
        .envs(env.iter().copied());
    Server::start(command, port)
}

/// `manage startproject NAME` in a temporary directory. Each test uses its own name: the
/// projects share the workspace's target directory, where a binary is named after its project.
pub fn new_project(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run(Command::new(workspace_bin("manage"))
        .args(["startproject", name])
        .current_dir(dir.path()));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains(&format!("Created project '{name}'")),
        "{stdout}"
    );
    let project = dir.path().join(name);
    // Same dependency versions as the workspace, so the shared target directory is reused.
    std::fs::copy(
        workspace_root().join("Cargo.lock"),
        project.join("Cargo.lock"),
    )
    .unwrap();
    (dir, project)
}

/// `cargo ARGS` in a project directory (with the shared target directory).
pub fn cargo_in(project: &Path, args: &[&str]) -> (i32, String, String) {
    run(cargo().args(args).current_dir(project))
}

/// Replaces the first `from` in a file by `to`, failing loudly if `from` is absent.
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.contains(from),
        "{} lacks {from:?}:\n{text}",
        path.display()
    );
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}
