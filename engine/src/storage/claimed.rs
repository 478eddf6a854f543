//! Running one instance a worker claimed ([`run_claimed`]): what
//! `bpmn worker` does per instance, in the library so any program can be
//! a worker of a store.
//!
//! The instance is read and checked to be still this worker's (a claim
//! that expired before the read may have gone to another worker), restored
//! (specs from a [`SpecsCache`]), prepared by the caller (service
//! handlers, data stores), and run: a virtual clock behind the wall clock
//! is moved up to it, due timers fire, then the queue is delivered in
//! order, running after each delivery — an item nothing waits for yet is
//! tried again after any later delivery and otherwise stays queued. The
//! save names the revision read, removes what was delivered and ends the
//! claim in one transaction, so a message is delivered exactly once and a
//! run based on a stale read is dropped, never saved over a newer state.

use jiff::Timestamp;

use super::state_file::{Format, SpecsCache, load_bytes_cached, save_bytes};
use super::store::{InstanceId, InstanceSave, InstanceStatus, Queued, Store, StoreError};
use crate::Workflow;

/// What [`run_claimed`] did with an instance.
#[derive(Debug)]
pub enum ClaimedOutcome {
    /// It ran and was saved.
    Ran(ClaimedRun),
    /// Another worker holds it now (this worker's claim expired before
    /// the read): left alone.
    NotHeld,
    /// It had completed meanwhile: the claim was given back.
    Completed,
    /// Something saved it after it was read: that save stands, this run
    /// was dropped and the claim given back.
    Stale,
    /// It could not run (`why`): not restorable, not preparable, not
    /// savable. The claim was given back, with the instance due again
    /// only at the `retry_at` given to [`run_claimed`].
    GaveUp(String),
}

/// What a saved run did, for a log line.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedRun {
    /// The messages and signals delivered, in order.
    pub delivered: Vec<Queued>,
    /// Those tried and kept (nothing waits for them yet), or dropped when
    /// the instance completed.
    pub undelivered: Vec<Queued>,
    /// How many task state changes the run made.
    pub changes: usize,
    /// The status it was saved with.
    pub status: InstanceStatus,
    /// The run's error, if it stopped on one (the instance was saved as
    /// it stood).
    pub error: Option<String>,
    /// Its earliest timer after the run.
    pub next_timer: Option<Timestamp>,
}

/// Runs instance `id`, claimed by `worker`, and saves it with the claim
/// (see the module documentation). `prepare` installs what the instance
/// needs to run (service handlers, data stores); its error gives the
/// instance up. An instance given up is due again at `retry_at`. Only a
/// failure of the store itself is an error.
pub fn run_claimed(
    store: &mut dyn Store,
    id: InstanceId,
    worker: &str,
    cache: &mut SpecsCache,
    retry_at: Timestamp,
    prepare: &mut dyn FnMut(&mut Workflow) -> Result<(), String>,
) -> Result<ClaimedOutcome, StoreError> {
    let stored = match store.instance(id) {
        Ok(s) => s,
        Err(StoreError::NoInstance(_)) => return Ok(ClaimedOutcome::NotHeld),
        Err(e) => return Err(e),
    };
    if stored.info.holder.as_ref().map(|c| c.worker.as_str()) != Some(worker) {
        return Ok(ClaimedOutcome::NotHeld);
    }
    if stored.info.status == InstanceStatus::Completed {
        store.release(id, worker, None)?;
        return Ok(ClaimedOutcome::Completed);
    }
    let give_up = |store: &mut dyn Store, why: String| {
        store
            .release(id, worker, Some(retry_at))
            .map(|_| ClaimedOutcome::GaveUp(why))
    };
    let (mut wf, origin) = match load_bytes_cached(&stored.state, Format::Json, cache) {
        Ok(l) => l,
        Err(e) => return give_up(store, format!("cannot be restored: {e}")),
    };
    if let Err(why) = prepare(&mut wf) {
        return give_up(store, why);
    }
    // The row said how many wait: no query for an empty queue (one queued
    // since is seen by the save, which leaves the instance due).
    let queue = if stored.info.queued == 0 {
        Vec::new()
    } else {
        store.queued(id)?
    };
    wf.record_transitions(false);
    let (delivered_ids, error) = drive(&mut wf, &queue);
    let log = wf.take_transitions();
    let state = match save_bytes(&wf, &origin, Format::Json) {
        Ok(s) => s,
        Err(e) => return give_up(store, format!("cannot be saved: {e}")),
    };
    let (delivered, undelivered): (Vec<Queued>, Vec<Queued>) = queue
        .into_iter()
        .partition(|q| delivered_ids.contains(&q.id));
    let ids = |qs: &[Queued]| qs.iter().map(|q| q.id).collect::<Vec<_>>();
    let (delivered_ids, undelivered_ids) = (ids(&delivered), ids(&undelivered));
    let save = InstanceSave {
        delivered: &delivered_ids,
        undelivered: &undelivered_ids,
        claim: Some(worker),
        ..InstanceSave::of(&wf, &state, &log, error.is_some())
    };
    let run = ClaimedRun {
        delivered,
        undelivered,
        changes: log.len(),
        status: save.status,
        error,
        next_timer: save.next_timer,
    };
    match store.update_instance(id, stored.info.revision, None, save) {
        Ok(_) => Ok(ClaimedOutcome::Ran(run)),
        Err(StoreError::Stale { .. }) => {
            store.release(id, worker, None)?;
            Ok(ClaimedOutcome::Stale)
        }
        Err(StoreError::NoInstance(_)) => Ok(ClaimedOutcome::NotHeld),
        Err(e) => Err(e),
    }
}

