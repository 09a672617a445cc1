//! The worker's memory of folders' keys: the ids a search reads through a whole folder's
//! index, kept while the folder's [`Version`] stays the same.
//!
//! Reading all of a 25,000-message Inbox's keys takes IndexedDB about 250 ms
//! (docs/benchmarks.md); a search of a common word, or of `is:unread`, waits on it. Every
//! write to a folder's messages or marks changes its counters, in the same transaction
//! (`store::counters`), whichever tab's worker makes it; a search reads the counters and
//! the index in one transaction, so what it keeps is what that version holds.

use std::cell::RefCell;
use std::rc::Rc;

use rexie::{KeyRange, Transaction};

use crate::model::folder::{FolderView, Version};
use crate::store::counters;
use crate::store::db::{COUNTERS, MESSAGES, StoreError};

/// How many lists are kept (the newest used): a few folders, each by date and unread.
const KEPT: usize = 4;

/// One index's keys in a view's range.
struct Kept {
    /// The index read.
    index: &'static str,
    /// The view whose range was read.
    view: FolderView,
    /// The folder's version when they were read.
    version: Version,
    /// The ids, in the index's order (ascending).
    ids: Rc<[String]>,
}

thread_local! {
    /// The lists kept, the most recently used last.
    static LISTS: RefCell<Vec<Kept>> = const { RefCell::new(Vec::new()) };
}

/// `folder`'s version, read in the caller's transaction (which holds [`COUNTERS`]).
pub async fn version(tx: &Transaction, folder: &str) -> Result<Version, StoreError> {
    let counters = counters::all_in(&tx.store(COUNTERS)?).await?;
    Ok(Version::of(&counters, folder))
}

/// Whether the ids of `view`'s `range` in `index` are kept for `version`.
pub fn holds(index: &'static str, view: &FolderView, version: &Version) -> bool {
    LISTS.with(|lists| {
        lists
            .borrow()
            .iter()
            .any(|kept| kept.index == index && &kept.view == view && &kept.version == version)
    })
}

/// The ids (keys only) of `range` in `index`, ascending: `view`'s whole range in it, kept
/// for `version`, read in the caller's transaction when not kept.
pub async fn ids(
    tx: &Transaction,
    index: &'static str,
    view: &FolderView,
    range: KeyRange,
    version: &Version,
) -> Result<Rc<[String]>, StoreError> {
    let found = LISTS.with(|lists| {
        let mut lists = lists.borrow_mut();
        let at = lists
            .iter()
            .position(|kept| kept.index == index && &kept.view == view)?;
        let kept = lists.remove(at);
        let ids = (&kept.version == version).then(|| kept.ids.clone());
        // Still the newest used, or gone for being out of date.
        if ids.is_some() {
            lists.push(kept);
        }
        ids
    });
    if let Some(ids) = found {
        return Ok(ids);
    }
    let keys = tx
        .store(MESSAGES)?
        .index(index)?
        .get_all_keys(Some(range), None)
        .await?;
    let ids: Rc<[String]> = keys.into_iter().filter_map(|key| key.as_string()).collect();
    LISTS.with(|lists| {
        let mut lists = lists.borrow_mut();
        lists.retain(|kept| !(kept.index == index && &kept.view == view));
        if lists.len() >= KEPT {
            lists.remove(0);
        }
        lists.push(Kept {
            index,
            view: view.clone(),
            version: version.clone(),
            ids: ids.clone(),
        });
    });
    Ok(ids)
}
