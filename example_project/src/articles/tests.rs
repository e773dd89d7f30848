//! Tests of articles.

use pony::App;

#[test]
fn app_is_configured() {
    assert_eq!(super::ArticlesConfig.label(), "articles");
    assert_eq!(super::ArticlesConfig.urls().namespace(), Some("articles"));
}
