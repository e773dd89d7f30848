//! The session auth hash: an HMAC of the user's password hash, kept in the session at login
//! and re-checked on every request, so changing a password logs out every other session.
//!
//! Computed exactly as Django's `get_session_auth_hash()` (`salted_hmac` with SHA-256), so a
//! session written by either framework reads the same.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const KEY_SALT: &str = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash";

/// Django's `salted_hmac(key_salt, value, secret, algorithm="sha256").hexdigest()`.
///
/// ```
/// let a = pony::auth::session_hash::salted_hmac("salt", "value", "secret");
/// assert_eq!(a.len(), 64);
/// assert_ne!(a, pony::auth::session_hash::salted_hmac("salt", "value", "other secret"));
/// ```
pub fn salted_hmac(key_salt: &str, value: &str, secret: &str) -> String {
    // Django derives the HMAC key by hashing salt + secret, so one secret serves many uses.
    let key = Sha256::digest(format!("{key_salt}{secret}").as_bytes());
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else {
        unreachable!("HMAC accepts keys of any length")
    };
    mac.update(value.as_bytes());
    let digest = mac.finalize().into_bytes();
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The hash stored under `_auth_user_hash` for a user whose password hash is `password`.
pub fn session_auth_hash(password: &str, secret_key: &str) -> String {
    salted_hmac(KEY_SALT, password, secret_key)
}

/// Whether a session's stored hash still matches the user's password (constant time).
pub fn verify_session_auth_hash(stored: &str, password: &str, secret_key: &str) -> bool {
    let expected = session_auth_hash(password, secret_key);
    stored.as_bytes().ct_eq(expected.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_djangos_salted_hmac() {
        // Python, as Django 5.2's salted_hmac computes it:
        //   key = hashlib.sha256(b"django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash" + b"s3cr3t").digest()
        //   hmac.new(key, b"pbkdf2_sha256$1000000$salt$hash", hashlib.sha256).hexdigest()
        let expected = "32ed0a08c151f008552c89a82d8904428d47e118226921cecd4b93d426b825ce";
        let hash = session_auth_hash("pbkdf2_sha256$1000000$salt$hash", "s3cr3t");
        assert_eq!(hash, expected);
        assert!(verify_session_auth_hash(
            expected,
            "pbkdf2_sha256$1000000$salt$hash",
            "s3cr3t"
        ));
        assert!(!verify_session_auth_hash(
            expected,
            "pbkdf2_sha256$1000000$salt$other",
            "s3cr3t"
        ));
        assert!(!verify_session_auth_hash(
            expected,
            "pbkdf2_sha256$1000000$salt$hash",
            "other"
        ));
        assert!(!verify_session_auth_hash("", "x", "s3cr3t"));
    }
}
