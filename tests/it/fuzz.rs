//! Mutation fuzzing of what bpmn-runner reads from outside: the BPMN parser
//! (`Specs::from_sources`), DMN files (`dmn::Decisions`, also read as
//! SpiffWorkflow reads them, with Python cells), FEEL
//! expressions and unary tests (inside a small DMN document, since FEEL has
//! no public entry of its own) and the state loader (`storage::load_bytes`).
//!
//! Seeds are real inputs: every BPMN and DMN file of the repository, every
//! FEEL text of the DMN files, and state files made at test time by running
//! fixtures to a waiting point. Each case mutates one seed a few times (bit
//! flips, deletions, inserted brackets and quotes, splices from another seed,
//! truncation, a duplicated range for deep nesting, and mutations that keep
//! the syntax so the checks behind it run: a word or a number swapped, a
//! line deleted or repeated); hand-made hostile shapes (brackets 10,000
//! deep, operator chains of 100,000) run as well. Every call must return,
//! `Ok` or `Err`, without panicking and within [`TIME_BOUND`]; a state that
//! loads must save and load again.
//!
//! Bounded and reproducible for CI: `BPMN_FUZZ_CASES` cases per target
//! (`bpmn`, `dmn`, `feel`, `state`; default [`DEFAULT_CASES`]), from the
//! fixed seed [`DEFAULT_SEED`] unless `BPMN_FUZZ_SEED` gives another. To
//! fuzz longer:
//!
//! ```sh
//! BPMN_FUZZ_CASES=100000 cargo test --release --test it fuzz::
//! BPMN_FUZZ_CASES=100000 BPMN_FUZZ_SEED=7 cargo test --release --test it fuzz::
//! ```
//!
//! A failure names the target, the (shrunk) mutations, the input (cut
//! short) and a file under `target/tmp/fuzz-failures/` holding the whole
//! input. A stack overflow aborts the process instead (the message names
//! the `fuzz-<target>` thread): rerun with `BPMN_FUZZ_LAST=1` and that
//! target's last input is in `target/tmp/fuzz-last-<target>.bin`.

use crate::support;

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, mpsc};
use std::time::{Duration, Instant};

use bpmn_engine::dmn::{Decisions, PythonHint};
use bpmn_engine::model::Dialect;
use bpmn_engine::parser::LoadOptions;
use bpmn_engine::storage::{self, Format, Origin};
use bpmn_engine::{Severity, Specs, Workflow};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_json::{Map, Value, json};

/// Cases per target when `BPMN_FUZZ_CASES` is not set: the whole file then
/// runs in about 5 s in the debug test profile on 2 cores (20,000: 50 s).
const DEFAULT_CASES: u32 = 2_000;
/// The seed when `BPMN_FUZZ_SEED` is not set, so CI runs are reproducible.
const DEFAULT_SEED: u64 = 0x19_f022;
/// How much CPU time one input may take (generous: a 2-core CI machine,
/// debug). CPU time of the thread that checks it, not wall time: these tests
/// share their binary, and so the machine, with the rest of the suite, and
/// the bound is about the input's cost, not about who else runs.
const TIME_BOUND: Duration = Duration::from_secs(2);
/// How long to wait for an input before calling it a hang.
const HANG: Duration = Duration::from_secs(30);
/// Mutated inputs are cut to this size.
const MAX_LEN: usize = 4 << 20;
/// Bytes that open, close or quote structure in XML, JSON, RON and FEEL.
const STRUCTURAL: &[u8] = b"<>\"{[()]}\\";

// ---------------------------------------------------------------- harness

/// One seed: its bytes and what it is (a state's format; unused elsewhere).
#[derive(Clone)]
struct Seed {
    bytes: Vec<u8>,
    tag: u8,
}

/// What one target checks on one input: `Err` is a broken property,
/// `Ok(true)` an input the library accepted (no error), `Ok(false)` one it
/// refused cleanly.
type Check = fn(&[u8], u8, u8) -> Result<bool, String>;

fn cases_per_target() -> u32 {
    std::env::var("BPMN_FUZZ_CASES")
        .ok()
        .map(|v| v.trim().parse().expect("BPMN_FUZZ_CASES is a number"))
        .unwrap_or(DEFAULT_CASES)
}

fn base_seed() -> u64 {
    std::env::var("BPMN_FUZZ_SEED")
        .ok()
        .map(|v| v.trim().parse().expect("BPMN_FUZZ_SEED is a number"))
        .unwrap_or(DEFAULT_SEED)
}

/// Targets that hung: their later cases pass at once, so shrinking does not
/// pile up more hung threads and the hanging input is the one reported.
static HUNG: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());

