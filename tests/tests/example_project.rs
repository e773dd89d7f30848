//! The example project as a new user runs it: `cargo run -p example_project -- runserver`.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use std::process::Command;

use pony_tests::{Server, client, free_port, workspace_bin};

fn start() -> Server {
    let port = free_port();
    let mut command = Command::new(workspace_bin("example_project"));
    command
        .args(["runserver", "--noreload", &port.to_string()])
        .env_remove("DEBUG");
    Server::start(command, port)
}

#[test]
fn front_page_redirects_to_the_article_list() {
    let server = start();
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
        body.contains(r#"<a class="site-name" href="/">Board</a>"#),
        "{body}"
    );
    assert!(body.contains("No articles yet."), "{body}");
    let response = http.get(server.url("/static/css/site.css")).send().unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "text/css");
}

#[test]
fn unknown_hosts_and_paths() {
    let server = start();
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
