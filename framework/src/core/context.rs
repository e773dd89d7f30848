//! Context processors (Django's `TEMPLATES.OPTIONS.context_processors`): the one way features
//! and apps add variables to every page [`render`](crate::render) draws.
//!
//! pony's own add `request`, `csrf_token`, `messages`, and — with the auth app — `user` and
//! `perms`. An app adds its own through [`App::context_processors`](super::App):
//!
//! ```
//! use pony::prelude::*;
//! use pony::core::ContextProcessor;
//! use pony::templates::Context;
//!
//! fn site_name(_request: &Request, context: &mut Context) {
//!     context.insert("site_name", "The board");
//! }
//!
//! struct BrandingConfig;
//!
//! impl App for BrandingConfig {
//!     fn label(&self) -> &'static str { "branding" }
//!     fn context_processors(&self) -> Vec<ContextProcessor> { vec![site_name] }
//! }
//! ```

use super::Request;
use crate::templates::Context;

/// Adds variables to a page's context; the view's own variables win over them.
pub type ContextProcessor = fn(&Request, &mut Context);

/// Django's `django.template.context_processors.request`: the `request` variable (method,
/// path, full_path, GET).
pub fn request(request: &Request, context: &mut Context) {
    context.insert_value("request", request.template_value());
}
