//! The login throttle end to end, on real servers: clients behind a trusted proxy, device
//! cookies that keep a victim's own browser usable, serialised attempts on a username under
//! attack, and counts shared by two servers through Redis.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use pony_tests::board::{Board, Browser, Page, example_copy, migrate};

const PASSWORD: &str = "correct-horse-battery";
const WRONG: &str = "guess-guess-guess";
const INVALID: &str = "Please enter a correct username and password. Note that both fields \
                       may be case-sensitive.";
const REFUSED_15: &str = "Too many failed login attempts. Please try again in 15 minutes.";
const PROXY: &str = "CLIENT_IP_HEADER = \"X-Forwarded-For\"\nCLIENT_IP_PROXY_COUNT = 1";

/// A browser whose requests reach the site through a proxy that saw `address`.
fn behind_proxy(board: &Board, address: &str) -> Browser {
    board.browser().with_header("x-forwarded-for", address)
}

fn assert_invalid(page: &Page) {
    assert_eq!(page.status, 200);
    assert!(page.body.contains(INVALID), "{}", page.body);
}

fn assert_refused(page: &Page, message: &str) {
    assert_eq!(page.status, 200, "the login was let through");
    assert!(page.body.contains(message), "{}", page.body);
    assert!(!page.body.contains(INVALID), "{}", page.body);
}

#[test]
fn behind_a_trusted_proxy_one_clients_failures_do_not_refuse_another() {
    let board = Board::start_with_settings(&format!("{PROXY}\nLOGIN_THROTTLE_LIMIT = 3"), &[]);
    board.browser().sign_up("alice", PASSWORD);
    board.browser().sign_up("bob", PASSWORD);
    let attacker = behind_proxy(&board, "203.0.113.5");
    for _ in 0..3 {
        assert_invalid(&attacker.log_in("alice", WRONG));
    }
    // Spraying: 4 × 3 failures in all from this client refuse it for every username.
    for n in 0..9 {
        assert_invalid(&attacker.log_in(&format!("nobody{n}"), WRONG));
    }
    assert_refused(&attacker.log_in("alice", PASSWORD), REFUSED_15);
    assert_refused(&attacker.log_in("bob", PASSWORD), REFUSED_15);
    // A client-written entry left of the proxy's changes nothing.
    let forged = behind_proxy(&board, "198.51.100.7, 203.0.113.5");
    assert_refused(&forged.log_in("bob", PASSWORD), REFUSED_15);

    // Another client behind the same proxy logs in as both.
    let other = behind_proxy(&board, "198.51.100.7");
    assert_eq!(other.log_in("alice", PASSWORD).status, 302);
    let other = behind_proxy(&board, "198.51.100.7");
    assert_eq!(other.log_in("bob", PASSWORD).status, 302);
}

#[test]
fn without_the_setting_forwarded_for_is_ignored() {
    let board = Board::start();
    board.browser().sign_up("carol", PASSWORD);
    // Five failures, each claiming another address: all count against the one real peer.
    for n in 0..5 {
        let forger = behind_proxy(&board, &format!("192.0.2.{n}"));
        assert_invalid(&forger.log_in("carol", WRONG));
    }
    let forger = behind_proxy(&board, "192.0.2.99");
    assert_refused(&forger.log_in("carol", PASSWORD), REFUSED_15);
}

