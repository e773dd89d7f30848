//! Tests of accounts.

use pony::App;

#[test]
fn app_is_configured() {
    assert_eq!(super::AccountsConfig.label(), "accounts");
    assert_eq!(super::AccountsConfig.urls().namespace(), Some("accounts"));
}
