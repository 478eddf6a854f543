//! The interactive loop: run engine tasks, show where the workflow stands,
//! and offer the main menu until the person quits.
//!
//! Work is never lost: quitting offers to save (or saves to the file the
//! session was started with), and Ctrl-C or end of input save before
//! leaving — to the remembered file name, else to a name the person gives
//! (Ctrl-C on a terminal) or a fresh one in the current directory.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use bpmn_engine::model::EventKind;
use bpmn_engine::storage::{self, Format, LockError, Origin, StateLock};
use bpmn_engine::{CompleteError, Data, TaskId, TaskState, Workflow};

use super::forms;
use super::interrupt;
use super::menu::{self, Action, Situation};
use super::prompter::{PromptError, Prompter};
use super::render::{self, Columns, Row};
use super::saving;
use super::templates;
use crate::cli::CliError;
use crate::cli::exit::{COMPLETED, WAITING, WORKFLOW};
use crate::cli::invocation::resume_command;

/// How a session runs.
pub struct Options {
    /// Every task, engine tasks too, waits for the person.
    pub step: bool,
    /// Folders to look for form files in (before the diagram's folder).
    pub forms: Vec<PathBuf>,
    /// The file the session saves to without asking (`run --save FILE`,
    /// `resume FILE`); also the default of "Save state".
    pub save_path: Option<PathBuf>,
    /// Whether the instance changed since it was loaded (false on resume).
    pub dirty: bool,
    /// The lock on `save_path`, held for the whole session so no other
    /// bpmn changes the file meanwhile.
    pub lock: Option<StateLock>,
    /// How the person runs this program (`bpmn`, `cargo run --`…), for
    /// the hint that says how to resume ([`crate::cli::invocation`]).
    pub program: String,
}

/// Why the loop ended.
enum End {
    Quit,
    Interrupted,
    Eof,
}

pub struct Session<'a> {
    wf: Workflow,
    origin: Origin,
    p: &'a mut dyn Prompter,
    out: &'a mut dyn Write,
    step: bool,
    forms: Vec<PathBuf>,
    save_path: Option<PathBuf>,
    /// `save_path` came from the command line: save there without asking.
    save_given: bool,
    dirty: bool,
    /// The lock on the file the session saves to (see [`Options::lock`]);
    /// moves to the new file when "Save state" picks another one.
    lock: Option<StateLock>,
    /// See [`Options::program`].
    program: String,
    announced_completion: bool,
    /// Where fresh save names go (the current directory).
    dir: PathBuf,
}

type Flow<T> = Result<T, PromptError>;

impl<'a> Session<'a> {
    pub fn new(
        wf: Workflow,
        origin: Origin,
        opts: Options,
        p: &'a mut dyn Prompter,
        out: &'a mut dyn Write,
    ) -> Self {
        Session {
            wf,
            origin,
            p,
            out,
            step: opts.step,
            forms: opts.forms,
            save_given: opts.save_path.is_some(),
            save_path: opts.save_path,
            dirty: opts.dirty,
            lock: opts.lock,
            program: opts.program,
            announced_completion: false,
            dir: PathBuf::new(),
        }
    }

    /// Puts fresh save files in `dir` instead of the current directory.
    #[cfg(test)]
    pub fn save_dir(mut self, dir: &Path) -> Self {
        self.dir = dir.to_path_buf();
        self
    }

    /// The instance as it is now.
    #[cfg(test)]
    pub fn workflow(&self) -> &Workflow {
        &self.wf
    }

    fn say(&mut self, text: &str) {
        let _ = writeln!(self.out, "{text}");
    }

    fn error(&mut self, text: &str) {
        let _ = self.out.flush();
        errln!("{}", render::bad(&format!("error: {text}")));
    }

    fn collab(&self) -> bool {
        matches!(self.origin, Origin::Collaboration(_))
    }

