//! Two app servers behind one balancer: both on one PostgreSQL database and one Redis session
//! store. Runs when `PONY_TEST_POSTGRES_URL` and `PONY_TEST_REDIS_URL` are set (CI sets them).
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use pony_tests::board::{Board, Browser, migrate};
use pony_tests::databases::TestDatabase;

const PASSWORD: &str = "correct-horse-battery";

fn logged_in(browser: &Browser) -> bool {
    browser.get("/articles/").body.contains("action=\"/accounts/logout/\"")
}

#[test]
fn a_login_on_one_server_holds_on_the_other_and_so_does_a_logout() {
    let (Ok(postgres), Ok(redis)) = (
        std::env::var("PONY_TEST_POSTGRES_URL"),
        std::env::var("PONY_TEST_REDIS_URL"),
    ) else {
        eprintln!("skipped: set PONY_TEST_POSTGRES_URL and PONY_TEST_REDIS_URL to run");
        return;
    };
    let database = TestDatabase::postgres(&postgres, "two_servers");
    migrate(&database.url());
    let env = [("SESSION_ENGINE", "redis"), ("SESSION_REDIS_URL", redis.as_str())];
    let one = Board::serve(&database.url(), &env);
    let two = Board::serve(&database.url(), &env);

    let on_one = one.browser();
    let page = on_one.sign_up("zoe", PASSWORD);
    assert_eq!(page.status, 302, "{}", page.body);
    let on_two = on_one.on(&two.url(""));
    assert!(logged_in(&on_one));
    assert!(logged_in(&on_two), "the session written by server one is read by server two");
    let rows = database.query("SELECT COUNT(*) FROM auth_user").unwrap();
    assert_eq!(rows.trim(), "1");

    // Log out on server two: anonymous on both, with the same cookie replayed.
    let page = on_two.submit_from("/articles/", "/accounts/logout/", &[]);
    assert_eq!(page.status, 302);
    assert!(!logged_in(&on_two));
    let key = on_one.cookie("sessionid").unwrap();
    let replay = one.browser();
    replay.set_cookie("sessionid", &key);
    assert!(!logged_in(&replay), "server one no longer knows the flushed session");
}
