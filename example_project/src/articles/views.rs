//! Views of articles: the board's list, detail, create, update and delete.

use std::collections::HashMap;

use diesel::prelude::*;
use pony::db::{Connection, DateTime};
use pony::http::Path;
use pony::messages;
use pony::paginator::Paginator;
use pony::prelude::*;
use serde::Serialize;

use super::forms::ArticleForm;
use super::models::Article;

/// Articles per page of the list.
const PER_PAGE: u64 = 10;

/// An article as the templates show it: with its author's username.
#[derive(Debug, Serialize)]
struct ArticleView {
    id: i64,
    title: String,
    content: String,
    author_id: i64,
    author: String,
    created_at: DateTime,
    updated_at: DateTime,
}

impl ArticleView {
    fn new(article: Article, authors: &HashMap<i64, String>) -> Self {
        ArticleView {
            author: authors.get(&article.author_id).cloned().unwrap_or_default(),
            author_id: article.author_id,
            id: article.id,
            title: article.title,
            content: article.content,
            created_at: article.created_at,
            updated_at: article.updated_at,
        }
    }
}

/// The usernames of the given user ids.
fn usernames(conn: &mut Connection, ids: Vec<i64>) -> pony::Result<HashMap<i64, String>> {
    use pony::auth::models::user;
    Ok(user::table
        .filter(user::id.eq_any(ids))
        .select((user::id, user::username))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

/// The board's front page: newest first, `PER_PAGE` at a time (`?page=N`).
pub async fn index(db: Db, request: Request) -> pony::Result<Response> {
    let requested = request.query().get("page").map(str::to_owned);
    let (articles, page) = db
        .run(move |conn| {
            let count = Article::count(conn)?;
            let page = Paginator::new(count.try_into().unwrap_or(0), PER_PAGE)
                .get_page(requested.as_deref());
            let rows: Vec<Article> = Article::objects()
                .offset(page.offset())
                .limit(page.limit())
                .load(conn)?;
            let authors = usernames(conn, rows.iter().map(|a| a.author_id).collect())?;
            let articles: Vec<ArticleView> = rows
                .into_iter()
                .map(|article| ArticleView::new(article, &authors))
                .collect();
            Ok((articles, page))
        })
        .await?;
    render(&request, "articles/index.html", context! { articles, page })
}

/// One article (404 if there is none).
pub async fn detail(Path(pk): Path<i64>, db: Db, request: Request) -> pony::Result<Response> {
    let article = db
        .run(move |conn| {
            let article = Article::get(conn, pk)?;
            let authors = usernames(conn, vec![article.author_id])?;
            Ok(ArticleView::new(article, &authors))
        })
        .await?;
    let can_edit = request.user().id() == Some(article.author_id);
    render(&request, "articles/detail.html", context! { article, can_edit })
}

/// Write an article: logged-in users only, and the author is `request.user` (a posted
/// `author` field is ignored: the form has no such field).
pub async fn create(
    LoginRequired(user): LoginRequired,
    db: Db,
    request: Request,
) -> pony::Result<Response> {
    let form = ArticleForm::bind(&request);
    if form.is_valid() {
        // Django's `article = form.save(commit=False); article.author = request.user`.
        let mut article = form.save_without_commit(Article::default())?;
        article.author_id = user.id().unwrap_or_default();
        let article = db.run(move |conn| article.save(conn)).await?;
        messages::success(&request, "Your article was published.")?;
        return Ok(redirect_to_url(&reverse("articles:detail", [article.id])?));
    }
    let article: Option<ArticleView> = None;
    render(&request, "articles/form.html", context! { form, article })
}

/// The article, if `user` wrote it; a 403 for anyone else (404 if there is no such article).
async fn own_article(db: &Db, pk: i64, user: &CurrentUser) -> pony::Result<Article> {
    let article = db.run(move |conn| Article::get(conn, pk)).await?;
    if Some(article.author_id) != user.id() {
        return Err(Error::permission_denied("Only the author may change this article."));
    }
    Ok(article)
}

/// Edit an article: its author only.
pub async fn update(
    Path(pk): Path<i64>,
    LoginRequired(user): LoginRequired,
    db: Db,
    request: Request,
) -> pony::Result<Response> {
    let mut article = own_article(&db, pk, &user).await?;
    // Django's `ArticleForm(request.POST or None, instance=article)`.
    let form = if request.is_post() {
        ArticleForm::bind(&request)
    } else {
        ArticleForm::from_instance(&article)
    };
    if form.is_valid() {
        form.apply_to(&mut article)?;
        db.run(move |conn| article.save(conn)).await?;
        messages::success(&request, "Your article was updated.")?;
        return Ok(redirect_to_url(&reverse("articles:detail", [pk])?));
    }
    let authors = HashMap::from([(user.id().unwrap_or_default(), user.username().to_owned())]);
    let article = ArticleView::new(article, &authors);
    render(&request, "articles/form.html", context! { form, article })
}

/// Delete an article (POST only; GET is 405): its author only.
pub async fn delete(
    Path(pk): Path<i64>,
    LoginRequired(user): LoginRequired,
    db: Db,
    request: Request,
) -> pony::Result<Response> {
    let article = own_article(&db, pk, &user).await?;
    db.run(move |conn| article.delete(conn)).await?;
    messages::success(&request, "The article was deleted.")?;
    redirect("articles:index")
}
