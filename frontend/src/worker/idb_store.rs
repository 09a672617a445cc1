//! The sync engine's [`Store`] over IndexedDB: one account's messages, raw bytes and UIDL
//! state, each commit one transaction.
//!
//! Where a UIDL's state lives: in its message's metadata record (a `state` field) when the
//! message is stored under that UIDL, else in its own record of [`UIDL_STATE`] (a message
//! deleted here, the same message under a second UIDL, states written before states moved
//! into the metadata). One put less per downloaded message: a sync writes two records per
//! message, not three, and that is where its time goes (`idb-layout-bench`,
//! docs/benchmarks.md). A state in the metadata is the newer, whenever both exist.

use std::collections::{HashMap, HashSet};

use cartero_shared::sync::engine::{Record, Store, Stored};
use cartero_shared::sync::{Identity, LastLogin, Status, UidlState};
use rexie::{KeyRange, TransactionMode};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};

use super::record::{flag_field, text_field};
use crate::mime::facts::facts;
use crate::mime::render::{SearchText, summarize_for_search};
use crate::model::MessageMeta;
use crate::model::folder::{self, Tally};
use crate::model::rules::{self, Outcome, Rule};
use crate::model::terms::{Searchable, terms_of};
use crate::model::thread;
use crate::store::counters;
use crate::store::db::{
    self, BY_ACCOUNT, COUNTERS, DOCS, MESSAGES, RAW, SETTINGS, SYNC_META, StoreError, TERMS,
    UIDL_STATE,
};
use crate::store::messages::raw_record;

/// A UIDL state as stored: the engine's state plus its keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct StateRecord {
    key: String,
    account: String,
    uidl: String,
    status: Status,
    first_seen_ms: f64,
    hash: String,
    message_id: Option<String>,
}

impl StateRecord {
    pub(super) fn new(account: &str, state: UidlState) -> StateRecord {
        StateRecord {
            key: MessageMeta::key(account, &state.uidl),
            account: account.to_owned(),
            uidl: state.uidl,
            status: state.status,
            first_seen_ms: state.first_seen_ms,
            hash: state.hash,
            message_id: state.message_id,
        }
    }

    pub(super) fn into_state(self) -> UidlState {
        UidlState {
            uidl: self.uidl,
            status: self.status,
            first_seen_ms: self.first_seen_ms,
            hash: self.hash,
            message_id: self.message_id,
        }
    }
}

/// A UIDL's state as kept in its message's metadata record (the record has the UIDL).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct InlineState {
    status: Status,
    first_seen_ms: f64,
    hash: String,
    message_id: Option<String>,
}

impl InlineState {
    fn new(state: &UidlState) -> InlineState {
        InlineState {
            status: state.status,
            first_seen_ms: state.first_seen_ms,
            hash: state.hash.clone(),
            message_id: state.message_id.clone(),
        }
    }

    pub(super) fn into_state(self, uidl: String) -> UidlState {
        UidlState {
            uidl,
            status: self.status,
            first_seen_ms: self.first_seen_ms,
            hash: self.hash,
            message_id: self.message_id,
        }
    }
}

/// What `load` (and deleting here) reads of a metadata record.
#[derive(Deserialize)]
pub(super) struct WithState {
    pub(super) account: String,
    pub(super) uidl: String,
    #[serde(default)]
    pub(super) state: Option<InlineState>,
}

/// The state of a message stored before UIDL states existed (schema 1): kept, first seen
/// now, its hash and Message-ID unknown.
pub(super) fn stored_without_state(uidl: String) -> UidlState {
    UidlState {
        uidl,
        status: Status::Kept,
        first_seen_ms: js_sys::Date::now(),
        hash: String::new(),
        message_id: None,
    }
}

/// The field of a metadata record that holds its UIDL state.
pub(super) const STATE_FIELD: &str = "state";

/// What the worker remembers of an account between syncs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SyncMeta {
    /// The account id (the record's key).
    pub account: String,
    /// How its messages are told apart, once the first sync decided.
    pub identity: Option<Identity>,
    /// The last successful login and the server's `LOGIN-DELAY`.
    pub last_login: Option<LastLogin>,
}

/// The account's sync facts (empty for an account that never synced).
pub async fn sync_meta(account: &str) -> Result<SyncMeta, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[SYNC_META], TransactionMode::ReadOnly)?;
    let value = tx.store(SYNC_META)?.get(JsValue::from_str(account)).await?;
    tx.done().await?;
    match value {
        Some(v) if !v.is_undefined() => Ok(serde_wasm_bindgen::from_value(v)?),
        _ => Ok(SyncMeta {
            account: account.to_owned(),
            ..SyncMeta::default()
        }),
    }
}

