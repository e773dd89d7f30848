//! Models and migrations as a user drives them: the real `cargo manage makemigrations` and
//! `migrate` on a generated project, through every ordinary model change, on SQLite,
//! PostgreSQL and MariaDB, checking each time that the data is kept.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use pony_tests::databases::TestDatabase;
use pony_tests::{cargo, cargo_in, edit, new_project, target_dir};

const MODELS_V1: &str = r#"//! Models of shop.

#[derive(pony::Model, Debug, Clone)]
pub struct Product {
    pub id: i64,
    #[field(max_length = 50)]
    pub name: String,
    pub price: i32,
}

#[derive(pony::Model, Debug, Clone)]
pub struct Tag {
    pub id: i64,
    #[field(max_length = 30)]
    pub label: String,
}
"#;

/// A generated project with a `shop` app, on one database.
struct Shop {
    _dir: tempfile::TempDir,
    project: PathBuf,
    db: TestDatabase,
    binary: PathBuf,
}

impl Shop {
    /// A project named after the test (`name`) on `backend` (`sqlite`, `postgres`, `mysql`).
    fn new(backend: &str, name: &str) -> Option<Shop> {
        let label = backend;
        let name = format!("migrations_{name}");
        let url_var = match label {
            "postgres" => Some("PONY_TEST_POSTGRES_URL"),
            "mysql" => Some("PONY_TEST_MYSQL_URL"),
            _ => None,
        };
        let server = match url_var.map(std::env::var) {
            Some(Ok(url)) => Some(url),
            Some(Err(_)) => {
                eprintln!(
                    "skipped: set {} to run the {label} migrations test",
                    url_var.unwrap_or_default()
                );
                return None;
            }
            None => None,
        };
        let (dir, project) = new_project(&name);
        let db = match label {
            "postgres" => TestDatabase::postgres(&server.unwrap(), &name),
            "mysql" => {
                edit(
                    &project.join("Cargo.toml"),
                    "framework\" }",
                    "framework\", features = [\"mysql\"] }",
                );
                TestDatabase::mysql(&server.unwrap(), &name)
            }
            _ => TestDatabase::Sqlite(project.join("db.sqlite3")),
        };
        let (code, out, err) = cargo_in(&project, &["manage", "startapp", "shop"]);
        assert_eq!(code, 0, "{out}{err}");
        std::fs::write(project.join("src/shop/models.rs"), MODELS_V1).unwrap();
        let binary = target_dir().join("debug").join(&name);
        Some(Shop {
            _dir: dir,
            project,
            db,
            binary,
        })
    }

    /// `cargo manage ARGS` with this database, answering prompts with `input`.
    fn manage(&self, args: &[&str], input: &str) -> (i32, String, String) {
        let mut command = cargo();
        command
            .args(["manage"])
            .args(args)
            .current_dir(&self.project)
            .env("DATABASE_URL", self.db.url())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// makemigrations (answering `input`), expecting `lines` in its report; then migrate,
    /// expecting it to apply `migration`.
    fn change(&self, input: &str, lines: &[&str], migration: &str) {
        let (code, out, err) = self.manage(&["makemigrations"], input);
        assert_eq!(
            code,
            0,
            "[{}] makemigrations failed:\n{out}{err}",
            self.db.label()
        );
        for line in lines {
            assert!(
                out.contains(line),
                "[{}] makemigrations lacks {line:?}:\n{out}",
                self.db.label()
            );
        }
        let (code, out, err) = self.manage(&["migrate"], "");
        if code != 0 {
            let (_, sql, _) = self.manage(&["sqlmigrate", "shop", migration], "");
            let schema = self
                .db
                .query("SELECT sql FROM sqlite_master")
                .unwrap_or_default();
            panic!(
                "[{}] migrate failed:\n{out}{err}\nSQL:\n{sql}\nschema:\n{schema}",
                self.db.label()
            );
        }
        let applying = format!("Applying shop.{migration}... OK");
        assert!(
            out.contains(&applying),
            "[{}] expected {applying:?}:\n{out}",
            self.db.label()
        );
    }

    fn models(&self) -> PathBuf {
        self.project.join("src/shop/models.rs")
    }

    fn query(&self, sql: &str) -> String {
        self.db
            .query(sql)
            .unwrap_or_else(|e| panic!("[{}] {sql}: {e}", self.db.label()))
    }
}

/// Every ordinary model change, one migration each, with data kept throughout.
fn every_change_keeps_the_data(backend: &str) {
    let Some(shop) = Shop::new(backend, backend) else {
        return;
    };

    shop.change(
        "",
        &[
            "Migrations for 'shop':",
            "0001_initial.toml",
            "+ Create model Product",
            "+ Create model Tag",
        ],
        "0001_initial",
    );
    shop.query("INSERT INTO shop_product (name, price) VALUES ('pen', 3)");
    shop.query("INSERT INTO shop_tag (label) VALUES ('office')");

    edit(
        &shop.models(),
        "    pub price: i32,\n",
        "    pub price: i32,\n    #[field(default = 7)]\n    pub stock: i32,\n",
    );
    shop.change("", &["+ Add field stock to product"], "0002_product_stock");
    assert_eq!(
        shop.query("SELECT name, price, stock FROM shop_product"),
        "pen\t3\t7"
    );

    edit(&shop.models(), "max_length = 50", "max_length = 120");
    shop.change(
        "",
        &["~ Alter field name on product"],
        "0003_alter_product_name",
    );
    shop.query(&format!(
        "INSERT INTO shop_product (name, price, stock) VALUES ('{}', 1, 1)",
        "x".repeat(100)
    ));

    edit(&shop.models(), "pub name: String", "pub title: String");
    let (code, out, err) = shop.manage(&["makemigrations", "--dry-run"], "y\n");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Was product.name renamed to product.title (a CharField)? [y/N]"),
        "{out}"
    );
    shop.change(
        "y\n",
        &["~ Rename field name on product to title"],
        "0004_rename_name_product_title",
    );
    assert_eq!(
        shop.query("SELECT title FROM shop_product WHERE price = 3"),
        "pen"
    );

