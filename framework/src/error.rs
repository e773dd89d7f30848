//! pony's one error type, and how each kind becomes a response.
//!
//! A handler returns [`Result<Response>`](Result); `?` turns any failure into an [`Error`], and
//! the error becomes the status a Django user expects: [`Error::Http404`] a 404,
//! [`Error::PermissionDenied`] a 403, [`Error::BadRequest`] a 400, anything else a 500. The page
//! itself (technical in DEBUG, plain or the project's `404.html` otherwise) is rendered by the
//! error middleware, which also sees the request.

use std::borrow::Cow;
use std::fmt;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The result type of handlers and of most pony functions.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while answering a request or running a command.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Nothing here (Django's `Http404`); the message is shown only in DEBUG.
    Http404(Option<String>),
    /// The user may not do this (Django's `PermissionDenied`).
    PermissionDenied(Option<String>),
    /// The request itself is malformed.
    BadRequest(String),
    /// The body is larger than `DATA_UPLOAD_MAX_MEMORY_SIZE` bytes (Django's
    /// `RequestDataTooBig`), answered with 413.
    RequestDataTooBig(usize),
    /// More fields than `DATA_UPLOAD_MAX_NUMBER_FIELDS` (Django's `TooManyFieldsSent`), a 400.
    TooManyFieldsSent,
    /// More files than `DATA_UPLOAD_MAX_NUMBER_FILES` (Django's `TooManyFilesSent`), a 400.
    TooManyFilesSent,
    /// A multipart body that cannot be parsed (Django's `MultiPartParserError`), a 400.
    MultiPartParserError(String),
    /// The client did not send the whole body in time, answered with 408.
    RequestTimeout,
    /// The `Host` header is not in `ALLOWED_HOSTS` (Django's `DisallowedHost`).
    DisallowedHost(String),
    /// A URL name or its arguments did not match any route (Django's `NoReverseMatch`).
    NoReverseMatch(String),
    /// A setting or an app is configured wrongly (Django's `ImproperlyConfigured`).
    ImproperlyConfigured(String),
    /// A template failed to load or render.
    Template(minijinja::Error),
    /// A handler panicked; the message and location were captured.
    Panic(PanicReport),
    /// Any other failure, kept with its source chain.
    Other(Box<dyn std::error::Error + Send + Sync>),
}

/// What a panic in a handler left behind.
#[derive(Debug, Clone)]
pub struct PanicReport {
    /// The panic message.
    pub message: String,
    /// `file:line:column` of the panic, when known.
    pub location: Option<String>,
    /// A captured backtrace, when `RUST_BACKTRACE` asks for one.
    pub backtrace: Option<String>,
}

impl Error {
    /// A 404 with a message for the DEBUG page, like `raise Http404("No article matches")`.
    ///
    /// ```
    /// let err = pony::Error::not_found("No Article matches the given query.");
    /// assert_eq!(err.status(), axum::http::StatusCode::NOT_FOUND);
    /// ```
    pub fn not_found(message: impl Into<String>) -> Self {
        Error::Http404(Some(message.into()))
    }

    /// A 403 with a message for the DEBUG page.
    pub fn permission_denied(message: impl Into<String>) -> Self {
        Error::PermissionDenied(Some(message.into()))
    }

    /// Wraps any error as a 500.
    pub fn other(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Error::Other(error.into())
    }

