//! Sessions end to end: the testsite over HTTP, cookies checked header by header, and
//! `clearsessions` as a subprocess. The database store runs on a SQLite file per test; the
//! Redis one when `PONY_TEST_REDIS_URL` is set.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use std::process::Command;

use pony_tests::{Server, client, free_port, run};
use reqwest::blocking::{Client, Response};

const TESTSITE: &str = env!("CARGO_BIN_EXE_testsite");

/// Django's deletion of the session cookie, byte for byte.
const DELETED: &str =
    "sessionid=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax";

/// A testsite server on its own migrated SQLite database.
struct Site {
    server: Server,
    env: Vec<(String, String)>,
    _dir: tempfile::TempDir,
}

impl Site {
    fn start(extra_env: &[(&str, &str)]) -> Site {
        Site::start_with_settings("", extra_env)
    }

    /// A server whose settings.toml has `settings` added (on a copy of the testsite).
    fn start_with_settings(settings: &str, extra_env: &[(&str, &str)]) -> Site {
        let dir = tempfile::tempdir().unwrap();
        let database_url = format!("sqlite://{}/db.sqlite3", dir.path().display());
        let mut env = vec![("DATABASE_URL".to_owned(), database_url)];
        if !settings.is_empty() {
            let base = dir.path().join("site");
            pony_tests::testsite_copy(&base, settings);
            env.push(("PONY_BASE_DIR".to_owned(), base.display().to_string()));
        }
        env.extend(
            extra_env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        let (code, out, err) = run(Command::new(TESTSITE)
            .arg("migrate")
            .envs(env.iter().map(|(k, v)| (k, v))));
        assert_eq!(code, 0, "{out}{err}");
        assert!(
            out.contains("Applying sessions.0001_initial... OK"),
            "{out}"
        );
        let port = free_port();
        let mut command = Command::new(TESTSITE);
        command
            .args(["runserver", "--noreload", &port.to_string()])
            .envs(env.iter().map(|(k, v)| (k, v)));
        Site {
            server: Server::start(command, port),
            env,
            _dir: dir,
        }
    }

    fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    /// `testsite ARGS` with this site's environment.
    fn manage(&self, args: &[&str]) -> (i32, String, String) {
        run(Command::new(TESTSITE)
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k, v))))
    }

    /// Runs SQL on the site's database.
    fn sql(&self, statement: &str) -> usize {
        use diesel::RunQueryDsl;
        let url = &self.env[0].1;
        let url = pony::db::DatabaseUrl::parse(url, std::path::Path::new("/")).unwrap();
        let mut conn = pony::db::connection::establish(&url).unwrap();
        diesel::sql_query(statement).execute(&mut conn).unwrap()
    }
}

/// A client without a cookie jar: every cookie is sent by hand.
fn bare_client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn get(client: &Client, site: &Site, path: &str, cookie: Option<&str>) -> Response {
    let mut request = client.get(site.url(path));
    if let Some(key) = cookie {
        request = request.header("cookie", format!("sessionid={key}"));
    }
    request.send().unwrap()
}

