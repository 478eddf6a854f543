//! Service tasks: a handler registered through the library, the checks at
//! load time, failures that leave the task in ERROR and resume, and the
//! operations the CLI ships (file, shell, http, connectors).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use assert_cmd::Command;
use bpmn_engine::{Data, ServiceHandler, Severity, Specs, TaskState};
use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/bpmn/data/{name}"))
}

fn obj(v: Value) -> Data {
    v.as_object().unwrap().clone().into()
}

/// Echoes its parameters; fails while `broken` is set.
struct Echo {
    broken: AtomicBool,
    calls: Mutex<Vec<String>>,
}

impl ServiceHandler for Echo {
    fn operations(&self) -> Vec<String> {
        vec!["lookup".into(), "com.example.Lookup".into()]
    }
    fn call(&self, operation: &str, parameters: &Data) -> Result<Value, String> {
        self.calls.lock().unwrap().push(operation.to_string());
        if self.broken.load(Ordering::SeqCst) {
            return Err("the lookup service is down".into());
        }
        Ok(json!({"op": operation, "params": parameters}))
    }
}

fn echo(broken: bool) -> Arc<Echo> {
    Arc::new(Echo {
        broken: AtomicBool::new(broken),
        calls: Mutex::new(Vec::new()),
    })
}

#[test]
fn spiff_operator_parameters_are_evaluated_and_the_result_stored() {
    let specs = Specs::load(&[fixture("svc_spiff.bpmn")]);
    assert!(specs.diagnostics().is_empty(), "{:?}", specs.diagnostics());
    let h = echo(false);
    assert!(specs.check_services(h.as_ref()).is_empty());
    let mut wf = specs
        .start("Process_SvcSpiff", obj(json!({"name": "Ada", "count": 21})))
        .unwrap();
    wf.set_service_handler(h.clone());
    wf.run().unwrap();
    assert!(wf.is_completed());
    assert_eq!(
        wf.data()["answer"],
        json!({"op": "lookup", "params": {"q": "Ada!", "n": 42}})
    );
}

#[test]
fn camunda_class_and_input_parameters() {
    let specs = Specs::load(&[fixture("svc_camunda.bpmn")]);
    assert!(specs.diagnostics().is_empty(), "{:?}", specs.diagnostics());
    let mut wf = specs
        .start("Process_SvcCamunda", obj(json!({"name": "Ada"})))
        .unwrap();
    wf.set_service_handler(echo(false));
    wf.run().unwrap();
    assert_eq!(
        wf.data()["answer"],
        json!({"op": "com.example.Lookup", "params": {"q": "Ada", "fixed": "constant"}})
    );
}

#[test]
fn unknown_operations_are_listed_at_load_time() {
    struct Other;
    impl ServiceHandler for Other {
        fn operations(&self) -> Vec<String> {
            vec!["b".into(), "a".into()]
        }
        fn call(&self, _: &str, _: &Data) -> Result<Value, String> {
            Ok(Value::Null)
        }
    }
    let specs = Specs::load(&[fixture("svc_spiff.bpmn")]);
    let problems = specs.check_services(&Other);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].element.as_deref(), Some("Task_Lookup"));
    assert!(
        problems[0]
            .message
            .contains("unknown service operation `lookup`; known operations: a, b"),
        "{}",
        problems[0].message
    );
}

#[test]
fn a_failing_service_leaves_the_task_in_error_and_resumes_when_fixed() {
    let specs = Specs::load(&[fixture("svc_spiff.bpmn")]);
    let h = echo(true);
    let mut wf = specs
        .start("Process_SvcSpiff", obj(json!({"name": "Ada", "count": 1})))
        .unwrap();
    wf.set_service_handler(h.clone());
    let err = wf.run().unwrap_err();
    assert_eq!(err.element, "Task_Lookup");
    assert!(err.message.contains("the lookup service is down"), "{err}");
    let t = err.task.unwrap();
    assert_eq!(wf.task(t).unwrap().state, TaskState::Error);
    h.broken.store(false, Ordering::SeqCst);
    wf.retry_failed();
    wf.run().unwrap();
    assert!(wf.is_completed());
    assert_eq!(h.calls.lock().unwrap().len(), 2);
}

#[test]
fn without_a_handler_a_service_task_is_an_error_not_a_panic() {
    let specs = Specs::load(&[fixture("svc_spiff.bpmn")]);
    let mut wf = specs
        .start("Process_SvcSpiff", obj(json!({"name": "Ada", "count": 1})))
        .unwrap();
    let err = wf.run().unwrap_err();
    assert!(err.message.contains("no service handler"), "{err}");
}