    edit(
        &shop.models(),
        "    #[field(max_length = 120)]\n",
        "    #[field(max_length = 120, unique)]\n",
    );
    shop.change(
        "",
        &["~ Alter field title on product"],
        "0005_alter_product_title",
    );
    assert!(
        shop.db
            .query("INSERT INTO shop_product (title, price, stock) VALUES ('pen', 9, 9)")
            .is_err(),
        "the unique index refuses a duplicate"
    );

    // A many-to-many field: its link table is created, renamed with the field, and dropped.
    edit(
        &shop.models(),
        "    pub stock: i32,\n",
        "    pub stock: i32,\n    pub tags: pony::db::ManyToMany<Tag>,\n",
    );
    shop.change("", &["+ Add field tags to product"], "0006_product_tags");
    shop.query(
        "INSERT INTO shop_product_tags (product_id, tag_id) \
         SELECT p.id, t.id FROM shop_product p, shop_tag t WHERE p.title = 'pen'",
    );
    assert!(
        shop.db
            .query(
                "INSERT INTO shop_product_tags (product_id, tag_id) \
                 SELECT p.id, t.id FROM shop_product p, shop_tag t WHERE p.title = 'pen'"
            )
            .is_err(),
        "a pair is linked once"
    );
    edit(&shop.models(), "pub tags:", "pub labels:");
    shop.change(
        "y\n",
        &["~ Rename field tags on product to labels"],
        "0007_rename_tags_product_labels",
    );
    assert_eq!(
        shop.query(
            "SELECT p.title, t.label FROM shop_product_labels l \
             JOIN shop_product p ON p.id = l.product_id JOIN shop_tag t ON t.id = l.tag_id"
        ),
        "pen\toffice"
    );
    edit(
        &shop.models(),
        "    pub labels: pony::db::ManyToMany<Tag>,\n",
        "",
    );
    shop.change(
        "",
        &["- Remove field labels from product"],
        "0008_remove_product_labels",
    );
    assert!(
        shop.db
            .query("SELECT COUNT(*) FROM shop_product_labels")
            .is_err(),
        "the link table is gone"
    );

    edit(&shop.models(), "    pub price: i32,\n", "");
    shop.change(
        "",
        &["- Remove field price from product"],
        "0009_remove_product_price",
    );
    assert_eq!(
        shop.query("SELECT title, stock FROM shop_product WHERE title = 'pen'"),
        "pen\t7"
    );

    let models = std::fs::read_to_string(shop.models()).unwrap();
    let without_tag = &models[..models
        .find("#[derive(pony::Model, Debug, Clone)]\npub struct Tag")
        .unwrap()];
    std::fs::write(shop.models(), without_tag).unwrap();
    shop.change("", &["- Delete model Tag"], "0010_delete_tag");
    assert!(
        shop.db.query("SELECT COUNT(*) FROM shop_tag").is_err(),
        "the tag table is gone"
    );
    assert_eq!(shop.query("SELECT COUNT(*) FROM shop_product"), "2");

