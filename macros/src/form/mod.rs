//! `#[derive(Form)]`: parsing (`attrs`) and code generation (`expand`).

mod attrs;
mod expand;

use proc_macro2::TokenStream;
use syn::{Data, DeriveInput, Fields};

/// Parses the struct and generates the `pony::forms::Form` implementation (and
/// `ModelForm` with `#[form(model = …)]`).
pub(crate) fn expand(input: DeriveInput) -> syn::Result<TokenStream> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "#[derive(Form)] needs a struct with named fields: `struct ContactForm { name: String, … }`",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "#[derive(Form)] needs a struct with named fields: `struct ContactForm { name: String, … }`",
        ));
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "a form cannot have generic parameters",
        ));
    }
    let form = attrs::FormDef::parse(&input, fields)?;
    Ok(expand::expand_form(&form))
}
