//! Gateways: `exclusiveGateway`, `parallelGateway`, `inclusiveGateway` and
//! `eventBasedGateway`; a `complexGateway` loads as unsupported. What a
//! gateway chooses is decided at run time (`runtime/step.rs`,
//! `runtime/joins.rs`); its `default` flow is resolved in `flows.rs`.

use super::pending::{PendingKind, unsupported};
use super::xml::Element;
use crate::model::NodeKind;

/// The kind of gateway `el`; `None` when `el` is not a gateway.
pub(super) fn kind(el: &Element) -> Option<PendingKind<'static>> {
    Some(match el.local.as_str() {
        "exclusiveGateway" => PendingKind::Ready(NodeKind::ExclusiveGateway),
        "parallelGateway" => PendingKind::Ready(NodeKind::ParallelGateway),
        "inclusiveGateway" => PendingKind::Ready(NodeKind::InclusiveGateway),
        "eventBasedGateway" => PendingKind::Ready(NodeKind::EventBasedGateway),
        "complexGateway" => unsupported(el.local.clone()),
        _ => return None,
    })
}
