//! The `bpmn` binary as a good command-line citizen: a reader that goes
//! away (`bpmn tasks s.json | head -1`) is not an error for any command;
//! `bpmn completions SHELL` prints a completion script; `bpmn validate`
//! says what it found; a failing command says what failed once, without
//! `:0:0` positions or doubled `error:` prefixes.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::fixture;

const BIN: &str = env!("CARGO_BIN_EXE_bpmn");

fn dmn(name: &str) -> String {
    format!("{}/tests/fixtures/dmn/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// What the child's stdout is connected to.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Reader {
    /// A pipe that is read to the end.
    Whole,
    /// A pipe whose reader closed before the child started: every write
    /// fails with EPIPE.
    ClosedAtOnce,
    /// A pipe whose reader reads one line, then hangs up (`| head -1`).
    OneLine,
}

/// Runs `bpmn args` in `dir` with `stdin` as its input; returns the exit
/// status and stderr.
fn run(dir: &Path, args: &[String], stdin: &str, reader: Reader) -> (Option<i32>, String) {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped());
    match reader {
        Reader::ClosedAtOnce => {
            let mut fds = [0; 2];
            // SAFETY: pipe() fills both descriptors on success, each owned
            // once below.
            assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
            drop(unsafe { OwnedFd::from_raw_fd(fds[0]) });
            cmd.stdout(Stdio::from(unsafe { OwnedFd::from_raw_fd(fds[1]) }));
        }
        Reader::Whole | Reader::OneLine => {
            cmd.stdout(Stdio::piped());
        }
    }
    let mut child = cmd.spawn().unwrap();
    // The command reads its input before it writes, so all of it goes in
    // at once.
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    // stderr is read on its own thread so a full stderr pipe cannot stall
    // the child while stdout is being read.
    let mut err_pipe = child.stderr.take().unwrap();
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        err_pipe.read_to_string(&mut s).unwrap();
        s
    });
    if let Some(out) = child.stdout.take() {
        let mut out = BufReader::new(out);
        let mut sink = Vec::new();
        if reader == Reader::OneLine {
            out.read_until(b'\n', &mut sink).unwrap();
        } else {
            out.read_to_end(&mut sink).unwrap();
        }
    }
    let status = child.wait().unwrap();
    (status.code(), err.join().unwrap())
}

/// A directory with the states and inputs the commands below use: `seq.json`
/// waits at a user task, `msg.json` for a message, `big.json` holds data
/// far larger than a pipe's buffer.
fn workspace() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(p.join("none.json"), "[]").unwrap();
    std::fs::write(
        p.join("confirm.json"),
        r#"[{"task": "Task_Confirm", "data": {"tip": 1, "reviewer": "Ada"}}]"#,
    )
    .unwrap();
    let big: Vec<u32> = (0..15_000).collect();
    for (state, bpmn, process, data) in [
        (
            "seq.json",
            fixture("sequence.bpmn"),
            "Process_Sequence",
            r#"{"price": 2, "qty": 3}"#.to_string(),
        ),
        (
            "msg.json",
            fixture("events/message_catch.bpmn"),
            "Process_MessageCatch",
            "{}".to_string(),
        ),
        (
            "big.json",
            fixture("sequence.bpmn"),
            "Process_Sequence",
            serde_json::json!({"price": 2, "qty": 3, "big": big}).to_string(),
        ),
    ] {
        let out = Command::new(BIN)
            .current_dir(p)
            .arg("run")
            .arg("-b")
            .arg(bpmn)
            .args(["-p", process, "--data", &data, "--answers", "none.json"])
            .args(["--save", state])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(4), "{out:?}");
    }
    d
}

