//! `bpmn worker`: runs what is due in the instance store until stopped.
//!
//! Each thread owns a connection to the store and loops: claim a few due
//! instances ([`Store::claim_due`]: a timer due on the wall clock, queued
//! messages or signals, engine work pending) and run each with the
//! library's `storage::run_claimed` — fire its timers, deliver its queue
//! in order, run — which saves it with the claim, removing what was
//! delivered in the same transaction (so a message is delivered exactly
//! once) and ending the claim. This file is the loop around it: threads,
//! the stop signal, timer start events and the log lines. The first thread also starts
//! the instances of timer start events as they come due, as `bpmn tick`
//! does; the store keeps each occurrence to one instance however many
//! workers tick. Several workers share a store: claims keep them off each
//! other's instances, a killed worker's claims expire after `--lease`, and
//! a save based on a stale read is refused by the store, so the last
//! committed state always stands and nothing runs twice into it.
//!
//! SIGTERM or SIGINT stops it gracefully: each thread finishes the instance
//! it is running, releases the others it claimed, and the worker exits 0.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bpmn_engine::storage::{
    self, ClaimedOutcome, ClaimedRun, InstanceId, InstanceStatus, Queued, Spec, SpecsCache, Store,
};
use bpmn_engine::{Specs, Workflow};
use jiff::Timestamp;

use super::CliError;
use super::args::WorkerArgs;
use super::exit::COMPLETED;
use super::services::CliServices;
use super::target::store_location;

/// How long an instance that could not be run (an unreadable state, a
/// spec that no longer loads) waits before a worker tries it again.
const RETRY_AFTER: Duration = Duration::from_secs(60);

/// The longest a sleeping thread goes without looking at the stop flag.
const NAP: Duration = Duration::from_millis(50);

/// What all threads of a worker share.
struct Shared {
    location: String,
    lease: Duration,
    poll: Duration,
    batch: u32,
    once: bool,
    verbose: u8,
    services: Option<CliServices>,
    /// `--data-store-dir` (BPMN data stores: one JSON file each).
    data_store_dir: Option<std::path::PathBuf>,
    limits: bpmn_engine::runtime::EngineLimits,
    stop: Arc<AtomicBool>,
    /// Instances run, by all threads (for the closing line).
    runs: AtomicU64,
}

pub fn worker(args: WorkerArgs) -> Result<u8, CliError> {
    let secs = |what: &str, v: f64| {
        if v.is_finite() && v >= 0.0 {
            Ok(Duration::from_secs_f64(v))
        } else {
            Err(CliError::usage(format!(
                "--{what} must be a number of seconds, 0 or more"
            )))
        }
    };
    let lease = secs("lease", args.lease)?;
    let poll = secs("poll", args.poll)?;
    if args.concurrency == 0 || args.batch == 0 {
        return Err(CliError::usage(
            "--concurrency and --batch must be 1 or more",
        ));
    }
    let location = store_location();
    // Opened once here so a wrong store is exit 2 before any thread runs.
    let store =
        storage::open_store(&location, false).map_err(|e| CliError::usage(e.to_string()))?;
    // Connector proxies are asked for their commands once, here.
    let services = if super::services::given(&args.services) {
        Some(CliServices::from_args(&args.services)?)
    } else {
        None
    };
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(sig, stop.clone())
            .map_err(|e| CliError::usage(format!("cannot handle signal {sig}: {e}")))?;
    }
    let name = args.name.clone().unwrap_or_else(default_name);
    let shared = Arc::new(Shared {
        location: location.clone(),
        lease,
        poll,
        batch: args.batch,
        once: args.once,
        verbose: args.verbose,
        services,
        data_store_dir: args.services.data_store_dir.clone(),
        limits: args.limits.engine_limits(),
        stop,
        runs: AtomicU64::new(0),
    });
    errln!(
        "Worker {name} on {} ({} thread{}).",
        store.location(),
        args.concurrency,
        if args.concurrency == 1 { "" } else { "s" }
    );
    let mut first = Some(store);
    let threads: Vec<_> = (1..=args.concurrency)
        .map(|i| {
            let holder = if args.concurrency == 1 {
                name.clone()
            } else {
                format!("{name}/{i}")
            };
            let shared = shared.clone();
            let store = first.take();
            std::thread::Builder::new()
                .name(holder.clone())
                .spawn(move || Thread::new(holder, i == 1, shared, store).run())
        })
        .collect::<Result<_, _>>()
        .map_err(|e| CliError::usage(format!("cannot start a worker thread: {e}")))?;
    for t in threads {
        let _ = t.join();
    }
    errln!(
        "Worker {name} stopped after {} instance run{}.",
        shared.runs.load(Ordering::Relaxed),
        if shared.runs.load(Ordering::Relaxed) == 1 {
            ""
        } else {
            "s"
        }
    );
    Ok(COMPLETED)
}