    /// Runs the session; returns the exit code.
    pub fn run(&mut self) -> Result<u8, CliError> {
        let what = self.origin.to_string();
        self.say(&render::heading(&format!(
            "Running {what}{}. Ctrl-C or end of input saves and stops.",
            if self.step {
                ", one task at a time"
            } else {
                ""
            }
        )));
        if !self.step {
            self.advance();
        }
        let end = loop {
            if interrupt::take() {
                break End::Interrupted;
            }
            match self.round() {
                Ok(true) => {}
                Ok(false) => break End::Quit,
                Err(PromptError::Interrupted) => break End::Interrupted,
                Err(PromptError::Eof) => break End::Eof,
                Err(PromptError::Io(e)) => {
                    self.error(&format!("the terminal failed: {e}"));
                    break End::Eof;
                }
            }
        };
        let saved = match end {
            End::Quit => self.save_on_quit(),
            End::Interrupted => {
                self.say("");
                self.say("Interrupted.");
                self.save_on_stop(true)
            }
            End::Eof => {
                self.say("");
                self.say("End of input.");
                self.save_on_stop(false)
            }
        };
        let unfinished = !self.wf.is_completed();
        match (saved, &self.save_path) {
            (Some(path), _) if unfinished => self.say(&format!(
                "Saved to {}. Continue with: {}",
                path.display(),
                resume_command(&self.program, &path)
            )),
            (Some(path), _) => self.say(&format!("Saved to {}.", path.display())),
            (None, Some(path)) if unfinished && !self.dirty => {
                let hint = resume_command(&self.program, path);
                self.say(&format!(
                    "The state is in {}. Continue with: {hint}",
                    path.display()
                ));
            }
            (None, _) if unfinished && self.dirty => {
                self.say("The workflow did not finish and its state was not saved.")
            }
            _ => {}
        }
        let _ = self.out.flush();
        Ok(self.exit_code())
    }

    fn exit_code(&self) -> u8 {
        if self.wf.is_completed() {
            COMPLETED
        } else if self.wf.tasks_in_state(TaskState::Error).next().is_some() {
            WORKFLOW
        } else {
            WAITING
        }
    }

    /// Runs every engine task that can run; shows errors and completion.
    fn advance(&mut self) {
        let before = (
            self.wf.task_count(),
            self.wf.completed_tasks().count(),
            self.engine_ready().len(),
        );
        if let Err(e) = self.wf.run() {
            self.error(&e.to_string());
        }
        // Something ran (or a timer fired): there is work to save.
        if before.2 > 0
            || before.0 != self.wf.task_count()
            || before.1 != self.wf.completed_tasks().count()
        {
            self.dirty = true;
        }
        self.announce_completion();
    }

    fn announce_completion(&mut self) {
        if self.wf.is_completed() && !self.announced_completion {
            self.announced_completion = true;
            self.say("");
            self.say(&render::good("Workflow completed."));
            self.say("Data:");
            let d = render::pretty(self.wf.data());
            self.say(&d);
        }
    }

    /// READY tasks that are not waiting for a person (the engine's queue).
    fn engine_ready(&self) -> Vec<TaskId> {
        let human: BTreeSet<TaskId> = self.wf.ready_human_tasks().iter().map(|t| t.id).collect();
        self.wf
            .tasks_in_state(TaskState::Ready)
            .filter(|t| !human.contains(&t.id))
            .map(|t| t.id)
            .collect()
    }

    /// Shows the situation and performs one menu action; false to quit.
    fn round(&mut self) -> Flow<bool> {
        let engine_ready = !self.engine_ready().is_empty();
        let human_ready = !self.wf.ready_human_tasks().is_empty();
        if !self.wf.is_completed() {
            self.show_open_tasks();
        }
        let situation = Situation {
            completed: self.wf.is_completed(),
            human_ready,
            engine_ready,
            step: self.step,
            has_past: self.wf.completed_tasks().next().is_some(),
            timers: self.waiting_timers() > 0,
        };
        let (actions, default) = menu::actions(&situation);
        let labels: Vec<String> = actions.iter().map(|a| a.label().to_string()).collect();
        let _ = self.out.flush();
        let choice = actions[self.p.select("What next?", &labels, default)?];
        match choice {
            Action::RunTask => self.run_task()?,
            Action::StepEngine => self.step_engine(),
            Action::Refresh => self.refresh()?,
            Action::PastTasks => self.past_tasks()?,
            Action::FutureTasks => self.future_tasks(),
            Action::AllTasks => self.all_tasks(),
            Action::ViewData => self.view_data(),
            Action::Save => {
                if let Some(p) = self.save_asking()? {
                    self.say(&format!("Saved to {}.", p.display()));
                }
            }
            Action::Reset => self.reset()?,
            Action::Quit => return Ok(false),
        }
        Ok(true)
    }