#[test]
fn a_browser_that_logged_in_before_is_never_locked_out() {
    let settings = format!(
        "{PROXY}\nLOGIN_THROTTLE_LIMIT = 3\nLOGIN_THROTTLE_DELAY = 2\nLOGIN_THROTTLE_MAX_WAIT = 4"
    );
    let board = Board::start_with_settings(&settings, &[]);
    let home = "198.51.100.20";
    let victim = behind_proxy(&board, home);
    let page = victim.sign_up("dana", PASSWORD);
    assert_eq!(page.status, 302, "{}", page.body);
    let cookie = page.cookie("logindevice").unwrap();
    for attribute in [
        "; HttpOnly",
        "; SameSite=Lax",
        "; Max-Age=31449600",
        "; Path=/",
    ] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "{cookie}");
    assert_eq!(
        victim
            .submit_from("/articles/", "/accounts/logout/", &[])
            .status,
        302
    );

    // The attacker shares the victim's address (one NAT): it exhausts that address for dana
    // and for every username, then fills dana's queue from other addresses.
    let attacker = behind_proxy(&board, home);
    for n in 0..12 {
        let username = if n < 3 {
            "dana".to_owned()
        } else {
            format!("x{n}")
        };
        assert_invalid(&attacker.log_in(&username, WRONG));
    }
    let queued: Vec<_> = (0..6)
        .map(|n| {
            let attacker = behind_proxy(&board, &format!("10.0.0.{n}"));
            std::thread::spawn(move || attacker.log_in("dana", WRONG))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));

    // Without the device cookie, dana would be refused at home…
    let new_browser = behind_proxy(&board, home);
    assert_refused(&new_browser.log_in("dana", PASSWORD), REFUSED_15);
    // …but the browser she used before logs in at once.
    let started = Instant::now();
    let page = victim.log_in("dana", PASSWORD);
    let took = started.elapsed();
    assert_eq!(page.status, 302, "{}", page.body);
    assert!(
        took < Duration::from_secs(2),
        "the victim waited {took:?} (the penalty is 2 s)"
    );
    for attempt in queued {
        let page = attempt.join().unwrap();
        assert!(
            page.body.contains(INVALID) || page.body.contains("Too many failed login attempts."),
            "{}",
            page.body
        );
    }
}

#[test]
fn parallel_attempts_on_an_attacked_username_are_serialised() {
    let delay = Duration::from_millis(250);
    let settings = format!(
        "{PROXY}\nLOGIN_THROTTLE_LIMIT = 2\nLOGIN_THROTTLE_DELAY = 0.25\nLOGIN_THROTTLE_MAX_WAIT = 10"
    );
    let board = Board::start_with_settings(&settings, &[]);
    board.browser().sign_up("erin", PASSWORD);
    let first = behind_proxy(&board, "192.0.2.1");
    for _ in 0..2 {
        assert_invalid(&first.log_in("erin", WRONG));
    }
    const N: usize = 8;
    let barrier = Arc::new(Barrier::new(N + 1));
    let attempts: Vec<_> = (0..N)
        .map(|n| {
            let browser = behind_proxy(&board, &format!("198.51.100.{n}"));
            let token = browser
                .get("/accounts/login/")
                .input_value("csrfmiddlewaretoken")
                .unwrap();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let page = browser.post(
                    "/accounts/login/",
                    &[
                        ("username", "erin"),
                        ("password", WRONG),
                        ("csrfmiddlewaretoken", &token),
                    ],
                );
                (page, Instant::now())
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    let mut finished: Vec<Duration> = attempts
        .into_iter()
        .map(|attempt| {
            let (page, at) = attempt.join().unwrap();
            assert_invalid(&page);
            at - started
        })
        .collect();
    finished.sort();
    let total = finished[N - 1];
    let bound = delay * (N as u32 - 1);
    assert!(
        total >= bound,
        "{N} attempts finished within {total:?}, faster than one per {delay:?}: {finished:?}"
    );
}

#[test]
fn two_servers_sharing_redis_share_the_counts() {
    let Ok(redis) = std::env::var("PONY_TEST_REDIS_URL") else {
        eprintln!("skipped: set PONY_TEST_REDIS_URL to run");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("site");
    let unique = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let prefix = format!("pony:test:board:{}-{unique}:", std::process::id());
    example_copy(
        &base,
        &format!(
            "LOGIN_THROTTLE_LIMIT = 3\nLOGIN_THROTTLE_WINDOW = 60\n\
             LOGIN_THROTTLE_REDIS_PREFIX = \"{prefix}\""
        ),
    );
    let url = format!("sqlite://{}", dir.path().join("db.sqlite3").display());
    migrate(&url);
    let base = base.display().to_string();
    let env = [
        ("SESSION_ENGINE", "redis"),
        ("SESSION_REDIS_URL", redis.as_str()),
        ("PONY_BASE_DIR", base.as_str()),
    ];
    let one = Board::serve(&url, &env);
    let two = Board::serve(&url, &env);
    assert_eq!(one.browser().sign_up("frank", PASSWORD).status, 302);
    let attacker = one.browser();
    for _ in 0..3 {
        assert_invalid(&attacker.log_in("frank", WRONG));
    }
    assert_refused(
        &two.browser().log_in("frank", PASSWORD),
        "Too many failed login attempts. Please try again in 1 minute.",
    );
    // Other usernames are unaffected on either server.
    assert_eq!(two.browser().sign_up("grete", PASSWORD).status, 302);
    assert_eq!(one.browser().log_in("grete", PASSWORD).status, 302);
}
