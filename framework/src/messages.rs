//! One-time messages ("Saved.", "Wrong password."), Django's `django.contrib.messages`.
//!
//! A view adds a message; it is kept in the session until a page shows it, so it survives
//! the redirect that usually follows a successful POST and is shown exactly once:
//!
//! ```no_run
//! use pony::prelude::*;
//! use pony::messages;
//!
//! async fn save(request: Request) -> pony::Result<Response> {
//!     // … save the form …
//!     messages::success(&request, "Saved.")?;
//!     redirect("articles:index")
//! }
//! ```
//!
//! ```html
//! {% for message in messages %}
//!   <p class="{{ message.tags }}">{{ message }}</p>
//! {% endfor %}
//! ```
//!
//! Levels are Django's (`debug` 10, `info` 20, `success` 25, `warning` 30, `error` 40); messages
//! below `MESSAGE_LEVEL` (default: `info`) are dropped, so `debug` messages only appear when
//! `MESSAGE_LEVEL = 10`. They are stored under the session key `_messages` in Django's JSON
//! format, and iterating `messages` in a template marks them as shown.

use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use minijinja::value::{Enumerator, Object, ObjectRepr, Value};
use serde_json::json;
use tower_sessions::Session;

use crate::core::HasExtensions;
use crate::error::{Error, Result};
use crate::templates::Context;

/// The session key messages are stored under (Django's).
pub const SESSION_KEY: &str = "_messages";

/// A message's importance, with Django's numbers; custom levels are any other number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Level(pub i32);

impl Level {
    /// `messages.DEBUG` (10): dropped unless `MESSAGE_LEVEL` is 10 or lower.
    pub const DEBUG: Level = Level(10);
    /// `messages.INFO` (20), the default `MESSAGE_LEVEL`.
    pub const INFO: Level = Level(20);
    /// `messages.SUCCESS` (25).
    pub const SUCCESS: Level = Level(25);
    /// `messages.WARNING` (30).
    pub const WARNING: Level = Level(30);
    /// `messages.ERROR` (40).
    pub const ERROR: Level = Level(40);

    /// Django's `level_tag`: `"success"` for [`Level::SUCCESS`], `""` for a custom level.
    ///
    /// ```
    /// assert_eq!(pony::messages::Level::WARNING.tag(), "warning");
    /// ```
    pub fn tag(self) -> &'static str {
        match self.0 {
            10 => "debug",
            20 => "info",
            25 => "success",
            30 => "warning",
            40 => "error",
            _ => "",
        }
    }
}

/// One message, as a template sees it: `{{ message }}`, `{{ message.tags }}`,
/// `{{ message.level }}`, `{{ message.level_tag }}`, `{{ message.extra_tags }}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// How important it is.
    pub level: Level,
    /// The text (escaped when rendered).
    pub message: String,
    /// Extra CSS classes given when it was added.
    pub extra_tags: String,
}