    /// The table of ready and waiting tasks.
    fn show_open_tasks(&mut self) {
        let mut rows: Vec<Row> = Vec::new();
        let engine: BTreeSet<TaskId> = if self.step {
            self.engine_ready().into_iter().collect()
        } else {
            BTreeSet::new()
        };
        let human: BTreeSet<TaskId> = self.wf.ready_human_tasks().iter().map(|t| t.id).collect();
        let waiting: BTreeSet<TaskId> = self.wf.waiting_tasks().iter().map(|t| t.id).collect();
        for t in self.wf.tasks() {
            if human.contains(&t.id) || engine.contains(&t.id) || waiting.contains(&t.id) {
                rows.push(Row::of(&t));
            }
        }
        let errors: Vec<Row> = self
            .wf
            .tasks_in_state(TaskState::Error)
            .map(|t| Row::of(&t))
            .collect();
        rows.extend(errors);
        self.say("");
        if rows.is_empty() {
            self.say("No task is ready.");
            return;
        }
        let cols = Columns {
            id: false,
            process: self.collab(),
        };
        let t = render::table(&rows, cols);
        self.say(&t);
    }

    /// Picks a ready human task, shows its instructions, asks its form and
    /// completes it.
    fn run_task(&mut self) -> Flow<()> {
        let collab = self.collab();
        let ready: Vec<(TaskId, String)> = self
            .wf
            .ready_human_tasks()
            .iter()
            .map(|t| (t.id, render::task_label(t, collab)))
            .collect();
        let id = match ready.as_slice() {
            [] => {
                self.say("No task is waiting for a person.");
                return Ok(());
            }
            [(id, _)] => *id,
            many => {
                let mut items: Vec<String> = many.iter().map(|(_, l)| l.clone()).collect();
                items.push("Back".into());
                let i = self.p.select("Which task?", &items, 0)?;
                match many.get(i) {
                    Some((id, _)) => *id,
                    None => return Ok(()),
                }
            }
        };
        self.show_task_text(id);
        let answers = forms::ask(&mut *self.p, &self.wf, id, &self.forms)?;
        let name = self
            .wf
            .task(id)
            .map(|t| t.name.unwrap_or(t.bpmn_id).to_string())
            .unwrap_or_default();
        match self.wf.complete_task(id, answers) {
            Ok(()) => self.say(&render::good(&format!("Completed {name}."))),
            Err(CompleteError::Task(e)) => self.error(&e.to_string()),
            Err(CompleteError::Workflow(e)) => self.error(&e.to_string()),
        }
        self.dirty = true;
        if self.step {
            self.show_last_data();
            self.announce_completion();
        } else {
            self.advance();
        }
        Ok(())
    }

    /// The task's heading, documentation and instructions (rendered).
    fn show_task_text(&mut self, id: TaskId) {
        let Some(t) = self.wf.task(id) else { return };
        let title = format!(
            "── {} ({} {}{}) ──",
            t.name.unwrap_or(t.bpmn_id),
            t.kind,
            t.bpmn_id,
            t.lane.map(|l| format!(", lane {l}")).unwrap_or_default()
        );
        let data = t.data.clone();
        let documentation = t.documentation.map(str::to_string);
        let instructions = self
            .wf
            .task_node(id)
            .and_then(|n| n.extensions.instructions.clone());
        self.say("");
        self.say(&render::heading(&title));
        for text in [documentation, instructions].into_iter().flatten() {
            let r = templates::render(text.trim(), &data);
            self.say(&r.text);
            if let Some(problem) = r.problem {
                self.say(&render::dim(&format!("(template: {problem})")));
            }
        }
        let _ = self.out.flush();
    }

    fn show_last_data(&mut self) {
        self.say("Data of the last task:");
        let d = render::pretty(&self.wf.last_task_data());
        self.say(&d);
    }

    /// (`--step`) Runs the next engine task and shows what it did.
    fn step_engine(&mut self) {
        let before: Vec<TaskId> = self.engine_ready();
        let outcome = self.wf.run_one();
        self.dirty = true;
        let ran = before
            .iter()
            .find(|id| {
                self.wf
                    .task(**id)
                    .is_some_and(|t| t.state != TaskState::Ready)
            })
            .and_then(|id| self.wf.task(*id))
            .map(|t| (render::task_label(&t, self.collab()), t.state));
        match outcome {
            Ok(true) => {
                if let Some((label, state)) = ran {
                    self.say(&format!("Ran {label}: {state}."));
                }
                self.show_last_data();
            }
            Ok(false) => self.say("No engine task is ready."),
            Err(e) => self.error(&e.to_string()),
        }
        self.announce_completion();
    }

    fn waiting_timers(&self) -> usize {
        self.wf
            .waiting_events()
            .iter()
            .filter(|w| w.kind == EventKind::Timer)
            .count()
    }

