//! Every model compiled into the binary, found without registering it by hand: declaring a
//! `#[derive(Model)]` struct in an app is enough for `makemigrations` to see it, as in Django.

use crate::db::models::ModelMeta;

/// One model, submitted by `#[derive(Model)]`.
#[derive(Debug)]
pub struct RegisteredModel {
    /// The model's metadata.
    pub meta: fn() -> &'static ModelMeta,
}

inventory::collect!(RegisteredModel);

/// Every model in the binary, ordered by app label and name.
pub fn all_models() -> Vec<&'static ModelMeta> {
    let mut models: Vec<&'static ModelMeta> = inventory::iter::<RegisteredModel>
        .into_iter()
        .map(|model| (model.meta)())
        .collect();
    models.sort_by(|a, b| (&a.app_label, &a.name).cmp(&(&b.app_label, &b.name)));
    models
}

/// The models of one app.
pub fn models_of(app_label: &str) -> Vec<&'static ModelMeta> {
    all_models()
        .into_iter()
        .filter(|model| model.app_label == app_label)
        .collect()
}
