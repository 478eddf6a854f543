//! The state file: header, embedded sources, what was started, and the
//! instance snapshot; read and written as JSON or RON by file extension.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::json_layout;
use super::migrate::{self, CURRENT_VERSION, FORMAT, MigrateError};
use super::nesting;
use crate::atomic::write_atomic;
use crate::diagnostic::{Diagnostic, Severity, io_reason};
use crate::runtime::{EngineLimits, InstanceSnapshot, RestoreError, Specs, Workflow};

/// What an instance was started from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A process, by id (`bpmn run -p`).
    Process(String),
    /// A collaboration, by id (`bpmn run -c`).
    Collaboration(String),
}

/// [`Origin`] as written in the file. A struct, not an enum: RON writes enum
/// variants in a form that a format-neutral reader (needed for migrations)
/// cannot tell apart from a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct StartRow {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    process: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    collaboration: Option<String>,
}

impl From<&Origin> for StartRow {
    fn from(o: &Origin) -> Self {
        match o {
            Origin::Process(p) => StartRow {
                process: Some(p.clone()),
                collaboration: None,
            },
            Origin::Collaboration(c) => StartRow {
                process: None,
                collaboration: Some(c.clone()),
            },
        }
    }
}

impl StartRow {
    fn origin(&self) -> Result<Origin, StateFileError> {
        match (&self.process, &self.collaboration) {
            (Some(p), None) => Ok(Origin::Process(p.clone())),
            (None, Some(c)) => Ok(Origin::Collaboration(c.clone())),
            _ => Err(StateFileError::Invalid(
                "\"start\" must name one process or one collaboration".into(),
            )),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Process(p) => write!(f, "process {p}"),
            Origin::Collaboration(c) => write!(f, "collaboration {c}"),
        }
    }
}

/// A loaded file embedded in the state.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
struct Source {
    path: String,
    text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StateFile {
    format: String,
    version: u64,
    start: StartRow,
    /// The BPMN files the instance runs, embedded once.
    sources: Vec<Source>,
    /// The DMN files its business rule tasks use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    dmn: Vec<Source>,
    /// The expression dialect chosen on the command line, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dialect: Option<String>,
    instance: InstanceSnapshot,
}

/// File formats, chosen by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.json`: JSON, the default.
    Json,
    /// `.ron`: Rusty Object Notation.
    Ron,
}

impl Format {
    /// The format for `path`'s extension.
    pub fn of(path: &Path) -> Result<Format, StateError> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("json") => Ok(Format::Json),
            Some("ron") => Ok(Format::Ron),
            _ => Err(StateError::new(path, StateFileError::Extension)),
        }
    }
}

/// A state file that could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {error}", path.display())]
pub struct StateError {
    /// The state file.
    pub path: PathBuf,
    /// What went wrong and what to do about it.
    #[source]
    pub error: StateFileError,
}

impl StateError {
    fn new(path: &Path, error: StateFileError) -> Self {
        StateError {
            path: path.to_path_buf(),
            error,
        }
    }
}