    let (code, out, _) = shop.manage(&["makemigrations", "--check"], "");
    assert_eq!((code, out.trim()), (0, "No changes detected"));
    let (code, out, _) = shop.manage(&["migrate"], "");
    assert_eq!(code, 0);
    assert!(out.contains("No migrations to apply."), "{out}");
    let (_, out, _) = shop.manage(&["showmigrations", "shop"], "");
    assert!(out.contains(" [X] 0010_delete_tag"), "{out}");

    // And all the way back, and forwards again. (Undoing the removal of a NOT NULL column
    // without a default needs an empty table, as in Django.)
    shop.query("DELETE FROM shop_product");
    let (code, out, err) = shop.manage(&["migrate", "shop", "zero"], "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Unapplying shop.0001_initial... OK"), "{out}");
    assert!(
        shop.db.query("SELECT COUNT(*) FROM shop_product").is_err(),
        "unapplied to zero"
    );
    let (code, out, err) = shop.manage(&["migrate"], "");
    assert_eq!(code, 0, "{out}{err}");

    // Two migrate processes at once: each migration is applied exactly once.
    let (code, out, err) = shop.manage(&["migrate", "shop", "zero"], "");
    assert_eq!(code, 0, "{out}{err}");
    let racers: Vec<_> = (0..2)
        .map(|_| {
            Command::new(&shop.binary)
                .arg("migrate")
                .env("DATABASE_URL", shop.db.url())
                .current_dir(&shop.project)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<String> = racers
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&output.stdout).into_owned()
                + &String::from_utf8_lossy(&output.stderr);
            assert!(
                output.status.success(),
                "a concurrent migrate failed:\n{text}"
            );
            text
        })
        .collect();
    let all = outputs.concat();
    for number in 1..=10 {
        let applied = all.matches(&format!("Applying shop.{number:04}_")).count();
        assert_eq!(
            applied, 1,
            "migration {number} applied {applied} times:\n{all}"
        );
    }
}

/// A migration killed half-way is rolled back, not recorded; the next migrate applies it.
fn killed_migration_is_not_recorded(backend: &str) {
    let Some(shop) = Shop::new(backend, &format!("{backend}_killed")) else {
        return;
    };
    shop.change("", &["+ Create model Product"], "0001_initial");
    let (code, out, err) =
        shop.manage(&["makemigrations", "shop", "--empty", "--name", "slow"], "");
    assert_eq!(code, 0, "{out}{err}");
    let slow = shop.project.join("src/shop/migrations/0002_slow.toml");
    std::fs::write(
        &slow,
        r#"initial = false
dependencies = []

[[operations]]
type = "RunSQL"
sqlite = "CREATE TABLE shop_marker (id integer); WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) SELECT count(*) FROM c"
postgresql = "CREATE TABLE shop_marker (id integer); SELECT pg_sleep(60)"
reverse_sqlite = "DROP TABLE shop_marker"
reverse_postgresql = "DROP TABLE shop_marker"
"#,
    )
    .unwrap();
    let (code, out, err) = cargo_in(&shop.project, &["build", "--quiet"]);
    assert_eq!(code, 0, "{out}{err}");

    let mut migrate = Command::new(&shop.binary)
        .arg("migrate")
        .env("DATABASE_URL", shop.db.url())
        .current_dir(&shop.project)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        migrate.try_wait().unwrap().is_none(),
        "the slow migration is still running"
    );
    migrate.kill().unwrap();
    let _ = migrate.wait();
    std::thread::sleep(Duration::from_millis(300));

    let (_, out, _) = shop.manage(&["showmigrations", "shop"], "");
    assert!(
        out.contains(" [X] 0001_initial") && out.contains(" [ ] 0002_slow"),
        "{out}"
    );
    assert!(
        shop.db.query("SELECT COUNT(*) FROM shop_marker").is_err(),
        "the half-run migration left nothing"
    );
}

#[test]
fn sqlite_every_change_keeps_the_data() {
    every_change_keeps_the_data("sqlite");
}

#[test]
fn postgres_every_change_keeps_the_data() {
    every_change_keeps_the_data("postgres");
}

#[test]
fn mysql_every_change_keeps_the_data() {
    every_change_keeps_the_data("mysql");
}

#[test]
fn sqlite_killed_migration_is_not_recorded() {
    killed_migration_is_not_recorded("sqlite");
}

#[test]
fn postgres_killed_migration_is_not_recorded() {
    killed_migration_is_not_recorded("postgres");
}
