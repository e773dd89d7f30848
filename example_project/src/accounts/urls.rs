//! URLs of accounts, mounted at /accounts/ (reversed as "accounts:<name>").

use pony::prelude::*;

use super::views;

pub fn urlpatterns() -> Urls {
    Urls::app("accounts")
        .path("signup/", views::signup, "signup")
        .path("login/", views::login, "login")
        .route("logout/", post(views::logout), "logout")
        .path("password_change/", views::password_change, "password_change")
}
