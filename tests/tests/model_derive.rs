//! `#[derive(pony::Model)]` against real databases: SQLite always, PostgreSQL when
//! `PONY_TEST_POSTGRES_URL` is set, MySQL/MariaDB when `PONY_TEST_MYSQL_URL` is set (and the
//! binary has pony's `mysql` feature). Tables come from pony's migration engine, in a schema
//! (PostgreSQL) or database (MySQL) of their own that is dropped afterwards, so runs never meet.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use std::time::{SystemTime, UNIX_EPOCH};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use pony::db::connection::establish;
use pony::db::migrations::operations::Operation;
use pony::db::migrations::{ModelOptions, ProjectState, schema};
use pony::db::url::{Backend, DatabaseUrl};
use pony::db::{Date, DateTime, ManyToMany, Model, ModelMeta, RowQuery, Value};

#[derive(pony::Model, Debug, Clone, PartialEq)]
#[model(app = "lab", ordering = "-rating, title", display = "title")]
pub struct Article {
    pub id: i64,
    #[field(max_length = 200)]
    pub title: String,
    pub body: Option<String>,
    pub published: bool,
    pub rating: f64,
    pub score: Option<i32>,
    pub day: Date,
    pub due: Option<Date>,
    pub seen_at: Option<DateTime>,
    #[field(auto_now_add)]
    pub created_at: DateTime,
    #[field(auto_now)]
    pub updated_at: DateTime,
    pub tags: ManyToMany<Tag>,
}

/// A target of many-to-many links, and a model linked to itself.
#[derive(pony::Model, Debug, Clone, PartialEq)]
#[model(app = "lab", ordering = "name")]
pub struct Tag {
    pub id: i64,
    #[field(max_length = 30)]
    pub name: String,
    pub see_also: ManyToMany<Tag>,
}

#[derive(pony::Model, Debug, Clone, PartialEq)]
#[model(app = "lab")]
pub struct Comment {
    pub id: i64,
    #[field(foreign_key = "lab.Article")]
    pub article_id: i64,
    pub text: String,
}

/// A primary key the application chooses; shown by its own `Display`.
#[derive(pony::Model, Debug, Clone, PartialEq)]
#[model(app = "lab", display)]
pub struct Code {
    #[field(primary_key, max_length = 20)]
    pub code: String,
    pub label: String,
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.label, self.code)
    }
}

/// Nothing but a 32-bit automatic key.
#[derive(pony::Model, Debug, Clone, PartialEq)]
#[model(app = "lab")]
pub struct Marker {
    pub id: i32,
}

/// A connection whose scratch schema or database is dropped when the test ends, passed or not.
struct Scratch {
    conn: pony::db::Connection,
    cleanup: Option<String>,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(sql) = &self.cleanup {
            let _ = self.conn.batch_execute(sql);
        }
    }
}

/// A name no other run uses.
fn unique_name() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("pony_model_derive_{}_{nanos}", std::process::id())
}

/// The URL in `var`, or `None` after saying how to run the test.
fn url_from_env(var: &str) -> Option<DatabaseUrl> {
    match std::env::var(var) {
        Ok(raw) if !raw.is_empty() => Some(DatabaseUrl::parse(&raw, "/".as_ref()).unwrap()),
        _ => {
            eprintln!("skipped: set {var} to run this test");
            None
        }
    }
}

