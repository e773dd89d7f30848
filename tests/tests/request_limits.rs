//! Hostile requests end to end: a body or a head built to cost the server far more than the
//! client, and what the DEBUG page must not show. Each answer is Django's (a 400, 403, 413)
//! or gunicorn's (414, 431), and comes at once while other clients are served.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use pony_tests::{Server, client, edit, serve_testsite, testsite_copy};

const TESTSITE: &str = env!("CARGO_BIN_EXE_testsite");

/// A testsite copy with Django's default body size (the testsite's own is 1000 bytes) and
/// `extra` settings, served with DEBUG as asked.
fn start(debug: bool, extra: &str) -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    testsite_copy(dir.path(), extra);
    edit(
        &dir.path().join("settings.toml"),
        "DATA_UPLOAD_MAX_MEMORY_SIZE = 1000",
        "DATA_UPLOAD_MAX_MEMORY_SIZE = 2621440",
    );
    let server = serve_testsite(TESTSITE, dir.path(), debug);
    (dir, server)
}

/// Sends `head` and `body` over a raw connection (writing on another thread, so a server
/// that answers early is heard) and returns the response's status code and how long it took.
fn raw_request(port: u16, head: String, body: Vec<u8>) -> (u16, Duration) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sending = std::thread::spawn(move || {
        // The server may refuse and close before all is sent: that is its right.
        let _ = writer.write_all(head.as_bytes());
        let _ = writer.write_all(&body);
    });
    let mut response = Vec::new();
    let mut buffer = [0; 4096];
    while !response.windows(2).any(|w| w == b"\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => response.extend_from_slice(&buffer[..n]),
        }
    }
    let elapsed = started.elapsed();
    drop(stream);
    let _ = sending.join();
    let line = String::from_utf8_lossy(&response).into_owned();
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {line:?}"));
    (status, elapsed)
}

fn multipart_post(path: &str, boundary: &str, body_len: usize) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\n\
         Content-Length: {body_len}\r\nConnection: close\r\n\r\n"
    )
}

/// A page another client asks for while the attack runs; `(status, time taken)`.
fn timed_get(server: &Server, path: &str) -> (u16, Duration) {
    let started = Instant::now();
    let response = client().get(server.url(path)).send().unwrap();
    (response.status().as_u16(), started.elapsed())
}

/// Four clients send a 2.5 MB multipart body of dashes with `boundary` to a CSRF-protected
/// page while another asks for a page: that one is served, and each attacker gets `expected`,
/// all within a second.
fn attack_while_serving(server: &Server, boundary: &str, expected: u16) {
    let attackers: Vec<_> = (0..4)
        .map(|_| {
            let (port, boundary) = (server.port, boundary.to_owned());
            std::thread::spawn(move || {
                let head = multipart_post("/csrf/form/", &boundary, 2_500_000);
                raw_request(port, head, vec![b'-'; 2_500_000])
            })
        })
        .collect();
    let (status, elapsed) = timed_get(server, "/lab/");
    assert_eq!(status, 200);
    assert!(
        elapsed < Duration::from_secs(1),
        "another client waited {elapsed:?}"
    );
    for attacker in attackers {
        let (status, elapsed) = attacker.join().unwrap();
        assert_eq!(status, expected);
        assert!(
            elapsed < Duration::from_secs(1),
            "refused after {elapsed:?}"
        );
    }
}

#[test]
fn the_reviews_multipart_post_is_refused_at_once_while_others_are_served() {
    let (_dir, server) = start(false, "");
    // The review's request: a 400 KB boundary of dashes; its head is over the limit (431).
    attack_while_serving(&server, &"-".repeat(400_000), 431);
}

#[test]
fn boundaries_are_checked_and_a_body_of_dashes_costs_one_pass() {
    let (_dir, server) = start(false, "");
    // The longest boundary RFC 2046 allows, made of the same dashes as the body: parsed in
    // one pass, and with no CSRF cookie there is no token to match (403).
    attack_while_serving(&server, &"-".repeat(70), 403);
    // One character more is not a boundary: Django's MultiPartParserError, a 400.
    let head = multipart_post("/lab/echo/", &"x".repeat(71), 10);
    assert_eq!(raw_request(server.port, head, vec![b'x'; 10]).0, 400);
    let head = multipart_post("/lab/echo/", &"x".repeat(70), 0);
    assert_eq!(raw_request(server.port, head, Vec::new()).0, 400);
}

#[test]
fn request_heads_have_gunicorns_line_limits() {
    let (_dir, server) = start(false, "");
    let long_path = format!("/lab/?q={}", "a".repeat(8200));
    let response = client().get(server.url(&long_path)).send().unwrap();
    assert_eq!(response.status(), 414);
    let response = client()
        .get(server.url("/lab/"))
        .header("x-long", "b".repeat(8200))
        .send()
        .unwrap();
    assert_eq!(response.status(), 431);
    let response = client()
        .get(server.url("/lab/"))
        .header("x-fine", "b".repeat(8000))
        .send()
        .unwrap();
    assert_eq!(response.status(), 200);
}

