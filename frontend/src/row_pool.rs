//! The list's pool of row elements. A row element (a slot) keeps its message while that
//! message stays drawn; when a scroll moves the drawn rows, the slots of the messages that
//! left are given to the messages that came, so a scroll sets a few texts and attributes
//! instead of building rows. Pure bookkeeping: `components::message_list` draws the slots.

use std::collections::HashMap;

use crate::model::MessageMeta;

/// The drawn rows, each with its slot of the pool.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Placed {
    /// The slots of the drawn rows, in list order.
    pub order: Vec<usize>,
    /// What each slot shows (its place and message), or nothing (a spare).
    pub by_slot: Vec<Option<(usize, MessageMeta)>>,
}

impl Placed {
    /// What `slot` shows.
    pub fn row(&self, slot: usize) -> Option<&(usize, MessageMeta)> {
        self.by_slot.get(slot)?.as_ref()
    }
}

/// Which slot shows which message.
#[derive(Debug, Default)]
pub struct RowPool {
    /// The slot of each drawn message, by id.
    held: HashMap<String, usize>,
    /// How many slots there are (they are numbered from 0, and never let go).
    slots: usize,
}

impl RowPool {
    /// Gives each of the messages `ids` (the drawn rows, in list order) a slot: the one it
    /// had, else one a message that left had, else a new one. Returns the slot of each, in
    /// the same order. An id given twice gets two slots.
    pub fn assign<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>) -> Vec<usize> {
        let ids: Vec<&str> = ids.into_iter().collect();
        let mut taken = vec![false; self.slots];
        let mut slots: Vec<Option<usize>> = ids
            .iter()
            .map(|id| {
                let slot = *self.held.get(*id)?;
                (!std::mem::replace(&mut taken[slot], true)).then_some(slot)
            })
            .collect();
        let mut free = (0..self.slots)
            .filter(|&s| !taken[s])
            .collect::<Vec<_>>()
            .into_iter();
        for slot in slots.iter_mut().filter(|s| s.is_none()) {
            *slot = Some(free.next().unwrap_or_else(|| {
                self.slots += 1;
                self.slots - 1
            }));
        }
        let slots: Vec<usize> = slots.into_iter().flatten().collect();
        self.held = ids
            .iter()
            .zip(&slots)
            .map(|(id, slot)| ((*id).to_owned(), *slot))
            .collect();
        slots
    }

    /// Gives the drawn rows `rows` (place and message, in list order) their slots.
    pub fn place(&mut self, rows: &[(usize, MessageMeta)]) -> Placed {
        let order = self.assign(rows.iter().map(|(_, m)| m.id.as_str()));
        let mut by_slot = vec![None; self.slots];
        for (slot, row) in order.iter().zip(rows) {
            by_slot[*slot] = Some(row.clone());
        }
        Placed { order, by_slot }
    }

    /// How many slots there are: the most messages drawn at once so far.
    pub fn len(&self) -> usize {
        self.slots
    }

    /// Whether no slot was made yet.
    pub fn is_empty(&self) -> bool {
        self.slots == 0
    }
}

/// Which of the slots `wanted` (in the order the list wants them) must move so that the
/// page's elements, now in the order `now`, are in that order: all but a longest run of
/// them that is in order already. One per slot of `wanted`, true where it moves. A slot of
/// `wanted` missing from `now` moves; slots of `now` not wanted (empty, hidden) are left
/// where they are.
pub fn to_move(now: &[usize], wanted: &[usize]) -> Vec<bool> {
    let place: HashMap<usize, usize> = now.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    let places: Vec<Option<usize>> = wanted.iter().map(|s| place.get(s).copied()).collect();
    // A longest increasing run of places (patience sorting): `ends[k]` is the index in
    // `wanted` of the smallest last place of a run of k + 1, `before` links a run back.
    let mut ends: Vec<usize> = Vec::new();
    let mut before: Vec<Option<usize>> = vec![None; wanted.len()];
    for (i, place) in places.iter().enumerate() {
        let Some(place) = *place else { continue };
        let k = ends.partition_point(|&e| places[e].is_some_and(|p| p < place));
        before[i] = k.checked_sub(1).map(|k| ends[k]);
        match ends.get_mut(k) {
            Some(end) => *end = i,
            None => ends.push(i),
        }
    }
    let mut moves = vec![true; wanted.len()];
    let mut at = ends.last().copied();
    while let Some(i) = at {
        moves[i] = false;
        at = before[i];
    }
    moves
}

#[cfg(test)]
mod tests {
    use super::{RowPool, to_move};

