//! Views of articles.

use pony::prelude::*;
use serde::Serialize;

/// What the article list shows of each article (the model arrives with the model layer).
#[derive(Debug, Serialize)]
pub struct ArticleSummary {
    pub id: i64,
    pub title: String,
}

/// The board's front page: every article, newest first.
pub async fn index(request: Request) -> pony::Result<Response> {
    let articles: Vec<ArticleSummary> = Vec::new();
    render(&request, "articles/index.html", context! { articles })
}
