//! `itemDefinition`s: the named types of a DMN model, as written.

/// An `itemDefinition` (or one of its `itemComponent`s).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemDefinition {
    /// The type's name (a component's entry name).
    pub name: String,
    /// `typeRef`: a FEEL type or another item definition, as written.
    pub type_ref: Option<String>,
    /// `isCollection`: a list of the type described.
    pub is_collection: bool,
    /// The `itemComponent`s: the entries of a structure.
    pub components: Vec<ItemDefinition>,
    /// The text of `allowedValues` (FEEL unary tests).
    pub allowed_values: Option<String>,
    /// A `functionItem`: the parameter types (by name) and output type.
    pub function: Option<FunctionItem>,
}

/// A `functionItem`: the signature of a function type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FunctionItem {
    /// The parameters: name and `typeRef`.
    pub parameters: Vec<(String, Option<String>)>,
    /// `outputTypeRef`.
    pub output: Option<String>,
}
