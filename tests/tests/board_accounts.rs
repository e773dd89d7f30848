//! The board's accounts end to end, as a browser with a cookie jar sees them: sign up, log in
//! and out, sessions, `next`, CSRF and throttling, with Django's messages.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use pony_tests::board::{Board, Browser};
use pony_tests::databases::TestDatabase;

const PASSWORD: &str = "correct-horse-battery";

/// A board on a SQLite file the test can also read with `sqlite3`.
fn board() -> (Board, TestDatabase, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::Sqlite(dir.path().join("db.sqlite3"));
    let board = Board::start_on(&database.url(), &[]);
    (board, database, dir)
}

fn logged_in_as(browser: &Browser) -> Option<String> {
    let page = browser.get("/articles/");
    assert_eq!(page.status, 200);
    let start = page.body.find("class=\"nav-user\"")?;
    let text = &page.body[start..];
    let text = &text[text.find('>')? + 1..];
    Some(text[..text.find('<')?].trim().to_owned())
}

#[test]
fn signup_shows_djangos_errors_and_never_echoes_passwords() {
    let (board, _db, _dir) = board();
    let browser = board.browser();
    let cases: &[(&str, &str, &str, &[&str])] = &[
        (
            "ann",
            "first-secret-1",
            "other-secret-2",
            &["The two password fields didn\u{2019}t match."],
        ),
        (
            "ann",
            "x7!kq",
            "x7!kq",
            &["This password is too short. It must contain at least 8 characters."],
        ),
        (
            "ann",
            "password",
            "password",
            &["This password is too common."],
        ),
        (
            "ann",
            "4815162342",
            "4815162342",
            &["This password is entirely numeric."],
        ),
        (
            "margaretha",
            "margaretha1",
            "margaretha1",
            &["The password is too similar to the username."],
        ),
        (
            "bad name!",
            PASSWORD,
            PASSWORD,
            &[
                "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.",
            ],
        ),
        (
            "bad name!",
            "first-secret-1",
            "other-secret-2",
            &[
                "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.",
                "The two password fields didn\u{2019}t match.",
            ],
        ),
        ("", "", "", &["This field is required."]),
        // Every problem at once, as Django reports them.
        (
            "bad name!",
            "x7!kq",
            "x7!kq",
            &[
                "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.",
                "This password is too short. It must contain at least 8 characters.",
            ],
        ),
    ];
    for (username, password1, password2, expected) in cases {
        let page = browser.submit(
            "/accounts/signup/",
            &[
                ("username", username),
                ("password1", password1),
                ("password2", password2),
            ],
        );
        assert_eq!(page.status, 200, "{username}: {}", page.body);
        for message in *expected {
            let escaped = message.replace('\'', "&#x27;");
            assert!(
                page.body.contains(&escaped),
                "{username}/{password1}: missing {message:?} in\n{}",
                page.body
            );
        }
        assert!(page.body.contains("class=\"errorlist\""));
        if !password1.is_empty() {
            assert!(
                !page.body.contains(&format!("value=\"{password1}\"")),
                "password echoed"
            );
        }
    }
    let long = "a".repeat(151);
    let page = browser.submit(
        "/accounts/signup/",
        &[
            ("username", &long),
            ("password1", PASSWORD),
            ("password2", PASSWORD),
        ],
    );
    assert!(
        page.body
            .contains("Ensure this value has at most 150 characters (it has 151)."),
        "{}",
        page.body
    );
    // The bound username is shown again, escaped.
    let page = browser.submit(
        "/accounts/signup/",
        &[("username", "<b>x"), ("password1", "a"), ("password2", "b")],
    );
    assert!(page.body.contains("value=\"&lt;b&gt;x\""), "{}", page.body);
}

#[test]
fn signup_logs_in_and_duplicates_are_refused_case_insensitively() {
    let (board, db, _dir) = board();
    let browser = board.browser();
    let page = browser.sign_up("Alice", PASSWORD);
    assert_eq!(page.status, 302, "{}", page.body);
    assert_eq!(page.location.as_deref(), Some("/articles/"));
    assert_eq!(logged_in_as(&browser).as_deref(), Some("Alice"));
    let hash = db
        .query("SELECT password FROM auth_user WHERE username = 'Alice'")
        .unwrap();
    assert!(hash.starts_with("argon2$argon2id$"), "{hash}");

    let other = board.browser();
    let page = other.sign_up("alice", PASSWORD);
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("A user with that username already exists.")
    );
    assert_eq!(logged_in_as(&other), None);
}