fn fields(count: usize) -> String {
    vec!["a=1"; count].join("&")
}

fn post_form(server: &Server, path: &str, body: String) -> (u16, String) {
    let response = client()
        .post(server.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .unwrap();
    (response.status().as_u16(), response.text().unwrap())
}

#[test]
fn djangos_field_limits_hold_for_every_body_and_query() {
    let (_dir, server) = start(true, "DATA_UPLOAD_MAX_NUMBER_FILES = 2");
    let (status, body) = post_form(&server, "/lab/echo/", fields(1000));
    assert_eq!((status, body.as_str()), (200, "POST 3999 bytes, a=1"));
    let (status, page) = post_form(&server, "/lab/echo/", fields(1001));
    assert_eq!(status, 400);
    assert!(
        page.contains(
            "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
        ),
        "{page}"
    );
    assert!(page.contains("TooManyFieldsSent"), "{page}");

    // The review's GET: a 2.5 MB urlencoded body of `a&a&…` is not request.POST at all.
    let response = client()
        .get(server.url("/lab/echo/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("a&".repeat(1_300_000))
        .send()
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().unwrap(), "GET 2600000 bytes, a=-");

    let response = client()
        .get(server.url(&format!("/lab/?{}", vec!["q"; 1001].join("&"))))
        .send()
        .unwrap();
    assert_eq!(response.status(), 400, "request.GET has the limit too");

    let part = |name: &str, extra: &str| {
        format!("--b\r\nContent-Disposition: form-data; name=\"{name}\"{extra}\r\n\r\nx\r\n")
    };
    let multipart = |body: String| {
        client()
            .post(server.url("/lab/echo/"))
            .header("content-type", "multipart/form-data; boundary=b")
            .body(format!("{body}--b--\r\n"))
            .send()
            .unwrap()
    };
    let ok = multipart(part("a", "").repeat(1000));
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().unwrap(), "POST 52007 bytes, a=x");
    assert_eq!(multipart(part("a", "").repeat(1001)).status(), 400);
    let files = part("f", "; filename=\"f.txt\"");
    assert_eq!(multipart(files.repeat(2)).status(), 200);
    let page = multipart(files.repeat(3)).text().unwrap();
    assert!(
        page.contains("The number of files exceeded settings.DATA_UPLOAD_MAX_NUMBER_FILES."),
        "{page}"
    );
}

#[test]
fn the_debug_page_masks_secrets_wherever_they_are() {
    let (_dir, server) = start(
        true,
        "SESSION_COOKIE_NAME = \"board_session\"\n\
         [PAYMENTS]\nENDPOINT = \"https://pay.example\"\nAPI_KEY = \"nested-key-not-to-show\"\n\
         [PAYMENTS.FALLBACK]\nPASSWORD = \"deeper-password-not-to-show\"\n",
    );
    let browser = client();
    let response = browser.get(server.url("/session/count/")).send().unwrap();
    let session_key = response
        .cookies()
        .find(|c| c.name() == "board_session")
        .expect("the session cookie has the configured name")
        .value()
        .to_owned();
    let response = browser
        .get(server.url("/session/fail-with-secret/"))
        .send()
        .unwrap();
    assert_eq!(response.status(), 500);
    let page = response.text().unwrap();
    assert!(
        page.contains("the view failed with a secret in the session"),
        "{page}"
    );
    assert!(page.contains("https://pay.example"), "settings are shown");
    for secret in [
        session_key.as_str(),
        "nested-key-not-to-show",
        "deeper-password-not-to-show",
        "hash-not-to-show",
    ] {
        assert!(!page.contains(secret), "{secret} is on the page:\n{page}");
    }

    let response = browser
        .post(server.url("/lab/boom-post/"))
        .form(&[
            ("note", "a-visible-note"),
            ("password", "typed-password-not-to-show"),
            ("card", "4111111111111111"),
        ])
        .send()
        .unwrap();
    assert_eq!(response.status(), 500);
    let page = response.text().unwrap();
    assert!(page.contains("the lab exploded with 3 fields"), "{page}");
    assert!(page.contains("a-visible-note"), "{page}");
    for secret in ["typed-password-not-to-show", "4111111111111111"] {
        assert!(!page.contains(secret), "{secret} is on the page:\n{page}");
    }
}

#[test]
fn a_body_that_does_not_arrive_in_time_is_a_408() {
    let (_dir, server) = start(false, "REQUEST_BODY_TIMEOUT = 1");
    let started = Instant::now();
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    // Ten bytes of the hundred announced, then silence: the connection stays open.
    stream
        .write_all(
            b"POST /lab/echo/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\
              Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n\
              a=12345678",
        )
        .unwrap();
    let mut response = [0; 64];
    let read = stream.read(&mut response).unwrap();
    let line = String::from_utf8_lossy(&response[..read]).into_owned();
    assert!(line.starts_with("HTTP/1.1 408"), "{line}");
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_secs(1) && elapsed < Duration::from_secs(10),
        "{elapsed:?}"
    );
}
