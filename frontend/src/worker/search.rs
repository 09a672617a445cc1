//! Search, run by the worker for its page (off the page's thread), through the search
//! index (`worker::index`): the postings of every word give the matching message numbers,
//! the folder's own index gives the order (newest first) and keeps only what the folder
//! holds now. While the index is not whole, it falls back to reading the messages
//! (`worker::scan`).
//!
//! A newer search stops an older one between its steps.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use futures_util::future::try_join_all;
use js_sys::Array;
use rexie::{Direction, KeyRange, Transaction, TransactionMode};
use wasm_bindgen::JsValue;

use super::record::{flag_field, text_field};
use crate::model::MessageMeta;
use crate::model::folder::{FolderView, Version};
use crate::model::postings;
use crate::model::query::{Day, Query, parse};
use crate::store::counters::prefixed;
use crate::store::db::{
    self, BY_FOLDER_FLAGGED, BY_FOLDER_UNREAD, COUNTERS, DOCS, MESSAGES, SETTINGS, StoreError,
    TERMS,
};

thread_local! {
    /// The newest search's ticket: an older search that sees another stops.
    static NEWEST: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    /// Message ids by number, as far as this worker has read [`DOCS`] (numbers are never
    /// given twice, so what was read stays true).
    static NUMBERS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Answers search `ticket` with `[ticket, ids, whole]` (see [`find`]), or `[ticket, null]`
/// when a newer search took over or the store could not be read.
pub async fn answer(view: &FolderView, typed: &str, first: bool, ticket: u64) {
    NEWEST.with(|n| n.set(ticket));
    let current = move || NEWEST.with(|n| n.get()) == ticket;
    let answer = Array::of1(&JsValue::from_f64(ticket as f64));
    match find(view, typed, first, current).await {
        Ok(Some(Found { ids, whole })) => {
            answer.push(&ids.into_iter().map(JsValue::from).collect::<Array>());
            answer.push(&JsValue::from_bool(whole));
        }
        _ => {
            answer.push(&JsValue::NULL);
        }
    }
    super::reader::post(&answer);
}

/// Reads ahead, into the worker's memory, what a search of `view` reads through its
/// folder (`worker::folder_keys`): its messages by date, the ids of the message numbers,
/// and the folder's unread.
pub async fn read_ahead(view: &FolderView) -> Result<(), StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(
        &[SETTINGS, MESSAGES, COUNTERS, DOCS],
        TransactionMode::ReadOnly,
    )?;
    let version = super::folder_keys::version(&tx, &view.folder).await?;
    let (index, range) = super::rows::index_of(view)?;
    super::folder_keys::ids(&tx, index, view, range, &version).await?;
    learn_numbers(&tx).await?;
    if super::key_fields::done_in(&tx.store(SETTINGS)?).await? {
        let every_account = FolderView {
            folder: view.folder.clone(),
            account: None,
        };
        let (_, range) = super::rows::index_of(&every_account)?;
        super::folder_keys::ids(&tx, BY_FOLDER_UNREAD, &every_account, range, &version).await?;
    }
    tx.done().await?;
    Ok(())
}

/// At most this many hits are read one by one; more, and the folder's index is read
/// (its keys only).
const FEW: usize = 400;
/// A first answer has at least this many results (a screen of rows and its margin), or
/// it is the whole answer.
const SCREEN: usize = 60;
/// A first answer looks through this many of the newest entries of the folder's index
/// (unless the worker has them all in memory: `worker::folder_keys`). Reading all of a
/// 25,000-message Inbox's keys takes IndexedDB 140 to 250 ms; this many about a tenth of
/// that (docs/benchmarks.md).
const WINDOW: u32 = 2000;

/// What a search found.
struct Found {
    /// Ids, newest first.
    ids: Vec<String>,
    /// Whether they are all the results, or the newest of them.
    whole: bool,
}