/// Creates the models' tables with pony's migration engine, as `migrate` would.
fn create_tables(conn: &mut pony::db::Connection) {
    let backend = conn.backend();
    let mut state = ProjectState::new();
    let models: [&ModelMeta; 5] = [
        Tag::meta(),
        Article::meta(),
        Comment::meta(),
        Code::meta(),
        Marker::meta(),
    ];
    for meta in models {
        let create = Operation::CreateModel {
            name: meta.name.clone(),
            fields: meta.fields.clone(),
            options: ModelOptions::from_meta(meta),
        };
        for sql in schema::forwards(backend, &state, "lab", &create).unwrap() {
            conn.batch_execute(&sql)
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        state.apply("lab", &create).unwrap();
    }
}

fn day(y: i32, m: u32, d: u32) -> Date {
    Date::from_ymd_opt(y, m, d).unwrap()
}

fn article(title: &str, rating: f64) -> Article {
    let placeholder = day(2000, 1, 1).and_hms_opt(0, 0, 0).unwrap();
    Article {
        id: 0,
        title: title.to_owned(),
        body: None,
        published: false,
        rating,
        score: None,
        day: day(2024, 2, 29),
        due: None,
        seen_at: None,
        created_at: placeholder,
        updated_at: placeholder,
        tags: ManyToMany::default(),
    }
}

fn tag(conn: &mut pony::db::Connection, name: &str) -> Tag {
    Tag {
        id: 0,
        name: name.to_owned(),
        see_also: ManyToMany::default(),
    }
    .save(conn)
    .unwrap()
}

fn names(tags: &[Tag]) -> Vec<&str> {
    tags.iter().map(|t| t.name.as_str()).collect()
}

/// `add`, `remove`, `set`, `clear`, `all` on rows read back and on rows just saved; a model
/// linked to itself; an unsaved row's links are an error, not a panic.
fn many_to_many(conn: &mut pony::db::Connection) {
    let (rust, web, db) = (tag(conn, "rust"), tag(conn, "web"), tag(conn, "db"));
    let saved = article("Linked", 1.0).save(conn).unwrap();
    saved.tags.add(conn, [&web, &rust]).unwrap();
    saved.tags.add(conn, [&rust]).unwrap(); // already there: nothing changes
    let read = Article::get(conn, saved.id).unwrap();
    assert_eq!(names(&read.tags.all(conn).unwrap()), ["rust", "web"]);
    read.tags.remove(conn, [&web]).unwrap();
    assert_eq!(read.tags.ids(conn).unwrap(), [rust.id]);
    read.tags.set(conn, [db.id, web.id]).unwrap();
    assert_eq!(names(&read.tags.all(conn).unwrap()), ["db", "web"]);
    let mut loaded = read.clone();
    assert_eq!(loaded.tags.load(conn).unwrap().len(), 2);
    assert_eq!(loaded.tags.loaded().map(<[Tag]>::len), Some(2));

    // Another article's links are its own.
    let other = article("Other", 1.0).save(conn).unwrap();
    other.tags.add(conn, [&rust]).unwrap();
    assert_eq!(names(&read.tags.all(conn).unwrap()), ["db", "web"]);
    read.tags.clear(conn).unwrap();
    assert!(read.tags.all(conn).unwrap().is_empty());
    assert_eq!(names(&other.tags.all(conn).unwrap()), ["rust"]);

    // A model linked to itself: from_tag_id → to_tag_id.
    rust.see_also.add(conn, [&web, &db]).unwrap();
    assert_eq!(names(&rust.see_also.all(conn).unwrap()), ["db", "web"]);
    assert!(web.see_also.all(conn).unwrap().is_empty());

    // Deleting a row deletes its links (ON DELETE CASCADE).
    other.delete(conn).unwrap();
    saved.delete(conn).unwrap();

    let unsaved = article("Unsaved", 1.0);
    let error = unsaved.tags.add(conn, [&rust]).unwrap_err();
    assert!(error.to_string().contains("needs to be saved"), "{error}");
}

/// Everything the derive generates, on one connection.
fn exercise(conn: &mut pony::db::Connection) {
    assert_eq!(Article::count(conn).unwrap(), 0);
    assert!(Article::all(conn).unwrap().is_empty());

    // save() inserts a new row and returns it with its id and times.
    let before = pony::db::now();
    let first = article("First", 2.5).save(conn).unwrap();
    assert!(first.id > 0, "{first:?}");
    assert!(first.created_at >= before - std::time::Duration::from_micros(1));
    assert_eq!(first.created_at, first.updated_at);
    assert_eq!(Article::get(conn, first.id).unwrap(), first);

    // NULLs and values of every type round-trip.
    let seen = day(2024, 2, 29)
        .and_hms_micro_opt(23, 59, 58, 123_456)
        .unwrap();
    let second = Article {
        body: Some("Body text, with 'quotes' and ünïcode".to_owned()),
        published: true,
        score: Some(-7),
        due: Some(day(1999, 12, 31)),
        seen_at: Some(seen),
        ..article("Second", 4.25)
    }
    .save(conn)
    .unwrap();
    assert_ne!(second.id, first.id);
    let loaded = Article::get(conn, second.id).unwrap();
    assert_eq!(loaded, second);
    assert_eq!(
        loaded.body.as_deref(),
        Some("Body text, with 'quotes' and ünïcode")
    );
    assert_eq!(loaded.seen_at, Some(seen));
    assert!(loaded.published);
    assert_eq!(loaded.rating, 4.25);
    let loaded = Article::get(conn, first.id).unwrap();
    assert_eq!(
        (loaded.body, loaded.score, loaded.due, loaded.seen_at),
        (None, None, None, None)
    );
    assert!(!loaded.published);

    // save() again updates: auto_now moves, auto_now_add stays.
    std::thread::sleep(std::time::Duration::from_millis(5));
    let mut edited = first.clone();
    edited.title = "First, edited".to_owned();
    edited.body = Some("now with a body".to_owned());
    let edited = edited.save(conn).unwrap();
    assert_eq!(edited.id, first.id);
    assert!(edited.updated_at > first.updated_at, "{edited:?}");
    assert_eq!(edited.created_at, first.created_at);
    assert_eq!(Article::get(conn, first.id).unwrap(), edited);
    assert_eq!(Article::count(conn).unwrap(), 2);

    // auto_now_add is never overwritten by an update.
    let mut tampered = edited.clone();
    tampered.created_at = day(2001, 1, 1).and_hms_opt(0, 0, 0).unwrap();
    tampered.save(conn).unwrap();
    assert_eq!(
        Article::get(conn, first.id).unwrap().created_at,
        first.created_at
    );

    // A missing row is a 404 that names the model.
    let missing = Article::get(conn, 987_654).unwrap_err();
    assert!(matches!(missing, pony::Error::Http404(_)), "{missing:?}");
    assert_eq!(missing.to_string(), "No Article matches the given query.");

    // all() follows the default ordering "-rating, title".
    let third = article("Another", 2.5).save(conn).unwrap();
    let titles: Vec<String> = Article::all(conn)
        .unwrap()
        .into_iter()
        .map(|a| a.title)
        .collect();
    assert_eq!(titles, ["Second", "Another", "First, edited"]);

    // objects() is a diesel query to refine.
    let published: Vec<Article> = Article::objects()
        .filter(article::published.eq(true))
        .load(conn)
        .unwrap();
    assert_eq!(published, std::slice::from_ref(&second));
    let low: Vec<String> = Article::objects()
        .filter(article::rating.lt(3.0))
        .limit(1)
        .load::<Article>(conn)
        .unwrap()
        .into_iter()
        .map(|a| a.title)
        .collect();
    assert_eq!(low, ["Another"]);

    // Saving with an id that has no row inserts it under that id (Django's save()).
    let chosen = Article {
        id: 5_000,
        ..article("Chosen id", 1.0)
    }
    .save(conn)
    .unwrap();
    assert_eq!(chosen.id, 5_000);
    assert_eq!(Article::get(conn, 5_000).unwrap(), chosen);
    assert_eq!(Article::count(conn).unwrap(), 4);

    // Foreign keys hold the target's id.
    let comment = Comment {
        id: 0,
        article_id: second.id,
        text: "Nice".to_owned(),
    }
    .save(conn)
    .unwrap();
    let comments: Vec<Comment> = Comment::objects()
        .filter(comment::article_id.eq(second.id))
        .load(conn)
        .unwrap();
    assert_eq!(comments, std::slice::from_ref(&comment));
    comment.delete(conn).unwrap();

    // delete() removes the row; deleting it again is fine.
    third.clone().delete(conn).unwrap();
    assert!(matches!(
        Article::get(conn, third.id),
        Err(pony::Error::Http404(_))
    ));
    third.delete(conn).unwrap();
    assert_eq!(Article::count(conn).unwrap(), 3);

    // A primary key the application chooses: the first save inserts, the next updates.
    let code = Code {
        code: "X-1".to_owned(),
        label: "first".to_owned(),
    };
    assert_eq!(code.clone().save(conn).unwrap(), code);
    let relabelled = Code {
        label: "second".to_owned(),
        ..code.clone()
    }
    .save(conn)
    .unwrap();
    assert_eq!(Code::get(conn, "X-1".to_owned()).unwrap(), relabelled);
    assert_eq!(Code::count(conn).unwrap(), 1);
    relabelled.delete(conn).unwrap();
    assert_eq!(Code::count(conn).unwrap(), 0);

    // No column but the key: INSERT … DEFAULT VALUES, and saving again changes nothing.
    let marker = Marker { id: 0 }.save(conn).unwrap();
    assert!(marker.id > 0);
    assert_eq!(marker.clone().save(conn).unwrap(), marker);
    let other = Marker { id: 0 }.save(conn).unwrap();
    assert_ne!(other.id, marker.id);
    assert_eq!(Marker::all(conn).unwrap(), [marker, other]);

    through_the_trait(conn);
    by_key(conn);
    many_to_many(conn);
}

fn text(value: &str) -> Value {
    Value::Text(value.to_owned())
}

/// The titles of the rows `query` lists.
fn titles(
    handle: &dyn pony::db::ModelHandle,
    conn: &mut pony::db::Connection,
    query: &RowQuery,
) -> Vec<String> {
    handle
        .list(conn, query)
        .unwrap()
        .iter()
        .map(|row| row.get("title").unwrap().to_string())
        .collect()
}

/// The rows `by_key` makes: dated 2026-12-03, unlike every other test row.
fn mine() -> RowQuery {
    RowQuery::new().filter("day", Value::Date(day(2026, 12, 3)))
}

/// Everything through the registry's handle, knowing the model only as "lab.article".
fn by_key(conn: &mut pony::db::Connection) {
    let handle = pony::db::registry::handle("lab.article").expect("the model is registered");
    assert_eq!(handle.meta().name, "Article");
    for (title, rating, body) in [
        ("Rust for Djangonauts", 4.0, Some("Borrowing, gently")),
        ("rusty pipes", 2.0, None),
        ("Python Tips", 4.0, Some("A RUST aside")),
        ("50% off", 1.0, Some("sale")),
        ("Gardening", 3.0, None),
    ] {
        let mut values = vec![
            ("title".to_owned(), text(title)),
            ("rating".to_owned(), Value::Float(rating)),
            ("day".to_owned(), Value::Date(day(2026, 12, 3))),
        ];
        if let Some(body) = body {
            values.push(("body".to_owned(), text(body)));
        }
        let row = handle.create(conn, values).unwrap();
        assert_eq!(row.display, title);
        assert!(matches!(row.pk, Value::BigInt(id) if id > 0));
    }
    let all = mine();
    assert_eq!(handle.count(conn, &all).unwrap(), 5);
    // The model's ordering ("-rating, title"), then the key.
    assert_eq!(
        titles(handle, conn, &all),
        [
            "Python Tips",
            "Rust for Djangonauts",
            "Gardening",
            "rusty pipes",
            "50% off"
        ]
    );
    // Search: each word in some field, any case; LIKE's wildcards are literal.
    let rust = mine().search(&["title", "body"], "RUST");
    assert_eq!(handle.count(conn, &rust).unwrap(), 3);
    let both = mine().search(&["title", "body"], "rust gently");
    assert_eq!(titles(handle, conn, &both), ["Rust for Djangonauts"]);
    let percent = mine().search(&["title"], "%");
    assert_eq!(titles(handle, conn, &percent), ["50% off"]);
    let underscore = mine().search(&["title"], "_");
    assert!(titles(handle, conn, &underscore).is_empty());
    // Filters, NULL included, and ordering by any field, then a page.
    let four = mine().filter("rating", Value::Float(4.0));
    assert_eq!(handle.count(conn, &four).unwrap(), 2);
    let no_body = mine().filter("body", Value::Null).order_by("title");
    assert_eq!(titles(handle, conn, &no_body), ["Gardening", "rusty pipes"]);
    let page = mine().order_by("-title").page(2, 2);
    assert_eq!(titles(handle, conn, &page), ["Python Tips", "Gardening"]);
    assert_eq!(
        handle.count(conn, &page).unwrap(),
        5,
        "a count ignores the page"
    );
    // Read, update and delete by key.
    let first = handle.list(conn, &rust).unwrap().remove(0);
    let updated = handle
        .update(
            conn,
            first.pk.clone(),
            vec![("score".to_owned(), Value::Int(9))],
        )
        .unwrap();
    assert_eq!(updated.get("score"), Some(&Value::Int(9)));
    assert_eq!(handle.get(conn, first.pk.clone()).unwrap(), updated);
    handle.delete(conn, first.pk.clone()).unwrap();
    assert_eq!(handle.count(conn, &all).unwrap(), 4);
    let gone = handle.get(conn, first.pk).unwrap_err();
    assert_eq!(gone.to_string(), "No Article matches the given query.");
    // Bad names and values are errors, never panics or SQL.
    let unknown = RowQuery::new().filter("title; DROP TABLE", text("x"));
    assert!(handle.count(conn, &unknown).is_err());
    assert!(handle.list(conn, &mine().order_by("nope")).is_err());
    let not_text = mine().search(&["rating"], "4");
    assert!(
        handle
            .count(conn, &not_text)
            .unwrap_err()
            .to_string()
            .contains("cannot be searched")
    );
    let wrong = mine().filter("rating", text("high"));
    assert!(handle.list(conn, &wrong).is_err());
    assert_eq!(handle.count(conn, &all).unwrap(), 4);
    for row in handle.list(conn, &all).unwrap() {
        handle.delete(conn, row.pk).unwrap();
    }
}

/// Sets fields by name and saves, knowing `M` only as a `Model` (as the admin will).
fn create<M: Model>(conn: &mut pony::db::Connection, mut row: M, values: &[(&str, Value)]) -> M {
    for (name, value) in values {
        row.set_value(name, value.clone()).unwrap();
    }
    row.save(conn).unwrap()
}

/// The `Model` trait: keys, `__str__`, field access by name, get/save/delete.
fn through_the_trait(conn: &mut pony::db::Connection) {
    let before = <Article as Model>::count(conn).unwrap();
    let saved = create(
        conn,
        article("placeholder", 1.0),
        &[
            ("title", Value::Text("Generic".into())),
            ("score", Value::Int(7)),
            ("due", Value::Null),
        ],
    );
    assert_eq!(saved.display(), "Generic", "#[model(display = \"title\")]");
    let read = <Article as Model>::get(conn, saved.pk()).unwrap();
    assert_eq!(read.value("score"), Some(Value::Int(7)));
    assert_eq!(read.value("title"), Some(Value::Text("Generic".into())));
    assert_eq!(read.value("body"), Some(Value::Null));
    assert_eq!(read.value("no_such_field"), None);
    let mut wrong = read.clone();
    let error = wrong
        .set_value("score", Value::Text("seven".into()))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Article.score: expected a whole number from -2147483648 to 2147483647, not text"
    );
    let error = wrong.set_value("nope", Value::Null).unwrap_err();
    assert_eq!(error.to_string(), "Article has no field named \"nope\"");
    assert_eq!(wrong, read, "a refused value changes nothing");

    let comment = create(
        conn,
        Comment {
            id: 0,
            article_id: 0,
            text: String::new(),
        },
        &[
            ("article", Value::BigInt(saved.id)),
            ("text", Value::Text("Nice".into())),
        ],
    );
    assert_eq!(
        comment.article_id, saved.id,
        "a foreign key is set by its field name"
    );
    assert_eq!(comment.value("article_id"), Some(Value::BigInt(saved.id)));
    assert_eq!(
        comment.display(),
        format!("Comment object ({})", comment.id)
    );
    <Comment as Model>::delete(comment, conn).unwrap();

    let code = Code {
        code: "x1".into(),
        label: "Ex one".into(),
    };
    assert_eq!(
        code.display(),
        "Ex one (x1)",
        "#[model(display)] uses Display"
    );
    assert_eq!(code.pk(), "x1");

    <Article as Model>::delete(read, conn).unwrap();
    assert_eq!(<Article as Model>::count(conn).unwrap(), before);
    let missing = <Article as Model>::get(conn, saved.id).unwrap_err();
    assert_eq!(missing.to_string(), "No Article matches the given query.");
}

