//! Admin registrations of articles.
