//! The request core: what every feature builds on, and the seams they plug into.
//!
//! - [`SiteState`]: settings, templates, URLs, apps, the database — what every request reaches;
//! - [`App`]: an installed app, and its hooks ([`App::context_processors`], [`App::layer`],
//!   [`App::ready`]);
//! - [`Request`], [`QueryDict`] and [`body`]: the request as a view sees it, its body read
//!   and parsed once with Django's limits;
//! - [`ContextProcessor`]: the one way to add variables to every rendered page;
//! - [`DebugRecord`]: what the DEBUG error page shows beyond the request's head;
//! - one home each for cookies ([`request_cookie`]), `Vary` ([`patch_vary_headers`]), the
//!   client's address ([`ClientIpSettings`]) and redirects' `Location`.
//!
//! Dependencies point one way. Below the core sit the foundations that know nothing of HTTP
//! features (`conf`, `error`, `db`, `urls`, `templates`, `static_files`, `encoding`); the core
//! uses only those. The features (`security`, `sessions`, `auth`, `csrf`, `messages`, `forms`,
//! the error pages) use the core and the features beneath them — never `project`. The
//! [shortcuts](crate::shortcuts) name no feature. Only [`project`](crate::project) knows them
//! all and assembles them. `tests/layering.rs` checks these rules on every test run.

mod app;
pub mod body;
mod client_ip;
pub mod context;
mod cookies;
mod debug_record;
mod deferred;
mod extensions;
mod query_dict;
mod request;
mod response;
mod site;
mod vary;

pub use app::App;
pub use client_ip::{ClientIpSettings, network_key, peer_address};
pub use context::ContextProcessor;
pub use cookies::{request_cookie, request_cookies};
pub use debug_record::{DebugData, DebugRecord, SensitivePost, sensitive_post_parameters};
pub(crate) use deferred::DeferredLoads;
pub use deferred::defer_until_request;
pub use extensions::HasExtensions;
pub use query_dict::QueryDict;
pub use request::Request;
pub(crate) use response::found;
pub use site::{AppState, SiteState};
pub use vary::patch_vary_headers;
pub(crate) use vary::vary_on_cookie;
