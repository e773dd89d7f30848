//! Password hashing, compatible with Django 5.2's `django.contrib.auth.hashers`.
//!
//! New passwords are hashed with Argon2id using Django's `Argon2PasswordHasher` parameters
//! (`m=102400` KiB, `t=2`, `p=8`, 32-byte hash) and stored in Django's format:
//!
//! ```text
//! argon2$argon2id$v=19$m=102400,t=2,p=8$<salt, base64>$<hash, base64>
//! ```
//!
//! Django's `pbkdf2_sha256$<iterations>$<salt>$<hash>` (and `pbkdf2_sha1$…`) hashes are still
//! checked, so a Django user table can be moved to pony (and back) without anyone resetting a
//! password; [`must_update`] tells when a correct login should re-hash the password with the
//! current algorithm and parameters, like Django's upgrade on login.
//!
//! Every function here is synchronous and pure. [`make_password`], [`check_password`] and
//! [`dummy_check`] are deliberately slow: one Argon2 hash holds about 100 MiB of memory for a few
//! hundred milliseconds. From async code run them on the blocking pool
//! (`tokio::task::spawn_blocking`), never on the async workers, and bound how many run at once
//! (a semaphore), or a burst of logins can exhaust memory.
//!
//! ```
//! use pony::auth::hashers::{check_password, make_password, must_update};
//!
//! let encoded = make_password("correct horse")?;
//! assert!(encoded.starts_with("argon2$argon2id$v=19$m=102400,t=2,p=8$"));
//! assert!(check_password("correct horse", &encoded));
//! assert!(!check_password("battery staple", &encoded));
//! assert!(!must_update(&encoded));
//! # Ok::<(), pony::Error>(())
//! ```

