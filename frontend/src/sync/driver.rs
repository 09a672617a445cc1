//! The sync driver: runs one POP3 session through the relay, downloads what the planner
//! asks for, and commits it to IndexedDB in batches.
//!
//! Data safety: nothing is deleted on the server (the default policy leaves mail there),
//! and a message counts as saved only once the transaction holding it has committed. A
//! cut anywhere loses at most the batch in flight, which the next sync fetches again; the
//! store key `account/uidl` makes a refetch overwrite, never duplicate.

use std::collections::HashMap;
use std::pin::pin;
use std::time::Duration;

use cartero_shared::pop3::Error;
use cartero_shared::pop3::{
    Capabilities, Client, Command, Credentials, Event, Handle, Interrupt, Io, Options, Reply,
    RespCode, Secret, SecretKind, ServerError, choose_method,
};
use cartero_shared::pop3::{MsgNum, UidlEntry};
use cartero_shared::sync::{ServerMessage, header_fingerprint, join_listing, plan};
use cartero_shared::wire::{ConnectQuery, Security};
use futures_util::future::{Either, select};

use super::SyncError;
use super::socket::RelaySocket;
use crate::mime::render::summarize;
use crate::state::{Account, MessageMeta, SyncPhase};
use crate::store::messages::{self, NewMessage};

/// Commit after this many messages…
const BATCH_MESSAGES: usize = 25;
/// …or this many bytes, whichever comes first.
const BATCH_BYTES: usize = 4 * 1024 * 1024;

struct Session {
    client: Client,
    socket: RelaySocket,
}

impl Session {
    /// Drives the client until it has an event, doing the I/O it asks for and keeping
    /// its clock: a server that stops answering ends the sync instead of hanging it.
    async fn next_event(&mut self) -> Result<Event, SyncError> {
        loop {
            match self.client.next() {
                Ok(event) => return Ok(event),
                Err(Interrupt::Io(Io::Output(bytes))) => {
                    self.socket.send(bytes).await?;
                    self.client.handle_timeout(now());
                }
                Err(Interrupt::Io(Io::NeedMoreInput)) => {
                    let Some(deadline) = self.client.poll_timeout() else {
                        let bytes = self.socket.recv().await?;
                        self.client.feed(&bytes);
                        self.client.handle_timeout(now());
                        continue;
                    };
                    let timer = pin!(gloo_timers::future::sleep(deadline.saturating_sub(now())));
                    match select(pin!(self.socket.recv()), timer).await {
                        Either::Left((bytes, _)) => self.client.feed(&bytes?),
                        Either::Right(((), _)) => {}
                    }
                    self.client.handle_timeout(now());
                }
                Err(Interrupt::Error(Error::Timeout)) => return Err(SyncError::ConnectionLost),
                Err(Interrupt::Error(error)) => return Err(SyncError::Protocol(error.to_string())),
            }
        }
    }

    /// Sends one command and waits for its reply.
    async fn call(&mut self, command: Command) -> Result<Result<Reply, ServerError>, SyncError> {
        let handle = self.client.enqueue(command);
        loop {
            if let Event::Reply { handle: h, result } = self.next_event().await?
                && h == handle
            {
                return Ok(result);
            }
        }
    }

    /// `CAPA`, or `None` when the server does not support it.
    async fn capabilities(&mut self) -> Result<Option<Capabilities>, SyncError> {
        match self.call(Command::Capa).await? {
            Ok(Reply::Capa(caps)) => Ok(Some(caps)),
            _ => Ok(None),
        }
    }

    async fn start_tls(&mut self) -> Result<(), SyncError> {
        if !self.capabilities().await?.is_some_and(|c| c.has("STLS")) {
            return Err(SyncError::NoStls);
        }
        match self.call(Command::Stls).await? {
            Ok(_) => {}
            Err(e) => return Err(SyncError::Server(e.text)),
        }
        self.socket.start_tls().await?;
        self.client.tls_established();
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
        let auth_error = |e: cartero_shared::pop3::AuthError| SyncError::Protocol(e.to_string());
        let method = choose_method(caps, self.client.offers_apop(), credentials.kind, None)
            .map_err(auth_error)?;
        let handle = self
            .client
            .log_in(method, credentials, &random_nonce())
            .map_err(auth_error)?;
        loop {
            if let Event::Reply { handle: h, result } = self.next_event().await?
                && h == handle
            {
                let delay = caps.and_then(Capabilities::login_delay);
                return result.map(|_| ()).map_err(|e| match e.code {
                    Some(RespCode::Auth) | None => SyncError::WrongPassword(e.text),
                    Some(RespCode::InUse) => SyncError::MailboxInUse,
                    Some(RespCode::SysTemp) => SyncError::ServerBusy(e.text),
                    Some(RespCode::LoginDelay) => {
                        SyncError::LoginDelay(delay.map(|d| d.as_secs().div_ceil(60)))
                    }
                    Some(_) => SyncError::Server(e.text),
                });
            }
        }
    }

