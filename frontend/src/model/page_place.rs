//! Where a page of a listing is read from. A cursor reaches place `offset` by stepping
//! over every index entry before it, so a page near the end of a long folder is read
//! from the end instead: the same rows, in the other direction, after fewer steps.

/// How to read a page: skip `skip` entries, take `take`, walking the index the other way
/// when `backwards` (the rows then come last first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PagePlace {
    /// Entries stepped over first.
    pub skip: u32,
    /// Entries read.
    pub take: u32,
    /// Walk the index against the listing's order.
    pub backwards: bool,
}

/// Pages that start before this place are always read forwards: the total is not worth
/// reading for them.
pub const READ_FROM_END_AFTER: u32 = 1_000;

/// The place of `limit` rows from `offset` on, in a listing of `total` rows: from the
/// nearer end.
pub fn page_place(offset: u32, limit: u32, total: u32) -> PagePlace {
    let take = limit.min(total.saturating_sub(offset));
    let after = total.saturating_sub(offset.saturating_add(take));
    match after < offset && take > 0 {
        true => PagePlace {
            skip: after,
            take,
            backwards: true,
        },
        false => PagePlace {
            skip: offset,
            take: limit,
            backwards: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_half_reads_forwards() {
        let place = page_place(100, 50, 50_000);
        assert_eq!((place.skip, place.take, place.backwards), (100, 50, false));
    }

    #[test]
    fn the_last_page_steps_over_nothing() {
        // 49,950..50,000: the 50 newest from the other end.
        let place = page_place(49_950, 50, 50_000);
        assert_eq!((place.skip, place.take, place.backwards), (0, 50, true));
    }

    #[test]
    fn a_short_last_page_takes_what_is_left() {
        let place = page_place(49_980, 50, 50_000);
        assert_eq!((place.skip, place.take, place.backwards), (0, 20, true));
    }

    #[test]
    fn a_page_past_the_end_reads_forwards_and_finds_nothing_to_misplace() {
        // The total is older than the index: forwards, the cursor finds what is there.
        let place = page_place(50_100, 50, 50_000);
        assert!(!place.backwards);
        assert_eq!(place.skip, 50_100);
    }

    #[test]
    fn past_the_middle_the_rows_are_the_same_ones() {
        let (offset, limit, total) = (30_000, 50, 50_000);
        let place = page_place(offset, limit, total);
        assert!(place.backwards);
        // Backwards entry i (0-based from the end) is forwards entry total - 1 - i.
        let first = total - 1 - (place.skip + place.take - 1);
        let last = total - 1 - place.skip;
        assert_eq!((first, last), (offset, offset + limit - 1));
    }
}
