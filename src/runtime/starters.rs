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
//! the armed starters; the key and scope indexes every listed one. What
//! changes whether a starter is armed refiles it: firing it
//! (`update`), interrupting its scope (`refile_scope`), putting a scope's
//! starters away and back. The indexes are derived: `rebuild` makes them
//! again after a reset or a restore, and `check` compares them with what
//! they must be.

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

/// The listed start events and their indexes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Starters {
    list: BTreeMap<StarterId, Starter>,
    next: StarterId,
    by_key: HashMap<StarterKey, StarterId>,
    by_scope: HashMap<u32, BTreeSet<StarterId>>,
    /// Armed starters by the message names they catch.
    messages: HashMap<String, BTreeSet<StarterId>>,
    /// Armed starters by the signal names they catch.
    signals: HashMap<String, BTreeSet<StarterId>>,
    /// Armed starters with a timer, by due time.
    timers: BTreeSet<(Timestamp, StarterId)>,
    /// Where each armed starter is filed: its due time, and the message
    /// and signal names.
    filed: HashMap<StarterId, Filed>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Filed {
    due: Option<Timestamp>,
    messages: Vec<String>,
    signals: Vec<String>,
}

impl std::ops::Index<StarterId> for Starters {
    type Output = Starter;
    fn index(&self, id: StarterId) -> &Starter {
        &self.list[&id]
    }
}

impl Starters {
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The listed start events in the order they were armed.
    pub fn iter(&self) -> impl Iterator<Item = (StarterId, &Starter)> + '_ {
        self.list.iter().map(|(&id, st)| (id, st))
    }

    /// Lists `st` after the others.
    pub fn push(&mut self, st: Starter, specs: &Specs, scopes: &Scopes) -> StarterId {
        let id = self.next;
        self.next += 1;
        self.by_key.insert(st.key(), id);
        if let Some(s) = st.scope {
            self.by_scope.entry(s).or_default().insert(id);
        }
        self.list.insert(id, st);
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
        self.by_key.get(&key).copied()
    }

    /// Changes starter `id` with `f`, then files it again.
    pub fn update<R>(
        &mut self,
        id: StarterId,
        specs: &Specs,
        scopes: &Scopes,
        f: impl FnOnce(&mut Starter) -> R,
    ) -> R {
        let st = self.list.get_mut(&id).expect("a listed start event");
        let r = f(st);
        self.file(id, specs, scopes);
        r
    }

    /// Changes starter `id` in a way no index depends on (`Wait::held`).
    pub fn set_held(&mut self, id: StarterId, held: bool) {
        if let Some(st) = self.list.get_mut(&id) {
            st.wait.held = held;
        }
    }

    /// The start events of scope `s` (its event subprocesses), in order.
    pub fn of_scope(&self, s: u32) -> Vec<StarterId> {
        self.by_scope
            .get(&s)
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default()
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

    /// Scope `s` was interrupted (or runs again): its start events are
    /// filed again.
    pub fn refile_scope(&mut self, s: u32, specs: &Specs, scopes: &Scopes) {
        for id in self.of_scope(s) {
            self.file(id, specs, scopes);
        }
    }

    /// Takes the start events of scope `s` off the list, in order.
    pub fn take_scope(&mut self, s: u32) -> Vec<Starter> {
        let Some(ids) = self.by_scope.remove(&s) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            self.unfile(id);
            if let Some(st) = self.list.remove(&id) {
                self.by_key.remove(&st.key());
                out.push(st);
            }
        }
        out
    }

    /// Keeps the start events for which `keep` holds (a reset), then
    /// rebuilds the indexes.
    pub fn retain(&mut self, keep: impl Fn(&Starter) -> bool, specs: &Specs, scopes: &Scopes) {
        self.list.retain(|_, st| keep(st));
        self.rebuild(specs, scopes);
    }

    /// Builds the indexes again from the list (the scopes' states may have
    /// changed: a reset).
    pub fn rebuild(&mut self, specs: &Specs, scopes: &Scopes) {
        self.by_key.clear();
        self.by_scope.clear();
        self.messages.clear();
        self.signals.clear();
        self.timers.clear();
        self.filed.clear();
        let ids: Vec<StarterId> = self.list.keys().copied().collect();
        for id in ids {
            let st = &self.list[&id];
            self.by_key.insert(st.key(), id);
            if let Some(s) = st.scope {
                self.by_scope.entry(s).or_default().insert(id);
            }
            self.file(id, specs, scopes);
        }
    }

    /// Where starter `id` must be filed (nothing unless it is armed).
    fn filing(&self, id: StarterId, specs: &Specs, scopes: &Scopes) -> Option<Filed> {
        let st = self.list.get(&id)?;
        if !armed(st, scopes) {
            return None;
        }
        let mut f = Filed {
            due: due(st),
            ..Filed::default()
        };
        let (triggers, _) = triggers_of(specs, st.node());
        for tr in triggers {
            match tr {
                Trigger::Message { name, .. } if !f.messages.contains(name) => {
                    f.messages.push(name.clone())
                }
                Trigger::Signal { name, .. } if !f.signals.contains(name) => {
                    f.signals.push(name.clone())
                }
                _ => {}
            }
        }
        Some(f)
    }

    /// Files starter `id` where it belongs now.
    fn file(&mut self, id: StarterId, specs: &Specs, scopes: &Scopes) {
        self.unfile(id);
        let Some(f) = self.filing(id, specs, scopes) else {
            return;
        };
        if let Some(d) = f.due {
            self.timers.insert((d, id));
        }
        for n in &f.messages {
            self.messages.entry(n.clone()).or_default().insert(id);
        }
        for n in &f.signals {
            self.signals.entry(n.clone()).or_default().insert(id);
        }
        self.filed.insert(id, f);
    }

    fn unfile(&mut self, id: StarterId) {
        let Some(f) = self.filed.remove(&id) else {
            return;
        };
        if let Some(d) = f.due {
            self.timers.remove(&(d, id));
        }
        for (names, map) in [
            (f.messages, &mut self.messages),
            (f.signals, &mut self.signals),
        ] {
            for n in names {
                if let Some(ids) = map.get_mut(&n) {
                    ids.remove(&id);
                    if ids.is_empty() {
                        map.remove(&n);
                    }
                }
            }
        }
    }

    /// The indexes hold what the list and the scopes say.
    pub fn check(&self, specs: &Specs, scopes: &Scopes) -> Result<(), String> {
        let mut expected = Starters {
            list: self.list.clone(),
            next: self.next,
            ..Starters::default()
        };
        expected.rebuild(specs, scopes);
        if expected.by_key.len() != self.list.len() {
            return Err("two listed start events are the same start event".into());
        }
        if self
            .list
            .keys()
            .next_back()
            .is_some_and(|&id| id >= self.next)
        {
            return Err("a start event is listed under an id not yet given".into());
        }
        if expected.by_key != self.by_key
            || expected.by_scope != self.by_scope
            || expected.messages != self.messages
            || expected.signals != self.signals
            || expected.timers != self.timers
            || expected.filed != self.filed
        {
            return Err("the index of start events does not match them".into());
        }
        Ok(())
    }
}
