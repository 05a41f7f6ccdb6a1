//! Fetching pages ahead on a background thread while the consumer works.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread;

use serde::de::DeserializeOwned;

use crate::Error;
use crate::walk::{Fetched, Walk};

/// Pages fetched by a background thread, at most `ahead` pages before the consumer.
pub(crate) struct Prefetch<T> {
    receiver: Receiver<Result<Fetched<T>, Error>>,
    stop: Arc<AtomicBool>,
}

impl<T: DeserializeOwned + Send + 'static> Prefetch<T> {
    /// Starts the thread; gives the walk back if no thread can be started.
    pub(crate) fn spawn(walk: Box<Walk>, ahead: usize) -> Result<Prefetch<T>, Box<Walk>> {
        // The thread holds one finished page while it waits to hand it over,
        // so a channel of `ahead - 1` keeps it exactly `ahead` pages ahead.
        let (sender, receiver) = sync_channel(ahead.saturating_sub(1));
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        // The walk travels through a channel so that it is still ours if the
        // thread cannot be spawned.
        let (hand_over, take_over) = sync_channel::<Box<Walk>>(1);
        let spawned = thread::Builder::new()
            .name("pagewalk-prefetch".into())
            .spawn(move || {
                if let Ok(walk) = take_over.recv() {
                    run(walk, sender, &flag);
                }
            });
        if spawned.is_err() {
            return Err(walk);
        }
        hand_over.send(walk).map_err(|returned| returned.0)?;
        Ok(Prefetch { receiver, stop })
    }

    pub(crate) fn next_page(&mut self) -> Option<Result<Fetched<T>, Error>> {
        self.receiver.recv().ok()
    }
}

fn run<T: DeserializeOwned>(
    mut walk: Box<Walk>,
    sender: SyncSender<Result<Fetched<T>, Error>>,
    stop: &AtomicBool,
) {
    while !stop.load(Ordering::Relaxed) {
        let Some(result) = walk.next_page::<T>() else {
            return;
        };
        let failed = result.is_err();
        // A send fails once the consumer is gone: stop fetching.
        if sender.send(result).is_err() || failed {
            return;
        }
    }
}

impl<T> Drop for Prefetch<T> {
    fn drop(&mut self) {
        // The receiver goes with `self`, which unblocks a pending send; the flag
        // stops a thread that is between pages. A request in flight is finished
        // first (ureq cannot cancel it), then the thread exits without another.
        self.stop.store(true, Ordering::Relaxed);
    }
}