/// The CPU time the calling thread has used.
#[cfg(unix)]
fn thread_cpu_time() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec it is given.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(ok, 0, "the thread CPU clock is readable");
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// Elsewhere, wall time since the first call stands in for CPU time.
#[cfg(not(unix))]
fn thread_cpu_time() -> Duration {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    EPOCH.get_or_init(Instant::now).elapsed()
}

/// Runs `check` on `input` in its own thread: `Err` describes a panic, an
/// input slower than [`TIME_BOUND`], a hang or a broken property, with the
/// input (cut short, and whole in a file under target/).
fn run_case(
    target: &'static str,
    check: Check,
    input: Vec<u8>,
    tag: u8,
    variant: u8,
) -> Result<bool, String> {
    if HUNG.lock().unwrap().contains(target) {
        return Ok(false);
    }
    if std::env::var_os("BPMN_FUZZ_LAST").is_some() {
        // A stack overflow aborts the process: this file names its input.
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let _ = std::fs::write(dir.join(format!("fuzz-last-{target}.bin")), &input);
    }
    let (tx, rx) = mpsc::channel();
    let shared = std::sync::Arc::new(input);
    let bytes = shared.clone();
    std::thread::Builder::new()
        .name(format!("fuzz-{target}"))
        .spawn(move || {
            let start = thread_cpu_time();
            let outcome = catch_unwind(AssertUnwindSafe(|| check(&bytes, tag, variant)));
            let _ = tx.send((outcome, thread_cpu_time().saturating_sub(start)));
        })
        .expect("spawn a fuzz thread");
    let problem = match rx.recv_timeout(HANG) {
        Ok((Ok(Ok(accepted)), took)) if took <= TIME_BOUND => return Ok(accepted),
        Ok((Ok(Ok(_)), took)) => format!("took {took:.2?} of CPU, more than {TIME_BOUND:?}"),
        Ok((Ok(Err(broken)), took)) => format!("{broken} (after {took:.2?})"),
        Ok((Err(panic), took)) => {
            let what = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("a non-string payload");
            format!("panicked after {took:.2?}: {what}")
        }
        Err(_) => {
            HUNG.lock().unwrap().insert(target);
            format!("still running after {HANG:?} (a hang)")
        }
    };
    Err(report(target, &shared, tag, variant, &problem))
}

/// The failure message, after writing the whole input to a file.
fn report(target: &str, input: &[u8], tag: u8, variant: u8, problem: &str) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
    let hash = input.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let file = dir.join(format!("{target}-{hash:016x}.bin"));
    let saved = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&file, input))
        .map(|()| format!("whole input in {}", file.display()))
        .unwrap_or_else(|e| format!("could not write {}: {e}", file.display()));
    let shown: String = input[..input.len().min(600)].escape_ascii().to_string();
    format!(
        "fuzz target {target} (tag {tag}, variant {variant}): {problem}\n\
         input ({} bytes; {saved}):\n{shown}{}",
        input.len(),
        if input.len() > 600 { "…" } else { "" }
    )
}

/// Runs one hand-made input; panics with the report when it fails.
fn run_shape(target: &'static str, check: Check, input: Vec<u8>, tag: u8, variant: u8) {
    let started = Instant::now();
    let size = input.len();
    match run_case(target, check, input, tag, variant) {
        Ok(accepted) => eprintln!(
            "fuzz: {target} shape of {size} bytes: {} in {:.1?}",
            if accepted { "accepted" } else { "refused" },
            started.elapsed()
        ),
        Err(report) => panic!("{report}"),
    }
}

/// One mutation; offsets are taken modulo the input's length.
#[derive(Debug, Clone)]
enum Mutation {
    /// XOR a byte with a mask.
    Flip { at: u32, mask: u8 },
    /// Remove up to `len` bytes.
    Delete { at: u32, len: u16 },
    /// Insert `count` copies of a byte (mostly a structural one).
    Insert { at: u32, byte: u8, count: u8 },
    /// Replace `replace` bytes with a chunk of another seed.
    Splice {
        at: u32,
        replace: u16,
        seed: u16,
        from: u32,
        len: u16,
    },
    /// Cut the input here.
    Truncate { at: u32 },
    /// Repeat a range `times` times in place (deep nesting, long chains).
    Duplicate { at: u32, len: u16, times: u16 },
    /// Replace the word (name, id, keyword) at `at` with the word at `from`
    /// of another seed: mostly keeps the syntax, so the checks behind the
    /// syntax (references, types, indexes) get exercised.
    Word { at: u32, seed: u16, from: u32 },
    /// Replace the number at or after `at` with an interesting one.
    Number { at: u32, value: &'static str },
    /// Delete (`times` 0), or repeat `times` times, the line at `at`: a
    /// row of a state file, an element of a diagram.
    Line { at: u32, times: u8 },
}

/// Numbers that sit on the edges of indexes, counts and types.
const NUMBERS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "-1",
    "255",
    "65536",
    "2147483647",
    "4294967295",
    "4294967296",
    "9007199254740993",
    "9223372036854775807",
    "18446744073709551615",
    "99999999999999999999999",
    "1e308",
    "1e309",
    "-0",
    "0.5",
    "NaN",
];

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b >= 0x80
}

