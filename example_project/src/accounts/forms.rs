//! Forms of accounts.
