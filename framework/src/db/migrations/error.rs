//! The one error type of the migration engine.

use std::fmt;

/// What went wrong, broadly; the message says the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A migration file could not be read.
    Parse,
    /// Replaying the migrations met an operation that does not fit the state.
    InconsistentHistory,
    /// Migration files that depend on something missing, or on each other in a circle.
    Graph,
    /// A change the engine cannot express or generate: write that migration by hand.
    Unsupported,
    /// An operation that cannot be undone.
    Irreversible,
    /// The user (or a non-interactive run) declined to answer a question.
    Aborted,
}

/// An error of the migration engine, with a message meant for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationError {
    kind: ErrorKind,
    message: String,
}

impl MigrationError {
    /// An error of the given kind.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        MigrationError {
            kind,
            message: message.into(),
        }
    }

    /// What went wrong, broadly.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message for the user.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The same error with `context: ` in front of the message.
    pub fn context(mut self, context: impl fmt::Display) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }

    pub(crate) fn history(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InconsistentHistory, message)
    }

    pub(crate) fn unsupported(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unsupported, message)
    }

    pub(crate) fn graph(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Graph, message)
    }
}

impl fmt::Display for MigrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MigrationError {}

/// The advice that ends every "cannot be detected automatically" message.
pub(crate) const BY_HAND: &str = "cannot be detected automatically; write this migration by hand with `makemigrations --empty APP` and RunSQL.";

/// Shorthand for results of this module.
pub type Result<T, E = MigrationError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_prefixes_the_message() {
        let error = MigrationError::history("no such field").context("Migration a.0001_initial");
        assert_eq!(error.to_string(), "Migration a.0001_initial: no such field");
        assert_eq!(error.kind(), ErrorKind::InconsistentHistory);
    }
}