impl Message {
    /// Django's `tags`: the extra tags, then the level's tag (`"important success"`).
    ///
    /// ```
    /// use pony::messages::{Level, Message};
    /// let m = Message { level: Level::SUCCESS, message: "Saved.".into(), extra_tags: "big".into() };
    /// assert_eq!(m.tags(), "big success");
    /// ```
    pub fn tags(&self) -> String {
        [self.extra_tags.as_str(), self.level.tag()]
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Django's `MessageEncoder` form: `["__json_message", 0, 25, "Saved.", ""]`.
    fn encode(&self) -> serde_json::Value {
        json!([
            "__json_message",
            0,
            self.level.0,
            self.message,
            self.extra_tags
        ])
    }

    fn decode(value: &serde_json::Value) -> Option<Message> {
        let items = value.as_array()?;
        if items.first()?.as_str()? != "__json_message" {
            return None;
        }
        Some(Message {
            level: Level(i32::try_from(items.get(2)?.as_i64()?).ok()?),
            message: items.get(3)?.as_str()?.to_owned(),
            extra_tags: items
                .get(4)
                .and_then(|t| t.as_str())
                .unwrap_or_default()
                .to_owned(),
        })
    }
}

/// Adds a message for the next page this browser sees (Django's `messages.add_message`).
///
/// Messages below `MESSAGE_LEVEL` are dropped. Without a session the message cannot be
/// kept: that is an `ImproperlyConfigured` error in DEBUG, and a logged error otherwise.
pub fn add_message(
    request: &impl HasExtensions,
    level: Level,
    message: impl Into<String>,
) -> Result<()> {
    store_of(request.extensions())?.add(level, message.into(), String::new())
}

/// Like [`add_message`], with extra tags for the template (`message.tags`).
pub fn add_message_with_tags(
    request: &impl HasExtensions,
    level: Level,
    message: impl Into<String>,
    extra_tags: impl Into<String>,
) -> Result<()> {
    store_of(request.extensions())?.add(level, message.into(), extra_tags.into())
}

/// `messages.debug(request, …)`.
pub fn debug(request: &impl HasExtensions, message: impl Into<String>) -> Result<()> {
    add_message(request, Level::DEBUG, message)
}

/// `messages.info(request, …)`.
pub fn info(request: &impl HasExtensions, message: impl Into<String>) -> Result<()> {
    add_message(request, Level::INFO, message)
}

/// `messages.success(request, …)`.
pub fn success(request: &impl HasExtensions, message: impl Into<String>) -> Result<()> {
    add_message(request, Level::SUCCESS, message)
}

/// `messages.warning(request, …)`.
pub fn warning(request: &impl HasExtensions, message: impl Into<String>) -> Result<()> {
    add_message(request, Level::WARNING, message)
}

/// `messages.error(request, …)`.
pub fn error(request: &impl HasExtensions, message: impl Into<String>) -> Result<()> {
    add_message(request, Level::ERROR, message)
}

/// Django's `get_messages(request)`: the pending messages, which counts as showing them.
pub fn get_messages(request: &impl HasExtensions) -> Vec<Message> {
    request
        .extensions()
        .get::<Store>()
        .map(Store::consume)
        .unwrap_or_default()
}

/// The messages of this request, as an extractor, for views without a [`Request`]:
///
/// ```no_run
/// use pony::prelude::*;
/// use pony::messages::Messages;
///
/// async fn delete(messages: Messages) -> pony::Result<Response> {
///     messages.warning("Deleted.")?;
///     redirect("articles:index")
/// }
/// ```
///
/// [`Request`]: crate::core::Request
#[derive(Debug, Clone)]
pub struct Messages(Store);

impl Messages {
    /// Adds a message (see [`add_message`]).
    pub fn add(&self, level: Level, message: impl Into<String>) -> Result<()> {
        self.0.add(level, message.into(), String::new())
    }

    /// Adds a `success` message.
    pub fn success(&self, message: impl Into<String>) -> Result<()> {
        self.add(Level::SUCCESS, message)
    }

    /// Adds an `info` message.
    pub fn info(&self, message: impl Into<String>) -> Result<()> {
        self.add(Level::INFO, message)
    }

    /// Adds a `warning` message.
    pub fn warning(&self, message: impl Into<String>) -> Result<()> {
        self.add(Level::WARNING, message)
    }

