//! The HTTP server loop: HTTP/1.1 connections on a listener, with a graceful shutdown that
//! loses no request.
//!
//! On shutdown the server stops accepting and closes each connection once its request in
//! flight is answered. A connection the kernel had already handed over but whose first request
//! has not been read yet gets a short grace period to send it: closing it at once (as a plain
//! "close idle connections" shutdown does) would reset a client that did nothing wrong — and
//! `runserver`'s reloader shuts the old server down exactly while clients are connecting.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;

/// How long a connection may take to send its first request once shutdown has begun.
const FIRST_REQUEST_GRACE: Duration = Duration::from_secs(1);
/// How long a client may take to send a request's headers (slow-loris protection).
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// The most bytes a request's head (request line and headers) may take: far below hyper's
/// ~400 KiB default, so an idle connection cannot pin much memory. A longer head is answered
/// with 431; each line is further capped at 8 KiB by [`crate::security::limit_request_head`].
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// The most header fields a request may have (gunicorn's `limit_request_fields`).
const MAX_HEADERS: usize = 100;

/// Serves `router` on `listener` until `shutdown` completes, then drains the connections.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop, stopped) = watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(serve_connection(stream, peer, router.clone(), stopped.clone()));
                }
                // Out of file descriptors and the like: wait instead of spinning.
                Err(error) => {
                    tracing::warn!("accept failed: {error}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = stop.send(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    mut stopped: watch::Receiver<bool>,
) {
    let started = Arc::new(AtomicBool::new(false));
    let service = {
        let started = started.clone();
        router.map_request(move |mut request: hyper::Request<Incoming>| {
            started.store(true, Ordering::Relaxed);
            request.extensions_mut().insert(ConnectInfo(peer));
            request
        })
    };
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_buf_size(MAX_HEAD_BYTES)
        .max_headers(MAX_HEADERS);
    let connection = http
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
        .with_upgrades();
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => return,
        _ = stopped.wait_for(|stop| *stop) => {}
    }
    if !started.load(Ordering::Relaxed) {
        let grace = tokio::time::sleep(FIRST_REQUEST_GRACE);
        tokio::pin!(grace);
        while !started.load(Ordering::Relaxed) {
            tokio::select! {
                _ = connection.as_mut() => return,
                () = &mut grace => break,
                () = tokio::time::sleep(Duration::from_millis(5)) => {}
            }
        }
    }
    connection.as_mut().graceful_shutdown();
    let _ = connection.await;
}
