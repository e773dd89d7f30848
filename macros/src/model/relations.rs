//! What `#[derive(Model)]` emits for `ForeignKey<Target>` fields: diesel's joins between the
//! two tables, Django's `select_related` and the reverse accessor (`user.article_set`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use syn::ext::IdentExt;

use super::attrs::{FieldDef, Kind, ModelDef, Target, module_ident, snake_case};

/// `HasTable` for the model, and for each `ForeignKey` field its join, `select_related_<field>`
/// and reverse accessor.
pub(crate) fn relations(model: &ModelDef) -> TokenStream {
    let ident = &model.ident;
    let module = &model.module;
    let mut seen: Vec<String> = Vec::new();
    let mut out = quote! {
        impl diesel::associations::HasTable for #ident {
            type Table = #module::table;

            fn table() -> Self::Table {
                #module::table
            }
        }
    };
    for field in &model.fields {
        let Kind::ForeignKey {
            to: Target::Model(target),
            ..
        } = &field.kind
        else {
            continue;
        };
        let target_text = quote!(#target).to_string();
        let to_self = target_text == "Self" || *ident == target_text;
        let self_type: syn::Type = syn::parse_quote!(#ident);
        let target = if to_self { &self_type } else { target };
        // diesel joins a pair of tables one way only, and a table never to itself: the first
        // foreign key to each other model gets the join.
        if !to_self && !seen.contains(&target_text) {
            seen.push(target_text);
            out.extend(join(model, field, target));
            out.extend(select_related(model, field, target));
        }
        out.extend(reverse(model, field, target));
    }
    out
}

/// The target's diesel table: `user::table` for `User`, `pony::auth::models::user::table` for
/// `pony::auth::models::User` (the derive names a model's table module in snake case). Rust's
/// coherence rules need the table's own path here, not `<User as HasTable>::Table`.
fn target_table(target: &syn::Type) -> syn::Result<TokenStream> {
    let syn::Type::Path(path) = target else {
        return Err(syn::Error::new_spanned(
            target,
            "a ForeignKey points at a model type, e.g. ForeignKey<User>",
        ));
    };
    let mut path = path.path.clone();
    let last = path.segments.last_mut().expect("a path has a segment");
    let mut module = module_ident(&snake_case(&last.ident.unraw().to_string()));
    module.set_span(last.ident.span());
    last.ident = module;
    Ok(quote_spanned!(target.span()=> #path::table))
}

/// diesel's `joinable!` and `allow_tables_to_appear_in_same_query!` for this pair.
fn join(model: &ModelDef, field: &FieldDef, target: &syn::Type) -> TokenStream {
    let module = &model.module;
    let column = &field.column;
    let parent = match target_table(target) {
        Ok(parent) => parent,
        Err(error) => return error.into_compile_error(),
    };
    let on = quote! {
        diesel::dsl::Eq<
            diesel::dsl::Nullable<#module::#column>,
            diesel::dsl::Nullable<<#parent as diesel::Table>::PrimaryKey>,
        >
    };
    let on_expression = quote! {
        {
            use diesel::{ExpressionMethods as _, NullableExpressionMethods as _};
            #module::#column.nullable().eq(
                <#parent as diesel::Table>::primary_key(&<#target as diesel::associations::HasTable>::table()).nullable(),
            )
        }
    };
    quote! {
        impl diesel::JoinTo<#parent> for #module::table {
            type FromClause = #parent;
            type OnClause = #on;

            fn join_target(rhs: #parent) -> (Self::FromClause, Self::OnClause) {
                (rhs, #on_expression)
            }
        }

        impl diesel::JoinTo<#module::table> for #parent {
            type FromClause = #module::table;
            type OnClause = #on;

            fn join_target(rhs: #module::table) -> (Self::FromClause, Self::OnClause) {
                (rhs, #on_expression)
            }
        }

        impl diesel::query_source::TableNotEqual<#parent> for #module::table {}
        impl diesel::query_source::TableNotEqual<#module::table> for #parent {}
    }
}

/// `Article::select_related_author(conn, query)`: Django's `select_related("author")`, the
/// rows of a query with each one's target loaded by a single join.
fn select_related(model: &ModelDef, field: &FieldDef, target: &syn::Type) -> TokenStream {
    let ident = &model.ident;
    let module = &model.module;
    let field_ident = &field.ident;
    let backend = quote!(::pony::db::connection::MultiBackend);
    let method = format_ident!("select_related_{}", field.name);
    let doc = format!(
        " Django's `select_related(\"{name}\")`: the `{ident}` rows of `query` (say \
         `{ident}::objects().limit(10)`), each with its `{name}` loaded, in one joined query.",
        name = field.name,
    );
    let (join, related, fill) = if field.null {
        (
            quote!(left_join),
            quote!(::std::option::Option<#target>),
            quote! {
                if let (::std::option::Option::Some(__key), ::std::option::Option::Some(__related)) = (&mut __row.#field_ident, __related) {
                    __key.fill(__related);
                }
            },
        )
    } else {
        (
            quote!(inner_join),
            quote!(#target),
            quote!(__row.#field_ident.fill(__related);),
        )
    };
    quote! {
        impl #ident {
            #[doc = #doc]
            pub fn #method(
                conn: &mut ::pony::db::Connection,
                query: #module::BoxedQuery<'static, #backend>,
            ) -> ::pony::Result<::std::vec::Vec<Self>> {
                use diesel::{QueryDsl as _, RunQueryDsl as _};
                let __rows: ::std::vec::Vec<(Self, #related)> = query
                    .#join(<#target as diesel::associations::HasTable>::table())
                    .select((
                        <Self as diesel::Selectable<#backend>>::construct_selection(),
                        <#related as diesel::Selectable<#backend>>::construct_selection(),
                    ))
                    .load(conn)?;
                ::std::result::Result::Ok(
                    __rows
                        .into_iter()
                        .map(|(mut __row, __related)| {
                            #fill
                            __row
                        })
                        .collect(),
                )
            }
        }
    }
}

/// The reverse accessor: a trait named after it (`ArticleSet` for `article_set`, Django's
/// default `<model>_set`, or `related_name`), implemented for the target.
fn reverse(model: &ModelDef, field: &FieldDef, target: &syn::Type) -> TokenStream {
    let ident = &model.ident;
    let module = &model.module;
    let column = &field.column;
    let accessor = field
        .related_name
        .clone()
        .unwrap_or_else(|| format!("{}_set", ident.to_string().to_ascii_lowercase()));
    let method = format_ident!("{accessor}");
    let trait_ident = format_ident!("{}", camel_case(&accessor));
    let key = if field.null {
        quote!(::std::option::Option::Some(::pony::db::Model::pk(self)))
    } else {
        quote!(::pony::db::Model::pk(self))
    };
    let trait_doc = format!(
        " The `{ident}` rows whose `{name}` is this `{target}` (Django's reverse accessor \
         `{accessor}`): import it to call `{accessor}` on a `{target}`.",
        name = field.name,
        target = quote!(#target).to_string().replace(' ', ""),
    );
    let method_doc = format!(" The `{ident}` rows pointing here, in `{ident}`'s default ordering.");
    quote! {
        #[doc = #trait_doc]
        pub trait #trait_ident {
            #[doc = #method_doc]
            fn #method(&self, conn: &mut ::pony::db::Connection) -> ::pony::Result<::std::vec::Vec<#ident>>;
        }

        impl #trait_ident for #target {
            fn #method(&self, conn: &mut ::pony::db::Connection) -> ::pony::Result<::std::vec::Vec<#ident>> {
                use diesel::{ExpressionMethods as _, QueryDsl as _, RunQueryDsl as _};
                ::std::result::Result::Ok(
                    #ident::objects()
                        .filter(#module::#column.eq(#key))
                        .load::<#ident>(conn)?,
                )
            }
        }
    }
}

/// `article_set` → `ArticleSet`.
fn camel_case(name: &str) -> String {
    name.split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}
