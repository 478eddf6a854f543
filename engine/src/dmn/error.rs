//! Why a decision could not be evaluated. Every message names the decision,
//! and hit-policy violations name the rules.

use std::fmt;

/// A rule of a decision table: its 1-based number and its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRef {
    /// Position of the rule in its table, counting from 1.
    pub number: usize,
    /// The rule's `id` attribute, when it has one.
    pub id: Option<String>,
}

impl fmt::Display for RuleRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "{} ({id})", self.number),
            None => write!(f, "{}", self.number),
        }
    }
}

fn list_rules(r: &[RuleRef]) -> String {
    let s: Vec<String> = r.iter().map(ToString::to_string).collect();
    match s.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// How alike two names are (0–1), ignoring case; a name contained in the
/// other counts as close.
pub(crate) fn similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    let score = strsim::normalized_levenshtein(&a, &b);
    if a.contains(&b) || b.contains(&a) {
        score.max(0.75)
    } else {
        score
    }
}

fn suggest(id: &str, known: &[String]) -> String {
    if known.is_empty() {
        return "; no decision is loaded".into();
    }
    let best = known
        .iter()
        .map(|k| (similarity(k, id), k))
        .filter(|(s, _)| *s >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, k)) => format!("; did you mean `{k}`?"),
        None => {
            let shown: Vec<&str> = known.iter().take(10).map(String::as_str).collect();
            format!("; loaded decisions: {}", shown.join(", "))
        }
    }
}

/// A decision evaluation failure.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DmnError {
    /// No loaded decision has this id.
    #[error("no decision with id `{id}`{}", suggest(id, known))]
    UnknownDecision {
        /// The id asked for.
        id: String,
        /// The ids of the loaded decisions (for a suggestion).
        known: Vec<String>,
    },
    /// The decision (or one it requires) has load errors.
    #[error("decision `{decision}` cannot be evaluated: {reason}")]
    Invalid {
        /// The decision asked for.
        decision: String,
        /// What is wrong with it (its load errors).
        reason: String,
    },
    /// UNIQUE table with more than one matching rule.
    #[error(
        "decision `{decision}`: hit policy UNIQUE allows one matching rule, but rules {} match; make the rules exclusive or choose another hit policy (FIRST, PRIORITY, COLLECT…)",
        list_rules(rules)
    )]
    UniqueViolation {
        /// The decision whose table broke its hit policy.
        decision: String,
        /// Every rule that matched.
        rules: Vec<RuleRef>,
    },
    /// ANY table whose matching rules give different outputs.
    #[error(
        "decision `{decision}`: hit policy ANY needs matching rules to agree, but rules {} give different outputs; make them agree or choose another hit policy",
        list_rules(rules)
    )]
    AnyConflict {
        /// The decision whose table broke its hit policy.
        decision: String,
        /// Every rule that matched.
        rules: Vec<RuleRef>,
    },
    /// An input value outside the input's `inputValues`.
    #[error(
        "decision `{decision}`: input `{input}` is {value}, which is not one of its allowed values ({allowed})"
    )]
    InputNotAllowed {
        /// The decision being evaluated.
        decision: String,
        /// The input's label or expression.
        input: String,
        /// The value it had, as text.
        value: String,
        /// The input's `inputValues` unary tests, as written.
        allowed: String,
    },
    /// An expression failed (unknown name, Rhai error…); `at` says which
    /// and where it is written.
    #[error("decision `{decision}`: {at}: {message}")]
    Expression {
        /// The decision being evaluated.
        decision: String,
        /// Which expression (rule, cell or input) and where it is written.
        at: String,
        /// What the evaluator said.
        message: String,
    },
    /// A COLLECT aggregation over values it cannot combine.
    #[error("decision `{decision}`: {message}")]
    Aggregation {
        /// The decision being evaluated.
        decision: String,
        /// Which values could not be combined, and why.
        message: String,
    },
    /// A required decision failed.
    #[error("decision `{decision}` requires `{required}`, which failed: {source}")]
    Required {
        /// The decision being evaluated.
        decision: String,
        /// The required decision that failed.
        required: String,
        /// Why it failed.
        source: Box<DmnError>,
    },
}

impl DmnError {
    /// The id of the decision that was being evaluated.
    pub fn decision(&self) -> &str {
        match self {
            DmnError::UnknownDecision { id, .. } => id,
            DmnError::Invalid { decision, .. }
            | DmnError::UniqueViolation { decision, .. }
            | DmnError::AnyConflict { decision, .. }
            | DmnError::InputNotAllowed { decision, .. }
            | DmnError::Expression { decision, .. }
            | DmnError::Aggregation { decision, .. }
            | DmnError::Required { decision, .. } => decision,
        }
    }

    /// The rules named by a UNIQUE or ANY violation.
    pub fn rules(&self) -> &[RuleRef] {
        match self {
            DmnError::UniqueViolation { rules, .. } | DmnError::AnyConflict { rules, .. } => rules,
            DmnError::Required { source, .. } => source.rules(),
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_decision_and_rules() {
        let e = DmnError::UniqueViolation {
            decision: "d".into(),
            rules: vec![
                RuleRef {
                    number: 1,
                    id: Some("r1".into()),
                },
                RuleRef {
                    number: 3,
                    id: None,
                },
            ],
        };
        assert_eq!(
            e.to_string(),
            "decision `d`: hit policy UNIQUE allows one matching rule, but rules 1 (r1) and 3 match; make the rules exclusive or choose another hit policy (FIRST, PRIORITY, COLLECT…)"
        );
        let e = DmnError::UnknownDecision {
            id: "prices".into(),
            known: vec!["product_prices".into(), "shipping".into()],
        };
        assert!(
            e.to_string().contains("did you mean `product_prices`"),
            "{e}"
        );
    }
}
