//! The sync driver: runs one POP3 session through the relay, downloads what the planner
//! asks for, and commits it to IndexedDB in batches.
//!
//! Data safety: nothing is deleted on the server (the default policy leaves mail there),
//! and a message counts as saved only once the transaction holding it has committed. A
//! cut anywhere loses at most the batch in flight, which the next sync fetches again; the
//! store key `account/uidl` makes a refetch overwrite, never duplicate.

use std::collections::HashMap;

use cartero_shared::drive::{DriveError, Listing};
use cartero_shared::pop3::{
    Capabilities, Client, Command, Credentials, Error, Event, Handle, Options, Reply, RespCode,
    Secret, SecretKind, choose_method,
};
use cartero_shared::sync::{ServerMessage, plan};
use cartero_shared::wire::{ConnectQuery, Security};

use super::SyncError;
use super::socket::{BrowserClock, RelaySocket};
use crate::mime::render::summarize;
use crate::state::{Account, MessageMeta, SyncPhase};
use crate::store::logins;
use crate::store::messages::{self, NewMessage};

/// Commit after this many messages…
const BATCH_MESSAGES: usize = 25;
/// …or this many bytes, whichever comes first.
const BATCH_BYTES: usize = 4 * 1024 * 1024;

/// The shared driver over the relay's WebSocket and the page's clock.
type Driver = cartero_shared::drive::Driver<RelaySocket, BrowserClock>;

/// What the person is told about a driven session's failure.
fn sync_error(error: DriveError<SyncError>) -> SyncError {
    match error {
        DriveError::Transport(e) => e,
        DriveError::Protocol(Error::Timeout) => SyncError::ConnectionLost,
        DriveError::Protocol(e) => SyncError::Protocol(e.to_string()),
        DriveError::Login(e) => SyncError::Protocol(e.to_string()),
        DriveError::Server(e) => SyncError::Server(e.text),
    }
}

/// A refused login, by the server's response code (RFC 2449 §8, RFC 3206).
fn login_error(error: DriveError<SyncError>, caps: Option<&Capabilities>) -> SyncError {
    let DriveError::Server(e) = error else {
        return sync_error(error);
    };
    match e.code {
        Some(RespCode::Auth) | None => SyncError::WrongPassword(e.text),
        Some(RespCode::InUse) => SyncError::MailboxInUse,
        Some(RespCode::SysTemp) => SyncError::ServerBusy(e.text),
        Some(RespCode::LoginDelay) => SyncError::LoginDelay(
            caps.and_then(Capabilities::login_delay)
                .map(|d| d.as_secs().div_ceil(60)),
        ),
        Some(_) => SyncError::Server(e.text),
    }
}

struct Session {
    driver: Driver,
}

impl Session {
    async fn start_tls(&mut self) -> Result<(), SyncError> {
        let caps = self.driver.capabilities().await.map_err(sync_error)?;
        if !caps.is_some_and(|c| c.has("STLS")) {
            return Err(SyncError::NoStls);
        }
        self.driver.call(Command::Stls).await.map_err(sync_error)?;
        self.driver.transport.start_tls().await?;
        self.driver.client.tls_established();
        Ok(())
    }

    /// Logs in with the strongest method the server offers.
    async fn log_in(
        &mut self,
        caps: Option<&Capabilities>,
        user: &str,
        password: String,
    ) -> Result<(), SyncError> {
        let credentials = Credentials {
            user: user.to_owned(),
            secret: Secret::new(password),
            kind: SecretKind::Password,
        };
        let offers_apop = self.driver.client.offers_apop();
        let method = choose_method(caps, offers_apop, credentials.kind, None)
            .map_err(|e| SyncError::Protocol(e.to_string()))?;
        self.driver
            .log_in(method, credentials, &random_nonce())
            .await
            .map_err(|e| login_error(e, caps))
    }

