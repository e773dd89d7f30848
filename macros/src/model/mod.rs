//! `#[derive(Model)]`: parsing (`attrs`, `types`) and code generation (`expand`).

mod attrs;
mod expand;
mod types;

use proc_macro2::TokenStream;
use syn::{Data, DeriveInput, Fields};

pub(crate) use expand::expand_model;

/// The app label implied by where a model is declared: `src/articles/models.rs` and
/// `src/articles/models/article.rs` both mean `articles`.
pub(crate) fn app_from_source_path(file: &str) -> Option<String> {
    let parts: Vec<&str> = file.split(['/', '\\']).collect();
    let position = parts
        .iter()
        .rposition(|part| *part == "models.rs" || *part == "models")?;
    let app = *parts.get(position.checked_sub(1)?)?;
    (app != "src" && !app.is_empty()).then(|| app.to_owned())
}

/// Parses the struct and generates everything the derive emits.
pub(crate) fn expand(
    input: DeriveInput,
    app_from_path: Option<String>,
) -> syn::Result<TokenStream> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "#[derive(Model)] works on structs with named fields",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "#[derive(Model)] works on structs with named fields",
        ));
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "a model cannot have generic parameters",
        ));
    }
    let model = attrs::ModelDef::parse(&input, fields, app_from_path)?;
    Ok(expand_model(&model))
}

#[cfg(test)]
mod tests {
    use super::app_from_source_path;

    #[test]
    fn app_comes_from_the_models_file_location() {
        assert_eq!(
            app_from_source_path("src/articles/models.rs").as_deref(),
            Some("articles")
        );
        assert_eq!(
            app_from_source_path("example_project/src/polls/models/question.rs").as_deref(),
            Some("polls")
        );
        assert_eq!(app_from_source_path("src/models.rs"), None);
        assert_eq!(app_from_source_path("src/main.rs"), None);
    }
}
