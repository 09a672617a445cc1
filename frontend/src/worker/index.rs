//! The search index in IndexedDB, written by the worker in the transaction that stores the
//! messages it indexes.
//!
//! Each indexed message gets a number ("doc"), the next of a counter kept in the settings
//! ([`STATE_KEY`]); [`DOCS`] maps numbers back to message ids, a record per batch (keyed by
//! its first number, the ids in order). Each term's postings ([`TERMS`]) list the numbers
//! of the messages it occurs in, delta-encoded (`model::postings`). Each committed batch
//! writes a record per bucket of its terms (terms that start alike: `postings::bucket_of`),
//! keyed `[bucket, the batch's first number]`, and reads nothing. (A read-modify-write of
//! each term's open segment, then a record per term, cost a sync 40 % of its speed; see
//! docs/benchmarks.md.) Numbers only grow, so a bucket's records are in order.
//!
//! A message stored again (a headers-only one whose body came) is indexed again under a
//! new number: its old number still points at it, and search counts a message once. A
//! message deleted for good leaves its numbers in the postings; search keeps only messages
//! the folder still holds.

use std::collections::{BTreeMap, BTreeSet};

use js_sys::{Array, Reflect, Uint8Array};
use rexie::{Store, Transaction};
use wasm_bindgen::{JsCast, JsValue};

use crate::model::postings;
use crate::store::db::{DOCS, SETTINGS, StoreError, TERMS};

/// The settings key of the index's state.
pub const STATE_KEY: &str = "search_index";

/// The index's state.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct IndexState {
    /// The number the next indexed message gets.
    pub next: u32,
    /// Every stored message is indexed (mail stored before the index existed included).
    pub ready: bool,
}

/// The index's state as stored (a store without one has indexed nothing).
pub async fn state(settings: &Store) -> Result<IndexState, StoreError> {
    let Some(record) = settings
        .get(JsValue::from_str(STATE_KEY))
        .await?
        .filter(|v| v.is_object())
    else {
        return Ok(IndexState::default());
    };
    let field = |name: &str| Reflect::get(&record, &name.into()).ok();
    Ok(IndexState {
        next: field("next").and_then(|v| v.as_f64()).unwrap_or(0.0) as u32,
        ready: field("ready").and_then(|v| v.as_bool()).unwrap_or(false),
    })
}

fn state_record(state: IndexState) -> Result<JsValue, StoreError> {
    let record = js_sys::Object::new();
    Reflect::set(&record, &"key".into(), &STATE_KEY.into())
        .and_then(|_| Reflect::set(&record, &"next".into(), &state.next.into()))
        .and_then(|_| Reflect::set(&record, &"ready".into(), &state.ready.into()))
        .map_err(|_| StoreError::Failed("cannot build a record".into()))?;
    Ok(record.into())
}

/// The key of `bucket`'s record written by the batch whose numbers start at `first`.
fn segment_key(bucket: &str, first: u32) -> JsValue {
    Array::of2(&bucket.into(), &first.into()).into()
}

/// The bytes of a stored record of postings (`None` for anything else).
pub fn segment_bytes(value: JsValue) -> Option<Vec<u8>> {
    value.dyn_into::<Uint8Array>().ok().map(|a| a.to_vec())
}

/// A term and its numbers in a batch.
type TermDocs<'a> = (&'a str, Vec<u32>);

/// Messages to index in one transaction, waiting for their numbers.
#[derive(Debug, Default)]
pub struct Batch {
    /// Message ids, in the order they get numbers.
    ids: Vec<String>,
    /// Each term's messages (places in `ids`, ascending).
    terms: BTreeMap<String, Vec<usize>>,
}

/// What [`Batch::write`] needs read first, in the same transaction.
pub struct Read {
    state: IndexState,
}

impl Read {
    /// The number the batch's first message gets.
    pub fn first(&self) -> u32 {
        self.state.next
    }
}

impl Batch {
    /// Adds message `id` with its `terms`; it gets the batch's next number.
    pub fn add(&mut self, id: String, terms: BTreeSet<String>) {
        let place = self.ids.len();
        self.ids.push(id);
        for term in terms {
            self.terms.entry(term).or_default().push(place);
        }
    }

    /// How many messages the batch holds.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Reads the index's state (poll it together with the transaction's other reads).
    pub async fn read(&self, tx: &Transaction) -> Result<Read, StoreError> {
        Ok(Read {
            state: state(&tx.store(SETTINGS)?).await?,
        })
    }

    /// Writes the batch: its messages get the numbers from `read`'s next on, in order (the
    /// first is answered). `ready` marks the index whole (else it stays as it was).
    pub async fn write(self, tx: &Transaction, read: Read, ready: bool) -> Result<u32, StoreError> {
        let first = read.state.next;
        // The batch's terms by bucket (terms are in order, so a bucket's are together),
        // each bucket a record of its own: nothing is read.
        let mut buckets: Vec<(&str, Vec<TermDocs>)> = Vec::new();
        for (term, places) in &self.terms {
            let docs = places.iter().map(|&p| first + p as u32).collect();
            let bucket = postings::bucket_of(term);
            match buckets.last_mut() {
                Some((last, terms)) if *last == bucket => terms.push((term, docs)),
                _ => buckets.push((bucket, vec![(term, docs)])),
            }
        }
        let records = buckets.into_iter().map(|(bucket, terms)| {
            let bytes = postings::encode_bucket(terms.iter().map(|(t, d)| (*t, d.as_slice())));
            let bytes: JsValue = Uint8Array::from(bytes.as_slice()).into();
            (bytes, Some(segment_key(bucket, first)))
        });
        tx.store(TERMS)?.put_all(records).await?;
        // One record for the batch's numbers: a put per message cost a fifth of a sync.
        let ids: Array = self.ids.iter().map(|id| JsValue::from_str(id)).collect();
        tx.store(DOCS)?
            .put(&ids.into(), Some(&JsValue::from(first)))
            .await?;
        let state = IndexState {
            next: first + self.ids.len() as u32,
            ready: read.state.ready || ready,
        };
        tx.store(SETTINGS)?.put(&state_record(state)?, None).await?;
        Ok(first)
    }
}
