//! Fetching the planned pages with several workers, delivering them in order.
//!
//! Workers take page indexes in order, but never more than `window` pages
//! ahead of the one the consumer waits for, so the reorder buffer stays
//! bounded. Retries and rate-limit waits happen inside each request, and the
//! shared throttle makes one 429 slow every worker.

use std::any::Any;
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;

use super::engine::{Fetched, Walk};
use super::fetch::PageRequest;
use crate::Error;
use crate::http::Response;
use crate::http::origin::{Credentials, Outgoing};
use crate::rules::decode::{Batch, Decoded};
use crate::rules::plan::{Plan, same_request};

type Outcome<B> = Result<(Response, Decoded<B>), Error>;

/// The most worker threads, whatever is asked.
const MAX_WORKERS: usize = 64;

/// What a worker sends back.
enum Message<B> {
    Page(u64, Box<Outcome<B>>),
    /// A worker panicked (in a `Deserialize` impl, say): the consumer re-raises
    /// it, as it would have happened without concurrency.
    Panicked(Box<dyn Any + Send>),
}

/// Progress shared between the consumer and the workers.
#[derive(Default)]
struct Progress {
    /// The next plan index a worker may take.
    next_job: u64,
    /// The plan index the consumer waits for.
    delivering: u64,
    stopped: bool,
}

struct Shared {
    progress: Mutex<Progress>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Progress> {
        self.progress
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    fn update(&self, change: impl FnOnce(&mut Progress)) {
        change(&mut self.lock());
        self.changed.notify_all();
    }
}

pub(crate) struct Concurrent<B> {
    walk: Box<Walk>,
    plan: Plan,
    /// Planned pages share the first next request's origin, and its verdict.
    credentials: Credentials,
    /// Plan indexes `0..count` are fetched by the workers.
    count: u64,
    results: Receiver<Message<B>>,
    buffer: BTreeMap<u64, Outcome<B>>,
    delivering: u64,
    shared: Arc<Shared>,
}

impl<B: Batch> Concurrent<B> {
    /// Starts `workers` threads on `plan`; gives the walk back if not even one can start.
    pub(crate) fn start(
        walk: Box<Walk>,
        plan: Plan,
        workers: usize,
    ) -> Result<Concurrent<B>, Box<Walk>> {
        let (Some(request), Some(credentials)) = (walk.page_request(), walk.next_credentials())
        else {
            return Err(walk);
        };
        let count = walk
            .pages_allowed()
            .map_or(plan.count, |allowed| allowed.min(plan.count));
        let shared = Arc::new(Shared {
            progress: Mutex::new(Progress::default()),
            changed: Condvar::new(),
        });
        let (sender, results) = channel();
        let workers = workers
            .min(usize::try_from(count).unwrap_or(usize::MAX))
            .clamp(1, MAX_WORKERS);
        let window = (workers as u64).saturating_mul(2);
        let first_page = walk.page_number();
        let mut started = 0;
        for _ in 0..workers {
            let job = Job::<B> {
                request: request.clone(),
                plan: plan.clone(),
                credentials,
                count,
                window,
                first_page,
                shared: Arc::clone(&shared),
                sender: sender.clone(),
            };
            let spawned = thread::Builder::new()
                .name("pagewalk-worker".into())
                .spawn(move || job.run_guarded());
            if spawned.is_ok() {
                started += 1;
            }
        }
        if started == 0 {
            return Err(walk);
        }
        Ok(Concurrent {
            walk,
            plan,
            credentials,
            count,
            results,
            buffer: BTreeMap::new(),
            delivering: 0,
            shared,
        })
    }

