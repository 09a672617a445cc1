//! What the page asks of the sync worker ([`Intent`]) and what the worker tells every open
//! tab ([`Notice`]). Both travel as plain JavaScript objects (structured clones, made by
//! serde-wasm-bindgen, the same code that reads and writes IndexedDB records, so the page
//! carries one serializer, not two): the page posts intents to its own worker,
//! and workers broadcast notices on [`CHANNEL`], which every tab of the app listens to, so
//! a sync started in one tab shows its progress and new mail in all of them.

use serde::{Deserialize, Serialize};

#[cfg(doc)]
use super::Rendered;
use super::folder::FolderView;
use super::order::Order;
use super::rules::Rule;
use super::user_folders::UserFolder;
use super::{Account, MessageMeta, SyncPhase, Vault};

/// The `BroadcastChannel` every tab listens on.
pub const CHANNEL: &str = "cartero-sync";

/// What a worker posts to its page once it listens for intents (messages that arrive
/// before are dropped, so the page holds its intents until then).
pub const READY: &str = "ready";

/// A list of senders the reader chose something for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SenderList {
    /// Their HTML mail's remote images are always shown.
    RemoteImages,
    /// Their mail opens as plain text.
    PlainText,
}

impl SenderList {
    /// The notice that tells every tab the list is now `addresses`.
    pub fn notice(self, addresses: Vec<String>) -> Notice {
        match self {
            SenderList::RemoteImages => Notice::RemoteSenders { addresses },
            SenderList::PlainText => Notice::PlainSenders { addresses },
        }
    }

    /// The key of its record in the settings store.
    pub fn key(self) -> &'static str {
        match self {
            SenderList::RemoteImages => "remote-senders",
            SenderList::PlainText => "plain-senders",
        }
    }
}