/// The word around `i` (possibly empty).
fn word_at(b: &[u8], i: usize) -> std::ops::Range<usize> {
    let mut start = i.min(b.len());
    while start > 0 && is_word(b[start - 1]) {
        start -= 1;
    }
    let mut end = i.min(b.len());
    while end < b.len() && is_word(b[end]) {
        end += 1;
    }
    start..end
}

/// The line around `i`, with its newline.
fn line_at(b: &[u8], i: usize) -> std::ops::Range<usize> {
    let i = i.min(b.len());
    let start = b[..i]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    let end = b[i..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| i + p + 1);
    start..end
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let byte = prop_oneof![
        3 => proptest::sample::select(STRUCTURAL.to_vec()),
        1 => any::<u8>(),
    ];
    prop_oneof![
        3 => (any::<u32>(), 1u8..=255).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        3 => (any::<u32>(), 1u16..64).prop_map(|(at, len)| Mutation::Delete { at, len }),
        4 => (any::<u32>(), byte, 1u8..8)
            .prop_map(|(at, byte, count)| Mutation::Insert { at, byte, count }),
        2 => (any::<u32>(), 0u16..32, any::<u16>(), any::<u32>(), 1u16..256).prop_map(
            |(at, replace, seed, from, len)| Mutation::Splice {
                at,
                replace,
                seed,
                from,
                len
            }
        ),
        1 => any::<u32>().prop_map(|at| Mutation::Truncate { at }),
        2 => (any::<u32>(), 1u16..128, 2u16..400)
            .prop_map(|(at, len, times)| Mutation::Duplicate { at, len, times }),
        5 => (any::<u32>(), any::<u16>(), any::<u32>())
            .prop_map(|(at, seed, from)| Mutation::Word { at, seed, from }),
        4 => (any::<u32>(), proptest::sample::select(NUMBERS))
            .prop_map(|(at, value)| Mutation::Number { at, value }),
        3 => (any::<u32>(), prop_oneof![2 => Just(0u8), 2 => Just(2u8), 1 => 3u8..200])
            .prop_map(|(at, times)| Mutation::Line { at, times }),
    ]
}

fn pos(at: u32, len: usize) -> usize {
    at as usize % (len + 1)
}

impl Mutation {
    fn apply(&self, b: &mut Vec<u8>, seeds: &[Seed]) {
        match *self {
            Mutation::Flip { at, mask } => {
                if !b.is_empty() {
                    let i = at as usize % b.len();
                    b[i] ^= mask;
                }
            }
            Mutation::Delete { at, len } => {
                let i = pos(at, b.len());
                let end = (i + len as usize).min(b.len());
                b.drain(i..end);
            }
            Mutation::Insert { at, byte, count } => {
                let i = pos(at, b.len());
                b.splice(i..i, std::iter::repeat_n(byte, count as usize));
            }
            Mutation::Splice {
                at,
                replace,
                seed,
                from,
                len,
            } => {
                let other = &seeds[seed as usize % seeds.len()].bytes;
                let f = pos(from, other.len());
                let chunk = &other[f..(f + len as usize).min(other.len())];
                let i = pos(at, b.len());
                let end = (i + replace as usize).min(b.len());
                b.splice(i..end, chunk.iter().copied());
            }
            Mutation::Truncate { at } => b.truncate(pos(at, b.len())),
            Mutation::Duplicate { at, len, times } => {
                let i = pos(at, b.len());
                let end = (i + len as usize).min(b.len());
                let range = b[i..end].to_vec();
                let extra = range.len() * (times as usize - 1);
                if extra > 0 && b.len() + extra <= MAX_LEN {
                    let tail = b.split_off(end);
                    for _ in 1..times {
                        b.extend_from_slice(&range);
                    }
                    b.extend_from_slice(&tail);
                }
            }
            Mutation::Word { at, seed, from } => {
                let other = &seeds[seed as usize % seeds.len()].bytes;
                let word = other[word_at(other, pos(from, other.len()))].to_vec();
                let here = word_at(b, pos(at, b.len()));
                b.splice(here, word);
            }
            Mutation::Number { at, value } => {
                let i = pos(at, b.len());
                if let Some(start) = b[i..].iter().position(u8::is_ascii_digit).map(|p| i + p) {
                    let end = b[start..]
                        .iter()
                        .position(|c| !c.is_ascii_digit())
                        .map_or(b.len(), |p| start + p);
                    b.splice(start..end, value.bytes());
                }
            }
            Mutation::Line { at, times } => {
                let line = line_at(b, pos(at, b.len()));
                let text = b[line.clone()].to_vec();
                if times == 0 {
                    b.drain(line);
                } else if b.len() + text.len() * times as usize <= MAX_LEN {
                    let end = line.end;
                    b.splice(end..end, text.repeat(times as usize - 1));
                }
            }
        }
        b.truncate(MAX_LEN);
    }
}

