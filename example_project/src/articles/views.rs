//! Views of articles.

use pony::prelude::*;

use super::models::Article;

/// The board's front page: every article, newest first.
pub async fn index(db: Db, request: Request) -> pony::Result<Response> {
    let articles = db.run(Article::all).await?;
    render(&request, "articles/index.html", context! { articles })
}