/// Every command that prints, with the input it reads.
fn printing_commands() -> Vec<(Vec<String>, &'static str)> {
    let seq = fixture("sequence.bpmn").display().to_string();
    let hit = dmn("hit_policies.dmn");
    let hit_tests = dmn("hit_policies-tests.xml");
    let run = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = ["run", "-b", &seq, "-p", "Process_Sequence"]
            .map(String::from)
            .into();
        v.extend(["--data", r#"{"price": 2, "qty": 3}"#].map(String::from));
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let words = |s: &str| -> Vec<String> { s.split(' ').map(String::from).collect() };
    vec![
        (run(&["--answers", "confirm.json"]), ""),
        (run(&["--answers", "none.json", "--json"]), ""),
        // The interactive session on piped input: run the task, give two
        // values, then end of input saves.
        (
            run(&["--save", "session.json"]),
            "1\ntip = 1\nreviewer = Ada\n\n",
        ),
        (words(&format!("validate -b {seq}")), ""),
        (words("resume seq.json --answers none.json"), ""),
        (words("resume big.json --answers none.json --json"), ""),
        (words("tasks seq.json"), ""),
        (words("tasks seq.json --json"), ""),
        (words("tasks seq.json --state ready"), ""),
        (words("data seq.json"), ""),
        (words("data big.json"), ""),
        (words("data big.json --json"), ""),
        (words("events msg.json"), ""),
        (words("advance msg.json --by PT1H"), ""),
        (
            vec![
                "send".into(),
                "msg.json".into(),
                "--message".into(),
                "order_paid".into(),
                "--payload".into(),
                r#"{"paid_amount": 30}"#.into(),
            ],
            "",
        ),
        (words("reset seq.json --task Task_Total"), ""),
        (
            vec![
                "decide".into(),
                "-d".into(),
                hit.clone(),
                "--decision".into(),
                "unique".into(),
                "--data".into(),
                r#"{"n": 2}"#.into(),
            ],
            "",
        ),
        (vec!["dmn-test".into(), hit, hit_tests], ""),
        (words("--help"), ""),
        (words("tasks --help"), ""),
        (words("--version"), ""),
        (words("completions bash"), ""),
        (words("completions zsh"), ""),
        (words("completions fish"), ""),
    ]
}

#[test]
fn a_closed_stdout_neither_panics_nor_changes_the_exit_status_of_any_command() {
    let commands = printing_commands();
    // Each way of reading gets its own copies of the states, as the
    // commands that change a state would otherwise see different ones.
    let mut failures = Vec::new();
    let mut want = Vec::new();
    let whole = workspace();
    for (args, stdin) in &commands {
        let (code, stderr) = run(whole.path(), args, stdin, Reader::Whole);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        want.push(code);
    }
    for reader in [Reader::ClosedAtOnce, Reader::OneLine] {
        let dir = workspace();
        for ((args, stdin), want) in commands.iter().zip(&want) {
            let (code, stderr) = run(dir.path(), args, stdin, reader);
            if stderr.contains("panicked") || stderr.contains("Broken pipe") {
                failures.push(format!("{reader:?} {args:?}: {stderr}"));
            }
            if code != *want {
                failures.push(format!(
                    "{reader:?} {args:?}: exit {code:?}, {want:?} with a reader that stays; {stderr}"
                ));
            }
        }
        // What changed a state saved it, reader or not.
        let out = Command::new(BIN)
            .current_dir(dir.path())
            .args(["tasks", "msg.json", "--state", "completed", "--json"])
            .output()
            .unwrap();
        if !String::from_utf8_lossy(&out.stdout).contains("Task_Ship") {
            failures.push(format!(
                "{reader:?}: the message sent with a closed stdout was not saved"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn completions(shell: &str) -> String {
    let out = Command::new(BIN)
        .args(["completions", shell])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_for_bash_zsh_and_fish_name_the_subcommands() {
    for shell in ["bash", "zsh", "fish"] {
        let script = completions(shell);
        for word in [
            "run",
            "resume",
            "validate",
            "dmn-test",
            "--answers",
            "completions",
        ] {
            assert!(script.contains(word), "{shell}: no `{word}` in\n{script}");
        }
    }
    let out = Command::new(BIN)
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

/// The bash script, loaded in bash, completes a subcommand and the values
/// of an option (skipped where bash is missing).
#[test]
fn the_bash_completion_script_completes_in_bash() {
    let script = completions("bash");
    let probe = r#"
        COMP_WORDS=(bpmn va); COMP_CWORD=1; _bpmn bpmn va bpmn; echo "${COMPREPLY[*]}"
        COMP_WORDS=(bpmn tasks s.json --state ''); COMP_CWORD=4; _bpmn bpmn '' --state; echo "${COMPREPLY[*]}"
    "#;
    let Ok(out) = Command::new("bash")
        .args(["--norc", "-c", &format!("{script}\n{probe}")])
        .output()
    else {
        eprintln!("no bash here: the bash completion script was not run");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "validate",
            "ready waiting started completed cancelled error future all"
        ],
        "{out:?}"
    );
}

#[test]
fn validate_lists_the_processes_and_collaborations_it_found() {
    let files = [
        fixture("collaboration.bpmn"),
        fixture("sequence.bpmn"),
        fixture("invalid/not_executable.bpmn"),
    ];
    let out = Command::new(BIN)
        .arg("validate")
        .arg("-b")
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    // stdout stays the list of problems (none here).
    assert!(out.stdout.is_empty(), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let line = |kind: &str, id: &str| -> Vec<String> {
        let l = stderr
            .lines()
            .find(|l| l.starts_with(kind) && l.split_whitespace().nth(1) == Some(id))
            .unwrap_or_else(|| panic!("no {kind} {id} in\n{stderr}"));
        l.split_whitespace().map(String::from).collect()
    };
    let file = |i: usize| files[i].display().to_string();
    assert_eq!(
        line("process", "Process_Customer")[..4],
        ["process", "Process_Customer", "Customer", &file(0)]
    );
    assert_eq!(
        line("process", "Process_Sequence")[..4],
        ["process", "Process_Sequence", "Sequence", &file(1)]
    );
    let draft = line("process", "Process_Draft");
    assert_eq!(draft[..4], ["process", "Process_Draft", "Draft", &file(2)]);
    assert!(
        draft.join(" ").contains("isExecutable=\"false\""),
        "{stderr}"
    );
    let collab = line("collaboration", "Collab_Orders").join(" ");
    assert!(
        collab.starts_with(&format!("collaboration Collab_Orders - {}", file(0))),
        "{stderr}"
    );
    assert!(
        collab.contains("Customer → Process_Customer, Shop → Process_Shop, Bank"),
        "{stderr}"
    );
    assert!(
        stderr.contains("3 file(s), 4 process(es) (3 executable)"),
        "{stderr}"
    );

    // A collaboration's own name is shown too.
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("named.bpmn"),
        r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D">
  <collaboration id="C" name="Orders and payments">
    <participant id="P" name="Shop" processRef="Shop"/>
  </collaboration>
  <process id="Shop" isExecutable="true"><startEvent id="s"/></process>
</definitions>"#,
    )
    .unwrap();
    let out = Command::new(BIN)
        .current_dir(d.path())
        .args(["validate", "-b", "named.bpmn"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.lines().any(|l| l.starts_with("collaboration")
            && l.contains(" C ")
            && l.contains("Orders and payments")
            && l.contains("named.bpmn")),
        "{stderr}"
    );
}

/// Runs `bpmn args` in `dir`; returns the exit status and what it printed,
/// stdout (where `validate` lists problems) then stderr.
fn fails(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let mut text = String::from_utf8(out.stdout).unwrap();
    text.push_str(&String::from_utf8(out.stderr).unwrap());
    (out.status.code(), text)
}

#[test]
fn missing_files_say_so_without_a_position() {
    let d = workspace();
    let p = d.path();
    let seq = fixture("sequence.bpmn").display().to_string();
    let hit = dmn("hit_policies.dmn");
    for (args, want) in [
        (
            vec![
                "run",
                "-b",
                "order.bpmn",
                "-p",
                "P",
                "--answers",
                "none.json",
            ],
            "error: order.bpmn: no such file (check the path)\n",
        ),
        (
            vec!["run", "-b", &seq, "-d", "prices.dmn", "-p", "P"],
            "error: prices.dmn: no such file (check the path)\n",
        ),
        (
            vec!["validate", "-b", "order.bpmn"],
            "order.bpmn: error: no such file (check the path)",
        ),
        (
            vec!["decide", "-d", "prices.dmn", "--decision", "d"],
            "prices.dmn: error: no such file (check the path)",
        ),
        (
            vec!["dmn-test", &hit, "cases.xml"],
            "error: cases.xml: no such file (check the path)\n",
        ),
        (
            vec!["dmn-test", "model.dmn", "cases.xml"],
            "error: cases.xml: no such file (check the path)\n",
        ),
        (
            vec!["tasks", "order.json"],
            "error: order.json: cannot read the state file: no such file (check the path)\n",
        ),
        (
            vec!["resume", "order.json", "--answers", "none.json"],
            "error: order.json: cannot read the state file: no such file (check the path)\n",
        ),
        (
            vec!["run", "-b", &seq, "-p", "P", "--answers", "answers.json"],
            "error: answers.json: cannot read the answers file: no such file (check the path)\n",
        ),
    ] {
        let (code, stderr) = fails(p, &args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(want), "{args:?}: {stderr}");
    }
}

#[test]
fn no_failing_command_doubles_its_error_prefix_or_shows_line_zero() {
    let d = workspace();
    let p = d.path();
    std::fs::write(p.join("bad.xml"), "<testCases><testCase").unwrap();
    std::fs::write(p.join("bad.dmn"), "<definitions").unwrap();
    std::fs::write(p.join("bad.bpmn"), "<definitions").unwrap();
    std::fs::write(p.join("ghost.json"), r#"[{"task": "Nope"}]"#).unwrap();
    // A state whose embedded diagram no longer parses.
    let mut state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p.join("seq.json")).unwrap()).unwrap();
    state["sources"][0]["text"] = "<definitions".into();
    std::fs::write(p.join("broken.json"), state.to_string()).unwrap();
    let seq = fixture("sequence.bpmn").display().to_string();
    let svc = fixture("data/svc_spiff.bpmn").display().to_string();
    let hit = dmn("hit_policies.dmn");
    let data = r#"{"price": 2, "qty": 3}"#;
    let cases: Vec<Vec<&str>> = vec![
        vec!["validate", "-b", "nope.bpmn", "bad.bpmn"],
        vec![
            "run",
            "-b",
            "nope.bpmn",
            "-p",
            "x",
            "--answers",
            "none.json",
        ],
        vec!["run", "-b", "bad.bpmn", "-p", "x", "--answers", "none.json"],
        vec!["run", "-b", &seq, "-d", "bad.dmn", "-p", "Process_Sequence"],
        vec!["run", "-b", &seq, "-p", "Nope", "--answers", "none.json"],
        vec![
            "run",
            "-b",
            &seq,
            "-p",
            "Process_Sequence",
            "--data",
            data,
            "--answers",
            "ghost.json",
        ],
        vec![
            "run",
            "-b",
            &seq,
            "-p",
            "Process_Sequence",
            "--answers",
            "none.json",
        ],
        vec![
            "run",
            "-b",
            &svc,
            "-p",
            "Process_SvcSpiff",
            "--answers",
            "none.json",
        ],
        vec!["tasks", "nope.json"],
        vec!["tasks", "broken.json"],
        vec!["data", "seq.json", "--task", "Nope"],
        vec!["reset", "seq.json", "--task", "Task_Confirm"],
        vec!["send", "seq.json", "--message", "nobody_waits"],
        vec!["advance", "seq.json", "--by", "two hours"],
        vec!["decide", "-d", "nope.dmn", "bad.dmn", "--decision", "x"],
        vec![
            "decide",
            "-d",
            &hit,
            "--decision",
            "unique",
            "--data",
            r#"{"n": 7}"#,
        ],
        vec!["dmn-test", &hit, "bad.xml"],
        vec!["dmn-test", "bad.dmn", "nope.xml"],
        vec!["completions", "tcsh"],
    ];
    let mut failures = Vec::new();
    for args in &cases {
        let (code, stderr) = fails(p, args);
        if code == Some(0) {
            failures.push(format!("{args:?} did not fail"));
        }
        if stderr.contains("panicked") {
            failures.push(format!("{args:?} panicked: {stderr}"));
        }
        // A message may quote a parser's "syntax error: …"; what must not
        // happen is the top-level `error:` before a diagnostic that
        // carries its own (`error: f.bpmn:3:4: error: …`).
        for line in stderr.lines() {
            let doubled = line.contains("error: error")
                || (line.starts_with("error:")
                    && (line[6..].contains(": error:") || line.contains(": warning:")));
            if doubled || line.contains(":0:0") {
                failures.push(format!("{args:?}: {line}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
