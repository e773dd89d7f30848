//! Which Rust types a model field may have, and what each becomes: a Django field type and a
//! diesel SQL type.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{GenericArgument, PathArguments, Type};

/// The base kinds of Rust types a field can have (inside an optional `Option`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RustKind {
    Bool,
    I32,
    I64,
    F64,
    String,
    Date,
    DateTime,
}

impl RustKind {
    /// Recognises the last path segment (`i64`, `String`, `NaiveDate`, `DateTime`, …);
    /// generic types (`chrono::DateTime<Utc>`) are not among them.
    pub(crate) fn of(ty: &Type) -> Option<Self> {
        let Type::Path(path) = ty else { return None };
        let segment = path.path.segments.last()?;
        if !segment.arguments.is_none() {
            return None;
        }
        Some(match segment.ident.to_string().as_str() {
            "bool" => RustKind::Bool,
            "i32" => RustKind::I32,
            "i64" => RustKind::I64,
            "f64" => RustKind::F64,
            "String" => RustKind::String,
            "NaiveDate" | "Date" => RustKind::Date,
            "NaiveDateTime" | "DateTime" => RustKind::DateTime,
            _ => return None,
        })
    }

    /// The name a type path ends with (`u32`, `DateTime`); `&str` gives `str`.
    pub(crate) fn last_segment(ty: &Type) -> Option<String> {
        match ty {
            Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
            Type::Reference(reference) => Self::last_segment(&reference.elem),
            _ => None,
        }
    }

    /// diesel's SQL type for this kind.
    pub(crate) fn sql_type(self) -> TokenStream {
        match self {
            RustKind::Bool => quote!(Bool),
            RustKind::I32 => quote!(Integer),
            RustKind::I64 => quote!(BigInt),
            RustKind::F64 => quote!(Double),
            RustKind::String => quote!(Text),
            RustKind::Date => quote!(Date),
            RustKind::DateTime => quote!(Timestamp),
        }
    }
}

/// `Option<T>` → `Some(T)`.
pub(crate) fn option_inner(ty: &Type) -> Option<&Type> {
    type_argument(ty, "Option")
}

/// `ForeignKey<User>` → `Some(User)`: a relation field, whose column holds the target's key.
pub(crate) fn foreign_key_target(ty: &Type) -> Option<&Type> {
    type_argument(ty, "ForeignKey")
}

/// `ManyToMany<Tag>` → `Some(Tag)`: a relation kept in a link table, not a column.
pub(crate) fn many_to_many_target(ty: &Type) -> Option<&Type> {
    type_argument(ty, "ManyToMany")
}

/// `Wrapper<T>` → `Some(T)` when the type's last segment is `wrapper`.
fn type_argument<'a>(ty: &'a Type, wrapper: &str) -> Option<&'a Type> {
    let Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    if segment.ident != wrapper {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

/// The message for a field type pony cannot store.
pub(crate) const UNSUPPORTED: &str = "unsupported field type: pony models store bool, i32, i64, \
     f64, String, pony::db::Date, pony::db::DateTime, pony::db::ForeignKey<Model>, Option of \
     these, and pony::db::ManyToMany<Model>";