#[test]
fn sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::parse("sqlite://lab.sqlite3", dir.path()).unwrap();
    let mut conn = establish(&url).unwrap();
    create_tables(&mut conn);
    exercise(&mut conn);
}

/// A connection to the server `var` names, in a schema (PostgreSQL) or database (MySQL) of its
/// own; `None` after saying why when the variable is unset or pony lacks the engine's feature.
fn scratch(var: &str, feature: &str) -> Option<Scratch> {
    let url = url_from_env(var)?;
    let mut conn = match establish(&url) {
        Ok(conn) => conn,
        Err(pony::Error::ImproperlyConfigured(message)) => {
            eprintln!(
                "skipped: {message} (run `cargo test -p pony-tests --features pony/{feature}`)"
            );
            return None;
        }
        Err(error) => panic!("{error}"),
    };
    let name = unique_name();
    let (create, cleanup) = match conn.backend() {
        Backend::Postgres => (
            format!("CREATE SCHEMA {name}; SET search_path TO {name}"),
            format!("DROP SCHEMA {name} CASCADE"),
        ),
        Backend::Mysql => (
            format!("CREATE DATABASE {name}; USE {name}"),
            format!("DROP DATABASE {name}"),
        ),
        Backend::Sqlite => panic!("{var} names a SQLite database"),
    };
    conn.batch_execute(&create).unwrap();
    Some(Scratch {
        conn,
        cleanup: Some(cleanup),
    })
}

