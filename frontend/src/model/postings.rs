//! A term's postings: the numbers of the messages ("docs") it occurs in, ascending, stored
//! delta-encoded as LEB128 varints (the first number whole, then each one's distance from
//! the one before). A message numbered every minute costs one byte per term.
//!
//! A term's postings are kept in segments, each encoded on its own (`worker::index`
//! writes one per term per committed batch); a search decodes them all.

/// `docs` (ascending, no repeats) encoded.
pub fn encode(docs: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(docs.len() + 4);
    append(&mut out, None, docs);
    out
}

/// Appends `docs` (ascending, all above `last`, the segment's last doc) to segment `out`.
pub fn append(out: &mut Vec<u8>, last: Option<u32>, docs: &[u32]) {
    let mut previous = last;
    for &doc in docs {
        let mut gap = match previous {
            Some(p) => doc - p,
            None => doc,
        };
        loop {
            let byte = (gap & 0x7f) as u8;
            gap >>= 7;
            if gap == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
        previous = Some(doc);
    }
}

/// The docs of a segment; a truncated number at the end is left out.
pub fn decode(bytes: &[u8]) -> Vec<u32> {
    let mut docs = Vec::with_capacity(bytes.len());
    let (mut value, mut shift, mut previous) = (0u32, 0u32, None::<u32>);
    for &byte in bytes {
        value |= u32::from(byte & 0x7f).checked_shl(shift).unwrap_or(0);
        if byte & 0x80 != 0 {
            shift += 7;
            continue;
        }
        let doc = match previous {
            Some(p) => p.saturating_add(value),
            None => value,
        };
        docs.push(doc);
        previous = Some(doc);
        value = 0;
        shift = 0;
    }
    docs
}

/// The docs in both `a` and `b` (each ascending, no repeats).
pub fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// The docs of several segments (of one term or of several), ascending, without repeats.
pub fn union<'a>(segments: impl IntoIterator<Item = &'a [u8]>) -> Vec<u32> {
    let mut docs: Vec<u32> = segments.into_iter().flat_map(decode).collect();
    docs.sort_unstable();
    docs.dedup();
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_sizes() {
        let docs = [0, 1, 2, 127, 128, 300, 16_384, 2_000_000, u32::MAX];
        assert_eq!(decode(&encode(&docs)), docs);
        // A doc a step apart costs a byte.
        assert_eq!(encode(&(1000..2000).collect::<Vec<_>>()).len(), 2 + 999);
    }

    #[test]
    fn appending_continues_the_deltas() {
        let mut segment = encode(&[5, 9]);
        append(&mut segment, Some(9), &[10, 400]);
        assert_eq!(decode(&segment), [5, 9, 10, 400]);
    }

    #[test]
    fn a_cut_segment_keeps_its_whole_numbers() {
        let mut segment = encode(&[3, 1000]);
        segment.pop();
        assert_eq!(decode(&segment), [3]);
    }

    #[test]
    fn intersect_and_union() {
        assert_eq!(intersect(&[1, 3, 5, 7], &[2, 3, 7, 8]), [3, 7]);
        assert!(intersect(&[1], &[]).is_empty());
        let (a, b) = (encode(&[1, 4, 9]), encode(&[2, 4]));
        assert_eq!(union([a.as_slice(), b.as_slice()]), [1, 2, 4, 9]);
    }
}