/// Saves the account's sync facts.
pub async fn save_sync_meta(meta: &SyncMeta) -> Result<(), StoreError> {
    let value = serde_wasm_bindgen::to_value(meta)?;
    let db = db::open().await?;
    let tx = db.transaction(&[SYNC_META], TransactionMode::ReadWrite)?;
    tx.store(SYNC_META)?.put(&value, None).await?;
    committed(tx.done().await?)
}

pub(super) fn committed(state: rexie::TransactionResult) -> Result<(), StoreError> {
    if state.is_committed() {
        Ok(())
    } else {
        Err(StoreError::Failed("the save was aborted".into()))
    }
}

/// The origin's storage use and quota, in bytes (`navigator.storage.estimate()`, which
/// workers have too); `None` where the browser does not say.
async fn storage_estimate() -> Option<(f64, f64)> {
    let navigator = js_sys::Reflect::get(&js_sys::global(), &"navigator".into()).ok()?;
    let storage = js_sys::Reflect::get(&navigator, &"storage".into()).ok()?;
    let estimate: js_sys::Function = js_sys::Reflect::get(&storage, &"estimate".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let promise: js_sys::Promise = estimate.call0(&storage).ok()?.dyn_into().ok()?;
    let answer = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let field = |name: &str| js_sys::Reflect::get(&answer, &name.into()).ok()?.as_f64();
    Some((field("usage")?, field("quota")?))
}

/// Why a commit of `octets` was aborted. Chromium aborts a transaction that would pass
/// the quota at commit time, without an error on any request: the estimate tells.
async fn abort_reason(octets: usize) -> StoreError {
    match storage_estimate().await {
        Some((usage, quota)) if usage + octets as f64 >= quota => StoreError::Full,
        Some((usage, quota)) => StoreError::Failed(format!(
            "the save was aborted, with {:.1} of {:.1} MB in use",
            usage / 1e6,
            quota / 1e6
        )),
        None => StoreError::Failed("the save was aborted".into()),
    }
}

/// One account's store, as the engine sees it. `saved` hears of every committed batch's
/// message metadata, and how many of them are new and unread in the Inbox (the worker
/// broadcasts it to the tabs).
pub struct IdbStore<F> {
    account: String,
    /// UIDLs of messages the person opened (their bodies are fetched): stored read.
    opened: HashSet<String>,
    saved: F,
    /// The person's rules (those on), applied to each new message.
    rules: Vec<Rule>,
    /// States made up by `load` for schema-1 messages, written by `set_identity`.
    legacy: Vec<UidlState>,
}

impl<F: FnMut(Vec<MessageMeta>, u32)> IdbStore<F> {
    /// The store of `account`; messages in `opened` are stored read; `rules` file new ones.
    pub fn new(account: &str, opened: HashSet<String>, rules: Vec<Rule>, saved: F) -> Self {
        IdbStore {
            account: account.to_owned(),
            opened,
            saved,
            rules: rules.into_iter().filter(|r| r.enabled).collect(),
            legacy: Vec::new(),
        }
    }

    /// What the rules decide for a new message (nothing is read when there are none).
    fn decide(&self, raw: &[u8]) -> Outcome {
        match self.rules.is_empty() {
            true => Outcome::default(),
            false => rules::decide(&self.rules, &facts(raw, &self.account)),
        }
    }

    /// The message's metadata, and what search reads of it.
    fn meta(&self, record: &Record, raw: &[u8]) -> (MessageMeta, SearchText) {
        let (summary, text) = summarize_for_search(raw);
        let thread = thread::key(&self.account, &record.state.uidl, summary.thread.as_deref());
        let meta = MessageMeta {
            thread: Some(thread),
            id: MessageMeta::key(&self.account, &record.state.uidl),
            account: self.account.clone(),
            uidl: record.state.uidl.clone(),
            from: summary.from,
            from_address: summary.from_address,
            subject: summary.subject,
            date_ms: summary.date_ms,
            size: raw.len() as u64,
            attachments: summary.attachments,
            partial: record.state.status == Status::HeadersOnly,
            unread: !self.opened.contains(&record.state.uidl),
            folder: folder::inbox(),
            flagged: false,
            ..MessageMeta::default()
        };
        (meta, text)
    }
}

impl<F: FnMut(Vec<MessageMeta>, u32)> Store for IdbStore<F> {
    type Error = StoreError;

    async fn load(&mut self) -> Result<Stored, StoreError> {
        let identity = sync_meta(&self.account).await?.identity;
        let db = db::open().await?;
        let tx = db.transaction(&[UIDL_STATE, MESSAGES], TransactionMode::ReadOnly)?;
        let own = tx
            .store(UIDL_STATE)?
            .index(BY_ACCOUNT)?
            .get_all(Some(of_account(&self.account)?), None)
            .await?;
        let messages = tx
            .store(MESSAGES)?
            .index(BY_ACCOUNT)?
            .get_all(Some(of_account(&self.account)?), None)
            .await?;
        tx.done().await?;
        let mut states = HashMap::with_capacity(own.len().max(messages.len()));
        for value in own {
            let record: StateRecord = serde_wasm_bindgen::from_value(value)?;
            states.insert(record.uidl.clone(), record.into_state());
        }
        // A state in the metadata is the newer (see the module's note).
        let mut stateless = Vec::new();
        for value in messages {
            let record: WithState = serde_wasm_bindgen::from_value(value)?;
            match record.state {
                Some(state) => {
                    let state = state.into_state(record.uidl);
                    states.insert(state.uidl.clone(), state);
                }
                None => stateless.push(record.uidl),
            }
        }
        if identity.is_none() {
            // Messages stored before UIDL state existed (schema 1) get a state of their
            // own, so the first sync under schema 2 neither fetches nor forgets them.
            self.legacy = stateless
                .into_iter()
                .filter(|uidl| !states.contains_key(uidl))
                .map(stored_without_state)
                .collect();
            for state in &self.legacy {
                states.insert(state.uidl.clone(), state.clone());
            }
        }
        Ok(Stored { identity, states })
    }

    async fn set_identity(&mut self, identity: Identity) -> Result<(), StoreError> {
        // Legacy messages' states are written with the decision, so they stay known.
        let legacy: Vec<Record> = std::mem::take(&mut self.legacy)
            .into_iter()
            .map(|state| Record { state, raw: None })
            .collect();
        if !legacy.is_empty() {
            self.commit(legacy).await?;
        }
        let mut meta = sync_meta(&self.account).await?;
        meta.identity = Some(identity);
        save_sync_meta(&meta).await
    }

    async fn commit(&mut self, batch: Vec<Record>) -> Result<(), StoreError> {
        // Build every value that needs no read before the transaction opens: awaiting
        // anything but its own requests inside an IndexedDB transaction lets it commit early.
        let mut states = Vec::new();
        let mut raws_out = Vec::with_capacity(batch.len());
        let mut metas = Vec::new();
        let mut inline = Vec::new();
        let mut outcomes = Vec::new();
        let mut index = super::index::Batch::default();
        let octets: usize = batch
            .iter()
            .filter_map(|r| r.raw.as_ref())
            .map(Vec::len)
            .sum();
        for record in &batch {
            let Some(raw) = &record.raw else {
                let state = StateRecord::new(&self.account, record.state.clone());
                states.push(serde_wasm_bindgen::to_value(&state)?);
                continue;
            };
            let (meta, text) = self.meta(record, raw);
            index.add(meta.id.clone(), terms_of(&searchable(&meta, &text)));
            outcomes.push(self.decide(raw));
            inline.push(serde_wasm_bindgen::to_value(&InlineState::new(
                &record.state,
            ))?);
            raws_out.push(raw_record(&meta.id, raw)?);
            metas.push(meta);
        }
        let db = db::open().await?;
        let tx = db.transaction(
            &[MESSAGES, RAW, UIDL_STATE, COUNTERS, TERMS, DOCS, SETTINGS],
            TransactionMode::ReadWrite,
        )?;
        let meta_store = tx.store(MESSAGES)?;
        let raw_store = tx.store(RAW)?;
        let state_store = tx.store(UIDL_STATE)?;
        // A message stored again (a headers-only one whose body came) keeps where the
        // person filed it and their marks. All reads (the index's too) are issued in one turn.
        let before = futures_util::future::try_join_all(
            metas
                .iter()
                .map(|m| meta_store.get(JsValue::from_str(&m.id))),
        );
        // A rule read when the sync started may file into a folder deleted since: its
        // mail stays in the Inbox instead of a folder no longer listed.
        let settings = tx.store(SETTINGS)?;
        let files_in_own = outcomes
            .iter()
            .any(|o| o.folder.as_deref().is_some_and(|f| !folder::is_built_in(f)));
        let own_folders = async {
            match files_in_own {
                true => crate::store::settings::folder_ids_in(&settings).await,
                false => Ok(Vec::new()),
            }
        };
        let threads = metas.iter().filter_map(|m| m.thread.clone()).collect();
        let (before, read, own_folders, conversations) = futures_util::future::try_join4(
            async { before.await.map_err(StoreError::from) },
            index.read(&tx),
            own_folders,
            super::threads::read(&meta_store, &threads),
        )
        .await?;
        let first_doc = read.first();
        let mut tally = Tally::default();
        let mut fresh = 0;
        let each = metas.iter_mut().zip(before).zip(outcomes);
        for (place, ((meta, old), outcome)) in each.enumerate() {
            meta.doc = Some(first_doc + place as u32);
            match old.filter(|v| !v.is_undefined()) {
                Some(old) => {
                    meta.folder = text_field(&old, "folder").unwrap_or_else(folder::inbox);
                    meta.flagged = flag_field(&old, "flagged");
                    let was_unread = flag_field(&old, "unread");
                    meta.unread &= was_unread;
                    tally.count(&self.account, &meta.folder, was_unread, -1);
                }
                None => {
                    // New here: filed by the rules, in this transaction.
                    if let Some(folder) = outcome.folder
                        && (folder::is_built_in(&folder) || own_folders.contains(&folder))
                    {
                        meta.folder = folder;
                    }
                    meta.unread &= !outcome.read;
                    meta.flagged = outcome.flagged;
                    fresh += u32::from(meta.unread && meta.folder == folder::INBOX);
                }
            }
            tally.count(&self.account, &meta.folder, meta.unread, 1);
            meta.set_key_fields();
        }
        // Heads are decided before the batch is written, so its records are put once.
        let mut metas_out = super::threads::settle_batch(&threads, conversations, &mut metas)?;
        for (meta, state) in metas.iter().zip(inline) {
            let value = serde_wasm_bindgen::to_value(meta)?;
            js_sys::Reflect::set(&value, &STATE_FIELD.into(), &state)
                .map_err(|_| StoreError::Failed("cannot build a record".into()))?;
            metas_out.push(value);
        }
        // Every write is issued at once and only the last of each store awaited: one
        // await per request cost a trip through the event loop each, 87 % of a 5,000
        // message sync (docs/benchmarks.md). A failed request aborts the transaction.
        raw_store
            .put_all(raws_out.into_iter().map(|v| (v, None)))
            .await?;
        meta_store
            .put_all(metas_out.into_iter().map(|v| (v, None)))
            .await?;
        state_store
            .put_all(states.into_iter().map(|v| (v, None)))
            .await?;
        counters::apply(&tx.store(COUNTERS)?, &tally).await?;
        if !index.is_empty() {
            index.write(&tx, read, false).await?;
        }
        if !tx.done().await?.is_committed() {
            return Err(abort_reason(octets).await);
        }
        if !metas.is_empty() {
            (self.saved)(metas, fresh);
        }
        Ok(())
    }

    async fn prune(&mut self, gone: Vec<String>) -> Result<(), StoreError> {
        let keys: Vec<JsValue> = gone
            .iter()
            .map(|uidl| JsValue::from_str(&MessageMeta::key(&self.account, uidl)))
            .collect();
        let db = db::open().await?;
        let tx = db.transaction(&[UIDL_STATE, MESSAGES], TransactionMode::ReadWrite)?;
        let states = tx.store(UIDL_STATE)?;
        let messages = tx.store(MESSAGES)?;
        // Polled together, so every request is issued in one turn of the event loop.
        futures_util::future::try_join_all(keys.iter().map(|key| states.delete(key.clone())))
            .await?;
        let records =
            futures_util::future::try_join_all(keys.iter().map(|key| messages.get(key.clone())))
                .await?;
        // The message stays on this device; only what it said about the server goes.
        let mut stripped = Vec::new();
        let field = JsValue::from_str(STATE_FIELD);
        for record in records.into_iter().flatten() {
            let Ok(object) = record.dyn_into::<js_sys::Object>() else {
                continue;
            };
            if js_sys::Reflect::has(&object, &field).unwrap_or(false) {
                js_sys::Reflect::delete_property(&object, &field)
                    .map_err(|_| StoreError::Failed("cannot change a record".into()))?;
                stripped.push((object.into(), None));
            }
        }
        messages.put_all(stripped.into_iter()).await?;
        committed(tx.done().await?)
    }
}

/// What search reads of a message being stored.
fn searchable<'a>(meta: &'a MessageMeta, text: &'a SearchText) -> Searchable<'a> {
    Searchable {
        from: &meta.from,
        from_address: &meta.from_address,
        subject: &meta.subject,
        to: &text.to,
        body: &text.body,
        attachments: meta.attachments,
    }
}

/// The key range of an account's records in an index by account.
fn of_account(account: &str) -> Result<KeyRange, StoreError> {
    KeyRange::only(&JsValue::from_str(account)).map_err(|e| StoreError::Failed(e.to_string()))
}
