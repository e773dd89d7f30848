//! URLs of articles, mounted at /articles/ (reversed as "articles:<name>").

use pony::prelude::*;

use super::views;

pub fn urlpatterns() -> Urls {
    Urls::app("articles")
        .path("", views::index, "index")
        .path("create/", views::create, "create")
        .path("<int:pk>/", views::detail, "detail")
        .path("<int:pk>/update/", views::update, "update")
        .route("<int:pk>/delete/", post(views::delete), "delete")
}