/// The ids of `view`'s messages that match `typed`, newest first; `None` when a newer
/// search took over. With `first`, the newest results alone will do when the newest
/// [`WINDOW`] messages of the folder hold a [`SCREEN`] of them.
async fn find(
    view: &FolderView,
    typed: &str,
    first: bool,
    current: impl Fn() -> bool,
) -> Result<Option<Found>, StoreError> {
    let query = parse(typed);
    let db = db::open().await?;
    let tx = db.transaction(
        &[SETTINGS, TERMS, DOCS, MESSAGES, COUNTERS],
        TransactionMode::ReadOnly,
    )?;
    if !super::index::state(&tx.store(SETTINGS)?).await?.ready {
        tx.done().await?;
        let needle = crate::model::account::lower_case(typed.trim());
        let found = super::scan::matching(view, &needle, current).await?;
        return Ok(found.map(|ids| Found { ids, whole: true }));
    }
    let hits = match query.has_terms() {
        true => Some(hit_ids(&tx, &query).await?),
        false => None,
    };
    if !current() {
        return Ok(None);
    }
    // Old mail gets the keys of the unread and flagged indexes once, after an upgrade.
    let marks_indexed = super::key_fields::done_in(&tx.store(SETTINGS)?).await?;
    let whole = |ids| Found { ids, whole: true };
    let found = match &hits {
        Some(hits) if hits.is_empty() => whole(Vec::new()),
        Some(hits) if hits.len() <= FEW => whole(each_of(&tx, view, &query, hits).await?),
        _ => {
            let version = super::folder_keys::version(&tx, &view.folder).await?;
            let look = Look {
                tx: &tx,
                view,
                query: &query,
                hits: hits.as_ref(),
                marks_indexed,
                version: &version,
            };
            let (since, before) = bounds(&query);
            // With the folder's keys in memory, the whole answer is as quick as a first.
            let newest = match first && !look.kept(since, before)? {
                true => look.window_start(since, before).await?,
                false => None,
            };
            let early = match newest {
                Some(from) => {
                    let since = Some(since.map_or(from, |s| s.max(from)));
                    Some(look.through_folder(since, before).await?)
                }
                None => None,
            };
            match early {
                Some(ids) if ids.len() >= SCREEN => Found { ids, whole: false },
                _ => whole(look.through_folder(since, before).await?),
            }
        }
    };
    tx.done().await?;
    Ok(current().then_some(found))
}

/// The ids of the messages that have every term of `query` (and a term starting with
/// its prefix), each once.
async fn hit_ids(tx: &Transaction, query: &Query) -> Result<HashSet<String>, StoreError> {
    let terms = tx.store(TERMS)?;
    // Each term, and the prefix, with the bucket that holds it (see `postings::bucket_of`).
    let mut wanted: Vec<(&str, bool)> = query.terms.iter().map(|t| (t.as_str(), false)).collect();
    if let Some(prefix) = &query.prefix {
        wanted.push((prefix, true));
    }
    let ranges = wanted
        .iter()
        .map(|(term, _)| prefixed(&[postings::bucket_of(term)]))
        .collect::<Result<Vec<_>, _>>()?;
    let records = try_join_all(
        ranges
            .into_iter()
            .map(|range| terms.get_all(Some(range), None)),
    )
    .await?;
    let mut lists: Vec<Vec<u32>> = wanted
        .iter()
        .zip(records)
        .map(|(&(term, prefix), values)| {
            let mut docs = Vec::new();
            for bytes in values.into_iter().filter_map(super::index::segment_bytes) {
                docs.extend(postings::decode_bucket(&bytes, |t| match prefix {
                    true => t.starts_with(term),
                    false => t == term,
                }));
            }
            postings::union(docs)
        })
        .collect();
    // The rarest first: every step after it is at most as long.
    lists.sort_by_key(Vec::len);
    let mut lists = lists.into_iter();
    let mut docs = lists.next().unwrap_or_default();
    for list in lists {
        if docs.is_empty() {
            break;
        }
        docs = postings::intersect(&docs, &list);
    }
    ids_of(tx, &docs).await
}

/// Reads into [`NUMBERS`] the ids of the numbers this worker has not read yet, in the
/// caller's transaction (which holds [`DOCS`]).
async fn learn_numbers(tx: &Transaction) -> Result<(), StoreError> {
    let known = NUMBERS.with(|n| n.borrow().len());
    let range = KeyRange::lower_bound(&JsValue::from(known as u32), Some(false))
        .map_err(|e| StoreError::Failed(e.to_string()))?;
    let batches = tx.store(DOCS)?.scan(Some(range), None, None, None).await?;
    NUMBERS.with(|n| {
        let mut numbers = n.borrow_mut();
        for (first, ids) in batches {
            // Each batch where its numbers start (another search may have read it).
            numbers.resize(first.as_f64().unwrap_or(0.0) as usize, String::new());
            let ids = Array::from(&ids);
            numbers.extend(ids.iter().map(|v| v.as_string().unwrap_or_default()));
        }
    });
    Ok(())
}