/// Fuzzes `check` with mutated `seeds`: `BPMN_FUZZ_CASES` cases from a
/// deterministic seed; proptest shrinks a failure to fewer mutations.
fn fuzz(target: &'static str, seeds: Vec<Seed>, check: Check) {
    assert!(!seeds.is_empty(), "{target}: no seeds");
    let cases = cases_per_target();
    let seed = base_seed();
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    for (k, b) in key[8..].iter_mut().zip(target.bytes()) {
        *k = b;
    }
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 256,
        max_shrink_time: 120_000,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &key));
    let strategy = (
        any::<u16>(),
        any::<u8>(),
        proptest::collection::vec(mutation(), 1..4),
    );
    let started = Instant::now();
    eprintln!(
        "fuzz: {target}: {cases} cases over {} seeds, BPMN_FUZZ_SEED={seed}",
        seeds.len()
    );
    let accepted = AtomicUsize::new(0);
    let result = runner.run(&strategy, |(pick, variant, mutations)| {
        let seed = &seeds[pick as usize % seeds.len()];
        let mut input = seed.bytes.clone();
        for m in &mutations {
            m.apply(&mut input, &seeds);
        }
        let ok = run_case(target, check, input, seed.tag, variant).map_err(TestCaseError::fail)?;
        accepted.fetch_add(usize::from(ok), Ordering::Relaxed);
        Ok(())
    });
    eprintln!(
        "fuzz: {target}: done in {:.1?}; {} of {cases} mutated inputs accepted, the rest refused cleanly",
        started.elapsed(),
        accepted.load(Ordering::Relaxed)
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

// ---------------------------------------------------------------- seeds

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Files ending in `ext` under `dirs` (recursively), sorted.
fn files(dirs: &[&str], ext: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, ext, out);
            } else if p.extension().is_some_and(|e| e == ext) {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for d in dirs {
        walk(&root().join(d), ext, &mut out);
    }
    out.sort();
    out
}

fn file_seeds(dirs: &[&str], ext: &str) -> Vec<Seed> {
    files(dirs, ext)
        .into_iter()
        .map(|p| Seed {
            bytes: std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
            tag: 0,
        })
        .collect()
}

fn bpmn_seeds() -> Vec<Seed> {
    file_seeds(&["tests/fixtures/bpmn", "bpmn"], "bpmn")
}

fn dmn_seeds() -> Vec<Seed> {
    file_seeds(&["tests/fixtures/dmn", "dmn"], "dmn")
}

