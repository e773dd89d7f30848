use super::*;
use crate::db::migrations::fixtures::{article, state, user};
use crate::db::models::{DefaultValue, FieldType, OnDelete};

fn op_alter(name: &str, field: FieldMeta) -> Operation {
    Operation::AlterField {
        model_name: "article".into(),
        name: name.into(),
        field,
        preserve_default: true,
    }
}

#[test]
fn replayed_models_equal_the_compiled_ones() {
    let state = state();
    assert_eq!(state.get("articles", "Article"), Some(&article()));
    assert_eq!(state.get_key("auth.User"), Some(&user()));
    assert_eq!(state, ProjectState::from_models([user(), article()]));
}

#[test]
fn inconsistent_operations_are_errors() {
    let mut state = state();
    let field = FieldMeta::new("nope", FieldType::TextField);
    let error = state
        .apply("articles", &op_alter("nope", field))
        .unwrap_err();
    assert_eq!(
        error.message(),
        "cannot alter field article.nope: no such field"
    );
    let error = state
        .apply(
            "articles",
            &Operation::DeleteModel {
                name: "Comment".into(),
            },
        )
        .unwrap_err();
    assert_eq!(
        error.message(),
        "cannot delete model articles.Comment: no such model articles.comment"
    );
    let error = state
        .apply(
            "auth",
            &Operation::DeleteModel {
                name: "User".into(),
            },
        )
        .unwrap_err();
    assert_eq!(
        error.message(),
        "cannot delete model auth.User: articles.article.author still refers to it"
    );
    let mut dangling = FieldMeta::new(
        "editor",
        FieldType::ForeignKey {
            to: "auth.group".into(),
            on_delete: OnDelete::SetNull,
        },
    );
    dangling.null = true;
    let add = Operation::AddField {
        model_name: "article".into(),
        field: dangling,
        preserve_default: true,
    };
    let error = state.apply("articles", &add).unwrap_err();
    assert!(
        error
            .message()
            .contains("refers to auth.group, which does not exist")
    );
    assert_eq!(
        state,
        super::super::fixtures::state(),
        "failed operations change nothing"
    );
}

#[test]
fn rename_model_follows_foreign_keys_and_default_names() {
    let mut state = state();
    let rename = Operation::RenameModel {
        old_name: "User".into(),
        new_name: "Person".into(),
    };
    state.apply("auth", &rename).unwrap();
    let person = state.get("auth", "person").unwrap();
    assert_eq!(person.db_table, "auth_person");
    assert_eq!(person.verbose_name_plural, "persons");
    assert!(state.get("auth", "user").is_none());
    let author = state
        .get("articles", "article")
        .unwrap()
        .get_field("author")
        .unwrap();
    assert_eq!(
        author.field_type,
        FieldType::ForeignKey {
            to: "auth.person".into(),
            on_delete: OnDelete::Cascade
        }
    );
}

#[test]
fn rename_field_follows_references() {
    let mut state = ProjectState::new();
    let mut model = article();
    model.unique_together = vec![vec!["title".into(), "author".into()]];
    model.ordering = vec!["-title".into(), "author__username".into()];
    model.indexes = vec![IndexMeta {
        name: "article_title_idx".into(),
        fields: vec!["title".into()],
        unique: false,
    }];
    state
        .apply("auth", &super::super::fixtures::create(&user()))
        .unwrap();
    state
        .apply("articles", &super::super::fixtures::create(&model))
        .unwrap();
    for (old, new) in [("title", "headline"), ("author", "writer")] {
        let rename = Operation::RenameField {
            model_name: "article".into(),
            old_name: old.into(),
            new_name: new.into(),
        };
        state.apply("articles", &rename).unwrap();
    }
    let model = state.get("articles", "article").unwrap();
    assert_eq!(model.get_field("headline").unwrap().column, "headline");
    assert_eq!(model.get_field("writer").unwrap().column, "writer_id");
    assert_eq!(model.unique_together, [["headline", "writer"]]);
    assert_eq!(model.indexes[0].fields, ["headline"]);
    assert_eq!(model.ordering, ["-headline", "writer__username"]);
}

#[test]
fn one_off_defaults_are_not_kept() {
    let mut state = state();
    let mut field = FieldMeta::new("views", FieldType::IntegerField);
    field.default = Some(DefaultValue::Int(0));
    let add = Operation::AddField {
        model_name: "article".into(),
        field,
        preserve_default: false,
    };
    state.apply("articles", &add).unwrap();
    let model = state.get("articles", "article").unwrap();
    assert_eq!(model.get_field("views").unwrap().default, None);
}

#[test]
fn fields_in_use_cannot_be_removed() {
    let mut state = state();
    let index = Operation::AddIndex {
        model_name: "article".into(),
        index: IndexMeta {
            name: "article_title_idx".into(),
            fields: vec!["title".into()],
            unique: false,
        },
    };
    state.apply("articles", &index).unwrap();
    assert!(
        state.apply("articles", &index).is_err(),
        "duplicate index name"
    );
    let remove = Operation::RemoveField {
        model_name: "article".into(),
        name: "title".into(),
    };
    let error = state.apply("articles", &remove).unwrap_err();
    assert_eq!(
        error.message(),
        "cannot remove field article.title: index article_title_idx uses it (remove the index first)"
    );
    let remove_pk = Operation::RemoveField {
        model_name: "article".into(),
        name: "id".into(),
    };
    assert!(state.apply("articles", &remove_pk).is_err());
}