use argon2::password_hash::phc::{Output, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
use base64ct::{Base64, Encoding};
use pbkdf2::sha2::Sha256;
use rand::distr::{Alphanumeric, SampleString};
use rand::rngs::OsRng;
use rand::{TryRngCore, rng};
use subtle::ConstantTimeEq;

use crate::{Error, Result};

/// The algorithm names that start a stored hash, as Django writes them.
const ARGON2: &str = "argon2";
const PBKDF2_SHA256: &str = "pbkdf2_sha256";
const PBKDF2_SHA1: &str = "pbkdf2_sha1";

/// Django's `Argon2PasswordHasher` parameters (memory in KiB); hashes with others are upgraded.
const ARGON2_MEMORY_COST: u32 = 102_400;
const ARGON2_TIME_COST: u32 = 2;
const ARGON2_PARALLELISM: u32 = 8;
const ARGON2_HASH_LEN: usize = 32;

/// Salt length in characters: Django's `ceil(salt_entropy / log2(62))` for 128 bits of entropy.
///
/// Salts are drawn like Django's (22 characters of `a-zA-Z0-9`, about 131 bits) rather than as
/// 16 raw bytes: Django's `must_update` counts salt *characters* times log2(62), so a 16-byte salt
/// would make Django re-hash every pony password on its next login.
const SALT_LEN: usize = 22;

/// Django's `UNUSABLE_PASSWORD_PREFIX` and `UNUSABLE_PASSWORD_SUFFIX_LENGTH`.
const UNUSABLE_PREFIX: char = '!';
const UNUSABLE_SUFFIX_LEN: usize = 40;

/// Upper bounds on the work a stored hash may ask for.
///
/// The parameters come from the database, so a corrupt or planted row must not turn one login
/// into minutes of CPU or gigabytes of memory (a denial of service). Hashes above the bounds
/// never verify; they are 10× to 16× the defaults, far above anything Django or pony writes.
const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
const MAX_ARGON2_MEMORY_COST: u32 = 1 << 20; // 1 GiB
const MAX_ARGON2_WORK: u64 = 16 * ARGON2_MEMORY_COST as u64 * ARGON2_TIME_COST as u64;

/// The hash [`dummy_check`] verifies against: made by Django 5.2 (argon2-cffi) from a random
/// 40-character password that nobody knows, with the current parameters (a test checks that).
const DUMMY_ENCODED: &str = "argon2$argon2id$v=19$m=102400,t=2,p=8$\
    M2pYNTQzMVJyVFM2M21jNjFiVHZZMQ$3/T1qPhWXtVg54d7ZxQ4eSOWnVNkKoBKx090M/NV3SU";

/// Hashes `raw` for storage with Argon2id, in Django's `argon2$…` format and with a fresh salt.
///
/// Like Django's `make_password(password)`; takes one full Argon2 hash of time (see the
/// [module docs](self) about the blocking pool).
///
/// ```
/// let encoded = pony::auth::hashers::make_password("s3cret")?;
/// assert!(encoded.starts_with("argon2$argon2id$"));
/// # Ok::<(), pony::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Other`] when the operating system's random generator fails or Argon2 cannot
/// allocate its memory.
pub fn make_password(raw: &str) -> Result<String> {
    let salt = random_salt()?;
    let hash = current_argon2()
        .map_err(Error::other)?
        .hash_password_with_salt(raw.as_bytes(), salt.as_bytes())
        .map_err(Error::other)?;
    // The PHC string starts with `$argon2id$`; Django stores it behind its algorithm name.
    Ok(format!("{ARGON2}{hash}"))
}

/// Whether `raw` is the password that `encoded` was made from.
///
/// Accepts `argon2$…` (Argon2id, Argon2i or Argon2d), `pbkdf2_sha256$…` and `pbkdf2_sha1$…`.
/// Unusable passwords ([`make_unusable_password`]), unknown algorithms and garbled or
/// implausibly expensive hashes are `false`, never a panic.
///
/// The comparison is constant-time. When no real hash could be computed (unusable, unknown or
/// garbled), [`dummy_check`] runs instead, as Django does, so the answer takes as long as a
/// wrong password and the timing does not tell those accounts apart.
///
/// ```
/// use pony::auth::hashers::{check_password, make_unusable_password};
///
/// let django = "pbkdf2_sha256$1000000$saltsalt$p2maMtDUxcsQNdiBoh5aIIfNipxGi264X2ynMR4Hcrk=";
/// assert!(check_password("correct horse", django));
/// assert!(!check_password("correct horse", &make_unusable_password()));
/// ```
pub fn check_password(raw: &str, encoded: &str) -> bool {
    verify(raw, encoded).unwrap_or_else(|| {
        dummy_check(raw);
        false
    })
}

/// Whether a password that just verified against `encoded` should be hashed again with
/// [`make_password`] and saved: true unless it is Argon2id, version 19, with the current
/// parameters, hash length and a salt as long as Django's.
///
/// This is Django's upgrade on login: `pbkdf2_sha256` becomes `argon2`, and Argon2 hashes made
/// with other parameters get the current ones. Anything unparsable is also `true`.
///
/// ```
/// use pony::auth::hashers::{check_password, make_password, must_update};
///
/// let old = "pbkdf2_sha256$1000000$saltsalt$p2maMtDUxcsQNdiBoh5aIIfNipxGi264X2ynMR4Hcrk=";
/// if check_password("correct horse", old) && must_update(old) {
///     let upgraded = make_password("correct horse")?;
///     assert!(!must_update(&upgraded));
/// }
/// # Ok::<(), pony::Error>(())
/// ```
pub fn must_update(encoded: &str) -> bool {
    let Some(hash) = parse_argon2(encoded) else {
        return true;
    };
    hash.algorithm != Algorithm::Argon2id
        || hash.version != Version::V0x13
        || hash.params.m_cost() != ARGON2_MEMORY_COST
        || hash.params.t_cost() != ARGON2_TIME_COST
        || hash.params.p_cost() != ARGON2_PARALLELISM
        || hash.hash.len() != ARGON2_HASH_LEN
        || !hash.params.keyid().is_empty()
        || !hash.params.data().is_empty()
        // Django's `must_update_salt`: fewer than 22 salt characters is under 128 bits.
        || hash.salt.len() < SALT_LEN
}

/// A value for the password column that no password matches, like Django's
/// `make_password(None)`: `!` and 40 random characters of `a-zA-Z0-9`.
///
/// The random tail keeps unusable passwords distinct, as in Django (ticket #20079).
///
/// ```
/// use pony::auth::hashers::{is_password_usable, make_unusable_password};
///
/// let encoded = make_unusable_password();
/// assert_eq!(encoded.len(), 41);
/// assert!(!is_password_usable(&encoded));
/// ```
pub fn make_unusable_password() -> String {
    let mut encoded = String::with_capacity(1 + UNUSABLE_SUFFIX_LEN);
    encoded.push(UNUSABLE_PREFIX);
    // `rand::rng()` is a CSPRNG seeded from the OS; `Alphanumeric` is exactly Django's
    // `RANDOM_STRING_CHARS`, drawn without bias.
    Alphanumeric.append_string(&mut rng(), &mut encoded, UNUSABLE_SUFFIX_LEN);
    encoded
}

/// Whether `encoded` may match some password: false for [`make_unusable_password`]'s `!…`
/// values and for an empty column.
///
/// ```
/// use pony::auth::hashers::is_password_usable;
///
/// assert!(is_password_usable("argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA"));
/// assert!(!is_password_usable("!Xk2…"));
/// assert!(!is_password_usable(""));
/// ```
pub fn is_password_usable(encoded: &str) -> bool {
    !encoded.is_empty() && !encoded.starts_with(UNUSABLE_PREFIX)
}

/// Spends the time of one [`check_password`] on a current Argon2 hash, and forgets the answer.
///
/// Call it when the username does not exist, so that a login for an unknown user takes as long
/// as a wrong password and response times do not reveal which usernames exist (Django's
/// `ModelBackend` does the same with `set_password`, ticket #20760).
///
/// ```
/// # struct User { password: String }
/// # fn find_user(_: &str) -> Option<User> { None }
/// use pony::auth::hashers::{check_password, dummy_check};
///
/// let authenticated = match find_user("nobody") {
///     Some(user) => check_password("guess", &user.password),
///     None => {
///         dummy_check("guess");
///         false
///     }
/// };
/// assert!(!authenticated);
/// ```
pub fn dummy_check(raw: &str) {
    // The same code path as a real check against a hash with the current parameters; the
    // result is hidden from the optimiser so the work cannot be skipped.
    std::hint::black_box(verify_argon2(raw, std::hint::black_box(DUMMY_ENCODED)));
}

/// The algorithm of a stored hash, from the name before its first `$` as Django's
/// `identify_hasher` reads it: `"argon2"`, `"pbkdf2_sha256"`, `"pbkdf2_sha1"`, or `None` for
/// anything else (including unusable and empty passwords). The rest is not validated.
///
/// ```
/// use pony::auth::hashers::identify;
///
/// assert_eq!(identify("pbkdf2_sha256$1000000$salt$hash"), Some("pbkdf2_sha256"));
/// assert_eq!(identify("bcrypt_sha256$$2b$12$…"), None);
/// ```
pub fn identify(encoded: &str) -> Option<&'static str> {
    let algorithm = encoded.split_once('$').map_or(encoded, |(name, _)| name);
    [ARGON2, PBKDF2_SHA256, PBKDF2_SHA1]
        .into_iter()
        .find(|known| *known == algorithm)
}

