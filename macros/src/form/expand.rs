//! What `#[derive(Form)]` emits: the `Partial` companion struct, `pony::forms::Form` (field
//! specs, cleaning in Django's order, initial values) and, for a ModelForm, `pony::forms::ModelForm` plus
//! `from_instance`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use super::attrs::{FieldDef, FormDef};

pub(crate) fn expand_form(form: &FormDef) -> TokenStream {
    let ident = &form.ident;
    let partial = partial_struct(form);
    let partial_ident = partial_ident(form);
    let specs = form.fields.iter().map(|field| spec(form, field));
    let cleans = form.fields.iter().enumerate().map(|(index, field)| {
        let name = &field.ident;
        let ty = &field.ty;
        let hook = match &field.clean {
            Some(path) => quote!(|value| #path(value)),
            None => quote!(::std::result::Result::Ok),
        };
        // Assigned to the struct, not to locals, so a field named `data` or `errors` is fine.
        quote! {
            if let ::std::option::Option::Some(spec) = fields.get(#index) {
                partial.#name = ::pony::forms::clean_with_hook::<#ty>(data, spec, errors, #hook);
            }
        }
    });
    let names: Vec<&syn::Ident> = form.fields.iter().map(|f| &f.ident).collect();
    let form_clean = form.clean.as_ref().map(form_hook);
    let model_form = form.model.as_ref().map(|model| model_form(form, model));
    quote! {
        // In a block of its own, the companion struct is named only as
        // `pony::forms::Partial<Form>` and adds no name to the user's module.
        const _: () = {
            #partial

            impl ::pony::forms::Form for #ident {
                type Partial = #partial_ident;

                fn fields() -> &'static [::pony::forms::FieldSpec] {
                    static FIELDS: ::std::sync::OnceLock<::std::vec::Vec<::pony::forms::FieldSpec>> =
                        ::std::sync::OnceLock::new();
                    FIELDS.get_or_init(|| ::std::vec![#(#specs),*])
                }

                fn clean_fields(
                    data: &::pony::forms::FormData,
                    errors: &mut ::pony::forms::FormErrors,
                ) -> #partial_ident {
                    let fields = <Self as ::pony::forms::Form>::fields();
                    let mut partial = <#partial_ident as ::std::default::Default>::default();
                    #(#cleans)*
                    partial
                }

                #form_clean

                fn from_partial(partial: #partial_ident) -> ::std::option::Option<Self> {
                    ::std::option::Option::Some(#ident { #(#names: partial.#names?,)* })
                }

                fn initial_values(&self) -> ::std::vec::Vec<::std::option::Option<::std::string::String>> {
                    ::std::vec![#(::pony::forms::FormValue::display(&self.#names)),*]
                }
            }
        };

        #model_form
    }
}

/// `PartialSignupForm` for `SignupForm`.
fn partial_ident(form: &FormDef) -> syn::Ident {
    format_ident!("Partial{}", form.ident.unraw())
}

/// The companion struct: each field as an `Option`, with the form's visibilities.
fn partial_struct(form: &FormDef) -> TokenStream {
    let ident = &form.ident;
    let vis = &form.vis;
    let partial_ident = partial_ident(form);
    let doc = format!(
        "The fields of `{ident}` that cleaned, each `None` when it did not: what its \
         whole-form hook reads, as `pony::forms::Partial<{ident}>`."
    );
    let fields = form.fields.iter().map(|field| {
        let (vis, name, ty) = (&field.vis, &field.ident, &field.ty);
        let doc = format!("`{}`, when it cleaned.", name.unraw());
        quote! {
            #[doc = #doc]
            #vis #name: ::std::option::Option<#ty>
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::default::Default)]
        #vis struct #partial_ident {
            #(#fields,)*
        }
    }
}

/// `Form::clean` calling `#[form(clean = path)]`. The hook is first given its expected type,
/// so a wrong signature is reported at the attribute, naming the type it should take.
fn form_hook(path: &syn::Path) -> TokenStream {
    let hook = quote_spanned! {path.span()=>
        let hook: fn(&::pony::forms::Partial<Self>, &mut ::pony::forms::FormErrors) = #path;
    };
    quote! {
        fn clean(data: &Self::Partial, errors: &mut ::pony::forms::FormErrors) {
            #hook
            hook(data, errors)
        }
    }
}

/// `FieldSpec::of::<T>("name")` with the model's options, then the field's own.
fn spec(form: &FormDef, field: &FieldDef) -> TokenStream {
    let ty = &field.ty;
    let name = field.ident.unraw().to_string();
    let mut tokens = quote!(::pony::forms::FieldSpec::of::<#ty>(#name));
    if let Some(model) = &form.model {
        tokens.extend(quote! {
            .from_model_field(<#model as ::pony::db::Model>::meta(), #name)
        });
    }
    if field.email {
        tokens.extend(quote!(.email()));
    }
    if let Some(choices) = &field.choices {
        tokens.extend(quote!(.choices(#choices)));
    }
    if let Some(label) = &field.label {
        tokens.extend(quote!(.label(#label)));
    }
    if let Some(help_text) = &field.help_text {
        tokens.extend(quote!(.help_text(#help_text)));
    }
    if let Some(required) = field.required {
        tokens.extend(quote!(.required(#required)));
    }
    if let Some(max_length) = field.max_length {
        tokens.extend(quote!(.max_length(#max_length)));
    }
    if let Some(min_length) = field.min_length {
        tokens.extend(quote!(.min_length(#min_length)));
    }
    if let Some(initial) = &field.initial {
        tokens.extend(quote!(.initial(#initial)));
    }
    if let Some(widget) = &field.widget {
        let variant = syn::Ident::new(&widget_variant(widget), proc_macro2::Span::call_site());
        tokens.extend(quote!(.widget(::pony::forms::Widget::#variant)));
    }
    tokens
}

/// `"textarea"` → `Textarea`.
fn widget_variant(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// `ModelForm`: same-named fields copied both ways (a field the model lacks, or of another
/// type, is a compile error at that field), and `from_instance`.
fn model_form(form: &FormDef, model: &syn::Type) -> TokenStream {
    let ident = &form.ident;
    let from_model = form.fields.iter().map(|field| {
        let name = &field.ident;
        quote_spanned!(name.span()=> #name: ::std::clone::Clone::clone(&instance.#name))
    });
    let apply = form.fields.iter().map(|field| {
        let name = &field.ident;
        quote_spanned!(name.span()=> instance.#name = ::std::clone::Clone::clone(&self.#name);)
    });
    quote! {
        impl ::pony::forms::ModelForm for #ident {
            type Model = #model;

            fn from_model(instance: &#model) -> Self {
                #ident { #(#from_model,)* }
            }

            fn apply_to(&self, instance: &mut #model) {
                #(#apply)*
            }
        }

        impl #ident {
            /// An unbound form showing `instance`'s values (for an update view's GET).
            pub fn from_instance(instance: &#model) -> ::pony::forms::BoundForm<Self> {
                <Self as ::pony::forms::Form>::with_initial(
                    <Self as ::pony::forms::ModelForm>::from_model(instance),
                )
            }
        }
    }
}
