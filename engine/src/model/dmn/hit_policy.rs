//! Decision-table hit policies and COLLECT aggregations.

use std::fmt;

/// How the matching rules of a decision table make its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitPolicy {
    /// At most one rule may match; more is an error.
    Unique,
    /// Several rules may match if their outputs agree.
    Any,
    /// The match whose outputs come first in the `outputValues` lists wins.
    Priority,
    /// The first match in rule order wins.
    First,
    /// Every match, in rule order.
    RuleOrder,
    /// Every match, sorted by `outputValues` priority.
    OutputOrder,
    /// Every match (rule order), or one number when aggregated.
    Collect,
}

impl HitPolicy {
    /// Parses the `hitPolicy` attribute (case-insensitive, `_` or space).
    pub fn parse(s: &str) -> Option<HitPolicy> {
        let norm = s.trim().to_ascii_uppercase().replace('_', " ");
        Some(match norm.as_str() {
            "UNIQUE" | "U" => HitPolicy::Unique,
            "ANY" | "A" => HitPolicy::Any,
            "PRIORITY" | "P" => HitPolicy::Priority,
            "FIRST" | "F" => HitPolicy::First,
            "RULE ORDER" | "R" => HitPolicy::RuleOrder,
            "OUTPUT ORDER" | "O" => HitPolicy::OutputOrder,
            "COLLECT" | "C" => HitPolicy::Collect,
            _ => return None,
        })
    }

    /// True for the policies whose result is a list of rule outputs.
    pub fn is_multiple(self) -> bool {
        matches!(
            self,
            HitPolicy::RuleOrder | HitPolicy::OutputOrder | HitPolicy::Collect
        )
    }
}

impl fmt::Display for HitPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HitPolicy::Unique => "UNIQUE",
            HitPolicy::Any => "ANY",
            HitPolicy::Priority => "PRIORITY",
            HitPolicy::First => "FIRST",
            HitPolicy::RuleOrder => "RULE ORDER",
            HitPolicy::OutputOrder => "OUTPUT ORDER",
            HitPolicy::Collect => "COLLECT",
        })
    }
}

/// The operator applied to the outputs of a COLLECT table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregation {
    /// `SUM` (`C+`): the sum of the matched outputs.
    Sum,
    /// `MIN` (`C<`): the smallest matched output.
    Min,
    /// `MAX` (`C>`): the largest matched output.
    Max,
    /// `COUNT` (`C#`): how many rules matched.
    Count,
}

impl Aggregation {
    /// Parses the `aggregation` attribute (case-insensitive).
    pub fn parse(s: &str) -> Option<Aggregation> {
        Some(match s.trim().to_ascii_uppercase().as_str() {
            "SUM" | "+" => Aggregation::Sum,
            "MIN" | "<" => Aggregation::Min,
            "MAX" | ">" => Aggregation::Max,
            "COUNT" | "#" => Aggregation::Count,
            _ => return None,
        })
    }
}

impl fmt::Display for Aggregation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Aggregation::Sum => "SUM",
            Aggregation::Min => "MIN",
            Aggregation::Max => "MAX",
            Aggregation::Count => "COUNT",
        })
    }
}
