//! Running one scenario: load its files (once per set of files, however
//! many scenarios share them), start, apply the answers as `bpmn run
//! --answers` does, then compare with the expectations. Anything that
//! goes wrong on the way — a file that does not load, a script that fails,
//! an answer for a task that is not ready — is the run's error, which
//! fails the scenario unless it expected that error; it never stops the
//! other scenarios.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::expect::{Difference, Observed, differences};
use super::file::{Scenario, Start};
use crate::model::Dialect;
use crate::parser::LoadOptions;
use crate::runtime::{Answer, Specs, TaskState, Workflow};

/// What running a scenario gave.
#[derive(Debug)]
pub struct Outcome {
    /// The scenario's name.
    pub name: String,
    /// Its file.
    pub file: PathBuf,
    /// How it differs from its expectations; empty when it passed.
    pub differences: Vec<Difference>,
    /// What the run left behind.
    pub observed: Observed,
    /// How long it took (loading the files included, when this scenario
    /// was the first to load them).
    pub elapsed: Duration,
    /// The instance, when it started (for coverage).
    pub workflow: Option<Workflow>,
}

impl Outcome {
    /// Whether every expectation held.
    pub fn passed(&self) -> bool {
        self.differences.is_empty()
    }

    /// The first difference, the one a report shows.
    pub fn first_difference(&self) -> Option<&Difference> {
        self.differences.first()
    }
}

/// Prepares an instance before it runs (the `bpmn` command installs its
/// service operations); an error fails the scenario.
pub type Prepare<'a> = Box<dyn FnMut(&Arc<Specs>, &mut Workflow) -> Result<(), String> + 'a>;

/// The files a scenario loads, as a key for reusing loaded specs.
type FilesKey = (Vec<PathBuf>, Vec<PathBuf>, Option<Dialect>);

/// Runs scenarios, loading each set of files once.
pub struct Runner<'a> {
    loaded: HashMap<FilesKey, Arc<Specs>>,
    prepare: Option<Prepare<'a>>,
}

impl Default for Runner<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> Runner<'a> {
    /// A runner that runs instances as they are (no services installed).
    pub fn new() -> Self {
        Runner {
            loaded: HashMap::new(),
            prepare: None,
        }
    }

    /// A runner that calls `prepare` on each instance before it runs.
    pub fn with_prepare(prepare: Prepare<'a>) -> Self {
        Runner {
            loaded: HashMap::new(),
            prepare: Some(prepare),
        }
    }

    /// The specs of every set of files loaded so far.
    pub fn loaded(&self) -> impl Iterator<Item = &Arc<Specs>> {
        self.loaded.values()
    }

    /// Runs `scenario` and compares the result with its expectations.
    pub fn run(&mut self, scenario: &Scenario) -> Outcome {
        let began = Instant::now();
        let (workflow, error) = match self.start(scenario) {
            Err(e) => (None, Some(e)),
            Ok(mut wf) => {
                let e = drive(&mut wf, &scenario.answers).err();
                (Some(wf), e)
            }
        };
        let observed = observe(workflow.as_ref(), error);
        Outcome {
            name: scenario.name.clone(),
            file: scenario.file.clone(),
            differences: differences(&scenario.expect, &observed),
            observed,
            elapsed: began.elapsed(),
            workflow,
        }
    }

    /// Loads (or reuses) the files and starts the instance.
    fn start(&mut self, s: &Scenario) -> Result<Workflow, String> {
        let key = (s.diagrams.clone(), s.dmn.clone(), s.dialect);
        let specs = match self.loaded.get(&key) {
            Some(specs) => specs.clone(),
            None => {
                let options = LoadOptions { dialect: s.dialect };
                let specs = Specs::load_all(&s.diagrams, &s.dmn, &options);
                let unreadable = specs.unreadable_files();
                if !unreadable.is_empty() {
                    return Err(unreadable.join("; "));
                }
                self.loaded.insert(key, specs.clone());
                specs
            }
        };
        let data = s.data.clone();
        let started = match &s.start {
            Start::Process(p) => specs.start_at(p, data, s.clock),
            Start::Collaboration(c) => specs.start_collaboration_at(c, data, s.clock),
        };
        let mut wf = started.map_err(|e| e.to_string())?;
        if let Some(prepare) = &mut self.prepare {
            prepare(&specs, &mut wf)?;
        }
        Ok(wf)
    }
}

