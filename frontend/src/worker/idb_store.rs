//! The sync engine's [`Store`] over IndexedDB: one account's messages, raw bytes and UIDL
//! state, each commit one transaction.

use std::collections::{HashMap, HashSet};

use cartero_shared::sync::engine::{Record, Store, Stored};
use cartero_shared::sync::{Identity, LastLogin, Status, UidlState};
use rexie::{KeyRange, TransactionMode};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};

use crate::mime::render::summarize;
use crate::model::MessageMeta;
use crate::store::db::{self, BY_ACCOUNT, MESSAGES, RAW, SYNC_META, StoreError, UIDL_STATE};
use crate::store::messages::raw_record;

/// A UIDL state as stored: the engine's state plus its keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StateRecord {
    key: String,
    account: String,
    uidl: String,
    status: Status,
    first_seen_ms: f64,
    hash: String,
    message_id: Option<String>,
}

impl StateRecord {
    fn new(account: &str, state: UidlState) -> StateRecord {
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

    fn into_state(self) -> UidlState {
        UidlState {
            uidl: self.uidl,
            status: self.status,
            first_seen_ms: self.first_seen_ms,
            hash: self.hash,
            message_id: self.message_id,
        }
    }
}

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

fn committed(state: rexie::TransactionResult) -> Result<(), StoreError> {
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
/// message metadata (the worker broadcasts it to the tabs).
pub struct IdbStore<F> {
    account: String,
    /// UIDLs of messages the person opened (their bodies are fetched): stored read.
    opened: HashSet<String>,
    saved: F,
    /// States made up by `load` for schema-1 messages, written by `set_identity`.
    legacy: Vec<UidlState>,
}

impl<F: FnMut(Vec<MessageMeta>)> IdbStore<F> {
    /// The store of `account`; messages in `opened` are stored read.
    pub fn new(account: &str, opened: HashSet<String>, saved: F) -> Self {
        IdbStore {
            account: account.to_owned(),
            opened,
            saved,
            legacy: Vec::new(),
        }
    }

    fn meta(&self, record: &Record, raw: &[u8]) -> MessageMeta {
        let summary = summarize(raw);
        MessageMeta {
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
        }
    }

    /// Messages stored before UIDL state existed (schema 1) get a state of their own, so
    /// the first sync under schema 2 neither fetches nor forgets them.
    async fn legacy_states(&self) -> Result<Vec<UidlState>, StoreError> {
        let metas = crate::store::messages::list(&self.account).await?;
        Ok(metas
            .into_iter()
            .map(|m| UidlState {
                uidl: m.uidl,
                status: Status::Kept,
                first_seen_ms: js_sys::Date::now(),
                hash: String::new(),
                message_id: None,
            })
            .collect())
    }
}

impl<F: FnMut(Vec<MessageMeta>)> Store for IdbStore<F> {
    type Error = StoreError;

    async fn load(&mut self) -> Result<Stored, StoreError> {
        let identity = sync_meta(&self.account).await?.identity;
        let db = db::open().await?;
        let tx = db.transaction(&[UIDL_STATE], TransactionMode::ReadOnly)?;
        let range = KeyRange::only(&JsValue::from_str(&self.account))
            .map_err(|e| StoreError::Failed(e.to_string()))?;
        let values = tx
            .store(UIDL_STATE)?
            .index(BY_ACCOUNT)?
            .get_all(Some(range), None)
            .await?;
        tx.done().await?;
        let mut states = HashMap::with_capacity(values.len());
        for value in values {
            let record: StateRecord = serde_wasm_bindgen::from_value(value)?;
            states.insert(record.uidl.clone(), record.into_state());
        }
        if identity.is_none() {
            self.legacy = self.legacy_states().await?;
            self.legacy.retain(|s| !states.contains_key(&s.uidl));
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
        // Build every value before the transaction opens: awaiting anything else inside an
        // IndexedDB transaction lets it auto-commit early.
        let mut states = Vec::with_capacity(batch.len());
        let mut messages = Vec::with_capacity(batch.len());
        let mut metas = Vec::new();
        let octets: usize = batch
            .iter()
            .filter_map(|r| r.raw.as_ref())
            .map(Vec::len)
            .sum();
        for record in &batch {
            let state = StateRecord::new(&self.account, record.state.clone());
            states.push(serde_wasm_bindgen::to_value(&state)?);
            if let Some(raw) = &record.raw {
                let meta = self.meta(record, raw);
                messages.push((
                    serde_wasm_bindgen::to_value(&meta)?,
                    raw_record(&meta.id, raw)?,
                ));
                metas.push(meta);
            }
        }
        let db = db::open().await?;
        let tx = db.transaction(&[MESSAGES, RAW, UIDL_STATE], TransactionMode::ReadWrite)?;
        let meta_store = tx.store(MESSAGES)?;
        let raw_store = tx.store(RAW)?;
        let state_store = tx.store(UIDL_STATE)?;
        // Every request is issued at once and only the last of each store awaited: one
        // await per request cost a trip through the event loop each, 87 % of a 5,000
        // message sync (docs/benchmarks.md). A failed request aborts the transaction.
        let (metas_out, raws_out): (Vec<_>, Vec<_>) = messages.into_iter().unzip();
        raw_store
            .put_all(raws_out.into_iter().map(|v| (v, None)))
            .await?;
        meta_store
            .put_all(metas_out.into_iter().map(|v| (v, None)))
            .await?;
        state_store
            .put_all(states.into_iter().map(|v| (v, None)))
            .await?;
        if !tx.done().await?.is_committed() {
            return Err(abort_reason(octets).await);
        }
        if !metas.is_empty() {
            (self.saved)(metas);
        }
        Ok(())
    }

    async fn prune(&mut self, gone: Vec<String>) -> Result<(), StoreError> {
        let db = db::open().await?;
        let tx = db.transaction(&[UIDL_STATE], TransactionMode::ReadWrite)?;
        let store = tx.store(UIDL_STATE)?;
        let deletes = gone
            .iter()
            .map(|uidl| store.delete(JsValue::from_str(&MessageMeta::key(&self.account, uidl))));
        // Polled together, so every request is issued in one turn of the event loop.
        futures_util::future::try_join_all(deletes).await?;
        committed(tx.done().await?)
    }
}