/// Why a state could not be encoded, decoded, read or written (whatever
/// holds it: a file, or the bytes a store keeps).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateFileError {
    /// The file name has neither extension a format is chosen by.
    #[error("a state file name must end in .json or .ron")]
    Extension,
    /// The file could not be read: `no such file (check the path)`, or what
    /// the operating system said.
    #[error("cannot read the state file: {0}")]
    Read(String),
    /// The file could not be written (what the operating system said).
    #[error("could not save the state: {0}; the previous file, if any, is unchanged")]
    Write(String),
    /// The instance fails the checks a load runs, so saving it would write
    /// what could not be loaded again.
    #[error("cannot encode the state: the instance is inconsistent ({0}), so it is not saved")]
    Inconsistent(String),
    /// The serializer refused the state (its message).
    #[error("cannot encode the state: {0}")]
    Encode(String),
    /// The encoded state nests deeper than a state file may.
    #[error(
        "cannot encode the state: the state nests {depth} levels deep, more than a state file may ({max}), so it is not saved"
    )]
    TooDeep {
        /// How deep the encoded state nests.
        depth: usize,
        /// How deep a state file may nest.
        max: usize,
    },
    /// The bytes are not a state file of a version this build reads
    /// (what the reader said, with line and column where it knows them).
    #[error("not a valid state file: {0}")]
    Invalid(String),
    /// The file's version cannot be migrated to the current one.
    #[error(transparent)]
    Migrate(#[from] MigrateError),
    /// A diagram embedded in the state does not load any more.
    // Without the diagnostic's own `error:`: this message is one line
    // that a caller prefixes with its own.
    #[error("the embedded diagram does not load: {}", .0.unprefixed())]
    Diagram(Box<Diagnostic>),
    /// The saved instance does not fit its diagrams.
    #[error("the saved instance is inconsistent: {0}")]
    Restore(#[from] RestoreError),
}

/// The bytes of the state file for `wf` in `format`. An instance that
/// fails its invariant checks (the same checks loading runs) is refused:
/// no state is written that could not be loaded again.
pub fn save_bytes(
    wf: &Workflow,
    origin: &Origin,
    format: Format,
) -> Result<Vec<u8>, StateFileError> {
    wf.check_invariants()
        .map_err(StateFileError::Inconsistent)?;
    let file = StateFile {
        format: FORMAT.into(),
        version: CURRENT_VERSION,
        start: origin.into(),
        sources: wf
            .specs()
            .model()
            .files
            .iter()
            .map(|f| Source {
                path: f.path.display().to_string(),
                text: f.text.to_string(),
            })
            .collect(),
        dmn: wf
            .specs()
            .dmn_files()
            .iter()
            .map(|f| Source {
                path: f.path.display().to_string(),
                text: f.text.to_string(),
            })
            .collect(),
        dialect: wf.specs().options().dialect.map(|d| d.to_string()),
        instance: wf.snapshot(),
    };
    let bytes = match format {
        // Depth 3 puts each task row on its own line.
        Format::Json => {
            json_layout::to_vec(&file, 3).map_err(|e| StateFileError::Encode(e.to_string()))
        }
        Format::Ron => {
            let cfg = ron::ser::PrettyConfig::new().depth_limit(3);
            nesting::ron_options()
                .to_string_pretty(&file, cfg)
                .map(|mut s| {
                    s.push('\n');
                    s.into_bytes()
                })
                .map_err(|e| StateFileError::Encode(e.to_string()))
        }
    }?;
    // The engine keeps data shallow enough; this is the backstop that keeps
    // a save from writing what a load would refuse.
    let depth = nesting::bracket_depth(&bytes);
    if depth > nesting::MAX_FILE_DEPTH {
        return Err(StateFileError::TooDeep {
            depth,
            max: nesting::MAX_FILE_DEPTH,
        });
    }
    Ok(bytes)
}

/// Saves `wf` to `path` atomically; on failure the previous file is intact.
pub fn save(path: &Path, wf: &Workflow, origin: &Origin) -> Result<(), StateError> {
    let format = Format::of(path)?;
    let bytes = save_bytes(wf, origin, format).map_err(|e| StateError::new(path, e))?;
    write_atomic(path, &bytes)
        .map_err(|e| StateError::new(path, StateFileError::Write(e.to_string())))
}

/// Loads a state file: checks and migrates its version, rebuilds the specs
/// from the embedded sources and restores the instance. Never modifies the file.
pub fn load(path: &Path) -> Result<(Workflow, Origin), StateError> {
    load_limited(path, &EngineLimits::default())
}

/// [`load`] with the limits the restored instance runs under.
pub fn load_limited(path: &Path, limits: &EngineLimits) -> Result<(Workflow, Origin), StateError> {
    let format = Format::of(path)?;
    let cannot_read =
        |e: std::io::Error| StateError::new(path, StateFileError::Read(io_reason(&e)));
    if format == Format::Json {
        // A file of this version is read as it streams from the disk: the
        // restore then holds little more than the instance it rebuilds.
        let open = || {
            std::fs::File::open(path)
                .map(std::io::BufReader::new)
                .map_err(cannot_read)
        };
        if is_current(serde_json::from_reader::<_, Header>(open()?).ok()) {
            let file = serde_json::from_reader::<_, StateFile>(open()?)
                .map_err(|e| StateError::new(path, StateFileError::Invalid(e.to_string())))?;
            return restore_file(file, limits).map_err(|e| StateError::new(path, e));
        }
    }
    let bytes = std::fs::read(path).map_err(cannot_read)?;
    load_bytes_limited(&bytes, format, limits).map_err(|e| StateError::new(path, e))
}

/// What a state file says of itself, read before the rest.
#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    version: Option<u64>,
}

