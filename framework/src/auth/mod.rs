//! Authentication, like `django.contrib.auth`: users, groups and permissions, `request.user`,
//! login and logout, access control, password hashing and validation.
//!
//! Install the app in the project's `installed_apps!` list (with the sessions app it relies
//! on), then use [`CurrentUser`] or [`LoginRequired`] in handlers and `user` in templates.

mod app;
pub mod blocking;
pub mod current_user;
pub mod forms;
pub mod guards;
pub mod hashers;
pub mod login;
pub mod models;
pub mod permissions;
pub mod redirects;
pub mod required;
pub mod session_hash;
pub mod throttle;
pub mod validators;

pub use app::AuthConfig;
pub use blocking::{hash_password, verify_password};
pub use current_user::{CurrentUser, RequestUser};
pub use login::{Credentials, LoginRefused, authenticate, login, logout, update_session_auth_hash};
pub use models::{Group, Permission, User};
pub use required::{LoginRequired, StaffRequired};