fn unescape_xml(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Every `<text>` of the repository's DMN files (expressions and unary
/// tests), plus a few shapes the fixtures do not have.
fn feel_seeds() -> Vec<Seed> {
    let mut texts = BTreeSet::new();
    for p in files(&["tests/fixtures/dmn", "dmn"], "dmn") {
        let xml = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        for part in xml.split("<text>").skip(1) {
            if let Some((text, _)) = part.split_once("</text>") {
                texts.insert(unescape_xml(text.trim()));
            }
        }
    }
    for extra in [
        r#"if x > 3 then "big" else "small""#,
        "[1, 2, 3][item > 1]",
        r#"{a: 1, b: {c: [x, "s"]}}.b.c[1]"#,
        "x in [1..10) and not(x = 4)",
        "x between 1 and 10",
        "sum([1, 2, x]) * 2 ** 3 - -1",
        r#"date and time("2024-01-01T10:00:00Z") + duration("P1DT2H")"#,
        r#"@"2024-02-29" - @"P1Y""#,
        r#"substring("hello", 2, 3) + upper case(s)"#,
        "for i in [1, 2] return i * 2",
        "some i in [1, 2] satisfies i > 1",
        "x instance of number",
        "function(a) a + 1",
        "< 5, [1..3], >= 10, null, -",
        r#"not("a", "b")"#,
        "? > 2 and ? < 9",
        r#"string length("ünïcødé") = 7"#,
    ] {
        texts.insert(extra.to_string());
    }
    texts
        .into_iter()
        .filter(|t| !t.is_empty())
        .map(|t| Seed {
            bytes: t.into_bytes(),
            tag: 0,
        })
        .collect()
}

/// State files made now: fixtures run to a waiting point (and, for those
/// that complete, to their last answer), saved as JSON (tag 0) and RON
/// (tag 1); and the committed version-1 file, which is migrated on load.
fn state_seeds() -> &'static [Seed] {
    static SEEDS: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut out = Vec::new();
        let mut add = |wf: &Workflow, origin: &Origin, name: &str| {
            for (format, tag) in [(Format::Json, 0), (Format::Ron, 1)] {
                let bytes = storage::save_bytes(wf, origin, format)
                    .unwrap_or_else(|e| panic!("{name}: save: {e}"));
                out.push(Seed { bytes, tag });
            }
        };
        let wanted = [
            "parallel_nested_waiting",
            "call_activity_waiting",
            "collaboration_one_answered",
            "human_kinds_user_task_waits",
            "timer_cycle_two_so_far",
            "event_subprocess_keeps_process_open",
            "correlation_one_paid",
            "mi_user",
            "join_through_loop",
        ];
        let all = support::cases()
            .into_iter()
            .chain(support::event_cases())
            .chain(support::data_cases())
            .chain(support::reset_cases());
        for case in all.filter(|c| wanted.contains(&c.name.as_str())) {
            let (mut wf, origin) = support::start(&case).unwrap();
            // Stop before the last answer, so the instance still waits.
            let keep = if case.expect.status == "completed" {
                case.answers.len().saturating_sub(1)
            } else {
                case.answers.len()
            };
            let (_, error, _) = support::drive(&mut wf, &case.answers[..keep], 0, None);
            assert!(error.is_none(), "{}: {error:?}", case.name);
            add(&wf, &origin, &case.name);
        }
        // The tutorial with its decision tables, past its business rule task.
        let specs = Specs::load_all(
            &[
                root().join("bpmn/top_level.bpmn"),
                root().join("bpmn/call_activity.bpmn"),
            ],
            &[
                root().join("dmn/product_prices.dmn"),
                root().join("dmn/shipping_costs.dmn"),
            ],
            &LoadOptions::default(),
        );
        let answers: Vec<Value> = serde_json::from_slice(
            &std::fs::read(root().join("bpmn/answers/top_level.json")).unwrap(),
        )
        .unwrap();
        let mut wf = specs.start("order_product", Map::new()).unwrap();
        let (_, error, _) = support::drive(&mut wf, &answers[..4], 0, None);
        assert!(error.is_none(), "tutorial: {error:?}");
        add(&wf, &Origin::Process("order_product".into()), "tutorial");
        assert!(out.len() >= 16, "only {} state seeds", out.len());
        out.push(Seed {
            bytes: std::fs::read(root().join("tests/fixtures/state/v1.json")).unwrap(),
            tag: 0,
        });
        out
    })
}

// ---------------------------------------------------------------- checks

/// Formats every diagnostic, as `validate` does (file:line:col).
fn show(diagnostics: &[bpmn_engine::Diagnostic]) -> usize {
    diagnostics.iter().map(|d| d.to_string().len()).sum()
}

/// BPMN: load the file (variant picks the default dialect) and format
/// every diagnostic.
fn check_bpmn(input: &[u8], _tag: u8, variant: u8) -> Result<bool, String> {
    let dialect = match variant % 4 {
        0 => Some(Dialect::Python),
        1 => Some(Dialect::Juel),
        _ => None,
    };
    let specs = Specs::from_sources_with(
        vec![(PathBuf::from("fuzz.bpmn"), input.to_vec())],
        &LoadOptions { dialect },
    );
    show(specs.diagnostics());
    Ok(!has_errors(specs.diagnostics()))
}

/// Data the decisions are evaluated against: names the fixtures use.
fn dmn_data() -> bpmn_engine::Data {
    let v = json!({
        "x": 5, "amount": 120.5, "age": 30, "Full Name": "Ada Lovelace",
        "order date": "2024-05-01", "s": "text", "items": [1, 2, 3],
        "person": {"name": "Ada", "age": 36}, "product_name": "hoodie",
        "shipping_method": "standard", "season": "Fall", "guestCount": 4,
    });
    v.as_object().unwrap().clone().into()
}

