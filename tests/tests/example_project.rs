//! The example project as a new user runs it: `migrate`, then `runserver`.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use std::process::Command;

use pony_tests::{Server, client, free_port, run, workspace_bin};

/// The example on a fresh SQLite database, migrated as the README says, then served.
fn start() -> (Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("db.sqlite3").display());
    let (code, out, err) = run(Command::new(workspace_bin("example_project"))
        .arg("migrate")
        .env("DATABASE_URL", &url));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Applying articles.0001_initial... OK"),
        "{out}"
    );
    let port = free_port();
    let mut command = Command::new(workspace_bin("example_project"));
    command
        .args(["runserver", "--noreload", &port.to_string()])
        .env_remove("DEBUG")
        .env("DATABASE_URL", &url);
    (Server::start(command, port), dir)
}

#[test]
fn front_page_redirects_to_the_article_list() {
    let (server, _db) = start();
    let http = client();
    let response = http.get(server.url("/")).send().unwrap();
    assert_eq!(response.status().as_u16(), 302);
    assert_eq!(response.headers()["location"], "/articles/");

    let response = http.get(server.url("/articles")).send().unwrap();
    assert_eq!(response.status().as_u16(), 301);
    assert_eq!(response.headers()["location"], "/articles/");

    let response = http.get(server.url("/articles/")).send().unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body = response.text().unwrap();
    assert!(
        body.contains(r#"<a class="brand" href="/articles/">Board</a>"#),
        "{body}"
    );
    assert!(body.contains("No articles yet."), "{body}");
    let response = http.get(server.url("/static/css/site.css")).send().unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "text/css");
}

#[test]
fn unknown_hosts_and_paths() {
    let (server, _db) = start();
    let http = client();
    let response = http
        .get(server.url("/articles/"))
        .header("Host", "attacker.test")
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);

    let response = http.get(server.url("/no/such/page/")).send().unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let body = response.text().unwrap();
    assert!(
        body.contains("[name='articles:index']"),
        "DEBUG lists the routes tried: {body}"
    );
}

#[test]
fn articles_are_listed_newest_first_and_escaped() {
    let (server, db) = start();
    let database = db.path().join("db.sqlite3");
    let author = "INSERT INTO auth_user (id, password, is_superuser, username, first_name, \
                  last_name, email, is_staff, is_active, date_joined) \
                  VALUES (1, '!', 0, 'ada', '', '', '', 0, 1, '2026-01-01 00:00:00')";
    let (code, _, err) = run(Command::new("sqlite3").arg(&database).arg(author));
    assert_eq!(code, 0, "{err}");
    for (title, created) in [
        ("First <post>", "2026-01-01 10:00:00"),
        ("Second post", "2026-02-01 10:00:00"),
    ] {
        let sql = format!(
            "INSERT INTO articles_article (title, content, author_id, created_at, updated_at) \
             VALUES ('{title}', 'text', 1, '{created}', '{created}')"
        );
        let (code, _, err) = run(Command::new("sqlite3").arg(&database).arg(sql));
        assert_eq!(code, 0, "{err}");
    }
    let body = client()
        .get(server.url("/articles/"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let second = body
        .find("Second post")
        .expect("the newer article is listed");
    let first = body
        .find("First &lt;post&gt;")
        .expect("the older article is listed, escaped");
    assert!(second < first, "newest first:\n{body}");
    assert!(body.contains("by ada"), "the author is shown:\n{body}");
    assert!(!body.contains("No articles yet."));
}
