use super::*;
use crate::db::migrations::fixtures::{article, create, user};
use crate::db::migrations::operations::Operation;
use crate::db::models::{FieldMeta, FieldType};

fn file(deps: &[(&str, &str)], operations: Vec<Operation>) -> MigrationFile {
    MigrationFile {
        initial: false,
        dependencies: deps
            .iter()
            .map(|(a, n)| (a.to_string(), n.to_string()))
            .collect(),
        operations,
    }
}

fn key(app: &str, name: &str) -> MigrationKey {
    MigrationKey::new(app, name)
}

fn graph() -> MigrationGraph {
    let alter = |name: &str| Operation::AlterField {
        model_name: "user".into(),
        name: "username".into(),
        field: FieldMeta::new(name, FieldType::CharField { max_length: 200 }),
        preserve_default: true,
    };
    MigrationGraph::new([
        (
            "articles".into(),
            "0002_x".into(),
            file(&[("auth", LATEST)], vec![]),
        ),
        (
            "articles".into(),
            "0001_initial".into(),
            file(&[("auth", "0001_initial")], vec![create(&article())]),
        ),
        (
            "auth".into(),
            "0001_initial".into(),
            file(&[], vec![create(&user())]),
        ),
        (
            "auth".into(),
            "0002_y".into(),
            file(&[], vec![alter("username")]),
        ),
        ("blog".into(), "0001_initial".into(), file(&[], vec![])),
    ])
    .unwrap()
}

#[test]
fn plans_follow_dependencies_then_app_order() {
    let graph = graph();
    assert_eq!(graph.apps(), ["articles", "auth", "blog"]);
    assert_eq!(
        graph.full_plan(),
        [
            key("auth", "0001_initial"),
            key("articles", "0001_initial"),
            key("auth", "0002_y"),
            key("articles", "0002_x"),
            key("blog", "0001_initial"),
        ]
    );
    assert_eq!(
        graph.plan(&[key("articles", "0001_initial")]).unwrap(),
        [key("auth", "0001_initial"), key("articles", "0001_initial")]
    );
    assert_eq!(graph.leaf("auth"), Some(key("auth", "0002_y")));
    assert_eq!(
        graph.dependencies(&key("articles", "0002_x")),
        [key("articles", "0001_initial"), key("auth", "0002_y")]
    );
}

#[test]
fn backwards_plans_unapply_dependents_first() {
    let graph = graph();
    assert_eq!(
        graph.backwards_plan("auth", "0001_initial").unwrap(),
        [key("articles", "0002_x"), key("auth", "0002_y")]
    );
    assert_eq!(
        graph.backwards_plan("auth", ZERO).unwrap(),
        [
            key("articles", "0002_x"),
            key("auth", "0002_y"),
            key("articles", "0001_initial"),
            key("auth", "0001_initial"),
        ]
    );
    assert_eq!(graph.backwards_plan("auth", "0002_y").unwrap(), []);
    assert!(graph.backwards_plan("auth", "0009_nope").is_err());
}

#[test]
fn states_replay_the_plan() {
    let graph = graph();
    let state = graph.state_at(&[key("articles", "0001_initial")]).unwrap();
    assert_eq!(state, ProjectState::from_models([user(), article()]));
    let full = graph.project_state(graph.full_plan()).unwrap();
    let username = full
        .get("auth", "user")
        .unwrap()
        .get_field("username")
        .unwrap();
    assert_eq!(username.max_length(), Some(200));
}

#[test]
fn broken_histories_are_errors() {
    let missing = MigrationGraph::new([(
        "articles".into(),
        "0001_initial".into(),
        file(&[("auth", "0009_nope")], vec![]),
    )])
    .unwrap_err();
    assert_eq!(
        missing.message(),
        "Migration articles.0001_initial depends on app auth, which has no migrations"
    );
    let cycle = MigrationGraph::new([
        (
            "a".into(),
            "0001_initial".into(),
            file(&[("b", "0001_initial")], vec![]),
        ),
        (
            "b".into(),
            "0001_initial".into(),
            file(&[("a", "0001_initial")], vec![]),
        ),
    ])
    .unwrap_err();
    assert_eq!(
        cycle.message(),
        "Circular dependency between migrations (each depends on the next): a.0001_initial -> b.0001_initial -> a.0001_initial"
    );
    let bad = MigrationGraph::new([
        (
            "articles".into(),
            "0001_initial".into(),
            file(&[], vec![create(&user())]),
        ),
        (
            "articles".into(),
            "0003_x".into(),
            file(
                &[],
                vec![Operation::RemoveField {
                    model_name: "user".into(),
                    name: "nope".into(),
                }],
            ),
        ),
    ])
    .unwrap();
    let error = bad.project_state(bad.full_plan()).unwrap_err();
    assert_eq!(
        error.message(),
        "Migration articles.0003_x: cannot remove field user.nope: no such field"
    );
}
