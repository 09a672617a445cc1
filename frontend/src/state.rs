//! The app's state: one [`AppStore`] of signals created at the root, and plain data types
//! with pure methods.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use web_sys::CryptoKey;

use crate::i18n::{Lang, T, tr};
use crate::list_window::Window;
use crate::model::folder::{self, FolderView, INBOX};
use crate::model::order::Order;
use crate::model::rules::Rule;
use crate::model::{Account, Counter, MessageMeta, SenderList, SyncPhase, Vault};

/// Which messages the list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mailbox {
    /// Every account's mail (the unified inbox).
    All,
    /// One account's mail (a removed account's kept mail too).
    Account(String),
}

/// What the delete question asks about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deleting {
    /// Messages (by id), deleted for good.
    Messages(Vec<String>),
    /// Every message in Trash (of the mailbox shown).
    Trash,
}

/// What became of the last change to the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RulesStatus {
    /// They were stored.
    Saved,
    /// They ran on stored mail, changing this many messages.
    Ran(u32),
    /// Storing or running them failed.
    Failed,
}

/// What the main pane shows instead of the mail, when not `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    /// The add-account form.
    New,
    /// The edit form of an account (by id).
    Edit(String),
    /// The settings (the primary passphrase).
    Settings,
}

/// One account's live state on this page.
#[derive(Debug, Clone, Copy)]
pub struct Live {
    /// The state of its last or current sync.
    pub sync: RwSignal<SyncPhase>,
    /// Its password for this page's life, when it is not remembered.
    pub password: RwSignal<Option<String>>,
    /// Headers-only messages (by UIDL) whose body the person opened: the next sync
    /// fetches them.
    pub bodies_wanted: RwSignal<Vec<String>>,
    /// When the app checks the account by itself next (wall clock, ms), if it will.
    pub next_check: RwSignal<Option<f64>>,
}

impl Live {
    fn new() -> Live {
        Live {
            sync: RwSignal::new(SyncPhase::Idle),
            password: RwSignal::new(None),
            bodies_wanted: RwSignal::new(Vec::new()),
            next_check: RwSignal::new(None),
        }
    }
}

