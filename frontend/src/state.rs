//! The app's state: one [`AppStore`] of signals created at the root, and plain data types
//! with pure methods.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use web_sys::CryptoKey;

use crate::i18n::{Lang, T, tr};
use crate::model::{Account, MessageMeta, SenderList, SyncPhase, Vault};

/// Merges newly saved messages into a list kept newest first, without duplicates.
/// A message that is stored again (a headers-only message whose body arrived) replaces its
/// row. Linear in the list plus the batch's sort, not quadratic.
pub fn merge_newest_first(list: &mut Vec<MessageMeta>, new: Vec<MessageMeta>) {
    let newest_first =
        |a: &MessageMeta, b: &MessageMeta| b.date_ms.total_cmp(&a.date_ms).then(b.id.cmp(&a.id));
    let mut new = new;
    new.sort_by(newest_first);
    new.dedup_by(|a, b| a.id == b.id);
    let replaced: HashSet<&str> = new.iter().map(|m| m.id.as_str()).collect();
    let old: Vec<MessageMeta> = std::mem::take(list)
        .into_iter()
        .filter(|m| !replaced.contains(m.id.as_str()))
        .collect();
    list.reserve(old.len() + new.len());
    let (mut old, mut new) = (old.into_iter().peekable(), new.into_iter().peekable());
    while let (Some(a), Some(b)) = (old.peek(), new.peek()) {
        let next = match newest_first(a, b).is_le() {
            true => old.next(),
            false => new.next(),
        };
        list.extend(next);
    }
    list.extend(old);
    list.extend(new);
}

/// Which messages the list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mailbox {
    /// Every account's mail (the unified inbox).
    All,
    /// One account's mail (a removed account's kept mail too).
    Account(String),
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
    pub deleting: RwSignal<Option<String>>,
    /// Why deleting it failed.
    pub delete_error: RwSignal<Option<T>>,
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
    /// Stored messages of every account, newest first.
    pub messages: RwSignal<Vec<MessageMeta>>,
    /// The open message's id.
    pub selected: RwSignal<Option<String>>,
    /// The search text.
    pub query: RwSignal<String>,
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
            pending: StoredValue::new(None),
            vault: RwSignal::new(None),
            remote_senders: RwSignal::new(Vec::new()),
            plain_senders: RwSignal::new(Vec::new()),
            vault_key: StoredValue::new_local(None),
            new_vault_key: StoredValue::new_local(None),
            unlock_asked: RwSignal::new(false),
            vault_error: RwSignal::new(None),
            messages: RwSignal::new(Vec::new()),
            selected: RwSignal::new(None),
            query: RwSignal::new(String::new()),
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

    /// The view (mailbox and search applied): how many messages match, and the first
    /// `limit` of them, the only ones cloned and rendered.
    pub fn visible(&self, limit: usize) -> (usize, Vec<MessageMeta>) {
        let needle = crate::model::account::lower_case(self.query.get().trim());
        let mailbox = self.mailbox.get();
        let in_mailbox = |m: &MessageMeta| match &mailbox {
            Mailbox::All => true,
            Mailbox::Account(id) => m.account == *id,
        };
        self.messages.with(|all| {
            let mut matching = all.iter().filter(|m| in_mailbox(m) && m.matches(&needle));
            let shown: Vec<MessageMeta> = matching.by_ref().take(limit).cloned().collect();
            (shown.len() + matching.count(), shown)
        })
    }

    /// How many messages of account `id` are stored (reactive).
    pub fn count_of(&self, id: &str) -> usize {
        self.messages
            .with(|all| all.iter().filter(|m| m.account == id).count())
    }

    /// How many messages are unread: of account `id`, or of every account (reactive).
    pub fn unread_count(&self, id: Option<&str>) -> usize {
        self.messages.with(|all| {
            all.iter()
                .filter(|m| m.unread && id.is_none_or(|id| m.account == id))
                .count()
        })
    }

    /// Marks the messages `ids` read or unread on this page.
    pub fn set_unread(&self, ids: &[String], unread: bool) {
        let ids: HashSet<&str> = ids.iter().map(String::as_str).collect();
        self.messages.update(|all| {
            for m in all.iter_mut().filter(|m| ids.contains(m.id.as_str())) {
                m.unread = unread;
            }
        });
    }

    /// Whether the message `id` is unread (not reactive).
    pub fn is_unread(&self, id: &str) -> bool {
        self.messages
            .with_untracked(|all| all.iter().any(|m| m.id == id && m.unread))
    }

    /// Of `saved`, how many are unread messages this page did not list yet.
    pub fn count_new_unread(&self, saved: &[MessageMeta]) -> usize {
        self.messages.with_untracked(|all| {
            let known: HashSet<&str> = all.iter().map(|m| m.id.as_str()).collect();
            saved
                .iter()
                .filter(|m| m.unread && !known.contains(m.id.as_str()))
                .count()
        })
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
        self.messages.update(|list| merge_newest_first(list, new));
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
        self.messages
            .update(|list| list.retain(|m| m.account != id));
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

    /// Whether this page's delete question is about one of `ids`.
    pub fn asks_to_delete_any(&self, ids: &[String]) -> bool {
        self.deleting
            .with_untracked(|d| d.as_ref().is_some_and(|d| ids.contains(d)))
    }

    /// Forgets messages deleted here (closing the open one if it is among them).
    pub fn remove_messages(&self, ids: &[String]) {
        self.messages
            .update(|list| list.retain(|m| !ids.contains(&m.id)));
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
        self.messages
            .with(|all| all.iter().find(|m| m.id == id).map(|m| m.partial))
    }

    /// The password a sync of account `id` can use now, if any.
    pub fn password(&self, id: &str) -> Option<String> {
        self.live(id).password.get_untracked().or_else(|| {
            self.accounts
                .with_untracked(|list| list.iter().find(|a| a.id == id)?.password.clone())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(uidl: &str, date_ms: f64) -> MessageMeta {
        MessageMeta {
            id: MessageMeta::key("a", uidl),
            account: "a".into(),
            uidl: uidl.into(),
            from: "F".into(),
            from_address: "f@example.org".into(),
            subject: format!("s-{uidl}"),
            date_ms,
            size: 1,
            attachments: 0,
            partial: false,
            unread: false,
        }
    }

    #[test]
    fn merging_keeps_newest_first_and_never_duplicates() {
        let mut list = vec![meta("old", 1.0)];
        merge_newest_first(&mut list, vec![meta("new", 3.0), meta("old", 1.0)]);
        merge_newest_first(&mut list, vec![meta("mid", 2.0), meta("new", 3.0)]);
        let order: Vec<&str> = list.iter().map(|m| m.uidl.as_str()).collect();
        assert_eq!(order, ["new", "mid", "old"]);
    }

    #[test]
    fn search_matches_subject_and_sender_case_insensitively() {
        let m = meta("x", 1.0);
        assert!(m.matches("s-x"));
        assert!(m.matches("example.org"));
        assert!(!m.matches("nothing"));
    }
}