/// An intent from the page to its worker. Externally tagged, like [`Notice`]: the worker
/// reads it without serde's buffered `Content`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Intent {
    /// Sync an account now (unless another tab or window is syncing it).
    Sync {
        /// The account id (the worker syncs the account as stored).
        account: String,
        /// The password to log in with.
        password: String,
        /// The relay's WebSocket base, e.g. `wss://relay.example.org`.
        relay: String,
        /// Wall clock now (ms since the epoch); tests set it to travel in time.
        now_ms: f64,
        /// Headers-only messages whose body to fetch (they were opened).
        #[serde(default)]
        bodies: Vec<String>,
    },
    /// Stop the account's running sync; what has committed stays, nothing is deleted.
    Cancel {
        /// The account id.
        account: String,
    },
    /// Add an account, or save its edited settings.
    SaveAccount {
        /// The account as it is to be stored.
        account: Box<Account>,
        /// An edit that points an account at another mailbox (server, port or user) saves
        /// it under a new id, taking over from this one: the old account is removed with
        /// its mail kept. What the device knew of the old mailbox's UIDLs then cannot skip,
        /// overwrite or delete anything of the new one's (the same UIDL may name another
        /// message there).
        #[serde(default)]
        replaces: Option<String>,
    },
    /// Mark messages read or unread.
    Mark {
        /// Message ids (`account/uidl`).
        ids: Vec<String>,
        /// `true`: unread.
        unread: bool,
    },
    /// Flag messages or take their flag off.
    Flag {
        /// Message ids (`account/uidl`).
        ids: Vec<String>,
        /// `true`: flagged.
        flagged: bool,
    },
    /// File messages in another folder.
    Move {
        /// Message ids (`account/uidl`).
        ids: Vec<String>,
        /// The folder id.
        folder: String,
    },
    /// Delete for good every message in a folder (emptying Trash), as [`Intent::Delete`]
    /// does.
    EmptyFolder {
        /// The folder id.
        folder: String,
        /// Only this account's messages there.
        account: Option<String>,
    },
    /// Delete messages here for good. Each waits until no sync of its account runs; its
    /// UIDL is remembered as deleted here, so no sync brings it back (and the account's
    /// policy may delete it on the server at the next sync).
    Delete {
        /// Message ids (`account/uidl`).
        ids: Vec<String>,
    },
    /// Set, change or clear the primary passphrase, with every account whose remembered
    /// password it seals (or opens) re-stored in the same transaction.
    SaveVault {
        /// The new vault (`None`: no passphrase any more).
        vault: Option<Vault>,
        /// The accounts, passwords re-sealed.
        accounts: Vec<Account>,
    },
    /// Read a stored message: the worker parses it (the page holds no MIME parser) and
    /// answers this page alone, with an array: the ticket, the message (a [`Rendered`],
    /// or `null` when it is not stored or cannot be read), the raw message as a Blob (the
    /// stored one: no copy is made), then for each attachment, in order, a Blob of its
    /// contents when it is a picture shown as a preview, else `null` (see
    /// [`Intent::Attachment`]).
    Open {
        /// The message id (`account/uidl`).
        id: String,
        /// Tells the answer to this request from others.
        ticket: u64,
    },
    /// Decode one attachment of a stored message, which the reader asked for: the worker
    /// answers this page alone with `[ticket, Blob or null]`.
    Attachment {
        /// The message id (`account/uidl`).
        id: String,
        /// The attachment's place among the message's attachments.
        index: u32,
        /// Tells the answer to this request from others.
        ticket: u64,
    },
    /// Store the person's rules (all of them, in order).
    SaveRules {
        /// The rules.
        rules: Vec<Rule>,
    },
    /// What the page shows at start: the worker answers this page alone with
    /// `[ticket, Startup]`.
    Start {
        /// Tells this request's answer from others.
        ticket: u64,
    },
    /// Every counter: the worker answers this page alone with `[ticket, counters]`
    /// (`null` when they could not be read).
    Counters {
        /// Tells this request's answer from others.
        ticket: u64,
    },
    /// Store the person's folders (one made or renamed).
    SaveFolders {
        /// Every folder the person made.
        folders: Vec<UserFolder>,
    },
    /// Delete a folder the person made, and the folders inside it: their messages go to
    /// Trash, and rules that filed into them no longer move.
    DeleteFolder {
        /// The folder id.
        id: String,
    },
    /// Run the stored rules on the messages of a folder view (mail already stored).
    RunRules {
        /// The view (the Inbox, usually).
        view: FolderView,
    },
    /// Read up to `limit` messages of a folder view in `order` from place `offset` on:
    /// the worker answers this page alone with `[ticket, records or null]`.
    Rows {
        /// The view.
        view: FolderView,
        /// The order (newest first when not given).
        #[serde(default)]
        order: Order,
        /// The first place.
        offset: u32,
        /// How many at most.
        limit: u32,
        /// A row the page holds next to this page: the worker reads from it (a few
        /// steps) instead of stepping over every row before `offset`.
        #[serde(default)]
        anchor: Option<RowAnchor>,
        /// Tells the answer to this request from others.
        ticket: u64,
    },
    /// List the ids of every message of a folder view (to tick them all): the worker
    /// answers this page alone with `[ticket, ids or null]`, newest first.
    ViewIds {
        /// The view.
        view: FolderView,
        /// The order: in the conversations order, the ids of the conversations' heads.
        #[serde(default)]
        order: Order,
        /// Tells the answer to this request from others.
        ticket: u64,
    },
    /// Count the conversations of a folder view: answered `[ticket, n or null]`.
    ConversationCount {
        /// The view.
        view: FolderView,
        /// Tells the answer to this request from others.
        ticket: u64,
    },
    /// List the messages that rows of the conversations order stand for (each row's whole
    /// conversation in its folder): answered `[ticket, ids or null]`.
    Members {
        /// The rows' ids (`account/uidl`).
        ids: Vec<String>,
        /// Tells the answer to this request from others.
        ticket: u64,
    },
    /// Read every message of the conversation of message `id`, oldest first: answered as
    /// [`Intent::Rows`] is.
    Thread {
        /// A message of the conversation.
        id: String,
        /// Tells the answer to this request from others.
        ticket: u64,
    },
    /// Read the messages `ids`: answered as [`Intent::Rows`] is.
    RowsById {
        /// Message ids (`account/uidl`), in the order wanted.
        ids: Vec<String>,
        /// Tells the answer to this request from others.
        ticket: u64,
    },
    /// Search a folder view: the worker answers this page alone with `[ticket, ids,
    /// whole]`, newest first, or `[ticket, null]` when a newer search took over.
    Search {
        /// The view.
        view: FolderView,
        /// What was typed.
        query: String,
        /// A first screen of the newest results will do (`whole` says whether they are
        /// all): a word most messages have shows its first rows long before the folder's
        /// whole index is read.
        first: bool,
        /// Tells the answer to this request from others (newer searches have greater ones).
        ticket: u64,
    },
    /// The person is about to search `view` (the search box has the focus): the worker
    /// reads the keys a search of it reads (`worker::folder_keys`) ahead. Not answered.
    ReadyToSearch {
        /// The view.
        view: FolderView,
    },
    /// Remove an account: its syncs stop (in every tab) and its server state goes.
    RemoveAccount {
        /// The account id.
        account: String,
        /// Keep its downloaded mail on this device (readable, no longer synced).
        keep_mail: bool,
    },
    /// Import a settings file (see `model::settings_file`): the worker reads it, adds what
    /// the device lacks in one transaction, tells every tab, and answers this page alone
    /// with `[ticket, ImportAnswer]`.
    ImportSettings {
        /// The file's text (the worker parses it: the page carries no settings file code).
        text: String,
        /// Tells the answer to this request from others.
        ticket: u64,
    },
    /// Write the settings file of what is stored: answered `[ticket, the file's text or
    /// null]`.
    ExportSettings {
        /// Tells the answer to this request from others.
        ticket: u64,
    },
    /// Add a sender to one of the reader's sender lists, or take one off it.
    ChooseForSender {
        /// Which list.
        list: SenderList,
        /// The sender's address, lower-cased.
        address: String,
        /// `true`: add; `false`: take off.
        chosen: bool,
    },
}

