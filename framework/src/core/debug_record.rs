//! [`DebugRecord`]: what the DEBUG error page shows about a request beyond its head, and
//! [`sensitive_post_parameters`], which keeps submitted secrets off that page.

use std::sync::{Arc, Mutex};

use super::{QueryDict, Request};

/// What the DEBUG 500 page shows about the request beyond its head: the POST data, the
/// view, the user and the session. Middleware puts an empty one on each request; the layers
/// fill in what they know, and only in DEBUG, where the page is shown.
#[derive(Debug, Clone, Default)]
pub struct DebugRecord(Arc<Mutex<DebugData>>);

/// The data a [`DebugRecord`] holds.
#[derive(Debug, Clone, Default)]
pub struct DebugData {
    /// The parsed POST body (shared with the request, not copied), once a view read it.
    pub post: Option<Arc<QueryDict>>,
    /// Which POST values the view declared secret (see [`sensitive_post_parameters`]).
    pub sensitive_post: SensitivePost,
    /// The handler that answered (its Rust path), once routing chose it.
    pub view: Option<String>,
    /// How `request.user` reads (`AnonymousUser` or a username), once auth knows.
    pub user: Option<String>,
    /// The session's data, once sessions know.
    pub session: Option<Vec<(String, String)>>,
}

/// Which POST values the DEBUG page masks, beyond those whose names look secret.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SensitivePost {
    /// Only names that look secret (`password`, `…token`, …).
    #[default]
    Default,
    /// These names too.
    Names(Vec<String>),
    /// Every value (Django's `@sensitive_post_parameters()` without arguments).
    All,
}

impl SensitivePost {
    /// Whether the value of `name` must be masked on this account.
    pub fn covers(&self, name: &str) -> bool {
        match self {
            SensitivePost::Default => false,
            SensitivePost::Names(names) => names.iter().any(|n| n == name),
            SensitivePost::All => true,
        }
    }
}

impl DebugRecord {
    pub(crate) fn set_post(&self, post: Arc<QueryDict>) {
        self.update(|data| data.post = Some(post));
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

/// Django's `@sensitive_post_parameters`: the DEBUG error page masks these POST values of
/// this request (every value when `names` is empty). Values whose names look secret
/// (`password`, `csrfmiddlewaretoken`, …) are always masked; pony's auth forms mark every
/// value of the requests they bind, as Django's auth views do.
///
/// ```no_run
/// use pony::prelude::*;
///
/// async fn pay(request: Request) -> pony::Result<Response> {
///     pony::http::sensitive_post_parameters(&request, &["card_number", "cvv"]);
///     // … a failure below shows the form's other values, never these.
///     redirect("/paid/")
/// }
/// ```
pub fn sensitive_post_parameters(request: &Request, names: &[&str]) {
    let Some(record) = request.extensions.get::<DebugRecord>() else {
        return;
    };
    record.update(|data| {
        data.sensitive_post = match (&data.sensitive_post, names) {
            (_, []) | (SensitivePost::All, _) => SensitivePost::All,
            (SensitivePost::Names(known), _) => SensitivePost::Names(
                known
                    .iter()
                    .cloned()
                    .chain(names.iter().map(|n| (*n).to_owned()))
                    .collect(),
            ),
            (SensitivePost::Default, _) => {
                SensitivePost::Names(names.iter().map(|n| (*n).to_owned()).collect())
            }
        }
    });
}
