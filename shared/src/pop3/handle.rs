//! Opaque request handles.

/// Names one enqueued command; the events about that command carry it.
///
/// Callers match replies by handle, not by order, so pipelined and one-at-a-time
/// sessions look the same to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Handle(u64);

/// Hands out handles in increasing order.
#[derive(Debug, Default)]
pub(crate) struct HandleGenerator {
    next: u64,
}

impl HandleGenerator {
    pub(crate) fn next(&mut self) -> Handle {
        self.next += 1;
        Handle(self.next)
    }
}
