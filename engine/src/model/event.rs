//! Events: what an event node catches or throws, and where it sits.

use serde::{Deserialize, Serialize};

use super::{ExprId, NodeIdx};

/// How a timer's value is written: literal ISO 8601 text, or a Rhai
/// expression that evaluates to such text.
#[derive(Debug, Clone, PartialEq)]
pub struct TimerValue {
    /// The `timeDate` / `timeDuration` / `timeCycle` text, trimmed.
    pub text: String,
    /// Set when the text is not a literal date, duration or cycle.
    pub expr: Option<ExprId>,
}

/// The three kinds of BPMN timer.
#[derive(Debug, Clone, PartialEq)]
pub enum Timer {
    /// `timeDate`: a point in time.
    Date(TimerValue),
    /// `timeDuration`: a duration after the event is reached.
    Duration(TimerValue),
    /// `timeCycle`: `R[n]/[start/]duration` repetitions.
    Cycle(TimerValue),
}

/// A correlation property computed from a message payload (BPMN
/// `correlationPropertyRetrievalExpression`) or, on the catching side, from
/// the task data (spiffworkflow `processVariableCorrelation`).
#[derive(Debug, Clone, PartialEq)]
pub struct Correlation {
    /// The correlation property id.
    pub property: String,
    /// The expression computing the property's value: over the payload
    /// (`from_payload`) or over the catching task's data (`from_data`).
    pub expr: ExprId,
}

/// How a message definition sends and receives its payload: the three
/// ways SpiffWorkflow's parsers read a diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageStyle {
    /// Plain BPMN (SpiffWorkflow's `BpmnParser`): a throw sends a copy of
    /// its task data; a catch merges a map payload into its data.
    Bpmn,
    /// A file that uses the spiffworkflow message extensions
    /// (`SpiffBpmnParser`): a throw sends its `messagePayload` (nothing
    /// without one); a catch stores the payload in its `messageVariable`
    /// and drops it without one.
    Spiff,
    /// `camunda:expression` / `camunda:resultVariable` on the definition
    /// (`CamundaParser`): a throw sends the expression's value and names
    /// the variable the catch stores it in (`<catch id>_Response` when it
    /// names none).
    Camunda,
}

/// The payload of a signal, error or escalation in a file written for
/// SpiffWorkflow's spiff parser: spiffworkflow `payloadExpression` and
/// `variableName` in the `extensionElements` of the `bpmn:signal`,
/// `bpmn:error` or `bpmn:escalation` the definition refers to. A throw
/// sends the expression's value (null without one) instead of a copy of
/// its data; a catch stores the payload whole in the variable and drops it
/// without one, instead of merging it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpiffPayload {
    /// spiffworkflow `payloadExpression`: what a throw sends.
    pub payload: Option<ExprId>,
    /// spiffworkflow `variableName`: where a catch stores the payload.
    pub variable: Option<String>,
}

/// One event definition.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// `messageEventDefinition` (or a send or receive task's message).
    Message {
        /// The message name (its id when it has no name; the event's own
        /// name when it has no `messageRef`); matching is by name.
        name: String,
        /// spiffworkflow `messagePayload` or `camunda:expression`: what a
        /// throw sends (default: see [`MessageStyle`]).
        payload: Option<ExprId>,
        /// spiffworkflow `messageVariable` (where a catch stores the
        /// payload) or `camunda:resultVariable` (on a throw: where its
        /// catcher stores it; on a catch: where it stores payloads whose
        /// thrower named no variable).
        variable: Option<String>,
        /// Which parser's conventions the payload follows.
        style: MessageStyle,
        /// Properties computed from the payload.
        from_payload: Vec<Correlation>,
        /// Properties a catch expects, computed from its own data.
        from_data: Vec<Correlation>,
    },
    /// `signalEventDefinition`: a broadcast to every waiting catcher.
    Signal {
        /// The signal's name (its id when it has no name); matching is by
        /// name.
        name: String,
        /// Set in files written for SpiffWorkflow's spiff parser; `None`:
        /// plain BPMN (a throw sends a copy of its data, a catch merges it).
        spiff: Option<SpiffPayload>,
    },
    /// `timerEventDefinition`.
    Timer(Timer),
    /// `errorEventDefinition`. A catch without a code catches every error.
    Error {
        /// The referenced `error`'s `errorCode`; catches match on it.
        code: Option<String>,
        /// The referenced `error`'s name (the `errorRef` itself when no
        /// such `error` is declared); `None` without an `errorRef`.
        name: Option<String>,
        /// As for signals.
        spiff: Option<SpiffPayload>,
    },
    /// `escalationEventDefinition`. A catch without a code catches every
    /// escalation.
    Escalation {
        /// The referenced `escalation`'s `escalationCode`; catches match on it.
        code: Option<String>,
        /// The referenced `escalation`'s name (the `escalationRef` itself
        /// when no such `escalation` is declared); `None` without one.
        name: Option<String>,
        /// As for signals.
        spiff: Option<SpiffPayload>,
    },
    /// `cancelEventDefinition`: cancels the enclosing transaction.
    Cancel,
    /// `terminateEventDefinition`: ends every token of the enclosing
    /// process or subprocess at once.
    Terminate,
    /// `conditionalEventDefinition`: fires when its condition becomes true.
    Conditional {
        /// The `condition` child, evaluated over the waiting task's data
        /// and the data objects it sees.
        condition: ExprId,
    },
    /// `linkEventDefinition`: a throw jumps to the catch with the same
    /// name in the same graph.
    Link {
        /// The definition's `name` attribute.
        name: String,
    },
    /// Compensation; `activity` limits a throw to one activity (by BPMN id).
    Compensate {
        /// `activityRef` (local part); `None`: every completed activity of
        /// the scope that has a compensation handler.
        activity: Option<String>,
    },
}

