//! CSRF protection and messages end to end: the testsite over HTTP, with browsers that keep
//! cookies (see the `csrf` module of `src/bin/testsite.rs`).
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use pony_tests::{Server, client, serve_testsite, testsite_copy};
use reqwest::blocking::{Client, RequestBuilder, Response};

const TESTSITE: &str = env!("CARGO_BIN_EXE_testsite");

/// A testsite copy with `extra` appended to its settings, served with sessions.
struct Site {
    server: Server,
    _dir: tempfile::TempDir,
}

impl Site {
    fn start(debug: bool, extra: &str) -> Site {
        let dir = tempfile::tempdir().unwrap();
        testsite_copy(dir.path(), extra);
        let server = serve_testsite(TESTSITE, dir.path(), debug);
        Site { server, _dir: dir }
    }

    fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    /// `http://127.0.0.1:PORT` (or `https://…`): this site's own origin.
    fn origin(&self, scheme: &str) -> String {
        format!("{scheme}://127.0.0.1:{}", self.server.port)
    }
}

/// One browser: a cookie jar and the last token it was given.
struct Browser<'a> {
    site: &'a Site,
    client: Client,
}

impl<'a> Browser<'a> {
    fn new(site: &'a Site) -> Self {
        Browser {
            site,
            client: client(),
        }
    }

    /// GETs the form page: `(token, csrftoken cookie set by the response, the page)`.
    fn form(&self) -> (String, Option<String>, String) {
        let response = self
            .client
            .get(self.site.url("/csrf/form/"))
            .send()
            .unwrap();
        assert_eq!(response.status(), 200);
        let cookie = csrf_cookie(&response);
        let page = response.text().unwrap();
        let token = between(&page, "token=", "\n").to_owned();
        (token, cookie.map(|c| c.value), page)
    }

    fn post(&self, path: &str) -> RequestBuilder {
        self.client.post(self.site.url(path))
    }
}

struct SetCookie {
    value: String,
    attributes: String,
}

fn csrf_cookie(response: &Response) -> Option<SetCookie> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("csrftoken="))
        .map(|rest| {
            let (value, attributes) = rest.split_once(';').unwrap_or((rest, ""));
            SetCookie {
                value: value.to_owned(),
                attributes: attributes.to_owned(),
            }
        })
}

fn between<'t>(text: &'t str, start: &str, end: &str) -> &'t str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} in {text}"))
        + start.len();
    let to = text[from..].find(end).map_or(text.len(), |i| from + i);
    &text[from..to]
}

/// `(status, body)`.
fn send(request: RequestBuilder) -> (u16, String) {
    let response = request.send().unwrap();
    (response.status().as_u16(), response.text().unwrap())
}

fn form_body(token: &str) -> String {
    format!("title=hello&csrfmiddlewaretoken={token}")
}

fn post_form(browser: &Browser<'_>, token: &str) -> (u16, String) {
    send(
        browser
            .post("/csrf/form/")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(token)),
    )
}

fn assert_refused(result: (u16, String), reason: &str) {
    let (status, body) = result;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("Forbidden <span>(403)</span>"), "{body}");
    assert!(
        body.contains("CSRF verification failed. Request aborted."),
        "{body}"
    );
    assert!(body.contains(reason), "expected {reason:?} in:\n{body}");
}

#[test]
fn the_cookie_and_tokens_look_like_djangos() {
    let site = Site::start(true, "");
    let browser = Browser::new(&site);
    let response = browser.client.get(site.url("/csrf/form/")).send().unwrap();
    let cookie = csrf_cookie(&response).expect("the form page sets the csrftoken cookie");
    assert_eq!(
        response.headers().get("vary").unwrap().to_str().unwrap(),
        "Cookie"
    );
    let page = response.text().unwrap();
    assert_eq!(cookie.value.len(), 32);
    assert!(cookie.value.bytes().all(|b| b.is_ascii_alphanumeric()));
    for attribute in ["Max-Age=31449600", "Path=/", "SameSite=Lax", "expires="] {
        assert!(
            cookie.attributes.contains(attribute),
            "{}",
            cookie.attributes
        );
    }
    assert!(!cookie.attributes.contains("HttpOnly"));
    assert!(!cookie.attributes.contains("Secure"));

    let token = between(&page, "token=", "\n");
    assert_eq!(token.len(), 64);
    assert!(page.contains(&format!(
        r#"<input type="hidden" name="csrfmiddlewaretoken" value="{token}">"#
    )));
    // One token per render: `{{ csrf_token }}` is the same as `{{ csrf_token() }}` …
    assert_eq!(between(&page, "again=", "\n"), token);
    // … and the next render masks the same secret differently (BREACH).
    let (second, renewed, _) = browser.form();
    assert_ne!(second, token);
    assert_eq!(
        renewed.as_deref(),
        Some(cookie.value.as_str()),
        "same secret"
    );
    // Pages that do not use the token do not set the cookie.
    let plain = browser.client.get(site.url("/lab/")).send().unwrap();
    assert!(csrf_cookie(&plain).is_none());
}

