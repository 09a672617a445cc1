//! A term's postings: the numbers of the messages ("docs") it occurs in, ascending, stored
//! delta-encoded as LEB128 varints (the first number whole, then each one's distance from
//! the one before). A message numbered every minute costs one byte per term.
//!
//! Postings are stored in buckets: the terms that start alike (see [`bucket_of`]) and were
//! written by one batch share a record (`worker::index`), so a batch writes a record per
//! bucket and not per term; a search reads the records of one bucket.

/// The bucket of `term`: its field prefix (`from:`, `subject:`…) and the first two chars of
/// its word. Words have two chars at least (`model::words`), so a prefix being typed
/// has one bucket, and every term starting so is in it.
pub fn bucket_of(term: &str) -> &str {
    let word = term.find(':').map_or(0, |colon| colon + 1);
    let end = term[word..]
        .char_indices()
        .nth(2)
        .map_or(term.len(), |(at, _)| word + at);
    &term[..end]
}

/// A bucket's record: each term (ascending) with its postings.
pub fn encode_bucket<'a>(terms: impl IntoIterator<Item = (&'a str, &'a [u32])>) -> Vec<u8> {
    let mut out = Vec::new();
    for (term, docs) in terms {
        let postings = encode(docs);
        varint(&mut out, term.len() as u32);
        out.extend_from_slice(term.as_bytes());
        varint(&mut out, postings.len() as u32);
        out.extend_from_slice(&postings);
    }
    out
}

/// The docs of the terms in a bucket's record that `wanted` accepts, in the record's
/// order (unsorted across terms; see [`union`]). A cut record yields what is whole.
pub fn decode_bucket(bytes: &[u8], wanted: impl Fn(&str) -> bool) -> Vec<u32> {
    let mut docs = Vec::new();
    let mut at = 0;
    while let Some((term_len, after)) = read_varint(bytes, at) {
        let Some(term) = bytes.get(after..after + term_len as usize) else {
            break;
        };
        let Some((postings_len, after)) = read_varint(bytes, after + term_len as usize) else {
            break;
        };
        let Some(postings) = bytes.get(after..after + postings_len as usize) else {
            break;
        };
        if std::str::from_utf8(term).is_ok_and(&wanted) {
            docs.extend(decode(postings));
        }
        at = after + postings_len as usize;
    }
    docs
}

fn varint(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// The varint at `at`, and where the next thing starts.
fn read_varint(bytes: &[u8], mut at: usize) -> Option<(u32, usize)> {
    let (mut value, mut shift) = (0u32, 0u32);
    loop {
        let byte = *bytes.get(at)?;
        at += 1;
        value |= u32::from(byte & 0x7f).checked_shl(shift).unwrap_or(0);
        if byte & 0x80 == 0 {
            return Some((value, at));
        }
        shift += 7;
    }
}

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
        let gap = match previous {
            Some(p) => doc - p,
            None => doc,
        };
        varint(out, gap);
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

/// `docs` ascending, without repeats.
pub fn union(mut docs: Vec<u32>) -> Vec<u32> {
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
        assert_eq!(union(vec![4, 1, 9, 2, 4]), [1, 2, 4, 9]);
    }

    #[test]
    fn buckets_group_terms_that_start_alike() {
        assert_eq!(bucket_of("camion"), "ca");
        assert_eq!(bucket_of("from:lucia"), "from:lu");
        assert_eq!(bucket_of("subject:ñu"), "subject:ñu");
        assert_eq!(bucket_of("niño"), "ni");
        assert_eq!(bucket_of("has:attachment"), "has:at");
    }

    #[test]
    fn a_bucket_gives_the_terms_asked_for() {
        let (camion, cama, carta) = ([1u32, 5, 9], [5u32, 7], [2u32]);
        let record = encode_bucket([
            ("cama", &cama[..]),
            ("camion", &camion[..]),
            ("carta", &carta[..]),
        ]);
        assert_eq!(decode_bucket(&record, |t| t == "camion"), [1, 5, 9]);
        assert_eq!(
            union(decode_bucket(&record, |t| t.starts_with("cam"))),
            [1, 5, 7, 9]
        );
        assert!(decode_bucket(&record, |t| t == "cab").is_empty());
        // Cut short: the whole terms before the cut still read.
        assert_eq!(
            decode_bucket(&record[..record.len() - 2], |_| true),
            [5, 7, 1, 5, 9]
        );
    }
}