#[test]
fn login_logout_and_sessions_behave_like_djangos() {
    let (board, _db, _dir) = board();
    board.browser().sign_up("bob", PASSWORD);
    board.browser().sign_up("carol", PASSWORD);

    // Wrong password and unknown user: one message.
    let browser = board.browser();
    for (username, password) in [("bob", "wrong-password"), ("nobody", PASSWORD)] {
        let page = browser.log_in(username, password);
        assert_eq!(page.status, 200);
        assert!(page.body.contains(
            "Please enter a correct username and password. Note that both fields may be case-sensitive."
        ));
        assert!(page.body.contains("errorlist nonfield"));
    }

    // A planted session id is never adopted; login sets a fresh one.
    let planted = "0123456789abcdef0123456789abcdef";
    browser.set_cookie("sessionid", planted);
    let csrf_before = browser.cookie("csrftoken").unwrap();
    let page = browser.log_in("bob", PASSWORD);
    let csrf_after = browser.cookie("csrftoken").unwrap();
    assert_ne!(csrf_before, csrf_after, "login rotates the CSRF token");
    assert_eq!(page.status, 302, "{}", page.body);
    assert_eq!(page.location.as_deref(), Some("/articles/"));
    let cookie = page.cookie("sessionid").expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        cookie.contains("Max-Age=1209600") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let bobs_key = browser.cookie("sessionid").unwrap();
    assert_ne!(bobs_key, planted);
    assert_eq!(bobs_key.len(), 32);
    assert!(
        bobs_key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    );
    assert_eq!(logged_in_as(&browser).as_deref(), Some("bob"));

    // Logging in as someone else rotates the key and empties the old session.
    browser.log_in("carol", PASSWORD);
    let carols_key = browser.cookie("sessionid").unwrap();
    assert_ne!(carols_key, bobs_key);
    assert_eq!(logged_in_as(&browser).as_deref(), Some("carol"));
    let replay = board.browser();
    replay.set_cookie("sessionid", &bobs_key);
    assert_eq!(logged_in_as(&replay), None);

    // Logout is POST only, deletes the cookie, and the old cookie is worthless afterwards.
    assert_eq!(browser.get("/accounts/logout/").status, 405);
    let page = browser.submit_from("/articles/", "/accounts/logout/", &[]);
    assert_eq!(page.status, 302);
    let deleted = page.cookie("sessionid").unwrap();
    assert!(
        deleted.starts_with("sessionid=\"\"") || deleted.starts_with("sessionid=;"),
        "{deleted}"
    );
    assert!(deleted.contains("Max-Age=0"), "{deleted}");
    assert_eq!(logged_in_as(&browser), None);
    let replay = board.browser();
    replay.set_cookie("sessionid", &carols_key);
    assert_eq!(logged_in_as(&replay), None);
}

#[test]
fn next_is_followed_only_when_safe() {
    let (board, _db, _dir) = board();
    board.browser().sign_up("dave", PASSWORD);
    let browser = board.browser();
    let page = browser.get("/articles/create/");
    assert_eq!(page.status, 302);
    assert_eq!(
        page.location.as_deref(),
        Some("/accounts/login/?next=/articles/create/")
    );
    let form = browser.get("/accounts/login/?next=/articles/create/");
    assert_eq!(
        form.input_value("next").as_deref(),
        Some("/articles/create/")
    );

    for (next, expected) in [
        ("/articles/create/", "/articles/create/"),
        ("https://evil.example/", "/articles/"),
        ("//evil.example/", "/articles/"),
        ("/\\evil.example/", "/articles/"),
        ("javascript:alert(1)", "/articles/"),
    ] {
        let browser = board.browser();
        let page = browser.submit(
            "/accounts/login/",
            &[("username", "dave"), ("password", PASSWORD), ("next", next)],
        );
        assert_eq!(page.status, 302, "{next}: {}", page.body);
        assert_eq!(page.location.as_deref(), Some(expected), "next={next}");
    }
}

