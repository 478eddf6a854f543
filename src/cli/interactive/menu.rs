//! The session's main menu: which actions are offered in which situation,
//! and how they are named.

/// What the person can do at the main menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Answer one of the ready human tasks.
    RunTask,
    /// Finish a service task its connector accepted (STARTED) with data.
    CompleteStarted,
    /// (`--step`) Run the next ready engine task.
    StepEngine,
    /// Fire the timers that are due (the clock moved on since the last run).
    Refresh,
    /// Completed tasks; pick one to see its data.
    PastTasks,
    FutureTasks,
    AllTasks,
    /// The tasks of one state, lane or name.
    FilterTasks,
    ViewData,
    /// Write the picture of the instance (SVG) and say where.
    ShowDiagram,
    /// This instance's task log: every task state change.
    Log,
    /// The instances in the store.
    Instances,
    /// Save and quit this instance, then start one of a library spec.
    StartFromLibrary,
    Save,
    Reset,
    Quit,
}

impl Action {
    pub fn label(self) -> &'static str {
        match self {
            Action::RunTask => "Run a task",
            Action::CompleteStarted => "Complete a started task",
            Action::StepEngine => "Run the next engine task",
            Action::Refresh => "Refresh waiting tasks (timers)",
            Action::PastTasks => "List past tasks (pick one to see its data)",
            Action::FutureTasks => "List future tasks",
            Action::AllTasks => "List all tasks",
            Action::FilterTasks => "Filter tasks (by state, lane, name)",
            Action::ViewData => "View workflow data",
            Action::ShowDiagram => "Show diagram (writes an SVG picture)",
            Action::Log => "Log (task state changes)",
            Action::Instances => "Instances in the store",
            Action::StartFromLibrary => "Start from the library",
            Action::Save => "Save state",
            Action::Reset => "Reset to a past task",
            Action::Quit => "Quit",
        }
    }
}

/// What the menu depends on.
pub struct Situation {
    pub completed: bool,
    pub human_ready: bool,
    /// Some service task is STARTED, waiting to be finished from outside.
    pub started: bool,
    pub engine_ready: bool,
    pub step: bool,
    pub has_past: bool,
    /// Some task waits for a timer.
    pub timers: bool,
    /// There is an instance store to list and start from.
    pub store: bool,
}

/// The actions offered, and which one is preselected.
pub fn actions(s: &Situation) -> (Vec<Action>, usize) {
    use Action::*;
    let mut v = Vec::new();
    if s.completed {
        // When the workflow is done: look around, or quit.
        v.extend([AllTasks, FilterTasks, PastTasks, ViewData, ShowDiagram, Log]);
        if s.store {
            v.extend([Instances, StartFromLibrary]);
        }
        v.push(Save);
        if s.has_past {
            v.push(Reset);
        }
        v.push(Quit);
        let quit = v.len() - 1;
        return (v, quit);
    }
    if s.step && s.engine_ready {
        v.push(StepEngine);
    }
    if s.human_ready {
        v.push(RunTask);
    }
    if s.started {
        v.push(CompleteStarted);
    }
    if s.timers {
        v.push(Refresh);
    }
    v.extend([
        PastTasks,
        FutureTasks,
        AllTasks,
        FilterTasks,
        ViewData,
        ShowDiagram,
        Log,
    ]);
    if s.store {
        v.extend([Instances, StartFromLibrary]);
    }
    v.push(Save);
    if s.has_past {
        v.push(Reset);
    }
    v.push(Quit);
    (v, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn situation() -> Situation {
        Situation {
            completed: false,
            human_ready: true,
            started: false,
            engine_ready: true,
            step: false,
            has_past: true,
            timers: false,
            store: false,
        }
    }

    #[test]
    fn a_started_task_is_offered_after_running_tasks() {
        let mut s = situation();
        s.started = true;
        let (v, default) = actions(&s);
        assert_eq!(default, 0);
        assert_eq!(&v[..2], &[Action::RunTask, Action::CompleteStarted]);
        s.started = false;
        assert!(!actions(&s).0.contains(&Action::CompleteStarted));
    }

    #[test]
    fn running_a_task_comes_first_and_stepping_only_with_step() {
        let (a, d) = actions(&situation());
        assert_eq!((a[0], d), (Action::RunTask, 0));
        assert!(!a.contains(&Action::StepEngine));
        let (a, _) = actions(&Situation {
            step: true,
            ..situation()
        });
        assert_eq!(&a[..2], &[Action::StepEngine, Action::RunTask]);
    }

    #[test]
    fn refreshing_is_offered_only_while_a_timer_waits() {
        let (a, d) = actions(&Situation {
            human_ready: false,
            engine_ready: false,
            timers: true,
            store: false,
            ..situation()
        });
        assert_eq!(a[d], Action::Refresh);
        let (a, _) = actions(&situation());
        assert!(!a.contains(&Action::Refresh));
    }

    #[test]
    fn filtering_comes_right_after_listing_all_tasks() {
        for completed in [false, true] {
            let (a, _) = actions(&Situation {
                completed,
                ..situation()
            });
            let all = a.iter().position(|x| *x == Action::AllTasks).unwrap();
            assert_eq!(a[all + 1], Action::FilterTasks);
        }
    }

    #[test]
    fn a_completed_workflow_offers_to_look_or_quit() {
        let (a, d) = actions(&Situation {
            completed: true,
            ..situation()
        });
        assert_eq!(a[d], Action::Quit);
        assert!(!a.contains(&Action::RunTask));
        assert!(a.contains(&Action::AllTasks));
    }
}
