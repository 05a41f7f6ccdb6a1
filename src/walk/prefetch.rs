//! Fetching pages ahead on a background thread while the consumer works.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::{self, JoinHandle};

use super::engine::{Fetched, Walk};
use super::settings::Settings;
use crate::Error;
use crate::rules::decode::Batch;

/// The most pages fetched ahead, whatever is asked: the channel's slots are
/// allocated up front.
pub(crate) const MAX_AHEAD: usize = 256;

/// Pages fetched by a background thread, at most `ahead` pages before the consumer.
pub(crate) struct Prefetch<B> {
    receiver: Receiver<Result<Fetched<B>, Error>>,
    thread: Option<JoinHandle<()>>,
    /// Shared with the thread's walk: dropping the iterator cancels through it.
    settings: Arc<Settings>,
}

impl<B: Batch> Prefetch<B> {
    /// Starts the thread; gives the walk back if no thread can be started.
    pub(crate) fn spawn(walk: Box<Walk>, ahead: usize) -> Result<Prefetch<B>, Box<Walk>> {
        // The thread holds one finished page while it waits to hand it over,
        // so a channel of `ahead - 1` keeps it exactly `ahead` pages ahead.
        let (sender, receiver) = sync_channel(ahead.clamp(1, MAX_AHEAD) - 1);
        let settings = Arc::clone(walk.settings());
        // The walk travels through a channel so that it is still ours if the
        // thread cannot be spawned.
        let (hand_over, take_over) = sync_channel::<Box<Walk>>(1);
        let spawned = thread::Builder::new()
            .name("pagewalk-prefetch".into())
            .spawn(move || {
                if let Ok(walk) = take_over.recv() {
                    run::<B>(walk, sender);
                }
            });
        let Ok(thread) = spawned else {
            return Err(walk);
        };
        hand_over.send(walk).map_err(|returned| returned.0)?;
        Ok(Prefetch {
            receiver,
            thread: Some(thread),
            settings,
        })
    }

    pub(crate) fn next_page(&mut self) -> Option<Result<Fetched<B>, Error>> {
        match self.receiver.recv() {
            Ok(page) => Some(page),
            // The thread is gone: the walk ended, or a panic (in a `Deserialize`
            // impl, say) killed it, which must not pass for the end of the walk.
            Err(_) => match self.thread.take().map(JoinHandle::join) {
                Some(Err(panic)) => std::panic::resume_unwind(panic),
                _ => None,
            },
        }
    }
}

fn run<B: Batch>(mut walk: Box<Walk>, sender: SyncSender<Result<Fetched<B>, Error>>) {
    while let Some(result) = walk.next_page::<B>() {
        let failed = result.is_err();
        // A send fails once the consumer is gone: stop fetching.
        if sender.send(result).is_err() || failed {
            return;
        }
    }
}

impl<B> Drop for Prefetch<B> {
    fn drop(&mut self) {
        // Dropping the receiver unblocks a pending send; cancelling stops the
        // retries and waits of a request in flight. The request itself is
        // finished first (ureq cannot abort it), then the thread exits.
        self.settings.cancelled.store(true, Ordering::Relaxed);
    }
}