    fn ids(range: std::ops::Range<usize>) -> Vec<String> {
        range.map(|i| format!("m{i}")).collect()
    }

    fn assign(pool: &mut RowPool, ids: &[String]) -> Vec<usize> {
        pool.assign(ids.iter().map(String::as_str))
    }

    /// The order `now` after moving the slots `to_move` picks, each before the next wanted
    /// slot (as the list does, from the last).
    fn apply(now: &[usize], wanted: &[usize]) -> Vec<usize> {
        let moves = to_move(now, wanted);
        let mut order: Vec<usize> = now.to_vec();
        let mut next: Option<usize> = None;
        for (slot, moves) in wanted.iter().zip(moves).rev() {
            if moves {
                order.retain(|s| s != slot);
                let at = next.map_or(order.len(), |n| order.iter().position(|s| *s == n).unwrap());
                order.insert(at, *slot);
            }
            next = Some(*slot);
        }
        order
    }

    #[test]
    fn a_message_keeps_its_slot_while_it_stays_drawn() {
        let mut pool = RowPool::default();
        let first = assign(&mut pool, &ids(0..60));
        assert_eq!(first, (0..60).collect::<Vec<_>>());
        // Ten rows down: the ten that left give their slots to the ten that came.
        let next = assign(&mut pool, &ids(10..70));
        assert_eq!(next[..50], first[10..]);
        assert_eq!(next[50..], first[..10]);
        assert_eq!(pool.len(), 60, "no new slot");
    }

    #[test]
    fn more_rows_make_new_slots_and_fewer_leave_them_free() {
        let mut pool = RowPool::default();
        assign(&mut pool, &ids(0..40));
        assert_eq!(
            assign(&mut pool, &ids(0..50))[40..],
            (40..50).collect::<Vec<_>>()
        );
        assert_eq!(
            assign(&mut pool, &ids(100..110)),
            (0..10).collect::<Vec<_>>()
        );
        assert_eq!(pool.len(), 50);
    }

    #[test]
    fn each_slot_shows_its_row_and_spares_nothing() {
        let mut pool = RowPool::default();
        let row = |at: usize| {
            let id = format!("m{at}");
            (
                at,
                crate::model::MessageMeta {
                    id,
                    ..Default::default()
                },
            )
        };
        pool.place(&[row(0), row(1), row(2)]);
        let placed = pool.place(&[row(1), row(2), row(3)]);
        assert_eq!(placed.order, [1, 2, 0]);
        assert_eq!(
            placed.row(0).map(|(at, m)| (*at, m.id.as_str())),
            Some((3, "m3"))
        );
        let fewer = pool.place(&[row(2)]);
        assert_eq!(fewer.row(2).map(|(at, _)| *at), Some(2));
        assert!(fewer.row(0).is_none() && fewer.row(1).is_none() && fewer.row(9).is_none());
    }

    #[test]
    fn an_id_given_twice_gets_two_slots() {
        let mut pool = RowPool::default();
        assign(&mut pool, &ids(0..3));
        let twice = ["m1".to_owned(), "m1".to_owned()];
        let slots = assign(&mut pool, &twice);
        assert_ne!(slots[0], slots[1]);
    }

    #[test]
    fn a_scroll_moves_only_the_recycled_rows() {
        let now: Vec<usize> = (0..60).collect();
        let wanted: Vec<usize> = (10..60).chain(0..10).collect();
        let moves = to_move(&now, &wanted);
        assert_eq!(moves.iter().filter(|m| **m).count(), 10);
        assert_eq!(apply(&now, &wanted), wanted);
    }

    #[test]
    fn new_mail_at_the_top_moves_one_row() {
        // Its slot was the last row's, which fell off the bottom.
        let now: Vec<usize> = (0..60).collect();
        let wanted: Vec<usize> = std::iter::once(59).chain(0..59).collect();
        assert_eq!(to_move(&now, &wanted).iter().filter(|m| **m).count(), 1);
        assert_eq!(apply(&now, &wanted), wanted);
    }

    #[test]
    fn any_order_is_reached_with_empty_and_new_slots_left_aside() {
        // Slots 7 and 8 are empty (not wanted); 9 is new, not on the page yet.
        let now = [3, 7, 0, 5, 1, 8, 4, 2, 6];
        let wanted = [9, 6, 5, 4, 3, 2, 1, 0];
        let order = apply(&now, &wanted);
        let drawn: Vec<usize> = order.into_iter().filter(|s| *s != 7 && *s != 8).collect();
        assert_eq!(drawn, wanted);
        assert_eq!(to_move(&[0, 1, 2], &[0, 1, 2]), [false; 3]);
    }
}
