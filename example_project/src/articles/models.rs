//! Models of articles.

use pony::db::DateTime;

/// An article on the board, newest first (the seed's `Article`).
#[derive(pony::Model, Debug, Clone, Default, serde::Serialize)]
#[model(ordering = "-created_at", display = "title")]
pub struct Article {
    pub id: i64,
    #[field(max_length = 200)]
    pub title: String,
    pub content: String,
    /// The author (Django's `ForeignKey(User, on_delete=models.CASCADE)`).
    #[field(foreign_key = "auth.User")]
    pub author_id: i64,
    #[field(auto_now_add)]
    pub created_at: DateTime,
    #[field(auto_now)]
    pub updated_at: DateTime,
}
