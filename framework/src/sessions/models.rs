//! The database store's table, `pony_session` (Django's `django_session`).

use crate::db::DateTime;

/// One stored session: its key, its data as JSON, and when it expires.
///
/// Rows past `expire_date` are never loaded; `manage clearsessions` (and the server, every
/// hour) deletes them.
#[derive(pony::Model, Debug, Clone)]
#[model(db_table = "pony_session")]
pub struct Session {
    /// The 32-character key the cookie carries.
    #[field(primary_key, max_length = 40)]
    pub session_key: String,
    /// The session's variables as a JSON object.
    pub session_data: String,
    /// When the session stops being valid (UTC).
    #[field(db_index)]
    pub expire_date: DateTime,
}
