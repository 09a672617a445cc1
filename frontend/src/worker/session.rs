//! One sync of one account, in the worker: wait out `LOGIN-DELAY`, open the relay session,
//! secure and log in, then hand the session to `shared::sync::engine`.

use cartero_shared::drive::DriveError;
use cartero_shared::pop3::{
    Capabilities, Client, Command, Credentials, Error, Options, RespCode, Secret, SecretKind,
    choose_method,
};
use cartero_shared::sync::engine::{self, Progress, SyncOptions};
use cartero_shared::sync::{Identity, LastLogin};
use cartero_shared::wire::{ConnectQuery, Security};

use super::idb_store::{self, IdbStore};
use super::socket::{BrowserClock, RelaySocket};
use crate::model::{Account, MessageMeta, SyncError, SyncPhase};
use crate::store::db::StoreError;

/// The shared driver over the relay's WebSocket and the worker's clock.
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

/// A storage failure, as the sync reports it.
pub fn storage_error(error: StoreError) -> SyncError {
    match error {
        StoreError::Full => SyncError::StorageFull,
        StoreError::Failed(words) => SyncError::Storage(words),
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

/// 18 random bytes from the CSPRNG (SCRAM's client nonce).
fn random_nonce() -> [u8; 18] {
    let mut nonce = [0u8; 18];
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into())
        .ok()
        .and_then(|c| wasm_bindgen::JsCast::dyn_into::<web_sys::Crypto>(c).ok());
    let filled = crypto.is_some_and(|c| c.get_random_values_with_u8_array(&mut nonce).is_ok());
    if !filled {
        // No Web Crypto (only very old browsers): the server's own nonce still makes each
        // exchange unique; what weakens is the client's guard against a replaying server.
        nonce.fill(0);
    }
    nonce
}

/// What one sync needs besides the account.
pub struct SyncRequest {
    /// The password to log in with.
    pub password: String,
    /// The relay's WebSocket origin.
    pub relay: String,
    /// Wall clock now (ms since the epoch).
    pub now_ms: f64,
    /// Headers-only messages whose body to fetch.
    pub bodies: Vec<String>,
}

async fn connect(
    account: &Account,
    relay: &str,
    report: &impl Fn(SyncPhase),
) -> Result<Driver, SyncError> {
    let query = ConnectQuery {
        host: account.host.clone(),
        port: account.port,
        security: account.security,
    };
    let (socket, _tls) = RelaySocket::open(relay, &query).await?;
    let mut options = Options::default();
    // The person chose "none" after a warning; otherwise never send a readable secret.
    options.require_tls = account.security != Security::None;
    options.secure_transport = account.security == Security::Tls;
    let mut driver = Driver::new(Client::new(options), socket, BrowserClock);
    if account.security == Security::Starttls {
        report(SyncPhase::Securing);
        let caps = driver.capabilities().await.map_err(sync_error)?;
        if !caps.is_some_and(|c| c.has("STLS")) {
            return Err(SyncError::NoStls);
        }
        driver.call(Command::Stls).await.map_err(sync_error)?;
        driver.transport.start_tls().await?;
        driver.client.tls_established();
    }
    Ok(driver)
}

/// Logs in with the strongest method the server offers; returns the server's
/// `LOGIN-DELAY` in seconds (0 when it announced none).
async fn log_in(driver: &mut Driver, user: &str, password: String) -> Result<u64, SyncError> {
    // CAPA (again after STLS) gives the login methods and whether to pipeline.
    let caps = driver.capabilities().await.map_err(sync_error)?;
    let credentials = Credentials {
        user: user.to_owned(),
        secret: Secret::new(password),
        kind: SecretKind::Password,
    };
    let method = choose_method(
        caps.as_ref(),
        driver.client.offers_apop(),
        credentials.kind,
        None,
    )
    .map_err(|e| SyncError::Protocol(e.to_string()))?;
    driver
        .log_in(method, credentials, &random_nonce())
        .await
        .map_err(|e| login_error(e, caps.as_ref()))?;
    Ok(caps
        .as_ref()
        .and_then(Capabilities::login_delay)
        .map_or(0, |d| d.as_secs()))
}

/// Waits out the server's `LOGIN-DELAY` from the last login this device remembers.
async fn wait_login_delay(account: &str, report: &impl Fn(SyncPhase)) -> Result<(), SyncError> {
    let meta = idb_store::sync_meta(account).await.map_err(storage_error)?;
    let now = js_sys::Date::now();
    let Some(last) = meta.last_login else {
        return Ok(());
    };
    if let Some(wait) = last.wait_at(now) {
        report(SyncPhase::Waiting {
            until_ms: now + wait.as_millis() as f64,
            delay_minutes: last.delay_secs.div_ceil(60),
        });
        gloo_timers::future::sleep(wait).await;
    }
    Ok(())
}

async fn remember_login(account: &str, delay_secs: u64) -> Result<(), SyncError> {
    let mut meta = idb_store::sync_meta(account).await.map_err(storage_error)?;
    meta.last_login = Some(LastLogin {
        at_ms: js_sys::Date::now(),
        delay_secs,
    });
    idb_store::save_sync_meta(&meta)
        .await
        .map_err(storage_error)
}

/// Syncs `account`, telling `report` where it is and `saved` what each commit stored.
pub async fn run(
    account: &Account,
    request: SyncRequest,
    report: impl Fn(SyncPhase),
    saved: impl FnMut(Vec<MessageMeta>, u32),
) -> Result<SyncPhase, SyncError> {
    wait_login_delay(&account.id, &report).await?;
    report(SyncPhase::Connecting);
    let mut driver = connect(account, &request.relay, &report).await?;
    report(SyncPhase::LoggingIn);
    let delay = log_in(&mut driver, &account.username, request.password).await?;
    // The next sync waits out the server's LOGIN-DELAY instead of being refused.
    remember_login(&account.id, delay).await?;
    report(SyncPhase::Listing);
    let mut options = SyncOptions::new(account.policy, request.now_ms);
    options.bodies_wanted = request.bodies.into_iter().collect();
    // A body fetched because its message was opened arrives read.
    let opened = options.bodies_wanted.clone();
    // Rules file each new message in the transaction that stores it. Unreadable rules
    // file nothing: the mail still arrives, in the Inbox.
    let rules = crate::store::settings::load_rules()
        .await
        .unwrap_or_default();
    let mut store = IdbStore::new(&account.id, opened, rules, saved);
    let (mut total, mut octets_total) = (0, 0);
    let mut progress = |p: Progress| match p {
        Progress::Planned { messages, octets } => {
            (total, octets_total) = (messages, octets);
            report(SyncPhase::Downloading {
                done: 0,
                total,
                octets: 0,
                octets_total,
            });
        }
        Progress::Committed {
            messages, octets, ..
        } => report(SyncPhase::Downloading {
            done: messages,
            total,
            octets,
            octets_total,
        }),
        Progress::Deleting { messages } => report(SyncPhase::Deleting { count: messages }),
    };
    let outcome = engine::run(&mut driver, &mut store, &options, &mut progress).await;
    driver.transport.close().await;
    let done = outcome.map_err(|e| match e {
        engine::SyncError::Drive(e) => sync_error(e),
        engine::SyncError::ListingRefused(e) => SyncError::ListingRefused(e.text),
        engine::SyncError::Store(e) => storage_error(e),
    })?;
    let fingerprints = done.identity == Some(Identity::Fingerprint);
    Ok(SyncPhase::Done {
        new: done.fetched + done.headers_only,
        deleted: done.deleted,
        exact_ids: !fingerprints,
        policy_refused: fingerprints && account.policy.check(Identity::Fingerprint).is_err(),
    })
}
