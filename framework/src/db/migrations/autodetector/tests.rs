use super::*;
use crate::db::migrations::error::ErrorKind;
use crate::db::migrations::fixtures::{article, user};
use crate::db::migrations::questioner::{FixedAnswers, NonInteractive};
use crate::db::models::{DefaultValue, FieldMeta, FieldType, OnDelete};

fn state(models: &[ModelMeta]) -> ProjectState {
    ProjectState::from_models(models.iter().cloned())
}

fn yes() -> FixedAnswers {
    FixedAnswers {
        renames: true,
        default: Some(DefaultValue::Int(1)),
        asked: Vec::new(),
    }
}

fn fk(name: &str, to: &str) -> FieldMeta {
    let mut field = FieldMeta::new(
        name,
        FieldType::ForeignKey {
            to: to.into(),
            on_delete: OnDelete::SetNull,
        },
    );
    field.null = true;
    field
}

fn names(operations: &[Operation]) -> Vec<String> {
    operations.iter().map(Operation::describe).collect()
}

#[test]
fn initial_models_come_with_cross_app_dependencies() {
    let found = changes(
        &ProjectState::new(),
        &state(&[user(), article()]),
        &mut NonInteractive,
    )
    .unwrap();
    assert_eq!(names(found.operations("auth")), ["Create model User"]);
    assert_eq!(
        names(found.operations("articles")),
        ["Create model Article"]
    );
    assert_eq!(
        found.per_app["articles"].dependencies,
        [("auth".to_owned(), LATEST.to_owned())]
    );
    assert!(found.per_app["auth"].dependencies.is_empty());
    let same = changes(
        &state(&[user(), article()]),
        &state(&[user(), article()]),
        &mut NonInteractive,
    )
    .unwrap();
    assert!(same.is_empty());
}

#[test]
fn field_order_alone_is_no_change() {
    let mut shuffled = article();
    shuffled.fields.reverse();
    let found = changes(
        &state(&[user(), article()]),
        &state(&[user(), shuffled]),
        &mut NonInteractive,
    )
    .unwrap();
    assert!(found.is_empty());
}

#[test]
fn not_null_additions_need_a_default() {
    let mut more = article();
    more.fields
        .push(FieldMeta::new("views", FieldType::IntegerField));
    let from = state(&[user(), article()]);
    let to = state(&[user(), more.clone()]);
    let error = changes(&from, &to, &mut NonInteractive).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Aborted);
    assert!(
        error
            .message()
            .starts_with("It is impossible to add a non-nullable field 'views' to article")
    );
    let mut quit = FixedAnswers::default();
    let error = changes(&from, &to, &mut quit).unwrap_err();
    assert!(
        error
            .message()
            .starts_with("Stopped: the new non-nullable field 'views' on article")
    );
    // Blank text and auto_now dates need no question.
    let mut quiet = article();
    let mut summary = FieldMeta::new("summary", FieldType::TextField);
    summary.blank = true;
    let mut seen = FieldMeta::new("seen_at", FieldType::DateTimeField);
    seen.auto_now = true;
    quiet.fields.extend([summary, seen]);
    let mut silent = FixedAnswers::default();
    let found = changes(&from, &state(&[user(), quiet]), &mut silent).unwrap();
    assert_eq!(
        names(found.operations("articles")),
        [
            "Add field summary to article",
            "Add field seen_at to article"
        ]
    );
    assert!(silent.asked.is_empty());
}

#[test]
fn null_to_not_null_asks_for_a_default() {
    let mut nullable = article();
    nullable.fields[1].null = true;
    let mut answers = FixedAnswers {
        default: Some(DefaultValue::Str("untitled".into())),
        ..FixedAnswers::default()
    };
    let found = changes(
        &state(&[user(), nullable]),
        &state(&[user(), article()]),
        &mut answers,
    )
    .unwrap();
    let Operation::AlterField {
        field,
        preserve_default,
        ..
    } = &found.operations("articles")[0]
    else {
        panic!("{found:?}");
    };
    assert_eq!(field.default, Some(DefaultValue::Str("untitled".into())));
    assert!(!preserve_default);
    assert_eq!(answers.asked, ["not null alteration article.title"]);
}

#[test]
fn renamed_models_are_asked_about() {
    let mut post = article();
    post.name = "Post".into();
    post.db_table = "articles_post".into();
    post.verbose_name = "post".into();
    post.verbose_name_plural = "posts".into();
    let from = state(&[user(), post]);
    let to = state(&[user(), article()]);
    let mut answers = yes();
    let found = changes(&from, &to, &mut answers).unwrap();
    assert_eq!(
        names(found.operations("articles")),
        ["Rename model Post to Article"]
    );
    assert_eq!(answers.asked, ["rename model articles.post -> Article"]);
    let found = changes(&from, &to, &mut NonInteractive).unwrap();
    assert_eq!(
        names(found.operations("articles")),
        ["Create model Article", "Delete model Post"]
    );
}

