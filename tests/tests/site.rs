//! The framework end to end: a real server process (`testsite`) over HTTP.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use std::process::Command;
use std::time::{Duration, Instant};

use pony_tests::{Server, client, free_port, run};

const TESTSITE: &str = env!("CARGO_BIN_EXE_testsite");

/// `testsite runserver --noreload` on a free port, with extra environment.
fn start(env: &[(&str, &str)]) -> Server {
    let port = free_port();
    let mut command = Command::new(TESTSITE);
    command
        .args(["runserver", "--noreload", &port.to_string()])
        .envs(env.iter().copied());
    Server::start(command, port)
}

/// `testsite serve` (production) on a free port.
fn start_production(env: &[(&str, &str)]) -> Server {
    let port = free_port();
    let mut command = Command::new(TESTSITE);
    command
        .args(["serve", &format!("127.0.0.1:{port}")])
        .env(
            "SECRET_KEY",
            "a-production-secret-that-is-long-enough-for-the-checks-0123456789",
        )
        .env("ALLOWED_HOSTS", "127.0.0.1,localhost")
        .env_remove("DEBUG")
        .envs(env.iter().copied());
    Server::start(command, port)
}

fn get(server: &Server, path: &str) -> (u16, String, String) {
    let response = client().get(server.url(path)).send().unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, response.text().unwrap())
}

#[test]
fn routing_redirects_and_append_slash() {
    let server = start(&[("DEBUG", "1")]);
    assert_eq!(get(&server, "/").0, 302);
    assert_eq!(get(&server, "/").1, "/lab/");
    let (status, location, _) = get(&server, "/lab/item/3?x=1");
    assert_eq!((status, location.as_str()), (301, "/lab/item/3/?x=1"));
    let (status, _, body) = get(&server, "/lab/item/3/");
    assert_eq!((status, body.as_str()), (200, "item 3 at /lab/item/3/"));
    // A segment that does not fit its converter is a 404, not a 400 from the extractor.
    assert_eq!(get(&server, "/lab/item/three/").0, 404);
    // POST-only route: other methods are 405.
    assert_eq!(get(&server, "/lab/only-post/").0, 405);
}

