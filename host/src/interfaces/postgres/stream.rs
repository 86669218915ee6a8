//! Streaming query rows to the guest as Postgres produces them.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::Stream;
use futures::channel::oneshot;
use tokio_postgres::RowStream;
use wasmtime::StoreContextMut;
use wasmtime::component::{Destination, StreamProducer, StreamResult, VecBuffer};

use super::{Client, convert, query_failed};
use crate::bindings::spin::postgres::postgres::{DbValue, Error};

/// Most rows handed to the guest in one read.
const BATCH: usize = 256;

/// Feeds a query's rows into the guest's `stream<row>`; the final outcome goes to the
/// paired `future<result<_, error>>`.
pub struct RowProducer {
    rows: Pin<Box<RowStream>>,
    done: Option<oneshot::Sender<Result<(), Error>>>,
    _client: Arc<Client>,
}

impl RowProducer {
    /// A producer for `rows`, and the future its outcome is sent to.
    pub fn new(
        rows: RowStream,
        client: Arc<Client>,
    ) -> (
        Self,
        impl Future<Output = wasmtime::Result<Result<(), Error>>> + Send + 'static,
    ) {
        let (tx, rx) = oneshot::channel();
        let producer = Self {
            rows: Box::pin(rows),
            done: Some(tx),
            _client: client,
        };
        // A reader that stops early never learns of later errors: report success then.
        let outcome = async move { Ok(rx.await.unwrap_or(Ok(()))) };
        (producer, outcome)
    }

    fn finish(&mut self, result: Result<(), Error>) {
        if let Some(tx) = self.done.take() {
            let _ = tx.send(result);
        }
    }
}

impl<D> StreamProducer<D> for RowProducer {
    type Item = Vec<DbValue>;
    type Buffer = VecBuffer<Vec<DbValue>>;

    fn poll_produce<'a>(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        store: StoreContextMut<'a, D>,
        mut destination: Destination<'a, Self::Item, Self::Buffer>,
        finish: bool,
    ) -> Poll<wasmtime::Result<StreamResult>> {
        let me = self.get_mut();
        let capacity = match destination.remaining(store) {
            Some(0) => return Poll::Ready(Ok(StreamResult::Completed)),
            Some(n) => n.min(BATCH),
            None => BATCH,
        };
        let mut batch = Vec::new();
        let mut ended = false;
        while batch.len() < capacity {
            match me.rows.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(row))) => match convert::row(&row) {
                    Ok(values) => batch.push(values),
                    Err(e) => {
                        me.finish(Err(Error::ValueConversionFailed(e)));
                        ended = true;
                        break;
                    }
                },
                Poll::Ready(Some(Err(e))) => {
                    me.finish(Err(query_failed(e)));
                    ended = true;
                    break;
                }
                Poll::Ready(None) => {
                    me.finish(Ok(()));
                    ended = true;
                    break;
                }
                Poll::Pending => break,
            }
        }
        if batch.is_empty() && !ended {
            return if finish {
                Poll::Ready(Ok(StreamResult::Cancelled))
            } else {
                Poll::Pending
            };
        }
        destination.set_buffer(VecBuffer::from(batch));
        Poll::Ready(Ok(if ended {
            StreamResult::Dropped
        } else {
            StreamResult::Completed
        }))
    }
}