/// The ids of message numbers `docs`, each once.
async fn ids_of(tx: &Transaction, docs: &[u32]) -> Result<HashSet<String>, StoreError> {
    let known = NUMBERS.with(|n| n.borrow().len());
    if docs.last().is_some_and(|&last| last as usize >= known) {
        learn_numbers(tx).await?;
    }
    Ok(NUMBERS.with(|n| {
        let numbers = n.borrow();
        docs.iter()
            .filter_map(|&doc| numbers.get(doc as usize).cloned())
            .collect()
    }))
}

/// The start of `day` in the reader's time zone, in milliseconds.
fn day_start((year, month, day): Day) -> f64 {
    js_sys::Date::new_with_year_month_day(year as u32, month as i32 - 1, day as i32).get_time()
}

/// The date bounds of `query`: from (included) and before (excluded), in milliseconds.
fn bounds(query: &Query) -> (Option<f64>, Option<f64>) {
    (query.since.map(day_start), query.before.map(day_start))
}

/// Whether a record's marks pass `query`'s filters.
fn marked(record: &JsValue, query: &Query) -> bool {
    (!query.unread || flag_field(record, "unread"))
        && (!query.flagged || flag_field(record, "flagged"))
}

/// A few hits, read one by one: those in `view` that pass the filters, newest first.
async fn each_of(
    tx: &Transaction,
    view: &FolderView,
    query: &Query,
    hits: &HashSet<String>,
) -> Result<Vec<String>, StoreError> {
    let messages = tx.store(MESSAGES)?;
    let records = try_join_all(hits.iter().map(|id| messages.get(JsValue::from_str(id)))).await?;
    let (since, before) = bounds(query);
    let mut found: Vec<(f64, String)> = records
        .into_iter()
        .flatten()
        .filter_map(|record| {
            let date = js_sys::Reflect::get(&record, &"date_ms".into())
                .ok()?
                .as_f64()?;
            let kept = text_field(&record, "folder").as_deref() == Some(view.folder.as_str())
                && view
                    .account
                    .as_ref()
                    .is_none_or(|a| text_field(&record, "account").as_ref() == Some(a))
                && since.is_none_or(|s| date >= s)
                && before.is_none_or(|b| date < b)
                && marked(&record, query);
            kept.then(|| Some((date, text_field(&record, "id")?)))
                .flatten()
        })
        .collect();
    // The order the folder's index gives: date, then id, both descending.
    found.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| b.1.cmp(&a.1)));
    Ok(found.into_iter().map(|(_, id)| id).collect())
}

/// A search that reads the folder's index rather than the hits one by one.
struct Look<'a> {
    tx: &'a Transaction,
    view: &'a FolderView,
    query: &'a Query,
    /// The messages with every word (all, for `None`).
    hits: Option<&'a HashSet<String>>,
    /// Whether old mail has the keys of the unread and flagged indexes (until then,
    /// marks are read from the records).
    marks_indexed: bool,
    /// The folder's version, read in `tx`.
    version: &'a Version,
}

