//! The sync engine: listing → [`plan`] → download → commit → delete on the server → prune,
//! generic over the byte transport, the clock (both through [`Driver`]) and the [`Store`].
//!
//! The browser's sync worker runs it over the relay's WebSocket and IndexedDB; the tests run
//! the very same code over a scripted server and an in-memory store, cut at every byte and
//! failing every store call in turn.
//!
//! Data safety (DESIGN.md's invariant):
//! - a message counts as stored only when [`Store::commit`] has returned, and its UIDL
//!   state is written in that same commit;
//! - `DELE` is sent only after every download of the session has committed, only for what
//!   the planner allows (stored whole, policy, exact identity), and takes effect only with
//!   `QUIT`; a failure anywhere before leaves the server as it was;
//! - a message the store already holds under another UIDL (a server-side UIDL reset) is
//!   recognised by `Message-ID` plus content hash and not stored twice;
//! - the engine is cancel-safe: dropping its future at any await closes the session
//!   without `QUIT`, so the server deletes nothing, and the store keeps whole commits only.

use std::collections::{HashMap, HashSet};

use futures_util::future::join;

use crate::drive::{Clock, DriveError, Driver, Listing, Transport};
use crate::pop3::{Command, Event, Handle, Reply, ServerError};

use super::plan::{Plan, PlanInput, ServerMessage, plan};
use super::policy::{Identity, Policy};
use super::state::{Status, UidlState, content_hash, message_id};

/// Where a sync keeps mail and UIDL state (IndexedDB in the browser, memory in tests).
pub trait Store {
    /// What a failed store call reports.
    type Error;
    /// The account's identity mode (once decided) and every UIDL state.
    fn load(&mut self) -> impl Future<Output = Result<Stored, Self::Error>>;
    /// Records the identity mode decided on the account's first sync.
    fn set_identity(&mut self, identity: Identity)
    -> impl Future<Output = Result<(), Self::Error>>;
    /// Writes messages and their UIDL states in one transaction; returns only once it
    /// has committed. Either all of `batch` is stored or none of it.
    fn commit(&mut self, batch: Vec<Record>) -> impl Future<Output = Result<(), Self::Error>>;
    /// Drops the states of UIDLs the server no longer lists (their mail stays here).
    fn prune(&mut self, gone: Vec<String>) -> impl Future<Output = Result<(), Self::Error>>;
}

/// What a store holds for an account at the start of a sync.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stored {
    /// The identity mode, once the first sync decided it.
    pub identity: Option<Identity>,
    /// UIDL state by UIDL.
    pub states: HashMap<String, UidlState>,
}

/// One message to write: its new state, and its bytes unless they are already stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The state to write for its UIDL.
    pub state: UidlState,
    /// The message as the server sent it (dot-unstuffed): whole, or the header block when
    /// `state.status` is [`Status::HeadersOnly`]. `None` when the same message (same
    /// `Message-ID` and content hash) is already stored under another UIDL.
    pub raw: Option<Vec<u8>>,
}

/// What a sync is asked to do.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// The account's server policy.
    pub policy: Policy,
    /// The wall clock (ms since the epoch): "first seen" and "N days" are measured on it.
    pub now_ms: f64,
    /// Headers-only messages whose body to fetch now (opened by the person).
    pub bodies_wanted: HashSet<String>,
    /// Commit after this many messages…
    pub batch_messages: usize,
    /// …or this many bytes, whichever comes first.
    pub batch_bytes: usize,
}

impl SyncOptions {
    /// Options with the default batch sizes.
    pub fn new(policy: Policy, now_ms: f64) -> SyncOptions {
        SyncOptions {
            policy,
            now_ms,
            bodies_wanted: HashSet::new(),
            batch_messages: 1000,
            batch_bytes: 4 * 1024 * 1024,
        }
    }
}

/// Where a running sync is, for the person watching.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// The plan is made.
    Planned {
        /// Messages to download (whole or headers-only).
        messages: usize,
        /// Octets to download whole.
        octets: u64,
    },
    /// A batch has committed: these messages are safe here now.
    Committed {
        /// Messages committed so far in this sync.
        messages: usize,
        /// Octets committed so far.
        octets: u64,
        /// The UIDLs of this batch.
        uidls: Vec<String>,
    },
    /// Deleting on the server.
    Deleting {
        /// Messages asked to be deleted.
        messages: usize,
    },
}

