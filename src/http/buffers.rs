//! Body buffers handed back once a page is done with, so that the next
//! body is read into memory already allocated: a fresh buffer of a page's
//! size costs an allocation (and the allocator's tidying) a page. A body is
//! read over the old bytes of its buffer, and only room beyond them is
//! zeroed, as the body needs it: std's `read_to_end` zeroes all the spare
//! capacity again on every call.

use std::io::{self, Read};
use std::sync::{Mutex, PoisonError};

/// How many buffers wait for a body at most: one per page in flight under
/// the usual prefetch and concurrency.
const KEPT: usize = 4;

/// The largest buffer kept: a walk that met one huge page does not hold on
/// to its memory.
const LARGEST_KEPT: usize = 4 * 1024 * 1024;

/// How much reserved room is zeroed at a time, ahead of the bytes read
/// into it: a `Content-Length` is a server's word, not yet bytes.
const ZEROED_STEP: usize = 256 * 1024;

/// Buffers waiting for a body; shared by the threads of a walk.
#[derive(Debug, Default)]
pub(crate) struct Buffers {
    spare: Mutex<Vec<Vec<u8>>>,
}

impl Buffers {
    /// The whole of `reader`, read into a buffer of an earlier body, with
    /// room for `room` bytes reserved to start with.
    pub(crate) fn read(&self, reader: &mut impl Read, room: usize) -> io::Result<Vec<u8>> {
        let spare = self
            .spare
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut buffer = spare.unwrap_or_default();
        buffer.reserve(room.saturating_sub(buffer.len()));
        let mut filled = 0;
        loop {
            if filled == buffer.len() {
                if buffer.len() == buffer.capacity() {
                    // Full: a small read first, so that a body that fits
                    // exactly does not grow its buffer (std does the same).
                    let mut probe = [0; 32];
                    let read = read_some(reader, &mut probe)?;
                    if read == 0 {
                        break;
                    }
                    buffer.extend_from_slice(&probe[..read]);
                    filled += read;
                }
                // The old body's bytes are room already written; only room
                // beyond them is zeroed, a step at a time.
                let next = buffer.capacity().min(buffer.len() + ZEROED_STEP);
                buffer.resize(next, 0);
                if filled == buffer.len() {
                    continue;
                }
            }
            match read_some(reader, &mut buffer[filled..])? {
                0 => break,
                read => filled += read,
            }
        }
        buffer.truncate(filled);
        Ok(buffer)
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

/// One read, again when interrupted.
fn read_some(reader: &mut impl Read, into: &mut [u8]) -> io::Result<usize> {
    loop {
        match reader.read(into) {
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            done => return done,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_read_into_a_buffer_given_back_over_its_old_bytes() {
        let buffers = Buffers::default();
        let mut used = Vec::with_capacity(1000);
        used.extend_from_slice(b"an old body, longer than the new one");
        let address = used.as_ptr();
        buffers.give(used);
        let body = buffers.read(&mut &b"new"[..], 10).unwrap();
        assert_eq!(body, b"new");
        assert_eq!(body.as_ptr(), address);
        assert!(body.capacity() >= 1000);
        let fresh = buffers.read(&mut &b"fresh"[..], 10).unwrap();
        assert_eq!(fresh, b"fresh");
        assert_ne!(fresh.as_ptr(), address, "nothing kept twice");
    }

    #[test]
    fn a_body_longer_than_its_room_is_read_whole() {
        let buffers = Buffers::default();
        buffers.give(b"old".to_vec());
        let long: Vec<u8> = (0..50_000u32).map(|n| (n % 251) as u8).collect();
        // A reader that hands out a few bytes at a time, and is interrupted once.
        let mut reader = Trickle {
            data: &long,
            interrupted: false,
        };
        assert_eq!(buffers.read(&mut reader, 100).unwrap(), long);
        assert_eq!(buffers.read(&mut &b""[..], 0).unwrap(), b"");
    }

    struct Trickle<'a> {
        data: &'a [u8],
        interrupted: bool,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if !self.interrupted {
                self.interrupted = true;
                return Err(io::ErrorKind::Interrupted.into());
            }
            let n = out.len().min(self.data.len()).min(777);
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_body_that_fills_its_room_exactly_keeps_its_buffer() {
        let buffers = Buffers::default();
        let body = vec![7; 40_000];
        let read = buffers.read(&mut &body[..], body.len()).unwrap();
        assert_eq!(read, body);
        assert!(read.capacity() < 2 * body.len(), "no growth past the room");
        let address = read.as_ptr();
        buffers.give(read);
        // The same size again, into the same buffer, without growing it.
        let again = buffers.read(&mut &body[..], body.len()).unwrap();
        assert_eq!(again.as_ptr(), address);
        assert!(again.capacity() < 2 * body.len());
    }

    #[test]
    fn a_read_error_is_returned() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::ErrorKind::ConnectionReset.into())
            }
        }
        let error = Buffers::default().read(&mut Broken, 10).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::ConnectionReset);
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