/// A safe `next` that is not a path (`foo`, `?tab=2`, `#top`) is a relative link, never a
/// route name, and a non-ASCII one is IRI-encoded: each logs in and redirects, no 500.
#[test]
fn harmless_next_values_log_in_and_redirect_as_given() {
    let (board, _db, _dir) = board();
    board.browser().sign_up("erin", PASSWORD);
    for (next, expected) in [
        ("foo", "foo"),
        ("?tab=2", "?tab=2"),
        ("#top", "#top"),
        ("/\u{e9}", "/%C3%A9"),
        (
            "/articles/?q=caf\u{e9} au lait",
            "/articles/?q=caf%C3%A9%20au%20lait",
        ),
    ] {
        let browser = board.browser();
        let page = browser.submit(
            "/accounts/login/",
            &[("username", "erin"), ("password", PASSWORD), ("next", next)],
        );
        assert_eq!(page.status, 302, "next={next}: {}", page.body);
        assert_eq!(page.location.as_deref(), Some(expected), "next={next}");
        assert_eq!(
            logged_in_as(&browser).as_deref(),
            Some("erin"),
            "next={next}"
        );
        // From the query string too, as `?next=` arrives from `login_required`.
        let browser = board.browser();
        let query: String = url_encode(next);
        let page = browser.submit(
            &format!("/accounts/login/?next={query}"),
            &[("username", "erin"), ("password", PASSWORD)],
        );
        assert_eq!(page.status, 302, "?next={next}: {}", page.body);
        assert_eq!(page.location.as_deref(), Some(expected), "?next={next}");
        assert_eq!(
            logged_in_as(&browser).as_deref(),
            Some("erin"),
            "?next={next}"
        );
    }
}

fn url_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn a_password_change_logs_out_the_other_sessions() {
    let (board, _db, _dir) = board();
    let here = board.browser();
    here.sign_up("erin", PASSWORD);
    let there = board.browser();
    there.log_in("erin", PASSWORD);
    assert_eq!(logged_in_as(&there).as_deref(), Some("erin"));

    let page = here.submit(
        "/accounts/password_change/",
        &[
            ("old_password", "not-my-password"),
            ("new_password1", "brand-new-passphrase"),
            ("new_password2", "brand-new-passphrase"),
        ],
    );
    assert!(
        page.body
            .contains("Your old password was entered incorrectly. Please enter it again.")
    );
    let page = here.submit(
        "/accounts/password_change/",
        &[
            ("old_password", PASSWORD),
            ("new_password1", "brand-new-passphrase"),
            ("new_password2", "brand-new-passphrase"),
        ],
    );
    assert_eq!(page.status, 302, "{}", page.body);
    assert_eq!(logged_in_as(&here).as_deref(), Some("erin"));
    assert_eq!(logged_in_as(&there), None);
    assert_eq!(board.browser().log_in("erin", PASSWORD).status, 200);
    assert_eq!(
        board
            .browser()
            .log_in("erin", "brand-new-passphrase")
            .status,
        302
    );
}

#[test]
fn csrf_protects_the_forms() {
    let (board, _db, _dir) = board();
    board.browser().sign_up("frank", PASSWORD);
    let fields = [("username", "frank"), ("password", PASSWORD)];

    // No token at all (and no cookie).
    let page = board.browser().post("/accounts/login/", &fields);
    assert_eq!(page.status, 403);
    assert!(
        page.body
            .contains("CSRF verification failed. Request aborted."),
        "{}",
        page.body
    );

    // A forged token with a real cookie.
    let browser = board.browser();
    browser.get("/accounts/login/");
    let mut forged = fields.to_vec();
    let token = "x".repeat(64);
    forged.push(("csrfmiddlewaretoken", &token));
    assert_eq!(browser.post("/accounts/login/", &forged).status, 403);

    // Another browser's token does not fit this browser's cookie.
    let other = board.browser();
    let others_token = other
        .get("/accounts/login/")
        .input_value("csrfmiddlewaretoken")
        .unwrap();
    let mut borrowed = fields.to_vec();
    borrowed.push(("csrfmiddlewaretoken", &others_token));
    assert_eq!(browser.post("/accounts/login/", &borrowed).status, 403);

    // Every render masks the token differently; each still works.
    let first = browser
        .get("/accounts/login/")
        .input_value("csrfmiddlewaretoken")
        .unwrap();
    let second = browser
        .get("/accounts/login/")
        .input_value("csrfmiddlewaretoken")
        .unwrap();
    assert_ne!(first, second);
    assert_eq!(first.len(), 64);
    let mut good = fields.to_vec();
    good.push(("csrfmiddlewaretoken", &first));
    assert_eq!(browser.post("/accounts/login/", &good).status, 302);
}

