//! The part of the message list that is loaded: chunks of rows around what is on screen.
//! The list shows a view of any size; only these rows are in memory and in the DOM.

use std::ops::Range;

use crate::model::MessageMeta;
use crate::model::protocol::RowAnchor;

/// Rows read from the store at a time.
pub const CHUNK: usize = 50;
/// Chunks asked for and not answered yet, at most. Scrolling fast through a big folder
/// asked for every chunk it passed, and the worker answered thousands of them, in order,
/// long after the list had moved on; now the list asks again for where it is when an
/// answer comes.
pub const IN_FLIGHT: usize = 2;

/// The loaded rows of the list's view.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Window {
    /// Bumped whenever the view or the stored messages change: an answer asked for before
    /// is dropped.
    epoch: u64,
    /// Rows by chunk (chunk `c` holds rows `c * CHUNK ..`). A handful at a time: plain
    /// vectors (a B-tree cost the page's bundle 4 KB).
    chunks: Vec<(usize, Vec<MessageMeta>)>,
    /// Chunks loaded before the stored messages last changed: shown until their new
    /// answer comes.
    stale: Vec<usize>,
    /// Chunks asked for in this epoch.
    loading: Vec<usize>,
}

/// Scrolling faster than this (rows per millisecond: 17 a frame at 60 Hz, past the list's
/// margin every frame) reads nothing: the rows passed would be drawn and dropped at once,
/// and the list would miss frames for them. The rows where it slows down are read then.
pub const TOO_FAST_ROWS_PER_MS: f64 = 1.0;
/// Two moves further apart than this are not one fast scroll.
const SCROLL_GAP_MS: f64 = 100.0;

/// How fast the list is being scrolled, from where its rows start each time it moves.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Pace {
    /// The last move: when (ms) and the first row then.
    last: Option<(f64, usize)>,
}

impl Pace {
    /// The list's rows start at `first` at time `now` (ms): whether it moved there too fast
    /// to read rows for.
    pub fn too_fast(&mut self, now: f64, first: usize) -> bool {
        let last = self.last.replace((now, first));
        let Some((then, from)) = last else {
            return false;
        };
        let elapsed = now - then;
        let rows = first.abs_diff(from) as f64;
        elapsed < SCROLL_GAP_MS && rows > TOO_FAST_ROWS_PER_MS * elapsed.max(1.0)
    }
}

/// The chunks that hold rows `rows`.
pub fn chunks_of(rows: Range<usize>) -> Range<usize> {
    if rows.is_empty() {
        return 0..0;
    }
    rows.start / CHUNK..rows.end.div_ceil(CHUNK)
}

impl Window {
    /// The current epoch (to hand back with an answer).
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Another view is shown: nothing loaded counts any more.
    pub fn reset(&mut self) {
        *self = Window {
            epoch: self.epoch + 1,
            ..Window::default()
        };
    }

    /// The stored messages changed: what is loaded shows until it is loaded again.
    pub fn refresh(&mut self) {
        self.epoch += 1;
        self.stale = self.chunks.iter().map(|(c, _)| *c).collect();
        self.loading.clear();
    }

    fn chunk(&self, chunk: usize) -> Option<&Vec<MessageMeta>> {
        self.chunks
            .iter()
            .find(|(c, _)| *c == chunk)
            .map(|(_, rows)| rows)
    }

    /// Chunk `chunk` could not be read: it may be asked for again.
    pub fn give_up(&mut self, chunk: usize) {
        self.loading.retain(|c| *c != chunk);
    }

    /// Of chunks `wanted`, those to ask for now (missing or stale, and not asked for yet),
    /// the middle ones first, no more than [`IN_FLIGHT`] waiting in all; they count as
    /// asked for.
    pub fn to_load(&mut self, wanted: Range<usize>) -> Vec<usize> {
        let middle = (wanted.start + wanted.end) / 2;
        let mut ask: Vec<usize> = wanted
            .filter(|c| !self.loading.contains(c))
            .filter(|c| self.chunk(*c).is_none() || self.stale.contains(c))
            .collect();
        ask.sort_by_key(|c| c.abs_diff(middle));
        ask.truncate(IN_FLIGHT.saturating_sub(self.loading.len()));
        self.loading.extend(&ask);
        ask
    }

