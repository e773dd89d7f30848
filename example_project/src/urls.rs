//! The root URLs (Django's ROOT_URLCONF). Each app's URLs are mounted at `<app>/` by
//! `installed_apps!`; the site's front page sends visitors to the article list.

use pony::http::redirect_to;
use pony::prelude::*;

pub fn urlpatterns() -> Urls {
    Urls::new().path("", redirect_to("articles:index"), "home")
}