impl Trigger {
    /// Which kind of event definition this is.
    pub fn kind(&self) -> EventKind {
        match self {
            Trigger::Message { .. } => EventKind::Message,
            Trigger::Signal { .. } => EventKind::Signal,
            Trigger::Timer(_) => EventKind::Timer,
            Trigger::Error { .. } => EventKind::Error,
            Trigger::Escalation { .. } => EventKind::Escalation,
            Trigger::Cancel => EventKind::Cancel,
            Trigger::Terminate => EventKind::Terminate,
            Trigger::Conditional { .. } => EventKind::Conditional,
            Trigger::Link { .. } => EventKind::Link,
            Trigger::Compensate { .. } => EventKind::Compensation,
        }
    }
}

/// The kind of an event definition, without its details: what listings of
/// waits and of events that left an instance say, and what callers match
/// on. Written (in JSON output and state files) as its lower-case name, a
/// string in every format (RON would otherwise write a bare identifier that
/// the format-neutral reader used for migrations cannot read back).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum EventKind {
    /// `messageEventDefinition`.
    Message,
    /// `signalEventDefinition`.
    Signal,
    /// `timerEventDefinition`.
    Timer,
    /// `errorEventDefinition`.
    Error,
    /// `escalationEventDefinition`.
    Escalation,
    /// `cancelEventDefinition`.
    Cancel,
    /// `terminateEventDefinition`.
    Terminate,
    /// `conditionalEventDefinition`.
    Conditional,
    /// `linkEventDefinition`.
    Link,
    /// `compensateEventDefinition`.
    Compensation,
}

impl EventKind {
    /// The lower-case name shown to users (`message`, `timer`…).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Message => "message",
            EventKind::Signal => "signal",
            EventKind::Timer => "timer",
            EventKind::Error => "error",
            EventKind::Escalation => "escalation",
            EventKind::Cancel => "cancel",
            EventKind::Terminate => "terminate",
            EventKind::Conditional => "conditional",
            EventKind::Link => "link",
            EventKind::Compensation => "compensation",
        }
    }
}

impl From<EventKind> for &'static str {
    fn from(k: EventKind) -> Self {
        k.as_str()
    }
}

impl TryFrom<String> for EventKind {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl std::str::FromStr for EventKind {
    type Err = String;

    /// Reads the lower-case name [`EventKind::as_str`] writes.
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "message" => EventKind::Message,
            "signal" => EventKind::Signal,
            "timer" => EventKind::Timer,
            "error" => EventKind::Error,
            "escalation" => EventKind::Escalation,
            "cancel" => EventKind::Cancel,
            "terminate" => EventKind::Terminate,
            "conditional" => EventKind::Conditional,
            "link" => EventKind::Link,
            "compensation" => EventKind::Compensation,
            other => return Err(format!("`{other}` is not an event kind")),
        })
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an event sits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EventPosition {
    /// A start event; `interrupting` matters for event subprocess starts.
    Start {
        /// `isInterrupting` (true unless it says `"false"`).
        interrupting: bool,
    },
    /// `endEvent`.
    End,
    /// `intermediateCatchEvent`.
    Catch,
    /// `intermediateThrowEvent`.
    Throw,
    /// A boundary event on the activity `attached_to` (same graph).
    Boundary {
        /// `attachedToRef`, resolved to the activity's index.
        attached_to: NodeIdx,
        /// `cancelActivity` (true unless it says `"false"`): firing
        /// cancels the activity (interrupting).
        cancel_activity: bool,
    },
}

/// An event node: position and definitions. No definitions means a none
/// event; several mean "multiple" (any fires), or with `parallel` all must.
#[derive(Debug, Clone, PartialEq)]
pub struct EventNode {
    /// Where the event sits (start, end, intermediate, boundary).
    pub position: EventPosition,
    /// Its event definitions, in document order; empty for a none event.
    pub triggers: Vec<Trigger>,
    /// `parallelMultiple="true"`: with several definitions, all must
    /// fire before the event does.
    pub parallel: bool,
}

impl EventNode {
    /// True when this event catches (start, intermediate catch, boundary)
    /// something, as opposed to a none event or a throw.
    pub fn catches(&self) -> bool {
        !self.triggers.is_empty()
            && matches!(
                self.position,
                EventPosition::Start { .. } | EventPosition::Catch | EventPosition::Boundary { .. }
            )
    }

    /// True for a terminate end event.
    pub fn is_terminate(&self) -> bool {
        self.triggers.contains(&Trigger::Terminate)
    }
}

#[cfg(test)]
mod tests {
    use super::EventKind;

    #[test]
    fn event_kinds_read_back_what_they_write() {
        use EventKind::*;
        for k in [
            Message,
            Signal,
            Timer,
            Error,
            Escalation,
            Cancel,
            Terminate,
            Conditional,
            Link,
            Compensation,
        ] {
            assert_eq!(k.as_str().parse::<EventKind>(), Ok(k));
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
        }
        assert!("Message".parse::<EventKind>().is_err());
    }
}
