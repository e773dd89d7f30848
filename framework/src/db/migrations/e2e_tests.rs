//! End to end in memory: models change, `makemigrations` runs the autodetector, files are
//! written and read back, the graph replays them and every backend gets SQL.

use chrono::{NaiveDate, NaiveDateTime};

use super::autodetector::changes;
use super::fixtures::{article, user};
use super::graph::{LATEST, MigrationGraph, MigrationKey};
use super::questioner::FixedAnswers;
use super::schema::{Backend, migration_forwards};
use super::writer::next_name;
use super::{MigrationFile, Operation, ProjectState};
use crate::db::models::{DefaultValue, FieldMeta, FieldType, IndexMeta, ModelMeta};

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 26)
        .and_then(|d| d.and_hms_opt(1, 30, 0))
        .unwrap()
}

/// The migration files of a project, as `makemigrations` would keep them.
#[derive(Default)]
struct Project {
    files: Vec<(String, String, MigrationFile)>,
}

impl Project {
    fn graph(&self) -> MigrationGraph {
        MigrationGraph::new(self.files.clone()).unwrap()
    }

    /// Runs the autodetector against `models`, writes (renders and re-reads) the new
    /// migrations and returns their keys.
    fn makemigrations(
        &mut self,
        models: &[ModelMeta],
        answers: &mut FixedAnswers,
    ) -> Vec<MigrationKey> {
        let graph = self.graph();
        let from = graph.project_state(graph.full_plan()).unwrap();
        let to = ProjectState::from_models(models.iter().cloned());
        let changes = changes(&from, &to, answers).unwrap();
        let mut named = Vec::new();
        for (app, change) in &changes.per_app {
            let name = next_name(graph.names(app), &change.operations, None, now());
            named.push((app.clone(), name, change.clone()));
        }
        let latest = |app: &str| {
            named
                .iter()
                .find(|(a, _, _)| a == app)
                .map(|(_, n, _)| n.clone())
                .or_else(|| graph.leaf(app).map(|k| k.name))
                .unwrap()
        };
        let mut keys = Vec::new();
        for (app, name, change) in &named {
            let dependencies = change
                .dependencies
                .iter()
                .map(|(a, n)| (a.clone(), if n == LATEST { latest(a) } else { n.clone() }))
                .collect();
            let file = MigrationFile {
                initial: graph.names(app).is_empty(),
                dependencies,
                operations: change.operations.clone(),
            };
            let text = file.render("0.1.0", now());
            let file = MigrationFile::parse(name, &text).unwrap();
            self.files.push((app.clone(), name.clone(), file));
            keys.push(MigrationKey::new(app.as_str(), name.as_str()));
        }
        keys
    }

    /// The SQL of the migrations `new`, per backend, applied in plan order.
    fn sql(&self, new: &[MigrationKey], backend: Backend) -> Vec<String> {
        let graph = self.graph();
        let mut state = ProjectState::new();
        let mut sql = Vec::new();
        for key in graph.full_plan() {
            let file = graph.file(key).unwrap();
            if new.contains(key) {
                sql.extend(migration_forwards(backend, &mut state, &key.app, file).unwrap());
            } else {
                graph.apply(&mut state, key).unwrap();
            }
        }
        sql
    }

    fn operations(&self, key: &MigrationKey) -> Vec<Operation> {
        self.graph().file(key).unwrap().operations.clone()
    }
}

fn key(app: &str, name: &str) -> MigrationKey {
    MigrationKey::new(app, name)
}

fn with_field(model: &ModelMeta, name: &str, field: Option<FieldMeta>) -> ModelMeta {
    let mut model = model.clone();
    match (model.fields.iter().position(|f| f.name == name), field) {
        (Some(at), Some(field)) => model.fields[at] = field,
        (Some(at), None) => {
            model.fields.remove(at);
        }
        (None, Some(field)) => model.fields.push(field),
        (None, None) => {}
    }
    model
}

