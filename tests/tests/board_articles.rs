//! The board's articles end to end: the author is `request.user`, only the author may change
//! an article, HTML is escaped, the list paginates; and the board under concurrent load.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use std::thread;

use pony_tests::board::{Board, Browser};
use pony_tests::databases::TestDatabase;

const PASSWORD: &str = "correct-horse-battery";

fn board() -> (Board, TestDatabase, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::Sqlite(dir.path().join("db.sqlite3"));
    let board = Board::start_on(&database.url(), &[]);
    (board, database, dir)
}

/// Publishes an article; returns its detail path.
fn publish(browser: &Browser, title: &str, content: &str) -> String {
    let page = browser.submit(
        "/articles/create/",
        &[("title", title), ("content", content)],
    );
    assert_eq!(page.status, 302, "{}", page.body);
    page.location.unwrap()
}

#[test]
fn the_author_is_the_logged_in_user_and_html_is_escaped() {
    let (board, db, _dir) = board();
    let alice = board.browser();
    alice.sign_up("alice", PASSWORD);
    let mallory = board.browser();
    mallory.sign_up("mallory", PASSWORD);
    let mallory_id = db
        .query("SELECT id FROM auth_user WHERE username = 'mallory'")
        .unwrap();

    // A posted `author` is ignored: the author is whoever is logged in.
    let page = alice.submit(
        "/articles/create/",
        &[
            ("title", "<script>alert('x')</script>"),
            ("content", "Line one\n<b>bold?</b>"),
            ("author", mallory_id.trim()),
            ("author_id", mallory_id.trim()),
        ],
    );
    assert_eq!(page.status, 302, "{}", page.body);
    let detail = page.location.unwrap();
    assert!(
        detail.starts_with("/articles/") && detail.ends_with('/'),
        "{detail}"
    );
    let page = alice.get(&detail);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("by alice"), "{}", page.body);
    assert!(
        page.body
            .contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<script>alert"));
    assert!(page.body.contains("&lt;b&gt;bold?&lt;/b&gt;"));
    let authors = db
        .query("SELECT u.username FROM articles_article a JOIN auth_user u ON u.id = a.author_id")
        .unwrap();
    assert_eq!(authors.trim(), "alice");

    // The list links to it with its author.
    let list = board.browser().get("/articles/");
    assert!(
        list.body.contains(&format!("href=\"{detail}\"")),
        "{}",
        list.body
    );
    assert!(list.body.contains("by alice"));

    // Blank fields are form errors.
    let page = alice.submit("/articles/create/", &[("title", ""), ("content", "")]);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("This field is required."));
    let long = "t".repeat(201);
    let page = alice.submit("/articles/create/", &[("title", &long), ("content", "x")]);
    assert!(
        page.body
            .contains("Ensure this value has at most 200 characters (it has 201).")
    );
}

#[test]
fn only_the_author_may_change_or_delete() {
    let (board, db, _dir) = board();
    let alice = board.browser();
    alice.sign_up("alice", PASSWORD);
    let detail = publish(&alice, "Mine", "Hands off.");
    let update = format!("{detail}update/");
    let delete = format!("{detail}delete/");

    let bob = board.browser();
    bob.sign_up("bob", PASSWORD);
    assert_eq!(bob.get(&update).status, 403);
    let page = bob.submit_from(&detail, &update, &[("title", "Pwned"), ("content", "x")]);
    assert_eq!(page.status, 403);
    let page = bob.submit_from(&detail, &delete, &[]);
    assert_eq!(page.status, 403);
    assert!(!alice.get(&detail).body.contains("Pwned"));

    // Anonymous visitors are sent to log in.
    let page = board.browser().get(&update);
    assert_eq!(page.status, 302);
    assert_eq!(
        page.location.unwrap(),
        format!("/accounts/login/?next={update}")
    );

    // GET on delete is not allowed; the author's edit and delete work.
    assert_eq!(alice.get(&delete).status, 405);
    let page = alice.submit(
        &update,
        &[("title", "Mine, edited"), ("content", "Still mine.")],
    );
    assert_eq!(page.status, 302, "{}", page.body);
    assert!(alice.get(&detail).body.contains("Mine, edited"));
    let page = alice.submit_from(&detail, &delete, &[]);
    assert_eq!(page.status, 302);
    assert_eq!(page.location.as_deref(), Some("/articles/"));
    assert_eq!(alice.get(&detail).status, 404);
    assert_eq!(
        db.query("SELECT COUNT(*) FROM articles_article")
            .unwrap()
            .trim(),
        "0"
    );
    assert_eq!(board.browser().get("/articles/999/").status, 404);
}