/// `HOST-PID`: unique among workers on several machines.
fn default_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".to_string());
    format!("{host}-{}", std::process::id())
}

/// One thread of a worker.
struct Thread {
    holder: String,
    /// The thread that starts timer start events.
    ticks: bool,
    shared: Arc<Shared>,
    store: Option<Box<dyn Store>>,
    cache: SpecsCache,
    /// The latest spec versions, loaded, for timer start events; reloaded
    /// when the list of specs changes.
    latest: Vec<(Spec, Arc<Specs>)>,
    latest_ids: Vec<i64>,
    /// When it last looked for due timer start events.
    last_tick: Option<Instant>,
    /// The last failure of the timer start events, said once.
    tick_error: Option<String>,
}

impl Thread {
    fn new(
        holder: String,
        ticks: bool,
        shared: Arc<Shared>,
        store: Option<Box<dyn Store>>,
    ) -> Thread {
        let cache = SpecsCache::new(shared.limits);
        Thread {
            holder,
            ticks,
            shared,
            store,
            cache,
            latest: Vec::new(),
            latest_ids: Vec::new(),
            last_tick: None,
            tick_error: None,
        }
    }

    fn stopping(&self) -> bool {
        self.shared.stop.load(Ordering::Relaxed)
    }

    fn say(&self, level: u8, line: impl std::fmt::Display) {
        if self.shared.verbose >= level {
            errln!("{} {}: {line}", short_now(), self.holder);
        }
    }

    /// The store connection, (re)opened when needed.
    fn store(&mut self) -> Result<&mut Box<dyn Store>, String> {
        if self.store.is_none() {
            let s = storage::open_store(&self.shared.location, false).map_err(|e| e.to_string())?;
            self.store = Some(s);
        }
        Ok(self.store.as_mut().expect("just opened"))
    }

    fn run(mut self) {
        while !self.stopping() {
            match self.round() {
                Ok(0) if self.shared.once => break,
                Ok(0) => self.idle(),
                Ok(_) => {}
                Err(e) => {
                    // The store is unreachable or failed: say so, drop the
                    // connection, and try again after a pause.
                    self.say(0, format!("error: {e}"));
                    self.store = None;
                    if self.shared.once {
                        break;
                    }
                    self.sleep(self.shared.poll.max(Duration::from_millis(500)));
                }
            }
        }
    }

    /// Starts due timer start events (first thread, at most once per
    /// `--poll`, as when idle: looking costs a read of the spec list), then
    /// claims and runs due instances. Returns how many it ran or started.
    fn round(&mut self) -> Result<usize, String> {
        let mut done = 0;
        let poll = self.shared.poll;
        if self.ticks && self.last_tick.is_none_or(|t| t.elapsed() >= poll) {
            self.last_tick = Some(Instant::now());
            // A spec whose timer cannot be read must not keep the
            // instances from running: said once (until it changes), and
            // the claims go on.
            match self.tick() {
                Ok(n) => {
                    done += n;
                    self.tick_error = None;
                }
                Err(e) => {
                    if self.tick_error.as_deref() != Some(e.as_str()) {
                        self.say(0, format!("timer start events: {e}"));
                    }
                    self.tick_error = Some(e);
                }
            }
        }
        let (holder, lease, batch) = (self.holder.clone(), self.shared.lease, self.shared.batch);
        let ids = self
            .store()?
            .claim_due(&holder, Timestamp::now(), lease, batch)
            .map_err(|e| e.to_string())?;
        if !ids.is_empty() {
            self.say(2, format!("claimed {ids:?}"));
        }
        for (n, &id) in ids.iter().enumerate() {
            if self.stopping() {
                // Given back untouched: due as before for another worker.
                for &rest in &ids[n..] {
                    let _ = self.store()?.release(rest, &holder, None);
                }
                self.say(2, format!("released {:?}", &ids[n..]));
                break;
            }
            self.run_instance(id)?;
            done += 1;
        }
        Ok(done)
    }

    /// Sleeps until the next instance is due or `--poll` has passed.
    fn idle(&mut self) {
        let now = Timestamp::now();
        let poll = self.shared.poll;
        let next = self
            .store()
            .ok()
            .and_then(|s| s.next_due(now).ok().flatten());
        let wait = match next {
            Some(at) => {
                let us = at.as_microsecond().saturating_sub(now.as_microsecond());
                Duration::from_micros(us.max(0) as u64).min(poll)
            }
            None => poll,
        };
        self.say(2, format!("idle for {} ms", wait.as_millis()));
        self.sleep(wait);
    }

    fn sleep(&self, d: Duration) {
        let end = Instant::now() + d;
        while !self.stopping() {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            std::thread::sleep(left.min(NAP));
        }
    }