/// Checks every backend gets SQL for `keys`, and that it contains `expected` per backend.
fn assert_sql(project: &Project, keys: &[MigrationKey], expected: [&str; 3]) {
    for (backend, expected) in Backend::ALL.into_iter().zip(expected) {
        let sql = project.sql(keys, backend);
        assert!(!sql.is_empty(), "{backend}: no SQL");
        assert!(
            sql.iter().any(|s| s == expected),
            "{backend}: {expected}\nnot in\n{sql:#?}"
        );
    }
}

#[test]
fn article_lifecycle_on_every_backend() {
    let mut project = Project::default();
    let mut answers = FixedAnswers {
        renames: true,
        default: Some(DefaultValue::Int(0)),
        asked: Vec::new(),
    };

    // Initial migrations: auth first, articles depending on it.
    let mut model = article();
    let keys = project.makemigrations(&[user(), model.clone()], &mut answers);
    assert_eq!(
        keys,
        [key("articles", "0001_initial"), key("auth", "0001_initial")]
    );
    let initial = project.graph().file(&keys[0]).unwrap().clone();
    assert!(initial.initial);
    assert_eq!(
        initial.dependencies,
        [("auth".to_owned(), "0001_initial".to_owned())]
    );
    assert_eq!(
        project.graph().full_plan(),
        [key("auth", "0001_initial"), key("articles", "0001_initial")]
    );
    assert_sql(
        &project,
        &keys,
        [
            "CREATE TABLE \"articles_article\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, \"title\" varchar(200) NOT NULL, \"content\" text NOT NULL, \"author_id\" bigint NOT NULL REFERENCES \"auth_user\" (\"id\") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, \"created_at\" datetime NOT NULL, \"updated_at\" datetime NOT NULL)",
            "CREATE TABLE \"articles_article\" (\"id\" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, \"title\" varchar(200) NOT NULL, \"content\" text NOT NULL, \"author_id\" bigint NOT NULL, \"created_at\" timestamp NOT NULL, \"updated_at\" timestamp NOT NULL)",
            "CREATE TABLE `articles_article` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, `title` varchar(200) NOT NULL, `content` longtext NOT NULL, `author_id` bigint NOT NULL, `created_at` datetime(6) NOT NULL, `updated_at` datetime(6) NOT NULL)",
        ],
    );

    // Add a NOT NULL field: the questioner provides a one-off default.
    let views = FieldMeta::new("views", FieldType::IntegerField);
    model = with_field(&model, "views", Some(views.clone()));
    let keys = project.makemigrations(&[user(), model.clone()], &mut answers);
    assert_eq!(keys, [key("articles", "0002_article_views")]);
    let mut one_off = views.clone();
    one_off.default = Some(DefaultValue::Int(0));
    assert_eq!(
        project.operations(&keys[0]),
        [Operation::AddField {
            model_name: "article".into(),
            field: one_off,
            preserve_default: false,
        }]
    );
    assert_eq!(answers.asked, ["not null addition article.views"]);
    assert_sql(
        &project,
        &keys,
        [
            "INSERT INTO \"new__articles_article\" (\"id\", \"title\", \"content\", \"author_id\", \"created_at\", \"updated_at\", \"views\") SELECT \"id\", \"title\", \"content\", \"author_id\", \"created_at\", \"updated_at\", 0 FROM \"articles_article\"",
            "ALTER TABLE \"articles_article\" ADD COLUMN \"views\" integer DEFAULT 0 NOT NULL",
            "ALTER TABLE `articles_article` ADD COLUMN `views` integer DEFAULT 0 NOT NULL",
        ],
    );

    // Alter max_length.
    let title = FieldMeta::new("title", FieldType::CharField { max_length: 255 });
    model = with_field(&model, "title", Some(title));
    let keys = project.makemigrations(&[user(), model.clone()], &mut answers);
    assert_eq!(keys, [key("articles", "0003_alter_article_title")]);
    assert!(matches!(
        project.operations(&keys[0]).as_slice(),
        [Operation::AlterField { name, field, preserve_default: true, .. }]
            if name == "title" && field.max_length() == Some(255)
    ));
    assert_sql(
        &project,
        &keys,
        [
            "DROP TABLE \"articles_article\"",
            "ALTER TABLE \"articles_article\" ALTER COLUMN \"title\" TYPE varchar(255) USING \"title\"::varchar(255)",
            "ALTER TABLE `articles_article` MODIFY `title` varchar(255) NOT NULL",
        ],
    );

    // Rename a field: the questioner says yes.
    let headline = FieldMeta::new("headline", FieldType::CharField { max_length: 255 });
    model = with_field(
        &with_field(&model, "title", None),
        "headline",
        Some(headline),
    );
    let keys = project.makemigrations(&[user(), model.clone()], &mut answers);
    assert_eq!(
        keys,
        [key("articles", "0004_rename_title_article_headline")]
    );
    assert_eq!(
        project.operations(&keys[0]),
        [Operation::RenameField {
            model_name: "article".into(),
            old_name: "title".into(),
            new_name: "headline".into(),
        }]
    );
    assert_eq!(
        answers.asked[1],
        "rename field article.title -> headline (CharField)"
    );
    assert_sql(
        &project,
        &keys,
        [
            "ALTER TABLE \"articles_article\" RENAME COLUMN \"title\" TO \"headline\"",
            "ALTER TABLE \"articles_article\" RENAME COLUMN \"title\" TO \"headline\"",
            "ALTER TABLE `articles_article` RENAME COLUMN `title` TO `headline`",
        ],
    );

    // Add a unique index.
    let index = IndexMeta {
        name: "article_headline_author_uniq".into(),
        fields: vec!["headline".into(), "author".into()],
        unique: true,
    };
    model.indexes.push(index.clone());
    let keys = project.makemigrations(&[user(), model.clone()], &mut answers);
    assert_eq!(
        keys,
        [key("articles", "0005_article_article_headline_author_uniq")]
    );
    assert_eq!(
        project.operations(&keys[0]),
        [Operation::AddIndex {
            model_name: "article".into(),
            index,
        }]
    );
    assert_sql(
        &project,
        &keys,
        [
            "CREATE UNIQUE INDEX \"article_headline_author_uniq\" ON \"articles_article\" (\"headline\", \"author_id\")",
            "CREATE UNIQUE INDEX \"article_headline_author_uniq\" ON \"articles_article\" (\"headline\", \"author_id\")",
            "CREATE UNIQUE INDEX `article_headline_author_uniq` ON `articles_article` (`headline`, `author_id`)",
        ],
    );

    // Remove a field.
    model = with_field(&model, "content", None);
    let keys = project.makemigrations(&[user(), model.clone()], &mut answers);
    assert_eq!(keys, [key("articles", "0006_remove_article_content")]);
    assert_eq!(
        project.operations(&keys[0]),
        [Operation::RemoveField {
            model_name: "article".into(),
            name: "content".into(),
        }]
    );
    assert_sql(
        &project,
        &keys,
        [
            "DROP TABLE \"articles_article\"",
            "ALTER TABLE \"articles_article\" DROP COLUMN \"content\"",
            "ALTER TABLE `articles_article` DROP COLUMN `content`",
        ],
    );

    // Delete the model.
    let keys = project.makemigrations(&[user()], &mut answers);
    assert_eq!(keys, [key("articles", "0007_delete_article")]);
    assert_eq!(
        project.operations(&keys[0]),
        [Operation::DeleteModel {
            name: "Article".into(),
        }]
    );
    assert_sql(
        &project,
        &keys,
        [
            "DROP TABLE \"articles_article\"",
            "DROP TABLE \"articles_article\"",
            "DROP TABLE `articles_article`",
        ],
    );

    // Nothing left to do; the history replays to the compiled models.
    assert!(project.makemigrations(&[user()], &mut answers).is_empty());
    let graph = project.graph();
    assert_eq!(
        graph.project_state(graph.full_plan()).unwrap(),
        ProjectState::from_models([user()])
    );
}