    /// Whether this is a database unique-constraint violation (an `IntegrityError` in
    /// Django), e.g. a second insert of a taken username that lost a race.
    pub fn is_unique_violation(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error as Diesel};
        match self {
            Error::Other(error) => matches!(
                error.downcast_ref::<Diesel>(),
                Some(Diesel::DatabaseError(DatabaseErrorKind::UniqueViolation, _))
            ),
            _ => false,
        }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::Http404(_) => StatusCode::NOT_FOUND,
            Error::PermissionDenied(_) => StatusCode::FORBIDDEN,
            Error::BadRequest(_)
            | Error::DisallowedHost(_)
            | Error::TooManyFieldsSent
            | Error::TooManyFilesSent
            | Error::MultiPartParserError(_) => StatusCode::BAD_REQUEST,
            Error::RequestDataTooBig(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Django's name for this kind of error, shown as the DEBUG page's title.
    pub fn kind_name(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Error::Http404(_) => "Http404",
            Error::PermissionDenied(_) => "PermissionDenied",
            Error::BadRequest(_) => "BadRequest",
            Error::DisallowedHost(_) => "DisallowedHost",
            Error::RequestDataTooBig(_) => "RequestDataTooBig",
            Error::TooManyFieldsSent => "TooManyFieldsSent",
            Error::TooManyFilesSent => "TooManyFilesSent",
            Error::MultiPartParserError(_) => "MultiPartParserError",
            Error::RequestTimeout => "RequestTimeout",
            Error::NoReverseMatch(_) => "NoReverseMatch",
            Error::ImproperlyConfigured(_) => "ImproperlyConfigured",
            Error::Template(_) => "TemplateError",
            Error::Panic(_) => "Panic",
            Error::Other(_) => "Error",
        })
    }

    /// The causes below this error, outermost first (for the DEBUG page and the log).
    pub fn chain(&self) -> Vec<String> {
        let mut causes = Vec::new();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            causes.push(cause.to_string());
            source = cause.source();
        }
        causes
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Http404(message) => f.write_str(message.as_deref().unwrap_or("Not Found")),
            Error::PermissionDenied(message) => {
                f.write_str(message.as_deref().unwrap_or("Permission denied"))
            }
            Error::BadRequest(message)
            | Error::DisallowedHost(message)
            | Error::NoReverseMatch(message)
            | Error::MultiPartParserError(message)
            | Error::ImproperlyConfigured(message) => f.write_str(message),
            Error::TooManyFieldsSent => f.write_str(
                "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.",
            ),
            Error::TooManyFilesSent => f.write_str(
                "The number of files exceeded settings.DATA_UPLOAD_MAX_NUMBER_FILES.",
            ),
            Error::RequestTimeout => f.write_str("The request body was not sent in time."),
            Error::RequestDataTooBig(limit) => write!(
                f,
                "Request body exceeded DATA_UPLOAD_MAX_MEMORY_SIZE ({limit} bytes)."
            ),
            Error::Template(error) => write!(f, "{error:#}"),
            Error::Panic(report) => f.write_str(&report.message),
            Error::Other(error) => fmt::Display::fmt(error, f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Template(error) => std::error::Error::source(error),
            Error::Other(error) => error.source(),
            _ => None,
        }
    }
}

impl From<minijinja::Error> for Error {
    fn from(error: minijinja::Error) -> Self {
        // A template calling `url()` with a bad name keeps Django's error type for the page.
        match error.source().and_then(|s| s.downcast_ref::<Error>()) {
            Some(Error::NoReverseMatch(message)) => {
                Error::NoReverseMatch(format!("{message} (in {})", template_location(&error)))
            }
            _ => Error::Template(error),
        }
    }
}

fn template_location(error: &minijinja::Error) -> String {
    match (error.name(), error.line()) {
        (Some(name), Some(line)) => format!("template {name}, line {line}"),
        (Some(name), None) => format!("template {name}"),
        _ => "a template".to_owned(),
    }
}

use std::error::Error as _;

impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Self {
        Error::Other(Box::new(error))
    }
}

impl IntoResponse for Error {
    /// A bare response carrying the error; the error middleware renders the page around it.
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        response
            .extensions_mut()
            .insert(ErrorSlot(std::sync::Arc::new(std::sync::Mutex::new(Some(
                self,
            )))));
        response
    }
}

/// Carries an [`Error`] from the handler to the error middleware inside a response.
///
/// Response extensions must be `Clone`; the error is taken out exactly once.
#[derive(Clone, Debug)]
pub(crate) struct ErrorSlot(pub(crate) std::sync::Arc<std::sync::Mutex<Option<Error>>>);

impl ErrorSlot {
    pub(crate) fn take(&self) -> Option<Error> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}