    /// Starts the instances of timer start events due now.
    fn tick(&mut self) -> Result<usize, String> {
        let limits = self.shared.limits;
        let store = self.store()?;
        let ids: Vec<i64> = store
            .specs()
            .map_err(|e| e.to_string())?
            .iter()
            .map(|s| s.id)
            .collect();
        if ids != self.latest_ids {
            let store = self.store.as_ref().expect("opened above");
            self.latest = super::library_starts::latest_specs(store.as_ref(), &limits)
                .map_err(|e| e.message)?;
            self.latest_ids = ids;
        }
        let store = self.store.as_mut().expect("opened above");
        let verbose = self.shared.verbose;
        let holder = self.holder.clone();
        let mut say = |line: String| {
            if verbose >= 1 {
                errln!("{} {holder}: {line}", short_now());
            }
        };
        let (started, _) =
            super::library_starts::start_due_timers(store.as_mut(), &self.latest, None, &mut say)
                .map_err(|e| e.message)?;
        Ok(started.len())
    }

    /// Runs one claimed instance and saves it (`storage::run_claimed`).
    /// Problems of the instance itself are logged (and the instance left
    /// for later); only a store failure is returned.
    fn run_instance(&mut self, id: InstanceId) -> Result<(), String> {
        let t0 = Instant::now();
        let holder = self.holder.clone();
        let retry = Timestamp::now()
            .checked_add(jiff::SignedDuration::try_from(RETRY_AFTER).unwrap_or_default())
            .unwrap_or(Timestamp::MAX);
        let services = self.shared.services.clone();
        let data_stores = super::args::ServiceArgs {
            data_store_dir: self.shared.data_store_dir.clone(),
            ..Default::default()
        };
        let mut prepare = |wf: &mut Workflow| -> Result<(), String> {
            if let Some(services) = &services {
                let specs = wf.specs().clone();
                services
                    .clone()
                    .install(&specs, wf)
                    .map_err(|e| e.message)?;
            }
            super::services::install_data_store(&data_stores, None, wf);
            Ok(())
        };
        self.store()?;
        let store = self.store.as_mut().expect("opened above");
        let outcome = storage::run_claimed(
            store.as_mut(),
            id,
            &holder,
            &mut self.cache,
            retry,
            &mut prepare,
        )
        .map_err(|e| e.to_string())?;
        match outcome {
            ClaimedOutcome::Ran(run) => {
                self.shared.runs.fetch_add(1, Ordering::Relaxed);
                if let Some(e) = &run.error {
                    self.say(0, format!("instance {id}: {e}"));
                }
                self.say(1, line(id, &run, t0.elapsed()));
            }
            ClaimedOutcome::NotHeld => {
                self.say(2, format!("instance {id}: no longer held by this worker"));
            }
            ClaimedOutcome::Completed => {
                self.say(2, format!("instance {id}: completed meanwhile"));
            }
            ClaimedOutcome::Stale => self.say(
                1,
                format!("instance {id}: changed meanwhile; this run is dropped"),
            ),
            ClaimedOutcome::GaveUp(why) => self.say(
                0,
                format!(
                    "instance {id}: {why}; tried again in {} s",
                    RETRY_AFTER.as_secs()
                ),
            ),
        }
        Ok(())
    }
}

fn describe(q: &Queued) -> String {
    format!("{} `{}`", q.kind.as_str(), q.name)
}

/// The `-v` line of a run: what it did and where the instance stands.
fn line(id: InstanceId, run: &ClaimedRun, took: Duration) -> String {
    let mut parts = vec![format!("instance {id}: {} task changes", run.changes)];
    if !run.delivered.is_empty() {
        let d: Vec<String> = run.delivered.iter().map(describe).collect();
        parts.push(format!("delivered {}", d.join(", ")));
    }
    if !run.undelivered.is_empty() {
        let what = if run.status == InstanceStatus::Completed {
            "dropped (it completed)"
        } else {
            "kept (nothing waits for it yet)"
        };
        let u: Vec<String> = run.undelivered.iter().map(describe).collect();
        parts.push(format!("{what}: {}", u.join(", ")));
    }
    let mut now = format!("now {}", run.status);
    if let (Some(t), true) = (run.next_timer, run.status != InstanceStatus::Completed) {
        now.push_str(&format!(
            ", next timer {}",
            t.strftime("%Y-%m-%d %H:%M:%SZ")
        ));
    }
    if run.error.is_some() {
        now.push_str(" (run failed)");
    }
    parts.push(now);
    format!("{} ({} ms)", parts.join("; "), took.as_millis())
}

/// The time of a log line, to the millisecond, UTC.
fn short_now() -> String {
    Timestamp::now().strftime("%H:%M:%S%.3fZ").to_string()
}
