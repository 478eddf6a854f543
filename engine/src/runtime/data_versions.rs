//! The task data of the records owner, stored as versions: each version is
//! a delta (keys set, keys removed) against the version it was derived
//! from, in one arena of entries shared by all versions.
//!
//! A loop of a million iterations creates a million versions, one per
//! script that changed something, so a version must cost a few dozen bytes
//! however much data sits beside the changed variable: a 12-byte header and
//! one 24-byte entry per changed key. Scalars are stored inline; other
//! values stay behind the `Arc` the live data shares, so nothing is copied.
//!
//! Reading a version walks its chain back to a materialized map and applies
//! the deltas. Two things keep that cheap: a chain is cut (the version is
//! stored whole, a *root*) once the entries since the last root exceed
//! twice the number of keys (or 32), so materializing costs O(keys); and
//! the versions created last stay materialized in a small first-in
//! first-out cache, which is where running tokens find their data. Tasks
//! that share their parent's data share its version: a record costs one
//! `u32` for its data.
//!
//! The delta format is the one state files use (`snapshot.rs`): remove the
//! removed keys, then insert the set ones in order. So a snapshot writes a
//! version's own delta when it is derived from the parent task's version,
//! and a restore builds versions from the rows without materializing them.

use std::collections::{HashMap, VecDeque};

use std::sync::Arc;

use serde_json::{Number, Value};

use crate::model::Data;

/// A version of task data.
pub(crate) type VersionId = u32;

const NO_BASE: u32 = u32::MAX;

/// How many versions stay materialized.
const CACHE: usize = 4096;

/// The least number of entries a chain may collect before it is cut.
const MIN_CHAIN: u32 = 32;

/// A version: its base (`NO_BASE` for a root), where its entries start in
/// the arena (they end where the next version's start), and how many
/// entries the chain holds from its root up to and including this version.
#[derive(Debug, Clone, Copy)]
struct Version {
    base: u32,
    start: u32,
    chain: u32,
}

/// A value in the arena: scalars inline, the rest shared.
#[derive(Debug, Clone)]
enum Slot {
    /// The key is removed.
    Del,
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Shared(Arc<Value>),
}

impl Slot {
    fn of(v: &Arc<Value>) -> Slot {
        match &**v {
            Value::Null => Slot::Null,
            Value::Bool(b) => Slot::Bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    Slot::UInt(u)
                } else if let Some(i) = n.as_i64() {
                    Slot::Int(i)
                } else {
                    match n.as_f64() {
                        Some(f) => Slot::Float(f),
                        None => Slot::Shared(v.clone()),
                    }
                }
            }
            _ => Slot::Shared(v.clone()),
        }
    }

    fn value(&self) -> Option<Arc<Value>> {
        Some(match self {
            Slot::Del => return None,
            Slot::Null => Arc::new(Value::Null),
            Slot::Bool(b) => Arc::new(Value::Bool(*b)),
            Slot::Int(i) => Arc::new(Value::Number((*i).into())),
            Slot::UInt(u) => Arc::new(Value::Number((*u).into())),
            Slot::Float(f) => match Number::from_f64(*f) {
                Some(n) => Arc::new(Value::Number(n)),
                None => Arc::new(Value::Null),
            },
            Slot::Shared(v) => v.clone(),
        })
    }
}

#[derive(Debug, Clone)]
struct Entry {
    key: u32,
    slot: Slot,
}

/// Variable names, each stored once. Data maps pass the same `Arc<str>`
/// from task to task, so a name is found by its address first (the table
/// keeps every name it saw alive, so an address is never reused), and by
/// its text only the first time.
#[derive(Debug, Clone, Default)]
struct Keys {
    names: Vec<Arc<str>>,
    by_text: HashMap<Arc<str>, u32, foldhash::fast::RandomState>,
    by_address: HashMap<usize, u32, foldhash::fast::RandomState>,
    seen: Vec<Arc<str>>,
}

impl Keys {
    fn id(&mut self, k: &Arc<str>) -> u32 {
        let address = Arc::as_ptr(k) as *const u8 as usize;
        if let Some(&i) = self.by_address.get(&address) {
            return i;
        }
        let i = match self.by_text.get(k) {
            Some(&i) => i,
            None => {
                let i = self.names.len() as u32;
                self.names.push(k.clone());
                self.by_text.insert(k.clone(), i);
                i
            }
        };
        // Bounded: a script that makes a new name string per write would
        // otherwise pin every one of them.
        if self.seen.len() < 1 << 16 {
            self.seen.push(k.clone());
            self.by_address.insert(address, i);
        }
        i
    }
}