/// The app's signals, created once at the root and shared by context.
#[derive(Debug, Clone, Copy)]
pub struct AppStore {
    /// Interface language.
    pub lang: RwSignal<Lang>,
    /// Set once stored state is loaded.
    pub ready: RwSignal<bool>,
    /// Set when the browser's storage could not be opened.
    pub storage_failed: RwSignal<bool>,
    /// What a first screen's settings import added, told again over the mailbox it opens
    /// (the first screen, and its answer, are gone once there is an account).
    pub first_import: RwSignal<Option<crate::model::settings_file::ImportAnswer>>,
    /// The accounts that sync, in the order they were added.
    pub accounts: RwSignal<Vec<Account>>,
    /// Removed accounts whose downloaded mail was kept on this device.
    pub kept: RwSignal<Vec<Account>>,
    /// Each account's live state, by id (made under the root, so no view disposes it).
    live: StoredValue<HashMap<String, Live>>,
    owner: StoredValue<Option<Owner>>,
    /// The mailbox the list shows.
    pub mailbox: RwSignal<Mailbox>,
    /// The account form, when open.
    pub form: RwSignal<Option<Form>>,
    /// Why saving or removing an account failed, for the open form or question.
    pub form_error: RwSignal<Option<T>>,
    /// The account whose removal is being asked about.
    pub removing: RwSignal<Option<String>>,
    /// The message whose deletion is being asked about (and then waited for).
    pub deleting: RwSignal<Option<Deleting>>,
    /// Why deleting it failed.
    pub delete_error: RwSignal<Option<T>>,
    /// Why filing messages failed (shown over the list).
    pub list_error: RwSignal<Option<T>>,
    /// A new account saved by this page (added, or an edit that moved it to another
    /// mailbox), and the password to sync it with when it is not remembered, until the
    /// worker says it is stored.
    pub pending: StoredValue<Option<(String, Option<String>)>>,
    /// The primary passphrase's vault, when one is set.
    pub vault: RwSignal<Option<Vault>>,
    /// Senders (lower-cased addresses) whose remote images are always shown.
    pub remote_senders: RwSignal<Vec<String>>,
    /// Senders (lower-cased addresses) whose mail opens as plain text.
    pub plain_senders: RwSignal<Vec<String>>,
    /// Its key, once this tab has it (typed here, or handed over by another tab).
    pub vault_key: StoredValue<Option<CryptoKey>, LocalStorage>,
    /// The key a passphrase change made, until the worker has stored its vault.
    pub new_vault_key: StoredValue<Option<CryptoKey>, LocalStorage>,
    /// The unlock prompt is asked for.
    pub unlock_asked: RwSignal<bool>,
    /// Why the last unlock or passphrase change failed.
    pub vault_error: RwSignal<Option<T>>,
    /// How many messages each account has in each folder, and how many unread.
    pub counters: RwSignal<Vec<Counter>>,
    /// The folder the list shows.
    pub folder: RwSignal<String>,
    /// The loaded rows of the list.
    pub window: RwSignal<Window>,
    /// The messages the search found (ids, newest first); `None` while no search is shown.
    pub found: RwSignal<Option<Arc<Vec<String>>>>,
    /// A search is under way (the list says so to screen readers: `aria-busy`).
    pub searching: RwSignal<bool>,
    /// How far the search index is: messages indexed by the current run, and whether it
    /// is whole (`None` until the worker says).
    pub search_index: RwSignal<Option<(u32, bool)>>,
    /// Bumped when stored messages change (saved, marked, moved, deleted): the list and
    /// the counts are read again.
    pub changes: RwSignal<u64>,
    /// The open message's id.
    pub selected: RwSignal<Option<String>>,
    /// What the list showed of the open message (kept up to date by notices).
    pub open_meta: RwSignal<Option<MessageMeta>>,
    /// The search text.
    pub query: RwSignal<String>,
    /// The order the list shows a folder in (kept on this device).
    pub order: RwSignal<Order>,
    /// How many conversations the list's view holds, in the conversations order (counted
    /// by the worker when the view or the store changes).
    pub conversations: RwSignal<usize>,
    /// The person's rules, as stored.
    pub rules: RwSignal<Vec<Rule>>,
    /// The messages ticked in the list, for an action on all of them (cleared when the
    /// view changes).
    pub checked: RwSignal<Vec<String>>,
    /// The folders the person made.
    pub folders: RwSignal<Vec<crate::model::user_folders::UserFolder>>,
    /// Why a folder could not be stored, or deleted.
    pub folder_error: RwSignal<Option<T>>,
    /// What became of the last change to the rules.
    pub rules_status: RwSignal<Option<RulesStatus>>,
}

impl Default for AppStore {
    fn default() -> Self {
        AppStore::new()
    }
}

impl AppStore {
    /// A store with nothing loaded yet.
    pub fn new() -> AppStore {
        AppStore {
            lang: RwSignal::new(Lang::chosen_or_browser()),
            ready: RwSignal::new(false),
            storage_failed: RwSignal::new(false),
            first_import: RwSignal::new(None),
            accounts: RwSignal::new(Vec::new()),
            kept: RwSignal::new(Vec::new()),
            live: StoredValue::new(HashMap::new()),
            owner: StoredValue::new(Owner::current()),
            mailbox: RwSignal::new(Mailbox::All),
            form: RwSignal::new(None),
            form_error: RwSignal::new(None),
            removing: RwSignal::new(None),
            deleting: RwSignal::new(None),
            delete_error: RwSignal::new(None),
            list_error: RwSignal::new(None),
            pending: StoredValue::new(None),
            vault: RwSignal::new(None),
            remote_senders: RwSignal::new(Vec::new()),
            plain_senders: RwSignal::new(Vec::new()),
            vault_key: StoredValue::new_local(None),
            new_vault_key: StoredValue::new_local(None),
            unlock_asked: RwSignal::new(false),
            vault_error: RwSignal::new(None),
            counters: RwSignal::new(Vec::new()),
            folder: RwSignal::new(INBOX.to_owned()),
            window: RwSignal::new(Window::default()),
            found: RwSignal::new(None),
            changes: RwSignal::new(0),
            searching: RwSignal::new(false),
            search_index: RwSignal::new(None),
            selected: RwSignal::new(None),
            open_meta: RwSignal::new(None),
            rules: RwSignal::new(Vec::new()),
            checked: RwSignal::new(Vec::new()),
            folders: RwSignal::new(Vec::new()),
            folder_error: RwSignal::new(None),
            rules_status: RwSignal::new(None),
            query: RwSignal::new(String::new()),
            order: RwSignal::new(crate::components::sort_menu::kept_order()),
            conversations: RwSignal::new(0),
        }
    }

