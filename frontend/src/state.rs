//! The app's state: one [`AppStore`] of signals created at the root, and plain data types
//! with pure methods.

use std::collections::HashSet;

use leptos::prelude::*;

use crate::i18n::{Lang, T, tr};
use crate::model::{Account, MessageMeta, SyncPhase};

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

/// The app's signals, created once at the root and shared by context.
#[derive(Debug, Clone, Copy)]
pub struct AppStore {
    /// Interface language.
    pub lang: RwSignal<Lang>,
    /// Set once stored state is loaded.
    pub ready: RwSignal<bool>,
    /// Set when the browser's storage could not be opened.
    pub storage_failed: RwSignal<bool>,
    /// The account, when one is set up.
    pub account: RwSignal<Option<Account>>,
    /// The password for this page's life, when it is not remembered.
    pub session_password: RwSignal<Option<String>>,
    /// Stored messages, newest first.
    pub messages: RwSignal<Vec<MessageMeta>>,
    /// The open message's id.
    pub selected: RwSignal<Option<String>>,
    /// The search text.
    pub query: RwSignal<String>,
    /// The sync state.
    pub sync: RwSignal<SyncPhase>,
    /// Headers-only messages (by UIDL) whose body the person opened: the next sync
    /// fetches them.
    pub bodies_wanted: RwSignal<Vec<String>>,
    /// When the app checks the account by itself next (wall clock, ms), if it will.
    pub next_check: RwSignal<Option<f64>>,
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
            lang: RwSignal::new(Lang::from_browser()),
            ready: RwSignal::new(false),
            storage_failed: RwSignal::new(false),
            account: RwSignal::new(None),
            session_password: RwSignal::new(None),
            messages: RwSignal::new(Vec::new()),
            selected: RwSignal::new(None),
            query: RwSignal::new(String::new()),
            sync: RwSignal::new(SyncPhase::Idle),
            bodies_wanted: RwSignal::new(Vec::new()),
            next_check: RwSignal::new(None),
        }
    }

    /// A text in the current language (reactive).
    pub fn t(&self, t: T) -> &'static str {
        tr(self.lang.get(), t)
    }

    /// The view (search applied): how many messages match, and the first `limit` of them,
    /// the only ones cloned and rendered.
    pub fn visible(&self, limit: usize) -> (usize, Vec<MessageMeta>) {
        let needle = self.query.get().trim().to_lowercase();
        self.messages.with(|all| {
            let mut matching = all.iter().filter(|m| m.matches(&needle));
            let shown: Vec<MessageMeta> = matching.by_ref().take(limit).cloned().collect();
            (shown.len() + matching.count(), shown)
        })
    }

    /// Adds messages the sync saved.
    pub fn add_messages(&self, new: Vec<MessageMeta>) {
        let whole: Vec<String> = new
            .iter()
            .filter(|m| !m.partial)
            .map(|m| m.uidl.clone())
            .collect();
        if self
            .bodies_wanted
            .with_untracked(|w| w.iter().any(|u| whole.contains(u)))
        {
            self.bodies_wanted
                .update(|w| w.retain(|u| !whole.contains(u)));
        }
        self.messages.update(|list| merge_newest_first(list, new));
    }

    /// Whether the open message is stored headers-only (`None`: no message open).
    pub fn selected_is_partial(&self) -> Option<bool> {
        let id = self.selected.get()?;
        self.messages
            .with(|all| all.iter().find(|m| m.id == id).map(|m| m.partial))
    }

    /// The password a sync can use now, if any.
    pub fn password(&self) -> Option<String> {
        self.session_password.get_untracked().or_else(|| {
            self.account
                .get_untracked()
                .and_then(|account| account.password)
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
