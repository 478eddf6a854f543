//! `itemDefinition` elements → [`ItemDefinition`]s.

use super::file_cx::FileCx;
use crate::model::dmn::{FunctionItem, ItemDefinition};
use crate::parser::xml::Element;

/// Reads an `itemDefinition` or `itemComponent` and its components.
pub(crate) fn parse(el: &Element) -> ItemDefinition {
    let text_of = |name: &str| FileCx::child(el, name).map(|c| c.text.trim().to_string());
    ItemDefinition {
        name: el.attr("name").unwrap_or_default().to_string(),
        type_ref: text_of("typeRef")
            .filter(|t| !t.is_empty())
            .or_else(|| el.attr("typeRef").map(str::to_string)),
        is_collection: el.attr("isCollection") == Some("true"),
        components: FileCx::children(el, "itemComponent").map(parse).collect(),
        allowed_values: FileCx::child(el, "allowedValues")
            .and_then(|a| FileCx::child(a, "text"))
            .map(|t| t.text.trim().to_string()),
        function: FileCx::child(el, "functionItem").map(|f| FunctionItem {
            parameters: FileCx::children(f, "parameters")
                .map(|p| {
                    (
                        p.attr("name").unwrap_or_default().to_string(),
                        p.attr("typeRef").map(str::to_string),
                    )
                })
                .collect(),
            output: f.attr("outputTypeRef").map(str::to_string),
        }),
    }
}
