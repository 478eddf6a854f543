//! What every instance store promises (the `Store` trait), checked the same
//! way on SQLite (a temporary file) and on PostgreSQL (a fresh database per
//! test): spec versions, revision checks, the task log, the queue, due
//! times, claims and their expiry, timer starts exactly once. Then what is
//! PostgreSQL's own: its schema refused when foreign or newer.

use std::path::Path;
use std::time::Duration;

use bpmn_engine::runtime::{TaskId, TaskState, Transition};
use bpmn_engine::storage::{
    DeliveryKind, InstanceSave, InstanceStatus, NewSpec, PostgresStore, SpecFile, SpecTarget,
    SqliteStore, Store, StoreError,
};
use jiff::{Timestamp, ToSpan};
use serde_json::json;

use crate::pg;
use crate::support::fixture;

/// Opens another connection to the store under test.
type Open<'a> = &'a dyn Fn() -> Box<dyn Store>;

/// Runs `check` on a new SQLite store file.
fn on_sqlite(check: fn(Open<'_>)) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bpmn.db");
    check(&|| Box::new(SqliteStore::open(&path, true).unwrap()));
}

/// Runs `check` on a new PostgreSQL database (returns at once, skipped,
/// when there is no server outside CI).
fn on_postgres(check: fn(Open<'_>)) {
    let Some(db) = pg::fresh_database() else {
        return;
    };
    check(&|| Box::new(PostgresStore::open(&db.url, true).unwrap()));
}

/// One `#[test]` per store for each contract check.
macro_rules! contract {
    ($($check:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $check() { super::on_sqlite(super::$check) } )*
        }
        mod postgres {
            $( #[test] fn $check() { super::on_postgres(super::$check) } )*
        }
    };
}

contract!(
    specs_get_a_version_per_change,
    saves_name_the_revision_they_read,
    the_log_keeps_its_order_across_saves,
    the_queue_keeps_what_was_not_delivered_until_the_next_change,
    a_completed_instance_has_no_queue_and_takes_nothing_more,
    two_workers_never_claim_the_same_instance,
    claims_expire_and_show_while_they_last,
    release_with_a_retry_time_defers_the_instance,
    next_due_is_the_earliest_unclaimed_time,
    a_timer_start_occurrence_is_stored_exactly_once,
);

fn spec_of(name: &str, text: &str) -> NewSpec {
    NewSpec {
        name: name.into(),
        target: SpecTarget::Process("Process_Sequence".into()),
        bpmn: vec![SpecFile {
            path: "sequence.bpmn".into(),
            text: text.into(),
        }],
        dmn: vec![],
        dialect: None,
    }
}

fn sample() -> NewSpec {
    spec_of(
        "seq",
        &std::fs::read_to_string(fixture("sequence.bpmn")).unwrap(),
    )
}

/// A new waiting instance of a new spec; with `pending`, due at once.
fn instance(store: &mut dyn Store, pending: bool) -> i64 {
    let spec = store.add_spec(&sample()).unwrap().spec.id;
    let mut s = InstanceSave::new(b"{}", InstanceStatus::Waiting);
    s.pending = pending;
    store.create_instance(spec, s).unwrap().id
}

fn specs_get_a_version_per_change(open: Open<'_>) {
    let mut store = open();
    let first = store.add_spec(&sample()).unwrap();
    assert!(first.new_version);
    assert_eq!(first.spec.version, 1);
    let mut moved = sample();
    moved.bpmn[0].path = "elsewhere/sequence.bpmn".into();
    let again = store.add_spec(&moved).unwrap();
    assert!(
        !again.new_version,
        "same texts from another path: same spec"
    );
    assert_eq!(again.spec.id, first.spec.id);
    let text = sample().bpmn[0]
        .text
        .replace("</bpmn:definitions>", "<!-- v2 --></bpmn:definitions>");
    let mut second = spec_of("seq", &text);
    second.dialect = Some("python".into());
    let second = store.add_spec(&second).unwrap();
    assert!(second.new_version);
    assert_eq!(second.spec.version, 2);
    let list = store.specs().unwrap();
    assert_eq!(
        list.iter().map(|s| (s.id, s.version)).collect::<Vec<_>>(),
        [(first.spec.id, 1), (second.spec.id, 2)]
    );
    assert_eq!(list[0].files, [Path::new("sequence.bpmn")]);
    // A spec of several files lists them all, BPMN first, in order; the
    // list agrees with each spec read alone.
    let mut several = spec_of("several", &text);
    several.target = SpecTarget::Process("Process_Other".into());
    several.bpmn.push(SpecFile {
        path: "called.bpmn".into(),
        text: text.clone(),
    });
    several.dmn.push(SpecFile {
        path: "prices.dmn".into(),
        text: "<definitions/>".into(),
    });
    let several = store.add_spec(&several).unwrap().spec;
    assert_eq!(
        several.files,
        [
            Path::new("sequence.bpmn"),
            Path::new("called.bpmn"),
            Path::new("prices.dmn")
        ]
    );
    let list = store.specs().unwrap();
    assert_eq!(list.len(), 3);
    for s in &list {
        assert_eq!(store.spec(&s.id.to_string()).unwrap().info, *s);
    }
    let latest = store.spec("Process_Sequence").unwrap();
    assert_eq!(latest.info.id, second.spec.id);
    assert_eq!(latest.bpmn[0].text, text);
    assert_eq!(latest.dialect.as_deref(), Some("python"));
    assert_eq!(store.spec("seq").unwrap().info.id, second.spec.id);
    let old = store.spec(&first.spec.id.to_string()).unwrap();
    assert_eq!(old.info.version, 1);
    assert_eq!(old.dialect, None);
    assert!(matches!(store.spec("nothing"), Err(StoreError::NoSpec(_))));
    assert!(matches!(store.spec("999"), Err(StoreError::NoSpec(_))));
    // Another connection sees the same library.
    assert_eq!(open().specs().unwrap(), list);
}

fn saves_name_the_revision_they_read(open: Open<'_>) {
    let (mut a, mut b) = (open(), open());
    let spec = a.add_spec(&sample()).unwrap().spec.id;
    let info = a
        .create_instance(spec, InstanceSave::new(b"{\"n\":0}", InstanceStatus::Ready))
        .unwrap();
    assert_eq!(
        (info.revision, info.status, info.queued),
        (1, InstanceStatus::Ready, 0)
    );
    assert_eq!(info.holder, None);
    let read = b.instance(info.id).unwrap();
    assert_eq!(read.state, b"{\"n\":0}");
    let after = a
        .update_instance(
            info.id,
            1,
            None,
            InstanceSave::new(b"{\"n\":1}", InstanceStatus::Waiting),
        )
        .unwrap();
    assert_eq!(after.revision, 2);
    assert!(after.updated >= info.updated);
    match b.update_instance(
        info.id,
        read.info.revision,
        None,
        InstanceSave::new(b"{}", InstanceStatus::Ready),
    ) {
        Err(StoreError::Stale { id, read, now }) => assert_eq!((id, read, now), (info.id, 1, 2)),
        other => panic!("expected a stale refusal, got {other:?}"),
    }
    assert_eq!(
        b.instance(info.id).unwrap().state,
        b"{\"n\":1}",
        "a's save stands"
    );
    assert!(matches!(
        b.update_instance(
            9999,
            1,
            None,
            InstanceSave::new(b"{}", InstanceStatus::Ready)
        ),
        Err(StoreError::NoInstance(9999))
    ));
    assert!(matches!(
        b.instance(9999),
        Err(StoreError::NoInstance(9999))
    ));
    // A migration moves it to another spec version; completed ones leave
    // the active list.
    let text = sample().bpmn[0]
        .text
        .replace("</bpmn:definitions>", "<!-- v2 --></bpmn:definitions>");
    let v2 = a.add_spec(&spec_of("seq", &text)).unwrap().spec.id;
    let moved = a
        .update_instance(
            info.id,
            2,
            Some(v2),
            InstanceSave::new(b"{}", InstanceStatus::Completed),
        )
        .unwrap();
    assert_eq!(
        (moved.spec, moved.version, moved.status),
        (v2, 2, InstanceStatus::Completed)
    );
    let other = a
        .create_instance(spec, InstanceSave::new(b"{}", InstanceStatus::Error))
        .unwrap()
        .id;
    let ids = |active| -> Vec<i64> { b.instances(active).unwrap().iter().map(|i| i.id).collect() };
    assert_eq!(ids(false), [info.id, other]);
    assert_eq!(ids(true), [other]);
}

fn transition(
    task: &str,
    from: Option<TaskState>,
    to: Option<TaskState>,
    at: Timestamp,
) -> Transition {
    Transition {
        task: TaskId::parse_full(task).unwrap(),
        bpmn_id: format!("Task_{task}"),
        name: Some("A task".into()),
        from,
        to,
        at,
    }
}

fn the_log_keeps_its_order_across_saves(open: Open<'_>) {
    let mut store = open();
    let spec = store.add_spec(&sample()).unwrap().spec.id;
    let t0: Timestamp = "2025-01-01T00:00:00Z".parse().unwrap();
    let first = [
        transition("00000001", None, Some(TaskState::Ready), t0),
        transition("00000002", None, Some(TaskState::Waiting), t0),
    ];
    let mut s = InstanceSave::new(b"{}", InstanceStatus::Ready);
    s.log = &first;
    let id = store.create_instance(spec, s).unwrap().id;
    let second = [
        transition(
            "00000001",
            Some(TaskState::Ready),
            Some(TaskState::Completed),
            t0 + 1.hour(),
        ),
        transition("00000002", Some(TaskState::Waiting), None, t0 + 2.hours()),
    ];
    let mut s = InstanceSave::new(b"{}", InstanceStatus::Waiting);
    s.log = &second;
    store.update_instance(id, 1, None, s).unwrap();
    let log = open().log(id).unwrap();
    let seen: Vec<_> = log
        .iter()
        .map(|e| (e.task.as_str(), e.from, e.to, e.at))
        .collect();
    assert_eq!(
        seen,
        [
            ("00000001", None, Some(TaskState::Ready), t0),
            ("00000002", None, Some(TaskState::Waiting), t0),
            (
                "00000001",
                Some(TaskState::Ready),
                Some(TaskState::Completed),
                t0 + 1.hour()
            ),
            ("00000002", Some(TaskState::Waiting), None, t0 + 2.hours()),
        ]
    );
    assert_eq!(log[0].bpmn_id, "Task_00000001");
    assert_eq!(log[0].name.as_deref(), Some("A task"));
    assert!(matches!(store.log(9999), Err(StoreError::NoInstance(9999))));
}

fn the_queue_keeps_what_was_not_delivered_until_the_next_change(open: Open<'_>) {
    let mut store = open();
    let id = instance(&mut *store, false);
    let now = Timestamp::now();
    assert_eq!(
        store
            .claim_due("w", now, Duration::from_secs(60), 10)
            .unwrap(),
        Vec::<i64>::new(),
        "nothing to do yet"
    );
    let q1 = store
        .enqueue(id, DeliveryKind::Message, "paid", &json!({"amount": 30}))
        .unwrap();
    let q2 = store
        .enqueue(id, DeliveryKind::Signal, "stop", &json!(null))
        .unwrap();
    let queued = open().queued(id).unwrap();
    assert_eq!(
        queued
            .iter()
            .map(|q| (q.id, q.kind, q.name.as_str(), q.payload.clone()))
            .collect::<Vec<_>>(),
        [
            (q1, DeliveryKind::Message, "paid", json!({"amount": 30})),
            (q2, DeliveryKind::Signal, "stop", json!(null)),
        ]
    );
    assert_eq!(store.instance(id).unwrap().info.queued, 2);
    // Queuing made it due: a worker takes it, delivers the message, cannot
    // deliver the signal yet.
    let later = Timestamp::now();
    assert_eq!(
        store
            .claim_due("w", later, Duration::from_secs(60), 10)
            .unwrap(),
        [id]
    );
    let mut s = InstanceSave::new(b"{}", InstanceStatus::Waiting);
    let (delivered, undelivered) = ([q1], [q2]);
    s.delivered = &delivered;
    s.undelivered = &undelivered;
    s.claim = Some("w");
    let info = store.update_instance(id, 1, None, s).unwrap();
    assert_eq!(info.holder, None, "the save ended the claim");
    assert_eq!(info.queued, 1);
    assert_eq!(
        store
            .queued(id)
            .unwrap()
            .iter()
            .map(|q| q.id)
            .collect::<Vec<_>>(),
        [q2]
    );
    // Not due again for the signal it already tried at this revision…
    let t = Timestamp::now();
    assert_eq!(
        store
            .claim_due("w", t, Duration::from_secs(60), 10)
            .unwrap(),
        Vec::<i64>::new()
    );
    assert_eq!(store.next_due(t).unwrap(), None);
    // …until the instance changes: then the signal is tried again.
    store
        .update_instance(
            id,
            2,
            None,
            InstanceSave::new(b"{}", InstanceStatus::Waiting),
        )
        .unwrap();
    assert_eq!(
        store
            .claim_due("w", Timestamp::now(), Duration::from_secs(60), 10)
            .unwrap(),
        [id]
    );
    assert!(matches!(
        store.queued(9999),
        Err(StoreError::NoInstance(9999))
    ));
    assert!(matches!(
        store.enqueue(9999, DeliveryKind::Signal, "x", &json!(1)),
        Err(StoreError::NoInstance(9999))
    ));
}

fn a_completed_instance_has_no_queue_and_takes_nothing_more(open: Open<'_>) {
    let mut store = open();
    let id = instance(&mut *store, true);
    store
        .enqueue(id, DeliveryKind::Message, "late", &json!({}))
        .unwrap();
    let info = store
        .update_instance(
            id,
            1,
            None,
            InstanceSave::new(b"{}", InstanceStatus::Completed),
        )
        .unwrap();
    assert_eq!(info.queued, 0);
    assert!(store.queued(id).unwrap().is_empty());
    assert!(matches!(
        store.enqueue(id, DeliveryKind::Message, "later", &json!({})),
        Err(StoreError::Finished(f)) if f == id
    ));
    let t = Timestamp::now();
    assert_eq!(store.next_due(t).unwrap(), None, "never due once completed");
    assert!(
        store
            .claim_due("w", t, Duration::from_secs(60), 10)
            .unwrap()
            .is_empty()
    );
}

fn two_workers_never_claim_the_same_instance(open: Open<'_>) {
    let mut store = open();
    let spec = store.add_spec(&sample()).unwrap().spec.id;
    let mut all: Vec<i64> = (0..40)
        .map(|_| {
            let mut s = InstanceSave::new(b"{}", InstanceStatus::Waiting);
            s.pending = true;
            store.create_instance(spec, s).unwrap().id
        })
        .collect();
    let now = Timestamp::now();
    let workers: Vec<_> = ["a", "b"]
        .into_iter()
        .map(|w| {
            let mut conn = open();
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                // Small batches, so the two interleave.
                loop {
                    let got = conn.claim_due(w, now, Duration::from_secs(600), 3).unwrap();
                    if got.is_empty() {
                        break mine;
                    }
                    mine.extend(got);
                }
            })
        })
        .collect();
    let claimed: Vec<Vec<i64>> = workers.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(
        claimed[0].iter().all(|id| !claimed[1].contains(id)),
        "disjoint: {claimed:?}"
    );
    let mut union: Vec<i64> = claimed.concat();
    union.sort_unstable();
    all.sort_unstable();
    assert_eq!(union, all, "every due instance claimed once");
    let holders: Vec<String> = store
        .instances(true)
        .unwrap()
        .into_iter()
        .map(|i| i.holder.expect("held").worker)
        .collect();
    assert_eq!(
        holders.iter().filter(|w| *w == "a").count(),
        claimed[0].len()
    );
}

