//! Procedural macros for pony.
//!
//! `#[derive(Model)]` and `#[derive(Form)]` live here and are re-exported by the `pony` crate,
//! so user code never names this crate directly. The derives are added together with the
//! model layer and the forms layer.