impl Look<'_> {
    /// The sparse indexes of the marks the query asks for (once old mail is in them).
    fn marks(&self) -> Vec<&'static str> {
        [
            (self.query.unread, BY_FOLDER_UNREAD),
            (self.query.flagged, BY_FOLDER_FLAGGED),
        ]
        .into_iter()
        .filter_map(|(asked, index)| (asked && self.marks_indexed).then_some(index))
        .collect()
    }

    /// The view a sparse index of marks is read for: the folder, of every account.
    fn every_account(&self) -> FolderView {
        FolderView {
            folder: self.view.folder.clone(),
            account: None,
        }
    }

    /// The index the search reads first, and the view's range in it of the messages
    /// dated from `since` (included) to `before` (excluded): the folder's date index, or
    /// the first sparse index of the marks asked for, keyed [folder, date] for every
    /// account.
    fn first_index(
        &self,
        since: Option<f64>,
        before: Option<f64>,
    ) -> Result<(&'static str, KeyRange), StoreError> {
        match self.marks().first() {
            Some(&index) => {
                let (_, range) = super::rows::index_between(&self.every_account(), since, before)?;
                Ok((index, range))
            }
            None => super::rows::index_between(self.view, since, before),
        }
    }

    /// The view whose range of `index` the search reads.
    fn view_in(&self, index: &'static str) -> FolderView {
        match index {
            BY_FOLDER_UNREAD | BY_FOLDER_FLAGGED => self.every_account(),
            _ => self.view.clone(),
        }
    }

    /// Whether the worker has in memory the whole of what the search reads first.
    fn kept(&self, since: Option<f64>, before: Option<f64>) -> Result<bool, StoreError> {
        let (index, _) = self.first_index(since, before)?;
        let whole = since.is_none() && before.is_none();
        Ok(whole && super::folder_keys::holds(index, &self.view_in(index), self.version))
    }

    /// The ids of `range` in `index` (keys only), ascending: from memory when the range
    /// is the view's whole range (no dates asked) and this version of it is kept.
    async fn keys(
        &self,
        index: &'static str,
        range: KeyRange,
        whole: bool,
    ) -> Result<Rc<[String]>, StoreError> {
        if whole {
            let view = self.view_in(index);
            return super::folder_keys::ids(self.tx, index, &view, range, self.version).await;
        }
        let keys = self
            .tx
            .store(MESSAGES)?
            .index(index)?
            .get_all_keys(Some(range), None)
            .await?;
        Ok(keys.into_iter().filter_map(|key| key.as_string()).collect())
    }

    /// The date of the [`WINDOW`]th newest entry of the index the search reads first (one
    /// step of a cursor); `None` when it holds fewer.
    async fn window_start(
        &self,
        since: Option<f64>,
        before: Option<f64>,
    ) -> Result<Option<f64>, StoreError> {
        let (index, range) = self.first_index(since, before)?;
        let entry = self
            .tx
            .store(MESSAGES)?
            .index(index)?
            .scan(Some(range), Some(1), Some(WINDOW), Some(Direction::Prev))
            .await?;
        // The index's key ends with the date.
        Ok(entry
            .first()
            .and_then(|(key, _)| Array::from(key).pop().as_f64()))
    }

    /// The view's messages dated from `since` (included) to `before` (excluded), newest
    /// first, those among the hits that pass the filters: keys only, of the index the
    /// search reads first, kept where the second sparse index (both marks asked) has
    /// them too. Until the marks are indexed, they are read from the records.
    async fn through_folder(
        &self,
        since: Option<f64>,
        before: Option<f64>,
    ) -> Result<Vec<String>, StoreError> {
        let messages = self.tx.store(MESSAGES)?;
        let whole = since.is_none() && before.is_none();
        let hit = |id: &&String| self.hits.is_none_or(|hits| hits.contains(*id));
        let (first, range) = self.first_index(since, before)?;
        let marks = self.marks();
        let mut found: Vec<String> =
            if !self.marks_indexed && (self.query.unread || self.query.flagged) {
                messages
                    .index(first)?
                    .get_all(Some(range), None)
                    .await?
                    .into_iter()
                    .filter(|record| marked(record, self.query))
                    .filter_map(|record| text_field(&record, "id"))
                    .filter(|id| hit(&id))
                    .collect()
            } else if marks.is_empty() {
                let keys = self.keys(first, range, whole).await?;
                keys.iter().filter(hit).cloned().collect()
            } else {
                // The sparse indexes hold every account's mail.
                let prefix = self.view.account.as_deref().map(MessageMeta::key_prefix);
                let keys = self.keys(first, range, whole).await?;
                let mut found: Vec<String> = keys
                    .iter()
                    .filter(|id| prefix.as_ref().is_none_or(|p| id.starts_with(p.as_str())))
                    .filter(hit)
                    .cloned()
                    .collect();
                for &index in &marks[1..] {
                    let (_, range) = self.first_index(since, before)?;
                    let keys = self.keys(index, range, whole).await?;
                    let also: HashSet<&str> = keys.iter().map(String::as_str).collect();
                    found.retain(|id| also.contains(id.as_str()));
                }
                found
            };
        found.reverse();
        Ok(found)
    }
}
