//! Compile errors of `#[derive(pony::Model)]` and of using a non-model as one: each case in
//! `tests/ui/` must fail to compile with the message in its `.stderr` file.
//!
//! After changing a message: `TRYBUILD=overwrite cargo test -p pony-tests --test ui`, then
//! read the new `.stderr` files.

#[test]
fn compile_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
}
