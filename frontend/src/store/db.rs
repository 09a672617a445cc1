//! Opening the IndexedDB database and its object stores.

use std::cell::RefCell;
use std::rc::Rc;

use rexie::{Index, ObjectStore, Rexie};

/// The database name.
const DB_NAME: &str = "cartero";
/// Bump when the stores change; [`open`] creates what a new version needs.
/// 2: UIDL state and per-account sync facts. 3: settings (the primary passphrase's vault).
/// 4: folders: messages indexed by folder and date, and counters (see `worker::migrate`).
/// 5: the search index: terms' postings and the messages' numbers (see `worker::index`).
/// 6: messages indexed by folder and sender, and by folder and size (`model::order`; one
/// account's view picks its messages out of these by id: see `worker::rows::listing`),
/// and sparse indexes of unread and of flagged mail by folder and date.
/// 7: conversations: messages indexed by conversation, and the sparse index of each
/// folder's conversation heads by date (`model::thread`, `worker::threads`).
const DB_VERSION: u32 = 7;
/// Accounts, keyed by `id`.
pub const ACCOUNTS: &str = "accounts";
/// Message metadata, keyed by `id` (`account/uidl`), indexed by `account`. A record also
/// holds its UIDL's sync state (`state`), written with it (see `worker::idb_store`).
pub const MESSAGES: &str = "messages";
/// Raw message bytes, keyed by the same `id` (kept apart so listing stays cheap).
pub const RAW: &str = "raw";
/// The index of [`MESSAGES`] and [`UIDL_STATE`] by account.
pub const BY_ACCOUNT: &str = "by_account";
/// The index of [`MESSAGES`] by folder and date: a folder of every account, by date.
pub const BY_FOLDER_DATE: &str = "by_folder_date";
/// The index of [`MESSAGES`] by account, folder and date: one account's folder, by date.
pub const BY_ACCOUNT_FOLDER_DATE: &str = "by_account_folder_date";
/// The index of [`MESSAGES`] by folder, sender (`sender_key`) and date.
pub const BY_FOLDER_SENDER: &str = "by_folder_sender";
/// The index of [`MESSAGES`] by folder and size.
pub const BY_FOLDER_SIZE: &str = "by_folder_size";
/// The sparse index of [`MESSAGES`] that are unread, by folder and date (`unread_at`).
pub const BY_FOLDER_UNREAD: &str = "by_folder_unread";
/// The sparse index of [`MESSAGES`] that are flagged, by folder and date (`flagged_at`).
pub const BY_FOLDER_FLAGGED: &str = "by_folder_flagged";
/// The index of [`MESSAGES`] by conversation (`thread`).
pub const BY_THREAD: &str = "by_thread";
/// The sparse index of [`MESSAGES`] that head their conversation in their folder, by
/// folder and date (`head_at`): one entry per conversation.
pub const BY_FOLDER_HEAD: &str = "by_folder_head";
/// The key paths of the message indexes a list is read through (a row's key in them).
pub const FOLDER_DATE_KEY: [&str; 2] = ["folder", "date_ms"];
/// See [`FOLDER_DATE_KEY`].
pub const ACCOUNT_FOLDER_DATE_KEY: [&str; 3] = ["account", "folder", "date_ms"];
/// See [`FOLDER_DATE_KEY`].
pub const FOLDER_SENDER_KEY: [&str; 3] = ["folder", "sender_key", "date_ms"];
/// See [`FOLDER_DATE_KEY`].
pub const FOLDER_SIZE_KEY: [&str; 2] = ["folder", "size"];
/// See [`FOLDER_DATE_KEY`].
pub const FOLDER_HEAD_KEY: [&str; 2] = ["folder", "head_at"];
/// How many messages, and how many unread, per account and folder, keyed by
/// `[account, folder]` (see `model::folder::Counter`).
pub const COUNTERS: &str = "counters";
/// Per-UIDL sync state of UIDLs with no message record of their own (and states written
/// before they moved into the metadata), keyed by `key` (`account/uidl`), indexed by
/// `account`; written in the same transaction as the message it describes.
pub const UIDL_STATE: &str = "uidl_state";
/// Per-account sync facts (identity mode, last login), keyed by `account`.
pub const SYNC_META: &str = "sync_meta";

/// The search index's postings: delta-encoded message numbers (`model::postings`), a
/// segment per term and batch, keyed `[term, its first number]`.
pub const TERMS: &str = "terms";
/// Message numbers: a record per indexed batch, keyed by its first number, holding the ids
/// of its messages in order (numbers have no gaps: the next batch starts where one ends).
pub const DOCS: &str = "docs";

/// App-wide settings, keyed by `key` (`vault`: the primary passphrase's salt and check).
pub const SETTINGS: &str = "settings";

/// A storage failure.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    /// The origin's storage quota is reached: nothing of the write was kept.
    #[error("the browser's storage is full")]
    Full,
    /// Any other failure, in words.
    #[error("{0}")]
    Failed(String),
}

impl From<rexie::Error> for StoreError {
    fn from(e: rexie::Error) -> Self {
        StoreError::Failed(e.to_string())
    }
}

impl From<serde_wasm_bindgen::Error> for StoreError {
    fn from(e: serde_wasm_bindgen::Error) -> Self {
        StoreError::Failed(e.to_string())
    }
}

thread_local! {
    static DB: RefCell<Option<Rc<Rexie>>> = const { RefCell::new(None) };
}

/// The open database (opened, and upgraded, on first use).
pub async fn open() -> Result<Rc<Rexie>, StoreError> {
    if let Some(db) = DB.with(|db| db.borrow().clone()) {
        return Ok(db);
    }
    let rexie = Rexie::builder(DB_NAME)
        .version(DB_VERSION)
        .add_object_store(ObjectStore::new(ACCOUNTS).key_path("id"))
        .add_object_store(
            ObjectStore::new(MESSAGES)
                .key_path("id")
                .add_index(Index::new(BY_ACCOUNT, "account"))
                .add_index(Index::new_array(BY_FOLDER_DATE, FOLDER_DATE_KEY))
                .add_index(Index::new_array(
                    BY_ACCOUNT_FOLDER_DATE,
                    ACCOUNT_FOLDER_DATE_KEY,
                ))
                .add_index(Index::new_array(BY_FOLDER_SENDER, FOLDER_SENDER_KEY))
                .add_index(Index::new_array(BY_FOLDER_SIZE, FOLDER_SIZE_KEY))
                .add_index(Index::new_array(BY_FOLDER_UNREAD, ["folder", "unread_at"]))
                .add_index(Index::new_array(
                    BY_FOLDER_FLAGGED,
                    ["folder", "flagged_at"],
                ))
                .add_index(Index::new(BY_THREAD, "thread"))
                .add_index(Index::new_array(BY_FOLDER_HEAD, FOLDER_HEAD_KEY)),
        )
        .add_object_store(ObjectStore::new(COUNTERS).key_path_array(["account", "folder"]))
        .add_object_store(ObjectStore::new(RAW).key_path("id"))
        .add_object_store(
            ObjectStore::new(UIDL_STATE)
                .key_path("key")
                .add_index(Index::new(BY_ACCOUNT, "account")),
        )
        .add_object_store(ObjectStore::new(SYNC_META).key_path("account"))
        .add_object_store(ObjectStore::new(SETTINGS).key_path("key"))
        .add_object_store(ObjectStore::new(TERMS))
        .add_object_store(ObjectStore::new(DOCS))
        .build()
        .await?;
    let db = Rc::new(rexie);
    DB.with(|slot| *slot.borrow_mut() = Some(db.clone()));
    Ok(db)
}
