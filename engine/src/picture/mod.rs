//! Pictures of processes: SVG drawings of the diagrams, with an
//! instance's states — or the coverage of a set of test scenarios — laid
//! over them.
//!
//! - [`Diagram`](crate::model::Diagram)s come from the files' BPMN DI
//!   (`parser/diagram.rs`) or, for a process without one, from the
//!   layered layout in `layout.rs`.
//! - An [`Overlay`] says, per element id, what happened there: the state
//!   to colour a flow node with and how many times it ran, how many times
//!   each sequence flow was taken (`overlay.rs` reads it off an instance).
//! - [`svg()`] draws diagrams and an overlay as one self-contained SVG
//!   (text only, no fonts or scripts needed): `shapes.rs` holds the BPMN
//!   symbols, `markers.rs` their icons, `edges.rs` the lines, `paint.rs`
//!   the overlay's colours, `text.rs` escaping and wrapping; [`Page`]
//!   (`html.rs`) wraps a picture with tables into one HTML page.
//!
//! Nothing here reads a terminal or a file: callers write the strings.

mod edges;
mod html;
mod instance;
mod layout;
mod markers;
mod overlay;
mod paint;
mod shapes;
mod svg;
mod text;

#[cfg(test)]
mod tests;

pub use html::{Page, Section, SectionBody};
pub use instance::{InstancePicture, diagrams_of};
pub use layout::{layout_collaboration, layout_process, missing_layouts};
pub use overlay::{ElementKey, NodeMark, Overlay, OverlayStyle};
pub use svg::svg;