/// A notice from a worker to every tab. Externally tagged (`{"phase": {…}}`): every tab
/// reads notices, and an internally tagged enum is read through serde's buffered
/// `Content`, which cost the page's bundle several KB.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Notice {
    /// An account's sync moved on.
    Phase {
        /// The account id.
        account: String,
        /// Where it is now.
        phase: SyncPhase,
    },
    /// Nobody syncs the account any more (sent after a "busy" once the other sync's lock
    /// is free): a tab still showing that sync as running lost its last word (its tab
    /// closed mid-sync) and may sync again.
    Released {
        /// The account id.
        account: String,
    },
    /// Messages committed to the store: show them.
    Saved {
        /// The account id.
        account: String,
        /// What the list shows of each.
        messages: Vec<MessageMeta>,
        /// How many of them are new here and unread (not bodies of messages stored
        /// headers-only).
        #[serde(default)]
        fresh: u32,
    },
    /// The store was upgraded to a new schema (see `worker::migrate`): what the page read
    /// of it is to be read again.
    Upgraded,
    /// How far the search index is (see `worker::indexing`): mail stored before it existed
    /// is being indexed, or all of it is.
    Indexing {
        /// Messages indexed so far by this run.
        indexed: u32,
        /// Every stored message is indexed: search finds words in bodies too.
        ready: bool,
    },
    /// The rules were stored.
    RulesSaved {
        /// The rules, as stored.
        rules: Vec<Rule>,
    },
    /// The person's folders were stored (made, renamed or deleted).
    FoldersSaved {
        /// Every folder the person made, as stored.
        folders: Vec<UserFolder>,
    },
    /// Storing or deleting a folder failed; nothing changed.
    FoldersFailed {
        /// The browser's storage is full.
        full: bool,
    },
    /// The rules ran on stored mail.
    RulesRan {
        /// How many messages they filed or marked.
        changed: u32,
    },
    /// Storing or running the rules failed; nothing changed.
    RulesFailed {
        /// The browser's storage is full.
        full: bool,
    },
    /// An account was added or its settings saved.
    AccountSaved {
        /// The account as stored.
        account: Box<Account>,
    },
    /// Saving or removing an account failed; nothing changed.
    AccountFailed {
        /// The account id.
        account: String,
        /// The browser's storage is full.
        full: bool,
    },
    /// Messages were marked read or unread.
    Marked {
        /// Message ids.
        ids: Vec<String>,
        /// `true`: unread.
        unread: bool,
    },
    /// Messages were flagged, or their flag taken off.
    Flagged {
        /// Message ids.
        ids: Vec<String>,
        /// `true`: flagged.
        flagged: bool,
    },
    /// Messages were filed in another folder.
    Moved {
        /// Message ids (those that moved).
        ids: Vec<String>,
        /// The folder id.
        folder: String,
    },
    /// Moving messages failed; they are where they were.
    MoveFailed {
        /// Message ids.
        ids: Vec<String>,
    },
    /// Messages were deleted here for good.
    Deleted {
        /// Message ids.
        ids: Vec<String>,
    },
    /// Deleting messages failed; they are all still stored.
    DeleteFailed {
        /// Message ids.
        ids: Vec<String>,
    },
    /// The primary passphrase was set, changed or cleared.
    VaultSaved {
        /// The vault now.
        vault: Option<Vault>,
        /// The accounts as re-stored.
        accounts: Vec<Account>,
    },
    /// The senders whose remote images are always shown, as now stored (a variant of its
    /// own per list: the page then reads no [`SenderList`]).
    RemoteSenders {
        /// Their addresses, lower-cased.
        addresses: Vec<String>,
    },
    /// The senders whose mail opens as plain text, as now stored.
    PlainSenders {
        /// Their addresses, lower-cased.
        addresses: Vec<String>,
    },
    /// Saving the primary passphrase failed; nothing changed.
    VaultFailed {
        /// The browser's storage is full.
        full: bool,
    },
    /// An account is being removed: every tab stops syncing it.
    Removing {
        /// The account id.
        account: String,
    },
    /// An account is removed.
    AccountRemoved {
        /// The account id.
        account: String,
        /// Its mail stays on this device, under the account's record marked removed.
        kept: Option<Box<Account>>,
    },
}

