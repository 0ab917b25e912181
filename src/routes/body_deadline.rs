//! A request body must arrive within [`BODY_DEADLINE`] of its headers: a client that
//! trickles its body (one byte a second) would otherwise hold a connection and a worker's
//! attention for as long as it likes.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::dev::{Payload, ServiceRequest};
use actix_web::error::PayloadError;
use actix_web::web::Bytes;
use actix_web::HttpMessage;
use futures_util::Stream;

/// How long after its headers a request's body may take to arrive.
pub const BODY_DEADLINE: Duration = Duration::from_secs(10);

/// The request's body stream, ending in an error when the deadline passes.
struct Deadline {
    inner: Payload,
    timer: Pin<Box<tokio::time::Sleep>>,
    expired: Arc<AtomicBool>,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.expired.load(Ordering::Relaxed) {
            return Poll::Ready(None);
        }
        if let Poll::Ready(item) = Pin::new(&mut self.inner).poll_next(cx) {
            return Poll::Ready(item);
        }
        match self.timer.as_mut().poll(cx) {
            Poll::Ready(()) => {
                self.expired.store(true, Ordering::Relaxed);
                let late = std::io::Error::new(std::io::ErrorKind::TimedOut, "request body too slow");
                Poll::Ready(Some(Err(PayloadError::Io(late))))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Puts the deadline on the request's body; the flag says afterwards whether it passed.
pub fn guard(req: &mut ServiceRequest, deadline: Duration) -> Arc<AtomicBool> {
    let expired = Arc::new(AtomicBool::new(false));
    let inner = req.take_payload();
    let stream = Deadline { inner, timer: Box::pin(tokio::time::sleep(deadline)), expired: expired.clone() };
    req.set_payload(Payload::Stream { payload: Box::pin(stream) });
    expired
}