fn claims_expire_and_show_while_they_last(open: Open<'_>) {
    let mut store = open();
    let id = instance(&mut *store, true);
    let now = Timestamp::now();
    // A lease of 0 ends at once: another worker may take it right away.
    assert_eq!(store.claim_due("a", now, Duration::ZERO, 10).unwrap(), [id]);
    assert_eq!(
        store.instance(id).unwrap().info.holder,
        None,
        "an expired claim is not shown"
    );
    let mut other = open();
    assert_eq!(
        other
            .claim_due("b", now, Duration::from_secs(3600), 10)
            .unwrap(),
        [id]
    );
    let held = store
        .instance(id)
        .unwrap()
        .info
        .holder
        .expect("b's claim shows");
    assert_eq!(held.worker, "b");
    assert_eq!(
        held.until.as_microsecond(),
        (now + 1.hour()).as_microsecond()
    );
    assert!(
        store
            .claim_due("a", now + 30.minutes(), Duration::from_secs(60), 10)
            .unwrap()
            .is_empty()
    );
    // A killed worker: after its lease, the instance is claimable again.
    assert_eq!(
        store
            .claim_due("a", now + 2.hours(), Duration::from_secs(60), 10)
            .unwrap(),
        [id]
    );
    // The saved state stands: a's save under a claim that b had is fine
    // (revisions guard the state), and it leaves b nothing to release.
    let info = store
        .update_instance(
            id,
            1,
            None,
            InstanceSave::new(b"{}", InstanceStatus::Waiting),
        )
        .unwrap();
    assert_eq!(info.revision, 2);
}

