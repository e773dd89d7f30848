//! Models of accounts.
//!
//! Declare this app's models here with `#[derive(Model)]` once pony's model layer lands; until
//! then this module is intentionally empty.