#[test]
fn the_list_is_newest_first_and_paginated() {
    let (board, _db, _dir) = board();
    let alice = board.browser();
    alice.sign_up("alice", PASSWORD);
    for n in 1..=12 {
        publish(&alice, &format!("Article number {n:02}"), "Text.");
    }
    let first = alice.get("/articles/");
    let newest = first.body.find("Article number 12").unwrap();
    let older = first.body.find("Article number 03").unwrap();
    assert!(newest < older);
    assert!(!first.body.contains("Article number 02"));
    assert!(first.body.contains("Page 1 of 2"), "{}", first.body);
    let second = alice.get("/articles/?page=2");
    assert!(second.body.contains("Article number 01"));
    assert!(second.body.contains("Page 2 of 2"));
    assert_eq!(alice.get("/articles/?page=abc").status, 200);
}

/// The queries the server logs while `browser` gets `path`.
fn queries_for(board: &Board, browser: &Browser, path: &str) -> Vec<String> {
    let before = board.server.output().len();
    let page = browser.get(path);
    assert_eq!(page.status, 200, "{}", page.body);
    // The log line of the last query may trail the response by a moment.
    std::thread::sleep(std::time::Duration::from_millis(300));
    board.server.output()[before..]
        .lines()
        // Django's format: `(0.000) SELECT …`, the query's duration in seconds first.
        .filter(|line| {
            line.strip_prefix('(')
                .and_then(|rest| rest.split_once(") "))
                .is_some_and(|(seconds, _)| seconds.parse::<f64>().is_ok())
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_list_is_two_queries_whatever_the_number_of_articles() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("db.sqlite3").display());
    let board = Board::start_on(&url, &[("RUST_LOG", "info,pony::db::backends=debug")]);
    let (alice, bob) = (board.browser(), board.browser());
    alice.sign_up("alice", PASSWORD);
    bob.sign_up("bob", PASSWORD);
    publish(&alice, "By alice", "text");
    let visitor = board.browser();
    let queries = queries_for(&board, &visitor, "/articles/");
    // The count for the paginator, and the page's articles joined with their authors.
    assert_eq!(queries.len(), 2, "{queries:#?}");
    assert!(queries[0].contains("COUNT("), "{queries:#?}");
    assert!(queries[1].contains("INNER JOIN"), "{queries:#?}");
    for n in 0..12 {
        let author = if n % 2 == 0 { &alice } else { &bob };
        publish(author, &format!("Article {n}"), "text");
    }
    let queries = queries_for(&board, &visitor, "/articles/");
    assert_eq!(queries.len(), 2, "{queries:#?}");
    let page = visitor.get("/articles/");
    assert!(page.body.contains("by alice") && page.body.contains("by bob"));
    // Bound values stay out of the log.
    let queries = queries_for(&board, &visitor, "/articles/?page=2");
    assert!(queries.iter().all(|q| !q.contains("binds")), "{queries:#?}");
}

#[test]
fn concurrent_signups_all_persist_and_one_name_has_one_winner() {
    let (board, db, _dir) = board();
    let base = board.url("");
    let distinct: Vec<_> = (0..40)
        .map(|n| {
            let base = base.clone();
            thread::spawn(move || {
                Browser::new(&base)
                    .sign_up(&format!("user{n:02}"), PASSWORD)
                    .status
            })
        })
        .collect();
    let statuses: Vec<u16> = distinct.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(statuses.iter().all(|&s| s == 302), "{statuses:?}");
    assert_eq!(
        db.query("SELECT COUNT(*) FROM auth_user").unwrap().trim(),
        "40"
    );

    let same: Vec<_> = (0..12)
        .map(|_| {
            let base = base.clone();
            thread::spawn(move || Browser::new(&base).sign_up("popular", PASSWORD))
        })
        .collect();
    let pages: Vec<_> = same.into_iter().map(|t| t.join().unwrap()).collect();
    let winners = pages.iter().filter(|p| p.status == 302).count();
    let losers = pages
        .iter()
        .filter(|p| p.status == 200 && p.body.contains("A user with that username already exists."))
        .count();
    assert_eq!(
        (winners, losers),
        (1, 11),
        "{:?}",
        pages.iter().map(|p| p.status).collect::<Vec<_>>()
    );
    assert_eq!(
        db.query("SELECT COUNT(*) FROM auth_user WHERE username = 'popular'")
            .unwrap()
            .trim(),
        "1"
    );
}

#[test]
fn concurrent_article_creations_all_persist() {
    let (board, db, _dir) = board();
    let writers: Vec<Browser> = (0..3)
        .map(|n| {
            let browser = board.browser();
            browser.sign_up(&format!("writer{n}"), PASSWORD);
            browser
        })
        .collect();
    thread::scope(|scope| {
        for (n, browser) in writers.iter().enumerate() {
            for k in 0..10 {
                scope.spawn(move || publish(browser, &format!("w{n} article {k}"), "Body."));
            }
        }
    });
    assert_eq!(
        db.query("SELECT COUNT(*) FROM articles_article")
            .unwrap()
            .trim(),
        "30"
    );
    assert_eq!(
        db.query("SELECT COUNT(DISTINCT title) FROM articles_article")
            .unwrap()
            .trim(),
        "30"
    );
}