/// Every `Set-Cookie` of a response.
fn set_cookies(response: &Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

fn vary(response: &Response) -> Option<String> {
    response
        .headers()
        .get("vary")
        .map(|v| v.to_str().unwrap().to_owned())
}

/// The session key a response's only `Set-Cookie` carries (checked to be 32 of `[0-9a-f]`).
fn session_key(response: &Response) -> String {
    let cookies = set_cookies(response);
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    let value = cookies[0]
        .strip_prefix("sessionid=")
        .and_then(|rest| rest.split(';').next())
        .unwrap()
        .to_owned();
    assert_eq!(value.len(), 32, "{value}");
    assert!(
        value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{value}"
    );
    value
}

fn text(response: Response) -> String {
    response.text().unwrap()
}

#[test]
fn a_counter_persists_and_the_cookie_is_sent_only_when_modified() {
    let site = Site::start(&[]);
    let browser = client();
    for expected in ["1", "2", "3"] {
        let response = browser.get(site.url("/session/count/")).send().unwrap();
        assert_eq!(response.status(), 200);
        session_key(&response);
        assert_eq!(vary(&response).as_deref(), Some("Cookie"));
        assert_eq!(text(response), expected);
    }
    // Read only: no cookie sent, but the page depends on it.
    let response = browser.get(site.url("/session/peek/")).send().unwrap();
    assert!(set_cookies(&response).is_empty());
    assert_eq!(vary(&response).as_deref(), Some("Cookie"));
    assert_eq!(text(response), "3");
    // Untouched: neither.
    let response = browser.get(site.url("/session/nothing/")).send().unwrap();
    assert!(set_cookies(&response).is_empty());
    assert_eq!(vary(&response), None);
    // A visitor without a session who only reads gets no cookie, but Vary: Cookie.
    let response = get(&bare_client(), &site, "/session/peek/", None);
    assert!(set_cookies(&response).is_empty());
    assert_eq!(vary(&response).as_deref(), Some("Cookie"));
    assert_eq!(text(response), "none");
}

#[test]
fn cookie_attributes_are_djangos() {
    let site = Site::start(&[]);
    let response = get(&bare_client(), &site, "/session/count/", None);
    let cookie = set_cookies(&response).remove(0);
    let key = session_key(&response);
    let rest = cookie
        .strip_prefix(&format!("sessionid={key}; expires="))
        .unwrap();
    let (date, attributes) = rest.split_once("; ").unwrap();
    // "Thu, 10 Dec 2026 04:29:10 GMT" (the unit tests check it is two weeks ahead).
    let parts: Vec<&str> = date.split(' ').collect();
    assert_eq!(parts.len(), 6, "{date}");
    assert!(parts[0].len() == 4 && parts[0].ends_with(','), "{date}");
    assert!(parts[1].len() == 2 && parts[3].len() == 4, "{date}");
    assert!(
        "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"
            .split(' ')
            .any(|m| m == parts[2]),
        "{date}"
    );
    assert!(parts[4].len() == 8 && parts[5] == "GMT", "{date}");
    assert_eq!(
        attributes,
        "HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax"
    );

    let secure = Site::start(&[("SESSION_COOKIE_SECURE", "1")]);
    let response = get(&bare_client(), &secure, "/session/count/", None);
    let cookie = set_cookies(&response).remove(0);
    assert!(
        cookie.ends_with("; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax; Secure"),
        "{cookie}"
    );
}

#[test]
fn a_planted_or_unknown_key_is_never_adopted() {
    let site = Site::start(&[]);
    let bare = bare_client();
    let planted = "0123456789abcdef0123456789abcdef";

    // A key the server never issued: writing makes a key of the server's own.
    let response = get(&bare, &site, "/session/count/", Some(planted));
    let issued = session_key(&response);
    assert_ne!(issued, planted);
    assert_eq!(text(response), "1");
    assert_eq!(
        text(get(&bare, &site, "/session/peek/", Some(planted))),
        "none"
    );
    assert_eq!(
        text(get(&bare, &site, "/session/peek/", Some(&issued))),
        "1"
    );

    // Reading with an unknown key: an empty session, and the stale cookie is deleted.
    let response = get(&bare, &site, "/session/peek/", Some(planted));
    assert_eq!(set_cookies(&response), [DELETED]);
    assert_eq!(vary(&response).as_deref(), Some("Cookie"));

    // A key that is not 32 of [0-9a-f] is not a key at all.
    let capitals = issued.to_ascii_uppercase();
    let response = get(&bare, &site, "/session/count/", Some(&capitals));
    let fresh = session_key(&response);
    assert_ne!(fresh, issued);
    assert_eq!(text(response), "1");
    let response = get(&bare, &site, "/session/nothing/", Some("evil"));
    assert_eq!(set_cookies(&response), [DELETED]);

    // An expired session is unknown too.
    site.sql("UPDATE pony_session SET expire_date = '2000-01-01 00:00:00'");
    let response = get(&bare, &site, "/session/count/", Some(&issued));
    assert_ne!(session_key(&response), issued);
    assert_eq!(text(response), "1");
}

#[test]
fn a_failing_view_does_not_save_its_session_writes() {
    let site = Site::start(&[("DEBUG", "1")]);
    let browser = client();
    assert_eq!(
        text(browser.get(site.url("/session/count/")).send().unwrap()),
        "1"
    );
    let response = browser.get(site.url("/session/fail/")).send().unwrap();
    assert_eq!(response.status(), 500);
    assert!(set_cookies(&response).is_empty());
    // The DEBUG page shows the session as the view left it.
    let page = text(response);
    let session = page.split("id=\"session-info\"").nth(1).unwrap();
    let session = session.split("</table>").next().unwrap();
    assert!(
        session.contains("<td>count</td>\n          <td class=\"code\"><pre>1000</pre></td>"),
        "{session}"
    );
    assert_eq!(
        text(browser.get(site.url("/session/peek/")).send().unwrap()),
        "1"
    );
}

#[test]
fn flush_deletes_the_cookie_and_the_old_key_is_dead() {
    let site = Site::start(&[]);
    let bare = bare_client();
    let response = get(&bare, &site, "/session/count/", None);
    let key = session_key(&response);
    let response = get(&bare, &site, "/session/flush/", Some(&key));
    assert_eq!(set_cookies(&response), [DELETED]);
    assert_eq!(vary(&response).as_deref(), Some("Cookie"));
    assert_eq!(text(response), "flushed");
    // Replaying the old cookie finds nothing.
    let response = get(&bare, &site, "/session/peek/", Some(&key));
    assert_eq!(text(response), "none");
    assert_eq!(site.sql("DELETE FROM pony_session"), 0);
}

#[test]
fn cycling_the_key_keeps_the_data() {
    let site = Site::start(&[]);
    let bare = bare_client();
    let response = get(&bare, &site, "/session/count/", None);
    let old = session_key(&response);
    let response = get(&bare, &site, "/session/cycle/", Some(&old));
    let new = session_key(&response);
    assert_ne!(new, old);
    assert_eq!(text(get(&bare, &site, "/session/peek/", Some(&new))), "1");
    assert_eq!(
        text(get(&bare, &site, "/session/peek/", Some(&old))),
        "none"
    );
}

#[test]
fn clearsessions_deletes_expired_sessions_only() {
    let site = Site::start(&[]);
    let bare = bare_client();
    let expired = session_key(&get(&bare, &site, "/session/count/", None));
    let live = session_key(&get(&bare, &site, "/session/count/", None));
    site.sql(&format!(
        "UPDATE pony_session SET expire_date = '2000-01-01 00:00:00' WHERE session_key = '{expired}'"
    ));
    let (code, out, err) = site.manage(&["clearsessions"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    assert_eq!(
        site.sql(&format!(
            "DELETE FROM pony_session WHERE session_key = '{expired}'"
        )),
        0
    );
    assert_eq!(text(get(&bare, &site, "/session/peek/", Some(&live))), "1");
}

#[test]
fn sessions_work_on_redis() {
    let Ok(redis_url) = std::env::var("PONY_TEST_REDIS_URL") else {
        eprintln!("skipped sessions on Redis: set PONY_TEST_REDIS_URL to run");
        return;
    };
    let site = Site::start(&[
        ("SESSION_ENGINE", "redis"),
        ("SESSION_REDIS_URL", &redis_url),
    ]);
    let bare = bare_client();
    let response = get(&bare, &site, "/session/count/", None);
    let key = session_key(&response);
    assert_eq!(text(response), "1");
    assert_eq!(text(get(&bare, &site, "/session/count/", Some(&key))), "2");
    // A custom expiry is kept with the session there too.
    let response = get(&bare, &site, "/session/expire/inactivity/600/", Some(&key));
    assert_eq!(max_age(&response), Some(600));
    let response = get(&bare, &site, "/session/count/", Some(&key));
    assert_eq!(max_age(&response), Some(600));
    assert_eq!(text(response), "3");
    // Nothing went to the database.
    assert_eq!(site.sql("DELETE FROM pony_session"), 0);
    let response = get(&bare, &site, "/session/cycle/", Some(&key));
    let cycled = session_key(&response);
    assert_eq!(
        text(get(&bare, &site, "/session/peek/", Some(&key))),
        "none"
    );
    let response = get(&bare, &site, "/session/flush/", Some(&cycled));
    assert_eq!(set_cookies(&response), [DELETED]);
    assert_eq!(
        text(get(&bare, &site, "/session/peek/", Some(&cycled))),
        "none"
    );
    let (code, out, err) = site.manage(&["clearsessions"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
}

#[test]
fn a_store_that_is_down_is_a_clear_error_page() {
    // Nothing listens on port 1: every session access fails.
    let down = [
        ("SESSION_ENGINE", "redis"),
        ("SESSION_REDIS_URL", "redis://127.0.0.1:1/0"),
    ];
    let site = Site::start(&[down[0], down[1], ("DEBUG", "1")]);
    let bare = bare_client();
    // Saving fails after the view ran…
    let response = get(&bare, &site, "/session/count/", None);
    assert_eq!(response.status(), 500);
    let page = text(response);
    assert!(
        page.contains("The session could not be saved: Redis at 127.0.0.1:1"),
        "{page}"
    );
    // …and so does loading, inside the view.
    let key = "0123456789abcdef0123456789abcdef";
    let response = get(&bare, &site, "/session/peek/", Some(key));
    assert_eq!(response.status(), 500);
    let page = text(response);
    assert!(
        page.contains("Session error: Redis at 127.0.0.1:1"),
        "{page}"
    );
    // Pages that do not use the store are unaffected, and the server lives on.
    let response = get(&bare, &site, "/session/nothing/", Some(key));
    assert_eq!(
        (response.status().as_u16(), text(response).as_str()),
        (200, "nothing")
    );
    let response = get(&bare, &site, "/session/peek/", None);
    assert_eq!(text(response), "none");
}

#[test]
fn browser_session_cookies_and_saving_every_request() {
    let site = Site::start_with_settings(
        "SESSION_EXPIRE_AT_BROWSER_CLOSE = true\nSESSION_SAVE_EVERY_REQUEST = true\n",
        &[],
    );
    let bare = bare_client();
    let response = get(&bare, &site, "/session/count/", None);
    let key = session_key(&response);
    // No expires, no Max-Age: the browser forgets it when it closes.
    assert_eq!(
        set_cookies(&response),
        [format!("sessionid={key}; HttpOnly; Path=/; SameSite=Lax")]
    );
    // Saved (and the cookie resent) although nothing changed.
    let response = get(&bare, &site, "/session/peek/", Some(&key));
    assert_eq!(session_key(&response), key);
    assert_eq!(text(response), "1");
    // Without a session there is nothing to save.
    let response = get(&bare, &site, "/session/nothing/", None);
    assert!(set_cookies(&response).is_empty());
}

/// The `Max-Age` of a response's only session cookie, `None` for a browser-session cookie
/// (checked to carry `expires` exactly when it has `Max-Age`).
fn max_age(response: &Response) -> Option<i64> {
    session_key(response);
    let cookie = set_cookies(response).remove(0);
    let max_age = cookie
        .split("; ")
        .find_map(|attribute| attribute.strip_prefix("Max-Age="))
        .map(|seconds| seconds.parse().unwrap());
    assert_eq!(cookie.contains("; expires="), max_age.is_some(), "{cookie}");
    max_age
}

/// How many stored sessions expire between `from` and `to` seconds from now.
fn expiring_within(site: &Site, from: i64, to: i64) -> usize {
    site.sql(&format!(
        "UPDATE pony_session SET session_key = session_key \
         WHERE julianday(expire_date) > julianday('now', '{from} seconds') \
         AND julianday(expire_date) <= julianday('now', '{to} seconds')"
    ))
}

#[test]
fn set_expiry_holds_on_later_requests() {
    let site = Site::start(&[]);
    let bare = bare_client();
    let two_weeks = 1_209_600;

    // set_expiry(0): a browser-session cookie, now and on later saves; the server keeps the
    // session for SESSION_COOKIE_AGE.
    let response = get(&bare, &site, "/session/expire/browser/0/", None);
    let key = session_key(&response);
    assert_eq!(
        set_cookies(&response),
        [format!("sessionid={key}; HttpOnly; Path=/; SameSite=Lax")]
    );
    let response = get(&bare, &site, "/session/count/", Some(&key));
    assert_eq!(max_age(&response), None);
    assert_eq!(text(response), "1");
    assert_eq!(expiring_within(&site, two_weeks - 60, two_weeks), 1);

    // Seconds of inactivity replace it, and hold too.
    let response = get(&bare, &site, "/session/expire/inactivity/600/", Some(&key));
    assert_eq!(max_age(&response), Some(600));
    let response = get(&bare, &site, "/session/count/", Some(&key));
    assert_eq!(max_age(&response), Some(600));
    assert_eq!(text(response), "2");
    assert_eq!(expiring_within(&site, 540, 600), 1);

    // A moment: the cookie counts down to it, later saves do not push it back.
    let response = get(&bare, &site, "/session/expire/at/3600/", Some(&key));
    assert!((3598..=3600).contains(&max_age(&response).unwrap()));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let response = get(&bare, &site, "/session/count/", Some(&key));
    assert!((3597..=3599).contains(&max_age(&response).unwrap()));
    assert_eq!(expiring_within(&site, 3540, 3599), 1);

    // None: back to SESSION_COOKIE_AGE.
    let response = get(&bare, &site, "/session/expire/default/0/", Some(&key));
    assert_eq!(max_age(&response), Some(two_weeks));
    let response = get(&bare, &site, "/session/count/", Some(&key));
    assert_eq!(max_age(&response), Some(two_weeks));
    assert_eq!(text(response), "4");
    assert_eq!(expiring_within(&site, two_weeks - 60, two_weeks), 1);
}

#[test]
fn a_session_past_its_own_expiry_is_not_loaded() {
    let site = Site::start(&[]);
    let bare = bare_client();
    let inactive = session_key(&get(&bare, &site, "/session/count/", None));
    let response = get(
        &bare,
        &site,
        "/session/expire/inactivity/1/",
        Some(&inactive),
    );
    assert_eq!(max_age(&response), Some(1));
    let moment = session_key(&get(&bare, &site, "/session/count/", None));
    let response = get(&bare, &site, "/session/expire/at/1/", Some(&moment));
    assert!(max_age(&response).unwrap() <= 1);
    // The untouched session of the same age is still there.
    let lasting = session_key(&get(&bare, &site, "/session/count/", None));
    std::thread::sleep(std::time::Duration::from_millis(2100));
    for expired in [&inactive, &moment] {
        let response = get(&bare, &site, "/session/peek/", Some(expired));
        assert_eq!(set_cookies(&response), [DELETED]);
        assert_eq!(text(response), "none");
    }
    assert_eq!(
        text(get(&bare, &site, "/session/peek/", Some(&lasting))),
        "1"
    );
}

#[test]
fn a_custom_expiry_beats_expire_at_browser_close() {
    let site = Site::start_with_settings("SESSION_EXPIRE_AT_BROWSER_CLOSE = true\n", &[]);
    let bare = bare_client();
    let response = get(&bare, &site, "/session/count/", None);
    let key = session_key(&response);
    assert_eq!(max_age(&response), None);
    let response = get(&bare, &site, "/session/expire/inactivity/60/", Some(&key));
    assert_eq!(max_age(&response), Some(60));
    let response = get(&bare, &site, "/session/count/", Some(&key));
    assert_eq!(max_age(&response), Some(60));
    let response = get(&bare, &site, "/session/expire/default/0/", Some(&key));
    assert_eq!(max_age(&response), None);
}