fn has_errors(diagnostics: &[bpmn_engine::Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// Loads DMN documents and evaluates every decision with and without data;
/// true when they loaded without errors. `spiff`: read the tables as
/// SpiffWorkflow does (Python cells).
fn evaluate_all(xml: Vec<u8>, spiff: bool) -> bool {
    let hint = if spiff {
        PythonHint::All
    } else {
        PythonHint::None
    };
    let loaded = bpmn_engine::parser::dmn::load_bytes(vec![(PathBuf::from("fuzz.dmn"), xml)]);
    let decisions = Decisions::from_loaded_with(loaded, &hint);
    show(decisions.diagnostics());
    let data = dmn_data();
    let empty = bpmn_engine::Data::new();
    let ids: Vec<String> = decisions
        .decision_ids()
        .iter()
        .map(|s| s.to_string())
        .collect();
    for id in ids {
        for d in [&data, &empty] {
            if let Ok(r) = decisions.evaluate(&id, d) {
                let _ = r.value();
            }
        }
    }
    !decisions.has_errors()
}

fn check_dmn(input: &[u8], _tag: u8, variant: u8) -> Result<bool, String> {
    Ok(evaluate_all(input.to_vec(), variant % 2 == 1))
}

/// FEEL: the text as a literal expression, as a unary test and as an
/// output entry of a decision table, and (variant) as an input expression;
/// (variant) the table read as SpiffWorkflow reads it, so the same text is
/// tried as Python.
fn check_feel(input: &[u8], _tag: u8, variant: u8) -> Result<bool, String> {
    let text = escape_xml(&String::from_utf8_lossy(input));
    let input_expr = if variant.is_multiple_of(2) {
        "x"
    } else {
        &text
    };
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="fuzz" name="fuzz" namespace="https://bpmn-runner.example/fuzz">
  <decision id="expression" name="expression">
    <literalExpression><text>{text}</text></literalExpression>
  </decision>
  <decision id="table" name="table">
    <decisionTable hitPolicy="COLLECT">
      <input id="in1" label="x"><inputExpression typeRef="number"><text>{input_expr}</text></inputExpression></input>
      <output id="out1" name="out" />
      <rule id="r1"><inputEntry><text>{text}</text></inputEntry><outputEntry><text>{text}</text></outputEntry></rule>
      <rule id="r2"><inputEntry><text>-</text></inputEntry><outputEntry><text>{text}</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>
"#
    );
    Ok(evaluate_all(xml.into_bytes(), variant % 4 >= 2))
}

/// State: load; when that works, the instance must save and load again.
fn check_state(input: &[u8], tag: u8, variant: u8) -> Result<bool, String> {
    // Mostly the seed's own format; sometimes the other one.
    let json = (tag == 0) != variant.is_multiple_of(8);
    let format = if json { Format::Json } else { Format::Ron };
    let Ok((wf, origin)) = storage::load_bytes(input, format) else {
        return Ok(false);
    };
    let saved = storage::save_bytes(&wf, &origin, format)
        .map_err(|e| format!("loaded as {format:?}, but saving it again fails: {e}"))?;
    storage::load_bytes(&saved, format).map_err(|e| {
        format!(
            "loaded as {format:?} and saved, but the saved state does not load: {e}\nsaved: {}",
            String::from_utf8_lossy(&saved[..saved.len().min(2000)])
        )
    })?;
    Ok(true)
}

// ---------------------------------------------------------------- targets

#[test]
fn bpmn_parser_survives_mutations() {
    fuzz("bpmn", bpmn_seeds(), check_bpmn);
}

#[test]
fn dmn_files_survive_mutations() {
    fuzz("dmn", dmn_seeds(), check_dmn);
}

#[test]
fn feel_survives_mutations() {
    fuzz("feel", feel_seeds(), check_feel);
}

#[test]
fn state_loader_survives_mutations() {
    fuzz("state", state_seeds().to_vec(), check_state);
}

// ---------------------------------------------------------------- hostile shapes

fn nest(open: &str, middle: &str, close: &str, n: usize) -> Vec<u8> {
    format!("{}{middle}{}", open.repeat(n), close.repeat(n)).into_bytes()
}

fn chain(first: &str, op: &str, n: usize) -> Vec<u8> {
    let mut s = String::from(first);
    for _ in 0..n {
        s.push_str(op);
        s.push_str(first);
    }
    s.into_bytes()
}

/// A BPMN process with one script task and one conditional flow.
fn bpmn_with(script: &str, condition: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <process id="p" isExecutable="true">
    <startEvent id="s" />
    <sequenceFlow id="f1" sourceRef="s" targetRef="t" />
    <scriptTask id="t"><script>{}</script></scriptTask>
    <sequenceFlow id="f2" sourceRef="t" targetRef="g" />
    <exclusiveGateway id="g" default="f4" />
    <sequenceFlow id="f3" sourceRef="g" targetRef="e"><conditionExpression>{}</conditionExpression></sequenceFlow>
    <sequenceFlow id="f4" sourceRef="g" targetRef="e" />
    <endEvent id="e" />
  </process>
</definitions>
"#,
        escape_xml(script),
        escape_xml(condition)
    )
    .into_bytes()
}

