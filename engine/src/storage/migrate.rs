//! Format versions of state files and the migration chain.
//!
//! A file is read into a generic value, checked for its version, migrated
//! step by step up to [`CURRENT_VERSION`], and only then read as the current
//! structure. A change to the format adds a version and a step here, and the
//! checked-in fixture of version 1 (`tests/fixtures/state/v1.json`) must
//! keep loading.

use serde_json::Value;

/// The format name written in every state file.
pub const FORMAT: &str = "bpmn-runner-state";

/// The version this build writes.
pub const CURRENT_VERSION: u64 = 2;

/// Why a document cannot be read as a state file of the current version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MigrateError {
    /// The document's top level is not an object.
    #[error("not a bpmn-runner state file (the top level is not an object)")]
    NotAnObject,
    /// The document does not say it is a bpmn-runner state file.
    #[error("not a bpmn-runner state file (no \"format\": \"{}\")", FORMAT)]
    NotAStateFile,
    /// The document has no version number.
    #[error("the state file has no valid \"version\"")]
    NoVersion,
    /// A newer bpmn-runner wrote the file.
    #[error(
        "the state file is format version {version}, written by a newer bpmn-runner; this one reads versions up to {} (upgrade bpmn-runner)",
        CURRENT_VERSION
    )]
    Newer {
        /// The file's version.
        version: u64,
    },
    /// Version 0, which no bpmn-runner ever wrote.
    #[error("the state file has version 0, which never existed")]
    VersionZero,
    /// A migration step failed on a document of `from`.
    #[error("cannot migrate from version {from}: {reason}")]
    Step {
        /// The version the step starts from.
        from: u64,
        /// What the document lacks.
        reason: &'static str,
    },
}

/// One migration: turns a document of version `from` into `from + 1`, or
/// says what it lacks.
type Step = fn(&mut Value) -> Result<(), &'static str>;

/// `STEPS[i]` migrates version `i + 1` to `i + 2`.
const STEPS: &[Step] = &[v1_to_v2];

/// Version 2 gave the runtime state owners: the new tables (fired events,
/// cancellations, clock changes, compensation runs, data object writes…)
/// default to empty, and a body a reset removed is `null` instead of a
/// scope without a task that is not top-level.
fn v1_to_v2(doc: &mut Value) -> Result<(), &'static str> {
    let Some(scopes) = doc
        .get_mut("instance")
        .and_then(|i| i.get_mut("scopes"))
        .and_then(Value::as_array_mut)
    else {
        return Err("the instance has no scopes");
    };
    for s in scopes {
        let removed = s.get("parent_task").is_some_and(Value::is_null)
            && s.get("depth").and_then(Value::as_u64).unwrap_or(0) > 0;
        if removed {
            *s = Value::Null;
        }
    }
    Ok(())
}

/// Checks the header of `doc` and migrates it to the current version.
pub fn migrate(doc: &mut Value) -> Result<(), MigrateError> {
    let Some(obj) = doc.as_object() else {
        return Err(MigrateError::NotAnObject);
    };
    if obj.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(MigrateError::NotAStateFile);
    }
    let Some(version) = obj.get("version").and_then(Value::as_u64) else {
        return Err(MigrateError::NoVersion);
    };
    if version > CURRENT_VERSION {
        return Err(MigrateError::Newer { version });
    }
    if version == 0 {
        return Err(MigrateError::VersionZero);
    }
    for v in version..CURRENT_VERSION {
        STEPS[(v - 1) as usize](doc).map_err(|reason| MigrateError::Step { from: v, reason })?;
        doc["version"] = Value::from(v + 1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refuses_foreign_and_newer_documents() {
        assert!(
            migrate(&mut json!([1]))
                .unwrap_err()
                .to_string()
                .contains("not a bpmn-runner state file")
        );
        assert!(
            migrate(&mut json!({"format": "x"}))
                .unwrap_err()
                .to_string()
                .contains("not a bpmn-runner")
        );
        let mut newer = json!({"format": FORMAT, "version": CURRENT_VERSION + 1});
        assert!(
            migrate(&mut newer)
                .unwrap_err()
                .to_string()
                .contains("newer bpmn-runner")
        );
        assert!(
            STEPS.len() as u64 == CURRENT_VERSION - 1,
            "one step per older version"
        );
    }
}
