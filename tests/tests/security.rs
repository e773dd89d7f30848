//! The security middleware end to end: headers on every response, HSTS and the HTTPS
//! redirect behind a TLS-terminating proxy, and the request-body limit (413).
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use pony_tests::{Server, client, migrate_and_serve, testsite_copy};

const TESTSITE: &str = env!("CARGO_BIN_EXE_testsite");

/// A testsite copy with `extra` appended to its settings (DEBUG on).
fn start(extra: &str) -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    testsite_copy(dir.path(), extra);
    let base = dir.path().display().to_string();
    let server = migrate_and_serve(TESTSITE, &[("PONY_BASE_DIR", &base), ("DEBUG", "1")]);
    (dir, server)
}

fn header(response: &reqwest::blocking::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

const PROXY: &str = "SECURE_PROXY_SSL_HEADER = [\"HTTP_X_FORWARDED_PROTO\", \"https\"]";

#[test]
fn every_response_carries_the_security_headers() {
    let (_dir, server) = start("");
    // A page, a 404, an error page, a CSRF refusal, a redirect.
    for (path, status) in [
        ("/lab/", 200),
        ("/nowhere/", 404),
        ("/lab/forbidden/", 403),
        ("/lab/boom/", 500),
        ("/", 302),
    ] {
        let response = client().get(server.url(path)).send().unwrap();
        assert_eq!(response.status(), status, "{path}");
        assert_eq!(
            header(&response, "x-content-type-options").as_deref(),
            Some("nosniff")
        );
        assert_eq!(
            header(&response, "referrer-policy").as_deref(),
            Some("same-origin")
        );
        assert_eq!(
            header(&response, "cross-origin-opener-policy").as_deref(),
            Some("same-origin")
        );
        assert_eq!(
            header(&response, "x-frame-options").as_deref(),
            Some("DENY")
        );
        assert_eq!(
            header(&response, "strict-transport-security"),
            None,
            "opt-in"
        );
    }
    let refused = client().post(server.url("/csrf/form/")).send().unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(header(&refused, "x-frame-options").as_deref(), Some("DENY"));
    // A view's own header wins.
    let framed = client().get(server.url("/csrf/framed/")).send().unwrap();
    assert_eq!(
        header(&framed, "x-frame-options").as_deref(),
        Some("SAMEORIGIN")
    );
}

#[test]
fn headers_follow_the_settings() {
    let (_dir, server) = start(
        "X_FRAME_OPTIONS = \"SAMEORIGIN\"\nSECURE_REFERRER_POLICY = false\n\
         SECURE_CONTENT_TYPE_NOSNIFF = false",
    );
    let response = client().get(server.url("/lab/")).send().unwrap();
    assert_eq!(
        header(&response, "x-frame-options").as_deref(),
        Some("SAMEORIGIN")
    );
    assert_eq!(header(&response, "referrer-policy"), None);
    assert_eq!(header(&response, "x-content-type-options"), None);
}

#[test]
fn hsts_is_sent_only_over_https() {
    let (_dir, server) = start(&format!(
        "{PROXY}\nSECURE_HSTS_SECONDS = 3600\nSECURE_HSTS_INCLUDE_SUBDOMAINS = true\n\
         SECURE_HSTS_PRELOAD = true"
    ));
    let https = client()
        .get(server.url("/lab/"))
        .header("x-forwarded-proto", "https")
        .send()
        .unwrap();
    assert_eq!(
        header(&https, "strict-transport-security").as_deref(),
        Some("max-age=3600; includeSubDomains; preload")
    );
    let http = client().get(server.url("/lab/")).send().unwrap();
    assert_eq!(header(&http, "strict-transport-security"), None);
    // Without SECURE_PROXY_SSL_HEADER the header proves nothing.
    let (_dir, untrusting) = start("SECURE_HSTS_SECONDS = 3600");
    let claimed = client()
        .get(untrusting.url("/lab/"))
        .header("x-forwarded-proto", "https")
        .send()
        .unwrap();
    assert_eq!(header(&claimed, "strict-transport-security"), None);
}

#[test]
fn plain_http_is_redirected_to_https() {
    let (_dir, server) = start(&format!("{PROXY}\nSECURE_SSL_REDIRECT = true"));
    let response = client().get(server.url("/lab/?name=x")).send().unwrap();
    assert_eq!(response.status(), 301);
    assert_eq!(
        header(&response, "location").unwrap(),
        format!("https://127.0.0.1:{}/lab/?name=x", server.port)
    );
    assert_eq!(
        header(&response, "x-content-type-options").as_deref(),
        Some("nosniff")
    );
    let https = client()
        .get(server.url("/lab/"))
        .header("x-forwarded-proto", "https")
        .send()
        .unwrap();
    assert_eq!(https.status(), 200);
    // A forged Host is refused before any redirect could point at it.
    let forged = client()
        .get(server.url("/lab/"))
        .header("host", "evil.example")
        .send()
        .unwrap();
    assert_eq!(forged.status(), 400);
}

#[test]
fn bodies_over_the_limit_are_413_also_for_the_csrf_check() {
    // The testsite sets DATA_UPLOAD_MAX_MEMORY_SIZE = 1000.
    let (_dir, server) = start("");
    let browser = client();
    let page = browser
        .get(server.url("/csrf/form/"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let token = page.split("token=").nth(1).unwrap().lines().next().unwrap();
    let post = |padding: usize| {
        browser
            .post(server.url("/csrf/form/"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "csrfmiddlewaretoken={token}&pad={}",
                "x".repeat(padding)
            ))
            .send()
            .unwrap()
    };
    assert_eq!(post(10).status(), 200);
    // Read by the CSRF middleware, which looks for the form field.
    let too_big = post(2000);
    assert_eq!(too_big.status(), 413);
    assert!(
        too_big
            .text()
            .unwrap()
            .contains("DATA_UPLOAD_MAX_MEMORY_SIZE")
    );
    // Read by the view (an exempt one, so CSRF does not read it first).
    let hook = browser
        .post(server.url("/csrf/hook/"))
        .body("y".repeat(2000))
        .send()
        .unwrap();
    assert_eq!(hook.status(), 413);
}
