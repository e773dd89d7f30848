//! What `#[derive(Model)]` emits: the diesel table, `Queryable` and `Selectable`, the
//! `ModelMeta` behind `pony::db::Model`, and Django's manager and instance methods.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Lit;
use syn::ext::IdentExt;

use super::attrs::{Display, FieldDef, Kind, ManyToManyDef, ModelDef, Target};
use super::relations::relations;
use super::types::RustKind;

pub(crate) fn expand_model(model: &ModelDef) -> TokenStream {
    let table = table(model);
    let queryable = queryable(model);
    let meta = meta(model);
    let methods = methods(model);
    let relations = relations(model);
    quote! {
        #table
        #queryable
        #meta
        #methods
        #relations
    }
}

/// diesel's SQL type of a field, `Nullable` when it is an `Option`.
fn sql_type(field: &FieldDef) -> TokenStream {
    let base = field.rust.sql_type();
    if field.null {
        quote!(diesel::sql_types::Nullable<diesel::sql_types::#base>)
    } else {
        quote!(diesel::sql_types::#base)
    }
}

/// `diesel::table!`, named after the model (`article`), over the `<app>_<model>` table.
fn table(model: &ModelDef) -> TokenStream {
    let module = &model.module;
    let db_table = &model.db_table;
    let pk = model
        .fields
        .iter()
        .find(|f| f.primary_key)
        .map(|f| &f.column);
    let columns = model.fields.iter().map(|field| {
        let column = &field.column;
        let ty = sql_type(field);
        let sql_name = &field.db_column;
        let doc = format!("The `{sql_name}` column.");
        if field.column == sql_name.as_str() {
            quote!(#[doc = #doc] #column -> #ty,)
        } else {
            quote!(#[doc = #doc] #[sql_name = #sql_name] #column -> #ty,)
        }
    });
    let doc = format!(
        "The `{db_table}` table of [`{}`], for diesel queries.",
        model.ident
    );
    quote! {
        diesel::table! {
            #[doc = #doc]
            #[sql_name = #db_table]
            #module (#pk) {
                #(#columns)*
            }
        }
    }
}

/// `Queryable` and `Selectable` for every backend, columns in declaration order.
fn queryable(model: &ModelDef) -> TokenStream {
    let ident = &model.ident;
    let module = &model.module;
    let sql_types: Vec<TokenStream> = model.fields.iter().map(sql_type).collect();
    let rust_types: Vec<&syn::Type> = model.fields.iter().map(|f| &f.ty).collect();
    let names: Vec<&syn::Ident> = model.fields.iter().map(|f| &f.ident).collect();
    let columns: Vec<&syn::Ident> = model.fields.iter().map(|f| &f.column).collect();
    let bindings: Vec<syn::Ident> = (0..names.len())
        .map(|i| format_ident!("__field{i}"))
        .collect();
    let links: Vec<&syn::Ident> = model.many_to_many.iter().map(|f| &f.ident).collect();
    let attach = attach_links(model, &quote!(__row));
    quote! {
        impl<__DB> diesel::deserialize::Queryable<(#(#sql_types,)*), __DB> for #ident
        where
            __DB: diesel::backend::Backend,
            (#(#rust_types,)*): diesel::deserialize::FromStaticSqlRow<(#(#sql_types,)*), __DB>,
        {
            type Row = (#(#rust_types,)*);

            fn build(row: Self::Row) -> diesel::deserialize::Result<Self> {
                let (#(#bindings,)*) = row;
                #[allow(unused_mut)]
                let mut __row = #ident {
                    #(#names: #bindings,)*
                    #(#links: ::std::default::Default::default(),)*
                };
                #attach
                Ok(__row)
            }
        }

        impl<__DB: diesel::backend::Backend> diesel::Selectable<__DB> for #ident {
            type SelectExpression = (#(#module::#columns,)*);

            fn construct_selection() -> Self::SelectExpression {
                (#(#module::#columns,)*)
            }
        }
    }
}

/// Ties each `ManyToMany` field of the row `row` to the row's key.
fn attach_links(model: &ModelDef, row: &TokenStream) -> TokenStream {
    if model.many_to_many.is_empty() {
        return TokenStream::new();
    }
    let Some(pk) = model.pk() else {
        return TokenStream::new();
    };
    if !matches!(pk.rust, RustKind::I64 | RustKind::I32) {
        return syn::Error::new_spanned(
            &model.many_to_many[0].ident,
            "a ManyToMany field needs a model with an integer primary key (i64 or i32)",
        )
        .into_compile_error();
    }
    let pk = &pk.ident;
    let attach = model.many_to_many.iter().map(|field| {
        let (ident, name) = (&field.ident, &field.name);
        quote! {
            #row.#ident.attach(<Self as ::pony::db::Model>::meta(), #name, ::std::convert::Into::<i64>::into(#row.#pk));
        }
    });
    quote!(#(#attach)*)
}

fn field_type(kind: &Kind) -> TokenStream {
    let ft = quote!(::pony::db::models::FieldType);
    match kind {
        Kind::Auto => quote!(#ft::AutoField),
        Kind::BigAuto => quote!(#ft::BigAutoField),
        Kind::Boolean => quote!(#ft::BooleanField),
        Kind::Integer => quote!(#ft::IntegerField),
        Kind::BigInteger => quote!(#ft::BigIntegerField),
        Kind::Float => quote!(#ft::FloatField),
        Kind::Char(max_length) => quote!(#ft::CharField { max_length: #max_length }),
        Kind::Text => quote!(#ft::TextField),
        Kind::Email(max_length) => quote!(#ft::EmailField { max_length: #max_length }),
        Kind::Date => quote!(#ft::DateField),
        Kind::DateTime => quote!(#ft::DateTimeField),
        Kind::ForeignKey { to, on_delete } => {
            let on_delete = format_ident!("{on_delete}");
            let to = match to {
                Target::Key(key) => quote!(#key),
                Target::Model(model) => quote!(<#model as ::pony::db::Model>::KEY),
            };
            quote!(#ft::ForeignKey { to: #to.to_owned(), on_delete: ::pony::db::models::OnDelete::#on_delete })
        }
    }
}

fn default_value(literal: &Lit) -> TokenStream {
    let dv = quote!(::pony::db::models::DefaultValue);
    match literal {
        Lit::Bool(value) => quote!(#dv::Bool(#value)),
        Lit::Int(value) => quote!(#dv::Int(#value)),
        Lit::Float(value) => quote!(#dv::Float(#value)),
        Lit::Str(value) => quote!(#dv::Str(#value.to_owned())),
        other => syn::Error::new_spanned(other, "a default is a bool, number or string literal")
            .into_compile_error(),
    }
}

fn field_meta(field: &FieldDef) -> TokenStream {
    let name = &field.name;
    let column = &field.db_column;
    let field_type = field_type(&field.kind);
    let flag = |set: bool, name: &str| {
        let name = format_ident!("{name}");
        set.then(|| quote!(field.#name = true;))
    };
    let flags = [
        flag(field.null, "null"),
        flag(field.blank, "blank"),
        flag(field.unique, "unique"),
        flag(field.db_index, "db_index"),
        flag(field.primary_key, "primary_key"),
        flag(field.auto_now, "auto_now"),
        flag(field.auto_now_add, "auto_now_add"),
    ];
    let default = field.default.as_ref().map(|lit| {
        let value = default_value(lit);
        quote!(field.default = Some(#value);)
    });
    let labels = labels(field.verbose_name.as_ref(), field.help_text.as_ref());
    let choices = (!field.choices.is_empty()).then(|| {
        let pairs = field
            .choices
            .iter()
            .map(|(v, l)| quote!((#v.to_owned(), #l.to_owned())));
        quote!(field.choices = vec![#(#pairs),*];)
    });
    quote! {{
        let mut field = ::pony::db::models::FieldMeta::new(#name, #field_type);
        field.column = #column.to_owned();
        #(#flags)*
        #default
        #labels
        #choices
        field
    }}
}

/// `field.verbose_name = …; field.help_text = …;` for the ones given.
fn labels(verbose_name: Option<&String>, help_text: Option<&String>) -> TokenStream {
    let verbose_name = verbose_name.map(|v| quote!(field.verbose_name = #v.to_owned();));
    let help_text = help_text.map(|v| quote!(field.help_text = #v.to_owned();));
    quote!(#verbose_name #help_text)
}

fn many_to_many_meta(field: &ManyToManyDef) -> TokenStream {
    let name = &field.name;
    let target = &field.target;
    let db_table = field.db_table.clone().unwrap_or_default();
    let blank = field.blank.then(|| quote!(field.blank = true;));
    let labels = labels(field.verbose_name.as_ref(), field.help_text.as_ref());
    quote! {{
        let mut field = ::pony::db::models::FieldMeta::new(
            #name,
            ::pony::db::models::FieldType::ManyToManyField {
                to: <#target as ::pony::db::Model>::KEY.to_owned(),
                db_table: #db_table.to_owned(),
            },
        );
        #blank
        #labels
        field
    }}
}

/// `impl pony::db::Model`, with the metadata built once.
fn meta(model: &ModelDef) -> TokenStream {
    let model_methods = model_methods(model);
    let ident = &model.ident;
    let app = &model.app;
    let name = ident.to_string();
    let key = format!("{app}.{}", name.to_ascii_lowercase());
    let db_table = &model.db_table;
    let ordering = &model.ordering;
    let fields = model
        .fields
        .iter()
        .map(field_meta)
        .chain(model.many_to_many.iter().map(many_to_many_meta));
    let verbose_name = model.verbose_name.as_ref().map(|v| {
        quote! {
            meta.verbose_name = #v.to_owned();
            meta.verbose_name_plural = format!("{}s", #v);
        }
    });
    let verbose_name_plural = model
        .verbose_name_plural
        .as_ref()
        .map(|v| quote!(meta.verbose_name_plural = #v.to_owned();));
    let unique_together = (!model.unique_together.is_empty()).then(|| {
        let groups = model
            .unique_together
            .iter()
            .map(|names| quote!(vec![#(#names.to_owned()),*]));
        quote!(meta.unique_together = vec![#(#groups),*];)
    });
    let indexes = (!model.indexes.is_empty()).then(|| {
        let indexes = model.indexes.iter().map(|(name, names, unique)| {
            quote!(::pony::db::models::IndexMeta { name: #name.to_owned(), fields: vec![#(#names.to_owned()),*], unique: #unique })
        });
        quote!(meta.indexes = vec![#(#indexes),*];)
    });
    quote! {
        ::pony::reexports::inventory::submit! {
            ::pony::db::registry::RegisteredModel {
                meta: <#ident as ::pony::db::Model>::meta,
                handle: &::pony::db::rows::Handle::<#ident>::NEW,
            }
        }

        impl ::pony::db::Model for #ident {
            const KEY: &'static str = #key;

            #model_methods

            fn meta() -> &'static ::pony::db::ModelMeta {
                static META: ::std::sync::LazyLock<::pony::db::ModelMeta> = ::std::sync::LazyLock::new(|| {
                    let mut meta = ::pony::db::ModelMeta::new(#app, #name);
                    meta.db_table = #db_table.to_owned();
                    meta.ordering = vec![#(#ordering.to_owned()),*];
                    #verbose_name
                    #verbose_name_plural
                    meta.fields = vec![#(#fields),*];
                    #unique_together
                    #indexes
                    meta
                });
                &META
            }
        }
    }
}

/// `column.eq(&self.field)` for each field.
fn assignments<'a>(
    model: &'a ModelDef,
    fields: impl Iterator<Item = &'a FieldDef> + 'a,
) -> Vec<TokenStream> {
    let module = &model.module;
    fields
        .map(|field| {
            let ident = &field.ident;
            let column = &field.column;
            quote!(#module::#column.eq(&self.#ident))
        })
        .collect()
}

/// `self.field = __now;` for each field (`Some(__now)` for an `Option`).
fn set_now<'a>(fields: impl Iterator<Item = &'a FieldDef>) -> Vec<TokenStream> {
    fields
        .map(|field| {
            let ident = &field.ident;
            if field.null {
                quote!(self.#ident = ::std::option::Option::Some(__now);)
            } else {
                quote!(self.#ident = __now;)
            }
        })
        .collect()
}

/// An `INSERT` of `values` (of `DEFAULT VALUES` when there are none).
fn insert(model: &ModelDef, values: &[TokenStream]) -> TokenStream {
    let module = &model.module;
    if values.is_empty() {
        quote!(diesel::insert_into(#module::table).default_values().execute(conn)?;)
    } else {
        quote!(diesel::insert_into(#module::table).values((#(#values,)*)).execute(conn)?;)
    }
}

/// Django's manager and instance API as inherent methods: `objects`, `get`, `all`, `count`,
/// `save` and `delete`.
fn methods(model: &ModelDef) -> TokenStream {
    let ident = &model.ident;
    let module = &model.module;
    let name = ident.to_string();
    let Some(pk) = model.pk() else {
        return syn::Error::new_spanned(ident, "a model needs a primary key").into_compile_error();
    };
    let pk_ident = &pk.ident;
    let pk_column = &pk.column;
    let pk_ty = &pk.ty;
    let backend = quote!(::pony::db::connection::MultiBackend);
    let connection = quote!(::pony::db::Connection);

    let mut order = Vec::new();
    for entry in &model.ordering {
        let descending = entry.starts_with('-');
        let Some(field) = model.field(entry.trim_start_matches('-')) else {
            continue;
        };
        let column = &field.column;
        order.push(if descending {
            quote!(#module::#column.desc())
        } else {
            quote!(#module::#column.asc())
        });
    }
    if order.is_empty() {
        order.push(quote!(#module::#pk_column.asc()));
    }

    let auto_now = set_now(model.fields.iter().filter(|f| f.auto_now));
    let auto_now_add = set_now(model.fields.iter().filter(|f| f.auto_now_add));
    let now = (!auto_now.is_empty() || !auto_now_add.is_empty())
        .then(|| quote!(let __now = ::pony::db::support::now();));
    let insert_all = insert(model, &assignments(model, model.fields.iter()));
    let attach = attach_links(model, &quote!(self));
    let insert_new = pk.is_auto().then(|| {
        let values = assignments(model, model.fields.iter().filter(|f| !f.primary_key));
        let insert = insert(model, &values);
        quote! {
            if self.#pk_ident == 0 {
                #(#auto_now_add)*
                #insert
                self.#pk_ident = ::pony::db::support::last_insert_id(conn)?;
                #attach
                return ::std::result::Result::Ok(self);
            }
        }
    });
    let updates = assignments(
        model,
        model
            .fields
            .iter()
            .filter(|f| !f.primary_key && !f.auto_now_add),
    );
    let this_row = quote!(#module::table.filter(#module::#pk_column.eq(&self.#pk_ident)));
    let matched = if updates.is_empty() {
        quote!(#this_row.count().get_result::<i64>(conn)?)
    } else {
        quote!(diesel::update(#this_row).set((#(#updates,)*)).execute(conn)?)
    };

    let objects_doc = format!(
        " All `{name}` rows as a diesel query, in the model's default ordering: chain \
         `.filter(…)`, `.limit(…)`, then `.load::<{name}>(conn)`."
    );
    let get_doc = format!(
        " The `{name}` with primary key `pk`; a missing row is `pony::Error::Http404` \
         (Django's `get_object_or_404`)."
    );
    let all_doc = format!(" Every `{name}`, in the model's default ordering.");
    let count_doc = format!(" How many `{name}` rows there are.");
    let save_doc = format!(
        " Saves this `{name}` (Django's `save()`): inserts it when its automatic primary key is \
         0 (and sets the key), otherwise updates its row, inserting it when there is none. \
         `auto_now` fields are set to now on every save, `auto_now_add` ones when inserting."
    );
    let delete_doc = format!(" Deletes this `{name}`'s row (if it is still there).");
    let filtered = filtered(model);
    quote! {
        impl #ident {
            #filtered

            #[doc = #objects_doc]
            pub fn objects() -> #module::BoxedQuery<'static, #backend> {
                use diesel::{ExpressionMethods as _, QueryDsl as _};
                let __query: #module::BoxedQuery<'static, #backend> = #module::table.into_boxed();
                __query #(.then_order_by(#order))*
            }

            #[doc = #get_doc]
            pub fn get(conn: &mut #connection, pk: #pk_ty) -> ::pony::Result<Self> {
                use diesel::{ExpressionMethods as _, QueryDsl as _, RunQueryDsl as _};
                let __found = #module::table
                    .filter(#module::#pk_column.eq(pk))
                    .get_result::<Self>(conn);
                ::pony::db::support::found(__found, #name)
            }

            #[doc = #all_doc]
            pub fn all(conn: &mut #connection) -> ::pony::Result<::std::vec::Vec<Self>> {
                use diesel::RunQueryDsl as _;
                ::std::result::Result::Ok(Self::objects().load::<Self>(conn)?)
            }

            #[doc = #count_doc]
            pub fn count(conn: &mut #connection) -> ::pony::Result<i64> {
                use diesel::{QueryDsl as _, RunQueryDsl as _};
                ::std::result::Result::Ok(#module::table.count().get_result::<i64>(conn)?)
            }

            #[doc = #save_doc]
            pub fn save(mut self, conn: &mut #connection) -> ::pony::Result<Self> {
                use diesel::{ExpressionMethods as _, QueryDsl as _, RunQueryDsl as _};
                #now
                #(#auto_now)*
                #insert_new
                let __matched = #matched;
                if __matched == 0 {
                    #(#auto_now_add)*
                    #insert_all
                }
                #attach
                ::std::result::Result::Ok(self)
            }

            #[doc = #delete_doc]
            pub fn delete(self, conn: &mut #connection) -> ::pony::Result<()> {
                use diesel::{ExpressionMethods as _, QueryDsl as _, RunQueryDsl as _};
                diesel::delete(#this_row).execute(conn)?;
                ::std::result::Result::Ok(())
            }
        }
    }
}

/// The `Model` trait's methods: the primary key, the manager and instance methods (the
/// inherent ones, which take precedence), `display` and field access by name.
fn model_methods(model: &ModelDef) -> TokenStream {
    let ident = &model.ident;
    let name = ident.to_string();
    let Some(pk) = model.pk() else {
        return TokenStream::new(); // reported by `methods`
    };
    let (pk_ident, pk_ty) = (&pk.ident, &pk.ty);
    let connection = quote!(::pony::db::Connection);
    let rows = rows(model);
    let display = match &model.display {
        Display::Default => None,
        Display::Field(field) => Some(quote! {
            fn display(&self) -> ::std::string::String {
                ::std::string::ToString::to_string(&::pony::db::FieldValue::to_value(&self.#field))
            }
        }),
        Display::Impl => Some(quote! {
            fn display(&self) -> ::std::string::String {
                ::std::string::ToString::to_string(self)
            }
        }),
    };
    let reads = model.fields.iter().map(|field| {
        let (names, field_ident) = (field_names(field), &field.ident);
        quote!(#names => ::std::option::Option::Some(::pony::db::FieldValue::to_value(&self.#field_ident)),)
    });
    let writes = model.fields.iter().map(|field| {
        let (names, field_ident, ty) = (field_names(field), &field.ident, &field.ty);
        let field_name = &field.name;
        quote! {
            #names => {
                self.#field_ident = <#ty as ::pony::db::FieldValue>::from_value(value)
                    .map_err(|error| ::pony::db::support::wrong_value(#name, #field_name, error))?;
            }
        }
    });
    quote! {
        type Pk = #pk_ty;

        fn pk(&self) -> #pk_ty {
            ::std::clone::Clone::clone(&self.#pk_ident)
        }

        fn get(conn: &mut #connection, pk: #pk_ty) -> ::pony::Result<Self> {
            #ident::get(conn, pk)
        }

        fn all(conn: &mut #connection) -> ::pony::Result<::std::vec::Vec<Self>> {
            #ident::all(conn)
        }

        fn count(conn: &mut #connection) -> ::pony::Result<i64> {
            #ident::count(conn)
        }

        fn save(self, conn: &mut #connection) -> ::pony::Result<Self> {
            #ident::save(self, conn)
        }

        fn delete(self, conn: &mut #connection) -> ::pony::Result<()> {
            #ident::delete(self, conn)
        }

        #display

        fn value(&self, name: &str) -> ::std::option::Option<::pony::db::Value> {
            match name {
                #(#reads)*
                _ => ::std::option::Option::None,
            }
        }

        fn set_value(&mut self, name: &str, value: ::pony::db::Value) -> ::pony::Result<()> {
            match name {
                #(#writes)*
                _ => return ::std::result::Result::Err(::pony::db::support::no_such_field(#name, name)),
            }
            ::std::result::Result::Ok(())
        }

        #rows
    }
}

/// `blank`, `select` and `count_matching`: a `RowQuery`'s field names matched to columns, its
/// values bound as parameters.
fn rows(model: &ModelDef) -> TokenStream {
    let ident = &model.ident;
    let module = &model.module;
    let name = ident.to_string();
    let connection = quote!(::pony::db::Connection);
    let Some(pk) = model.pk() else {
        return TokenStream::new();
    };
    let pk_column = &pk.column;
    let blank = model.fields.iter().map(|field| {
        let field_ident = &field.ident;
        match &field.default {
            Some(literal) => quote!(#field_ident: ::std::convert::Into::into(#literal)),
            None => quote!(#field_ident: ::std::default::Default::default()),
        }
    });
    let orders = model.fields.iter().map(|field| {
        let (names, column) = (field_names(field), &field.column);
        quote! {
            (#names, false) => __rows.then_order_by(#module::#column.asc()),
            (#names, true) => __rows.then_order_by(#module::#column.desc()),
        }
    });
    let links = model.many_to_many.iter().map(|f| &f.ident);
    quote! {
        fn blank() -> Self {
            #ident { #(#blank,)* #(#links: ::std::default::Default::default(),)* }
        }

        fn select(conn: &mut #connection, query: &::pony::db::RowQuery) -> ::pony::Result<::std::vec::Vec<Self>> {
            use diesel::{ExpressionMethods as _, QueryDsl as _, RunQueryDsl as _};
            let mut __rows = if query.order.is_empty() {
                #ident::objects()
            } else {
                #module::table.into_boxed()
            };
            __rows = Self::__pony_filtered(__rows, query)?;
            for __entry in &query.order {
                let __descending = __entry.starts_with('-');
                __rows = match (__entry.trim_start_matches('-'), __descending) {
                    #(#orders)*
                    (__other, _) => return ::std::result::Result::Err(::pony::db::support::no_such_field(#name, __other)),
                };
            }
            // The key last, so pages never overlap when the ordering ties.
            __rows = __rows.then_order_by(#module::#pk_column.asc());
            if query.offset > 0 || query.limit.is_some() {
                __rows = __rows
                    .offset(query.offset.max(0))
                    .limit(query.limit.unwrap_or(i64::MAX).max(0));
            }
            ::std::result::Result::Ok(__rows.load::<Self>(conn)?)
        }

        fn count_matching(conn: &mut #connection, query: &::pony::db::RowQuery) -> ::pony::Result<i64> {
            use diesel::{QueryDsl as _, RunQueryDsl as _};
            let __rows = Self::__pony_filtered(#module::table.into_boxed(), query)?;
            ::std::result::Result::Ok(__rows.count().get_result::<i64>(conn)?)
        }
    }
}

/// `__pony_filtered`, an inherent helper of `select` and `count_matching`: the query's filters
/// and search on a boxed query of the table.
fn filtered(model: &ModelDef) -> TokenStream {
    let ident = &model.ident;
    let module = &model.module;
    let name = ident.to_string();
    let backend = quote!(::pony::db::connection::MultiBackend);
    let filters = model.fields.iter().map(|field| {
        let (names, column, ty, field_name) = (field_names(field), &field.column, &field.ty, &field.name);
        let null = field.null.then(|| {
            quote! {
                if *__value == ::pony::db::Value::Null {
                    __rows = __rows.filter(#module::#column.is_null());
                    continue;
                }
            }
        });
        quote! {
            #names => {
                #null
                let __typed = <#ty as ::pony::db::FieldValue>::from_value(::std::clone::Clone::clone(__value))
                    .map_err(|error| ::pony::db::support::wrong_value(#name, #field_name, error))?;
                __rows = __rows.filter(#module::#column.eq(__typed));
            }
        }
    });
    let filters_in = model.fields.iter().map(|field| {
        let (names, column, ty, field_name) = (field_names(field), &field.column, &field.ty, &field.name);
        quote! {
            #names => {
                let __typed = __values
                    .iter()
                    .map(|__value| <#ty as ::pony::db::FieldValue>::from_value(::std::clone::Clone::clone(__value)))
                    .collect::<::std::result::Result<::std::vec::Vec<_>, _>>()
                    .map_err(|error| ::pony::db::support::wrong_value(#name, #field_name, error))?;
                __rows = __rows.filter(#module::#column.eq_any(__typed));
            }
        }
    });
    let searches: Vec<TokenStream> = model
        .fields
        .iter()
        .filter(|f| matches!(f.kind, Kind::Char(_) | Kind::Text | Kind::Email(_)))
        .map(|field| {
            let (names, column) = (field_names(field), &field.column);
            let text = if field.null {
                quote!(#module::#column.assume_not_null())
            } else {
                quote!(#module::#column)
            };
            quote! {
                #names => ::std::boxed::Box::new(
                    ::pony::db::support::lower(#text)
                        .like(::std::clone::Clone::clone(&__pattern))
                        .escape(::pony::db::support::LIKE_ESCAPE),
                ),
            }
        })
        .collect();
    let search = if searches.is_empty() {
        quote! {
            if let ::std::option::Option::Some(__field) = __fields.first() {
                return ::std::result::Result::Err(::pony::db::support::not_searchable(#name, __field));
            }
        }
    } else {
        quote! {
            for __term in query.search_terms() {
                let __pattern = ::pony::db::support::like_pattern(&__term);
                let mut __any: ::std::option::Option<__Condition> = ::std::option::Option::None;
                for __field in __fields {
                    let __matches: __Condition = match __field.as_str() {
                        #(#searches)*
                        __other => return ::std::result::Result::Err(::pony::db::support::not_searchable(#name, __other)),
                    };
                    __any = ::std::option::Option::Some(match __any {
                        ::std::option::Option::None => __matches,
                        ::std::option::Option::Some(__earlier) => ::std::boxed::Box::new(__earlier.or(__matches)),
                    });
                }
                if let ::std::option::Option::Some(__any) = __any {
                    __rows = __rows.filter(__any);
                }
            }
        }
    };
    quote! {
        #[doc(hidden)]
        pub fn __pony_filtered(
            mut __rows: #module::BoxedQuery<'static, #backend>,
            query: &::pony::db::RowQuery,
        ) -> ::pony::Result<#module::BoxedQuery<'static, #backend>> {
            use diesel::{BoolExpressionMethods as _, EscapeExpressionMethods as _, ExpressionMethods as _, NullableExpressionMethods as _, QueryDsl as _, TextExpressionMethods as _};
            type __Condition = ::std::boxed::Box<
                dyn diesel::BoxableExpression<#module::table, #backend, SqlType = diesel::sql_types::Bool>,
            >;
            for (__name, __value) in &query.filters {
                match __name.as_str() {
                    #(#filters)*
                    __other => return ::std::result::Result::Err(::pony::db::support::no_such_field(#name, __other)),
                }
            }
            for (__name, __values) in &query.filters_in {
                match __name.as_str() {
                    #(#filters_in)*
                    __other => return ::std::result::Result::Err(::pony::db::support::no_such_field(#name, __other)),
                }
            }
            let __fields = query.search.as_ref().map(|(fields, _)| fields.as_slice()).unwrap_or_default();
            #search
            ::std::result::Result::Ok(__rows)
        }
    }
}

/// The names a field answers to in a `match`: Django's (`"author"`) and, where they differ,
/// the Rust attribute's and the column's (`"author_id"`).
fn field_names(field: &FieldDef) -> TokenStream {
    let mut names = vec![field.name.clone()];
    for other in [field.ident.unraw().to_string(), field.db_column.clone()] {
        if !names.contains(&other) {
            names.push(other);
        }
    }
    quote!(#(#names)|*)
}
