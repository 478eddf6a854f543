//! The start events of a running instance (`Starter`s: those of processes
//! and collaboration participants, and those of the event subprocesses of
//! each running scope), part of the events owner, with indexes so that no
//! step looks at start events that cannot be concerned: by which start
//! event of which scope each is (`StarterKey`), by scope, by the message
//! and signal names the armed ones catch, and the armed ones with a timer
//! by due time.
//!
//! Starters keep the order they were armed in (a message goes to the first
//! armed start event that catches it, timers due at the same time fire in
//! that order): each gets an id from a counter, and the list is ordered by
//! id. A scope's start events put away when it finishes (`take_scope`) and
//! brought back by a reset get new ids, so they come after the others as
//! they did when the list was a vector.
//!
//! *Armed* is `armed`: not spent, and the scope (for an event subprocess)
//! runs and was not interrupted. The name and timer indexes hold exactly
//! the armed starters; the scope index every listed one (a start event is
//! found by its key among those of its scope, a handful). What changes
//! whether a starter is armed refiles it: firing it (`update`),
//! interrupting its scope (`refile_scope`), putting a scope's starters
//! away and back. The indexes are derived: `rebuild` makes them again after
//! a reset or a restore, and `check` compares them with what they must be.
//! Each listed start event keeps where it is filed beside it, and the
//! per-scope lists are ordered maps: an instance with thousands of event
//! subprocess scopes touches its own entries only, not scattered hash
//! tables.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::Timestamp;

use super::Specs;
use super::scopes::Scopes;
use super::wait::{Starter, StarterKey, triggers_of};
use crate::model::Trigger;

/// A listed start event, by the order it was armed in.
pub(crate) type StarterId = u64;

/// Whether start event `st` is armed: not spent, and its scope (for an
/// event subprocess) runs and was not interrupted.
pub(crate) fn armed(st: &Starter, scopes: &Scopes) -> bool {
    !st.spent
        && st.scope.is_none_or(|s| {
            let scope = scopes.get(s);
            scope.running() && scope.terminated_by.is_none()
        })
}

/// When the timer of start event `st` is due (the earliest due time of
/// its definitions), if it has one.
fn due(st: &Starter) -> Option<Timestamp> {
    st.wait.due.iter().flatten().min().copied()
}

/// A listed start event and where it is filed.
#[derive(Debug, Clone, PartialEq)]
struct Listed {
    st: Starter,
    /// Filed in the name and timer indexes (it was armed when last filed).
    filed: bool,
    /// The due time it is filed under in `timers`.
    due: Option<Timestamp>,
}

/// The listed start events and their indexes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Starters {
    /// Boxed: a start event is large, and the map moves its values.
    list: BTreeMap<StarterId, Box<Listed>>,
    next: StarterId,
    /// The start events of each scope (its event subprocesses), in order.
    by_scope: BTreeMap<u32, Vec<StarterId>>,
    /// The start events of processes and participants, in order.
    top: Vec<StarterId>,
    /// Armed starters by the message names they catch.
    messages: HashMap<String, BTreeSet<StarterId>>,
    /// Armed starters by the signal names they catch.
    signals: HashMap<String, BTreeSet<StarterId>>,
    /// Armed starters with a timer, by due time.
    timers: BTreeSet<(Timestamp, StarterId)>,
}

impl std::ops::Index<StarterId> for Starters {
    type Output = Starter;
    fn index(&self, id: StarterId) -> &Starter {
        &self.list[&id].st
    }
}

