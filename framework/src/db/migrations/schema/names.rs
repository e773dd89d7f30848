//! Deterministic names for the indexes and constraints pony creates.
//!
//! Nothing is introspected, so a name must be computable from the models alone: it is
//! `<table>_<columns>_<hash8><suffix>` (Django's scheme), cut to 63 bytes (PostgreSQL's limit;
//! MySQL allows 64). Renaming a table or column renames these objects too.

/// The longest identifier allowed on every backend.
pub(crate) const MAX_NAME_LEN: usize = 63;

/// Suffix of unique constraints (and SQLite's unique indexes for `unique_together`).
pub(crate) const UNIQUE: &str = "_uniq";
/// Suffix of foreign key constraints.
pub(crate) const FOREIGN_KEY: &str = "_fk";

/// 8 hex digits of a stable 64-bit FNV-1a hash of the parts.
pub(crate) fn digest(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")[..8].to_owned()
}

/// Django's `_create_index_name`: the table, the columns and a hash of both, then `suffix`,
/// shortened to fit [`MAX_NAME_LEN`].
pub(crate) fn index_name(table: &str, columns: &[&str], suffix: &str) -> String {
    let mut parts = vec![table];
    parts.extend_from_slice(columns);
    let hash_part = format!("{}{suffix}", digest(&parts));
    let joined = columns.join("_");
    let name = format!("{table}_{joined}_{hash_part}");
    if name.len() <= MAX_NAME_LEN {
        return name;
    }
    let other = (MAX_NAME_LEN - hash_part.len()) / 2 - 1;
    let cut = |text: &str| {
        let mut out = String::new();
        for c in text.chars() {
            if out.len() + c.len_utf8() > other {
                break;
            }
            out.push(c);
        }
        out
    };
    let mut table_part = cut(table);
    if table_part.starts_with(|c: char| c == '_' || c.is_ascii_digit()) {
        table_part.pop();
        table_part.insert(0, 'D');
    }
    format!("{table_part}_{}_{hash_part}", cut(&joined))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_stable_and_short() {
        let name = index_name("articles_article", &["author_id"], "");
        assert_eq!(
            name,
            format!(
                "articles_article_author_id_{}",
                digest(&["articles_article", "author_id"])
            )
        );
        assert_eq!(name, index_name("articles_article", &["author_id"], ""));
        assert_ne!(name, index_name("articles_article", &["title"], ""));
        assert!(index_name("t", &["a"], UNIQUE).ends_with("_uniq"));
        let long = index_name(
            &"x".repeat(80),
            &["a_very_long_column_name_indeed", "another_one"],
            FOREIGN_KEY,
        );
        assert!(long.len() <= MAX_NAME_LEN, "{long}");
        assert!(long.ends_with("_fk"));
        assert!(index_name(&"1".repeat(80), &["a"], "").starts_with('D'));
    }
}
