//! URLs of accounts, mounted at /accounts/ (reversed as "accounts:<name>").

use pony::prelude::*;

pub fn urlpatterns() -> Urls {
    Urls::app("accounts")
}