    /// Chunk `chunk`'s rows, asked for in `epoch`. Chunks outside `keep` are let go.
    /// Returns whether the answer was taken (an older epoch's is not).
    pub fn loaded(
        &mut self,
        epoch: u64,
        chunk: usize,
        rows: Vec<MessageMeta>,
        keep: Range<usize>,
    ) -> bool {
        if epoch != self.epoch {
            return false;
        }
        self.loading.retain(|c| *c != chunk);
        self.chunks.retain(|(c, _)| *c != chunk && keep.contains(c));
        self.chunks.push((chunk, rows));
        self.stale.retain(|c| *c != chunk && keep.contains(c));
        true
    }

    /// A row loaded in this epoch right next to chunk `chunk`, from which the chunk can be
    /// read without stepping over every row before it: the last of the chunk before, else
    /// the first of the chunk after. None for a chunk loaded again after a change (rows
    /// may have moved: it is read by its place).
    pub fn anchor_for(&self, chunk: usize) -> Option<RowAnchor> {
        let fresh = |c: usize| self.chunk(c).filter(|_| !self.stale.contains(&c));
        if self.stale.contains(&chunk) {
            return None;
        }
        let before = chunk.checked_sub(1).and_then(fresh);
        if let Some(last) = before
            .filter(|rows| rows.len() == CHUNK)
            .and_then(|r| r.last())
        {
            return Some(RowAnchor {
                id: last.id.clone(),
                after: true,
            });
        }
        let first = fresh(chunk + 1)?.first()?;
        Some(RowAnchor {
            id: first.id.clone(),
            after: false,
        })
    }

    /// The loaded rows among `rows`, with their places.
    pub fn rows(&self, rows: Range<usize>) -> Vec<(usize, MessageMeta)> {
        let mut out = Vec::new();
        for chunk in chunks_of(rows.clone()) {
            let Some(list) = self.chunk(chunk) else {
                continue;
            };
            for (i, meta) in list.iter().enumerate() {
                let at = chunk * CHUNK + i;
                if rows.contains(&at) {
                    out.push((at, meta.clone()));
                }
            }
        }
        out
    }

    /// The row at place `at`, if loaded.
    pub fn at(&self, at: usize) -> Option<&MessageMeta> {
        self.chunk(at / CHUNK)?.get(at % CHUNK)
    }

    /// The place of message `id`, if loaded.
    pub fn position_of(&self, id: &str) -> Option<usize> {
        self.chunks.iter().find_map(|(chunk, list)| {
            let i = list.iter().position(|m| m.id == id)?;
            Some(chunk * CHUNK + i)
        })
    }

    /// Changes the loaded rows of messages `ids` (a mark shows before the store has it).
    pub fn patch(&mut self, ids: &[String], change: impl Fn(&mut MessageMeta)) {
        for meta in self.chunks.iter_mut().flat_map(|(_, rows)| rows) {
            if ids.contains(&meta.id) {
                change(meta);
            }
        }
    }