/// The versions of task data of one instance.
#[derive(Debug, Clone, Default)]
pub(crate) struct DataVersions {
    versions: Vec<Version>,
    entries: Vec<Entry>,
    keys: Keys,
    /// The materialized data of the last versions created: version
    /// `cache_from + i` at position `i` (`None` for versions read from a
    /// file).
    cache: VecDeque<Option<Arc<Data>>>,
    cache_from: u32,
}

impl DataVersions {
    fn entries_of(&self, v: VersionId) -> &[Entry] {
        let start = self.versions[v as usize].start as usize;
        let end = self
            .versions
            .get(v as usize + 1)
            .map_or(self.entries.len(), |n| n.start as usize);
        &self.entries[start..end]
    }

    fn cached(&self, v: VersionId) -> Option<&Arc<Data>> {
        let i = v.checked_sub(self.cache_from)?;
        self.cache.get(i as usize)?.as_ref()
    }

    /// The data of version `v`.
    pub fn get(&self, v: VersionId) -> Arc<Data> {
        if let Some(d) = self.cached(v) {
            return d.clone();
        }
        // Walk back to a materialized version or a root, then replay.
        let mut chain = vec![v];
        let mut base = None;
        let mut at = self.versions[v as usize].base;
        while at != NO_BASE {
            if let Some(d) = self.cached(at) {
                base = Some(d);
                break;
            }
            chain.push(at);
            at = self.versions[at as usize].base;
        }
        let mut data = base.map_or_else(Data::new, |d| (**d).clone());
        for &x in chain.iter().rev() {
            self.apply(x, &mut data);
        }
        Arc::new(data)
    }

    fn apply(&self, v: VersionId, data: &mut Data) {
        let entries = self.entries_of(v);
        for e in entries {
            if matches!(e.slot, Slot::Del) {
                data.shift_remove(&self.keys.names[e.key as usize]);
            }
        }
        for e in entries {
            if let Some(value) = e.slot.value() {
                data.insert_shared(self.keys.names[e.key as usize].clone(), value);
            }
        }
    }

    /// Whether version `v` holds (shares) exactly this map.
    pub fn holds(&self, v: VersionId, data: &Arc<Data>) -> bool {
        self.cached(v).is_some_and(|d| Arc::ptr_eq(d, data))
    }

    /// Keeps the data of the version just created (`None`: not
    /// materialized), forgetting the oldest one kept.
    fn remember(&mut self, data: Option<Arc<Data>>) {
        if self.cache.len() >= CACHE {
            self.cache.pop_front();
            self.cache_from += 1;
        }
        self.cache.push_back(data);
    }

    /// A new root version holding `data`.
    pub fn root(&mut self, data: Arc<Data>) -> VersionId {
        let v = self.versions.len() as VersionId;
        let start = self.entries.len() as u32;
        for (k, value) in data.iter_shared() {
            let key = self.keys.id(k);
            self.entries.push(Entry {
                key,
                slot: Slot::of(value),
            });
        }
        self.versions.push(Version {
            base: NO_BASE,
            start,
            chain: data.len() as u32,
        });
        self.remember(Some(data));
        v
    }