    /// Adds an `error` message.
    pub fn error(&self, message: impl Into<String>) -> Result<()> {
        self.add(Level::ERROR, message)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Messages {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self> {
        load(&parts.extensions).await;
        store_of(&parts.extensions).map(Messages)
    }
}

fn store_of(extensions: &axum::http::Extensions) -> Result<Store> {
    extensions.get::<Store>().cloned().ok_or_else(|| {
        Error::ImproperlyConfigured(
            "You cannot add messages to a request the messages middleware did not see \
             (a pony::Request built outside the project's router?)."
                .to_owned(),
        )
    })
}

/// One request's messages: those loaded from the session and those added since.
#[derive(Debug, Clone)]
struct Store(Arc<Mutex<StoreState>>);

#[derive(Debug)]
struct StoreState {
    loaded: Vec<Message>,
    /// Whether `loaded` was read from the session yet: only when a view asked for the
    /// request (to render or add), so untouched requests leave the session alone.
    fetched: bool,
    queued: Vec<Message>,
    /// A page iterated the messages: only those added afterwards are kept.
    used: bool,
    /// The session held messages when they were read.
    stored: bool,
    added_new: bool,
    level: Level,
    has_session: bool,
    debug: bool,
}

impl Store {
    fn with<R>(&self, f: impl FnOnce(&mut StoreState) -> R) -> R {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn add(&self, level: Level, message: String, extra_tags: String) -> Result<()> {
        self.with(|state| {
            if level < state.level {
                return Ok(());
            }
            if !state.has_session {
                let problem = "Messages are kept in the session, but this request has no \
                               session: the session middleware must be installed, and run \
                               before the messages middleware.";
                if state.debug {
                    return Err(Error::ImproperlyConfigured(problem.to_owned()));
                }
                tracing::error!("{problem} The message {message:?} was lost.");
                return Ok(());
            }
            state.added_new = true;
            state.queued.push(Message {
                level,
                message,
                extra_tags,
            });
            Ok(())
        })
    }

    /// Django's `__iter__`: everything pending, now marked as shown.
    fn consume(&self) -> Vec<Message> {
        self.with(|state| {
            state.used = true;
            let queued = std::mem::take(&mut state.queued);
            state.loaded.extend(queued);
            state.loaded.clone()
        })
    }

    fn len(&self) -> usize {
        self.with(|state| state.loaded.len() + state.queued.len())
    }

    /// Django's `update()`: what must stay in the session after this response, if that
    /// changed (`Some(empty)` removes the key). A page that iterated no messages at all
    /// changes nothing: the session stays unmodified, so it is neither saved nor re-sent.
    fn to_keep(&self) -> Option<Vec<Message>> {
        self.with(|state| {
            if state.used {
                (state.stored || !state.queued.is_empty()).then(|| state.queued.clone())
            } else if state.added_new {
                Some(state.loaded.iter().chain(&state.queued).cloned().collect())
            } else {
                None
            }
        })
    }
}

fn decode_all(json: &str) -> Vec<Message> {
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::Array(items)) => items.iter().filter_map(Message::decode).collect(),
        _ => {
            tracing::warn!("Discarding messages in the session that could not be decoded");
            Vec::new()
        }
    }
}

fn encode_all(messages: &[Message]) -> String {
    serde_json::Value::Array(messages.iter().map(Message::encode).collect()).to_string()
}

/// What the messages middleware reads from the settings, once, when the site is built.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MessagesConfig {
    /// `MESSAGE_LEVEL`: messages below it are dropped.
    level: Level,
    debug: bool,
}

impl MessagesConfig {
    pub(crate) fn new(settings: &crate::conf::Settings) -> Self {
        let level = settings
            .get::<i32>("MESSAGE_LEVEL")
            .ok()
            .flatten()
            .map_or(Level::INFO, Level);
        MessagesConfig {
            level,
            debug: settings.debug,
        }
    }
}

/// The messages middleware: gives the request its message store (read from the session when
/// a view asks, see [`load`]), and stores what is still pending after the view.
pub(crate) async fn middleware(
    State(config): State<MessagesConfig>,
    mut request: Request,
    next: Next,
) -> Response {
    let session = request.extensions().get::<Session>().cloned();
    let level = config.level;
    let store = Store(Arc::new(Mutex::new(StoreState {
        loaded: Vec::new(),
        fetched: false,
        queued: Vec::new(),
        used: false,
        stored: false,
        added_new: false,
        level,
        has_session: session.is_some(),
        debug: config.debug,
    })));
    request.extensions_mut().insert(store.clone());
    if let Some(session) = session.clone() {
        let store = store.clone();
        crate::core::defer_until_request(request.extensions_mut(), move || {
            Box::pin(async move { fill(&store, &session).await })
        });
    }
    let response = next.run(request).await;
    // Messages added without the stored ones read yet: keep both.
    let unread = store.with(|state| state.added_new && !state.used && !state.fetched);
    if let (true, Some(session)) = (unread, &session) {
        fill(&store, session).await;
    }
    if let (Some(session), Some(keep)) = (session, store.to_keep()) {
        let saved = if keep.is_empty() {
            session.remove_value(SESSION_KEY).await.map(|_| ())
        } else {
            session.insert(SESSION_KEY, encode_all(&keep)).await
        };
        if let Err(error) = saved {
            tracing::error!("Could not store messages in the session: {error}");
        }
    }
    response
}

/// Reads the request's stored messages from the session, once: when a view takes the
/// `Request` (a deferred load, see [`defer_until_request`](crate::core::defer_until_request))
/// or the `Messages` extractor, so a view that does neither never touches the session (and
/// its response does not vary by cookie because of messages).
async fn load(extensions: &axum::http::Extensions) {
    if let (Some(store), Some(session)) = (extensions.get::<Store>(), extensions.get::<Session>()) {
        fill(store, session).await;
    }
}

async fn fill(store: &Store, session: &Session) {
    if store.with(|state| state.fetched) {
        return;
    }
    let stored = match session.get::<String>(SESSION_KEY).await {
        Ok(Some(json)) => decode_all(&json),
        Ok(None) => Vec::new(),
        Err(error) => {
            tracing::error!("Could not load messages from the session: {error}");
            Vec::new()
        }
    };
    store.with(|state| {
        state.fetched = true;
        state.stored = !stored.is_empty();
        let mut all = stored;
        all.append(&mut state.loaded);
        state.loaded = all;
    });
}

/// Django's `messages` context processor: a rendered page's `messages`.
pub(crate) fn context_processor(request: &crate::core::Request, context: &mut Context) {
    if let Some(store) = request.extensions.get::<Store>() {
        context.insert_value(
            "messages",
            Value::from_object(TemplateMessages(store.clone())),
        );
    }
}

/// `messages` in a template: iterating it shows (and so consumes) the messages; `{% if
/// messages %}` and `messages|length` do not.
#[derive(Debug)]
struct TemplateMessages(Store);

impl Object for TemplateMessages {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Iterable
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(
            self.0
                .consume()
                .into_iter()
                .map(Value::from_object)
                .collect(),
        )
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.0.len())
    }

    fn is_true(self: &Arc<Self>) -> bool {
        self.0.len() > 0
    }
}