    /// A text in the current language (reactive).
    pub fn t(&self, t: T) -> &'static str {
        tr(self.lang.get(), t)
    }

    /// The live state of account `id` (made on first use).
    pub fn live(&self, id: &str) -> Live {
        if let Some(live) = self.live.with_value(|all| all.get(id).copied()) {
            return live;
        }
        let live = match self.owner.get_value() {
            Some(owner) => owner.with(Live::new),
            None => Live::new(),
        };
        self.live
            .update_value(|all| _ = all.insert(id.to_owned(), live));
        live
    }

    /// Account `id` as stored (a removed one with kept mail too), reactively.
    pub fn account(&self, id: &str) -> Option<Account> {
        let find = |list: &Vec<Account>| list.iter().find(|a| a.id == id).cloned();
        self.accounts.with(find).or_else(|| self.kept.with(find))
    }

    /// Whether any account, syncing or kept, is on this device.
    pub fn has_accounts(&self) -> bool {
        self.accounts.with(|a| !a.is_empty()) || self.kept.with(|k| !k.is_empty())
    }

    /// The folder view the list shows (reactive).
    pub fn view(&self) -> FolderView {
        FolderView {
            folder: self.folder.get(),
            account: match self.mailbox.get() {
                Mailbox::All => None,
                Mailbox::Account(id) => Some(id),
            },
        }
    }

    /// The folder view the list shows (not reactive).
    pub fn view_untracked(&self) -> FolderView {
        untrack(|| self.view())
    }

    /// Messages and unread messages: of one account or of all, in one folder or in every
    /// folder but Trash (reactive).
    pub fn count(&self, account: Option<&str>, folder: Option<&str>) -> (u32, u32) {
        self.counters.with(|c| folder::sum(c, account, folder))
    }

    /// How many messages the list's view holds (reactive).
    pub fn view_count(&self) -> usize {
        if let Some(found) = self.found.get() {
            return found.len();
        }
        if self.order.get() == Order::Conversations {
            return self.conversations.get();
        }
        let view = self.view();
        self.count(view.account.as_deref(), Some(&view.folder)).0 as usize
    }

    /// Opens message `meta`.
    pub fn open(&self, meta: MessageMeta) {
        let id = meta.id.clone();
        self.open_meta.set(Some(meta));
        self.selected.set(Some(id));
    }

    /// Marks the messages `ids` read or unread on this page.
    pub fn set_unread(&self, ids: &[String], unread: bool) {
        self.window.update(|w| w.patch(ids, |m| m.unread = unread));
        self.patch_open(ids, |m| m.unread = unread);
    }

    /// Changes what this page knows of the open message, when it is among `ids`.
    fn patch_open(&self, ids: &[String], change: impl Fn(&mut MessageMeta)) {
        if self
            .open_meta
            .with_untracked(|m| m.as_ref().is_some_and(|m| ids.contains(&m.id)))
        {
            self.open_meta.update(|m| m.iter_mut().for_each(&change));
        }
    }

    /// Flags the messages `ids` or takes their flag off, on this page.
    pub fn set_flagged(&self, ids: &[String], flagged: bool) {
        self.window
            .update(|w| w.patch(ids, |m| m.flagged = flagged));
        self.patch_open(ids, |m| m.flagged = flagged);
    }

    /// What this page knows of the open message's folder, when it is among `ids`.
    pub fn set_folder(&self, ids: &[String], folder: &str) {
        self.patch_open(ids, |m| m.folder = folder.to_owned());
    }

    /// Whether the open message `id` is unread (not reactive).
    pub fn is_unread(&self, id: &str) -> bool {
        self.open_meta
            .with_untracked(|m| m.as_ref().is_some_and(|m| m.id == id && m.unread))
    }

    /// Whether the open message `id` is flagged (not reactive).
    pub fn is_flagged(&self, id: &str) -> bool {
        self.open_meta
            .with_untracked(|m| m.as_ref().is_some_and(|m| m.id == id && m.flagged))
    }

    /// Stored messages changed: the list and the counts are read again.
    pub fn changed(&self) {
        self.changes.update(|n| *n += 1);
    }

    /// Adds messages the sync of `account` saved.
    pub fn add_messages(&self, account: &str, new: Vec<MessageMeta>) {
        let live = self.live(account);
        let whole: Vec<String> = new
            .iter()
            .filter(|m| !m.partial)
            .map(|m| m.uidl.clone())
            .collect();
        if live
            .bodies_wanted
            .with_untracked(|w| w.iter().any(|u| whole.contains(u)))
        {
            live.bodies_wanted
                .update(|w| w.retain(|u| !whole.contains(u)));
        }
        if let Some(meta) = self.open_meta.with_untracked(|open| {
            new.iter()
                .find(|m| open.as_ref().is_some_and(|o| o.id == m.id))
                .cloned()
        }) {
            self.open_meta.set(Some(meta));
        }
        self.changed();
    }

    /// Shows an account as stored now (added, edited, or removed with its mail kept).
    pub fn put_account(&self, account: Account) {
        let id = account.id.clone();
        let (into, out) = match account.removed_ms {
            None => (self.accounts, self.kept),
            Some(_) => (self.kept, self.accounts),
        };
        out.update(|list| list.retain(|a| a.id != id));
        into.update(|list| match list.iter_mut().find(|a| a.id == id) {
            Some(slot) => *slot = account,
            None => list.push(account),
        });
    }

    /// Forgets account `id` and its messages (removed without keeping its mail).
    pub fn drop_account(&self, id: &str) {
        self.accounts.update(|list| list.retain(|a| a.id != id));
        self.kept.update(|list| list.retain(|a| a.id != id));
        self.changed();
        if self
            .mailbox
            .with_untracked(|m| *m == Mailbox::Account(id.to_owned()))
        {
            self.mailbox.set(Mailbox::All);
        }
        let prefix = MessageMeta::key_prefix(id);
        if self
            .selected
            .with_untracked(|s| s.as_ref().is_some_and(|s| s.starts_with(&prefix)))
        {
            self.selected.set(None);
        }
    }

    /// Whether this page's delete question is about one of `ids` (emptying Trash is about
    /// any).
    pub fn asks_to_delete_any(&self, ids: &[String]) -> bool {
        self.deleting.with_untracked(|d| match d {
            Some(Deleting::Messages(asked)) => asked.iter().any(|id| ids.contains(id)),
            Some(Deleting::Trash) => true,
            None => false,
        })
    }

    /// Forgets messages deleted here (closing the open one if it is among them).
    pub fn remove_messages(&self, ids: &[String]) {
        if let Some(found) = self.found.get_untracked() {
            let left: Vec<String> = found
                .iter()
                .filter(|id| !ids.contains(id))
                .cloned()
                .collect();
            self.found.set(Some(Arc::new(left)));
        }
        self.changed();
        if self
            .selected
            .with_untracked(|s| s.as_ref().is_some_and(|s| ids.contains(s)))
        {
            self.selected.set(None);
        }
    }

    /// The page's copy of sender list `list`.
    pub fn senders(&self, list: SenderList) -> RwSignal<Vec<String>> {
        match list {
            SenderList::RemoteImages => self.remote_senders,
            SenderList::PlainText => self.plain_senders,
        }
    }

    /// Whether `address` (lower-cased) is on sender list `list`.
    pub fn sender_on(&self, list: SenderList, address: &str) -> bool {
        !address.is_empty()
            && self
                .senders(list)
                .with_untracked(|l| l.iter().any(|a| a == address))
    }

    /// Puts `address` (lower-cased) on sender list `list` or takes it off, here at once and
    /// in the stored list.
    pub fn choose_for_sender(&self, list: SenderList, address: &str, chosen: bool) {
        self.senders(list).update(|l| {
            l.retain(|a| a != address);
            if chosen {
                l.push(address.to_owned());
            }
        });
        crate::sync::send(&crate::model::Intent::ChooseForSender {
            list,
            address: address.to_owned(),
            chosen,
        });
    }

    /// Whether the open message is stored headers-only (`None`: no message open).
    pub fn selected_is_partial(&self) -> Option<bool> {
        let id = self.selected.get()?;
        self.open_meta
            .with(|m| m.as_ref().filter(|m| m.id == id).map(|m| m.partial))
    }

    /// The password a sync of account `id` can use now, if any.
    pub fn password(&self, id: &str) -> Option<String> {
        self.live(id).password.get_untracked().or_else(|| {
            self.accounts
                .with_untracked(|list| list.iter().find(|a| a.id == id)?.password.clone())
        })
    }
}
