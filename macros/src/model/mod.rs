//! `#[derive(Model)]`: parsing (`attrs`, `types`) and code generation (`expand`).

mod attrs;
mod expand;
mod relations;
mod types;

use proc_macro2::TokenStream;
use syn::{Data, DeriveInput, Fields};

pub(crate) use expand::expand_model;
pub(crate) use types::option_inner;

/// The most columns diesel's `table!`, insert tuples and changesets handle by default.
const MAX_FIELDS: usize = 32;

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
    let data = match &input.data {
        Data::Struct(data) => data,
        Data::Enum(data) => {
            return Err(syn::Error::new(
                data.enum_token.span,
                "#[derive(Model)] needs a struct with named fields, not an enum (for a field \
                 with a fixed set of values, use a String field with \
                 #[field(choices = \"value:Label, …\")])",
            ));
        }
        Data::Union(data) => {
            return Err(syn::Error::new(
                data.union_token.span,
                "#[derive(Model)] needs a struct with named fields, not a union",
            ));
        }
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "#[derive(Model)] needs a struct with named fields: `struct Article { id: i64, … }`",
        ));
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "a model cannot have generic parameters",
        ));
    }
    if fields.named.len() > MAX_FIELDS {
        return Err(syn::Error::new_spanned(
            &input.ident,
            format!(
                "a model has at most {MAX_FIELDS} fields (diesel's tables, inserts and updates \
                 are limited to {MAX_FIELDS} columns); this one has {}: move some into a \
                 related model",
                fields.named.len()
            ),
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