/// Whether `header` is that of a file this build writes: such a file is
/// read straight into its structures; any other goes through the generic
/// path that migrates old versions and explains what is wrong.
fn is_current(header: Option<Header>) -> bool {
    header
        .is_some_and(|h| h.format.as_deref() == Some(FORMAT) && h.version == Some(CURRENT_VERSION))
}

/// Restores an instance from the bytes of a state file in `format`.
pub fn load_bytes(bytes: &[u8], format: Format) -> Result<(Workflow, Origin), StateFileError> {
    load_bytes_limited(bytes, format, &EngineLimits::default())
}

/// [`load_bytes`] with the limits the restored instance runs under.
pub fn load_bytes_limited(
    bytes: &[u8],
    format: Format,
    limits: &EngineLimits,
) -> Result<(Workflow, Origin), StateFileError> {
    load_bytes_with(bytes, format, limits, None)
}

/// [`load_bytes_limited`] reusing the specs of `cache` when the state
/// embeds sources it has seen: a worker restoring many instances of a few
/// specs parses each spec once, not once per instance.
pub fn load_bytes_cached(
    bytes: &[u8],
    format: Format,
    cache: &mut SpecsCache,
) -> Result<(Workflow, Origin), StateFileError> {
    let limits = cache.limits;
    load_bytes_with(bytes, format, &limits, Some(cache))
}

fn load_bytes_with(
    bytes: &[u8],
    format: Format,
    limits: &EngineLimits,
    cache: Option<&mut SpecsCache>,
) -> Result<(Workflow, Origin), StateFileError> {
    let current = match format {
        Format::Json => serde_json::from_slice::<Header>(bytes).ok(),
        Format::Ron => std::str::from_utf8(bytes)
            .ok()
            .and_then(|t| nesting::ron_options().from_str::<Header>(t).ok()),
    };
    if is_current(current) {
        let file: StateFile = match format {
            Format::Json => {
                serde_json::from_slice(bytes).map_err(|e| StateFileError::Invalid(e.to_string()))?
            }
            Format::Ron => nesting::ron_options()
                .from_str(std::str::from_utf8(bytes).unwrap_or_default())
                .map_err(|e| StateFileError::Invalid(e.to_string()))?,
        };
        return restore_file_with(file, limits, cache);
    }
    // An older version (or not a state file at all): read generically,
    // migrate, then read as the current structure.
    let mut doc: Value = match format {
        Format::Json => serde_json::from_slice(bytes).map_err(|e| {
            StateFileError::Invalid(format!(
                "JSON error at line {} column {}: {e}",
                e.line(),
                e.column()
            ))
        })?,
        Format::Ron => {
            let text = std::str::from_utf8(bytes)
                .map_err(|e| StateFileError::Invalid(format!("not UTF-8: {e}")))?;
            nesting::ron_options()
                .from_str(text)
                .map_err(|e| StateFileError::Invalid(format!("RON error at {e}")))?
        }
    };
    migrate::migrate(&mut doc)?;
    let file: StateFile =
        serde_json::from_value(doc).map_err(|e| StateFileError::Invalid(e.to_string()))?;
    restore_file_with(file, limits, cache)
}