/// Moves a virtual clock up to the wall clock, runs (firing due timers),
/// then delivers `queue` in order, running after each delivery; an item
/// nothing waits for yet is tried again after any later delivery.
/// Returns the ids delivered and the first run error (delivery stops
/// there).
fn drive(wf: &mut Workflow, queue: &[Queued]) -> (Vec<i64>, Option<String>) {
    let wall = Timestamp::now();
    if wf.clock_is_virtual() && wf.now() < wall {
        wf.set_now(wall);
    }
    let mut delivered = Vec::new();
    if let Err(e) = wf.run() {
        return (delivered, Some(e.to_string()));
    }
    let mut error = None;
    let mut left: Vec<&Queued> = queue.iter().collect();
    loop {
        let before = left.len();
        let mut still = Vec::new();
        for q in left {
            if error.is_some() || wf.is_completed() {
                still.push(q);
                continue;
            }
            match q.kind.send(wf, &q.name, q.payload.clone()) {
                Ok(()) => {
                    delivered.push(q.id);
                    if let Err(e) = wf.run() {
                        error = Some(e.to_string());
                    }
                }
                Err(_) => still.push(q),
            }
        }
        left = still;
        if left.len() == before || left.is_empty() {
            break;
        }
    }
    (delivered, error)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::storage::{DeliveryKind, NewSpec, Origin, SpecFile, SpecTarget, SqliteStore};
    use crate::{Data, Specs};

    const WAIT_FOR_GO: &str = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<message id="m" name="go"/>
<process id="p" isExecutable="true">
<startEvent id="s"/><intermediateCatchEvent id="go"><messageEventDefinition messageRef="m"/></intermediateCatchEvent>
<endEvent id="e"/>
<sequenceFlow id="a" sourceRef="s" targetRef="go"/><sequenceFlow id="b" sourceRef="go" targetRef="e"/>
</process></definitions>"#;

    /// A store with one instance waiting for `go`; returns it and the id.
    fn waiting(dir: &std::path::Path) -> (SqliteStore, InstanceId) {
        let mut store = SqliteStore::open(&dir.join("bpmn.db"), true).unwrap();
        let file = SpecFile {
            path: "go.bpmn".into(),
            text: WAIT_FOR_GO.into(),
        };
        let spec = store
            .add_spec(&NewSpec {
                name: "go".into(),
                target: SpecTarget::Process("p".into()),
                bpmn: vec![file],
                dmn: vec![],
                dialect: None,
            })
            .unwrap()
            .spec
            .id;
        let specs = Specs::from_sources(vec![("go.bpmn".into(), WAIT_FOR_GO.as_bytes().to_vec())]);
        let mut wf = specs.start("p", Data::new()).unwrap();
        wf.run().unwrap();
        let state = save_bytes(&wf, &Origin::Process("p".into()), Format::Json).unwrap();
        let id = store
            .create_instance(spec, InstanceSave::of(&wf, &state, &[], false))
            .unwrap()
            .id;
        (store, id)
    }

    fn claim(store: &mut SqliteStore, worker: &str) -> Vec<InstanceId> {
        store
            .claim_due(worker, Timestamp::now(), Duration::from_secs(60), 10)
            .unwrap()
    }

    fn run(store: &mut SqliteStore, id: InstanceId, worker: &str) -> ClaimedOutcome {
        let mut cache = SpecsCache::new(Default::default());
        let later = Timestamp::now() + jiff::SignedDuration::from_hours(1);
        run_claimed(store, id, worker, &mut cache, later, &mut |_| Ok(())).unwrap()
    }

    #[test]
    fn a_queued_message_is_delivered_once_with_the_save_that_ends_the_claim() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, id) = waiting(dir.path());
        assert!(claim(&mut store, "w").is_empty(), "nothing is due yet");
        store
            .enqueue(
                id,
                DeliveryKind::Signal,
                "unheard",
                &serde_json::json!(null),
            )
            .unwrap();
        store
            .enqueue(
                id,
                DeliveryKind::Message,
                "go",
                &serde_json::json!({"n": 1}),
            )
            .unwrap();
        assert_eq!(claim(&mut store, "w"), vec![id]);
        let ClaimedOutcome::Ran(r) = run(&mut store, id, "w") else {
            panic!("it runs");
        };
        assert_eq!(r.status, InstanceStatus::Completed);
        let names = |qs: &[Queued]| qs.iter().map(|q| q.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&r.delivered), ["go"]);
        assert_eq!(
            names(&r.undelivered),
            ["unheard"],
            "dropped with the completion"
        );
        let info = store.instance(id).unwrap().info;
        assert_eq!((info.queued, info.holder), (0, None));
        assert!(
            claim(&mut store, "w").is_empty(),
            "a completed instance is never due"
        );
    }

    #[test]
    fn a_run_for_an_instance_held_by_another_worker_or_completed_does_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, id) = waiting(dir.path());
        store
            .enqueue(id, DeliveryKind::Message, "go", &serde_json::json!(null))
            .unwrap();
        assert_eq!(claim(&mut store, "other"), vec![id]);
        let revision = store.instance(id).unwrap().info.revision;
        assert!(matches!(run(&mut store, id, "me"), ClaimedOutcome::NotHeld));
        assert_eq!(
            store.instance(id).unwrap().info.revision,
            revision,
            "not saved"
        );
        assert!(matches!(
            run(&mut store, id, "other"),
            ClaimedOutcome::Ran(_)
        ));
        // Claimed again (say its lease had run out) after it completed.
        let stored = store.instance(id).unwrap();
        assert_eq!(stored.info.status, InstanceStatus::Completed);
    }

    #[test]
    fn an_instance_that_cannot_be_prepared_is_given_up_until_the_retry_time() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, id) = waiting(dir.path());
        store
            .enqueue(id, DeliveryKind::Message, "go", &serde_json::json!(null))
            .unwrap();
        assert_eq!(claim(&mut store, "w"), vec![id]);
        let mut cache = SpecsCache::new(Default::default());
        let later = Timestamp::now() + jiff::SignedDuration::from_hours(1);
        let outcome = run_claimed(&mut store, id, "w", &mut cache, later, &mut |_| {
            Err("no handler for `pay`".into())
        })
        .unwrap();
        assert!(matches!(outcome, ClaimedOutcome::GaveUp(ref w) if w.contains("`pay`")));
        let info = store.instance(id).unwrap().info;
        assert_eq!(
            (info.holder, info.queued),
            (None, 1),
            "released, the message kept"
        );
        assert!(
            claim(&mut store, "w").is_empty(),
            "not due again before the retry"
        );
        // Due times are kept to the microsecond.
        let later = Timestamp::from_microsecond(later.as_microsecond()).unwrap();
        assert_eq!(store.next_due(Timestamp::now()).unwrap(), Some(later));
    }

    #[test]
    fn a_run_based_on_a_stale_read_is_dropped() {
        // A store whose saves always find a newer revision: what a worker
        // sees when a command saved the instance between its read and its
        // save.
        struct Racing(SqliteStore);
        impl Store for Racing {
            fn location(&self) -> String {
                self.0.location()
            }
            fn add_spec(&mut self, s: &NewSpec) -> Result<crate::storage::Added, StoreError> {
                self.0.add_spec(s)
            }
            fn specs(&self) -> Result<Vec<crate::storage::SpecInfo>, StoreError> {
                self.0.specs()
            }
            fn spec(&self, k: &str) -> Result<crate::storage::Spec, StoreError> {
                self.0.spec(k)
            }
            fn create_instance(
                &mut self,
                s: crate::storage::SpecId,
                v: InstanceSave<'_>,
            ) -> Result<crate::storage::InstanceInfo, StoreError> {
                self.0.create_instance(s, v)
            }
            fn instances(&self, a: bool) -> Result<Vec<crate::storage::InstanceInfo>, StoreError> {
                self.0.instances(a)
            }
            fn instance(
                &self,
                id: InstanceId,
            ) -> Result<crate::storage::StoredInstance, StoreError> {
                self.0.instance(id)
            }
            fn update_instance(
                &mut self,
                id: InstanceId,
                read: i64,
                _: Option<crate::storage::SpecId>,
                _: InstanceSave<'_>,
            ) -> Result<crate::storage::InstanceInfo, StoreError> {
                Err(StoreError::Stale {
                    id,
                    read,
                    now: read + 1,
                })
            }
            fn timer_starts_done(
                &self,
                s: crate::storage::SpecId,
                e: &str,
            ) -> Result<u32, StoreError> {
                self.0.timer_starts_done(s, e)
            }
            fn create_timer_instance(
                &mut self,
                s: crate::storage::SpecId,
                e: &str,
                o: u32,
                v: InstanceSave<'_>,
            ) -> Result<Option<crate::storage::InstanceInfo>, StoreError> {
                self.0.create_timer_instance(s, e, o, v)
            }
            fn enqueue(
                &mut self,
                id: InstanceId,
                k: DeliveryKind,
                n: &str,
                p: &serde_json::Value,
            ) -> Result<crate::storage::QueueId, StoreError> {
                self.0.enqueue(id, k, n, p)
            }
            fn queued(&self, id: InstanceId) -> Result<Vec<Queued>, StoreError> {
                self.0.queued(id)
            }
            fn claim_due(
                &mut self,
                w: &str,
                now: Timestamp,
                l: Duration,
                n: u32,
            ) -> Result<Vec<InstanceId>, StoreError> {
                self.0.claim_due(w, now, l, n)
            }
            fn release(
                &mut self,
                id: InstanceId,
                w: &str,
                r: Option<Timestamp>,
            ) -> Result<(), StoreError> {
                self.0.release(id, w, r)
            }
            fn next_due(&self, now: Timestamp) -> Result<Option<Timestamp>, StoreError> {
                self.0.next_due(now)
            }
            fn log(&self, id: InstanceId) -> Result<Vec<crate::storage::LogEntry>, StoreError> {
                self.0.log(id)
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let (store, id) = waiting(dir.path());
        let mut store = Racing(store);
        store
            .enqueue(id, DeliveryKind::Message, "go", &serde_json::json!(null))
            .unwrap();
        let now = Timestamp::now();
        assert_eq!(
            store
                .claim_due("w", now, Duration::from_secs(60), 1)
                .unwrap(),
            vec![id]
        );
        let mut cache = SpecsCache::new(Default::default());
        let outcome = run_claimed(&mut store, id, "w", &mut cache, now, &mut |_| Ok(())).unwrap();
        assert!(matches!(outcome, ClaimedOutcome::Stale));
        let info = store.instance(id).unwrap().info;
        assert_eq!(
            info.status,
            InstanceStatus::Waiting,
            "the other save stands"
        );
        assert_eq!(
            (info.holder, info.queued),
            (None, 1),
            "released; the message waits"
        );
    }
}
