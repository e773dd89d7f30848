//! Admin registrations of accounts.
