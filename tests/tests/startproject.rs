//! A new user's first steps, with the real binaries: `manage startproject`, `cargo manage
//! startapp`, a new view, `runserver`, and the reloader's promise (no connection ever refused
//! while a change is rebuilt; a broken edit keeps the last good server answering).
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pony_tests::{
    Server, cargo, cargo_in, client, edit, free_port, new_project, run, workspace_bin,
};

#[test]
fn startproject_startapp_and_a_new_view() {
    let (_dir, project) = new_project("mysite");

    let (code, stdout, stderr) = cargo_in(&project, &["manage", "startapp", "polls"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("added `polls::PollsConfig,` to src/main.rs"),
        "{stdout}"
    );
    for file in [
        "mod.rs",
        "models.rs",
        "views.rs",
        "urls.rs",
        "forms.rs",
        "admin.rs",
        "tests.rs",
        "migrations",
        "templates/polls",
    ] {
        assert!(
            project.join("src/polls").join(file).exists(),
            "src/polls/{file} is missing"
        );
    }

    // The edit a Django user makes in views.py and urls.py.
    let views = project.join("src/polls/views.rs");
    let mut text = std::fs::read_to_string(&views).unwrap();
    text.push_str("\npub async fn hello() -> &'static str {\n    \"Hello from polls\"\n}\n");
    std::fs::write(&views, text).unwrap();
    edit(
        &project.join("src/polls/urls.rs"),
        r#".path("", views::index, "index")"#,
        r#".path("", views::index, "index").path("hello/", views::hello, "hello")"#,
    );

    let (code, stdout, stderr) = cargo_in(&project, &["manage", "check"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("System check identified no issues"),
        "{stdout}"
    );
    // The `manage` binary, run inside the project, hands commands to the project's binary.
    let (code, stdout, _) = run(Command::new(workspace_bin("manage"))
        .arg("showurls")
        .current_dir(&project));
    assert_eq!(code, 0);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("/polls/hello/") && l.ends_with("polls:hello")),
        "{stdout}"
    );

    let port = free_port();
    let mut command = cargo();
    command
        .args(["manage", "runserver", "--noreload", &port.to_string()])
        .current_dir(&project);
    let server = Server::start(command, port);
    let http = client();
    let hello = http.get(server.url("/polls/hello/")).send().unwrap();
    assert_eq!(hello.status().as_u16(), 200);
    assert_eq!(hello.text().unwrap(), "Hello from polls");
    let index = http
        .get(server.url("/polls/"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(index.contains("<h1>polls</h1>"), "{index}");
    let home = http.get(server.url("/")).send().unwrap().text().unwrap();
    assert!(
        home.contains("The install worked successfully! Congratulations!"),
        "{home}"
    );

    // Templates are re-read on the next request, even without the reloader.
    edit(
        &project.join("templates/base.html"),
        "<main>",
        "<main data-edited=\"yes\">",
    );
    let home = http.get(server.url("/")).send().unwrap().text().unwrap();
    assert!(home.contains("data-edited=\"yes\""), "{home}");
    drop(server);

    // The app's generated test passes.
    let (code, stdout, stderr) = cargo_in(&project, &["test", "--quiet"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

/// Polls `url` on a fresh connection each time, recording bodies and connection errors.
struct Poller {
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<Vec<Result<String, String>>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Poller {
    fn start(url: String, interval: Duration) -> Poller {
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (stop2, seen2) = (stop.clone(), seen.clone());
        let thread = std::thread::spawn(move || {
            let http = reqwest::blocking::Client::builder()
                .pool_max_idle_per_host(0)
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap();
            while !stop2.load(Ordering::Relaxed) {
                let result = http
                    .get(&url)
                    .send()
                    .and_then(|r| r.text())
                    .map_err(|e| format!("{e:?}"));
                seen2.lock().unwrap().push(result);
                std::thread::sleep(interval);
            }
        });
        Poller {
            stop,
            seen,
            thread: Some(thread),
        }
    }

    fn errors(&self) -> Vec<String> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter_map(|r| r.as_ref().err().cloned())
            .collect()
    }

    fn last(&self) -> Option<String> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .rev()
            .find_map(|r| r.as_ref().ok().cloned())
    }

    fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    fn wait_for(&self, text: &str, limit: Duration, server: &Server) {
        let start = Instant::now();
        while self.last().as_deref() != Some(text) {
            assert!(
                start.elapsed() < limit,
                "never saw {text:?}; output:\n{}",
                server.output()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[test]
fn runserver_reloads_rust_changes_without_refusing_connections() {
    let (_dir, project) = new_project("reloadsite");
    let urls = project.join("src/urls.rs");
    edit(
        &urls,
        "async fn index(request: Request) -> pony::Result<Response> {\n    render(&request, \"base.html\", context! {})\n}",
        "async fn index() -> &'static str {\n    \"version 1\"\n}",
    );
    let (code, stdout, stderr) = cargo_in(&project, &["build", "--quiet"]);
    assert_eq!(code, 0, "{stdout}{stderr}");

    let port = free_port();
    let mut command = cargo();
    command
        .args(["manage", "runserver", &port.to_string()])
        .current_dir(&project);
    let server = Server::start(command, port);
    assert!(
        server.wait_for_output("Watching for file changes", Duration::from_secs(30)),
        "{}",
        server.output()
    );

    let poller = Poller::start(server.url("/"), Duration::from_millis(40));
    // A second, eager client makes it likely that connections arrive exactly while one server
    // hands over to the next.
    let eager = Poller::start(server.url("/"), Duration::from_millis(3));
    poller.wait_for("version 1", Duration::from_secs(30), &server);

    edit(&urls, "\"version 1\"", "\"version 2\"");
    poller.wait_for("version 2", Duration::from_secs(300), &server);
    assert!(
        server.output().contains("urls.rs changed, rebuilding."),
        "{}",
        server.output()
    );

    // A broken edit: cargo's error is printed and the last good build keeps answering.
    edit(&urls, "\"version 2\"", "\"version 3\" +");
    assert!(
        server.wait_for_output("Build failed", Duration::from_secs(300)),
        "{}",
        server.output()
    );
    let after_failure = poller.count();
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        poller.count() > after_failure,
        "the poller kept getting answers"
    );
    assert_eq!(poller.last().as_deref(), Some("version 2"));
    assert!(
        server.output().contains("error"),
        "cargo's error is shown: {}",
        server.output()
    );

    // Fixing it brings the new version.
    edit(&urls, "\"version 3\" +", "\"version 3\"");
    poller.wait_for("version 3", Duration::from_secs(300), &server);

    for poller in [poller, eager] {
        let errors = poller.errors();
        let count = poller.count();
        assert!(
            errors.is_empty(),
            "{} of {count} polls failed: {errors:?}",
            errors.len()
        );
    }
}