/// The Argon2 context for new hashes.
fn current_argon2() -> argon2::Result<Argon2<'static>> {
    let params = Params::new(
        ARGON2_MEMORY_COST,
        ARGON2_TIME_COST,
        ARGON2_PARALLELISM,
        Some(ARGON2_HASH_LEN),
    )?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// A salt drawn like Django's `BasePasswordHasher.salt()`: [`SALT_LEN`] characters of
/// `a-zA-Z0-9`, straight from the operating system's generator (Django uses `secrets`).
fn random_salt() -> Result<String> {
    const ALPHABET: &[u8; 62] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut salt = String::with_capacity(SALT_LEN);
    let mut bytes = [0u8; 2 * SALT_LEN];
    while salt.len() < SALT_LEN {
        OsRng.try_fill_bytes(&mut bytes).map_err(Error::other)?;
        // Rejection sampling: 248 = 4 × 62, so `byte % 62` is uniform below it.
        for byte in bytes
            .iter()
            .filter(|&&byte| byte < 248)
            .take(SALT_LEN - salt.len())
        {
            salt.push(char::from(ALPHABET[usize::from(byte % 62)]));
        }
    }
    Ok(salt)
}

/// A parsed `argon2$…` hash whose cost is within the bounds.
struct Argon2Hash {
    algorithm: Algorithm,
    version: Version,
    params: Params,
    salt: Salt,
    hash: Output,
}