#[test]
fn postgres() {
    let Some(mut scratch) = scratch("PONY_TEST_POSTGRES_URL", "postgres") else {
        return;
    };
    assert_eq!(scratch.conn.backend(), Backend::Postgres);
    create_tables(&mut scratch.conn);
    exercise(&mut scratch.conn);
}

#[test]
fn mysql() {
    let Some(mut scratch) = scratch("PONY_TEST_MYSQL_URL", "mysql") else {
        return;
    };
    assert_eq!(scratch.conn.backend(), Backend::Mysql);
    create_tables(&mut scratch.conn);
    exercise(&mut scratch.conn);
}

/// Handlers reach the database through the pool, on a blocking thread.
#[tokio::test]
async fn through_the_pool() {
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::parse("sqlite://pool.sqlite3", dir.path()).unwrap();
    let db = pony::db::Db::connect(&url).unwrap();
    db.run(|conn| {
        create_tables(conn);
        Ok(())
    })
    .await
    .unwrap();
    let saved = db
        .run(|conn| article("Pooled", 3.0).save(conn))
        .await
        .unwrap();
    let id = saved.id;
    let loaded = db.run(move |conn| Article::get(conn, id)).await.unwrap();
    assert_eq!(loaded, saved);
    let gone = db.run(|conn| Article::get(conn, 404)).await.unwrap_err();
    assert_eq!(gone.status(), 404);
}