    /// How many rows are loaded.
    #[cfg(test)]
    fn loaded_rows(&self) -> usize {
        self.chunks.iter().map(|(_, rows)| rows.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(from: usize, n: usize) -> Vec<MessageMeta> {
        (from..from + n)
            .map(|i| MessageMeta {
                id: format!("a/{i}"),
                account: "a".into(),
                uidl: i.to_string(),
                from: String::new(),
                from_address: String::new(),
                subject: String::new(),
                date_ms: 0.0,
                size: 0,
                attachments: 0,
                partial: false,
                unread: true,
                folder: "inbox".into(),
                flagged: false,
                ..MessageMeta::default()
            })
            .collect()
    }

    #[test]
    fn chunks_cover_the_rows_asked_for() {
        assert_eq!(chunks_of(0..0), 0..0);
        assert_eq!(chunks_of(0..1), 0..1);
        assert_eq!(chunks_of(49..51), 0..2);
        assert_eq!(chunks_of(100..150), 2..3);
    }

    #[test]
    fn a_chunk_is_asked_for_once_and_an_old_answer_is_dropped() {
        let mut w = Window::default();
        assert_eq!(w.to_load(0..2), [1, 0]);
        assert!(w.to_load(0..2).is_empty(), "already asked for");
        let epoch = w.epoch();
        w.reset();
        assert!(
            !w.loaded(epoch, 0, rows(0, CHUNK), 0..10),
            "asked for another view"
        );
        assert_eq!(w.to_load(0..1), [0]);
        assert!(w.loaded(w.epoch(), 0, rows(0, CHUNK), 0..10));
        assert_eq!(w.at(3).map(|m| m.id.as_str()), Some("a/3"));
        assert_eq!(w.position_of("a/7"), Some(7));
        assert_eq!(w.rows(45..60).len(), 5, "chunk 1 is not loaded");
    }

    #[test]
    fn a_refresh_keeps_rows_shown_until_they_are_loaded_again() {
        let mut w = Window::default();
        w.to_load(0..1);
        w.loaded(w.epoch(), 0, rows(0, CHUNK), 0..10);
        w.refresh();
        assert_eq!(w.rows(0..5).len(), 5, "still shown");
        assert_eq!(w.to_load(0..1), [0], "loaded again");
        w.loaded(w.epoch(), 0, rows(100, CHUNK), 0..10);
        assert_eq!(w.at(0).map(|m| m.id.as_str()), Some("a/100"));
        assert!(w.to_load(0..1).is_empty());
    }

    #[test]
    fn a_fling_is_too_fast_to_read_and_a_slower_scroll_is_not() {
        let mut pace = Pace::default();
        assert!(!pace.too_fast(1000.0, 0), "the first move");
        assert!(!pace.too_fast(1016.7, 2), "two rows a frame");
        assert!(pace.too_fast(1033.4, 26), "24 rows a frame");
        assert!(pace.too_fast(1033.4, 60), "a jump in the same millisecond");
        assert!(
            !pace.too_fast(1200.0, 5000),
            "after a pause: a jump, not a fling"
        );
        assert!(!pace.too_fast(1216.7, 5016), "slowing down");
    }

    #[test]
    fn a_chunk_is_read_from_a_loaded_neighbour() {
        let mut w = Window::default();
        assert_eq!(w.anchor_for(5), None, "nothing loaded");
        w.to_load(5..6);
        w.loaded(w.epoch(), 5, rows(5 * CHUNK, CHUNK), 0..10);
        let after = w.anchor_for(6).expect("after chunk 5");
        assert_eq!((after.id.as_str(), after.after), ("a/299", true));
        let before = w.anchor_for(4).expect("before chunk 5");
        assert_eq!((before.id.as_str(), before.after), ("a/250", false));
        assert_eq!(w.anchor_for(7), None, "no neighbour");
        w.to_load(6..7);
        w.loaded(w.epoch(), 6, rows(6 * CHUNK, CHUNK), 0..10);
        w.refresh();
        assert_eq!(w.anchor_for(7), None, "chunk 6 may have moved");
        w.to_load(5..6);
        w.loaded(w.epoch(), 5, rows(5 * CHUNK, CHUNK), 0..10);
        assert_eq!(
            w.anchor_for(6),
            None,
            "a chunk loaded again is read by its place"
        );
        w.to_load(6..7);
        w.loaded(w.epoch(), 6, rows(6 * CHUNK, CHUNK), 0..10);
        assert!(w.anchor_for(7).is_some(), "loaded again since the change");
    }

    #[test]
    fn a_short_chunk_is_no_anchor_for_the_next() {
        let mut w = Window::default();
        w.to_load(0..1);
        w.loaded(w.epoch(), 0, rows(0, 10), 0..10);
        assert_eq!(w.anchor_for(1), None, "the view may end there");
    }

    #[test]
    fn chunks_far_from_the_screen_are_let_go() {
        let mut w = Window::default();
        assert_eq!(w.to_load(0..3), [1, 0], "the middle first, two at a time");
        assert!(w.to_load(0..3).is_empty(), "two are waiting");
        for c in [1, 0] {
            w.loaded(w.epoch(), c, rows(c * CHUNK, CHUNK), 0..3);
        }
        assert_eq!(w.to_load(0..3), [2], "asked once an answer came");
        w.loaded(w.epoch(), 2, rows(2 * CHUNK, CHUNK), 0..3);
        assert_eq!(w.loaded_rows(), 3 * CHUNK);
        w.to_load(40..41);
        w.loaded(w.epoch(), 40, rows(2000, CHUNK), 39..42);
        assert_eq!(w.loaded_rows(), CHUNK, "only what is near the screen stays");
        w.patch(&["a/2001".into()], |m| m.unread = false);
        assert_eq!(w.at(2001).map(|m| m.unread), Some(false));
    }
}
