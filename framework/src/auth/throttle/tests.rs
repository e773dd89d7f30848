//! The throttle's rules, checked on the memory store and (with `PONY_TEST_REDIS_URL`) on Redis.

use super::*;

const MS: Duration = Duration::from_millis(1);

fn config(limit: usize) -> ThrottleConfig {
    ThrottleConfig {
        limit,
        window: Duration::from_secs(60),
        delay: 100 * MS,
        max_wait: 350 * MS,
        ..ThrottleConfig::default()
    }
}

/// The throttle on every store available: memory, and Redis under a prefix of its own.
fn stores(config: ThrottleConfig) -> Vec<LoginThrottle> {
    let mut stores = vec![LoginThrottle::new(config.clone())];
    match std::env::var("PONY_TEST_REDIS_URL") {
        Ok(url) => {
            let prefix = format!("pony:test:throttle:{:016x}:", rand::random::<u64>());
            let config = ThrottleConfig {
                redis_prefix: prefix,
                ..config
            };
            stores.push(LoginThrottle::redis(config, &url).unwrap());
        }
        Err(_) => eprintln!("skipped the Redis throttle store: set PONY_TEST_REDIS_URL to run"),
    }
    stores
}

fn attempt<'a>(username: &'a str, client: Option<&'a str>) -> Attempt<'a> {
    Attempt {
        username,
        client,
        device: None,
    }
}

/// An attempt whose password turns out wrong.
async fn fail(t: &LoginThrottle, attempt: Attempt<'_>) -> Verdict {
    t.begin(&attempt).await.unwrap().verdict
}

async fn verdict(t: &LoginThrottle, attempt: Attempt<'_>) -> Verdict {
    let decision = t.begin(&attempt).await.unwrap();
    t.succeeded(&decision).await.unwrap();
    decision.verdict
}

fn refused(verdict: Verdict) -> bool {
    matches!(verdict, Verdict::Refuse { .. })
}

#[tokio::test]
async fn refuses_the_failing_client_only() {
    for t in stores(config(3)) {
        let bad = Some("1.1.1.1");
        for _ in 0..3 {
            assert_eq!(fail(&t, attempt("Bob", bad)).await, Verdict::Allow);
        }
        let Verdict::Refuse { retry_after } = fail(&t, attempt("BOB", bad)).await else {
            panic!("expected a refusal")
        };
        assert!(retry_after <= Duration::from_secs(60) && retry_after > Duration::from_secs(50));
        // Another client is not refused (bob is under attack: it takes its turn).
        assert!(!refused(verdict(&t, attempt("bob", Some("2.2.2.2"))).await));
        assert_eq!(verdict(&t, attempt("carol", bad)).await, Verdict::Allow);
    }
}

#[tokio::test]
async fn spraying_many_usernames_refuses_the_client() {
    for t in stores(config(2)) {
        for n in 0..8 {
            fail(&t, attempt(&format!("user{n}"), Some("9.9.9.9"))).await;
        }
        assert!(refused(fail(&t, attempt("fresh", Some("9.9.9.9"))).await));
        assert_eq!(
            fail(&t, attempt("fresh", Some("8.8.8.8"))).await,
            Verdict::Allow
        );
    }
}

#[tokio::test]
async fn a_parallel_burst_is_counted_as_it_arrives() {
    for t in stores(config(3)) {
        let dave = attempt("dave", Some("7.7.7.7"));
        let burst = (0..10).map(|_| t.begin(&dave));
        let verdicts: Vec<Verdict> = futures_util::future::join_all(burst)
            .await
            .into_iter()
            .map(|decision| decision.unwrap().verdict)
            .collect();
        let let_through = verdicts.iter().filter(|v| !refused(**v)).count();
        assert_eq!(let_through, 3, "{verdicts:?}");
    }
}

#[tokio::test]
async fn success_clears_the_pair_and_the_window_expires() {
    let config = ThrottleConfig {
        limit: 1,
        window: Duration::from_secs(1),
        delay: Duration::ZERO,
        ..ThrottleConfig::default()
    };
    for t in stores(config.clone()) {
        let c = Some("3.3.3.3");
        fail(&t, attempt("a", c)).await;
        assert!(refused(fail(&t, attempt("a", c)).await));
        // Right from elsewhere: no failure counted, the pair above untouched.
        assert_eq!(
            verdict(&t, attempt("a", Some("4.4.4.4"))).await,
            Verdict::Allow
        );
        assert!(refused(fail(&t, attempt("a", c)).await));
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert_eq!(verdict(&t, attempt("a", c)).await, Verdict::Allow);
        // That success cleared the pair: one more failure is allowed before a refusal.
        assert_eq!(fail(&t, attempt("a", c)).await, Verdict::Allow);
        assert!(refused(fail(&t, attempt("a", c)).await));
    }
}

#[tokio::test]
async fn limit_zero_disables() {
    for t in stores(config(0)) {
        for _ in 0..5 {
            assert_eq!(fail(&t, attempt("a", Some("c"))).await, Verdict::Allow);
        }
    }
}

#[tokio::test]
async fn unknown_clients_are_not_lumped_together() {
    for t in stores(config(2)) {
        for n in 0..20 {
            fail(&t, attempt(&format!("sprayed{n}"), None)).await;
        }
        // Nobody without an address is refused for the others' failures.
        assert_eq!(verdict(&t, attempt("erin", None)).await, Verdict::Allow);
        // A username under attack is still serialised for them.
        fail(&t, attempt("frank", None)).await;
        fail(&t, attempt("frank", None)).await;
        assert_eq!(fail(&t, attempt("frank", None)).await, Verdict::Allow);
        assert!(matches!(
            fail(&t, attempt("frank", None)).await,
            Verdict::Wait(_)
        ));
    }
}

