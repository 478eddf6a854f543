//! An index over a decision table's input entries, so a big table does not
//! test every rule: a column whose entries are all `-`, string constants
//! (`"gold", "silver"`) or number comparisons with constant ends (`< 5`,
//! `[100..200)`, `42`) answers "which rules can match this value" with one
//! hash lookup or one binary search, as a bit set. The sets of the indexed
//! columns are intersected and only the surviving rules, in rule order,
//! have their remaining columns tested. Built once when the table is
//! compiled; a column that does not fit (names, `not(…)`, `?`, dates) is
//! simply tested rule by rule as before.
//!
//! The index is exact for the value types it covers: a string column for
//! string inputs, a number column for number inputs. Any other input
//! (null, a date against a string column…) bypasses that column's index
//! and the rules test it normally, so FEEL's cross-type rules stay where
//! they are (`unary.rs`).

use std::collections::HashMap;
use std::sync::Arc;

use super::compiled::{CRule, Tests};
use super::feel::{Expr, UnaryTest, UnaryTests};
use super::number::Number;
use super::value::Value;
use crate::dmn::feel::CmpOp;

/// Bits per rule set word.
const WORD: usize = 64;

/// The largest index built, in 64-bit words over all columns (4 MiB): a
/// table of thousands of rules with thousands of distinct bounds falls
/// back to testing rule by rule rather than using more memory.
const MAX_WORDS: usize = 1 << 19;

/// A set of rules (bit `i` = rule `i`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rules(Vec<u64>);

impl Rules {
    fn none(n: usize) -> Rules {
        Rules(vec![0; n.div_ceil(WORD)])
    }

    fn all(n: usize) -> Rules {
        let mut r = Rules(vec![u64::MAX; n.div_ceil(WORD)]);
        if n % WORD != 0 {
            if let Some(last) = r.0.last_mut() {
                *last = (1u64 << (n % WORD)) - 1;
            }
        }
        r
    }

    fn insert(&mut self, i: usize) {
        self.0[i / WORD] |= 1 << (i % WORD);
    }

    fn intersect(&mut self, other: &Rules) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a &= b;
        }
    }

    /// The rules in the set, in rule order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &bits)| {
            let mut bits = bits;
            std::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let b = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                Some(w * WORD + b)
            })
        })
    }
}

/// One column's index.
#[derive(Debug, Clone)]
enum Column {
    /// Entries are `-` or lists of string constants.
    Strings {
        by_value: HashMap<Arc<str>, Rules>,
        /// The `-` rules (they match every string).
        any: Rules,
    },
    /// Entries are `-` or unions of number intervals. The number line is
    /// cut at the distinct bounds: segment `2k + 1` is the bound `k`
    /// itself, segment `2k` the open gap below it, the last the gap above
    /// every bound; each segment has the rules that match anywhere in it.
    Numbers {
        bounds: Vec<Number>,
        segments: Vec<Rules>,
    },
}

/// The index of a table: one optional column index per input.
#[derive(Debug, Clone)]
pub(crate) struct RuleIndex {
    columns: Vec<Option<Column>>,
    rules: usize,
}

/// An interval with constant ends; `None` is unbounded.
#[derive(Debug, Clone, Copy)]
struct Span {
    low: Option<(Number, bool)>,
    high: Option<(Number, bool)>,
}

impl Span {
    fn contains(&self, x: Number) -> bool {
        let above = match self.low {
            None => true,
            Some((l, closed)) => x > l || (closed && x == l),
        };
        let below = match self.high {
            None => true,
            Some((h, closed)) => x < h || (closed && x == h),
        };
        above && below
    }
}

fn constant(e: &Expr) -> Option<&Value> {
    match e {
        Expr::Const(v) => Some(v),
        _ => None,
    }
}

