//! The accounts app.

pub mod admin;
pub mod forms;
pub mod migrations;
pub mod models;
#[cfg(test)]
mod tests;
pub mod urls;
pub mod views;

/// The accounts app's configuration (Django's `AccountsConfig` in apps.py).
pub struct AccountsConfig;

impl pony::App for AccountsConfig {
    fn label(&self) -> &'static str {
        "accounts"
    }

    fn urls(&self) -> pony::Urls {
        urls::urlpatterns()
    }

    fn migrations(&self) -> &'static [(&'static str, &'static str)] {
        migrations::MIGRATIONS
    }
}