#[tokio::test]
async fn attempts_on_an_attacked_username_take_turns_and_the_queue_is_bounded() {
    for t in stores(config(1)) {
        fail(&t, attempt("gina", Some("5.5.5.5"))).await;
        let mut waits = Vec::new();
        for n in 0..4 {
            let client = format!("6.6.6.{n}");
            match fail(&t, attempt("gina", Some(&client))).await {
                Verdict::Allow => waits.push(Duration::ZERO),
                Verdict::Wait(wait) => waits.push(wait),
                refusal => panic!("attempt {n} refused: {refusal:?}"),
            }
        }
        for (n, wait) in waits.iter().enumerate() {
            let turn = 100 * MS * n as u32;
            assert!(
                *wait <= turn && *wait + 30 * MS >= turn,
                "attempt {n} waits {wait:?}, not about {turn:?}: {waits:?}"
            );
        }
        // The next turn is more than LOGIN_THROTTLE_MAX_WAIT away: refused, not queued.
        let Verdict::Refuse { retry_after } = fail(&t, attempt("gina", Some("6.6.7.1"))).await
        else {
            panic!("expected a refusal")
        };
        assert!(retry_after > 350 * MS && retry_after <= 400 * MS);
        assert_eq!(
            refusal_message(retry_after),
            "Too many failed login attempts. Please try again in 1 minute."
        );
    }
}

#[tokio::test]
async fn a_device_is_judged_by_its_own_failures_only() {
    for t in stores(config(2)) {
        let shared = Some("10.9.8.7");
        // The attacker shares the victim's address, and fills the username's queue.
        for n in 0..12 {
            fail(&t, attempt(&format!("x{n}"), shared)).await;
        }
        for n in 0..8 {
            fail(&t, attempt("hank", Some(&format!("10.0.0.{n}")))).await;
        }
        assert!(refused(fail(&t, attempt("hank", shared)).await));
        assert!(refused(fail(&t, attempt("hank", Some("10.1.1.1"))).await));
        let device = Attempt {
            device: Some("d1"),
            ..attempt("hank", shared)
        };
        assert_eq!(verdict(&t, device).await, Verdict::Allow);
        // Its own failures do count: two, and it is refused too.
        fail(&t, device).await;
        fail(&t, device).await;
        assert!(refused(fail(&t, device).await));
        // Another device of the same user is not.
        let other = Attempt {
            device: Some("d2"),
            ..device
        };
        assert_eq!(verdict(&t, other).await, Verdict::Allow);
    }
}

#[test]
fn settings_are_parsed_and_checked() {
    let load = |toml: &str| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("settings.toml"), toml).unwrap();
        let settings = Settings::load_from(dir.path(), |_| None).unwrap();
        ThrottleConfig::from_settings(&settings)
    };
    assert_eq!(load("").unwrap(), ThrottleConfig::default());
    let custom = load(
        "LOGIN_THROTTLE_LIMIT = 3\nLOGIN_THROTTLE_WINDOW = 60\nLOGIN_THROTTLE_DELAY = 1\n\
         LOGIN_THROTTLE_MAX_WAIT = 2.5\nLOGIN_THROTTLE_DEVICE_COOKIE_AGE = 86400\n\
         LOGIN_THROTTLE_REDIS_PREFIX = 'site1:'",
    )
    .unwrap();
    assert_eq!(
        custom,
        ThrottleConfig {
            limit: 3,
            window: Duration::from_secs(60),
            delay: Duration::from_secs(1),
            max_wait: Duration::from_millis(2500),
            device_cookie_age: Duration::from_secs(86400),
            redis_prefix: "site1:".to_owned(),
        }
    );
    for (toml, expected) in [
        ("LOGIN_THROTTLE_LIMIT = '5'", "LOGIN_THROTTLE_LIMIT"),
        ("LOGIN_THROTTLE_LIMIT = -1", "LOGIN_THROTTLE_LIMIT"),
        ("LOGIN_THROTTLE_DELAY = 'slow'", "LOGIN_THROTTLE_DELAY"),
        (
            "LOGIN_THROTTLE_DELAY = -0.5",
            "LOGIN_THROTTLE_DELAY must be",
        ),
        ("LOGIN_THROTTLE_WINDOW = 0", "LOGIN_THROTTLE_WINDOW must be"),
        ("LOGIN_THROTTLE_LIMT = 5", "LOGIN_THROTTLE_LIMT"),
    ] {
        let error = load(toml).unwrap_err().to_string();
        assert!(error.contains(expected), "{toml}: {error}");
    }
}

#[test]
fn messages() {
    assert_eq!(
        refusal_message(Duration::from_secs(30)),
        "Too many failed login attempts. Please try again in 1 minute."
    );
    assert_eq!(
        refusal_message(Duration::from_secs(150)),
        "Too many failed login attempts. Please try again in 3 minutes."
    );
}

#[tokio::test]
async fn a_redis_that_is_down_is_a_clear_error_not_a_pass() {
    // Port 1 on loopback: nothing listens there.
    let t = LoginThrottle::redis(config(3), "redis://127.0.0.1:1/0").unwrap();
    let error = t
        .begin(&attempt("ivy", None))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("the login throttle could not use Redis at 127.0.0.1:1: "),
        "{error}"
    );
}