/// What a finished sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// How the account's messages are told apart.
    pub identity: Option<Identity>,
    /// Messages stored whole (including bodies of headers-only messages).
    pub fetched: usize,
    /// Messages stored headers-only.
    pub headers_only: usize,
    /// Messages already stored under another UIDL (a UIDL reset), not stored again.
    pub duplicates: usize,
    /// Messages deleted on the server (the server confirmed `QUIT`).
    pub deleted: usize,
    /// UIDL states pruned because the server no longer lists them.
    pub pruned: usize,
}

/// Why a sync stopped. Everything committed before stays committed; nothing was deleted on
/// the server unless the report says so.
#[derive(Debug)]
pub enum SyncError<T, S> {
    /// The session failed (transport, protocol, or a needed command's `-ERR`).
    Drive(DriveError<T>),
    /// The server refused the listing (`LIST`, or `UIDL` on an account identified by
    /// it): the sync stops instead of re-keying every message under fingerprints.
    ListingRefused(ServerError),
    /// The store failed (for example, storage is full).
    Store(S),
}

impl<T, S> From<DriveError<T>> for SyncError<T, S> {
    fn from(e: DriveError<T>) -> Self {
        SyncError::Drive(e)
    }
}

/// Runs one sync on a logged-in session: lists, plans, downloads and commits in batches,
/// deletes on the server what the policy says, quits, and prunes states of mail the server
/// no longer has.
pub async fn run<T, C, S>(
    driver: &mut Driver<T, C>,
    store: &mut S,
    options: &SyncOptions,
    progress: &mut impl FnMut(Progress),
) -> Result<Report, SyncError<T::Error, S::Error>>
where
    T: Transport,
    C: Clock,
    S: Store,
{
    let Stored { identity, states } = store.load().await.map_err(SyncError::Store)?;
    let listing = match driver.listing(identity).await {
        Ok(listing) => listing,
        Err(DriveError::Server(e)) => return Err(SyncError::ListingRefused(e)),
        Err(e) => return Err(e.into()),
    };
    if identity.is_none() {
        store
            .set_identity(listing.identity)
            .await
            .map_err(SyncError::Store)?;
    }
    let mut session = Session {
        states,
        by_content: HashMap::new(),
        report: Report {
            identity: Some(listing.identity),
            ..Report::default()
        },
        listing,
        options,
    };
    session.index_content();
    let planned = session.plan(&options.bodies_wanted);
    progress(Progress::Planned {
        messages: planned.fetch.len() + planned.headers_only.len(),
        octets: planned.fetch_octets,
    });
    let downloads = planned
        .fetch
        .iter()
        .map(|m| (m, false))
        .chain(planned.headers_only.iter().map(|m| (m, true)));
    session.download(driver, store, downloads, progress).await?;
    // Deletions are planned again over the states just committed, so "delete after
    // download" covers this session's mail; nothing uncommitted can be among them.
    let delete = session.plan(&HashSet::new()).delete;
    session.delete_and_quit(driver, &delete, progress).await?;
    if !planned.gone.is_empty() {
        session.report.pruned = planned.gone.len();
        store.prune(planned.gone).await.map_err(SyncError::Store)?;
    }
    Ok(session.report)
}

/// One sync's working state.
struct Session<'a> {
    states: HashMap<String, UidlState>,
    /// (Message-ID, content hash) → the UIDL whole mail with that content is stored under.
    by_content: HashMap<(Option<String>, String), String>,
    listing: Listing,
    options: &'a SyncOptions,
    report: Report,
}

/// A download in flight.
struct InFlight<'m> {
    message: &'m ServerMessage,
    headers_only: bool,
    bytes: Vec<u8>,
}

/// The most a message's buffer reserves up front on the word of `LIST` (a server may
/// overstate; past this the buffer grows as it fills).
const MAX_RESERVE: u64 = 256 * 1024 * 1024;

impl InFlight<'_> {
    /// What to reserve for the message's bytes when they start arriving: its `LIST` size
    /// and a little (sizes are counted with CRLF; a few servers count a little short), so
    /// a big message is held once instead of growing by doubling, which keeps the old
    /// and the new buffer at once (a 50 MB message peaked at 96 MB of buffers). Headers
    /// only: nothing (their size is not listed).
    fn expected_len(&self) -> usize {
        if self.headers_only {
            return 0;
        }
        let size = self.message.size.min(MAX_RESERVE);
        usize::try_from(size + size / 64 + 64).unwrap_or(0)
    }
}

