//! Instance store benchmarks (divan): start and complete 1,000 instances of
//! a user-task process in a SQLite store, as `bpmn start` then
//! `bpmn resume ID --answers` do (state bytes, status and task log saved in
//! one transaction each time; the store file on disk).

use std::path::Path;

use bpmn_engine::storage::{
    self, Format, InstanceSave, NewSpec, Origin, SpecFile, SpecTarget, SqliteStore, Store,
};
use bpmn_engine::{Data, Specs};

fn main() {
    divan::main();
}

const ORDER: &str = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<process id="p" isExecutable="true">
<startEvent id="s"/><scriptTask id="total"><script>total = price * qty;</script></scriptTask>
<userTask id="confirm" name="Confirm"/><endEvent id="end"/>
<sequenceFlow id="a" sourceRef="s" targetRef="total"/>
<sequenceFlow id="b" sourceRef="total" targetRef="confirm"/>
<sequenceFlow id="c" sourceRef="confirm" targetRef="end"/>
</process></definitions>"#;

const N: usize = 1_000;

fn store(dir: &Path) -> (SqliteStore, i64) {
    let mut store = SqliteStore::open(&dir.join("bpmn.db"), true).unwrap();
    let spec = store
        .add_spec(&NewSpec {
            name: "order".into(),
            target: SpecTarget::Process("p".into()),
            bpmn: vec![SpecFile {
                path: "order.bpmn".into(),
                text: ORDER.into(),
            }],
            dmn: vec![],
            dialect: None,
        })
        .unwrap()
        .spec
        .id;
    (store, spec)
}

#[divan::bench(sample_count = 5)]
fn start_and_complete_1000(b: divan::Bencher) {
    let specs = Specs::from_sources(vec![("order.bpmn".into(), ORDER.as_bytes().to_vec())]);
    let data: Data = serde_json::json!({"price": 3, "qty": 4})
        .as_object()
        .unwrap()
        .clone()
        .into();
    b.with_inputs(|| {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path());
        (dir, s)
    })
    .bench_local_values(|(dir, (mut store, spec))| {
        let origin = Origin::Process("p".into());
        for _ in 0..N {
            // start
            let mut wf = specs.start("p", data.clone()).unwrap();
            wf.record_transitions(true);
            wf.run().unwrap();
            let log = wf.take_transitions();
            let state = storage::save_bytes(&wf, &origin, Format::Json).unwrap();
            let info = store
                .create_instance(spec, InstanceSave::of(&wf, &state, &log, false))
                .unwrap();
            // resume and complete
            let stored = store.instance(info.id).unwrap();
            let (mut wf, origin) = storage::load_bytes(&stored.state, Format::Json).unwrap();
            wf.record_transitions(false);
            let t = wf.ready_human_tasks()[0].id;
            wf.complete_task(t, Data::new()).unwrap();
            wf.run().unwrap();
            assert!(wf.is_completed());
            let log = wf.take_transitions();
            let state = storage::save_bytes(&wf, &origin, Format::Json).unwrap();
            store
                .update_instance(
                    info.id,
                    stored.info.revision,
                    None,
                    InstanceSave::of(&wf, &state, &log, false),
                )
                .unwrap();
        }
        drop(store);
        dir
    });
}