#[test]
fn circular_new_models_defer_one_foreign_key() {
    let a = ModelMeta::new("shop", "Alpha")
        .field(FieldMeta::new("id", FieldType::BigAutoField).primary_key())
        .field(fk("beta", "shop.beta"));
    let b = ModelMeta::new("shop", "Beta")
        .field(FieldMeta::new("id", FieldType::BigAutoField).primary_key())
        .field(fk("alpha", "shop.alpha"))
        .field(fk("parent", "shop.beta"));
    let found = changes(&ProjectState::new(), &state(&[a, b]), &mut NonInteractive).unwrap();
    assert_eq!(
        names(found.operations("shop")),
        [
            "Create model Alpha",
            "Create model Beta",
            "Add field beta to alpha"
        ]
    );
}

#[test]
fn cross_app_cycles_and_primary_keys_need_hand_written_migrations() {
    let a = ModelMeta::new("one", "A")
        .field(FieldMeta::new("id", FieldType::BigAutoField).primary_key())
        .field(fk("b", "two.b"));
    let b = ModelMeta::new("two", "B")
        .field(FieldMeta::new("id", FieldType::BigAutoField).primary_key())
        .field(fk("a", "one.a"));
    let error = changes(&ProjectState::new(), &state(&[a, b]), &mut NonInteractive).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unsupported);
    assert!(error.message().contains("cannot be detected automatically; write this migration by hand with `makemigrations --empty APP` and RunSQL."), "{error}");
    let mut small = article();
    small.fields[0].field_type = FieldType::AutoField;
    let error = changes(
        &state(&[user(), article()]),
        &state(&[user(), small]),
        &mut NonInteractive,
    )
    .unwrap_err();
    assert!(
        error.message().starts_with(
            "Changing the primary key of articles.article cannot be detected automatically"
        ),
        "{error}"
    );
}

#[test]
fn deleting_a_referenced_model_waits_for_the_referrers() {
    let mut no_author = article();
    no_author.fields.retain(|f| f.name != "author");
    let found = changes(
        &state(&[user(), article()]),
        &state(&[no_author]),
        &mut NonInteractive,
    )
    .unwrap();
    assert_eq!(
        names(found.operations("articles")),
        ["Remove field author from article"]
    );
    assert_eq!(names(found.operations("auth")), ["Delete model User"]);
    assert_eq!(
        found.per_app["auth"].dependencies,
        [("articles".to_owned(), LATEST.to_owned())]
    );
}

#[test]
fn indexes_together_options_and_tables() {
    let mut before = article();
    before.unique_together = vec![vec!["title".into(), "author".into()]];
    let mut after = article();
    after.fields.retain(|f| f.name != "title");
    after.unique_together = vec![vec!["content".into(), "author".into()]];
    after.ordering = vec!["-created_at".into()];
    after.db_table = "news".into();
    let found = changes(
        &state(&[user(), before]),
        &state(&[user(), after]),
        &mut NonInteractive,
    )
    .unwrap();
    assert_eq!(
        names(found.operations("articles")),
        [
            "Alter unique_together for article (0 constraint(s))",
            "Remove field title from article",
            "Alter unique_together for article (1 constraint(s))",
            "Change Meta options on article",
            "Rename table for article to news",
        ]
    );
}

#[test]
fn an_integer_becoming_a_foreign_key_on_its_column_is_altered_not_dropped() {
    // `author_id: i64` becomes `#[field(foreign_key = "auth.User")] author_id: i64`: the field
    // is now called `author` but keeps the column `author_id` and its data.
    let mut before = article();
    before.fields.retain(|f| f.name != "author");
    let mut plain = FieldMeta::new("author_id", FieldType::BigIntegerField);
    plain.column = "author_id".into();
    before.fields.push(plain);
    let mut after = article();
    after.fields.retain(|f| f.name != "author");
    let mut key = fk("author", "auth.user");
    key.null = false;
    key.column = "author_id".into();
    after.fields.push(key);

    let found = changes(
        &state(&[user(), before]),
        &state(&[user(), after]),
        &mut NonInteractive,
    )
    .unwrap();
    assert_eq!(
        names(found.operations("articles")),
        [
            "Rename field author_id on article to author",
            "Alter field author on article"
        ]
    );
}