#[test]
fn bpmn_parser_survives_hostile_shapes() {
    let deep_xml = nest("<a>", "", "</a>", 10_000);
    let mut wrapped =
        b"<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><process id=\"p\">"
            .to_vec();
    wrapped.extend(nest(
        "<subProcess>",
        "<task id=\"t\"/>",
        "</subProcess>",
        10_000,
    ));
    wrapped.extend(b"</process></definitions>");
    let parens = String::from_utf8(nest("(", "1", ")", 10_000)).unwrap();
    let brackets = String::from_utf8(nest("[", "1", "]", 10_000)).unwrap();
    let ops = String::from_utf8(chain("1", " + ", 100_000)).unwrap();
    let nots = format!("{}true", "not ".repeat(10_000));
    let laughs = br#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><definitions>&d;&d;&d;&d;&d;&d;&d;&d;</definitions>"#.to_vec();
    let mut inputs = vec![
        (deep_xml, 2),
        (wrapped, 2),
        (laughs, 2),
        (nest("<", "", "", 100_000), 2),
        (bpmn_with(&format!("x = {parens};"), &parens), 2),
        (bpmn_with(&format!("x = {brackets};"), &brackets), 2),
        (bpmn_with(&format!("x = {ops};"), &ops), 2),
        (bpmn_with("x = 1;", &nots), 2),
    ];
    let path = String::from_utf8(chain("x", ".y", 100_000)).unwrap();
    let index = String::from_utf8(chain("x", "[0]", 100_000)).unwrap();
    inputs.push((bpmn_with(&format!("let v = {path};"), &path), 2));
    for variant in [0, 1] {
        inputs.push((bpmn_with("x = 1", &format!("${{{path}}}")), variant));
        inputs.push((bpmn_with("x = 1", &format!("${{{index}}}")), variant));
        inputs.push((bpmn_with(&format!("v = {path}"), &path), variant));
        inputs.push((bpmn_with(&format!("v = {index}"), &index), variant));
        inputs.push((bpmn_with(&format!("x = {parens}"), &parens), variant));
        inputs.push((bpmn_with(&format!("x = {brackets}"), &brackets), variant));
        inputs.push((bpmn_with(&format!("x = {ops}"), &ops), variant));
        inputs.push((bpmn_with("x = 1", &format!("${{{ops} > 1}}")), variant));
    }
    for (input, variant) in inputs {
        run_shape("bpmn", check_bpmn, input, 0, variant);
    }
}

#[test]
fn feel_survives_hostile_shapes() {
    let shapes = [
        nest("(", "1", ")", 10_000),
        nest("[", "1", "]", 10_000),
        nest("{a: ", "1", "}", 10_000),
        nest("not(", "1", ")", 10_000),
        nest("abs(", "1", ")", 10_000),
        nest("if true then ", "1", " else 0", 10_000),
        nest("[", "", "", 10_000),
        nest("(", "", "", 10_000),
        nest("(", "1", ")", 100),
        nest("[", "1", "]", 100),
        // Just under the parser's depth bound: accepted, and evaluated
        // without exhausting a 2 MiB test thread's stack.
        nest("(", "1", ")", 190),
        nest("[", "1", "]", 190),
        nest("{a: ", "1", "}", 190),
        nest("not(", "true", ")", 190),
        nest("abs(", "-1", ")", 190),
        nest("]", "1..2]", "..3]", 190),
        nest("- ", "1", "", 190),
        chain("1", " + ", 190),
        chain("x", "[1]", 190),
        // `]` opens an interval whose ends were read without counting
        // the depth: this overflowed the stack (found by the fuzzer).
        "]".repeat(10_000).into_bytes(),
        "]][18..]".repeat(2_000).into_bytes(),
        nest("]", "1..2]", "..3]", 10_000),
        "-".repeat(10_000).into_bytes(),
        "- ".repeat(10_000).into_bytes(),
        chain("1", " + ", 100_000),
        chain("x", " and ", 100_000),
        chain("1", " ** ", 100_000),
        chain("x", " = ", 100_000),
        chain("a", ".", 100_000),
        chain("x", "[1]", 100_000),
        chain("[1..2]", ", ", 100_000),
        chain("< 1", ", ", 100_000),
        chain("\"s\"", " + ", 100_000),
        format!("\"{}\"", "a".repeat(1 << 20)).into_bytes(),
        format!("{}1", "9".repeat(100_000)).into_bytes(),
        format!("1e{}", "9".repeat(1000)).into_bytes(),
        "[1..1000000000000]".into(),
        "string length(\"a\") * 1e308 * 1e308".into(),
        "@\"P999999999999Y\" + @\"2024-01-01\"".into(),
        "date(999999999, 1, 1)".into(),
    ];
    for shape in shapes {
        run_shape("feel", check_feel, shape.clone(), 0, 0);
        run_shape("feel", check_feel, shape, 0, 1);
    }
}

