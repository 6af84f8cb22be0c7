//! Batches of what a reader has ready. Input: any stream of items (documents read from
//! a file or a pipe), read on a thread of its own. Output: batches of up to a given size,
//! each holding every item read by the time it is taken.
//!
//! Why: a large file should be labelled in large parallel batches, while a pipe stage
//! that sends one line and waits for its answer must get it at once. Taking whatever is
//! ready serves both: a fast reader fills whole batches, a slow one is answered line by
//! line. Items are handed over under one lock, and a side is woken only when the other
//! waits on it (an empty or a full queue), so a full batch costs one or two wake-ups,
//! not one an item (a channel of single items woke the reader for every line).

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::Scope;

/// Reads `items` on a thread of `scope` and returns the batches, each of up to
/// `max_batch` items (at least 1) and never empty. At most `max_batch` items wait read
/// and untaken, so memory stays bounded however long the stream. Dropping the batches
/// stops the reader at its next item.
pub fn read_in_ready_batches<'scope, T: Send + 'scope>(
    scope: &'scope Scope<'scope, '_>,
    items: impl Iterator<Item = T> + Send + 'scope,
    max_batch: usize,
) -> ReadyBatches<T> {
    let queue = Arc::new(Queue::new(max_batch.max(1)));
    let reader_queue = Arc::clone(&queue);
    scope.spawn(move || {
        for item in items {
            if !reader_queue.push(item) {
                break;
            }
        }
        reader_queue.close();
    });
    ReadyBatches { queue }
}

/// The batches of [`read_in_ready_batches`], in input order.
pub struct ReadyBatches<T> {
    queue: Arc<Queue<T>>,
}

impl<T> Iterator for ReadyBatches<T> {
    type Item = Vec<T>;

    /// Waits for at least one item, then takes every item ready; `None` once the
    /// reader has finished and all is taken.
    fn next(&mut self) -> Option<Vec<T>> {
        self.queue.take()
    }
}

impl<T> Drop for ReadyBatches<T> {
    fn drop(&mut self) {
        self.queue.abandon();
    }
}

/// A bounded queue handed over whole: the reader pushes one item at a time, the
/// consumer takes all that is there.
struct Queue<T> {
    state: Mutex<State<T>>,
    /// Signalled when the queue gets its first item or closes (the consumer waits on it).
    ready: Condvar,
    /// Signalled when the queue is emptied or abandoned (the reader waits on it when full).
    space: Condvar,
    capacity: usize,
}

struct State<T> {
    items: Vec<T>,
    /// The reader has finished.
    closed: bool,
    /// The consumer has gone: no more items are wanted.
    abandoned: bool,
    consumer_waiting: bool,
    reader_waiting: bool,
}

impl<T> Queue<T> {
    fn new(capacity: usize) -> Self {
        let state = State {
            items: Vec::new(),
            closed: false,
            abandoned: false,
            consumer_waiting: false,
            reader_waiting: false,
        };
        Queue { state: Mutex::new(state), ready: Condvar::new(), space: Condvar::new(), capacity }
    }

    /// A panic elsewhere while the lock was held leaves the state consistent (each
    /// change is one assignment), so a poisoned lock is used as it is.
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds `item`, waiting while the queue is full. False when the consumer has gone.
    fn push(&self, item: T) -> bool {
        let mut state = self.lock();
        while state.items.len() >= self.capacity && !state.abandoned {
            state.reader_waiting = true;
            state = self.space.wait(state).unwrap_or_else(PoisonError::into_inner);
            state.reader_waiting = false;
        }
        if state.abandoned {
            return false;
        }
        state.items.push(item);
        if state.consumer_waiting {
            self.ready.notify_one();
        }
        true
    }

    fn close(&self) {
        let mut state = self.lock();
        state.closed = true;
        if state.consumer_waiting {
            self.ready.notify_one();
        }
    }

    fn take(&self) -> Option<Vec<T>> {
        let mut state = self.lock();
        while state.items.is_empty() && !state.closed {
            state.consumer_waiting = true;
            state = self.ready.wait(state).unwrap_or_else(PoisonError::into_inner);
            state.consumer_waiting = false;
        }
        if state.items.is_empty() {
            return None;
        }
        let batch = std::mem::take(&mut state.items);
        if state.reader_waiting {
            self.space.notify_one();
        }
        Some(batch)
    }

    fn abandon(&self) {
        let mut state = self.lock();
        state.abandoned = true;
        state.items.clear();
        if state.reader_waiting {
            self.space.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn every_item_comes_once_in_order_in_batches_no_larger_than_asked() {
        let batches: Vec<Vec<u32>> =
            std::thread::scope(|scope| read_in_ready_batches(scope, 0..10_000u32, 64).collect());
        assert!(batches.iter().all(|b| !b.is_empty() && b.len() <= 64));
        let flat: Vec<u32> = batches.into_iter().flatten().collect();
        assert_eq!(flat, (0..10_000).collect::<Vec<_>>());
    }

    #[test]
    fn a_ready_stream_fills_whole_batches() {
        // The reader runs ahead while the consumer sleeps, so every batch but the
        // first (taken as soon as one item is there) and the last is full.
        let batches: Vec<usize> = std::thread::scope(|scope| {
            read_in_ready_batches(scope, 0..1_000u32, 100)
                .map(|b| {
                    std::thread::sleep(Duration::from_millis(5));
                    b.len()
                })
                .collect()
        });
        assert_eq!(batches.iter().sum::<usize>(), 1_000);
        let middle = &batches[1..batches.len() - 1];
        assert!(middle.iter().filter(|&&n| n == 100).count() >= middle.len() - 1, "{batches:?}");
    }

    #[test]
    fn an_item_is_handed_over_before_the_next_is_read() {
        // A pipe stage: each item after the first is only sent once the one before has
        // been taken. A batch that waited to fill would leave the reader waiting in vain.
        let (taken, was_taken) = mpsc::channel::<()>();
        let items = (0..3u32).map(move |i| i == 0 || was_taken.recv_timeout(Duration::from_secs(5)).is_ok());
        let answered: Vec<bool> = std::thread::scope(|scope| {
            read_in_ready_batches(scope, items, 4096)
                .flatten()
                .inspect(|_| {
                    taken.send(()).ok();
                })
                .collect()
        });
        assert_eq!(answered, [true, true, true]);
    }

    #[test]
    fn dropping_the_batches_stops_an_endless_reader() {
        let first = std::thread::scope(|scope| read_in_ready_batches(scope, 0u64.., 16).next());
        assert_eq!(first.map(|b| b[0]), Some(0));
    }
}