#[test]
fn templates_render_with_filters_urls_and_escaping() {
    let server = start(&[("DEBUG", "1")]);
    let (status, _, body) = get(&server, "/lab/?name=%3Cscript%3E");
    assert_eq!(status, 200);
    assert!(body.contains("<h1>Hello, &lt;script&gt;!</h1>"), "{body}");
    assert!(body.contains("2 tags; nothing; a<br>b"), "{body}");
    assert!(body.contains(r#"<a href="/lab/item/7/">"#), "{body}");
    assert!(body.contains(r#"<a href="/lab/item/8/">"#), "{body}");
    assert!(body.contains(r#"href="/static/site.css""#), "{body}");
    assert!(body.contains("path=/lab/"), "{body}");
}

#[test]
fn static_files_are_served_in_debug_from_project_and_apps() {
    let server = start(&[("DEBUG", "1")]);
    let (status, _, body) = get(&server, "/static/site.css");
    assert_eq!((status, body.trim()), (200, "body { color: #222; }"));
    let (status, _, body) = get(&server, "/static/lab/app.css");
    assert_eq!((status, body.trim()), (200, ".lab { color: teal; }"));
    assert_eq!(get(&server, "/static/../settings.toml").0, 404);
    assert_eq!(get(&server, "/static/missing.css").0, 404);
}

#[test]
fn hosts_outside_allowed_hosts_are_refused() {
    let server = start(&[("DEBUG", "1")]);
    let response = client()
        .get(server.url("/lab/"))
        .header("Host", "evil.example")
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body = response.text().unwrap();
    assert!(body.contains("DisallowedHost"), "{body}");
    assert!(
        body.contains("You may need to add &#x27;evil.example&#x27; to ALLOWED_HOSTS."),
        "{body}"
    );
    let response = client()
        .get(server.url("/lab/"))
        .header("Host", "localhost:1234")
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[test]
fn debug_pages_explain_errors() {
    let server = start(&[("DEBUG", "true")]);
    let (status, _, body) = get(&server, "/nowhere/");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"), "{body}");
    assert!(
        body.contains("lab/item/&lt;int:pk&gt;/ [name=&#x27;lab:item&#x27;]")
            || body.contains("lab/item/&lt;int:pk&gt;/ [name='lab:item']"),
        "{body}"
    );
    assert!(body.contains("didn’t match any of these"), "{body}");

    let (status, _, body) = get(&server, "/lab/missing/");
    assert_eq!(status, 404);
    assert!(
        body.contains("No Widget matches the given query."),
        "{body}"
    );
    assert!(body.contains("testsite::missing"), "{body}");

    let response = client()
        .get(server.url("/lab/boom/?q=1"))
        .header("Cookie", "theme=dark; sessionid=abc123secret")
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 500);
    let body = response.text().unwrap();
    assert!(body.contains("Panic at /lab/boom/"), "{body}");
    assert!(body.contains("the lab exploded"), "{body}");
    assert!(
        body.contains("testsite.rs:"),
        "location of the panic: {body}"
    );
    assert!(body.contains("theme"), "cookies are listed: {body}");
    assert!(
        !body.contains("abc123secret"),
        "the session cookie is masked"
    );
    assert!(body.contains("SECRET_KEY"), "settings are listed");
    let secret =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/testsite/.secret_key"))
            .unwrap();
    assert!(!body.contains(secret.trim()), "the secret key is masked");

    let (status, _, body) = get(&server, "/lab/bad-link/");
    assert_eq!(status, 500);
    assert!(body.contains("NoReverseMatch"), "{body}");
    assert!(
        body.contains("Reverse for &#x27;lab:nope&#x27; not found"),
        "{body}"
    );
    assert!(body.contains("lab/bad_link.html"), "{body}");

    let (status, _, body) = get(&server, "/lab/bad-redirect/");
    assert_eq!(status, 500);
    assert!(body.contains("NoReverseMatch"), "{body}");

    let (status, _, body) = get(&server, "/lab/forbidden/");
    assert_eq!(status, 403);
    assert!(body.contains("Only the owner may look."), "{body}");

    // The server keeps answering after a panic.
    assert_eq!(get(&server, "/lab/").0, 200);
}

#[test]
fn production_pages_are_plain_and_use_project_templates() {
    let server = start_production(&[]);
    let (status, _, body) = get(&server, "/nowhere/");
    assert_eq!(status, 404);
    assert!(
        body.contains("<h1>Lost in the lab</h1><p>Nothing at /nowhere/.</p>"),
        "{body}"
    );
    assert!(!body.contains("lab/item"), "no routes listed without DEBUG");
    let (status, _, body) = get(&server, "/lab/boom/");
    assert_eq!(status, 500);
    assert!(body.contains("<h1>Server Error (500)</h1>"), "{body}");
    assert!(!body.contains("exploded"), "no details without DEBUG");
    assert!(
        server.wait_for_output("Internal Server Error: /lab/boom/", Duration::from_secs(5)),
        "{}",
        server.output()
    );
    assert!(
        server.wait_for_output("the lab exploded", Duration::from_secs(5)),
        "the log has the details"
    );
    let (status, _, body) = get(&server, "/lab/forbidden/");
    assert_eq!(status, 403);
    assert!(body.contains("<h1>403 Forbidden</h1>"), "{body}");
}

#[test]
fn request_bodies_over_the_limit_are_413() {
    let server = start(&[("DEBUG", "1")]);
    let small = client()
        .post(server.url("/lab/echo/"))
        .form(&[("a", "1")])
        .send()
        .unwrap();
    assert_eq!(small.text().unwrap(), "POST 3 bytes, a=1");
    let big = client()
        .post(server.url("/lab/echo/"))
        .body(vec![b'x'; 5000])
        .send()
        .unwrap();
    assert_eq!(big.status().as_u16(), 413);
}

#[test]
fn serve_refuses_unsafe_production_settings() {
    let (code, _, stderr) = run(Command::new(TESTSITE)
        .args(["serve", &free_port().to_string()])
        .env_remove("DEBUG")
        .env_remove("SECRET_KEY")
        .env("ALLOWED_HOSTS", ""));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("The SECRET_KEY setting must not be empty when DEBUG is off"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ALLOWED_HOSTS must not be empty when DEBUG is off"),
        "{stderr}"
    );
}

#[test]
fn serve_finishes_requests_in_flight_on_sigterm() {
    let server = start_production(&[]);
    let url = server.url("/lab/slow/");
    let slow = std::thread::spawn(move || client().get(url).send().and_then(|r| r.text()));
    std::thread::sleep(Duration::from_millis(400));
    server.terminate();
    let answer = slow
        .join()
        .unwrap()
        .expect("the request in flight is answered");
    assert_eq!(answer, "slow done");
    // And then the process exits by itself.
    let mut server = server;
    let start = Instant::now();
    while server.child.try_wait().unwrap().is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "serve did not exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn runserver_reports_a_busy_port() {
    let server = start(&[("DEBUG", "1")]);
    let (code, _, stderr) =
        run(Command::new(TESTSITE).args(["runserver", "--noreload", &server.port.to_string()]));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("Error: That port is already in use."),
        "{stderr}"
    );
}

#[test]
fn check_and_showurls() {
    let (code, stdout, _) = run(Command::new(TESTSITE).arg("check").env("DEBUG", "1"));
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(
        stdout.trim(),
        "System check identified no issues (0 silenced)."
    );

    let (code, stdout, _) = run(Command::new(TESTSITE)
        .args(["check", "--deploy"])
        .env("DEBUG", "1"));
    assert_eq!(code, 0);
    assert!(
        stdout.contains("(security.W018) You should not have DEBUG set to true in deployment."),
        "{stdout}"
    );

    let (code, _, stderr) = run(Command::new(TESTSITE).arg("check").env("DEBUG", "perhaps"));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("DEBUG must be one of 1/true/on or 0/false/off"),
        "{stderr}"
    );

    let (code, stdout, _) = run(Command::new(TESTSITE).arg("showurls").env("DEBUG", "1"));
    assert_eq!(code, 0);
    let item = stdout
        .lines()
        .find(|l| l.starts_with("/lab/item/<int:pk>/"))
        .unwrap_or_default();
    assert!(
        item.contains("testsite::item") && item.ends_with("lab:item"),
        "{stdout}"
    );
}

#[test]
fn collectstatic_copies_files_that_serve_then_serves() {
    let base = tempfile::tempdir().unwrap();
    pony_tests::copy_tree(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/testsite")),
        base.path(),
    );
    let root = base.path().join("staticfiles");
    let (code, stdout, stderr) = run(Command::new(TESTSITE)
        .args(["collectstatic", "--noinput"])
        .env("PONY_BASE_DIR", base.path())
        .env("DEBUG", "1"));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(&format!("2 static files copied to '{}'.", root.display())),
        "{stdout}"
    );
    assert!(root.join("site.css").is_file() && root.join("lab/app.css").is_file());
    let (_, stdout, _) = run(Command::new(TESTSITE)
        .args(["collectstatic", "--noinput"])
        .env("PONY_BASE_DIR", base.path())
        .env("DEBUG", "1"));
    assert!(
        stdout.contains("0 static files copied") && stdout.contains("2 unmodified"),
        "{stdout}"
    );

    let server = start_production(&[("PONY_BASE_DIR", base.path().to_str().unwrap())]);
    let (status, _, body) = get(&server, "/static/lab/app.css");
    assert_eq!((status, body.trim()), (200, ".lab { color: teal; }"));
}

#[test]
fn shutdown_answers_a_connection_that_has_not_sent_its_request_yet() {
    use std::io::{Read, Write};
    let server = start_production(&[]);
    // Connected (and accepted by the server) but silent, like a browser that has just opened
    // a connection when the reloader swaps servers.
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    server.terminate();
    std::thread::sleep(Duration::from_millis(200));
    stream
        .write_all(b"GET /lab/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response:?}");
    assert!(response.contains("Hello, world!"), "{response}");
}

/// A GET sent byte for byte (an HTTP client would turn `\` into `/` first): status and
/// `Location`.
fn raw_get(server: &Server, target: &str) -> (u16, Option<String>) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let request = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let location = response
        .lines()
        .find_map(|line| line.strip_prefix("location: "))
        .map(str::to_owned);
    (status, location)
}

/// Django's `test_append_slash_leading_slashes`: a path that starts like another host gets its
/// slash without the redirect pointing there (browsers read `\` as `/`).
#[test]
fn append_slash_never_redirects_to_another_host() {
    let server = start(&[("DEBUG", "1")]);
    let base = reqwest::Url::parse(&server.url("/")).unwrap();
    // What a browser would do with the unescaped location: leave the site.
    let naive = base.join("/\\evil.example/security/").unwrap();
    assert_eq!(naive.host_str(), Some("evil.example"));
    for (target, expected) in [
        ("/\\evil.example/security", "/%5Cevil.example/security/"),
        (
            "/\\\\evil.example/security?a=1",
            "/%5C%5Cevil.example/security/?a=1",
        ),
        ("/\\/security", "/%5C/security/"),
        ("/\u{e9}/security", "/%C3%A9/security/"),
    ] {
        let (status, location) = raw_get(&server, target);
        assert_eq!(status, 301, "{target}");
        assert_eq!(location.as_deref(), Some(expected), "{target}");
        let followed = base.join(expected).unwrap();
        assert_eq!(followed.host_str(), Some("127.0.0.1"), "{target}");
        let (status, _) = raw_get(&server, expected);
        assert_eq!(status, 200, "{expected}");
    }
    // No route matches an empty first segment: `//evil.example/security/` is not a page here.
    assert_eq!(raw_get(&server, "//evil.example/security"), (404, None));
}