fn release_with_a_retry_time_defers_the_instance(open: Open<'_>) {
    let mut store = open();
    let id = instance(&mut *store, true);
    let now = Timestamp::now();
    assert_eq!(
        store
            .claim_due("w", now, Duration::from_secs(600), 1)
            .unwrap(),
        [id]
    );
    // Someone else's release changes nothing.
    store.release(id, "other", None).unwrap();
    assert_eq!(
        store
            .instance(id)
            .unwrap()
            .info
            .holder
            .map(|c| c.worker)
            .as_deref(),
        Some("w")
    );
    let retry = now + 1.hour();
    store.release(id, "w", Some(retry)).unwrap();
    assert_eq!(store.instance(id).unwrap().info.holder, None);
    assert!(
        store
            .claim_due("x", now + 1.second(), Duration::from_secs(60), 10)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.next_due(now).unwrap().map(|t| t.as_microsecond()),
        Some(retry.as_microsecond())
    );
    assert_eq!(
        store
            .claim_due("x", retry, Duration::from_secs(60), 10)
            .unwrap(),
        [id]
    );
    // A release without a retry time leaves it due as it was.
    store.release(id, "x", None).unwrap();
    assert_eq!(
        store
            .claim_due("y", retry, Duration::from_secs(60), 10)
            .unwrap(),
        [id]
    );
}

