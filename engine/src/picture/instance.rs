//! The picture of one instance: the diagrams its tokens went through, with
//! its states laid over them ([`InstancePicture`]), as SVG or as an HTML
//! page that adds its task list and data.

use serde_json::Value;

use super::{Overlay, html};
use crate::model::{Diagram, Model};
use crate::runtime::Workflow;

/// What `bpmn show` draws for an instance.
#[derive(Debug, Clone)]
pub struct InstancePicture {
    /// The diagrams with an element the instance reached (all diagrams of
    /// the loaded files when it reached none), DI first, then layouts made
    /// for processes without DI.
    pub diagrams: Vec<Diagram>,
    /// The instance's states, counts and taken flows.
    pub overlay: Overlay,
}

impl InstancePicture {
    /// Reads the picture of `wf`: O(task records + diagram shapes).
    pub fn of(wf: &Workflow) -> InstancePicture {
        let overlay = Overlay::of_instance(wf);
        let all = diagrams_of(&wf.specs.model);
        let reached: Vec<Diagram> = all
            .iter()
            .filter(|d| {
                d.shapes.iter().any(|s| {
                    overlay
                        .nodes
                        .contains_key(&super::ElementKey::new(d.file, s.element.clone()))
                })
            })
            .cloned()
            .collect();
        InstancePicture {
            diagrams: if reached.is_empty() { all } else { reached },
            overlay,
        }
    }

    /// The picture as one self-contained SVG document.
    pub fn svg(&self) -> String {
        super::svg(&self.diagrams, &self.overlay)
    }

    /// One self-contained HTML page: the picture, then the instance's
    /// tasks (id, element, name, type, lane, state) and its data.
    pub fn html(&self, wf: &Workflow, title: &str) -> String {
        let rows = wf
            .tasks()
            .map(|t| {
                vec![
                    t.id.to_string(),
                    t.bpmn_id.to_string(),
                    t.name.unwrap_or("").to_string(),
                    t.kind.to_string(),
                    t.lane.unwrap_or("").to_string(),
                    t.state.to_string(),
                ]
            })
            .collect();
        let data = if wf.is_completed() {
            wf.data().clone()
        } else {
            (*wf.last_task_data()).clone()
        };
        let data_heading = if wf.is_completed() {
            "Data"
        } else {
            "Data (of the most recently completed task)"
        };
        let page = html::Page {
            title: title.to_string(),
            svg: Some(self.svg()),
            sections: vec![
                html::Section {
                    heading: "Tasks".into(),
                    body: html::SectionBody::Table {
                        headers: ["id", "element", "name", "type", "lane", "state"]
                            .map(String::from)
                            .to_vec(),
                        rows,
                    },
                },
                html::Section {
                    heading: data_heading.into(),
                    body: html::SectionBody::Json(Value::from(data)),
                },
            ],
        };
        page.html()
    }
}

/// Every diagram of `model`: its files' BPMN DI planes, then a layout for
/// each process no plane draws.
pub fn diagrams_of(model: &Model) -> Vec<Diagram> {
    let mut all = model.diagrams.clone();
    all.extend(super::layout::missing_layouts(model));
    all
}