#[test]
fn posts_need_the_cookie_and_a_matching_token() {
    let site = Site::start(true, "");
    let browser = Browser::new(&site);

    // No cookie at all.
    assert_refused(post_form(&browser, "x"), "CSRF cookie not set.");

    let (token, secret, _) = browser.form();
    let secret = secret.unwrap();
    // The masked token, and the bare 32-character secret, are both accepted; the body is
    // still there for the view.
    assert_eq!(
        post_form(&browser, &token),
        (200, "posted title=hello bytes=96".to_owned())
    );
    assert_eq!(post_form(&browser, &secret).0, 200);

    assert_refused(
        send(browser.post("/csrf/form/").form(&[("title", "x")])),
        "CSRF token missing.",
    );
    assert_refused(
        post_form(&browser, &"a".repeat(64)),
        "CSRF token from POST incorrect.",
    );
    assert_refused(
        post_form(&browser, "short"),
        "CSRF token from POST has incorrect length.",
    );
    assert_refused(
        post_form(&browser, &format!("{}%21", "a".repeat(63))),
        "CSRF token from POST has invalid characters.",
    );

    // Another browser's token does not match this browser's cookie.
    let other = Browser::new(&site);
    let (others_token, _, _) = other.form();
    assert_refused(
        post_form(&browser, &others_token),
        "CSRF token from POST incorrect.",
    );
    // A malformed cookie is refused (and replaced).
    let response = browser
        .post("/csrf/form/")
        .header("cookie", "csrftoken=tooshort")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&token))
        .send()
        .unwrap();
    assert_eq!(csrf_cookie(&response).unwrap().value.len(), 32);
    assert_refused(
        (response.status().as_u16(), response.text().unwrap()),
        "CSRF cookie has incorrect length.",
    );
}

#[test]
fn the_header_token_serves_javascript_and_other_methods() {
    let site = Site::start(true, "");
    let browser = Browser::new(&site);
    let (token, _, _) = browser.form();
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let request = || {
            browser
                .client
                .request(method.clone(), site.url("/csrf/api/"))
        };
        assert_eq!(
            send(request().header("X-CSRFToken", &token)),
            (200, format!("api {method} ok"))
        );
        assert_refused(send(request()), "CSRF token missing.");
        assert_refused(
            send(request().header("X-CSRFToken", "b".repeat(64))),
            "CSRF token from the &#x27;X-Csrftoken&#x27; HTTP header incorrect.", // escaped, as Django's page does
        );
    }
    // Safe methods are never checked.
    assert_eq!(send(browser.client.get(site.url("/csrf/api/"))).0, 200);
    // A JSON body has no form field; the header carries the token.
    let json = browser
        .post("/csrf/api/")
        .header("content-type", "application/json")
        .body("{\"csrfmiddlewaretoken\": \"ignored\"}");
    assert_refused(send(json), "CSRF token missing.");
}

#[test]
fn multipart_forms_carry_the_token() {
    let site = Site::start(true, "");
    let browser = Browser::new(&site);
    let (token, _, _) = browser.form();
    let body = format!(
        "--BoUnDaRy\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n\
         {token}\r\n--BoUnDaRy\r\nContent-Disposition: form-data; name=\"file\"; \
         filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--BoUnDaRy--\r\n"
    );
    let post = |body: String| {
        browser
            .post("/csrf/form/")
            .header("content-type", "multipart/form-data; boundary=BoUnDaRy")
            .body(body)
    };
    let (status, text) = send(post(body.clone()));
    assert_eq!(status, 200, "{text}");
    assert_refused(
        send(post(body.replace(&token, &"c".repeat(64)))),
        "CSRF token from POST incorrect.",
    );
}

#[test]
fn origin_must_be_this_site_or_trusted() {
    let site = Site::start(true, "CSRF_TRUSTED_ORIGINS = [\"https://*.example.org\"]");
    let browser = Browser::new(&site);
    let (token, _, _) = browser.form();
    let post = |origin: &str| {
        send(
            browser
                .post("/csrf/form/")
                .header("origin", origin)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form_body(&token)),
        )
    };
    assert_eq!(post(&site.origin("http")).0, 200);
    assert_eq!(post("https://shop.example.org").0, 200);
    assert_refused(
        post("https://evil.example"),
        "Origin checking failed - https://evil.example does not match any trusted origins.",
    );
    // The right host over the wrong scheme is another origin.
    assert_refused(
        post(&site.origin("https")),
        "Origin checking failed - https://127.0.0.1",
    );
    assert_refused(
        post("null"),
        "Origin checking failed - null does not match any trusted origins.",
    );
}

