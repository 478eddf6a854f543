//! What FEEL and `invocation` elements can call by name, beyond the
//! built-ins: business knowledge models and decision services, each
//! belonging to a model (namespace). An expression names those of its own
//! model plainly and those of a model its file imports with the import's
//! name as prefix (`myimport.Say Hello`). This file resolves names to
//! them; invoking a model evaluates its body, which is logic like any
//! other, so that lives in `logic` (`invoke`), and invoking a service
//! evaluates decisions, which lives in `decisions`.

use std::collections::HashMap;

use super::compiled::{CKnowledge, CService};
use crate::model::dmn::DmnModel;
use crate::parser::dmn::namespace_of;

/// A thing that can be called by name.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Callable<'a> {
    Knowledge(&'a CKnowledge),
    /// A decision service and its index.
    Service(usize, &'a CService),
}

#[derive(Debug, Clone, Copy)]
enum Target {
    Knowledge(usize),
    Service(usize),
}

/// The loaded knowledge models and decision services, by model and name.
#[derive(Debug, Default)]
pub(crate) struct Knowledge {
    models: Vec<CKnowledge>,
    services: Vec<CService>,
    by_name: HashMap<(String, String), Target>,
    /// Each file's namespace.
    namespaces: Vec<String>,
    /// Each file's imports: (prefix, namespace).
    imports: Vec<Vec<(String, String)>>,
}

impl Knowledge {
    pub fn new(model: &DmnModel, models: Vec<CKnowledge>, services: Vec<CService>) -> Knowledge {
        let namespaces: Vec<String> = (0..model.files.len() as u32)
            .map(|f| namespace_of(model, f).to_string())
            .collect();
        let ns = |file: u32| namespaces.get(file as usize).cloned().unwrap_or_default();
        let mut by_name = HashMap::new();
        for (i, m) in models.iter().enumerate() {
            by_name
                .entry((ns(m.file), m.name.clone()))
                .or_insert(Target::Knowledge(i));
        }
        for (i, s) in services.iter().enumerate() {
            by_name
                .entry((ns(s.file), s.name.clone()))
                .or_insert(Target::Service(i));
        }
        let imports = model
            .definitions
            .iter()
            .map(|d| {
                d.imports
                    .iter()
                    .map(|i| (i.name.clone(), i.namespace.clone()))
                    .collect()
            })
            .collect();
        Knowledge {
            models,
            services,
            by_name,
            namespaces,
            imports,
        }
    }

    fn target(&self, t: Target) -> Callable<'_> {
        match t {
            Target::Knowledge(i) => Callable::Knowledge(&self.models[i]),
            Target::Service(i) => Callable::Service(i, &self.services[i]),
        }
    }

    /// What `name` calls in an expression of file `file`: an element of
    /// the file's own model, else of an imported model when `name` starts
    /// with the import's name and a dot, else (for files that import
    /// nothing, as older models load side by side) one of any model.
    pub fn resolve(&self, file: u32, name: &str) -> Option<Callable<'_>> {
        let own = self
            .namespaces
            .get(file as usize)
            .cloned()
            .unwrap_or_default();
        if let Some(&t) = self.by_name.get(&(own, name.to_string())) {
            return Some(self.target(t));
        }
        let imports = self.imports.get(file as usize);
        for (prefix, ns) in imports.into_iter().flatten() {
            if let Some(rest) = name
                .strip_prefix(prefix.as_str())
                .and_then(|r| r.strip_prefix('.'))
            {
                if let Some(&t) = self.by_name.get(&(ns.clone(), rest.to_string())) {
                    return Some(self.target(t));
                }
            }
        }
        self.by_name
            .iter()
            .filter(|((_, n), _)| n == name)
            .map(|(_, &t)| t)
            .min_by_key(|t| match t {
                Target::Knowledge(i) => (0, *i),
                Target::Service(i) => (1, *i),
            })
            .map(|t| self.target(t))
    }

    /// The decision service named `name` (in any model; the first loaded
    /// wins), for test cases that invoke one directly.
    pub fn service(&self, name: &str) -> Option<(usize, &CService)> {
        self.services
            .iter()
            .enumerate()
            .find(|(_, s)| s.name == name)
    }

    /// Decision service `i`.
    pub fn service_at(&self, i: usize) -> Option<(usize, &CService)> {
        self.services.get(i).map(|s| (i, s))
    }

    /// Each file's namespace and its imports (prefix, namespace).
    pub fn imports_of(&self, file: u32) -> (&str, &[(String, String)]) {
        (
            self.namespaces
                .get(file as usize)
                .map_or("", String::as_str),
            self.imports.get(file as usize).map_or(&[], Vec::as_slice),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dmn::{Definitions, Import};
    use crate::model::{SourceFile, SourcePos};

    fn file(name: &str) -> SourceFile {
        SourceFile {
            path: name.into(),
            text: "".into(),
            dialect: None,
            spiff_extensions: false,
        }
    }

    fn bkm(name: &str, file: u32) -> CKnowledge {
        CKnowledge {
            name: name.into(),
            file,
            parameters: Vec::new(),
            parameter_types: Vec::new(),
            output_type: None,
            body: Err("test".into()),
        }
    }

    #[test]
    fn names_resolve_in_own_model_then_through_imports() {
        let model = DmnModel {
            files: vec![file("main.dmn"), file("lib.dmn")],
            definitions: vec![
                Definitions {
                    namespace: "urn:main".into(),
                    name: "main".into(),
                    imports: vec![Import {
                        namespace: "urn:lib".into(),
                        name: "lib".into(),
                        location: None,
                        pos: SourcePos::default(),
                    }],
                },
                Definitions {
                    namespace: "urn:lib".into(),
                    name: "lib".into(),
                    imports: Vec::new(),
                },
            ],
            ..DmnModel::default()
        };
        let k = Knowledge::new(
            &model,
            vec![bkm("Greet", 1), bkm("Local", 0), bkm("Greet", 0)],
            Vec::new(),
        );
        let file_of = |c: Option<Callable<'_>>| match c {
            Some(Callable::Knowledge(m)) => Some(m.file),
            _ => None,
        };
        assert_eq!(file_of(k.resolve(0, "Greet")), Some(0));
        assert_eq!(file_of(k.resolve(0, "lib.Greet")), Some(1));
        assert_eq!(file_of(k.resolve(1, "Greet")), Some(1));
        assert_eq!(file_of(k.resolve(0, "lib.Nothing")), None);
        // Not imported by lib, but found by name as before imports existed.
        assert_eq!(file_of(k.resolve(1, "Local")), Some(0));
    }
}
