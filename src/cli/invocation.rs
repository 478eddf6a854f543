//! How this program was invoked, so that a hint that prints a command to
//! run next ("Continue with: bpmn resume order.json") prints one that works
//! where the person typed the first: `./target/release/bpmn resume …`
//! after `./target/release/bpmn run …`, `cargo run -- resume …` after
//! `cargo run -- run …`.
//!
//! The rule:
//! - Run by `cargo run`: cargo sets `CARGO_PKG_NAME` (this package's name)
//!   and `CARGO_MANIFEST_DIR` for the program it runs, and the executable
//!   is `bpmn` in the profile's folder of the target directory. The hint is
//!   `cargo run --`, with `--release` or `--profile NAME` when that folder
//!   says so, and `--manifest-path` when the current directory is outside
//!   the package (cargo would not find it from there). A program that
//!   cargo's test runner started (an integration test spawning the binary)
//!   sees the same variables and also `CARGO_BIN_EXE_bpmn`, which
//!   `cargo run` does not set: that one is not taken for `cargo run`.
//! - Otherwise `argv[0]` as given: `bpmn` when the shell found it on the
//!   PATH, the path that was typed otherwise.
//!
//! Words are quoted for a POSIX shell when they need it.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The binary's name (`[[bin]] name` in Cargo.toml).
const BIN: &str = "bpmn";

/// What the rule looks at; read from the process by [`program`], given by
/// hand in tests.
#[derive(Debug, Default, Clone)]
pub struct Facts {
    /// `argv[0]`.
    pub argv0: Option<OsString>,
    /// The running executable.
    pub exe: Option<PathBuf>,
    /// The current directory.
    pub cwd: Option<PathBuf>,
    /// `CARGO_PKG_NAME`.
    pub cargo_package: Option<OsString>,
    /// `CARGO_MANIFEST_DIR`.
    pub manifest_dir: Option<PathBuf>,
    /// `CARGO_BIN_EXE_bpmn` is set (cargo's test runner started us).
    pub under_cargo_test: bool,
}

impl Facts {
    /// The facts of this process.
    pub fn current() -> Facts {
        Facts {
            argv0: std::env::args_os().next(),
            exe: std::env::current_exe().ok(),
            cwd: std::env::current_dir().ok(),
            cargo_package: std::env::var_os("CARGO_PKG_NAME"),
            manifest_dir: std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from),
            under_cargo_test: std::env::var_os(format!("CARGO_BIN_EXE_{BIN}")).is_some(),
        }
    }
}

/// The command that runs this program again, as it was invoked (see the
/// module doc): the words before `resume …` in a hint.
pub fn program() -> String {
    program_of(&Facts::current())
}

/// [`program`] for the given facts.
pub fn program_of(f: &Facts) -> String {
    if let Some(cargo) = cargo_run(f) {
        return cargo;
    }
    match f.argv0.as_ref().map(|a| a.to_string_lossy()) {
        Some(a) if !a.is_empty() => shell_word(&a),
        _ => BIN.to_string(),
    }
}

/// `cargo run [--release | --profile P] [--manifest-path M] --` when
/// `cargo run` started this program.
fn cargo_run(f: &Facts) -> Option<String> {
    if f.under_cargo_test || f.cargo_package.as_deref()? != env!("CARGO_PKG_NAME") {
        return None;
    }
    let manifest_dir = f.manifest_dir.as_ref()?;
    let exe = f.exe.as_ref()?;
    if exe.file_stem()? != BIN {
        return None;
    }
    let mut cmd = String::from("cargo run");
    match exe
        .parent()
        .and_then(Path::file_name)
        .and_then(|p| p.to_str())
    {
        Some("debug") | None => {}
        Some("release") => cmd.push_str(" --release"),
        Some(profile) => {
            cmd.push_str(" --profile ");
            cmd.push_str(&shell_word(profile));
        }
    }
    if !f.cwd.as_ref().is_some_and(|c| c.starts_with(manifest_dir)) {
        cmd.push_str(" --manifest-path ");
        cmd.push_str(&shell_word(
            &manifest_dir.join("Cargo.toml").to_string_lossy(),
        ));
    }
    cmd.push_str(" --");
    Some(cmd)
}

/// `word` as a POSIX shell reads it back: bare when it holds only
/// characters no shell treats specially, else in single quotes.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The hint that continues a saved instance: `PROGRAM resume FILE`.
pub fn resume_command(program: &str, file: &Path) -> String {
    format!(
        "{program} resume {}",
        shell_word(&file.display().to_string())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cargo(exe: &str, cwd: &str) -> Facts {
        Facts {
            argv0: Some(exe.into()),
            exe: Some(PathBuf::from("/src/bpmn-runner").join(exe)),
            cwd: Some(cwd.into()),
            cargo_package: Some(env!("CARGO_PKG_NAME").into()),
            manifest_dir: Some("/src/bpmn-runner".into()),
            under_cargo_test: false,
        }
    }

    #[test]
    fn argv0_as_given_when_cargo_did_not_run_it() {
        let f = |a: &str| Facts {
            argv0: Some(a.into()),
            exe: Some("/usr/local/bin/bpmn".into()),
            ..Facts::default()
        };
        assert_eq!(program_of(&f("bpmn")), "bpmn");
        assert_eq!(
            program_of(&f("./target/release/bpmn")),
            "./target/release/bpmn"
        );
        assert_eq!(program_of(&f("/opt/my tools/bpmn")), "'/opt/my tools/bpmn'");
        assert_eq!(program_of(&Facts::default()), "bpmn");
    }

    #[test]
    fn cargo_run_with_its_profile_and_from_outside_the_package() {
        assert_eq!(
            program_of(&cargo("target/debug/bpmn", "/src/bpmn-runner")),
            "cargo run --"
        );
        assert_eq!(
            program_of(&cargo("target/release/bpmn", "/src/bpmn-runner/bpmn")),
            "cargo run --release --"
        );
        assert_eq!(
            program_of(&cargo("target/fast/bpmn", "/src/bpmn-runner")),
            "cargo run --profile fast --"
        );
        assert_eq!(
            program_of(&cargo("target/debug/bpmn", "/tmp")),
            "cargo run --manifest-path /src/bpmn-runner/Cargo.toml --"
        );
    }

    #[test]
    fn not_cargo_run_when_a_test_or_another_package_started_it() {
        let test = Facts {
            under_cargo_test: true,
            ..cargo("target/debug/bpmn", "/src/bpmn-runner")
        };
        assert_eq!(program_of(&test), "target/debug/bpmn");
        let other = Facts {
            cargo_package: Some("their-app".into()),
            ..cargo("target/debug/bpmn", "/src/bpmn-runner")
        };
        assert_eq!(program_of(&other), "target/debug/bpmn");
        let unit_test = cargo("target/debug/deps/bpmn-0123abcd", "/src/bpmn-runner");
        assert_eq!(program_of(&unit_test), "target/debug/deps/bpmn-0123abcd");
    }

    #[test]
    fn words_are_quoted_only_when_needed() {
        assert_eq!(shell_word("order.json"), "order.json");
        assert_eq!(shell_word("my order.json"), "'my order.json'");
        assert_eq!(shell_word("it's.json"), r"'it'\''s.json'");
        assert_eq!(shell_word(""), "''");
        assert_eq!(
            resume_command("cargo run --", Path::new("a b.json")),
            "cargo run -- resume 'a b.json'"
        );
    }
}