#[test]
fn cross_origin_posts_are_refused() {
    let (board, _db, _dir) = board();
    let browser = board.browser();
    let form = browser.get("/accounts/signup/");
    let token = form.input_value("csrfmiddlewaretoken").unwrap();
    let client = reqwest::blocking::Client::builder()
        .cookie_provider(browser.jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .post(board.url("/accounts/signup/"))
        .header("Origin", "https://evil.example")
        .form(&[
            ("username", "mallory"),
            ("password1", PASSWORD),
            ("password2", PASSWORD),
            ("csrfmiddlewaretoken", token.as_str()),
        ])
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
}

#[test]
fn repeated_failures_are_throttled_without_locking_others_out() {
    let (board, _db, _dir) = board();
    board.browser().sign_up("grace", PASSWORD);
    board.browser().sign_up("heidi", PASSWORD);
    let attacker = board.browser();
    for _ in 0..5 {
        let page = attacker.log_in("grace", "guess-guess-guess");
        assert!(
            page.body
                .contains("Please enter a correct username and password.")
        );
    }
    let page = attacker.log_in("grace", PASSWORD);
    assert_eq!(
        page.status, 200,
        "the right password is refused while throttled"
    );
    assert!(
        page.body
            .contains("Too many failed login attempts. Please try again in 15 minutes."),
        "{}",
        page.body
    );
    // The same client may still log in as someone else.
    assert_eq!(attacker.log_in("heidi", PASSWORD).status, 302);
}

#[test]
fn a_django_pbkdf2_user_logs_in_and_is_upgraded_to_argon2() {
    let (board, db, _dir) = board();
    // Django 4.2's PBKDF2 hash of "django-era-passphrase", as found in a Django user table.
    let django_hash =
        "pbkdf2_sha256$600000$GcUfBDoLW3ZQc0mbzZkRnx$lmQMr2T1ZgRoq+9LJLqfUEUPXfeo85tQEA9aLQTgzcE=";
    db.query(&format!(
        "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, \
         is_staff, is_active, date_joined) VALUES ('{django_hash}', 0, 'ivan', '', '', '', 0, 1, \
         '2020-01-01 00:00:00')"
    ))
    .unwrap();
    let browser = board.browser();
    assert_eq!(browser.log_in("ivan", "wrong-passphrase").status, 200);
    let unchanged = db
        .query("SELECT password FROM auth_user WHERE username = 'ivan'")
        .unwrap();
    assert_eq!(
        unchanged.trim(),
        django_hash,
        "a failed login changes nothing"
    );

    let page = browser.log_in("ivan", "django-era-passphrase");
    assert_eq!(page.status, 302, "{}", page.body);
    let upgraded = db
        .query("SELECT password FROM auth_user WHERE username = 'ivan'")
        .unwrap();
    assert!(upgraded.starts_with("argon2$argon2id$v=19$"), "{upgraded}");
    let last_login = db
        .query("SELECT last_login FROM auth_user WHERE username = 'ivan'")
        .unwrap();
    assert!(!last_login.trim().is_empty());
    assert_eq!(
        board
            .browser()
            .log_in("ivan", "django-era-passphrase")
            .status,
        302
    );
}

#[test]
fn a_page_that_shows_no_messages_leaves_the_session_alone() {
    let (board, database, _dir) = board();
    let browser = board.browser();
    assert_eq!(browser.sign_up("maya", PASSWORD).status, 302);
    let session_row = || {
        database
            .query("SELECT session_data || expire_date FROM pony_session")
            .unwrap()
    };
    // The welcome message is shown once, and showing it changes the session.
    let page = browser.get("/articles/");
    assert!(page.body.contains("Welcome, maya!"), "{}", page.body);
    assert!(
        page.cookie("sessionid").is_some(),
        "the shown message is removed"
    );
    let after_message = session_row();
    // Later pages show no message: the session is neither saved nor sent again.
    for _ in 0..2 {
        let page = browser.get("/articles/");
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("Welcome, maya!"));
        assert_eq!(page.cookie("sessionid"), None, "{:?}", page.set_cookies);
    }
    assert_eq!(
        session_row(),
        after_message,
        "the session row was not written"
    );
    assert_eq!(logged_in_as(&browser).as_deref(), Some("maya"));
}

#[test]
fn forms_bind_on_post_only_so_a_get_shows_them_without_errors() {
    let (board, _db, _dir) = board();
    let browser = board.browser();
    for path in ["/accounts/signup/", "/accounts/login/"] {
        let page = browser.get(path);
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.contains("<form"), "{path}: {}", page.body);
        assert!(!page.body.contains("errorlist"), "{path}: {}", page.body);
    }
    assert_eq!(browser.sign_up("nora", PASSWORD).status, 302);
    for path in ["/articles/create/", "/accounts/password_change/"] {
        let page = browser.get(path);
        assert_eq!(page.status, 200, "{path}");
        assert!(!page.body.contains("errorlist"), "{path}: {}", page.body);
    }
    // A POST is bound: the empty form reports Django's errors.
    let page = browser.submit("/articles/create/", &[]);
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("This field is required."),
        "{}",
        page.body
    );
}