#[test]
fn dmn_files_survive_hostile_shapes() {
    // A 20,000-rule table on a single line.
    let rules: String = (0..20_000)
        .map(|i| format!(r#"<rule id="r{i}"><inputEntry><text>{i}</text></inputEntry><outputEntry><text>"{i}"</text></outputEntry></rule>"#))
        .collect();
    let one_line = format!(
        r#"<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="n"><decision id="t" name="t"><decisionTable hitPolicy="FIRST"><input id="i"><inputExpression><text>x</text></inputExpression></input><output id="o" name="o"/>{rules}</decisionTable></decision></definitions>"#
    );
    // Decisions that require each other in a 2,000-long chain.
    let mut chained = String::from(
        r#"<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="n">"#,
    );
    for i in 0..2_000 {
        let requires = if i > 0 {
            format!(
                r##"<informationRequirement><requiredDecision href="#d{}"/></informationRequirement>"##,
                i - 1
            )
        } else {
            String::new()
        };
        let body = if i > 0 {
            format!("d{} + 1", i - 1)
        } else {
            "1".into()
        };
        chained.push_str(&format!(
            r#"<decision id="d{i}" name="d{i}">{requires}<literalExpression><text>{body}</text></literalExpression></decision>"#
        ));
    }
    chained.push_str("</definitions>");
    for input in [
        one_line.into_bytes(),
        chained.into_bytes(),
        nest("<decision>", "", "</decision>", 10_000),
    ] {
        run_shape("dmn", check_dmn, input, 0, 0);
    }
}

#[test]
fn state_loader_survives_hostile_shapes() {
    let seeds = state_seeds();
    let json_seed: Value = serde_json::from_slice(&seeds[0].bytes).unwrap();
    let mut shapes: Vec<(Vec<u8>, u8)> = vec![
        (nest("[", "", "]", 10_000), 0),
        (nest("{\"a\":", "1", "}", 10_000), 0),
        (nest("[", "", "", 100_000), 0),
        (nest("(", "", ")", 10_000), 1),
        (nest("[", "", "]", 10_000), 1),
        (nest("{\"a\":", "1", "}", 10_000), 1),
        (nest("Some(", "1", ")", 10_000), 1),
        (nest("[", "1", "]", 200), 1),
    ];
    // A real state with a deep value in its data, a future version, a
    // hostile embedded diagram.
    let deep = |n: usize| -> Value {
        let mut v = json!(1);
        for _ in 0..n {
            v = json!([v]);
        }
        v
    };
    let mut variants = Vec::new();
    for depth in [90, 110, 126, 200] {
        let mut doc = json_seed.clone();
        inject(&mut doc, &deep(depth));
        variants.push(doc);
    }
    let mut future = json_seed.clone();
    future["version"] = json!(u64::MAX);
    variants.push(future);
    let mut deep_source = json_seed.clone();
    if let Some(s) = deep_source["sources"].get_mut(0) {
        s["text"] = json!(String::from_utf8(nest("<a>", "", "</a>", 10_000)).unwrap());
    }
    variants.push(deep_source);
    for doc in variants {
        shapes.push((serde_json::to_vec(&doc).unwrap(), 0));
        let ron = ron::Options::default()
            .with_recursion_limit(1000)
            .to_string(&doc)
            .unwrap();
        shapes.push((ron.into_bytes(), 1));
    }
    for (input, tag) in shapes {
        run_shape("state", check_state, input, tag, 1);
    }
}

/// Puts `value` into the first object of `doc["instance"]` that looks like
/// task data (a `data` field), or at the top of the instance.
fn inject(doc: &mut Value, value: &Value) {
    fn walk(v: &mut Value, value: &Value) -> bool {
        match v {
            Value::Object(o) => {
                if let Some(Value::Object(data)) = o.get_mut("data") {
                    data.insert("deep".into(), value.clone());
                    return true;
                }
                o.values_mut().any(|c| walk(c, value))
            }
            Value::Array(a) => a.iter_mut().any(|c| walk(c, value)),
            _ => false,
        }
    }
    if !walk(&mut doc["instance"], value) {
        doc["instance"]["deep"] = value.clone();
    }
}