/// Commits waiting to be written.
#[derive(Default)]
struct Batch {
    records: Vec<Record>,
    octets: usize,
}

/// What a commit under way writes: the states to take as known once it is done.
struct Written {
    states: Vec<UidlState>,
    octets: usize,
}

impl Session<'_> {
    fn index_content(&mut self) {
        for state in self.states.values() {
            if state.status.was_stored_whole() {
                self.by_content.insert(
                    (state.message_id.clone(), state.hash.clone()),
                    state.uidl.clone(),
                );
            }
        }
    }

    fn plan(&self, bodies_wanted: &HashSet<String>) -> Plan {
        plan(PlanInput {
            listing: &self.listing.messages,
            stored: &self.states,
            policy: &self.options.policy,
            identity: self.listing.identity,
            now_ms: self.options.now_ms,
            bodies_wanted,
        })
    }

    /// The record for a finished download.
    fn record(&mut self, mut done: InFlight<'_>) -> Record {
        // A server that overstated the size in `LIST` had its word reserved: give back
        // what the message did not use (a batch holds up to a thousand of them).
        let len = done.bytes.len();
        if done.bytes.capacity() > len + len / 8 + 4096 {
            done.bytes.shrink_to_fit();
        }
        let uidl = done.message.uidl.as_str().to_owned();
        let hash = content_hash(&done.bytes);
        let message_id = message_id(&done.bytes);
        let earlier = self.states.get(&uidl);
        let first_seen_ms = earlier.map_or(self.options.now_ms, |s| s.first_seen_ms);
        if done.headers_only {
            self.report.headers_only += 1;
            return Record {
                state: UidlState {
                    uidl,
                    status: Status::HeadersOnly,
                    first_seen_ms,
                    hash,
                    message_id,
                },
                raw: Some(done.bytes),
            };
        }
        let key = (message_id.clone(), hash.clone());
        // A headers-only message whose body came is stored whole under its own UIDL, even
        // when another UIDL holds the same message: its headers are already stored and
        // listed under this one, and must not stay partial.
        let was_partial = earlier.is_some_and(|s| s.status == Status::HeadersOnly);
        if !was_partial
            && let Some(original) = self.by_content.get(&key).filter(|o| **o != uidl)
            && let Some(original_state) = self.states.get(original)
        {
            // The same message under a new UIDL: the server reset its ids. Keep the one
            // copy, with its history (a message deleted here stays deleted).
            self.report.duplicates += 1;
            return Record {
                state: UidlState {
                    uidl,
                    ..original_state.clone()
                },
                raw: None,
            };
        }
        self.by_content.insert(key, uidl.clone());
        self.report.fetched += 1;
        Record {
            state: UidlState {
                uidl,
                status: Status::Kept,
                first_seen_ms,
                hash,
                message_id,
            },
            raw: Some(done.bytes),
        }
    }

    /// Takes the batch's records out for the store; the rest of the commit is
    /// [`Session::committed`], once the store says they are written.
    fn take_batch(batch: &mut Batch) -> (Vec<Record>, Written) {
        let records = std::mem::take(&mut batch.records);
        let written = Written {
            states: records.iter().map(|r| r.state.clone()).collect(),
            octets: std::mem::take(&mut batch.octets),
        };
        (records, written)
    }

    /// Takes the states of a committed batch as known and reports it.
    fn committed(
        &mut self,
        written: Written,
        totals: &mut (usize, u64),
        progress: &mut impl FnMut(Progress),
    ) {
        let uidls: Vec<String> = written.states.iter().map(|s| s.uidl.clone()).collect();
        for state in written.states {
            self.states.insert(state.uidl.clone(), state);
        }
        totals.0 += uidls.len();
        totals.1 += written.octets as u64;
        progress(Progress::Committed {
            messages: totals.0,
            octets: totals.1,
            uidls,
        });
    }

    /// Downloads everything planned, pipelined when the server allows, committing in
    /// batches. One batch commits while the next downloads: the store's wait for its
    /// transaction (most of a browser sync's idle time) overlaps the network and the
    /// parsing. A batch that fills before the one before has committed waits for it, so
    /// at most two are held; a message's state is taken as known only once its batch
    /// has committed. When the link fails, the whole messages already
    /// received are committed before the error is returned, so the next sync does not
    /// fetch them again.
    async fn download<'m, T: Transport, C: Clock, S: Store>(
        &mut self,
        driver: &mut Driver<T, C>,
        store: &mut S,
        wanted: impl Iterator<Item = (&'m ServerMessage, bool)>,
        progress: &mut impl FnMut(Progress),
    ) -> Result<(), SyncError<T::Error, S::Error>> {
        let mut pending: HashMap<Handle, InFlight<'m>> = wanted
            .map(|(message, headers_only)| {
                let command = match headers_only {
                    true => Command::Top(message.num, 0),
                    false => Command::Retr(message.num),
                };
                let flight = InFlight {
                    message,
                    headers_only,
                    bytes: Vec::new(),
                };
                (driver.client.enqueue(command), flight)
            })
            .collect();
        let mut batch = Batch::default();
        let mut totals = (0, 0);
        let mut link = Self::fill(self, driver, &mut pending, &mut batch).await;
        while !batch.records.is_empty() {
            let (records, written) = Self::take_batch(&mut batch);
            let more = link.is_ok() && !pending.is_empty();
            let reading = async {
                match more {
                    true => Self::fill(self, driver, &mut pending, &mut batch).await,
                    false => Ok(()),
                }
            };
            let (result, read) = join(store.commit(records), reading).await;
            result.map_err(SyncError::Store)?;
            self.committed(written, &mut totals, progress);
            if more {
                link = read;
            }
        }
        link.map_err(Into::into)
    }

    /// Receives until the batch is full or nothing is pending.
    async fn fill<'m, T: Transport, C: Clock>(
        &mut self,
        driver: &mut Driver<T, C>,
        pending: &mut HashMap<Handle, InFlight<'m>>,
        batch: &mut Batch,
    ) -> Result<(), DriveError<T::Error>> {
        while !pending.is_empty()
            && batch.records.len() < self.options.batch_messages
            && batch.octets < self.options.batch_bytes
        {
            let event = driver.next_event().await?;
            self.take_event(event, pending, batch);
        }
        Ok(())
    }

    /// Adds a body chunk to its download, or a finished download to the batch.
    fn take_event<'m>(
        &mut self,
        event: Event,
        pending: &mut HashMap<Handle, InFlight<'m>>,
        batch: &mut Batch,
    ) {
        match event {
            Event::Body { handle, chunk } => {
                if let Some(flight) = pending.get_mut(&handle) {
                    if flight.bytes.capacity() == 0 {
                        flight.bytes.reserve(flight.expected_len());
                    }
                    flight.bytes.extend_from_slice(&chunk);
                }
            }
            Event::Reply { handle, result } => {
                // A message another client deleted meanwhile (-ERR) is skipped.
                if let Some(flight) = pending.remove(&handle)
                    && let Ok(Reply::BodyEnd) = result
                {
                    batch.octets += flight.bytes.len();
                    let record = self.record(flight);
                    batch.records.push(record);
                }
            }
            Event::Greeting(_) => {}
        }
    }

    /// `DELE` for each of `delete`, then `QUIT`, which makes them take effect.
    async fn delete_and_quit<T: Transport, C: Clock, S>(
        &mut self,
        driver: &mut Driver<T, C>,
        delete: &[ServerMessage],
        progress: &mut impl FnMut(Progress),
    ) -> Result<(), SyncError<T::Error, S>> {
        if !delete.is_empty() {
            progress(Progress::Deleting {
                messages: delete.len(),
            });
        }
        let mut pending: HashSet<Handle> = delete
            .iter()
            .map(|m| driver.client.enqueue(Command::Dele(m.num)))
            .collect();
        let quit = driver.client.enqueue(Command::Quit);
        let mut accepted = 0;
        loop {
            if let Event::Reply { handle, result } = driver.next_event().await? {
                if pending.remove(&handle) {
                    // -ERR: already gone (another client); nothing to undo.
                    accepted += usize::from(result.is_ok());
                } else if handle == quit {
                    result.map_err(DriveError::Server)?;
                    self.report.deleted = accepted;
                    return Ok(());
                }
            }
        }
    }
}
