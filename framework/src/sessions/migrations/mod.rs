//! Migrations of the sessions app, oldest first.

/// `(name, TOML source)` of each migration, embedded at compile time.
pub const MIGRATIONS: &[(&str, &str)] = &[("0001_initial", include_str!("0001_initial.toml"))];
