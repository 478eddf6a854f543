//! What the parser keeps on each node: lanes, documentation, vendor
//! extension data; and that every namespace prefix gives the same model.

use crate::support;

use bpmn_engine::Specs;
use bpmn_engine::model::ElementType;
use support::fixture;

fn node<'a>(specs: &'a Specs, id: &str) -> &'a bpmn_engine::model::Node {
    specs
        .model()
        .graphs
        .iter()
        .flat_map(|g| g.nodes.iter())
        .find(|n| n.id == id)
        .unwrap_or_else(|| panic!("no node {id}"))
}

#[test]
fn each_task_knows_its_innermost_lane() {
    let specs = Specs::load(&[fixture("lanes.bpmn")]);
    assert!(specs.diagnostics().is_empty(), "{:?}", specs.diagnostics());
    assert_eq!(node(&specs, "Task_Order").lane.as_deref(), Some("Customer"));
    assert_eq!(node(&specs, "Task_Price").lane.as_deref(), Some("Clerk"));
    assert_eq!(
        node(&specs, "Task_Approve").lane.as_deref(),
        Some("Manager")
    );
    // The running task reports it too.
    let mut wf = specs
        .start("Process_Lanes", bpmn_engine::Data::new())
        .unwrap();
    wf.run().unwrap();
    let ready = wf.ready_human_tasks();
    assert_eq!(ready[0].bpmn_id, "Task_Order");
    assert_eq!(ready[0].lane, Some("Customer"));
}

#[test]
fn documentation_is_kept_with_entities_resolved() {
    let specs = Specs::load(&[fixture("documentation.bpmn")]);
    let docs: Vec<&str> = specs
        .model()
        .graphs
        .iter()
        .flat_map(|g| g.nodes.iter())
        .filter_map(|n| n.documentation.as_deref())
        .collect();
    assert!(
        docs.iter().any(|d| d.contains("<b>bold</b> & \"quotes\"")),
        "{docs:?}"
    );
    assert!(
        docs.iter()
            .any(|d| d.starts_with("Please read carefully:\n")),
        "{docs:?}"
    );
}

#[test]
fn spiffworkflow_and_camunda_extensions_are_kept_and_others_dropped() {
    let specs = Specs::load(&[fixture("extensions.bpmn")]);
    assert!(specs.diagnostics().is_empty(), "{:?}", specs.diagnostics());
    let n = node(&specs, "Task_Form");
    let ext = &n.extensions;
    assert_eq!(ext.form_schema.as_deref(), Some("x.json"));
    assert_eq!(
        ext.properties.get("priority").map(String::as_str),
        Some("high")
    );
    assert_eq!(
        ext.properties
            .get("formUiSchemaFilename")
            .map(String::as_str),
        Some("x-uischema.json")
    );
    assert_eq!(
        ext.instructions.as_deref(),
        Some("Enter the amount for {{ customer }}.")
    );
    assert_eq!(
        ext.attributes.get("camunda:assignee").map(String::as_str),
        Some("demo")
    );
    assert!(
        !ext.attributes.keys().any(|k| k.contains("color")),
        "{:?}",
        ext.attributes
    );
    let form = ext.element("formData").expect("camunda:formData kept");
    assert_eq!(form.children.len(), 2);
    assert_eq!(form.children[1].children[0].attrs["name"], "Euro");
    assert!(
        ext.elements
            .iter()
            .all(|e| e.name != "hint" && e.name != "nested")
    );
}

#[test]
fn every_namespace_prefix_and_a_bom_give_a_runnable_model() {
    for (file, process) in [
        ("prefix_bpmn2.bpmn", None),
        ("prefix_semantic.bpmn", None),
        ("prefix_default.bpmn", None),
        ("bom.bpmn", None::<&str>),
    ] {
        let specs = Specs::load(&[fixture(file)]);
        assert!(
            specs.diagnostics().is_empty(),
            "{file}: {:?}",
            specs.diagnostics()
        );
        let id = process
            .map(str::to_string)
            .unwrap_or_else(|| specs.model().processes[0].id.clone());
        let data = support::cases()
            .into_iter()
            .find(|c| c.files == [file])
            .map(|c| c.data)
            .unwrap_or_default();
        let mut wf = specs.start(&id, data).unwrap();
        wf.run().unwrap();
        while let Some(t) = wf.ready_human_tasks().first().map(|t| t.id) {
            wf.complete_task(t, bpmn_engine::Data::new()).unwrap();
            wf.run().unwrap();
        }
        assert!(wf.is_completed(), "{file}");
        assert!(wf.task_count() >= 3, "{file}");
    }
}

#[test]
fn task_records_have_unique_ids_parents_and_states() {
    let specs = Specs::load(&[fixture("subprocess.bpmn")]);
    let mut wf = specs
        .start(
            &specs.model().processes[0].id.clone(),
            bpmn_engine::Data::new(),
        )
        .unwrap();
    wf.run().unwrap();
    let ids: std::collections::HashSet<String> = wf.tasks().map(|t| t.id.to_string()).collect();
    assert_eq!(ids.len(), wf.task_count());
    let ready = wf.ready_human_tasks();
    let t = &ready[0];
    // The parent chain leads back to the start event of the process.
    let mut cur = t.parent;
    let mut hops = 0;
    while let Some(p) = cur {
        cur = wf.task(p).unwrap().parent;
        hops += 1;
    }
    assert!(
        hops >= 2,
        "a task inside a subprocess descends from the subprocess task"
    );
    // The enclosing subprocess task is STARTED while its body runs.
    assert!(
        wf.tasks().any(
            |t| t.kind == ElementType::SubProcess && t.state == bpmn_engine::TaskState::Started
        )
    );
    // Future tasks are predicted from the graph, not stored.
    let future: Vec<&str> = wf.future_tasks().iter().map(|f| f.bpmn_id).collect();
    assert!(!future.is_empty());
    assert!(future.iter().all(|id| {
        !wf.tasks()
            .any(|t| t.bpmn_id == *id && !t.state.is_finished())
    }));
}
