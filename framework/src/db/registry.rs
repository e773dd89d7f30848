//! Every model compiled into the binary, found without registering it by hand: declaring a
//! `#[derive(Model)]` struct in an app is enough for `makemigrations` to see it, as in Django.

use crate::db::models::ModelMeta;
use crate::db::rows::ModelHandle;

/// One model, submitted by `#[derive(Model)]`.
pub struct RegisteredModel {
    /// The model's metadata.
    pub meta: fn() -> &'static ModelMeta,
    /// What code with only the model's key can do with its rows.
    pub handle: &'static dyn ModelHandle,
}

impl std::fmt::Debug for RegisteredModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RegisteredModel({})", (self.meta)().key())
    }
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

/// The rows of the model with key `key` (`"articles.article"`, Django's `label_lower`; any
/// case), for code that knows no more of it than that.
///
/// ```
/// assert!(pony::db::registry::handle("auth.user").is_some());
/// assert!(pony::db::registry::handle("Auth.User").is_some());
/// assert!(pony::db::registry::handle("auth.nobody").is_none());
/// ```
pub fn handle(key: &str) -> Option<&'static dyn ModelHandle> {
    let (app_label, name) = key.split_once('.')?;
    inventory::iter::<RegisteredModel>
        .into_iter()
        .find(|model| {
            let meta = (model.meta)();
            meta.app_label.eq_ignore_ascii_case(app_label) && meta.name.eq_ignore_ascii_case(name)
        })
        .map(|model| model.handle)
}
