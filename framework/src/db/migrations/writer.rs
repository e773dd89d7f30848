//! Naming new migrations and rendering an app's `migrations/mod.rs`.

use chrono::NaiveDateTime;

use super::operations::Operation;

/// The longest automatic name Django builds from operation fragments.
const MAX_FRAGMENTS_LEN: usize = 52;

/// The name of an app's next migration: `0001_initial` for the first, else the next number
/// with `explicit_name`, or with the operations' name fragments (Django's
/// `suggest_name`: joined by `_`, `_and_more` past 52 characters), or `auto_YYYYMMDD_HHMM`
/// (from `now`) when an operation has no fragment.
pub fn next_name<S: AsRef<str>>(
    existing: &[S],
    operations: &[Operation],
    explicit_name: Option<&str>,
    now: NaiveDateTime,
) -> String {
    let number = existing
        .iter()
        .filter_map(|name| number_of(name.as_ref()))
        .max()
        .unwrap_or(0)
        + 1;
    let suffix = match explicit_name {
        Some(name) => name.to_owned(),
        None if number == 1 => "initial".to_owned(),
        None => suggest_name(operations)
            .unwrap_or_else(|| format!("auto_{}", now.format("%Y%m%d_%H%M"))),
    };
    format!("{number:04}_{suffix}")
}

/// The number a migration name starts with (`0002_x` → 2).
pub fn number_of(name: &str) -> Option<u32> {
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn suggest_name(operations: &[Operation]) -> Option<String> {
    let fragments: Option<Vec<String>> = operations
        .iter()
        .map(|op| op.migration_name_fragment().map(|f| sanitize(&f)))
        .collect();
    let fragments = fragments?;
    let (first, rest) = fragments.split_first()?;
    let mut name = first.clone();
    for fragment in rest {
        let longer = format!("{name}_{fragment}");
        if longer.len() > MAX_FRAGMENTS_LEN {
            name.push_str("_and_more");
            break;
        }
        name = longer;
    }
    Some(name)
}

/// Django's `re.sub(r"\W+", "_", name)`.
fn sanitize(fragment: &str) -> String {
    let mut out = String::with_capacity(fragment.len());
    for c in fragment.chars() {
        if c.is_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out
}

/// The app's `migrations/mod.rs`, embedding each named `NAME.toml`, oldest first.
pub fn render_index<S: AsRef<str>>(names: &[S]) -> String {
    let mut out = String::from(
        "//! Migrations of this app, oldest first. `makemigrations` keeps this list; edit the\n\
         //! migration files themselves, not this list.\n\n\
         /// `(name, TOML source)` of each migration, embedded at compile time.\n",
    );
    if names.is_empty() {
        out.push_str("pub const MIGRATIONS: &[(&str, &str)] = &[];\n");
        return out;
    }
    out.push_str("pub const MIGRATIONS: &[(&str, &str)] = &[\n");
    for name in names {
        let name = name.as_ref();
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            format!("{name}.toml")
        ));
    }
    out.push_str("];\n");
    out
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::db::migrations::operations::RunSql;
    use crate::db::models::{FieldMeta, FieldType};

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 26)
            .and_then(|d| d.and_hms_opt(1, 30, 0))
            .unwrap()
    }

    fn add(model: &str, field: &str) -> Operation {
        Operation::AddField {
            model_name: model.into(),
            field: FieldMeta::new(field, FieldType::TextField),
            preserve_default: true,
        }
    }

    #[test]
    fn names_follow_django() {
        let none: [&str; 0] = [];
        assert_eq!(
            next_name(&none, &[add("a", "b")], None, now()),
            "0001_initial"
        );
        assert_eq!(next_name(&none, &[], Some("seed"), now()), "0001_seed");
        let existing = ["0001_initial", "0002_article_headline"];
        assert_eq!(
            next_name(&existing, &[add("article", "slug")], None, now()),
            "0003_article_slug"
        );
        let many = [
            add("article", "slug"),
            add("article", "subtitle"),
            add("article", "summary"),
            add("article", "views"),
        ];
        assert_eq!(
            next_name(&existing, &many, None, now()),
            "0003_article_slug_article_subtitle_article_summary_and_more"
        );
        let raw = [add("article", "slug"), Operation::RunSql(RunSql::default())];
        assert_eq!(
            next_name(&existing, &raw, None, now()),
            "0003_auto_20261126_0130"
        );
        assert_eq!(
            next_name(&existing, &[], None, now()),
            "0003_auto_20261126_0130"
        );
        assert_eq!(next_name(&["0009_x"], &[], Some("y"), now()), "0010_y");
    }

    #[test]
    fn index_is_exact() {
        assert_eq!(
            render_index(&["0001_initial"]),
            "//! Migrations of this app, oldest first. `makemigrations` keeps this list; edit the
//! migration files themselves, not this list.

/// `(name, TOML source)` of each migration, embedded at compile time.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (\"0001_initial\", include_str!(\"0001_initial.toml\")),
];
"
        );
        let none: [&str; 0] = [];
        assert_eq!(
            render_index(&none),
            "//! Migrations of this app, oldest first. `makemigrations` keeps this list; edit the
//! migration files themselves, not this list.

/// `(name, TOML source)` of each migration, embedded at compile time.
pub const MIGRATIONS: &[(&str, &str)] = &[];
"
        );
    }
}
