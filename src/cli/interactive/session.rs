//! The interactive loop: run engine tasks, show where the workflow stands,
//! and offer the main menu until the person quits.
//!
//! Work is never lost: quitting offers to save (or saves to the file the
//! session was started with), and Ctrl-C or end of input save before
//! leaving — to the remembered file name, else to a name the person gives
//! (Ctrl-C on a terminal) or a fresh one in the current directory.
//!
//! Nor is anyone else's: before writing over a file the session checks
//! that the file still holds what the session loaded or last wrote there
//! ([`saving::Fingerprint`]). A file it did not write (other than the one
//! it was started with), or its own file changed meanwhile (say, a reset
//! undone with `mv` from another shell), is overwritten only when the
//! person says so; they may save elsewhere or cancel instead. After end of
//! input nobody can answer: such a file is left alone and the state goes
//! to a fresh name.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use bpmn_engine::model::EventKind;
use bpmn_engine::runtime::Transition;
use bpmn_engine::storage::{
    self, Format, LockError, Origin, StateError, StateFileError, StateLock,
};
use bpmn_engine::{CompleteError, Data, TaskId, TaskState, Workflow};
use dialoguer::console::measure_text_width;

use super::forms;
use super::interrupt;
use super::menu::{self, Action, Situation};
use super::prompter::{PromptError, Prompter};
use super::render::{self, Columns, Row};
use super::saving::{self, Fingerprint};
use super::templates;
use crate::cli::CliError;
use crate::cli::exit::{COMPLETED, WAITING, WORKFLOW};
use crate::cli::invocation::resume_command;
use crate::cli::roles::Roles;

/// How a session runs.
pub struct Options {
    /// Every task, engine tasks too, waits for the person.
    pub step: bool,
    /// Folders to look for form files in (before the diagram's folder).
    pub forms: Vec<PathBuf>,
    /// The file the session saves to without asking (`run --save FILE`,
    /// `resume FILE`); also the default of "Save state". What it holds when
    /// the session starts is the session's to replace; a later change to it
    /// by another program is not (see the module doc).
    pub save_path: Option<PathBuf>,
    /// Whether the instance changed since it was loaded (false on resume).
    pub dirty: bool,
    /// The lock on `save_path`, held for the whole session so no other
    /// bpmn changes the file meanwhile.
    pub lock: Option<StateLock>,
    /// How to name the session's file in its closing message, when it is
    /// the working file of a stored instance (`instance 3 in the store`,
    /// resumed with `3`), not a file the user knows.
    pub shown_as: Option<(String, String)>,
    /// How the person runs this program (`bpmn`, `cargo run --`…), for
    /// the hint that says how to resume ([`crate::cli::invocation`]).
    pub program: String,
    /// The instance store, when there is one (for "Instances" and "Start
    /// from the library").
    pub store: Option<String>,
    /// The instance's id in the store, when the session works on a stored
    /// instance (its log so far comes from there).
    pub instance: Option<i64>,
    /// Called after each save to `save_path` (a stored instance's working
    /// file goes into the store at once); its error is shown.
    pub after_save: Option<AfterSave>,
    /// `--as NAME --roles FILE`: only the ready tasks of NAME's lanes (and
    /// of no lane) are offered; the others are listed as waiting for
    /// someone else.
    pub roles: Option<Roles>,
}

/// See [`Options::after_save`].
pub type AfterSave = Box<dyn FnMut(&Path) -> Result<(), String>>;

/// What a session asked to do after it ended: start an instance of this
/// library spec (taken by the command line's top level, which runs a new
/// session on it).
static START_NEXT: std::sync::Mutex<Option<i64>> = std::sync::Mutex::new(None);

/// The spec "Start from the library" chose, if any (once).
pub fn take_start_next() -> Option<i64> {
    START_NEXT.lock().ok().and_then(|mut n| n.take())
}

/// How an attempt to save ended.
enum Saved {
    To(PathBuf),
    /// The person chose not to overwrite, or nobody could be asked.
    Cancelled,
    /// The save failed (the reason is shown).
    Failed,
}

/// Why the loop ended.
enum End {
    /// Quit from the menu, saved there (or not).
    Quit(Option<PathBuf>),
    Interrupted,
    /// Ctrl-D at a menu: saves as after Ctrl-C (a person is there to name
    /// the file).
    Leave,
    Eof,
}