    /// Downloads `wanted` (pipelined when the server allows) and commits in batches.
    async fn download(
        &mut self,
        account: &Account,
        wanted: Vec<ServerMessage>,
        report: &impl Fn(SyncPhase),
        saved: &impl Fn(Vec<MessageMeta>),
    ) -> Result<usize, SyncError> {
        let total = wanted.len();
        let mut pending: HashMap<Handle, ServerMessage> = wanted
            .into_iter()
            .map(|m| (self.driver.client.enqueue(Command::Retr(m.num)), m))
            .collect();
        let mut bodies: HashMap<Handle, Vec<u8>> = HashMap::new();
        let mut batch: Vec<NewMessage> = Vec::new();
        let mut batch_bytes = 0;
        let (mut finished, mut stored) = (0, 0);
        report(SyncPhase::Downloading { done: 0, total });
        while !pending.is_empty() || !batch.is_empty() {
            if !pending.is_empty() {
                let event = match self.driver.next_event().await {
                    Ok(event) => event,
                    Err(error) => {
                        let error = sync_error(error);
                        // The link failed: keep the whole messages already received, so the
                        // next sync does not fetch them again, then report the failure.
                        if !batch.is_empty() {
                            messages::commit(&batch)
                                .await
                                .map_err(|e| SyncError::Storage(e.0))?;
                            saved(batch.drain(..).map(|m| m.meta).collect());
                        }
                        return Err(error);
                    }
                };
                match event {
                    Event::Body { handle, chunk } => {
                        bodies.entry(handle).or_default().extend_from_slice(&chunk);
                        continue;
                    }
                    Event::Reply { handle, result } => {
                        let Some(message) = pending.remove(&handle) else {
                            continue;
                        };
                        finished += 1;
                        let raw = bodies.remove(&handle).unwrap_or_default();
                        // A message another client deleted meanwhile (-ERR) is skipped.
                        if let Ok(Reply::BodyEnd) = result {
                            batch_bytes += raw.len();
                            batch.push(new_message(account, &message, raw));
                        }
                    }
                    Event::Greeting(_) => continue,
                }
            }
            let batch_full = batch.len() >= BATCH_MESSAGES || batch_bytes >= BATCH_BYTES;
            if !batch.is_empty() && (batch_full || pending.is_empty()) {
                messages::commit(&batch)
                    .await
                    .map_err(|e| SyncError::Storage(e.0))?;
                stored += batch.len();
                saved(batch.drain(..).map(|m| m.meta).collect());
                batch_bytes = 0;
                report(SyncPhase::Downloading {
                    done: finished,
                    total,
                });
            }
        }
        Ok(stored)
    }
}

/// 18 random bytes from the browser's CSPRNG (SCRAM's client nonce).
fn random_nonce() -> [u8; 18] {
    let mut nonce = [0u8; 18];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut nonce).is_ok());
    if !filled {
        // No Web Crypto (only very old browsers): the server's own nonce still makes each
        // exchange unique; what weakens is the client's guard against a replaying server.
        nonce.fill(0);
    }
    nonce
}

fn new_message(account: &Account, message: &ServerMessage, raw: Vec<u8>) -> NewMessage {
    let summary = summarize(&raw);
    NewMessage {
        meta: MessageMeta {
            id: MessageMeta::key(&account.id, message.uidl.as_str()),
            account: account.id.clone(),
            uidl: message.uidl.as_str().to_owned(),
            from: summary.from,
            from_address: summary.from_address,
            subject: summary.subject,
            date_ms: summary.date_ms,
            size: raw.len() as u64,
            attachments: summary.attachments,
        },
        raw,
    }
}

/// Syncs `account`.
pub async fn run(
    account: &Account,
    password: String,
    report: impl Fn(SyncPhase),
    saved: impl Fn(Vec<MessageMeta>),
) -> Result<SyncReport, SyncError> {
    let query = ConnectQuery {
        host: account.host.clone(),
        port: account.port,
        security: account.security,
    };
    let (socket, _tls) = RelaySocket::open(&query).await?;
    let mut options = Options::default();
    // The person chose "none" after a warning; otherwise never send a readable secret.
    options.require_tls = account.security != Security::None;
    options.secure_transport = account.security == Security::Tls;
    let mut session = Session {
        driver: Driver::new(Client::new(options), socket, BrowserClock),
    };
    if account.security == Security::Starttls {
        report(SyncPhase::Securing);
        session.start_tls().await?;
    }
    // CAPA (again after STLS) gives the login methods and whether to pipeline.
    let caps = session.driver.capabilities().await.map_err(sync_error)?;
    report(SyncPhase::LoggingIn);
    session
        .log_in(caps.as_ref(), &account.username, password)
        .await?;
    // The next sync waits out the server's LOGIN-DELAY instead of being refused.
    let delay = caps.as_ref().and_then(|c| c.login_delay());
    logins::record(&account.id, delay.map_or(0, |d| d.as_secs()));
    report(SyncPhase::Listing);
    let Listing {
        messages: listing,
        exact_ids,
    } = session.driver.listing().await.map_err(sync_error)?;
    let stored = messages::stored_uidls(&account.id)
        .await
        .map_err(|e| SyncError::Storage(e.0))?;
    let plan = plan(&listing, |uidl| stored.contains(uidl.as_str()));
    let new = session
        .download(account, plan.fetch, &report, &saved)
        .await?;
    // QUIT ends the session cleanly; its failure cannot lose anything now.
    let _ = session.driver.quit().await;
    session.driver.transport.close().await;
    Ok(SyncReport { new, exact_ids })
}

/// What a finished sync did.
pub struct SyncReport {
    /// New messages saved.
    pub new: usize,
    /// False on a server without `UIDL`, where identities are header fingerprints.
    pub exact_ids: bool,
}