    pub(crate) fn next_page(&mut self) -> Option<Result<Fetched<B>, Error>> {
        if self.delivering >= self.count || self.walk.is_over() {
            // The plan is done: whatever the last page says comes next is fetched as usual.
            self.shared.update(|progress| progress.stopped = true);
            return self.walk.next_page();
        }
        let index = self.delivering;
        let outcome = loop {
            if let Some(outcome) = self.buffer.remove(&index) {
                break outcome;
            }
            match self.results.recv() {
                Ok(Message::Page(arrived, outcome)) => {
                    self.buffer.insert(arrived, *outcome);
                }
                Ok(Message::Panicked(panic)) => {
                    self.stop();
                    std::panic::resume_unwind(panic);
                }
                // Workers only leave early when stopped, and a stopped walk
                // delivers no more planned pages.
                Err(_) => return None,
            }
        };
        self.delivering += 1;
        let delivering = self.delivering;
        self.shared
            .update(|progress| progress.delivering = delivering);
        let sent = Outgoing {
            request: self.plan.request(index),
            credentials: self.credentials,
        };
        let delivered = outcome.and_then(|(response, decoded)| {
            self.walk.deliver(&sent, response, decoded, &mut |_, _| {})
        });
        match &delivered {
            Ok(fetched) if fetched.error.is_none() && !self.walk.is_over() => {
                if !self.on_plan() {
                    self.abandon_plan();
                }
            }
            _ => self.stop(),
        }
        Some(delivered)
    }

    /// Whether the walk's next request, as its rule worked it out from the
    /// page just delivered, is the plan's next one. A page shorter or longer
    /// than the plan assumed (an offset API whose limit is only a maximum)
    /// moves the next offset, and the rest of the plan is wrong.
    fn on_plan(&self) -> bool {
        self.delivering >= self.count
            || self
                .walk
                .next_request()
                .is_some_and(|next| same_request(next, &self.plan.request(self.delivering)))
    }

    /// Stops the workers and drops what they fetched ahead: the walk goes on
    /// sequentially from where its rule says, exactly as without concurrency.
    fn abandon_plan(&mut self) {
        self.count = self.delivering;
        self.buffer.clear();
        self.shared.update(|progress| progress.stopped = true);
    }

    /// Ends the walk: a page failed, or the server said it is over.
    fn stop(&mut self) {
        self.walk.stop();
        self.abandon_plan();
    }
}

impl<B> Drop for Concurrent<B> {
    fn drop(&mut self) {
        self.shared.update(|progress| progress.stopped = true);
        // Requests in flight give up their retries and waits.
        self.walk
            .settings()
            .cancelled
            .store(true, Ordering::Relaxed);
    }
}

/// One worker's share of the plan.
struct Job<B> {
    request: PageRequest,
    plan: Plan,
    credentials: Credentials,
    count: u64,
    window: u64,
    first_page: u64,
    shared: Arc<Shared>,
    sender: Sender<Message<B>>,
}

impl<B: Batch> Job<B> {
    fn run_guarded(self) {
        let (sender, shared) = (self.sender.clone(), Arc::clone(&self.shared));
        if let Err(panic) = panic::catch_unwind(AssertUnwindSafe(|| self.run())) {
            shared.update(|progress| progress.stopped = true);
            let _ = sender.send(Message::Panicked(panic));
        }
    }

    fn run(self) {
        while let Some(index) = self.take_index() {
            let outgoing = Outgoing {
                request: self.plan.request(index),
                credentials: self.credentials,
            };
            let outcome = self
                .request
                .fetch::<B>(&outgoing, self.first_page + index, 0);
            if self
                .sender
                .send(Message::Page(index, Box::new(outcome)))
                .is_err()
            {
                return;
            }
        }
    }

    /// The next index to fetch, waiting while the window is full; `None` when done.
    fn take_index(&self) -> Option<u64> {
        let mut progress = self.shared.lock();
        loop {
            if progress.stopped || progress.next_job >= self.count {
                return None;
            }
            if progress.next_job < progress.delivering + self.window {
                progress.next_job += 1;
                return Some(progress.next_job - 1);
            }
            progress = self
                .shared
                .changed
                .wait(progress)
                .unwrap_or_else(|poison| poison.into_inner());
        }
    }
}
