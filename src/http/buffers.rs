//! Body buffers handed back once a page is done with, so that the next
//! body is read into memory already allocated: a fresh buffer of a page's
//! size costs an allocation (and the allocator's tidying) a page.

use std::sync::{Mutex, PoisonError};

/// How many buffers wait for a body at most: one per page in flight under
/// the usual prefetch and concurrency.
const KEPT: usize = 4;

/// The largest buffer kept: a walk that met one huge page does not hold on
/// to its memory.
const LARGEST_KEPT: usize = 4 * 1024 * 1024;

/// Buffers waiting for a body; shared by the threads of a walk.
#[derive(Debug, Default)]
pub(crate) struct Buffers {
    spare: Mutex<Vec<Vec<u8>>>,
}

impl Buffers {
    /// An empty buffer with room for at least `capacity` bytes.
    pub(crate) fn take(&self, capacity: usize) -> Vec<u8> {
        let spare = self
            .spare
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut buffer = spare.unwrap_or_default();
        buffer.clear();
        buffer.reserve(capacity);
        buffer
    }

    /// Keeps `buffer` for a later body, unless enough are kept or it is too large.
    pub(crate) fn give(&self, buffer: Vec<u8>) {
        if buffer.capacity() == 0 || buffer.capacity() > LARGEST_KEPT {
            return;
        }
        let mut spare = self.spare.lock().unwrap_or_else(PoisonError::into_inner);
        if spare.len() < KEPT {
            spare.push(buffer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_given_back_is_taken_again_empty() {
        let buffers = Buffers::default();
        let mut used = Vec::with_capacity(1000);
        used.extend_from_slice(b"an old body");
        let address = used.as_ptr();
        buffers.give(used);
        let again = buffers.take(10);
        assert!(again.is_empty());
        assert_eq!(again.as_ptr(), address);
        assert!(again.capacity() >= 1000);
        assert_eq!(buffers.take(10).capacity(), 10, "nothing kept twice");
    }

    #[test]
    fn few_and_small_buffers_are_kept() {
        let buffers = Buffers::default();
        buffers.give(Vec::with_capacity(LARGEST_KEPT + 1));
        assert_eq!(buffers.spare.lock().unwrap().len(), 0);
        for _ in 0..KEPT + 2 {
            buffers.give(Vec::with_capacity(64));
        }
        assert_eq!(buffers.spare.lock().unwrap().len(), KEPT);
    }
}
