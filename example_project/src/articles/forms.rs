//! Forms of articles.

use super::models::Article;

/// Django's `ModelForm` with `fields = ["title", "content"]`: the author is not a field, the
/// view sets it from `request.user`.
#[derive(pony::Form, Debug, Default)]
#[form(model = Article)]
pub struct ArticleForm {
    pub title: String,
    #[field(widget = "textarea")]
    pub content: String,
}