    /// The server's listing, and whether its identities are exact (`UIDL`) or header
    /// fingerprints (a server without `UIDL`; see `cartero_shared::sync::identity`).
    async fn listing(
        &mut self,
        caps: Option<&Capabilities>,
    ) -> Result<(Vec<ServerMessage>, bool), SyncError> {
        let server_error = |e: ServerError| SyncError::Server(e.text);
        let sizes = match self
            .call(Command::List(None))
            .await?
            .map_err(server_error)?
        {
            Reply::List(entries) => entries,
            other => return Err(SyncError::Protocol(format!("LIST answered {other:?}"))),
        };
        // CAPA lists UIDL when the server has it; without CAPA, ask.
        if caps.is_none_or(|c| c.has("UIDL"))
            && let Ok(Reply::Uidl(uidls)) = self.call(Command::Uidl(None)).await?
        {
            return Ok((join_listing(&uidls, &sizes), true));
        }
        let mut headers: HashMap<Handle, (MsgNum, Vec<u8>)> = sizes
            .iter()
            .map(|e| {
                (
                    self.client.enqueue(Command::Top(e.num, 0)),
                    (e.num, Vec::new()),
                )
            })
            .collect();
        let mut uidls = Vec::with_capacity(headers.len());
        while !headers.is_empty() {
            match self.next_event().await? {
                Event::Body { handle, chunk } => {
                    if let Some((_, block)) = headers.get_mut(&handle) {
                        block.extend_from_slice(&chunk);
                    }
                }
                Event::Reply { handle, result } => {
                    let Some((num, block)) = headers.remove(&handle) else {
                        continue;
                    };
                    result.map_err(server_error)?;
                    uidls.push(UidlEntry {
                        num,
                        uidl: header_fingerprint(&block),
                    });
                }
                Event::Greeting(_) => {}
            }
        }
        Ok((join_listing(&uidls, &sizes), false))
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
            .map(|m| (self.client.enqueue(Command::Retr(m.num)), m))
            .collect();
        let mut bodies: HashMap<Handle, Vec<u8>> = HashMap::new();
        let mut batch: Vec<NewMessage> = Vec::new();
        let mut batch_bytes = 0;
        let (mut finished, mut stored) = (0, 0);
        report(SyncPhase::Downloading { done: 0, total });
        while !pending.is_empty() || !batch.is_empty() {
            if !pending.is_empty() {
                let event = match self.next_event().await {
                    Ok(event) => event,
                    Err(error) => {
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

/// The page's monotonic clock (`performance.now()`), for the POP3 client's deadlines.
fn now() -> Duration {
    let ms = web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now());
    Duration::from_secs_f64(ms / 1000.0)
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
        client: Client::new(options),
        socket,
    };
    if account.security == Security::Starttls {
        report(SyncPhase::Securing);
        session.start_tls().await?;
    }
    // CAPA (again after STLS) gives the login methods and whether to pipeline.
    let caps = session.capabilities().await?;
    report(SyncPhase::LoggingIn);
    session
        .log_in(caps.as_ref(), &account.username, password)
        .await?;
    report(SyncPhase::Listing);
    let (listing, exact_ids) = session.listing(caps.as_ref()).await?;
    let stored = messages::stored_uidls(&account.id)
        .await
        .map_err(|e| SyncError::Storage(e.0))?;
    let plan = plan(&listing, |uidl| stored.contains(uidl.as_str()));
    let new = session
        .download(account, plan.fetch, &report, &saved)
        .await?;
    // QUIT ends the session cleanly; its failure cannot lose anything now.
    let _ = session.call(Command::Quit).await;
    session.socket.close().await;
    Ok(SyncReport { new, exact_ids })
}

/// What a finished sync did.
pub struct SyncReport {
    /// New messages saved.
    pub new: usize,
    /// False on a server without `UIDL`, where identities are header fingerprints.
    pub exact_ids: bool,
}