    /// Fires the timers that are due by now (`Workflow::run` does), then
    /// says which still wait and until when.
    fn refresh(&mut self) -> Flow<()> {
        if self.wf.clock_is_virtual() {
            // With a virtual clock (--now) time passes only when asked.
            let by = self.p.text(
                "Move the virtual clock forward by (ISO 8601 duration, e.g. PT10M; empty to keep it)",
                Some(""),
            )?;
            let by = by.trim();
            if !by.is_empty() {
                if let Err(e) = self.wf.advance(by) {
                    self.p.warn(&e.to_string());
                }
            }
        }
        if self.step {
            // The next step fires a due timer when no engine task is ready.
            self.step_engine();
        } else {
            self.advance();
        }
        let now = self.wf.now();
        let waiting: Vec<String> = self
            .wf
            .waiting_events()
            .iter()
            .filter(|w| w.kind == EventKind::Timer)
            .map(|w| match w.due {
                Some(due) => format!(
                    "  {} fires at {} (in {}s)",
                    w.bpmn_id,
                    seconds(due),
                    ((due.as_millisecond() - now.as_millisecond()).max(0) + 999) / 1000
                ),
                None => format!("  {} (no due time)", w.bpmn_id),
            })
            .collect();
        if waiting.is_empty() {
            self.say("No timer is waiting any more.");
        } else {
            self.say(&format!("It is {}. Timers still waiting:", seconds(now)));
            for w in waiting {
                self.say(&w);
            }
        }
        Ok(())
    }

    fn past_tasks(&mut self) -> Flow<()> {
        let collab = self.collab();
        let past: Vec<(TaskId, String, Row)> = self
            .wf
            .completed_tasks()
            .map(|t| (t.id, render::task_label(&t, collab), Row::of(&t)))
            .collect();
        if past.is_empty() {
            self.say("No task has completed yet.");
            return Ok(());
        }
        let rows: Vec<Row> = past.iter().map(|(_, _, r)| r.clone()).collect();
        let t = render::table(
            &rows,
            Columns {
                id: true,
                process: collab,
            },
        );
        self.say(&t);
        let mut items: Vec<String> = past.iter().map(|(_, l, _)| l.clone()).collect();
        items.push("Back".into());
        let _ = self.out.flush();
        let i = self.p.select("Show the data of", &items, past.len() - 1)?;
        if let Some((id, label, _)) = past.get(i) {
            let d = self
                .wf
                .task(*id)
                .map(|t| t.data.clone())
                .unwrap_or_default();
            self.say(&format!("Data of {label}:"));
            self.say(&render::pretty(&d));
        }
        Ok(())
    }

    fn future_tasks(&mut self) {
        let rows: Vec<Row> = self.wf.future_tasks().iter().map(Row::future).collect();
        if rows.is_empty() {
            self.say("No future tasks.");
            return;
        }
        let t = render::table(
            &rows,
            Columns {
                id: false,
                process: self.collab(),
            },
        );
        self.say(&t);
    }

    fn all_tasks(&mut self) {
        let mut rows: Vec<Row> = self.wf.tasks().map(|t| Row::of(&t)).collect();
        rows.extend(self.wf.future_tasks().iter().map(Row::future));
        let t = render::table(
            &rows,
            Columns {
                id: true,
                process: self.collab(),
            },
        );
        self.say(&t);
    }

    fn view_data(&mut self) {
        if self.wf.is_completed() {
            self.say("Workflow data:");
            let d = render::pretty(self.wf.data());
            self.say(&d);
        } else {
            self.say("The workflow has not completed; data of the most recently completed task:");
            let d = render::pretty(&self.wf.last_task_data());
            self.say(&d);
        }
    }

    fn reset(&mut self) -> Flow<()> {
        let collab = self.collab();
        let past: Vec<(TaskId, String, String)> = self
            .wf
            .tasks()
            .filter(|t| {
                matches!(
                    t.state,
                    TaskState::Completed | TaskState::Error | TaskState::Started
                )
            })
            .map(|t| {
                (
                    t.id,
                    format!("{} [{}]", render::task_label(&t, collab), t.state),
                    t.name.unwrap_or(t.bpmn_id).to_string(),
                )
            })
            .collect();
        // Most recent first: going back one step is the usual reset.
        let past: Vec<(TaskId, String, String)> = past.into_iter().rev().collect();
        if past.is_empty() {
            self.say("No past task to go back to.");
            return Ok(());
        }
        let mut items: Vec<String> = past.iter().map(|(_, l, _)| l.clone()).collect();
        items.push("Back".into());
        let _ = self.out.flush();
        let i = self
            .p
            .select("Reset to which task? (most recent first)", &items, 0)?;
        let Some((id, _, name)) = past.get(i).cloned() else {
            return Ok(());
        };
        let _ = self.out.flush();
        let sure = self.p.confirm(
            &format!("Reset to {name}? Everything that followed it is undone"),
            false,
        )?;
        if !sure {
            self.say("Nothing was reset.");
            return Ok(());
        }
        match self.wf.reset(id, Data::new()) {
            Ok(outcome) => {
                self.dirty = true;
                self.announced_completion = false;
                match &outcome.note {
                    Some(note) => self.say(&format!("Reset to {name}: {note}.")),
                    None => self.say(&format!("Reset to {name}: it is ready again.")),
                }
                if !self.step {
                    self.advance();
                }
            }
            Err(e) => self.error(&e.to_string()),
        }
        Ok(())
    }