/// Runs engine tasks, then each answer followed by engine tasks; the
/// messages are those of `bpmn run`.
fn drive(wf: &mut Workflow, answers: &[Answer]) -> Result<(), String> {
    wf.run().map_err(|e| e.to_string())?;
    for (i, a) in answers.iter().enumerate() {
        let n = i + 1;
        wf.apply(a).map_err(|e| e.for_answer(n))?;
        wf.run().map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn observe(wf: Option<&Workflow>, error: Option<String>) -> Observed {
    let Some(wf) = wf else {
        return Observed {
            error,
            ..Observed::default()
        };
    };
    let data = if wf.is_completed() {
        wf.data().to_json_map()
    } else {
        wf.last_task_data().to_json_map()
    };
    Observed {
        completed: wf.is_completed(),
        data,
        order: wf
            .completed_tasks()
            .map(|t| t.bpmn_id.to_string())
            .collect(),
        ready: wf
            .tasks_in_state(TaskState::Ready)
            .map(|t| t.bpmn_id.to_string())
            .collect(),
        waiting: wf
            .waiting_tasks()
            .iter()
            .map(|t| t.bpmn_id.to_string())
            .collect(),
        error,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::parse_str;

    const DIAGRAM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <process id="p" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="ask"/>
    <userTask id="ask"/>
    <sequenceFlow id="f2" sourceRef="ask" targetRef="calc"/>
    <scriptTask id="calc"><script>total = qty * 2</script></scriptTask>
    <sequenceFlow id="f3" sourceRef="calc" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>"#;

    fn run(dir: &Path, scenario: &str) -> Outcome {
        std::fs::write(dir.join("p.bpmn"), DIAGRAM).unwrap();
        let s = parse_str(scenario, &dir.join("s.json")).unwrap();
        Runner::new().run(&s[0])
    }

    #[test]
    fn a_scenario_runs_and_passes() {
        let dir = tempfile::tempdir().unwrap();
        let o = run(
            dir.path(),
            r#"{"diagrams": ["p.bpmn"], "process": "p",
                "answers": [{"task": "ask", "data": {"qty": 3}}],
                "expect": {"completed": true, "data": {"total": 6}, "order": ["ask", "calc", "end"]}}"#,
        );
        assert!(o.passed(), "{:?}", o.differences);
        assert_eq!(o.observed.order, ["start", "ask", "calc", "end"]);
        assert!(o.workflow.is_some());
    }

    #[test]
    fn a_waiting_instance_shows_its_ready_tasks_and_start_data() {
        let dir = tempfile::tempdir().unwrap();
        let o = run(
            dir.path(),
            r#"{"diagrams": ["p.bpmn"], "process": "p", "data": {"who": "me"},
                "expect": {"completed": true, "ready": ["ask"], "data": {"who": "me"}}}"#,
        );
        assert_eq!(o.differences.len(), 1);
        assert_eq!(
            o.first_difference().unwrap().to_string(),
            "completed: expected true, got false (ready: ask)"
        );
    }

    #[test]
    fn run_errors_fail_the_scenario_with_their_message() {
        let dir = tempfile::tempdir().unwrap();
        let o = run(
            dir.path(),
            r#"{"diagrams": ["p.bpmn"], "process": "p", "answers": [{"task": "nope"}]}"#,
        );
        assert_eq!(
            o.first_difference().unwrap().to_string(),
            "error: answer #1 is for task `nope`, which is not a ready human task; ready: ask"
        );
        // A script that fails: qty is not set.
        let o = run(
            dir.path(),
            r#"{"diagrams": ["p.bpmn"], "process": "p", "answers": [{"task": "ask"}]}"#,
        );
        let d = o.first_difference().unwrap();
        assert_eq!(d.path, "error");
        assert!(d.message.contains("calc"), "{d}");
        // Expected, it passes.
        let o = run(
            dir.path(),
            r#"{"diagrams": ["p.bpmn"], "process": "p", "answers": [{"task": "ask"}],
                "expect": {"error": "qty", "completed": false}}"#,
        );
        assert!(o.passed(), "{:?}", o.differences);
        // Files that do not load and unknown processes.
        let o = run(dir.path(), r#"{"diagrams": ["gone.bpmn"], "process": "p"}"#);
        assert!(o.first_difference().unwrap().message.contains("gone.bpmn"));
        assert!(o.workflow.is_none());
        let o = run(dir.path(), r#"{"diagrams": ["p.bpmn"], "process": "q"}"#);
        assert!(
            o.first_difference()
                .unwrap()
                .message
                .contains("no process or collaboration `q`")
        );
    }

    #[test]
    fn start_sets_a_virtual_clock_that_advance_answers_move() {
        // A date already past on the real clock: only a virtual clock
        // starting before it keeps the timer waiting.
        const TIMER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <process id="t" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <intermediateCatchEvent id="wait">
      <timerEventDefinition><timeDate>2020-01-01T02:00:00Z</timeDate></timerEventDefinition>
    </intermediateCatchEvent>
    <sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>"#;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.bpmn"), TIMER).unwrap();
        let run = |text: &str| {
            let s = parse_str(text, &dir.path().join("s.json")).unwrap();
            Runner::new().run(&s[0])
        };
        let o = run(
            r#"{"diagrams": ["t.bpmn"], "process": "t", "start": "2020-01-01T00:00:00Z",
                "expect": {"completed": false}}"#,
        );
        assert!(o.passed(), "{:?}", o.differences);
        assert_eq!(o.observed.waiting, ["wait"]);
        let o = run(
            r#"{"diagrams": ["t.bpmn"], "process": "t", "start": "2020-01-01T00:00:00Z",
                "answers": [{"advance": "PT1H"}, {"advance": "PT1H"}],
                "expect": {"completed": true, "order": ["wait", "end"]}}"#,
        );
        assert!(o.passed(), "{:?}", o.differences);
        let o = run(r#"{"diagrams": ["t.bpmn"], "process": "t", "expect": {"completed": true}}"#);
        assert!(
            o.passed(),
            "the real clock is past the date: {:?}",
            o.differences
        );
    }

    #[test]
    fn files_load_once_per_runner() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("p.bpmn"), DIAGRAM).unwrap();
        let text = r#"[{"diagrams": ["p.bpmn"], "process": "p"}, {"diagrams": ["p.bpmn"], "process": "p"}]"#;
        let s = parse_str(text, &dir.path().join("s.json")).unwrap();
        let mut r = Runner::new();
        let a = r.run(&s[0]);
        let b = r.run(&s[1]);
        assert!(a.passed() && b.passed());
        assert_eq!(r.loaded().count(), 1);
    }
}
