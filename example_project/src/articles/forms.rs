//! Forms of articles.