/// The message and signal names the definitions of start event `st` catch.
fn names<'a>(specs: &'a Specs, st: &Starter) -> impl Iterator<Item = (bool, &'a String)> + 'a {
    let (triggers, _) = triggers_of(specs, st.node());
    triggers.iter().filter_map(|tr| match tr {
        Trigger::Message { name, .. } => Some((false, name)),
        Trigger::Signal { name, .. } => Some((true, name)),
        _ => None,
    })
}

impl Starters {
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The listed start events in the order they were armed.
    pub fn iter(&self) -> impl Iterator<Item = (StarterId, &Starter)> + '_ {
        self.list.iter().map(|(&id, l)| (id, &l.st))
    }

    /// Lists `st` after the others.
    pub fn push(&mut self, st: Starter, specs: &Specs, scopes: &Scopes) -> StarterId {
        let id = self.next;
        self.next += 1;
        match st.scope {
            Some(s) => self.by_scope.entry(s).or_default().push(id),
            None => self.top.push(id),
        }
        self.list.insert(
            id,
            Box::new(Listed {
                st,
                filed: false,
                due: None,
            }),
        );
        self.file(id, specs, scopes);
        id
    }

    /// Replaces the list (a restore): `list` in order.
    pub fn replace(&mut self, list: Vec<Starter>, specs: &Specs, scopes: &Scopes) {
        *self = Starters::default();
        for st in list {
            self.push(st, specs, scopes);
        }
    }

    /// The listed start event `key`.
    pub fn id_of(&self, key: StarterKey) -> Option<StarterId> {
        let ids = match key.0 {
            Some(s) => self.by_scope.get(&s)?,
            None => &self.top,
        };
        ids.iter().copied().find(|id| self.list[id].st.key() == key)
    }

    /// Changes starter `id` with `f`, then files it again.
    pub fn update<R>(
        &mut self,
        id: StarterId,
        specs: &Specs,
        scopes: &Scopes,
        f: impl FnOnce(&mut Starter) -> R,
    ) -> R {
        let l = self.list.get_mut(&id).expect("a listed start event");
        let r = f(&mut l.st);
        self.file(id, specs, scopes);
        r
    }

    /// Changes starter `id` in a way no index depends on (`Wait::held`).
    pub fn set_held(&mut self, id: StarterId, held: bool) {
        if let Some(l) = self.list.get_mut(&id) {
            l.st.wait.held = held;
        }
    }

    /// The start events of scope `s` (its event subprocesses), in order.
    pub fn of_scope(&self, s: u32) -> Vec<StarterId> {
        self.by_scope.get(&s).cloned().unwrap_or_default()
    }

    /// The armed start events that catch message `name`, in order.
    pub fn catching_message(&self, name: &str) -> Vec<StarterId> {
        self.messages
            .get(name)
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default()
    }

    /// The armed start events that catch signal `name`, in order.
    pub fn catching_signal(&self, name: &str) -> Vec<StarterId> {
        self.signals
            .get(name)
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default()
    }

    /// The armed start event whose timer is due first (the first armed
    /// among those due at the same time).
    pub fn next_timer(&self) -> Option<(Timestamp, StarterId)> {
        self.timers.first().copied()
    }

    /// Scope `s` was interrupted: its start events are filed again.
    pub fn refile_scope(&mut self, s: u32, specs: &Specs, scopes: &Scopes) {
        for id in self.of_scope(s) {
            self.file(id, specs, scopes);
        }
    }

    /// Takes the start events of scope `s` off the list, in order.
    pub fn take_scope(&mut self, s: u32, specs: &Specs) -> Vec<Starter> {
        let Some(ids) = self.by_scope.remove(&s) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            self.unfile(id, specs);
            if let Some(l) = self.list.remove(&id) {
                out.push(l.st);
            }
        }
        out
    }

    /// Keeps the start events for which `keep` holds (a reset), then
    /// rebuilds the indexes.
    pub fn retain(&mut self, keep: impl Fn(&Starter) -> bool, specs: &Specs, scopes: &Scopes) {
        self.list.retain(|_, l| keep(&l.st));
        self.rebuild(specs, scopes);
    }

    /// Builds the indexes again from the list (the scopes' states may have
    /// changed: a reset).
    pub fn rebuild(&mut self, specs: &Specs, scopes: &Scopes) {
        self.by_scope.clear();
        self.top.clear();
        self.messages.clear();
        self.signals.clear();
        self.timers.clear();
        let ids: Vec<StarterId> = self.list.keys().copied().collect();
        for id in ids {
            let l = self.list.get_mut(&id).expect("listed");
            l.filed = false;
            l.due = None;
            match l.st.scope {
                Some(s) => self.by_scope.entry(s).or_default().push(id),
                None => self.top.push(id),
            }
            self.file(id, specs, scopes);
        }
    }

    /// Files starter `id` where it belongs now (nowhere unless armed).
    fn file(&mut self, id: StarterId, specs: &Specs, scopes: &Scopes) {
        self.unfile(id, specs);
        let Some(l) = self.list.get_mut(&id) else {
            return;
        };
        if !armed(&l.st, scopes) {
            return;
        }
        l.filed = true;
        l.due = due(&l.st);
        if let Some(d) = l.due {
            self.timers.insert((d, id));
        }
        for (signal, n) in names(specs, &l.st) {
            let map = if signal {
                &mut self.signals
            } else {
                &mut self.messages
            };
            map.entry(n.clone()).or_default().insert(id);
        }
    }

    fn unfile(&mut self, id: StarterId, specs: &Specs) {
        let Some(l) = self.list.get_mut(&id) else {
            return;
        };
        if !std::mem::take(&mut l.filed) {
            return;
        }
        if let Some(d) = l.due.take() {
            self.timers.remove(&(d, id));
        }
        for (signal, n) in names(specs, &l.st) {
            let map = if signal {
                &mut self.signals
            } else {
                &mut self.messages
            };
            if let Some(ids) = map.get_mut(n) {
                ids.remove(&id);
                if ids.is_empty() {
                    map.remove(n);
                }
            }
        }
    }

    /// The indexes hold what the list and the scopes say.
    pub fn check(&self, specs: &Specs, scopes: &Scopes) -> Result<(), String> {
        if self
            .list
            .keys()
            .next_back()
            .is_some_and(|&id| id >= self.next)
        {
            return Err("a start event is listed under an id not yet given".into());
        }
        let mut expected = Starters {
            list: self.list.clone(),
            next: self.next,
            ..Starters::default()
        };
        expected.rebuild(specs, scopes);
        let keys: BTreeSet<StarterKey> = self.list.values().map(|l| l.st.key()).collect();
        if keys.len() != self.list.len() {
            return Err("two listed start events are the same start event".into());
        }
        if expected.list != self.list
            || expected.by_scope != self.by_scope
            || expected.top != self.top
            || expected.messages != self.messages
            || expected.signals != self.signals
            || expected.timers != self.timers
        {
            return Err("the index of start events does not match them".into());
        }
        Ok(())
    }
}
