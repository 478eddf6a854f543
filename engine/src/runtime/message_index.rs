//! An index of the tasks waiting for messages, by message name and by the
//! correlation values each one knows, so delivering a message looks only at
//! the waits that can catch it, not at every wait of the instance (a
//! thousand multi-instance conversations each waiting for its reply cost
//! one lookup per reply, not a thousand checks).
//!
//! A wait is filed under (message name, property, value) for each
//! correlation property of the message whose value it knows from its own
//! expectations or from its own scope, or under the message name alone
//! when it knows none. A message carrying values `C` can only be caught by
//! the waits filed under one of `C`'s (property, value) pairs or under the
//! name alone (a wait that knows a value `C` does not carry cannot catch
//! it); the candidates are then checked in full against the values of the
//! scopes around them (`correlation.rs`). The index is derived state of
//! the events owner: it is refiled when a scope's values change and
//! rebuilt after a reset or a restore, never saved.
//!
//! Messages are filed by the number `Specs` gives each message name at
//! load (`Specs::message_id`), and the waits filed under a name or a scope
//! are one ordered set of pairs: filing and unfiling a wait allocates no
//! name and no per-name set, and compares no strings.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::correlation::value_key;

/// Where one wait is filed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Slot {
    /// Knows no correlation value of message `0` (a message number).
    Name(u32),
    /// Knows value `2` (a [`value_key`]) of property `1` of message `0`.
    Value(u32, String, String),
}

#[derive(Debug, Clone, PartialEq)]
struct Filed {
    /// The scope whose values it was filed with.
    scope: Option<u32>,
    slots: Vec<Slot>,
}

/// What one wait knows of one message it waits for: its number and the
/// (property, value) pairs it knows.
pub(crate) type Knows = (u32, Vec<(String, Value)>);

/// The message waits, by name and known correlation values.
#[derive(Debug, Clone, Default)]
pub(crate) struct MessageIndex {
    /// (message, wait) for the waits that know no value of it.
    by_name: BTreeSet<(u32, u32)>,
    by_value: HashMap<(u32, String, String), BTreeSet<u32>>,
    filed: HashMap<u32, Filed>,
    /// (scope, wait) for the waits filed with the scope's values (refiled
    /// when they change).
    by_scope: BTreeSet<(u32, u32)>,
}

impl MessageIndex {
    /// Files wait `t` (replacing where it was filed), with the values of
    /// `scope`, under what it knows of each message it waits for.
    pub fn file(&mut self, t: u32, scope: Option<u32>, knows: Vec<Knows>) {
        self.unfile(t);
        if knows.is_empty() {
            return;
        }
        let mut slots = Vec::new();
        for (name, pairs) in knows {
            if pairs.is_empty() {
                slots.push(Slot::Name(name));
            } else {
                for (p, v) in pairs {
                    slots.push(Slot::Value(name, p, value_key(&v)));
                }
            }
        }
        slots.dedup();
        for s in &slots {
            match s {
                Slot::Name(n) => {
                    self.by_name.insert((*n, t));
                }
                Slot::Value(n, p, v) => {
                    self.by_value
                        .entry((*n, p.clone(), v.clone()))
                        .or_default()
                        .insert(t);
                }
            }
        }
        if let Some(s) = scope {
            self.by_scope.insert((s, t));
        }
        self.filed.insert(t, Filed { scope, slots });
    }

    /// Takes wait `t` out of the index.
    pub fn unfile(&mut self, t: u32) {
        let Some(f) = self.filed.remove(&t) else {
            return;
        };
        for s in f.slots {
            match s {
                Slot::Name(n) => {
                    self.by_name.remove(&(n, t));
                }
                Slot::Value(n, p, v) => {
                    let key = (n, p, v);
                    if let Some(set) = self.by_value.get_mut(&key) {
                        set.remove(&t);
                        if set.is_empty() {
                            self.by_value.remove(&key);
                        }
                    }
                }
            }
        }
        if let Some(s) = f.scope {
            self.by_scope.remove(&(s, t));
        }
    }

    /// The waits that may catch message `name` (its number) carrying
    /// `carried`, in task order.
    pub fn candidates(&self, name: u32, carried: &BTreeMap<String, Value>) -> Vec<u32> {
        let mut out: Vec<u32> = self
            .by_name
            .range((name, 0)..=(name, u32::MAX))
            .map(|&(_, t)| t)
            .collect();
        if carried.is_empty() {
            return out;
        }
        for (p, v) in carried {
            let key = (name, p.clone(), value_key(v));
            if let Some(s) = self.by_value.get(&key) {
                out.extend(s.iter().copied());
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The waits filed with the values of scope `s`.
    pub fn filed_in(&self, s: u32) -> Vec<u32> {
        self.by_scope
            .range((s, 0)..=(s, u32::MAX))
            .map(|&(_, t)| t)
            .collect()
    }

    /// Whether wait `t` is filed.
    pub fn contains(&self, t: u32) -> bool {
        self.filed.contains_key(&t)
    }

    /// How many waits are filed.
    pub fn len(&self) -> usize {
        self.filed.len()
    }

    pub fn clear(&mut self) {
        *self = MessageIndex::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn knows(name: u32, pairs: &[(&str, Value)]) -> Vec<Knows> {
        vec![(
            name,
            pairs
                .iter()
                .map(|(p, v)| (p.to_string(), v.clone()))
                .collect(),
        )]
    }

    #[test]
    fn candidates_are_the_waits_that_know_nothing_or_a_carried_value() {
        let mut ix = MessageIndex::default();
        let (quote, other) = (0, 1);
        ix.file(7, Some(1), knows(quote, &[("order", json!(1))]));
        ix.file(3, Some(2), knows(quote, &[("order", json!(2))]));
        ix.file(9, Some(0), knows(quote, &[]));
        ix.file(4, Some(0), knows(other, &[]));
        let c: BTreeMap<String, Value> = [("order".into(), json!(2))].into();
        assert_eq!(ix.candidates(quote, &c), vec![3, 9]);
        assert_eq!(ix.candidates(quote, &BTreeMap::new()), vec![9]);
        assert_eq!(ix.candidates(other, &c), vec![4]);
        assert_eq!(ix.filed_in(0), vec![4, 9]);
        // Refiling replaces; unfiling forgets everything.
        ix.file(3, Some(2), knows(quote, &[("order", json!(5))]));
        assert_eq!(ix.candidates(quote, &c), vec![9]);
        ix.unfile(9);
        ix.unfile(3);
        assert_eq!(ix.candidates(quote, &c), Vec::<u32>::new());
        assert!(ix.filed_in(2).is_empty());
        assert_eq!(ix.len(), 2);
    }
}