    /// The version holding `data`, derived from `base`: `base` itself when
    /// the data is the same, else a new version with the difference.
    pub fn derive(&mut self, base: VersionId, data: Arc<Data>) -> VersionId {
        if self.holds(base, &data) {
            return base;
        }
        let from = self.get(base);
        // The usual case, written straight to the arena: the keys line up
        // and some values changed or keys were added after them.
        if data.len() >= from.len() {
            let start = self.entries.len();
            let mut aligned = true;
            for ((pk, pv), (ck, cv)) in from.iter_shared().zip(data.iter_shared()) {
                if !Arc::ptr_eq(pk, ck) && pk != ck {
                    aligned = false;
                    break;
                }
                if !Arc::ptr_eq(pv, cv) && pv != cv {
                    let key = self.keys.id(ck);
                    self.entries.push(Entry {
                        key,
                        slot: Slot::of(cv),
                    });
                }
            }
            if aligned {
                for (k, v) in data.iter_shared().skip(from.len()) {
                    let key = self.keys.id(k);
                    self.entries.push(Entry {
                        key,
                        slot: Slot::of(v),
                    });
                }
                let n = (self.entries.len() - start) as u32;
                if n == 0 {
                    return base;
                }
                let chain = self.versions[base as usize].chain + n;
                if chain > MIN_CHAIN.max(2 * data.len() as u32) {
                    self.entries.truncate(start);
                    return self.root(data);
                }
                let v = self.versions.len() as VersionId;
                self.versions.push(Version {
                    base,
                    start: start as u32,
                    chain,
                });
                self.remember(Some(data));
                return v;
            }
            self.entries.truncate(start);
        }
        let Some((set, del)) = diff(&from, &data) else {
            return base;
        };
        let chain = self.versions[base as usize].chain + (set.len() + del.len()) as u32;
        if chain > MIN_CHAIN.max(2 * data.len() as u32)
            || del.len() == from.len() && !del.is_empty()
        {
            return self.root(data);
        }
        let v = self.versions.len() as VersionId;
        let start = self.entries.len() as u32;
        for k in del {
            let key = self.keys.id(&k);
            self.entries.push(Entry {
                key,
                slot: Slot::Del,
            });
        }
        for (k, value) in set {
            let key = self.keys.id(&k);
            self.entries.push(Entry {
                key,
                slot: Slot::of(&value),
            });
        }
        self.versions.push(Version { base, start, chain });
        self.remember(Some(data));
        v
    }

    /// The version `base` with a delta applied (as read from a state file):
    /// `removed` keys go, `set` ones are inserted in order. Stored as a
    /// delta, not materialized, unless the chain is due to be cut.
    pub fn derive_delta(
        &mut self,
        base: Option<VersionId>,
        set: Option<&Data>,
        removed: &[String],
    ) -> VersionId {
        let n = set.map_or(0, Data::len) + removed.len();
        let Some(base) = base else {
            let mut d = Data::new();
            if let Some(s) = set {
                for (k, v) in s.iter_shared() {
                    d.insert_shared(k.clone(), v.clone());
                }
            }
            return self.root(Arc::new(d));
        };
        if n == 0 {
            return base;
        }
        let chain = self.versions[base as usize].chain + n as u32;
        // The number of keys is not known without materializing: cut at a
        // fixed length instead.
        if chain > 4 * MIN_CHAIN {
            let mut d = (*self.get(base)).clone();
            for k in removed {
                d.shift_remove(k);
            }
            if let Some(s) = set {
                for (k, v) in s.iter_shared() {
                    d.insert_shared(k.clone(), v.clone());
                }
            }
            return self.root(Arc::new(d));
        }
        let v = self.versions.len() as VersionId;
        let start = self.entries.len() as u32;
        for k in removed {
            let key = self.keys.id(&Arc::from(k.as_str()));
            self.entries.push(Entry {
                key,
                slot: Slot::Del,
            });
        }
        if let Some(s) = set {
            for (k, value) in s.iter_shared() {
                let key = self.keys.id(k);
                self.entries.push(Entry {
                    key,
                    slot: Slot::of(value),
                });
            }
        }
        self.versions.push(Version { base, start, chain });
        self.remember(None);
        v
    }

    /// The delta of `v` against `base` as it is stored, when `v` was
    /// derived from `base` (keys set in order, keys removed).
    pub fn stored_delta(
        &self,
        v: VersionId,
        base: VersionId,
    ) -> Option<(Option<Data>, Vec<String>)> {
        if self.versions[v as usize].base != base {
            return None;
        }
        let mut set = Data::new();
        let mut del = Vec::new();
        for e in self.entries_of(v) {
            let name = &self.keys.names[e.key as usize];
            match e.slot.value() {
                None => del.push(name.to_string()),
                Some(value) => set.insert_shared(name.clone(), value),
            }
        }
        Some(((!set.is_empty()).then_some(set), del))
    }
}

/// Keys set (with their values) and keys removed.
pub(crate) type Delta = (Vec<(Arc<str>, Arc<Value>)>, Vec<Arc<str>>);

