//! The articles app.

pub mod admin;
pub mod forms;
pub mod migrations;
pub mod models;
#[cfg(test)]
mod tests;
pub mod urls;
pub mod views;

/// The articles app's configuration (Django's `ArticlesConfig` in apps.py).
pub struct ArticlesConfig;

impl pony::App for ArticlesConfig {
    fn label(&self) -> &'static str {
        "articles"
    }

    fn urls(&self) -> pony::Urls {
        urls::urlpatterns()
    }

    fn migrations(&self) -> &'static [(&'static str, &'static str)] {
        migrations::MIGRATIONS
    }
}
