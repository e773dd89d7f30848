//! [`DebugRecord`]: what the DEBUG error page shows about a request beyond its head.

use std::sync::{Arc, Mutex};

/// What the DEBUG 500 page shows about the request beyond its head: the POST data, and
/// later the user and session. Middleware puts an empty one on each request.
#[derive(Debug, Clone, Default)]
pub struct DebugRecord(Arc<Mutex<DebugData>>);

/// The data a [`DebugRecord`] holds.
#[derive(Debug, Clone, Default)]
pub struct DebugData {
    /// The parsed POST body, once a view read it.
    pub post: Vec<(String, String)>,
    /// The handler that answered (its Rust path), once routing chose it.
    pub view: Option<String>,
    /// How `request.user` reads (`AnonymousUser` or a username), once auth knows.
    pub user: Option<String>,
    /// The session's data, once sessions know.
    pub session: Option<Vec<(String, String)>>,
}

impl DebugRecord {
    pub(crate) fn set_post(&self, post: Vec<(String, String)>) {
        if let Ok(mut data) = self.0.lock() {
            data.post = post;
        }
    }

    /// Lets a later layer fill in what it knows (the user, the session).
    pub fn update(&self, change: impl FnOnce(&mut DebugData)) {
        if let Ok(mut data) = self.0.lock() {
            change(&mut data);
        }
    }

    /// A copy of what was recorded.
    pub fn snapshot(&self) -> DebugData {
        self.0.lock().map(|data| data.clone()).unwrap_or_default()
    }
}