/// What a state embeds to build its specs from: BPMN and DMN files and
/// the dialect.
type SourcesKey = (Vec<Source>, Vec<Source>, Option<String>);

/// Specs built from the sources embedded in states, kept for the next
/// state that embeds the same ones ([`load_bytes_cached`]). Holds at most
/// [`SpecsCache::CAPACITY`] specs; a full cache starts over.
#[derive(Debug)]
pub struct SpecsCache {
    limits: EngineLimits,
    specs: std::collections::HashMap<SourcesKey, std::sync::Arc<Specs>>,
}

impl SpecsCache {
    /// How many distinct specs are kept.
    pub const CAPACITY: usize = 64;

    /// An empty cache; the specs it builds run under `limits`.
    pub fn new(limits: EngineLimits) -> SpecsCache {
        SpecsCache {
            limits,
            specs: std::collections::HashMap::new(),
        }
    }

    /// How many specs it holds.
    pub fn len(&self) -> usize {
        self.specs.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }
}

/// The specs `file` embeds, from `cache` when it has them. Takes the
/// embedded sources out of `file` (they are the cache's key; nothing reads
/// them after).
fn specs_of_file(
    file: &mut StateFile,
    limits: &EngineLimits,
    cache: Option<&mut SpecsCache>,
) -> Result<std::sync::Arc<Specs>, StateFileError> {
    let key: SourcesKey = (
        std::mem::take(&mut file.sources),
        std::mem::take(&mut file.dmn),
        file.dialect.take(),
    );
    if let Some(specs) = cache.as_ref().and_then(|c| c.specs.get(&key)) {
        return Ok(specs.clone());
    }
    let dialect = match &key.2 {
        Some(d) => Some(
            d.parse::<crate::model::Dialect>()
                .map_err(StateFileError::Invalid)?,
        ),
        None => None,
    };
    let bytes = |files: &[Source]| -> Vec<(PathBuf, Vec<u8>)> {
        files
            .iter()
            .map(|s| (PathBuf::from(&s.path), s.text.clone().into_bytes()))
            .collect()
    };
    let specs = Specs::from_all_sources_limited(
        bytes(&key.0),
        bytes(&key.1),
        &crate::parser::LoadOptions { dialect },
        limits,
    );
    if let Some(cache) = cache {
        if cache.specs.len() >= SpecsCache::CAPACITY {
            cache.specs.clear();
        }
        cache.specs.insert(key, specs.clone());
    }
    Ok(specs)
}

/// Rebuilds the specs from the sources embedded in `file` and restores its
/// instance.
fn restore_file(
    file: StateFile,
    limits: &EngineLimits,
) -> Result<(Workflow, Origin), StateFileError> {
    restore_file_with(file, limits, None)
}

/// [`restore_file`] with the specs from `cache` when it has them.
fn restore_file_with(
    mut file: StateFile,
    limits: &EngineLimits,
    cache: Option<&mut SpecsCache>,
) -> Result<(Workflow, Origin), StateFileError> {
    let specs = specs_of_file(&mut file, limits, cache)?;
    let origin = file.start.origin()?;
    let processes: Vec<String> = match &origin {
        Origin::Process(p) => vec![p.clone()],
        Origin::Collaboration(c) => specs.model().collaboration_processes(c),
    };
    let file_errors = specs
        .diagnostics()
        .iter()
        .filter(|d| d.severity == Severity::Error && d.process.is_none())
        .cloned();
    let problems: Vec<_> = file_errors
        .chain(processes.iter().flat_map(|p| specs.problems_for(p)))
        .collect();
    if let Some(d) = problems.first() {
        return Err(StateFileError::Diagram(Box::new(d.clone())));
    }
    let wf = Workflow::restore(specs, &file.instance)?;
    Ok((wf, origin))
}
