//! Accepting and closing connections: HTTP/1.1 (with websocket upgrades) and HTTP/2 until a stop signal, then a
//! bounded drain. Nothing a client does, or fails to do, holds a connection or a descriptor for ever:
//!
//! - a connection that sends nothing within the keep-alive timeout is closed (hyper's header timeout covers an
//!   idle keep-alive connection, but not one that never sends its first byte);
//! - at most `max_connections` are open at once, websockets included; one more is answered 503 and closed;
//! - when the process runs out of descriptors, accepting pauses briefly instead of retrying in a tight loop.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::log;

/// How long in-flight requests (and open websockets) get to finish after a stop signal.
const DRAIN: Duration = Duration::from_secs(10);
/// The pause after an accept that failed for want of descriptors or memory: the waiting connection stays
/// queued, so retrying at once would only fail again, at full speed.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);
/// How long a refused connection gets to read its 503 before it is closed.
const REFUSAL_LINGER: Duration = Duration::from_secs(1);

pub struct Limits {
    /// PREFECT_SERVER_API_KEEPALIVE_TIMEOUT: how long a connection may stay silent.
    pub idle: Duration,
    /// PREFECT_RS_SERVER_MAX_CONNECTIONS.
    pub max_connections: usize,
}

/// Serves until Ctrl+C or SIGTERM, then stops accepting and lets open connections finish (bounded).
pub async fn serve_until_stopped(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    limits: Limits,
) {
    let graceful = GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // An idle keep-alive connection is closed when no next request header arrives in time.
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.idle);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let full = Arc::new(AtomicBool::new(false));
    let mut out_of_descriptors = false;
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    if std::mem::take(&mut out_of_descriptors) {
                        log::line("info: accepting connections again");
                    }
                    let _ = stream.set_nodelay(true);
                    let connection = Connection {
                        builder: builder.clone(),
                        watcher: graceful.watcher(),
                        app: app.clone(),
                        idle: limits.idle,
                    };
                    match slots.clone().try_acquire_owned() {
                        Ok(slot) => {
                            full.store(false, Ordering::Relaxed);
                            tokio::spawn(connection.serve(Counted { stream, _slot: slot }));
                        }
                        Err(_) => {
                            if !full.swap(true, Ordering::Relaxed) {
                                log::line(&format!(
                                    "warning: {} connections are open, the most PREFECT_RS_SERVER_MAX_CONNECTIONS \
                                     allows: new ones are answered 503 until some close",
                                    limits.max_connections
                                ));
                            }
                            tokio::spawn(refuse(stream));
                        }
                    }
                }
                Err(e) if is_out_of_resources(&e) => {
                    if !std::mem::replace(&mut out_of_descriptors, true) {
                        log::line(&format!(
                            "error: cannot accept connections: {e}; retrying every {} ms until some close \
                             (raise the limit with `ulimit -n`, or lower PREFECT_RS_SERVER_MAX_CONNECTIONS)",
                            ACCEPT_BACKOFF.as_millis()
                        ));
                    }
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
                // The client gave up before we accepted (ECONNABORTED and the like): nothing to serve.
                Err(_) => {}
            },
            () = &mut stop => break,
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN, graceful.shutdown()).await;
}

/// EMFILE, ENFILE, ENOBUFS, ENOMEM: the process or the system is out of something a connection needs.
fn is_out_of_resources(error: &io::Error) -> bool {
    matches!(
        error.raw_os_error(),
        Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)
    )
}

/// What one accepted connection needs to be served.
struct Connection {
    builder: auto::Builder<TokioExecutor>,
    watcher: Watcher,
    app: axum::Router,
    idle: Duration,
}

impl Connection {
    async fn serve(self, stream: Counted) {
        // The first byte, within the keep-alive timeout; hyper's own timeout takes over from there.
        let mut first = [0u8; 1];
        match tokio::time::timeout(self.idle, stream.stream.peek(&mut first)).await {
            Ok(Ok(read)) if read > 0 => {}
            _ => return,
        }
        let service = TowerToHyperService::new(self.app);
        let connection = self
            .builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let _ = self.watcher.watch(connection).await;
    }
}

/// Past the connection cap: a 503 in Prefect's error shape, then close. The request is drained for a moment after
/// the answer, because closing a socket with unread input resets it, and the client could lose the answer.
async fn refuse(mut stream: TcpStream) {
    let body = r#"{"detail":"Too many open connections: the server allows PREFECT_RS_SERVER_MAX_CONNECTIONS at once; retry shortly"}"#;
    let response = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\nretry-after: 1\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(REFUSAL_LINGER, async {
        stream.write_all(response.as_bytes()).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 1024];
        while stream.read(&mut sink).await? > 0 {}
        io::Result::Ok(())
    })
    .await;
}

/// A connection holding one of the cap's slots for as long as its socket is open: through a websocket upgrade
/// too, since the upgraded socket keeps this stream.
struct Counted {
    stream: TcpStream,
    _slot: OwnedSemaphorePermit,
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Ctrl+C or SIGTERM.
async fn stop_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("a SIGTERM handler can be installed");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
