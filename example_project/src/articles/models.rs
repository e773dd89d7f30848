//! Models of articles.

use pony::auth::models::{User, user};
use pony::db::{DateTime, ForeignKey};

/// An article on the board, newest first (the seed's `Article`).
#[derive(pony::Model, Debug, Clone, Default, serde::Serialize)]
#[model(ordering = "-created_at", display = "title")]
pub struct Article {
    pub id: i64,
    #[field(max_length = 200)]
    pub title: String,
    pub content: String,
    /// The author (Django's `ForeignKey(User, on_delete=models.CASCADE)`).
    #[field(on_delete = "cascade")]
    pub author: ForeignKey<User>,
    #[field(auto_now_add)]
    pub created_at: DateTime,
    #[field(auto_now)]
    pub updated_at: DateTime,
}