fn number(e: &Expr) -> Option<Number> {
    match constant(e)? {
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

/// The string constants of an entry, or `None` if it is anything else.
fn strings(t: &UnaryTests) -> Option<Vec<Arc<str>>> {
    let UnaryTests::Tests {
        negated: false,
        tests,
    } = t
    else {
        return None;
    };
    tests
        .iter()
        .map(|t| match t {
            UnaryTest::Expr {
                expr,
                uses_input: false,
            }
            | UnaryTest::Cmp(CmpOp::Eq, expr) => match constant(expr)? {
                Value::String(s) => Some(s.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The number intervals of an entry, or `None` if it is anything else.
fn spans(t: &UnaryTests) -> Option<Vec<Span>> {
    let UnaryTests::Tests {
        negated: false,
        tests,
    } = t
    else {
        return None;
    };
    tests
        .iter()
        .map(|t| {
            Some(match t {
                UnaryTest::Cmp(op, e) => {
                    let n = number(e)?;
                    match op {
                        CmpOp::Eq => Span {
                            low: Some((n, true)),
                            high: Some((n, true)),
                        },
                        CmpOp::Lt | CmpOp::Le => Span {
                            low: None,
                            high: Some((n, *op == CmpOp::Le)),
                        },
                        CmpOp::Gt | CmpOp::Ge => Span {
                            low: Some((n, *op == CmpOp::Ge)),
                            high: None,
                        },
                        CmpOp::Ne => return None,
                    }
                }
                UnaryTest::Expr {
                    expr,
                    uses_input: false,
                } => {
                    let n = number(expr)?;
                    Span {
                        low: Some((n, true)),
                        high: Some((n, true)),
                    }
                }
                UnaryTest::Interval(r) => Span {
                    low: match &r.low {
                        Some(e) => Some((number(e)?, r.low_closed)),
                        None => None,
                    },
                    high: match &r.high {
                        Some(e) => Some((number(e)?, r.high_closed)),
                        None => None,
                    },
                },
                UnaryTest::Expr { .. } => return None,
            })
        })
        .collect()
}

/// The FEEL entry of rule `r`'s column `c`, if it is FEEL.
fn entry(rule: &CRule, c: usize) -> Option<&UnaryTests> {
    match &rule.inputs.get(c)?.code {
        Tests::Feel(t) => Some(t),
        Tests::Script { .. } => None,
    }
}

fn string_column(rules: &[CRule], c: usize) -> Option<Column> {
    let n = rules.len();
    let mut any = Rules::none(n);
    let mut by_value: HashMap<Arc<str>, Rules> = HashMap::new();
    for (i, rule) in rules.iter().enumerate() {
        let t = entry(rule, c)?;
        if matches!(t, UnaryTests::Any) {
            any.insert(i);
            continue;
        }
        for s in strings(t)? {
            by_value
                .entry(s)
                .or_insert_with(|| Rules::none(n))
                .insert(i);
        }
    }
    if by_value.is_empty() {
        return None;
    }
    for set in by_value.values_mut() {
        for (a, b) in set.0.iter_mut().zip(&any.0) {
            *a |= b;
        }
    }
    Some(Column::Strings { by_value, any })
}

fn number_column(rules: &[CRule], c: usize, budget: usize) -> Option<Column> {
    let mut per_rule: Vec<Option<Vec<Span>>> = Vec::with_capacity(rules.len());
    let mut bounds = Vec::new();
    for rule in rules {
        let t = entry(rule, c)?;
        if matches!(t, UnaryTests::Any) {
            per_rule.push(None);
            continue;
        }
        let s = spans(t)?;
        for span in &s {
            bounds.extend(span.low.map(|b| b.0));
            bounds.extend(span.high.map(|b| b.0));
        }
        per_rule.push(Some(s));
    }
    if bounds.is_empty() {
        return None;
    }
    bounds.sort();
    bounds.dedup();
    let segments = 2 * bounds.len() + 1;
    if segments * rules.len().div_ceil(WORD) > budget {
        return None;
    }
    // A value inside each segment: the bound itself, or one strictly
    // between two bounds (below the first, above the last).
    let mut samples = Vec::with_capacity(segments);
    for (k, b) in bounds.iter().enumerate() {
        let gap = match k.checked_sub(1).map(|p| bounds[p]) {
            None => b.sub(Number::from_i64(1))?,
            Some(prev) => {
                let mid = prev.add(*b)?.div(Number::from_i64(2))?;
                // Bounds closer than decimal128 can split: no index.
                if mid <= prev || mid >= *b {
                    return None;
                }
                mid
            }
        };
        samples.push(gap);
        samples.push(*b);
    }
    samples.push(bounds.last()?.add(Number::from_i64(1))?);
    let mut sets = vec![Rules::none(rules.len()); segments];
    for (i, spans) in per_rule.iter().enumerate() {
        for (set, x) in sets.iter_mut().zip(&samples) {
            let hit = match spans {
                None => true,
                Some(s) => s.iter().any(|span| span.contains(*x)),
            };
            if hit {
                set.insert(i);
            }
        }
    }
    Some(Column::Numbers {
        bounds,
        segments: sets,
    })
}

impl RuleIndex {
    /// Indexes the columns of `rules` that fit; `None` when none does (or
    /// the table is too small for an index to pay).
    pub fn build(rules: &[CRule], columns: usize) -> Option<RuleIndex> {
        // Below this, testing every rule is as fast as the lookups.
        if rules.len() < 16 {
            return None;
        }
        let mut budget = MAX_WORDS;
        let mut cols = Vec::with_capacity(columns);
        for c in 0..columns {
            let col = string_column(rules, c).or_else(|| number_column(rules, c, budget));
            if let Some(Column::Numbers { segments, .. }) = &col {
                budget -= segments.len() * rules.len().div_ceil(WORD);
            }
            cols.push(col);
        }
        cols.iter().any(Option::is_some).then_some(RuleIndex {
            columns: cols,
            rules: rules.len(),
        })
    }

    /// Whether column `c` was answered by the index for value `v` (then
    /// its tests need not run).
    pub fn covers(&self, c: usize, v: &Value) -> bool {
        matches!(
            (self.columns.get(c), v),
            (Some(Some(Column::Strings { .. })), Value::String(_))
                | (Some(Some(Column::Numbers { .. })), Value::Number(_))
        )
    }

    /// The rules that can match `values` (one per input), judged by the
    /// indexed columns whose value has the column's type.
    pub fn candidates(&self, values: &[&Value]) -> Rules {
        let mut out = Rules::all(self.rules);
        for (col, v) in self.columns.iter().zip(values) {
            match (col, v) {
                (Some(Column::Strings { by_value, any }), Value::String(s)) => {
                    out.intersect(by_value.get(s).unwrap_or(any));
                }
                (Some(Column::Numbers { bounds, segments }), Value::Number(n)) => {
                    let seg = match bounds.binary_search(n) {
                        Ok(k) => 2 * k + 1,
                        Err(k) => 2 * k,
                    };
                    out.intersect(&segments[seg]);
                }
                _ => {}
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmn::compiled::Located;
    use crate::dmn::feel::parse_unary_tests;

    fn rule(cells: &[&str]) -> CRule {
        CRule {
            id: None,
            inputs: cells
                .iter()
                .map(|c| Located {
                    code: Tests::Feel(parse_unary_tests(c, &Default::default()).unwrap()),
                    at: Arc::from(""),
                })
                .collect(),
            outputs: Vec::new(),
        }
    }

    fn n(s: &str) -> Value {
        Value::Number(Number::parse(s).unwrap())
    }

    #[test]
    fn strings_and_intervals_pick_the_matching_rules() {
        let mut rules = Vec::new();
        for i in 0..40 {
            let lo = i * 10;
            rules.push(rule(&[
                &format!("[{lo}..{}) ", lo + 10),
                &format!("\"c{}\"", i % 4),
            ]));
        }
        rules.push(rule(&["< 0, > 1000", "-"]));
        rules.push(rule(&["-", "\"c1\", \"c2\""]));
        let idx = RuleIndex::build(&rules, 2).unwrap();
        let got = |v: Value, s: &str| -> Vec<usize> {
            idx.candidates(&[&v, &Value::string(s)]).iter().collect()
        };
        assert_eq!(got(n("15"), "c1"), vec![1, 41]);
        assert_eq!(got(n("10"), "c1"), vec![1, 41]);
        assert_eq!(got(n("9.99"), "c0"), vec![0]);
        assert_eq!(got(n("20"), "c1"), vec![41]);
        assert_eq!(got(n("-1"), "zz"), vec![40]);
        assert_eq!(got(n("1000"), "c1"), vec![41]);
        assert_eq!(got(n("1000.5"), "c3"), vec![40]);
        assert!(idx.covers(0, &n("1")));
        assert!(!idx.covers(0, &Value::Null));
        assert!(!idx.covers(1, &n("1")));
    }

    #[test]
    fn columns_that_do_not_fit_are_not_indexed() {
        let rules: Vec<CRule> = (0..20)
            .map(|i| rule(&[&format!("not({i})"), &format!("{i}")]))
            .collect();
        let idx = RuleIndex::build(&rules, 2).unwrap();
        assert!(!idx.covers(0, &n("1")));
        assert!(idx.covers(1, &n("1")));
        assert_eq!(
            idx.candidates(&[&n("3"), &n("3")])
                .iter()
                .collect::<Vec<_>>(),
            vec![3]
        );
        assert!(RuleIndex::build(&rules[..3], 2).is_none());
    }

    /// Property: for every input, the index plus the uncovered columns'
    /// tests give exactly the rules that testing every cell gives.
    #[test]
    fn the_index_agrees_with_testing_every_rule() {
        let cells_a = [
            "-",
            "< 5",
            "<= 5",
            "> 7.5",
            ">= 2",
            "[1..4]",
            "(2..9)",
            "]3..6[",
            "5",
            "3, 8",
            "[0..1), > 9",
        ];
        let cells_b = ["-", "\"x\"", "\"y\"", "\"x\", \"z\""];
        let cells_c = ["-", "not(3)", "> 2"];
        let mut rules = Vec::new();
        // A deterministic walk through combinations (no RNG dependency).
        let mut k = 7usize;
        for _ in 0..120 {
            k = (k * 1103515245 + 12345) % 2147483648;
            rules.push(rule(&[
                cells_a[k % cells_a.len()],
                cells_b[(k / 11) % cells_b.len()],
                cells_c[(k / 97) % cells_c.len()],
            ]));
        }
        let idx = RuleIndex::build(&rules, 3).unwrap();
        let empty = crate::model::Data::new();
        let scope = crate::dmn::feel::Scope::new(&empty, &[]);
        let test = |t: &Tests, v: &Value| match t {
            Tests::Feel(t) => crate::dmn::feel::matches(t, v, &scope).unwrap(),
            Tests::Script { .. } => unreachable!("FEEL only here"),
        };
        let numbers = [
            "-1", "0", "0.5", "1", "2", "2.5", "3", "3.5", "4", "5", "6", "7.5", "8", "9", "9.5",
            "12",
        ];
        for a in numbers
            .iter()
            .map(|x| n(x))
            .chain([Value::Null, Value::string("5")])
        {
            for b in ["x", "y", "z", "w"]
                .map(Value::string)
                .into_iter()
                .chain([Value::Null])
            {
                let c = n("3");
                let values = [&a, &b, &c];
                let every: Vec<usize> = (0..rules.len())
                    .filter(|&i| {
                        rules[i]
                            .inputs
                            .iter()
                            .zip(values)
                            .all(|(t, v)| test(&t.code, v))
                    })
                    .collect();
                let indexed: Vec<usize> = idx
                    .candidates(&values)
                    .iter()
                    .filter(|&i| {
                        rules[i]
                            .inputs
                            .iter()
                            .zip(values)
                            .enumerate()
                            .all(|(col, (t, v))| idx.covers(col, v) || test(&t.code, v))
                    })
                    .collect();
                assert_eq!(indexed, every, "inputs {a} {b}");
            }
        }
    }
}