fn next_due_is_the_earliest_unclaimed_time(open: Open<'_>) {
    let mut store = open();
    let spec = store.add_spec(&sample()).unwrap().spec.id;
    let now = Timestamp::now();
    assert_eq!(store.next_due(now).unwrap(), None);
    // Nothing to do until something from outside: never due.
    store
        .create_instance(spec, InstanceSave::new(b"{}", InstanceStatus::Waiting))
        .unwrap();
    assert_eq!(store.next_due(now).unwrap(), None);
    let (soon, later) = (now + 10.minutes(), now + 1.hour());
    let mut ids = Vec::new();
    for at in [later, soon] {
        let mut s = InstanceSave::new(b"{}", InstanceStatus::Waiting);
        s.next_timer = Some(at);
        ids.push(store.create_instance(spec, s).unwrap().id);
    }
    let us = |t: Option<Timestamp>| t.map(|t| t.as_microsecond());
    assert_eq!(us(store.next_due(now).unwrap()), us(Some(soon)));
    assert!(
        store
            .claim_due("w", now, Duration::from_secs(60), 10)
            .unwrap()
            .is_empty(),
        "timers not yet due"
    );
    // Claimed: not counted while the claim lasts.
    assert_eq!(
        store
            .claim_due("w", soon, Duration::from_secs(3600), 1)
            .unwrap(),
        [ids[1]]
    );
    assert_eq!(us(store.next_due(soon).unwrap()), us(Some(later)));
}

