//! The store one request's [`Session`](tower_sessions::Session) talks to: it forwards to the
//! project's store and tells the middleware what happened (was the session loaded? deleted?),
//! and can take a snapshot of the session's data without persisting it (for the DEBUG page).

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// One request's view of the project's session store.
pub(crate) struct RequestStore {
    backend: Arc<dyn SessionStore>,
    loaded: AtomicBool,
    deleted: AtomicBool,
    snapshot_only: AtomicBool,
    snapshot: Mutex<Option<Record>>,
}

impl std::fmt::Debug for RequestStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Kept short: the middleware formats the session (see `middleware::record_touched`).
        f.write_str("RequestStore")
    }
}

impl RequestStore {
    pub(crate) fn new(backend: Arc<dyn SessionStore>) -> Self {
        RequestStore {
            backend,
            loaded: AtomicBool::new(false),
            deleted: AtomicBool::new(false),
            snapshot_only: AtomicBool::new(false),
            snapshot: Mutex::new(None),
        }
    }

    /// Whether the session asked the store for its record (it was read or written).
    pub(crate) fn was_loaded(&self) -> bool {
        self.loaded.load(Ordering::Acquire)
    }

    /// Whether the session deleted a record (it was flushed, or its key cycled).
    pub(crate) fn was_deleted(&self) -> bool {
        self.deleted.load(Ordering::Acquire)
    }

    /// From now on, saving only records the data (see [`RequestStore::snapshot`]).
    pub(crate) fn stop_persisting(&self) {
        self.snapshot_only.store(true, Ordering::Release);
    }

    /// The record saved since [`RequestStore::stop_persisting`].
    pub(crate) fn snapshot(&self) -> Option<Record> {
        self.snapshot.lock().ok().and_then(|record| record.clone())
    }

    /// With persisting stopped, records `record` and answers true (nothing else to do).
    fn keep(&self, record: &Record) -> bool {
        if !self.snapshot_only.load(Ordering::Acquire) {
            return false;
        }
        if let Ok(mut snapshot) = self.snapshot.lock() {
            *snapshot = Some(record.clone());
        }
        true
    }
}

#[async_trait]
impl SessionStore for RequestStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        if self.keep(record) {
            return Ok(());
        }
        self.backend.create(record).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        if self.keep(record) {
            return Ok(());
        }
        self.backend.save(record).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        self.loaded.store(true, Ordering::Release);
        self.backend.load(id).await
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.deleted.store(true, Ordering::Release);
        self.backend.delete(id).await
    }
}
