//! URLs of articles, mounted at /articles/ (reversed as "articles:<name>").

use pony::prelude::*;

use super::views;

pub fn urlpatterns() -> Urls {
    Urls::app("articles").path("", views::index, "index")
}