fn a_timer_start_occurrence_is_stored_exactly_once(open: Open<'_>) {
    let mut store = open();
    let spec = store.add_spec(&sample()).unwrap().spec.id;
    let s = || InstanceSave::new(b"{}", InstanceStatus::Waiting);
    assert_eq!(store.timer_starts_done(spec, "Start").unwrap(), 0);
    let first = store.create_timer_instance(spec, "Start", 1, s()).unwrap();
    assert!(first.is_some());
    assert_eq!(
        store.create_timer_instance(spec, "Start", 1, s()).unwrap(),
        None,
        "started already"
    );
    assert_eq!(
        store.create_timer_instance(spec, "Start", 3, s()).unwrap(),
        None,
        "2 was not started"
    );
    assert_eq!(store.timer_starts_done(spec, "Start").unwrap(), 1);
    assert_eq!(store.timer_starts_done(spec, "Other").unwrap(), 0);
    // Two workers race for occurrence 2: one wins.
    let racers: Vec<_> = (0..2)
        .map(|_| {
            let mut conn = open();
            std::thread::spawn(move || {
                conn.create_timer_instance(
                    spec,
                    "Start",
                    2,
                    InstanceSave::new(b"{}", InstanceStatus::Waiting),
                )
                .unwrap()
                .is_some()
            })
        })
        .collect();
    let won: Vec<bool> = racers.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(won.iter().filter(|w| **w).count(), 1, "{won:?}");
    assert_eq!(store.timer_starts_done(spec, "Start").unwrap(), 2);
    assert_eq!(store.instances(false).unwrap().len(), 2);
}

