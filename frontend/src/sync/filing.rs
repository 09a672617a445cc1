//! Filing from the page: flags, moves between folders, and deleting (to Trash first, for
//! good from Trash or when asked), with the open message handed on to the next one.

use leptos::prelude::*;

use super::send;
use crate::i18n::T;
use crate::model::Intent;
use crate::model::folder::TRASH;
use crate::model::order::Order;
use crate::state::{AppStore, Deleting};

/// Runs `act` on the messages that the list's rows `ids` stand for. In the conversations
/// order (outside a search, whose rows are messages) a row is its whole conversation in
/// the folder, as in Gmail: the list's actions (the bulk bar, keyboard commands, dragging)
/// file and mark whole conversations. The open message's own buttons act on it alone.
pub fn on_rows(
    store: AppStore,
    ids: Vec<String>,
    act: impl FnOnce(AppStore, Vec<String>) + 'static,
) {
    let whole = store.order.get_untracked() == Order::Conversations
        && store.found.with_untracked(Option::is_none);
    if !whole {
        return act(store, ids);
    }
    leptos::task::spawn_local(async move {
        let members = super::rows::members(ids.clone()).await;
        act(store, members.filter(|m| !m.is_empty()).unwrap_or(ids));
    });
}

/// Flags messages or takes their flag off: on this page at once, then in the store.
pub fn flag(store: AppStore, ids: Vec<String>, flagged: bool) {
    store.set_flagged(&ids, flagged);
    send(&Intent::Flag { ids, flagged });
}

/// Files messages in `folder`. When the open message leaves the list, the next one opens
/// (the one above it when it was the last), as in a mail client.
pub fn move_to(store: AppStore, ids: Vec<String>, folder: &str) {
    store.list_error.set(None);
    let leaves_view = store.folder.with_untracked(|f| f != folder);
    let selected = store.selected.get_untracked();
    if leaves_view && selected.as_ref().is_some_and(|s| ids.contains(s)) {
        let next = store.window.with_untracked(|w| {
            let at = w.position_of(selected.as_deref()?)?;
            let below = (at + 1..at + 1 + ids.len() + 1)
                .find_map(|p| w.at(p).filter(|m| !ids.contains(&m.id)));
            let above = (0..at)
                .rev()
                .find_map(|p| w.at(p).filter(|m| !ids.contains(&m.id)));
            below.or(above).cloned()
        });
        match next {
            Some(meta) => {
                let id = meta.id.clone();
                store.open(meta);
                crate::components::shortcuts::focus_row(&id);
            }
            None => store.selected.set(None),
        }
    }
    let sent = send(&Intent::Move {
        ids,
        folder: folder.to_owned(),
    });
    if !sent {
        store.list_error.set(Some(T::ErrMove));
    }
}

/// Deletes message `id`: to Trash, or, from Trash or with `for_good`, for good after asking.
pub fn delete(store: AppStore, id: String, for_good: bool) {
    let in_trash = store
        .open_meta
        .with_untracked(|m| m.as_ref().is_some_and(|m| m.id == id && m.folder == TRASH));
    delete_all(store, vec![id], for_good || in_trash);
}

/// Deletes messages `ids` of the list: to Trash, or, in Trash or with `for_good`, for
/// good after asking.
pub fn delete_all(store: AppStore, ids: Vec<String>, for_good: bool) {
    if for_good || store.folder.with_untracked(|f| f == TRASH) {
        store.deleting.set(Some(Deleting::Messages(ids)));
    } else {
        move_to(store, ids, TRASH);
    }
}

/// Deletes for good every message in the Trash of the list's view (the delete dialog
/// asked).
pub fn empty_trash(store: AppStore) {
    store.delete_error.set(None);
    let account = store.view_untracked().account;
    let sent = send(&Intent::EmptyFolder {
        folder: TRASH.to_owned(),
        account,
    });
    if !sent {
        store.delete_error.set(Some(T::ErrDelete));
    }
}
