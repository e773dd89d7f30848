//! Views of articles.

use diesel::prelude::*;
use pony::prelude::*;

use super::models::{Article, article};

/// The board's front page: every article, newest first.
pub async fn index(db: Db, request: Request) -> pony::Result<Response> {
    let articles = db
        .run(|conn| Ok(article::table.order(article::created_at.desc()).load::<Article>(conn)?))
        .await?;
    render(&request, "articles/index.html", context! { articles })
}