#[test]
fn a_service_task_without_an_operation_does_nothing_and_completes() {
    let specs = Specs::load(&[fixture("svc_none.bpmn")]);
    let warnings: Vec<String> = specs
        .diagnostics()
        .iter()
        .map(|d| {
            assert_eq!(d.severity, Severity::Warning, "{d}");
            d.to_string()
        })
        .collect();
    let file = fixture("svc_none.bpmn").display().to_string();
    assert_eq!(
        warnings,
        [
            format!(
                "{file}:7:5: warning: Task_Notify: service task names no operation, so it does nothing when it runs (name one with spiffworkflow:serviceTaskOperator, camunda:class, camunda:expression, camunda:delegateExpression, camunda:topic or zeebe:taskDefinition)"
            ),
            format!(
                "{file}:23:5: warning: Flow_dangling: sequence flow has no sourceRef, so it is ignored (connect both ends of the flow, or delete it)"
            ),
            format!(
                "{file}:24:5: warning: Flow_loose: sequence flow has no targetRef, so it is ignored (connect both ends of the flow, or delete it)"
            ),
        ]
    );
    // No operation to check against a handler, and none is needed to run.
    assert!(specs.check_services(echo(false).as_ref()).is_empty());
    let mut wf = specs
        .start("Process_SvcNone", obj(json!({"qty": 1})))
        .unwrap();
    wf.run().unwrap();
    assert!(wf.is_completed());
    assert_eq!(*wf.data(), obj(json!({"qty": 1, "after": 2})));
    let order: Vec<(&str, TaskState)> =
        wf.completed_tasks().map(|t| (t.bpmn_id, t.state)).collect();
    assert_eq!(
        order,
        [
            ("StartEvent_1", TaskState::Completed),
            ("Task_Notify", TaskState::Completed),
            ("Task_After", TaskState::Completed),
            ("EndEvent_1", TaskState::Completed)
        ]
    );
    // A registered handler is not called.
    let h = echo(false);
    let mut wf = specs
        .start("Process_SvcNone", obj(json!({"qty": 1})))
        .unwrap();
    wf.set_service_handler(h.clone());
    wf.run().unwrap();
    assert!(wf.is_completed());
    assert!(h.calls.lock().unwrap().is_empty());
}

fn bpmn() -> Command {
    Command::cargo_bin("bpmn").unwrap()
}