#[test]
fn https_requests_need_a_same_origin_referer() {
    let site = Site::start(
        true,
        "SECURE_PROXY_SSL_HEADER = [\"HTTP_X_FORWARDED_PROTO\", \"https\"]\n\
         CSRF_TRUSTED_ORIGINS = [\"https://pay.example.net\"]",
    );
    let browser = Browser::new(&site);
    let (token, _, _) = browser.form();
    let post = || {
        browser
            .post("/csrf/form/")
            .header("x-forwarded-proto", "https")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(&token))
    };
    let https = site.origin("https");
    assert_refused(send(post()), "Referer checking failed - no Referer.");
    assert_refused(
        send(post().header("referer", format!("{}/csrf/form/", site.origin("http")))),
        "Referer checking failed - Referer is insecure while host is secure.",
    );
    assert_refused(
        send(post().header("referer", "https://evil.example/page")),
        "Referer checking failed - https://evil.example/page does not match any trusted origins.",
    );
    assert_refused(
        send(post().header("referer", "garbage")),
        "Referer checking failed - Referer is malformed.",
    );
    assert_eq!(
        send(post().header("referer", format!("{https}/csrf/form/"))).0,
        200
    );
    assert_eq!(
        send(post().header("referer", "https://pay.example.net/checkout")).0,
        200
    );
    // With an Origin, the Origin decides.
    assert_eq!(send(post().header("origin", &https)).0, 200);
    // Over plain HTTP the Referer is not required.
    let plain = browser
        .post("/csrf/form/")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&token));
    assert_eq!(send(plain).0, 200);
}

#[test]
fn exempt_views_and_unrouted_paths_are_not_checked() {
    let site = Site::start(true, "");
    let stranger = Browser::new(&site);
    assert_eq!(
        send(stranger.post("/csrf/hook/").body("payload")),
        (200, "hook 7 bytes".to_owned())
    );
    // Django checks views, not 404s.
    assert_eq!(send(stranger.post("/no/such/page/")).0, 404);
}

#[test]
fn rotation_replaces_the_secret() {
    let site = Site::start(true, "");
    let browser = Browser::new(&site);
    let (token, secret, _) = browser.form();
    let response = browser
        .post("/csrf/rotate/")
        .header("x-csrftoken", &token)
        .send()
        .unwrap();
    assert_eq!(response.status(), 200);
    let rotated = csrf_cookie(&response)
        .expect("rotation sets a new cookie")
        .value;
    assert_ne!(Some(rotated), secret);
    assert_refused(
        post_form(&browser, &token),
        "CSRF token from POST incorrect.",
    );
    let (fresh, _, _) = browser.form();
    assert_eq!(post_form(&browser, &fresh).0, 200);
}

#[test]
fn the_reason_is_shown_only_in_debug() {
    let site = Site::start(false, "");
    let browser = Browser::new(&site);
    let (status, body) = post_form(&browser, "x");
    assert_eq!(status, 403);
    assert!(body.contains("Forbidden <span>(403)</span>"), "{body}");
    assert!(body.contains("CSRF verification failed. Request aborted."));
    assert!(body.contains("More information is available with DEBUG=True."));
    assert!(!body.contains("Reason given for failure"), "{body}");
    // The explanation Django gives when the cookie is missing is not a secret.
    assert!(body.contains("this site requires a CSRF cookie"), "{body}");
    let (token, _, _) = browser.form();
    let (status, body) = post_form(&browser, &"d".repeat(64));
    assert_eq!(status, 403);
    assert!(!body.contains("incorrect"), "{body}");
    assert_eq!(post_form(&browser, &token).0, 200);
}

#[test]
fn messages_survive_a_redirect_and_show_once() {
    let site = Site::start(true, "");
    let browser = Browser::new(&site);
    let (token, _, _) = browser.form();
    let response = browser
        .post("/csrf/messages/add/")
        .header("x-csrftoken", &token)
        .send()
        .unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "/csrf/messages/");
    assert!(
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("sessionid=")),
        "messages are kept in the session"
    );
    // A page that does not show them leaves them pending.
    let (_, plain) = send(browser.client.get(site.url("/csrf/messages/?plain")));
    assert_eq!(plain, "no messages shown here");
    let (status, page) = send(browser.client.get(site.url("/csrf/messages/")));
    assert_eq!(status, 200);
    assert_eq!(
        page,
        "2 pending\n[Saved &lt;it&gt;.|success]\n[Careful.|loud warning]\nend"
    );
    let (_, again) = send(browser.client.get(site.url("/csrf/messages/")));
    assert_eq!(again, "end", "shown once");
    // Another browser never saw them.
    let (_, other) = send(client().get(site.url("/csrf/messages/")));
    assert_eq!(other, "end");
}