pub struct Session<'a> {
    wf: Workflow,
    origin: Origin,
    p: &'a mut dyn Prompter,
    out: &'a mut dyn Write,
    /// Where errors go; stderr when `None`.
    err: Option<&'a mut dyn Write>,
    step: bool,
    forms: Vec<PathBuf>,
    save_path: Option<PathBuf>,
    /// `save_path` came from the command line: save there without asking.
    save_given: bool,
    dirty: bool,
    /// The lock on the file the session saves to (see [`Options::lock`]);
    /// moves to the new file when "Save state" picks another one.
    lock: Option<StateLock>,
    shown_as: Option<(String, String)>,
    /// The files this session loaded or wrote (by [`saving::identity`]),
    /// with what they held then.
    known: Vec<(PathBuf, Fingerprint)>,
    /// See [`Options::program`].
    program: String,
    store: Option<String>,
    instance: Option<i64>,
    after_save: Option<AfterSave>,
    /// See [`Options::roles`].
    roles: Option<Roles>,
    /// The task state changes of this session (for "Log").
    log: Vec<Transition>,
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
        // The file the session starts with is its own as it is now (the
        // lock is held already, so only another program can change it).
        let known = opts
            .save_path
            .iter()
            .filter_map(|p| {
                let print = Fingerprint::of_file(p).ok()??;
                Some((saving::identity(p), print))
            })
            .collect();
        let mut wf = wf;
        wf.record_transitions(false);
        Session {
            wf,
            origin,
            p,
            out,
            err: None,
            step: opts.step,
            forms: opts.forms,
            save_given: opts.save_path.is_some(),
            save_path: opts.save_path,
            dirty: opts.dirty,
            lock: opts.lock,
            shown_as: opts.shown_as,
            known,
            program: opts.program,
            store: opts.store,
            instance: opts.instance,
            after_save: opts.after_save,
            roles: opts.roles,
            log: Vec::new(),
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

    /// Shows errors on `err` instead of stderr.
    pub fn errors_to(mut self, err: &'a mut dyn Write) -> Self {
        self.err = Some(err);
        self
    }

    /// The instance as it is now.
    pub fn workflow(&self) -> &Workflow {
        &self.wf
    }

    /// Task rows as a table as wide as the terminal.
    fn table(&self, rows: &[Row], cols: Columns) -> String {
        render::table(rows, cols, self.p.width())
    }

    fn say(&mut self, text: &str) {
        let _ = writeln!(self.out, "{text}");
    }

    fn error(&mut self, text: &str) {
        let _ = self.out.flush();
        let line = render::bad(&format!("error: {text}"));
        match &mut self.err {
            Some(w) => {
                let _ = writeln!(w, "{line}");
            }
            None => errln!("{line}"),
        }
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
                // Esc outside a form: the menu again.
                Ok(true) | Err(PromptError::Back) => {}
                Ok(false) => {
                    // An error is Esc at a question about saving: not
                    // quitting after all.
                    if let Ok(saved) = self.save_on_quit() {
                        break End::Quit(saved);
                    }
                }
                Err(PromptError::Interrupted) => break End::Interrupted,
                Err(PromptError::Quit) => break End::Leave,
                Err(PromptError::Eof) => break End::Eof,
                Err(PromptError::Io(e)) => {
                    self.error(&format!("the terminal failed: {e}"));
                    break End::Eof;
                }
            }
        };
        let saved = match end {
            End::Quit(saved) => saved,
            End::Interrupted => {
                self.say("");
                self.say("Interrupted.");
                self.save_on_stop(true)
            }
            End::Leave => {
                self.say("");
                self.say("End of input.");
                self.save_on_stop(true)
            }
            End::Eof => {
                self.say("");
                self.say("End of input.");
                self.save_on_stop(false)
            }
        };
        let unfinished = !self.wf.is_completed();
        // (where it is, what `resume` takes) for the file the session uses.
        let name = |path: &std::path::Path| match &self.shown_as {
            Some((place, arg)) if Some(path) == self.save_path.as_deref() => {
                (place.clone(), arg.clone())
            }
            _ => (path.display().to_string(), path.display().to_string()),
        };
        match (saved, &self.save_path) {
            (Some(path), _) if unfinished => {
                let (place, arg) = name(&path);
                let hint = resume_command(&self.program, std::path::Path::new(&arg));
                self.say(&format!("Saved to {place}. Continue with: {hint}"))
            }
            (Some(path), _) => {
                let (place, _) = name(&path);
                self.say(&format!("Saved to {place}."))
            }
            (None, Some(path)) if unfinished && !self.dirty => {
                let (place, arg) = name(path);
                let hint = resume_command(&self.program, std::path::Path::new(&arg));
                self.say(&format!("The state is in {place}. Continue with: {hint}"));
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

    /// The READY human tasks this person may do (all without `--as`).
    fn my_ready(&self) -> Vec<TaskId> {
        crate::cli::output::split_ready(&self.wf, self.roles.as_ref())
            .0
            .iter()
            .map(|t| t.id)
            .collect()
    }

    /// "Waiting for LANE: NAME" for the ready tasks of other lanes.
    fn others_waiting(&self) -> Vec<String> {
        crate::cli::output::split_ready(&self.wf, self.roles.as_ref())
            .1
            .iter()
            .map(|t| Roles::waiting_line(t.lane.unwrap_or_default(), t.name, t.bpmn_id))
            .collect()
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
        let human_ready = !self.my_ready().is_empty();
        if !self.wf.is_completed() {
            self.show_open_tasks();
        }
        let situation = Situation {
            completed: self.wf.is_completed(),
            human_ready,
            started: !self.wf.started_tasks().is_empty(),
            engine_ready,
            step: self.step,
            has_past: self.wf.completed_tasks().next().is_some(),
            timers: self.waiting_timers() > 0,
            store: self.store.is_some(),
        };
        let (actions, default) = menu::actions(&situation);
        let labels: Vec<String> = actions.iter().map(|a| a.label().to_string()).collect();
        let _ = self.out.flush();
        let choice = actions[self.p.select("What next?", &labels, default)?];
        match choice {
            Action::RunTask => self.run_task()?,
            Action::CompleteStarted => self.complete_started()?,
            Action::StepEngine => self.step_engine(),
            Action::Refresh => self.refresh()?,
            Action::PastTasks => self.past_tasks()?,
            Action::FutureTasks => self.future_tasks()?,
            Action::AllTasks => self.all_tasks()?,
            Action::FilterTasks => self.filter_tasks()?,
            Action::ViewData => self.view_data()?,
            Action::ShowDiagram => self.show_diagram(),
            Action::Log => self.show_log()?,
            Action::Instances => self.show_instances()?,
            Action::StartFromLibrary => {
                if self.pick_spec()? {
                    return Ok(false);
                }
            }
            // A stored instance's session saves into the store, no name asked.
            Action::Save if self.shown_as.is_some() => {
                let path = self.save_path.clone().unwrap_or_default();
                if self.save_to(&path) {
                    let place = self
                        .shown_as
                        .as_ref()
                        .map(|s| s.0.clone())
                        .unwrap_or_default();
                    self.say(&format!("Saved to {place}."));
                }
            }
            Action::Save => {
                let default = self.default_save_name();
                match self.save_asking(default)? {
                    Some(p) => self.say(&format!("Saved to {}.", p.display())),
                    None => self.say("Nothing was saved."),
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
        let human: BTreeSet<TaskId> = self.my_ready().into_iter().collect();
        let mut waiting: BTreeSet<TaskId> = self.wf.waiting_tasks().iter().map(|t| t.id).collect();
        let started = self.wf.started_tasks();
        waiting.extend(started.iter().map(|t| t.id));
        let started: Vec<String> = started
            .iter()
            .map(|t| t.name.unwrap_or(t.bpmn_id).to_string())
            .collect();
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
        let others = self.others_waiting();
        if rows.is_empty() {
            match &self.roles {
                Some(r) if !others.is_empty() => {
                    self.say(&format!("No task is ready for {}.", r.user))
                }
                _ => self.say("No task is ready."),
            }
        } else {
            let cols = Columns {
                id: false,
                process: self.collab(),
            };
            let t = self.table(&rows, cols);
            self.say(&t);
        }
        for line in others {
            self.say(&line);
        }
        if !started.is_empty() {
            self.say(&format!(
                "Started, waiting for outside: {}",
                started.join(", ")
            ));
        }
    }

    /// Picks a STARTED service task, asks for its result (a JSON object)
    /// and finishes it, as `bpmn complete` does.
    fn complete_started(&mut self) -> Flow<()> {
        let collab = self.collab();
        let started: Vec<(TaskId, String)> = self
            .wf
            .started_tasks()
            .iter()
            .map(|t| (t.id, render::task_label(t, collab)))
            .collect();
        if started.is_empty() {
            self.say("No task is started and waiting for outside.");
            return Ok(());
        }
        let mut items: Vec<String> = started.iter().map(|(_, l)| l.clone()).collect();
        items.push("Back".into());
        let _ = self.out.flush();
        let i = self.p.select("Complete which started task?", &items, 0)?;
        let Some((id, label)) = started.get(i).cloned() else {
            return Ok(());
        };
        let _ = self.out.flush();
        let text = self.p.text("Its result (a JSON object)", Some("{}"))?;
        let data = match crate::cli::run::parse_data(Some(&text)) {
            Ok(d) => d,
            Err(e) => {
                self.error(&e.message.replace("--data", "the result"));
                return Ok(());
            }
        };
        match self.wf.complete_started(id, data) {
            Ok(()) => {
                self.dirty = true;
                self.say(&format!("Completed {label}."));
                if !self.step {
                    self.advance();
                }
            }
            Err(e) => self.error(&e.to_string()),
        }
        Ok(())
    }

    /// Picks a ready human task, shows its instructions, asks its form and
    /// completes it.
    fn run_task(&mut self) -> Flow<()> {
        let collab = self.collab();
        let ready: Vec<(TaskId, String)> =
            crate::cli::output::split_ready(&self.wf, self.roles.as_ref())
                .0
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
        let name = self
            .wf
            .task(id)
            .map(|t| t.name.unwrap_or(t.bpmn_id).to_string())
            .unwrap_or_default();
        // Nothing is applied before the whole form is answered, so Esc
        // halfway leaves the task as it was.
        let answers = match forms::ask(&mut *self.p, &self.wf, id, &self.forms) {
            Err(PromptError::Back) => {
                self.say(&format!("Back to the menu: {name} was not answered."));
                return Ok(());
            }
            answers => answers?,
        };
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
            if !by.is_empty()
                && let Err(e) = self.wf.advance(by)
            {
                self.p.warn(&e.to_string());
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
        let t = self.table(
            &rows,
            Columns {
                id: true,
                process: collab,
            },
        );
        self.show_long(&t)?;
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
            self.show_long(&render::pretty(&d))?;
        }
        Ok(())
    }

    fn future_tasks(&mut self) -> Flow<()> {
        let rows: Vec<Row> = self.wf.future_tasks().iter().map(Row::future).collect();
        if rows.is_empty() {
            self.say("No future tasks.");
            return Ok(());
        }
        let t = self.table(
            &rows,
            Columns {
                id: false,
                process: self.collab(),
            },
        );
        self.show_long(&t)
    }

    /// Every task of the instance, then the future ones.
    fn all_rows(&self) -> Vec<Row> {
        let mut rows: Vec<Row> = self.wf.tasks().map(|t| Row::of(&t)).collect();
        rows.extend(self.wf.future_tasks().iter().map(Row::future));
        rows
    }

    /// "Show diagram": writes the instance's picture next to its state
    /// file (`order.json` → `order.svg`; a stored instance's → `instance-N.svg`
    /// here; without a file, `diagram.svg` here) and says where.
    fn show_diagram(&mut self) {
        let path = match (&self.shown_as, self.instance, &self.save_path) {
            (Some(_), Some(id), _) => PathBuf::from(format!("instance-{id}.svg")),
            (None, _, Some(p)) => p.with_extension("svg"),
            _ => PathBuf::from("diagram.svg"),
        };
        let picture = bpmn_engine::picture::InstancePicture::of(&self.wf);
        match crate::cli::show::write(&path, &picture.svg()) {
            Ok(()) => {
                let shown = std::path::absolute(&path).unwrap_or(path);
                self.say(&format!(
                    "Diagram written to {} (open it in a browser).",
                    shown.display()
                ));
            }
            Err(e) => self.error(&e.to_string()),
        }
    }

    /// "Log": the instance's task state changes — what the store has for
    /// a stored instance, then this session's.
    fn show_log(&mut self) -> Flow<()> {
        self.log.extend(self.wf.take_transitions());
        let mut lines = Vec::new();
        if let (Some(store), Some(id)) = (&self.store, self.instance) {
            match storage::open_store(store, false).and_then(|s| s.log(id)) {
                Ok(entries) => {
                    lines.extend(entries.iter().map(|e| {
                        log_line(e.at, &e.task, e.name.as_deref(), &e.bpmn_id, e.from, e.to)
                    }))
                }
                Err(e) => self.error(&e.to_string()),
            }
        }
        lines.extend(self.log.iter().map(|t| {
            log_line(
                t.at,
                &t.task.to_string(),
                t.name.as_deref(),
                &t.bpmn_id,
                t.from,
                t.to,
            )
        }));
        if lines.is_empty() {
            self.say("No task changed state in this session yet.");
            return Ok(());
        }
        self.show_long(&lines.join("\n"))
    }

    /// "Instances in the store".
    fn show_instances(&mut self) -> Flow<()> {
        let Some(store) = self.store.clone() else {
            return Ok(());
        };
        match storage::open_store(&store, false).and_then(|s| s.instances(false)) {
            Ok(list) if list.is_empty() => self.say("No instances in the store."),
            Ok(list) => {
                let rows: Vec<String> = list
                    .iter()
                    .map(|i| {
                        format!(
                            "{:>5}  {} `{}` v{}  {}  updated {}",
                            i.id,
                            i.spec,
                            i.spec_name,
                            i.version,
                            i.status,
                            i.updated.strftime("%Y-%m-%d %H:%M:%SZ")
                        )
                    })
                    .collect();
                self.show_long(&rows.join("\n"))?;
            }
            Err(e) => self.error(&e.to_string()),
        }
        Ok(())
    }

    /// "Start from the library": picks a spec; true when one was chosen
    /// (the session then ends as on Quit, and a new one starts on it).
    fn pick_spec(&mut self) -> Flow<bool> {
        let Some(store) = self.store.clone() else {
            return Ok(false);
        };
        let specs = match storage::open_store(&store, false).and_then(|s| s.specs()) {
            Ok(s) => s,
            Err(e) => {
                self.error(&e.to_string());
                return Ok(false);
            }
        };
        if specs.is_empty() {
            self.say("The library is empty (add a spec with `bpmn add`).");
            return Ok(false);
        }
        let mut labels: Vec<String> = specs
            .iter()
            .map(|s| {
                format!(
                    "{} `{}` ({}), version {}",
                    s.id, s.name, s.target, s.version
                )
            })
            .collect();
        labels.push("Back".into());
        let _ = self.out.flush();
        let i = self.p.select("Start which spec?", &labels, 0)?;
        let Some(spec) = specs.get(i) else {
            return Ok(false);
        };
        if let Ok(mut next) = START_NEXT.lock() {
            *next = Some(spec.id);
        }
        Ok(true)
    }

    fn all_tasks(&mut self) -> Flow<()> {
        let rows = self.all_rows();
        let t = self.table(
            &rows,
            Columns {
                id: true,
                process: self.collab(),
            },
        );
        self.show_long(&t)
    }

    /// Asks a state, a lane (when the diagram has lanes) and part of a
    /// name, and lists the tasks (future ones too) that match all three.
    fn filter_tasks(&mut self) -> Flow<()> {
        let rows = self.all_rows();
        // The states present, live ones first.
        const ORDER: [&str; 7] = [
            "READY",
            "WAITING",
            "STARTED",
            "ERROR",
            "COMPLETED",
            "CANCELLED",
            "FUTURE",
        ];
        let mut states: Vec<String> = ORDER
            .iter()
            .filter(|s| rows.iter().any(|r| r.state == **s))
            .map(|s| s.to_string())
            .collect();
        for r in &rows {
            if !states.contains(&r.state) {
                states.push(r.state.clone());
            }
        }
        let mut items = vec!["any state".to_string()];
        items.extend(states.iter().cloned());
        let state = match self.p.select("State", &items, 0)? {
            0 => None,
            i => Some(states[i - 1].clone()),
        };
        let mut lanes: Vec<String> = Vec::new();
        for r in &rows {
            if !r.lane.is_empty() && !lanes.contains(&r.lane) {
                lanes.push(r.lane.clone());
            }
        }
        let lane = if lanes.is_empty() {
            None
        } else {
            let mut items = vec!["any lane".to_string()];
            items.extend(lanes.iter().cloned());
            match self.p.select("Lane", &items, 0)? {
                0 => None,
                i => Some(lanes[i - 1].clone()),
            }
        };
        let name = self
            .p
            .text("Name contains (empty for any)", None)?
            .to_lowercase();
        let total = rows.len();
        let found: Vec<Row> = rows
            .into_iter()
            .filter(|r| state.as_ref().is_none_or(|s| r.state == *s))
            .filter(|r| lane.as_ref().is_none_or(|l| r.lane == *l))
            .filter(|r| {
                r.name.to_lowercase().contains(&name) || r.bpmn_id.to_lowercase().contains(&name)
            })
            .collect();
        if found.is_empty() {
            self.say("No task matches.");
            return Ok(());
        }
        let t = self.table(
            &found,
            Columns {
                id: true,
                process: self.collab(),
            },
        );
        self.show_long(&t)?;
        self.say(&format!("{} of {total} tasks match.", found.len()));
        Ok(())
    }

    fn view_data(&mut self) -> Flow<()> {
        if self.wf.is_completed() {
            self.say("Workflow data:");
            let d = render::pretty(self.wf.data());
            self.show_long(&d)
        } else {
            self.say("The workflow has not completed; data of the most recently completed task:");
            let d = render::pretty(&self.wf.last_task_data());
            self.show_long(&d)
        }
    }

    /// Shows `text` a screen at a time on a terminal too short for it,
    /// asking between screens whether to go on; whole elsewhere.
    fn show_long(&mut self, text: &str) -> Flow<()> {
        let Some(rows) = self.p.height() else {
            self.say(text);
            return Ok(());
        };
        // A screen less the line that asks for more.
        let screen = usize::from(rows).saturating_sub(1).max(1);
        let width = usize::from(self.p.width().unwrap_or(u16::MAX)).max(1);
        let mut page = String::new();
        let mut used = 0;
        for line in text.lines() {
            // A line wider than the terminal wraps onto more rows.
            let height = measure_text_width(line).div_ceil(width).max(1);
            if used > 0 && used + height > screen {
                let _ = write!(self.out, "{page}");
                let _ = self.out.flush();
                page.clear();
                used = 0;
                if !self.p.more()? {
                    return Ok(());
                }
            }
            page.push_str(line);
            page.push('\n');
            used += height;
        }
        let _ = write!(self.out, "{page}");
        Ok(())
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
        let error = |error| StateError {
            path: path.to_path_buf(),
            error,
        };
        let written = Format::of(path)
            .and_then(|f| storage::save_bytes(&self.wf, &self.origin, f).map_err(error))
            .and_then(|bytes| {
                storage::write_atomic(path, &bytes)
                    .map(|()| bytes)
                    .map_err(|e| error(StateFileError::Write(e.to_string())))
            });
        match written {
            Ok(bytes) => {
                self.dirty = false;
                self.save_path = Some(path.to_path_buf());
                if new_lock.is_some() {
                    self.lock = new_lock;
                }
                let id = saving::identity(path);
                self.known.retain(|(p, _)| *p != id);
                self.known.push((id, Fingerprint::of(&bytes)));
                let own = Some(path) == self.save_path.as_deref();
                if let (true, Some(hook)) = (own, self.after_save.as_mut())
                    && let Err(e) = hook(path)
                {
                    self.error(&e);
                    return false;
                }
                true
            }
            Err(e) => {
                self.error(&e.to_string());
                false
            }
        }
    }

    /// Why writing over `path` needs the person's word: it holds something
    /// this session neither loaded nor wrote. `None` when it may be written
    /// (no file there, or the one the session left).
    fn overwrite_problem(&self, path: &Path) -> Option<String> {
        // An unreadable file is left to the save, which says what is wrong.
        let now = Fingerprint::of_file(path).ok()??;
        let id = saving::identity(path);
        match self.known.iter().find(|(p, _)| *p == id) {
            Some((_, print)) if *print == now => None,
            Some(_) => Some(format!(
                "{} was changed by another program since this session loaded or saved it",
                path.display()
            )),
            None => Some(format!(
                "{} exists and this session did not write it",
                path.display()
            )),
        }
    }

    /// Saves to `path` unless it holds what this session did not leave
    /// there; then asks whether to overwrite it, save elsewhere or cancel
    /// (Save elsewhere is preselected). Without `may_ask` (nobody can
    /// answer) the file is left alone.
    fn save_checked(&mut self, path: PathBuf, may_ask: bool) -> Flow<Saved> {
        let Some(problem) = self.overwrite_problem(&path) else {
            return Ok(self.write(path));
        };
        if !may_ask {
            self.say(&format!("{problem}; it is left as it is."));
            return Ok(Saved::Cancelled);
        }
        let items = ["Overwrite it", "Save elsewhere", "Cancel"].map(String::from);
        let _ = self.out.flush();
        match self.p.select(&problem, &items, 1)? {
            0 => Ok(self.write(path)),
            1 => {
                let fresh = saving::fresh_name(&self.origin, &self.dir);
                Ok(match self.save_asking(fresh)? {
                    Some(p) => Saved::To(p),
                    None => Saved::Cancelled,
                })
            }
            _ => Ok(Saved::Cancelled),
        }
    }

    fn write(&mut self, path: PathBuf) -> Saved {
        if self.save_to(&path) {
            Saved::To(path)
        } else {
            Saved::Failed
        }
    }

    /// "Save state": asks a file name (`default` first) until a save
    /// succeeds or the person cancels; remembers the file.
    fn save_asking(&mut self, default: PathBuf) -> Flow<Option<PathBuf>> {
        let default = default.display().to_string();
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
            match self.save_checked(path, true)? {
                Saved::To(p) => return Ok(Some(p)),
                Saved::Cancelled => return Ok(None),
                Saved::Failed => {}
            }
        }
    }

    /// On quit: save to the file given on the command line, or offer to.
    /// Esc at any of the questions is [`PromptError::Back`]: the session
    /// goes on; Ctrl-C or end of input there saves to a fresh name.
    fn save_on_quit(&mut self) -> Flow<Option<PathBuf>> {
        if !self.dirty {
            return Ok(None);
        }
        let asked = if self.save_given {
            let Some(path) = self.save_path.clone() else {
                return Ok(None);
            };
            self.save_checked(path, true).map(|saved| match saved {
                Saved::To(p) => Some(p),
                Saved::Cancelled | Saved::Failed => None,
            })
        } else {
            let _ = self.out.flush();
            match self.p.confirm("Save the state before quitting?", true) {
                Ok(false) => Ok(None),
                Ok(true) => self.save_asking(self.default_save_name()),
                Err(e) => Err(e),
            }
        };
        match asked {
            Err(PromptError::Back) => Err(PromptError::Back),
            Err(_) => Ok(self.save_fallback()),
            Ok(saved) => Ok(saved),
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
            match self.save_checked(path, may_ask) {
                Ok(Saved::To(p)) => return Some(p),
                // The person chose not to save.
                Ok(Saved::Cancelled) if may_ask => return None,
                // Left alone or failed: a fresh name below.
                Ok(Saved::Cancelled | Saved::Failed) | Err(_) => {}
            }
        }
        if may_ask {
            let default = self.default_save_name().display().to_string();
            let _ = self.out.flush();
            if let Ok(name) = self.p.text("Save to file (.json or .ron)", Some(&default)) {
                let path = PathBuf::from(name.trim());
                if Format::of(&path).is_ok() {
                    match self.save_checked(path, true) {
                        Ok(Saved::To(p)) => return Some(p),
                        Ok(Saved::Cancelled) => return None,
                        Ok(Saved::Failed) | Err(_) => {}
                    }
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

/// One line of a task log, as `bpmn log` prints it.
fn log_line(
    at: jiff::Timestamp,
    task: &str,
    name: Option<&str>,
    bpmn_id: &str,
    from: Option<TaskState>,
    to: Option<TaskState>,
) -> String {
    let what = match name {
        Some(n) => format!("{n} ({bpmn_id})"),
        None => bpmn_id.to_string(),
    };
    format!(
        "{}  {task}  {what}  {} → {}",
        at.strftime("%Y-%m-%d %H:%M:%SZ"),
        from.map_or("(new)", |s| s.name()),
        to.map_or("(removed)", |s| s.name())
    )
}
