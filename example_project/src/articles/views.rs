//! Views of articles: the board's list, detail, create, update and delete.

use diesel::prelude::*;
use pony::http::Path;
use pony::messages;
use pony::paginator::Paginator;
use pony::prelude::*;

use super::forms::ArticleForm;
use super::models::Article;

/// Articles per page of the list.
const PER_PAGE: u64 = 10;

/// The board's front page: newest first, `PER_PAGE` at a time (`?page=N`).
pub async fn index(db: Db, request: Request) -> pony::Result<Response> {
    let requested = request.query().get("page").map(str::to_owned);
    let (articles, page) = db
        .run(move |conn| {
            let count = Article::count(conn)?;
            let page = Paginator::new(count.try_into().unwrap_or(0), PER_PAGE)
                .get_page(requested.as_deref());
            // Django's `Article.objects.select_related("author")[offset:offset + limit]`.
            let query = Article::objects().offset(page.offset()).limit(page.limit());
            let articles = Article::select_related_author(conn, query)?;
            Ok((articles, page))
        })
        .await?;
    render(&request, "articles/index.html", context! { articles, page })
}

/// One article (404 if there is none).
pub async fn detail(Path(pk): Path<i64>, db: Db, request: Request) -> pony::Result<Response> {
    let article = db
        .run(move |conn| {
            let mut article = Article::get(conn, pk)?;
            article.author.load(conn)?;
            Ok(article)
        })
        .await?;
    let can_edit = request.user().id() == Some(article.author.id());
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
        article.author = user.id().unwrap_or_default().into();
        let article = db.run(move |conn| article.save(conn)).await?;
        messages::success(&request, "Your article was published.")?;
        return Ok(redirect_to_url(&reverse("articles:detail", [article.id])?));
    }
    let article: Option<Article> = None;
    render(&request, "articles/form.html", context! { form, article })
}

/// The article, if `user` wrote it; a 403 for anyone else (404 if there is no such article).
async fn own_article(db: &Db, pk: i64, user: &CurrentUser) -> pony::Result<Article> {
    let article = db.run(move |conn| Article::get(conn, pk)).await?;
    if Some(article.author.id()) != user.id() {
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