fn parse_argon2(encoded: &str) -> Option<Argon2Hash> {
    // Django stores `argon2` followed by the PHC string, whose own `$` is the separator.
    let phc = encoded.strip_prefix(ARGON2)?;
    let parsed = PasswordHash::new(phc).ok()?;
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str()).ok()?;
    // A PHC string without `v=` is Argon2 1.0 (0x10), as argon2-cffi reads it; the argon2
    // crate would otherwise assume the current version.
    let version = match parsed.version {
        Some(version) => Version::try_from(version).ok()?,
        None => Version::V0x10,
    };
    // Also takes the output length from the stored hash.
    let params = Params::try_from(&parsed).ok()?;
    let work = u64::from(params.m_cost()) * u64::from(params.t_cost());
    if params.m_cost() > MAX_ARGON2_MEMORY_COST || work > MAX_ARGON2_WORK {
        return None;
    }
    Some(Argon2Hash {
        algorithm,
        version,
        params,
        salt: parsed.salt?,
        hash: parsed.hash?,
    })
}

/// `Some(matches)` once a hash was computed; `None` when `encoded` could not be checked.
fn verify(raw: &str, encoded: &str) -> Option<bool> {
    if !is_password_usable(encoded) {
        return None;
    }
    match identify(encoded)? {
        ARGON2 => verify_argon2(raw, encoded),
        PBKDF2_SHA256 => verify_pbkdf2(raw, encoded, Prf::Sha256),
        PBKDF2_SHA1 => verify_pbkdf2(raw, encoded, Prf::Sha1),
        _ => None,
    }
}

fn verify_argon2(raw: &str, encoded: &str) -> Option<bool> {
    let stored = parse_argon2(encoded)?;
    let mut buffer = [0u8; Output::MAX_LENGTH];
    let computed = buffer.get_mut(..stored.hash.len())?;
    Argon2::new(stored.algorithm, stored.version, stored.params)
        .hash_password_into(raw.as_bytes(), stored.salt.as_ref(), computed)
        .ok()?;
    // Constant-time: the time taken must not tell how many leading bytes matched.
    Some(computed.ct_eq(stored.hash.as_bytes()).into())
}

/// The pseudo-random function of a `pbkdf2_*` hash.
#[derive(Clone, Copy, Debug)]
enum Prf {
    Sha256,
    Sha1,
}

/// Django's `PBKDF2PasswordHasher.verify`: recompute `algorithm$iterations$salt$hash` from the
/// stored salt and iterations, and compare the whole string in constant time.
///
/// Re-encoding (rather than decoding the stored base64) matches Django exactly: a stored value
/// that Django would not have written byte for byte does not verify in Django either.
fn verify_pbkdf2(raw: &str, encoded: &str, prf: Prf) -> Option<bool> {
    let mut parts = encoded.splitn(4, '$');
    let (algorithm, iterations, salt) = (parts.next()?, parts.next()?, parts.next()?);
    parts.next()?;
    let iterations = parse_iterations(iterations)?;
    if salt.is_empty() {
        return None;
    }
    let (raw, salt_bytes) = (raw.as_bytes(), salt.as_bytes());
    let mut digest = [0u8; 32];
    let digest = match prf {
        Prf::Sha256 => {
            match pbkdf2::Params::new(iterations) {
                // pbkdf2's non-generic entry point is compiled inside the pbkdf2 crate, so a
                // dev-profile opt-level for it applies: 1M iterations then take ~0.2 s, not 20 s.
                Ok(params) => pbkdf2::pbkdf2_hmac_with_params(
                    raw,
                    salt_bytes,
                    pbkdf2::Algorithm::Pbkdf2Sha256,
                    params,
                    &mut digest,
                ),
                // It refuses fewer than 1000 iterations, which Django accepts; those are cheap.
                Err(_) => pbkdf2::pbkdf2_hmac::<Sha256>(raw, salt_bytes, iterations, &mut digest),
            }
            &digest[..]
        }
        Prf::Sha1 => {
            let digest = digest.get_mut(..20)?;
            pbkdf2::pbkdf2_hmac::<sha1::Sha1>(raw, salt_bytes, iterations, digest);
            &*digest
        }
    };
    let mut base64 = [0u8; 44];
    let hash = Base64::encode(digest, &mut base64).ok()?;
    let expected = format!("{algorithm}${iterations}${salt}${hash}");
    Some(expected.as_bytes().ct_eq(encoded.as_bytes()).into())
}

