//! Article-list throughput: the example board's `/articles/` page through its whole stack
//! (security checks, sessions, `request.user`, CSRF, messages, a paginated query, the
//! template), served by the release binary with DEBUG off, from concurrent keep-alive clients.
//!
//! ```sh
//! cargo bench -p pony-tests --bench article_list
//! ```
//!
//! Prints requests per second for an anonymous visitor and for a logged-in one; a benchmark,
//! not a test: it asserts nothing about speed.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use pony_tests::board::Browser;
use pony_tests::{Server, cargo, free_port, run, target_dir, workspace_root};

const ARTICLES: usize = 30;
const CLIENTS: usize = 8;
const DURATION: Duration = Duration::from_secs(5);

fn release_binary() -> std::path::PathBuf {
    let status = cargo()
        .args(["build", "--quiet", "--release", "-p", "example_project"])
        .current_dir(workspace_root())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the release build failed");
    target_dir().join("release").join("example_project")
}

/// Requests per second for `path` from `CLIENTS` threads, each a browser with `cookies`.
fn measure(server: &Server, path: &str, session: Option<&str>) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + DURATION;
    let threads: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (url, done) = (server.url(path), done.clone());
            let session = session.map(str::to_owned);
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .unwrap();
                while Instant::now() < deadline {
                    let mut request = client.get(&url);
                    if let Some(key) = &session {
                        request = request.header("cookie", format!("sessionid={key}"));
                    }
                    let response = request.send().unwrap();
                    assert_eq!(response.status(), 200);
                    response.bytes().unwrap();
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let started = Instant::now();
    for thread in threads {
        thread.join().unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let binary = release_binary();
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("db.sqlite3").display());
    let env = [
        ("DATABASE_URL", database.as_str()),
        ("DEBUG", "0"),
        ("ALLOWED_HOSTS", "127.0.0.1"),
        (
            "SECRET_KEY",
            "bench-secret-key-for-the-board-0123456789-abcdefghij",
        ),
    ];
    let (code, out, err) = run(Command::new(&binary).arg("migrate").envs(env));
    assert_eq!(code, 0, "{out}{err}");
    let port = free_port();
    let mut command = Command::new(&binary);
    command
        .args(["serve", &format!("127.0.0.1:{port}")])
        .envs(env);
    let server = Server::start(command, port);

    let author = Browser::new(&server.url(""));
    assert_eq!(author.sign_up("bench", "correct-horse-battery").status, 302);
    for n in 0..ARTICLES {
        let title = format!("Article {n}");
        let page = author.submit(
            "/articles/create/",
            &[("title", title.as_str()), ("content", "Some words.")],
        );
        assert_eq!(page.status, 302, "{}", page.body);
    }
    let session = author.cookie("sessionid").expect("logged in");

    let anonymous = measure(&server, "/articles/", None);
    let logged_in = measure(&server, "/articles/", Some(&session));
    println!("article list, anonymous: {anonymous:.0} requests/s ({CLIENTS} clients, SQLite)");
    println!("article list, logged in: {logged_in:.0} requests/s ({CLIENTS} clients, SQLite)");
}