    fn default_save_name(&self) -> PathBuf {
        self.save_path
            .clone()
            .unwrap_or_else(|| saving::fresh_name(&self.origin, &self.dir))
    }

    /// Saves to `path`; says why on failure. A file the session does not
    /// hold yet is locked first (refused when another bpmn is using it),
    /// and its lock is then held instead of the previous file's.
    fn save_to(&mut self, path: &Path) -> bool {
        let new_lock = match &self.lock {
            Some(l) if l.covers(path) => None,
            _ => match StateLock::try_acquire(path) {
                Ok(l) => Some(l),
                Err(LockError::Busy { holder, .. }) => {
                    let by = holder.map(|p| format!(" (pid {p})")).unwrap_or_default();
                    self.error(&format!(
                        "{} is in use by another bpmn{by}; save under another name, or try again when it finishes",
                        path.display()
                    ));
                    return false;
                }
                Err(e) => {
                    self.error(&e.to_string());
                    return false;
                }
            },
        };
        match storage::save(path, &self.wf, &self.origin) {
            Ok(()) => {
                self.dirty = false;
                self.save_path = Some(path.to_path_buf());
                if new_lock.is_some() {
                    self.lock = new_lock;
                }
                true
            }
            Err(e) => {
                self.error(&e.to_string());
                false
            }
        }
    }

    /// "Save state": asks a file name (the remembered one by default) until
    /// a save succeeds; remembers it.
    fn save_asking(&mut self) -> Flow<Option<PathBuf>> {
        let default = self.default_save_name().display().to_string();
        loop {
            let _ = self.out.flush();
            let name = self
                .p
                .text("Save to file (.json or .ron)", Some(&default))?;
            let path = PathBuf::from(name.trim());
            if let Err(e) = Format::of(&path) {
                self.p.warn(&e.error.to_string());
                continue;
            }
            if self.save_to(&path) {
                return Ok(Some(path));
            }
        }
    }

    /// On quit: save to the file given on the command line, or offer to.
    fn save_on_quit(&mut self) -> Option<PathBuf> {
        if !self.dirty {
            return None;
        }
        if self.save_given {
            let path = self.save_path.clone()?;
            return self.save_to(&path).then_some(path);
        }
        let _ = self.out.flush();
        match self.p.confirm("Save the state before quitting?", true) {
            Ok(false) => None,
            Ok(true) => match self.save_asking() {
                Ok(p) => p,
                Err(_) => self.save_fallback(),
            },
            Err(_) => self.save_fallback(),
        }
    }

    /// On Ctrl-C or end of input: save to the remembered file, else ask a
    /// name (only after Ctrl-C: after end of input nobody can answer), else
    /// a fresh name.
    fn save_on_stop(&mut self, may_ask: bool) -> Option<PathBuf> {
        if !self.dirty {
            self.say("Nothing changed since the state was last saved or loaded.");
            return None;
        }
        if let Some(path) = self.save_path.clone() {
            if self.save_to(&path) {
                return Some(path);
            }
        }
        if may_ask {
            let default = self.default_save_name().display().to_string();
            let _ = self.out.flush();
            if let Ok(name) = self.p.text("Save to file (.json or .ron)", Some(&default)) {
                let path = PathBuf::from(name.trim());
                if Format::of(&path).is_ok() && self.save_to(&path) {
                    return Some(path);
                }
            }
        }
        self.save_fallback()
    }

    /// Saves to a fresh name in the current directory.
    fn save_fallback(&mut self) -> Option<PathBuf> {
        let path = saving::fresh_name(&self.origin, &self.dir);
        self.save_to(&path).then_some(path)
    }
}

/// A time to the second, as people read it.
fn seconds(t: jiff::Timestamp) -> jiff::Timestamp {
    t.round(jiff::Unit::Second).unwrap_or(t)
}
