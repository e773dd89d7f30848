//! Models shared by the tests: `auth.User` and `articles.Article`.

use super::operations::Operation;
use super::options::ModelOptions;
use super::state::ProjectState;
use crate::db::models::{FieldMeta, FieldType, ModelMeta, OnDelete};

pub fn user() -> ModelMeta {
    let mut username = FieldMeta::new("username", FieldType::CharField { max_length: 150 });
    username.unique = true;
    ModelMeta::new("auth", "User")
        .field(FieldMeta::new("id", FieldType::BigAutoField).primary_key())
        .field(username)
}

pub fn author() -> FieldMeta {
    FieldMeta::new(
        "author",
        FieldType::ForeignKey {
            to: "auth.user".into(),
            on_delete: OnDelete::Cascade,
        },
    )
}

pub fn article() -> ModelMeta {
    let mut created_at = FieldMeta::new("created_at", FieldType::DateTimeField);
    created_at.auto_now_add = true;
    let mut updated_at = FieldMeta::new("updated_at", FieldType::DateTimeField);
    updated_at.auto_now = true;
    ModelMeta::new("articles", "Article")
        .field(FieldMeta::new("id", FieldType::BigAutoField).primary_key())
        .field(FieldMeta::new(
            "title",
            FieldType::CharField { max_length: 200 },
        ))
        .field(FieldMeta::new("content", FieldType::TextField))
        .field(author())
        .field(created_at)
        .field(updated_at)
}

pub fn create(model: &ModelMeta) -> Operation {
    Operation::CreateModel {
        name: model.name.clone(),
        fields: model.fields.clone(),
        options: ModelOptions::from_meta(model),
    }
}

/// A state with `auth.User` and `articles.Article`, built by replaying operations.
pub fn state() -> ProjectState {
    let mut state = ProjectState::new();
    state.apply("auth", &create(&user())).unwrap();
    state.apply("articles", &create(&article())).unwrap();
    state
}