#[test]
fn cli_validate_warns_about_a_service_task_without_an_operation_and_loose_flows() {
    let out = bpmn()
        .args(["validate", "-b"])
        .arg(fixture("svc_none.bpmn"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].ends_with("svc_none.bpmn:7:5: warning: Task_Notify: service task names no operation, so it does nothing when it runs (name one with spiffworkflow:serviceTaskOperator, camunda:class, camunda:expression, camunda:delegateExpression, camunda:topic or zeebe:taskDefinition)"),
        "{stdout}"
    );
    assert!(lines[1].contains(":23:5: warning: Flow_dangling: sequence flow has no sourceRef"));
    assert!(lines[2].contains(":24:5: warning: Flow_loose: sequence flow has no targetRef"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("0 error(s), 3 warning(s)"), "{stderr}");
    // `run` runs it without --service.
    let out = bpmn()
        .args(["run", "--json", "-p", "Process_SvcNone", "-b"])
        .arg(fixture("svc_none.bpmn"))
        .args(["--data", r#"{"qty": 4}"#])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["data"], json!({"qty": 4, "after": 5}));
}

#[test]
fn cli_connector_gets_parameters_on_stdin() {
    let out = bpmn()
        .args(["run", "--json", "-p", "Process_SvcSpiff", "-b"])
        .arg(fixture("svc_spiff.bpmn"))
        .args(["--data", r#"{"name": "Ada", "count": 2}"#])
        .args(["--service", "lookup=cat"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["data"]["answer"], json!({"q": "Ada!", "n": 4}));
}

#[test]
fn cli_unknown_operation_is_a_load_error_listing_known_ones() {
    let out = bpmn()
        .args(["run", "-p", "Process_SvcSpiff", "-b"])
        .arg(fixture("svc_spiff.bpmn"))
        .args(["--data", r#"{"name": "Ada", "count": 2}"#])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown service operation `lookup`; known operations: file, http, shell"),
        "{err}"
    );
}

#[test]
fn cli_failing_connector_then_resume_after_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let flag = dir.path().join("up");
    let command = format!(
        "lookup=test -f {} && cat || (echo down >&2; exit 1)",
        flag.display()
    );
    let out = bpmn()
        .args(["run", "-p", "Process_SvcSpiff", "-b"])
        .arg(fixture("svc_spiff.bpmn"))
        .args(["--data", r#"{"name": "Ada", "count": 2}"#])
        .args(["--service", &command, "--save"])
        .arg(&state)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("down"));
    std::fs::write(&flag, "").unwrap();
    let out = bpmn()
        .arg("resume")
        .arg(&state)
        .args(["--json", "--service", &command])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["data"]["answer"]["q"], json!("Ada!"));
}

#[test]
fn cli_file_and_shell_operations() {
    let dir = tempfile::tempdir().unwrap();
    let run = |allow: bool| {
        let mut c = bpmn();
        c.args(["run", "--json", "-p", "Process_SvcBuiltin", "-b"])
            .arg(fixture("svc_builtin.bpmn"))
            .args(["--data", r#"{"payload": {"x": [1, 2]}}"#, "--allow-file"])
            .arg(dir.path());
        if allow {
            c.arg("--allow-shell");
        }
        c.output().unwrap()
    };
    let out = run(false);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pass --allow-shell"));
    let out = run(true);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["data"]["read_back"], json!({"x": [1, 2]}));
    assert_eq!(v["data"]["shell"]["stdout"], json!("hi\n"));
    assert!(dir.path().join("out/result.json").exists());
}

#[test]
fn cli_http_posts_json_to_a_local_listener() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = vec![0u8; 4096];
        let mut got = Vec::new();
        loop {
            let n = s.read(&mut buf).unwrap();
            got.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&got);
            if let Some(i) = text.find("\r\n\r\n")
                && (text[i + 4..].ends_with('}') || n == 0)
            {
                break;
            }
        }
        let request = String::from_utf8_lossy(&got).to_string();
        let body = r#"{"ok": true}"#;
        write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        request
    });
    let data = json!({"url": format!("http://127.0.0.1:{port}/items"), "payload": {"a": 1}});
    let out = bpmn()
        .args(["run", "--json", "-p", "Process_SvcHttp", "-b"])
        .arg(fixture("svc_http.bpmn"))
        .args(["--data", &data.to_string()])
        .args(["--allow-http", "localhost", &format!("127.0.0.1:{port}")])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["data"]["response"], json!({"ok": true}));
    let request = server.join().unwrap();
    assert!(request.starts_with("POST /items HTTP/1.1"), "{request}");
    assert!(request.ends_with(r#"{"a":1}"#), "{request}");
}

#[test]
fn cli_http_connection_refused_is_a_workflow_error() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let data = json!({"url": format!("http://127.0.0.1:{port}/"), "payload": {}});
    let out = bpmn()
        .args(["run", "-p", "Process_SvcHttp", "-b"])
        .arg(fixture("svc_http.bpmn"))
        .args(["--data", &data.to_string(), "--allow-http"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot connect"));
}

/// Runs the `file` service task of svc_file.bpmn with `action`, `path`
/// and `value`, adding `flags`; returns the exit code and stderr.
fn file_task(action: &str, path: &str, flags: &[&std::ffi::OsStr]) -> (i32, String) {
    let data = json!({"action": action, "path": path, "value": {"v": 2}});
    let out = bpmn()
        .args(["run", "--json", "-p", "Process_SvcFile", "-b"])
        .arg(fixture("svc_file.bpmn"))
        .args(["--data", &data.to_string()])
        .args(flags)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `allowed/` (the directory to allow) and `outside/secret.json` beside it,
/// with `allowed/link` pointing to `outside/`.
fn file_dirs() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let allowed = dir.path().join("allowed");
    let outside = dir.path().join("outside");
    std::fs::create_dir(&allowed).unwrap();
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("secret.json"), r#"{"secret": 1}"#).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, allowed.join("link")).unwrap();
    (dir, allowed, outside)
}

#[test]
fn cli_file_is_refused_without_allow_file() {
    let (dir, _, _) = file_dirs();
    // Not even in the current directory, the old default.
    let data = json!({"action": "write", "path": "x.json", "value": 1});
    let out = bpmn()
        .current_dir(dir.path())
        .args(["run", "-p", "Process_SvcFile", "-b"])
        .arg(fixture("svc_file.bpmn"))
        .args(["--data", &data.to_string()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("service `file` failed: refused: writing `x.json` needs an allowed directory (allow one with --allow-file DIR)"),
        "{err}"
    );
    assert!(!dir.path().join("x.json").exists(), "nothing was written");
    let (code, err) = file_task("read", "x.json", &[]);
    assert_eq!(code, 3);
    assert!(err.contains("refused: reading `x.json`"), "{err}");
}

#[test]
fn cli_file_reads_and_writes_inside_the_allowed_directory() {
    let (_dir, allowed, _) = file_dirs();
    let flags = [std::ffi::OsStr::new("--allow-file"), allowed.as_os_str()];
    for path in ["sub/new.json", "sub/../top.json"] {
        let (code, err) = file_task("write", path, &flags);
        assert_eq!(code, 0, "{path}: {err}");
        let (code, err) = file_task("read", path, &flags);
        assert_eq!(code, 0, "{path}: {err}");
    }
    assert_eq!(
        std::fs::read_to_string(allowed.join("sub/new.json")).unwrap(),
        "{\n  \"v\": 2\n}"
    );
    assert!(allowed.join("top.json").exists());
    // An absolute path is fine as long as it is inside.
    let inside = allowed.join("abs.json");
    let (code, err) = file_task("write", inside.to_str().unwrap(), &flags);
    assert_eq!(code, 0, "{err}");
    assert!(inside.exists());
}

#[test]
fn cli_file_refuses_paths_that_leave_the_allowed_directory() {
    let (dir, allowed, outside) = file_dirs();
    let flags = [std::ffi::OsStr::new("--allow-file"), allowed.as_os_str()];
    let real = std::fs::canonicalize(&allowed).unwrap();
    let secret = outside.join("secret.json");
    let mut paths = vec![
        "../outside/secret.json".to_string(),
        "../escaped.json".to_string(),
        "new/../../escaped.json".to_string(),
        secret.display().to_string(),
    ];
    if cfg!(unix) {
        paths.push("link/secret.json".into());
        paths.push("link/escaped.json".into());
    }
    for path in &paths {
        for (action, verb) in [("read", "reading"), ("write", "writing")] {
            let (code, err) = file_task(action, path, &flags);
            assert_eq!(code, 3, "{action} {path}: {err}");
            let want = format!(
                "service `file` failed: refused: {verb} `{path}` leaves the allowed directory {} (allow a directory with --allow-file DIR)",
                real.display()
            );
            assert!(err.contains(&want), "{action} {path}: {err}");
        }
    }
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap(),
        r#"{"secret": 1}"#
    );
    assert!(!dir.path().join("escaped.json").exists());
    assert!(!outside.join("escaped.json").exists());
    assert!(!allowed.join("new").exists());
}

#[test]
fn cli_file_dir_is_still_accepted_as_the_old_name() {
    let (_dir, allowed, _) = file_dirs();
    let flags = [std::ffi::OsStr::new("--file-dir"), allowed.as_os_str()];
    let (code, err) = file_task("write", "old.json", &flags);
    assert_eq!(code, 0, "{err}");
    assert!(allowed.join("old.json").exists());
}

/// A listener on 127.0.0.1 that must not be called: returns its port and a
/// check that nothing connected.
fn untouched_listener() -> (u16, impl FnOnce()) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    (port, move || {
        let got = listener.accept();
        assert!(
            matches!(&got, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
            "the service connected: {got:?}"
        );
    })
}

fn http_task(port: u16, flags: &[&str]) -> (i32, String) {
    let data = json!({"url": format!("http://127.0.0.1:{port}/items"), "payload": {}});
    let out = bpmn()
        .args(["run", "-p", "Process_SvcHttp", "-b"])
        .arg(fixture("svc_http.bpmn"))
        .args(["--data", &data.to_string()])
        .args(flags)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_http_is_refused_without_allow_http() {
    let (port, nothing_connected) = untouched_listener();
    let (code, err) = http_task(port, &[]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("service `http` failed: refused: host 127.0.0.1 is not allowed (allow it with --allow-http 127.0.0.1)"),
        "{err}"
    );
    nothing_connected();
}

#[test]
fn cli_http_is_refused_for_a_host_or_port_not_listed() {
    let (port, nothing_connected) = untouched_listener();
    let other_port = if port == 1 { "2" } else { "1" };
    for flags in [
        vec!["--allow-http", "example.org"],
        vec!["--allow-http", "localhost", "example.org"],
        vec!["--allow-http=example.org,localhost"],
        vec!["--allow-http", &format!("127.0.0.1:{other_port}")],
    ] {
        let (code, err) = http_task(port, &flags);
        assert_eq!(code, 3, "{flags:?}: {err}");
        assert!(
            err.contains("refused: host 127.0.0.1 is not allowed"),
            "{flags:?}: {err}"
        );
    }
    nothing_connected();
}

#[test]
fn validate_checks_service_operations_against_the_known_ones() {
    let file = fixture("svc_spiff.bpmn");
    Command::cargo_bin("bpmn")
        .unwrap()
        .args(["validate", "-b"])
        .arg(&file)
        .assert()
        .code(2)
        .stdout(predicates::str::contains(
            "unknown service operation `lookup`",
        ))
        .stdout(predicates::str::contains(
            "known operations: file, http, shell",
        ));
    Command::cargo_bin("bpmn")
        .unwrap()
        .args(["validate", "-b"])
        .arg(&file)
        .args(["--service", "lookup=cat"])
        .assert()
        .code(0);
}
