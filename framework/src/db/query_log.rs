//! Every query a connection runs, logged at `DEBUG` under the target `pony::db::backends`
//! (Django's `django.db.backends` logger): its duration and SQL, never its bound values,
//! which may be password hashes or session data.
//!
//! Turn it on with `RUST_LOG=pony::db::backends=debug`:
//!
//! ```text
//! DEBUG pony::db::backends: (0.000) SELECT COUNT(*) FROM `articles_article`
//! ```

use std::time::Instant;

use diesel::Connection as _;
use diesel::connection::{Instrumentation, InstrumentationEvent};

use super::Connection;

/// The log target.
pub const TARGET: &str = "pony::db::backends";

/// The instrumentation a logging connection carries.
#[derive(Debug, Default)]
pub(crate) struct QueryLog {
    started: Option<Instant>,
    /// Set while the pool checks the connection, whose `SELECT 1` is no query of the page.
    quiet: bool,
}

/// Runs `f` on `conn` without logging its queries (the pool's health check).
pub(crate) fn unlogged<T>(conn: &mut Connection, f: impl FnOnce(&mut Connection) -> T) -> T {
    let set_quiet = |conn: &mut Connection, quiet: bool| {
        if let Some(log) = conn.instrumentation().downcast_mut::<QueryLog>() {
            log.quiet = quiet;
        }
    };
    set_quiet(conn, true);
    let result = f(conn);
    set_quiet(conn, false);
    result
}

impl Instrumentation for QueryLog {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        // A process that does not log queries pays this check (a cached flag) per event.
        if self.quiet || !tracing::enabled!(target: TARGET, tracing::Level::DEBUG) {
            return;
        }
        match event {
            InstrumentationEvent::StartQuery { .. } => self.started = Some(Instant::now()),
            InstrumentationEvent::FinishQuery { query, error, .. } => {
                let seconds = self
                    .started
                    .take()
                    .map_or(0.0, |started| started.elapsed().as_secs_f64());
                let text = query.to_string();
                let sql = without_binds(&text);
                match error {
                    None => tracing::debug!(target: TARGET, "({seconds:.3}) {sql}"),
                    Some(error) => {
                        tracing::debug!(target: TARGET, "({seconds:.3}) {sql}; failed: {error}")
                    }
                }
            }
            _ => {}
        }
    }
}

/// The SQL of diesel's rendering of a query: it appends the bound values as
/// ` -- binds: [...]`, and those stay out of the log.
///
/// ```
/// # use pony::db::query_log::without_binds;
/// let shown = r#"INSERT INTO t VALUES (?) -- binds: ["hunter2"]"#;
/// assert_eq!(without_binds(shown), "INSERT INTO t VALUES (?)");
/// ```
pub fn without_binds(text: &str) -> &str {
    text.split(" -- binds: ").next().unwrap_or_default()
}