/// `#[model(unique_together, index, unique_index)]` reach the metadata, so makemigrations
/// writes them.
#[derive(pony::Model, Debug, Clone)]
#[model(
    app = "lab",
    unique_together = "shelf, position",
    index = "lab_book_title_idx: title, shelf"
)]
#[model(unique_index = "lab_book_isbn_uniq: isbn")]
pub struct Book {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
    pub shelf: i32,
    pub position: i32,
    #[field(max_length = 13)]
    pub isbn: String,
}

#[test]
fn constraints_and_indexes_are_declared() {
    let meta = Book::meta();
    assert_eq!(meta.unique_together, [["shelf", "position"]]);
    let names: Vec<(&str, bool)> = meta
        .indexes
        .iter()
        .map(|i| (i.name.as_str(), i.unique))
        .collect();
    assert_eq!(
        names,
        [("lab_book_title_idx", false), ("lab_book_isbn_uniq", true)]
    );
    assert_eq!(meta.indexes[0].fields, ["title", "shelf"]);
    let created = pony::db::migrations::autodetector::changes(
        &ProjectState::new(),
        &ProjectState::from_models([meta.clone()]),
        &mut pony::db::migrations::NonInteractive,
    )
    .unwrap();
    let described: Vec<String> = created
        .operations("lab")
        .iter()
        .map(|op| op.describe())
        .collect();
    assert_eq!(described[0], "Create model Book", "{described:?}");
    let sql = schema::forwards(
        Backend::Sqlite,
        &ProjectState::new(),
        "lab",
        &created.operations("lab")[0],
    )
    .unwrap();
    assert!(
        sql.iter()
            .any(|s| s.contains("CREATE UNIQUE INDEX") && s.contains("\"isbn\"")),
        "{sql:?}"
    );
}