impl Object for Message {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        Some(match key.as_str()? {
            "message" => Value::from(self.message.clone()),
            "level" => Value::from(self.level.0),
            "tags" => Value::from(self.tags()),
            "level_tag" => Value::from(self.level.tag()),
            "extra_tags" => Value::from(self.extra_tags.clone()),
            _ => return None,
        })
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(loaded: Vec<Message>, has_session: bool, debug: bool) -> Store {
        Store(Arc::new(Mutex::new(StoreState {
            stored: !loaded.is_empty(),
            loaded,
            fetched: true,
            queued: Vec::new(),
            used: false,
            added_new: false,
            level: Level::INFO,
            has_session,
            debug,
        })))
    }

    fn message(level: Level, text: &str) -> Message {
        Message {
            level,
            message: text.to_owned(),
            extra_tags: String::new(),
        }
    }

    #[test]
    fn djangos_session_format_round_trips() {
        let messages = vec![
            message(Level::SUCCESS, "Saved."),
            Message {
                level: Level(35),
                message: "Custom <b>".into(),
                extra_tags: "big".into(),
            },
        ];
        let json = encode_all(&messages);
        assert_eq!(
            json,
            r#"[["__json_message",0,25,"Saved.",""],["__json_message",0,35,"Custom <b>","big"]]"#
        );
        assert_eq!(decode_all(&json), messages);
        // Django omits extra_tags when they are None.
        assert_eq!(
            decode_all(r#"[["__json_message",1,40,"Bad."]]"#),
            [message(Level::ERROR, "Bad.")]
        );
        assert!(decode_all("not json").is_empty());
    }

    #[test]
    fn tags_follow_django() {
        assert_eq!(message(Level::ERROR, "x").tags(), "error");
        assert_eq!(message(Level(35), "x").tags(), "");
        assert_eq!(Level::DEBUG.tag(), "debug");
        assert_eq!(Level::INFO.tag(), "info");
    }

    #[test]
    fn shown_messages_are_dropped_and_new_ones_kept() {
        let s = store(vec![message(Level::INFO, "old")], true, true);
        assert_eq!(
            s.to_keep(),
            None,
            "nothing changed: the session is left alone"
        );
        s.add(Level::SUCCESS, "new".into(), String::new()).unwrap();
        assert_eq!(
            s.to_keep().unwrap().len(),
            2,
            "unread and new are both kept"
        );
        assert_eq!(s.consume().len(), 2);
        assert_eq!(s.to_keep(), Some(vec![]), "shown: removed from the session");
        s.add(Level::WARNING, "after".into(), String::new())
            .unwrap();
        assert_eq!(s.to_keep(), Some(vec![message(Level::WARNING, "after")]));
    }

    #[test]
    fn below_message_level_is_dropped() {
        let s = store(vec![], true, true);
        s.add(Level::DEBUG, "noise".into(), String::new()).unwrap();
        assert_eq!(s.len(), 0);
        assert_eq!(s.to_keep(), None);
    }

    #[test]
    fn without_a_session_debug_fails_loudly() {
        let err = store(vec![], false, true)
            .add(Level::SUCCESS, "lost".into(), String::new())
            .unwrap_err();
        assert!(matches!(err, Error::ImproperlyConfigured(_)), "{err:?}");
        assert!(err.to_string().contains("no session"), "{err}");
        assert!(
            store(vec![], false, false)
                .add(Level::SUCCESS, "lost".into(), String::new())
                .is_ok()
        );
    }

    #[test]
    fn templates_consume_only_when_iterating() {
        let s = store(vec![message(Level::SUCCESS, "Saved <now>")], true, true);
        let mut env = minijinja::Environment::new();
        env.add_template(
            "t",
            "{% if messages %}{{ messages|length }}:{% for m in messages %}{{ m }} {{ m.tags }}{% endfor %}{% endif %}",
        )
        .unwrap();
        let ctx =
            minijinja::context! { messages => Value::from_object(TemplateMessages(s.clone())) };
        let out = env.get_template("t").unwrap().render(&ctx).unwrap();
        assert_eq!(out, "1:Saved <now> success");
        assert_eq!(s.to_keep(), Some(vec![]));
    }
}