/// Keys set or changed, and keys removed, going from `parent` to `child`;
/// `None` when they are the same. Applying them (remove, then insert in
/// order) gives the child's keys in the child's order; when it would not
/// (the child reordered keys of its parent), every parent key is removed
/// and the whole child set.
pub(crate) fn diff(parent: &Data, child: &Data) -> Option<Delta> {
    // The usual case, without hashing: the child keeps the parent's keys in
    // their places and may add some after them.
    if child.len() >= parent.len() {
        let mut set = Vec::new();
        let mut aligned = true;
        for ((pk, pv), (ck, cv)) in parent.iter_shared().zip(child.iter_shared()) {
            if !Arc::ptr_eq(pk, ck) && pk != ck {
                aligned = false;
                break;
            }
            if !Arc::ptr_eq(pv, cv) && pv != cv {
                set.push((ck.clone(), cv.clone()));
            }
        }
        if aligned {
            for (k, v) in child.iter_shared().skip(parent.len()) {
                set.push((k.clone(), v.clone()));
            }
            return (!set.is_empty()).then_some((set, Vec::new()));
        }
    }
    let mut set = Vec::new();
    for (k, v) in child.iter_shared() {
        if !parent.same_value(child, k) {
            set.push((k.clone(), v.clone()));
        }
    }
    let mut del = Vec::new();
    for (k, _) in parent.iter_shared() {
        if !child.contains_key(k) {
            del.push(k.clone());
        }
    }
    // Kept parent keys stay in place, new keys come after them.
    let kept = parent.keys().filter(|k| child.contains_key(k));
    let added = child.keys().filter(|k| !parent.contains_key(k));
    if !kept.chain(added).eq(child.keys()) {
        let set = child
            .iter_shared()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let del = parent.iter_shared().map(|(k, _)| k.clone()).collect();
        return Some((set, del));
    }
    (!set.is_empty() || !del.is_empty()).then_some((set, del))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn data(v: Value) -> Arc<Data> {
        Arc::new(Data::from(v.as_object().unwrap().clone()))
    }

    #[test]
    fn versions_read_back_what_was_stored_in_order() {
        let mut dv = DataVersions::default();
        let r = dv.root(data(json!({"a": 1, "b": [1, 2], "c": "x"})));
        let v1 = dv.derive(r, data(json!({"a": 2, "b": [1, 2], "c": "x", "d": null})));
        let v2 = dv.derive(v1, data(json!({"a": 2, "d": null, "e": -3, "f": 0.5})));
        let v3 = dv.derive(v2, data(json!({"f": 0.5, "a": 2})));
        // Forget the cache so the chains are replayed.
        dv.cache.iter_mut().for_each(|c| *c = None);
        let keys = |d: &Data| d.keys().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(
            *dv.get(v1),
            *data(json!({"a": 2, "b": [1, 2], "c": "x", "d": null}))
        );
        assert_eq!(keys(&dv.get(v2)), ["a", "d", "e", "f"]);
        assert_eq!(dv.get(v2)["e"], json!(-3));
        assert_eq!(keys(&dv.get(v3)), ["f", "a"]);
        assert_eq!(dv.get(r)["b"], json!([1, 2]));
    }

    #[test]
    fn same_data_shares_the_version_and_chains_are_cut() {
        let mut dv = DataVersions::default();
        let mut v = dv.root(data(json!({"i": 0, "n": 10})));
        assert_eq!(dv.derive(v, dv.get(v)), v);
        assert_eq!(dv.derive(v, data(json!({"i": 0, "n": 10}))), v);
        for i in 1..=1000 {
            let d = data(json!({"i": i, "n": 10}));
            v = dv.derive(v, d);
        }
        dv.cache.iter_mut().for_each(|c| *c = None);
        assert_eq!(dv.get(v)["i"], json!(1000));
        let roots = dv.versions.iter().filter(|x| x.base == NO_BASE).count();
        assert!((25..=40).contains(&roots), "{roots} roots");
        // One entry per version besides the roots' two.
        assert!(dv.entries.len() < 1100, "{}", dv.entries.len());
    }

    #[test]
    fn deltas_read_from_a_file_replay_as_derived_ones() {
        let mut dv = DataVersions::default();
        let r = dv.derive_delta(None, Some(&data(json!({"a": 1, "b": 2}))), &[]);
        let v = dv.derive_delta(Some(r), Some(&data(json!({"c": 3}))), &["a".into()]);
        dv.cache.iter_mut().for_each(|c| *c = None);
        assert_eq!(*dv.get(v), *data(json!({"b": 2, "c": 3})));
        let (set, del) = dv.stored_delta(v, r).unwrap();
        assert_eq!(set.unwrap(), *data(json!({"c": 3})));
        assert_eq!(del, ["a"]);
    }
}
