//! Migrations of this app, oldest first. `makemigrations` keeps this list; edit the
//! migration files themselves, not this list.

/// `(name, TOML source)` of each migration, embedded at compile time.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_initial", include_str!("0001_initial.toml")),
    ("0002_author_foreign_key", include_str!("0002_author_foreign_key.toml")),
];