impl Intent {
    /// The object posted to the worker.
    pub fn to_value(&self) -> wasm_bindgen::JsValue {
        serde_wasm_bindgen::to_value(self).expect("intents are plain data")
    }

    /// An intent posted by the page (`None`: not one this worker knows).
    pub fn from_value(value: wasm_bindgen::JsValue) -> Option<Intent> {
        serde_wasm_bindgen::from_value(value).ok()
    }
}

impl Notice {
    /// The object broadcast to the tabs.
    pub fn to_value(&self) -> wasm_bindgen::JsValue {
        serde_wasm_bindgen::to_value(self).expect("notices are plain data")
    }

    /// A notice broadcast by a worker (`None`: not one this page knows).
    pub fn from_value(value: wasm_bindgen::JsValue) -> Option<Notice> {
        serde_wasm_bindgen::from_value(value).ok()
    }
}

/// A loaded row next to a page the list asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowAnchor {
    /// The row's message id.
    pub id: String,
    /// `true`: the page is the rows right after this one, in the order; `false`: the rows
    /// right before it.
    pub after: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_are_tagged_by_kind() {
        let notice = Notice::Phase {
            account: "a1".into(),
            phase: SyncPhase::Downloading {
                done: 3,
                total: 9,
                octets: 1200,
                octets_total: 4000,
            },
        };
        let json = serde_json::to_string(&notice).unwrap();
        assert!(json.starts_with(r#"{"phase":{"account":"a1""#), "{json}");
        assert_eq!(serde_json::from_str::<Notice>(&json).unwrap(), notice);
    }
}

/// What the page reads at start, read by its worker (the page opens no database).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Startup {
    /// The primary passphrase's vault, when one is set.
    pub vault: Option<Vault>,
    /// The vault could not be read.
    pub vault_failed: bool,
    /// Senders whose remote images always show.
    pub remote_images: Vec<String>,
    /// Senders whose mail shows as plain text.
    pub plain_text: Vec<String>,
    /// The rules.
    pub rules: Vec<Rule>,
    /// The folders the person made.
    pub folders: Vec<UserFolder>,
    /// The accounts (`None`: they could not be read).
    pub accounts: Option<Vec<Account>>,
    /// The counters (`None`: they could not be read).
    pub counters: Option<Vec<super::Counter>>,
}