/// A new PostgreSQL database and a client to look inside it.
fn postgres_database() -> Option<(pg::TestDatabase, ::postgres::Client)> {
    let db = pg::fresh_database()?;
    let client = pg::connect(&db.url);
    Some((db, client))
}

#[test]
fn postgres_schema_is_created_only_when_asked_and_beside_other_tables() {
    let Some((test_db, mut db)) = postgres_database() else {
        return;
    };
    let url = test_db.url.clone();
    db.batch_execute("CREATE TABLE public.specs (x INT); INSERT INTO public.specs VALUES (7)")
        .unwrap();
    match PostgresStore::open(&url, false) {
        Err(e @ StoreError::Missing { .. }) => {
            assert!(e.to_string().contains("no store here yet"), "{e}")
        }
        other => panic!("expected Missing, got {other:?}"),
    }
    // Two processes opening a new database at once: one creates the
    // schema, the other waits and uses it.
    let openers: Vec<_> = (0..3)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || PostgresStore::open(&url, true).map(|_| ()))
        })
        .collect();
    for o in openers {
        o.join().unwrap().unwrap();
    }
    let mut store = PostgresStore::open(&url, false).unwrap();
    store.add_spec(&sample()).unwrap();
    let version: i64 = db
        .query_one("SELECT version FROM bpmn.store_version", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, bpmn_engine::storage::POSTGRES_SCHEMA_VERSION);
    let theirs: i32 = db
        .query_one("SELECT x FROM public.specs", &[])
        .unwrap()
        .get(0);
    assert_eq!(theirs, 7, "other tables untouched");
}

#[test]
fn postgres_refuses_a_foreign_or_newer_schema_untouched() {
    let Some((test_db, mut db)) = postgres_database() else {
        return;
    };
    let url = test_db.url.clone();
    db.batch_execute("CREATE SCHEMA bpmn; CREATE TABLE bpmn.things (x INT)")
        .unwrap();
    match PostgresStore::open(&url, true) {
        Err(e @ StoreError::Corrupt { .. }) => assert!(
            e.to_string().contains("no bpmn-runner version marker"),
            "{e}"
        ),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    let tables: i64 = db
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'bpmn'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 1, "nothing was created");

    let Some((test_db, mut db)) = postgres_database() else {
        return;
    };
    let url = test_db.url.clone();
    PostgresStore::open(&url, true).unwrap();
    db.batch_execute("UPDATE bpmn.store_version SET version = 99")
        .unwrap();
    match PostgresStore::open(&url, true) {
        Err(StoreError::Newer {
            version, supported, ..
        }) => {
            assert_eq!(
                (version, supported),
                (99, bpmn_engine::storage::POSTGRES_SCHEMA_VERSION)
            )
        }
        other => panic!("expected Newer, got {other:?}"),
    }
}

#[test]
fn postgres_errors_name_the_store_without_its_password() {
    let Some((test_db, mut db)) = postgres_database() else {
        return;
    };
    let url = test_db.url.clone();
    let id = instance(&mut PostgresStore::open(&url, true).unwrap(), false);
    // A password in the URL (trust authentication ignores it) stays out of
    // every message.
    let Some(at) = url.find('@') else {
        return;
    };
    let with_password = format!("{}:s3cret{}", &url[..at], &url[at..]);
    let store = PostgresStore::open(&with_password, false).unwrap();
    assert_eq!(store.location(), url);
    db.batch_execute("DROP TABLE bpmn.task_log").unwrap();
    let e = store.log(id).unwrap_err();
    assert!(matches!(e, StoreError::Postgres { .. }), "{e:?}");
    let text = e.to_string();
    assert!(text.starts_with(&format!("{url}: ")), "{text}");
    assert!(text.contains("task_log"), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
}