/// An iteration count as Django writes it (`%d`: digits, no leading zero), between 1 and
/// [`MAX_PBKDF2_ITERATIONS`].
fn parse_iterations(text: &str) -> Option<u32> {
    if text.is_empty() || text.starts_with('0') || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Longer than ten digits overflows `u32`, and is far over the bound anyway.
    let iterations: u32 = text.parse().ok()?;
    (iterations <= MAX_PBKDF2_ITERATIONS).then_some(iterations)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    // Made by Django 5.2.19 with argon2-cffi 25.1.0:
    // settings.configure(PASSWORD_HASHERS=[Argon2…, PBKDF2…, PBKDF2SHA1…]);
    // make_password("correct horse", hasher=…).
    const DJANGO_ARGON2: &str = "argon2$argon2id$v=19$m=102400,t=2,p=8$\
        cm5QcGtwTW9mTFNFUFF5UFB1UmRMTA$sbXw/IoW7XerhgpRmP509Osn2Vre0K5U9M6Grqyy8J8";
    const DJANGO_PBKDF2_SHA256: &str = "pbkdf2_sha256$1000000$PZtr4U3QnRVxdwHD2VRBDi$\
        YYrZtLWvmG6VDkHdraJiKoWnZuuAZnv5WCIFo0j06e8=";
    const DJANGO_PBKDF2_SHA1: &str =
        "pbkdf2_sha1$1000000$egZCT9Fb7nIAj1tbDjPfOF$wJpAGOtZf5nsA7emw5VMhKAnPVA=";
    // hashlib.pbkdf2_hmac('sha256', b'correct horse', b'saltsalt', 1000000) in Django's format;
    // Django's make_password("correct horse", salt="saltsalt", hasher="pbkdf2_sha256") agrees.
    const HASHLIB_PBKDF2_SHA256: &str =
        "pbkdf2_sha256$1000000$saltsalt$p2maMtDUxcsQNdiBoh5aIIfNipxGi264X2ynMR4Hcrk=";
    // argon2-cffi PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4), i.e. a Django
    // project with other Argon2 parameters.
    const WEAKER_ARGON2: &str = "argon2$argon2id$v=19$m=65536,t=3,p=4$\
        V2Vha2VyUGFyYW1zU2FsdFhYWFhYWA$eQ4t3Ik7PT3vSYI++D/8gk7fpBPhvbAEH4nNIw2aySE";

    #[test]
    fn round_trip() {
        let encoded = make_password("correct horse").unwrap();
        let parts: Vec<&str> = encoded.split('$').collect();
        assert_eq!(
            parts[..4],
            ["argon2", "argon2id", "v=19", "m=102400,t=2,p=8"]
        );
        assert_eq!(parts.len(), 6);
        assert!(check_password("correct horse", &encoded));
        assert!(!check_password("correct horsE", &encoded));
        assert!(!check_password("", &encoded));
        assert!(!must_update(&encoded));
        assert_eq!(identify(&encoded), Some("argon2"));
        // A fresh salt every time.
        assert_ne!(encoded, make_password("correct horse").unwrap());
    }

    #[test]
    fn unicode_and_empty_passwords() {
        let encoded = make_password("pässwörd ✓").unwrap();
        assert!(check_password("pässwörd ✓", &encoded));
        assert!(!check_password("passwoerd ✓", &encoded));
        let empty = make_password("").unwrap();
        assert!(check_password("", &empty));
        assert!(!check_password(" ", &empty));
    }

    #[test]
    fn salts_look_like_djangos() {
        let salt = random_salt().unwrap();
        assert_eq!(salt.len(), SALT_LEN);
        assert!(salt.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(salt, random_salt().unwrap());
    }

    #[test]
    fn django_argon2_verifies() {
        assert!(check_password("correct horse", DJANGO_ARGON2));
        assert!(!check_password("correct horse ", DJANGO_ARGON2));
        assert!(!must_update(DJANGO_ARGON2));
    }

    #[test]
    fn django_pbkdf2_verifies_and_must_update() {
        for encoded in [
            DJANGO_PBKDF2_SHA256,
            HASHLIB_PBKDF2_SHA256,
            DJANGO_PBKDF2_SHA1,
        ] {
            assert!(check_password("correct horse", encoded), "{encoded}");
            assert!(!check_password("Correct horse", encoded), "{encoded}");
            assert!(must_update(encoded), "{encoded}");
        }
        assert_eq!(identify(DJANGO_PBKDF2_SHA256), Some("pbkdf2_sha256"));
        assert_eq!(identify(DJANGO_PBKDF2_SHA1), Some("pbkdf2_sha1"));
    }

    #[test]
    fn pbkdf2_must_match_byte_for_byte() {
        // Same numbers, written differently: Django re-encodes and compares the whole string.
        let fast = "pbkdf2_sha256$1000$saltsalt$";
        let mut digest = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(b"pw", b"saltsalt", 1000, &mut digest);
        let hash = Base64::encode_string(&digest);
        assert!(check_password("pw", &format!("{fast}{hash}")));
        assert!(!check_password(
            "pw",
            &format!("pbkdf2_sha256$01000$saltsalt${hash}")
        ));
        assert!(!check_password(
            "pw",
            &format!("pbkdf2_sha256$+1000$saltsalt${hash}")
        ));
        assert!(!check_password(
            "pw",
            &format!("{fast}{}", hash.trim_end_matches('='))
        ));
        assert!(!check_password("pw", &format!("{fast}{hash}$")));
    }

    #[test]
    fn weaker_argon2_verifies_and_must_update() {
        assert!(check_password("correct horse", WEAKER_ARGON2));
        assert!(must_update(WEAKER_ARGON2));
        // Argon2i, an old version and a short salt are upgraded too.
        let argon2i = DJANGO_ARGON2.replacen("argon2id", "argon2i", 1);
        assert!(!check_password("correct horse", &argon2i));
        assert!(must_update(&argon2i));
        assert!(must_update(&DJANGO_ARGON2.replacen("v=19", "v=16", 1)));
        let short_salt = "argon2$argon2id$v=19$m=102400,t=2,p=8$\
            c2hvcnRzYWx0MTIzNDU2$sbXw/IoW7XerhgpRmP509Osn2Vre0K5U9M6Grqyy8J8";
        assert!(must_update(short_salt));
    }

    #[test]
    fn dummy_hash_has_current_parameters() {
        // Otherwise dummy_check would be faster or slower than a real check.
        assert!(parse_argon2(DUMMY_ENCODED).is_some());
        assert!(!must_update(DUMMY_ENCODED));
    }

    #[test]
    fn unusable_passwords() {
        let encoded = make_unusable_password();
        assert!(encoded.starts_with('!'));
        assert_eq!(encoded.len(), 41);
        assert!(encoded[1..].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(encoded, make_unusable_password());
        assert!(!is_password_usable(&encoded));
        assert!(!is_password_usable(""));
        assert!(is_password_usable(DJANGO_ARGON2));
        assert!(!check_password("", &encoded));
        assert!(!check_password(&encoded, &encoded));
        assert_eq!(identify(&encoded), None);
        assert!(must_update(&encoded));
    }

    #[test]
    fn garbage_is_false_and_quick() {
        let huge = [
            "pbkdf2_sha256$999999999999$s$h",
            "pbkdf2_sha256$10000001$s$h",
            "pbkdf2_sha256$4294967296$s$h",
            // 4 GiB of memory / 1000 passes over 100 MiB.
            "argon2$argon2id$v=19$m=4194304,t=2,p=8$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
            "argon2$argon2id$v=19$m=102400,t=1000,p=8$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        ];
        let garbage = [
            "",
            "$$$",
            "$",
            "argon2",
            "argon2$",
            "argon2$$",
            "argon2$argon2id",
            "argon2$argon2id$v=19$m=102400,t=2,p=8",
            "argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdHNhbHRzYWx0",
            "argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdHNhbHRzYWx0$!!!",
            "argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdHNhbHRzYWx0$aGFzaA$extra",
            "argon2$argon2x$v=19$m=102400,t=2,p=8$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
            "argon2$argon2id$v=20$m=102400,t=2,p=8$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
            "argon2$argon2id$v=19$m=0,t=0,p=0$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
            "argon2$argon2id$v=19$m=102400,t=2,p=8,x=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
            "argon2$argon2id$v=19$m=102400,t=2,p=8$c2E$aGFzaGhhc2hoYXNoaGFzaA",
            "argon2argon2id$v=19$m=102400,t=2,p=8$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
            "pbkdf2_sha256",
            "pbkdf2_sha256$",
            "pbkdf2_sha256$x$y",
            "pbkdf2_sha256$x$y$z",
            "pbkdf2_sha256$0$salt$hash",
            "pbkdf2_sha256$-1$salt$hash",
            "pbkdf2_sha256$1000$$hash",
            "pbkdf2_sha1$1000$salt",
            "md5$salt$hash",
            "bcrypt$$2b$12$abc",
            "\u{0}$\u{ffff}$💥",
        ];
        for encoded in huge.iter().chain(&garbage) {
            // `None`: no hash was computed, so it returned at once (check_password then runs
            // the dummy hash instead).
            assert_eq!(verify("correct horse", encoded), None, "{encoded:?}");
            assert!(must_update(encoded), "{encoded:?}");
        }
        for encoded in huge
            .iter()
            .chain(&["", "$$$", "argon2$", "pbkdf2_sha256$x$y"])
        {
            let started = Instant::now();
            assert!(!check_password("correct horse", encoded), "{encoded:?}");
            // One dummy hash; a real one with the huge parameters would take minutes.
            assert!(started.elapsed() < Duration::from_secs(10), "{encoded:?}");
        }
        assert_eq!(identify("argon2$"), Some("argon2"));
        assert_eq!(identify("$$$"), None);
        assert_eq!(identify(""), None);
    }

    #[test]
    fn iteration_counts() {
        assert_eq!(parse_iterations("1"), Some(1));
        assert_eq!(parse_iterations("1000000"), Some(1_000_000));
        assert_eq!(parse_iterations("10000000"), Some(MAX_PBKDF2_ITERATIONS));
        for bad in [
            "",
            "0",
            "01",
            "10000001",
            "99999999999999999999",
            "1_000",
            " 1",
            "1e6",
        ] {
            assert_eq!(parse_iterations(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dummy_check_takes_as_long_as_a_real_check() {
        fn time(f: impl Fn()) -> Duration {
            // The best of three, to ignore a cold start or a busy machine.
            (0..3)
                .map(|_| {
                    let started = Instant::now();
                    f();
                    started.elapsed()
                })
                .min()
                .unwrap()
        }
        let real = time(|| assert!(!check_password("wrong", DJANGO_ARGON2)));
        let dummy = time(|| dummy_check("wrong"));
        let unusable = time(|| assert!(!check_password("wrong", "!unusable")));
        let hashed = time(|| drop(make_password("wrong").unwrap()));
        println!(
            "check_password {real:?}, dummy_check {dummy:?}, unusable {unusable:?}, \
             make_password {hashed:?}"
        );
        for other in [dummy, unusable, hashed] {
            assert!(
                other < real * 3 && real < other * 3,
                "{real:?} vs {other:?}"
            );
        }
    }
}
