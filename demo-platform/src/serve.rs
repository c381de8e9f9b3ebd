//! The accept loop. Hand-rolled rather than `axum::serve` so that a fault can close a
//! connection without answering, as a crashed server or a broken proxy does.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

/// A connection, plain or over TLS.
trait Stream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Stream for T {}

/// Put in each request's extensions; notifying it closes that request's connection.
#[derive(Clone)]
pub struct DropConnection(pub Arc<Notify>);

/// Serves `app` on `listener` — over TLS when given an acceptor — until `stop`.
pub async fn run(
    listener: TcpListener,
    app: Router,
    stop: CancellationToken,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    loop {
        let stream = tokio::select! {
            _ = stop.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: keep serving the others.
                Err(_) => continue,
            },
        };
        let (app, stop, tls) = (app.clone(), stop.clone(), tls.clone());
        tokio::spawn(async move {
            let stream: Box<dyn Stream> = match tls {
                None => Box::new(stream),
                Some(tls) => match tls.accept(stream).await {
                    Ok(stream) => Box::new(stream),
                    // A client that does not trust the certificate hangs up: nothing to serve.
                    Err(_) => return,
                },
            };
            let kill = Arc::new(Notify::new());
            let handle = DropConnection(kill.clone());
            let service = hyper::service::service_fn(
                move |mut request: hyper::Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(handle.clone());
                    let app = app.clone();
                    async move {
                        Ok::<_, Infallible>(
                            app.oneshot(request.map(axum::body::Body::new))
                                .await
                                .unwrap_or_else(|e| match e {}),
                        )
                    }
                },
            );
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = kill.notified() => {}
                _ = stop.cancelled() => {}
            }
        });
    }
}
