//! Password hashing off the async workers.
//!
//! A hash takes about 0.4 s of CPU by design. Run on an async worker it would stall every
//! other request on that thread, so these functions run it on tokio's blocking pool, and at
//! most one hash per CPU at a time: a burst of logins queues here instead of starving the
//! database pool's blocking threads.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> pony::Result<()> {
//! let encoded = pony::auth::hash_password("correct horse").await?;
//! assert!(pony::auth::verify_password("correct horse", &encoded).await);
//! # Ok(()) }
//! ```

use std::sync::LazyLock;

use tokio::sync::Semaphore;

use super::hashers;
use crate::error::{Error, Result};

/// One permit per CPU: hashing is CPU-bound, more at once only adds latency.
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| {
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    Semaphore::new(cpus)
});

/// Runs CPU-heavy password work on the blocking pool, at most one job per CPU.
async fn on_hashing_pool<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|_| Error::other("the password hashing pool is closed"))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| Error::other(format!("password hashing failed: {error}")))
}

/// [`hashers::make_password`] on the blocking pool.
pub async fn hash_password(raw: &str) -> Result<String> {
    let raw = raw.to_owned();
    on_hashing_pool(move || hashers::make_password(&raw)).await?
}

/// [`hashers::check_password`] on the blocking pool; `false` if the pool fails.
pub async fn verify_password(raw: &str, encoded: &str) -> bool {
    let (raw, encoded) = (raw.to_owned(), encoded.to_owned());
    on_hashing_pool(move || hashers::check_password(&raw, &encoded))
        .await
        .unwrap_or(false)
}

/// [`hashers::dummy_check`] on the blocking pool: spends a real check's time for an unknown
/// user, so response times do not reveal which usernames exist.
pub async fn dummy_verify(raw: &str) {
    let raw = raw.to_owned();
    let _ = on_hashing_pool(move || hashers::dummy_check(&raw)).await;
}
